#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of make bench-vm: each method is timed from its trigger until the kernel reports
# every VF as configured (polled, never the tools' logs), with the CPU the guest spent between
# the same two moments less the poller's own. One line per run, for tests/vm/bench.sh:
#   VIO-BENCH PF METHOD RUN WALL_MS CPU_MS DONE RIGHT
# DONE: 1 when the end state was reached before the timeout; RIGHT: VFs right at probe (igb).
. /vio-tests/lib.sh

RUNS=$(sed -n 's/.*vio\.runs=\([0-9]*\).*/\1/p' /proc/cmdline)
RUNS=${RUNS:-5}

cs() { cut -d' ' -f1 /proc/uptime | tr -d .; } # centiseconds since boot
# jiffies (USER_HZ, 10 ms) every CPU spent busy: user nice system irq softirq steal
busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# ms of CPU in a `times` report (this shell and the children it waited for)
times_ms() { tr 'ms' '  ' <"$1" | awk '{for (i = 1; i <= NF; i += 2) t += $i * 60 + $(i + 1)} END {printf "%d", t * 1000}'; }

# The methods' own files, so that only one method acts on each trigger.
VIO_RULES=/lib/udev/rules.d/60-vio.rules
vio_rules_off() { [ -e $VIO_RULES ] && mv $VIO_RULES /tmp/60-vio.rules.off; udevadm control --reload; }
vio_rules_on() { [ -e /tmp/60-vio.rules.off ] && mv /tmp/60-vio.rules.off $VIO_RULES; udevadm control --reload; }
methods_clear() {
	rm -f /etc/vio.d/*.conf /etc/systemd/network/10-bench.link /etc/udev/rules.d/70-bench.rules
	vio_rules_on
}

# measure PF METHOD RUN TRIGGER DONE [TIMEOUT_S]: TRIGGER and DONE are commands; DONE
# polled every 20 ms. RIGHT comes from bench_right when the caller defines it.
measure() {
	local pf=$1 m=$2 run=$3 trig=$4 done=$5 to=${6:-60} t0 t1 c0 c1 ok=1 right=-
	settle 1
	c0=$(busy)
	t0=$(cs)
	$trig
	times >/tmp/bench.t0
	while ! $done; do
		[ $(($(cs) - t0)) -gt $((to * 100)) ] && { ok=0; break; }
		sleep 0.02
	done
	times >/tmp/bench.t1
	t1=$(cs)
	c1=$(busy)
	[ $ok = 0 ] && command -v bench_note >/dev/null && echo "  bench: $pf $m run $run: timed out; $(bench_note)"
	udevadm settle -t 60 # names settle (igb's VF netdevs) before RIGHT reads them
	command -v bench_right >/dev/null && right=$(bench_right)
	echo "VIO-BENCH $pf $m $run $(((t1 - t0) * 10)) $(((c1 - c0) * 10 - $(times_ms /tmp/bench.t1) + $(times_ms /tmp/bench.t0))) $ok $right"
}

# run_methods PF METHOD...: RUNS rounds, the methods in turn in each (drift in the guest's
# speed spreads over all of them); each method's setup_M, trig_M, done_M and reset (fresh
# state between runs) are the caller's.
run_methods() {
	local pf=$1 r=1 m
	shift
	while [ $r -le "$RUNS" ]; do
		for m in "$@"; do
			methods_clear
			"setup_$m"
			measure "$pf" "$m" $r "trig_$m" "done_$m" "${TIMEOUT:-60}"
			settle 1
			reset
		done
		r=$((r + 1))
	done
	methods_clear
}

# macs DEVICE COUNT: /tmp/macs, "INDEX MAC" for each VF: vio's stable MACs (vio mac), the ones
# every method gives, so that all end in the same state.
macs() {
	local i=0
	while [ $i -lt "$2" ]; do
		echo "$i $(vio mac "$1" $i 2>/dev/null)"
		i=$((i + 1))
	done >/tmp/macs
}

# shell_rule IFNAME COUNT IP_ARGS: what most sites write, a rule on the PF interface's add
# event running a script: the count, then one `ip link set PF vf N mac M IP_ARGS` per VF.
shell_rule() {
	vio_rules_off
	cat >/tmp/bench-vfs.sh <<X
echo $2 >/sys/class/net/\$1/device/sriov_numvfs
while read -r i mac; do
	/bin/ip link set dev "\$1" vf "\$i" mac "\$mac" $3
done </tmp/macs
X
	echo "ACTION==\"add\", SUBSYSTEM==\"net\", KERNEL==\"$1\", RUN+=\"/bin/sh /tmp/bench-vfs.sh $1\"" \
		>/etc/udev/rules.d/70-bench.rules
	udevadm control --reload
}

# link_file DRIVER COUNT MACS_FILE [EXTRA]: a .link (systemd.link(5)) for the PF's
# interface: the count and an [SR-IOV] section per VF; the naming lines of 99-default.link.
link_file() {
	mkdir -p /etc/systemd/network
	{
		printf '[Match]\nDriver=%s\n\n[Link]\nNamePolicy=keep kernel database onboard slot path\n' "$1"
		printf 'AlternativeNamesPolicy=database onboard slot path\nSR-IOVVirtualFunctions=%s\n' "$2"
		while read -r i mac; do
			printf '\n[SR-IOV]\nVirtualFunction=%s\nMACAddress=%s\n%s' "$i" "$mac" "${4:-}"
		done <"$3"
	} >/etc/systemd/network/10-bench.link
	udevadm control --reload
}

# profile PF CMD...: where vio's time goes, from its debug log with timestamps (VIO_LOG_TIME),
# one run by hand after the benchmark, fresh; and the cost of starting vio at all.
profile() {
	local pf=$1 t0 i=0
	shift
	t0=$(cs)
	while [ $i -lt 10 ]; do
		vio --version >/dev/null
		i=$((i + 1))
	done
	echo "VIO-PROFILE $pf vio --version: $(($(cs) - t0)) ms per run (10 runs)"
	t0=$(cs)
	VIO_LOG_TIME=1 VIO_LOG_TARGET=stderr "$@" 2>&1 | sed "s/^/VIO-PROFILE $pf /"
	echo "VIO-PROFILE $pf total (wall, by hand): $((($(cs) - t0) * 10)) ms"
}
