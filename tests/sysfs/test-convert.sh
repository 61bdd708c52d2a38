#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# From viod: its INI policy in a policy directory is refused loudly (file:line and what to do,
# the PF left as it is), and `vio convert` prints the libconfig policy, comments kept. viod's
# three README examples (tests/conf/viod) convert and pass `vio check`; the lab applies one.
. "$(dirname "$0")/lib.sh"

VIOD=$(dirname "$0")/../conf/viod

for f in "$VIOD"/*.conf; do
	name=$(basename "$f")
	tb_new
	cp "$f" "$POL/$name"
	chmod 0644 "$POL/$name"
	run_vio convert "$POL/$name"
	expect_rc "convert $name" 0
	mkdir "$TB/conv"
	cp "$OUT" "$TB/conv/$name"
	chmod 0644 "$TB/conv/$name"
	run_vio -P "$TB/conv" check
	expect_rc "convert $name: the result passes vio check" 0
	expect_no_err "convert $name: the result passes vio check" "error"
	tb_cleanup
done

# The README's network example, line by line (comments where they stood).
tb_new
cp "$VIOD/net0.conf" "$POL/net0.conf"
chmod 0644 "$POL/net0.conf"
run_vio convert "$POL/net0.conf"
want="# Converted from viod's $POL/net0.conf by vio convert; see vio.conf(5).
pf = {
  name = \"05:00.0\";
  kind = \"net\";
  vfs = 4;
  promisc = true;
};

vf0 = {
  driver = \"igbvf\";
  mac = \"52:54:00:ab:cd:01\";
  vlan = 100;
};

vf1 = {
  # MAC auto-generated: stable across reboots
  driver = \"igbvf\";
  vlan = 200;
};"
if [ "$(cat "$OUT")" = "$want" ]; then pass "net0.conf converted as expected"; else fail "net0.conf converted as expected" "$(diff <(echo "$want") "$OUT" | tr '\n' '|')"; fi
tb_cleanup

# A viod file where vio reads policy: refused with what to do; the PF is left as it is.
tb_new
tb_pf 0000:81:00.0 8086 4940 0x0b4000 16 qat_4xxx 0 1
cp "$VIOD/accel.conf" "$POL/accel.conf"
chmod 0644 "$POL/accel.conf"
before=$(snapshot)
run_vio -P "$POL" pf 0000:81:00.0
expect_rc "viod file in place" 2
expect_err "viod file in place" "$POL/accel.conf:1: a viod (INI) policy: vio reads libconfig policy files; 'vio convert $POL/accel.conf' prints this one converted, to put in its place (its PF is left as it is until then)"
expect_unchanged "viod file in place: nothing written" "$before"
run_vio -P "$POL" check
expect_rc "viod file in place: check" 2
tb_cleanup

# What vio has no key for: said, kept as a comment; a line that is not INI: an error.
tb_new
printf '[pf]\nname = 05:00.0\nkind = net\nvfs = 2\nrate = 100\n[vf0]\nvlan = ten\n' | policy viod.conf
run_vio convert "$POL/viod.conf"
expect_rc "unconvertible keys" 0
expect_err "unconvertible keys" "$POL/viod.conf:5: [pf] rate = 100: vio has no such key; left as a comment"
expect_err "unconvertible keys" "$POL/viod.conf:7: [vf0] vlan = ten: not a number; left as a comment"
if grep -q '^  # viod: rate = 100 (vio has no such key)$' "$OUT"; then pass "unconvertible keys: kept as comments"; else fail "unconvertible keys: kept as comments"; fi
printf '[pf]\nname = 05:00.0\nvfs\n' | policy bad.conf
run_vio convert "$POL/bad.conf"
expect_rc "not INI" 2
expect_err "not INI" "$POL/bad.conf:3: 'vfs': not key = value in a section"
tb_cleanup

finish
