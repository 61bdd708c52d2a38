/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vio check: every policy file, and the system against the policy, read-only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "shared/util.h"

#include "apply/apply.h"
#include "apply/live.h"
#include "apply/netvf.h"
#include "apply/nvmevirt.h"
#include "apply/vfdev.h"
#include "cmd/check.h"
#include "cmd/output.h"
#include "core/policyset.h"
#include "state/lock.h"
#include "sys/pcidev.h"

struct check_ctx {
	struct apply_opts o;
	unsigned n_pfs;
	bool policy_error, read_error;
	struct check_report *rep;
	enum check_output out;
	/* Files valid on their own but wrong for a PF here (vf5 of a 4-VF PF), counted once. */
	const struct policy **device_bad;
	unsigned n_device_bad;
};

/* What the PF's run matched (plan.h); resolved here only when the run stopped before it looked
 * the PF up (another run held it). */
static void matched(struct check_ctx *c, struct pcidev *pf)
{
	_cleanup_(pf_plan_config_done) struct pf_plan_config pc = {};
	PF_FACTS(facts);
	enum result ex;

	if (c->o.plan->matched)
		return;
	ex = model_pf_config(pf, &c->o, &facts, &pc);
	plan_matched(c->o.plan, pc.policy, ex == RESULT_OK, pc.vfs);
}

/* A policy error that shows only against this host's PF: the file counts as one with errors. */
static void count_device_error(struct check_ctx *c, struct pcidev *pf)
{
	const struct policy *p, **grown;

	matched(c, pf);
	p = c->o.plan->policy;
	if (!p || p->broken || p->n_errors)
		return;
	for (unsigned i = 0; i < c->n_device_bad; i++)
		if (c->device_bad[i] == p)
			return;
	grown = reallocarray(c->device_bad, c->n_device_bad + 1, sizeof(*grown));
	if (!grown)
		return;
	c->device_bad = grown;
	c->device_bad[c->n_device_bad++] = p;
}

void check_report_done(struct check_report *r)
{
	for (unsigned i = 0; i < r->n_pfs; i++) {
		struct plan p = { .items = r->pfs[i].items, .n_items = r->pfs[i].n_items };

		plan_clear(&p);
	}
	free(r->pfs);
	*r = (struct check_report){};
}

/* What check found of one PF, for the report: the plan's items are the report's now. */
static void report_pf(struct check_ctx *c, struct pcidev *pf, unsigned diffs, enum result ex)
{
	struct plan *plan = c->o.plan;
	struct pf_report *grown, *r;

	grown = reallocarray(c->rep->pfs, c->rep->n_pfs + 1, sizeof(*grown));
	if (!grown)
		return;
	c->rep->pfs = grown;
	r = &grown[c->rep->n_pfs++];
	*r = (struct pf_report){
		.diffs = diffs, .result = ex, .items = plan->items, .n_items = plan->n_items
	};
	plan->items = NULL;
	plan->n_items = 0;
	snprintf(r->addr, sizeof(r->addr), "%s", pcidev_addr(pf));
	matched(c, pf);
	if (plan->policy_valid) {
		snprintf(r->policy, sizeof(r->policy), "%s", plan->policy->path);
		r->vfs_wanted = plan->vfs_wanted;
	}
	(void)pcidev_read_unsigned(pf, "sriov_numvfs", &r->vfs);
	r->has_last = status_read(r->addr, &r->last) >= 0;
}

/* vio check --json (vio(8)): versioned; keys are only ever added. */
static void check_print_json(const struct check_report *rep, unsigned diffs, enum result ex)
{
	printf("{\"version\": 1, \"policy_files\": %u, \"policy_files_with_errors\": %u,\n",
	       rep->n_files, rep->bad_files);
	printf(" \"differences\": %u, \"exit\": %d, \"result\": ", diffs, ex);
	json_str(status_result(ex));
	printf(",\n \"pfs\": [");
	for (unsigned i = 0; i < rep->n_pfs; i++) {
		const struct pf_report *r = &rep->pfs[i];

		printf("%s\n  {\"pf\": ", i ? "," : "");
		json_str(r->addr);
		printf(", \"policy\": ");
		json_str(r->policy[0] ? r->policy : NULL);
		printf(", \"exit\": %d, \"result\": ", r->result);
		json_str(
		    status_result(r->result == RESULT_OK && r->diffs ? RESULT_DRIFT : r->result));
		printf(", \"vfs_wanted\": %u, \"vfs\": %u, \"differences\": %u,\n    \"plan\": ",
		       r->vfs_wanted, r->vfs, r->diffs);
		output_plan_json(stdout, r->items, r->n_items);
		printf("}");
	}
	printf("%s]}\n", rep->n_pfs ? "\n " : "");
}

static int check_one(struct pcidev *pf, void *userdata)
{
	struct check_ctx *c = userdata;
	unsigned before = c->o.plan->n_diffs;
	enum result ex;

	c->o.plan->matched = false;
	ex = apply_pf_and_vfs(pf, &c->o);
	c->n_pfs++;
	if (ex == RESULT_POLICY) {
		c->policy_error = true;
		count_device_error(c, pf);
	} else if (ex != RESULT_OK)
		c->read_error = true;
	if (c->out == CHECK_TEXT)
		output_plan_flush(stdout, c->o.plan);
	if (c->rep)
		report_pf(c, pf, c->o.plan->n_diffs - before, ex);
	plan_clear(c->o.plan);
	return 0;
}

enum result check_run(const struct policy_set *set, struct check_report *rep, enum check_output out)
{
	_cleanup_(check_report_done) struct check_report own = {};
	struct plan plan = { .mode = PLAN_CHECK };
	struct check_ctx c = { .o = { .plan = &plan, .policies = set }, .rep = rep, .out = out };
	unsigned bad = 0;
	int r;
	enum result ex;

	if (!rep && out == CHECK_JSON)
		c.rep = rep = &own;

	/* Every file, whether or not a PF of this host matches it; each error was logged. */
	for (unsigned i = 0; i < set->n_files; i++)
		if (set->files[i]->broken || set->files[i]->n_errors)
			bad++;
	if (rep) {
		rep->n_files = set->n_files;
		rep->bad_files = bad;
	}
	r = pcidev_foreach_pf(check_one, &c);
	if (r < 0) {
		log_error_errno(r, "cannot enumerate devices: %m");
		c.read_error = true;
	}
	bad += c.n_device_bad;
	free(c.device_bad);
	if (rep)
		rep->bad_files = bad;
	ex = bad || c.policy_error ? RESULT_POLICY
	     : c.read_error	   ? RESULT_DEVICE
	     : plan.n_diffs	   ? RESULT_DRIFT
				   : RESULT_OK;
	if (out == CHECK_TEXT)
		printf(
		    "%u policy file%s, %u with errors; %u SR-IOV PF%s; %u difference%s from the policy\n",
		    set->n_files, set->n_files == 1 ? "" : "s", bad, c.n_pfs,
		    c.n_pfs == 1 ? "" : "s", plan.n_diffs, plan.n_diffs == 1 ? "" : "s");
	else if (out == CHECK_JSON)
		check_print_json(rep, plan.n_diffs, ex);
	return ex;
}
