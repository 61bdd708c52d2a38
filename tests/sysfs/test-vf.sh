#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vio vf: the VF event, against fake sysfs trees. umockdev only stores what is written; the
# fault shim (lib.sh) binds on drivers_probe as the kernel would: to driver_override, if that
# driver is registered (vfio-pci only with an IOMMU group). The real bind is proven in the
# real-kernel tier.
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0
VF0=0000:01:00.1
VF1=0000:01:00.2

setup() { # [AUTOPROBE]
	tb_new
	tb_pf $PF 1b36 0010 0x010802 4 nvme 2 "${1:-0}"
	VF_DEVICE=0010 tb_vf $PF 0 $VF0
	VF_DEVICE=0010 tb_vf $PF 1 $VF1
}

# --- the policy's driver: driver_override, then drivers_probe with the VF's address
setup
tb_driver pci-stub
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
vf0 = { driver = "pci-stub"; };
EOF
run_vio -P "$POL" vf $VF0
expect_attr "driver" $VF0 driver_override pci-stub
if [ "$(cat "$TB/sys/bus/pci/drivers_probe")" = $VF0 ]; then
	pass "driver: drivers_probe got $VF0"
else
	fail "driver: drivers_probe got $VF0" "got '$(cat "$TB/sys/bus/pci/drivers_probe")'"
fi
expect_err "driver" "$VF0: driver_override none -> pci-stub"
expect_rc "driver" 0
expect_err "driver" "0000:01:00.0 vf 0 (0000:01:00.1): bound to pci-stub"
tb_cleanup

# --- a driver that does not take the VF: said, and driver_override back as it was
setup
tb_driver pci-stub
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
vf0 = { driver = "pci-stub"; };
EOF
FAULT="write /bus/pci/drivers_probe * +0" run_vio -P "$POL" vf $VF0
expect_rc "bind not taken" 3
expect_err "bind not taken" "0000:01:00.0 vf 0 (0000:01:00.1): binding to pci-stub failed (the driver refused it; driver now none); see the kernel log"
expect_attr "bind not taken: nothing half done" $VF0 driver_override "(null)"
tb_cleanup

# --- driver_override or drivers_probe cannot be written: said, nothing half done
for f in "write /driver_override pci-stub EINVAL" "write /bus/pci/drivers_probe * ENODEV"; do
	setup
	tb_driver pci-stub
	printf 'pf = { name = "01:00.0"; vfs = 2; };\nvf0 = { driver = "pci-stub"; };\n' | policy 50-nvme.conf
	FAULT=$f run_vio -P "$POL" vf $VF0
	expect_rc "$f" 3
	case $f in
	*driver_override*) expect_err "$f" "$VF0: cannot set driver_override none -> pci-stub: Invalid argument" ;;
	*) expect_err "$f" "0000:01:00.0 vf 0 (0000:01:00.1): binding to pci-stub failed: No such device; see the kernel log" ;;
	esac
	expect_attr "$f: nothing half done" $VF0 driver_override "(null)"
	if [ -e "$(devdir $VF0)/driver" ]; then fail "$f: not bound"; else pass "$f: not bound"; fi
	tb_cleanup
done

# --- a module name where the driver name differs (vfio_pci registers vfio-pci)
setup
tb_driver vfio-pci
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
vf = { driver = "vfio_pci"; };
EOF
run_vio -P "$POL" vf $VF1
# (the test bed has no IOMMU groups, as a host with the IOMMU off): refused before any write
expect_err "no IOMMU" "0000:01:00.0 vf 1 (0000:01:00.2): cannot bind to vfio-pci: the VF has no IOMMU group; is the IOMMU on"
expect_no_err "no IOMMU: nothing written" "driver_override none -> vfio-pci"
expect_attr "no IOMMU: driver_override untouched" $VF1 driver_override "(null)"
mkdir -p "$TB/sys/kernel/iommu_groups/5"
ln -s ../../../kernel/iommu_groups/5 "$(devdir $VF1)/iommu_group"
run_vio -P "$POL" vf $VF1
expect_rc "module name, IOMMU on" 0
expect_attr "module name, IOMMU on" $VF1 driver_override vfio-pci
expect_err "module name, IOMMU on" "0000:01:00.0 vf 1 (0000:01:00.2): bound to vfio-pci"
tb_cleanup

# --- already bound as the policy says: not one write
setup
tb_driver pci-stub
ln -s ../../../bus/pci/drivers/pci-stub "$(devdir $VF0)/driver"
echo pci-stub >"$(devdir $VF0)/driver_override"
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
vf0 = { driver = "pci-stub"; };
EOF
before=$(snapshot)
run_vio -P "$POL" vf $VF0
expect_rc "already bound" 0
expect_unchanged "already bound" "$before"
tb_cleanup

# --- bound elsewhere and in use: refused; not in use: unbound first
setup
tb_driver pci-stub
tb_driver vfio-pci
ln -s ../../../bus/pci/drivers/vfio-pci "$(devdir $VF0)/driver"
tb_vfio_hold $VF0 3
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
vf0 = { driver = "pci-stub"; };
EOF
before=$(snapshot)
run_vio -P "$POL" vf $VF0
expect_rc "rebind in use" 4
expect_err "rebind in use" "bound to vfio-pci, policy says pci-stub, but it is in use (vfio group 3 is open"
expect_unchanged "rebind in use" "$before"
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null
HOLDER=
run_vio -P "$POL" vf $VF0
if [ "$(cat "$TB/sys/bus/pci/drivers/vfio-pci/unbind")" = $VF0 ]; then
	pass "rebind: unbound from vfio-pci first"
else
	fail "rebind: unbound from vfio-pci first"
fi
expect_attr "rebind" $VF0 driver_override pci-stub
tb_cleanup

# --- not a VF (no physfn yet, as at some add events): under udev quietly nothing
setup
rm "$(devdir $VF0)/physfn"
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
vf = { driver = "pci-stub"; };
EOF
before=$(snapshot)
# (under udev: SEQNUM set; a person's vio vf on a PF is an error, below)
SEQNUM=1 run_vio -P "$POL" vf $VF0
expect_rc "no physfn" 0
expect_unchanged "no physfn" "$before"
run_vio -P "$POL" vf $PF
expect_rc "vio vf on a PF" 3
expect_err "vio vf on a PF" "$PF: not a VF (no physfn); for a PF, run vio apply $PF"
tb_cleanup

# --- a VF past the policy's count, and a PF without policy: left alone
setup
tb_driver pci-stub
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 1; };
vf = { driver = "pci-stub"; };
EOF
before=$(snapshot)
run_vio -P "$POL" vf $VF1
expect_rc "past vfs" 0
expect_unchanged "past vfs" "$before"
rm "$POL/50-nvme.conf"
run_vio -P "$POL" vf $VF0
expect_rc "no policy" 0
expect_unchanged "no policy" "$before"
tb_cleanup

# --- autoprobe kept on and no driver named: the kernel's choice stands
setup 1
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; autoprobe = true; };
EOF
before=$(snapshot)
run_vio -P "$POL" vf $VF0
expect_rc "autoprobe on" 0
expect_unchanged "autoprobe on" "$before"
tb_cleanup

# --- a module that cannot be found: clear error, nothing written
setup
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
vf0 = { driver = "vio_no_such_module"; };
EOF
before=$(snapshot)
run_vio -P "$POL" vf $VF0
expect_rc "no module" 3
expect_err "no module" "0000:01:00.0 vf 0 (0000:01:00.1): cannot load module 'vio_no_such_module'"
expect_unchanged "no module" "$before"
tb_cleanup

# --- a NIC PF whose netdev is missing: the network part says so and writes nothing
tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 i40e 1 0
VF_DEVICE=154c tb_vf 0000:05:00.0 0 0000:05:02.0
tb_driver iavf
policy 50-nic.conf <<'EOF'
pf = { name = "05:00.0"; vfs = 1; };
vf0 = { driver = "iavf"; vlan = 100; };
EOF
before=$(snapshot)
run_vio -P "$POL" vf 0000:05:02.0
expect_rc "nic without netdev" 3
expect_err "nic without netdev" "0000:05:00.0 vf 0: the PF has no network interface here"
expect_unchanged "nic without netdev" "$before"
tb_cleanup

# --- apply: the PF and then each VF, the same code as the events
setup
tb_driver pci-stub
echo 0 >"$(devdir $PF)/sriov_numvfs"
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
vf = { driver = "pci-stub"; };
EOF
echo 2 >"$(devdir $PF)/sriov_numvfs"
run_vio -P "$POL" apply $PF
expect_attr "apply" $VF0 driver_override pci-stub
expect_attr "apply" $VF1 driver_override pci-stub
expect_attr "apply" $PF sriov_drivers_autoprobe 0
tb_cleanup

finish
