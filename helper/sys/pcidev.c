/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI devices in sysfs. Every libudev call lives here. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <libudev.h>

#include "shared/log.h"
#include "shared/util.h"

#include "sys/pcidev.h"

DEFINE_POINTER_CLEANUP(struct udev_device, udev_device_unref)
DEFINE_POINTER_CLEANUP(struct udev_enumerate, udev_enumerate_unref)
DEFINE_POINTER_CLEANUP(struct udev_hwdb, udev_hwdb_unref)

struct pcidev {
	struct udev_device *dev;
	char addr[32]; /* PCI address; the sysname for SR-IOV devices on other buses */
	bool pci;
};

static struct udev *udev_ctx(void)
{
	static struct udev *u;

	if (!u)
		u = udev_new();
	return u;
}

/* Takes dev. allow_other: also a device of another bus that has sriov_numvfs (netdevsim). */
static int pcidev_wrap(struct udev_device *dev, bool allow_other, struct pcidev **ret)
{
	const char *ss = udev_device_get_subsystem(dev), *name = udev_device_get_sysname(dev);
	bool pci = ss && streq(ss, "pci") && pci_addr_normalize(name, (char[PCI_ADDR_MAX]){}) >= 0;
	struct pcidev *d;

	if (!pci && !(allow_other && name && strlen(name) < sizeof(d->addr) &&
		      udev_device_get_sysattr_value(dev, "sriov_numvfs"))) {
		udev_device_unref(dev);
		return -EMEDIUMTYPE;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		udev_device_unref(dev);
		return -ENOMEM;
	}
	d->dev = dev;
	d->pci = pci;
	snprintf(d->addr, sizeof(d->addr), "%s", name);
	*ret = d;
	return 0;
}

bool pcidev_is_pci(const struct pcidev *d)
{
	return d->pci;
}

int pcidev_from_addr(const char *addr, struct pcidev **ret)
{
	struct udev_device *dev;

	if (!udev_ctx())
		return -ENOMEM;
	dev = udev_device_new_from_subsystem_sysname(udev_ctx(), "pci", addr);
	if (!dev)
		return errno == ENOMEM ? -ENOMEM : -ENODEV;
	return pcidev_wrap(dev, false, ret);
}

static int from_syspath(const char *path, bool allow_other, struct pcidev **ret)
{
	struct udev_device *dev;

	/* Only sysfs paths, and none that climb out of a directory. */
	if (!strneq(path, "/sys/", 5) || strstr(path, "/..") || strstr(path, "/./") ||
	    strlen(path) >= PATH_MAX)
		return -EINVAL;
	if (!udev_ctx())
		return -ENOMEM;
	dev = udev_device_new_from_syspath(udev_ctx(), path);
	if (!dev)
		return errno == ENOMEM ? -ENOMEM : -ENODEV;
	return pcidev_wrap(dev, allow_other, ret);
}

int pcidev_from_arg(const char *arg, struct pcidev **ret)
{
	char addr[PCI_ADDR_MAX];

	if (pci_addr_normalize(arg, addr) >= 0)
		return pcidev_from_addr(addr, ret);
	return from_syspath(arg, false, ret);
}

int pcidev_from_user(const char *arg, struct pcidev **ret)
{
	char path[PATH_MAX];
	int r;

	r = pcidev_from_arg(arg, ret);
	if (r != -EINVAL || !ifname_valid(arg))
		return r;
	/* An interface name: its device, which may sit on another bus (netdevsim). */
	snprintf(path, sizeof(path), "/sys/class/net/%s/device", arg);
	r = from_syspath(path, true, ret);
	return r == -ENODEV ? -ENXIO : r;
}

struct pcidev *pcidev_unref(struct pcidev *d)
{
	if (d) {
		udev_device_unref(d->dev);
		free(d);
	}
	return NULL;
}

const char *pcidev_addr(const struct pcidev *d)
{
	return d->addr;
}

const char *pcidev_subsystem(const struct pcidev *d)
{
	return udev_device_get_subsystem(d->dev) ?: "";
}

const char *pcidev_syspath(const struct pcidev *d)
{
	return udev_device_get_syspath(d->dev);
}

static int path_of(const struct pcidev *d, const char *attr, char buf[static PATH_MAX])
{
	if (snprintf(buf, PATH_MAX, "%s/%s", pcidev_syspath(d), attr) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

int pcidev_read(const struct pcidev *d, const char *attr, char **ret)
{
	char p[PATH_MAX];
	int r = path_of(d, attr, p);

	return r < 0 ? r : read_one_line(p, ret);
}

int pcidev_read_unsigned(const struct pcidev *d, const char *attr, unsigned *ret)
{
	_cleanup_free_ char *v = NULL;
	int r = pcidev_read(d, attr, &v);

	if (r < 0)
		return r;
	/* A value the kernel would never write is bad input, not a number to trust. */
	return parse_unsigned(v, UINT_MAX, ret) < 0 ? -EBADMSG : 0;
}

int pcidev_read_hex(const struct pcidev *d, const char *attr, unsigned *ret)
{
	_cleanup_free_ char *v = NULL;
	unsigned long u;
	char *end;
	int r = pcidev_read(d, attr, &v);

	if (r < 0)
		return r;
	errno = 0;
	u = strtoul(v, &end, 16);
	if (!strneq(v, "0x", 2) || *end || errno || u > UINT_MAX)
		return -EBADMSG;
	*ret = (unsigned)u;
	return 0;
}

static int write_file(const char *path, const char *value)
{
	/* O_TRUNC as a shell's "echo >" has: sysfs ignores it, plain files (test beds) need it. */
	_cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	size_t n = strlen(value);
	ssize_t k;

	if (fd < 0)
		return neg_errno();
	/* sysfs takes one write(); its return value is the store() method's result. */
	k = write(fd, value, n);
	if (k < 0)
		return neg_errno();
	return (size_t)k == n ? 0 : -EIO;
}

int pcidev_write(const struct pcidev *d, const char *attr, const char *value)
{
	char p[PATH_MAX];
	int r = path_of(d, attr, p);

	return r < 0 ? r : write_file(p, value);
}

bool pcidev_has_attr(const struct pcidev *d, const char *attr)
{
	char p[PATH_MAX];

	return path_of(d, attr, p) >= 0 && access(p, F_OK) == 0;
}

bool pcidev_attr_writable(const struct pcidev *d, const char *attr)
{
	char p[PATH_MAX];
	struct stat st;

	/* The mode, not access(2): root may write any file, sysfs takes a store only where the
	 * driver made the attribute writable. */
	return path_of(d, attr, p) >= 0 && stat(p, &st) == 0 && (st.st_mode & 0222);
}

static int link_basename(const char *path, char **ret)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	const char *b;

	if (n < 0)
		return neg_errno();
	buf[n] = '\0';
	b = strrchr(buf, '/');
	*ret = strdup(b ? b + 1 : buf);
	return *ret ? 0 : -ENOMEM;
}

int pcidev_driver(const struct pcidev *d, char **ret)
{
	char p[PATH_MAX];
	int r = path_of(d, "driver", p);

	if (r < 0)
		return r;
	r = link_basename(p, ret);
	if (r == -ENOENT) {
		*ret = NULL;
		return 0;
	}
	return r;
}

int pcidev_virtfn(const struct pcidev *pf, unsigned index, struct pcidev **ret)
{
	_cleanup_free_ char *name = NULL;
	char p[PATH_MAX], attr[32];
	int r;

	snprintf(attr, sizeof(attr), "virtfn%u", index);
	r = path_of(pf, attr, p);
	if (r < 0)
		return r;
	r = link_basename(p, &name);
	if (r < 0)
		return r;
	return pcidev_from_addr(name, ret);
}

int pcidev_physfn(const struct pcidev *vf, struct pcidev **ret_pf, unsigned *ret_index)
{
	_cleanup_(pcidev_unrefp) struct pcidev *pf = NULL;
	_cleanup_(closedirp) DIR *dir = NULL;
	_cleanup_free_ char *name = NULL;
	char p[PATH_MAX];
	struct dirent *de;
	int r;

	r = path_of(vf, "physfn", p);
	if (r < 0)
		return r;
	r = link_basename(p, &name);
	if (r < 0)
		return r; /* -ENOENT: not a VF, or the link is not there yet */
	r = pcidev_from_addr(name, &pf);
	if (r < 0)
		return r;

	/* The index is the N of the PF's virtfnN link that points back at this VF. */
	dir = opendir(pcidev_syspath(pf));
	if (!dir)
		return neg_errno();
	while ((de = readdir(dir))) {
		_cleanup_free_ char *target = NULL;
		unsigned idx;

		if (!strneq(de->d_name, "virtfn", 6) ||
		    parse_unsigned(de->d_name + 6, UINT_MAX, &idx) < 0)
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", pcidev_syspath(pf), de->d_name) >= PATH_MAX ||
		    link_basename(p, &target) < 0)
			continue;
		if (streq(target, vf->addr)) {
			*ret_index = idx;
			*ret_pf = TAKE_PTR(pf);
			return 0;
		}
	}
	return -ENOENT;
}

/* A representor (switchdev mode) names its port "pf0vf1", "c1pf0vf1", "pf0sf1" or "pf0";
 * the uplink "p0" or nothing at all (legacy drivers do not implement phys_port_name). */
static bool is_representor(const char *netdir, const char *ifname)
{
	_cleanup_free_ char *port = NULL;
	char p[PATH_MAX];

	if (snprintf(p, sizeof(p), "%s/%s/phys_port_name", netdir, ifname) >= (int)sizeof(p) ||
	    read_one_line(p, &port) < 0)
		return false;
	return strneq(port, "pf", 2) || (port[0] == 'c' && port[1] >= '0' && port[1] <= '9');
}

int pcidev_netdev(const struct pcidev *d, char ret[static 16])
{
	_cleanup_(closedirp) DIR *dir = NULL;
	char p[PATH_MAX], best[16] = "";
	struct dirent *de;
	int r = path_of(d, "net", p);

	if (r < 0)
		return r;
	dir = opendir(p);
	if (!dir)
		return neg_errno();
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || !ifname_valid(de->d_name) ||
		    is_representor(p, de->d_name))
			continue;
		/* Several uplinks (rare): the first by name, so the choice is stable. */
		if (!best[0] || strcmp(de->d_name, best) < 0)
			memcpy(best, de->d_name, strlen(de->d_name) + 1); /* < 16: checked */
	}
	if (!best[0])
		return -ENOENT;
	memcpy(ret, best, sizeof(best));
	return 0;
}

int pcidev_iommu_group(const struct pcidev *d, unsigned *ret)
{
	_cleanup_free_ char *g = NULL;
	char p[PATH_MAX];
	int r = path_of(d, "iommu_group", p);

	if (r < 0)
		return r;
	r = link_basename(p, &g);
	if (r < 0)
		return r;
	return parse_unsigned(g, UINT_MAX, ret) < 0 ? -EBADMSG : 0;
}

int pcidev_netdev_property(const char *ifname, const char *key, char **ret)
{
	_cleanup_(udev_device_unrefp) struct udev_device *dev = NULL;
	const char *v;

	if (!ifname_valid(ifname))
		return -EINVAL;
	dev = udev_device_new_from_subsystem_sysname(udev_ctx(), "net", ifname);
	if (!dev)
		return neg_errno();
	v = udev_device_get_property_value(dev, key);
	*ret = v ? strdup(v) : NULL;
	return v && !*ret ? -ENOMEM : 0;
}

int pcidev_netdev_initialized(const char *ifname)
{
	_cleanup_(udev_device_unrefp) struct udev_device *dev = NULL;

	if (!ifname_valid(ifname))
		return -EINVAL;
	dev = udev_device_new_from_subsystem_sysname(udev_ctx(), "net", ifname);
	if (!dev)
		return neg_errno();
	/* udev (250+) saves the database, ID_RENAMING=1, just before it renames the interface. */
	return udev_device_get_is_initialized(dev) &&
	       !udev_device_get_property_value(dev, "ID_RENAMING");
}

int pcidev_netdev_settled(const struct pcidev *d, char ret[static 16])
{
	bool wait = !getenv("SEQNUM") && access("/run/udev/control", F_OK) >= 0;
	int r;

	/* A rename keeps the interface in the device's net/ directory: only its name changes. */
	for (int i = 0;; i++) {
		r = pcidev_netdev(d, ret);
		if (r < 0 || !wait || i == 200 || pcidev_netdev_initialized(ret) > 0)
			return r;
		usleep(50 * 1000);
	}
}

/* Asks udev to run its rules for a device again, as `udevadm trigger` does. */
static int trigger(const char *syspath)
{
	_cleanup_free_ char *p = NULL;

	if (asprintf(&p, "%s/uevent", syspath) < 0)
		return -ENOMEM;
	return write_file(p, "change");
}

int pcidev_trigger(const struct pcidev *d)
{
	return trigger(udev_device_get_syspath(d->dev));
}

int pcidev_netdev_trigger(const char *ifname)
{
	return pcidev_netdev_trigger_action(ifname, "change");
}

int pcidev_netdev_trigger_action(const char *ifname, const char *action)
{
	char p[80];

	if (!ifname_valid(ifname))
		return -EINVAL;
	snprintf(p, sizeof(p), "/sys/class/net/%s/uevent", ifname);
	return write_file(p, action);
}

int pcidev_vfio_trigger(unsigned group)
{
	char p[64];

	snprintf(p, sizeof(p), "/sys/class/vfio/%u", group);
	return trigger(p);
}

int pcidev_iommu_group_foreach(unsigned group, int (*fn)(struct pcidev *d, void *userdata),
			       void *userdata)
{
	_cleanup_(closedirp) DIR *dir = NULL;
	char p[PATH_MAX];
	struct dirent *de;
	int r;

	snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%u/devices", group);
	dir = opendir(p);
	if (!dir)
		return neg_errno();
	while ((de = readdir(dir))) {
		_cleanup_(pcidev_unrefp) struct pcidev *d = NULL;

		if (de->d_name[0] == '.' || pcidev_from_addr(de->d_name, &d) < 0)
			continue;
		r = fn(d, userdata);
		if (r != 0)
			return r;
	}
	return 0;
}

int pcidev_probe(const struct pcidev *d)
{
	return write_file("/sys/bus/pci/drivers_probe", d->addr);
}

int pcidev_unbind(const struct pcidev *d, const char *driver)
{
	char p[PATH_MAX];

	if (!module_name_valid(driver))
		return -EINVAL;
	snprintf(p, sizeof(p), "/sys/bus/pci/drivers/%s/unbind", driver);
	return write_file(p, d->addr);
}

static void hwdb_prop(struct pcidev_hwdb *h, const char *key, const char *value)
{
	if (!key || !value)
		return;
	if (streq(key, "VIO_KIND"))
		snprintf(h->kind, sizeof(h->kind), "%s", value);
	else if (streq(key, "VIO_VF_DRIVER"))
		snprintf(h->vf_driver, sizeof(h->vf_driver), "%s", value);
	else if (streq(key, "VIO_UNSUPPORTED"))
		snprintf(h->unsupported, sizeof(h->unsupported), "%s", value);
	else if (streq(key, "VIO_PF_LINK"))
		snprintf(h->pf_link, sizeof(h->pf_link), "%s", value);
	else if (streq(key, "VIO_ESWITCH_ORDER"))
		snprintf(h->eswitch_order, sizeof(h->eswitch_order), "%s", value);
	else if (streq(key, "VIO_ESWITCH_INLINE"))
		snprintf(h->eswitch_inline, sizeof(h->eswitch_inline), "%s", value);
	else if (streq(key, "VIO_NVME_VIRT"))
		h->nvme_virt = streq(value, "1");
	else if (streq(key, "VIO_NVME_RELEASE"))
		h->nvme_release = streq(value, "1");
}

int pcidev_hwdb(const struct pcidev *d, struct pcidev_hwdb *ret)
{
	static const char *const keys[] = { "VIO_KIND",		 "VIO_VF_DRIVER",
					    "VIO_UNSUPPORTED",	 "VIO_PF_LINK",
					    "VIO_ESWITCH_ORDER", "VIO_NVME_VIRT",
					    "VIO_NVME_RELEASE",	 "VIO_ESWITCH_INLINE" };
	_cleanup_(udev_hwdb_unrefp) struct udev_hwdb *hwdb = NULL;
	_cleanup_free_ char *modalias = NULL;
	const char *devpath = getenv("DEVPATH");
	struct udev_list_entry *e;
	int r;

	*ret = (struct pcidev_hwdb){};
	/* udev imported the hwdb for this device already (60-vio.rules): the event's own
	 * device has the properties in its environment, another device (a VF's PF) in udev's
	 * database. Asking the hwdb again would be half a VF event's work. */
	if (getenv("SEQNUM") && devpath) {
		bool self = streq(devpath, udev_device_get_devpath(d->dev));

		if (self || udev_device_get_is_initialized(d->dev)) {
			for (size_t i = 0; i < ELEMENTSOF(keys); i++)
				hwdb_prop(ret, keys[i],
					  self ? getenv(keys[i])
					       : udev_device_get_property_value(d->dev, keys[i]));
			return 0;
		}
	}
	/* Run by hand: the hwdb as it is now. SR-IOV devices of other buses have no modalias:
	 * "BUS:NAME" ("netdevsim:netdevsim10") is their key. */
	if (d->pci)
		r = pcidev_read(d, "modalias", &modalias);
	else
		r = asprintf(&modalias, "%s:%s", pcidev_subsystem(d), d->addr) < 0 ? -ENOMEM : 0;
	if (r < 0)
		return r;
	hwdb = udev_hwdb_new(udev_ctx());
	if (!hwdb)
		return -ENOENT;
	udev_list_entry_foreach (e, udev_hwdb_get_properties_list_entry(hwdb, modalias, 0))
		hwdb_prop(ret, udev_list_entry_get_name(e), udev_list_entry_get_value(e));
	return 0;
}

int pcidev_foreach_pf(int (*fn)(struct pcidev *pf, void *userdata), void *userdata)
{
	_cleanup_(udev_enumerate_unrefp) struct udev_enumerate *e = NULL;
	struct udev_list_entry *it;
	int r, ret = 0;

	if (!udev_ctx())
		return -ENOMEM;
	e = udev_enumerate_new(udev_ctx());
	if (!e)
		return -ENOMEM;
	/* PCI PFs, and SR-IOV devices on other buses (netdevsim), which have sriov_numvfs too. */
	r = udev_enumerate_add_match_sysattr(e, "sriov_numvfs", NULL);
	if (r >= 0)
		r = udev_enumerate_scan_devices(e);
	if (r < 0)
		return r;
	udev_list_entry_foreach (it, udev_enumerate_get_list_entry(e)) {
		_cleanup_(pcidev_unrefp) struct pcidev *d = NULL;
		struct udev_device *dev;

		dev = udev_device_new_from_syspath(udev_ctx(), udev_list_entry_get_name(it));
		if (!dev || pcidev_wrap(dev, true, &d) < 0)
			continue;
		if (d->pci && !pcidev_has_attr(d, "sriov_totalvfs"))
			continue;
		r = fn(d, userdata);
		if (r < 0 && ret == 0)
			ret = r;
	}
	return ret;
}
