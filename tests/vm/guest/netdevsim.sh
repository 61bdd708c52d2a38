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

echo "--- 6d eswitch mode and devlink parameters: set while the PF has no VFs"
DL=netdevsim/netdevsim10
mode() { devlink -j dev eswitch show "$DL" | jq -r '.dev[].mode'; }
param() { devlink -j dev param show "$DL" name "$1" | jq -r '.param[][0].values[] | select(.cmode == "driverinit") | .value'; }
vfports() { devlink -j port show | jq '[.port[] | select(.flavour == "pcivf")] | length'; }
npf() { cat $D/sriov_numvfs; }
check "6d before: legacy, max_macs 32, test1 true" "legacy 32 true" "$(mode) $(param max_macs) $(param test1)"
# netdevsim refuses VF rates in switchdev mode (6c): none asked from here on.
sed -i 's/^  promisc = true;/  promisc = true;\n  eswitch = "switchdev";\n  devlink = { max_macs = 64; test1 = false; };/; s/ min_tx_rate = 10; max_tx_rate = 300;//' \
	/etc/vio.d/90-netdevsim.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/d1 2>&1
check "6d apply: exit 0" 0 "$?"
sed 's/^/  /' /tmp/d1
check "6d the order: VFs gone, parameters, reload, mode, VFs back" \
	"sriov_numvfs 4 -> 0|devlink max_macs (driverinit) 32 -> 64|devlink test1 (driverinit) true -> false|reloaded|eswitch legacy -> switchdev|sriov_numvfs 0 -> 4" \
	"$(grep -oE 'sriov_numvfs [0-9]+ -> [0-9]+|devlink [a-z_0-9]+ \(driverinit\) [a-z0-9]+ -> [a-z0-9]+|reloaded|eswitch [a-z]+ -> [a-z]+' /tmp/d1 | tr '\n' '|' | sed 's/|$//')"
check "6d switchdev" switchdev "$(mode)"
check "6d max_macs 64, test1 false (driverinit values)" "64 false" "$(param max_macs) $(param test1)"
check "6d 4 VFs" 4 "$(npf)"
check "6d a representor port per VF" 4 "$(vfports)"
P2=$(for n in "$D"/net/*; do case ${n##*/} in *pf0vf*) ;; *) echo "${n##*/}" ;; esac; done | head -1)
check "6d the PF's interface, made anew by the reload, renamed by udev" "$P" "$P2"
check "6d vf0's MAC again (the VFs are new)" 52:54:00:ab:cd:01 "$(vf 0 .address)"
check "6d PF promisc again (its interface is new)" 1 "$(/bin/ip -j link show dev "$P" | jq -M -r '.[0].flags | index("PROMISC") != null | if . then 1 else 0 end')"
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/d2 2>&1
check "6d second apply: exit 0" 0 "$?"
if grep -qE ' -> ' /tmp/d2; then fail "6d second apply: nothing sent" "$(tr '\n' '|' </tmp/d2)"; else pass "6d second apply: nothing sent"; fi
check "6d list --json: mode and the policy's parameters" 'switchdev {"max_macs":64,"test1":false}' \
	"$(vio list --json | jq -c -r '.pfs[] | select(.address == "netdevsim10") | "\(.eswitch) \(.devlink)"')"
vio explain "$P" >/tmp/d3 2>&1
check "6d explain names both keys" 2 "$(grep -cE '^  (eswitch +switchdev|devlink max_macs +64) ' /tmp/d3)"

echo "--- 6d the mode changed behind vio's back: check names it, dry-run shows the way back"
devlink dev eswitch set "$DL" mode legacy
vio check >/tmp/d4 2>&1
check "6d check: exit 5" 5 "$?"
check "6d check names the mode" 1 "$(grep -c "netdevsim10: eswitch is legacy, policy wants switchdev" /tmp/d4)"
vio apply --dry-run "$P" >/tmp/d5 2>&1
sed 's/^/  /' /tmp/d5
check "6d dry-run: through 0 VFs" "sriov_numvfs 4 -> 0|eswitch legacy -> switchdev|sriov_numvfs 0 -> 4" \
	"$(grep -oE 'sriov_numvfs [0-9]+ -> [0-9]+|eswitch [a-z]+ -> [a-z]+' /tmp/d5 | tr '\n' '|' | sed 's/|$//')"
check "6d dry-run changed nothing" "legacy 4" "$(mode) $(npf)"
VIO_LOG_TARGET=stderr vio apply "$P" >/dev/null 2>&1
check "6d apply puts it back" "switchdev 4" "$(mode) $(npf)"

echo "--- 6d hw-tc-offload follows the mode (as ethtool -k shows it), or the policy's hw_tc_offload"
tcoff() { ethtool -k "$P" | awk '/^hw-tc-offload:/ { print $2 }'; }
check "6d hw-tc-offload on in switchdev" on "$(tcoff)"
ethtool -K "$P" hw-tc-offload off
vio check >/tmp/t1 2>&1
check "6d hw-tc-offload turned off: check exit 5" 5 "$?"
check "6d hw-tc-offload turned off: check names it" 1 "$(grep -c "netdevsim10: hw-tc-offload is off, policy wants on" /tmp/t1)"
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/t2 2>&1
check "6d hw-tc-offload: apply exit 0" 0 "$?"
sed 's/^/  /' /tmp/t2
check "6d hw-tc-offload: on again, and nothing else sent" "on 1" "$(tcoff) $(grep -c ' -> ' /tmp/t2)"
cp /etc/vio.d/90-netdevsim.conf /tmp/before-tc.conf
sed -i 's/eswitch = "switchdev";/eswitch = "switchdev"; hw_tc_offload = false;/' /etc/vio.d/90-netdevsim.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/t3 2>&1
check "6d hw_tc_offload = false in switchdev: off" "0 off" "$? $(tcoff)"
cp /tmp/before-tc.conf /etc/vio.d/90-netdevsim.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/dev/null 2>&1
check "6d hw-tc-offload back on" on "$(tcoff)"

echo "--- 6d bad requests: clear errors, nothing changed"
cp /etc/vio.d/90-netdevsim.conf /tmp/good.conf
sed -i 's/test1 = false; }/test1 = false; bogus = 1; }/' /etc/vio.d/90-netdevsim.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/d6 2>&1
check "6d unknown parameter: exit 2" 2 "$?"
check "6d unknown parameter: named, with those the PF has" 1 \
	"$(grep -c "90-netdevsim.conf:[0-9]*: netdevsim10: devlink parameter 'bogus': the PF has no such parameter (it has: max_macs, test1)" /tmp/d6)"
cp /tmp/good.conf /etc/vio.d/90-netdevsim.conf
sed -i 's/max_macs = 64;/max_macs = true;/' /etc/vio.d/90-netdevsim.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/d7 2>&1
check "6d wrong type: exit 2" 2 "$?"
check "6d wrong type: named" 1 "$(grep -c "devlink parameter 'max_macs' is an integer 0..4294967295 on this device, not true" /tmp/d7)"
check "6d bad requests changed nothing" "switchdev 64 false 4" "$(mode) $(param max_macs) $(param test1) $(npf)"
# The driver refuses the reload: the value goes back, and so do the VFs.
cp /tmp/good.conf /etc/vio.d/90-netdevsim.conf
sed -i 's/max_macs = 64;/max_macs = 16;/' /etc/vio.d/90-netdevsim.conf
echo 1 >/sys/kernel/debug/netdevsim/netdevsim10/dont_allow_reload
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/d8 2>&1
check "6d reload refused: exit 3" 3 "$?"
sed 's/^/  /' /tmp/d8
check "6d reload refused: the driver's reason" 1 "$(grep -c "cannot reload its driver for the driverinit values: .*User forbid the reload for testing purposes" /tmp/d8)"
check "6d reload refused: max_macs put back, VFs restored, mode kept" "64 4 switchdev" "$(param max_macs) $(npf) $(mode)"
echo 0 >/sys/kernel/debug/netdevsim/netdevsim10/dont_allow_reload
cp /tmp/good.conf /etc/vio.d/90-netdevsim.conf

echo "--- 6d e-switch inline and encap modes: netdevsim has neither operation, found before anything changes"
check "6d list --json: no inline or encap mode reported" "null null" \
	"$(vio list --json | jq -r '.pfs[] | select(.address == "netdevsim10") | "\(.eswitch_inline) \(.eswitch_encap)"')"
for k in 'eswitch_inline = "transport"' 'eswitch_encap = "basic"'; do
	sed "s/eswitch = \"switchdev\";/eswitch = \"switchdev\"; $k;/" /tmp/good.conf >/etc/vio.d/90-netdevsim.conf
	before="$(mode) $(npf) $(param max_macs)"
	VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/d10 2>&1
	check "6d ${k%% *}: exit 2" 2 "$?"
	sed 's/^/  /' /tmp/d10
	check "6d ${k%% *}: named, with the driver" 1 \
		"$(grep -cE "90-netdevsim.conf:[0-9]+: netdevsim10: ${k%% *} = \"[a-z]+\", but the PF's driver \(netdevsim\) has no e-switch (inline|encap) mode \(devlink reports none\); nothing changed" /tmp/d10)"
	check "6d ${k%% *}: nothing changed" "$before" "$(mode) $(npf) $(param max_macs)"
	check "6d ${k%% *}: nothing written" 0 "$(grep -c ' -> ' /tmp/d10)"
done
# The hwdb's default (mlx5 ConnectX-4: transport) is for drivers that report one: none here.
mkdir -p /etc/udev/hwdb.d
printf 'netdevsim:netdevsim10\n VIO_ESWITCH_INLINE=transport\n' >/etc/udev/hwdb.d/61-lab.hwdb
systemd-hwdb update
cp /tmp/good.conf /etc/vio.d/90-netdevsim.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/d11 2>&1
check "6d hwdb inline default, not reported: exit 0" 0 "$?"
check "6d hwdb inline default, not reported: nothing sent" 0 "$(grep -c ' -> ' /tmp/d11)"
rm /etc/udev/hwdb.d/61-lab.hwdb
systemd-hwdb update

echo "--- 6d hwdb VIO_ESWITCH_ORDER=vfs-unbound (mlx5's order): the mode is changed with the VFs there"
mkdir -p /etc/udev/hwdb.d
printf 'netdevsim:netdevsim10\n VIO_ESWITCH_ORDER=vfs-unbound\n' >/etc/udev/hwdb.d/61-lab.hwdb
systemd-hwdb update
sed -i 's/eswitch = "switchdev";/eswitch = "legacy";/' /etc/vio.d/90-netdevsim.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/d9 2>&1
check "6d vfs-unbound: exit 0" 0 "$?"
sed 's/^/  /' /tmp/d9
check "6d vfs-unbound: mode changed" legacy "$(mode)"
check "6d vfs-unbound: hw-tc-offload off with legacy" off "$(tcoff)"
check "6d vfs-unbound: the VFs were not re-created" 0 "$(grep -c 'sriov_numvfs' /tmp/d9)"
check "6d vfs-unbound: VF representors gone with switchdev" 0 "$(vfports)"
rm /etc/udev/hwdb.d/61-lab.hwdb
systemd-hwdb update

echo "--- 6e InfiniBand GUIDs on netdevsim (an Ethernet PF): refused, naming the key, nothing changed"
cp /etc/vio.d/90-netdevsim.conf /tmp/before-guid.conf
sed -i 's/^vf3 = { link_state = "enable"; };/vf3 = { link_state = "enable"; node_guid = "0e:42:a1:03:00:36:a1:b2"; };/' \
	/etc/vio.d/90-netdevsim.conf
before=$(cat $D/sriov_numvfs; ip -d link show "$P" | grep -c ' vf ')
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/e1 2>&1
check "6e GUID on Ethernet: exit 2" 2 "$?"
sed 's/^/  /' /tmp/e1
check "6e GUID on Ethernet: named" 1 \
	"$(grep -cE "90-netdevsim.conf:[0-9]+: netdevsim10 vf 3: node_guid, but the PF is not InfiniBand \(its interface is not IPoIB: $P\)" /tmp/e1)"
check "6e GUID on Ethernet: nothing changed" "$before" "$(cat $D/sriov_numvfs; ip -d link show "$P" | grep -c ' vf ')"
check "6e GUID on Ethernet: nothing written" 0 "$(grep -c ' -> ' /tmp/e1)"
cp /tmp/before-guid.conf /etc/vio.d/90-netdevsim.conf
. /vio-tests/switchdev.sh
