#!/bin/bash
# shellcheck disable=SC2034 # RC is read by lib.sh's expect_rc
# SPDX-License-Identifier: GPL-2.0-or-later
# A PF given to a guest (bound to vfio-pci) is the guest's, VFs and all: no count write, no
# VF work, and check and explain say so; back with its own driver, its bind event makes the
# VFs the policy asks for.
. "$(dirname "$0")/lib.sh"

PF=0000:05:00.0

tb_new
tb_driver vfio-pci
tb_driver igb
tb_pf $PF 8086 10c9 0x020000 7 vfio-pci 0 1
tb_iommu
printf 'pf = { name = "05:00.0"; vfs = 2; };\nvf = { driver = "vfio-pci"; };\n' | policy 50-igb.conf
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "passed through: PF event" 0
expect_err "passed through: PF event" "$PF: bound to vfio-pci (passed through to a guest): left alone, VFs and all, until it is back with its own driver"
run_vio -P "$POL" apply $PF
expect_rc "passed through: apply" 0
run_vio -P "$POL" check
expect_rc "passed through: check (not a difference)" 0
if grep -qx "$PF: bound to vfio-pci (passed through to a guest): left alone, VFs and all, until it is back with its own driver ($POL/50-igb.conf, vfs = 2)" "$OUT"; then
	pass "passed through: check says so"
else
	fail "passed through: check says so"
fi
run_vio -P "$POL" explain $PF
expect_rc "passed through: explain" 0
if grep -q "^$PF: bound to vfio-pci (passed through to a guest)" "$OUT"; then
	pass "passed through: explain says so"
else
	fail "passed through: explain says so"
fi
expect_unchanged "passed through: nothing written" "$before"

# Back with igb: the bind event (vio pf) makes the VFs.
ln -sfn ../../../bus/pci/drivers/igb "$(devdir $PF)/driver"
run_vio -P "$POL" pf $PF
expect_rc "back with igb: PF event" 0
expect_attr "back with igb: its VFs" $PF sriov_numvfs 2
expect_attr "back with igb: autoprobe off first" $PF sriov_drivers_autoprobe 0
tb_cleanup

finish
