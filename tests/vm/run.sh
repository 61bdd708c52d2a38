#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make check-vm: every kernel-facing feature on a real kernel, in QEMU guests.
# make demo:     the example policy on a real kernel, then the guest's view of it.
# usage: tests/vm/run.sh [--demo] [TEST...]      tests: nvme netdevsim hotplug
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/vm/setup.sh
. tests/vm/lib.sh

tests=("$@")
if [ "${1:-}" = --demo ]; then
	tests=(demo)
fi
[ ${#tests[@]} -gt 0 ] || tests=(nvme netdevsim hotplug)

# The host's half of the hotplug test: when the guest is ready, plug an NVMe SR-IOV PF in.
hotplug_hook() { # QMP_SOCKET SERIAL_LOG
	local _
	for _ in $(seq 1 600); do
		grep -q '^VIO-READY-HOTPLUG' "$2" 2>/dev/null && break
		sleep 0.2
	done
	qmp "$1" '{"execute":"device_add","arguments":{"driver":"nvme","id":"hot0","bus":"rp1","serial":"cafe0001","subsys":"subsys1","sriov_max_vfs":4,"sriov_vq_flexible":8,"sriov_vi_flexible":4}}' >"$OUTDIR/hotplug.qmp.log" 2>&1
}
# shellcheck disable=SC2054 # commas are QEMU syntax
HOTPLUG_ARGS=(-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off
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
	hotplug)
		args=("${NVME_ARGS[@]}" "${HOTPLUG_ARGS[@]}")
		QMP_HOOK=hotplug_hook
		;;
	esac
	rc=0
	boot "$t" "${args[@]}" || rc=$?
	log=$OUTDIR/$t.log
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
