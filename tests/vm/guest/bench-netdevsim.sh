#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench-vm, netdevsim with 256 VFs (VF settings only: netdevsim's VFs are not PCI
# devices). Done: the PF's VF table (vfdump, RTEXT_FILTER_SKIP_STATS) shows 256 VFs, each with
# its MAC, VLAN 100 and trust on (the floor: 256 VFs).
. /vio-tests/benchlib.sh

N=256
modprobe netdevsim
mkdir -p /etc/vio.d /etc/udev/rules.d
start_udevd
echo '12 1' >/sys/bus/netdevsim/new_device
settle 1
D=/sys/bus/netdevsim/devices/netdevsim12
DBG=/sys/kernel/debug/netdevsim/netdevsim12
P=$(cd $D/net && echo *)
echo $N >$DBG/max_vfs
macs "$P" $N
echo "  bench: netdevsim $P, $N VFs, kernel $(uname -r), udev $(udevadm --version)"

# Fresh between runs: no VFs, and (max_vfs written again) netdevsim's VF table zeroed.
reset() {
	echo 0 >$D/sriov_numvfs
	echo $N >$DBG/max_vfs
}
all_vfs() { [ "$(vfdump "$P" | wc -l)" = $N ]; }
configured() {
	vfdump "$P" | awk 'NR == FNR {want[$1] = $2; next}
		$2 == want[$1] && $3 == 100 && $7 == 1 {n++} END {exit n != '$N'}' /tmp/macs -
}
# netdevsim is not PCI, so vio's rules do not take it: the udev rule runs vio apply on the
# PF interface's add event, as vio's own rule runs vio pf for a PCI PF's.
add_event() { udevadm trigger --action=add "/sys/class/net/$P"; }

setup_floor() { :; }
trig_floor() { echo $N >$D/sriov_numvfs; }
done_floor() { all_vfs; }

setup_vio() {
	cat >/etc/vio.d/50-bench.conf <<X
pf = { name = "$P"; vfs = $N; };
vf = { vlan = 100; trust = true; };
X
	echo "ACTION==\"add\", SUBSYSTEM==\"net\", KERNEL==\"$P\", RUN+=\"/usr/sbin/vio apply $P\"" \
		>/etc/udev/rules.d/70-bench.rules
	udevadm control --reload
}
trig_vio() { add_event; }
done_vio() { configured; }

setup_link() {
	vio_rules_off
	link_file netdevsim $N /tmp/macs "VLANId=100
Trust=yes
"
}
trig_link() { add_event; }
done_link() { configured; }

setup_shell() { shell_rule "$P" $N "vlan 100 trust on"; }
trig_shell() { add_event; }
done_shell() { configured; }

run_methods netdevsim floor vio link shell
setup_vio
profile netdevsim vio -v apply "$P"
# What its log costs: the same run with no log, and with the kernel log udev's runs have.
for target in stderr syslog; do
	reset
	t0=$(cs)
	VIO_LOG_TARGET=$target vio apply "$P" 2>/dev/null
	echo "VIO-PROFILE netdevsim vio apply, log to $target (stderr: /dev/null; syslog: the kernel log, as under udev): $((($(cs) - t0) * 10)) ms"
done
reset
