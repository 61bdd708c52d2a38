#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The policy cache of events ($VIO_RUNTIME_DIR/policy-cache.*): what it knows is not parsed
# again, and it never makes an event use a file as it was rather than as it is.
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0

setup() {
	tb_new
	tb_pf $PF 1b36 0010 0x010802 8 nvme 0 1
	for i in 1 2 3; do
		printf 'pf = { name = "0000:0%d:00.0"; vfs = 4; };\n' $((i + 1)) | policy "${i}0-other.conf"
	done
	printf 'pf = { name = "01:00.0"; vfs = 2; };\n' | policy 50-nvme.conf
}
cache() { cat "$TB"/run/policy-cache.* 2>/dev/null; }

# --- the first event writes it: one line per file, with the match key
setup
run_vio -P "$POL" pf $PF
expect_rc "first event" 0
expect_attr "first event" $PF sriov_numvfs 2
if [ "$(cache | grep -c ' 0000:0[1-4]:00.0$')" = 4 ]; then pass "cache: 4 files, their match keys"; else fail "cache: 4 files, their match keys" "$(cache)"; fi

# --- a file edited in place (same size) is read as it is now
sleep 0.01
printf 'pf = { name = "01:00.0"; vfs = 3; };\n' >"$POL/50-nvme.conf"
run_vio -P "$POL" pf $PF
expect_rc "edited in place" 0
expect_err "edited in place" "sriov_numvfs 2 -> 0"
expect_attr "edited in place" $PF sriov_numvfs 3
# ... and a file that now names this PF, sorting first, takes over with the warning
printf 'pf = { name = "01:00.0"; vfs = 4; };\n' >"$POL/10-other.conf"
run_vio -P "$POL" pf $PF
expect_err "two match" "0000:01:00.0: $POL/50-nvme.conf also matches, but $POL/10-other.conf comes first and applies"
expect_attr "two match" $PF sriov_numvfs 4
tb_cleanup

# --- a broken file before the match still stops the event, whatever the cache says
setup
run_vio -P "$POL" pf $PF
printf 'pf = { name "01:00.0"; };\n' | policy 05-broken.conf
before=$(snapshot)
run_vio -P "$POL" pf $PF
expect_rc "broken first" 2
expect_err "broken first" "$POL/05-broken.conf:1: syntax error"
expect_unchanged "broken first" "$before"
# ... and a file with errors that matches says them (from the cache it is read again)
rm "$POL/05-broken.conf"
printf 'pf = { name = "01:00.0"; vfs = 2; autoprobe = 1; };\n' | policy 50-nvme.conf
run_vio -P "$POL" pf $PF
run_vio -P "$POL" pf $PF
expect_rc "errors, second event" 2
expect_err "errors, second event" "$POL/50-nvme.conf:1: 'autoprobe' must be true or false, not an integer"
tb_cleanup

# --- a cache that is not vio's own (writable by others) is not believed. The control: the same
# change to vio's own is (the policy files are untouched), which shows the test can fail.
for mode in 0644 0666; do
	setup
	sleep 2 # files changed in the last second are never taken from the cache (below)
	run_vio -P "$POL" pf $PF
	echo 0 >"$(devdir $PF)/sriov_numvfs"
	c=$(ls "$TB"/run/policy-cache.*)
	sed -i 's/ 0000:01:00.0$/ 0000:09:00.0/' "$c"
	chmod $mode "$c"
	run_vio -P "$POL" pf $PF
	if [ $mode = 0644 ]; then
		expect_attr "vio's own cache is believed" $PF sriov_numvfs 0
	else
		expect_attr "a cache writable by others is not" $PF sriov_numvfs 2
	fi
	tb_cleanup
done

# --- a file changed in the last second is parsed again, whatever its identity: the kernel stamps
# ctime from a clock that ticks each jiffy (or each second, on some file systems), so a second
# same-size write within one tick leaves device, inode, size, mtime and ctime as they were.
setup
run_vio -P "$POL" pf $PF
if cache | grep -q "50-nvme.conf 0000000000000000 "; then
	pass "fresh file: cached as racy"
else
	fail "fresh file: cached as racy" "$(cache)"
fi
echo 0 >"$(devdir $PF)/sriov_numvfs"
c=$(ls "$TB"/run/policy-cache.*)
sed -i 's/ 0000:01:00.0$/ 0000:09:00.0/' "$c" # what the cache says is not believed
run_vio -P "$POL" pf $PF
expect_attr "fresh file: parsed again" $PF sriov_numvfs 2
sleep 2
run_vio -P "$POL" pf $PF
if cache | grep "50-nvme.conf" | grep -qv " 0000000000000000 "; then
	pass "a second later: cached by its identity"
else
	fail "a second later: cached by its identity" "$(cache)"
fi
tb_cleanup

finish
