#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian packages vio needs, by purpose; the one list the Makefile and .ci/run use.
# Installs what is missing when run as root; otherwise says what to install and fails.
# usage: tests/deps.sh [--report] build|check|ci...   (--report: never install, only say)
set -euo pipefail
report=
if [ "${1:-}" = --report ]; then
	report=1
	shift
fi

build=(build-essential pkg-config libudev-dev libkmod-dev libnl-3-dev libnl-route-3-dev libnl-genl-3-dev
	libconfig-dev libssl-dev)
check=(umockdev openssl udev systemd util-linux shellcheck clang-format python3)
ci=(clang valgrind git ca-certificates kmod)
deb=(debhelper dpkg-dev lintian git)
ansible=(ansible-core)

want=()
for group in "$@"; do
	case $group in
	build) want+=("${build[@]}") ;;
	check) want+=("${check[@]}") ;;
	ci) want+=("${ci[@]}") ;;
	deb) want+=("${deb[@]}") ;;
	ansible) want+=("${ansible[@]}") ;;
	*)
		echo "deps: unknown group '$group'" >&2
		exit 2
		;;
	esac
done

# Not Debian: nothing to check here; the build says what is missing.
command -v dpkg-query >/dev/null || exit 0

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ -n "$report" ] || [ "$(id -u)" != 0 ]; then
	echo "deps: missing: ${missing[*]}" >&2
	echo "deps: as root: apt-get install ${missing[*]} (make check and make demo install them)" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >/dev/null
