/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f)	 __attribute__((cleanup(f)))
#define _cleanup_free_	 _cleanup_(freep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_close_	 _cleanup_(closep)
#define _printf_(a, b)	 __attribute__((format(printf, a, b)))
#define _unused_	 __attribute__((unused))

#define ELEMENTSOF(x)	(sizeof(x) / sizeof((x)[0]))
#define streq(a, b)	(strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

/* foo_unref(T *) -> foo_unrefp(T **), for use with _cleanup_(). */
#define DEFINE_POINTER_CLEANUP(type, fn)                                                           \
	static inline _unused_ void fn##p(type **p)                                                \
	{                                                                                          \
		if (*p)                                                                            \
			fn(*p);                                                                    \
	}

/* Move ownership out of a _cleanup_ variable. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p = (p);                                                            \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})

/* errno after a libc call that failed, never 0: "return neg_errno();" */
static inline int neg_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

static inline const char *strempty(const char *s)
{
	return s ? s : "";
}
