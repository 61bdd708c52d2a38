#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-or-later
# An igb card hot-added over QMP (none at boot), hot-removed, and added again: each time
# its VFs are made and configured as the policy says, and nothing is logged as an error.
# The host's QMP hook (tests/vm/run.sh) acts on each "VIO-QMP-REQ N add|del" line.
. /vio-tests/lib.sh

mkdir -p /etc/vio.d
cat >/etc/vio.d/50-igb.conf <<'POLICY'
pf = { id = "8086:10c9"; vfs = 3; };
vf0 = { mac = "52:54:00:00:20:00"; vlan = 200; };
vf2 = { driver = "vfio-pci"; };
POLICY
modprobe vfio-pci
# For round 0, before udevd starts: its own module loading reads modprobe.d only then.
mkdir -p /etc/modprobe.d
echo "blacklist igbvf" >/etc/modprobe.d/vio-lab.conf
start_udevd
check "H igb absent at boot" "" "$(pf_of 0x8086:0x10c9)"

wait_for() { # SECONDS COMMAND...: until COMMAND succeeds
	local i=0 n=$(($1 * 5))
	shift
	while [ $i -lt $n ] && ! "$@"; do
		sleep 0.2
		i=$((i + 1))
	done
	"$@"
}
configured() {
	PF=$(pf_of 0x8086:0x10c9)
	[ -n "$PF" ] && [ "$(cat "/sys/bus/pci/devices/$PF/sriov_numvfs" 2>/dev/null)" = 3 ] &&
		[ "$(drv "$(vf_addr "$PF" 2)")" = vfio-pci ] && [ "$(drv "$(vf_addr "$PF" 1)")" = igbvf ] &&
		[ "$(drv "$(vf_addr "$PF" 0)")" = igbvf ]
}
# Gone for the guest, and for QEMU: the slot reports no adapter only once QEMU let go of it.
gone() { [ -z "$(pf_of 0x8086:0x10c9)" ] && ! grep -qx 1 /sys/bus/pci/slots/*/adapter 2>/dev/null; }

# Round 0: modprobe.d blacklists igbvf, the VFs' native driver (from the hwdb): vio respects
# it as modprobe does for a driver found by alias, says so, and binds what the policy names.
vf2_bound() {
	PF=$(pf_of 0x8086:0x10c9)
	[ -n "$PF" ] && [ "$(cat "/sys/bus/pci/devices/$PF/sriov_numvfs" 2>/dev/null)" = 3 ] &&
		[ "$(drv "$(vf_addr "$PF" 2)")" = vfio-pci ]
}
mark_log
echo "VIO-QMP-REQ 0 add"
wait_for 90 vf2_bound
settle 2
check "H0 blacklisted native driver: vf2 (vfio-pci, named) bound" vfio-pci "$(drv "$(vf_addr "$PF" 2)")"
check "H0 ...vf0 left unbound" none "$(drv "$(vf_addr "$PF" 0)")"
check_log "H0 ...and vio says why" "vf 0 \\($(vf_addr "$PF" 0)\\): not loading igbvf, the VF's native driver: modprobe.d blacklists it"
check "H0 igbvf not loaded" "" "$(grep '^igbvf ' /proc/modules)"

rm /etc/modprobe.d/vio-lab.conf
udevadm control --exit
/lib/systemd/systemd-udevd --daemon --resolve-names=never
echo "VIO-QMP-REQ 0 del"
wait_for 60 gone

for round in 1 2 3; do
	mark_log
	echo "VIO-QMP-REQ $round add"
	wait_for 90 configured
	settle 1
	check "H$round add: 3 VFs, vf0/vf1 igbvf, vf2 vfio-pci" 0 "$(configured; echo $?)"
	n0=$(ls "/sys/bus/pci/devices/$(vf_addr "$PF" 0)/net" 2>/dev/null)
	check "H$round add: vf0 has the policy's MAC" 52:54:00:00:20:00 "$(cat "/sys/class/net/$n0/address" 2>/dev/null)"
	check "H$round add: vf0 vlan 200" 200 "$(/bin/ip -j -d link show dev "$(ls "/sys/bus/pci/devices/$PF/net")" | jq '.[0].vfinfo_list[0].vlan_list[0].vlan')"
	check_no_log "H$round add: no error" 'vio\[[0-9]+\]: .*(error|cannot|failed|not bound)'
	check_no_log "H$round add: igbvf never saw the PF in reset" 'PF still in reset state'
	[ $round = 3 ] && break
	mark_log
	echo "VIO-QMP-REQ $round del"
	wait_for 60 gone
	check "H$round del: the PF and its VFs are gone" 0 "$(gone; echo $?)"
	settle 1
	check_no_log "H$round del: no error" 'vio\[[0-9]+\]: .*(error|cannot|failed)'
done
