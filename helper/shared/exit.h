/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Exit codes, documented in vio(8). Larger is worse when several devices are handled: each
 * layer returns one, cmd/main.c alone turns the worst into the process's exit status. */
enum {
	EXIT_OK = 0,	      /* done, or nothing to do */
	EXIT_USAGE = 1,	      /* bad command line or internal error */
	EXIT_POLICY = 2,      /* a policy file is invalid; the device was left as it is */
	EXIT_DEVICE = 3,      /* the device is not what it should be, or the kernel refused */
	EXIT_REFUSED = 4,     /* VFs are in use and the policy does not say force */
	EXIT_DRIFT = 5,	      /* vio check: the system differs from the policy */
	EXIT_INTERRUPTED = 6, /* a termination signal stopped the run at a step boundary */
};

static inline int exit_worst(int a, int b)
{
	return a > b ? a : b;
}
