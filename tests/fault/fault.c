/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault injection for the fast tier: an LD_PRELOAD shim, loaded before umockdev's, that makes
 * chosen syscalls on chosen paths fail, or act like a driver that does less than asked.
 *
 * VIO_FAULT holds rules separated by ';', each "OP SUFFIX VALUE ACTION":
 *   write SUFFIX VALUE ERRNO  a write of VALUE (or '*': any) to a path ending in SUFFIX fails
 *                             with ERRNO (EBUSY, ENOMEM, EINVAL, EIO, EACCES, EPERM, ENODEV)
 *   write SUFFIX VALUE =N     ... writes N instead and reports success (a driver that
 *                             enables fewer VFs than asked)
 *   write SUFFIX VALUE +S     ... is made, then the call returns only S seconds later (a
 *                             slow driver: on a real kernel the VFs and their uevents
 *                             exist while the write is still running), or as soon as the
 *                             file VIO_FAULT_GATE names exists (the test decides when the
 *                             driver is done, however slow the machine)
 *   open SUFFIX * ERRNO       an open() of a path ending in SUFFIX fails with ERRNO
 *   write SUFFIX * KERNEL     what the kernel does on that write, where umockdev only stores:
 *                             drivers_probe binds the device to its driver_override (vfio-pci
 *                             only with an IOMMU group), DRIVER/unbind unbinds it
 *   read SUFFIX * SHORT       reads of such a file return half of it, then end of file (a
 *                             file that shrank while it was read)
 *   dlopen NAME * MISSING     dlopen(NAME) fails as if the library were not installed
 *   nvme DEV STATE CTRL       DEV (/dev/nvme0) is an NVMe controller with virtualization
 *                             management, its state in the file STATE (see nvme_load); each
 *                             admin command is appended to STATE.log; "write /reset * KERNEL"
 *                             resets it (the primary's pending allocation takes effect)
 * The paths are those the process sees after umockdev's redirection (readlink of the fd).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <linux/nvme_ioctl.h>

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EBUSY", EBUSY },   { "ENOMEM", ENOMEM }, { "EINVAL", EINVAL }, { "EIO", EIO },
	{ "EACCES", EACCES }, { "EPERM", EPERM },   { "ENODEV", ENODEV },
};

struct rule {
	char op[16], suffix[256], val[64], action[64];
};

static struct rule rules[32];
static unsigned n_rules;

/* VIO_FAULT, parsed once: the shim sits on every open, read and write of the process. */
static void parse_rules(void)
{
	static bool parsed;
	const char *env = getenv("VIO_FAULT");
	char buf[4096], *save = NULL, *r;

	if (parsed)
		return;
	parsed = true;
	if (!env || strlen(env) >= sizeof(buf))
		return;
	strcpy(buf, env);
	for (r = strtok_r(buf, ";", &save); r && n_rules < sizeof(rules) / sizeof(rules[0]);
	     r = strtok_r(NULL, ";", &save)) {
		struct rule *x = &rules[n_rules];

		if (sscanf(r, " %15s %255s %63s %63s", x->op, x->suffix, x->val, x->action) == 4)
			n_rules++;
	}
}

static bool has_op(const char *op)
{
	parse_rules();
	for (unsigned i = 0; i < n_rules; i++)
		if (!strcmp(rules[i].op, op))
			return true;
	return false;
}

static bool suffix_is(const char *path, const char *suffix)
{
	size_t pl = strlen(path), sl = strlen(suffix);

	return pl >= sl && !strcmp(path + pl - sl, suffix);
}

/* The rule for op on path with value ('*' matches any): returns its action, or NULL. */
static const char *rule_for(const char *op, const char *path, const char *value, size_t vlen)
{
	parse_rules();
	for (unsigned i = 0; i < n_rules; i++) {
		const struct rule *x = &rules[i];
		size_t l = strlen(x->val);

		if (strcmp(x->op, op) || !suffix_is(path, x->suffix))
			continue;
		if (strcmp(x->val, "*") &&
		    (vlen < l || strncmp(value, x->val, l) || (vlen > l && value[l] != '\n')))
			continue;
		return x->action;
	}
	return NULL;
}

/* Is there any write rule for path? (Its value does not matter.) */
static bool has_write_rule(const char *path)
{
	parse_rules();
	for (unsigned i = 0; i < n_rules; i++)
		if (!strcmp(rules[i].op, "write") && suffix_is(path, rules[i].suffix))
			return true;
	return false;
}

static int errno_of(const char *action)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strncmp(action, errnos[i].name, strlen(errnos[i].name)))
			return errnos[i].value;
	return EIO;
}

/* The path an fd was opened with, as the process sees it (after umockdev's redirection). */
static bool fd_path(int fd, char path[static PATH_MAX])
{
	char link[64];
	ssize_t k;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	k = readlink(link, path, PATH_MAX - 1);
	if (k <= 0)
		return false;
	path[k] = '\0';
	return true;
}

/* bus is .../sys/bus/pci; dev the device's address. */
static void kernel_bind(const char *bus, const char *dev)
{
	char p[PATH_MAX], real_dev[PATH_MAX], drv[256] = "", link[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/devices/%s", bus, dev);
	if (!realpath(p, real_dev))
		return;
	snprintf(p, sizeof(p), "%s/driver_override", real_dev);
	f = fopen(p, "re");
	if (!f)
		return;
	if (!fgets(drv, sizeof(drv), f))
		drv[0] = '\0';
	fclose(f);
	drv[strcspn(drv, "\n")] = '\0';
	if (!drv[0] || !strcmp(drv, "(null)"))
		return; /* the kernel's own matching: not emulated */
	snprintf(p, sizeof(p), "%s/driver", real_dev);
	if (access(p, F_OK) == 0)
		return; /* bound already */
	snprintf(link, sizeof(link), "%s/drivers/%s", bus, drv);
	if (access(link, F_OK) < 0)
		return; /* no such driver registered */
	snprintf(link, sizeof(link), "%s/iommu_group", real_dev);
	if (!strcmp(drv, "vfio-pci") && access(link, F_OK) < 0)
		return; /* vfio-pci refuses a device without an IOMMU group */
	snprintf(link, sizeof(link), "../../../bus/pci/drivers/%s", drv);
	(void)!symlink(link, p);
}

/*
 * The emulated NVMe controller (QEMU's rules, hw/nvme/ctrl.c): one line
 * "VIRT VQ_TOTAL VI_TOTAL VQ_PRIMARY VI_PRIMARY VQ_PENDING VI_PENDING VQ_MAX VI_MAX N" and then
 * N lines "ONLINE NVQ NVI", one per secondary controller (ID and VF number i + 1).
 */
struct nvme_state {
	int virt, total[2], prim[2], pend[2], max[2], n;
	int online[64], res[64][2];
};

/* The state file of the emulated controller at path (or of any, path NULL). */
static const char *nvme_state_for(const char *path)
{
	parse_rules();
	for (unsigned i = 0; i < n_rules; i++)
		if (!strcmp(rules[i].op, "nvme") && (!path || suffix_is(path, rules[i].suffix)))
			return rules[i].val;
	return NULL;
}

static const char *nvme_state_path(void)
{
	return nvme_state_for(NULL);
}

static bool nvme_load(struct nvme_state *st)
{
	const char *p = nvme_state_path();
	FILE *f = p ? fopen(p, "re") : NULL;
	bool ok;

	if (!f)
		return false;
	ok = fscanf(f, "%d %d %d %d %d %d %d %d %d %d", &st->virt, &st->total[0], &st->total[1],
		    &st->prim[0], &st->prim[1], &st->pend[0], &st->pend[1], &st->max[0],
		    &st->max[1], &st->n) == 10 &&
	     st->n <= 64;
	for (int i = 0; ok && i < st->n; i++)
		ok = fscanf(f, "%d %d %d", &st->online[i], &st->res[i][0], &st->res[i][1]) == 3;
	fclose(f);
	return ok;
}

static void nvme_save(const struct nvme_state *st)
{
	FILE *f = fopen(nvme_state_path(), "we");

	if (!f)
		return;
	fprintf(f, "%d %d %d %d %d %d %d %d %d %d\n", st->virt, st->total[0], st->total[1],
		st->prim[0], st->prim[1], st->pend[0], st->pend[1], st->max[0], st->max[1], st->n);
	for (int i = 0; i < st->n; i++)
		fprintf(f, "%d %d %d\n", st->online[i], st->res[i][0], st->res[i][1]);
	fclose(f);
}

static void nvme_log(const char *fmt, unsigned a, unsigned b, unsigned c, unsigned d)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s.log", nvme_state_path());
	f = fopen(p, "ae");
	if (!f)
		return;
	fprintf(f, fmt, a, b, c, d);
	fputc('\n', f);
	fclose(f);
}

static void put16(uint8_t *b, unsigned v)
{
	b[0] = v & 0xff;
	b[1] = v >> 8;
}

static void put32(uint8_t *b, unsigned v)
{
	put16(b, v & 0xffff);
	put16(b + 2, v >> 16);
}

/* One admin command: the NVMe status (0: success). */
static int nvme_admin(struct nvme_admin_cmd *c)
{
	struct nvme_state st;
	uint8_t *buf = (uint8_t *)(uintptr_t)c->addr;
	unsigned act = c->cdw10 & 0xf, rt = (c->cdw10 >> 8) & 7, id = c->cdw10 >> 16,
		 nr = c->cdw11 & 0xffff;
	int assigned[2] = {}, i;

	if (!nvme_load(&st))
		return 0x006; /* Internal Error */
	for (i = 0; i < st.n; i++)
		for (int t = 0; t < 2; t++)
			assigned[t] += st.res[i][t];
	if (c->opcode == 0x06) {
		unsigned cns = c->cdw10 & 0xff;

		nvme_log("identify cns=0x%02x", cns, 0, 0, 0);
		memset(buf, 0, c->data_len);
		if (cns == 0x01) {
			put16(buf + 256, st.virt ? 0x80 : 0);
		} else if (cns == 0x14 && st.virt) {
			for (int t = 0; t < 2; t++) {
				uint8_t *b = buf + 32 + 32 * t;

				put32(b, st.total[t]);
				put32(b + 4, assigned[t]);
				put16(b + 8, st.prim[t]);
				put16(b + 12, st.max[t]);
				put16(b + 14, 1);
			}
		} else if (cns == 0x15 && st.virt) {
			buf[0] = st.n;
			for (i = 0; i < st.n; i++) {
				uint8_t *e = buf + 32 + 32 * i;

				put16(e, i + 1);
				e[4] = st.online[i];
				put16(e + 8, i + 1);
				put16(e + 10, st.res[i][0]);
				put16(e + 12, st.res[i][1]);
			}
		} else if (cns != 0x01) {
			return 0x002; /* Invalid Field in Command */
		}
		return 0;
	}
	if (c->opcode != 0x1c || !st.virt)
		return 0x001; /* Invalid Command Opcode */
	nvme_log("virt-mgmt act=%u rt=%u cntlid=%u nr=%u", act, rt, id, nr);
	if (rt > 1)
		return 0x122;
	if (act == 1) { /* primary flexible allocation: at the next reset */
		if (id != 0)
			return 0x11f;
		if ((int)nr > st.total[rt] - assigned[rt])
			return 0x122;
		st.pend[rt] = nr;
	} else {
		if (id < 1 || (int)id > st.n)
			return 0x11f;
		i = id - 1;
		if (act == 8) { /* assign */
			if (st.online[i])
				return 0x120;
			if ((int)nr > st.max[rt])
				return 0x121;
			if ((int)nr - st.res[i][rt] > st.total[rt] - st.prim[rt] - assigned[rt])
				return 0x122;
			st.res[i][rt] = nr;
		} else if (act == 9) { /* online */
			if (st.res[i][0] < 2 || st.res[i][1] < 1)
				return 0x120;
			st.online[i] = 1;
		} else if (act == 7) { /* offline: its resources go back */
			st.online[i] = 0;
			st.res[i][0] = st.res[i][1] = 0;
		} else {
			return 0x002;
		}
	}
	nvme_save(&st);
	return 0;
}

static void nvme_reset(void)
{
	struct nvme_state st;

	if (!nvme_load(&st))
		return;
	nvme_log("reset", 0, 0, 0, 0);
	st.prim[0] = st.pend[0];
	st.prim[1] = st.pend[1];
	nvme_save(&st);
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	char path[PATH_MAX];
	const char *state = nvme_state_path();
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	if (state && req == NVME_IOCTL_ADMIN_CMD && fd_path(fd, path) && !strcmp(path, state))
		return nvme_admin(arg);
	return real(fd, req, arg);
}

static void kernel_write(const char *path, const char *data, size_t len)
{
	char value[64], bus[PATH_MAX], p[PATH_MAX], real_dev[PATH_MAX];
	const char *s;
	size_t n = len < sizeof(value) - 1 ? len : sizeof(value) - 1;

	memcpy(value, data, n);
	value[n] = '\0';
	value[strcspn(value, "\n")] = '\0';
	if (strstr(path, "/driver_override")) {
		/* Writing a newline clears it; the kernel then shows "(null)". */
		if (!value[0]) {
			FILE *f = fopen(path, "we");

			if (f) {
				fputs("(null)\n", f);
				fclose(f);
			}
		}
		return;
	}
	if (suffix_is(path, "/reset")) {
		nvme_reset();
		return;
	}
	s = strstr(path, "/bus/pci/");
	if (!s)
		return;
	snprintf(bus, sizeof(bus), "%.*s/bus/pci", (int)(s - path), path);
	if (strstr(path, "/drivers_probe")) {
		kernel_bind(bus, value);
	} else if (strstr(path, "/unbind")) {
		snprintf(p, sizeof(p), "%s/devices/%s", bus, value);
		if (realpath(p, real_dev)) {
			snprintf(p, sizeof(p), "%s/driver", real_dev);
			(void)unlink(p);
		}
	}
}

/* S seconds, or until the file $VIO_FAULT_GATE exists, or until a signal comes */
static void slow(int seconds)
{
	const char *gate = getenv("VIO_FAULT_GATE");
	struct timespec tick = { 0, 20 * 1000 * 1000 };

	for (long n = seconds * 50L; n > 0; n--) {
		if (gate && access(gate, F_OK) == 0)
			return;
		if (nanosleep(&tick, NULL) < 0 && errno == EINTR)
			return;
	}
}

ssize_t write(int fd, const void *data, size_t len)
{
	static ssize_t (*real)(int, const void *, size_t);
	char path[PATH_MAX];
	const char *action;
	ssize_t k;

	if (!real)
		real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (!has_op("write") || !fd_path(fd, path))
		return real(fd, data, len);
	if (!has_write_rule(path))
		return real(fd, data, len);
	action = rule_for("write", path, data, len);
	if (action && !strncmp(action, "KERNEL", 6)) {
		(void)!ftruncate(fd, 0); /* a store replaces the value (O_TRUNC was left out) */
		k = real(fd, data, len);
		if (k >= 0)
			kernel_write(path, data, len);
		return k;
	}
	if (action && action[0] == '+') {
		/* The store is made, then the call is slow; no more (a drivers_probe that binds
		 * nothing: a driver that refused). A signal ends the sleep early: the write had
		 * completed, as a sysfs store does. */
		(void)!ftruncate(fd, 0);
		k = real(fd, data, len);
		slow(atoi(action + 1));
		return k;
	}
	if (action && action[0] != '=') {
		errno = errno_of(action); /* and the file keeps its value, as sysfs does */
		return -1;
	}
	/* open() left O_TRUNC out for this path: a successful store replaces the value (on a
	 * test bed's plain file; sysfs ignores the size). */
	(void)!ftruncate(fd, 0);
	if (!action)
		return real(fd, data, len);
	{
		char n[32];
		int m = snprintf(n, sizeof(n), "%s", action + 1);

		if (real(fd, n, m) < 0)
			return -1;
		return (ssize_t)len;
	}
}

static int open_fault(const char *path)
{
	const char *action = rule_for("open", path, "", 0);

	if (!action)
		return 0;
	errno = errno_of(action);
	return -1;
}

ssize_t read(int fd, void *buf, size_t len)
{
	static ssize_t (*real)(int, void *, size_t);
	static bool done;
	char path[PATH_MAX];
	ssize_t k;

	if (!real)
		real = (ssize_t(*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	if (!has_op("read") || !fd_path(fd, path))
		return real(fd, buf, len);
	if (!rule_for("read", path, "", 0))
		return real(fd, buf, len);
	if (done)
		return 0;
	done = true;
	k = real(fd, buf, len);
	return k > 1 ? k / 2 : k;
}

void *dlopen(const char *name, int flags)
{
	static void *(*real)(const char *, int);
	char missing[PATH_MAX];

	if (!real)
		real = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
	if (name && rule_for("dlopen", name, "", 0)) {
		/* The real loader's own error text, for a name that cannot exist. */
		snprintf(missing, sizeof(missing), "%s.vio-test-missing", name);
		return real(missing, flags);
	}
	return real(name, flags);
}

int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	mode_t mode = 0;
	va_list ap;

	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (open_fault(path) < 0)
		return -1;
	/* The emulated NVMe controller's node is its state file. */
	if (nvme_state_for(path))
		return real(nvme_state_for(path), O_RDONLY | O_CLOEXEC);
	/* sysfs ignores O_TRUNC; keep a file's value when a write to it is made to fail. */
	if ((flags & O_TRUNC) && has_write_rule(path))
		flags &= ~O_TRUNC;
	return real(path, flags, mode);
}
