#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The runtime directory against a second local user: only root may hold a PF's lock (so only
# root can make root's runs wait), nothing under it is writable by others whatever the umask,
# a user's vio list still works (without the lock), the wait names the real holder, and a
# relative VIO_RUNTIME_DIR is refused.
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

setup() {
	tb_new
	tb_pf $PF 1b36 0010 0x010802 8 nvme 0 0
	policy 50-nvme.conf <<-'EOF'
	pf = { name = "01:00.0"; vfs = 2; };
	EOF
}

mode_of() { stat -c %a "$1"; }

# --- root's run, under umask 000: locks 0700/0600, status and cache 0644, directories 0755
setup
RC=0
(umask 000 && run_vio -P "$POL" pf $PF && exit "$RC") || RC=$?
expect_rc "umask 000" 0
for f in run:755 run/lock:700 "run/lock/$PF:600" run/status:755 "run/status/$PF:644"; do
	p=${f%:*} m=${f##*:}
	if [ "$(mode_of "$TB/$p")" = "$m" ]; then pass "umask 000: $p is $m"; else fail "umask 000: $p is $m" "got $(mode_of "$TB/$p")"; fi
done
bad=$(find "$TB/run" -perm /022 -printf '%p %m\n')
if [ -z "$bad" ]; then pass "umask 000: nothing under the runtime directory writable by group or others"; else fail "umask 000: nothing under the runtime directory writable by group or others" "$bad"; fi
tb_cleanup

# --- what an older vio left (0755 lock directory, 0644 lock files) is tightened
setup
mkdir -p "$TB/run/lock"
chmod 0755 "$TB/run/lock"
: >"$TB/run/lock/$PF"
chmod 0644 "$TB/run/lock/$PF"
run_vio -P "$POL" pf $PF
expect_rc "old modes" 0
if [ "$(mode_of "$TB/run/lock")" = 700 ] && [ "$(mode_of "$TB/run/lock/$PF")" = 600 ]; then
	pass "old modes: tightened to 0700 and 0600"
else
	fail "old modes: tightened to 0700 and 0600" "$(mode_of "$TB/run/lock") $(mode_of "$TB/run/lock/$PF")"
fi
tb_cleanup

# --- a user can neither hold a PF's lock nor so stall root's runs; the user's reads work
setup
run_vio -P "$POL" pf $PF
cp "$VIO" "$TB/vio-copy"
chmod 0755 "$TB" "$TB/vio-copy"
chmod 0755 "$POL"
if $NOBODY flock -n "$TB/run/lock/$PF" true 2>/dev/null; then
	fail "user: cannot open the PF's lock"
else
	pass "user: cannot open the PF's lock"
fi
if $NOBODY flock -n "$TB/run/lock/$PF.sweep" true 2>/dev/null; then
	fail "user: cannot open the PF's sweep lock"
else
	pass "user: cannot open the PF's sweep lock"
fi
if $NOBODY touch "$TB/run/status/$PF" 2>/dev/null; then fail "user: cannot forge the status"; else pass "user: cannot forge the status"; fi
VIO=$TB/vio-copy AS_USER=$NOBODY run_vio -P "$POL" list
expect_rc "user: vio list" 0
if grep -q "^$PF" "$OUT"; then pass "user: vio list shows the PF"; else fail "user: vio list shows the PF"; fi
VIO=$TB/vio-copy AS_USER=$NOBODY run_vio status
expect_rc "user: vio status" 0
tb_cleanup

# --- the wait names the process that holds the lock (from /proc/locks), not a stale pid
setup
mkdir -p "$TB/run/lock"
echo 1 >"$TB/run/lock/$PF" # what an older vio wrote: a pid that is not the holder
hold_lock $PF
start_vio -P "$POL" pf $PF
until_err "waiting up to"
drop_lock
end_vio
expect_rc "holder" 0
expect_err "holder" "$PF: another vio run (pid $HOLDER_PID) is handling this PF, waiting up to 150 s"
tb_cleanup

# --- a relative VIO_RUNTIME_DIR names a different directory from each working directory
setup
before=$(snapshot)
RC=0
UMOCKDEV_DIR=$TB LD_PRELOAD="$ASAN_PRELOAD$FAULT_SO:$PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}" \
	VIO_LOG_TARGET=stderr VIO_RUNTIME_DIR=run "$VIO" -P "$POL" pf $PF >"$OUT" 2>"$ERR" || RC=$?
expect_rc "relative runtime dir" 1
expect_err "relative runtime dir" "VIO_RUNTIME_DIR=run: not an absolute path"
expect_unchanged "relative runtime dir" "$before"
tb_cleanup

finish
