/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A switchdev PF's settings as the policy gives them: a VF's devlink rate and port function,
 * and the PF's rate groups. A VF's groups are merged key by key across vf, vfN-M and vfN, like
 * the VF's own keys.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/dlport.h"

struct vf_rate {
	unsigned set; /* bit per enum dlrate_field */
	unsigned line[_DLRATE_FIELD_MAX];
	uint64_t v[DLRATE_PARENT]; /* tx_share, tx_max in bytes per second; priority, weight */
	char parent[DLRATE_NAME_MAX];
};

enum portfn_key {
	PORTFN_HW_ADDR, /* the VF's MAC (mac, or the stable one) set as the function's hw_addr */
	PORTFN_ROCE,	/* the capabilities, in enum dlport_cap's order */
	PORTFN_MIGRATABLE,
	PORTFN_IPSEC_CRYPTO,
	PORTFN_IPSEC_PACKET,
	PORTFN_MAX_IO_EQS,
	_PORTFN_KEY_MAX,
};
#define PORTFN_CAP(k) ((enum dlport_cap)((k)-PORTFN_ROCE))

struct vf_portfn {
	unsigned set; /* bit per enum portfn_key */
	unsigned line[_PORTFN_KEY_MAX];
	bool hw_addr;
	bool cap[_DLPORT_CAP_MAX];
	uint32_t max_io_eqs;
};

struct rate_group {
	char name[DLRATE_NAME_MAX];
	unsigned line;
	struct vf_rate rate;
};

/* The names vio and devlink(8) give them. */
const char *swcfg_cap_to_string(enum dlport_cap c);
const char *swcfg_rate_field_to_string(enum dlrate_field f);
const char *swcfg_portfn_key_to_string(enum portfn_key k);
/* src's keys over dst's. */
void swcfg_merge_rate(struct vf_rate *dst, const struct vf_rate *src);
void swcfg_merge_portfn(struct vf_portfn *dst, const struct vf_portfn *src);
/* "tx_share 100mbit tx_max 1gbit parent g1": the keys that are set, as the policy says them. */
char *swcfg_rate_format(const struct vf_rate *r, char *buf, size_t n);
char *swcfg_portfn_format(const struct vf_portfn *f, char *buf, size_t n);
/* A rate as vio prints it: "100mbit" when it is whole megabits, else bytes ("1500bps"). */
char *swcfg_rate_value(enum dlrate_field f, uint64_t v, char *buf, size_t n);
/* The groups are a forest: every parent named, no cycle. -EINVAL, logged with path:line. */
int swcfg_check_groups(const struct rate_group *v, unsigned n, const char *path, const char *pf);
/* A representor's name from the policy's template: %p the PF's interface, %v the VF's number,
 * %f its PF number. The name's length (buf may be NULL), or -EINVAL for an unknown sequence,
 * no %v, or a character an interface name cannot have. */
int swcfg_rep_name(const char *tmpl, const char *pf, unsigned pfnum, unsigned vf, char *buf,
		   size_t n);
const struct rate_group *swcfg_group(const struct rate_group *v, unsigned n, const char *name);
