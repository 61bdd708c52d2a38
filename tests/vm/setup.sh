#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Prepare the real-kernel lab: Debian's kernel (extracted, not installed), QEMU,
# udev and netdevsim.ko built out of tree from linux-source (Debian's kernel does
# not enable CONFIG_NETDEVSIM).  Everything comes from Debian packages and is cached
# in $VIO_LAB_CACHE, so a second run only checks what is already there.
#
# usage: tests/vm/setup.sh        (root; idempotent)
set -euo pipefail

CACHE=${VIO_LAB_CACHE:-/var/cache/vio-lab}
mkdir -p "$CACHE"/{debs,src,build}
log=$CACHE/setup.log

note() { printf 'vm-setup: %s\n' "$*"; }

apt_install() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	note "installing ${missing[*]}"
	if [ ! -e "$CACHE/.apt-updated" ] || [ -n "${CI:-}" ]; then
		apt-get update -q >>"$log" 2>&1
		touch "$CACHE/.apt-updated"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
		--no-install-recommends "${missing[@]}" >>"$log" 2>&1 ||
		{ tail -20 "$log"; exit 1; }
}

# The kernel the guest boots: whatever Debian's linux-image-amd64 points at today.
apt_install apt-utils
if [ ! -s "$CACHE/kv.env" ]; then
	apt-get update -q >>"$log" 2>&1 || true
	imgpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	[ -n "$imgpkg" ] || { echo "vm-setup: cannot resolve linux-image-amd64" >&2; exit 1; }
	echo "KV=${imgpkg#linux-image-}" >"$CACHE/kv.env"
fi
# shellcheck source=/dev/null
. "$CACHE/kv.env"
imgpkg=linux-image-$KV
srcpkg=linux-source-${KV%%.0-*}

apt_install qemu-system-x86 busybox-static cpio kmod udev iproute2 nvme-cli dracut-core \
	initramfs-tools-core gcc make xz-utils socat jq mmdebstrap "linux-headers-$KV"

cd "$CACHE/debs"
ls "${imgpkg}"_*.deb >/dev/null 2>&1 || apt-get download "$imgpkg" >>"$log" 2>&1
ver=$(dpkg-deb -f "${imgpkg}"_*.deb Version)
ls "${srcpkg}"_*.deb >/dev/null 2>&1 ||
	apt-get download "$srcpkg=$ver" >>"$log" 2>&1 || apt-get download "$srcpkg" >>"$log" 2>&1

kroot=$CACHE/kernel
if [ ! -e "$kroot/boot/vmlinuz-$KV" ]; then
	note "extracting $imgpkg"
	rm -rf "$kroot"
	dpkg -x "${imgpkg}"_*.deb "$kroot"
fi
# The package ships no modules.dep; depmod builds it for the extracted tree.
[ -e "$kroot/lib/modules/$KV/modules.dep" ] || depmod -b "$kroot" "$KV"

ko=$CACHE/build/netdevsim.ko
if [ ! -e "$ko" ]; then
	note "building netdevsim.ko from $srcpkg"
	sdir=$CACHE/src/$srcpkg/drivers/net/netdevsim
	if [ ! -d "$sdir" ]; then
		dpkg-deb --fsys-tarfile "${srcpkg}"_*.deb | tar -xO "./usr/src/$srcpkg.tar.xz" | xz -dc |
			tar -x -C "$CACHE/src" --wildcards "$srcpkg/drivers/net/netdevsim/*"
	fi
	rm -rf "$CACHE/build/netdevsim-src"
	cp -a "$sdir" "$CACHE/build/netdevsim-src"
	make -C "/lib/modules/$KV/build" M="$CACHE/build/netdevsim-src" CONFIG_NETDEVSIM=m modules \
		>>"$log" 2>&1 || { tail -20 "$log"; exit 1; }
	strip --strip-debug -o "$ko.tmp" "$CACHE/build/netdevsim-src/netdevsim.ko"
	mv "$ko.tmp" "$ko"
fi

# QEMU 8 or later for the igb NIC (82576, SR-IOV with igbvf VFs): Debian 12 has 7.2. Debian
# 13's QEMU, from Debian's registry into a directory of its own, runs through its own loader;
# nothing of the host is replaced. tests/vm/qemu10 is the command.
q10=$CACHE/qemu10
if [ ! -x "$q10/usr/bin/qemu-system-x86_64" ]; then
	note "fetching Debian 13's QEMU (for the igb NIC)"
	rm -rf "$q10.tmp"
	mmdebstrap --variant=essential --include=qemu-system-x86 trixie "$q10.tmp" >>"$log" 2>&1 ||
		{ tail -20 "$log"; exit 1; }
	rm -rf "$q10" && mv "$q10.tmp" "$q10"
fi

note "ready: kernel $KV, netdevsim $(modinfo -F vermagic "$ko" | cut -d' ' -f1), cache $CACHE"
