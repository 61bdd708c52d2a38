#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-or-later
# No IOMMU (QEMU without intel-iommu): a policy that binds a VF to vfio-pci changes nothing at
# coldplug, and vio says, at the PF's event and in check and explain, what turns the IOMMU on
# for this CPU.
. /vio-tests/lib.sh

mkdir -p /etc/vio.d
cat >/etc/vio.d/50-nvme.conf <<'POL'
pf = { name = "01:00.0"; vfs = 2; };
vf0 = { driver = "pci-stub"; };
vf1 = { driver = "vfio-pci"; };
POL
case $(grep -m1 '^vendor_id' /proc/cpuinfo) in
*GenuineIntel*) how="turn VT-d on in the firmware and add intel_iommu=on iommu=pt to the kernel command line" ;;
*AuthenticAMD* | *HygonGenuine*) how="turn AMD-Vi (IOMMU) on in the firmware" ;;
*) how="turn the IOMMU on in the firmware" ;;
esac
echo "  CPU: $(grep -m1 '^vendor_id' /proc/cpuinfo)"
modprobe vfio-pci
check "no IOMMU groups" 0 "$(find /sys/kernel/iommu_groups -mindepth 1 -maxdepth 1 | wc -l)"
mark_log
start_udevd
settle 3
PF=$(pf_of 0x1b36:0x0010)
check "the PF bound to nvme" nvme "$(drv "$PF")"
check "no VFs made" 0 "$(cat "/sys/bus/pci/devices/$PF/sriov_numvfs")"
check "the PF's event says why, and how to turn the IOMMU on" 1 \
	"$(log_since_mark | grep 'vio\[' | grep -cF "$PF: /etc/vio.d/50-nvme.conf:3 binds vf 1 to vfio-pci, but this host has no IOMMU (no IOMMU groups): $how")"
vio check >/tmp/c 2>&1
check "check: exit 3" 3 "$?"
check "check says so" 1 "$(grep -c "binds vf 1 to vfio-pci, but this host has no IOMMU (no IOMMU groups): $how" /tmp/c)"
vio explain "$PF" >/tmp/x 2>&1
check "explain says so" 1 "$(grep -c "binds vf 1 to vfio-pci, but this host has no IOMMU" /tmp/x)"
check "still no VFs" 0 "$(cat "/sys/bus/pci/devices/$PF/sriov_numvfs")"
