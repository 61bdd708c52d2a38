#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks standard input against Prometheus' text exposition format (0.0.4), as far as vio
uses it: HELP and TYPE before each metric's samples, names and labels well formed, one TYPE
per metric, values numbers, no duplicate series. Exit 1 with the line on the first problem."""
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"^({NAME})(\{{(?:{LABEL})(?:,{LABEL})*\}})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$")
typed, helped, seen = {}, set(), set()
for n, line in enumerate(sys.stdin, 1):
    line = line.rstrip("\n")
    if line.startswith("# HELP "):
        name = line.split(" ", 3)[2]
        if name in helped:
            sys.exit(f"{n}: second HELP for {name}")
        helped.add(name)
    elif line.startswith("# TYPE "):
        parts = line.split(" ")
        if len(parts) != 4 or parts[3] not in ("gauge", "counter", "untyped", "summary", "histogram"):
            sys.exit(f"{n}: bad TYPE line: {line}")
        if parts[2] in typed:
            sys.exit(f"{n}: second TYPE for {parts[2]}")
        typed[parts[2]] = parts[3]
    elif line.startswith("#") or not line:
        continue
    else:
        m = SAMPLE.match(line)
        if not m:
            sys.exit(f"{n}: not a sample: {line}")
        if m.group(1) not in typed:
            sys.exit(f"{n}: {m.group(1)} has no TYPE before it")
        series = m.group(1) + (m.group(2) or "")
        if series in seen:
            sys.exit(f"{n}: duplicate series {series}")
        seen.add(series)
