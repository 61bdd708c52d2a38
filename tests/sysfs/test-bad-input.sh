#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input of every kind: a clear error, exit 2 (policy) or 3 (device), nothing written.
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0
BAD=$(cd "$(dirname "$0")/../conf/bad" && pwd)

setup() {
	tb_new
	tb_pf $PF 1b36 0010 0x010802 4 nvme 0 1
	tb_driver vfio-pci
}

# Each tests/conf/bad/NAME.conf with the message NAME.expected says it gives, in vio check and
# in the PF event; nothing is written.
for f in "$BAD"/*.conf; do
	name=$(basename "$f" .conf)
	setup
	cp "$f" "$POL/50-$name.conf"
	chmod 0644 "$POL/50-$name.conf"
	before=$(snapshot)
	run_vio -P "$POL" check
	expect_rc "$name: check" 2
	expect_err "$name: check" "$(sed "s|@FILE@|$POL/50-$name.conf|" "$BAD/$name.expected")"
	run_vio -P "$POL" pf $PF
	expect_rc "$name" 2
	expect_err "$name" "$(sed "s|@FILE@|$POL/50-$name.conf|" "$BAD/$name.expected")"
	expect_unchanged "$name" "$before"
	tb_cleanup
done

# A policy file that others than root could change.
for mode in 0664 0646; do
	setup
	printf 'pf = { name = "01:00.0"; vfs = 2; };\n' | policy 50-nvme.conf
	chmod $mode "$POL/50-nvme.conf"
	before=$(snapshot)
	run_vio -P "$POL" pf $PF
	expect_rc "mode $mode" 2
	expect_err "mode $mode" "$POL/50-nvme.conf: writable by group or others (mode $mode); refusing it"
	expect_unchanged "mode $mode" "$before"
	tb_cleanup
done

# A 10 MB file.
setup
{ printf 'pf = { name = "01:00.0"; vfs = 2; };\n'; head -c 10485760 /dev/zero | tr '\0' '#'; } |
	policy 50-huge.conf
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "10 MB file" 2
expect_err "10 MB file" "$POL/50-huge.conf: 10485797 bytes, more than the 1048576 a policy file may have"
expect_unchanged "10 MB file" "$before"
tb_cleanup

# 10,000 VF sections: refused before libconfig, whose parse grows with the square of them.
setup
{
	printf 'pf = { name = "01:00.0"; vfs = 4; };\n'
	for i in $(seq 0 9999); do printf 'vf%d = { driver = "vfio-pci"; };\n' "$i"; done
} | policy 50-many.conf
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "10000 sections" 2
expect_err "10000 sections" "$POL/50-many.conf:4097: more than 4096 groups; a policy needs at most one section per VF"
expect_unchanged "10000 sections" "$before"
tb_cleanup

# DEVICE arguments that are not PCI devices.
setup
mkdir -p "$TB/sys/devices/virtual/net/lo"
echo INTERFACE=lo >"$TB/sys/devices/virtual/net/lo/uevent"
ln -s ../../../../class/net "$TB/sys/devices/virtual/net/lo/subsystem"
tb_pci 0000:00:02.0 8086 1234 0x020000 e1000e
printf 'pf = { id = "8086:1234"; vfs = 2; };\n' | policy 50-nic.conf
before=$(snapshot)
for arg in ../../etc/passwd 0000:zz:00.0 /sys/../etc/passwd "05:00.0;reboot" ""; do
	run_vio -P "$POL" pf "$arg"
	expect_rc "device '$arg'" 3
	expect_err "device '$arg'" "'$arg': not a PCI address (05:00.0, 0000:05:00.0) or a /sys path of a PCI device"
done
run_vio -P "$POL" pf /sys/devices/virtual/net/lo
expect_rc "non-PCI device" 3
expect_err "non-PCI device" "'/sys/devices/virtual/net/lo': not a PCI device"
run_vio -P "$POL" pf 0000:07:00.0
expect_rc "absent device" 3
expect_err "absent device" "'0000:07:00.0': no such PCI device"
# Under udev, a device gone before its event ran (a VF of a count change) is no error.
SEQNUM=7 DEVPATH=/devices/pci0000:00/0000:07:00.1 ACTION=change run_vio -P "$POL" vf 0000:07:00.1
expect_rc "gone under udev" 0
if [ -s "$ERR" ]; then fail "gone under udev: says nothing"; else pass "gone under udev: says nothing"; fi
run_vio -P "$POL" pf 0000:00:02.0
expect_rc "PF without SR-IOV" 3
expect_err "PF without SR-IOV" "0000:00:02.0: not SR-IOV capable (no sriov_totalvfs)"
expect_unchanged "bad devices" "$before"
tb_cleanup

# A sysfs value the kernel would never write.
setup
echo banana >"$(devdir $PF)/sriov_totalvfs"
printf 'pf = { name = "01:00.0"; vfs = 2; };\n' | policy 50-nvme.conf
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "bad sysfs value" 3
expect_err "bad sysfs value" "0000:01:00.0: cannot read sriov_totalvfs: Bad message"
expect_unchanged "bad sysfs value" "$before"
tb_cleanup

# Command line.
setup
run_vio -P "$POL" frobnicate
expect_rc "unknown command" 1
expect_err "unknown command" "unknown command 'frobnicate'; see --help"
run_vio -P "$POL" pf
expect_rc "missing device" 1
run_vio -P "$POL" mac $PF x
expect_rc "bad VF index" 1
expect_err "bad VF index" "mac: 'x' is not a VF index (0..65535)"
tb_cleanup

finish
