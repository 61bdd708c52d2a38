/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The RTM_SETLINK messages vio sends for each VF attribute, byte for byte. The expected
 * bytes are written out from the numbers in <linux/if_link.h> and <linux/rtnetlink.h>
 * (RTM_SETLINK 19, IFLA_VFINFO_LIST 22, IFLA_VF_INFO 1, IFLA_VF_MAC 1, ...), not from
 * the structs the code uses, so a wrong struct or byte order shows here.
 */
#include <errno.h>
#include <stdint.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>

#include <netlink/errno.h>

#include "sys/netlink.h"
#include "nlbuf.h"

/* Header, ifinfomsg for ifindex 7, IFLA_VFINFO_LIST { IFLA_VF_INFO { attr of len payload } }. */
static void head(struct buf *x, size_t payload)
{
	size_t attr = 4 + payload;

	u32(x, 16 + 16 + 4 + 4 + attr);		/* nlmsg_len */
	u16(x, 19);				/* RTM_SETLINK */
	u16(x, 0x1 | 0x4);			/* NLM_F_REQUEST | NLM_F_ACK */
	u32(x, 0);				/* seq: set when sent */
	u32(x, 0);				/* pid */
	bytes(x, (uint8_t[]){ 0, 0, 0, 0 }, 4); /* family AF_UNSPEC, pad, type 0 */
	u32(x, 7);				/* ifindex */
	u32(x, 0);				/* flags */
	u32(x, 0);				/* change */
	u16(x, 4 + 4 + attr);
	u16(x, 22 | NESTED); /* IFLA_VFINFO_LIST */
	u16(x, 4 + attr);
	u16(x, 1 | NESTED); /* IFLA_VF_INFO */
}

static void check_msg(const char *what, unsigned attrs, const struct vf_state *c,
		      const struct buf *want)
{
	uint8_t *got = NULL;
	size_t len = 0;
	int r = netlink_vf_build(7, 3, attrs, c, &got, &len);

	buf_compare(what, r, got, len, want);
}

/* An RTM_NEWLINK for a PF with 4 VFs whose VF list describes only VFs 0 and 1, as the
 * kernel sends it when the list does not fit: vio must see that two are missing. */
static void test_cut_list(void)
{
	struct link_state s = {};
	struct buf w = {};
	size_t vf_info = 4 + 4 + 36; /* IFLA_VF_INFO { IFLA_VF_MAC { vf, mac[32] } } */

	u32(&w, 16 + 16 + 8 + 4 + 2 * vf_info);
	u16(&w, 16); /* RTM_NEWLINK */
	u16(&w, 0);
	u32(&w, 0);
	u32(&w, 0);
	bytes(&w, (uint8_t[]){ 0, 0, 0, 0 }, 4);
	u32(&w, 7);
	u32(&w, 0);
	u32(&w, 0);
	u16(&w, 8);
	u16(&w, 21); /* IFLA_NUM_VF */
	u32(&w, 4);
	u16(&w, 4 + 2 * vf_info);
	u16(&w, 22 | NESTED); /* IFLA_VFINFO_LIST */
	for (uint32_t vf = 0; vf < 2; vf++) {
		uint8_t mac[32] = { 0x02, 0, 0, 0, 0, (uint8_t)(0x10 + vf) };

		u16(&w, vf_info);
		u16(&w, 1 | NESTED); /* IFLA_VF_INFO */
		u16(&w, 4 + 36);
		u16(&w, 1); /* IFLA_VF_MAC */
		u32(&w, vf);
		bytes(&w, mac, sizeof(mac));
	}
	CHECK(netlink_link_parse(w.b, w.n, &s) == 0);
	CHECK(s.n_vfs == 4);
	CHECK(s.n_reported == 2);
	CHECK(s.vfs && s.vfs[0].present && s.vfs[1].present && !s.vfs[2].present &&
	      !s.vfs[3].present);
	CHECK(s.vfs && s.vfs[1].mac[5] == 0x11);
	link_state_done(&s);
}

int main(void)
{
	test_cut_list();
	struct vf_state c = {
		.mac = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0x01 },
		.vlan = 100,
		.qos = 3,
		.proto_8021ad = true,
		.min_tx_rate = 100,
		.max_tx_rate = 1000,
		.spoofchk = true,
		.trust = true,
		.query_rss = true,
		.link_state = IFLA_VF_LINK_STATE_DISABLE,
	};
	struct buf w;

	/* IFLA_VF_MAC 1: u32 vf, u8 mac[32] */
	w = (struct buf){};
	head(&w, 36);
	u16(&w, 40);
	u16(&w, 1);
	u32(&w, 3);
	bytes(&w, c.mac, 6);
	bytes(&w, (uint8_t[26]){}, 26);
	check_msg("mac", NETLINK_VF_BIT(NETLINK_VF_MAC), &c, &w);

	/* IFLA_VF_VLAN_LIST 12 { IFLA_VF_VLAN_INFO 1: u32 vf, vlan, qos; be16 proto; 2 pad } */
	w = (struct buf){};
	head(&w, 20);
	u16(&w, 24);
	u16(&w, 12 | NESTED);
	u16(&w, 20);
	u16(&w, 1);
	u32(&w, 3);
	u32(&w, 100);
	u32(&w, 3);
	bytes(&w, (uint8_t[]){ 0x88, 0xa8, 0, 0 }, 4); /* ETH_P_8021AD, big-endian */
	check_msg("vlan 802.1ad", NETLINK_VF_BIT(NETLINK_VF_VLAN), &c, &w);

	c.proto_8021ad = false;
	w.n -= 4;
	bytes(&w, (uint8_t[]){ 0x81, 0x00, 0, 0 }, 4); /* ETH_P_8021Q */
	check_msg("vlan 802.1Q", NETLINK_VF_BIT(NETLINK_VF_VLAN), &c, &w);

	/* IFLA_VF_RATE 6: u32 vf, min, max */
	w = (struct buf){};
	head(&w, 12);
	u16(&w, 16);
	u16(&w, 6);
	u32(&w, 3);
	u32(&w, 100);
	u32(&w, 1000);
	check_msg("rate", NETLINK_VF_BIT(NETLINK_VF_RATE), &c, &w);

	/* u32 vf, u32 setting: SPOOFCHK 4, LINK_STATE 5 (disable = 2), RSS_QUERY_EN 7, TRUST 9 */
	static const struct {
		enum netlink_vf_attr attr;
		const char *name;
		uint16_t type;
		uint32_t value;
	} simple[] = {
		{ NETLINK_VF_SPOOFCHK, "spoofchk", 4, 1 },
		{ NETLINK_VF_LINK_STATE, "link_state", 5, 2 },
		{ NETLINK_VF_QUERY_RSS, "query_rss", 7, 1 },
		{ NETLINK_VF_TRUST, "trust", 9, 1 },
	};
	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
		w = (struct buf){};
		head(&w, 8);
		u16(&w, 12);
		u16(&w, simple[i].type);
		u32(&w, 3);
		u32(&w, simple[i].value);
		check_msg(simple[i].name, NETLINK_VF_BIT(simple[i].attr), &c, &w);
	}
	/* Several keys of one VF: one IFLA_VF_INFO holding each attribute, in key order. */
	w = (struct buf){};
	head(&w, 20);
	u16(&w, 12);
	u16(&w, 4); /* IFLA_VF_SPOOFCHK */
	u32(&w, 3);
	u32(&w, simple[0].value);
	u16(&w, 12);
	u16(&w, 9); /* IFLA_VF_TRUST */
	u32(&w, 3);
	u32(&w, simple[3].value);
	check_msg("spoofchk and trust together",
		  NETLINK_VF_BIT(NETLINK_VF_SPOOFCHK) | NETLINK_VF_BIT(NETLINK_VF_TRUST), &c, &w);

	/* IFLA_VF_IB_NODE_GUID 10, IFLA_VF_IB_PORT_GUID 11: u32 vf, 4 bytes of padding, u64 guid,
	 * the GUID's first byte its most significant (as ip link's node_guid sends it). */
	memcpy(c.node_guid, (uint8_t[]){ 0x0e, 0x42, 0xa1, 0x03, 0x00, 0x36, 0xa1, 0xb2 }, 8);
	memcpy(c.port_guid, (uint8_t[]){ 0x0e, 0x42, 0xa1, 0x03, 0x00, 0x36, 0xa1, 0xb3 }, 8);
	for (unsigned t = 0; t < 2; t++) {
		uint64_t guid = t ? 0x0e42a1030036a1b3ULL : 0x0e42a1030036a1b2ULL;

		w = (struct buf){};
		head(&w, 16);
		u16(&w, 20);
		u16(&w, t ? 11 : 10);
		u32(&w, 3);
		u32(&w, 0);
		bytes(&w, (const uint8_t *)&guid, 8); /* host byte order, as the kernel reads it */
		check_msg(t ? "port_guid" : "node_guid",
			  NETLINK_VF_BIT(t ? NETLINK_VF_IB_PORT_GUID : NETLINK_VF_IB_NODE_GUID), &c,
			  &w);
	}

	CHECK(netlink_errno(-NLE_OPNOTSUPP) == -EOPNOTSUPP);
	CHECK(netlink_errno(-NLE_PERM) == -EPERM);
	CHECK(netlink_errno(-NLE_RANGE) == -EINVAL);
	CHECK(netlink_errno(0) == 0);
	return test_finish();
}
