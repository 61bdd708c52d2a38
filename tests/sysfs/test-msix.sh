#!/bin/bash
# shellcheck disable=SC2034 # RC is read by lib.sh's expect_rc
# SPDX-License-Identifier: GPL-2.0-or-later
# Per-VF MSI-X (msix, sriov_vf_msix_count, Linux 5.13+): checked against the PF's pool
# (sriov_vf_total_msix) before anything changes, written while the VF is unbound and before
# its driver binds, its refusals named; check, the dry run, explain and list --json know it.
# umockdev is not the kernel: the bed has the VFs and the attributes the kernel would make.
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0

setup() { # [POOL]: the PF's sriov_vf_total_msix (none when empty)
	tb_new
	tb_driver pci-stub
	tb_pf $PF 15b3 101d 0x020000 4 mlx5_core 2 0
	[ -n "${1:-}" ] && echo "$1" >"$(devdir $PF)/sriov_vf_total_msix"
	for i in 0 1; do
		VF_DEVICE=101e tb_vf $PF $i "0000:01:00.$((i + 1))"
		echo 0 >"$(devdir "0000:01:00.$((i + 1))")/sriov_vf_msix_count"
	done
	policy 50-cx6.conf <<-'EOF'
	pf = { name = "01:00.0"; kind = "dev"; vfs = 2; };
	vf = { driver = "pci-stub"; msix = 8; };
	vf0 = { msix = 16; };
	EOF
}

setup 64
run_vio -P "$POL" apply $PF
expect_rc "apply" 0
expect_attr "apply" 0000:01:00.1 sriov_vf_msix_count 16
expect_attr "apply" 0000:01:00.2 sriov_vf_msix_count 8
expect_attr "apply: then bound" 0000:01:00.1 driver_override pci-stub
# The count goes in before the driver binds: its line comes before the bind's.
msix_line=$(grep -n "0000:01:00.0 vf 0 (0000:01:00.1): sriov_vf_msix_count 0 -> 16" "$ERR" | cut -d: -f1)
bind_line=$(grep -n "0000:01:00.1: driver_override none -> pci-stub" "$ERR" | cut -d: -f1)
if [ -n "$msix_line" ] && [ -n "$bind_line" ] && [ "$msix_line" -lt "$bind_line" ]; then
	pass "apply: vectors before the bind"
else
	fail "apply: vectors before the bind" "msix at line '$msix_line', bind at '$bind_line'"
fi
before=$(snapshot)
run_vio -P "$POL" apply $PF
expect_rc "second apply" 0
expect_unchanged "second apply" "$before"

# Changed behind vio's back while bound: drift, and the way back (unbind, write, bind).
echo 4 >"$(devdir 0000:01:00.1)/sriov_vf_msix_count"
before=$(snapshot)
run_vio -P "$POL" check
expect_rc "drift: check" 5
if grep -qx "0000:01:00.0 vf 0 (0000:01:00.1): sriov_vf_msix_count is 4, policy wants 16" "$OUT"; then
	pass "drift: check names it"
else
	fail "drift: check names it"
fi
run_vio -P "$POL" apply --dry-run $PF
if grep -qx "0000:01:00.0 vf 0 (0000:01:00.1): would set sriov_vf_msix_count 4 -> 16" "$OUT" &&
	grep -qx "0000:01:00.0 vf 0 (0000:01:00.1): (unbound from pci-stub first, then bound again)" "$OUT"; then
	pass "drift: dry run says how"
else
	fail "drift: dry run says how"
fi
expect_unchanged "drift: check and dry run" "$before"
run_vio -P "$POL" apply $PF
expect_rc "drift: apply" 0
expect_err "drift: apply" "0000:01:00.0 vf 0 (0000:01:00.1): unbound from pci-stub to change its MSI-X vectors"
expect_attr "drift: apply" 0000:01:00.1 sriov_vf_msix_count 16
if [ "$(readlink "$(devdir 0000:01:00.1)/driver")" = ../../../bus/pci/drivers/pci-stub ]; then
	pass "drift: apply: bound again"
else
	fail "drift: apply: bound again" "driver: $(readlink "$(devdir 0000:01:00.1)/driver")"
fi

run_vio -P "$POL" explain $PF
if grep -qE "^  msix +16 +$POL/50-cx6.conf:3 \(vf0\)$" "$OUT" && grep -qE "^  msix +8 +$POL/50-cx6.conf:2 \(vf\)$" "$OUT"; then
	pass "explain: each VF's vectors and where they come from"
else
	fail "explain: each VF's vectors and where they come from" "$(grep msix "$OUT")"
fi
run_vio -P "$POL" list --json
if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if [v['msix'] for v in d['pfs'][0]['vfs']] == [16, 8] else 1)" "$OUT"; then
	pass "list --json: msix"
else
	fail "list --json: msix"
fi
tb_cleanup

# --- more than the pool: refused before anything changes, with the numbers
setup 20
before=$(snapshot)
run_vio -P "$POL" apply $PF
expect_rc "over the pool" 2
expect_err "over the pool" "$POL/50-cx6.conf:3: 0000:01:00.0: the VFs' msix add up to 24, but the PF has 20 for its VFs (sriov_vf_total_msix)"
expect_unchanged "over the pool" "$before"
tb_cleanup

# --- a PF without per-VF MSI-X
setup
before=$(snapshot)
run_vio -P "$POL" apply $PF
expect_rc "no pool" 2
expect_err "no pool" "$POL/50-cx6.conf:3: 0000:01:00.0 vf 0: msix, but the PF has no per-VF MSI-X (sriov_vf_total_msix: Linux 5.13+ and a driver that offers it, such as mlx5)"
expect_unchanged "no pool" "$before"
tb_cleanup

# --- the kernel's refusals, named; the VF is not bound without its vectors
for err in EBUSY EINVAL; do
	setup 64
	FAULT="write sriov_vf_msix_count 16 $err" run_vio -P "$POL" apply $PF
	expect_rc "$err" 3
	case $err in
	EBUSY) expect_err "$err" "0000:01:00.0 vf 0 (0000:01:00.1): cannot set sriov_vf_msix_count 0 -> 16: Device or resource busy (a driver has the VF)" ;;
	EINVAL) expect_err "$err" "0000:01:00.0 vf 0 (0000:01:00.1): cannot set sriov_vf_msix_count 0 -> 16: Invalid argument (more than the PF's driver gives one VF, or its pool is spent)" ;;
	esac
	expect_attr "$err: vf0 not bound" 0000:01:00.1 driver_override "(null)"
	expect_attr "$err: vf1 done all the same" 0000:01:00.2 sriov_vf_msix_count 8
	tb_cleanup
done

finish
