/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Other network namespaces: where a VF's interface went (a container's, a pod's). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/util.h"

#include "sys/netlink.h"
#include "sys/netns.h"

#define SEEN_MAX 1024

struct search {
	const char *bus, *dev;
	ino_t self;
	ino_t seen[SEEN_MAX];
	unsigned n_seen;
	struct netns_where *ret;
	int err; /* the first error other than "not in this one" */
};

/* Looks in the namespace of path (once per namespace); 1 found, 0 not there. */
static int look(struct search *s, const char *path, const char *name, pid_t pid)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char ifname[16];
	struct stat st;
	int r;

	if (fd < 0 || fstat(fd, &st) < 0 || st.st_ino == s->self)
		return 0;
	for (unsigned i = 0; i < s->n_seen; i++)
		if (s->seen[i] == st.st_ino)
			return 0;
	if (s->n_seen < SEEN_MAX)
		s->seen[s->n_seen++] = st.st_ino;
	r = netlink_find_by_parent(fd, s->bus, s->dev, ifname);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		if (!s->err)
			s->err = r;
		return 0;
	}
	*s->ret = (struct netns_where){ .inode = st.st_ino, .pid = pid };
	snprintf(s->ret->name, sizeof(s->ret->name), "%s", name ?: "");
	snprintf(s->ret->ifname, sizeof(s->ret->ifname), "%s", ifname);
	return 1;
}

/* A process in the namespace found, for people to find it by (the first one listed). */
static void find_pid(struct netns_where *w)
{
	_cleanup_(closedirp) DIR *proc = opendir("/proc");
	struct dirent *de;

	while (proc && (de = readdir(proc))) {
		_cleanup_free_ char *comm = NULL;
		char p[PATH_MAX];
		struct stat st;
		unsigned pid;

		if (parse_unsigned(de->d_name, INT_MAX, &pid) < 0)
			continue;
		snprintf(p, sizeof(p), "/proc/%u/ns/net", pid);
		if (stat(p, &st) < 0 || st.st_ino != w->inode)
			continue;
		w->pid = (pid_t)pid;
		snprintf(p, sizeof(p), "/proc/%u/comm", pid);
		if (read_one_line(p, &comm) >= 0)
			snprintf(w->comm, sizeof(w->comm), "%s", comm);
		return;
	}
}

int netns_find_device(const char *bus, const char *dev, struct netns_where *ret)
{
	_cleanup_(closedirp) DIR *named = NULL, *proc = NULL;
	struct search *s;
	struct dirent *de;
	struct stat st;
	int r = -ENOENT;

	if (geteuid() != 0)
		return -EPERM; /* setns(2) needs CAP_SYS_ADMIN */
	if (stat("/proc/self/ns/net", &st) < 0)
		return -errno;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	*s = (struct search){ .bus = bus, .dev = dev, .self = st.st_ino, .ret = ret };
	named = opendir("/run/netns");
	while (named && (de = readdir(named))) {
		char p[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/run/netns/%s", de->d_name);
		if (look(s, p, de->d_name, 0) > 0) {
			find_pid(ret);
			r = 0;
			goto out;
		}
	}
	proc = opendir("/proc");
	while (proc && (de = readdir(proc))) {
		char p[PATH_MAX];
		unsigned pid;

		if (parse_unsigned(de->d_name, INT_MAX, &pid) < 0)
			continue;
		snprintf(p, sizeof(p), "/proc/%u/ns/net", pid);
		if (look(s, p, NULL, (pid_t)pid) > 0) {
			_cleanup_free_ char *comm = NULL;

			snprintf(p, sizeof(p), "/proc/%u/comm", pid);
			if (read_one_line(p, &comm) >= 0)
				snprintf(ret->comm, sizeof(ret->comm), "%s", comm);
			r = 0;
			goto out;
		}
	}
	if (s->err)
		r = s->err;
out:
	free(s);
	return r;
}

const char *netns_describe(const struct netns_where *w, char *buf, size_t n)
{
	char name[128], comm[64];

	if (w->name[0])
		snprintf(buf, n, "net:[%llu] (ip netns %s)", w->inode,
			 text_escape(w->name, name, sizeof(name)));
	else if (w->pid)
		snprintf(buf, n, "net:[%llu] (pid %d, %s)", w->inode, (int)w->pid,
			 text_escape(w->comm, comm, sizeof(comm)));
	else
		snprintf(buf, n, "net:[%llu]", w->inode);
	return buf;
}
