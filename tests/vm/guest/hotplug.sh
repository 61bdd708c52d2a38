#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 5: the host hot-adds an NVMe SR-IOV controller to an empty PCIe root port (QMP
# device_add); udev alone, running vio's rules, brings its VFs up as the policy says.
# No NVMe at boot, so nvme is not loaded: udev loads it at the add event, after vio's RUN
# found no driver, and the PF's bind event does the work.
. /vio-tests/lib.sh

mkdir -p /etc/vio.d
cat >/etc/vio.d/50-hot.conf <<'POL'
pf = { id = "1b36:0010"; vfs = 3; };
vf0 = { driver = "pci-stub"; };
vf1 = { driver = "vfio-pci"; };
# vf2: its native driver, nvme: vio brings its secondary controller online first.
POL
start_udevd
check "5 hotplug: no NVMe at boot" "" "$(pf_of 0x1b36:0x0010)"
check "5 hotplug: nvme not loaded" no "$(grep -q '^nvme ' /proc/modules && echo yes || echo no)"
mark_log
echo "VIO-READY-HOTPLUG"
i=0
PF=
while [ $i -lt 120 ]; do
	PF=$(pf_of 0x1b36:0x0010)
	[ -n "$PF" ] && [ "$(cat "/sys/bus/pci/devices/$PF/sriov_numvfs")" = 3 ] && break
	sleep 0.5
	i=$((i + 1))
done
echo "  hot-added PF: ${PF:-none}"
settle 2
check "5 hotplug: PF appeared" yes "$([ -e "/sys/bus/pci/devices/$PF" ] && echo yes || echo no)"
check "5 hotplug: PF bound to nvme" nvme "$(drv "$PF")"
check "5 hotplug: sriov_numvfs" 3 "$(cat "/sys/bus/pci/devices/$PF/sriov_numvfs" 2>/dev/null)"
check "5 hotplug: autoprobe off" 0 "$(cat "/sys/bus/pci/devices/$PF/sriov_drivers_autoprobe" 2>/dev/null)"
check "5 hotplug: vf0 pci-stub" pci-stub "$(drv "$(vf_addr "$PF" 0)")"
check "5 hotplug: vf1 vfio-pci" vfio-pci "$(drv "$(vf_addr "$PF" 1)")"
check "5 hotplug: vf2 nvme, its controller live" "nvme live" "$(drv "$(vf_addr "$PF" 2)") $(nvme_state "$(vf_addr "$PF" 2)")"
check_log "5 hotplug: vio logged the count" "vio\[[0-9]+\]: $PF: sriov_numvfs 0 -> 3"
log_since_mark | grep 'vio\[' | sed 's/^/  log: /'
