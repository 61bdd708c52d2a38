/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "shared/util.h"

/* A PCI device in sysfs. Attribute reads are never cached: the kernel changes them under us. */
struct pcidev;

/* "05:00.0", "0000:05:00.0" or a /sys path of a PCI device; -EINVAL for anything else,
 * -ENODEV when there is no such device, -EMEDIUMTYPE when it is not a PCI device. */
int pcidev_from_arg(const char *arg, struct pcidev **ret);
int pcidev_from_addr(const char *addr, struct pcidev **ret);
/* What a person may name: the above, or a network interface, whose device may also be an
 * SR-IOV device on another bus (netdevsim). -ENXIO: no such interface. */
int pcidev_from_user(const char *arg, struct pcidev **ret);
bool pcidev_is_pci(const struct pcidev *d);
struct pcidev *pcidev_unref(struct pcidev *d);
DEFINE_POINTER_CLEANUP(struct pcidev, pcidev_unref)

const char *pcidev_addr(const struct pcidev *d);
const char *pcidev_syspath(const struct pcidev *d);
/* "pci", or the bus of an SR-IOV device elsewhere ("netdevsim"). */
const char *pcidev_subsystem(const struct pcidev *d);

int pcidev_read(const struct pcidev *d, const char *attr, char **ret);
int pcidev_read_unsigned(const struct pcidev *d, const char *attr, unsigned *ret);
int pcidev_read_hex(const struct pcidev *d, const char *attr, unsigned *ret);
int pcidev_write(const struct pcidev *d, const char *attr, const char *value);
bool pcidev_has_attr(const struct pcidev *d, const char *attr);
/* attr exists and its mode lets it be written (whoever the caller is) */
bool pcidev_attr_writable(const struct pcidev *d, const char *attr);

/* Name of the bound driver, or NULL (return 0) when unbound. */
int pcidev_driver(const struct pcidev *d, char **ret);
/* The PF of a VF and the VF's index (virtfnN); -ENOENT when not a VF (yet). */
int pcidev_physfn(const struct pcidev *vf, struct pcidev **ret_pf, unsigned *ret_index);
int pcidev_virtfn(const struct pcidev *pf, unsigned index, struct pcidev **ret);
/* First network interface of the device; -ENOENT when it has none. */
int pcidev_netdev(const struct pcidev *d, char ret[static 16]);
int pcidev_iommu_group(const struct pcidev *d, unsigned *ret);

/* Asks the PCI core to probe the device (driver_override decides which driver). */
int pcidev_probe(const struct pcidev *d);
int pcidev_unbind(const struct pcidev *d, const char *driver);

/* vio's properties of a device in udev's hwdb (60-vio.hwdb); empty strings where unset. */
struct pcidev_hwdb {
	char kind[8];			 /* VIO_KIND */
	char vf_driver[MODULE_NAME_MAX]; /* VIO_VF_DRIVER */
	char unsupported[128];		 /* VIO_UNSUPPORTED */
	char pf_link[8];		 /* VIO_PF_LINK */
	char eswitch_order[16];		 /* VIO_ESWITCH_ORDER */
	char eswitch_inline[16];	 /* VIO_ESWITCH_INLINE */
	bool nvme_virt, nvme_release;	 /* VIO_NVME_VIRT, VIO_NVME_RELEASE */
};
/* Under udev, from the event's environment (the event's device) or udev's database (another
 * device, such as a VF's PF), where udev imported them already; run by hand, from the hwdb. */
int pcidev_hwdb(const struct pcidev *d, struct pcidev_hwdb *ret);

/* Calls fn for every SR-IOV PF: PCI devices with sriov_totalvfs, others with sriov_numvfs,
 * in the order of their sysfs paths. */
int pcidev_foreach_pf(int (*fn)(struct pcidev *pf, void *userdata), void *userdata);

/* A property udev gave an interface (its database); *ret NULL when it has none. */
int pcidev_netdev_property(const char *ifname, const char *key, char **ret);
/* 1 when udev has handled the interface's add event (its name is final), else 0. */
int pcidev_netdev_initialized(const char *ifname);
/* The device's interface once udev has named it: a new interface is renamed in its own udev
 * event. Outside udev's events, waits for that (at most 10 s, when udev runs); inside one,
 * the interface's event waits for ours, so the kernel's name stands for the run. */
int pcidev_netdev_settled(const struct pcidev *d, char ret[static 16]);
/* "change" events, as `udevadm trigger` sends: udev runs its rules for the device again. */
int pcidev_trigger(const struct pcidev *d);
int pcidev_netdev_trigger(const char *ifname);
/* An event of that action ("add": udev names the interface again, as at its birth). */
int pcidev_netdev_trigger_action(const char *ifname, const char *action);
int pcidev_vfio_trigger(unsigned group);
/* Calls fn for each PCI device of an IOMMU group; stops at the first nonzero return. */
int pcidev_iommu_group_foreach(unsigned group, int (*fn)(struct pcidev *d, void *userdata),
			       void *userdata);
