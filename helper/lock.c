/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-PF lock (see lock.h): flock(2) on a file per PF under the runtime directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/log.h"
#include "lock.h"

const char *runtime_dir(void)
{
	const char *d = secure_getenv("VIO_RUNTIME_DIR");

	return d && d[0] == '/' ? d : "/run/vio";
}

static int open_lock_file(const char *pf_addr, const char *suffix, int *ret)
{
	char p[PATH_MAX];
	int fd;

	if (strchr(pf_addr, '/') || pf_addr[0] == '.')
		return -EINVAL;
	if (mkdir(runtime_dir(), 0755) < 0 && errno != EEXIST)
		return neg_errno();
	snprintf(p, sizeof(p), "%s/lock", runtime_dir());
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		return neg_errno();
	if (snprintf(p, sizeof(p), "%s/lock/%s%s", runtime_dir(), pf_addr, suffix) >=
	    (int)sizeof(p))
		return -ENAMETOOLONG;
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
	if (fd < 0 && (errno == EACCES || errno == EROFS))
		fd = open(p,
			  O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY); /* flock needs no write */
	if (fd < 0)
		return neg_errno();
	*ret = fd;
	return 0;
}

static void on_alarm(int sig _unused_)
{
}

/* flock(fd, op), giving up after timeout_s seconds (SIGALRM interrupts the wait). */
static int flock_wait(int fd, int op, unsigned timeout_s)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	int r;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, &old) < 0)
		return neg_errno();
	alarm(timeout_s);
	r = flock(fd, op) < 0 ? neg_errno() : 0;
	alarm(0);
	(void)sigaction(SIGALRM, &old, NULL);
	return r == -EINTR ? -ETIMEDOUT : r;
}

static pid_t holder(int fd)
{
	char buf[16] = {};

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		return 0;
	return (pid_t)strtol(buf, NULL, 10);
}

/* Takes op on fd; says so when another run holds it, and when it gives up. */
static int take(const char *pf_addr, int fd, int op)
{
	pid_t pid;
	int r;

	if (flock(fd, op | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return neg_errno();
	pid = holder(fd);
	log_info("%s: another vio run (pid %d) is handling this PF, waiting up to %u s", pf_addr,
		 (int)pid, PF_LOCK_TIMEOUT_S);
	r = flock_wait(fd, op, PF_LOCK_TIMEOUT_S);
	if (r == -ETIMEDOUT)
		return log_error_errno(
		    r, "%s: gave up after %u s waiting for the vio run (pid %d) holding this PF",
		    pf_addr, PF_LOCK_TIMEOUT_S, (int)pid);
	return r;
}

int pf_lock_take(const char *pf_addr, enum pf_lock_mode mode, struct pf_lock *ret)
{
	struct pf_lock l = PF_LOCK_INIT;
	char pid[16];
	int r, n;

	r = open_lock_file(pf_addr, "", &l.fd);
	if (r < 0 && mode == PF_LOCK_READ && (r == -EACCES || r == -EROFS || r == -EPERM)) {
		/* Reading as a user who may not create the lock: no change can come from us. */
		log_debug("%s: cannot create the PF's lock (%s), reading without it", pf_addr,
			  strerror(-r));
		*ret = l;
		return 0;
	}
	if (r < 0)
		return log_error_errno(r, "%s: cannot open the PF's lock in %s/lock: %m", pf_addr,
				       runtime_dir());
	if (mode == PF_LOCK_SWEEP || mode == PF_LOCK_VF) {
		r = open_lock_file(pf_addr, ".sweep", &l.sweep_fd);
		if (r < 0) {
			pf_lock_release(&l);
			return log_error_errno(r, "%s: cannot open the PF's lock in %s/lock: %m",
					       pf_addr, runtime_dir());
		}
	}

	switch (mode) {
	case PF_LOCK_READ:
		r = take(pf_addr, l.fd, LOCK_SH);
		break;
	case PF_LOCK_SWEEP:
		/* Announce the sweep first: VF events that find the PF busy then leave it to us. */
		r = take(pf_addr, l.sweep_fd, LOCK_SH);
		if (r >= 0)
			r = take(pf_addr, l.fd, LOCK_EX);
		break;
	case PF_LOCK_PF:
		r = take(pf_addr, l.fd, LOCK_EX);
		break;
	case PF_LOCK_VF:
		if (flock(l.fd, LOCK_EX | LOCK_NB) == 0) {
			r = 0;
			break;
		}
		if (flock(l.sweep_fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
			log_debug("%s: a vio run (pid %d) is configuring this PF and all its VFs",
				  pf_addr, (int)holder(l.fd));
			pf_lock_release(&l);
			return 1;
		}
		/* No sweep coming: the holder is another VF's event, which is quick. */
		(void)flock(l.sweep_fd, LOCK_UN);
		r = take(pf_addr, l.fd, LOCK_EX);
		break;
	}
	if (r < 0) {
		pf_lock_release(&l);
		return r;
	}
	if (mode != PF_LOCK_READ) {
		/* Who holds it, for the message of the run that has to wait. */
		n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
		if (ftruncate(l.fd, 0) < 0 || pwrite(l.fd, pid, n, 0) != n)
			log_debug("%s: cannot note the lock's holder: %m", pf_addr);
	}
	*ret = l;
	return 0;
}

void pf_lock_release(struct pf_lock *l)
{
	/* The PF lock first: a VF event that then finds it free needs no sweep. */
	if (l->fd >= 0)
		close(l->fd);
	if (l->sweep_fd >= 0)
		close(l->sweep_fd);
	*l = PF_LOCK_INIT;
}

int pf_lock_busy(const char *pf_addr)
{
	const char *const suffixes[] = { "", ".sweep" };
	char p[PATH_MAX];

	for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
		int fd, busy;

		snprintf(p, sizeof(p), "%s/lock/%s%s", runtime_dir(), pf_addr, suffixes[i]);
		fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue; /* never locked */
		busy = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
		close(fd);
		if (busy)
			return 1;
	}
	return 0;
}
