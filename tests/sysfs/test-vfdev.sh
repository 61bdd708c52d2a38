#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A VF's own devices as udev sees them: the properties `vio vf --export` gives the VF (its
# interface's rules read them: who manages it, its MTU) and those `vio vfio-group` gives a
# vfio group (/dev/vfio/by-vf links, owner, group, mode). udev applying them is proven in the
# real-kernel tier (igb.sh).
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0
VF0=0000:01:10.0
VF1=0000:01:10.1
VF2=0000:01:10.2

setup() { # CLASS
	tb_new
	tb_pf $PF 8086 10c9 "${1:-0x020000}" 8 igb 3 0
	[ "${1:-0x020000}" = 0x020000 ] && tb_netdev $PF eth0
	VF_DEVICE=10ca tb_vf $PF 0 $VF0
	VF_DEVICE=10ca tb_vf $PF 1 $VF1
	VF_DEVICE=10ca tb_vf $PF 2 $VF2
	tb_driver vfio-pci
}

# expect_props NAME EXPECTED: stdout is exactly the properties given (one per line).
expect_props() {
	if [ "$(cat "$OUT")" = "$2" ]; then
		pass "$1: properties"
	else
		fail "$1: properties" "want: $(echo "$2" | tr '\n' ' ')" "got:  $(tr '\n' ' ' <"$OUT")"
	fi
}

# iommu_group GROUP VF...: the VFs in one IOMMU group, as the kernel lists them.
iommu_group() {
	local g=$1 v
	shift
	mkdir -p "$TB/sys/kernel/iommu_groups/$g/devices"
	for v in "$@"; do
		ln -s "../../../../devices/pci0000:00/$v" "$TB/sys/kernel/iommu_groups/$g/devices/$v"
		ln -s "../../../kernel/iommu_groups/$g" "$(devdir "$v")/iommu_group"
	done
}

# --- each manager, the MTU, and the defaults
setup
policy 50-igb.conf <<'X'
pf = { name = "01:00.0"; vfs = 3; };
vf = { mtu = 9000; };
vf0 = { managed_by = "networkd"; };
vf1 = { driver = "vfio-pci"; };
vf2 = { managed_by = "NetworkManager"; };
X
run_vio -P "$POL" vf --export $VF0
# The PF has no rtnetlink here, so the VF's settings fail: logged, and still exit 0 with the
# properties (udev drops the output of a program that fails).
expect_rc "export with errors" 0
expect_err "export with errors" "0000:01:00.0 vf 0: cannot read VF settings of eth0"
expect_props "networkd + mtu" "VIO_PF=0000:01:00.0
VIO_VF=0
VIO_NET_MANAGED_BY=io.systemd.Network
VIO_NM_UNMANAGED=1
VIO_VF_MTU=9000"
run_vio -P "$POL" vf --export $VF1
expect_props "vfio-pci: nobody's by default" "VIO_PF=0000:01:00.0
VIO_VF=1
VIO_NET_MANAGED_BY=vio
VIO_NM_UNMANAGED=1
VIO_VF_MTU=9000"
run_vio -P "$POL" vf --export $VF2
expect_props "NetworkManager" "VIO_PF=0000:01:00.0
VIO_VF=2
VIO_NET_MANAGED_BY=org.freedesktop.NetworkManager
VIO_NM_UNMANAGED=0
VIO_VF_MTU=9000"
# Without --export: the exit code is the run's, and nothing on stdout.
run_vio -P "$POL" vf $VF0
expect_rc "no export: exit code" 3
expect_props "no export: nothing printed" ""
tb_cleanup

# --- host (the default for native drivers) and an agent's ID
setup
policy 50-igb.conf <<'X'
pf = { name = "01:00.0"; vfs = 3; };
vf1 = { managed_by = "host"; driver = "vfio-pci"; };
vf2 = { managed_by = "org.example.Agent"; };
X
run_vio -P "$POL" vf --export $VF0
expect_props "native driver: the host decides" "VIO_PF=0000:01:00.0
VIO_VF=0"
run_vio -P "$POL" vf --export $VF1
expect_props "host overrides the vfio default" "VIO_PF=0000:01:00.0
VIO_VF=1"
run_vio -P "$POL" vf --export $VF2
expect_props "an agent's ID" "VIO_PF=0000:01:00.0
VIO_VF=2
VIO_NET_MANAGED_BY=org.example.Agent
VIO_NM_UNMANAGED=1"
tb_cleanup

# --- no policy, and a device PF: nothing but where the VF belongs
setup
run_vio -P "$POL" vf --export $VF0
expect_rc "no policy" 0
expect_props "no policy: no properties" ""
tb_cleanup
setup 0x010802
printf 'pf = { name = "01:00.0"; vfs = 3; };\nvf = { driver = "vfio-pci"; };\n' | policy 50-dev.conf
FAULT="write /bus/pci/drivers_probe * +0" run_vio -P "$POL" vf --export $VF0
expect_props "kind dev: no network properties" "VIO_PF=0000:01:00.0
VIO_VF=0"
tb_cleanup

# --- vfio groups: a link per VF, owner, group and mode from the policy
setup 0x010802
policy 50-dev.conf <<'X'
pf = { name = "01:00.0"; vfs = 3; };
vf = { driver = "vfio-pci"; };
vf0 = { vfio_owner = "nobody"; vfio_group = "kvm"; vfio_mode = "0660"; };
vf1 = { vfio_owner = "root"; vfio_mode = "0600"; };
X
iommu_group 7 $VF0
iommu_group 8 $VF1 $VF2
run_vio -P "$POL" vfio-group 7
expect_rc "vfio group" 0
expect_props "vfio group" "VIO_VFIO_LINKS=vfio/by-vf/0000:01:00.0-vf0
VIO_VFIO_OWNER=nobody
VIO_VFIO_GROUP=kvm
VIO_VFIO_MODE=0660"
# Two VFs in one group (no ACS): a link each; the first VF that says wins.
run_vio -P "$POL" vfio-group 8
expect_props "two VFs in a group" "VIO_VFIO_LINKS=vfio/by-vf/0000:01:00.0-vf1 vfio/by-vf/0000:01:00.0-vf2
VIO_VFIO_OWNER=root
VIO_VFIO_MODE=0600"
run_vio -P "$POL" vfio-group 9
expect_rc "no such group" 3
expect_err "no such group" "vfio group 9: cannot read its devices: No such file or directory"
run_vio -P "$POL" vfio-group 7x
expect_rc "not a group number" 1
expect_err "not a group number" "vfio-group: '7x' is not a vfio group number"
tb_cleanup

# --- vfio device cdevs (iommufd): the same owner, group and mode, a link under devices/by-vf
setup 0x010802
policy 50-dev.conf <<'X'
pf = { name = "01:00.0"; vfs = 3; };
vf = { driver = "vfio-pci"; };
vf1 = { vfio_owner = "nobody"; vfio_group = "kvm"; vfio_mode = "0660"; };
X
for v in "$VF0:vfio0" "$VF1:vfio4"; do
	mkdir -p "$(devdir "${v%:*}")/vfio-dev/${v##*:}" "$TB/sys/class/vfio-dev"
	ln -s "../.." "$(devdir "${v%:*}")/vfio-dev/${v##*:}/device"
	ln -s "../../devices/pci0000:00/${v%:*}/vfio-dev/${v##*:}" "$TB/sys/class/vfio-dev/${v##*:}"
done
run_vio -P "$POL" vfio-dev vfio4
expect_rc "vfio cdev" 0
expect_props "vfio cdev" "VIO_VFIO_LINKS=vfio/devices/by-vf/0000:01:00.0-vf1
VIO_VFIO_OWNER=nobody
VIO_VFIO_GROUP=kvm
VIO_VFIO_MODE=0660"
run_vio -P "$POL" vfio-dev vfio0
expect_props "vfio cdev, no owner in the policy: the link only" "VIO_VFIO_LINKS=vfio/devices/by-vf/0000:01:00.0-vf0"
run_vio -P "$POL" vfio-dev vfio9
expect_rc "no such cdev" 3
expect_err "no such cdev" "vfio device vfio9: cannot read its device"
for bad in vfio 3 vfiox ../vfio4 vfio4/..; do
	run_vio -P "$POL" vfio-dev "$bad"
	expect_rc "vfio-dev '$bad'" 1
	expect_err "vfio-dev '$bad'" "vfio-dev: '$bad' is not a vfio device name (vfioN)"
done
tb_cleanup

# --- a group whose devices no policy covers (the PF's own, another tool's): nothing
setup 0x010802
iommu_group 7 $VF0
run_vio -P "$POL" vfio-group 7
expect_rc "no policy" 0
expect_props "vfio group without policy" ""
tb_cleanup

# --- vio netdev: a PF's own interface is not a VF's; nothing to do
setup
printf 'pf = { name = "01:00.0"; vfs = 3; };\nvf = { mtu = 9000; };\n' | policy 50-igb.conf
run_vio -P "$POL" netdev eth0
expect_rc "netdev of the PF" 0
expect_props "netdev of the PF: quiet" ""
run_vio -P "$POL" netdev 4242
expect_rc "no such ifindex" 3
expect_err "no such ifindex" "no interface with index 4242"
tb_cleanup

finish
