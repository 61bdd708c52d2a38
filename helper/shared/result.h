/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What a step, a device or a command came to: the currency above negative errno. sys/ and
 * state/ return -errno; the level that knows the device logs that errno once and returns a
 * result; cmd/main.c alone turns the worst result of a run into the exit status (vio(8)).
 * Declared worse-last: when several devices are handled, the worst one wins. */
enum result {
	RESULT_OK,	    /* done, or nothing to do */
	RESULT_USAGE,	    /* bad command line or internal error */
	RESULT_POLICY,	    /* a policy file is invalid; the device was left as it is */
	RESULT_DEVICE,	    /* the device is not what it should be, or the kernel refused */
	RESULT_REFUSED,	    /* VFs are in use and the policy does not say force */
	RESULT_DRIFT,	    /* vio check: the system differs from the policy */
	RESULT_INTERRUPTED, /* a termination signal stopped the run at a step boundary */
};

static inline enum result result_worst(enum result a, enum result b)
{
	return a > b ? a : b;
}
