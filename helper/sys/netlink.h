/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One VF as the PF driver reports it (RTM_GETLINK with RTEXT_FILTER_VF), or as it is to be
 * set (netlink_vf_set). */
struct vf_state {
	bool present;
	uint8_t mac[6];
	unsigned vlan, qos;
	bool proto_8021ad;
	unsigned min_tx_rate, max_tx_rate;
	int spoofchk, trust, query_rss;	   /* -1: the driver does not report it */
	int link_state;			   /* IFLA_VF_LINK_STATE_*, -1: not reported */
	bool has_node_guid, has_port_guid; /* InfiniBand: reported (Linux 5.9+, IPoIB) */
	uint8_t node_guid[8], port_guid[8];
};

/* The VF settings netlink_vf_set() sends, a bit each, in this order within one message. */
enum netlink_vf_attr {
	NETLINK_VF_MAC,	 /* IFLA_VF_MAC */
	NETLINK_VF_VLAN, /* IFLA_VF_VLAN_LIST: the VLAN, its priority and protocol */
	NETLINK_VF_RATE, /* IFLA_VF_RATE: both limits */
	NETLINK_VF_SPOOFCHK,
	NETLINK_VF_TRUST,
	NETLINK_VF_LINK_STATE,
	NETLINK_VF_QUERY_RSS,
	NETLINK_VF_IB_NODE_GUID, /* IFLA_VF_IB_NODE_GUID: an InfiniBand VF's */
	NETLINK_VF_IB_PORT_GUID,
	_NETLINK_VF_MAX,
};
#define NETLINK_VF_BIT(a) (1u << (a))

struct link_state {
	char ifname[16]; /* IFLA_IFNAME */
	unsigned flags;	 /* IFF_* */
	bool has_perm_mac;
	uint8_t perm_mac[6];
	unsigned n_vfs;	      /* IFLA_NUM_VF: what the driver has */
	unsigned n_reported;  /* VFs the reply described: fewer when the kernel cut the list */
	struct vf_state *vfs; /* indexed by VF number, n_vfs entries */
};

/* Receive buffer for one RTM_GETLINK of a PF with VF_INDEX_MAX-sized lists in mind. */
#define NETLINK_RCVBUF (4 * 1024 * 1024)

void link_state_done(struct link_state *s);

/* Every libnl call lives in netlink.c. Errors are negative errno as the kernel sent it. */
/* -ESTALE when ifindex no longer names ifname (sysfs gave the index; it may have been reused). */
int netlink_link_get(int ifindex, const char *ifname, struct link_state *ret);
/* One IFLA_VF_INFO with the attribute of each enum netlink_vf_attr bit in attrs, as one VF's
 * settings: the kernel applies them in its own order and stops at the first it refuses. */
int netlink_vf_set(int ifindex, unsigned vf, unsigned attrs, const struct vf_state *want);
int netlink_set_mtu(int ifindex, unsigned mtu);
/* Sets or clears one IFF_* flag of an interface (IFF_PROMISC, IFF_UP). */
int netlink_set_flag(int ifindex, unsigned flag, bool on);
/* Shared with devlink.c (libnl-genl-3 rides on libnl-3's sockets). A socket of protocol with
 * a receive buffer for big replies and extended ACKs on. */
struct nl_sock;
struct nl_msg;
int netlink_open(int protocol, struct nl_sock **ret);
/* A copy of the message m as it would be sent (for the unit tests); the caller frees it. */
int netlink_msg_copy(struct nl_msg *m, void **ret, size_t *ret_len);
/* Sends m and waits for its ACK or the end of its dump, passing each reply to fn. Returns the
 * kernel's errno (negative) and, in ret_msg, the reason it gave, if any. On a transport error
 * *sk is closed and set to NULL. */
typedef int (*netlink_reply_fn)(struct nl_msg *m, void *data);
int netlink_request(struct nl_sock **sk, struct nl_msg *m, netlink_reply_fn fn, void *data,
		    char *ret_msg, size_t msg_size);
/* Closes the run's socket (it is opened at the first request and kept for the run). */
void netlink_close(void);
/* The interface in the network namespace netns_fd whose parent device is bus/dev
 * (IFLA_PARENT_DEV_NAME, Linux 5.14+): 0 with its name there, -ENOENT when none is. */
int netlink_find_by_parent(int netns_fd, const char *bus, const char *dev,
			   char ret_ifname[static 16]);
/* For tests: parses an RTM_NEWLINK message as netlink_link_get() does. */
int netlink_link_parse(const void *nlmsg, size_t len, struct link_state *ret);

/* For tests: the RTM_SETLINK message netlink_vf_set() sends, from nlmsghdr on (seq and
 * pid 0). */
int netlink_vf_build(int ifindex, unsigned vf, unsigned attrs, const struct vf_state *want,
		     uint8_t **ret, size_t *ret_len);
int netlink_errno(int nlerr);
