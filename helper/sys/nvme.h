/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "sys/pcidev.h"

/* NVMe virtualization management through the PF controller's character device
 * (NVME_IOCTL_ADMIN_CMD): what vio needs of it, and nothing else. */

/* Resource types of Virtualization Management (NVMe 1.4, 5.22). */
enum nvme_res {
	NVME_RES_VQ = 0, /* flexible queue resources */
	NVME_RES_VI = 1, /* flexible interrupt resources */
};

/* Identify, Primary Controller Capabilities (CNS 14h): per resource type. */
struct nvme_primary {
	uint16_t cntlid;
	struct {
		uint32_t total;	      /* VQFRT / VIFRT: flexible, for all secondaries */
		uint32_t assigned;    /* VQRFA / VIRFA: assigned to secondaries */
		uint16_t primary;     /* VQRFAP / VIRFAP: allocated to the primary */
		uint16_t max_per_sec; /* VQFRSM / VIFRSM */
		uint16_t granularity; /* VQGRAN / VIGRAN */
	} res[2];
};

/* Identify, Secondary Controller List (CNS 15h): one entry. */
struct nvme_secondary {
	uint16_t scid; /* its controller ID */
	bool online;   /* SCS bit 0 */
	uint16_t vfn;  /* VF number, 1-based: VF index + 1 */
	uint16_t nvq, nvi;
};

/* The PF's controller ("/dev/nvme0"), opened for the run. -ENOENT: the PF has no
 * controller (no driver, or not NVMe). */
int nvme_open(const struct pcidev *pf, int *ret_fd, char ret_name[static 32]);
/* Identify Controller OACS bit 7. */
int nvme_has_virt_mgmt(int fd, bool *ret);
int nvme_primary_caps(int fd, struct nvme_primary *ret);
/* The secondary controller of VF number vfn (index + 1); -ENOENT when there is none. */
int nvme_secondary_of(int fd, uint16_t vfn, struct nvme_secondary *ret);
/* Virtualization Management. Positive: the controller's status (SCT << 8 | SC). */
int nvme_sec_offline(int fd, uint16_t scid);
int nvme_sec_online(int fd, uint16_t scid);
int nvme_sec_assign(int fd, uint16_t scid, enum nvme_res rt, uint16_t nr);
int nvme_primary_alloc(int fd, uint16_t cntlid, enum nvme_res rt, uint16_t nr);
/* A negative errno or a positive NVMe status, in words. */
const char *nvme_strerror(int r, char *buf, int n);
const char *nvme_res_name(enum nvme_res rt);
