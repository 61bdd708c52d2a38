/* SPDX-License-Identifier: GPL-2.0-or-later */
/* For fleets, with no daemon: vio status (what the last runs left), vio wait (readiness for
 * the services that use the VFs), and vio check --format=prometheus (node_exporter's textfile
 * collector). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shared/interrupt.h"
#include "shared/log.h"

#include "apply/apply.h"
#include "apply/run.h"
#include "cmd/check.h"
#include "cmd/fleet.h"
#include "state/lock.h"
#include "state/runtime.h"
#include "state/status.h"

enum result fleet_status(bool json)
{
	_cleanup_free_ struct pf_status *v = NULL;
	unsigned n = 0;
	int r = status_read_all(&v, &n);

	if (r < 0)
		return log_error_errno(r, "cannot read %s/status: %m", runtime_dir()),
		       RESULT_DEVICE;
	if (json) {
		fputs("{\"version\": 1, \"pfs\": [", stdout);
		for (unsigned i = 0; i < n; i++) {
			printf("%s\n    {\"pf\": ", i ? "," : "");
			json_str(v[i].pf);
			fputs(", \"policy\": ", stdout);
			if (v[i].policy[0])
				json_str(v[i].policy);
			else
				fputs("null", stdout);
			fputs(", \"run\": ", stdout);
			json_str(v[i].run);
			fputs(", \"result\": ", stdout);
			json_str(status_result(v[i].exit));
			printf(", \"exit\": %d, \"error\": ", v[i].exit);
			if (v[i].error[0])
				json_str(v[i].error);
			else
				fputs("null", stdout);
			printf(", \"time\": %lld, \"vfs_wanted\": %u, \"vfs\": %u, \"pid\": %d}",
			       v[i].time, v[i].vfs_wanted, v[i].vfs, v[i].pid);
		}
		fputs(n ? "\n]}\n" : "]}\n", stdout);
		return RESULT_OK;
	}
	printf("%-13s %-13s %-5s %-11s %-20s %s\n", "PF", "RESULT", "VFS", "RUN", "TIME", "POLICY");
	for (unsigned i = 0; i < n; i++) {
		char when[32] = "-", vfs[16], pf[4 * PCI_ADDR_MAX], run[4 * 32], policy[4 * 256],
		     error[4 * 512];
		time_t t = (time_t)v[i].time;
		struct tm tm;

		if (localtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(vfs, sizeof(vfs), "%u/%u", v[i].vfs, v[i].vfs_wanted);
		/* What a status file says, as the logs would: anyone's file names are in it. */
		printf("%-13s %-13s %-5s %-11s %-20s %s\n", text_escape(v[i].pf, pf, sizeof(pf)),
		       status_result(v[i].exit), vfs, text_escape(v[i].run, run, sizeof(run)), when,
		       text_escape(v[i].policy[0] ? v[i].policy : "-", policy, sizeof(policy)));
		if (v[i].error[0])
			printf("  %s\n", text_escape(v[i].error, error, sizeof(error)));
	}
	if (n == 0)
		printf("(no PF handled since boot)\n");
	return RESULT_OK;
}

static enum result check_quietly(const struct policy_set *set, struct check_report *rep)
{
	return check_run(set, rep, CHECK_QUIET);
}

static void metric_head(const char *name, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

enum result fleet_metrics(const struct policy_set *set)
{
	_cleanup_(check_report_done) struct check_report rep = {};
	enum result ex = check_quietly(set, &rep);
	static const struct {
		const char *name, *help;
	} per_pf[] = {
		{ "vio_pf_vfs_wanted", "VFs the policy asks of the PF." },
		{ "vio_pf_vfs", "VFs the PF has (sriov_numvfs)." },
		{ "vio_pf_differences", "Differences between the PF and its VFs and the policy." },
		{ "vio_pf_check_exit_code",
		  "vio check's status for the PF (0 as the policy says)." },
		{ "vio_pf_last_run_exit_code",
		  "The status of the last run that handled the PF (see vio status)." },
		{ "vio_pf_last_run_timestamp_seconds", "When that run ended." },
	};

	metric_head("vio_policy_files", "Policy files vio read.");
	printf("vio_policy_files %u\n", rep.n_files);
	metric_head("vio_policy_files_with_errors", "Policy files with errors (vio check).");
	printf("vio_policy_files_with_errors %u\n", rep.bad_files);
	metric_head("vio_check_exit_code", "vio check's exit status (0 all as the policy says).");
	printf("vio_check_exit_code %d\n", ex);
	for (size_t m = 0; m < ELEMENTSOF(per_pf); m++) {
		metric_head(per_pf[m].name, per_pf[m].help);
		for (unsigned i = 0; i < rep.n_pfs; i++) {
			const struct pf_report *r = &rep.pfs[i];
			long long v;

			if (!r->policy[0])
				continue; /* vio leaves it alone */
			if (m >= 4 && !r->has_last)
				continue; /* no run since boot */
			v = m == 0   ? r->vfs_wanted
			    : m == 1 ? r->vfs
			    : m == 2 ? r->diffs
			    : m == 3 ? r->result
			    : m == 4 ? r->last.exit
				     : r->last.time;
			printf("%s{pf=\"", per_pf[m].name);
			prom_label(stdout, r->addr);
			fputs("\",policy=\"", stdout);
			prom_label(stdout, r->policy);
			printf("\"} %lld\n", v);
		}
	}
	return RESULT_OK;
}

/* Nothing in progress for the PFs: udev's queue empty, no PF locked or awaited by a run, no
 * vio-pf@ unit running. */
static bool idle(const struct check_report *rep)
{
	if (access("/run/udev/queue", F_OK) == 0)
		return false;
	for (unsigned i = 0; i < rep->n_pfs; i++)
		if (pf_lock_busy(rep->pfs[i].addr) > 0)
			return false;
	if (access("/run/systemd/system", F_OK) == 0) {
		FILE *p =
		    popen("systemctl list-units --no-legend --plain --state=activating,active "
			  "'vio-pf@*' 2>/dev/null",
			  "re");
		char line[256];
		bool busy = false;

		if (p) {
			busy = fgets(line, sizeof(line), p) != NULL;
			pclose(p);
		}
		if (busy)
			return false;
	}
	return true;
}

/* Each PF that is not as its policy says, with why (its last run's error). */
static enum result say_failures(const struct check_report *rep, const char *how)
{
	enum result ex = RESULT_OK;

	for (unsigned i = 0; i < rep->n_pfs; i++) {
		const struct pf_report *r = &rep->pfs[i];

		if (!r->policy[0] || (r->diffs == 0 && r->result == RESULT_OK))
			continue;
		/* The last run's failure (3 device, 4 refused) says more than "differs" (5). */
		if (r->has_last && r->last.exit == STATUS_RUNNING)
			ex =
			    result_worst(ex, RESULT_INTERRUPTED); /* idle: killed before it ended */
		else if (r->has_last && r->last.exit != RESULT_OK)
			ex = result_worst(ex, r->last.exit);
		else
			ex = result_worst(ex, r->result == RESULT_OK ? RESULT_DRIFT : r->result);
		if (r->has_last && r->last.error[0])
			log_error("%s: %s: %u of %u VFs, %u difference%s; its last run (%s): %s",
				  r->addr, how, r->vfs, r->vfs_wanted, r->diffs,
				  r->diffs == 1 ? "" : "s", r->last.run, r->last.error);
		else
			log_error("%s: %s: %u of %u VFs, %u difference%s (vio check shows them)",
				  r->addr, how, r->vfs, r->vfs_wanted, r->diffs,
				  r->diffs == 1 ? "" : "s");
	}
	return ex;
}

/* Root's vio wait (vio-settle at boot) finds a PF whose last PF-wide run was killed before it
 * ended, with nothing in progress: its VFs' events are run again, once (run_recover). */
static bool recover_killed(const struct check_report *rep)
{
	bool any = false;

	if (geteuid() != 0)
		return false;
	for (unsigned i = 0; i < rep->n_pfs; i++) {
		_cleanup_(pcidev_unrefp) struct pcidev *pf = NULL;
		const struct pf_report *r = &rep->pfs[i];
		struct plan plan = { .mode = PLAN_APPLY };
		struct apply_opts o = { .plan = &plan };

		if (!r->has_last || r->last.exit != STATUS_RUNNING ||
		    pcidev_from_arg(r->addr, &pf) < 0)
			continue;
		(void)run_recover(pf, &o);
		any = true;
	}
	return any;
}

enum result fleet_wait(const struct policy_set *set, unsigned timeout_s)
{
	double deadline = monotonic_s() + timeout_s;
	unsigned idle_rounds = 0;
	bool recovered = false;

	/* Each poll checks every PF again: each problem is said once, not every 0.5 s. */
	log_set_once(true);

	for (;;) {
		_cleanup_(check_report_done) struct check_report rep = {};
		enum result ex = check_quietly(set, &rep);
		unsigned n = 0;

		for (unsigned i = 0; i < rep.n_pfs; i++)
			n += rep.pfs[i].policy[0] != '\0';
		if (ex == RESULT_OK) {
			log_info("%u PF%s with a policy, all as the policy says", n,
				 n == 1 ? "" : "s");
			return RESULT_OK;
		}
		if (ex == RESULT_POLICY) /* the errors were logged with file:line */
			return RESULT_POLICY;
		/* Twice idle in a row and still not as the policy says: nothing more will come. */
		idle_rounds = idle(&rep) ? idle_rounds + 1 : 0;
		if (idle_rounds >= 2 && !recovered && recover_killed(&rep)) {
			recovered = true;
			idle_rounds = 0;
			continue;
		}
		if (idle_rounds >= 2)
			return say_failures(&rep,
					    "not as the policy says, and nothing is in progress");
		if (monotonic_s() >= deadline)
			return result_worst(
			    say_failures(&rep, "still not as the policy says after the timeout"),
			    RESULT_DRIFT);
		if (interrupted())
			return RESULT_INTERRUPTED;
		usleep(500 * 1000);
	}
}
