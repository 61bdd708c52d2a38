#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make check-vm: every kernel-facing feature on a real kernel, in QEMU guests.
# make demo:     the example policy on a real kernel, then the guest's view of it.
# usage: tests/vm/run.sh [--demo] [TEST...]
#        tests: nvme netdevsim hotplug production igb igb-hotplug dracut-shell dracut-systemd
#               dracut-broken itools itools-broken no-iommu
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/vm/setup.sh
. tests/vm/lib.sh

tests=("$@")
if [ "${1:-}" = --demo ]; then
	tests=(demo)
fi
[ ${#tests[@]} -gt 0 ] || tests=(nvme netdevsim hotplug production igb igb-hotplug dracut-shell dracut-systemd dracut-broken itools itools-broken no-iommu)

# The early-boot scenarios: an initramfs built by dracut with vio's module and a policy for
# the NVMe PF, booted with nothing else; its pre-mount hook reports, the host asserts.
initrd_policy() { # DIR [broken]
	rm -rf "$1"
	mkdir -p "$1"
	# vf2: its native driver, nvme, once vio has brought its secondary controller online.
	printf 'pf = { name = "01:00.0"; vfs = 3; };\nvf0 = { driver = "vfio-pci"; };\nvf1 = { driver = "pci-stub"; };\n' \
		>"$1/50-nvme.conf"
	if [ "${2:-}" = broken ]; then
		printf 'pf = {\n  name = "01:00.0";\n  kind = "dev";\n  vfs = ;\n};\n' >"$1/40-broken.conf"
	fi
	chmod 0644 "$1"/*.conf
}

# expect LOG NAME COMMAND...: one host-side check, appended to the guest's log.
expect() {
	local log=$1 name=$2
	shift 2
	if "$@"; then echo "VIO-PASS $name" >>"$log"; else echo "VIO-FAIL $name" >>"$log"; fi
}
has() { grep -qE -- "$2" "$1"; }
hasnt() { ! grep -qE -- "$2" "$1"; }

check_initrd() { # LOG FLAVOUR
	local log=$1 fl=$2 after=$OUTDIR/$2.after
	sed -n '/VIO-LOG .*VIO-MARK coldplug/,$p' "$log" >"$after"
	expect "$log" "$fl: the pre-mount hook ran" has "$log" '^=== VIO-INITRD-DONE'
	expect "$log" "$fl: sriov_numvfs 3, autoprobe off" has "$log" 'VIO-STATE 0000:01:00.0 numvfs=3 autoprobe=0'
	expect "$log" "$fl: vf0 bound to vfio-pci" has "$log" 'VIO-STATE 0000:01:00.0 virtfn0 0000:01:00.1 driver=vfio-pci'
	expect "$log" "$fl: vf1 bound to pci-stub" has "$log" 'VIO-STATE 0000:01:00.0 virtfn1 0000:01:00.2 driver=pci-stub'
	expect "$log" "$fl: vf2 bound to nvme, its controller live (vio brought it online)" \
		has "$log" 'VIO-STATE 0000:01:00.0 virtfn2 0000:01:00.3 driver=nvme nvme=live'
	expect "$log" "$fl: ...vio brought its secondary controller online in the initramfs" \
		has "$log" 'vio\[[0-9]+\]: 0000:01:00.0 vf 2 \(0000:01:00.3\): secondary controller 3 offline, VQ 0, VI 0 -> online, VQ 2, VI 1'
	expect "$log" "$fl: /dev/vfio group for vf0" has "$log" 'VIO-STATE vfio [0-9]+ by-vf vfio'
	expect "$log" "$fl: ...and its stable name, from udev in the initramfs" \
		has "$log" 'VIO-STATE by-vf 0000:01:00.0-vf0 -> \.\./[0-9]+'
	expect "$log" "$fl: a second coldplug (as after switch-root) writes nothing" \
		hasnt "$after" 'vio\[[0-9]+\]: .*( -> |bound to|loaded module)'
	expect "$log" "$fl: ...and says so" \
		has "$after" 'already as /etc/vio.d/50-nvme.conf says, nothing to change' 
}

# The host's half of the hotplug test: when the guest is ready, plug an NVMe SR-IOV PF in.
hotplug_hook() { # QMP_SOCKET SERIAL_LOG
	local _
	for _ in $(seq 1 600); do
		grep -q '^VIO-READY-HOTPLUG' "$2" 2>/dev/null && break
		sleep 0.2
	done
	qmp "$1" '{"execute":"device_add","arguments":{"driver":"nvme","id":"hot0","bus":"rp1","serial":"cafe0001","subsys":"subsys1","sriov_max_vfs":4,"sriov_vq_flexible":8,"sriov_vi_flexible":4}}' >"$OUTDIR/hotplug.qmp.log" 2>&1
}
# The host's half of igb-hotplug: each "VIO-QMP-REQ N add|del" line of the guest, in turn.
igb_hotplug_hook() { # QMP_SOCKET SERIAL_LOG
	local n=0 _ req id
	for _ in $(seq 1 3000); do
		while [ "$n" -lt "$(grep -c '^VIO-QMP-REQ' "$2" 2>/dev/null)" ]; do
			n=$((n + 1))
			req=$(grep '^VIO-QMP-REQ' "$2" | sed -n "${n}p" | tr -d '\r')
			# A new id each round: QEMU may not have let go of the last one yet.
			id=nic$(echo "$req" | cut -d' ' -f2)
			case $req in
			*add) qmp "$1" "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"igb\",\"id\":\"$id\",\"bus\":\"rp1\"}}" ;;
			*del) qmp "$1" "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"$id\"}}" ;;
			esac >>"$OUTDIR/igb-hotplug.qmp.log" 2>&1
		done
		grep -q '^=== VIO-DONE' "$2" 2>/dev/null && return
		sleep 0.2
	done
}
# shellcheck disable=SC2054 # commas are QEMU syntax
IGB_HOTPLUG_ARGS=(-device intel-iommu -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off
	-device pcie-root-port,id=rp1,bus=pcie.0,chassis=2,slot=2)
# shellcheck disable=SC2054 # commas are QEMU syntax
HOTPLUG_ARGS=(-device intel-iommu -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off
	-device pcie-root-port,id=rp1,bus=pcie.0,chassis=2,slot=2
	-device nvme-subsys,id=subsys1)

t0=$(date +%s)
build_image
echo "vm: image $(du -h "$OUTDIR/guest.cpio.gz" | cut -f1) built in $(($(date +%s) - t0)) s"

passed=0 failed=0
for t in "${tests[@]}"; do
	t1=$(date +%s)
	args=()
	QMP_HOOK=
	case $t in
	nvme | demo) args=("${NVME_ARGS[@]}") ;;
	# The same NVMe PF, and no IOMMU: QEMU without intel-iommu.
	no-iommu) args=("${NVME_ARGS[@]:2}") ;;
	production) args=("${PRODUCTION_ARGS[@]}") ;;
	igb) args=("${IGB_ARGS[@]}") ;;
	igb-hotplug)
		args=("${IGB_HOTPLUG_ARGS[@]}")
		QMP_HOOK=igb_hotplug_hook
		;;
	hotplug)
		args=("${HOTPLUG_ARGS[@]}")
		QMP_HOOK=hotplug_hook
		;;
	esac
	rc=0
	case $t in
	dracut-*)
		fl=${t#dracut-}
		[ "$fl" = broken ] && fl=shell
		initrd_policy "$OUTDIR/$t.policy" "$([ "$t" = dracut-broken ] && echo broken)"
		build_initrd "$fl" "$OUTDIR/$t.policy" "$OUTDIR/$t.img" >"$OUTDIR/$t.dracut.log" 2>&1 ||
			{ tail -20 "$OUTDIR/$t.dracut.log"; echo "VIO-FAIL $t: dracut failed" >"$OUTDIR/$t.log"; }
		[ "$fl" = systemd ] && root=tmpfs || root=vio-lab
		[ -e "$OUTDIR/$t.img" ] &&
			{ INITRD=$OUTDIR/$t.img ROOT=$root boot "$t" "${NVME_ARGS[@]}" || rc=$?; }
		;;
	itools*)
		initrd_policy "$OUTDIR/$t.policy" "$([ "$t" = itools-broken ] && echo broken)"
		# A masked file: the same mask in the image.
		ln -s /dev/null "$OUTDIR/$t.policy/70-masked.conf"
		build_itools "$OUTDIR/$t.policy" "$OUTDIR/$t.img" >"$OUTDIR/$t.build.log" 2>&1 ||
			{ tail -20 "$OUTDIR/$t.build.log"; echo "VIO-FAIL $t: mkinitramfs failed" >"$OUTDIR/$t.log"; }
		[ -e "$OUTDIR/$t.img" ] &&
			{ INITRD=$OUTDIR/$t.img APPEND=boot=violab boot "$t" "${NVME_ARGS[@]}" || rc=$?; }
		;;
	igb*) QEMU=$PWD/tests/vm/qemu10 boot "$t" "${args[@]}" || rc=$? ;;
	*) boot "$t" "${args[@]}" || rc=$? ;;
	esac
	log=$OUTDIR/$t.log
	case $t in
	dracut-shell) check_initrd "$log" "$t" ;;
	dracut-systemd)
		check_initrd "$log" "$t"
		expect "$log" "$t: the PF event handed the count change to vio-pf@.service" \
			has "$log" 'sriov_numvfs 0 -> 3: handed to vio-pf@0000:01:00.0.service'
		expect "$log" "$t: ...and the unit made the change" \
			has "$log" 'vio\[[0-9]+\]: 0000:01:00.0: sriov_numvfs 0 -> 3([^:]|$)'
		expect "$log" "$t: vio-apply.path is active" has "$log" 'VIO-STATE path-unit active=active'
		expect "$log" "$t: a service after vio-settle.service found every VF as the policy says" \
			has "$log" 'VIO-STATE consumer numvfs=3 vf0=vfio-pci vf1=pci-stub vf2=nvme settle=active'
		expect "$log" "$t: an edited policy is applied by vio-apply.path" \
			has "$log" 'VIO-STATE path-unit after-edit numvfs=4 vf3=pci-stub vf2-nvme=live'
		expect "$log" "$t: a VF event while vio-pf@ waits for the PF is left to it" \
			has "$log" 'VIO-STATE sigterm while-waiting unit=activating vf3=none'
		expect "$log" "$t: systemctl stop (SIGTERM): vio-pf@ exits 6, its status interrupted, and the VF's event is run again: bound" \
			has "$log" 'VIO-STATE sigterm after unit-status=6 result=interrupted exit=6 vf3=pci-stub'
		;;
	itools)
		check_initrd "$log" "$t"
		expect "$log" "$t: vio as installed from the Debian package" \
			has "$OUTDIR/$t.build.log" '^deb: built vio_'
		lsinitramfs -l "$OUTDIR/$t.img" >"$OUTDIR/$t.list"
		expect "$log" "$t: the image has the policy, machine-id and vio's hwdb" \
			has "$OUTDIR/$t.list" 'etc/vio.d/50-nvme.conf'
		expect "$log" "$t: ...a mask as a mask" has "$OUTDIR/$t.list" 'etc/vio.d/70-masked.conf -> /dev/null'
		expect "$log" "$t: ...machine-id" has "$OUTDIR/$t.list" ' etc/machine-id$'
		expect "$log" "$t: ...hwdb.bin" has "$OUTDIR/$t.list" ' etc/udev/hwdb.bin$'
		# No policy: the hook adds nothing.
		mkdir -p "$OUTDIR/itools-none.policy"
		build_itools "$OUTDIR/itools-none.policy" "$OUTDIR/itools-none.img" >"$OUTDIR/itools-none.build.log" 2>&1
		lsinitramfs "$OUTDIR/itools-none.img" >"$OUTDIR/itools-none.list" 2>&1
		expect "$log" "$t: with no policy an image is built..." has "$OUTDIR/itools-none.list" 'scripts/violab'
		expect "$log" "$t: ...and the hook adds nothing to it" hasnt "$OUTDIR/itools-none.list" 'usr/sbin/vio|60-vio.rules|etc/vio.d'
		;;
	itools-broken)
		expect "$log" "$t: the boot went on (boot=violab's mountroot ran)" has "$log" '^=== VIO-INITRD-DONE'
		expect "$log" "$t: file:line in the log" has "$log" 'vio\[[0-9]+\]: /etc/vio.d/40-broken.conf:4: syntax error'
		expect "$log" "$t: nothing changed (sriov_numvfs 0)" has "$log" 'VIO-STATE 0000:01:00.0 numvfs=0'
		;;
	dracut-broken)
		expect "$log" "$t: the boot went on to pre-mount" has "$log" '^=== VIO-INITRD-DONE'
		expect "$log" "$t: file:line in the log" has "$log" 'vio\[[0-9]+\]: /etc/vio.d/40-broken.conf:4: syntax error'
		expect "$log" "$t: nothing changed (sriov_numvfs 0)" has "$log" 'VIO-STATE 0000:01:00.0 numvfs=0'
		;;
	esac
	grep -q '^=== VIO-INITRD-DONE' "$log" && echo "=== VIO-DONE" >>"$log"
	p=$(grep -c '^VIO-PASS ' "$log" || true)
	f=$(grep -c '^VIO-FAIL ' "$log" || true)
	if ! grep -q '^=== VIO-DONE' "$log"; then
		echo "VIO-FAIL $t: the guest did not finish (qemu exit $rc)" >>"$log"
		f=$((f + 1))
	fi
	# Generated MACs, recomputed here with openssl as vio.conf(5) documents.
	while read -r _ id idx mac; do
		want=$(printf 'vio-vf-mac %s %u' "$id" "$idx" |
			openssl dgst -sha256 -mac HMAC -macopt "key:$GUEST_MACHINE_ID" -r |
			sed -E 's/^(..)(..)(..)(..)(..).*/02:\1:\2:\3:\4:\5/')
		if [ "$mac" = "$want" ]; then
			echo "VIO-PASS host: $id vf $idx mac $mac = openssl" >>"$log"
			p=$((p + 1))
		else
			echo "VIO-FAIL host: $id vf $idx mac $mac, openssl says $want" >>"$log"
			f=$((f + 1))
		fi
	done < <(grep '^VIO-MAC ' "$log" | tr -d '\r')
	passed=$((passed + p)) failed=$((failed + f))
	if [ "$t" = demo ]; then
		sed -n '/^VIO-DEMO-BEGIN/,/^VIO-DEMO-END/p' "$log" | sed '1d;$d' | grep -v '^VIO-' | tr -d '\r'
	fi
	echo "vm: $t: $p passed, $f failed in $(($(date +%s) - t1)) s"
	grep -E '^VIO-(PASS|FAIL)' "$log" | sed 's/^/  /'
	if [ "$f" -gt 0 ]; then
		echo "--- last 40 lines of $log"
		tail -40 "$log"
	fi
done
echo "vm: wall time $(($(date +%s) - t0)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
