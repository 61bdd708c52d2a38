/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static bool log_syslog;
static int log_kmsg = -1;
static int log_max_prio = LOG_INFO;

void log_open(void)
{
	const char *t = secure_getenv("VIO_LOG_TARGET");

	/* Under udevd, stderr is a pipe nobody reads unless udev debug logging is on: the
	 * journal (or the kernel log). Under a systemd unit, the journal too. A person or a
	 * script gets stderr, terminal or not (vio check 2>&1 | ..., Ansible, CI). */
	log_syslog = t ? streq(t, "syslog")
		       : (getenv("SEQNUM") && getenv("ACTION")) || getenv("JOURNAL_STREAM");
	if (!log_syslog)
		return;
	/* No syslog socket (early initramfs, a bare udevd): the kernel log, as udevd does. */
	if (access("/dev/log", W_OK) < 0 && !(t && streq(t, "syslog")))
		log_kmsg = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (log_kmsg < 0)
		openlog(program_invocation_short_name, LOG_PID, LOG_DAEMON);
}

void log_set_max_level(int prio)
{
	log_max_prio = prio;
}

int log_get_max_level(void)
{
	return log_max_prio;
}

bool log_to_terminal(void)
{
	return !log_syslog;
}

int log_full_errno(int prio, int err, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (prio > log_max_prio)
		return -abs(err);

	va_start(ap, fmt);
	errno = abs(err); /* makes %m print err */
	if (log_kmsg >= 0) {
		char buf[1024];
		int n = snprintf(buf, sizeof(buf), "<%d>%s[%d]: ", LOG_DAEMON | prio,
				 program_invocation_short_name, (int)getpid());

		size_t len;

		vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
		/* Without '\n' printk holds the record open for a continuation: the last line
		 * of each run would surface late, or not at all. */
		len = strlen(buf);
		buf[len++] = '\n';
		(void)!write(log_kmsg, buf, len);
	} else if (log_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		fprintf(stderr, "%s: ", program_invocation_short_name);
		if (prio <= LOG_ERR)
			fputs("error: ", stderr);
		else if (prio == LOG_WARNING)
			fputs("warning: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
	errno = saved;
	return -abs(err);
}
