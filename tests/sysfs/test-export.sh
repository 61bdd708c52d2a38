#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vio export device-plugin against the SR-IOV network device plugin's documented config.json
# (resourceList; selectors vendors, devices, drivers, pfNames with "#" VF ranges, rootDevices,
# pciAddresses): a golden file per case, and the JSON parsed.
. "$(dirname "$0")/lib.sh"

GOLDEN=$(dirname "$0")/golden

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

finish
