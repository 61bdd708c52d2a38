#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scenarios 1-4, 7 and 8 on QEMU's NVMe SR-IOV PF behind intel-iommu, with real udevd running
# vio's installed rules: coldplug, re-trigger, count change, VFs in use, a broken policy, and
# a policy edited after boot. QEMU's secondary controllers start offline with no resources:
# vio releases the primary's flexible resources and brings each VF's controller online (NVMe
# virtualization management, no nvme-cli), so the native nvme driver keeps vf2.
. /vio-tests/lib.sh

PF=0000:01:00.0
mkdir -p /etc/vio.d
write_policy() { # VFS [EXTRA PF KEYS]; VFS >= 2
	cat >/etc/vio.d/50-nvme.conf <<POL
pf = { name = "01:00.0"; vfs = $1; $2 };
vf0 = { driver = "pci-stub"; };
vf1 = { driver = "vfio-pci"; };
# vf2: no driver named, autoprobe off: its native driver (nvme, from the hwdb)
POL
}
write_policy 3
check "vfio-pci not loaded before vio" "no" "$(grep -q '^vfio_pci ' /proc/modules && echo yes || echo no)"

echo "--- 1 coldplug (uptime $(cut -d" " -f1 /proc/uptime))"
# QEMU's primary starts with none of the flexible resources; give it some, as firmware may
# ship: vio has to release them (and reset the PF) before the VFs can have them.
modprobe nvme
sleep 1
nvme virt-mgmt /dev/nvme0 -c 0 -r 0 -a 1 -n 6 >/dev/null
nvme virt-mgmt /dev/nvme0 -c 0 -r 1 -a 1 -n 3 >/dev/null
echo 1 >/sys/bus/pci/devices/$PF/reset
check "1 set-up: the primary holds 6 VQ and 3 VI" "6 3" \
	"$(nvme primary-ctrl-caps /dev/nvme0 | awk '$1 == "vqrfap" {q = $3} $1 == "virfap" {i = $3} END {print q, i}')"
mark_log
start_udevd
settle 2
P=/sys/bus/pci/devices/$PF
check "1 coldplug: sriov_numvfs" 3 "$(cat $P/sriov_numvfs)"
check "1 coldplug: autoprobe off" 0 "$(cat $P/sriov_drivers_autoprobe)"
VF0=$(vf_addr $PF 0) VF1=$(vf_addr $PF 1) VF2=$(vf_addr $PF 2)
check "1 coldplug: vf0 bound to pci-stub" pci-stub "$(drv "$VF0")"
check "1 coldplug: vf1 bound to vfio-pci" vfio-pci "$(drv "$VF1")"
check "1 coldplug: vf2 bound to its native driver nvme" nvme "$(drv "$VF2")"
check "1 coldplug: vf2's controller is live" live "$(nvme_state "$VF2")"
check_log "1 coldplug: the primary's flexible resources released first" \
	"vio\[[0-9]+\]: 0000:01:00.0: the primary controller's flexible resources released \(VQ 6, VI 3 -> VQ 0, VI 0\), the PF reset"
for i in 0 1 2; do
	check_log "1 coldplug: vf$i's secondary controller online, 2 VQ, 1 VI (an even share)" \
		"vio\[[0-9]+\]: 0000:01:00.0 vf $i \($(vf_addr $PF $i)\): secondary controller $((i + 1)) offline, VQ 0, VI 0 -> online, VQ 2, VI 1"
done
check "1 coldplug: vio loaded vfio-pci" yes "$(grep -q '^vfio_pci ' /proc/modules && echo yes || echo no)"
G=$(basename "$(readlink "/sys/bus/pci/devices/$VF1/iommu_group")")
check "1 coldplug: /dev/vfio/$G for vf1" yes "$([ -c "/dev/vfio/$G" ] && echo yes || echo no)"
check_log "1 coldplug: vio logged the count" "vio\[[0-9]+\]: 0000:01:00.0: sriov_numvfs 0 -> 3"
check_log "1 coldplug: vio logged the bind" "vio\[[0-9]+\]: 0000:01:00.0 vf 1 \(0000:01:00.2\): bound to vfio-pci"
log_since_mark | grep 'vio\[' | sed 's/^/  log: /'

echo "--- 2 re-trigger writes nothing (uptime $(cut -d" " -f1 /proc/uptime))"
mark_log
udevadm trigger --action=change --subsystem-match=pci
settle 2
check_no_log "2 re-trigger: no change logged" "vio\[[0-9]+\]: .* -> |vio\[[0-9]+\]: .*bound to"
check_log "2 re-trigger: vio says nothing to change" "vio\[[0-9]+\]: 0000:01:00.0: already as /etc/vio.d/50-nvme.conf says, nothing to change"
check "2 re-trigger: vf1 still vfio-pci" vfio-pci "$(drv "$VF1")"

echo "--- 3 count change 3 -> 2, nothing in use (uptime $(cut -d" " -f1 /proc/uptime))"
mark_log
write_policy 2
udevadm trigger --action=change "$P"
settle 2
check "3 count change: sriov_numvfs" 2 "$(cat $P/sriov_numvfs)"
check_log "3 count change: through 0" "sriov_numvfs 3 -> 0"
check_log "3 count change: then 2" "sriov_numvfs 0 -> 2"
VF0=$(vf_addr $PF 0) VF1=$(vf_addr $PF 1)
check "3 count change: vf0 pci-stub again" pci-stub "$(drv "$VF0")"
check "3 count change: vf1 vfio-pci again" vfio-pci "$(drv "$VF1")"
check_log "3 count change: vf1's controller online again (QEMU takes resources back with the VFs)" \
	"vf 1 \($VF1\): secondary controller 2 offline, VQ 0, VI 0 -> online, VQ 2, VI 1"
log_since_mark | grep 'vio\[' | sed 's/^/  log: /'

echo "--- 4 VF1's vfio group held open: refused; force: done (uptime $(cut -d" " -f1 /proc/uptime))"
G=$(basename "$(readlink "/sys/bus/pci/devices/$VF1/iommu_group")")
sh -c "exec 3<>/dev/vfio/$G; exec sleep 600" &
HOLD=$!
sleep 1
mark_log
write_policy 3
udevadm trigger --action=change "$P"
settle 2
check "4 in use: sriov_numvfs kept" 2 "$(cat $P/sriov_numvfs)"
check "4 in use: vf0 intact" pci-stub "$(drv "$(vf_addr $PF 0)")"
check "4 in use: vf1 intact" vfio-pci "$(drv "$(vf_addr $PF 1)")"
check_log "4 in use: refusal names vf1" "not changing sriov_numvfs 2 -> 3: in use: vf 1 \(0000:01:00.2: vfio group $G is open \(pid $HOLD\)\)"
write_policy 3 "force = true;"
mark_log
udevadm trigger --action=change "$P"
settle 2
check "4 force: sriov_numvfs" 3 "$(cat $P/sriov_numvfs)"
check_log "4 force: warned" "force = true: destroying VFs in use: vf 1"
kill $HOLD 2>/dev/null
check "4 force: vf1 vfio-pci" vfio-pci "$(drv "$(vf_addr $PF 1)")"
check "4 force: vf2 nvme, its controller live" "nvme live" "$(drv "$(vf_addr $PF 2)") $(nvme_state "$(vf_addr $PF 2)")"

echo "--- 4b NVMe requests the controller cannot meet: clear errors, nothing changed"
for bad in "vf2 = { nvme_vq = 16; };|vf 2: 16 flexible queue (VQ) resources; the controller gives a secondary at most 2" \
	"vf = { nvme_vi = 2; };|the 3 VFs ask 6 flexible interrupt (VI) resources in all; the controller has 4 for its secondaries"; do
	write_policy 3
	echo "${bad%%|*}" >>/etc/vio.d/50-nvme.conf
	VIO_LOG_TARGET=stderr vio apply $PF >/tmp/nb 2>&1
	check "4b ${bad%%|*}: exit 2" 2 "$?"
	check "4b ${bad%%|*}: said" 1 "$(grep -c "${bad#*|}" /tmp/nb)"
	check "4b ${bad%%|*}: nothing changed" "3 nvme live" \
		"$(cat $P/sriov_numvfs) $(drv "$(vf_addr $PF 2)") $(nvme_state "$(vf_addr $PF 2)")"
done
# Fewer resources for vf2 than it has: its controller goes offline, gets them, comes back.
write_policy 3
echo 'vf2 = { nvme_vq = 2; nvme_vi = 1; };' >>/etc/vio.d/50-nvme.conf
VIO_LOG_TARGET=stderr vio check >/tmp/nc 2>&1
check "4b explicit keys equal to the share: check exit 0" 0 "$?"

echo "--- 7 a broken policy: file:line in the log, nothing changed (uptime $(cut -d" " -f1 /proc/uptime))"
write_policy 2
printf 'pf = {\n  name = "01:00.0";\n  vfs = 2 \n  kind = ;\n};\n' >/etc/vio.d/40-broken.conf
mark_log
udevadm trigger --action=change "$P"
settle 2
check_log "7 broken: file:line logged" "vio\[[0-9]+\]: /etc/vio.d/40-broken.conf:4: syntax error"
check "7 broken: sriov_numvfs unchanged" 3 "$(cat $P/sriov_numvfs)"
check "7 broken: vf1 unchanged" vfio-pci "$(drv "$(vf_addr $PF 1)")"
rm /etc/vio.d/40-broken.conf

echo "--- 8 policy edited after boot: udevadm trigger, then vio apply (uptime $(cut -d" " -f1 /proc/uptime))"
mark_log
udevadm trigger --action=change "$P"
settle 2
check "8 edit + trigger: sriov_numvfs" 2 "$(cat $P/sriov_numvfs)"
write_policy 3
mark_log
vio apply; rc=$?
settle 2
check "8 vio apply: exit 0" 0 "$rc"
check "8 vio apply: sriov_numvfs" 3 "$(cat $P/sriov_numvfs)"
check "8 vio apply: vf1 vfio-pci" vfio-pci "$(drv "$(vf_addr $PF 1)")"
mark_log
VIO_LOG_TARGET=stderr vio apply >/tmp/apply2 2>&1; rc=$?
check "8 second vio apply: exit 0" 0 "$rc"
if grep -qE -- ' -> |bound to' /tmp/apply2; then
	fail "8 second vio apply writes nothing" "$(cat /tmp/apply2)"
else
	pass "8 second vio apply writes nothing"
fi
check "8 second vio apply: says so" 1 "$(grep -c 'nothing to change' /tmp/apply2)"

echo "--- vio list and vio check against sysfs (uptime $(cut -d" " -f1 /proc/uptime))"
J=$(vio list --json)
check "list: numvfs = sysfs" "$(cat $P/sriov_numvfs)" \
	"$(echo "$J" | jq -r ".pfs[] | select(.address == \"$PF\") | .numvfs")"
check "list: policy" /etc/vio.d/50-nvme.conf "$(echo "$J" | jq -r ".pfs[] | select(.address == \"$PF\") | .policy")"
for i in 0 1 2; do
	check "list: vf$i driver = sysfs" "$(drv "$(vf_addr $PF $i)")" \
		"$(echo "$J" | jq -r ".pfs[] | select(.address == \"$PF\") | .vfs[$i].driver // \"none\"")"
	check "list: vf$i iommu group = sysfs" "$(basename "$(readlink "/sys/bus/pci/devices/$(vf_addr $PF $i)/iommu_group")")" \
		"$(echo "$J" | jq -r ".pfs[] | select(.address == \"$PF\") | .vfs[$i].iommu_group")"
done
vio check >/tmp/check1 2>&1
check "check: all as the policy says: exit 0" 0 "$?"
VF0=$(vf_addr $PF 0)
echo "$VF0" >/sys/bus/pci/drivers/pci-stub/unbind
vio check >/tmp/check2 2>&1
check "check: a VF unbound behind vio's back: exit 5" 5 "$?"
check "check: names it" 1 "$(grep -c "0000:01:00.0 vf 0 ($VF0): driver is none, policy wants pci-stub" /tmp/check2)"

check "list: vf2's secondary controller" "3 true 2 1" \
	"$(echo "$J" | jq -r ".pfs[] | select(.address == \"$PF\") | .vfs[2].nvme | \"\(.controller) \(.online) \(.vq) \(.vi)\"")"

echo "--- the installed hwdb reaches vio (uptime $(cut -d" " -f1 /proc/uptime))"
vio explain $PF >/tmp/explain 2>&1
sed 's/^/  /' /tmp/explain
check "explain: kind from the hwdb" 1 "$(grep -cE '^  kind +dev +hwdb$' /tmp/explain)"
check "explain: vf2's native driver from the hwdb" 1 "$(grep -cE '^  driver +nvme +native driver, hwdb VIO_VF_DRIVER$' /tmp/explain)"
check "udev db: VIO_KIND imported by the rule" dev "$(udevadm info -q property -p /sys/bus/pci/devices/$PF | sed -n 's/^VIO_KIND=//p')"

echo "--- 9 from viod: its INI file refused with what to do; converted, it does what it asked"
cat >/etc/vio.d/50-nvme.conf <<'INI'
[pf]
name = 01:00.0
kind = dev
vfs = 2

[vf0]
# the first VF for a guest's stub
driver = pci-stub
INI
before="$(cat $P/sriov_numvfs)"
VIO_LOG_TARGET=stderr vio apply $PF >/tmp/v1 2>&1
check "9 viod file: exit 2" 2 "$?"
check "9 viod file: says what to do" 1 "$(grep -c "50-nvme.conf:1: a viod (INI) policy: vio reads libconfig policy files; 'vio convert /etc/vio.d/50-nvme.conf' prints this one converted" /tmp/v1)"
check "9 viod file: nothing changed" "$before" "$(cat $P/sriov_numvfs)"
vio convert /etc/vio.d/50-nvme.conf >/tmp/converted.conf
check "9 vio convert: exit 0" 0 "$?"
sed 's/^/  /' /tmp/converted.conf
cp /tmp/converted.conf /etc/vio.d/50-nvme.conf
VIO_LOG_TARGET=stderr vio apply $PF >/tmp/v2 2>&1
check "9 converted: exit 0" 0 "$?"
check "9 converted: 2 VFs, vf0 pci-stub, vf1 nvme live" "2 pci-stub nvme live" \
	"$(cat $P/sriov_numvfs) $(drv "$(vf_addr $PF 0)") $(drv "$(vf_addr $PF 1)") $(nvme_state "$(vf_addr $PF 1)")"

echo "--- 10 fleets: vio wait, vio status, metrics"
vio wait --timeout=30
check "10 vio wait: every PF as the policy says" 0 "$?"
vio status | sed 's/^/  /'
vio status --json >/tmp/st.json
check "10 vio status --json: the PF's last run" "ok 2 2 /etc/vio.d/50-nvme.conf" \
	"$(jq -r ".pfs[] | select(.pf == \"$PF\") | \"\(.result) \(.vfs_wanted) \(.vfs) \(.policy)\"" /tmp/st.json)"
sed 's/^/  /' /tmp/st.json
vio check --format=prometheus >/tmp/metrics
check "10 metrics: exit 0" 0 "$?"
grep -E '^vio_(pf_vfs|pf_differences|check_exit_code|pf_last_run_exit_code)' /tmp/metrics | sed 's/^/  /'
check "10 metrics: vio_pf_vfs = sriov_numvfs" "$(cat $P/sriov_numvfs)" \
	"$(sed -n "s/^vio_pf_vfs{pf=\"$PF\",policy=\"\/etc\/vio.d\/50-nvme.conf\"} //p" /tmp/metrics)"
check "10 metrics: no difference" 0 "$(sed -n "s/^vio_pf_differences{pf=\"$PF\",[^}]*} //p" /tmp/metrics)"
# A VF unbound behind vio's back: wait says which PF, and that nothing is in progress.
vf_addr $PF 0 >/sys/bus/pci/drivers/pci-stub/unbind
VIO_LOG_TARGET=stderr vio wait --timeout=30 >/tmp/w 2>&1
check "10 vio wait: a VF unbound, nothing in progress: exit 5" 5 "$?"
sed 's/^/  /' /tmp/w
check "10 vio wait: names the PF" 1 "$(grep -c "$PF: not as the policy says, and nothing is in progress: 2 of 2 VFs, 1 difference" /tmp/w)"

echo "--- 11 driver = \"vfio\": the most specific vfio_pci: alias in modules.alias"
# No kernel has a vfio variant driver for QEMU's NVMe VF: two lab aliases stand in, a
# vendor-wide one (vfio_pci itself) and one for this device (pci_stub, standing in for a
# variant driver), so that the choice between them is the kernel's modules.alias, read live.
MA=/lib/modules/$(uname -r)/modules.alias
echo 'alias vfio_pci:v00001B36d*sv*sd*bc*sc*i* vfio_pci' >>"$MA"
echo 'alias vfio_pci:v00001B36d00000010sv*sd*bc*sc*i* pci_stub' >>"$MA"
cat >/etc/vio.d/50-nvme.conf <<'POL'
pf = { name = "01:00.0"; vfs = 2; };
vf0 = { driver = "pci-stub"; };
vf1 = { driver = "vfio"; };
POL
VIO_LOG_TARGET=stderr vio apply $PF >/tmp/v11 2>&1
check "11 vfio: exit 0" 0 "$?"
sed 's/^/  /' /tmp/v11
check "11 vfio: vf1 bound to the most specific alias's driver" pci-stub "$(drv "$(vf_addr $PF 1)")"
vio explain $PF >/tmp/x11 2>&1
check "11 vfio: explain says which alias" 1 \
	"$(grep -cF 'policy: vfio; its variant driver, the most specific match in modules.alias (vfio_pci:v00001B36d00000010sv*sd*bc*sc*i*)' /tmp/x11)"
vio check >/dev/null 2>&1
check "11 vfio: check: as the policy says" 0 "$?"
