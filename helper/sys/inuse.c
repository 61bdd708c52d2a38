/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Is a VF in use, and by what? vio never destroys, rebinds or reprograms a VF in use unless
 * the policy says force. Read from sysfs and /proc only: no process of the user is touched.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "shared/util.h"

#include "sys/inuse.h"
#include "sys/netdev.h"
#include "sys/pci_driver.h"
#include "sys/pcidev.h"

static int sysfs_devt(const char *path, dev_t *ret)
{
	_cleanup_free_ char *v = NULL;
	unsigned maj, min;
	int r = read_one_line(path, &v);

	if (r < 0)
		return r;
	if (sscanf(v, "%u:%u", &maj, &min) != 2)
		return -EBADMSG;
	*ret = makedev(maj, min);
	return 0;
}

/* Does any process hold the device devt (char or block) open? Scans /proc/PID/fd. */
static int devt_is_open(dev_t devt, bool block, pid_t *ret_pid)
{
	_cleanup_(closedirp) DIR *proc = opendir("/proc");
	struct dirent *de;

	if (!proc)
		return neg_errno();
	while ((de = readdir(proc))) {
		_cleanup_(closedirp) DIR *fds = NULL;
		char p[64];
		struct dirent *fe;
		unsigned pid;

		if (parse_unsigned(de->d_name, INT_MAX, &pid) < 0)
			continue;
		snprintf(p, sizeof(p), "/proc/%u/fd", pid);
		fds = opendir(p);
		if (!fds)
			continue; /* gone, or not ours to read */
		while ((fe = readdir(fds))) {
			char fp[320];
			struct stat st;

			if (fe->d_name[0] == '.')
				continue;
			snprintf(fp, sizeof(fp), "/proc/%u/fd/%s", pid, fe->d_name);
			if (stat(fp, &st) == 0 && st.st_rdev == devt &&
			    (block ? S_ISBLK(st.st_mode) : S_ISCHR(st.st_mode))) {
				*ret_pid = (pid_t)pid;
				return 1;
			}
		}
	}
	return 0;
}

static bool devt_is_mounted(dev_t devt)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	unsigned maj, min;

	while (f && fgets(line, sizeof(line), f))
		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ..." */
		if (sscanf(line, "%*u %*u %u:%u", &maj, &min) == 2 && makedev(maj, min) == devt)
			return true;
	return false;
}

static bool dir_has_entries(const char *path)
{
	_cleanup_(closedirp) DIR *d = opendir(path);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			return true;
	return false;
}

/* A char device under the VF's sysfs directory (vfio-dev/vfioN) that a process holds open. */
static int cdev_open(const struct pcidev *d, const char *sub, char *name, size_t n, pid_t *pid)
{
	_cleanup_(closedirp) DIR *dir = NULL;
	char p[PATH_MAX];
	struct dirent *de;
	dev_t devt;

	snprintf(p, sizeof(p), "%s/%s", pcidev_syspath(d), sub);
	dir = opendir(p);
	while (dir && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s/%s/dev", pcidev_syspath(d), sub, de->d_name);
		if (sysfs_devt(p, &devt) >= 0 && devt_is_open(devt, false, pid) > 0) {
			snprintf(name, n, "%s", de->d_name);
			return 1;
		}
	}
	return 0;
}

/* An NVMe VF's namespaces: mounted, held (device mapper, md) or open. */
static int nvme_ns_busy(const struct pcidev *d, char **ret_why)
{
	_cleanup_(closedirp) DIR *ctrls = NULL;
	char p[PATH_MAX];
	struct dirent *c;

	snprintf(p, sizeof(p), "%s/nvme", pcidev_syspath(d));
	ctrls = opendir(p);
	while (ctrls && (c = readdir(ctrls))) {
		_cleanup_(closedirp) DIR *nss = NULL;
		struct dirent *ns;

		if (c->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/nvme/%s", pcidev_syspath(d), c->d_name);
		nss = opendir(p);
		while (nss && (ns = readdir(nss))) {
			char blk[NAME_MAX + 1];
			unsigned a, b, k;
			dev_t devt;
			pid_t pid = 0;

			/* nvmeXnY, or with native multipath the path nvmeXcZnY of the disk nvmeXnY.
			 */
			if (sscanf(ns->d_name, "nvme%uc%un%u", &a, &b, &k) == 3)
				snprintf(blk, sizeof(blk), "nvme%un%u", a, k);
			else if (sscanf(ns->d_name, "nvme%un%u", &a, &k) == 2)
				snprintf(blk, sizeof(blk), "%s", ns->d_name);
			else
				continue;
			snprintf(p, sizeof(p), "/sys/class/block/%s/dev", blk);
			if (sysfs_devt(p, &devt) < 0)
				continue;
			snprintf(p, sizeof(p), "/sys/class/block/%s/holders", blk);
			if (dir_has_entries(p))
				return asprintf(ret_why, "namespace %s is held by another device",
						blk) < 0
					   ? -ENOMEM
					   : 1;
			if (devt_is_mounted(devt))
				return asprintf(ret_why, "namespace %s is mounted", blk) < 0
					   ? -ENOMEM
					   : 1;
			if (devt_is_open(devt, true, &pid) > 0)
				return asprintf(ret_why, "namespace %s is open (pid %d)", blk,
						(int)pid) < 0
					   ? -ENOMEM
					   : 1;
		}
	}
	return 0;
}

int inuse_pcidev(const struct pcidev *d, char **ret_why)
{
	_cleanup_free_ char *drv = NULL;
	char ifname[16], p[PATH_MAX], name[NAME_MAX + 1];
	unsigned group, class = 0;
	dev_t devt;
	pid_t pid = 0;
	int r;

	r = pcidev_driver(d, &drv);
	if (r < 0)
		return r;
	if (drv && pci_driver_is_vfio(drv)) {
		if (pcidev_iommu_group(d, &group) >= 0) {
			snprintf(p, sizeof(p), "/sys/class/vfio/%u/dev", group);
			if (sysfs_devt(p, &devt) >= 0 && devt_is_open(devt, false, &pid) > 0)
				return asprintf(ret_why, "vfio group %u is open (pid %d)", group,
						(int)pid) < 0
					   ? -ENOMEM
					   : 1;
		}
		/* iommufd users open the device's own cdev instead of the group. */
		if (cdev_open(d, "vfio-dev", name, sizeof(name), &pid) > 0)
			return asprintf(ret_why, "/dev/vfio/devices/%s is open (pid %d)", name,
					(int)pid) < 0
				   ? -ENOMEM
				   : 1;
		return 0;
	}
	/* DPDK and other userspace drivers: bound is in use; nothing shows whether it runs. */
	if (drv && (strneq(drv, "uio", 3) || streq(drv, "igb_uio")))
		return asprintf(ret_why, "bound to %s, a userspace driver (DPDK)", drv) < 0
			   ? -ENOMEM
			   : 1;
	if (pcidev_netdev(d, ifname) >= 0)
		return netdev_is_up(ifname) > 0
			   ? (asprintf(ret_why, "interface %s is up", ifname) < 0 ? -ENOMEM : 1)
			   : 0;
	/* A network VF whose driver made an interface that is not in our namespace: a
	 * container's or a pod's (CNI moved it). */
	if (drv && !streq(drv, "pci-stub") && pcidev_read_hex(d, "class", &class) >= 0 &&
	    class >> 16 == 0x02)
		return asprintf(ret_why,
				"bound to %s, its interface is in another network namespace",
				drv) < 0
			   ? -ENOMEM
			   : 1;
	return nvme_ns_busy(d, ret_why);
}
