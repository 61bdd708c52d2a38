#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Counts, statuses and messages that must say what happened: check's error count, the cause
# in the status file, vfio-pci without an IOMMU refused before anything changes, list's exit
# status on a VF table it cannot read, options a command does not take, vio vf and vio mac
# on the wrong device, vio wait saying each error once, and vio convert printing only what
# vio check accepts.
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0
VF0=0000:01:00.1

nvme() { # NUMVFS [VFS_PRESENT]
	tb_new
	tb_pf $PF 1b36 0010 0x010802 4 nvme "$1" 0
	for i in $(seq 0 $((${2:-$1} - 1))); do VF_DEVICE=0010 tb_vf $PF "$i" "0000:01:00.$((i + 1))"; done
}

# --- a policy error that shows only on this host's PF is counted as one
nvme 0
printf 'pf = { name = "01:00.0"; vfs = 8; };\n' | policy 50-nvme.conf
run_vio -P "$POL" check
expect_rc "device-dependent error" 2
expect_err "device-dependent error" "$POL/50-nvme.conf:1: 0000:01:00.0: vfs = 8, but the PF supports at most 4 (sriov_totalvfs)"
if grep -q "^1 policy file, 1 with errors;" "$OUT"; then pass "device-dependent error: the summary counts it"; else fail "device-dependent error: the summary counts it"; fi
run_vio -P "$POL" check --format=prometheus
if grep -q "^vio_policy_files_with_errors 1$" "$OUT"; then pass "device-dependent error: vio_policy_files_with_errors 1"; else fail "device-dependent error: vio_policy_files_with_errors 1"; fi
# The status of the PF event names the file at fault.
run_vio -P "$POL" pf $PF
expect_rc "policy error: pf event" 2
if grep -qx "policy=$POL/50-nvme.conf" "$TB/run/status/$PF" && grep -qx "result=policy-error" "$TB/run/status/$PF"; then
	pass "policy error: the status names the file"
else
	fail "policy error: the status names the file" "$(tr '\n' ' ' <"$TB/run/status/$PF")"
fi
tb_cleanup

# --- a kernel older than a feature vio needs: said, naming it, and nothing changed
nvme 0
rm "$(devdir $PF)/sriov_drivers_autoprobe"
printf 'pf = { name = "01:00.0"; vfs = 2; };\n' | policy 50-nvme.conf
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "kernel before 4.12" 3
expect_err "kernel before 4.12" "0000:01:00.0: no sriov_drivers_autoprobe: the kernel is older than 4.12, and vio needs it to prepare VFs before their driver probes them; nothing changed"
expect_unchanged "kernel before 4.12" "$before"
tb_cleanup

# --- the status keeps the cause: the count's EBUSY, not what followed from it
nvme 2
printf 'pf = { name = "01:00.0"; vfs = 3; };\nvf = { driver = "nosuchdriver"; };\n' | policy 50-nvme.conf
FAULT="write sriov_numvfs 3 EBUSY" run_vio -P "$POL" apply $PF
expect_rc "cause" 3
expect_err "cause: a later error" "cannot load module 'nosuchdriver'"
if grep -q "^error=0000:01:00.0: cannot set sriov_numvfs 0 -> 3: Device or resource busy" "$TB/run/status/$PF"; then
	pass "cause: the status keeps the first error"
else
	fail "cause: the status keeps the first error" "$(grep '^error=' "$TB/run/status/$PF")"
fi
tb_cleanup

# --- vfio-pci where the VF has no IOMMU group (the host has an IOMMU): refused before its
# working driver is unbound
nvme 1
tb_iommu
tb_driver pci-stub
tb_driver vfio-pci
ln -s ../../../bus/pci/drivers/pci-stub "$(devdir $VF0)/driver"
printf 'pf = { name = "01:00.0"; vfs = 1; };\nvf0 = { driver = "vfio-pci"; };\n' | policy 50-nvme.conf
before=$(snapshot)
run_vio -P "$POL" apply $PF
expect_rc "no IOMMU" 3
expect_err "no IOMMU" "0000:01:00.0 vf 0 (0000:01:00.1): cannot bind to vfio-pci: the VF has no IOMMU group; is the IOMMU on (intel_iommu=on or amd_iommu=on, and VT-d/AMD-Vi in the firmware)? Left bound to pci-stub"
expect_no_err "no IOMMU" "unbound from pci-stub"
expect_unchanged "no IOMMU" "$before"
run_vio -P "$POL" --dry-run apply $PF
expect_rc "no IOMMU: dry run" 3
expect_err "no IOMMU: dry run" "cannot bind to vfio-pci: the VF has no IOMMU group"
expect_no_err "no IOMMU: dry run" "driver pci-stub -> vfio-pci"
run_vio -P "$POL" explain $PF
expect_err "no IOMMU: explain" "cannot bind to vfio-pci: the VF has no IOMMU group"
tb_cleanup

# --- a host with no IOMMU at all: a policy with vfio-pci changes nothing, and says what turns
# the IOMMU on for this CPU, in apply, check, the dry run and explain
case $(grep -m1 '^vendor_id' /proc/cpuinfo) in
*GenuineIntel*) how="turn VT-d on in the firmware and add intel_iommu=on iommu=pt to the kernel command line" ;;
*AuthenticAMD* | *HygonGenuine*) how="turn AMD-Vi (IOMMU) on in the firmware" ;;
*) how="turn the IOMMU on in the firmware" ;;
esac
nvme 0
tb_driver pci-stub
tb_driver vfio-pci
printf 'pf = { name = "01:00.0"; vfs = 2; };\nvf = { driver = "pci-stub"; };\nvf1 = { driver = "vfio-pci"; };\n' | policy 50-nvme.conf
before=$(snapshot)
for cmd in "pf $PF" "apply $PF" "check" "apply --dry-run $PF" "explain $PF"; do
	# shellcheck disable=SC2086 # cmd is a command and its arguments
	run_vio -P "$POL" $cmd
	expect_rc "IOMMU off: $cmd" 3
	expect_err "IOMMU off: $cmd" "0000:01:00.0: $POL/50-nvme.conf:3 binds vf 1 to vfio-pci, but this host has no IOMMU (no IOMMU groups): $how"
done
expect_unchanged "IOMMU off: nothing changed" "$before"
tb_cleanup

# --- InfiniBand GUIDs on an Ethernet PF: refused, naming the key, nothing changed
tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 i40e 0 0
tb_netdev 0000:05:00.0 enp5s0f0 0x1003 3c:fd:fe:aa:bb:cc
echo 1 >"$(devdir 0000:05:00.0)/net/enp5s0f0/type"
printf 'pf = { name = "05:00.0"; vfs = 2; };\nvf1 = { port_guid = "0e:42:a1:03:00:36:a1:b3"; };\n' | policy 50-nic.conf
before=$(snapshot)
for cmd in "apply 0000:05:00.0" "check"; do
	# shellcheck disable=SC2086 # cmd is a command and its arguments
	run_vio -P "$POL" $cmd
	expect_rc "GUID on Ethernet: $cmd" 2
	expect_err "GUID on Ethernet: $cmd" "$POL/50-nic.conf:2: 0000:05:00.0 vf 1: port_guid, but the PF is not InfiniBand (its interface is not IPoIB: enp5s0f0)"
done
expect_unchanged "GUID on Ethernet" "$before"
printf 'pf = { name = "05:00.0"; vfs = 2; };\nvf1 = { node_guid = "0e:42:a1:03:00:36:a1"; };\n' | policy 50-nic.conf
run_vio -P "$POL" check
expect_rc "GUID, short" 2
expect_err "GUID, short" "$POL/50-nic.conf:2: 'node_guid' = \"0e:42:a1:03:00:36:a1\" is not a GUID (xx:xx:xx:xx:xx:xx:xx:xx)"
tb_cleanup

# --- a VF table that holds none of the PF's VFs: list says so and exits 3, as check does.
# (The PF's interface is the real loopback, ifindex 1, whose rtnetlink reply has no VFs.)
tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 i40e 2 0
tb_netdev 0000:05:00.0 lo
echo 1 >"$(devdir 0000:05:00.0)/net/lo/ifindex"
for i in 0 1; do VF_DEVICE=154c tb_vf 0000:05:00.0 $i "0000:05:02.$i"; done
printf 'pf = { name = "05:00.0"; vfs = 2; };\nvf = { vlan = 5; };\n' | policy 50-nic.conf
run_vio -P "$POL" list
expect_rc "VF table without the VFs: list" 3
expect_err "VF table without the VFs: list" "0000:05:00.0: lo reports 0 VFs of the 2 it has: the settings of the others cannot be read"
run_vio -P "$POL" check
expect_rc "VF table without the VFs: check" 3
# vio wait polls the same errors every 0.5 s: each is said once. A shared hold of the PF's
# sweep lock keeps a run "in progress", so that wait polls until its timeout.
hold_lock 0000:05:00.0.sweep -s
run_vio -P "$POL" wait --timeout=2
drop_lock
n=$(grep -c "vf 0: lo reports 0 VFs and not this one" "$ERR")
if [ "$n" = 1 ]; then pass "wait: each error once"; else fail "wait: each error once" "said $n times"; fi
expect_rc "wait: at the timeout" 5
tb_cleanup

# --- options a command does not take; numbers that are not VF indexes; the wrong device
nvme 2
printf 'pf = { name = "01:00.0"; vfs = 2; };\n' | policy 50-nvme.conf
run_vio -P "$POL" check --timeout=3
expect_rc "check --timeout" 1
expect_err "check --timeout" "check: --timeout is not valid for this command; see vio check --help"
run_vio -P "$POL" check --json --format=prometheus
expect_rc "check --json --format" 1
expect_err "check --json --format" "check: --json and --format are two outputs: give one"
run_vio -P "$POL" list --format=prometheus
expect_rc "list --format" 1
expect_err "list --format" "list: --format is not valid for this command"
run_vio -x -P "$POL" list
expect_rc "vio -x list" 1
expect_err "vio -x list" "list: --export is not valid for this command"
run_vio --frobnicate list
expect_rc "unknown long option" 1
expect_err "unknown long option" "unknown option '--frobnicate'; see --help"
run_vio mac $PF -1
expect_rc "mac -1" 1
expect_err "mac -1" "'-1': a negative number; VF indexes and counts start at 0"
expect_no_err "mac -1" "invalid option"
run_vio mac $PF 0
expect_rc "mac on an NVMe PF" 0
expect_err "mac on an NVMe PF" "0000:01:00.0: not a network PF (dev, from its PCI class): its VFs take no MAC; this is what vio would give one"
run_vio -P "$POL" vf $PF
expect_rc "vf on a PF" 3
expect_err "vf on a PF" "0000:01:00.0: not a VF (no physfn); for a PF, run vio apply 0000:01:00.0"
tb_cleanup

# --- vio convert: exit 0 only with what vio check accepts, nothing printed on an error
tb_new
conv() { # NAME: converts $POL/NAME
	run_vio convert "$POL/$1"
	CRC=$RC
}
printed_nothing() {
	if [ ! -s "$OUT" ]; then pass "$1: nothing printed"; else fail "$1: nothing printed"; fi
}
refused() { # TEST FILE [MESSAGE]: converting $POL/FILE fails with exit 2, printing nothing
	run_vio convert "$POL/$2"
	expect_rc "$1" 2
	[ -z "${3:-}" ] || expect_err "$1" "$3"
	printed_nothing "$1"
}
printf '[pf]\nname = 01:00.0\nvfs = 2\0\n[vf0]\ndriver = vfio-pci\n' >"$POL/nul.ini"
refused "convert: NUL byte" nul.ini "$POL/nul.ini:3: a NUL byte: not a viod policy (a text file)"
printf '[pf]\nname = 01:00.0\nvfs = 2\n[vf0]\ndriver = vfio-pci\n[pf]\nvfs = 3\n' >"$POL/dup.ini"
refused "convert: [pf] twice" dup.ini "$POL/dup.ini:6: [pf] again (first at line 1): merge them"
printf '[pf]\nname = 01:00.0  # the NVMe PF\nvfs = 2 ; two\n' >"$POL/inline.ini"
conv inline.ini
RC=$CRC expect_rc "convert: inline comments" 0
if grep -qx '  name = "01:00.0";' "$OUT" && grep -qx '  # the NVMe PF' "$OUT" && grep -qx '  vfs = 2;' "$OUT" && grep -qx '  # two' "$OUT"; then
	pass "convert: inline comments kept as comments, not in the value"
else
	fail "convert: inline comments kept as comments, not in the value"
fi
printf '# caf\351\n[pf]\nname = 01:00.0\nvfs = 2\n' >"$POL/latin1.ini"
refused "convert: not UTF-8" latin1.ini "$POL/latin1.ini:1: not UTF-8, as vio reads its policy files"
: >"$POL/empty.ini"
refused "convert: empty" empty.ini "$POL/empty.ini: no [pf] section: nothing to convert"
# An error after some sections: nothing of them printed.
printf '[pf]\nname = 01:00.0\nvfs = 2\n[vf0]\ndriver = vfio-pci\nthis is not a key\n' >"$POL/late.ini"
refused "convert: late error" late.ini
# A value vio refuses: the converted text would not pass check, so it is not printed.
printf '[pf]\nname = 01:00.0\nvfs = 2\n[vf0]\nmac = 01:00:00:00:00:00\n' >"$POL/badmac.ini"
refused "convert: a value vio refuses" badmac.ini "the converted policy would not pass vio check (above); nothing printed"
# From a pipe.
RC=0
printf '[pf]\nname = 01:00.0\nvfs = 2\n' | VIO_LOG_TARGET=stderr "$VIO" convert - >"$OUT" 2>"$ERR" || RC=$?
expect_rc "convert: standard input" 0
if grep -qx '  vfs = 2;' "$OUT"; then pass "convert: standard input converted"; else fail "convert: standard input converted"; fi
# Whatever exit 0 printed passes vio check.
cp "$OUT" "$POL/50-converted.conf"
chmod 0644 "$POL/50-converted.conf"
rm -f "$POL"/*.ini
run_vio -P "$POL" check
expect_rc "convert: its output passes check" 0
tb_cleanup

finish
