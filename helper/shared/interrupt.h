/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Termination signals (SIGHUP, SIGINT, SIGTERM) do not kill vio: they are noted, and the work
 * stops at the next step boundary (see apply.c and vio(8), "Interrupted runs"). SIGPIPE is
 * ignored: output that nobody reads any more never stops the work.
 */
void interrupt_setup(void);
/* The first termination signal received, 0 when none. */
int interrupted(void);
