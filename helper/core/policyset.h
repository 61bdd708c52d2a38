/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "core/policy.h"

extern const char *const policyset_default_dirs[];
/* given: the directories were named (-P), so a missing one is an error. Errors other than
 * -ENOMEM concern a directory and were logged. */
/* lazy: events; what the cache knows is not parsed (policyfile.h), until policy_find. */
int policyset_load(const char *const *dirs, bool given, bool lazy, struct policy_set *ret);
void policyset_done(struct policy_set *s);
bool policyset_needs_perm_mac(const struct policy_set *s);
bool policyset_matches(const struct policy *p, const struct pf_facts *pf);
/*
 * Finds the policy for a PF. 0 with *ret = NULL: no policy. -EINVAL: the policy that would
 * apply is invalid, or a broken file that might be it stands before the match (logged).
 */
/* On -EINVAL (a file that applies, or may, has errors), *ret is that file. */
int policyset_find(const struct policy_set *s, const struct pf_facts *pf,
		   const struct policy **ret);
