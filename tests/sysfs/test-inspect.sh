#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vio list, list --json, check and explain: output compared with tests/sysfs/golden/, and
# every exit code of check. VIO_GOLDEN_UPDATE=1 rewrites the golden files (then review them).
. "$(dirname "$0")/lib.sh"
GOLDEN=$(cd "$(dirname "$0")/golden" && pwd)

# golden NAME: stdout (then stderr) of the last run, test bed paths as @TB@, equals NAME.
golden() {
	local got
	got=$(
		cat "$OUT"
		sed 's/^/stderr: /' "$ERR"
	)
	got=${got//$TB/@TB@}
	if [ -n "${VIO_GOLDEN_UPDATE:-}" ]; then
		printf '%s\n' "$got" >"$GOLDEN/$1"
	fi
	if [ "$got" = "$(cat "$GOLDEN/$1")" ]; then
		pass "$1 as golden"
	else
		fail "$1 as golden" "$(diff <(cat "$GOLDEN/$1") <(printf '%s\n' "$got") | head -20 | tr '\n' '|')"
	fi
}

# A host with three SR-IOV PFs: a GPU with both VFs on vfio-pci, QEMU's NVMe with one VF
# bound and one not, and an accelerator with no policy.
host() {
	tb_new
	tb_driver vfio-pci
	tb_driver pci-stub
	tb_pf 0000:01:00.0 1b36 0010 0x010802 4 nvme 2 0
	VF_DEVICE=0010 tb_vf 0000:01:00.0 0 0000:01:00.1 vfio-pci
	VF_DEVICE=0010 tb_vf 0000:01:00.0 1 0000:01:00.2
	tb_pf 0000:65:00.0 8086 56c0 0x030000 16 i915 2 0
	VF_DEVICE=56c0 tb_vf 0000:65:00.0 0 0000:65:00.1 vfio-pci
	VF_DEVICE=56c0 tb_vf 0000:65:00.0 1 0000:65:00.2 vfio-pci
	tb_pf 0000:81:00.0 8086 4940 0x0b4000 16 qat_4xxx 0 1
	mkdir -p "$TB/sys/kernel/iommu_groups/"{11,12,13}
	ln -s ../../../kernel/iommu_groups/11 "$(devdir 0000:01:00.1)/iommu_group"
	ln -s ../../../kernel/iommu_groups/12 "$(devdir 0000:65:00.1)/iommu_group"
	ln -s ../../../kernel/iommu_groups/13 "$(devdir 0000:65:00.2)/iommu_group"
	policy 60-gpu.conf <<'POL'
pf = { name = "65:00.0"; kind = "gpu"; vfs = 2; };
vf = { driver = "vfio-pci"; };
POL
	policy 80-nvme.conf <<'POL'
pf = { id = "1b36:0010"; vfs = 2; };
vf0 = { driver = "vfio-pci"; };
vf1 = { driver = "pci-stub"; };
POL
}

host
run_vio -P "$POL" list
expect_rc "list" 0
golden list.txt
run_vio -P "$POL" list --json
expect_rc "list --json" 0
golden list.json
if python3 -m json.tool "$OUT" >/dev/null 2>&1; then pass "list --json parses"; else fail "list --json parses"; fi
# Without root, where the files can be read: the same list.
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	chmod 0755 "$TB"
	cp "$VIO" "$TB/vio-copy" && chmod 0755 "$TB/vio-copy"
	VIO=$TB/vio-copy AS_USER="setpriv --reuid=65534 --regid=65534 --clear-groups" \
		run_vio -P "$POL" list
	expect_rc "list as nobody" 0
	golden list.txt
fi
run_vio -P "$POL" explain 01:00.0
expect_rc "explain" 0
golden explain-nvme.txt
run_vio -P "$POL" explain 81:00.0
expect_rc "explain, no policy" 0
golden explain-none.txt

# check: 5 while vf1 of the NVMe PF is unbound (drift) ...
run_vio -P "$POL" check
expect_rc "check, drift" 5
golden check-drift.txt
# ... 0 once it is bound as the policy says ...
ln -s ../../../bus/pci/drivers/pci-stub "$(devdir 0000:01:00.2)/driver"
run_vio -P "$POL" check
expect_rc "check, all good" 0
golden check-good.txt
# ... 2 with a policy error, even in a file that matches no PF here ...
printf 'pf = { name = "09:00.0"; vfs = 2; };\nvf3 = { driver = "vfio-pci"; };\n' | policy 90-other.conf
run_vio -P "$POL" check
expect_rc "check, policy error" 2
golden check-policy-error.txt
rm "$POL/90-other.conf"
tb_cleanup

# ... and 3 when the system cannot be read (a NIC PF whose VF settings do not answer).
tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 i40e 1 0
VF_DEVICE=154c tb_vf 0000:05:00.0 0 0000:05:02.0
tb_netdev 0000:05:00.0 enp5s0f0 0x1003 3c:fd:fe:aa:bb:cc
printf 'pf = { name = "enp5s0f0"; vfs = 1; };\nvf0 = { vlan = 5; };\n' | policy 50-nic.conf
run_vio -P "$POL" check
expect_rc "check, cannot read" 3
expect_err "check, cannot read" "0000:05:00.0 vf 0: cannot read VF settings of enp5s0f0"
tb_cleanup

finish
