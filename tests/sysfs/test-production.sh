#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Production: failed and short count changes (fault shim), the per-PF lock, VFs in use by
# other tools, and where the log goes.
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0

nvme_pf() { # NUMVFS
	tb_new
	tb_pf $PF 1b36 0010 0x010802 8 nvme "${1:-0}" 0
}

nvme_vfs() { # N [DRIVER]
	for i in $(seq 0 $(($1 - 1))); do VF_DEVICE=0010 tb_vf $PF "$i" "0000:01:00.$((i + 1))" "${2:-}"; done
}

# --- 3 -> 2, and the driver fails 2 after 0 succeeded: 3 restored, said once
nvme_pf 3
nvme_vfs 3
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
EOF
FAULT="write sriov_numvfs 2 ENOMEM" run_vio -P "$POL" pf $PF
expect_rc "M fails after 0" 3
expect_err "M fails after 0" "0000:01:00.0: sriov_numvfs 3 -> 0"
expect_err "M fails after 0" "0000:01:00.0: cannot set sriov_numvfs 0 -> 2: Cannot allocate memory; restored the 3 VFs it had"
expect_attr "M fails after 0" $PF sriov_numvfs 3
tb_cleanup

# --- ... and the restore fails too: said plainly
nvme_pf 3
nvme_vfs 3
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
EOF
FAULT="write sriov_numvfs 2 EBUSY;write sriov_numvfs 3 EIO" run_vio -P "$POL" pf $PF
expect_rc "restore fails" 3
expect_err "restore fails" "cannot set sriov_numvfs 0 -> 2: Device or resource busy, nor restore 3 (Input/output error): the PF has no VFs now"
tb_cleanup

# --- 0 -> M failing: nothing to restore, the error names the write
nvme_pf 0
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 4; };
EOF
FAULT="write sriov_numvfs 4 EINVAL" run_vio -P "$POL" pf $PF
expect_rc "0 -> M fails" 3
expect_err "0 -> M fails" "0000:01:00.0: cannot set sriov_numvfs 0 -> 4: Invalid argument"
expect_attr "0 -> M fails" $PF sriov_numvfs 0
tb_cleanup

# --- a driver that enables 3 of 4: kept, said once; later events do not go 3 -> 0 -> 4
nvme_pf 0
tb_driver pci-stub
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 4; };
vf = { driver = "pci-stub"; };
EOF
FAULT="write sriov_numvfs 4 =3" run_vio -P "$POL" pf $PF
expect_rc "shortfall" 3
expect_err "shortfall" "0000:01:00.0: asked the driver for 4 VFs, it enabled 3; keeping them"
expect_attr "shortfall" $PF sriov_numvfs 3
nvme_vfs 3 pci-stub
before=$(snapshot)
for round in 1 2 3; do
	FAULT="write sriov_numvfs 4 =3" run_vio -P "$POL" pf $PF
	expect_rc "shortfall, event $round" 0
	expect_no_err "shortfall, event $round" "sriov_numvfs"
done
expect_unchanged "shortfall: no storm" "$before"
run_vio -P "$POL" check
expect_rc "shortfall: check" 5
if grep -qF "0000:01:00.0: sriov_numvfs is 3, policy wants 4" "$OUT" &&
	grep -qF "(the driver enabled 3 of the 4 VFs asked at the last try)" "$OUT"; then
	pass "shortfall: check shows the difference and why"
else
	fail "shortfall: check shows the difference and why"
fi
# A new count in the policy is asked for again.
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
vf = { driver = "pci-stub"; };
EOF
run_vio -P "$POL" pf $PF
expect_rc "shortfall: new count" 0
expect_err "shortfall: new count" "sriov_numvfs 0 -> 2"
tb_cleanup

# --- the lock: a PF event waits for the run holding the PF, then does its work
nvme_pf 0
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
EOF
hold_lock $PF
start_vio -P "$POL" pf $PF
until_err "waiting up to"
drop_lock
end_vio
expect_rc "lock: waits" 0
expect_err "lock: waits" "0000:01:00.0: another vio run (pid "
expect_err "lock: waits" "is handling this PF, waiting up to 150 s"
expect_attr "lock: then applies" $PF sriov_numvfs 2
tb_cleanup

# --- the lock: a VF event while a sweep (vio apply) holds the PF leaves the VF to it
nvme_pf 2
nvme_vfs 2
tb_driver pci-stub
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
vf = { driver = "pci-stub"; };
EOF
mkdir -p "$TB/run/lock"
flock -s "$TB/run/lock/$PF.sweep" flock -x "$TB/run/lock/$PF" -c "echo \$\$ >$TB/held.tmp; mv $TB/held.tmp $TB/held; exec sleep 300" &
sweep=$!
for _ in $(seq 1 200); do [ -e "$TB/held" ] && break; sleep 0.05; done
before=$(snapshot)
run_vio -P "$POL" -v vf 0000:01:00.1
expect_rc "lock: sweep" 0
expect_err "lock: sweep" "0000:01:00.0: a vio run (pid "
expect_err "lock: sweep" "is configuring this PF and all its VFs"
expect_unchanged "lock: sweep" "$before"
kill "$(cat "$TB/held")"
wait "$sweep"
# Once the sweep is over, the same event does the work itself.
# (umockdev binds nothing: the driver_override write is what shows the work was done.)
run_vio -P "$POL" vf 0000:01:00.1
expect_attr "lock: after the sweep" 0000:01:00.1 driver_override pci-stub
tb_cleanup

# --- in use by another tool: a NIC VF whose vfio group is open keeps its settings
tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 i40e 1 0
tb_netdev 0000:05:00.0 enp5s0 0x1003
VF_DEVICE=154c tb_vf 0000:05:00.0 0 0000:05:02.0 vfio-pci
tb_vfio_hold 0000:05:02.0 9
policy 50-nic.conf <<'EOF'
pf = { name = "05:00.0"; vfs = 1; };
vf0 = { driver = "vfio-pci"; vlan = 100; mac = "52:54:00:00:00:01"; };
EOF
before=$(snapshot)
run_vio -P "$POL" vf 0000:05:02.0
expect_rc "in use: settings" 0
expect_err "in use: settings" "0000:05:00.0 vf 0 (0000:05:02.0): in use (vfio group 9 is open (pid $HOLDER)): its network settings are its user's, left as they are"
expect_unchanged "in use: settings" "$before"
run_vio -P "$POL" check
expect_rc "in use: check" 0
if grep -qF "0000:05:00.0 vf 0 (0000:05:02.0): in use (vfio group 9 is open (pid $HOLDER)): network settings left to its user, not compared" "$OUT"; then
	pass "in use: check says so"
else
	fail "in use: check says so"
fi
tb_cleanup

# --- in use: a NIC VF bound to its driver whose interface is in another network namespace
tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 i40e 1 0
VF_DEVICE=154c tb_vf 0000:05:00.0 0 0000:05:02.0 iavf
policy 50-nic.conf <<'EOF'
pf = { name = "05:00.0"; vfs = 2; };
EOF
before=$(snapshot)
run_vio -P "$POL" pf 0000:05:00.0
expect_rc "netns" 4
expect_err "netns" "in use: vf 0 (0000:05:02.0: bound to iavf, its interface is in another network namespace)"
expect_unchanged "netns" "$before"
tb_cleanup

# --- in use: bound to a userspace driver (DPDK)
nvme_pf 1
nvme_vfs 1 uio_pci_generic
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
EOF
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "uio" 4
expect_err "uio" "vf 0 (0000:01:00.1: bound to uio_pci_generic, a userspace driver (DPDK))"
expect_unchanged "uio" "$before"
tb_cleanup

# --- in use: the VF's iommufd cdev is open
nvme_pf 1
nvme_vfs 1 vfio-pci
mkdir -p "$(devdir 0000:01:00.1)/vfio-dev/vfio3"
echo 1:7 >"$(devdir 0000:01:00.1)/vfio-dev/vfio3/dev"
sleep 300 7>/dev/full &
HOLDER=$!
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
EOF
run_vio -P "$POL" pf $PF
expect_rc "vfio cdev" 4
expect_err "vfio cdev" "vf 0 (0000:01:00.1: /dev/vfio/devices/vfio3 is open (pid $HOLDER))"
tb_cleanup

# --- in use: an NVMe VF whose namespace is held by another block device (device mapper)
nvme_pf 1
nvme_vfs 1 nvme
mkdir -p "$(devdir 0000:01:00.1)/nvme/nvme1/nvme1n1" "$TB/sys/class/block/nvme1n1/holders/dm-0"
echo 259:1 >"$TB/sys/class/block/nvme1n1/dev"
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 2; };
EOF
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "nvme namespace held" 4
expect_err "nvme namespace held" "vf 0 (0000:01:00.1: namespace nvme1n1 is held by another device)"
expect_unchanged "nvme namespace held" "$before"
tb_cleanup

# --- list and check cannot read a NIC PF's VF settings: they say so and exit 3
tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 i40e 2 0
tb_netdev 0000:05:00.0 enp5s0 0x1003
VF_DEVICE=154c tb_vf 0000:05:00.0 0 0000:05:02.0
VF_DEVICE=154c tb_vf 0000:05:00.0 1 0000:05:02.1
policy 50-nic.conf <<'EOF'
pf = { name = "05:00.0"; vfs = 2; };
vf = { driver = "pci-stub"; };
EOF
run_vio -P "$POL" list
expect_rc "list, VF settings unreadable" 3
expect_err "list, VF settings unreadable" "0000:05:00.0: cannot read the VF settings of enp5s0:"
run_vio -P "$POL" check
expect_rc "check, VF settings unreadable" 3
expect_err "check, VF settings unreadable" "0000:05:00.0 vf 0: cannot read VF settings of enp5s0:"
tb_cleanup

# --- a person's errors reach stderr through a pipe or a file, not only on a terminal
nvme_pf 0
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 99; };
EOF
UMOCKDEV_DIR=$TB LD_PRELOAD="$ASAN_PRELOAD$PRELOAD" VIO_RUNTIME_DIR=$TB/run \
	"$VIO" -P "$POL" check 2>&1 | cat >"$ERR"
expect_err "stderr through a pipe" "50-nvme.conf:1: 0000:01:00.0: vfs = 99, but the PF supports at most 8"
tb_cleanup

finish
