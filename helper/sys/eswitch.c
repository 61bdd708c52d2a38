/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>

#include "shared/util.h"

#include "sys/eswitch.h"

static const char *const eswitch_names[_ESWITCH_MAX] = {
	[ESWITCH_LEGACY] = "legacy",
	[ESWITCH_SWITCHDEV] = "switchdev",
};

/* As devlink(8) spells them, by the kernel's numbers. */
static const char *const inline_names[_ESWITCH_INLINE_MAX] = {
	[ESWITCH_INLINE_NONE] = "none",
	[ESWITCH_INLINE_LINK] = "link",
	[ESWITCH_INLINE_NETWORK] = "network",
	[ESWITCH_INLINE_TRANSPORT] = "transport",
};
static const char *const encap_names[_ESWITCH_ENCAP_MAX] = {
	[ESWITCH_ENCAP_NONE] = "none",
	[ESWITCH_ENCAP_BASIC] = "basic",
};

const char *eswitch_inline_to_string(int m)
{
	return m >= 0 && m < _ESWITCH_INLINE_MAX ? inline_names[m] : NULL;
}

int eswitch_inline_from_string(const char *s)
{
	return string_table_lookup(inline_names, _ESWITCH_INLINE_MAX, s);
}

const char *eswitch_encap_to_string(int m)
{
	return m >= 0 && m < _ESWITCH_ENCAP_MAX ? encap_names[m] : NULL;
}

int eswitch_encap_from_string(const char *s)
{
	return string_table_lookup(encap_names, _ESWITCH_ENCAP_MAX, s);
}

const char *eswitch_mode_to_string(int m)
{
	return m >= 0 && m < _ESWITCH_MAX ? eswitch_names[m] : NULL;
}

enum eswitch_mode eswitch_mode_from_string(const char *s)
{
	return string_table_lookup(eswitch_names, _ESWITCH_MAX, s);
}
