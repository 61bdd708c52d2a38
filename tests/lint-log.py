#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every log call whose format prints %m passes the errno it means (the _errno variants):
log_error("... %m") would print whatever errno happens to hold, or "Success"."""
import re
import sys

CALL = re.compile(r"\blog_(debug|info|notice|warning|error|full)\s*\(")
bad = 0
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    for m in CALL.finditer(text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        if "%m" in text[m.end():i]:
            line = text.count("\n", 0, m.start()) + 1
            print(f"{path}:{line}: log_{m.group(1)}() with %m: use log_{m.group(1)}_errno(r, ...)")
            bad += 1
sys.exit(1 if bad else 0)
