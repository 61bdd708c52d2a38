/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>

#include "core/policy.h"
#include "core/policyfile.h"

/*
 * The match keys of every policy file, kept between runs in $RUNTIME/policy-cache.HASH (one
 * per list of directories), each with the file's identity (inode, size, mtime, ctime). An
 * event reads the cache and stats the files; only a file that changed is parsed (and the
 * cache written again), and of the others only the one that matches its PF (policy_file_unstub).
 * Without the cache (not writable, or not root's) every file is parsed.
 */
struct policy_cache;
int policy_cache_open(const char *const *dirs, struct policy_cache **ret);
/* A file's identity as the cache keeps it: its stat, hashed, in 16 hex digits. */
void policy_cache_identity(const struct stat *st, char ret[static 17]);
/* Fills a stub for the entry when the cache knows the file as it is (its identity). */
bool policy_cache_get(struct policy_cache *c, struct policy_entry *e, const char *id,
		      struct policy *ret);
/* Records what the set now knows; the cache is written at close if anything changed. */
void policy_cache_put(struct policy_cache *c, const struct policy_entry *e, const char *id,
		      const struct policy *p);
void policy_cache_close(struct policy_cache *c);
