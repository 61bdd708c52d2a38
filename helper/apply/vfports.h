/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "core/policy.h"
#include "sys/dlport.h"

/* A switchdev PF's VF ports (devlink), read once per run and shared by its steps. */
struct vfports {
	struct devlink_dev dev;
	bool read;
	int err;
	char msg[256]; /* the kernel's reason when the read failed */
	struct dlport *v;
	unsigned n;
};
extern struct vfports vfports;

/* Reads the PF's VF ports (again when fresh, or for another PF); the kernel's errno. */
int vfports_read(const struct pf_facts *f, bool fresh);
void vfports_close(void);
/* Why a devlink request failed, in words: the kernel's own when it gave them. */
const char *vfports_why(int r, const char *msg);
