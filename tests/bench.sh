#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench: what one udev event costs vio, in instructions (callgrind counts instructions,
# not seconds, so the numbers repeat whatever else the machine does), as ratios to baselines
# measured in the same run under the same preload (umockdev's and the lab's kernel shim):
# `ip link set dev lo up` (what a plain shell rule would pay per VF) and /bin/true.
# usage: tests/bench.sh [--profile]   (--profile: callgrind_annotate of the VF event too)
set -euo pipefail
cd "$(dirname "$0")/.."
# Events run as udev runs them: udev's database (/run/udev/data) holds what udev imported for
# a VF's PF; a private mount namespace gives the bench its own.
if [ -z "${VIO_BENCH_NS:-}" ]; then
	exec env VIO_BENCH_NS=1 unshare -m bash "$0" "$@"
fi
mount --make-rprivate /
mkdir -p /run/udev
mount -t tmpfs tmpfs /run/udev
mkdir -p /run/udev/data
. tests/sysfs/lib.sh
out=$(mktemp -d "${TMPDIR:-/tmp}/vio-bench.XXXXXX")
trap 'rm -rf "$out"; tb_cleanup' EXIT
profile=${1:-}

printf 'int main(void) { return 0; }\n' >"$out/empty.c"
cc -O2 -o "$out/bare" "$out/empty.c"
# shellcheck disable=SC2046 # pkg-config prints several flags
cc -O2 -o "$out/linked" "$out/empty.c" -Wl,--no-as-needed \
	$(pkg-config --libs libudev libkmod libnl-route-3.0 libnl-3.0 libconfig libcrypto)

# count LABEL CMD...: instructions of one run; with UNDER=1, under the preloads the events
# run with in the fast tier (umockdev and the fault shim, which cost instructions too).
count() {
	local label=$1 f n libs
	shift
	f=$out/cg.$RANDOM
	if [ -n "${UNDER:-}" ]; then
		# shellcheck disable=SC2086 # EVENT is a list of VAR=value words
		env ${EVENT:-} UMOCKDEV_DIR="$TB" LD_PRELOAD="$FAULT_SO:$PRELOAD" VIO_FAULT="$KERNEL_EMU" \
			VIO_LOG_TARGET=stderr VIO_RUNTIME_DIR="$TB/run" \
			valgrind --tool=callgrind --callgrind-out-file="$f" "$@" >/dev/null 2>"$f.err" || true
	else
		valgrind --tool=callgrind --callgrind-out-file="$f" "$@" >/dev/null 2>"$f.err" || true
	fi
	n=$(awk '/^summary:|^totals:/ {print $2; exit}' "$f" 2>/dev/null)
	[ -n "$n" ] || { cat "$f.err"; exit 1; }
	# Which libraries loaded on demand the run pulled in (callgrind names every object).
	libs=$(grep -oE 'ob=\([0-9]+\) [^ ]*lib(kmod|crypto|nl-genl-3|nl-3)[^ ]*' "$f" | sed -E 's/.*\/(lib[a-z0-9-]+[a-z0-9]).*/\1/' | sort -u | tr '\n' ' ' || true)
	printf '%s\t%s\t%s\n' "$label" "$n" "${libs:--}" >>"$out/results"
	LAST=$f
}

# nvme_bed NUMVFS: QEMU's NVMe PF with NUMVFS VFs (vf0 bound to pci-stub as the policy says,
# the others unbound), one policy for it.
nvme_bed() {
	tb_new
	tb_driver pci-stub
	tb_pf 0000:01:00.0 1b36 0010 0x010802 256 nvme "$1" 0
	VF_DEVICE=0010 tb_vf 0000:01:00.0 0 0000:01:02.0 pci-stub
	echo pci-stub >"$(devdir 0000:01:02.0)/driver_override"
	for i in $(seq 1 $(($1 - 1))); do
		VF_DEVICE=0010 tb_vf 0000:01:00.0 "$i" "$(printf '0000:01:%02x.%x' $((2 + i / 8)) $((i % 8)))"
	done
	mkdir -p "$TB/sys/module/pci_stub"
	echo live >"$TB/sys/module/pci_stub/initstate"
	printf 'pf = { name = "01:00.0"; vfs = %s; };\nvf = { driver = "pci-stub"; };\n' "$1" |
		policy 50-nvme.conf
	sleep 2 # the policy cache never takes a file changed in the last second (policycache.c)
	# What udev put in its database for the PF: the hwdb's properties (60-vio.rules).
	printf 'I:1\nE:ID_VENDOR_FROM_DATABASE=Red Hat, Inc.\nE:VIO_KIND=dev\nE:VIO_VF_DRIVER=nvme\n' \
		>/run/udev/data/+pci:0000:01:00.0
}

# The environment udev gives RUN programs for an event of DEVICE (PF: with the properties its
# rules imported, among them the hwdb's).
vf_event() { echo "SEQNUM=1 ACTION=change SUBSYSTEM=pci DEVPATH=/devices/pci0000:00/$1"; }
pf_event() { echo "SEQNUM=1 ACTION=change SUBSYSTEM=pci DEVPATH=/devices/pci0000:00/$1 VIO_KIND=dev VIO_VF_DRIVER=nvme"; }

# more_policies N: N more files, each for another PF, sorting before and after the one
# that matches, as a fleet's policy directory would.
more_policies() {
	for i in $(seq 1 "$1"); do
		printf 'pf = { name = "%04x:%02x:00.0"; vfs = 4; };\nvf = { driver = "vfio-pci"; };\nvf0 = { mac = "02:00:00:00:%02x:%02x"; };\n' \
			$((i / 256 + 1)) $((i % 256)) $((i / 256)) $((i % 256)) | policy "$(printf '%02d-fleet-%04d.conf' $((i % 100)) "$i")"
	done
	sleep 2
}

: >"$out/results"
count "bare main()" "$out/bare"
count "empty main(), 5 libraries linked" "$out/linked"
count "vio --version" ./vio --version

nvme_bed 3
UNDER=1
count "/bin/true" /bin/true
count "ip link set dev lo up" ip link set dev lo up
count "vio --version" ./vio --version
# The first event after a policy change parses every file and writes the policy cache; the
# rows below are the events after it (warm), as most are.
EVENT=$(vf_event 0000:01:02.0) count "VF event, nothing to change, cache cold" ./vio -P "$POL" vf 0000:01:02.0
EVENT=$(vf_event 0000:01:02.0) count "VF event, nothing to change" ./vio -P "$POL" vf 0000:01:02.0
vf_event=$LAST
count "the same, run by hand (asks the hwdb)" ./vio -P "$POL" vf 0000:01:02.0
EVENT=$(vf_event 0000:01:02.1) count "VF event that binds" ./vio -P "$POL" vf 0000:01:02.1
# A driver not loaded yet: this event dlopen()s libkmod (which finds no module on this host).
printf 'pf = { name = "01:00.0"; vfs = 3; };\nvf = { driver = "igbvf"; };\n' | policy 50-nvme.conf
EVENT=$(vf_event 0000:01:02.2) count "VF event that loads a module (libkmod)" ./vio -P "$POL" vf 0000:01:02.2
# A stable MAC: dlopen()s libcrypto (the PF has no netdev: vio mac uses the PCI address).
count "vio mac (libcrypto)" ./vio mac 0000:01:00.0 1
tb_cleanup

nvme_bed 256
EVENT=$(pf_event 0000:01:00.0) count "PF event, nothing to change, 256 VFs" ./vio -P "$POL" pf 0000:01:00.0
count "vio check, 256 VFs" ./vio -P "$POL" check
tb_cleanup

nvme_bed 2
more_policies 99
EVENT=$(vf_event 0000:01:02.0) count "VF event, 100 policy files, cache cold" ./vio -P "$POL" vf 0000:01:02.0
EVENT=$(vf_event 0000:01:02.0) count "VF event, nothing to change, 100 policy files" ./vio -P "$POL" vf 0000:01:02.0
more_policies 999
EVENT=$(vf_event 0000:01:02.0) count "VF event, 1000 policy files, cache cold" ./vio -P "$POL" vf 0000:01:02.0
EVENT=$(vf_event 0000:01:02.0) count "VF event, nothing to change, 1000 policy files" ./vio -P "$POL" vf 0000:01:02.0
tb_cleanup

awk -F'\t' '
	{ label[NR] = $1; n[NR] = $2; dl[NR] = $3 }
	$1 == "bare main()" { bare = $2 }
	$1 == "/bin/true" { t = $2 }
	$1 == "ip link set dev lo up" { ip = $2 }
	$1 == "VF event, nothing to change" { one = $2 }
	END {
		printf "%-48s %12s %9s %9s  %s\n", "run", "instructions", "x ip link", "x true", "loaded on demand"
		for (i = 1; i <= NR; i++) {
			if (label[i] == "/bin/true")
				printf "\n(under umockdev and the fault shim, as the fast tier runs vio)\n"
			if (label[i] ~ /^(bare|empty|\/bin\/true)/ || (i <= 3))
				printf "%-48s %12d %9s %9s  %s\n", label[i], n[i], "", "", dl[i]
			else
				printf "%-48s %12d %9.2f %9.2f  %s\n", label[i], n[i], n[i] / ip, n[i] / t, dl[i]
		}
		printf "\n"
		for (i = 1; i <= NR; i++)
			if (label[i] ~ /nothing to change, [0-9]+ policy files$/)
				printf "%s: %.2fx the one-file event\n", label[i], n[i] / one
	}' "$out/results" | tee "$out/table"

if [ "$profile" = --profile ]; then
	echo
	echo "--- where the VF event's instructions go (callgrind_annotate, inclusive, vio's functions)"
	callgrind_annotate --inclusive=yes "$vf_event" 2>/dev/null |
		grep -E 'PROGRAM TOTALS|helper/[a-z]+/[a-z_]+\.c:[a-z_]+ \[' | head -25
fi
