#!/bin/bash
# shellcheck disable=SC2034 # RC is read by lib.sh's expect_rc
# SPDX-License-Identifier: GPL-2.0-or-later
# Interrupted runs: SIGTERM and SIGHUP stop vio apply at a step boundary (the VF in flight
# finished, the next ones left to their udev events, the status says so, the lock released,
# exit 6); SIGPIPE never stops the work; a run killed outright (SIGKILL) leaves a mark that
# the next run on the PF, vio recover (vio-pf@.service) and root's vio wait act on. The
# slow step is a driver_override write that lasts until the test opens its gate (the fault
# shim's "+S" with VIO_FAULT_GATE), or a signal ends it, however slow the machine.
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0

setup() { # NUMVFS_NOW N_VF_DEVICES
	tb_new
	tb_pf $PF 1b36 0010 0x010802 8 nvme "$1" 0
	for i in $(seq 0 $(($2 - 1))); do VF_DEVICE=0010 tb_vf $PF "$i" "0000:01:00.$((i + 1))"; done
	tb_driver pci-stub
	policy 50-nvme.conf <<-'EOF'
	pf = { name = "01:00.0"; vfs = 2; };
	vf = { driver = "pci-stub"; };
	EOF
}

# until FILE holds TEXT (the slow write has been made), at most 10 s
wait_for() {
	for _ in $(seq 1 200); do
		[ "$(cat "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

status_of() { sed -n "s/^$1=//p" "$TB/run/status/$PF"; }

# apply_waiting: vio apply in the background, waiting for the lock hold_lock holds
apply_waiting() {
	start_vio -P "$POL" apply $PF
	until_err "waiting up to"
}

# vf_defers NAME VF: VF's event, run while apply_waiting's run waits, leaves the VF to it
# (its own stderr, so the waiting run's stays in $ERR)
vf_defers() {
	local vio_err=$ERR
	ERR=$TB/err.vf
	run_vio -P "$POL" -v vf "$2"
	expect_err "$1" "is configuring this PF and all its VFs"
	ERR=$vio_err
}

# apply_slow NAME: vio apply in the background, in the middle of vf0's slow driver_override
apply_slow() {
	FAULT="write /driver_override pci-stub +60" start_vio -P "$POL" apply $PF
	wait_for "$(devdir 0000:01:00.1)/driver_override" pci-stub || fail "$1: the slow write began"
}

kill_hard() {
	{
		kill -KILL "$VIO_PID"
		wait "$VIO_PID"
	} 2>/dev/null
}

# lock_free: nobody holds the PF's lock (flock -n takes it at once)
lock_free() { flock -n "$TB/run/lock/$PF" true; }

for sig in TERM HUP INT; do
	setup 2 2
	FAULT="write /driver_override pci-stub +60" start_vio -P "$POL" apply $PF
	wait_for "$(devdir 0000:01:00.1)/driver_override" pci-stub || fail "SIG$sig: the slow write began"
	kill -"$sig" "$VIO_PID"
	RC=0
	wait "$VIO_PID" || RC=$?
	expect_rc "SIG$sig" 6
	expect_err "SIG$sig" "0000:01:00.0: stopped by "
	expect_err "SIG$sig" "before it was done; the VFs not yet configured are left to their udev events"
	# The step in flight (vf0's bind) was finished, not left halfway.
	if [ "$(readlink "$(devdir 0000:01:00.1)/driver")" = ../../../bus/pci/drivers/pci-stub ]; then
		pass "SIG$sig: vf0 bound to pci-stub (its step finished)"
	else
		fail "SIG$sig: vf0 bound to pci-stub (its step finished)" "driver: $(readlink "$(devdir 0000:01:00.1)/driver")"
	fi
	expect_attr "SIG$sig: vf1 untouched" 0000:01:00.2 driver_override "(null)"
	expect_attr "SIG$sig: vf1's event replayed" 0000:01:00.2 uevent change
	if grep -q '^PCI_SLOT_NAME' "$(devdir 0000:01:00.1)/uevent"; then pass "SIG$sig: vf0's event not replayed"; else fail "SIG$sig: vf0's event not replayed"; fi
	if [ "$(status_of result)" = interrupted ] && [ "$(status_of exit)" = 6 ]; then
		pass "SIG$sig: status result=interrupted"
	else
		fail "SIG$sig: status result=interrupted" "$(tr '\n' ' ' <"$TB/run/status/$PF")"
	fi
	if lock_free; then pass "SIG$sig: lock released"; else fail "SIG$sig: lock released"; fi
	tb_cleanup
done

# --- SIGTERM before the PF changed: the count is not changed, every VF's event is replayed
setup 1 2
FAULT="write /driver_override pci-stub +60" start_vio -P "$POL" apply $PF
sleep 0.3
kill -TERM "$VIO_PID"
RC=0
wait "$VIO_PID" || RC=$?
# Either the signal came before the count (kept at 1) or after it (then 2 and vf0 done):
# never a count change with no VF configured at all.
n=$(attr $PF sriov_numvfs)
if [ "$n" = 1 ] || [ "$(attr 0000:01:00.1 driver_override)" = pci-stub ]; then
	pass "SIGTERM early: no count change left without its VFs"
else
	fail "SIGTERM early: no count change left without its VFs" "numvfs $n"
fi
expect_rc "SIGTERM early" 6
tb_cleanup

# --- SIGPIPE: `vio apply 2>&1 | head -c 1` with a count change 2 -> 3: all of it done
setup 2 3
policy 50-nvme.conf <<'EOF'
pf = { name = "01:00.0"; vfs = 3; };
vf = { driver = "pci-stub"; };
EOF
RC=0
# shellcheck disable=SC2016 # expanded by the inner shell
UMOCKDEV_DIR=$TB LD_PRELOAD="$ASAN_PRELOAD$FAULT_SO:$PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}" \
	VIO_FAULT="write /driver_override pci-stub +1;$KERNEL_EMU" VIO_LOG_TARGET=stderr \
	VIO_RUNTIME_DIR="$TB/run" bash -c 'set -o pipefail; "$1" -v -P "$2" apply "$3" 2>&1 | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}" >"$4"' \
	_ "$VIO" "$POL" $PF "$TB/rc"
expect_attr "SIGPIPE: count" $PF sriov_numvfs 3
for i in 1 2 3; do
	if [ "$(readlink "$(devdir 0000:01:00.$i)/driver")" = ../../../bus/pci/drivers/pci-stub ]; then
		pass "SIGPIPE: vf$((i - 1)) bound"
	else
		fail "SIGPIPE: vf$((i - 1)) bound"
	fi
done
if [ "$(cat "$TB/rc")" = 0 ]; then pass "SIGPIPE: vio apply exit 0"; else fail "SIGPIPE: vio apply exit 0" "exit $(cat "$TB/rc")"; fi
if [ "$(status_of result)" = ok ]; then pass "SIGPIPE: status ok"; else fail "SIGPIPE: status ok"; fi
tb_cleanup

# --- SIGKILL: the mark stays; a VF event that deferred to the killed run is not lost
setup 2 2
apply_slow SIGKILL
# vf1's event arrives while the sweep holds the PF: it leaves vf1 to it.
run_vio -P "$POL" -v vf 0000:01:00.2
expect_err "SIGKILL: vf1's event deferred" "is configuring this PF and all its VFs"
kill_hard
if [ "$(status_of result)" = running ]; then pass "SIGKILL: status still says running"; else fail "SIGKILL: status still says running"; fi
# vio-pf@.service's ExecStopPost: every VF's event again.
run_vio -P "$POL" recover $PF
expect_rc "SIGKILL: recover" 0
expect_err "SIGKILL: recover" "0000:01:00.0: the vio run (apply, pid $VIO_PID) that was configuring this PF and its VFs was killed before it finished"
expect_err "SIGKILL: recover" "0000:01:00.0: asked udev to run the events of 2 VFs again"
expect_attr "SIGKILL: vf1's event replayed" 0000:01:00.2 uevent change
if [ "$(status_of result)" = interrupted ]; then pass "SIGKILL: status interrupted"; else fail "SIGKILL: status interrupted"; fi
# udev runs the replayed event: vf1 is configured after all.
run_vio -P "$POL" vf 0000:01:00.2
expect_attr "SIGKILL: vf1 configured by its replayed event" 0000:01:00.2 driver_override pci-stub
# A second recover finds nothing to do.
run_vio -P "$POL" recover $PF
expect_no_err "SIGKILL: recover once" "killed before it finished"
tb_cleanup

# --- SIGKILL, and the next run is a VF event: it configures its VF and replays the others
setup 2 2
apply_slow SIGKILL/vf
kill_hard
run_vio -P "$POL" vf 0000:01:00.2
expect_rc "SIGKILL/vf" 0
expect_err "SIGKILL/vf" "was killed before it finished"
expect_attr "SIGKILL/vf: vf1 configured" 0000:01:00.2 driver_override pci-stub
expect_attr "SIGKILL/vf: vf0's event replayed" 0000:01:00.1 uevent change
tb_cleanup

# --- SIGKILL, and nothing comes after: root's vio wait (vio-settle at boot) replays them
setup 2 2
apply_slow SIGKILL/wait
kill_hard
run_vio -P "$POL" wait --timeout=3
expect_err "SIGKILL/wait" "was killed before it finished"
expect_attr "SIGKILL/wait: vf1's event replayed" 0000:01:00.2 uevent change
tb_cleanup

# --- a signal while waiting for the lock: gives up at once, and the VFs that deferred to it
# are handed back
setup 2 2
hold_lock $PF
apply_waiting
vf_defers "SIGTERM waiting: vf0's event defers to the waiting run" 0000:01:00.1
kill -TERM "$VIO_PID"
RC=0
wait "$VIO_PID" || RC=$?
expect_rc "SIGTERM waiting" 6
expect_err "SIGTERM waiting" "interrupted while waiting for this PF's lock"
expect_attr "SIGTERM waiting: vf0's event replayed" 0000:01:00.1 uevent change
if grep -q '^PCI_SLOT_NAME' "$(devdir 0000:01:00.2)/uevent"; then pass "SIGTERM waiting: vf1 (no event came) not replayed"; else fail "SIGTERM waiting: vf1 (no event came) not replayed"; fi
drop_lock
tb_cleanup

# --- SIGKILL while waiting for the lock (no mark yet): the deferred event is still replayed,
# by the next run that holds the PF
setup 2 2
hold_lock $PF
apply_waiting
vf_defers "SIGKILL waiting: vf1's event defers to the waiting run" 0000:01:00.2
kill_hard
drop_lock
# -v: were it to fail, its debug lines say which way (PF held, nothing deferred, a sweep)
run_vio -P "$POL" -v recover $PF
expect_rc "SIGKILL waiting: recover" 0
expect_attr "SIGKILL waiting: vf1's deferred event replayed" 0000:01:00.2 uevent change
tb_cleanup

# --- vio recover (a unit's ExecStopPost) never waits for a PF another run holds
setup 2 2
hold_lock $PF
t0=$(date +%s)
run_vio -P "$POL" recover $PF
t1=$(date +%s)
expect_rc "recover, PF held" 0
expect_no_err "recover, PF held" "waiting up to"
# not the lock's 150 s, nor the holder's 60 s (a wide bound: valgrind is slow)
if [ $((t1 - t0)) -lt 20 ]; then pass "recover, PF held: returns at once"; else fail "recover, PF held: returns at once" "$((t1 - t0)) s"; fi
drop_lock
tb_cleanup

# --- an event that comes after the run configured its VF is not lost either
setup 2 2
FAULT="write 01:00.2/driver_override pci-stub +60" start_vio -P "$POL" apply $PF
wait_for "$(devdir 0000:01:00.2)/driver_override" pci-stub || fail "late event: vf1's slow write began"
run_vio -P "$POL" vf 0000:01:00.1
touch "$TB/gate"
RC=0
wait "$VIO_PID" || RC=$?
expect_rc "late event: the run" 0
expect_attr "late event: vf0's event replayed after the run" 0000:01:00.1 uevent change
if grep -q '^PCI_SLOT_NAME' "$(devdir 0000:01:00.2)/uevent"; then pass "late event: vf1 not replayed"; else fail "late event: vf1 not replayed"; fi
tb_cleanup

finish
