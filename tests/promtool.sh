#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# promtool from Debian's prometheus package, unpacked (not installed: no service, no user)
# into the lab's cache; prints the directory to put in PATH. Used by CI for test-fleet.sh.
set -euo pipefail
CACHE=${VIO_LAB_CACHE:-/var/cache/vio-lab}/promtool
if ! [ -x "$CACHE/usr/bin/promtool" ]; then
	mkdir -p "$CACHE"
	(cd "$CACHE" && apt-get download prometheus >/dev/null 2>&1 && dpkg -x prometheus_*.deb . &&
		rm -f prometheus_*.deb usr/bin/prometheus) || {
		echo "promtool: cannot fetch Debian's prometheus package" >&2
		exit 1
	}
fi
echo "$CACHE/usr/bin"
