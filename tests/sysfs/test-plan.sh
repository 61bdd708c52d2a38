#!/bin/bash
# shellcheck disable=SC2034 # RC is read by lib.sh's expect_rc
# SPDX-License-Identifier: GPL-2.0-or-later
# The plan as data: vio check (text and --json), apply --dry-run and explain show the same
# differences, in the same order; check --json is one valid, versioned document whatever the
# names in it; nothing is written by any of them.
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0

setup() { # NUMVFS
	tb_new
	tb_pf $PF 1b36 0010 0x010802 4 nvme "$1" 0
	for i in $(seq 0 $(($1 - 1))); do VF_DEVICE=0010 tb_vf $PF "$i" "0000:01:00.$((i + 1))"; done
	tb_driver pci-stub
	policy 50-nvme.conf <<-'EOF'
	pf = { name = "01:00.0"; vfs = 2; };
	vf = { driver = "pci-stub"; };
	EOF
}

# json_get EXPR: the value of a Python expression over the document d (check --json's stdout).
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$OUT"; }

# expect_json NAME EXPR VALUE
expect_json() {
	local v
	v=$(json_get "$2" 2>&1)
	if [ "$v" = "$3" ]; then pass "$1: $2 = $3"; else fail "$1: $2 = $3" "got '$v'"; fi
}

# --- drift: no VFs yet
setup 0
before=$(snapshot)
run_vio -P "$POL" check
expect_rc "check" 5
text_lines=$(grep -c ', policy wants ' "$OUT")
if grep -qx "0000:01:00.0: sriov_numvfs is 0, policy wants 2" "$OUT"; then
	pass "check: the count's difference"
else
	fail "check: the count's difference"
fi
if tail -1 "$OUT" | grep -qx "1 policy file, 0 with errors; 1 SR-IOV PF; 1 difference from the policy"; then
	pass "check: the summary line last"
else
	fail "check: the summary line last"
fi

run_vio -P "$POL" check --json
expect_rc "check --json" 5
if python3 -m json.tool "$OUT" >/dev/null 2>&1; then pass "check --json: valid JSON"; else fail "check --json: valid JSON"; fi
expect_json "check --json" "d['version']" 1
expect_json "check --json" "d['exit'], d['result'], d['differences']" "5 drift 1"
expect_json "check --json" "d['policy_files'], d['policy_files_with_errors']" "1 0"
expect_json "check --json" "[p['pf'] for p in d['pfs']]" "['0000:01:00.0']"
expect_json "check --json" "d['pfs'][0]['policy'].endswith('/50-nvme.conf')" True
expect_json "check --json" "d['pfs'][0]['result'], d['pfs'][0]['vfs_wanted'], d['pfs'][0]['vfs']" "drift 2 0"
expect_json "check --json: the plan" \
	"[(i['kind'], i['device'], i['attribute'], i['current'], i['wanted']) for i in d['pfs'][0]['plan']]" \
	"[('change', '0000:01:00.0', 'sriov_numvfs', '0', '2')]"
expect_json "check --json: as many changes as the text" \
	"sum(1 for p in d['pfs'] for i in p['plan'] if i['kind'] == 'change')" "$text_lines"

run_vio -P "$POL" apply --dry-run $PF
expect_rc "dry run" 0
if grep -qx "0000:01:00.0: would set sriov_numvfs 0 -> 2" "$OUT"; then
	pass "dry run: the same change"
else
	fail "dry run: the same change"
fi
expect_unchanged "check, check --json and the dry run" "$before"
tb_cleanup

# --- VFs there, unbound: one change per VF, in VF order, the same in text and JSON
setup 2
run_vio -P "$POL" check
expect_rc "per VF: check" 5
grep ', policy wants ' "$OUT" >"$TB/text"
run_vio -P "$POL" check --json
expect_rc "per VF: check --json" 5
json_get "'\n'.join('%s: %s is %s, policy wants %s' % (i['device'], i['attribute'], i['current'], i['wanted']) for p in d['pfs'] for i in p['plan'] if i['kind'] == 'change')" >"$TB/json"
if [ -s "$TB/text" ] && diff -q "$TB/text" "$TB/json" >/dev/null; then
	pass "per VF: the JSON plan is the text plan, in order ($(wc -l <"$TB/text") changes)"
else
	fail "per VF: the JSON plan is the text plan, in order" "$(diff "$TB/text" "$TB/json" | head -5 | tr '\n' ' ')"
fi
expect_json "per VF: the devices" "sorted(set(i['device'] for i in d['pfs'][0]['plan']))" \
	"['0000:01:00.0 vf 0 (0000:01:00.1)', '0000:01:00.0 vf 1 (0000:01:00.2)']"
tb_cleanup

# --- nothing to change: an empty plan, exit 0 (the bed has the VFs the kernel would make)
setup 2
run_vio -P "$POL" apply $PF
expect_rc "apply" 0
run_vio -P "$POL" check --json
expect_rc "as the policy says: check --json" 0
expect_json "as the policy says" "d['result'], d['differences'], d['pfs'][0]['plan']" "ok 0 []"
tb_cleanup

# --- a policy error and an odd file name: still one valid document, exit 2
setup 0
printf 'pf = {\n  name = "01:00.0";\n  vfs = ;\n};\n' | policy "$(printf '40-\342\200\256odd\tname\377.conf')"
run_vio -P "$POL" check --json
expect_rc "policy error: check --json" 2
if python3 -m json.tool "$OUT" >/dev/null 2>&1; then pass "policy error: valid JSON"; else fail "policy error: valid JSON"; fi
expect_json "policy error" "d['result'], d['policy_files'], d['policy_files_with_errors']" "policy-error 2 1"
tb_cleanup

finish
