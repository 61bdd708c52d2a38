#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-or-later
# A real NIC: QEMU's igb (82576) PF with 7 VFs, driven by the kernel's igb and igbvf.
#  N1 coldplug with the PF interface down, as on a fresh boot, and no link key in the policy:
#     every VF's MAC, VLAN and the rest are set through the PF before igbvf probes; each igbvf
#     VF reports the policy's (or the generated) MAC at probe and on its netdev.
#  N2 a second run and a re-trigger send nothing.
#  N3 in use: a VF netdev moved into another network namespace (list and explain say which,
#     and a process in it), and a VF whose vfio group is open, each keep their MAC; they and a VF whose interface is up stop a count change;
#     force = true goes ahead.
#  N4 the VFs' own devices: a VF's MTU in its interface's udev event, who manages each VF
#     interface (udev properties), /dev/vfio/by-vf with owner, group and mode; drift in each
#     found by check and put right by apply.
#  N5 the PF given to a guest (bound to vfio-pci): left alone, VFs and all, and check says so;
#     back with igb, its bind event makes its VFs.
. /vio-tests/lib.sh

mkdir -p /etc/vio.d
# Everything igb implements; what it refuses (link_state, rates) is N1b.
cat >/etc/vio.d/50-igb.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 7; mtu = 9000; };
vf = { spoofchk = false; };
vf0 = { mac = "52:54:00:00:10:00"; vlan = 100; qos = 3; spoofchk = true; trust = true;
	managed_by = "NetworkManager"; };
vf1 = { vlan = 101; };
vf2 = { driver = "vfio-pci"; mac = "52:54:00:00:10:02"; vlan = 102;
	vfio_owner = "qemu"; vfio_group = "kvm"; vfio_mode = "0660"; };
vf3 = { mtu = 9000; managed_by = "networkd"; };
EOF
# The accounts a vfio node is given to (as a distribution's qemu package makes them).
echo 'qemu:x:64055:994::/nonexistent:/bin/false' >>/etc/passwd
echo 'kvm:x:994:' >>/etc/group
modprobe vfio-pci
mark_log
start_udevd
settle 3
PF=$(pf_of 0x8086:0x10c9)
P=$(cd "/sys/bus/pci/devices/$PF/net" && echo *)
echo "--- PF $PF ($P)"
check "N1 igb bound to the PF" igb "$(drv "$PF")"
check "N1 7 VFs" 7 "$(cat "/sys/bus/pci/devices/$PF/sriov_numvfs")"
check "N1 autoprobe off" 0 "$(cat "/sys/bus/pci/devices/$PF/sriov_drivers_autoprobe")"
check_log "N1 the PF was brought up before its VFs (hwdb VIO_PF_LINK, no policy key)" "vio\[[0-9]+\]: $P: link down -> up"
check "N1 the PF's MTU (pf mtu)" 9000 "$(cat "/sys/class/net/$P/mtu")"
# The PF's MTU is set before its VFs exist: the MTU line comes before the count's.
check "N1 ...set before the VFs were made" "mtu sriov_numvfs" \
	"$(log_since_mark | grep -oE "vio\[[0-9]+\]: ($P: mtu 1500 -> 9000|0000:01:00.0: sriov_numvfs 0 -> 7)" | sed -E 's/.*: (mtu|sriov_numvfs) .*/\1/' | tr '\n' ' ' | sed 's/ $//')"
check_no_log "N1 igbvf never saw the PF in reset" 'PF still in reset state'
check_no_log "N1 igbvf assigned no random MAC" 'Assigning random MAC address'
log_since_mark | grep -E 'vio\[|igbvf' | sed 's/^/  /'

vfnet() { # INDEX -> the VF's netdev in this namespace, or nothing
	ls "/sys/bus/pci/devices/$(vf_addr "$PF" "$1")/net" 2>/dev/null
}
vfmac() { /bin/ip -j link show dev "$P" | jq -r ".[0].vfinfo_list[] | select(.vf == $1) | .address"; }
vfinfo() { /bin/ip -d -j link show dev "$P" | jq -M -r ".[0].vfinfo_list[] | select(.vf == $1) | $2"; }

for i in 0 1 3 4 5 6; do
	check "N1 vf$i bound to igbvf" igbvf "$(drv "$(vf_addr "$PF" $i)")"
done
check "N1 vf2 bound to vfio-pci" vfio-pci "$(drv "$(vf_addr "$PF" 2)")"
want0=52:54:00:00:10:00
want1=$(vio mac "$PF" 1)
# The key of generated MACs is the PF's permanent address; the host recomputes with openssl.
echo "VIO-MAC $(cat "/sys/class/net/$P/address") 1 $want1"
check "N1 vf0 netdev has the policy's MAC" "$want0" "$(cat "/sys/class/net/$(vfnet 0)/address")"
check_log "N1 vf0: igbvf reported it at probe" "igbvf $(vf_addr "$PF" 0): Address: $want0"
check "N1 vf1 netdev has the generated MAC (= vio mac)" "$want1" "$(cat "/sys/class/net/$(vfnet 1)/address")"
check_log "N1 vf1: igbvf reported it at probe" "igbvf $(vf_addr "$PF" 1): Address: $want1"
for i in 3 4 5 6; do
	m=$(vio mac "$PF" $i)
	check "N1 vf$i netdev has its generated MAC" "$m" "$(cat "/sys/class/net/$(vfnet $i)/address")"
done
check "N1 vf2 (vfio-pci) MAC through the PF" 52:54:00:00:10:02 "$(vfmac 2)"
check "N1 vf0 vlan 100 qos 3" "100 3" "$(vfinfo 0 '"\(.vlan_list[0].vlan) \(.vlan_list[0].qos)"')"
check "N1 vf0 spoofchk on, trust on" "true true" "$(vfinfo 0 '"\(.spoofchk) \(.trust)"')"
check "N1 vf1 vlan 101" 101 "$(vfinfo 1 '.vlan_list[0].vlan')"
check "N1 vf3 spoofchk off (from vf)" false "$(vfinfo 3 .spoofchk)"
check_no_log "N1 no error" 'vio\[[0-9]+\]: .*(error|cannot|refused|failed|not bound)'

echo "--- N1b what igb refuses is named by VF and attribute; the rest still applies"
sed -i 's/vf1 = { vlan = 101; };/vf1 = { vlan = 111; link_state = "enable"; max_tx_rate = 100; trust = true; };/' \
	/etc/vio.d/50-igb.conf
VIO_LOG_TARGET=stderr vio apply "$PF" >/tmp/n1b 2>&1
check "N1b a refused attribute: exit 3" 3 "$?"
sed 's/^/  /' /tmp/n1b
check "N1b link_state named" 1 "$(grep -c "0000:01:00.0 vf 1: link_state: Operation not supported" /tmp/n1b)"
check "N1b vlan (sent before it) applied" 111 "$(vfinfo 1 '.vlan_list[0].vlan')"
check "N1b trust (sent after it) applied" true "$(vfinfo 1 .trust)"
echo "  igb's answer to max_tx_rate 100: $(vfinfo 1 '.rate.max_tx') Mbit/s set; $(grep -c 'vf 1: rate:' /tmp/n1b) refusal"
sed -i 's/vf1 = {.*/vf1 = { vlan = 101; };/' /etc/vio.d/50-igb.conf
VIO_LOG_TARGET=stderr vio apply "$PF" >/tmp/n1c 2>&1
check "N1b back to the first policy: exit 0" 0 "$?"

echo "--- N2 a second run and a re-trigger send nothing"
VIO_LOG_TARGET=stderr vio apply "$PF" >/tmp/n2 2>&1
sed 's/^/  /' /tmp/n2
if grep -q ' -> ' /tmp/n2; then fail "N2 second apply sends nothing" "$(grep ' -> ' /tmp/n2 | head -2 | tr '\n' '|')"; else pass "N2 second apply sends nothing"; fi
mark_log
udevadm trigger --action=change --subsystem-match=pci
settle 2
check_no_log "N2 re-trigger changes nothing" 'vio\[[0-9]+\]: .* -> '

echo "--- N4 the VFs' own devices: MTU, who manages the interface, /dev/vfio/by-vf"
prop() { udevadm info -q property -p "/sys/class/net/$1" | sed -n "s/^$2=//p"; }
I0=$(vfnet 0) I3=$(vfnet 3) I4=$(vfnet 4)
check "N4 vf3 MTU (vf3 mtu)" 9000 "$(cat "/sys/class/net/$I3/mtu")"
check "N4 vf4 MTU (none given: the driver's)" 1500 "$(cat "/sys/class/net/$I4/mtu")"
check "N4 vf3: ID_NET_MANAGED_BY (networkd)" io.systemd.Network "$(prop "$I3" ID_NET_MANAGED_BY)"
check "N4 vf3: NM_UNMANAGED" 1 "$(prop "$I3" NM_UNMANAGED)"
check "N4 vf0: ID_NET_MANAGED_BY (NetworkManager)" org.freedesktop.NetworkManager "$(prop "$I0" ID_NET_MANAGED_BY)"
check "N4 vf0: NM_UNMANAGED" 0 "$(prop "$I0" NM_UNMANAGED)"
check "N4 vf4: the host decides (nothing set)" "" "$(prop "$I4" ID_NET_MANAGED_BY)$(prop "$I4" NM_UNMANAGED)"
udevadm info -q property -p "/sys/class/net/$I3" | grep -E '^(VIO_|ID_NET_MANAGED_BY|NM_UNMANAGED)' | sed 's/^/  udevadm info (vf3 netdev): /'
G2=$(basename "$(readlink "/sys/bus/pci/devices/$(vf_addr "$PF" 2)/iommu_group")")
L2=/dev/vfio/by-vf/$PF-vf2
check "N4 vf2: $L2 -> its group" "/dev/vfio/$G2" "$(readlink -f "$L2")"
check "N4 vf2: /dev/vfio/$G2 owner, group, mode" "qemu kvm 660" "$(stat -c '%U %G %a' "/dev/vfio/$G2")"
for l in /dev/vfio/by-vf/*; do echo "  $l -> $(readlink "$l")"; done
# The vfio device cdev beside the group (iommufd): only kernels built with
# CONFIG_VFIO_DEVICE_CDEV have one; Debian's 6.1 and 6.12 are not (no CONFIG_IOMMUFD), and
# both still list the VF's vfio-dev/vfioN, with no dev (no node).
C2=$(ls "/sys/bus/pci/devices/$(vf_addr "$PF" 2)/vfio-dev" 2>/dev/null)
if grep -q '^CONFIG_VFIO_DEVICE_CDEV=y' "/boot/config-$(uname -r)"; then
	check "N4 vf2: /dev/vfio/devices/by-vf link -> its cdev" "/dev/vfio/devices/$C2" \
		"$(readlink -f "/dev/vfio/devices/by-vf/$PF-vf2")"
	check "N4 vf2: /dev/vfio/devices/$C2 owner, group, mode" "qemu kvm 660" \
		"$(stat -c '%U %G %a' "/dev/vfio/devices/$C2")"
else
	echo "  kernel $(uname -r) without vfio device cdevs: $(grep -E 'CONFIG_(IOMMUFD|VFIO_DEVICE_CDEV)[ =]' "/boot/config-$(uname -r)")"
	echo "  vf2's vfio-dev: ${C2:-none}; $(cd "/sys/bus/pci/devices/$(vf_addr "$PF" 2)/vfio-dev/$C2" 2>/dev/null && echo *)"
	check "N4 vf2: no vfio cdev node (the kernel has none), no cdev link, vio asks for none" "::0" \
		"$(ls /dev/vfio/devices 2>/dev/null):$(ls /dev/vfio/devices/by-vf 2>/dev/null):$(vio check 2>&1 | grep -c 'vfio/devices')"
fi
J=$(vio list --json)
check "N4 list --json: vf3's interface, MTU and manager" "$I3 9000 io.systemd.Network" \
	"$(echo "$J" | jq -r '.pfs[0].vfs[3] | "\(.netdev) \(.mtu) \(.managed_by)"')"
check "N4 list --json: vf2's vfio link" "$L2" "$(echo "$J" | jq -r '.pfs[0].vfs[2].vfio_link')"
check "N4 list --json: igb has no eswitch" null "$(echo "$J" | jq -r '.pfs[0].eswitch')"
VIO_LOG_TARGET=stderr vio check >/tmp/n4a 2>&1
check "N4 check: exit 0" 0 "$?"
sed 's/^/  /' /tmp/n4a

# The interface appears again (driver rebound by hand): its own event sets the MTU again.
V3=$(vf_addr "$PF" 3)
mark_log
echo "$V3" >/sys/bus/pci/drivers/igbvf/unbind
echo "$V3" >/sys/bus/pci/drivers_probe
settle 2
I3=$(vfnet 3)
check "N4 rebound vf3: MTU set in its interface's event" 9000 "$(cat "/sys/class/net/$I3/mtu")"
check_log "N4 ...by vio netdev, logged naming the VF" "vio\[[0-9]+\]: 0000:01:00.0 vf 3 \($V3\): mtu of $I3 1500 -> 9000"
check "N4 ...the VF kept its properties through its bind event" 9000 \
	"$(udevadm info -q property -p "/sys/bus/pci/devices/$V3" | sed -n 's/^VIO_VF_MTU=//p')"
check "N4 ...and the new interface is still networkd's" io.systemd.Network "$(prop "$I3" ID_NET_MANAGED_BY)"

# Drift in each, made behind vio's back or by a policy edit: check names it, apply repairs it.
/bin/ip link set dev "$I3" mtu 1500
chmod 0600 "/dev/vfio/$G2"
sed -i 's/managed_by = "NetworkManager";/managed_by = "none";/' /etc/vio.d/50-igb.conf
VIO_LOG_TARGET=stderr vio check >/tmp/n4b 2>&1
check "N4 drift: check exit 5" 5 "$?"
sed 's/^/  /' /tmp/n4b
check "N4 drift: MTU named" 1 "$(grep -c "vf 3 ($V3): mtu of $I3 is 1500, policy wants 9000" /tmp/n4b)"
check "N4 drift: mode named" 1 "$(grep -c "vf 2 ($(vf_addr "$PF" 2)): mode of /dev/vfio/$G2 is 0600, policy wants 0660" /tmp/n4b)"
check "N4 drift: manager named" 1 "$(grep -c "vf 0 ($(vf_addr "$PF" 0)): ID_NET_MANAGED_BY of $I0 is org.freedesktop.NetworkManager, policy wants vio" /tmp/n4b)"
VIO_LOG_TARGET=stderr vio apply "$PF" >/tmp/n4c 2>&1
check "N4 apply: exit 0" 0 "$?"
sed 's/^/  /' /tmp/n4c
settle 2
check "N4 apply: vf3 MTU back" 9000 "$(cat "/sys/class/net/$I3/mtu")"
check "N4 apply: mode back (udev's rule)" 660 "$(stat -c '%a' "/dev/vfio/$G2")"
check "N4 apply: vf0 now nobody's" "vio 1" "$(prop "$I0" ID_NET_MANAGED_BY) $(prop "$I0" NM_UNMANAGED)"
VIO_LOG_TARGET=stderr vio check >/tmp/n4d 2>&1
check "N4 check after apply: exit 0" 0 "$?"
sed 's/^/  /' /tmp/n4d

# A mode the device refuses: igb has no devlink eswitch. Said with the key's line; nothing changes.
sed -i 's/mtu = 9000; };/mtu = 9000; eswitch = "switchdev"; };/' /etc/vio.d/50-igb.conf
VIO_LOG_TARGET=stderr vio apply "$PF" >/tmp/n4e 2>&1
check "N4 eswitch on igb: exit 3" 3 "$?"
sed 's/^/  /' /tmp/n4e
check "N4 eswitch on igb: named" 1 "$(grep -c "50-igb.conf:1: $PF: eswitch = \"switchdev\", but the PF's driver (igb) offers no devlink eswitch" /tmp/n4e)"
check "N4 eswitch on igb: nothing changed" "7 $(vfmac 0)" "$(cat "/sys/bus/pci/devices/$PF/sriov_numvfs") 52:54:00:00:10:00"
sed -i 's/ eswitch = "switchdev";//' /etc/vio.d/50-igb.conf

echo "--- N3 in use: another network namespace, an open vfio group"
N1=$(vfnet 1)
unshare -n sleep 600 &
nspid=$!
sleep 0.5
/bin/ip link set dev "$N1" netns "$nspid"
check "N3 vf1's netdev left this namespace" "" "$(vfnet 1)"
check "N3 ...into the other one" "$N1" "$(nsenter -t "$nspid" -n /bin/ip -o link show | grep -o "$N1" | head -1)"
# Where it went, as list and explain show it (IFLA_PARENT_DEV_NAME in that namespace).
NSINO=$(stat -L -c %i "/proc/$nspid/ns/net")
vio list >/tmp/n3l 2>&1
check "N3 list: vf1's interface in the other namespace, and a process in it" 1 \
	"$(grep -c "^         interface $N1 in network namespace net:\[$NSINO\] (pid $nspid, sleep)$" /tmp/n3l)"
check "N3 list --json: netns of vf1" "$N1 net:[$NSINO] $nspid" \
	"$(vio list --json | jq -r '.pfs[0].vfs[1].netns | "\(.interface) \(.id) \(.pid)"')"
vio explain "$PF" >/tmp/n3x 2>&1
check "N3 explain: where vf1's interface is" 1 \
	"$(grep -cE "^  interface +$N1 +in network namespace net:\[$NSINO\] \(pid $nspid, sleep\)$" /tmp/n3x)"
G=$(basename "$(readlink "/sys/bus/pci/devices/$(vf_addr "$PF" 2)/iommu_group")")
sleep 600 <>"/dev/vfio/$G" &
holder=$!
sleep 0.5
# A new MAC for vf1 and vf2 while in use: theirs, not changed; check reports them in use.
sed -i 's/vf1 = { vlan = 101; };/vf1 = { vlan = 101; mac = "52:54:00:00:10:91"; };/; s/52:54:00:00:10:02/52:54:00:00:10:92/' \
	/etc/vio.d/50-igb.conf
VIO_LOG_TARGET=stderr vio apply "$PF" >/tmp/n3a 2>&1
check "N3 apply with VFs in use: exit 0" 0 "$?"
sed 's/^/  /' /tmp/n3a
check "N3 vf1 (other netns) keeps its MAC" "$want1" "$(vfmac 1)"
check "N3 vf2 (vfio group open) keeps its MAC" 52:54:00:00:10:02 "$(vfmac 2)"
check "N3 apply says vf1 is in use, and why" 1 "$(grep -c "vf 1 ($(vf_addr "$PF" 1)): in use (bound to igbvf, its interface is in another network namespace)" /tmp/n3a)"
vio check >/tmp/n3b 2>&1
check "N3 check: in use is not drift (exit 0)" 0 "$?"
check "N3 check names vf2's user" 1 "$(grep -c "vf 2 ($(vf_addr "$PF" 2)): in use (vfio group $G is open (pid $holder))" /tmp/n3b)"
# vf3's interface up on this host: in use too.
N3=$(vfnet 3)
/bin/ip link set dev "$N3" up
sed -i 's/vfs = 7;/vfs = 4;/' /etc/vio.d/50-igb.conf
VIO_LOG_TARGET=stderr vio apply "$PF" >/tmp/n3c 2>&1
check "N3 count change refused: exit 4" 4 "$?"
check "N3 ...naming the three VFs and their users" 1 \
	"$(grep -c "in use: vf 1 .*another network namespace.*vf 2 .*vfio group $G is open.*vf 3 .*interface $N3 is up" /tmp/n3c)"
check "N3 ...and nothing changed" 7 "$(cat "/sys/bus/pci/devices/$PF/sriov_numvfs")"
sed -i 's/vfs = 4;/vfs = 4; force = true;/' /etc/vio.d/50-igb.conf
VIO_LOG_TARGET=stderr vio apply "$PF" >/tmp/n3d 2>&1; rc=$?; sed "s/^/  /" /tmp/n3d; (exit $rc)
check "N3 force = true: exit 0" 0 "$?"
check "N3 force = true: 4 VFs" 4 "$(cat "/sys/bus/pci/devices/$PF/sriov_numvfs")"
kill "$holder" "$nspid" 2>/dev/null

echo "--- N5 the PF given to a guest (vfio-pci), then back with igb"
# igb's remove takes the PF's VFs with it.
echo "$PF" >/sys/bus/pci/drivers/igb/unbind
echo vfio-pci >"/sys/bus/pci/devices/$PF/driver_override"
mark_log
echo "$PF" >/sys/bus/pci/drivers_probe
settle 2
check "N5 the PF bound to vfio-pci" vfio-pci "$(drv "$PF")"
check "N5 no VFs made for it" 0 "$(cat "/sys/bus/pci/devices/$PF/sriov_numvfs")"
check_log "N5 its bind event: left alone, and said" "vio\[[0-9]+\]: $PF: bound to vfio-pci \(passed through to a guest\): left alone"
vio check >/tmp/n5a 2>&1
check "N5 check: not a difference (exit 0)" 0 "$?"
check "N5 check says so" 1 "$(grep -c "^$PF: bound to vfio-pci (passed through to a guest): left alone" /tmp/n5a)"
echo "$PF" >/sys/bus/pci/drivers/vfio-pci/unbind
echo >"/sys/bus/pci/devices/$PF/driver_override"
mark_log
echo "$PF" >/sys/bus/pci/drivers_probe
settle 5
check "N5 back with igb" igb "$(drv "$PF")"
check "N5 its VFs made again at its bind event, as the policy says" 4 "$(cat "/sys/bus/pci/devices/$PF/sriov_numvfs")"
check "N5 ...and bound" igbvf "$(drv "$(vf_addr "$PF" 0)")"
