#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package: built from a clean copy of the tree (dpkg-buildpackage -us -uc -b),
# checked with lintian, and with "install" (root) installed with apt-get, run, and purged,
# proving purge leaves no vio file but the admin's /etc/vio.d content.
# usage: tests/deb.sh OUTDIR [install]
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(mkdir -p "$1" && cd "$1" && pwd)
build=$OUT/build

bash "$TOP/tests/deps.sh" build deb
rm -rf "$build"
mkdir -p "$build/vio"
# Tracked files only: what a clean clone has.
git -C "$TOP" ls-files -z | (cd "$TOP" && xargs -0 cp --parents -t "$build/vio")
(cd "$build/vio" && dpkg-buildpackage -us -uc -b >"$build/build.log" 2>&1) ||
	{ tail -30 "$build/build.log"; echo "deb: dpkg-buildpackage failed" >&2; exit 1; }
deb=$(ls "$build"/vio_*.deb)
cp "$deb" "$OUT/"
deb=$OUT/$(basename "$deb")
echo "deb: built $(basename "$deb") ($(stat -c %s "$deb") bytes)"
lintian --fail-on error --suppress-tags-from-file /dev/null "$deb" | sed 's/^/  lintian: /' || {
	echo "deb: lintian reports errors" >&2
	exit 1
}
echo "deb: lintian: no errors"
[ "${2:-}" = install ] || exit 0

fail() { echo "deb: $*" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 install -y -q "$deb" >"$build/install.log" 2>&1 ||
	{ tail -20 "$build/install.log"; fail "apt-get install failed"; }
files=$(dpkg -L vio)
v=$(vio --version) || fail "vio --version failed"
echo "deb: installed; $v"
# Where this suite's udev and systemd keep theirs (/lib on Debian 12, /usr/lib on 13).
udevdir=$(pkg-config --variable=udevdir udev)
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd)
for f in /usr/sbin/vio "$udevdir/rules.d/60-vio.rules" "$udevdir/hwdb.d/60-vio.hwdb" \
	/usr/share/initramfs-tools/hooks/vio /usr/lib/dracut/modules.d/90vio/module-setup.sh \
	/usr/share/man/man8/vio.8.gz "$unitdir/vio-apply.path"; do
	[ -e "$f" ] || fail "not installed: $f"
done
grep -q 'SBINDIR\|@' "$udevdir/rules.d/60-vio.rules" && fail "rules not substituted"
# The installed units, by this suite's systemd (252 on Debian 12, 257 on 13).
if command -v systemd-analyze >/dev/null; then
	# The template as one of its instances, %I filled in (verify takes plain unit files).
	inst=$(mktemp -d)
	sed 's/%I/0000:01:00.0/g' "$unitdir/vio-pf@.service" >"$inst/vio-pf-0000-01-00.0.service"
	SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$unitdir/vio-apply.path" \
		"$unitdir/vio-apply.service" "$unitdir/vio-settle.service" \
		"$inst/vio-pf-0000-01-00.0.service" || fail "systemd-analyze verify: the units"
	rm -rf "$inst"
	echo "deb: units verified by $(systemd-analyze --version | head -1)"
fi
systemd-hwdb query 'pci:v00001B36d00000010' 2>/dev/null | grep -q VIO_NVME_VIRT=1 ||
	echo "deb: note: hwdb not queried (udev's trigger runs systemd-hwdb update where systemd runs)"
# The installed files against an installed policy (no SR-IOV PF here: the policy is checked).
printf 'pf = { id = "8086:1572"; vfs = 2; };\n' >/etc/vio.d/50-admin.conf
vio check || fail "vio check failed on the installed files"
apt-get -o DPkg::Lock::Timeout=600 purge -y -q vio >"$build/purge.log" 2>&1 || fail "apt-get purge failed"
# Directories are shared (/lib is a link to usr/lib on merged-/usr systems): files only.
left=$(for f in $files; do
	[ -d "$f" ] && continue
	if [ -e "$f" ] || [ -L "$f" ]; then echo "$f"; fi
done | grep -v '^/etc/vio.d' || true)
[ -z "$left" ] || fail "purge left: $left"
[ -e /etc/vio.d/50-admin.conf ] || fail "purge removed the admin's policy"
rm -f /etc/vio.d/50-admin.conf
rmdir /etc/vio.d 2>/dev/null || true
echo "deb: purged: no vio file left but the admin's /etc/vio.d/50-admin.conf"
