/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plan as data: what a run found different, in order (plan.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/plan.h"

static void record(struct plan *p, enum plan_item_kind kind, const char *where, const char *what,
		   const char *old, const char *new)
{
	struct plan_item *grown, *it;

	grown = reallocarray(p->items, p->n_items + 1, sizeof(*grown));
	if (!grown) {
		p->oom = true;
		return;
	}
	p->items = grown;
	it = &grown[p->n_items];
	*it = (struct plan_item){ .kind = kind,
				  .where = strdup(where),
				  .what = strdup(what),
				  .old = old ? strdup(old) : NULL,
				  .new = new ? strdup(new) : NULL };
	if (!it->where || !it->what || (old && !it->old) || (new && !it->new)) {
		free(it->where);
		free(it->what);
		free(it->old);
		free(it->new);
		p->oom = true;
		return;
	}
	p->n_items++;
}

bool plan_diff(struct plan *p, const char *where, const char *what, const char *old,
	       const char *new)
{
	p->n_diffs++;
	if (p->mode == PLAN_APPLY)
		return true;
	record(p, PLAN_CHANGE, where, what, old, new);
	return false;
}

static void vrecord(struct plan *p, enum plan_item_kind kind, const char *where, const char *fmt,
		    va_list ap)
{
	char text[1024];

	vsnprintf(text, sizeof(text), fmt, ap);
	record(p, kind, where, text, NULL, NULL);
}

void plan_condition(struct plan *p, const char *where, const char *fmt, ...)
{
	va_list ap;

	p->n_diffs++;
	if (p->mode == PLAN_APPLY)
		return;
	va_start(ap, fmt);
	vrecord(p, PLAN_CONDITION, where, fmt, ap);
	va_end(ap);
}

void plan_note(struct plan *p, const char *where, const char *fmt, ...)
{
	va_list ap;

	if (p->mode == PLAN_APPLY)
		return;
	va_start(ap, fmt);
	vrecord(p, PLAN_NOTE, where, fmt, ap);
	va_end(ap);
}

void plan_matched(struct plan *p, const struct policy *policy, bool valid, unsigned vfs)
{
	p->matched = true;
	p->policy = policy;
	p->policy_valid = valid && policy;
	p->vfs_wanted = policy ? vfs : 0;
}

void plan_clear(struct plan *p)
{
	for (unsigned i = 0; i < p->n_items; i++) {
		free(p->items[i].where);
		free(p->items[i].what);
		free(p->items[i].old);
		free(p->items[i].new);
	}
	free(p->items);
	p->items = NULL;
	p->n_items = 0;
}
