/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libnl-3 and libnl-genl-3 through dlopen() (nldl.h). */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "shared/log.h"

#include "sys/nldl.h"

#define NLDL_DEFINE(f) __typeof__(f) *nldl_##f;
NLDL_SYMS(NLDL_DEFINE)
#undef NLDL_DEFINE

static char load_error[256];
static int loaded; /* 1 loaded, negative errno when it failed (said once per run) */

static int load(void)
{
	void *dl;

	/* libnl-genl-3 needs libnl-3: dlsym() on its handle finds the symbols of both. */
	dl = dlopen("libnl-genl-3.so.200", RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		snprintf(load_error, sizeof(load_error), "cannot load libnl-genl-3.so.200: %s",
			 dlerror());
		return loaded = -ELIBACC;
	}
#define LOAD(f)                                                                                    \
	nldl_##f = (__typeof__(f) *)dlsym(dl, #f);                                                 \
	if (!nldl_##f) {                                                                           \
		snprintf(load_error, sizeof(load_error), "libnl has no %s", #f);                   \
		return loaded = -ELIBACC;                                                          \
	}
	NLDL_SYMS(LOAD)
#undef LOAD
	loaded = 1;
	return 0;
}

int nldl_load(void)
{
	int r;

	if (loaded)
		return loaded > 0 ? 0 : loaded;
	r = load();
	/* Not a device's problem but the host's: said once, where it is known. */
	if (r < 0)
		log_error("%s: no netlink (VF settings, interfaces, devlink) in this run",
			  load_error);
	return r;
}
