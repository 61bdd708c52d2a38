#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vio mac PF N: the MAC a VF gets, before the VF exists, equal to the documented derivation.
. "$(dirname "$0")/lib.sh"

if [ ! -r /etc/machine-id ] || ! command -v openssl >/dev/null; then
	echo "needs /etc/machine-id and openssl"
	exit 77
fi
id=$(cat /etc/machine-id)

expect_mac() { # NAME PF_ID INDEX
	local want
	want=$(printf 'vio-vf-mac %s %u' "$2" "$3" |
		openssl dgst -sha256 -mac HMAC -macopt "key:$id" -r | sed -E 's/^(..)(..)(..)(..)(..).*/02:\1:\2:\3:\4:\5/')
	if [ "$RC" = 0 ] && [ "$(cat "$OUT")" = "$want" ]; then
		pass "$1: $want"
	else
		fail "$1: $want" "exit $RC, printed '$(cat "$OUT")'"
	fi
}

tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 i40e
tb_netdev 0000:05:00.0 enp5s0f0 0x1003 3c:fd:fe:aa:bb:cc
run_vio mac 05:00.0 0
expect_mac "by address, from the permanent MAC" 3c:fd:fe:aa:bb:cc 0
run_vio mac enp5s0f0 7
expect_mac "by interface name" 3c:fd:fe:aa:bb:cc 7
tb_cleanup

# No netdev (driver without one): the PCI address stands in.
tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 vfio-pci
run_vio mac 0000:05:00.0 3
expect_mac "without netdev, from the PCI address" 0000:05:00.0 3
tb_cleanup

finish
