/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A PF's switchdev settings as the policy gives them (swcfg.h): merged, checked, printed. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "shared/log.h"
#include "shared/macro.h"

#include "core/swcfg.h"

static const char *const cap_names[_DLPORT_CAP_MAX] = {
	[DLPORT_CAP_ROCE] = "roce",
	[DLPORT_CAP_MIGRATABLE] = "migratable",
	[DLPORT_CAP_IPSEC_CRYPTO] = "ipsec_crypto",
	[DLPORT_CAP_IPSEC_PACKET] = "ipsec_packet",
};

const char *swcfg_cap_to_string(enum dlport_cap c)
{
	return c < _DLPORT_CAP_MAX ? cap_names[c] : NULL;
}

static const char *const field_names[_DLRATE_FIELD_MAX] = {
	[DLRATE_TX_SHARE] = "tx_share",	      [DLRATE_TX_MAX] = "tx_max",
	[DLRATE_TX_PRIORITY] = "tx_priority", [DLRATE_TX_WEIGHT] = "tx_weight",
	[DLRATE_PARENT] = "parent",
};

const char *swcfg_rate_field_to_string(enum dlrate_field f)
{
	return f < _DLRATE_FIELD_MAX ? field_names[f] : NULL;
}

static const char *const portfn_names[_PORTFN_KEY_MAX] = {
	[PORTFN_HW_ADDR] = "hw_addr",		[PORTFN_ROCE] = "roce",
	[PORTFN_MIGRATABLE] = "migratable",	[PORTFN_IPSEC_CRYPTO] = "ipsec_crypto",
	[PORTFN_IPSEC_PACKET] = "ipsec_packet", [PORTFN_MAX_IO_EQS] = "max_io_eqs",
};

const char *swcfg_portfn_key_to_string(enum portfn_key k)
{
	return k < _PORTFN_KEY_MAX ? portfn_names[k] : NULL;
}

int swcfg_rep_name(const char *tmpl, const char *pf, unsigned pfnum, unsigned vf, char *buf,
		   size_t n)
{
	static const char ok[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.";
	char out[256];
	size_t len = 0;
	bool has_vf = false;

	for (const char *t = tmpl; *t && len < sizeof(out) - 16; t++) {
		if (*t != '%') {
			if (!strchr(ok, *t))
				return -EINVAL;
			out[len++] = *t;
		} else if (t[1] == 'p') {
			len += snprintf(out + len, sizeof(out) - len, "%.15s", pf);
			t++;
		} else if (t[1] == 'v') {
			has_vf = true;
			len += snprintf(out + len, sizeof(out) - len, "%u", vf);
			t++;
		} else if (t[1] == 'f') {
			len += snprintf(out + len, sizeof(out) - len, "%u", pfnum);
			t++;
		} else {
			return -EINVAL;
		}
	}
	if (!has_vf)
		return -EINVAL;
	out[len] = '\0';
	if (buf)
		snprintf(buf, n, "%s", out);
	return (int)len;
}

const struct rate_group *swcfg_group(const struct rate_group *v, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (streq(v[i].name, name))
			return &v[i];
	return NULL;
}

int swcfg_check_groups(const struct rate_group *v, unsigned n, const char *path, const char *pf)
{
	int errors = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct rate_group *g = &v[i], *up = g;
		unsigned depth = 0;

		if (!(g->rate.set & (1u << DLRATE_PARENT)))
			continue;
		while (up && up->rate.set & (1u << DLRATE_PARENT) && depth++ <= n)
			up = swcfg_group(v, n, up->rate.parent);
		if (!up) {
			log_error("%s:%u: %s: rate group '%s': parent \"%s\" is not in rate_groups",
				  path, g->rate.line[DLRATE_PARENT], pf, g->name, g->rate.parent);
			errors++;
		} else if (depth > n) {
			log_error("%s:%u: %s: rate group '%s' is its own ancestor (parent \"%s\")",
				  path, g->rate.line[DLRATE_PARENT], pf, g->name, g->rate.parent);
			errors++;
		}
	}
	return errors ? -EINVAL : 0;
}

void swcfg_merge_rate(struct vf_rate *dst, const struct vf_rate *src)
{
	for (unsigned f = 0; f < _DLRATE_FIELD_MAX; f++) {
		if (!(src->set & (1u << f)))
			continue;
		dst->set |= 1u << f;
		dst->line[f] = src->line[f];
		if (f == DLRATE_PARENT)
			memcpy(dst->parent, src->parent, sizeof(dst->parent));
		else
			dst->v[f] = src->v[f];
	}
}

void swcfg_merge_portfn(struct vf_portfn *dst, const struct vf_portfn *src)
{
	for (unsigned k = 0; k < _PORTFN_KEY_MAX; k++) {
		if (!(src->set & (1u << k)))
			continue;
		dst->set |= 1u << k;
		dst->line[k] = src->line[k];
		if (k == PORTFN_HW_ADDR)
			dst->hw_addr = src->hw_addr;
		else if (k == PORTFN_MAX_IO_EQS)
			dst->max_io_eqs = src->max_io_eqs;
		else
			dst->cap[PORTFN_CAP(k)] = src->cap[PORTFN_CAP(k)];
	}
}

char *swcfg_rate_value(enum dlrate_field f, uint64_t v, char *buf, size_t n)
{
	if (f >= DLRATE_TX_PRIORITY || !v)
		snprintf(buf, n, "%" PRIu64, v);
	else if (v && v % 125000 == 0)
		snprintf(buf, n, "%" PRIu64 "mbit", v / 125000);
	else
		snprintf(buf, n, "%" PRIu64 "bps", v);
	return buf;
}

char *swcfg_rate_format(const struct vf_rate *r, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned f = 0; f < _DLRATE_FIELD_MAX && len < n; f++) {
		char v[32];

		if (!(r->set & (1u << f)))
			continue;
		len += snprintf(
		    buf + len, n - len, "%s%s %s", len ? " " : "", swcfg_rate_field_to_string(f),
		    f == DLRATE_PARENT ? r->parent : swcfg_rate_value(f, r->v[f], v, sizeof(v)));
	}
	return buf;
}

char *swcfg_portfn_format(const struct vf_portfn *fn, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < _PORTFN_KEY_MAX && len < n; k++) {
		char v[16];

		if (!(fn->set & (1u << k)))
			continue;
		if (k == PORTFN_MAX_IO_EQS)
			snprintf(v, sizeof(v), "%" PRIu32, fn->max_io_eqs);
		else
			snprintf(v, sizeof(v), "%s",
				 (k == PORTFN_HW_ADDR ? fn->hw_addr : fn->cap[PORTFN_CAP(k)])
				     ? "true"
				     : "false");
		len += snprintf(buf + len, n - len, "%s%s %s", len ? " " : "", portfn_names[k], v);
	}
	return buf;
}
