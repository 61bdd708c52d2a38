#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# NVMe virtualization management against an emulated controller (the fault shim's "nvme" rule:
# QEMU's rules, its state in a file, each admin command logged): the primary's release before
# the VFs are made, each VF's secondary online with its resources before its driver binds, and
# requests the controller cannot meet refused before anything changes. The real controller
# (QEMU's, with the kernel's nvme driver) is the real-kernel tier's (nvme.sh).
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0

# setup VIRT: a QEMU NVMe PF (8 VQ, 4 VI flexible, at most 2 VQ and 1 VI per secondary, 4
# secondaries offline), all of them held by the primary.
setup() {
	tb_new
	tb_pf $PF 1b36 0010 0x010802 4 nvme 0 0
	mkdir -p "$(devdir $PF)/nvme/nvme0"
	: >"$(devdir $PF)/reset"
	tb_driver nvme
	tb_driver pci-stub
	printf '%s 8 4 8 4 8 4 2 1 4\n' "${1:-1}" >"$TB/nvme.state"
	for _ in 1 2 3 4; do echo "0 0 0" >>"$TB/nvme.state"; done
	: >"$TB/nvme.state.log"
	NVME="nvme /dev/nvme0 $TB/nvme.state CTRL"
}

vfs() { # COUNT: what the kernel makes when sriov_numvfs is written
	local i=0
	while [ $i -lt "$1" ]; do
		VF_DEVICE=0010 tb_vf $PF $i "0000:01:00.$((i + 1))"
		i=$((i + 1))
	done
}

sent() { grep -c "$1" "$TB/nvme.state.log"; }
state() { sed -n "$1p" "$TB/nvme.state"; }

# --- the PF event: the primary releases its flexible resources, then the count
setup
printf 'pf = { name = "01:00.0"; vfs = 2; nvme_release = true; };\nvf = { driver = "pci-stub"; };\n' |
	policy 50-nvme.conf
FAULT=$NVME run_vio -P "$POL" pf $PF
expect_rc "release" 0
expect_err "release" "0000:01:00.0: the primary controller's flexible resources released (VQ 8, VI 4 -> VQ 0, VI 0), the PF reset"
expect_attr "release" $PF sriov_numvfs 2
if [ "$(grep -E 'act=1|reset' "$TB/nvme.state.log" | tr '\n' '|')" = "virt-mgmt act=1 rt=0 cntlid=0 nr=0|virt-mgmt act=1 rt=1 cntlid=0 nr=0|reset|" ]; then
	pass "release: VQ and VI allocations, then the reset"
else
	fail "release: VQ and VI allocations, then the reset" "$(tr '\n' '|' <"$TB/nvme.state.log")"
fi
check_state() { # NAME LINE WANT
	if [ "$(state "$2")" = "$3" ]; then pass "$1"; else fail "$1" "state line $2: $(state "$2")"; fi
}
check_state "release: the primary holds none" 1 "1 8 4 0 0 0 0 2 1 4"

# --- each VF event: its secondary online with an even share (8 VQ / 2 VFs, at most 2 per VF)
vfs 2
FAULT=$NVME run_vio -P "$POL" vf 0000:01:00.1
expect_rc "vf0 online" 0
expect_err "vf0 online" "0000:01:00.0 vf 0 (0000:01:00.1): secondary controller 1 offline, VQ 0, VI 0 -> online, VQ 2, VI 1"
expect_err "vf0 online" "0000:01:00.0 vf 0 (0000:01:00.1): bound to pci-stub"
check_state "vf0 online: the controller's state" 2 "1 2 1"
if [ "$(grep 'act=[789]' "$TB/nvme.state.log" | tr '\n' '|')" = "virt-mgmt act=8 rt=0 cntlid=1 nr=2|virt-mgmt act=8 rt=1 cntlid=1 nr=1|virt-mgmt act=9 rt=0 cntlid=1 nr=0|" ]; then
	pass "vf0 online: assign VQ, assign VI, online"
else
	fail "vf0 online: assign VQ, assign VI, online" "$(tr '\n' '|' <"$TB/nvme.state.log")"
fi
: >"$TB/nvme.state.log"
FAULT=$NVME run_vio -P "$POL" vf 0000:01:00.1
expect_rc "vf0 again" 0
check_state "vf0 again: unchanged" 2 "1 2 1"
if [ "$(sent virt-mgmt)" = 0 ]; then pass "vf0 again: nothing sent"; else fail "vf0 again: nothing sent" "$(tr '\n' '|' <"$TB/nvme.state.log")"; fi

# --- check: vf1's controller is still offline
FAULT=$NVME run_vio -P "$POL" check
expect_rc "check" 5
if grep -q "0000:01:00.0 vf 1 (0000:01:00.2): secondary controller 2 is offline, VQ 0, VI 0, policy wants online, VQ 2, VI 1" "$OUT"; then
	pass "check: names vf1's controller"
else
	fail "check: names vf1's controller"
fi
FAULT=$NVME run_vio -P "$POL" list --json
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d["pfs"][0]["vfs"]; sys.exit(0 if v[0]["nvme"]=={"controller":1,"online":True,"vq":2,"vi":1} and v[1]["nvme"]["online"] is False else 1)' "$OUT"; then
	pass "list --json: each VF's secondary controller"
else
	fail "list --json: each VF's secondary controller"
fi

# --- a VF bound with resources to change: unbound first, then online with the new ones
printf 'pf = { name = "01:00.0"; vfs = 2; nvme_release = true; };\nvf = { driver = "pci-stub"; };\nvf0 = { nvme_vq = 2; nvme_vi = 1; };\nvf1 = { nvme_vq = 3; }; \n' |
	policy 50-nvme.conf
before=$(snapshot)
FAULT=$NVME run_vio -P "$POL" vf 0000:01:00.2
expect_rc "vf1 asks 3 VQ, the controller gives at most 2" 2
expect_err "vf1 asks 3 VQ, the controller gives at most 2" "50-nvme.conf:4: 0000:01:00.0 vf 1: 3 flexible queue (VQ) resources; the controller gives a secondary at most 2"
expect_unchanged "vf1 asks 3 VQ: nothing changed" "$before"
if [ "$(sent virt-mgmt)" = 0 ]; then pass "vf1 asks 3 VQ: nothing sent"; else fail "vf1 asks 3 VQ: nothing sent"; fi
tb_cleanup

# --- more in all than the controller has, the primary keeping its own (nvme_release = false)
setup
printf 'pf = { name = "01:00.0"; vfs = 2; nvme_release = false; };\nvf = { driver = "pci-stub"; nvme_vq = 2; };\n' |
	policy 50-nvme.conf
before=$(snapshot)
FAULT=$NVME run_vio -P "$POL" pf $PF
expect_rc "primary keeps them" 2
expect_err "primary keeps them" "50-nvme.conf:2: 0000:01:00.0: the 2 VFs ask 4 flexible queue (VQ) resources in all; the controller has 0 for its secondaries (the primary controller holds the rest)"
expect_unchanged "primary keeps them: nothing changed" "$before"
tb_cleanup

# --- a PF whose controller has no virtualization management
setup 0
printf 'pf = { name = "01:00.0"; vfs = 2; };\nvf = { nvme_vq = 2; nvme_vi = 1; };\n' | policy 50-nvme.conf
before=$(snapshot)
FAULT=$NVME run_vio -P "$POL" pf $PF
expect_rc "no virtualization management" 3
expect_err "no virtualization management" "50-nvme.conf:2: 0000:01:00.0: /dev/nvme0 has no NVMe virtualization management (Identify Controller OACS bit 7): its VFs' resources cannot be given"
expect_unchanged "no virtualization management: nothing changed" "$before"
tb_cleanup

# --- the controller refuses an assignment: said with its status, the VF left offline, unbound
setup
printf 'pf = { name = "01:00.0"; vfs = 1; nvme_release = true; };\nvf = { driver = "pci-stub"; };\n' |
	policy 50-nvme.conf
vfs 1
sed -i '1s/.*/1 8 4 0 0 0 0 2 1 4/; 3s/.*/1 2 1/; 4s/.*/1 2 1/; 5s/.*/1 2 1/' "$TB/nvme.state"
sed -i '1s/^1 8 4/1 6 4/' "$TB/nvme.state" # 6 VQ: the other three secondaries hold them all
FAULT=$NVME run_vio -P "$POL" vf 0000:01:00.1
expect_rc "refused by the controller" 3
expect_err "refused by the controller" "0000:01:00.0 vf 0 (0000:01:00.1): secondary controller 1: cannot bring it online with VQ 2 and VI 1: NVMe status 0x122 (Invalid Resource Identifier); left offline, the VF unbound"
expect_attr "refused by the controller: not bound" 0000:01:00.1 driver_override "(null)"
tb_cleanup

finish
