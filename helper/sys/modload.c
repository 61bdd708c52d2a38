/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading kernel modules. Every libkmod call lives here; libkmod itself is dlopen()ed. */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <libkmod.h>

#include "shared/log.h"

#include "sys/modload.h"

#define SYMS(X)                                                                                    \
	X(kmod_new)                                                                                \
	X(kmod_unref)                                                                              \
	X(kmod_set_log_fn)                                                                         \
	X(kmod_set_log_priority)                                                                   \
	X(kmod_load_resources)                                                                     \
	X(kmod_module_new_from_lookup)                                                             \
	X(kmod_module_get_module)                                                                  \
	X(kmod_module_get_name)                                                                    \
	X(kmod_module_get_initstate)                                                               \
	X(kmod_module_probe_insert_module)                                                         \
	X(kmod_module_unref)                                                                       \
	X(kmod_module_unref_list)

#define DECLARE(f) static __typeof__(f) *sym_##f;
SYMS(DECLARE)

static struct kmod_ctx *ctx;

/* Adapter: libkmod's messages go to our log, without their trailing newline. */
static void kmod_log(void *data _unused_, int prio, const char *file _unused_, int line _unused_,
		     const char *fn _unused_, const char *fmt, va_list args)
{
	char buf[512];
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, args);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	log_full(prio, "libkmod: %s", buf);
}

static char load_error[256];

const char *modload_strerror(int r)
{
	return r == -ELIBACC ? load_error : strerror(-r);
}

static int modload_open(void)
{
	void *dl;

	if (ctx)
		return 0;
	dl = dlopen("libkmod.so.2", RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		snprintf(load_error, sizeof(load_error), "cannot load libkmod.so.2: %s", dlerror());
		return -ELIBACC;
	}
#define LOAD(f)                                                                                    \
	sym_##f = (__typeof__(f) *)dlsym(dl, #f);                                                  \
	if (!sym_##f) {                                                                            \
		snprintf(load_error, sizeof(load_error), "libkmod.so.2 has no %s", #f);            \
		return -ELIBACC;                                                                   \
	}
	SYMS(LOAD)
#undef LOAD

	ctx = sym_kmod_new(NULL, NULL);
	if (!ctx)
		return -ENOMEM;
	sym_kmod_set_log_fn(ctx, kmod_log, NULL);
	sym_kmod_set_log_priority(ctx, log_get_max_level());
	/* Without modules.dep (no modules for this kernel) lookups simply find nothing. */
	(void)sym_kmod_load_resources(ctx);
	return 0;
}

static void unref_listp(struct kmod_list **l)
{
	if (*l)
		sym_kmod_module_unref_list(*l);
}

int modload_resolve_alias(const char *modalias, char **ret_module)
{
	_cleanup_(unref_listp) struct kmod_list *list = NULL;
	int r;

	r = modload_open();
	if (r < 0)
		return r;
	r = sym_kmod_module_new_from_lookup(ctx, modalias, &list);
	if (r < 0)
		return r;
	if (!list)
		return -ENOENT;
	*ret_module = strdup(sym_kmod_module_get_name(sym_kmod_module_get_module(list)));
	return *ret_module ? 0 : -ENOMEM;
}

int modload_load(const char *name, bool native, char **ret_module)
{
	_cleanup_(unref_listp) struct kmod_list *list = NULL;
	struct kmod_module *mod;
	int r, state;

	r = modload_open();
	if (r < 0)
		return r;
	r = sym_kmod_module_new_from_lookup(ctx, name, &list);
	if (r < 0)
		return r;
	if (!list)
		return -ENOENT;
	mod = sym_kmod_module_get_module(list);
	if (ret_module) {
		*ret_module = strdup(sym_kmod_module_get_name(mod));
		if (!*ret_module) {
			sym_kmod_module_unref(mod);
			return -ENOMEM;
		}
	}
	state = sym_kmod_module_get_initstate(mod);
	if (state == KMOD_MODULE_LIVE || state == KMOD_MODULE_BUILTIN ||
	    state == KMOD_MODULE_COMING) {
		sym_kmod_module_unref(mod);
		return 0;
	}
	/* An explicitly named driver is loaded even when blacklisted, as modprobe NAME does; a
	 * native driver found from the VF's modalias is not, as modprobe ALIAS does. */
	r = sym_kmod_module_probe_insert_module(mod, native ? KMOD_PROBE_APPLY_BLACKLIST : 0, NULL,
						NULL, NULL, NULL);
	sym_kmod_module_unref(mod);
	if (r == KMOD_PROBE_APPLY_BLACKLIST)
		r = -EPERM;
	if (r < 0 && ret_module) {
		free(*ret_module);
		*ret_module = NULL;
	}
	return r < 0 ? r : 1;
}
