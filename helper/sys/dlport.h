/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A switchdev e-switch's VF ports over devlink: each VF's port (its index, its representor, its
 * port function: hw_addr, capabilities, max_io_eqs) and the rate objects (a leaf per VF port,
 * named nodes with parents). The kernel's numbers for attributes newer than Debian 12's
 * headers are written out here.
 */
#include <stdbool.h>
#include <stdint.h>

#include "sys/devlink.h"

/* DEVLINK_PORT_FN_ATTR_CAP_*_BIT (Linux 6.3: roce, migratable; 6.6: ipsec). */
enum dlport_cap {
	DLPORT_CAP_ROCE,
	DLPORT_CAP_MIGRATABLE,
	DLPORT_CAP_IPSEC_CRYPTO,
	DLPORT_CAP_IPSEC_PACKET,
	_DLPORT_CAP_MAX,
};

struct dlport {
	unsigned index;	  /* DEVLINK_ATTR_PORT_INDEX */
	int pfnum, vfnum; /* a PCI VF port's; -1 for other ports */
	bool external;	  /* a VF of another host (SmartNIC): not this PF's own */
	char netdev[16];  /* its representor, "" if none */
	bool has_hw_addr; /* the driver reports the function's MAC */
	uint8_t hw_addr[6];
	uint32_t caps, caps_reported; /* value and selector of DEVLINK_PORT_FN_ATTR_CAPS */
	bool has_max_io_eqs;
	uint32_t max_io_eqs;
};

/* The ports of d that are its own VFs' (flavour pcivf, not external), in the order the kernel
 * dumps them. *ret is freed by the caller. */
int dlport_vf_ports(const struct devlink_dev *d, struct dlport **ret, unsigned *ret_n, char *msg,
		    size_t n);
const struct dlport *dlport_find_vf(const struct dlport *v, unsigned n, unsigned vf);
/* Why a devlink request failed, in words: the kernel's own (msg) when it gave them. */
const char *dlport_why(int r, const char *msg);

/* One attribute of a port function: the MAC, a capability, or max_io_eqs. */
enum dlport_fn_attr {
	DLPORT_FN_HW_ADDR,
	DLPORT_FN_CAP,
	DLPORT_FN_MAX_IO_EQS,
};
struct dlport_fn_set {
	unsigned port;
	enum dlport_fn_attr attr;
	uint8_t hw_addr[6];
	enum dlport_cap cap;
	bool on;
	uint32_t max_io_eqs;
};
int dlport_fn_set(const struct devlink_dev *d, const struct dlport_fn_set *s, char *msg, size_t n);
int dlport_fn_build(int fam, const struct devlink_dev *d, const struct dlport_fn_set *s, void **ret,
		    size_t *ret_len);

/* Rate objects: a leaf (a VF port's) or a node (a name). Unset values are 0 and no parent. */
#define DLRATE_NAME_MAX 64
enum dlrate_field {
	DLRATE_TX_SHARE,
	DLRATE_TX_MAX,
	DLRATE_TX_PRIORITY, /* Linux 6.5 */
	DLRATE_TX_WEIGHT,   /* Linux 6.5 */
	DLRATE_PARENT,
	_DLRATE_FIELD_MAX,
};
struct dlrate {
	bool node;
	unsigned port;		      /* a leaf's */
	char name[DLRATE_NAME_MAX];   /* a node's */
	uint64_t v[DLRATE_PARENT];    /* by enum dlrate_field: bytes per second, priority, weight */
	char parent[DLRATE_NAME_MAX]; /* "" for none */
};
int dlrate_list(const struct devlink_dev *d, struct dlrate **ret, unsigned *ret_n, char *msg,
		size_t n);

enum dlrate_op {
	DLRATE_SET, /* the fields in mask, of a leaf or an existing node */
	DLRATE_NEW, /* a node, with the fields in mask */
	DLRATE_DEL, /* a node */
};
struct dlrate_req {
	enum dlrate_op op;
	const struct dlrate *rate;
	unsigned mask; /* bit per enum dlrate_field */
};
int dlrate_send(const struct devlink_dev *d, const struct dlrate_req *q, char *msg, size_t n);
int dlrate_build(int fam, const struct devlink_dev *d, const struct dlrate_req *q, void **ret,
		 size_t *ret_len);
