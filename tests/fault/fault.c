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
 *                             exist while the write is still running)
 *   open SUFFIX * ERRNO       an open() of a path ending in SUFFIX fails with ERRNO
 *   write SUFFIX * KERNEL     what the kernel does on that write, where umockdev only stores:
 *                             drivers_probe binds the device to its driver_override (vfio-pci
 *                             only with an IOMMU group), DRIVER/unbind unbinds it
 *   read SUFFIX * SHORT       reads of such a file return half of it, then end of file (a
 *                             file that shrank while it was read)
 *   dlopen NAME * MISSING     dlopen(NAME) fails as if the library were not installed
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
		if (strcmp(x->val, "*") && (vlen < l || strncmp(value, x->val, l) ||
					    (vlen > l && value[l] != '\n')))
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
		k = real(fd, data, len);
		sleep((unsigned)atoi(action + 1));
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
	/* sysfs ignores O_TRUNC; keep a file's value when a write to it is made to fail. */
	if ((flags & O_TRUNC) && has_write_rule(path))
		flags &= ~O_TRUNC;
	return real(path, flags, mode);
}
