#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make check-vm: every kernel-facing feature on a real kernel, in QEMU guests.
# make demo:     the example policy on a real kernel, then the guest's view of it.
# usage: tests/vm/run.sh [--demo] [TEST...]      tests: nvme netdevsim hotplug
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/vm/setup.sh
. tests/vm/lib.sh

demo=0
if [ "${1:-}" = --demo ]; then
	demo=1
	shift
fi
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(nvme)

t0=$(date +%s)
build_image
echo "vm: image $(du -h "$OUTDIR/guest.cpio.gz" | cut -f1) built in $(($(date +%s) - t0)) s"

passed=0 failed=0
for t in "${tests[@]}"; do
	t1=$(date +%s)
	args=()
	case $t in
	nvme | demo) args=("${NVME_ARGS[@]}") ;;
	esac
	rc=0
	boot "$t" "${args[@]}" || rc=$?
	log=$OUTDIR/$t.log
	p=$(grep -c '^VIO-PASS ' "$log" || true)
	f=$(grep -c '^VIO-FAIL ' "$log" || true)
	if ! grep -q '^=== VIO-DONE' "$log"; then
		echo "VIO-FAIL $t: the guest did not finish (qemu exit $rc)" >>"$log"
		f=$((f + 1))
	fi
	passed=$((passed + p)) failed=$((failed + f))
	echo "vm: $t: $p passed, $f failed in $(($(date +%s) - t1)) s"
	grep -E '^VIO-(PASS|FAIL)' "$log" | sed 's/^/  /'
	if [ "$f" -gt 0 ]; then
		echo "--- last 40 lines of $log"
		tail -40 "$log"
	fi
done
echo "vm: wall time $(($(date +%s) - t0)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
