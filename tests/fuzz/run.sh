#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the policy fuzzer for SECONDS: a crash, a leak in vio's code or a slow input (over
# 10 s) fails. The seed corpus is conf/ and tests/conf/bad/; what it finds grows a corpus in a
# scratch directory (or $VIO_FUZZ_CORPUS), and crashes are kept in tests/fuzz/out/.
# usage: tests/fuzz/run.sh SECONDS
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
corpus=${VIO_FUZZ_CORPUS:-$(mktemp -d)}
mkdir -p "$corpus" tests/fuzz/out
cp conf/*.conf tests/conf/bad/*.conf "$corpus/"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
log=tests/fuzz/out/fuzz.log
set +e
tests/fuzz/fuzz-policy -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=4096 -print_final_stats=1 -artifact_prefix=tests/fuzz/out/ \
	-dict=tests/fuzz/policy.dict "$corpus" >"$log" 2>&1
rc=$?
set -e
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" |
	sed 's/^/fuzz: /'
cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
echo "fuzz: $cov, corpus $(find "$corpus" -type f | wc -l) inputs"
[ -n "${VIO_FUZZ_CORPUS:-}" ] || rm -rf "$corpus"
if [ "$rc" -ne 0 ]; then
	echo "fuzz: FAILED (exit $rc); see $log"
	grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -20
	echo "1 passed, 1 failed"
	exit 1
fi
echo "fuzz: 1 passed, 0 failed"
