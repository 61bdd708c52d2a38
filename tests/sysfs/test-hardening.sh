#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hardening: whatever is in a policy directory, whatever the device arguments, whatever a
# library or a write does, vio ends with a clear error and nothing half done.
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0

setup() {
	tb_new
	tb_pf $PF 1b36 0010 0x010802 4 nvme 0 1
	tb_driver vfio-pci
	printf 'pf = { name = "01:00.0"; vfs = 2; };\n' | policy 50-nvme.conf
}

# run_bounded ARGS...: run_vio, but a hang fails the test instead of the suite. Sets RC.
# shellcheck disable=SC2034 # RC is read by expect_rc in lib.sh
run_bounded() {
	RC=0
	# shellcheck disable=SC2086 # VALGRIND is a command prefix: split on purpose
	UMOCKDEV_DIR=$TB LD_PRELOAD="$ASAN_PRELOAD$FAULT_SO:$PRELOAD" VIO_LOG_TARGET=stderr \
		VIO_RUNTIME_DIR="$TB/run" VIO_FAULT="$KERNEL_EMU" timeout 20 $VALGRIND "$VIO" "$@" \
		>"$OUT" 2>"$ERR" || RC=$?
}

# --- things in a policy directory that are not policy files: named, never a hang
for kind in fifo fifo-link socket chardev directory dangling loop; do
	setup
	case $kind in
	fifo) mkfifo "$POL/40-x.conf" ;;
	fifo-link)
		mkfifo "$TB/fifo"
		ln -s "$TB/fifo" "$POL/40-x.conf"
		;;
	socket) python3 -c "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$POL/40-x.conf" ;;
	chardev) ln -s /dev/zero "$POL/40-x.conf" ;;
	directory) mkdir "$POL/40-x.conf" ;;
	dangling) ln -s "$TB/nowhere" "$POL/40-x.conf" ;;
	loop) ln -s 40-x.conf "$POL/40-x.conf" ;;
	esac
	before=$(snapshot)
	run_bounded -P "$POL" pf $PF
	expect_rc "$kind" 2
	case $kind in
	fifo | fifo-link) expect_err "$kind" "$POL/40-x.conf: a FIFO, not a policy file; refusing it" ;;
	socket) expect_err "$kind" "$POL/40-x.conf: cannot open: No such device or address" ;;
	chardev) expect_err "$kind" "$POL/40-x.conf: a character device, not a policy file; refusing it" ;;
	directory) expect_err "$kind" "$POL/40-x.conf: a directory, not a policy file; refusing it" ;;
	dangling) expect_err "$kind" "$POL/40-x.conf: a dangling symbolic link; refusing it" ;;
	loop) expect_err "$kind" "$POL/40-x.conf: a symbolic link loop; refusing it" ;;
	esac
	expect_unchanged "$kind" "$before"
	tb_cleanup
done

# --- policy directories: missing (-P), not a directory, unreadable, a loop, not root's
setup
run_vio -P "$TB/nonexistent" check
expect_rc "-P missing" 2
expect_err "-P missing" "$TB/nonexistent: no such policy directory"
run_vio -P "$POL/50-nvme.conf" check
expect_rc "-P a file" 2
expect_err "-P a file" "$POL/50-nvme.conf: not a directory"
ln -s loopdir "$TB/loopdir"
run_vio -P "$TB/loopdir" check
expect_rc "-P a loop" 2
expect_err "-P a loop" "$TB/loopdir: a symbolic link loop"
chmod 0777 "$POL"
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "directory mode 0777" 2
expect_err "directory mode 0777" "$POL: policy directory writable by group or others (mode 0777); refusing its files"
expect_unchanged "directory mode 0777" "$before"
chmod 0755 "$POL"
chown 65534 "$POL"
run_vio -P "$POL" pf $PF
expect_rc "directory owned by nobody" 2
expect_err "directory owned by nobody" "$POL: policy directory owned by uid 65534, not root; refusing its files"
chown 0 "$POL"
chown 65534 "$POL/50-nvme.conf"
run_vio -P "$POL" pf $PF
expect_rc "file owned by nobody" 2
expect_err "file owned by nobody" "$POL/50-nvme.conf: owned by uid 65534, not root; refusing it"
chown 0 "$POL/50-nvme.conf"
# Read by a user who may not read the directory: an error, not "0 policy files".
chmod 0700 "$POL"
cp "$VIO" "$TB/vio-copy"
chmod 0755 "$TB" "$TB/vio-copy"
VIO=$TB/vio-copy AS_USER="setpriv --reuid=65534 --regid=65534 --clear-groups" run_vio -P "$POL" check
expect_rc "unreadable directory" 2
expect_err "unreadable directory" "$POL: cannot read the policy directory: Permission denied"
tb_cleanup

# --- a policy file that cannot be opened or read whole
for f in "open 50-nvme.conf * EACCES" "open 50-nvme.conf * EIO" "read 50-nvme.conf * SHORT"; do
	setup
	before=$(snapshot)
	FAULT=$f run_vio -P "$POL" pf $PF
	expect_rc "$f" 2
	case $f in
	*EACCES*) expect_err "$f" "$POL/50-nvme.conf: cannot open: Permission denied" ;;
	*EIO*) expect_err "$f" "$POL/50-nvme.conf: cannot open: Input/output error" ;;
	*SHORT*) expect_err "$f" "$POL/50-nvme.conf: changed while it was read (18 of 37 bytes); refusing it" ;;
	esac
	expect_unchanged "$f" "$before"
	tb_cleanup
done

# --- what operators write: a byte order mark, a last line that is a comment without newline
setup
printf '\xef\xbb\xbfpf = { name = "01:00.0"; vfs = 2; };\n# the end' | policy 50-nvme.conf
run_vio -P "$POL" pf $PF
expect_rc "BOM and final comment" 0
expect_attr "BOM and final comment" $PF sriov_numvfs 2
tb_cleanup
setup
printf 'pf = { name = "01:00.0"; vfs = 0; autoprobe = true; }; // the end' | policy 50-nvme.conf
run_vio -P "$POL" check
expect_rc "final // comment" 0
tb_cleanup

# --- control characters from arguments reach the log escaped, one line
setup
run_vio -P "$POL" pf $'05:00.0\nvio: error: forged'
expect_rc "newline in DEVICE" 3
if [ "$(wc -l <"$ERR")" = 1 ] && grep -qF "'05:00.0\\x0avio: error: forged': not a PCI address" "$ERR"; then
	pass "newline in DEVICE: one line, escaped"
else
	fail "newline in DEVICE: one line, escaped"
fi
tb_cleanup

# --- PCI domains past ffff (Intel VMD)
tb_new
tb_pf 10000:01:00.0 1b36 0010 0x010802 4 nvme 0 1
printf 'pf = { name = "10000:01:00.0"; vfs = 2; };\n' | policy 50-vmd.conf
run_vio -P "$POL" pf 10000:01:00.0
expect_rc "domain 10000" 0
expect_attr "domain 10000" 10000:01:00.0 sriov_numvfs 2
expect_err "domain 10000" "10000:01:00.0: sriov_numvfs 0 -> 2"
tb_cleanup

# --- an unbound PF: check and explain say the policy cannot be applied yet
tb_new
tb_pf $PF 1b36 0010 0x010802 4 "" 0 1
printf 'pf = { name = "01:00.0"; vfs = 2; };\n' | policy 50-nvme.conf
run_vio -P "$POL" check
expect_rc "unbound PF: check" 5
if grep -qF "0000:01:00.0: no driver bound: the policy ($POL/50-nvme.conf, vfs = 2) cannot be applied until one is" "$OUT"; then
	pass "unbound PF: check says so"
else
	fail "unbound PF: check says so"
fi
run_vio -P "$POL" explain $PF
if grep -qF "no driver bound" "$OUT"; then pass "unbound PF: explain says so"; else fail "unbound PF: explain says so"; fi
run_vio -P "$POL" pf $PF
expect_rc "unbound PF: the event waits for the bind" 0
tb_cleanup

# --- explain on a device without SR-IOV (valgrind saw uninitialised memory here)
setup
tb_pci 0000:00:02.0 8086 1234 0x020000 e1000e
run_vio -P "$POL" explain 0000:00:02.0
expect_rc "explain, no SR-IOV" 3
expect_err "explain, no SR-IOV" "0000:00:02.0: not SR-IOV capable (no sriov_totalvfs)"
tb_cleanup

# --- vio apply with no arguments: the worst status of all PFs, whatever their order
tb_new
tb_pf 0000:01:00.0 1b36 0010 0x010802 4 nvme 0 1
tb_pf 0000:02:00.0 1b36 0010 0x010802 4 nvme 2 1
VF_DEVICE=0010 tb_vf 0000:02:00.0 0 0000:02:00.1 vfio-pci
tb_vfio_hold 0000:02:00.1 3
printf 'pf = { name = "01:00.0"; vfs = 99; };\n' | policy 50-a.conf
printf 'pf = { name = "02:00.0"; vfs = 1; };\n' | policy 60-b.conf
run_vio -P "$POL" apply
expect_rc "apply: worst of policy error (2) and in use (4)" 4
tb_cleanup

# --- a stable MAC never silently changes its key
tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 i40e 0 0
tb_netdev 0000:05:00.0 enp5s0 0x1003 02:aa:bb:cc:dd:ee
echo 3 >"$(devdir 0000:05:00.0)/net/enp5s0/addr_assign_type"
run_vio mac 0000:05:00.0 1
expect_rc "mac: permanent address unreadable" 3
expect_err "mac: permanent address unreadable" "0000:05:00.0 vf 1: cannot generate a MAC: the permanent MAC of the PF's interface cannot be read"
echo 0 >"$(devdir 0000:05:00.0)/net/enp5s0/addr_assign_type"
run_vio mac 0000:05:00.0 1
expect_rc "mac: permanent address" 0
expect_err "mac: says its key" "0000:05:00.0 vf 1: key: machine-id and the permanent MAC 02:aa:bb:cc:dd:ee of enp5s0"
tb_cleanup

# --- an ifindex from sysfs that now names another interface (here the host's lo) is not used
tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 i40e 1 0
tb_netdev 0000:05:00.0 enp5s0 0x1003
echo 1 >"$(devdir 0000:05:00.0)/net/enp5s0/ifindex"
VF_DEVICE=154c tb_vf 0000:05:00.0 0 0000:05:02.0
printf 'pf = { name = "05:00.0"; vfs = 1; };\nvf0 = { vlan = 5; };\n' | policy 50-nic.conf
before=$(snapshot)
run_vio -P "$POL" vf 0000:05:02.0
expect_rc "ifindex reused" 3
expect_err "ifindex reused" "0000:05:00.0: ifindex 1 no longer names enp5s0; not using it"
expect_unchanged "ifindex reused" "$before"
tb_cleanup

# --- vfs = 1e9: one error, the right one (not also "'pf' needs 'vfs'")
setup
printf 'pf = { name = "01:00.0"; vfs = 1e9; };\n' | policy 50-nvme.conf
run_vio -P "$POL" check
expect_rc "vfs = 1e9" 2
expect_err "vfs = 1e9" "$POL/50-nvme.conf:1: 'vfs' must be an integer or \"max\", not a decimal number"
expect_no_err "vfs = 1e9" "'pf' needs 'vfs'"
tb_cleanup

# --- libraries that cannot be loaded are named
setup
run_vio -P "$POL" pf $PF >/dev/null
VF_DEVICE=0010 tb_vf $PF 0 0000:01:00.1
printf 'pf = { name = "01:00.0"; vfs = 2; };\nvf0 = { driver = "nosuchmod"; };\n' | policy 50-nvme.conf
FAULT="dlopen libkmod.so.2 * MISSING" run_vio -P "$POL" vf 0000:01:00.1
expect_rc "libkmod missing" 3
expect_err "libkmod missing" "0000:01:00.0 vf 0 (0000:01:00.1): cannot load module 'nosuchmod': cannot load libkmod.so.2: libkmod.so.2.vio-test-missing: cannot open shared object file"
tb_cleanup
tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 i40e 0 0
FAULT="dlopen libcrypto.so.3 * MISSING" run_vio mac 0000:05:00.0 1
expect_rc "libcrypto missing" 3
expect_err "libcrypto missing" "cannot generate a MAC: cannot load libcrypto.so.3 (OpenSSL): libcrypto.so.3.vio-test-missing: cannot open shared object file"
tb_cleanup
# libnl is loaded only by the runs that send netlink messages: a VF without network keys
# needs none, a NIC VF's settings say which library is missing, once
setup
FAULT="dlopen libnl-genl-3.so.200 * MISSING" run_vio -P "$POL" check
expect_rc "libnl missing, no netlink needed" 5
expect_no_err "libnl missing, no netlink needed" "libnl"
tb_cleanup
tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 i40e 2 0
for i in 0 1; do VF_DEVICE=154c tb_vf 0000:05:00.0 $i "0000:05:02.$i"; done
tb_netdev 0000:05:00.0 enp5s0f0 0x1003 3c:fd:fe:aa:bb:cc
printf 'pf = { name = "enp5s0f0"; vfs = 2; };\nvf = { vlan = 5; };\n' | policy 50-nic.conf
FAULT="dlopen libnl-genl-3.so.200 * MISSING" run_vio -P "$POL" check
expect_rc "libnl missing" 3
expect_err "libnl missing" "cannot load libnl-genl-3.so.200: libnl-genl-3.so.200.vio-test-missing: cannot open shared object file"
expect_err "libnl missing" "0000:05:00.0 vf 0: cannot read VF settings of enp5s0f0: Can not access a needed shared library"
if [ "$(grep -c "cannot load libnl-genl-3.so.200" "$ERR")" = 1 ]; then pass "libnl missing: said once"; else fail "libnl missing: said once" "$(cat "$ERR")"; fi
tb_cleanup

finish
