/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vio list: every SR-IOV PF and its VFs as the kernel has them, with the policy that applies. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/log.h"

#include "apply/live.h"
#include "apply/apply.h"
#include "apply/gpuprofile.h"
#include "apply/netvf.h"
#include "cmd/list.h"
#include "core/policyset.h"
#include "state/lock.h"
#include "sys/devlink.h"
#include "sys/dlport.h"
#include "sys/ethtool.h"
#include "sys/netdev.h"
#include "sys/netlink.h"
#include "sys/netns.h"
#include "sys/nvme.h"
#include "sys/pci_driver.h"
#include "sys/pcidev.h"

struct vf_row {
	unsigned index;
	char addr[PCI_ADDR_MAX];
	char *driver;
	int iommu;		   /* -1: none */
	int msix;		   /* sriov_vf_msix_count, -1: none */
	long long gpu[3];	   /* Intel Xe profile (gpu_profile_names), -1: none */
	char sched_priority[8];	   /* and its priority level, "" when none */
	char netdev[16];	   /* its own interface, "" when none */
	int mtu;		   /* -1: no interface */
	char *managed_by;	   /* ID_NET_MANAGED_BY of its interface (udev) */
	char vfio_link[PATH_MAX];  /* /dev/vfio/by-vf/..., "" when none */
	struct nvme_secondary sec; /* its NVMe secondary controller, when has_sec */
	bool has_sec;
	const struct vf_state *net; /* NULL: no PF netdev, or not reported */
	bool has_netns;		    /* its interface is in another network namespace: */
	struct netns_where netns;
};

struct pf_row {
	const char *addr;
	const char *netdev; /* NULL: none */
	const char *kind;
	char *driver;
	int iommu;
	unsigned numvfs, totalvfs;
	int autoprobe; /* -1: no such attribute */
	const char *policy;
	const char *eswitch;			    /* NULL: no devlink eswitch */
	const char *eswitch_inline, *eswitch_encap; /* NULL: the driver reports none */
	int hw_tc_offload;			    /* its interface's; -1: none */
	struct devlink_param *params;		    /* those the policy names */
	unsigned n_params;
	bool switchdev;	      /* its VF ports and rate objects, read in switchdev mode: */
	struct dlport *ports; /* its VFs' ports (representor, port function) */
	unsigned n_ports;
	struct dlrate *rates; /* rate groups and the VFs' leaves */
	unsigned n_rates;
	struct vf_row *vfs;
	unsigned n_vfs;
};

struct list_ctx {
	const struct policy_set *policies;
	bool json;
	unsigned n;
	enum result status;
};

static void json_int(int v)
{
	if (v < 0)
		fputs("null", stdout);
	else
		printf("%d", v);
}

/* What list reads of an Intel Xe VF's profile under its PF's sriov_admin/vfN/profile/. */
static const char *const gpu_profile_names[] = { "exec_quantum_ms", "preempt_timeout_us",
						 "vram_quota" };

static void gpu_profile_read(struct pcidev *pf, unsigned index, long long ret[static 3],
			     char prio[static 8])
{
	(void)gpuprofile_priority(pf, index, prio);
	for (unsigned k = 0; k < ELEMENTSOF(gpu_profile_names); k++) {
		unsigned long long n;

		ret[k] = gpuprofile_read(pf, index, gpu_profile_names[k], &n) >= 0 && n <= LLONG_MAX
			     ? (long long)n
			     : -1;
	}
}

static void json_bool(int v)
{
	fputs(v < 0 ? "null" : v ? "true" : "false", stdout);
}

static const char *dash(const char *s)
{
	return s && *s ? s : "-";
}

/* A rate object's values: bytes per second, priority and weight (0: none), its parent. */
static void json_rate(const struct dlrate *r)
{
	printf("\"tx_share\": %" PRIu64 ", \"tx_max\": %" PRIu64 ", \"tx_priority\": %" PRIu64
	       ", \"tx_weight\": %" PRIu64 ", \"parent\": ",
	       r->v[DLRATE_TX_SHARE], r->v[DLRATE_TX_MAX], r->v[DLRATE_TX_PRIORITY],
	       r->v[DLRATE_TX_WEIGHT]);
	json_str(r->parent[0] ? r->parent : NULL);
}

static void json_rate_groups(const struct pf_row *pf)
{
	bool first = true;

	if (!pf->switchdev) {
		fputs("null", stdout);
		return;
	}
	putchar('[');
	for (unsigned i = 0; i < pf->n_rates; i++) {
		if (!pf->rates[i].node)
			continue;
		fputs(first ? "{\"name\": " : ", {\"name\": ", stdout);
		json_str(pf->rates[i].name);
		fputs(", ", stdout);
		json_rate(&pf->rates[i]);
		putchar('}');
		first = false;
	}
	putchar(']');
}

/* A VF's switchdev port: its representor, rate leaf and port function. */
static void json_vf_port(const struct pf_row *pf, unsigned index)
{
	const struct dlport *port = dlport_find_vf(pf->ports, pf->n_ports, index);
	const struct dlrate *leaf = NULL;
	char mac[MAC_STR_MAX];

	for (unsigned i = 0; port && i < pf->n_rates; i++)
		if (!pf->rates[i].node && pf->rates[i].port == port->index)
			leaf = &pf->rates[i];
	fputs(", \"representor\": ", stdout);
	json_str(port && port->netdev[0] ? port->netdev : NULL);
	fputs(", \"rate\": ", stdout);
	if (leaf) {
		putchar('{');
		json_rate(leaf);
		putchar('}');
	} else
		fputs("null", stdout);
	fputs(", \"port_function\": ", stdout);
	if (!port) {
		fputs("null", stdout);
		return;
	}
	fputs("{\"hw_addr\": ", stdout);
	json_str(port->has_hw_addr ? mac_format(port->hw_addr, mac) : NULL);
	for (enum dlport_cap c = 0; c < _DLPORT_CAP_MAX; c++) {
		printf(", \"%s\": ", swcfg_cap_to_string(c));
		json_bool(port->caps_reported & (1u << c) ? !!(port->caps & (1u << c)) : -1);
	}
	fputs(", \"max_io_eqs\": ", stdout);
	json_int(port->has_max_io_eqs ? (int)port->max_io_eqs : -1);
	putchar('}');
}

static void print_json(const struct pf_row *pf, bool first)
{
	printf("%s\n    {\"address\": ", first ? "" : ",");
	json_str(pf->addr);
	fputs(", \"netdev\": ", stdout);
	json_str(pf->netdev);
	fputs(", \"kind\": ", stdout);
	json_str(pf->kind);
	fputs(", \"driver\": ", stdout);
	json_str(pf->driver);
	fputs(", \"iommu_group\": ", stdout);
	json_int(pf->iommu);
	printf(", \"numvfs\": %u, \"totalvfs\": %u, \"autoprobe\": ", pf->numvfs, pf->totalvfs);
	json_bool(pf->autoprobe);
	fputs(", \"policy\": ", stdout);
	json_str(pf->policy);
	fputs(", \"eswitch\": ", stdout);
	json_str(pf->eswitch);
	fputs(", \"eswitch_inline\": ", stdout);
	json_str(pf->eswitch_inline);
	fputs(", \"eswitch_encap\": ", stdout);
	json_str(pf->eswitch_encap);
	fputs(", \"hw_tc_offload\": ", stdout);
	json_bool(pf->hw_tc_offload);
	fputs(", \"devlink\": {", stdout);
	for (unsigned i = 0; i < pf->n_params; i++) {
		const struct devlink_param *p = &pf->params[i];
		enum devlink_cmode c = p->cmodes & (1u << DEVLINK_CMODE_RUNTIME)
					   ? DEVLINK_CMODE_RUNTIME
					   : DEVLINK_CMODE_DRIVERINIT;
		char v[DEVLINK_NAME_MAX + 2];

		devlink_value_format(p, c, v, sizeof(v));
		/* Numbers, true or false, or a quoted name: JSON as they are. */
		printf("%s", i ? ", " : "");
		json_str(p->name);
		printf(": %s", v);
	}
	fputs("}, \"rate_groups\": ", stdout);
	json_rate_groups(pf);
	fputs(", \"vfs\": [", stdout);
	for (unsigned i = 0; i < pf->n_vfs; i++) {
		const struct vf_row *v = &pf->vfs[i];
		char mac[MAC_STR_MAX];

		printf("%s\n      {\"index\": %u, \"address\": ", i ? "," : "", v->index);
		json_str(v->addr[0] ? v->addr : NULL);
		fputs(", \"driver\": ", stdout);
		json_str(v->driver);
		fputs(", \"iommu_group\": ", stdout);
		json_int(v->iommu);
		fputs(", \"msix\": ", stdout);
		json_int(v->msix);
		for (unsigned k = 0; k < ELEMENTSOF(gpu_profile_names); k++)
			if (v->gpu[k] < 0)
				printf(", \"%s\": null", gpu_profile_names[k]);
			else
				printf(", \"%s\": %lld", gpu_profile_names[k], v->gpu[k]);
		fputs(", \"sched_priority\": ", stdout);
		json_str(v->sched_priority[0] ? v->sched_priority : NULL);
		fputs(", \"mac\": ", stdout);
		json_str(v->net ? mac_format(v->net->mac, mac) : NULL);
		fputs(", \"vlan\": ", stdout);
		json_int(v->net ? (int)v->net->vlan : -1);
		fputs(", \"qos\": ", stdout);
		json_int(v->net ? (int)v->net->qos : -1);
		fputs(", \"vlan_proto\": ", stdout);
		json_str(!v->net ? NULL : v->net->proto_8021ad ? "802.1ad" : "802.1Q");
		fputs(", \"link_state\": ", stdout);
		json_str(v->net ? vf_link_state_to_string(v->net->link_state) : NULL);
		fputs(", \"trust\": ", stdout);
		json_bool(v->net ? v->net->trust : -1);
		fputs(", \"spoofchk\": ", stdout);
		json_bool(v->net ? v->net->spoofchk : -1);
		fputs(", \"netdev\": ", stdout);
		json_str(v->netdev[0] ? v->netdev : NULL);
		fputs(", \"netns\": ", stdout);
		if (v->has_netns) {
			char id[48];

			snprintf(id, sizeof(id), "net:[%llu]", v->netns.inode);
			fputs("{\"id\": ", stdout);
			json_str(id);
			fputs(", \"name\": ", stdout);
			json_str(v->netns.name[0] ? v->netns.name : NULL);
			fputs(", \"pid\": ", stdout);
			json_int(v->netns.pid ? (int)v->netns.pid : -1);
			fputs(", \"interface\": ", stdout);
			json_str(v->netns.ifname);
			fputs("}", stdout);
		} else
			fputs("null", stdout);
		fputs(", \"mtu\": ", stdout);
		json_int(v->mtu);
		fputs(", \"managed_by\": ", stdout);
		json_str(v->managed_by);
		fputs(", \"vfio_link\": ", stdout);
		json_str(v->vfio_link[0] ? v->vfio_link : NULL);
		fputs(", \"nvme\": ", stdout);
		if (v->has_sec)
			printf("{\"controller\": %u, \"online\": %s, \"vq\": %u, \"vi\": %u}",
			       v->sec.scid, v->sec.online ? "true" : "false", v->sec.nvq,
			       v->sec.nvi);
		else
			fputs("null", stdout);
		json_vf_port(pf, v->index);
		putchar('}');
	}
	fputs(pf->n_vfs ? "\n    ]}" : "]}", stdout);
}

static void print_table(const struct pf_row *pf)
{
	/* Names as the logs show them: a control character would forge a row. */
	char vfs[32], iommu[16], netdev[4 * 16], driver[4 * 64], policy[4 * 256];

	snprintf(vfs, sizeof(vfs), "%u/%u", pf->numvfs, pf->totalvfs);
	snprintf(iommu, sizeof(iommu), "%d", pf->iommu);
	printf("%-13s %-15s %-4s %-12s %-5s %-7s %-9s %s\n", pf->addr,
	       text_escape(dash(pf->netdev), netdev, sizeof(netdev)), pf->kind,
	       text_escape(dash(pf->driver), driver, sizeof(driver)), pf->iommu < 0 ? "-" : iommu,
	       vfs,
	       pf->autoprobe < 0 ? "-"
	       : pf->autoprobe	 ? "on"
				 : "off",
	       text_escape(dash(pf->policy), policy, sizeof(policy)));
	for (unsigned i = 0; i < pf->n_vfs; i++) {
		const struct vf_row *v = &pf->vfs[i];
		char mac[MAC_STR_MAX], vlan[32] = "-", vi[16] = "-";

		if (v->iommu >= 0)
			snprintf(vi, sizeof(vi), "%d", v->iommu);
		if (v->net && v->net->vlan)
			snprintf(vlan, sizeof(vlan), "%u/%u%s", v->net->vlan, v->net->qos,
				 v->net->proto_8021ad ? "/ad" : "");
		printf("  vf%-4u %-13s %-12s %-5s %-17s %-10s %-7s %-5s %s\n", v->index,
		       dash(v->addr), text_escape(dash(v->driver), driver, sizeof(driver)), vi,
		       v->net ? mac_format(v->net->mac, mac) : "-", vlan,
		       v->net ? dash(vf_link_state_to_string(v->net->link_state)) : "-",
		       !v->net || v->net->trust < 0 ? "-"
		       : v->net->trust		    ? "on"
						    : "off",
		       !v->net || v->net->spoofchk < 0 ? "-"
		       : v->net->spoofchk	       ? "on"
						       : "off");
		if (v->has_netns) {
			char where[160], ifname[4 * 16];

			printf("         interface %s in network namespace %s\n",
			       text_escape(v->netns.ifname, ifname, sizeof(ifname)),
			       netns_describe(&v->netns, where, sizeof(where)));
		}
	}
}

/* The VF's own interface and vfio node. */
static void vf_devices(const struct pf_facts *facts, unsigned index, struct pcidev *vf,
		       struct vf_row *v)
{
	_cleanup_free_ char *mtu = NULL, *target = NULL;
	char link[PATH_MAX], node[32];
	unsigned u;

	if (pcidev_netdev(vf, v->netdev) >= 0) {
		if (netdev_read(v->netdev, "mtu", &mtu) >= 0 && parse_unsigned(mtu, 65535, &u) >= 0)
			v->mtu = (int)u;
		(void)pcidev_netdev_property(v->netdev, "ID_NET_MANAGED_BY", &v->managed_by);
	} else if (facts->kind_default == PF_KIND_NET && v->driver &&
		   !pci_driver_is_vfio(v->driver) && !streq(v->driver, "pci-stub")) {
		/* Bound to a network driver, and no interface here: a container's or a pod's. */
		v->has_netns = netns_find_device("pci", v->addr, &v->netns) >= 0;
	}
	if (v->iommu < 0 || !v->driver || !pci_driver_is_vfio(v->driver))
		return;
	snprintf(link, sizeof(link), "/dev/vfio/by-vf/%s-vf%u", facts->addr, index);
	snprintf(node, sizeof(node), "/dev/vfio/%d", v->iommu);
	target = realpath(link, NULL);
	if (target && streq(target, node))
		memcpy(v->vfio_link, link, sizeof(link));
}

/* The PF's eswitch mode, and the devlink parameters its policy names. */
static void pf_devlink(struct pcidev *pf, const struct policy *p, struct pf_row *row)
{
	struct devlink_dev dev = {};
	struct devlink_param *all = NULL;
	struct devlink_eswitch e;
	unsigned n = 0;
	char msg[256];

	snprintf(dev.bus, sizeof(dev.bus), "%s", pcidev_subsystem(pf));
	snprintf(dev.name, sizeof(dev.name), "%s", pcidev_addr(pf));
	if (devlink_eswitch_read(&dev, &e, msg, sizeof(msg)) >= 0) {
		row->eswitch = eswitch_mode_to_string(e.mode);
		row->eswitch_inline = eswitch_inline_to_string(e.inline_mode);
		row->eswitch_encap = eswitch_encap_to_string(e.encap);
	}
	if (row->eswitch && e.mode == ESWITCH_SWITCHDEV) {
		row->switchdev = true;
		(void)dlport_vf_ports(&dev, &row->ports, &row->n_ports, msg, sizeof(msg));
		(void)dlrate_list(&dev, &row->rates, &row->n_rates, msg, sizeof(msg));
	}
	if (!p || !p->n_devlink || devlink_params(&dev, &all, &n, msg, sizeof(msg)) < 0)
		return;
	row->params = calloc(p->n_devlink, sizeof(*row->params));
	for (unsigned i = 0; row->params && i < p->n_devlink; i++)
		for (unsigned k = 0; k < n; k++)
			if (streq(all[k].name, p->devlink[i].name))
				row->params[row->n_params++] = all[k];
	free(all);
}

static int list_one(struct pcidev *pf, void *userdata)
{
	struct list_ctx *ctx = userdata;
	const struct link_state *ls = NULL;
	PF_FACTS(facts);
	const struct policy *p = NULL;
	struct pf_row row = {
		.addr = pcidev_addr(pf), .iommu = -1, .autoprobe = -1, .hw_tc_offload = -1
	};
	_cleanup_(pf_lock_release) struct pf_lock lock = PF_LOCK_INIT;
	unsigned g, a, n_vf_rows;
	char nvme_dev[32];
	int nvme_fd = -1;
	bool virt = false;

	if (pf_lock_take(pcidev_addr(pf), PF_LOCK_READ, &lock) < 0) {
		ctx->status = result_worst(ctx->status, RESULT_DEVICE);
		return 0;
	}
	if (model_facts_read(pf, policyset_needs_perm_mac(ctx->policies), &facts) < 0) {
		ctx->status = result_worst(ctx->status, RESULT_DEVICE);
		return 0;
	}
	if (policyset_find(ctx->policies, &facts, &p) < 0)
		ctx->status = result_worst(ctx->status, RESULT_POLICY);
	row.policy = p ? p->path : NULL;
	row.kind =
	    pf_kind_to_string(p && (p->set & (1u << PF_KEY_KIND)) ? p->kind : facts.kind_default);
	row.netdev = facts.ifname[0] ? facts.ifname : NULL;
	(void)pcidev_driver(pf, &row.driver);
	if (pcidev_iommu_group(pf, &g) >= 0)
		row.iommu = (int)g;
	(void)pcidev_read_unsigned(pf, "sriov_numvfs", &row.numvfs);
	row.totalvfs = facts.totalvfs == VF_INDEX_MAX ? row.numvfs : facts.totalvfs;
	if (pcidev_read_unsigned(pf, "sriov_drivers_autoprobe", &a) >= 0)
		row.autoprobe = a;
	if (ctx->json) {
		bool on, changeable;
		char msg[256];

		pf_devlink(pf, p, &row);
		row.hw_tc_offload =
		    row.netdev && ethtool_feature_get(row.netdev, "hw-tc-offload", &on, &changeable,
						      msg, sizeof(msg)) >= 0
			? on
			: -1;
	}
	/* VF network settings: one RTM_GETLINK for the PF, where the PF has a netdev here. What
	 * cannot be read is shown as unknown, said on stderr, and makes the exit status 3. */
	if (row.netdev && row.numvfs) {
		int r = netvf_table(&facts, NULL, &ls);

		if (r < 0) {
			if (r != -ESTALE) /* said */
				log_error_errno(r, "%s: cannot read the VF settings of %s: %m",
						facts.addr, row.netdev);
			ctx->status = result_worst(ctx->status, RESULT_DEVICE);
			ls = NULL;
		} else if (ls->n_vfs < row.numvfs) {
			/* What check says for the same reply: these VFs' settings are not known. */
			log_error(
			    "%s: %s reports %u VFs of the %u it has: the settings of the others cannot be read",
			    facts.addr, row.netdev, ls->n_vfs, row.numvfs);
			ctx->status = result_worst(ctx->status, RESULT_DEVICE);
		} else if (netvf_table_complete(&facts, ls) < 0) {
			ctx->status = result_worst(ctx->status, RESULT_DEVICE);
		}
	}

	/* NVMe VFs: their secondary controllers, where the PF's controller can be asked. */
	if (row.numvfs && pcidev_is_pci(pf) && nvme_open(pf, &nvme_fd, nvme_dev) >= 0 &&
	    (nvme_has_virt_mgmt(nvme_fd, &virt) != 0 || !virt)) {
		close(nvme_fd);
		nvme_fd = -1;
	}
	n_vf_rows = row.numvfs;
	row.vfs = calloc(n_vf_rows ?: 1, sizeof(*row.vfs));
	if (!row.vfs) {
		free(row.driver);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < n_vf_rows; i++) {
		_cleanup_(pcidev_unrefp) struct pcidev *vf = NULL;
		struct vf_row *v = &row.vfs[row.n_vfs++];

		v->index = i;
		v->iommu = -1;
		v->msix = -1;
		v->gpu[0] = v->gpu[1] = v->gpu[2] = -1;
		if (facts.gpu_admin)
			gpu_profile_read(pf, i, v->gpu, v->sched_priority);
		v->mtu = -1;
		if (pcidev_is_pci(pf) && pcidev_virtfn(pf, i, &vf) >= 0) {
			snprintf(v->addr, sizeof(v->addr), "%s", pcidev_addr(vf));
			(void)pcidev_driver(vf, &v->driver);
			if (pcidev_iommu_group(vf, &g) >= 0)
				v->iommu = (int)g;
			if (pcidev_read_unsigned(vf, "sriov_vf_msix_count", &g) >= 0 &&
			    g <= INT_MAX)
				v->msix = (int)g;
			vf_devices(&facts, i, vf, v);
		}
		v->has_sec = nvme_fd >= 0 && nvme_secondary_of(nvme_fd, i + 1, &v->sec) == 0;
		if (ls && i < ls->n_vfs && ls->vfs[i].present)
			v->net = &ls->vfs[i];
	}

	if (ctx->json)
		print_json(&row, ctx->n == 0);
	else
		print_table(&row);
	ctx->n++;

	for (unsigned i = 0; i < row.n_vfs; i++) {
		free(row.vfs[i].driver);
		free(row.vfs[i].managed_by);
	}
	free(row.vfs);
	free(row.params);
	free(row.ports);
	free(row.rates);
	if (nvme_fd >= 0)
		close(nvme_fd);
	free(row.driver);
	return 0;
}

enum result list_run(const struct policy_set *policies, bool json)
{
	struct list_ctx ctx = { .policies = policies, .json = json };
	int r;

	if (json)
		fputs("{\"version\": 1, \"pfs\": [", stdout);
	else
		printf("%-13s %-15s %-4s %-12s %-5s %-7s %-9s %s\n"
		       "  %-6s %-13s %-12s %-5s %-17s %-10s %-7s %-5s %s\n",
		       "PF", "NETDEV", "KIND", "DRIVER", "IOMMU", "VFS", "AUTOPROBE", "POLICY",
		       "VF", "ADDRESS", "DRIVER", "IOMMU", "MAC", "VLAN/QOS", "LINK", "TRUST",
		       "SPOOFCHK");
	r = pcidev_foreach_pf(list_one, &ctx);
	if (json)
		fputs(ctx.n ? "\n]}\n" : "]}\n", stdout);
	else if (ctx.n == 0)
		printf("(no SR-IOV physical functions)\n");
	if (r < 0)
		return log_error_errno(r, "cannot enumerate devices: %m"), RESULT_DEVICE;
	return ctx.status;
}

/* The native VF driver (hwdb) of a PF present that a policy applies to. */
static int modules_pf(struct pcidev *pf, void *userdata)
{
	const struct policy_set *set = userdata;
	const struct policy *p = NULL;
	PF_FACTS(facts);

	if (!pcidev_is_pci(pf) || model_facts_read(pf, false, &facts) < 0 ||
	    policyset_find(set, &facts, &p) < 0 || !p)
		return 0;
	if (facts.vf_driver[0])
		printf("%s\n", facts.vf_driver);
	return 0;
}

/* A driver the policy names, as a module for early boot: "vfio" is vfio-pci there (a variant
 * driver is in the image only when named). */
static void module_line(const char *driver)
{
	printf("%s\n", streq(driver, "vfio") ? "vfio-pci" : driver);
}

enum result list_modules(const struct policy_set *set)
{
	for (unsigned i = 0; i < set->n_files; i++) {
		const struct policy *p = set->files[i];

		if (p->broken || p->n_errors)
			continue;
		if (p->vf_defaults.set & (1u << VF_KEY_DRIVER))
			module_line(p->vf_defaults.driver);
		for (unsigned k = 0; k < p->n_sections; k++)
			if (p->sections[k].cfg.set & (1u << VF_KEY_DRIVER))
				module_line(p->sections[k].cfg.driver);
	}
	(void)pcidev_foreach_pf(modules_pf, (void *)set);
	return RESULT_OK;
}
