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

# An InfiniBand PF (IPoIB): its VFs get node and port GUIDs, from the PF's own node GUID.
guid_of() { # KIND PF_ID INDEX: the HMAC's first 8 bytes, as a GUID
	printf 'vio-vf-guid %s %s %u' "$1" "$2" "$3" | openssl dgst -sha256 -mac HMAC -macopt "key:$id" -r |
		cut -c1-16 | sed -E 's/(..)/\1:/g; s/:$//'
}
expect_guids() { # NAME PF_ID INDEX
	local node port
	node=$(guid_of node "$2" "$3")
	port=$(guid_of port "$2" "$3")
	# EUI-64: locally administered, not a group (the first byte's low two bits: 1 0)
	node=$(printf '%02x' $(((0x${node:0:2} | 2) & ~1)))${node:2}
	port=$(printf '%02x' $(((0x${port:0:2} | 2) & ~1)))${port:2}
	if [ "$RC" = 0 ] && [ "$(cat "$OUT")" = "node_guid $node
port_guid $port" ]; then
		pass "$1: $node, $port"
	else
		fail "$1: $node, $port" "exit $RC, printed '$(cat "$OUT")'"
	fi
}
tb_new
tb_pf 0000:06:00.0 15b3 101b 0x020700 8 mlx5_core
tb_netdev 0000:06:00.0 ibp6s0 0x1003 "00:00:10:87:fe:80:00:00:00:00:00:00:0c:42:a1:03:00:36:a1:b2"
echo 32 >"$(devdir 0000:06:00.0)/net/ibp6s0/type"
mkdir -p "$(devdir 0000:06:00.0)/infiniband/mlx5_0"
echo 0c42:a103:0036:a1b2 >"$(devdir 0000:06:00.0)/infiniband/mlx5_0/node_guid"
run_vio mac 06:00.0 0
expect_guids "InfiniBand: GUIDs, from the PF's node GUID" 0c42:a103:0036:a1b2 0
expect_err "InfiniBand: the key named" "key: machine-id and the node GUID 0c42:a103:0036:a1b2"
cp "$OUT" "$TB/vf0"
run_vio mac 06:00.0 1
expect_guids "InfiniBand: vf 1" 0c42:a103:0036:a1b2 1
if ! cmp -s "$OUT" "$TB/vf0"; then pass "InfiniBand: distinct per VF"; else fail "InfiniBand: distinct per VF"; fi
run_vio mac 06:00.0 0
if cmp -s "$OUT" "$TB/vf0"; then pass "InfiniBand: stable"; else fail "InfiniBand: stable"; fi
rm -r "$(devdir 0000:06:00.0)/infiniband"
run_vio mac 06:00.0 2
expect_guids "InfiniBand without its IB device: from the PCI address" 0000:06:00.0 2
tb_cleanup

# No netdev (driver without one): the PCI address stands in.
tb_new
tb_pf 0000:05:00.0 8086 1572 0x020000 8 vfio-pci
run_vio mac 0000:05:00.0 3
expect_mac "without netdev, from the PCI address" 0000:05:00.0 3
tb_cleanup

finish
