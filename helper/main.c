/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vio: SR-IOV VFs from policy files, run by udev rules and by people. No daemon. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "shared/util.h"
#include "apply.h"
#include "convert.h"
#include "export.h"
#include "fleet.h"
#include "devlink.h"
#include "inspect.h"
#include "list.h"
#include "netlink.h"
#include "netvf.h"
#include "policy.h"
#include "sysfs.h"
#include "vfdev.h"

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

static void help(void)
{
	printf(
	    "Usage: %s [OPTIONS] COMMAND [ARGS]\n"
	    "\n"
	    "Creates and configures SR-IOV virtual functions as the policy in\n"
	    "/usr/lib/vio.d, /run/vio.d and /etc/vio.d says. See vio(8), vio.conf(5).\n"
	    "\n"
	    "Commands:\n"
	    "  list [--json]      every SR-IOV PF and its VFs, with the policy that applies\n"
	    "  check [--format=prometheus]\n"
	    "                     check every policy file and compare the system with it\n"
	    "  status [--json]    what the last run that handled each PF left\n"
	    "  export device-plugin\n"
	    "                     the Kubernetes SR-IOV device plugin's config.json\n"
	    "  wait [--timeout=S] wait until every PF is as its policy says (services' readiness)\n"
	    "  explain DEVICE     which policy applies to a PF, where each value comes from,\n"
	    "                     and what vio would do\n"
	    "  apply [DEVICE...]  make PFs and their VFs match the policy now (default: all)\n"
	    "  mac PF N           print the MAC that VF N of PF gets when the policy gives none\n"
	    "  convert FILE       print viod's INI policy FILE as a vio policy\n"
	    "  modules            print the kernel modules the policy needs (for initramfs tools)\n"
	    "  pf DEVICE          handle a PF event (run by udev)\n"
	    "  vf [--export] DEVICE\n"
	    "                     handle a VF event (run by udev; --export prints its udev\n"
	    "                     properties)\n"
	    "  netdev IFACE       handle the event of a VF's interface (run by udev)\n"
	    "  vfio-group N       print the udev properties of vfio group N (run by udev)\n"
	    "\n"
	    "DEVICE is a PCI address (05:00.0, 0000:05:00.0), a /sys path, or, for apply,\n"
	    "explain and mac, a network interface name.\n"
	    "\n"
	    "Options:\n"
	    "  -n --dry-run         print what would be written, write nothing\n"
	    "  -x --export          vf: print the VF's udev properties; exit 0 (errors are logged)\n"
	    "  -j --json            list: JSON output\n"
	    "  -P --policy-dir=DIR  read policy from DIR instead (may be repeated)\n"
	    "  -v --verbose         log debug messages too\n"
	    "  -h --help            show this help\n"
	    "     --version         show the version\n"
	    "\n"
	    "Exit status: 0 done or nothing to do, 1 usage or internal error, 2 policy error,\n"
	    "3 device error, 4 refused because VFs are in use, 5 (check) the system differs.\n",
	    program_invocation_short_name);
}

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

	while ((c = getopt_long(argc, argv, "nxjP:vh", options, NULL)) >= 0)
		switch (c) {
		case 'n':
			arg_dry_run = true;
			break;
		case 'x':
			arg_export = true;
			break;
		case 'F':
			if (!streq(optarg, "prometheus") && !streq(optarg, "text"))
				return log_error_errno(
				    EINVAL, "--format=%s: must be text or prometheus", optarg);
			arg_prometheus = streq(optarg, "prometheus");
			break;
		case 't':
			if (parse_unsigned(optarg, 86400, &arg_timeout) < 0)
				return log_error_errno(EINVAL, "--timeout=%s: seconds, 0..86400",
						       optarg);
			break;
		case 'j':
			arg_json = true;
			break;
		case 'P':
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
		default:
			return -EINVAL;
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

static int load_policy(bool lazy, struct policy_set *ret)
{
	int r =
	    policy_set_load(arg_n_dirs ? arg_dirs : policy_default_dirs, arg_n_dirs > 0, lazy, ret);

	if (r == -ENOMEM)
		return log_oom(), EXIT_USAGE;
	/* A policy directory that cannot be read is not "no policy": logged, naming it. */
	return r < 0 ? EXIT_POLICY : EXIT_OK;
}

struct apply_all {
	const struct apply_opts *o;
	int worst;
};

static int apply_one(struct pcidev *pf, void *userdata)
{
	struct apply_all *a = userdata;

	a->worst = exit_worst(a->worst, apply_pf_and_vfs(pf, a->o));
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
};

/* Each command gets its arguments (after its name) and, where it needs one, the policy. An
 * event parses only the policy file that matches its PF (and those that changed). */
static int event(const char *arg, enum event_kind kind)
{
	_cleanup_(pcidev_unrefp) struct pcidev *d = NULL;
	struct plan plan = { .mode = arg_dry_run ? PLAN_DRY_RUN : PLAN_APPLY };
	struct policy_set set = {};
	struct apply_opts o = { .plan = &plan,
				.policies = &set,
				.event = getenv("SEQNUM"),
				.export = arg_export && kind == EVENT_VF,
				.netdev_only = kind == EVENT_NETDEV };
	char ifname[IF_NAMESIZE];
	unsigned group = 0;
	int r, ex;

	if (kind == EVENT_VFIO_GROUP) {
		if (parse_unsigned(arg, UINT_MAX, &group) < 0) {
			log_error("vfio-group: '%s' is not a vfio group number", arg);
			return EXIT_USAGE;
		}
	} else if (kind == EVENT_NETDEV) {
		/* udev passes the ifindex: the name may change in the very event (renaming). */
		unsigned idx;

		if (parse_unsigned(arg, INT32_MAX, &idx) >= 0) {
			if (!if_indextoname(idx, ifname))
				return gone(arg, -ENXIO)
					   ? EXIT_OK
					   : (log_error("no interface with index %u", idx),
					      EXIT_DEVICE);
			arg = ifname;
		}
		r = pcidev_from_user(arg, &d);
		if (gone(arg, r))
			return EXIT_OK;
		if (r < 0 && open_device(arg, true, &d) < 0)
			return EXIT_DEVICE;
	} else {
		r = pcidev_from_arg(arg, &d);
		if (gone(arg, r))
			return EXIT_OK;
		if (r < 0 && open_device(arg, false, &d) < 0)
			return arg_export ? EXIT_OK : EXIT_DEVICE;
	}
	ex = load_policy(true, &set);
	if (ex == EXIT_OK)
		switch (kind) {
		case EVENT_PF:
			ex = apply_pf(d, &o);
			break;
		case EVENT_VF:
			ex = apply_vf(d, &o);
			break;
		case EVENT_NETDEV:
			ex = pcidev_is_pci(d) && pcidev_has_attr(d, "physfn") ? apply_vf(d, &o)
									      : EXIT_OK;
			break;
		case EVENT_VFIO_GROUP:
			ex = vfdev_vfio_export(stdout, group, &o);
			break;
		}
	policy_set_done(&set);
	/* udev drops every property of a program that fails: the errors are in the journal. */
	return o.export ? EXIT_OK : ex;
}

static int cmd_pf(int argc _unused_, char *argv[], const struct policy_set *set _unused_)
{
	return event(argv[0], EVENT_PF);
}

static int cmd_vf(int argc _unused_, char *argv[], const struct policy_set *set _unused_)
{
	return event(argv[0], EVENT_VF);
}

static int cmd_netdev(int argc _unused_, char *argv[], const struct policy_set *set _unused_)
{
	return event(argv[0], EVENT_NETDEV);
}

static int cmd_vfio_group(int argc _unused_, char *argv[], const struct policy_set *set _unused_)
{
	return event(argv[0], EVENT_VFIO_GROUP);
}

static int cmd_apply(int argc, char *argv[], const struct policy_set *set)
{
	struct plan plan = { .mode = arg_dry_run ? PLAN_DRY_RUN : PLAN_APPLY };
	struct apply_opts o = { .plan = &plan, .policies = set };
	int r, ex = EXIT_OK;

	if (argc == 0) {
		struct apply_all a = { .o = &o };

		/* The worst status of all PFs, as vio(8) promises. */
		r = pcidev_foreach_pf(apply_one, &a);
		if (r < 0) {
			log_error_errno(r, "cannot enumerate devices: %m");
			a.worst = exit_worst(a.worst, EXIT_DEVICE);
		}
		ex = a.worst;
	}
	for (int i = 0; i < argc; i++) {
		_cleanup_(pcidev_unrefp) struct pcidev *d = NULL;

		if (open_device(argv[i], true, &d) < 0) {
			ex = exit_worst(ex, EXIT_DEVICE);
			continue;
		}
		ex = exit_worst(ex, apply_pf_and_vfs(d, &o));
	}
	return ex;
}

static int cmd_list(int argc _unused_, char *argv[] _unused_, const struct policy_set *set)
{
	return list_run(set, arg_json);
}

static int cmd_check(int argc _unused_, char *argv[] _unused_, const struct policy_set *set)
{
	return arg_prometheus ? fleet_metrics(set) : check_run(set, NULL);
}

static int cmd_status(int argc _unused_, char *argv[] _unused_,
		      const struct policy_set *set _unused_)
{
	return fleet_status(arg_json);
}

static int cmd_export(int argc _unused_, char *argv[], const struct policy_set *set)
{
	if (!streq(argv[0], "device-plugin")) {
		log_error("export: '%s': the one format is device-plugin", argv[0]);
		return EXIT_USAGE;
	}
	return export_device_plugin(set);
}

static int cmd_wait(int argc _unused_, char *argv[] _unused_, const struct policy_set *set)
{
	return fleet_wait(set, arg_timeout);
}

static int cmd_explain(int argc _unused_, char *argv[], const struct policy_set *set)
{
	_cleanup_(pcidev_unrefp) struct pcidev *d = NULL;

	if (open_device(argv[0], true, &d) < 0)
		return EXIT_DEVICE;
	return explain_run(d, set);
}

/* The native VF driver (hwdb) of a PF present that a policy applies to. */
static int modules_pf(struct pcidev *pf, void *userdata)
{
	const struct policy_set *set = userdata;
	const struct policy *p = NULL;
	struct pf_facts facts;

	if (!pcidev_is_pci(pf) || pf_facts_read(pf, false, &facts) < 0 ||
	    policy_find(set, &facts, &p) < 0 || !p)
		return 0;
	if (facts.vf_driver[0])
		printf("%s\n", facts.vf_driver);
	return 0;
}

/* What an initramfs needs (dracut's installkernel): every driver a valid policy names, and
 * the native VF drivers of this host's PFs that a policy applies to. One per line. */
static int cmd_modules(int argc _unused_, char *argv[] _unused_, const struct policy_set *set)
{
	for (unsigned i = 0; i < set->n_files; i++) {
		const struct policy *p = set->files[i];

		if (p->broken || p->n_errors)
			continue;
		if (p->vf_defaults.set & (1u << VF_KEY_DRIVER))
			printf("%s\n", p->vf_defaults.driver);
		for (unsigned k = 0; k < p->n_sections; k++)
			if (p->sections[k].cfg.set & (1u << VF_KEY_DRIVER))
				printf("%s\n", p->sections[k].cfg.driver);
	}
	(void)pcidev_foreach_pf(modules_pf, (void *)set);
	return EXIT_OK;
}

static int cmd_convert(int argc _unused_, char *argv[], const struct policy_set *set _unused_)
{
	int r = convert_viod(argv[0], stdout);

	if (r == -ENOMEM)
		return log_oom(), EXIT_USAGE;
	return r < 0 ? EXIT_POLICY : EXIT_OK;
}

static int cmd_mac(int argc _unused_, char *argv[], const struct policy_set *set _unused_)
{
	_cleanup_(pcidev_unrefp) struct pcidev *d = NULL;
	struct pf_facts facts;
	char buf[MAC_STR_MAX], key[NETVF_KEY_MAX];
	uint8_t mac[6];
	unsigned index;
	int r;

	if (parse_unsigned(argv[1], VF_INDEX_MAX, &index) < 0) {
		log_error("mac: '%s' is not a VF index (0..%u)", argv[1], VF_INDEX_MAX);
		return EXIT_USAGE;
	}
	if (open_device(argv[0], true, &d) < 0)
		return EXIT_DEVICE;
	if (pf_facts_read(d, true, &facts) < 0)
		return EXIT_DEVICE;
	if (index >= facts.totalvfs)
		log_warning("%s: vf %u is past sriov_totalvfs %u", facts.addr, index,
			    facts.totalvfs);
	r = netvf_stable_mac(&facts, index, mac, key);
	if (r < 0) {
		log_error("%s vf %u: cannot generate a MAC: %s", facts.addr, index,
			  netvf_mac_strerror(r));
		return EXIT_DEVICE;
	}
	printf("%s\n", mac_format(mac, buf));
	log_info("%s vf %u: key: machine-id and the %s", facts.addr, index, key);
	return EXIT_OK;
}

static const struct cmd {
	const char *name, *args, *about;
	int min_args, max_args; /* after the name; -1: any number */
	bool policy;		/* reads the policy files */
	int (*fn)(int argc, char *argv[], const struct policy_set *set);
} cmds[] = {
	{ "apply", "[--dry-run] [DEVICE...]",
	  "Make the PFs and their VFs match the policy now; all PFs without DEVICE.", 0, -1, true,
	  cmd_apply },
	{ "convert", "FILE",
	  "Print viod's INI policy FILE as a vio policy (comments kept; what has no equivalent is said).",
	  1, 1, false, cmd_convert },
	{ "check", "[--format=text|prometheus]",
	  "Check every policy file and compare the system with the policy.\n  Exit: 0 all as the policy says, 2 policy error, 3 cannot read the system, 5 differences.\n  --format=prometheus: metrics for node_exporter's textfile collector instead.",
	  0, 0, true, cmd_check },
	{ "export", "device-plugin",
	  "Print the SR-IOV network device plugin's config.json from the policy's resource keys.",
	  1, 1, true, cmd_export },
	{ "status", "[--json]",
	  "What the last run that handled each PF left (/run/vio/status), without running anything.",
	  0, 0, false, cmd_status },
	{ "wait", "[--timeout=SECONDS]",
	  "Wait until every PF with a policy is as it says (0), or say why not: 2 policy error,\n  3 failed with nothing in progress, 5 still not after the timeout (default 120 s).",
	  0, 0, true, cmd_wait },
	{ "explain", "DEVICE",
	  "Which policy applies to DEVICE, where each value comes from, and the steps vio would take.",
	  1, 1, true, cmd_explain },
	{ "list", "[--json]",
	  "Every SR-IOV PF and its VFs with the policy that applies (JSON: see vio(8)).", 0, 0,
	  true, cmd_list },
	{ "mac", "PF N", "The MAC address VF N of PF gets when its policy gives none.", 2, 2, false,
	  cmd_mac },
	{ "modules", "", "The kernel modules the policy needs, one per line (for initramfs tools).",
	  0, 0, true, cmd_modules },
	/* Events read the policy themselves: what the cache knows is not parsed again. */
	{ "pf", "DEVICE", "Handle a PF event (run by udev).", 1, 1, false, cmd_pf },
	{ "vf", "[--export] DEVICE",
	  "Handle a VF event (run by udev); --export prints the VF's udev properties.", 1, 1, false,
	  cmd_vf },
	{ "netdev", "IFACE", "Handle the event of a VF's interface: its MTU (run by udev).", 1, 1,
	  false, cmd_netdev },
	{ "vfio-group", "N", "Print the udev properties of vfio group N (run by udev).", 1, 1,
	  false, cmd_vfio_group },
};

static int run(const struct cmd *c, int argc, char *argv[])
{
	struct policy_set set = {};
	int ex;

	if (arg_help) {
		printf("Usage: %s [OPTIONS] %s%s%s\n  %s\nSee %s --help for the options.\n",
		       program_invocation_short_name, c->name, c->args[0] ? " " : "", c->args,
		       c->about, program_invocation_short_name);
		return EXIT_OK;
	}
	if (argc < c->min_args || (c->max_args >= 0 && argc > c->max_args)) {
		log_error("usage: %s %s%s%s", program_invocation_short_name, c->name,
			  c->args[0] ? " " : "", c->args);
		return EXIT_USAGE;
	}
	if (c->policy && (ex = load_policy(false, &set)) != EXIT_OK)
		return ex;
	ex = c->fn(argc, argv, &set);
	netvf_forget();
	netlink_close();
	devlink_close();
	policy_set_done(&set);
	return ex;
}

int main(int argc, char *argv[])
{
	int r;

	log_open();
	r = parse_argv(argc, argv);
	if (r <= 0)
		return r < 0 ? EXIT_USAGE : EXIT_OK;
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		help();
		return arg_help ? EXIT_OK : EXIT_USAGE;
	}
	for (size_t i = 0; i < ELEMENTSOF(cmds); i++)
		if (streq(argv[0], cmds[i].name))
			return run(&cmds[i], argc - 1, argv + 1);
	log_error("unknown command '%s'; see --help", argv[0]);
	return EXIT_USAGE;
}
