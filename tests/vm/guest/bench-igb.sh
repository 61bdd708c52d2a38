#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench-vm, igb with 7 VFs: a real VF driver (igbvf), the PF down before each run as on a
# fresh boot. Done: every VF has its netdev and the PF's VF table has each VF's MAC (the floor:
# every VF netdev). RIGHT: the VF netdevs that carry their configured MAC, which igbvf takes
# only at probe (a MAC set after needs a driver reload).
. /vio-tests/benchlib.sh

N=7
modprobe igb
modprobe igbvf
mkdir -p /etc/vio.d /etc/udev/rules.d
start_udevd
settle 2
PF=$(pf_of 0x8086:0x10c9)
PFIF=$(cd "/sys/bus/pci/devices/$PF/net" && echo *)
macs "$PF" $N
echo "  bench: igb $PF ($PFIF), $N VFs, kernel $(uname -r), udev $(udevadm --version)"

reset() {
	echo 0 >"/sys/bus/pci/devices/$PF/sriov_numvfs"
	echo 1 >"/sys/bus/pci/devices/$PF/sriov_drivers_autoprobe"
	/bin/ip link set dev "$PFIF" down
	settle 1
}
vf_netdevs() { # the VFs' netdevs, one "INDEX NAME" line each
	local i=0 n
	while [ $i -lt $N ]; do
		n=$(cd "/sys/bus/pci/devices/$PF/virtfn$i/net" 2>/dev/null && echo *)
		[ -n "$n" ] && [ "$n" != "*" ] && echo "$i $n"
		i=$((i + 1))
	done
}
all_netdevs() { [ "$(vf_netdevs | wc -l)" = $N ]; }
table_macs() { # VFs whose MAC in the PF's VF table is the configured one
	vfdump "$PFIF" | awk 'NR == FNR {want[$1] = $2; next} $2 == want[$1] {n++} END {print n + 0}' /tmp/macs -
}
configured() { all_netdevs && [ "$(table_macs)" = $N ]; }
bench_right() {
	vf_netdevs | while read -r i n; do
		[ "$(cat "/sys/class/net/$n/address")" = "$(awk -v i="$i" '$1 == i {print $2}' /tmp/macs)" ] && echo "$i"
	done | wc -l
}
add_event() { udevadm trigger --action=add "/sys/class/net/$PFIF"; }

setup_floor() { :; }
trig_floor() { echo $N >"/sys/bus/pci/devices/$PF/sriov_numvfs"; }
done_floor() { all_netdevs; }

# vio's own rule: vio pf on the PF interface's add event.
setup_vio() { printf 'pf = { name = "%s"; vfs = %s; };\n' "$PF" $N >/etc/vio.d/50-bench.conf; }
trig_vio() { add_event; }
done_vio() { configured; }

setup_link() {
	vio_rules_off
	link_file igb $N /tmp/macs
}
trig_link() { add_event; }
done_link() { configured; }

setup_shell() { shell_rule "$PFIF" $N ""; }
trig_shell() { add_event; }
done_shell() { configured; }

reset
TIMEOUT=30 run_methods igb floor vio link shell
setup_vio
profile igb vio -v apply "$PF"
