#!/bin/sh
# shellcheck shell=dash disable=SC2154
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenario 6f, after netdevsim.sh (its PF netdevsim10, interface $P, and helpers): a switchdev
# host's devlink rate groups and leaves as netdevsim's debugfs shows them, and the port
# function keys refused where the driver reports none.
NS=/sys/kernel/debug/netdevsim/netdevsim10
port_of() { # VF: its devlink port index, as devlink reports it
	devlink -j port show | jq -r ".port | to_entries[] | select(.value.flavour == \"pcivf\" and .value.vfnum == $1) | .key | split(\"/\") | .[2]"
}
leaf() { # VF FILE: netdevsim's record of the VF's rate leaf (tx in Mbit/s)
	cat "$NS/ports/$(port_of "$1")/$2" 2>/dev/null
	echo
}
node() { # NAME FILE
	cat "$NS/rate_nodes/$1/$2" 2>/dev/null
	echo
}
rates() { # every leaf and node, one line
	for v in 0 1 2 3; do echo "vf$v $(leaf $v tx_share) $(leaf $v tx_max) $(leaf $v rate_parent)"; done
	for n in "$NS"/rate_nodes/*; do
		[ -d "$n" ] || continue
		n=${n##*/}
		echo "$n $(node "$n" tx_share) $(node "$n" tx_max) $(node "$n" rate_parent)"
	done
}

echo "--- 6f rate groups and VF rates in switchdev: made after the VFs, parents first"
cat >/etc/vio.d/90-netdevsim.conf <<EOF
pf = {
  name = "$P"; kind = "net"; vfs = 4; eswitch = "switchdev";
  rate_groups = {
    tenants = { tx_max = "4gbit"; };
    gold = { tx_share = "1gbit"; tx_max = "2gbit"; parent = "tenants"; };
    bronze = { tx_max = "500mbit"; parent = "tenants"; };
  };
};
vf = { rate = { tx_max = "1gbit"; }; };
vf0 = { rate = { parent = "gold"; tx_share = "200mbit"; }; };
vf1 = { rate = { parent = "gold"; }; };
vf2 = { rate = { parent = "bronze"; tx_max = "100mbit"; }; };
EOF
cp /etc/vio.d/90-netdevsim.conf /tmp/rate.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/f1 2>&1
check "6f apply: exit 0" 0 "$?"
sed 's/^/  /' /tmp/f1
check "6f switchdev, 4 VFs" "switchdev 4" "$(mode) $(npf)"
check "6f group tenants: tx_max 4000, no parent" "0 4000 " "$(node tenants tx_share) $(node tenants tx_max) $(node tenants rate_parent)"
check "6f group gold: 1000/2000 under tenants" "1000 2000 tenants" "$(node gold tx_share) $(node gold tx_max) $(node gold rate_parent)"
check "6f group bronze: 500 under tenants" "500 tenants" "$(node bronze tx_max) $(node bronze rate_parent)"
check "6f vf0: share 200, max 1000 (vf), in gold" "200 1000 gold" "$(leaf 0 tx_share) $(leaf 0 tx_max) $(leaf 0 rate_parent)"
check "6f vf1: max 1000, in gold" "1000 gold" "$(leaf 1 tx_max) $(leaf 1 rate_parent)"
check "6f vf2: max 100 (vf2 beats vf), in bronze" "100 bronze" "$(leaf 2 tx_max) $(leaf 2 rate_parent)"
check "6f vf3: max 1000, no parent" "1000 " "$(leaf 3 tx_max) $(leaf 3 rate_parent)"
first=$(rates | tr '\n' '|')
check "6f the order: parents first, then the leaves" \
	"rate group tenants|rate group gold|rate group bronze" \
	"$(grep -o 'rate group [a-z]*' /tmp/f1 | head -3 | tr '\n' '|' | sed 's/|$//')"
J='.pfs[] | select(.address == "netdevsim10")'
check "6f list --json: the groups (bytes per second)" \
	"bronze:0:62500000:tenants gold:125000000:250000000:tenants tenants:0:500000000:null" \
	"$(vio list --json | jq -r "[$J | .rate_groups[] | \"\\(.name):\\(.tx_share):\\(.tx_max):\\(.parent)\"] | sort | join(\" \")")"
check "6f list --json: vf0's rate leaf" "25000000 125000000 gold" \
	"$(vio list --json | jq -r "$J | .vfs[0].rate | \"\\(.tx_share) \\(.tx_max) \\(.parent)\"")"
check "6f list --json: vf1's port function, nothing reported" "true" \
	"$(vio list --json | jq -r "$J | .vfs[1].port_function | [.[]] | all(. == null)")"
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/f2 2>&1
check "6f second apply: exit 0" 0 "$?"
if grep -qE ' -> ' /tmp/f2; then fail "6f second apply: nothing sent" "$(tr '\n' '|' </tmp/f2)"; else pass "6f second apply: nothing sent"; fi
vio explain "$P" >/tmp/f3 2>&1
check "6f explain: the groups and a VF's merged rate" 4 \
	"$(grep -cE '^  (rate group tenants +tx_max 4000mbit|rate group gold +tx_share 1000mbit tx_max 2000mbit parent tenants|rate group bronze|rate +tx_share 200mbit tx_max 1000mbit parent gold) ' /tmp/f3)"

echo "--- 6f drift: check names it, apply sends only that"
devlink port function rate set "netdevsim/netdevsim10/$(port_of 1)" tx_max 300mbit
devlink port function rate set netdevsim/netdevsim10/gold parent bronze 2>/dev/null ||
	devlink port function rate set netdevsim/netdevsim10/gold tx_share 100mbit
vio check >/tmp/f4 2>&1
check "6f drift: check exit 5" 5 "$?"
sed 's/^/  /' /tmp/f4
check "6f drift: the leaf named" 1 "$(grep -c 'netdevsim10 vf 1: rate tx_max is 300mbit, policy wants 1000mbit' /tmp/f4)"
check "6f drift: the group named" 1 "$(grep -cE 'netdevsim10: rate group gold (parent is bronze, policy wants tenants|tx_share is 100mbit, policy wants 1000mbit)' /tmp/f4)"
vio apply --dry-run "$P" >/tmp/f4d 2>&1
check "6f drift: dry-run exit 0" 0 "$?"
check "6f drift: dry-run shows the same two" 2 "$(grep -cE 'netdevsim10( vf 1)?: would set rate (group gold )?(tx_max|tx_share|parent)' /tmp/f4d)"
check "6f drift: dry-run changed nothing" "300" "$(leaf 1 tx_max)"
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/f5 2>&1
check "6f drift: apply exit 0" 0 "$?"
check "6f drift: two changes sent" 2 "$(grep -c ' -> ' /tmp/f5)"
check "6f drift: repaired" "1000 gold 1000 2000 tenants" "$(leaf 1 tx_max) $(leaf 1 rate_parent) $(node gold tx_share) $(node gold tx_max) $(node gold rate_parent)"

echo "--- 6f a value the driver refuses: named, and what the step changed before it put back"
before=$(rates | tr '\n' '|')
sed -i 's/gold = { tx_share = "1gbit"; tx_max = "2gbit";/gold = { tx_share = "1gbit"; tx_max = "3gbit";/; s/^vf2 = .*/vf2 = { rate = { parent = "bronze"; tx_max = "6gbit"; }; };/' \
	/etc/vio.d/90-netdevsim.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/f6 2>&1
check "6f refused: exit 3" 3 "$?"
sed 's/^/  /' /tmp/f6
check "6f refused: named with the driver's reason" 1 \
	"$(grep -cE 'netdevsim10 vf 2: cannot set rate tx_max 6000mbit: .*exceed link maximum speed 5000Mbps.*; nothing changed' /tmp/f6)"
check "6f refused: gold's tx_max (set before) put back" "$before" "$(rates | tr '\n' '|')"
sed -i 's/^vf2 = .*/vf2 = { rate = { parent = "bronze"; tx_max = "1500bps"; }; };/' /etc/vio.d/90-netdevsim.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/f7 2>&1
check "6f not whole Mbit/s: exit 3" 3 "$?"
check "6f not whole Mbit/s: the driver's reason" 1 "$(grep -c 'not in link speed units of 1Mbps' /tmp/f7)"
check "6f not whole Mbit/s: nothing changed" "$before" "$(rates | tr '\n' '|')"
# netdevsim has no priority or weight: the kernel says so, and the step is put back.
sed -i 's/^vf2 = .*/vf2 = { rate = { parent = "bronze"; tx_max = "100mbit"; tx_priority = 2; }; };/' /etc/vio.d/90-netdevsim.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/f7p 2>&1
check "6f tx_priority: exit 3" 3 "$?"
sed 's/^/  /' /tmp/f7p
check "6f tx_priority: named, with the kernel's reason" 1 "$(grep -cE 'netdevsim10 vf 2: cannot set rate tx_priority 2: .+ \(tx_priority and tx_weight need Linux 6.5 and a driver with them\); nothing changed' /tmp/f7p)"
check "6f tx_priority: nothing changed" "$before" "$(rates | tr '\n' '|')"
cp /tmp/rate.conf /etc/vio.d/90-netdevsim.conf

echo "--- 6f a group dropped from the policy: its members out, then the group; others' groups kept"
devlink port function rate add netdevsim/netdevsim10/manual tx_max 100mbit
sed -i '/bronze = {/d; s/^vf2 = .*/vf2 = { rate = { tx_max = "100mbit"; }; };/' /etc/vio.d/90-netdevsim.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/f8 2>&1
check "6f dropped: exit 0" 0 "$?"
sed 's/^/  /' /tmp/f8
check "6f dropped: bronze gone" no "$([ -d "$NS/rate_nodes/bronze" ] && echo yes || echo no)"
check "6f dropped: vf2 out of it first" "1" "$(grep -n 'vf 2: rate parent bronze -> (none)\|rate group bronze' /tmp/f8 | head -1 | grep -c 'vf 2')"
check "6f dropped: vf2 has no parent" "" "$(leaf 2 rate_parent)"
check "6f dropped: the group vio did not make is kept" yes "$([ -d "$NS/rate_nodes/manual" ] && echo yes || echo no)"
devlink port function rate del netdevsim/netdevsim10/manual

echo "--- 6f the VFs made again (removed by hand: netdevsim drops its groups and goes legacy)"
cp /tmp/rate.conf /etc/vio.d/90-netdevsim.conf
echo 0 >"$D/sriov_numvfs"
settle 1
check "6f by hand: no groups left" "" "$(ls "$NS/rate_nodes" 2>/dev/null)"
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/f9 2>&1
check "6f again: exit 0" 0 "$?"
sed 's/^/  /' /tmp/f9
check "6f again: every group and leaf as the first apply made them" "$first" "$(rates | tr '\n' '|')"

echo "--- 6f port function keys: netdevsim reports none, refused before anything changes"
for k in 'roce = true' 'migratable = true' 'ipsec_crypto = true' 'ipsec_packet = false' 'max_io_eqs = 8' 'hw_addr = true'; do
	sed "s/^vf1 = .*/vf1 = { rate = { parent = \"gold\"; }; port_function = { $k; }; };/; s/tx_max = \"4gbit\"/tx_max = \"3gbit\"/" \
		/tmp/rate.conf >/etc/vio.d/90-netdevsim.conf
	before=$(rates | tr '\n' '|')
	VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/f10 2>&1
	check "6f ${k%% *}: exit 2" 2 "$?"
	check "6f ${k%% *}: named, with the driver" 1 \
		"$(grep -cE "90-netdevsim.conf:[0-9]+: netdevsim10 vf 1: port_function ${k%% *}, but the PF's driver \(netdevsim\) does not report it for the VF's devlink port; nothing changed" /tmp/f10)"
	check "6f ${k%% *}: nothing changed (not even a group)" "$before" "$(rates | tr '\n' '|')"
	check "6f ${k%% *}: nothing written" 0 "$(grep -c ' -> ' /tmp/f10)"
done
sed 's/^/  /' /tmp/f10
cp /tmp/rate.conf /etc/vio.d/90-netdevsim.conf
# The stable MAC goes through rtnetlink where the port reports no hw_addr (netdevsim).
check "6f vf0's stable MAC through rtnetlink (no hw_addr reported)" "$(vio mac "$P" 0)" "$(vf 0 .address)"

echo "--- 6g representors: named by udev from the policy's template, by switch and port"
reps() { # each VF's representor, as devlink reports it
	devlink -j port show | jq -r '[.port[] | select(.flavour == "pcivf")] | sort_by(.vfnum) | map(.netdev) | join(" ")'
}
prop() { # IFNAME KEY: udev's property
	udevadm info -q property -p "/sys/class/net/$1" 2>/dev/null | sed -n "s/^$2=//p"
}
check "6g default (no representor keys): nobody's (ID_NET_MANAGED_BY=vio, NM_UNMANAGED=1)" "vio 1" \
	"$(prop "$(reps | cut -d' ' -f1)" ID_NET_MANAGED_BY) $(prop "$(reps | cut -d' ' -f1)" NM_UNMANAGED)"
sed -i "s/eswitch = \"switchdev\";/eswitch = \"switchdev\"; representor_name = \"%p_%v\"; representor_managed_by = \"networkd\";/" \
	/etc/vio.d/90-netdevsim.conf
cp /etc/vio.d/90-netdevsim.conf /tmp/rep.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/g1 2>&1
check "6g apply: exit 0" 0 "$?"
sed 's/^/  /' /tmp/g1
settle 1
check "6g representors named from the template" "${P}_0 ${P}_1 ${P}_2 ${P}_3" "$(reps)"
check "6g list --json: vf2's representor" "${P}_2" \
	"$(vio list --json | jq -r '.pfs[] | select(.address == "netdevsim10") | .vfs[2].representor')"
check "6g the PF keeps its own name (port p1)" p1 "$(cat "/sys/class/net/$P/phys_port_name")"
check "6g manager networkd: ID_NET_MANAGED_BY, NM_UNMANAGED" "io.systemd.Network 1" \
	"$(prop "${P}_2" ID_NET_MANAGED_BY) $(prop "${P}_2" NM_UNMANAGED)"
check "6g the PF's interface has no representor manager" "" "$(prop "$P" ID_NET_MANAGED_BY)"
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/g2 2>&1
check "6g second apply: exit 0" 0 "$?"
if grep -qE ' -> |asked udev' /tmp/g2; then fail "6g second apply: nothing sent" "$(tr '\n' '|' </tmp/g2)"; else pass "6g second apply: nothing sent"; fi

echo "--- 6g a representor renamed by hand: check names it, apply has udev name it again"
ip link set dev "${P}_2" name byhand
vio check >/tmp/g3 2>&1
check "6g drift: check exit 5" 5 "$?"
check "6g drift: named" 1 "$(grep -c "netdevsim10 vf 2: representor is byhand, policy wants ${P}_2" /tmp/g3)"
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/g4 2>&1
check "6g drift: apply exit 0" 0 "$?"
settle 1
check "6g drift: named again" "${P}_0 ${P}_1 ${P}_2 ${P}_3" "$(reps)"

echo "--- 6g the VFs made again: each representor named at its birth"
echo 0 >"$D/sriov_numvfs"
settle 1
devlink dev eswitch set netdevsim/netdevsim10 mode switchdev
echo 4 >"$D/sriov_numvfs"
settle 1
check "6g born with the template's names (no vio run)" "${P}_0 ${P}_1 ${P}_2 ${P}_3" "$(reps)"

echo "--- 6g a template past IFNAMSIZ: refused before anything changes"
sed "s/representor_name = \"%p_%v\"/representor_name = \"%p_representor%v\"/; s/tx_max = \"4gbit\"/tx_max = \"3gbit\"/" \
	/tmp/rep.conf >/etc/vio.d/90-netdevsim.conf
before="$(rates | tr '\n' '|') $(reps)"
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/g5 2>&1
check "6g IFNAMSIZ: exit 2" 2 "$?"
sed 's/^/  /' /tmp/g5
check "6g IFNAMSIZ: named" 1 \
	"$(grep -cE "90-netdevsim.conf:[0-9]+: netdevsim10: representor_name = \"%p_representor%v\" makes \"${P}_representor3\" for vf 3: 21 characters, and an interface name has at most 15 \(IFNAMSIZ\); nothing changed" /tmp/g5)"
check "6g IFNAMSIZ: nothing changed" "$before" "$(rates | tr '\n' '|') $(reps)"
cp /tmp/rep.conf /etc/vio.d/90-netdevsim.conf

echo "--- 6h leaving switchdev with the VFs there (mlx5's order): vio's groups go first"
groups() { for n in "$NS"/rate_nodes/*; do [ -d "$n" ] && printf '%s ' "${n##*/}"; done; }
mkdir -p /etc/udev/hwdb.d
printf 'netdevsim:netdevsim10\n VIO_ESWITCH_ORDER=vfs-unbound\n' >/etc/udev/hwdb.d/61-lab.hwdb
systemd-hwdb update
VIO_LOG_TARGET=stderr vio apply "$P" >/dev/null 2>&1
check "6h before: vio's groups there" "bronze gold tenants " "$(groups)"
printf 'pf = { name = "%s"; kind = "net"; vfs = 4; eswitch = "legacy"; };\n' "$P" >/etc/vio.d/90-netdevsim.conf
devlink port function rate add netdevsim/netdevsim10/manual tx_max 100mbit
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/h1 2>&1
check "6h a group not vio's: exit 3" 3 "$?"
sed 's/^/  /' /tmp/h1
check "6h a group not vio's: named, with how to remove it" 1 \
	"$(grep -c "netdevsim10: the e-switch cannot leave switchdev while it has rate groups, and vio did not make 'manual' (devlink port function rate del netdevsim/netdevsim10/manual); nothing changed" /tmp/h1)"
check "6h a group not vio's: nothing changed" "bronze gold manual tenants  switchdev" "$(groups) $(mode)"
devlink port function rate del netdevsim/netdevsim10/manual
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/h2 2>&1
check "6h apply: exit 0" 0 "$?"
sed 's/^/  /' /tmp/h2
check "6h legacy, the VFs kept" "legacy 4" "$(mode) $(npf)"
check "6h no groups left" "" "$(groups)"
rm /etc/udev/hwdb.d/61-lab.hwdb
systemd-hwdb update
