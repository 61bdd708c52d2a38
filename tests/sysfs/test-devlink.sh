#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# eswitch and devlink keys on a PF whose driver has no devlink (or a kernel without devlink, as
# on the machine running the fast tier): a clear error naming the key, and nothing written.
# Setting them for real is proven on netdevsim in the real-kernel tier (netdevsim.sh, 6d); the
# inline and encap modes outside switchdev are refused here.
. "$(dirname "$0")/lib.sh"

PF=0000:01:00.0

setup() {
	tb_new
	tb_pf $PF 8086 10c9 0x020000 8 igb 2 0
	tb_netdev $PF vioeth0 # no host has it: netlink goes to the real kernel
}

# expect_err_re NAME ERE: stderr matches the extended regular expression.
expect_err_re() {
	if grep -qE -- "$2" "$ERR"; then pass "$1: says /$2/"; else fail "$1: says /$2/"; fi
}

setup
printf 'pf = { name = "01:00.0"; vfs = 4;\n  eswitch = "switchdev"; };\n' | policy 50-igb.conf
before=$(snapshot)
run_vio -P "$POL" apply $PF
expect_rc "eswitch without devlink" 3
expect_err_re "eswitch without devlink" \
	"50-igb.conf:2: 0000:01:00.0: eswitch = \"switchdev\", but (the kernel has no devlink|the PF's driver \(igb\) offers no devlink eswitch)"
expect_unchanged "eswitch without devlink: nothing written (the count stays 2)" "$before"
run_vio -P "$POL" check
expect_rc "eswitch without devlink: check" 3
tb_cleanup

setup
printf 'pf = { name = "01:00.0"; vfs = 4;\n  devlink = { max_macs = 32; }; };\n' | policy 50-igb.conf
before=$(snapshot)
run_vio -P "$POL" apply $PF
# 3 when the kernel has no devlink at all, 2 when it has and the PF has no such parameter.
if grep -q "the kernel has no devlink" "$ERR"; then
	expect_rc "devlink without devlink" 3
else
	expect_rc "devlink without devlink" 2
fi
expect_err_re "devlink without devlink" \
	"50-igb.conf:2: 0000:01:00.0: (cannot read its devlink parameters: the kernel has no devlink|devlink parameter 'max_macs': the PF has no such parameter \(it has none\))"
expect_unchanged "devlink without devlink: nothing written" "$before"
tb_cleanup

# The inline and encap modes are the switchdev e-switch's: anywhere else a policy error.
for mode in "" 'eswitch = "legacy"; '; do
	setup
	printf 'pf = { name = "01:00.0"; vfs = 4; %s\n  eswitch_inline = "transport"; eswitch_encap = "basic"; };\n' "$mode" |
		policy 50-igb.conf
	before=$(snapshot)
	run_vio -P "$POL" apply $PF
	expect_rc "inline without switchdev ($mode)" 2
	expect_err "inline without switchdev ($mode)" "$POL/50-igb.conf:2: 0000:01:00.0: eswitch_inline applies in switchdev mode: set eswitch = \"switchdev\""
	expect_err "encap without switchdev ($mode)" "$POL/50-igb.conf:2: 0000:01:00.0: eswitch_encap applies in switchdev mode: set eswitch = \"switchdev\""
	expect_unchanged "inline without switchdev ($mode): nothing written" "$before"
	tb_cleanup
done

# hw_tc_offload on an interface the kernel does not have (the bed's eth0): refused before
# anything changes. Setting it is proven on netdevsim (netdevsim.sh, 6d).
setup
printf 'pf = { name = "01:00.0"; vfs = 4;\n  hw_tc_offload = true; };\n' | policy 50-igb.conf
before=$(snapshot)
run_vio -P "$POL" apply $PF
expect_rc "hw_tc_offload, no such interface" 2
expect_err_re "hw_tc_offload, no such interface" "50-igb.conf:2: 0000:01:00.0: hw_tc_offload = true, but (its interface vioeth0 is not there|this kernel has no ethtool netlink \\(Linux 5.6\\+\\)); nothing changed"
expect_unchanged "hw_tc_offload, no such interface: nothing written" "$before"
tb_cleanup

finish
