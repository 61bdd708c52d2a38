/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy's devlink groups (dlpolicy.h): parsed with file:line, merged, printed. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shared/log.h"
#include "shared/util.h"

#include "core/conf.h"
#include "core/policy.h"
#include "core/dlpolicy.h"
#include "core/value.h"

/* devlink = { name = value; ... }: names as the kernel spells them; values checked against the
 * device when applied (its type and cmode are the device's to say). */
void dlpolicy_parse_params(struct policy *p, const struct conf_node *g)
{
	int n = conf_length(g);

	if (n > (int)DEVLINK_PARAMS_MAX) {
		value_error(p, conf_line(g), "'devlink': %d parameters; at most %u", n,
			    DEVLINK_PARAMS_MAX);
		return;
	}
	p->devlink = calloc(n ?: 1, sizeof(*p->devlink));
	if (!p->devlink) {
		value_error(p, conf_line(g), "out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		const struct conf_node *s = conf_elem(g, i);
		struct devlink_want *w = &p->devlink[p->n_devlink];
		const char *k = conf_name(s), *v;
		long long x;

		if (strlen(k) >= DEVLINK_NAME_MAX) {
			value_error(p, conf_line(s), "devlink parameter '%.20s...': name too long",
				    k);
			continue;
		}
		snprintf(w->name, sizeof(w->name), "%s", k);
		w->line = conf_line(s);
		switch (conf_type(s)) {
		case CONF_INT:
			x = conf_int(s);
			if (x < 0 || x > UINT32_MAX) {
				value_error(p, w->line,
					    "devlink parameter '%s' is %lld, must be 0..%u", k, x,
					    UINT32_MAX);
				continue;
			}
			w->type = DEVLINK_WANT_INT;
			w->u = (unsigned long long)x;
			break;
		case CONF_BOOL:
			w->type = DEVLINK_WANT_BOOL;
			w->b = conf_bool(s);
			break;
		case CONF_STRING:
			v = conf_string(s);
			if (strlen(v) >= sizeof(w->s) || !v[0]) {
				value_error(p, w->line,
					    "devlink parameter '%s': a string of 1..%zu characters",
					    k, sizeof(w->s) - 1);
				continue;
			}
			w->type = DEVLINK_WANT_STRING;
			snprintf(w->s, sizeof(w->s), "%s", v);
			break;
		default:
			value_error(
			    p, w->line,
			    "devlink parameter '%s' must be an integer, true or false, or a string, not %s",
			    k, value_type_name(conf_type(s)));
			continue;
		}
		p->n_devlink++;
	}
}

/* Rates as devlink(8) takes them: bit, kbit, mbit, gbit, tbit (bits per second, powers of
 * 1000) or bps, kbps, mbps, gbps, tbps (bytes); a plain integer is bytes per second. */
static bool parse_rate_value(struct policy *p, const struct conf_node *s, uint64_t *ret)
{
	static const struct {
		const char *unit;
		uint64_t mul, div;
	} units[] = {
		{ "bit", 1, 8 },
		{ "kbit", 1000, 8 },
		{ "mbit", 1000000, 8 },
		{ "gbit", 1000000000, 8 },
		{ "tbit", 1000000000000, 8 },
		{ "bps", 1, 1 },
		{ "kbps", 1000, 1 },
		{ "mbps", 1000000, 1 },
		{ "gbps", 1000000000, 1 },
		{ "tbps", 1000000000000, 1 },
	};
	unsigned long long v;
	const char *str;
	char *end = NULL;

	if (conf_type(s) == CONF_INT) {
		if (conf_int(s) < 0) {
			value_error(p, value_line(s), "'%s' is %lld, must be at least 0",
				    conf_name(s), conf_int(s));
			return false;
		}
		*ret = (uint64_t)conf_int(s);
		return true;
	}
	str = value_string(p, s);
	if (!str)
		return false;
	errno = 0;
	v = str[0] >= '0' && str[0] <= '9' ? strtoull(str, &end, 10) : 0;
	if (!errno && end)
		for (size_t i = 0; i < ELEMENTSOF(units); i++) {
			if (strcasecmp(end, units[i].unit) != 0)
				continue;
			if (v > UINT64_MAX / units[i].mul || (v * units[i].mul) % units[i].div)
				break;
			*ret = v * units[i].mul / units[i].div;
			return true;
		}
	value_error(
	    p, value_line(s),
	    "%s = \"%s\": a rate such as \"100mbit\", \"10gbit\" or \"125000bps\" (bit, kbit, mbit, gbit, tbit; bps, kbps, mbps, gbps, tbps), or bytes per second",
	    conf_name(s), str);
	return false;
}

/* A rate group's or a VF's: tx_share, tx_max, tx_priority, tx_weight, parent. */
bool dlpolicy_parse_rate(struct policy *p, const struct conf_node *g, struct vf_rate *ret)
{
	bool ok = true;

	if (!value_type(p, g, CONF_GROUP, "a group { tx_share = ...; }"))
		return false;
	for (int i = 0; i < conf_length(g); i++) {
		const struct conf_node *s = conf_elem(g, i);
		const char *k = conf_name(s), *v;
		enum dlrate_field f;
		unsigned u;

		for (f = 0; f < _DLRATE_FIELD_MAX; f++)
			if (streq(k, swcfg_rate_field_to_string(f)))
				break;
		switch (f) {
		case DLRATE_TX_SHARE:
		case DLRATE_TX_MAX:
			if (!parse_rate_value(p, s, &ret->v[f]))
				goto bad;
			break;
		case DLRATE_TX_PRIORITY:
		case DLRATE_TX_WEIGHT:
			if (!value_uint(p, s, 0, UINT32_MAX, &u))
				goto bad;
			ret->v[f] = u;
			break;
		case DLRATE_PARENT:
			v = value_string(p, s);
			if (!v)
				goto bad;
			if (!v[0] || strlen(v) >= sizeof(ret->parent)) {
				value_error(
				    p, value_line(s),
				    "parent = \"%s\": a rate group's name (1..%zu characters)", v,
				    sizeof(ret->parent) - 1);
				goto bad;
			}
			snprintf(ret->parent, sizeof(ret->parent), "%s", v);
			break;
		default:
			value_error(
			    p, value_line(s),
			    "unknown key '%s' in '%s' (known: tx_share, tx_max, tx_priority, tx_weight, parent)",
			    k, conf_name(g));
			goto bad;
		}
		ret->set |= 1u << f;
		ret->line[f] = value_line(s);
		continue;
	bad:
		ok = false;
	}
	return ok;
}

bool dlpolicy_parse_portfn(struct policy *p, const struct conf_node *g, struct vf_portfn *ret)
{
	bool ok = true;

	if (!value_type(p, g, CONF_GROUP, "a group { roce = true; ... }"))
		return false;
	for (int i = 0; i < conf_length(g); i++) {
		const struct conf_node *s = conf_elem(g, i);
		enum portfn_key k;
		unsigned u;

		for (k = 0; k < _PORTFN_KEY_MAX; k++)
			if (streq(conf_name(s), swcfg_portfn_key_to_string(k)))
				break;
		if (k == _PORTFN_KEY_MAX) {
			value_error(
			    p, value_line(s),
			    "unknown key '%s' in 'port_function' (known: hw_addr, roce, migratable, ipsec_crypto, ipsec_packet, max_io_eqs)",
			    conf_name(s));
			ok = false;
			continue;
		}
		if (k == PORTFN_MAX_IO_EQS) {
			if (!value_uint(p, s, 1, UINT32_MAX, &u)) {
				ok = false;
				continue;
			}
			ret->max_io_eqs = u;
		} else if (!value_bool(p, s,
				       k == PORTFN_HW_ADDR ? &ret->hw_addr
							   : &ret->cap[PORTFN_CAP(k)])) {
			ok = false;
			continue;
		}
		ret->set |= 1u << k;
		ret->line[k] = value_line(s);
	}
	return ok;
}

/* rate_groups = { NAME = { ... }; ... }: devlink rate nodes, by libconfig's names. */
bool dlpolicy_parse_groups(struct policy *p, const struct conf_node *g)
{
	int n = conf_length(g);
	bool ok = true;

	if (!value_type(p, g, CONF_GROUP, "a group { name = { tx_max = ...; }; }"))
		return false;
	free(p->rate_groups);
	p->n_rate_groups = 0;
	p->rate_groups = calloc(n ?: 1, sizeof(*p->rate_groups));
	if (!p->rate_groups) {
		value_error(p, value_line(g), "out of memory");
		return false;
	}
	for (int i = 0; i < n; i++) {
		const struct conf_node *s = conf_elem(g, i);
		struct rate_group *r = &p->rate_groups[p->n_rate_groups];

		if (strlen(conf_name(s)) >= sizeof(r->name)) {
			value_error(p, value_line(s), "rate group '%.20s...': name too long",
				    conf_name(s));
			ok = false;
			continue;
		}
		snprintf(r->name, sizeof(r->name), "%s", conf_name(s));
		r->line = value_line(s);
		if (!dlpolicy_parse_rate(p, s, &r->rate)) {
			ok = false;
			continue;
		}
		p->n_rate_groups++;
	}
	return ok;
}
