/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfio variant drivers from modules.alias (modalias.h). */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "shared/util.h"

#include "sys/modalias.h"

static unsigned wildcards(const char *p)
{
	unsigned n = 0;

	for (; *p; p++)
		n += *p == '*' || *p == '?' || *p == '[';
	return n;
}

int modalias_best(const char *target, const char *const *patterns, unsigned n)
{
	int best = -1;

	for (unsigned i = 0; i < n; i++) {
		if (fnmatch(patterns[i], target, 0) != 0)
			continue;
		if (best < 0 || wildcards(patterns[i]) < wildcards(patterns[best]))
			best = (int)i;
	}
	return best;
}

int modalias_vfio_variant(const char *modalias, char **ret_module, char **ret_alias)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *target = NULL, *line = NULL;
	char path[PATH_MAX], best_alias[512] = "", best_module[128] = "";
	unsigned best_wild = UINT_MAX;
	struct utsname u;
	size_t size = 0;

	/* "pci:v...": a variant driver advertises the same with vfio_ before it. */
	if (!strneq(modalias, "pci:", 4) || asprintf(&target, "vfio_%s", modalias) < 0)
		return -EINVAL;
	if (uname(&u) < 0)
		return -errno;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.alias", u.release);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ENOENT : -errno;
	while (getline(&line, &size, f) > 0) {
		char alias[512], module[128];
		const char *pattern = alias;

		if (sscanf(line, "alias %511s %127s", alias, module) != 2 ||
		    !strneq(alias, "vfio_pci:", 9))
			continue;
		if (modalias_best(target, &pattern, 1) != 0 || wildcards(alias) >= best_wild)
			continue;
		best_wild = wildcards(alias);
		snprintf(best_alias, sizeof(best_alias), "%s", alias);
		snprintf(best_module, sizeof(best_module), "%s", module);
	}
	if (!best_module[0])
		return -ENOENT;
	*ret_module = strdup(best_module);
	*ret_alias = strdup(best_alias);
	if (!*ret_module || !*ret_alias) {
		free(*ret_module);
		free(*ret_alias);
		return -ENOMEM;
	}
	return 0;
}
