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

/* Control characters from arguments or policy strings would forge or split log lines. */
static void escape(const char *in, char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *in && o + 5 < n; in++) {
		unsigned char c = *in;

		if (c < 0x20 || c == 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = c;
		}
	}
	out[o] = '\0';
}

static char last_error[512];

const char *log_last_error(void)
{
	return last_error;
}

void log_forget_errors(void)
{
	last_error[0] = '\0';
}

int log_full_errno(int prio, int err, const char *fmt, ...)
{
	int saved = errno;
	char msg[1024], esc[2048];
	va_list ap;

	if (prio > log_max_prio)
		return -abs(err);

	va_start(ap, fmt);
	errno = abs(err); /* makes %m print err */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	escape(msg, esc, sizeof(esc));
	if (prio <= LOG_ERR)
		snprintf(last_error, sizeof(last_error), "%.*s", (int)sizeof(last_error) - 1, esc);
	if (log_kmsg >= 0) {
		char buf[2100];
		/* Without '\n' printk holds the record open for a continuation: the last line
		 * of each run would surface late, or not at all. */
		int n = snprintf(buf, sizeof(buf), "<%d>%s[%d]: %s\n", LOG_DAEMON | prio,
				 program_invocation_short_name, (int)getpid(), esc);

		(void)!write(log_kmsg, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	} else if (log_syslog) {
		syslog(prio, "%s", esc);
	} else {
		fprintf(stderr, "%s: %s%s\n", program_invocation_short_name,
			prio <= LOG_ERR	      ? "error: "
			: prio == LOG_WARNING ? "warning: "
					      : "",
			esc);
	}
	errno = saved;
	return -abs(err);
}
