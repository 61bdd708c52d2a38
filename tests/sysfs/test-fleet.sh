#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# For fleets: the status file each run leaves, vio status (text and JSON), vio wait's three
# endings, and vio check --format=prometheus (checked by promtool when there is one, else
# against the text exposition format by tests/promcheck.py).
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0
PROMCHECK=$(dirname "$0")/../promcheck.py

setup() {
	tb_new
	tb_pf $PF 1b36 0010 0x010802 4 nvme 0 0
	tb_driver pci-stub
	printf 'pf = { name = "01:00.0"; vfs = 2; };\nvf = { driver = "pci-stub"; };\n' | policy 50-nvme.conf
}
field() { sed -n "s/^$1=//p" "$TB/run/status/$PF"; }

# --- a PF event leaves its status; a failing one its error
setup
run_vio -P "$POL" pf $PF
expect_rc "pf event" 0
if [ "$(field result) $(field run) $(field vfs_wanted) $(field vfs) $(field policy)" = "ok pf-event 2 2 $POL/50-nvme.conf" ]; then
	pass "status after a PF event"
else
	fail "status after a PF event" "$(tr '\n' ' ' <"$TB/run/status/$PF")"
fi
echo 0 >"$(devdir $PF)/sriov_numvfs"
FAULT="write sriov_numvfs 2 EBUSY" run_vio -P "$POL" apply $PF
expect_rc "failing apply" 3
if [ "$(field result) $(field run) $(field exit)" = "device-error apply 3" ] &&
	grep -q "^error=0000:01:00.0: cannot set sriov_numvfs 0 -> 2: Device or resource busy$" "$TB/run/status/$PF"; then
	pass "status after a failing apply: result and the error"
else
	fail "status after a failing apply: result and the error" "$(tr '\n' ' ' <"$TB/run/status/$PF")"
fi
run_vio status
expect_rc "vio status" 0
if grep -q "^0000:01:00.0  device-error  0/2   apply" "$OUT" && grep -q "^  0000:01:00.0: cannot set sriov_numvfs 0 -> 2" "$OUT"; then
	pass "vio status: the PF, its result and error"
else
	fail "vio status: the PF, its result and error"
fi
run_vio status --json
if python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["pfs"][0]; sys.exit(0 if (p["pf"],p["result"],p["exit"],p["vfs_wanted"],p["vfs"],p["run"])==("0000:01:00.0","device-error",3,2,0,"apply") and p["error"].startswith("0000:01:00.0: cannot set sriov_numvfs") and isinstance(p["time"],int) else 1)' "$OUT"; then
	pass "vio status --json"
else
	fail "vio status --json"
fi

# --- vio wait: not as the policy says and nothing in progress: the reason, at once
SECONDS=0
run_vio -P "$POL" wait --timeout=60
expect_rc "wait: failed, nothing in progress" 3
expect_err "wait: failed, nothing in progress" "0000:01:00.0: not as the policy says, and nothing is in progress: 0 of 2 VFs, 1 difference; its last run (apply): 0000:01:00.0: cannot set sriov_numvfs 0 -> 2: Device or resource busy"
if [ $SECONDS -lt 30 ]; then pass "wait: did not wait for the timeout"; else fail "wait: did not wait for the timeout" "${SECONDS}s"; fi
# A PF locked by a run in progress: waited for, until the timeout.
hold_lock $PF
run_vio -P "$POL" wait --timeout=2
expect_rc "wait: a run in progress, then the timeout" 5
expect_err "wait: a run in progress, then the timeout" "0000:01:00.0: still not as the policy says after the timeout"
drop_lock
# As the policy says: 0.
run_vio -P "$POL" apply $PF
VF_DEVICE=0010 tb_vf $PF 0 0000:01:00.1 pci-stub
VF_DEVICE=0010 tb_vf $PF 1 0000:01:00.2 pci-stub
echo pci-stub >"$(devdir 0000:01:00.1)/driver_override"
echo pci-stub >"$(devdir 0000:01:00.2)/driver_override"
run_vio -P "$POL" apply $PF
expect_rc "apply with the VFs there" 0
run_vio -P "$POL" wait --timeout=5
expect_rc "wait: as the policy says" 0
expect_err "wait: as the policy says" "1 PF with a policy, all as the policy says"
# A policy error: 2, with file:line.
printf 'pf = { name = "01:00.0"; vfs = ; };\n' | policy 40-broken.conf
run_vio -P "$POL" wait --timeout=5
expect_rc "wait: a policy error" 2
expect_err "wait: a policy error" "$POL/40-broken.conf:1:"
rm "$POL/40-broken.conf"

# --- metrics for node_exporter's textfile collector
run_vio -P "$POL" check --format=prometheus
expect_rc "metrics" 0
if command -v promtool >/dev/null; then
	if promtool check metrics <"$OUT" >"$TB/promtool" 2>&1; then pass "metrics: promtool check metrics"; else fail "metrics: promtool check metrics" "$(cat "$TB/promtool")"; fi
else
	if python3 "$PROMCHECK" <"$OUT" >"$TB/promcheck" 2>&1; then pass "metrics: the text exposition format (no promtool here)"; else fail "metrics: the text exposition format (no promtool here)" "$(cat "$TB/promcheck")"; fi
fi
for m in "vio_pf_vfs_wanted{pf=\"$PF\",policy=\"$POL/50-nvme.conf\"} 2" "vio_pf_vfs{pf=\"$PF\",policy=\"$POL/50-nvme.conf\"} 2" \
	"vio_pf_differences{pf=\"$PF\",policy=\"$POL/50-nvme.conf\"} 0" "vio_policy_files_with_errors 0" "vio_check_exit_code 0" \
	"vio_pf_last_run_exit_code{pf=\"$PF\",policy=\"$POL/50-nvme.conf\"} 0"; do
	if grep -qxF "$m" "$OUT"; then pass "metrics: $m"; else fail "metrics: $m"; fi
done
tb_cleanup

finish
