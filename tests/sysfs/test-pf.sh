#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vio pf: the PF event, against fake sysfs trees.
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0

# QEMU's NVMe controller with SR-IOV, as the lab's guest has it.
nvme_pf() {
	tb_new
	tb_pf $PF 1b36 0010 0x010802 4 nvme "${1:-0}" "${2:-1}"
}

nvme_vfs() { # N [DRIVER]: the VFs the kernel would have made
	for i in $(seq 0 $(($1 - 1))); do VF_DEVICE=0010 tb_vf $PF "$i" "0000:01:00.$((i + 1))" "${2:-}"; done
}

# --- no policy: nothing at all
nvme_pf
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "no policy" 0
expect_unchanged "no policy" "$before"
tb_cleanup

# --- a policy: autoprobe off, then the count
nvme_pf
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 3; };
EOF
run_vio -P "$POL" pf $PF
expect_rc "vfs=3" 0
expect_attr "vfs=3" $PF sriov_numvfs 3
expect_attr "vfs=3" $PF sriov_drivers_autoprobe 0
expect_err "vfs=3" "0000:01:00.0: sriov_drivers_autoprobe 1 -> 0"
expect_err "vfs=3" "0000:01:00.0: sriov_numvfs 0 -> 3"

# --- the same again: no write at all
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "re-run" 0
expect_unchanged "re-run" "$before"
expect_err "re-run" "already as $POL/50-nvme.conf says, nothing to change"

# --- the full path (udev passes a /sys path) works too
run_vio -P "$POL" pf "/sys/devices/pci0000:00/$PF"
expect_rc "sys path" 0
tb_cleanup

# --- 3 -> 2 with nothing in use: through 0
nvme_pf 3 0
nvme_vfs 3
policy 50-nvme.conf <<'EOF'
pf = { name = "0000:01:00.0"; vfs = 2; };
EOF
run_vio -P "$POL" pf $PF
expect_rc "3->2" 0
expect_err "3->2" "sriov_numvfs 3 -> 0"
expect_err "3->2" "sriov_numvfs 0 -> 2"
expect_attr "3->2" $PF sriov_numvfs 2
tb_cleanup

# --- dry run: says what it would do, writes nothing
nvme_pf 3 1
nvme_vfs 3
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
EOF
before=$(snapshot)
run_vio -P "$POL" --dry-run pf $PF
expect_rc "dry-run" 0
expect_unchanged "dry-run" "$before"
# Each write as it would happen: the trip through 0 destroys every VF of the PF.
if grep -qF "0000:01:00.0: would set sriov_numvfs 3 -> 0" "$OUT" &&
	grep -qF "0000:01:00.0: (all 3 VFs are destroyed, then 2 are created)" "$OUT" &&
	grep -qF "0000:01:00.0: would set sriov_numvfs 0 -> 2" "$OUT" &&
	grep -qF "would set sriov_drivers_autoprobe 1 -> 0" "$OUT"; then
	pass "dry-run: prints the plan"
else
	fail "dry-run: prints the plan"
fi
tb_cleanup

# --- no driver bound yet: quietly nothing (the bind event comes)
tb_new
tb_pf $PF 1b36 0010 0x010802 4 "" 0 1
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 3; };
EOF
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "no driver" 0
expect_unchanged "no driver" "$before"
tb_cleanup

# --- VFs in use: a vfio group held open; refused, names the VF; force does it
nvme_pf 3 0
nvme_vfs 3
rm "$(devdir 0000:01:00.2)/driver" 2>/dev/null
tb_driver vfio-pci
ln -s ../../../bus/pci/drivers/vfio-pci "$(devdir 0000:01:00.2)/driver"
tb_vfio_hold 0000:01:00.2 7
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
EOF
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "in use" 4
expect_err "in use" "not changing sriov_numvfs 3 -> 2: in use: vf 1 (0000:01:00.2: vfio group 7 is open (pid $HOLDER))"
expect_err "in use" "set force = true in $POL/50-nvme.conf"
expect_unchanged "in use" "$before"
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; force = true; };
EOF
run_vio -P "$POL" pf $PF
expect_rc "in use, force" 0
expect_err "in use, force" "force = true: destroying VFs in use: vf 1"
expect_attr "in use, force" $PF sriov_numvfs 2
tb_cleanup

# --- VFs in use: a VF's interface is up
nvme_pf 2 0
nvme_vfs 2
tb_netdev 0000:01:00.1 ens1v0 0x1003
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 4; };
EOF
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "netdev up" 4
expect_err "netdev up" "vf 0 (0000:01:00.1: interface ens1v0 is up)"
expect_unchanged "netdev up" "$before"
tb_cleanup

# --- matching by id, by interface name, by permanent MAC; a policy for another PF
for m in 'id = "1b36:0010"' 'name = "enp1s0"' 'mac = "52:54:00:12:34:56"' 'name = "02:00.0"'; do
	nvme_pf
	tb_netdev $PF enp1s0 0x1002 52:54:00:12:34:56
	printf 'pf = { %s; vfs = 2; };\n' "$m" | policy 50-match.conf
	run_vio -P "$POL" pf $PF
	expect_rc "match $m" 0
	if [ "$m" = 'name = "02:00.0"' ]; then want=0; else want=2; fi
	expect_attr "match $m" $PF sriov_numvfs $want
	tb_cleanup
done

# --- layering: /etc (last dir) replaces /usr/lib (first) by basename; /dev/null masks
nvme_pf
mkdir -p "$TB/usr" "$TB/etc"
printf 'pf = { name = "01:00.0"; vfs = 1; };\n' >"$TB/usr/50-nvme.conf"
printf 'pf = { name = "01:00.0"; vfs = 2; };\n' >"$TB/etc/50-nvme.conf"
chmod 644 "$TB"/usr/*.conf "$TB"/etc/*.conf
run_vio -P "$TB/usr" -P "$TB/etc" pf $PF
expect_attr "layering" $PF sriov_numvfs 2
echo 0 >"$(devdir $PF)/sriov_numvfs"
rm "$TB/etc/50-nvme.conf"
ln -s /dev/null "$TB/etc/50-nvme.conf"
run_vio -P "$TB/usr" -P "$TB/etc" pf $PF
expect_attr "masked by /dev/null" $PF sriov_numvfs 0
tb_cleanup

# --- two files match: the first in lexical order applies; a warning names both
nvme_pf
printf 'pf = { name = "01:00.0"; vfs = 1; };\n' | policy 10-first.conf
printf 'pf = { id = "1b36:0010"; vfs = 3; };\n' | policy 20-second.conf
run_vio -P "$POL" pf $PF
expect_rc "two match" 0
expect_attr "two match" $PF sriov_numvfs 1
expect_err "two match" "0000:01:00.0: $POL/20-second.conf also matches, but $POL/10-first.conf comes first and applies"
tb_cleanup

# --- a broken file before the match might have been meant to win: refuse; after: apply
nvme_pf
printf 'pf = { name = "01:00.0"; vfs = ; };\n' | policy 10-broken.conf
printf 'pf = { name = "01:00.0"; vfs = 3; };\n' | policy 20-good.conf
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "broken first" 2
expect_err "broken first" "$POL/10-broken.conf:1: syntax error"
expect_err "broken first" "$POL/20-good.conf matches, but $POL/10-broken.conf comes before it and was refused (see its error)"
expect_unchanged "broken first" "$before"
mv "$POL/10-broken.conf" "$POL/30-broken.conf"
run_vio -P "$POL" pf $PF
expect_rc "broken after" 0
expect_attr "broken after" $PF sriov_numvfs 3
tb_cleanup

# --- vfs = "max" is sriov_totalvfs
nvme_pf
printf 'pf = { name = "01:00.0"; vfs = "max"; };\n' | policy 50-max.conf
run_vio -P "$POL" pf $PF
expect_attr "vfs=max" $PF sriov_numvfs 4
tb_cleanup

# --- autoprobe = true is kept on
nvme_pf 0 1
printf 'pf = { name = "01:00.0"; vfs = 2; autoprobe = true; };\n' | policy 50-ap.conf
run_vio -P "$POL" pf $PF
expect_attr "autoprobe=true" $PF sriov_drivers_autoprobe 1
expect_attr "autoprobe=true" $PF sriov_numvfs 2
tb_cleanup

# --- a GPU PF: kind from the PCI class (display) forbids network keys
tb_new
tb_pf 0000:65:00.0 8086 56c0 0x030000 16 i915
printf 'pf = { name = "65:00.0"; vfs = 2; };\nvf0 = { vlan = 10; };\n' | policy 60-gpu.conf
before=$(snapshot)
run_vio -P "$POL" pf 65:00.0
expect_rc "gpu + vlan" 2
expect_err "gpu + vlan" "$POL/60-gpu.conf:2: 0000:65:00.0: network settings, but the PF is kind \"gpu\" (from PCI class)"
expect_unchanged "gpu + vlan" "$before"
printf 'pf = { name = "65:00.0"; vfs = 2; };\nvf = { driver = "vfio-pci"; };\n' | policy 60-gpu.conf
tb_iommu
run_vio -P "$POL" pf 65:00.0
expect_rc "gpu" 0
expect_attr "gpu" 0000:65:00.0 sriov_numvfs 2
tb_cleanup

finish
