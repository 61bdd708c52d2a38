/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NVMe admin commands for virtualization management, through the PF controller's character
 * device. The layouts are NVMe 1.4's (Identify CNS 14h and 15h, Virtualization Management). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/nvme_ioctl.h>

#include "shared/util.h"

#include "sys/nvme.h"

#define NVME_ADMIN_IDENTIFY	   0x06
#define NVME_ADMIN_VIRT_MGMT	   0x1c
#define NVME_ID_CNS_CTRL	   0x01
#define NVME_ID_CNS_PRIMARY_CAPS   0x14
#define NVME_ID_CNS_SECONDARY_LIST 0x15
#define NVME_OACS_VIRT_MGMT	   (1u << 7)

enum {
	VIRT_ACT_PRIMARY_ALLOC = 1,
	VIRT_ACT_SEC_OFFLINE = 7,
	VIRT_ACT_SEC_ASSIGN = 8,
	VIRT_ACT_SEC_ONLINE = 9,
};

static uint16_t le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int nvme_open(const struct pcidev *pf, int *ret_fd, char ret_name[static 32])
{
	_cleanup_(closedirp) DIR *dir = NULL;
	char p[PATH_MAX];
	struct dirent *de;
	int fd;

	snprintf(p, sizeof(p), "%s/nvme", pcidev_syspath(pf));
	dir = opendir(p);
	if (!dir)
		return errno == ENOENT ? -ENOENT : neg_errno();
	while ((de = readdir(dir)))
		if (strneq(de->d_name, "nvme", 4) && strlen(de->d_name) < 24)
			break;
	if (!de)
		return -ENOENT;
	snprintf(ret_name, 32, "/dev/%.24s", de->d_name); /* < 24: checked above */
	fd = open(ret_name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return neg_errno();
	*ret_fd = fd;
	return 0;
}

static int admin(int fd, uint8_t opcode, uint32_t cdw10, uint32_t cdw11, void *data, uint32_t len,
		 uint32_t *ret_result)
{
	struct nvme_admin_cmd c = {
		.opcode = opcode,
		.addr = (uintptr_t)data,
		.data_len = len,
		.cdw10 = cdw10,
		.cdw11 = cdw11,
	};
	int r = ioctl(fd, NVME_IOCTL_ADMIN_CMD, &c);

	if (r < 0)
		return neg_errno();
	if (r > 0)
		return r & 0x7ff; /* the status: SCT and SC */
	if (ret_result)
		*ret_result = c.result;
	return 0;
}

static int identify(int fd, uint8_t cns, uint16_t cntid, uint8_t buf[static 4096])
{
	memset(buf, 0, 4096);
	return admin(fd, NVME_ADMIN_IDENTIFY, cns | (uint32_t)cntid << 16, 0, buf, 4096, NULL);
}

int nvme_has_virt_mgmt(int fd, bool *ret)
{
	uint8_t buf[4096];
	int r = identify(fd, NVME_ID_CNS_CTRL, 0, buf);

	if (r != 0)
		return r;
	*ret = le16(buf + 256) & NVME_OACS_VIRT_MGMT;
	/* QEMU before 8.1 implements Virtualization Management without saying so in OACS:
	 * a controller that answers Identify Primary Controller Capabilities has it. */
	if (!*ret && identify(fd, NVME_ID_CNS_PRIMARY_CAPS, 0, buf) == 0)
		*ret = le32(buf + 32) || le32(buf + 64);
	return 0;
}

int nvme_primary_caps(int fd, struct nvme_primary *ret)
{
	uint8_t buf[4096];
	int r = identify(fd, NVME_ID_CNS_PRIMARY_CAPS, 0, buf);

	if (r != 0)
		return r;
	*ret = (struct nvme_primary){ .cntlid = le16(buf) };
	for (int t = 0; t < 2; t++) {
		const uint8_t *b = buf + 32 + 32 * t; /* VQ at byte 32, VI at byte 64 */

		ret->res[t].total = le32(b);
		ret->res[t].assigned = le32(b + 4);
		ret->res[t].primary = le16(b + 8);
		ret->res[t].max_per_sec = le16(b + 12);
		ret->res[t].granularity = le16(b + 14);
	}
	return 0;
}

int nvme_secondary_of(int fd, uint16_t vfn, struct nvme_secondary *ret)
{
	uint8_t buf[4096];
	uint16_t from = 0;

	/* At most 127 entries per list, from controller ID 'from' on. */
	for (;;) {
		unsigned n;
		int r = identify(fd, NVME_ID_CNS_SECONDARY_LIST, from, buf);

		if (r != 0)
			return r;
		n = buf[0] > 127 ? 127 : buf[0];
		for (unsigned i = 0; i < n; i++) {
			const uint8_t *e = buf + 32 + 32 * i; /* after the count and 31 reserved */

			if (le16(e + 8) != vfn)
				continue;
			*ret = (struct nvme_secondary){ .scid = le16(e),
							.online = e[4] & 1,
							.vfn = le16(e + 8),
							.nvq = le16(e + 10),
							.nvi = le16(e + 12) };
			return 0;
		}
		if (n < 127 || le16(buf + 32 + 32 * 126) == UINT16_MAX)
			return -ENOENT;
		from = le16(buf + 32 + 32 * 126) + 1;
	}
}

static int virt_mgmt(int fd, unsigned act, unsigned rt, uint16_t cntlid, uint16_t nr)
{
	return admin(fd, NVME_ADMIN_VIRT_MGMT, act | rt << 8 | (uint32_t)cntlid << 16, nr, NULL, 0,
		     NULL);
}

int nvme_sec_offline(int fd, uint16_t scid)
{
	return virt_mgmt(fd, VIRT_ACT_SEC_OFFLINE, 0, scid, 0);
}

int nvme_sec_online(int fd, uint16_t scid)
{
	return virt_mgmt(fd, VIRT_ACT_SEC_ONLINE, 0, scid, 0);
}

int nvme_sec_assign(int fd, uint16_t scid, enum nvme_res rt, uint16_t nr)
{
	return virt_mgmt(fd, VIRT_ACT_SEC_ASSIGN, rt, scid, nr);
}

int nvme_primary_alloc(int fd, uint16_t cntlid, enum nvme_res rt, uint16_t nr)
{
	return virt_mgmt(fd, VIRT_ACT_PRIMARY_ALLOC, rt, cntlid, nr);
}

const char *nvme_res_name(enum nvme_res rt)
{
	return rt == NVME_RES_VQ ? "queue (VQ)" : "interrupt (VI)";
}

const char *nvme_strerror(int r, char *buf, int n)
{
	const char *what;

	if (r < 0)
		return strerror_r(-r, buf, n);
	switch (r) {
	case 0x11f:
		what = "Invalid Controller Identifier";
		break;
	case 0x120:
		what = "Invalid Secondary Controller State";
		break;
	case 0x121:
		what = "Invalid Number of Controller Resources";
		break;
	case 0x122:
		what = "Invalid Resource Identifier";
		break;
	case 0x001:
		what = "Invalid Command Opcode";
		break;
	case 0x002:
		what = "Invalid Field in Command";
		break;
	default:
		what = "see the NVMe specification";
	}
	snprintf(buf, n, "NVMe status 0x%03x (%s)", r, what);
	return buf;
}
