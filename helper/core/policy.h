/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/util.h"

#include "core/swcfg.h"
#include "sys/devlink.h"

/* Policy files are small; anything larger is a mistake, not a policy. */
#define POLICY_FILE_MAX (1024u * 1024u)

enum pf_kind {
	PF_KIND_NET,
	PF_KIND_GPU,
	PF_KIND_DEV,
	_PF_KIND_MAX,
	_PF_KIND_INVALID = -EINVAL,
};

enum pf_match {
	PF_MATCH_ADDR,	 /* name = "0000:05:00.0" */
	PF_MATCH_IFNAME, /* name = "enp5s0f0" */
	PF_MATCH_ID,	 /* id = "8086:1572" */
	PF_MATCH_MAC,	 /* mac = "3c:fd:fe:aa:bb:cc", the PF's permanent address */
	_PF_MATCH_MAX,
	_PF_MATCH_INVALID = -EINVAL,
};

enum vf_link_state {
	VF_LINK_STATE_AUTO,
	VF_LINK_STATE_ENABLE,
	VF_LINK_STATE_DISABLE,
	_VF_LINK_STATE_MAX,
	_VF_LINK_STATE_INVALID = -EINVAL,
};

enum pf_key {
	PF_KEY_KIND,
	PF_KEY_VFS,
	PF_KEY_AUTOPROBE,
	PF_KEY_FORCE,
	PF_KEY_PROMISC,
	PF_KEY_LINK,
	PF_KEY_MTU,
	PF_KEY_ESWITCH,
	PF_KEY_DEVLINK,
	PF_KEY_NVME_RELEASE,
	PF_KEY_ESWITCH_INLINE, /* the e-switch's inline and encap modes, set with its mode */
	PF_KEY_ESWITCH_ENCAP,
	PF_KEY_HW_TC_OFFLOAD,  /* the PF interface's hw-tc-offload feature (ethtool -K) */
	PF_KEY_RATE_GROUPS,    /* devlink rate nodes for the VFs' rate leaves (switchdev) */
	PF_KEY_REP_NAME,       /* the VFs' representors: a name template (switchdev) */
	PF_KEY_REP_MANAGED_BY, /* and who manages them */
	_PF_KEY_MAX,
};

enum vf_key {
	VF_KEY_DRIVER,
	VF_KEY_MAC,
	VF_KEY_VLAN,
	VF_KEY_QOS,
	VF_KEY_PROTO,
	VF_KEY_MIN_TX_RATE,
	VF_KEY_MAX_TX_RATE,
	VF_KEY_SPOOFCHK,
	VF_KEY_TRUST,
	VF_KEY_LINK_STATE,
	VF_KEY_QUERY_RSS,
	VF_KEY_MTU,	   /* the VF's own netdev, from here on */
	VF_KEY_MANAGED_BY, /* which network manager may have the VF's netdev */
	VF_KEY_VFIO_OWNER, /* the VF's vfio group node */
	VF_KEY_VFIO_GROUP,
	VF_KEY_VFIO_MODE,
	VF_KEY_NVME_VQ, /* an NVMe VF's secondary controller */
	VF_KEY_NVME_VI,
	VF_KEY_RESOURCE,  /* the Kubernetes device plugin's resource (vio export) */
	VF_KEY_MSIX,	  /* sriov_vf_msix_count: the VF's MSI-X vectors, set while it is unbound */
	VF_KEY_NODE_GUID, /* an InfiniBand VF's node and port GUIDs, set through its PF */
	VF_KEY_PORT_GUID,
	VF_KEY_EXEC_QUANTUM, /* an Intel Xe VF's scheduling profile (the PF's sriov_admin/vfN/) */
	VF_KEY_PREEMPT_TIMEOUT,
	VF_KEY_VRAM_QUOTA,     /* its VRAM, provisioned while the PF has no VFs */
	VF_KEY_SCHED_PRIORITY, /* xe sets it for all VFs at once: the same for every VF */
	VF_KEY_RATE,	       /* its devlink rate leaf (switchdev), a group merged key by key */
	VF_KEY_PORT_FUNCTION,  /* its devlink port function (switchdev), likewise */
	_VF_KEY_MAX,
};

#define VF_KEY_BIT(k) (1u << (k))
/* Sent to the PF over rtnetlink (IFLA_VF_*). */
#define VF_PF_KEYS (VF_KEY_BIT(VF_KEY_QUERY_RSS + 1) - VF_KEY_BIT(VF_KEY_MAC))
/* Only for network PFs. */
/* InfiniBand VFs' GUIDs, also through the PF (IFLA_VF_IB_*_GUID). */
#define VF_GUID_KEYS (VF_KEY_BIT(VF_KEY_NODE_GUID) | VF_KEY_BIT(VF_KEY_PORT_GUID))
#define VF_NET_KEYS                                                                                \
	(VF_PF_KEYS | VF_GUID_KEYS | VF_KEY_BIT(VF_KEY_MTU) | VF_KEY_BIT(VF_KEY_MANAGED_BY))
/* Intel Xe's per-VF provisioning under the PF's sriov_admin/ (gpuprofile.c). */
#define VF_GPU_KEYS                                                                                \
	(VF_KEY_BIT(VF_KEY_EXEC_QUANTUM) | VF_KEY_BIT(VF_KEY_PREEMPT_TIMEOUT) |                    \
	 VF_KEY_BIT(VF_KEY_VRAM_QUOTA) | VF_KEY_BIT(VF_KEY_SCHED_PRIORITY))
#define VF_VFIO_KEYS                                                                               \
	(VF_KEY_BIT(VF_KEY_VFIO_OWNER) | VF_KEY_BIT(VF_KEY_VFIO_GROUP) |                           \
	 VF_KEY_BIT(VF_KEY_VFIO_MODE))

/* Who may manage a VF's netdev: udev properties set in the netdev's own event. */
#define MANAGED_BY_MAX	 64
#define ACCOUNT_NAME_MAX 32

struct vf_config {
	unsigned set;			 /* bit per enum vf_key */
	unsigned line[_VF_KEY_MAX];	 /* where each key that is set was given */
	const char *origin[_VF_KEY_MAX]; /* section name it came from, for explain */
	char driver[MODULE_NAME_MAX];
	uint8_t mac[6];
	unsigned vlan, qos;
	bool proto_8021ad;
	unsigned min_tx_rate, max_tx_rate; /* Mbit/s, 0 = no limit */
	bool spoofchk, trust, query_rss;
	enum vf_link_state link_state;
	unsigned mtu;
	char managed_by[MANAGED_BY_MAX]; /* "host", "none", "networkd", "NetworkManager" or an ID */
	char vfio_owner[ACCOUNT_NAME_MAX], vfio_group[ACCOUNT_NAME_MAX];
	unsigned vfio_mode;
	unsigned nvme_vq, nvme_vi;
	unsigned msix;
	uint8_t node_guid[8], port_guid[8];
	char resource[64];
	unsigned exec_quantum_ms, preempt_timeout_us; /* 0: no limit (the driver's default) */
	uint64_t vram_quota;			      /* bytes */
	char sched_priority[8];			      /* "low" or "normal" */
	struct vf_rate rate;
	struct vf_portfn portfn;
};
#define PF_SWITCHDEV_KEYS                                                                          \
	((1u << PF_KEY_ESWITCH_INLINE) | (1u << PF_KEY_ESWITCH_ENCAP) |                            \
	 (1u << PF_KEY_RATE_GROUPS) | (1u << PF_KEY_REP_NAME) | (1u << PF_KEY_REP_MANAGED_BY))
/* Set only with eswitch = "switchdev" in the policy. */
#define VF_SWITCHDEV_KEYS (VF_KEY_BIT(VF_KEY_RATE) | VF_KEY_BIT(VF_KEY_PORT_FUNCTION))

struct vf_section {
	char name[24]; /* "vf3", "vf2-7" */
	unsigned first, last, line;
	struct vf_config cfg;
};

struct policy {
	char *path;
	bool stub;	   /* from the cache: the match keys, broken and n_errors only */
	bool in_block;	   /* in a set's block of stubs: not freed on its own */
	bool broken;	   /* unreadable or a syntax error: which PF it is for is unknown */
	unsigned n_errors; /* semantic errors, already logged */

	enum pf_match match;
	char match_value[32];
	uint8_t match_mac[6];
	unsigned pf_line;

	unsigned set; /* bit per enum pf_key */
	unsigned line[_PF_KEY_MAX];
	enum pf_kind kind;
	unsigned vfs;
	bool vfs_max;
	bool autoprobe, force, promisc;
	bool link_up; /* link = "up" (true) or "keep" */
	unsigned mtu;
	enum eswitch_mode eswitch;
	int eswitch_inline, eswitch_encap; /* enum eswitch_inline, eswitch_encap */
	bool hw_tc_offload;
	bool nvme_release; /* release the primary controller's flexible resources first */
	struct devlink_want *devlink; /* the devlink = { } group, in file order */
	unsigned n_devlink;
	struct rate_group *rate_groups; /* rate_groups = { }, in file order */
	char rep_name[32];		/* representor_name: "%p_%v" */
	char rep_managed_by[64];	/* representor_managed_by, as a VF's managed_by */
	unsigned n_rate_groups;

	bool has_vf_defaults;
	struct vf_config vf_defaults;
	struct vf_section *sections;
	unsigned n_sections;
};

/* What the policy is matched and checked against, read from the device. */
/* What a run reads from the kernel about a PF on first use (apply/live.h). */
struct pf_live;

struct pf_facts {
	char addr[PCI_ADDR_MAX];
	char driver[MODULE_NAME_MAX]; /* its driver, "none" when none is bound */
	char bus[16]; /* its bus: "pci", or "netdevsim" (its devlink handle is bus/addr) */
	unsigned vendor, device;
	char ifname[16]; /* empty when the PF has no netdev */
	bool has_perm_mac;
	uint8_t perm_mac[6];
	unsigned totalvfs;
	enum pf_kind kind_default;	 /* from hwdb, else PCI class */
	const char *kind_source;	 /* "hwdb", "PCI class" */
	char unsupported[128];		 /* hwdb VIO_UNSUPPORTED: why vio cannot make its VFs */
	bool link_up_default;		 /* hwdb VIO_PF_LINK=up: VFs need the PF up (igb, ixgbe) */
	char vf_driver[MODULE_NAME_MAX]; /* hwdb VIO_VF_DRIVER: the VFs' native driver, or "" */
	bool eswitch_vfs_unbound;	 /* hwdb VIO_ESWITCH_ORDER=vfs-unbound (mlx5) */
	int eswitch_inline;		 /* hwdb VIO_ESWITCH_INLINE: in switchdev; -1 none */
	bool nvme_virt;			 /* hwdb VIO_NVME_VIRT=1: vio brings up secondaries */
	bool nvme_release;		 /* hwdb VIO_NVME_RELEASE=1: release the primary's first */
	int vf_total_msix;		 /* sriov_vf_total_msix: vectors for its VFs; -1 none */
	char passed_through[MODULE_NAME_MAX]; /* bound to vfio-pci (given to a guest): which */
	bool infiniband;		      /* its interface is InfiniBand (IPoIB: type 32) */
	/* Intel Xe (Linux 6.19+): sriov_admin/ with a vfN/profile/ per VF; vram_quota in it
	 * (7.0+, discrete), and whether the driver lets it be written. */
	bool gpu_admin, gpu_vram, gpu_vram_rw;
	/* The run's reads of the PF beyond these facts (the VF table, the VF ports), shared by
	 * every step: its owner's, who sets it before model_facts_read and frees it after. */
	struct pf_live *live;
};

/* The policy applied to one PF, after matching and device checks. */
struct pf_plan_config {
	const struct policy *policy;
	enum pf_kind kind;
	unsigned vfs;
	bool autoprobe, force, promisc, promisc_set;
	bool link_up; /* bring the PF's interface up before its VFs are made and bound */
	unsigned mtu; /* the PF's MTU, set before its VFs are made; 0: left as it is */
	/* For each of the vfs VFs, the sections that apply to it besides vf (vfN-M, vfN): found
	 * once per PF, so that each VF's settings cost the same however many sections there are.
	 * Owned: pf_plan_config_done() frees it. */
	/* vfio: the policy binds a VF to vfio-pci (or a variant); the first such VF and the
	 * line that says so, found while every VF is resolved once, for the IOMMU check. */
	bool vfio;
	unsigned vfio_vf, vfio_line;
	struct vf_sections {
		const struct vf_section *range, *single;
	} * vf_sections;
	/* Each of the vfs VFs as the policy resolves it: built and checked once, with the PF's
	 * (policy_resolve_pf), then read by every step. Owned, as vf_sections is. */
	struct vf_config *vf_configs;
};

void pf_plan_config_done(struct pf_plan_config *c);

struct policy_set {
	struct policy **files;
	unsigned n_files;
	struct policy *stubs; /* one block for the cache's stubs (an event's set) */
};

const char *pf_kind_to_string(int k); /* enum pf_kind; NULL past the last */
enum pf_kind pf_kind_from_string(const char *s);
const char *vf_link_state_to_string(enum vf_link_state s);
enum vf_link_state vf_link_state_from_string(const char *s);
const char *vf_key_to_string(enum vf_key k);

/* A key of a section: its name and where its value lives in the section's struct. */
struct policy_key {
	const char *name;
	size_t offset, size;
};
/* The VF keys, by enum vf_key (policy.c): one row each. */
extern const struct policy_key vf_keys[_VF_KEY_MAX];
/* The PF keys, by enum pf_key; a policy's match (name, id, mac) comes before them. */
extern const struct policy_key pf_keys[_PF_KEY_MAX];
/* "a, b, c": the names of keys[0..n-1], for the "known:" of messages (static storage). */
const char *policy_key_names(const struct policy_key *keys, unsigned n);
const char *pf_key_to_string(enum pf_key k);

void policy_free(struct policy *p);
DEFINE_POINTER_CLEANUP(struct policy, policy_free)

/* The first key only a network PF may have (promisc, link, then the VF sections, then vf), and its
 * line; NULL when there is none. */
const char *policy_first_net_key(const struct policy *p, unsigned *ret_line);
/* Checks a policy against the device (vfs vs. sriov_totalvfs, kind); logs file:line. */
/* *ret is overwritten (what it held is not freed) and owns its index of sections and every
 * VF's resolved settings: pf_plan_config_done() frees them. */
int policy_resolve_pf(const struct policy *p, const struct pf_facts *pf,
		      struct pf_plan_config *ret);
/* VF index's settings: vf, vfN-M and vfN merged, as policy_resolve_pf resolved and checked
 * them (while it does, the merge itself, which logs file:line). -ERANGE past the VFs; on an
 * error *ret holds nothing to use. */
int policy_resolve_vf(const struct pf_plan_config *pc, unsigned index, struct vf_config *ret);
