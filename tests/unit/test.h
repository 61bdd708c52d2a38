/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Failures report file:line; each test binary prints "N passed, M failed". */
static unsigned t_passed, t_failed;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (cond) {                                                                        \
			t_passed++;                                                                \
		} else {                                                                           \
			t_failed++;                                                                \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
		}                                                                                  \
	} while (0)

#define CHECK_STREQ(a, b)                                                                          \
	do {                                                                                       \
		const char *_a = (a), *_b = (b);                                                   \
		if (_a && _b && strcmp(_a, _b) == 0) {                                             \
			t_passed++;                                                                \
		} else {                                                                           \
			t_failed++;                                                                \
			fprintf(stderr, "%s:%d: '%s' != '%s' (%s)\n", __FILE__, __LINE__,          \
				_a ? _a : "(null)", _b ? _b : "(null)", #a);                       \
		}                                                                                  \
	} while (0)

static inline int test_finish(void)
{
	printf("%u passed, %u failed\n", t_passed, t_failed);
	return t_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
