/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Status files: what the last run left for each PF (status.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/result.h"
#include "shared/util.h"

#include "state/lock.h"
#include "state/runtime.h"
#include "state/status.h"

const char *status_result(int exit_code)
{
	switch (exit_code) {
	case RESULT_OK:
		return "ok";
	case RESULT_POLICY:
		return "policy-error";
	case RESULT_DEVICE:
		return "device-error";
	case RESULT_REFUSED:
		return "refused";
	case RESULT_DRIFT:
		return "drift";
	case RESULT_INTERRUPTED:
		return "interrupted";
	case STATUS_RUNNING:
		return "running";
	default:
		return "error";
	}
}

void status_write(const struct pf_status *s)
{
	char dir[PATH_MAX - 64], p[PATH_MAX], tmp[PATH_MAX];
	FILE *f;

	snprintf(dir, sizeof(dir), "%.*s/status", (int)sizeof(dir) - 8, runtime_dir());
	if (runtime_mkdir(runtime_dir(), 0755) < 0 || runtime_mkdir(dir, 0755) < 0) {
		log_debug_errno(errno, "%s: cannot write its status in %s: %m", s->pf, dir);
		return;
	}
	snprintf(p, sizeof(p), "%s/%s", dir, s->pf);
	snprintf(tmp, sizeof(tmp), "%s/.%s.%d", dir, s->pf, (int)getpid());
	f = fopen(tmp, "we");
	if (!f) {
		log_debug_errno(errno, "%s: cannot write its status in %s: %m", s->pf, dir);
		return;
	}
	fprintf(
	    f,
	    "pf=%s\npolicy=%s\nrun=%s\nresult=%s\nexit=%d\nerror=%s\ntime=%lld\nvfs_wanted=%u\nvfs=%u\npid=%d\n",
	    s->pf, s->policy, s->run, status_result(s->exit), s->exit, s->error, s->time,
	    s->vfs_wanted, s->vfs, s->pid);
	if (fclose(f) != 0 || rename(tmp, p) < 0) {
		log_debug_errno(errno, "%s: cannot write its status in %s: %m", s->pf, dir);
		(void)unlink(tmp);
	}
}

static int read_file(const char *path, struct pf_status *ret)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[1024];

	if (!f)
		return neg_errno();
	*ret = (struct pf_status){};
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '='), *v;

		if (!eq)
			continue;
		*eq = '\0';
		v = eq + 1;
		v[strcspn(v, "\n")] = '\0';
		if (streq(line, "pf"))
			snprintf(ret->pf, sizeof(ret->pf), "%s", v);
		else if (streq(line, "policy"))
			snprintf(ret->policy, sizeof(ret->policy), "%s", v);
		else if (streq(line, "run"))
			snprintf(ret->run, sizeof(ret->run), "%s", v);
		else if (streq(line, "exit"))
			ret->exit = atoi(v);
		else if (streq(line, "error"))
			snprintf(ret->error, sizeof(ret->error), "%s", v);
		else if (streq(line, "time"))
			ret->time = atoll(v);
		else if (streq(line, "vfs_wanted"))
			ret->vfs_wanted = (unsigned)atoi(v);
		else if (streq(line, "vfs"))
			ret->vfs = (unsigned)atoi(v);
		else if (streq(line, "pid"))
			ret->pid = atoi(v);
	}
	return ret->pf[0] ? 0 : -EBADMSG;
}

int status_read(const char *pf_addr, struct pf_status *ret)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/status/%s", runtime_dir(), pf_addr);
	return read_file(p, ret);
}

static int by_pf(const void *a, const void *b)
{
	return strcmp(((const struct pf_status *)a)->pf, ((const struct pf_status *)b)->pf);
}

int status_read_all(struct pf_status **ret, unsigned *ret_n)
{
	_cleanup_(closedirp) DIR *d = NULL;
	struct pf_status *v = NULL, *grown;
	struct dirent *de;
	unsigned n = 0;
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/status", runtime_dir());
	d = opendir(p);
	if (!d) {
		*ret = NULL;
		*ret_n = 0;
		return errno == ENOENT ? 0 : neg_errno();
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		grown = reallocarray(v, n + 1, sizeof(*v));
		if (!grown) {
			free(v);
			return -ENOMEM;
		}
		v = grown;
		snprintf(p, sizeof(p), "%s/status/%s", runtime_dir(), de->d_name);
		if (read_file(p, &v[n]) >= 0)
			n++;
	}
	if (n)
		qsort(v, n, sizeof(*v), by_pf);
	*ret = v;
	*ret_n = n;
	return 0;
}
