/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <signal.h>
#include <stddef.h>

#include "shared/interrupt.h"

static volatile sig_atomic_t got;

static void on_signal(int sig)
{
	if (!got)
		got = sig;
}

void interrupt_setup(void)
{
	/* SA_RESTART: a sysfs write or a netlink exchange in flight completes; the step it is
	 * part of is finished (or undone by its own failure path) before the run stops. */
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	static const int sigs[] = { SIGHUP, SIGINT, SIGTERM };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaction(sigs[i], &sa, NULL);
	(void)signal(SIGPIPE, SIG_IGN);
}

int interrupted(void)
{
	return got;
}
