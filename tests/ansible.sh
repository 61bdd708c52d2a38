#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Ansible role (contrib/ansible) with Debian's ansible-core against this host: policy files
# rendered from variables and checked by vio before they go live, a second run changing
# nothing, check mode showing the change without making it, and a bad value refused with
# vio's file:line and the live file left as it was. The policy directory is a scratch one;
# vio apply finds no SR-IOV PF here, so it changes nothing (the role's apply is vio's own).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() {
	failed=$((failed + 1))
	echo "not ok - $1"
	if [ -n "${2:-}" ]; then printf '%s\n' "$2" | while IFS= read -r l; do echo "#   $l"; done; fi
}

vars() { # VLAN
	cat >"$W/vars.yml" <<VARS
vio_policy_dir: $W/policy
vio_binary: $TOP/vio
vio_policies:
  - name: 50-uplink
    pf: { name: "05:00.0" }
    kind: net
    vfs: 4
    pf_keys: { promisc: true, mtu: 9000 }
    vf: { spoofchk: true }
    vfs_config:
      "0": { mac: "52:54:00:ab:cd:01", vlan: $1 }
      "2-3": { driver: vfio-pci, resource: intel_sriov_dpdk }
  - name: 60-qat
    pf: { id: "8086:4940" }
    kind: dev
    vfs: max
VARS
}
play() { # ARGS...: the role; its output in $W/out, PLAY RECAP's changed= and failed= in C and F
	ANSIBLE_ROLES_PATH=$TOP/contrib/ansible/roles ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
		ansible-playbook -i localhost, "$TOP/contrib/ansible/tests/site.yml" -e "@$W/vars.yml" "$@" \
		>"$W/out" 2>&1 || true
	C=$(sed -n 's/.*changed=\([0-9]*\).*/\1/p' "$W/out" | tail -1)
	F=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' "$W/out" | tail -1)
}

vars 100
play
if grep -q 'RUNNING HANDLER \[vio : vio apply\]' "$W/out"; then pass "first run: the change triggers vio apply"; else fail "first run: the change triggers vio apply"; fi
if [ "$F" = 0 ] && [ "${C:-0}" -gt 0 ]; then pass "first run: files written (changed=$C)"; else fail "first run: files written" "$(tail -30 "$W/out")"; fi
want='# Managed by Ansible (role vio): edit the variables, not this file.
pf = {
  name = "05:00.0";
  kind = "net";
  vfs = 4;
  promisc = true;
  mtu = 9000;
};
vf = {
  spoofchk = true;
};
vf0 = {
  mac = "52:54:00:ab:cd:01";
  vlan = 100;
};
vf2-3 = {
  driver = "vfio-pci";
  resource = "intel_sriov_dpdk";
};'
got=$(grep -v '^$' "$W/policy/50-uplink.conf" || true)
if [ "$got" = "$want" ]; then pass "the policy file as vio.conf(5) writes it"; else fail "the policy file as vio.conf(5) writes it" "$got"; fi
if "$TOP/vio" -P "$W/policy" check >/dev/null 2>&1; then pass "vio check passes the files"; else fail "vio check passes the files"; fi

play
if [ "$F" = 0 ] && [ "$C" = 0 ]; then pass "second run: changed=0"; else fail "second run: changed=0" "$(tail -30 "$W/out")"; fi
if ! grep -q 'RUNNING HANDLER' "$W/out"; then pass "second run: no vio apply"; else fail "second run: no vio apply"; fi

vars 200
before=$(cat "$W/policy/50-uplink.conf")
play --check --diff
if [ "$F" = 0 ] && [ "${C:-0}" -gt 0 ]; then pass "check mode: the change is reported (changed=$C)"; else fail "check mode: the change is reported" "$(tail -30 "$W/out")"; fi
if grep -q 'vio apply --dry-run\|Plan (check mode)' "$W/out"; then pass "check mode: vio apply --dry-run ran"; else fail "check mode: vio apply --dry-run ran"; fi
if [ "$(cat "$W/policy/50-uplink.conf")" = "$before" ]; then pass "check mode: nothing written"; else fail "check mode: nothing written"; fi

vars 5000
play
if [ "$F" != 0 ]; then pass "a bad value fails the run"; else fail "a bad value fails the run" "$(tail -30 "$W/out")"; fi
if grep -q "'vlan' is 5000, must be 0..4094" "$W/out"; then pass "...with vio's message"; else fail "...with vio's message" "$(grep -i error "$W/out" | head -5)"; fi
if [ "$(cat "$W/policy/50-uplink.conf")" = "$before" ]; then pass "...and the live file as it was"; else fail "...and the live file as it was"; fi

echo "# $passed passed, $failed failed"
[ "$failed" = 0 ]
