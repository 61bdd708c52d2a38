#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vio vf: the VF event, against fake sysfs trees. umockdev cannot bind a driver, so a
# successful bind is proven in the real-kernel tier; here we assert what vio wrote.
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
# umockdev does not bind: vio must notice and say so.
expect_rc "driver, bind not taken" 3
expect_err "driver, bind not taken" "0000:01:00.0 vf 0 (0000:01:00.1): binding to pci-stub failed (the driver refused it; driver now none); see the kernel log"
tb_cleanup

# --- a module name where the driver name differs (vfio_pci registers vfio-pci)
setup
tb_driver vfio-pci
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
vf = { driver = "vfio_pci"; };
EOF
run_vio -P "$POL" vf $VF1
expect_attr "module name" $VF1 driver_override vfio-pci
# (the test bed has no IOMMU groups, as a host with the IOMMU off)
expect_err "no IOMMU" "0000:01:00.0 vf 1 (0000:01:00.2): binding to vfio-pci failed: the VF has no IOMMU group; is the IOMMU on"
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

# --- not a VF (no physfn yet, as at some add events): quietly nothing
setup
rm "$(devdir $VF0)/physfn"
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
vf = { driver = "pci-stub"; };
EOF
before=$(snapshot)
run_vio -P "$POL" vf $VF0
expect_rc "no physfn" 0
expect_unchanged "no physfn" "$before"
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
