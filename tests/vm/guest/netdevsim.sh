#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 6: VF networking through rtnetlink on netdevsim (real IFLA_VF_* handling in the
# kernel). netdevsim's VFs are not PCI devices and send no uevents: vio apply does the work.
. /vio-tests/lib.sh

modprobe netdevsim
mkdir -p /etc/vio.d
cp /vio-tests/conf/90-netdevsim.conf /etc/vio.d/
start_udevd
echo '10 1' >/sys/bus/netdevsim/new_device
settle 1
D=/sys/bus/netdevsim/devices/netdevsim10
P=$(cd $D/net && echo *)
check "6 netdevsim port named by udev" eni10np1 "$P"

vf() { # INDEX JQ-EXPR: a field of VF INDEX as ip -d -j link show reports it
	/bin/ip -d -j link show dev "$P" | jq -M -r ".[0].vfinfo_list[] | select(.vf == $1) | $2"
}

echo "--- 6 vio apply: creates the VFs and programs every attribute"
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/a1 2>&1
rc=$?
sed 's/^/  /' /tmp/a1
check "6 apply: exit 0" 0 "$rc"
check "6 apply: sriov_numvfs" 4 "$(cat $D/sriov_numvfs)"
check "6 apply: PF promisc" 1 "$(/bin/ip -j link show dev "$P" | jq -M -r '.[0].flags | index("PROMISC") != null | if . then 1 else 0 end')"
check "6 vf0 mac" 52:54:00:ab:cd:01 "$(vf 0 .address)"
check "6 vf0 vlan" 100 "$(vf 0 '.vlan_list[0].vlan')"
check "6 vf0 qos" 3 "$(vf 0 '.vlan_list[0].qos')"
# iproute2 names the protocol only when it is 802.1ad.
check "6 vf0 proto 802.1Q" 802.1Q "$(vf 0 '.vlan_list[0].protocol // "802.1Q"')"
check "6 vf0 spoofchk (from vf defaults)" true "$(vf 0 .spoofchk)"
check "6 vf1 vlan" 200 "$(vf 1 '.vlan_list[0].vlan')"
check "6 vf1 proto 802.1ad" 802.1ad "$(vf 1 '.vlan_list[0].protocol')"
check "6 vf1 trust" true "$(vf 1 .trust)"
check "6 vf1 min_tx_rate" 10 "$(vf 1 .rate.min_tx)"
check "6 vf1 max_tx_rate" 200 "$(vf 1 .rate.max_tx)"
check "6 vf2 link_state" disable "$(vf 2 .link_state)"
check "6 vf2 query_rss" true "$(vf 2 .query_rss_en)"
check "6 vf2 spoofchk off (vf2 beats vf)" false "$(vf 2 .spoofchk)"
check "6 vf3 link_state" enable "$(vf 3 .link_state)"
for i in 1 2 3; do
	m=$(vio mac "$P" $i)
	check "6 vf$i generated mac = vio mac" "$m" "$(vf $i .address)"
	# The host recomputes these with openssl from the documented derivation.
	echo "VIO-MAC netdevsim10 $i $m"
done

echo "--- 6 second run sends nothing"
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/a2 2>&1
rc=$?
check "6 second apply: exit 0" 0 "$rc"
if grep -qE ' -> ' /tmp/a2; then fail "6 second apply: nothing sent" "$(tr '\n' '|' </tmp/a2)"; else pass "6 second apply: nothing sent"; fi

echo "--- 6 a value the driver refuses: named by VF and attribute; the rest still applied"
devlink dev eswitch set netdevsim/netdevsim10 mode switchdev
settle 1
echo "  interfaces of netdevsim10 in switchdev mode: $(cd $D/net && echo *)"
# rate is refused; vlan is sent before it and trust after it: both must still be applied.
sed -i 's/vlan = 200;/vlan = 201;/; s/max_tx_rate = 200;/max_tx_rate = 300;/; s/trust = true;/trust = false;/' \
	/etc/vio.d/90-netdevsim.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/a3 2>&1
rc=$?
sed 's/^/  /' /tmp/a3
check "6 refused: exit 3" 3 "$rc"
check "6 refused: named" 1 "$(grep -c 'netdevsim10 vf 1: rate: Operation not supported' /tmp/a3)"
check "6 refused: vlan (sent before) applied" 201 "$(vf 1 '.vlan_list[0].vlan')"
check "6 refused: trust (sent after) applied" false "$(vf 1 .trust)"
check "6 refused: rate unchanged" 200 "$(vf 1 .rate.max_tx)"
devlink dev eswitch set netdevsim/netdevsim10 mode legacy
