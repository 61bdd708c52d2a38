#!/bin/sh
# Lab only: report what vio did in the initramfs, then what a second coldplug (as the real
# root's udev would run after switch-root) changes, and power off.
{
	echo "=== VIO-INITRD uptime=$(cut -d' ' -f1 /proc/uptime)"
	udevadm settle -t 60
	# With systemd, a PF event hands a count change to vio-pf@.service: udev's queue is
	# empty before the unit is done. Wait for the units too.
	i=0
	while [ $i -lt 120 ] && command -v systemctl >/dev/null &&
		systemctl list-units --no-legend --state=activating 'vio-pf@*' 2>/dev/null | grep -q vio-pf; do
		sleep 0.5
		i=$((i + 1))
	done
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d/sriov_totalvfs" ] || continue
		echo "VIO-STATE ${d##*/} numvfs=$(cat "$d/sriov_numvfs") autoprobe=$(cat "$d/sriov_drivers_autoprobe")"
		for v in "$d"/virtfn*; do
			[ -e "$v" ] || continue
			vf=$(readlink -f "$v")
			drv=none
			[ -e "$vf/driver" ] && drv=$(basename "$(readlink "$vf/driver")")
			st=none
			for c in "$vf"/nvme/nvme*; do [ -e "$c/state" ] && st=$(cat "$c/state"); done
			echo "VIO-STATE ${d##*/} ${v##*/} ${vf##*/} driver=$drv nvme=$st"
		done
		echo "VIO-MAC ${d##*/} 0 $(vio mac "${d##*/}" 0)"
		echo "VIO-MAC ${d##*/} 1 $(vio mac "${d##*/}" 1)"
	done
	[ -c /dev/vfio/vfio ] && echo "VIO-STATE vfio $(cd /dev/vfio && echo *)"
	for l in /dev/vfio/by-vf/*; do [ -L "$l" ] && echo "VIO-STATE by-vf ${l##*/} -> $(readlink "$l")"; done
	# systemd flavour: what the service ordered after vio-settle.service saw when it started.
	if [ -e /etc/systemd/system/vio-lab-consumer.service ]; then
		i=0
		while [ $i -lt 120 ] && ! [ -e /run/vio-lab-consumer ]; do
			sleep 0.5
			i=$((i + 1))
		done
		echo "VIO-STATE consumer $(cat /run/vio-lab-consumer 2>/dev/null || echo none) settle=$(systemctl is-active vio-settle.service)"
		systemctl status vio-settle.service --no-pager 2>&1 | sed 's/^/VIO-LOG /' | head -6
	fi
	echo "VIO-MARK coldplug"
	echo "VIO-MARK coldplug" >/dev/kmsg
	udevadm trigger --action=add --subsystem-match=pci
	udevadm settle -t 60
	sleep 1
	dmesg | grep -E 'vio\[|VIO-MARK' | sed 's/^/VIO-LOG /'
	# systemd flavour: vio-apply.path is running; an edited policy is applied by systemd.
	if [ -e /etc/systemd/system/vio-apply.path ]; then
		echo "VIO-STATE path-unit active=$(systemctl is-active vio-apply.path)"
		printf 'pf = { name = "01:00.0"; vfs = 4; };\nvf0 = { driver = "vfio-pci"; };\nvf1 = { driver = "pci-stub"; };\nvf3 = { driver = "pci-stub"; };\n' \
			>/etc/vio.d/50-nvme.conf
		p=/sys/bus/pci/devices/0000:01:00.0
		i=0
		while [ $i -lt 60 ] && ! [ -e "$p/virtfn3/driver" ]; do
			sleep 0.5
			i=$((i + 1))
		done
		drv=none
		[ -e "$p/virtfn3/driver" ] && drv=$(basename "$(readlink "$p/virtfn3/driver")")
		sleep 1
		st=none
		for c in "$p"/virtfn2/nvme/nvme*; do [ -e "$c/state" ] && st=$(cat "$c/state"); done
		echo "VIO-STATE path-unit after-edit numvfs=$(cat "$p/sriov_numvfs") vf3=$drv vf2-nvme=$st waited=$((i / 2))s"
		systemctl status vio-apply.service --no-pager 2>&1 | sed 's/^/VIO-LOG /' | head -8
	fi
	# systemd flavour: `systemctl stop` (SIGTERM) of a vio-pf@ unit while it waits for the
	# PF's lock, with a VF event that left its VF to it: vio stops (exit 6, status
	# interrupted) and has udev run that event again; once the lock is free, the VF is bound.
	if [ -e /etc/systemd/system/vio-apply.path ]; then
		p=/sys/bus/pci/devices/0000:01:00.0
		u=vio-pf@0000:01:00.0.service
		v3=$(readlink -f "$p/virtfn3")
		echo "${v3##*/}" >/sys/bus/pci/drivers/pci-stub/unbind
		flock -o /run/vio/lock/0000:01:00.0 sleep 60 &
		holder=$!
		sleep 0.5
		systemctl start --no-block "$u"
		i=0
		while [ $i -lt 40 ] && [ "$(systemctl show -p ActiveState --value "$u")" != activating ]; do
			sleep 0.25
			i=$((i + 1))
		done
		sleep 2
		udevadm trigger --action=change "$v3"
		udevadm settle -t 30
		drv=none
		[ -e "$v3/driver" ] && drv=$(basename "$(readlink "$v3/driver")")
		echo "VIO-STATE sigterm while-waiting unit=$(systemctl show -p ActiveState --value "$u") vf3=$drv"
		systemctl stop "$u"
		kill "$holder"
		udevadm settle -t 60
		i=0
		while [ $i -lt 40 ] && ! [ -e "$v3/driver" ]; do
			sleep 0.25
			i=$((i + 1))
		done
		drv=none
		[ -e "$v3/driver" ] && drv=$(basename "$(readlink "$v3/driver")")
		echo "VIO-STATE sigterm after unit-status=$(systemctl show -p ExecMainStatus --value "$u") $(grep -E '^(result|exit)=' /run/vio/status/0000:01:00.0 | tr '\n' ' ')vf3=$drv"
		journalctl -b --no-pager -o cat -u "$u" 2>&1 | sed 's/^/VIO-LOG sigterm: /' | tail -12
	fi
	echo "=== VIO-INITRD-DONE"
} >/dev/console 2>&1
# sysrq prints at any log level: let the console drain first (it cut the last line once).
sleep 1
echo o >/proc/sysrq-trigger
sleep 30
