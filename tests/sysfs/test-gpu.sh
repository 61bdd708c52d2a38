#!/bin/bash
# shellcheck disable=SC2034 # RC is read by lib.sh's expect_rc
# SPDX-License-Identifier: GPL-2.0-or-later
# Intel Xe GPU VFs (the xe driver's sriov_admin/, kernel Documentation/ABI/testing/
# sysfs-driver-intel-xe-sriov): each VF's scheduling profile (exec_quantum_ms,
# preempt_timeout_us: Linux 6.19) written before its driver binds, its VRAM (vram_quota: 7.0,
# discrete GPUs) while the PF has no VFs, before the count is written; both checked against
# what the driver offers before anything changes. No emulator has these GPUs: the bed is
# shaped like the ABI document (vf1 ... vfN up to sriov_totalvfs, 1-based, VFs or not).
. "$(dirname "$0")/lib.sh"

PF=0000:03:00.0

# setup [VRAM_MODE]: a discrete Xe PF with 4 VFs possible; VRAM_MODE 0644 (writable), 0444
# (the driver does not let VRAM be provisioned), "none" (no VRAM, or before Linux 7.0) or
# "old" (no sriov_admin at all: a kernel before 6.19).
setup() {
	local mode=${1:-0644} d i
	tb_new
	tb_driver pci-stub
	tb_pf $PF 8086 e20b 0x030000 4 xe 0 1
	d=$(devdir $PF)/sriov_admin
	if [ "$mode" != old ]; then
		mkdir -p "$d/.bulk_profile" "$d/pf/profile"
		for f in exec_quantum_ms preempt_timeout_us sched_priority; do
			: >"$d/.bulk_profile/$f"
			chmod 0200 "$d/.bulk_profile/$f" # write-only
		done
		for i in 1 2 3 4; do
			mkdir -p "$d/vf$i/profile"
			echo 0 >"$d/vf$i/profile/exec_quantum_ms"
			echo 0 >"$d/vf$i/profile/preempt_timeout_us"
			echo "low [normal]" >"$d/vf$i/profile/sched_priority"
			if [ "$mode" != none ]; then
				echo 0 >"$d/vf$i/profile/vram_quota"
				chmod "$mode" "$d/vf$i/profile/vram_quota"
			fi
		done
	fi
	policy 50-xe.conf <<-'EOF'
	pf = { name = "03:00.0"; vfs = 2; };
	vf = { driver = "pci-stub"; exec_quantum_ms = 25; preempt_timeout_us = 500000; vram_quota = "2G"; };
	vf1 = { exec_quantum_ms = 50; vram_quota = 4294967296L; };
	EOF
}
adm() { cat "$(devdir $PF)/sriov_admin/vf$1/profile/$2"; }
expect_adm() { # NAME VFN FILE VALUE
	if [ "$(adm "$2" "$3")" = "$4" ]; then pass "$1: vf$2 $3 = $4"; else fail "$1: vf$2 $3 = $4" "got '$(adm "$2" "$3")'"; fi
}
# line_of TEXT: the line of stderr that says it
line_of() { grep -nF -- "$1" "$ERR" | head -1 | cut -d: -f1; }
vfs_appear() {
	VF_DEVICE=e20c tb_vf $PF 0 0000:03:00.1
	VF_DEVICE=e20c tb_vf $PF 1 0000:03:00.2
}

# --- the PF event: VRAM first, with no VFs, then the count
setup
before=$(snapshot)
run_vio -P "$POL" check
expect_rc "check before" 5
if grep -qx "0000:03:00.0 vf 1: profile/vram_quota is 0, policy wants 4294967296" "$OUT"; then
	pass "check: names vf 1's VRAM"
else
	fail "check: names vf 1's VRAM" "$(cat "$OUT")"
fi
run_vio -P "$POL" apply --dry-run $PF
if grep -qx "0000:03:00.0 vf 0: would set profile/vram_quota 0 -> 2147483648" "$OUT"; then
	pass "dry run: says the VRAM"
else
	fail "dry run: says the VRAM" "$(cat "$OUT")"
fi
expect_unchanged "check and dry run" "$before"
run_vio -P "$POL" pf $PF
expect_rc "PF event" 0
expect_adm "PF event" 1 vram_quota 2147483648
expect_adm "PF event" 2 vram_quota 4294967296
expect_adm "PF event: only the VFs the policy makes" 3 vram_quota 0
expect_attr "PF event" $PF sriov_numvfs 2
q=$(line_of "0000:03:00.0 vf 1: vram_quota 0 -> 4294967296")
n=$(line_of "0000:03:00.0: sriov_numvfs 0 -> 2")
if [ -n "$q" ] && [ -n "$n" ] && [ "$q" -lt "$n" ]; then
	pass "PF event: VRAM before the VFs are enabled"
else
	fail "PF event: VRAM before the VFs are enabled" "quota at line '$q', count at '$n'"
fi
expect_adm "PF event: profiles wait for the VFs' events" 1 exec_quantum_ms 0

# --- each VF's event: its profile before its driver binds
vfs_appear
run_vio -P "$POL" vf 0000:03:00.1
expect_rc "vf 0 event" 0
expect_adm "vf 0 event" 1 exec_quantum_ms 25
expect_adm "vf 0 event" 1 preempt_timeout_us 500000
expect_adm "vf 0 event: not vf 1's" 2 exec_quantum_ms 0
p=$(line_of "0000:03:00.0 vf 0 (0000:03:00.1): exec_quantum_ms 0 -> 25")
b=$(line_of "0000:03:00.1: driver_override none -> pci-stub")
if [ -n "$p" ] && [ -n "$b" ] && [ "$p" -lt "$b" ]; then
	pass "vf 0 event: profile before the bind"
else
	fail "vf 0 event: profile before the bind" "profile at line '$p', bind at '$b'"
fi
run_vio -P "$POL" vf 0000:03:00.2
expect_adm "vf 1 event" 2 exec_quantum_ms 50
expect_adm "vf 1 event" 2 preempt_timeout_us 500000
before=$(snapshot)
run_vio -P "$POL" apply $PF
expect_rc "second apply" 0
expect_unchanged "second apply" "$before"
run_vio -P "$POL" check
expect_rc "check after" 0

# --- changed behind vio's back: drift, named, and put back with the VFs there
echo 0 >"$(devdir $PF)/sriov_admin/vf2/profile/exec_quantum_ms"
echo 1073741824 >"$(devdir $PF)/sriov_admin/vf1/profile/vram_quota"
run_vio -P "$POL" check
expect_rc "drift: check" 5
if grep -qx "0000:03:00.0 vf 1 (0000:03:00.2): profile/exec_quantum_ms is 0, policy wants 50" "$OUT" &&
	grep -qx "0000:03:00.0 vf 0: profile/vram_quota is 1073741824, policy wants 2147483648" "$OUT"; then
	pass "drift: check names both"
else
	fail "drift: check names both" "$(cat "$OUT")"
fi
run_vio -P "$POL" check --json
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d)' "$OUT" | grep -q "vram_quota"; then
	pass "drift: check --json has it"
else
	fail "drift: check --json has it" "$(cat "$OUT")"
fi
run_vio -P "$POL" apply $PF
expect_rc "drift: apply" 0
expect_adm "drift: apply" 2 exec_quantum_ms 50
expect_adm "drift: apply (VFs there: the driver takes a change)" 1 vram_quota 2147483648
expect_attr "drift: the count stays" $PF sriov_numvfs 2

# --- explain and list --json
run_vio -P "$POL" explain $PF
if grep -Eq "^  exec_quantum_ms +50 +$POL/50-xe.conf:3 \(vf1\)" "$OUT" &&
	grep -Eq "^  vram_quota +2147483648 +$POL/50-xe.conf:2 \(vf\)" "$OUT"; then
	pass "explain: values and where they come from"
else
	fail "explain: values and where they come from" "$(cat "$OUT")"
fi
run_vio -P "$POL" list --json
if python3 - "$OUT" <<-'EOF'; then
	import json, sys
	d = json.load(open(sys.argv[1]))
	vfs = d[0]["vfs"] if isinstance(d, list) else d["pfs"][0]["vfs"]
	ok = vfs[1]["exec_quantum_ms"] == 50 and vfs[1]["preempt_timeout_us"] == 500000 and vfs[0]["vram_quota"] == 2147483648 and vfs[0]["sched_priority"] == "normal"
	sys.exit(0 if ok else 1)
	EOF
	pass "list --json: the profile"
else
	fail "list --json: the profile" "$(cat "$OUT")"
fi
tb_cleanup

# --- the kernel refuses: named, and no VF enabled without its VRAM
setup
FAULT="write /vram_quota * EIO" run_vio -P "$POL" pf $PF
expect_rc "EIO" 3
expect_err "EIO" "0000:03:00.0 vf 0: cannot set vram_quota 0 -> 2147483648: Input/output error (the GPU's firmware refused it)"
expect_attr "EIO: no VFs" $PF sriov_numvfs 0
tb_cleanup

# --- what the driver does not offer: refused before anything changes, file:line
for m in old none 0444; do
	setup $m
	before=$(snapshot)
	run_vio -P "$POL" pf $PF
	expect_rc "$m" 2
	case $m in
	old) expect_err $m "$POL/50-xe.conf:2: 0000:03:00.0 vf 0: exec_quantum_ms, but the PF has no sriov_admin/ (Intel's xe driver, Linux 6.19 or later)" ;;
	none) expect_err $m "$POL/50-xe.conf:2: 0000:03:00.0 vf 0: vram_quota, but the PF has no VRAM to share (a discrete Xe GPU, Linux 7.0 or later)" ;;
	0444) expect_err $m "$POL/50-xe.conf:2: 0000:03:00.0 vf 0: vram_quota, but its driver does not let VF VRAM be provisioned (vram_quota is read-only)" ;;
	esac
	expect_unchanged "$m: nothing changed" "$before"
	tb_cleanup
done

# --- without vram_quota, an integrated GPU's VFs get their profile all the same
setup none
policy 50-xe.conf <<'EOF'
pf = { name = "03:00.0"; vfs = 1; };
vf = { driver = "pci-stub"; preempt_timeout_us = 0; exec_quantum_ms = 10; };
EOF
run_vio -P "$POL" pf $PF
expect_rc "integrated: PF" 0
VF_DEVICE=e20c tb_vf $PF 0 0000:03:00.1
run_vio -P "$POL" vf 0000:03:00.1
expect_rc "integrated: VF" 0
expect_adm "integrated" 1 exec_quantum_ms 10
expect_adm "integrated: 0 is the default, nothing to write" 1 preempt_timeout_us 0
expect_no_err "integrated" "preempt_timeout_us 0 ->"
tb_cleanup

# --- sched_priority: xe sets one for all VFs at once (.bulk_profile/); every VF must agree
setup none
policy 50-xe.conf <<'EOF'
pf = { name = "03:00.0"; vfs = 2; };
vf = { driver = "pci-stub"; sched_priority = "low"; };
EOF
run_vio -P "$POL" check
expect_rc "priority: check" 5
if grep -qx "0000:03:00.0: profile/sched_priority (all VFs) is normal, policy wants low" "$OUT"; then
	pass "priority: check names it"
else
	fail "priority: check names it" "$(cat "$OUT")"
fi
run_vio -P "$POL" pf $PF
expect_rc "priority: PF event" 0
expect_err "priority: PF event" "0000:03:00.0: sched_priority of all VFs normal -> low"
if [ "$(cat "$(devdir $PF)/sriov_admin/.bulk_profile/sched_priority")" = low ]; then
	pass "priority: written in bulk"
else
	fail "priority: written in bulk"
fi
# What the kernel shows then (umockdev only stores the write), and the VFs it made.
vfs_appear
for i in 1 2 3 4; do echo "[low] normal" >"$(devdir $PF)/sriov_admin/vf$i/profile/sched_priority"; done
run_vio -P "$POL" apply $PF # binds the VFs
expect_no_err "priority: once set" "sched_priority"
run_vio -P "$POL" check
expect_rc "priority: as the policy says" 0
policy 50-xe.conf <<'EOF'
pf = { name = "03:00.0"; vfs = 2; };
vf = { driver = "pci-stub"; sched_priority = "low"; };
vf1 = { sched_priority = "normal"; };
EOF
before=$(snapshot)
run_vio -P "$POL" apply $PF
expect_rc "priority: VFs disagree" 2
expect_err "priority: VFs disagree" "$POL/50-xe.conf:3: 0000:03:00.0 vf 1: sched_priority \"normal\", but vf 0 has \"low\": the driver sets one priority for all VFs"
expect_unchanged "priority: VFs disagree" "$before"
tb_cleanup

finish
