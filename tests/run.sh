#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make check: unit tests, the real vio under umockdev (tests/sysfs), and the linters for the
# files that are not C. Ends with "N passed, M failed"; exit 1 when anything failed.
# usage: tests/run.sh UNIT_TEST_BINARY...      (VALGRIND="valgrind ..." runs vio under it)
set -u
cd "$(dirname "$0")/.." || exit 1
passed=0 failed=0 skipped=0
log=$(mktemp -d "${TMPDIR:-/tmp}/vio-check.XXXXXX")
trap 'rm -rf "$log"' EXIT

# count NAME FILE: add up a test's "N passed, M failed" line.
count() {
	local line p f
	line=$(grep -E '^#? ?[0-9]+ passed, [0-9]+ failed' "$2" | tail -1)
	p=$(echo "$line" | sed -E 's/^#? ?([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	[ -n "$line" ] || { p=0 f=1; }
	passed=$((passed + p)) failed=$((failed + f))
	printf '%-36s %s\n' "$1" "${line#\# }"
}

run() { # NAME CMD...: a test program; exit 77 is "skipped"
	local name=$1 rc=0
	shift
	"$@" >"$log/out" 2>&1 || rc=$?
	if [ $rc = 77 ]; then
		skipped=$((skipped + 1))
		printf '%-36s skipped: %s\n' "$name" "$(tail -1 "$log/out")"
		return
	fi
	count "$name" "$log/out"
	if [ $rc != 0 ]; then
		grep -vE '^ok ' "$log/out" | head -40 | sed 's/^/    /'
		grep -qE ' [1-9][0-9]* failed' "$log/out" || failed=$((failed + 1))
	fi
}

# lint_with TOOL NAME CMD...: lint NAME when TOOL is installed, else count it as skipped.
lint_with() {
	local tool=$1 name=$2
	shift 2
	if command -v "$tool" >/dev/null; then
		lint "$name" "$@"
	else
		skipped=$((skipped + 1))
		printf '%-36s skipped: no %s\n' "$name" "$tool"
	fi
}

# lint NAME CMD...: one check that passes when CMD does.
lint() {
	local name=$1
	shift
	if "$@" >"$log/out" 2>&1; then
		passed=$((passed + 1))
		printf '%-36s ok\n' "$name"
	else
		failed=$((failed + 1))
		printf '%-36s FAILED\n' "$name"
		head -20 "$log/out" | sed 's/^/    /'
	fi
}

for t in "$@"; do run "${t#tests/}" "$t"; done
run sysfs/cases.sh bash tests/sysfs/cases.sh # the cases that are data, in parallel
for t in tests/sysfs/test-*.sh; do run "${t#tests/}" bash "$t"; done

# udevadm verify arrived in systemd 253; before it, udevadm test parses every rules file
# and names each bad line. Ours goes into a private tmpfs over /run/udev/rules.d.
rules_lint() {
	local out
	out=$(sed 's|@SBINDIR@|/usr/sbin|' rules/60-vio.rules | unshare -m sh -c '
		mkdir -p /run/udev/rules.d && mount -t tmpfs tmpfs /run/udev/rules.d &&
		cat > /run/udev/rules.d/60-vio.rules &&
		udevadm test --action=add /sys/class/net/lo 2>&1') || return 1
	echo "$out" | grep -q 'Reading rules file: .*60-vio.rules' || { echo "$out" | tail; return 1; }
	! echo "$out" | grep -E '60-vio\.rules:[0-9]+'
}
if command -v udevadm >/dev/null && udevadm verify --help >/dev/null 2>&1; then
	lint "lint: udevadm verify" udevadm verify --resolve-names=never --no-style rules/60-vio.rules
elif command -v udevadm >/dev/null && command -v unshare >/dev/null && [ "$(id -u)" = 0 ]; then
	lint "lint: rules (udevadm test)" rules_lint
else
	skipped=$((skipped + 1))
	echo "lint: rules                          skipped: needs udevadm and root"
fi

hwdb_lint() {
	local root
	root=$(mktemp -d)
	mkdir -p "$root/etc/udev/hwdb.d"
	cp hwdb/60-vio.hwdb "$root/etc/udev/hwdb.d/"
	systemd-hwdb --strict --root="$root" update &&
		systemd-hwdb --root="$root" query 'pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02' |
		grep -qx 'VIO_VF_DRIVER=nvme' &&
		[ "$(grep -c '^pci:' hwdb/60-vio.hwdb)" -ge 25 ] &&
		# every entry says where its IDs come from, in the comment line above it
		awk '/^pci:/ && prev !~ /^#/ { print FILENAME ":" NR ": no source comment"; bad = 1 }
			{ prev = $0 } END { exit bad }' hwdb/60-vio.hwdb
	local rc=$?
	rm -rf "$root"
	return $rc
}
lint_with systemd-hwdb "lint: hwdb (systemd-hwdb --strict)" hwdb_lint

units_lint() {
	local d
	d=$(mktemp -d)
	cp systemd/vio-apply.path contrib/prometheus/vio-metrics.timer "$d/"
	for u in vio-apply.service vio-settle.service; do
		sed 's|@SBINDIR@|'"$PWD"'|' "systemd/$u" >"$d/$u"
	done
	sed 's|/usr/sbin/vio|'"$PWD"'/vio|' contrib/prometheus/vio-metrics.service >"$d/vio-metrics.service"
	# systemd-analyze verify checks the units and that ExecStart= exists (the built vio).
	SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$d/vio-apply.path" "$d/vio-apply.service" \
		"$d/vio-settle.service" "$d/vio-metrics.service" "$d/vio-metrics.timer"
	local rc=$?
	rm -rf "$d"
	return $rc
}
lint_with systemd-analyze "lint: systemd units" units_lint

lint "lint: %m only with an errno" python3 tests/lint-log.py helper/*/*.c
lint "lint: layers (no circles, only downward, files <= 600 lines)" python3 tests/layers.py helper

lint_with clang-format "lint: clang-format" clang-format --dry-run --Werror --style=file \
	helper/*/*.[ch] tests/unit/*.[ch]

lint_with shellcheck "lint: shellcheck" shellcheck -x -e SC1091 tests/*.sh tests/sysfs/*.sh \
	tests/vm/*.sh tests/vm/guest/*.sh tests/vm/initrd/lib/dracut/hooks/*/*.sh \
	dracut/90vio/*.sh contrib/initramfs-tools/hooks/vio tests/vm/itools/hooks/violab \
	tests/vm/itools/scripts/violab .ci/run

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
