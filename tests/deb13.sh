#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package on Debian 13 (trixie): tests/deb.sh run inside a Debian 13 root made from
# Debian's registry with mmdebstrap (its debhelper, lintian, udev and systemd 257, merged
# /usr), cached beside the lab's in $VIO_LAB_CACHE/trixie-deb. Builds from the committed tree
# (a clone of HEAD), lints, installs, runs vio check, purges. As root.
# usage: tests/deb13.sh
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VIO_LAB_CACHE:-/var/cache/vio-lab}
root=$CACHE/trixie-deb
log=$CACHE/trixie-deb.log
mkdir -p "$CACHE"

if [ ! -x "$root/usr/bin/lintian" ]; then
	echo "deb13: making a Debian 13 root (debhelper, lintian, vio's build dependencies)"
	command -v mmdebstrap >/dev/null || apt-get install -y -q --no-install-recommends mmdebstrap >/dev/null
	# The host's own mirrors (its apt sources), with trixie's updates and security suites.
	mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
	secmirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep security | head -1)
	rm -rf "$root.tmp"
	mmdebstrap --variant=apt \
		--include=debhelper,dpkg-dev,lintian,git,pkg-config,build-essential,libudev-dev,libkmod-dev,libnl-3-dev,libnl-route-3-dev,libnl-genl-3-dev,libconfig-dev,libssl-dev,systemd-dev,udev,systemd,kmod,openssl \
		trixie "$root.tmp" ${mirror:+"deb $mirror trixie main"} ${mirror:+"deb $mirror trixie-updates main"} \
		${secmirror:+"deb $secmirror trixie-security main"} >"$log" 2>&1 || { tail -20 "$log"; exit 1; }
	rm -rf "$root" && mv "$root.tmp" "$root"
fi

rm -rf "$root/build" && mkdir -p "$root/build"
git clone -q "$TOP" "$root/build/vio"
# shellcheck disable=SC2016 # expanded by the inner shell
ROOT=$root unshare -m bash -euc '
	mount --make-rprivate /
	for d in proc sys dev; do mount --rbind "/$d" "$ROOT/$d"; done
	cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
	chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		bash /build/vio/tests/deb.sh /build/out install'
echo "deb13: the package on Debian 13: built, lintian-clean, installed, checked, purged"
