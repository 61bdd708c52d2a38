/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/eswitch.h"
#include "sys/netlink.h"

/* What DEVLINK_CMD_ESWITCH_GET reports, and what a set sends: -1 for what a driver does not
 * report (netdevsim has the mode alone), or what is not to be sent. */
struct devlink_eswitch {
	int mode; /* enum eswitch_mode */
	int inline_mode;
	int encap;
};
#define DEVLINK_ESWITCH_NONE ((struct devlink_eswitch){ -1, -1, -1 })

/* A parameter's value as a policy sets it (its devlink = { } group); checked against what
 * the device reports before it is set. */
#define DEVLINK_NAME_MAX   64
#define DEVLINK_PARAMS_MAX 64
enum devlink_want_type {
	DEVLINK_WANT_INT,
	DEVLINK_WANT_BOOL,
	DEVLINK_WANT_STRING,
};

struct devlink_want {
	char name[DEVLINK_NAME_MAX];
	enum devlink_want_type type;
	unsigned long long u;
	bool b;
	char s[DEVLINK_NAME_MAX];
	unsigned line;
};

/* A devlink instance: "pci/0000:3b:00.0", "netdevsim/netdevsim10". */
struct devlink_dev {
	char bus[16];
	char name[64];
};

/* Configuration modes of a parameter (the kernel's enum devlink_param_cmode). */
enum devlink_cmode {
	DEVLINK_CMODE_RUNTIME,	  /* takes effect at once */
	DEVLINK_CMODE_DRIVERINIT, /* at the next reload of the driver */
	DEVLINK_CMODE_PERMANENT,  /* in the device's flash, at its next reset */
	_DEVLINK_CMODE_MAX,
};

/* A parameter as the device reports it. type is the netlink type (NLA_U8, NLA_U16, NLA_U32,
 * NLA_U64, NLA_STRING, NLA_FLAG for booleans); a value for each cmode it has. */
struct devlink_param {
	char name[DEVLINK_NAME_MAX];
	int type;
	unsigned cmodes; /* bit per enum devlink_cmode */
	struct {
		unsigned long long u;
		bool b;
		char s[DEVLINK_NAME_MAX];
	} value[_DEVLINK_CMODE_MAX];
};

/* Every libnl-genl call lives in devlink.c. Errors are negative errno as the kernel sent it,
 * with its reason (extended ACK) in msg when it gave one; -ENODEV: no such devlink instance,
 * -EPROTONOSUPPORT: the kernel has no devlink at all. */
int devlink_eswitch_get(const struct devlink_dev *d, enum eswitch_mode *ret, char *msg, size_t n);
int devlink_eswitch_set(const struct devlink_dev *d, enum eswitch_mode mode, char *msg, size_t n);
/* All three; a mode other than legacy and switchdev is -EBADMSG. */
int devlink_eswitch_read(const struct devlink_dev *d, struct devlink_eswitch *ret, char *msg,
			 size_t n);
/* The fields of want that are not -1, in one message: the kernel sets the mode, then the inline
 * mode, then the encap mode, stopping at the first the driver refuses. */
int devlink_eswitch_write(const struct devlink_dev *d, const struct devlink_eswitch *want,
			  char *msg, size_t n);
/* That message, as sent to family (for the unit tests); the caller frees *ret. */
int devlink_eswitch_build(int family, const struct devlink_dev *d,
			  const struct devlink_eswitch *want, void **ret, size_t *ret_len);
/* All parameters of the instance (freed by the caller). */
int devlink_params(const struct devlink_dev *d, struct devlink_param **ret, unsigned *ret_n,
		   char *msg, size_t n);
int devlink_param_set(const struct devlink_dev *d, const struct devlink_param *p,
		      enum devlink_cmode cmode, const struct devlink_want *w, char *msg, size_t n);
/* `devlink dev reload` (driver_reinit): driverinit values take effect. */
int devlink_reload(const struct devlink_dev *d, char *msg, size_t n);
const char *devlink_cmode_to_string(enum devlink_cmode c);
/* The parameter's value in cmode as policy text ("32", "true", "dmfs"). */
void devlink_value_format(const struct devlink_param *p, enum devlink_cmode c, char *buf, size_t n);
void devlink_close(void);

/* For the other devlink files (dlport.c): a request for d's instance whose attributes put()
 * adds after its handle, sent (an ACK awaited) or built as bytes (the unit tests); a dump of
 * cmd over every instance (kernels before 6.3 ignore a handle in a dump), each reply to fn,
 * which keeps those devlink_msg_is() says are d's. */
struct nl_msg;
struct nlattr;
typedef int (*devlink_put_fn)(struct nl_msg *m, const void *arg);
int devlink_send(const struct devlink_dev *d, uint8_t cmd, devlink_put_fn put, const void *arg,
		 char *msg, size_t n);
int devlink_build(int fam, const struct devlink_dev *d, uint8_t cmd, devlink_put_fn put,
		  const void *arg, void **ret, size_t *ret_len);
int devlink_dump(uint8_t cmd, netlink_reply_fn fn, void *data, char *msg, size_t n);
bool devlink_msg_is(struct nlattr **tb, const struct devlink_dev *d);
