#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench-vm: vio beside the kernel's floor and the tools operators would pick instead, one
# QEMU boot per PF type, every method run BENCH_RUNS times (default 5) in the same boot, fresh
# between runs (tests/vm/guest/bench-*.sh). Prints a table of medians, spread and ratios, and
# writes it to $OUTDIR/bench.md; --readme also puts it in README.md's "Compared with" section.
# usage: tests/vm/bench.sh [--readme] [--render] [netdevsim|igb|nvme...]
#        --render: the table again from the last runs ($OUTDIR/bench.runs), no boot.
set -euo pipefail
cd "$(dirname "$0")/../.."
readme='' render=''
while [ $# -gt 0 ]; do
	case $1 in
	--readme) readme=1 ;;
	--render) render=1 ;;
	*) break ;;
	esac
	shift
done
[ -n "$render" ] || bash tests/vm/setup.sh
. tests/vm/lib.sh

pfs=("$@")
[ ${#pfs[@]} -gt 0 ] || pfs=(netdevsim igb nvme)
RUNS=${BENCH_RUNS:-5}
rc=0
[ -n "$render" ] || build_image >/dev/null
[ -n "$render" ] || for pf in "${pfs[@]}"; do
	case $pf in
	netdevsim) args=() ;;
	igb) args=("${IGB_ARGS[@]}") ;;
	nvme) args=("${PRODUCTION_ARGS[@]}") ;;
	*) echo "bench-vm: no such PF type '$pf' (netdevsim, igb, nvme)" >&2; exit 1 ;;
	esac
	t0=$(date +%s)
	# igb needs Debian 13's QEMU (8.0 and later emulate it); the others boot the lab's.
	[ "$pf" = igb ] && q=$PWD/tests/vm/qemu10 || q=${LAB_QEMU}
	QEMU=$q APPEND="vio.runs=$RUNS" VIO_LAB_TIMEOUT=$((300 + 240 * RUNS)) boot "bench-$pf" "${args[@]}" || rc=$?
	echo "bench-vm: $pf: $(grep -c '^VIO-BENCH' "$OUTDIR/bench-$pf.log" || true) runs in $(($(date +%s) - t0)) s"
	qv=$("$q" --version | sed -n '1s/.*version \([0-9.]*\).*/\1/p')
	sed -n "s/\r//; s/^VIO-BENCH /$qv /p" "$OUTDIR/bench-$pf.log"
done >"$OUTDIR/bench.raw"
if [ -z "$render" ]; then
	grep -v '^bench-vm' "$OUTDIR/bench.raw" >"$OUTDIR/bench.runs" || true
	grep '^bench-vm' "$OUTDIR/bench.raw"
	# Where vio's time goes: its debug log with timestamps, one run by hand per PF type.
	for pf in "${pfs[@]}"; do
		sed -n 's/\r//; s/^VIO-PROFILE //p' "$OUTDIR/bench-$pf.log"
	done >"$OUTDIR/bench.profile"
fi
grep -E 'version|total|log' "$OUTDIR/bench.profile" | grep -v '\[' | sed 's/^/bench-vm: profile: /' || true

# The table: per PF and method, medians of wall and CPU, the wall's spread (min-max), ratios
# of the median wall to vio's and to the floor's, and how many runs ended in the end state.
awk -v kernel="$KV" -v udev="$(udevadm --version)" '
function median(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function minmax(s,   a, n, i, lo, hi) {
	n = split(s, a, " "); lo = hi = a[1]
	for (i = 2; i <= n; i++) { if (a[i] + 0 < lo + 0) lo = a[i]; if (a[i] + 0 > hi + 0) hi = a[i] }
	return lo "-" hi
}
{
	k = $2 SUBSEP $3
	if (!(k in seen)) { seen[k] = 1; order[++n] = k; qemu[$2] = $1 }
	runs[k]++
	if ($8 != "-") right[k] = right[k] " " $8
	# A run that never reached the end state has no time: counted, not averaged in.
	if ($7 == 1) { wall[k] = wall[k] " " $5; cpu[k] = cpu[k] " " $6; ok[k]++ }
}
END {
	print "| PF | method | wall ms (median) | spread | CPU ms (median) | wall / vio | wall / floor | CPU / vio | runs done | right at probe |"
	print "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	for (i = 1; i <= n; i++)
		if (ok[order[i]]) { w[order[i]] = median(wall[order[i]]); c[order[i]] = median(cpu[order[i]]) }
	for (i = 1; i <= n; i++) {
		k = order[i]; split(k, p, SUBSEP)
		v = p[1] SUBSEP "vio"; f = p[1] SUBSEP "floor"
		if (!ok[k]) {
			printf "| %s | %s | never | - | - | - | - | - | 0/%d | %s |\n", p[1], p[2], runs[k], k in right ? median(right[k]) : "-"
			continue
		}
		printf "| %s | %s | %d | %s | %d | %s | %s | %s | %d/%d | %s |\n", p[1], p[2], w[k], minmax(wall[k]), c[k],
			w[v] ? sprintf("%.2f", w[k] / w[v]) : "-", w[f] ? sprintf("%.2f", w[k] / w[f]) : "-",
			c[v] ? sprintf("%.2f", c[k] / c[v]) : "-", ok[k], runs[k], k in right ? median(right[k]) : "-"
	}
	printf "\nKernel %s, udev %s, QEMU", kernel, udev
	for (q in qemu) printf " %s (%s)", qemu[q], q
	printf " under TCG (2 vCPUs); medians of %d runs per method.\n", runs[order[1]]
}' "$OUTDIR/bench.runs" >"$OUTDIR/bench.md"
cat "$OUTDIR/bench.md"

if [ -n "$readme" ]; then
	# Between the markers of README's "Compared with" section.
	awk -v f="$OUTDIR/bench.md" '
		/<!-- bench-vm begin -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
		/<!-- bench-vm end -->/ { skip = 0 }
		!skip' README.md >README.md.new && mv README.md.new README.md
	echo "bench-vm: README.md's table regenerated"
fi
[ "$(wc -l <"$OUTDIR/bench.runs")" -gt 0 ] || { echo "bench-vm: no runs reported" >&2; exit 1; }
exit $rc
