/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plan, printed: only the commands print it (plan.h records it). */
#include <stdio.h>

#include "shared/log.h"
#include "shared/util.h"

#include "cmd/output.h"

void output_plan_text(FILE *f, enum plan_mode mode, const struct plan_item *items, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		const struct plan_item *it = &items[i];
		char where[256], what[1024], old[512], new[512];

		text_escape(it->where, where, sizeof(where));
		text_escape(it->what, what, sizeof(what));
		if (it->kind != PLAN_CHANGE) {
			fprintf(f, "%s: %s\n", where, what);
			continue;
		}
		text_escape(it->old, old, sizeof(old));
		text_escape(it->new, new, sizeof(new));
		if (mode == PLAN_CHECK)
			fprintf(f, "%s: %s is %s, policy wants %s\n", where, what, old, new);
		else
			fprintf(f, "%s: would set %s %s -> %s\n", where, what, old, new);
	}
}

void output_plan_json(FILE *f, const struct plan_item *items, unsigned n)
{
	static const char *const kinds[] = {
		[PLAN_CHANGE] = "change",
		[PLAN_CONDITION] = "condition",
		[PLAN_NOTE] = "note",
	};

	fputc('[', f);
	for (unsigned i = 0; i < n; i++) {
		const struct plan_item *it = &items[i];

		fputs(i ? ",\n      {\"kind\": " : "\n      {\"kind\": ", f);
		json_fstr(f, kinds[it->kind]);
		fputs(", \"device\": ", f);
		json_fstr(f, it->where);
		if (it->kind == PLAN_CHANGE) {
			fputs(", \"attribute\": ", f);
			json_fstr(f, it->what);
			fputs(", \"current\": ", f);
			json_fstr(f, it->old);
			fputs(", \"wanted\": ", f);
			json_fstr(f, it->new);
		} else {
			fputs(", \"text\": ", f);
			json_fstr(f, it->what);
		}
		fputc('}', f);
	}
	fputs(n ? "\n    ]" : "]", f);
}

void output_plan_flush(FILE *f, struct plan *p)
{
	output_plan_text(f, p->mode, p->items, p->n_items);
	plan_clear(p);
}

void output_udev_props(FILE *f, const struct udev_props *p)
{
	if (p->oom) {
		log_oom();
		return;
	}
	for (unsigned i = 0; i < p->n; i++)
		fprintf(f, "%s=%s\n", p->items[i].key, p->items[i].value);
}
