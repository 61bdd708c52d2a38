/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/macro.h"

#include "state/lock.h"
#include "state/runtime.h"
#include "state/record.h"

void record_free(char **names)
{
	for (char **n = names; n && *n; n++)
		free(*n);
	free(names);
}

int record_read(const char *kind, const char *pf, char ***ret)
{
	char p[PATH_MAX], line[256];
	char **v = calloc(1, sizeof(*v));
	unsigned n = 0;
	FILE *f;

	if (!v)
		return -ENOMEM;
	snprintf(p, sizeof(p), "%s/%s/%s", runtime_dir(), kind, pf);
	f = fopen(p, "re");
	if (!f) {
		*ret = v;
		return errno == ENOENT ? 0 : -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char **grown;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		grown = reallocarray(v, n + 2, sizeof(*v));
		if (!grown || !(grown[n] = strdup(line))) {
			fclose(f);
			record_free(grown ?: v);
			return -ENOMEM;
		}
		v = grown;
		v[++n] = NULL;
	}
	fclose(f);
	*ret = v;
	return 0;
}

int record_write(const char *kind, const char *pf, char *const *names)
{
	char dir[PATH_MAX - 64], p[PATH_MAX], tmp[PATH_MAX];
	FILE *f;

	snprintf(dir, sizeof(dir), "%.*s/%s", (int)sizeof(dir) - 32, runtime_dir(), kind);
	if (runtime_mkdir(runtime_dir(), 0755) < 0 || runtime_mkdir(dir, 0755) < 0)
		return -errno;
	snprintf(p, sizeof(p), "%s/%s", dir, pf);
	if (!names || !names[0])
		return unlink(p) < 0 && errno != ENOENT ? -errno : 0;
	snprintf(tmp, sizeof(tmp), "%s/.%s.%d", dir, pf, (int)getpid());
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (char *const *n = names; *n; n++)
		fprintf(f, "%s\n", *n);
	if (fclose(f) != 0 || rename(tmp, p) < 0) {
		int r = -errno;

		(void)unlink(tmp);
		return r;
	}
	return 0;
}
