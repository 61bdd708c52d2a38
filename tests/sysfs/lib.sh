#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fake sysfs test beds for running the real vio under umockdev's preload library, which
# sends every /sys access to $UMOCKDEV_DIR/sys. umockdev is not the kernel: writing
# sriov_numvfs only changes a file, so tests add the VF devices the kernel would create,
# and assert on the files vio wrote and on those it must not have written.
#
# Sourced by tests/sysfs/test-*.sh. Each assertion prints "ok N - name" or "not ok N - name".

set -u
VIO=${VIO:-$PWD/vio}
VALGRIND=${VALGRIND:-}
AS_USER=
PRELOAD=${UMOCKDEV_PRELOAD:-libumockdev-preload.so.0}
# FAULT="write sriov_numvfs 4 EBUSY": rules for the fault shim (tests/fault/fault.c), which is
# always loaded: it also does what the kernel would on drivers_probe and unbind writes.
FAULT_SO=${FAULT_SO:-$PWD/tests/fault/libvio-fault.so}
FAULT=
KERNEL_EMU="write /bus/pci/drivers_probe * KERNEL;write /unbind * KERNEL;write /driver_override * KERNEL;write /reset * KERNEL"
# An ASan build needs its runtime loaded before any other preload (as kmod's tests do).
asan=$(ldd "$VIO" 2>/dev/null | awk '/libasan/ {print $3}')
ASAN_PRELOAD=${asan:+$asan:}
# Leaks in libconfig are libconfig's (see the file); vio's exit codes stay vio's.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
n_ok=0
n_fail=0
n_test=0

pass() {
	n_test=$((n_test + 1)) n_ok=$((n_ok + 1))
	echo "ok $n_test - $1"
}

fail() {
	n_test=$((n_test + 1)) n_fail=$((n_fail + 1))
	echo "not ok $n_test - $1"
	shift
	for l in "$@"; do printf '#   %s\n' "$l"; done
	if [ -s "${OUT:-/dev/null}" ] || [ -s "${ERR:-/dev/null}" ]; then
		sed 's/^/#   stdout: /' "$OUT"
		sed 's/^/#   stderr: /' "$ERR"
	fi
}

finish() {
	echo "# $n_ok passed, $n_fail failed"
	[ "$n_fail" -eq 0 ]
}

# tb_new: a fresh test bed in $TB with an empty PCI bus, and a policy dir $POL.
tb_new() {
	TB=$(mktemp -d "${TMPDIR:-/tmp}/vio-tb.XXXXXX")
	POL=$TB/policy
	OUT=$TB/out
	ERR=$TB/err
	mkdir -p "$TB/sys/bus/pci/devices" "$TB/sys/bus/pci/drivers" "$TB/sys/class/net" \
		"$TB/sys/class/vfio" "$TB/sys/module" "$TB/sys/devices/pci0000:00" "$POL"
	: >"$TB/sys/bus/pci/drivers_probe"
	: >"$OUT"
	: >"$ERR"
}

tb_cleanup() {
	# gone before the next bed: vio finds a vfio group open by any process's /dev/full
	[ -n "${HOLDER:-}" ] && kill "$HOLDER" 2>/dev/null && wait "$HOLDER" 2>/dev/null
	HOLDER=
	[ -n "${TB:-}" ] && rm -rf "$TB"
	TB=
}
trap tb_cleanup EXIT

devdir() { echo "$TB/sys/devices/pci0000:00/$1"; }

# tb_driver NAME: a registered PCI driver (as if its module were loaded).
tb_driver() {
	mkdir -p "$TB/sys/bus/pci/drivers/$1"
	: >"$TB/sys/bus/pci/drivers/$1/unbind"
	: >"$TB/sys/bus/pci/drivers/$1/bind"
}

# tb_pci ADDR VENDOR DEVICE CLASS [DRIVER]: a PCI function.
tb_pci() {
	local addr=$1 ven=$2 dev=$3 class=$4 drv=${5:-} d
	d=$(devdir "$addr")
	mkdir -p "$d"
	printf 'PCI_CLASS=%X\nPCI_ID=%s:%s\nPCI_SLOT_NAME=%s\n' "$((class))" "${ven^^}" "${dev^^}" \
		"$addr" >"$d/uevent"
	[ -n "$drv" ] && echo "DRIVER=$drv" >>"$d/uevent"
	ln -s ../../../bus/pci "$d/subsystem"
	echo "0x$ven" >"$d/vendor"
	echo "0x$dev" >"$d/device"
	printf '0x%06x\n' "$((class))" >"$d/class"
	printf 'pci:v0000%sd0000%ssv00000000sd00000000bc%02Xsc%02Xi%02X\n' "${ven^^}" "${dev^^}" \
		$((class >> 16)) $(((class >> 8) & 0xff)) $((class & 0xff)) >"$d/modalias"
	echo '(null)' >"$d/driver_override"
	ln -s "../../../devices/pci0000:00/$addr" "$TB/sys/bus/pci/devices/$addr"
	if [ -n "$drv" ]; then
		tb_driver "$drv"
		ln -s "../../../bus/pci/drivers/$drv" "$d/driver"
	fi
}

# tb_pf ADDR VENDOR DEVICE CLASS TOTALVFS [DRIVER] [NUMVFS] [AUTOPROBE]
tb_pf() {
	local d
	tb_pci "$1" "$2" "$3" "$4" "${6:-}"
	d=$(devdir "$1")
	echo "$5" >"$d/sriov_totalvfs"
	echo "${7:-0}" >"$d/sriov_numvfs"
	echo "${8:-1}" >"$d/sriov_drivers_autoprobe"
}

# tb_vf PF_ADDR INDEX VF_ADDR [DRIVER]: what the kernel creates when sriov_numvfs grows.
tb_vf() {
	local pf=$1 idx=$2 vf=$3 drv=${4:-} pd
	pd=$(devdir "$pf")
	tb_pci "$vf" "$(sed 's/0x//' "$pd/vendor")" "${VF_DEVICE:-ffff}" \
		"$(cat "$pd/class")" "$drv"
	ln -s "../$pf" "$(devdir "$vf")/physfn"
	ln -s "../$vf" "$pd/virtfn$idx"
}

# tb_netdev PCI_ADDR IFNAME [FLAGS] [MAC]: a network interface of a PCI function.
tb_netdev() {
	local d n
	d=$(devdir "$1")/net/$2
	mkdir -p "$d"
	ln -s ../../../../../class/net "$d/subsystem"
	ln -s "../../../$1" "$d/device"
	echo "${3:-0x1002}" >"$d/flags"
	echo "${4:-00:11:22:33:44:55}" >"$d/address"
	echo 0 >"$d/addr_assign_type"
	n=$(find "$TB/sys/class/net" -mindepth 1 -maxdepth 1 | wc -l)
	echo "$((n + 100000))" >"$d/ifindex"
	printf 'INTERFACE=%s\nIFINDEX=%s\n' "$2" "$((n + 100000))" >"$d/uevent"
	ln -s "../../devices/pci0000:00/$1/net/$2" "$TB/sys/class/net/$2"
}

# tb_vfio_hold VF_ADDR GROUP: VF bound to vfio-pci with its group open by a process.
# tb_iommu: the host has an IOMMU (a group the kernel made for some other device).
tb_iommu() { mkdir -p "$TB/sys/kernel/iommu_groups/99"; }

# The group's char device is /dev/full (1:7), which a background process holds open.
tb_vfio_hold() {
	local d
	d=$(devdir "$1")
	mkdir -p "$TB/sys/kernel/iommu_groups/$2" "$TB/sys/class/vfio/$2"
	ln -s "../../../kernel/iommu_groups/$2" "$d/iommu_group"
	echo 1:7 >"$TB/sys/class/vfio/$2/dev"
	sleep 300 7>/dev/full &
	HOLDER=$!
}

# policy NAME <<EOF: a policy file in $POL, root-owned 0644 as vio wants it.
policy() {
	cat >"$POL/$1"
	chmod 0644 "$POL/$1"
}

# run_vio ARGS...: the real binary under umockdev; sets RC, OUT, ERR. AS_USER: a command
# prefix that drops privileges (setpriv ...).
run_vio() {
	RC=0
	# shellcheck disable=SC2086 # AS_USER and VALGRIND are command prefixes: split on purpose
	UMOCKDEV_DIR=$TB LD_PRELOAD="$ASAN_PRELOAD$FAULT_SO:$PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}" \
		VIO_FAULT="${FAULT:+$FAULT;}$KERNEL_EMU" VIO_LOG_TARGET=stderr VIO_RUNTIME_DIR="$TB/run" \
		$AS_USER $VALGRIND "$VIO" "$@" >"$OUT" 2>"$ERR" || RC=$?
}

# start_vio ARGS...: run_vio in the background (no valgrind: VIO_PID is vio's own pid, for
# signals); end_vio waits for it and sets RC. A slow write ("+S") ends when $TB/gate exists.
start_vio() {
	UMOCKDEV_DIR=$TB LD_PRELOAD="$ASAN_PRELOAD$FAULT_SO:$PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}" \
		VIO_FAULT="${FAULT:+$FAULT;}$KERNEL_EMU" VIO_FAULT_GATE="$TB/gate" VIO_LOG_TARGET=stderr \
		VIO_RUNTIME_DIR="$TB/run" "$VIO" "$@" >"$OUT" 2>"$ERR" &
	VIO_PID=$!
}
end_vio() {
	RC=0
	wait "$VIO_PID" || RC=$?
}

# until_err TEXT: until vio's stderr says TEXT, at most 60 s (a loaded machine is slow)
until_err() {
	for _ in $(seq 1 1200); do grep -qF -- "$1" "$ERR" && return 0; sleep 0.05; done
	fail "vio says '$1'" "not after 60 s"
	return 1
}

# hold_lock LOCK [FLOCK_OPTION...]: another process holds $TB/run/lock/LOCK (exclusive unless
# -s is given) until drop_lock, however long vio takes to start. HOLDER_PID is flock's pid.
hold_lock() {
	local lock=$1
	shift
	mkdir -p "$TB/run/lock"
	rm -f "$TB/held"
	flock "${@:--x}" "$TB/run/lock/$lock" -c "echo \$\$ >$TB/held.tmp; mv $TB/held.tmp $TB/held; exec sleep 300" &
	HOLDER_PID=$!
	HELD_LOCK=$lock
	for _ in $(seq 1 200); do [ -e "$TB/held" ] && break; sleep 0.05; done
}
drop_lock() {
	kill "$(cat "$TB/held")" 2>/dev/null # the sleep, which holds the lock with flock
	wait "$HOLDER_PID" 2>/dev/null
	# flock's child is not ours to wait for: its lock goes when it has died.
	for _ in $(seq 1 200); do flock -n "$TB/run/lock/$HELD_LOCK" true && return 0; sleep 0.05; done
	fail "drop_lock: the holder let go of $HELD_LOCK" "still held after 10 s"
}

# snapshot: every file's content and every link's target under sys/, to prove nothing changed.
snapshot() {
	(cd "$TB/sys" && find . \( -type f -o -type l \) -printf '%p %l\n' | sort |
		while read -r p l; do
			if [ -n "$l" ]; then echo "$p -> $l"; else echo "$p: $(cat "$p")"; fi
		done)
}

attr() { cat "$(devdir "$1")/$2"; }

# expect_rc NAME CODE
expect_rc() {
	if [ "$RC" = "$2" ]; then pass "$1: exit $2"; else fail "$1: exit $2" "got exit $RC"; fi
}

# expect_err NAME FIXED_STRING: stderr has that line fragment.
expect_err() {
	if grep -qF -- "$2" "$ERR"; then pass "$1: says '$2'"; else fail "$1: says '$2'"; fi
}

expect_no_err() {
	if grep -qF -- "$2" "$ERR"; then fail "$1: does not say '$2'"; else pass "$1: does not say '$2'"; fi
}

# expect_attr NAME ADDR ATTR VALUE
expect_attr() {
	local v
	v=$(attr "$2" "$3")
	if [ "$v" = "$4" ]; then pass "$1: $2 $3 = $4"; else fail "$1: $2 $3 = $4" "got '$v'"; fi
}

# expect_unchanged NAME BEFORE: the test bed is as in the snapshot BEFORE.
expect_unchanged() {
	local now
	now=$(snapshot)
	if [ "$now" = "$2" ]; then
		pass "$1: nothing written"
	else
		fail "$1: nothing written" "$(diff <(echo "$2") <(echo "$now") | head -10 | tr '\n' ' ')"
	fi
}
