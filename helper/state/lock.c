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
#include <sys/sysmacros.h>
#include <unistd.h>

#include "shared/interrupt.h"
#include "shared/log.h"

#include "state/lock.h"
#include "state/runtime.h"

static int open_lock_file(const char *pf_addr, const char *suffix, int *ret)
{
	char p[PATH_MAX];
	struct stat st;
	int fd, r;

	if (strchr(pf_addr, '/') || pf_addr[0] == '.')
		return -EINVAL;
	r = runtime_mkdir(runtime_dir(), 0755);
	if (r < 0)
		return r;
	/* Root's alone: flock(2) needs only a descriptor, and whoever can open a lock can make
	 * every run on the PF wait. Others read without it (pf_lock_take). */
	snprintf(p, sizeof(p), "%s/lock", runtime_dir());
	r = runtime_mkdir(p, 0700);
	if (r < 0)
		return r;
	if (snprintf(p, sizeof(p), "%s/lock/%s%s", runtime_dir(), pf_addr, suffix) >=
	    (int)sizeof(p))
		return -ENAMETOOLONG;
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0)
		return neg_errno();
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() ||
	    ((st.st_mode & 077) && fchmod(fd, 0600) < 0)) {
		close(fd);
		return -EPERM;
	}
	*ret = fd;
	return 0;
}

static void on_alarm(int sig _unused_)
{
}

/* flock(fd, op), giving up after timeout_s seconds or at a termination signal: SIGALRM
 * interrupts the wait each second to look. */
static int flock_wait(int fd, int op, unsigned timeout_s)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	int r = -ETIMEDOUT;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, &old) < 0)
		return neg_errno();
	for (unsigned s = 0; s < timeout_s; s++) {
		if (interrupted()) {
			r = -EINTR;
			break;
		}
		alarm(1);
		r = flock(fd, op) < 0 ? neg_errno() : 0;
		alarm(0);
		if (r != -EINTR)
			break;
		r = -ETIMEDOUT;
	}
	(void)sigaction(SIGALRM, &old, NULL);
	return r;
}

/* Who holds the lock on fd: /proc/locks names the process of each flock(2), by inode. */
static pid_t holder(int fd)
{
	_cleanup_fclose_ FILE *f = NULL;
	char line[256];
	struct stat st;

	if (fstat(fd, &st) < 0)
		return 0;
	f = fopen("/proc/locks", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		unsigned long long ino;
		int pid;

		/* "1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF" */
		if (!strstr(line, " FLOCK ") || strstr(line, "->") || /* "->": a waiter */
		    sscanf(strstr(line, " FLOCK ") + 7, "%*s %*s %d %x:%x:%llu", &pid, &maj, &min,
			   &ino) != 4)
			continue;
		if (ino == (unsigned long long)st.st_ino && maj == major(st.st_dev) &&
		    min == minor(st.st_dev) && pid > 0 && pid != getpid())
			return pid;
	}
	return 0;
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
	if (pid > 0)
		log_info("%s: another vio run (pid %d) is handling this PF, waiting up to %u s",
			 pf_addr, (int)pid, PF_LOCK_TIMEOUT_S);
	else
		log_info("%s: another vio run is handling this PF, waiting up to %u s", pf_addr,
			 PF_LOCK_TIMEOUT_S);
	r = flock_wait(fd, op, PF_LOCK_TIMEOUT_S);
	if (r == -ETIMEDOUT) {
		pid = holder(fd) ?: pid;
		if (pid > 0)
			return log_error_errno(
			    r,
			    "%s: gave up after %u s waiting for the vio run (pid %d) holding this PF",
			    pf_addr, PF_LOCK_TIMEOUT_S, (int)pid);
		return log_error_errno(r, "%s: gave up after %u s waiting for this PF's lock",
				       pf_addr, PF_LOCK_TIMEOUT_S);
	}
	if (r == -EINTR)
		return log_error_errno(r, "%s: interrupted while waiting for this PF's lock",
				       pf_addr);
	return r;
}

int pf_lock_take(const char *pf_addr, enum pf_lock_mode mode, struct pf_lock *ret)
{
	struct pf_lock l = PF_LOCK_INIT;
	int r;

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
	case PF_LOCK_TRY:
		r = flock(l.fd, LOCK_EX | LOCK_NB) < 0 ? neg_errno() : 0;
		break;
	case PF_LOCK_VF:
		if (flock(l.fd, LOCK_EX | LOCK_NB) == 0) {
			r = 0;
			break;
		}
		if (flock(l.sweep_fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
			log_debug("%s: a vio run (pid %d) is configuring this PF and all its VFs",
				  pf_addr, (int)holder(l.sweep_fd));
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

/* $RUNTIME/lock/PF.deferred: "N\n" per VF event that left its VF to a PF-wide run. */
static int deferred_path(const char *pf_addr, char *buf, size_t n)
{
	if (strchr(pf_addr, '/') || pf_addr[0] == '.')
		return -EINVAL;
	if (snprintf(buf, n, "%s/lock/%s.deferred", runtime_dir(), pf_addr) >= (int)n)
		return -ENAMETOOLONG;
	return 0;
}

int pf_lock_defer(const char *pf_addr, unsigned index)
{
	_cleanup_close_ int fd = -1;
	char p[PATH_MAX], line[16];
	int n, r = deferred_path(pf_addr, p, sizeof(p));

	if (r < 0)
		return r;
	fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0)
		return neg_errno();
	n = snprintf(line, sizeof(line), "%u\n", index);
	/* One short O_APPEND write: whole, whoever else appends. */
	return write(fd, line, n) == n ? 0 : -EIO;
}

bool pf_lock_has_deferred(const char *pf_addr)
{
	char p[PATH_MAX];

	return deferred_path(pf_addr, p, sizeof(p)) >= 0 && access(p, F_OK) == 0;
}

int pf_lock_claim_deferred(const char *pf_addr, bool *ret, unsigned n)
{
	_cleanup_fclose_ FILE *f = NULL;
	char p[PATH_MAX], mine[PATH_MAX + 16];
	unsigned i, k = 0;
	int r = deferred_path(pf_addr, p, sizeof(p));

	if (r < 0)
		return r;
	snprintf(mine, sizeof(mine), "%s.%d", p, (int)getpid());
	/* Renamed first: what is appended from now on is for the next run to claim. */
	if (rename(p, mine) < 0)
		return errno == ENOENT ? 0 : neg_errno();
	f = fopen(mine, "re");
	(void)unlink(mine);
	if (!f)
		return neg_errno();
	while (fscanf(f, "%u", &i) == 1)
		if (i < n && !ret[i]) {
			ret[i] = true;
			k++;
		}
	return (int)k;
}

int pf_lock_sweep_busy(const char *pf_addr)
{
	char p[PATH_MAX];
	int fd, busy;

	snprintf(p, sizeof(p), "%s/lock/%s.sweep", runtime_dir(), pf_addr);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	busy = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return busy;
}
