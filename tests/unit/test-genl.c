/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The generic netlink messages vio sends, byte for byte: DEVLINK_CMD_ESWITCH_SET, and
 * ETHTOOL_MSG_FEATURES_SET (12; ETHTOOL_A_FEATURES_HEADER 1 { HEADER_DEV_NAME 2 },
 * FEATURES_WANTED 3 { BITSET_BITS 3 { BITS_BIT 1 { BIT_NAME 2, BIT_VALUE 3 (flag) } } }). The
 * expected bytes are written out from the numbers in <linux/devlink.h> (DEVLINK_CMD_ESWITCH_SET 30,
 * DEVLINK_ATTR_BUS_NAME 1, DEV_NAME 2, ESWITCH_MODE 25 (u16), ESWITCH_INLINE_MODE 26 (u8),
 * ESWITCH_ENCAP_MODE 62 (u8); DEVLINK_ESWITCH_MODE_SWITCHDEV 1, INLINE_MODE_TRANSPORT 3,
 * ENCAP_MODE_BASIC 1), not from the enums the code uses, so a wrong attribute or width shows here.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/policy.h"
#include "sys/devlink.h"
#include "sys/ethtool.h"
#include "nlbuf.h"

/* Header for family 0x1b, the device pci/0000:03:00.0, then the eswitch attributes. */
static void check_msg(const char *what, const struct devlink_eswitch *want, const struct buf *w)
{
	const struct devlink_dev d = { "pci", "0000:03:00.0" };
	void *got = NULL;
	size_t len = 0;
	int r = devlink_eswitch_build(0x1b, &d, want, &got, &len);

	buf_compare(what, r, got, len, w);
}

/* hw-tc-offload on or off for eth0: the bit by name, its value a flag, no mask (only it). */
static void check_feature(bool on)
{
	struct buf w = {};
	void *got = NULL;
	size_t len = 0;
	int r = ethtool_feature_build(0x15, "eth0", "hw-tc-offload", on, &got, &len);
	size_t bit = 4 + 20 + (on ? 4 : 0);

	u32(&w, 0);
	u16(&w, 0x15);
	u16(&w, 0x4);
	u32(&w, 0);
	u32(&w, 0);
	w.b[w.n++] = 12; /* ETHTOOL_MSG_FEATURES_SET */
	w.b[w.n++] = 1;	 /* ETHTOOL_GENL_VERSION */
	u16(&w, 0);
	u16(&w, 4 + 12);
	u16(&w, 1 | NESTED); /* ETHTOOL_A_FEATURES_HEADER */
	attr(&w, 2, "eth0", 5);
	u16(&w, 4 + 4 + bit);
	u16(&w, 3 | NESTED); /* ETHTOOL_A_FEATURES_WANTED */
	u16(&w, 4 + bit);
	u16(&w, 3 | NESTED); /* ETHTOOL_A_BITSET_BITS */
	u16(&w, bit);
	u16(&w, 1 | NESTED); /* ETHTOOL_A_BITSET_BITS_BIT */
	attr(&w, 2, "hw-tc-offload", 14);
	if (on)
		attr(&w, 3, "", 0); /* ETHTOOL_A_BITSET_BIT_VALUE */
	buf_done(&w);
	buf_compare(on ? "hw-tc-offload on" : "hw-tc-offload off", r, got, len, &w);
}

int main(void)
{
	struct devlink_eswitch e = DEVLINK_ESWITCH_NONE;
	struct buf w = {};
	uint16_t mode = 1;
	uint8_t v;

	/* The mode alone (what vio sent before the inline and encap modes). */
	e.mode = ESWITCH_SWITCHDEV;
	devlink_head(&w, 30);
	attr(&w, 25, &mode, 2);
	buf_done(&w);
	check_msg("mode", &e, &w);

	/* switchdev with inline transport and encap basic: one message, in the kernel's order. */
	e.inline_mode = ESWITCH_INLINE_TRANSPORT;
	e.encap = ESWITCH_ENCAP_BASIC;
	w = (struct buf){};
	devlink_head(&w, 30);
	attr(&w, 25, &mode, 2);
	v = 3;
	attr(&w, 26, &v, 1);
	v = 1;
	attr(&w, 62, &v, 1);
	buf_done(&w);
	check_msg("mode, inline, encap", &e, &w);

	/* The inline mode alone (the mode as it is). */
	e = DEVLINK_ESWITCH_NONE;
	e.inline_mode = ESWITCH_INLINE_LINK;
	w = (struct buf){};
	devlink_head(&w, 30);
	v = 1;
	attr(&w, 26, &v, 1);
	buf_done(&w);
	check_msg("inline", &e, &w);

	/* The names, as devlink(8) spells them. */
	CHECK_STREQ(eswitch_inline_to_string(ESWITCH_INLINE_NETWORK), "network");
	CHECK(eswitch_inline_from_string("transport") == ESWITCH_INLINE_TRANSPORT);
	CHECK(eswitch_inline_from_string("l4") < 0);
	CHECK(eswitch_inline_to_string(_ESWITCH_INLINE_MAX) == NULL);
	CHECK_STREQ(eswitch_encap_to_string(ESWITCH_ENCAP_BASIC), "basic");
	CHECK(eswitch_encap_from_string("enable") < 0);

	check_feature(true);
	check_feature(false);

	printf("%u passed, %u failed\n", t_passed, t_failed);
	return t_failed ? 1 : 0;
}
