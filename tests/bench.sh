#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench: what one udev event costs vio, in instructions (callgrind counts instructions,
# not seconds, so the numbers repeat whatever else the machine does), against baselines
# measured in the same run: a bare main(), and an empty main() linked against all five
# libraries vio uses (what vio would cost at start-up without dlopen()).
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/sysfs/lib.sh
out=$(mktemp -d "${TMPDIR:-/tmp}/vio-bench.XXXXXX")
trap 'rm -rf "$out"; tb_cleanup' EXIT

printf 'int main(void) { return 0; }\n' >"$out/empty.c"
cc -O2 -o "$out/bare" "$out/empty.c"
# shellcheck disable=SC2046 # pkg-config prints several flags
cc -O2 -o "$out/linked" "$out/empty.c" -Wl,--no-as-needed \
	$(pkg-config --libs libudev libkmod libnl-route-3.0 libnl-3.0 libconfig libcrypto)

# count LABEL CMD...: instructions of one run; with $UNDER set, under umockdev's preload
# (which costs instructions too: a umockdev baseline is measured as well).
count() {
	local label=$1 f n
	shift
	f=$out/cg.$RANDOM
	if [ -n "${UNDER:-}" ]; then
		UMOCKDEV_DIR=$TB LD_PRELOAD=$PRELOAD VIO_LOG_TARGET=stderr \
			valgrind --tool=callgrind --callgrind-out-file="$f" "$@" >/dev/null 2>"$f.err" || true
	else
		valgrind --tool=callgrind --callgrind-out-file="$f" "$@" >/dev/null 2>"$f.err" || true
	fi
	n=$(awk '/^summary:|^totals:/ {print $2; exit}' "$f" 2>/dev/null)
	[ -n "$n" ] || { cat "$f.err"; exit 1; }
	# Which libraries loaded on demand the run pulled in (callgrind names every object).
	libs=$(grep -oE 'ob=\([0-9]+\) [^ ]*lib(kmod|crypto)[^ ]*' "$f" | sed -E 's/.*\/(lib[a-z]+).*/\1/' | sort -u | tr '\n' ' ' || true)
	printf '%s\t%s\t%s\n' "$label" "$n" "${libs:--}" >>"$out/results"
}

: >"$out/results"
count "bare main()" "$out/bare"
count "empty main(), 5 libraries linked" "$out/linked"
count "vio --version" ./vio --version

# Fake sysfs: QEMU's NVMe PF with two VFs, a policy; events as udev runs them.
tb_new
tb_driver pci-stub
tb_pf 0000:01:00.0 1b36 0010 0x010802 4 nvme 2 0
VF_DEVICE=0010 tb_vf 0000:01:00.0 0 0000:01:00.1 pci-stub
VF_DEVICE=0010 tb_vf 0000:01:00.0 1 0000:01:00.2
mkdir -p "$TB/sys/module/pci_stub"
echo live >"$TB/sys/module/pci_stub/initstate"
printf 'pf = { name = "01:00.0"; vfs = 2; };\nvf = { driver = "pci-stub"; };\n' | policy 50-nvme.conf
mkdir -p "$TB/empty"

UNDER=1
count "umockdev: vio --version" ./vio --version
count "umockdev: PF event, no policy matches" ./vio -P "$TB/empty" pf 0000:01:00.0
count "umockdev: PF event, nothing to change" ./vio -P "$POL" pf 0000:01:00.0
count "umockdev: VF event, bound as the policy says" ./vio -P "$POL" vf 0000:01:00.1
# A VF whose native driver must be resolved: this one dlopen()s libkmod.
printf 'pf = { name = "01:00.0"; vfs = 2; };\n' | policy 50-nvme.conf
count "umockdev: VF event, native driver (libkmod)" ./vio -P "$POL" vf 0000:01:00.2
# A stable MAC: dlopen()s libcrypto (the PF has no netdev: vio mac uses the PCI address).
count "umockdev: vio mac (libcrypto)" ./vio mac 0000:01:00.0 1

awk -F'\t' '
	NR == 1 { bare = $2 }
	{ dl[NR] = $3 }
	$1 == "empty main(), 5 libraries linked" { linked = $2 }
	$1 == "umockdev: vio --version" { ubase = $2 }
	{ label[NR] = $1; n[NR] = $2 }
	END {
		printf "%-46s %12s %8s %12s  %s\n", "run", "instructions", "x bare", "net of base", "loaded on demand"
		for (i = 1; i <= NR; i++) {
			net = label[i] ~ /^umockdev:/ ? sprintf("%12.0f", n[i] - ubase + n[3]) : ""
			printf "%-46s %12d %8.1f %12s  %s\n", label[i], n[i], n[i] / bare, net, dl[i]
		}
		printf "\n(net of base: minus the umockdev preload, i.e. umockdev run - umockdev vio --version + vio --version)\n"
		printf "vio --version vs. 5 libraries linked: %.2f\n", n[3] / linked
	}' "$out/results"
