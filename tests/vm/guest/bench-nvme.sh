#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench-vm, an NVMe PF with 64 VFs (binding, no netlink). Done: every VF bound to the
# method's driver: the floor, the kernel probing nvme itself (autoprobe on: its probe returns
# at once and the controller's reset fails later, the secondary controllers being offline);
# vio, the same driver once it has brought each secondary controller online (its default);
# a driverctl-style rule (driver_override per VF, as `driverctl set-override` does), vfio-pci,
# with the PF's autoprobe off first as a careful operator sets it (with it on, nvme's async
# probe of a VF races the rule's unbind: VFs were left with no driver, and once the guest hung).
# RIGHT: the VFs whose NVMe secondary controller is online (what a guest needs of its VF).
. /vio-tests/benchlib.sh

N=64
modprobe vfio-pci
mkdir -p /etc/vio.d /etc/udev/rules.d
start_udevd
settle 2
PF=$(pf_of 0x1b36:0x0010)
echo "  bench: nvme $PF, $N VFs, kernel $(uname -r), udev $(udevadm --version)"

reset() {
	echo 0 >"/sys/bus/pci/devices/$PF/sriov_numvfs"
	echo 1 >"/sys/bus/pci/devices/$PF/sriov_drivers_autoprobe"
	settle 1
}
bound_to() { # DRIVER: how many of the PF's VFs it has (a glob, no process: polling is cheap)
	local d=/sys/bus/pci/drivers/$1
	set -- "$d"/0000:*
	[ -e "$1" ] || set --
	[ -e "$d/$PF" ] && shift
	echo $#
}
# At a timeout: where the VFs are.
bench_note() {
	local v d
	for v in /sys/bus/pci/devices/"$PF"/virtfn*; do
		d=$(readlink "$v/driver" 2>/dev/null)
		echo "${d##*/}"
	done | sort | uniq -c | tr '\n' ' '
}
bench_right() {
	nvme list-secondary "/dev/$(cd "/sys/bus/pci/devices/$PF/nvme" && echo nvme*)" 2>/dev/null |
		grep -ci 'online'
}
pf_event() { udevadm trigger --action=add "/sys/bus/pci/devices/$PF"; }

# The floor's VFs never stay bound (nvme gives up on an offline controller): done when the
# kernel has probed nvme on each, as it logs ("pci function ADDR").
setup_floor() { mark_log; }
trig_floor() { echo $N >"/sys/bus/pci/devices/$PF/sriov_numvfs"; }
done_floor() { [ "$(log_since_mark | grep -c 'nvme nvme[0-9]*: pci function')" = $N ]; }

setup_vio() {
	printf 'pf = { name = "%s"; vfs = %s; };\n' "$PF" $N >/etc/vio.d/50-bench.conf
}
trig_vio() { pf_event; }
done_vio() { [ "$(bound_to nvme)" = $N ]; }

setup_driverctl() {
	vio_rules_off
	cat >/tmp/bench-override.sh <<'X'
d=/sys/bus/pci/devices/$1
echo vfio-pci >"$d/driver_override"
[ -e "$d/driver" ] && echo "$1" >"$d/driver/unbind"
echo "$1" >/sys/bus/pci/drivers_probe
X
	cat >/etc/udev/rules.d/70-bench.rules <<X
ACTION=="add", SUBSYSTEM=="pci", KERNEL=="$PF", ATTR{sriov_drivers_autoprobe}="0", ATTR{sriov_numvfs}="$N"
ACTION=="add", SUBSYSTEM=="pci", ENV{PCI_ID}=="1B36:0010", KERNEL!="$PF", RUN+="/bin/sh /tmp/bench-override.sh %k"
X
	udevadm control --reload
}
trig_driverctl() { pf_event; }
done_driverctl() { [ "$(bound_to vfio-pci)" = $N ]; }

reset
TIMEOUT=40 run_methods nvme floor vio driverctl
setup_vio
profile nvme vio -v apply "$PF"
