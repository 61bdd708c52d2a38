/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vio: SR-IOV VFs from policy files, run by udev rules and by people. No daemon. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "shared/interrupt.h"
#include "shared/log.h"
#include "shared/util.h"

#include "apply/apply.h"
#include "apply/netvf.h"
#include "apply/run.h"
#include "apply/vfdev.h"
#include "cmd/check.h"
#include "cmd/convert.h"
#include "cmd/explain.h"
#include "cmd/export.h"
#include "cmd/fleet.h"
#include "cmd/list.h"
#include "cmd/output.h"
#include "cmd/vfmac.h"
#include "core/policy.h"
#include "core/policyset.h"
#include "state/lock.h"
#include "state/runtime.h"
#include "sys/devlink.h"
#include "sys/ethtool.h"
#include "sys/mac.h"
#include "sys/netlink.h"
#include "sys/pcidev.h"

#ifndef VERSION
#define VERSION "0.1"
#endif

#define MAX_POLICY_DIRS 16

static bool arg_dry_run;
static bool arg_export;
static bool arg_prometheus;
static unsigned arg_timeout = 120;
static bool arg_help;
static bool arg_json;
static const char *arg_dirs[MAX_POLICY_DIRS + 1];
static unsigned arg_n_dirs;

/* The options given, each a bit; each command says which it takes. */
enum {
	OPT_DRY_RUN = 1 << 0,
	OPT_EXPORT = 1 << 1,
	OPT_JSON = 1 << 2,
	OPT_FORMAT = 1 << 3,
	OPT_TIMEOUT = 1 << 4,
	OPT_POLICY_DIR = 1 << 5,
};
static unsigned arg_given;
static const char *const opt_names[] = { "--dry-run", "--export",  "--json",
					 "--format",  "--timeout", "--policy-dir" };

static int parse_argv(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "export", no_argument, NULL, 'x' },
		{ "format", required_argument, NULL, 'F' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "policy-dir", required_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	int c;

	opterr = 0; /* its messages are ours */
	while ((c = getopt_long(argc, argv, "nxjP:vh", options, NULL)) >= 0)
		switch (c) {
		case 'n':
			arg_dry_run = true;
			arg_given |= OPT_DRY_RUN;
			break;
		case 'x':
			arg_export = true;
			arg_given |= OPT_EXPORT;
			break;
		case 'F':
			arg_given |= OPT_FORMAT;
			if (!streq(optarg, "prometheus") && !streq(optarg, "text"))
				return log_error_errno(
				    EINVAL, "--format=%s: must be text or prometheus", optarg);
			arg_prometheus = streq(optarg, "prometheus");
			break;
		case 't':
			arg_given |= OPT_TIMEOUT;
			if (parse_unsigned(optarg, 86400, &arg_timeout) < 0)
				return log_error_errno(EINVAL, "--timeout=%s: seconds, 0..86400",
						       optarg);
			break;
		case 'j':
			arg_json = true;
			arg_given |= OPT_JSON;
			break;
		case 'P':
			arg_given |= OPT_POLICY_DIR;
			if (arg_n_dirs >= MAX_POLICY_DIRS)
				return log_error_errno(E2BIG, "at most %d --policy-dir",
						       MAX_POLICY_DIRS);
			arg_dirs[arg_n_dirs++] = optarg;
			break;
		case 'v':
			log_set_max_level(LOG_DEBUG);
			break;
		case 'h':
			arg_help = true;
			break;
		case 'V':
			printf("vio %s\n", VERSION);
			return 0;
		case ':':
			return log_error_errno(EINVAL, "%s needs a value; see --help",
					       argv[optind - 1]);
		default: {
			const char *a = argv[optind - 1];

			/* "vio mac 01:00.0 -1": a number, not an option. */
			if (a[0] == '-' && a[1] >= '0' && a[1] <= '9')
				return log_error_errno(
				    EINVAL,
				    "'%s': a negative number; VF indexes and counts start at 0", a);
			if (optopt)
				return log_error_errno(EINVAL, "unknown option '-%c'; see --help",
						       optopt);
			return log_error_errno(EINVAL, "unknown option '%s'; see --help", a);
		}
		}
	return 1;
}

static int open_device(const char *arg, bool user, struct pcidev **ret)
{
	int r = user ? pcidev_from_user(arg, ret) : pcidev_from_arg(arg, ret);

	if (r == -EINVAL)
		log_error(
		    "'%s': not a PCI address (05:00.0, 0000:05:00.0)%s or a /sys path of a PCI device",
		    arg, user ? ", an interface name" : "");
	else if (r == -ENODEV)
		log_error("'%s': no such PCI device", arg);
	else if (r == -EMEDIUMTYPE)
		log_error("'%s': not a PCI device", arg);
	else if (r == -ENXIO)
		log_error("'%s': no such PCI device or network interface", arg);
	else if (r < 0)
		log_error_errno(r, "'%s': cannot open device: %m", arg);
	return r;
}

static enum result load_policy(bool lazy, struct policy_set *ret)
{
	int r = policyset_load(arg_n_dirs ? arg_dirs : policyset_default_dirs, arg_n_dirs > 0, lazy,
			       ret);

	if (r == -ENOMEM)
		return log_oom(), RESULT_USAGE;
	/* A policy directory that cannot be read is not "no policy": logged, naming it. */
	return r < 0 ? RESULT_POLICY : RESULT_OK;
}

struct apply_all {
	const struct apply_opts *o;
	enum result worst;
};

static int apply_one(struct pcidev *pf, void *userdata)
{
	struct apply_all *a = userdata;

	if (interrupted())
		return 0; /* the PFs after a signal are not touched */
	a->worst = result_worst(a->worst, apply_pf_and_vfs(pf, a->o));
	output_plan_flush(stdout, a->o->plan);
	return 0;
}

/* Under udev a device can be gone by the time its event runs (VFs of a count change,
 * hot-unplug): nothing to do then, and nothing worth an error in the journal. */
static bool gone(const char *arg, int r)
{
	if (r != -ENODEV && r != -ENXIO)
		return false;
	if (!getenv("SEQNUM") || !getenv("DEVPATH"))
		return false;
	log_debug("'%s': gone before its %s event ran, nothing to do", arg,
		  strempty(getenv("ACTION")));
	return true;
}

enum event_kind {
	EVENT_PF,
	EVENT_VF,
	EVENT_NETDEV,
	EVENT_VFIO_GROUP,
	EVENT_VFIO_DEV,
};

/* Each command gets its arguments (after its name) and, where it needs one, the policy. An
 * event parses only the policy file that matches its PF (and those that changed). */
static enum result event(const char *arg, enum event_kind kind)
{
	_cleanup_(pcidev_unrefp) struct pcidev *d = NULL;
	struct plan plan = { .mode = arg_dry_run ? PLAN_DRY_RUN : PLAN_APPLY };
	struct policy_set set = {};
	_cleanup_(udev_props_done) struct udev_props props = {};
	bool export =
	    kind == EVENT_VFIO_GROUP || kind == EVENT_VFIO_DEV || (arg_export && kind == EVENT_VF);
	struct apply_opts o = { .plan = &plan,
				.policies = &set,
				.event = getenv("SEQNUM"),
				.props = arg_export && kind == EVENT_VF ? &props : NULL,
				.netdev_only = kind == EVENT_NETDEV };
	char ifname[IF_NAMESIZE];
	unsigned group = 0;
	int r;
	enum result ex;

	if (kind == EVENT_VFIO_GROUP) {
		if (parse_unsigned(arg, UINT_MAX, &group) < 0) {
			log_error("vfio-group: '%s' is not a vfio group number", arg);
			return RESULT_USAGE;
		}
	} else if (kind == EVENT_NETDEV) {
		/* udev passes the ifindex: the name may change in the very event (renaming). */
		unsigned idx;

		if (parse_unsigned(arg, INT32_MAX, &idx) >= 0) {
			if (!if_indextoname(idx, ifname))
				return gone(arg, -ENXIO)
					   ? RESULT_OK
					   : (log_error("no interface with index %u", idx),
					      RESULT_DEVICE);
			arg = ifname;
		}
		r = pcidev_from_user(arg, &d);
		if (gone(arg, r))
			return RESULT_OK;
		if (r < 0 && open_device(arg, true, &d) < 0)
			return RESULT_DEVICE;
	} else if (kind != EVENT_VFIO_DEV) { /* its VF is found from the name, in vfdev.c */
		r = pcidev_from_arg(arg, &d);
		if (gone(arg, r))
			return RESULT_OK;
		if (r < 0 && open_device(arg, false, &d) < 0)
			return arg_export ? RESULT_OK : RESULT_DEVICE;
	}
	ex = load_policy(true, &set);
	if (ex == RESULT_OK)
		switch (kind) {
		case EVENT_PF:
			ex = apply_pf(d, &o);
			break;
		case EVENT_VF:
			ex = apply_vf(d, &o);
			break;
		case EVENT_NETDEV:
			ex = pcidev_is_pci(d) && pcidev_has_attr(d, "physfn") ? apply_vf(d, &o)
									      : RESULT_OK;
			break;
		case EVENT_VFIO_GROUP:
			ex = vfdev_vfio_props(&props, group, &o);
			break;
		case EVENT_VFIO_DEV:
			ex = vfdev_vfio_cdev_props(&props, arg, &o);
			break;
		}
	output_plan_flush(stdout, &plan);
	if (export)
		output_udev_props(stdout, &props);
	policyset_done(&set);
	/* udev drops every property of a program that fails: the errors are in the journal. */
	return o.props ? RESULT_OK : ex;
}

/* The events' commands: each handles one kind of udev event. */
#define EVENT_COMMAND(fn, kind)                                                                    \
	static enum result fn(int argc _unused_, char *argv[],                                     \
			      const struct policy_set *set _unused_)                               \
	{                                                                                          \
		return event(argv[0], kind);                                                       \
	}
EVENT_COMMAND(cmd_pf, EVENT_PF)
EVENT_COMMAND(cmd_vf, EVENT_VF)
EVENT_COMMAND(cmd_netdev, EVENT_NETDEV)
EVENT_COMMAND(cmd_vfio_group, EVENT_VFIO_GROUP)
EVENT_COMMAND(cmd_vfio_dev, EVENT_VFIO_DEV)

static enum result cmd_apply(int argc, char *argv[], const struct policy_set *set)
{
	struct plan plan = { .mode = arg_dry_run ? PLAN_DRY_RUN : PLAN_APPLY };
	struct apply_opts o = { .plan = &plan, .policies = set };
	int r;
	enum result ex = RESULT_OK;

	if (argc == 0) {
		struct apply_all a = { .o = &o };

		/* The worst status of all PFs, as vio(8) promises. */
		r = pcidev_foreach_pf(apply_one, &a);
		if (r < 0) {
			log_error_errno(r, "cannot enumerate devices: %m");
			a.worst = result_worst(a.worst, RESULT_DEVICE);
		}
		ex = a.worst;
	}
	for (int i = 0; i < argc && !interrupted(); i++) {
		_cleanup_(pcidev_unrefp) struct pcidev *d = NULL;

		if (open_device(argv[i], true, &d) < 0) {
			ex = result_worst(ex, RESULT_DEVICE);
			continue;
		}
		ex = result_worst(ex, apply_pf_and_vfs(d, &o));
		output_plan_flush(stdout, &plan);
	}
	return ex;
}

static enum result cmd_recover(int argc _unused_, char *argv[],
			       const struct policy_set *set _unused_)
{
	_cleanup_(pcidev_unrefp) struct pcidev *d = NULL;
	struct plan plan = { .mode = PLAN_APPLY };
	struct apply_opts o = { .plan = &plan };

	if (open_device(argv[0], false, &d) < 0)
		return RESULT_DEVICE;
	return run_recover(d, &o);
}

static enum result cmd_list(int argc _unused_, char *argv[] _unused_, const struct policy_set *set)
{
	return list_run(set, arg_json);
}

static enum result cmd_check(int argc _unused_, char *argv[] _unused_, const struct policy_set *set)
{
	if (arg_prometheus)
		return fleet_metrics(set);
	return check_run(set, NULL, arg_json ? CHECK_JSON : CHECK_TEXT);
}

static enum result cmd_status(int argc _unused_, char *argv[] _unused_,
			      const struct policy_set *set _unused_)
{
	return fleet_status(arg_json);
}

static enum result cmd_export(int argc _unused_, char *argv[], const struct policy_set *set)
{
	if (!streq(argv[0], "device-plugin")) {
		log_error("export: '%s': the one format is device-plugin", argv[0]);
		return RESULT_USAGE;
	}
	return export_device_plugin(set);
}

static enum result cmd_wait(int argc _unused_, char *argv[] _unused_, const struct policy_set *set)
{
	return fleet_wait(set, arg_timeout);
}

static enum result cmd_explain(int argc _unused_, char *argv[], const struct policy_set *set)
{
	_cleanup_(pcidev_unrefp) struct pcidev *d = NULL;

	if (open_device(argv[0], true, &d) < 0)
		return RESULT_DEVICE;
	return explain_run(d, set);
}

static enum result cmd_modules(int argc _unused_, char *argv[] _unused_,
			       const struct policy_set *set)
{
	return list_modules(set);
}

static enum result cmd_convert(int argc _unused_, char *argv[],
			       const struct policy_set *set _unused_)
{
	int r = convert_viod(argv[0], stdout);

	if (r == -ENOMEM)
		return log_oom(), RESULT_USAGE;
	return r < 0 ? RESULT_POLICY : RESULT_OK;
}

static enum result cmd_mac(int argc _unused_, char *argv[], const struct policy_set *set _unused_)
{
	_cleanup_(pcidev_unrefp) struct pcidev *d = NULL;
	unsigned index;

	if (parse_unsigned(argv[1], VF_INDEX_MAX, &index) < 0) {
		log_error("mac: '%s' is not a VF index (0..%u)", argv[1], VF_INDEX_MAX);
		return RESULT_USAGE;
	}
	if (open_device(argv[0], true, &d) < 0)
		return RESULT_DEVICE;
	return vfmac_run(d, index);
}

static const struct cmd {
	const char *name, *args, *about;
	int min_args, max_args; /* after the name; -1: any number */
	bool policy;		/* reads the policy files */
	enum result (*fn)(int argc, char *argv[], const struct policy_set *set);
	unsigned opts; /* the OPT_* it takes */
} cmds[] = {
	{ "apply", "[--dry-run] [DEVICE...]",
	  "Make the PFs and their VFs match the policy now; all PFs without DEVICE.", 0, -1, true,
	  cmd_apply, OPT_DRY_RUN | OPT_POLICY_DIR },
	{ "convert", "FILE",
	  "Print viod's INI policy FILE as a vio policy (comments kept; what has no equivalent is said).",
	  1, 1, false, cmd_convert, 0 },
	{ "check", "[--json | --format=text|prometheus]",
	  "Check every policy file and compare the system with the policy.\n  Exit: 0 all as the policy says, 2 policy error, 3 cannot read the system, 5 differences.\n  --json: one JSON document, each PF with its plan (vio(8)); --format=prometheus: metrics for node_exporter's textfile collector.",
	  0, 0, true, cmd_check, OPT_FORMAT | OPT_JSON | OPT_POLICY_DIR },
	{ "export", "device-plugin",
	  "Print the SR-IOV network device plugin's config.json from the policy's resource keys.",
	  1, 1, true, cmd_export, OPT_POLICY_DIR },
	{ "status", "[--json]",
	  "What the last run that handled each PF left (/run/vio/status), without running anything.",
	  0, 0, false, cmd_status, OPT_JSON },
	{ "wait", "[--timeout=SECONDS]",
	  "Wait until every PF with a policy is as it says (0), or say why not: 2 policy error,\n  3 failed with nothing in progress, 5 still not after the timeout (default 120 s).",
	  0, 0, true, cmd_wait, OPT_TIMEOUT | OPT_POLICY_DIR },
	{ "explain", "DEVICE",
	  "Which policy applies to DEVICE, where each value comes from, and the steps vio would take.",
	  1, 1, true, cmd_explain, OPT_POLICY_DIR },
	{ "list", "[--json]",
	  "Every SR-IOV PF and its VFs with the policy that applies (JSON: see vio(8)).", 0, 0,
	  true, cmd_list, OPT_JSON | OPT_POLICY_DIR },
	{ "mac", "PF N", "The MAC address VF N of PF gets when its policy gives none.", 2, 2, false,
	  cmd_mac, OPT_POLICY_DIR },
	{ "modules", "", "The kernel modules the policy needs, one per line (for initramfs tools).",
	  0, 0, true, cmd_modules, OPT_POLICY_DIR },
	/* Events read the policy themselves: what the cache knows is not parsed again. */
	{ "pf", "DEVICE", "Handle a PF event (run by udev).", 1, 1, false, cmd_pf,
	  OPT_DRY_RUN | OPT_POLICY_DIR },
	{ "vf", "[--export] DEVICE",
	  "Handle a VF event (run by udev); --export prints the VF's udev properties.", 1, 1, false,
	  cmd_vf, OPT_DRY_RUN | OPT_EXPORT | OPT_POLICY_DIR },
	{ "netdev", "IFACE", "Handle the event of a VF's interface: its MTU (run by udev).", 1, 1,
	  false, cmd_netdev, OPT_DRY_RUN | OPT_POLICY_DIR },
	{ "vfio-group", "N", "Print the udev properties of vfio group N (run by udev).", 1, 1,
	  false, cmd_vfio_group, OPT_POLICY_DIR },
	{ "vfio-dev", "vfioN", "The same for vfio device vfioN, an iommufd cdev (run by udev).", 1,
	  1, false, cmd_vfio_dev, OPT_POLICY_DIR },
	{ "recover", "DEVICE",
	  "If a run on DEVICE was killed before it finished, have udev run its VFs' events again\n  (run by vio-pf@.service when it stops).",
	  1, 1, false, cmd_recover, OPT_POLICY_DIR },
};

/* The commands from their table: one place says what each takes and does. */
static void help(void)
{
	printf("Usage: %s [OPTIONS] COMMAND [ARGS]\n"
	       "\n"
	       "Creates and configures SR-IOV virtual functions as the policy in\n"
	       "/usr/lib/vio.d, /run/vio.d and /etc/vio.d says. See vio(8), vio.conf(5).\n"
	       "\n"
	       "Commands:\n",
	       program_invocation_short_name);
	for (size_t i = 0; i < ELEMENTSOF(cmds); i++) {
		printf("  %s%s%s\n", cmds[i].name, cmds[i].args[0] ? " " : "", cmds[i].args);
		for (const char *l = cmds[i].about; *l; l += strspn(l, "\n ")) {
			size_t n = strcspn(l, "\n");

			printf("    %.*s\n", (int)n, l);
			l += n;
		}
	}
	printf(
	    "\n"
	    "DEVICE is a PCI address (05:00.0, 0000:05:00.0), a /sys path, or, for apply,\n"
	    "explain and mac, a network interface name.\n"
	    "\n"
	    "Options (each where a command says it takes it):\n"
	    "  -n --dry-run         print what would be written, write nothing\n"
	    "  -x --export          vf: print the VF's udev properties; exit 0 (errors are logged)\n"
	    "  -j --json            list, status, check: JSON output\n"
	    "     --format=FORMAT   check: text or prometheus\n"
	    "     --timeout=S       wait: seconds (default 120)\n"
	    "  -P --policy-dir=DIR  read policy from DIR instead (may be repeated)\n"
	    "  -v --verbose         log debug messages too\n"
	    "  -h --help            show this help\n"
	    "     --version         show the version\n"
	    "\n"
	    "Exit status: 0 done or nothing to do, 1 usage or internal error, 2 policy error,\n"
	    "3 device error, 4 refused because VFs are in use, 5 (check) the system differs,\n"
	    "6 stopped by a signal (SIGHUP, SIGINT, SIGTERM) at a step boundary.\n");
}

static enum result run(const struct cmd *c, int argc, char *argv[])
{
	struct policy_set set = {};
	enum result ex;

	if (arg_help) {
		printf("Usage: %s [OPTIONS] %s%s%s\n  %s\nSee %s --help for the options.\n",
		       program_invocation_short_name, c->name, c->args[0] ? " " : "", c->args,
		       c->about, program_invocation_short_name);
		return RESULT_OK;
	}
	if (arg_given & ~c->opts) {
		unsigned bad = arg_given & ~c->opts;

		for (size_t i = 0; i < ELEMENTSOF(opt_names); i++)
			if (bad & (1u << i)) {
				log_error("%s: %s is not valid for this command; see %s %s --help",
					  c->name, opt_names[i], program_invocation_short_name,
					  c->name);
				break;
			}
		return RESULT_USAGE;
	}
	if ((arg_given & OPT_JSON) && (arg_given & OPT_FORMAT)) {
		log_error("%s: --json and --format are two outputs: give one", c->name);
		return RESULT_USAGE;
	}
	if (argc < c->min_args || (c->max_args >= 0 && argc > c->max_args)) {
		log_error("usage: %s %s%s%s", program_invocation_short_name, c->name,
			  c->args[0] ? " " : "", c->args);
		return RESULT_USAGE;
	}
	if (c->policy && (ex = load_policy(false, &set)) != RESULT_OK)
		return ex;
	ex = c->fn(argc, argv, &set);
	/* Whatever the command was doing when the signal came, it stopped at a boundary. */
	if (interrupted())
		ex = RESULT_INTERRUPTED;
	netlink_close();
	devlink_close();
	ethtool_close();
	policyset_done(&set);
	return ex;
}

static enum result dispatch(int argc, char *argv[])
{
	int r;

	log_open();
	interrupt_setup();
	/* Nothing vio leaves under its runtime directory is for others to write, whatever the
	 * umask it was started with (status files, the policy cache, locks). */
	umask(022);
	if (runtime_dir_check() < 0)
		return RESULT_USAGE;
	r = parse_argv(argc, argv);
	if (r <= 0)
		return r < 0 ? RESULT_USAGE : RESULT_OK;
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		help();
		return arg_help ? RESULT_OK : RESULT_USAGE;
	}
	for (size_t i = 0; i < ELEMENTSOF(cmds); i++)
		if (streq(argv[0], cmds[i].name))
			return run(&cmds[i], argc - 1, argv + 1);
	log_error("unknown command '%s'; see --help", argv[0]);
	return RESULT_USAGE;
}

/* The one place a result becomes the process's exit status. vio(8) documents the statuses;
 * they are the results' own numbers, declared in that order in result.h. */
static int exit_status(enum result r)
{
	return (int)r;
}

int main(int argc, char *argv[])
{
	return exit_status(dispatch(argc, argv));
}
