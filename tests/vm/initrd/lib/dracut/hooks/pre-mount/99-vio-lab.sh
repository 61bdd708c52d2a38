#!/bin/sh
# Lab only: report what vio did in the initramfs, then what a second coldplug (as the real
# root's udev would run after switch-root) changes, and power off.
{
	echo "=== VIO-INITRD uptime=$(cut -d' ' -f1 /proc/uptime)"
	udevadm settle -t 60
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d/sriov_totalvfs" ] || continue
		echo "VIO-STATE ${d##*/} numvfs=$(cat "$d/sriov_numvfs") autoprobe=$(cat "$d/sriov_drivers_autoprobe")"
		for v in "$d"/virtfn*; do
			[ -e "$v" ] || continue
			vf=$(readlink -f "$v")
			drv=none
			[ -e "$vf/driver" ] && drv=$(basename "$(readlink "$vf/driver")")
			echo "VIO-STATE ${d##*/} ${v##*/} ${vf##*/} driver=$drv"
		done
		echo "VIO-MAC ${d##*/} 0 $(vio mac "${d##*/}" 0)"
		echo "VIO-MAC ${d##*/} 1 $(vio mac "${d##*/}" 1)"
	done
	[ -c /dev/vfio/vfio ] && echo "VIO-STATE vfio $(cd /dev/vfio && echo *)"
	echo "VIO-MARK coldplug"
	echo "VIO-MARK coldplug" >/dev/kmsg
	udevadm trigger --action=add --subsystem-match=pci
	udevadm settle -t 60
	sleep 1
	dmesg | grep -E 'vio\[|VIO-MARK' | sed 's/^/VIO-LOG /'
	echo "=== VIO-INITRD-DONE"
} >/dev/console 2>&1
echo o >/proc/sysrq-trigger
sleep 30
