#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The helper's dependency graph, from its #include lines, and the rules it must keep.

A module is a .c file and its .h (helper/sys/sysfs.[ch] is "sys/sysfs"). A module depends
on every module whose header it includes, from its .c or its .h. The folders are layers,
highest first; a module may depend on its own layer and those below it, never above, and
no two modules depend on each other through any chain. No C file is over MAX_LINES lines.
Each function a module's header declares is named after the module (underscores aside:
pf_devlink_plan in apply/pfdevlink) or after a type that header defines (link_state_done in
sys/netlink, which defines struct link_state); the exceptions, in FREE_NAMES, are the
freestanding helpers every layer uses as it uses libc's.
Two error currencies, each with one boundary: ERRNO_LAYERS speak negative errno and never
see shared/result.h; above them a result, which only cmd/main.c turns into the exit status
(no exit() call anywhere, and main() the only function that returns one). Output is the
command layer's: no module of apply/, core/, sys/ or state/ names stdout or calls printf()
or puts() (shared/'s JSON writer writes where the command tells it).

usage: tests/layers.py [--dot] [HELPER_DIR]
  exit 0 when every rule holds, 1 naming each broken one; --dot prints the graph (Graphviz).
"""
import os
import re
import sys

LAYERS = ["cmd", "apply", "core", "sys", "state", "shared"]
MAX_LINES = 600
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# A prototype at the start of a line: its return type, then the name and "(".
PROTO = re.compile(r'^(?:const\s+)?(?:struct\s+|enum\s+|unsigned\s+)?\w+[\s*]+(\w+)\(', re.M)
TYPEDEF = re.compile(r'^(?:struct|enum)\s+(\w+)\s*\{', re.M)
FREE_NAMES = {"shared/macro", "shared/util"}
ERRNO_LAYERS = ["sys"]
QUIET_LAYERS = ["apply", "core", "sys", "state"]
STDOUT = re.compile(r'\bstdout\b|\b(printf|puts|putchar)\s*\(')
EXIT_CALL = re.compile(r'\b_?exit\s*\(|\bEXIT_[A-Z]+\b')


def names(mods):
    """Functions declared in a header and named neither after its module nor its types."""
    out = []
    for m, files in sorted(mods.items()):
        if m in FREE_NAMES:
            continue
        prefix = m.split("/")[1].replace("_", "")
        for path in files:
            if not path.endswith(".h"):
                continue
            text = open(path, encoding="utf-8").read()
            types = TYPEDEF.findall(text)
            for fn in PROTO.findall(text):
                if fn.replace("_", "").startswith(prefix) or any(fn.startswith(t + "_") for t in types):
                    continue
                out.append(f"{path}: {fn}(): named after neither {m} nor a type it defines")
    return out


def modules(root):
    mods = {}
    for layer in LAYERS:
        d = os.path.join(root, layer)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith((".c", ".h")):
                mods.setdefault(f"{layer}/{f[:-2]}", []).append(os.path.join(d, f))
    return mods


def edges(root, mods):
    deps, problems = {m: set() for m in mods}, []
    for m, files in mods.items():
        for path in files:
            text = open(path, encoding="utf-8").read()
            for inc in INCLUDE.findall(text):
                target = inc[:-2] if inc.endswith(".h") else inc
                if target not in mods:
                    problems.append(f"{path}: #include \"{inc}\": not a module of {root} "
                                    "(name it from helper/, e.g. \"sys/sysfs.h\")")
                elif target != m:
                    deps[m].add(target)
    return deps, problems


def cycles(deps):
    """Tarjan's strongly connected components with more than one module."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(deps[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(deps):
        if v not in index:
            visit(v)
    return out


def main(argv):
    dot = "--dot" in argv
    args = [a for a in argv if a != "--dot"]
    root = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "helper")
    mods = modules(root)
    deps, problems = edges(root, mods)
    rank = {layer: i for i, layer in enumerate(LAYERS)}

    stray = [f for f in os.listdir(root) if f.endswith((".c", ".h"))]
    problems += [f"{root}/{f}: outside the layers ({', '.join(LAYERS)})" for f in sorted(stray)]
    for m in sorted(deps):
        for d in sorted(deps[m]):
            if rank[d.split("/")[0]] < rank[m.split("/")[0]]:
                problems.append(f"{m} -> {d}: depends on a higher layer")
    for comp in cycles(deps):
        problems.append("a circle: " + " -> ".join(comp + comp[:1]))
    problems += names(mods)
    for m, files in sorted(mods.items()):
        for path in files:
            text = open(path, encoding="utf-8").read()
            if m.split("/")[0] in ERRNO_LAYERS and "shared/result.h" in INCLUDE.findall(text):
                problems.append(f"{path}: includes shared/result.h; {m.split('/')[0]}/ returns -errno")
            if m.split("/")[0] in QUIET_LAYERS and STDOUT.search(re.sub(r'/\*.*?\*/', '', text, flags=re.S)):
                problems.append(f"{path}: writes to stdout, which only cmd/ does")
            if m != "cmd/main" and EXIT_CALL.search(text):
                problems.append(f"{path}: an exit status outside cmd/main.c")
    for files in mods.values():
        for path in files:
            if path.endswith(".c"):
                n = sum(1 for _ in open(path, encoding="utf-8"))
                if n > MAX_LINES:
                    problems.append(f"{path}: {n} lines (at most {MAX_LINES})")

    if dot:
        print("digraph helper {\n\trankdir=TB;\n\tnode [shape=box];")
        for layer in LAYERS:
            members = sorted(m for m in mods if m.startswith(layer + "/"))
            if members:
                print(f'\tsubgraph "cluster_{layer}" {{ label="{layer}/"; '
                      + " ".join(f'"{m}";' for m in members) + " }")
        for m in sorted(deps):
            for d in sorted(deps[m]):
                print(f'\t"{m}" -> "{d}";')
        print("}")
    for p in problems:
        print(p, file=sys.stderr)
    if not dot:
        n_edges = sum(len(v) for v in deps.values())
        print(f"{len(mods)} modules, {n_edges} dependencies, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
