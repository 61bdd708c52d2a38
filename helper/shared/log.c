/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/util.h"

static bool log_syslog;
static int log_kmsg = -1;
static int log_max_prio = LOG_INFO;
/* VIO_LOG_TIME=1: each line on stderr says when, in ms since vio started (where time goes). */
static long long log_t0 = -1;

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

void log_open(void)
{
	const char *t = secure_getenv("VIO_LOG_TARGET"), *tm = secure_getenv("VIO_LOG_TIME");

	if (tm && streq(tm, "1"))
		log_t0 = now_us();

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

static char last_error[512];

/* Each message once (vio wait polls): the hashes of those already said. */
static bool log_once;
static unsigned long long said[256];
static unsigned n_said;

void log_set_once(bool once)
{
	log_once = once;
	n_said = 0;
}

static bool said_before(const char *msg)
{
	unsigned long long h = 1469598103934665603ULL; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	for (unsigned i = 0; i < n_said; i++)
		if (said[i] == h)
			return true;
	if (n_said < ELEMENTSOF(said))
		said[n_said++] = h;
	return false;
}

const char *log_first_error(void)
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
	errno = err ? abs(err) : saved; /* makes %m print err (tests/lint-log.py: never without) */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Control characters from arguments or policy strings would forge or split log
	 * lines; bytes that are not UTF-8 would make the journal keep it as a blob. */
	text_escape(msg, esc, sizeof(esc));
	if (log_once && said_before(esc)) {
		errno = saved;
		return -abs(err);
	}
	/* The first error is the cause; what follows is often only its consequence. */
	if (prio <= LOG_ERR && !last_error[0])
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
		if (log_t0 >= 0)
			fprintf(stderr, "[%8.1f ms] ", (now_us() - log_t0) / 1000.0);
		fprintf(stderr, "%s: %s%s\n", program_invocation_short_name,
			prio <= LOG_ERR	      ? "error: "
			: prio == LOG_WARNING ? "warning: "
					      : "",
			esc);
	}
	errno = saved;
	return -abs(err);
}
