#!/bin/bash
# shellcheck disable=SC2034 # RC is read by lib.sh's expect_rc
# SPDX-License-Identifier: GPL-2.0-or-later
# driver = "vfio": the VF's vfio variant driver where the running kernel has one (the most
# specific vfio_pci: alias in modules.alias; ranking in unit/test-modalias, a real kernel in
# the nvme lab), else vfio-pci, and explain says which and why. No kernel has a variant
# driver for QEMU's NVMe VF (1b36:0010): here it is vfio-pci.
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0

tb_new
tb_iommu
tb_driver vfio-pci
tb_pf $PF 1b36 0010 0x010802 4 nvme 2 0
for i in 0 1; do
	VF_DEVICE=0010 tb_vf $PF $i "0000:01:00.$((i + 1))"
	mkdir -p "$TB/sys/kernel/iommu_groups/$((20 + i))"
	ln -s "../../../kernel/iommu_groups/$((20 + i))" "$(devdir "0000:01:00.$((i + 1))")/iommu_group"
	echo "pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02" >"$(devdir "0000:01:00.$((i + 1))")/modalias"
done
printf 'pf = { name = "01:00.0"; vfs = 2; };\nvf = { driver = "vfio"; vfio_mode = "0660"; };\n' | policy 50-nvme.conf
run_vio -P "$POL" check
expect_rc "check: the VFs are not bound yet" 5
if grep -qx "0000:01:00.0 vf 0 (0000:01:00.1): driver is none, policy wants vfio-pci" "$OUT"; then
	pass "check: vfio resolved to vfio-pci"
else
	fail "check: vfio resolved to vfio-pci"
fi
run_vio -P "$POL" apply $PF
expect_rc "apply" 0
expect_attr "apply" 0000:01:00.1 driver_override vfio-pci
expect_attr "apply" 0000:01:00.2 driver_override vfio-pci
run_vio -P "$POL" explain $PF
if grep -qE "^  driver +vfio-pci +$POL/50-nvme.conf:2 \(vf\): policy: vfio; no variant driver is for it \(modules.alias\): vfio-pci$" "$OUT"; then
	pass "explain: which driver, and why"
else
	fail "explain: which driver, and why" "$(grep driver "$OUT")"
fi
run_vio -P "$POL" check
expect_rc "check after apply" 0
run_vio -P "$POL" modules
if grep -qx vfio-pci "$OUT" && ! grep -qx vfio "$OUT"; then
	pass "modules: vfio-pci for the early-boot image"
else
	fail "modules: vfio-pci for the early-boot image" "$(cat "$OUT")"
fi
tb_cleanup

finish
