#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of the lab (busybox sh): checks print "VIO-PASS name" or "VIO-FAIL name: why",
# which tests/vm/run.sh counts on the host.

pass() { echo "VIO-PASS $1"; }
fail() { echo "VIO-FAIL $1: $2"; }

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "want '$2', got '$3'"; fi
}

# The kernel log since the last mark_log (vio logs there: no syslog in this guest). busybox's
# dmesg reads 16 KiB unless told more, and clearing the ring is not what we want.
MARK=0
mark_log() {
	MARK=$((MARK + 1))
	echo "VIO-MARK $MARK" >/dev/kmsg
}
log_since_mark() { dmesg -s 4194304 | sed -n "/VIO-MARK $MARK\$/,\$p"; }

# check_log NAME PATTERN: vio said it since the last mark.
check_log() {
	if log_since_mark | grep -qE "$2"; then pass "$1"; else fail "$1" "no log line matching '$2' (uptime $(cut -d' ' -f1 /proc/uptime))"; fi
}

check_no_log() {
	if log_since_mark | grep -qE "$2"; then fail "$1" "log has '$(log_since_mark | grep -E "$2" | head -1)'"; else pass "$1"; fi
}

start_udevd() {
	mkdir -p /run/udev
	# Names resolved as on a real host (the vfio node's OWNER and GROUP need it).
	/lib/systemd/systemd-udevd --daemon
	udevadm trigger --type=subsystems --action=add
	udevadm trigger --type=devices --action=add
	udevadm settle -t 120
}

settle() {
	udevadm settle -t 120
	sleep "${1:-1}"
	udevadm settle -t 120
}

pf_of() { # vendor:device -> first PCI address with SR-IOV
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d/sriov_totalvfs" ] || continue
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = "$1" ] && { echo "${d##*/}"; return; }
	done
}

vf_addr() { basename "$(readlink -f "/sys/bus/pci/devices/$1/virtfn$2")"; }

drv() { # ADDR -> bound driver or "none"
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
	else
		echo none
	fi
}

# QEMU's NVMe VFs are secondary controllers that start offline, and the nvme driver drops an
# offline one. Real SR-IOV NVMe firmware brings VFs up itself; here, before udevd starts, the
# PF's flexible resources are handed to the secondary controllers, and a lab-only udev rule
# (59-, before vio's 60-) brings each VF's controller online when the VF appears.
prepare_qemu_nvme() {
	local pf="$1" ctrl sc
	modprobe nvme
	sleep 1
	ctrl=/dev/$(basename "$(find "/sys/bus/pci/devices/$pf/nvme/" -mindepth 1 -maxdepth 1 | head -1)")
	nvme virt-mgmt "$ctrl" -c 0 -r 1 -a 1 -n 0 >/dev/null
	nvme virt-mgmt "$ctrl" -c 0 -r 0 -a 1 -n 0 >/dev/null
	echo 1 >"/sys/bus/pci/devices/$pf/reset"
	sleep 1
	for sc in 1 2 3 4; do
		nvme virt-mgmt "$ctrl" -c $sc -r 1 -a 8 -n 1 >/dev/null
		nvme virt-mgmt "$ctrl" -c $sc -r 0 -a 8 -n 2 >/dev/null
	done
	mkdir -p /etc/udev/rules.d
	cat >/etc/udev/rules.d/59-lab-qemu-nvme-online.rules <<'RULE'
ACTION=="add|change", SUBSYSTEM=="pci", ATTR{vendor}=="0x1b36", ATTR{device}=="0x0010", KERNEL!="*.0", IMPORT{program}="/bin/sh /vio-tests/lib.sh nvme-online $kernel"
RULE
}

# nvme-online VF: VF n of the PF at function 0 is secondary controller n+1 (offset 1, stride 1).
# Disabling VFs takes their resources back, so assign them again each time, then online.
nvme_online() {
	local vf="$1" fn pf ctrl
	fn=${vf##*.}
	pf=${vf%:*}:00.0
	ctrl=/dev/$(basename "$(find "/sys/bus/pci/devices/$pf/nvme/" -mindepth 1 -maxdepth 1 | head -1)")
	nvme virt-mgmt "$ctrl" -c "$fn" -r 1 -a 8 -n 1 >/dev/null 2>&1
	nvme virt-mgmt "$ctrl" -c "$fn" -r 0 -a 8 -n 2 >/dev/null 2>&1
	nvme virt-mgmt "$ctrl" -c "$fn" -r 0 -a 9 -n 0 >/dev/null 2>&1 || true
}

[ "${1:-}" = nvme-online ] && nvme_online "$2"
