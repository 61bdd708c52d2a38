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

# nvme_state VF: the state of the VF's NVMe controller ("live"), or "none" without one.
nvme_state() {
	local c
	for c in /sys/bus/pci/devices/"$1"/nvme/nvme*; do
		[ -e "$c/state" ] && { cat "$c/state"; return; }
	done
	echo none
}
