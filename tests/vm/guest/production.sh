#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-or-later
# Production scale and concurrency on a real kernel:
#  P1 netdevsim with 256 VFs: every attribute on every VF, a second run sends nothing, list and
#     check read all 256 back; an explicit vlan = 0 clears the VLAN.
#  P2 an NVMe PF with 64 VFs under udevd, its sriov_numvfs writes slowed (the lab's fault shim,
#     set by a test-only rule: VF events arrive while the PF's write is still running), and
#     vio apply run beside udevadm trigger storms that change the count: every VF ends as the
#     policy says, no error logged.
#  P3 a VF whose vfio group is open stops a count change without force; force goes ahead.
. /vio-tests/lib.sh

now() { cut -d' ' -f1 /proc/uptime; }
since() { echo "$(now) $1" | awk '{printf "%.1f", $1 - $2}'; }

# ---------------------------------------------------------------- P1: netdevsim, 256 VFs
modprobe netdevsim
mkdir -p /etc/vio.d
start_udevd
echo '11 1' >/sys/bus/netdevsim/new_device
settle 1
D=/sys/bus/netdevsim/devices/netdevsim11
P=$(cd $D/net && echo *)
echo 256 >/sys/kernel/debug/netdevsim/netdevsim11/max_vfs
check "P1 netdevsim max_vfs 256" 256 "$(cat /sys/kernel/debug/netdevsim/netdevsim11/max_vfs)"
cat >/etc/vio.d/50-big.conf <<EOF
pf = { name = "$P"; vfs = 256; };
vf = { vlan = 10; qos = 2; spoofchk = false; trust = true; link_state = "enable";
       min_tx_rate = 5; max_tx_rate = 100; query_rss = true; };
vf255 = { mac = "52:54:00:00:02:55"; vlan = 255; proto = "802.1ad"; };
EOF
t0=$(now)
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/p1 2>&1
rc=$?
echo "VIO-TIME P1 apply 256 VFs: $(since "$t0") s"
check "P1 apply 256: exit 0" 0 "$rc"
if grep -qE 'error|Cannot allocate' /tmp/p1; then fail "P1 apply 256: no error" "$(grep -E 'error|Cannot' /tmp/p1 | head -3 | tr '\n' '|')"; else pass "P1 apply 256: no error"; fi
check "P1 sriov_numvfs" 256 "$(cat $D/sriov_numvfs)"
# Read back with vfdump (tests/vm/vfdump.c): iproute2 6.1 asks with statistics and shows only
# a few dozen of 256 VFs. Columns: VF MAC VLAN QOS PROTO SPOOFCHK TRUST LINK MIN MAX RSS.
vfdump "$P" >/tmp/p1.vfs
check "P1 the kernel reports 256 VFs" 256 "$(wc -l </tmp/p1.vfs)"
check "P1 every VF but 255: vlan 10 qos 2, trust, no spoofchk, link enable, rates, rss" 255 \
	"$(awk '$1 < 255 && $3 == 10 && $4 == 2 && $5 == "802.1Q" && $6 == 0 && $7 == 1 && $8 == 1 && $9 == 5 && $10 == 100 && $11 == 1' /tmp/p1.vfs | wc -l)"
check "P1 vf255: its own mac, vlan 255 802.1ad" "52:54:00:00:02:55 255 802.1ad" \
	"$(awk '$1 == 255 {print $2, $3, $5}' /tmp/p1.vfs)"
m=$(vio mac "$P" 200)
check "P1 vf200 generated mac = vio mac" "$m" "$(awk '$1 == 200 {print $2}' /tmp/p1.vfs)"
echo "VIO-MAC netdevsim11 200 $m"
check "P1 distinct MACs" 256 "$(awk '{print $2}' /tmp/p1.vfs | sort -u | wc -l)"

t0=$(now)
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/p1b 2>&1
rc=$?
echo "VIO-TIME P1 second apply 256 VFs (nothing to send): $(since "$t0") s"
check "P1 second apply: exit 0" 0 "$rc"
if grep -q ' -> ' /tmp/p1b; then fail "P1 second apply sends nothing" "$(grep ' -> ' /tmp/p1b | head -2 | tr '\n' '|')"; else pass "P1 second apply sends nothing"; fi

vio list --json >/tmp/p1.list 2>/tmp/p1.list.err
check "P1 list --json: exit 0" 0 "$?"
check "P1 list --json: 256 VFs with their MAC" 256 \
	"$(jq "[.pfs[] | select(.netdev == \"$P\") | .vfs[] | select(.mac != null)] | length" /tmp/p1.list)"
check "P1 list --json: vf200's mac" "$m" \
	"$(jq -r ".pfs[] | select(.netdev == \"$P\") | .vfs[200].mac" /tmp/p1.list)"
vio check >/tmp/p1.check 2>&1
check "P1 check: exit 0" 0 "$?"

# An explicit clear: vlan = 0 takes every VF's VLAN off, and check agrees.
sed -i 's/vlan = 10; qos = 2;/vlan = 0;/' /etc/vio.d/50-big.conf
VIO_LOG_TARGET=stderr vio apply "$P" >/tmp/p1c 2>&1
check "P1 clear: exit 0" 0 "$?"
vfdump "$P" >/tmp/p1.vfs
check "P1 clear: vlan 0 qos 0 on 255 VFs" 255 "$(awk '$1 < 255 && $3 == 0 && $4 == 0' /tmp/p1.vfs | wc -l)"
check "P1 clear: vf255 keeps its vlan" 255 "$(awk '$1 == 255 {print $3}' /tmp/p1.vfs)"
vio check >/tmp/p1.check 2>&1
check "P1 clear: check exit 0" 0 "$?"
/bin/ip link set dev "$P" vf 3 vlan 77
vio check >/tmp/p1.check 2>&1
check "P1 a VLAN set behind vio's back: check exit 5" 5 "$?"
check "P1 ...and names it" 1 "$(grep -c "netdevsim11 vf 3: vlan is 77 qos 0 proto 802.1Q, policy wants 0 qos 0 proto 802.1Q" /tmp/p1.check)"
echo 0 >$D/sriov_numvfs
rm /etc/vio.d/50-big.conf

# ---------------------------------------------------------------- P2: concurrency, NVMe
PF=$(pf_of 0x1b36:0x0010)
modprobe pci-stub
modprobe vfio-pci
# Test-only: udev runs vio's PF event with the fault shim, whose rule makes every
# sriov_numvfs write return 3 s after it was made (VFs and their events exist meanwhile).
mkdir -p /etc/udev/rules.d
cat >/etc/udev/rules.d/59-lab-slow-numvfs.rules <<'RULE'
SUBSYSTEM=="pci", TEST=="sriov_totalvfs", ENV{LD_PRELOAD}="/vio-tests/libvio-fault.so", ENV{VIO_FAULT}="write sriov_numvfs * +3"
RULE
udevadm control --reload
nvme_policy() { # COUNT
	cat >/etc/vio.d/50-nvme.conf <<EOF
pf = { name = "$PF"; vfs = $1; };
vf = { driver = "pci-stub"; };
EOF
}
numvfs() { cat "/sys/bus/pci/devices/$PF/sriov_numvfs"; }
# every_vf_ok COUNT: sriov_numvfs is COUNT and each VF is bound to pci-stub
every_vf_ok() {
	local n=0 i=0
	[ "$(numvfs)" = "$1" ] || { echo "numvfs=$(numvfs)"; return; }
	while [ $i -lt "$1" ]; do
		[ "$(drv "$(vf_addr "$PF" $i)")" = pci-stub ] && n=$((n + 1))
		i=$((i + 1))
	done
	echo "$n"
}

mark_log
nvme_policy 64
t0=$(now)
udevadm trigger --action=change "/sys/bus/pci/devices/$PF"
settle 2
echo "VIO-TIME P2 PF event, 0 -> 64 VFs, write slowed by 3 s, under udevd, each VF bound: $(since "$t0") s"
check "P2 slowed PF event: 64 VFs, each bound to pci-stub" 64 "$(every_vf_ok 64)"
check_log "P2 the slowed write ran" 'sriov_numvfs 0 -> 64'
check_log "P2 VF events came while the PF's write ran, and waited for it" 'is handling this PF, waiting'
check_no_log "P2 no error" 'vio\[[0-9]+\]: .*(error|cannot|failed)'

round=1
for want in 48 64 32 64; do
	mark_log
	nvme_policy $want
	udevadm trigger --action=change "/sys/bus/pci/devices/$PF" &
	VIO_LOG_TARGET=stderr vio apply "$PF" >/tmp/p2.$round 2>&1 &
	a=$!
	udevadm trigger --action=change "/sys/bus/pci/devices/$PF"
	VIO_LOG_TARGET=stderr vio apply "$PF" >>/tmp/p2.$round 2>&1
	rc2=$?
	wait $a
	rc1=$?
	settle 2
	check "P2 round $round ($want VFs): both vio apply exit 0" "0 0" "$rc1 $rc2"
	check "P2 round $round: every VF as the policy says" "$want" "$(every_vf_ok $want)"
	if grep -qiE 'error|cannot|failed' /tmp/p2.$round; then fail "P2 round $round: vio apply said no error" "$(grep -iE 'error|cannot|failed' /tmp/p2.$round | head -2 | tr '\n' '|')"; else pass "P2 round $round: vio apply said no error"; fi
	check_no_log "P2 round $round: udev's runs logged no error" 'vio\[[0-9]+\]: .*(error|cannot|failed)'
	# One run changed the count (udev's or one of the two vio apply); the others found it done.
	check "P2 round $round: the count went through 0 once" 1 \
		"$( (cat /tmp/p2.$round; log_since_mark) | grep -c "$PF: sriov_numvfs [0-9]* -> 0")"
	round=$((round + 1))
done
rm /etc/udev/rules.d/59-lab-slow-numvfs.rules
udevadm control --reload

# ---------------------------------------------------------------- P3: in use
VF0=$(vf_addr "$PF" 0)
cat >/etc/vio.d/50-nvme.conf <<EOF
pf = { name = "$PF"; vfs = 64; };
vf = { driver = "pci-stub"; };
vf0 = { driver = "vfio-pci"; };
EOF
VIO_LOG_TARGET=stderr vio apply "$PF" >/tmp/p3a 2>&1
settle 1
check "P3 vf0 on vfio-pci" vfio-pci "$(drv "$VF0")"
G=$(basename "$(readlink "/sys/bus/pci/devices/$VF0/iommu_group")")
sleep 600 <>"/dev/vfio/$G" &
holder=$!
sleep 0.5
sed -i 's/vfs = 64;/vfs = 8;/' /etc/vio.d/50-nvme.conf
VIO_LOG_TARGET=stderr vio apply "$PF" >/tmp/p3b 2>&1
check "P3 open vfio group: apply refuses, exit 4" 4 "$?"
check "P3 ...names the VF and the holder" 1 "$(grep -c "in use: vf 0 ($VF0: vfio group $G is open (pid $holder))" /tmp/p3b)"
check "P3 ...and changes nothing" 64 "$(numvfs)"
vio check >/tmp/p3c 2>&1
check "P3 check: exit 5" 5 "$?"
check "P3 check names the VF in use" 1 "$(grep -c "vf 0 ($VF0: vfio group $G is open (pid $holder))" /tmp/p3c)"
sed -i 's/vfs = 8;/vfs = 8; force = true;/' /etc/vio.d/50-nvme.conf
VIO_LOG_TARGET=stderr vio apply "$PF" >/tmp/p3d 2>&1
check "P3 force = true: exit 0" 0 "$?"
check "P3 force = true: the count changed" 8 "$(numvfs)"
kill $holder 2>/dev/null
settle 1
