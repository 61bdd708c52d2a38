/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy files in force (their directories, layered; the cache), and which applies to a PF. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shared/log.h"

#include "core/policy.h"
#include "core/policycache.h"
#include "core/policyfile.h"
#include "core/policyset.h"

const char *const policyset_default_dirs[] = { "/usr/lib/vio.d", "/run/vio.d", SYSCONFDIR "/vio.d",
					       NULL };

int policyset_load(const char *const *dirs, bool given, bool lazy, struct policy_set *ret)
{
	struct policy_cache *cache = NULL;
	struct policy_set s = {};
	struct policy_entry *e;
	unsigned n;
	int r;

	r = policy_file_dirs(dirs, given, &e, &n);
	if (r < 0)
		return r;
	s.files = calloc(n ?: 1, sizeof(*s.files));
	if (!s.files) {
		policy_file_entries_free(e, n);
		return -ENOMEM;
	}
	if (lazy && policy_cache_open(dirs, &cache) < 0)
		cache = NULL;
	/* A large calloc() maps zeroed pages: one allocation for every stub, none per file. */
	if (cache)
		s.stubs = calloc(n ?: 1, sizeof(*s.stubs));
	for (unsigned i = 0; i < n; i++) {
		struct policy *p = NULL;
		struct stat st;
		char id[17];
		bool have_st;

		if (e[i].masked) {
			log_debug("%s: masked", e[i].path);
			continue;
		}
		/* The identity first: a file changed after this is parsed again next time. */
		have_st = cache && stat(e[i].path, &st) == 0;
		if (have_st) {
			policy_cache_identity(&st, id);
			if (s.stubs && policy_cache_get(cache, &e[i], id, &s.stubs[i]))
				p = &s.stubs[i];
		}
		if (!p && policy_file_load(e[i].path, &p) < 0) {
			policy_cache_close(cache);
			policy_file_entries_free(e, n);
			policyset_done(&s);
			return -ENOMEM;
		}
		if (have_st)
			policy_cache_put(cache, &e[i], id, p);
		s.files[s.n_files++] = p;
	}
	policy_cache_close(cache);
	policy_file_entries_free(e, n);
	*ret = s;
	return 0;
}

void policyset_done(struct policy_set *s)
{
	for (unsigned i = 0; i < s->n_files; i++)
		policy_free(s->files[i]);
	free(s->files);
	free(s->stubs);
	*s = (struct policy_set){};
}

bool policyset_needs_perm_mac(const struct policy_set *s)
{
	for (unsigned i = 0; i < s->n_files; i++)
		if (!s->files[i]->broken && s->files[i]->match == PF_MATCH_MAC)
			return true;
	return false;
}

bool policyset_matches(const struct policy *p, const struct pf_facts *pf)
{
	char id[10];

	switch (p->match) {
	case PF_MATCH_ADDR:
		return streq(p->match_value, pf->addr);
	case PF_MATCH_IFNAME:
		return pf->ifname[0] && streq(p->match_value, pf->ifname);
	case PF_MATCH_ID:
		snprintf(id, sizeof(id), "%04x:%04x", pf->vendor, pf->device);
		return streq(p->match_value, id);
	case PF_MATCH_MAC:
		return pf->has_perm_mac && memcmp(p->match_mac, pf->perm_mac, 6) == 0;
	default:
		return false;
	}
}

int policyset_find(const struct policy_set *s, const struct pf_facts *pf, const struct policy **ret)
{
	struct policy *found = NULL, *unknown = NULL;

	for (unsigned i = 0; i < s->n_files; i++) {
		struct policy *p = s->files[i];

		if (p->broken || p->match < 0) {
			/* Cannot tell whom it is for; it may have been meant to come first. */
			if (!found && !unknown)
				unknown = p;
			continue;
		}
		if (!policyset_matches(p, pf))
			continue;
		if (found) {
			log_warning("%s: %s also matches, but %s comes first and applies", pf->addr,
				    p->path, found->path);
			continue;
		}
		found = p;
	}
	/* A file an event knew only from the cache is read now: its errors are said here, and
	 * what applies is the file as it is. */
	if ((unknown && policy_file_unstub(unknown) < 0) ||
	    (found && policy_file_unstub(found) < 0))
		return log_oom();
	if (found && found->broken) {
		unknown = found;
		found = NULL;
	}
	if (found && !policyset_matches(found, pf)) {
		log_error("%s: %s changed while it was read; run vio apply %s again", pf->addr,
			  found->path, pf->addr);
		return -EAGAIN;
	}
	if (found && unknown) {
		log_error(
		    "%s: %s matches, but %s comes before it and was refused (see its error); not applying either",
		    pf->addr, found->path, unknown->path);
		*ret = unknown;
		return -EINVAL;
	}
	if (!found && unknown) {
		log_error(
		    "%s: no policy matches, but %s was refused (see its error) and may be meant for it; leaving the PF as it is",
		    pf->addr, unknown->path);
		*ret = unknown;
		return -EINVAL;
	}
	if (found && found->n_errors > 0) {
		log_error("%s: %s has %u error%s; leaving the PF as it is", pf->addr, found->path,
			  found->n_errors, found->n_errors == 1 ? "" : "s");
		*ret = found;
		return -EINVAL;
	}
	*ret = found;
	return 0;
}
