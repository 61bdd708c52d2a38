/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The e-switch's modes by the kernel's numbers, and their names as devlink(8) and vio's
 * policy spell them. No libnl here: the policy loader (and its fuzzer) uses the names. */
#include <errno.h>

/* The e-switch modes (the kernel's DEVLINK_ESWITCH_MODE_*). */
enum eswitch_mode {
	ESWITCH_LEGACY,
	ESWITCH_SWITCHDEV,
	_ESWITCH_MAX,
	_ESWITCH_INVALID = -EINVAL,
};

/* The e-switch's inline mode (the kernel's DEVLINK_ESWITCH_INLINE_MODE_*: how much of a packet
 * the VF's driver copies into its send descriptors) and encap mode (DEVLINK_ESWITCH_ENCAP_MODE_*:
 * tunnel offload in the e-switch). */
enum eswitch_inline {
	ESWITCH_INLINE_NONE,
	ESWITCH_INLINE_LINK,
	ESWITCH_INLINE_NETWORK,
	ESWITCH_INLINE_TRANSPORT,
	_ESWITCH_INLINE_MAX,
};
enum eswitch_encap {
	ESWITCH_ENCAP_NONE,
	ESWITCH_ENCAP_BASIC,
	_ESWITCH_ENCAP_MAX,
};

const char *eswitch_mode_to_string(int m); /* enum eswitch_mode; NULL past the last */
enum eswitch_mode eswitch_mode_from_string(const char *s);
const char *eswitch_inline_to_string(int m);
int eswitch_inline_from_string(const char *s);
const char *eswitch_encap_to_string(int m);
int eswitch_encap_from_string(const char *s);
