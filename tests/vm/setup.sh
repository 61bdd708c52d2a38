#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Prepare the real-kernel lab: Debian's kernel (extracted, not installed), QEMU,
# udev and netdevsim.ko built out of tree from linux-source (Debian's kernel does
# not enable CONFIG_NETDEVSIM).  Everything comes from Debian packages and is cached
# in $VIO_LAB_CACHE, so a second run only checks what is already there.
#
# usage: tests/vm/setup.sh        (root; idempotent)
#        VIO_LAB_KERNEL=6.12 tests/vm/setup.sh: also Debian 13's kernel (see below)
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

apt_install qemu-system-x86 busybox-static cpio kmod udev iproute2 ethtool nvme-cli dracut-core \
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

# Debian 13's kernel (6.12), beside Debian 12's, in $CACHE/k6.12 (kv.env, kernel/,
# netdevsim.ko). Debian 12's apt cannot install 6.12's headers (they need trixie's compiler):
# netdevsim is built in a trixie chroot made from Debian's registry, which also downloads
# the image and the source. The guest's userland stays the host's (Debian 12).
[ "${VIO_LAB_KERNEL:-}" = 6.12 ] || exit 0
tb=$CACHE/trixie-build k12=$CACHE/k6.12
if [ ! -x "$tb/usr/bin/gcc" ]; then
	note "making a Debian 13 build root (kernel headers, gcc) for netdevsim on 6.12"
	# The host's own mirrors (its apt sources), with trixie's updates and security suites.
	mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
	secmirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep security | head -1)
	rm -rf "$tb.tmp"
	mmdebstrap --variant=apt --include=linux-headers-amd64,gcc,make,xz-utils,kmod,libc6-dev trixie "$tb.tmp" \
		${mirror:+"deb $mirror trixie main"} ${mirror:+"deb $mirror trixie-updates main"} \
		${secmirror:+"deb $secmirror trixie-security main"} >>"$log" 2>&1 || { tail -20 "$log"; exit 1; }
	rm -rf "$tb" && mv "$tb.tmp" "$tb"
fi
KV12=$(find "$tb/usr/src" -maxdepth 1 -name 'linux-headers-*-amd64' -printf '%f\n' | sed 's/^linux-headers-//' | head -1)
[ -n "$KV12" ] || { echo "vm-setup: no 6.12 headers in $tb" >&2; exit 1; }
mkdir -p "$k12"
echo "KV=$KV12" >"$k12/kv.env"
# shellcheck disable=SC2016 # dpkg-query's own format
ver12=$(chroot "$tb" dpkg-query -W -f '${Version}' "linux-headers-$KV12")
if ! ls "$k12/linux-image-$KV12"_*.deb >/dev/null 2>&1 || ! ls "$k12"/linux-source-6.12_*.deb >/dev/null 2>&1; then
	note "downloading linux-image-$KV12 and linux-source-6.12 $ver12"
	chroot "$tb" sh -c "apt-get update -q && mkdir -p /dl && cd /dl && apt-get download linux-image-$KV12 linux-source-6.12=$ver12" >>"$log" 2>&1 ||
		{ tail -20 "$log"; exit 1; }
	mv "$tb"/dl/*.deb "$k12/"
fi
if [ ! -e "$k12/kernel/boot/vmlinuz-$KV12" ]; then
	note "extracting linux-image-$KV12"
	rm -rf "$k12/kernel"
	dpkg -x "$k12/linux-image-$KV12"_*.deb "$k12/kernel"
	# Merged /usr: the modules are under usr/lib/modules; depmod and the lab look in lib/.
	[ -e "$k12/kernel/lib" ] || ln -s usr/lib "$k12/kernel/lib"
fi
[ -e "$k12/kernel/lib/modules/$KV12/modules.dep" ] || depmod -b "$k12/kernel" "$KV12"
if [ ! -e "$k12/netdevsim.ko" ]; then
	note "building netdevsim.ko for $KV12 (in the Debian 13 build root)"
	rm -rf "$tb/build" && mkdir -p "$tb/build"
	dpkg-deb --fsys-tarfile "$k12"/linux-source-6.12_*.deb | tar -xO ./usr/src/linux-source-6.12.tar.xz | xz -dc |
		tar -x -C "$tb/build" --wildcards 'linux-source-6.12/drivers/net/netdevsim/*'
	chroot "$tb" make -C "/usr/src/linux-headers-$KV12" M=/build/linux-source-6.12/drivers/net/netdevsim \
		CONFIG_NETDEVSIM=m modules >>"$log" 2>&1 || { tail -20 "$log"; exit 1; }
	strip --strip-debug -o "$k12/netdevsim.ko" "$tb/build/linux-source-6.12/drivers/net/netdevsim/netdevsim.ko"
fi
note "ready: kernel $KV12, netdevsim $(modinfo -F vermagic "$k12/netdevsim.ko" | cut -d' ' -f1), cache $k12"
