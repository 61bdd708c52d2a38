#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vio export device-plugin against the SR-IOV network device plugin's documented config.json
# (resourceList; selectors vendors, devices, drivers, pfNames with "#" VF ranges, rootDevices,
# pciAddresses): a golden file per case, and the JSON parsed.
. "$(dirname "$0")/lib.sh"

GOLDEN=$(dirname "$0")/golden

# export_is NAME PYTHON_EXPR: vio export device-plugin exits 0 and its JSON, as r (the
# resourceList), makes EXPR true
export_is() {
	run_vio -P "$POL" export device-plugin
	expect_rc "$1" 0
	if python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["resourceList"]; sys.exit(0 if eval(sys.argv[2]) else 1)' "$OUT" "$2"; then
		pass "$1: $3"
	else
		fail "$1: $3"
	fi
}

tb_new
# A NIC with an interface: netdevice VFs and DPDK VFs of one PF.
tb_pf 0000:3b:00.0 8086 1572 0x020000 8 i40e 6 0
tb_netdev 0000:3b:00.0 ens1f0
for i in 0 1 2 3 4 5; do VF_DEVICE=154c tb_vf 0000:3b:00.0 $i "0000:3b:02.$i"; done
# An NVMe PF: all its VFs for guests, and a second one with a subset.
tb_pf 0000:01:00.0 1b36 0010 0x010802 4 nvme 3 0
for i in 0 1 2; do VF_DEVICE=0010 tb_vf 0000:01:00.0 $i "0000:01:00.$((i + 1))"; done
tb_pf 0000:02:00.0 1b36 0010 0x010802 4 nvme 2 0
for i in 0 1; do VF_DEVICE=0010 tb_vf 0000:02:00.0 $i "0000:02:00.$((i + 1))"; done
policy 50-nic.conf <<'X'
pf = { name = "3b:00.0"; vfs = 6; };
vf0-3 = { driver = "iavf"; resource = "intel_sriov_netdevice"; };
vf4-5 = { driver = "vfio-pci"; resource = "intel_sriov_dpdk"; };
X
policy 60-nvme.conf <<'X'
pf = { name = "01:00.0"; vfs = 3; };
vf = { driver = "vfio-pci"; resource = "nvme_vfs"; };
X
policy 61-nvme.conf <<'X'
pf = { name = "02:00.0"; vfs = 2; };
vf1 = { resource = "nvme_one"; };
X
run_vio -P "$POL" export device-plugin
expect_rc "export" 0
if diff -u "$GOLDEN/device-plugin.json" "$OUT" >"$TB/diff"; then pass "device-plugin.json as golden"; else fail "device-plugin.json as golden" "$(tr '\n' '|' <"$TB/diff")"; fi
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["resourceList"]; n={x["resourceName"]:x["selectors"] for x in r}; sys.exit(0 if len(r)==4 and n["intel_sriov_netdevice"]["pfNames"]==["ens1f0#0-3"] and n["intel_sriov_dpdk"]["pfNames"]==["ens1f0#4-5"] and n["nvme_one"]["pciAddresses"]==["0000:02:00.2"] and all("resourceName" in x and "selectors" in x for x in r) else 1)' "$OUT"; then
	pass "export: JSON the device plugin reads"
else
	fail "export: JSON the device plugin reads"
fi
run_vio -P "$POL" export yaml
expect_rc "export: unknown format" 1
tb_cleanup

# No policy with a resource: an empty list.
tb_new
run_vio -P "$POL" export device-plugin
expect_rc "export: nothing" 0
if [ "$(tr -d ' \n' <"$OUT")" = '{"resourceList":[]}' ]; then pass "export: empty resourceList"; else fail "export: empty resourceList"; fi
tb_cleanup

# --- two ports of one NIC in one pool (the README's example): one entry, both PFs' VFs
tb_new
for p in 0 1; do
	tb_pf "0000:3b:00.$p" 8086 1572 0x020000 8 i40e 4 0
	tb_netdev "0000:3b:00.$p" "ens1f$p"
	for i in 0 1 2 3; do VF_DEVICE=154c tb_vf "0000:3b:00.$p" $i "0000:3b:0$((2 + p)).$i"; done
	policy "5$p-port$p.conf" <<X
pf = { name = "3b:00.$p"; vfs = 4; };
vf = { driver = "iavf"; resource = "intel_sriov_netdevice"; };
X
done
export_is "one pool, two PFs" '[x["resourceName"] for x in r]==["intel_sriov_netdevice"] and r[0]["selectors"]["pfNames"]==["ens1f0#0-3","ens1f1#0-3"] and r[0]["selectors"]["drivers"]==["iavf"] and r[0]["selectors"]["vendors"]==["8086"]' "one entry with both PFs' pfNames"
# The plugin's own rules (validConfigs): each resourceName once, and ^[a-zA-Z0-9_]+$.
if python3 -c 'import json,re,sys; n=[x["resourceName"] for x in json.load(open(sys.argv[1]))["resourceList"]]; sys.exit(0 if len(n)==len(set(n)) and all(re.fullmatch("[a-zA-Z0-9_]+",x) for x in n) else 1)' "$OUT"; then
	pass "one pool, two PFs: the plugin's validation (unique names)"
else
	fail "one pool, two PFs: the plugin's validation (unique names)"
fi
# Selectors that cannot be one: another driver on the second port. An error naming both
# files, and no config at all.
policy 51-port1.conf <<'X'
pf = { name = "3b:00.1"; vfs = 4; };
vf = { driver = "vfio-pci"; resource = "intel_sriov_netdevice"; };
X
run_vio -P "$POL" export device-plugin
expect_rc "one pool, two drivers" 2
expect_err "one pool, two drivers" "resource \"intel_sriov_netdevice\": $POL/50-port0.conf binds its VFs to iavf and $POL/51-port1.conf to vfio-pci; the device plugin takes one set of selectors per resource name"
if [ ! -s "$OUT" ]; then pass "one pool, two drivers: nothing printed"; else fail "one pool, two drivers: nothing printed"; fi
tb_cleanup

# --- one pool of a NIC port (pfNames) and an NVMe PF (rootDevices): by PCI address
tb_new
tb_pf 0000:3b:00.0 8086 1572 0x020000 8 i40e 2 0
tb_netdev 0000:3b:00.0 ens1f0
for i in 0 1; do VF_DEVICE=154c tb_vf 0000:3b:00.0 $i "0000:3b:02.$i"; done
tb_pf 0000:01:00.0 1b36 0010 0x010802 4 nvme 2 0
for i in 0 1; do VF_DEVICE=0010 tb_vf 0000:01:00.0 $i "0000:01:00.$((i + 1))"; done
policy 50-nic.conf <<'X'
pf = { name = "3b:00.0"; vfs = 2; };
vf = { driver = "vfio-pci"; resource = "guest_vfs"; };
X
policy 60-nvme.conf <<'X'
pf = { name = "01:00.0"; vfs = 2; };
vf = { driver = "vfio-pci"; resource = "guest_vfs"; };
X
export_is "pfNames and rootDevices" 'len(r)==1 and sorted(r[0]["selectors"]["pciAddresses"])==["0000:01:00.1","0000:01:00.2","0000:3b:02.0","0000:3b:02.1"] and "pfNames" not in r[0]["selectors"] and "rootDevices" not in r[0]["selectors"]' "one entry by the VFs' PCI addresses"
tb_cleanup

# --- names that need escaping: an interface named e"x\y, a policy file whose name is not
# UTF-8: valid JSON and UTF-8 everywhere, the tables escaped as the logs are
tb_new
tb_pf 0000:3b:00.0 8086 1572 0x020000 8 i40e 2 0
tb_netdev 0000:3b:00.0 'e"x\y'
for i in 0 1; do VF_DEVICE=154c tb_vf 0000:3b:00.0 $i "0000:3b:02.$i"; done
policy "$(printf '50-nic\377.conf')" <<'X'
pf = { name = "3b:00.0"; vfs = 2; };
vf = { driver = "iavf"; resource = "odd"; };
X
json_ok() { python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$1"; }
run_vio -P "$POL" export device-plugin
expect_rc "odd names: export" 0
if json_ok "$OUT" && python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["resourceList"][0]["selectors"]["pfNames"]==["e\"x\\y#0-1"] else 1)' "$OUT"; then
	pass "odd names: export is JSON, with the interface's name"
else
	fail "odd names: export is JSON, with the interface's name"
fi
# (exit 3: the test bed's interface has no rtnetlink side; the JSON is printed all the same)
run_vio -P "$POL" list --json
if json_ok "$OUT" && grep -qF '50-nic\\xff.conf' "$OUT"; then pass "odd names: list --json is UTF-8 JSON, the byte as \\xff"; else fail "odd names: list --json is UTF-8 JSON, the byte as \\xff"; fi
run_vio -P "$POL" list
if grep -qF '50-nic\xff.conf' "$OUT" && ! grep -qP '\xff' "$OUT"; then pass "odd names: list escapes the byte"; else fail "odd names: list escapes the byte"; fi
run_vio -P "$POL" check --format=prometheus
if python3 -c 'import sys; open(sys.argv[1],"rb").read().decode("utf-8")' "$OUT" && grep -qF 'policy="'"$POL"'/50-nic\\xff.conf"' "$OUT"; then
	pass "odd names: metrics are UTF-8, the byte as \\xff"
else
	fail "odd names: metrics are UTF-8, the byte as \\xff"
fi
if python3 "$(dirname "$0")/../promcheck.py" <"$OUT" >"$TB/promcheck" 2>&1; then pass "odd names: metrics in the exposition format"; else fail "odd names: metrics in the exposition format" "$(cat "$TB/promcheck")"; fi
# A status file (anyone's words in its error) with a control character and a stray byte.
mkdir -p "$TB/run/status"
printf 'pf=0000:3b:00.0\npolicy=%s/x\377.conf\nrun=apply\nresult=device-error\nexit=3\nerror=bad \033[31m\377 thing\ntime=1\nvfs_wanted=2\nvfs=2\n' "$POL" >"$TB/run/status/0000:3b:00.0"
run_vio status --json
if json_ok "$OUT"; then pass "odd status: status --json is UTF-8 JSON"; else fail "odd status: status --json is UTF-8 JSON" "$(cat "$OUT")"; fi
run_vio status
if grep -qF 'bad \x1b[31m\xff thing' "$OUT" && ! grep -qP '[\x1b\xff]' "$OUT"; then pass "odd status: the table escapes control characters and stray bytes"; else fail "odd status: the table escapes control characters and stray bytes"; fi
tb_cleanup

finish
