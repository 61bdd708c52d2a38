#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: the shipped example policies (conf/) on a real kernel: QEMU's NVMe SR-IOV PF
# behind an IOMMU and a simulated NIC (netdevsim), then what vio list reports.
. /vio-tests/lib.sh

mkdir -p /etc/vio.d
cp /vio-tests/conf/*.conf /etc/vio.d/
modprobe netdevsim
echo "VIO-DEMO-BEGIN"
echo "\$ ls /etc/vio.d"
ls /etc/vio.d
echo "\$ udevadm trigger   # coldplug: udev runs vio for the NVMe PF and each of its VFs"
start_udevd
echo '10 1' >/sys/bus/netdevsim/new_device
settle 1
echo "\$ vio apply eni10np1   # netdevsim's VFs send no uevents"
VIO_LOG_TARGET=stderr vio apply eni10np1 2>&1
echo "\$ dmesg | grep vio   # what vio logged under udev"
dmesg -s 4194304 | grep 'vio\[' | sed 's/^\[[ 0-9.]*\] //'
echo "\$ vio list"
vio list
if [ "$(cat /sys/bus/pci/devices/0000:01:00.0/sriov_numvfs)" = 3 ] &&
	[ "$(cat /sys/bus/netdevsim/devices/netdevsim10/sriov_numvfs)" = 4 ]; then
	pass "demo: the example policies took effect"
else
	fail "demo: the example policies took effect" "see vio list above"
fi
echo "VIO-DEMO-END"
