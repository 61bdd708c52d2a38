/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The devlink port function and rate messages vio sends, byte for byte, written out from the
 * numbers in the kernel's <linux/devlink.h> (6.12), not from the code's enums:
 * DEVLINK_CMD_PORT_SET 6, RATE_SET 75, RATE_NEW 76, RATE_DEL 77; DEVLINK_ATTR_BUS_NAME 1,
 * DEV_NAME 2, PORT_INDEX 3 (u32), PORT_FUNCTION 145 (nested: HW_ADDR 1 (binary), CAPS 4
 * (bitfield32: value, selector), MAX_IO_EQS 6 (u32)), RATE_TX_SHARE 166 (u64), TX_MAX 167 (u64),
 * RATE_NODE_NAME 168, RATE_PARENT_NODE_NAME 169 (strings), RATE_TX_PRIORITY 177,
 * RATE_TX_WEIGHT 178 (u32); capability bits roce 0, migratable 1, ipsec_crypto 2,
 * ipsec_packet 3.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/swcfg.h"
#include "sys/dlport.h"
#include "nlbuf.h"

static const struct devlink_dev dev = { "pci", "0000:03:00.0" };

static void u64a(struct buf *x, uint16_t type, uint64_t v)
{
	attr(x, type, &v, 8); /* little-endian host, as the kernel reads it */
}

static void check_fn(const char *what, const struct dlport_fn_set *s, const struct buf *w)
{
	void *got = NULL;
	size_t len = 0;
	int r = dlport_fn_build(0x1b, &dev, s, &got, &len);

	buf_compare(what, r, got, len, w);
}

static void check_rate(const char *what, const struct dlrate_req *q, const struct buf *w)
{
	void *got = NULL;
	size_t len = 0;
	int r = dlrate_build(0x1b, &dev, q, &got, &len);

	buf_compare(what, r, got, len, w);
}

int main(void)
{
	struct dlport_fn_set s = { .port = 131 };
	struct dlrate rate = { .port = 131 };
	uint32_t u;
	struct buf w = {};

	/* The function's MAC: port 131, { HW_ADDR 02:00:00:00:00:07 }. */
	s.attr = DLPORT_FN_HW_ADDR;
	memcpy(s.hw_addr, "\x02\x00\x00\x00\x00\x07", 6);
	devlink_head(&w, 6);
	u = 131;
	attr(&w, 3, &u, 4);
	u16(&w, 4 + 12);
	u16(&w, 145 | NESTED);
	attr(&w, 1, "\x02\x00\x00\x00\x00\x07", 6);
	buf_done(&w);
	check_fn("port function hw_addr", &s, &w);

	/* A capability on, and one off: the selector names only that one. */
	s.attr = DLPORT_FN_CAP;
	s.cap = DLPORT_CAP_MIGRATABLE;
	s.on = true;
	w = (struct buf){};
	devlink_head(&w, 6);
	attr(&w, 3, &u, 4);
	u16(&w, 4 + 12);
	u16(&w, 145 | NESTED);
	attr(&w, 4, (uint32_t[]){ 2, 2 }, 8);
	buf_done(&w);
	check_fn("port function migratable on", &s, &w);
	s.cap = DLPORT_CAP_ROCE;
	s.on = false;
	w = (struct buf){};
	devlink_head(&w, 6);
	attr(&w, 3, &u, 4);
	u16(&w, 4 + 12);
	u16(&w, 145 | NESTED);
	attr(&w, 4, (uint32_t[]){ 0, 1 }, 8);
	buf_done(&w);
	check_fn("port function roce off", &s, &w);

	s.attr = DLPORT_FN_MAX_IO_EQS;
	s.max_io_eqs = 32;
	w = (struct buf){};
	devlink_head(&w, 6);
	attr(&w, 3, &u, 4);
	u16(&w, 4 + 8);
	u16(&w, 145 | NESTED);
	attr(&w, 6, (uint32_t[]){ 32 }, 4);
	buf_done(&w);
	check_fn("port function max_io_eqs", &s, &w);

	/* A leaf's tx_share and its parent; then priority and weight. */
	rate.v[DLRATE_TX_SHARE] = 25000000; /* 200mbit */
	snprintf(rate.parent, sizeof(rate.parent), "gold");
	w = (struct buf){};
	devlink_head(&w, 75);
	attr(&w, 3, &u, 4);
	u64a(&w, 166, 25000000);
	attr(&w, 169, "gold", 5);
	buf_done(&w);
	check_rate("rate leaf tx_share, parent",
		   &(struct dlrate_req){ DLRATE_SET, &rate,
					 (1u << DLRATE_TX_SHARE) | (1u << DLRATE_PARENT) },
		   &w);
	rate.v[DLRATE_TX_PRIORITY] = 3;
	rate.v[DLRATE_TX_WEIGHT] = 50;
	w = (struct buf){};
	devlink_head(&w, 75);
	attr(&w, 3, &u, 4);
	attr(&w, 177, (uint32_t[]){ 3 }, 4);
	attr(&w, 178, (uint32_t[]){ 50 }, 4);
	buf_done(&w);
	check_rate("rate leaf tx_priority, tx_weight",
		   &(struct dlrate_req){ DLRATE_SET, &rate,
					 (1u << DLRATE_TX_PRIORITY) | (1u << DLRATE_TX_WEIGHT) },
		   &w);

	/* Out of its parent: an empty parent name. */
	rate.parent[0] = '\0';
	w = (struct buf){};
	devlink_head(&w, 75);
	attr(&w, 3, &u, 4);
	attr(&w, 169, "", 1);
	buf_done(&w);
	check_rate("rate leaf out of its parent",
		   &(struct dlrate_req){ DLRATE_SET, &rate, 1u << DLRATE_PARENT }, &w);

	/* A node made with its limits and parent; and deleted by name alone. */
	struct dlrate node = { .node = true, .name = "gold", .parent = "tenants" };

	node.v[DLRATE_TX_MAX] = 250000000; /* 2gbit */
	w = (struct buf){};
	devlink_head(&w, 76);
	attr(&w, 168, "gold", 5);
	u64a(&w, 167, 250000000);
	attr(&w, 169, "tenants", 8);
	buf_done(&w);
	check_rate("rate node new",
		   &(struct dlrate_req){ DLRATE_NEW, &node,
					 (1u << DLRATE_TX_MAX) | (1u << DLRATE_PARENT) },
		   &w);
	w = (struct buf){};
	devlink_head(&w, 77);
	attr(&w, 168, "gold", 5);
	buf_done(&w);
	check_rate("rate node del", &(struct dlrate_req){ DLRATE_DEL, &node, 0 }, &w);

	/* How rates are printed: whole megabits, else bytes per second. */
	char b[32];

	CHECK_STREQ(swcfg_rate_value(DLRATE_TX_MAX, 250000000, b, sizeof(b)), "2000mbit");
	CHECK_STREQ(swcfg_rate_value(DLRATE_TX_MAX, 1500, b, sizeof(b)), "1500bps");
	CHECK_STREQ(swcfg_rate_value(DLRATE_TX_SHARE, 0, b, sizeof(b)), "0");
	CHECK_STREQ(swcfg_rate_value(DLRATE_TX_WEIGHT, 50, b, sizeof(b)), "50");
	CHECK_STREQ(swcfg_cap_to_string(DLPORT_CAP_IPSEC_PACKET), "ipsec_packet");

	/* Representor names: %p the PF's interface, %v the VF, %f the PF number; an interface
	 * name's characters only, and %v always. */
	char n[64];

	CHECK(swcfg_rep_name("%p_%v", "enp59s0f0np0", 1, 12, n, sizeof(n)) == 15);
	CHECK_STREQ(n, "enp59s0f0np0_12");
	CHECK(swcfg_rep_name("pf%fvf%v", "x", 1, 3, n, sizeof(n)) == 6);
	CHECK_STREQ(n, "pf1vf3");
	CHECK(swcfg_rep_name("rep%v", "", 0, 255, NULL, 0) == 6);
	CHECK(swcfg_rep_name("%p_rep", "eth0", 0, 1, n, sizeof(n)) == -EINVAL);
	CHECK(swcfg_rep_name("rep/%v", "eth0", 0, 1, n, sizeof(n)) == -EINVAL);
	CHECK(swcfg_rep_name("rep%%%v", "eth0", 0, 1, n, sizeof(n)) == -EINVAL);
	CHECK(swcfg_rep_name("rep %v", "eth0", 0, 1, n, sizeof(n)) == -EINVAL);
	CHECK(swcfg_rep_name("r%x%v", "eth0", 0, 1, n, sizeof(n)) == -EINVAL);

	printf("%u passed, %u failed\n", t_passed, t_failed);
	return t_failed ? 1 : 0;
}
