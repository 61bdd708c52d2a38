/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <time.h>

#include "shared/util.h"

/*
 * What the last run that handled a PF left, for tools that do not run vio: one small file per
 * PF, $VIO_RUNTIME_DIR/status/PF (default /run/vio/status), "key=value" lines, replaced whole
 * (rename) so a reader never sees half of one. PF-wide runs (the PF event, apply, the
 * vio-pf@ unit) always write it; a VF event only when it fails.
 */
/* exit of a PF-wide run still in progress, or killed before it could say how it ended. */
#define STATUS_RUNNING (-1)

struct pf_status {
	char pf[PCI_ADDR_MAX];
	char policy[256]; /* "" when none applies */
	char run[32];	  /* "pf-event", "vf-event N", "apply", "unit" */
	int exit;	  /* the run's result (its exit status, vio(8)), or STATUS_RUNNING */
	int pid;	  /* the run's process */
	char error[512];  /* the last error it logged, "" when none */
	long long time;	  /* seconds since the epoch */
	unsigned vfs_wanted, vfs;
};

const char *status_result(int exit_code);
void status_write(const struct pf_status *s);
/* 0, -ENOENT when there is none, or another negative errno. */
int status_read(const char *pf_addr, struct pf_status *ret);
/* Every status file, sorted by PF address (the caller frees). */
int status_read_all(struct pf_status **ret, unsigned *ret_n);
