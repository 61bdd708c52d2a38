#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vio with vio's own hwdb: libudev reads /etc/udev/hwdb.bin, which umockdev does not redirect,
# so each run is in a private mount namespace with a hwdb.bin compiled from hwdb/60-vio.hwdb.
# shellcheck disable=SC2034 # RC is read by expect_rc in lib.sh
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null || ! command -v systemd-hwdb >/dev/null; then
	echo "needs root, unshare and systemd-hwdb"
	exit 77
fi
HWDB=$(mktemp -d)
mkdir -p "$HWDB/etc/udev/hwdb.d"
cp "$(dirname "$0")/../../hwdb/60-vio.hwdb" "$HWDB/etc/udev/hwdb.d/"
systemd-hwdb --root="$HWDB" update

# run_hwdb ARGS...: run_vio with only vio's hwdb visible.
run_hwdb() {
	RC=0
	# shellcheck disable=SC2016 # expanded by the inner shell
	HWDB=$HWDB TB=$TB PRELOAD=$ASAN_PRELOAD$PRELOAD VIO=$VIO unshare -m bash -c '
		mount --make-rprivate / && mount -t tmpfs tmpfs /etc/udev &&
		cp "$HWDB/etc/udev/hwdb.bin" /etc/udev/ &&
		UMOCKDEV_DIR=$TB LD_PRELOAD=$PRELOAD VIO_LOG_TARGET=stderr "$VIO" "$@"' _ "$@" \
		>"$OUT" 2>"$ERR" || RC=$?
}

# NVIDIA vGPU: its VFs come from the vendor's sriov-manage; refused with a reason.
tb_new
tb_pf 0000:3b:00.0 10de 20b0 0x030200 16 nvidia
printf 'pf = { name = "3b:00.0"; vfs = 4; };\n' | policy 50-gpu.conf
before=$(snapshot)
run_hwdb -P "$POL" pf 3b:00.0
expect_rc "NVIDIA vGPU" 3
expect_err "NVIDIA vGPU" "0000:3b:00.0: $POL/50-gpu.conf names this PF, but vio cannot create its VFs: NVIDIA vGPU: use the NVIDIA driver's sriov-manage"
expect_unchanged "NVIDIA vGPU" "$before"
tb_cleanup

# Intel X710: kind net from the hwdb (not only the PCI class), VF driver iavf from the hwdb.
tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 i40e 1 0
VF_DEVICE=154c tb_vf 0000:05:00.0 0 0000:05:02.0
tb_driver iavf
printf 'pf = { name = "05:00.0"; vfs = 1; };\n' | policy 50-nic.conf
run_hwdb -P "$POL" explain 05:00.0
expect_rc "X710 explain" 3 # no netdev in the test bed: the VF's network part cannot be read
if grep -qE '^  kind +net +hwdb$' "$OUT" && grep -qE '^  driver +iavf +native driver, hwdb VIO_VF_DRIVER$' "$OUT"; then
	pass "X710: kind and VF driver from the hwdb"
else
	fail "X710: kind and VF driver from the hwdb"
fi
tb_cleanup

# QAT 4xxx (PCI class 0x0b40, a co-processor): kind dev, native VF driver qat_4xxxvf, and
# vio modules lists it for the initramfs.
tb_new
tb_pf 0000:81:00.0 8086 4940 0x0b4000 16 qat_4xxx 0 0
printf 'pf = { id = "8086:4940"; vfs = "max"; };\n' | policy 70-qat.conf
run_hwdb -P "$POL" modules
expect_rc "QAT modules" 0
if [ "$(cat "$OUT")" = qat_4xxxvf ]; then pass "QAT: vio modules names qat_4xxxvf"; else fail "QAT: vio modules names qat_4xxxvf"; fi
tb_cleanup

# igb 82576 (VIO_PF_LINK=up: igbvf needs its PF up at probe), bound but without its
# interface yet (the kernel links the driver before igb's probe makes it): nothing made now;
# the interface's add event runs vio pf again (60-vio.rules).
tb_new
tb_pf 0000:01:00.0 8086 10c9 0x020000 7 igb 0 1
printf 'pf = { name = "01:00.0"; vfs = 2; };\n' | policy 50-igb.conf
before=$(snapshot)
run_hwdb -P "$POL" pf 01:00.0
expect_rc "igb without its interface yet" 0
expect_err "igb without its interface yet" "0000:01:00.0: bound to igb, which has not made its interface yet; its VFs are made at the interface's event, once the PF can be brought up first"
expect_unchanged "igb without its interface yet" "$before"
run_hwdb -P "$POL" check
expect_rc "igb without its interface yet: check" 5
if grep -qF "0000:01:00.0: no interface yet to bring up before its VFs are made ($POL/50-igb.conf, vfs = 2)" "$OUT"; then
	pass "igb without its interface yet: check says so"
else
	fail "igb without its interface yet: check says so"
fi
# Once the interface exists (up already, as the PF step leaves it), the count is made.
tb_netdev 0000:01:00.0 eth0 0x1003
run_hwdb -P "$POL" pf /sys/devices/pci0000:00/0000:01:00.0
expect_rc "igb with its interface" 0
expect_attr "igb with its interface: the count" 0000:01:00.0 sriov_numvfs 2
tb_cleanup
rm -rf "$HWDB"

finish
