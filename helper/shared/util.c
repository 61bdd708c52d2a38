/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

int parse_unsigned(const char *s, unsigned max, unsigned *ret)
{
	unsigned long v;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno == ERANGE || v > max)
		return -ERANGE;
	if (*end != '\0' && !(end[0] == '\n' && end[1] == '\0'))
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

static bool all_xdigit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

int pci_addr_normalize(const char *s, char ret[static PCI_ADDR_MAX])
{
	size_t n = strlen(s), dl = n >= 7 ? n - 7 : 0; /* domain digits and its ':' */
	const char *b = s + dl;			       /* bb:dd.f */
	unsigned long domain = 0;

	if (n < 7 || (dl > 0 && (dl < 5 || dl > 9 || s[dl - 1] != ':' || !all_xdigit(s, dl - 1))))
		return -EINVAL;
	if (!all_xdigit(b, 2) || b[2] != ':' || !all_xdigit(b + 3, 2) || b[5] != '.' ||
	    b[6] < '0' || b[6] > '7')
		return -EINVAL;
	/* Device numbers stop at 0x1f. */
	if (strtoul((char[]){ b[3], b[4], 0 }, NULL, 16) > 0x1f)
		return -EINVAL;
	if (dl > 0)
		domain = strtoul(s, NULL, 16);
	if (domain > 0xffffffffUL)
		return -EINVAL;
	snprintf(ret, PCI_ADDR_MAX, "%04lx:%c%c:%c%c.%c", domain, tolower((unsigned char)b[0]),
		 tolower((unsigned char)b[1]), tolower((unsigned char)b[3]),
		 tolower((unsigned char)b[4]), b[6]);
	return 0;
}

bool module_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= MODULE_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

bool ifname_valid(const char *s)
{
	size_t n = strlen(s);

	/* The kernel's dev_valid_name(): IFNAMSIZ, not "." or "..", no '/', ':' or space. */
	if (n == 0 || n >= 16 || streq(s, ".") || streq(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s) ||
		    !isprint((unsigned char)*s))
			return false;
	return true;
}

int mac_parse(const char *s, uint8_t ret[static 6])
{
	uint8_t m[6];

	if (strlen(s) != 17)
		return -EINVAL;
	for (unsigned i = 0; i < 6; i++) {
		const char *p = s + 3 * i;

		if (!all_xdigit(p, 2) || (i < 5 && p[2] != ':'))
			return -EINVAL;
		m[i] = (uint8_t)strtoul((char[]){ p[0], p[1], 0 }, NULL, 16);
	}
	memcpy(ret, m, 6);
	return 0;
}

char *mac_format(const uint8_t mac[static 6], char buf[static MAC_STR_MAX])
{
	snprintf(buf, MAC_STR_MAX, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	return buf;
}

bool mac_is_zero(const uint8_t mac[static 6])
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

bool mac_is_multicast(const uint8_t mac[static 6])
{
	return mac[0] & 0x01;
}

long utf8_check(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	long line = 1;

	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		unsigned need;
		uint32_t cp;

		if (c == '\n')
			line++;
		if (c == 0)
			return -line;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			need = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3;
			cp = c & 0x07;
		} else {
			return -line;
		}
		for (unsigned k = 1; k <= need; k++) {
			if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
				return -line;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
		    (need == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -line;
		i += need + 1;
	}
	return 0;
}

int read_one_line(const char *path, char **ret)
{
	_cleanup_fclose_ FILE *f = NULL;
	char *line = NULL;
	size_t n = 0;
	ssize_t k;

	f = fopen(path, "re");
	if (!f)
		return neg_errno();
	k = getline(&line, &n, f);
	if (k < 0) {
		int r = ferror(f) ? neg_errno() : 0;

		free(line);
		if (r < 0)
			return r;
		line = strdup("");
		if (!line)
			return -ENOMEM;
		k = 0;
	}
	if (k > 0 && line[k - 1] == '\n')
		line[k - 1] = '\0';
	*ret = line;
	return 0;
}

double monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void json_str(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}
