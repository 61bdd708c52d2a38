/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <syslog.h>

#include "shared/macro.h"

void log_open(void);
void log_set_max_level(int prio);
int log_get_max_level(void);
bool log_to_terminal(void);
/* The first error logged (escaped) since log_forget_errors(): the cause; "" when none. */
const char *log_first_error(void);
void log_forget_errors(void);
/* While on, a message already logged is not logged again (a command that polls). */
void log_set_once(bool once);

/* Logs at prio and returns -abs(err), so "return log_error_errno(r, ...)" works; %m prints err. */
_printf_(3, 4) int log_full_errno(int prio, int err, const char *fmt, ...);

#define log_full(prio, ...)	  ((void)log_full_errno((prio), 0, __VA_ARGS__))
#define log_debug(...)		  log_full(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)		  log_full(LOG_INFO, __VA_ARGS__)
#define log_notice(...)		  log_full(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...)	  log_full(LOG_WARNING, __VA_ARGS__)
#define log_error(...)		  log_full(LOG_ERR, __VA_ARGS__)
#define log_debug_errno(e, ...)	  log_full_errno(LOG_DEBUG, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...)	  log_full_errno(LOG_ERR, (e), __VA_ARGS__)
#define log_oom()		  log_error_errno(ENOMEM, "Out of memory.")
