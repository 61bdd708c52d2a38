/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/util.h"

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

/* n bytes as "xx:xx:...": two hex digits each, colons between. */
static int hex_bytes_parse(const char *s, unsigned n, uint8_t *ret)
{
	uint8_t m[8];

	if (n > sizeof(m) || strlen(s) != 3 * n - 1)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		const char *p = s + 3 * i;

		if (!all_xdigit(p, 2) || (i < n - 1 && p[2] != ':'))
			return -EINVAL;
		m[i] = (uint8_t)strtoul((char[]){ p[0], p[1], 0 }, NULL, 16);
	}
	memcpy(ret, m, n);
	return 0;
}

int mac_parse(const char *s, uint8_t ret[static 6])
{
	return hex_bytes_parse(s, 6, ret);
}

int guid_parse(const char *s, uint8_t ret[static 8])
{
	return hex_bytes_parse(s, 8, ret);
}

char *guid_format(const uint8_t g[static 8], char buf[static GUID_STR_MAX])
{
	snprintf(buf, GUID_STR_MAX, "%02x:%02x:%02x:%02x:%02x:%02x:%02x:%02x", g[0], g[1], g[2],
		 g[3], g[4], g[5], g[6], g[7]);
	return buf;
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

size_t utf8_seq_len(const char *s, size_t avail)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned need;
	uint32_t cp;

	if (avail == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		need = 1;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		need = 2;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		need = 3;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (unsigned k = 1; k <= need; k++) {
		if (k >= avail || (p[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[k] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
	if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need + 1;
}

long utf8_check(const char *buf, size_t len)
{
	long line = 1;

	for (size_t i = 0; i < len;) {
		size_t k = buf[i] ? utf8_seq_len(buf + i, len - i) : 0;

		if (k == 0)
			return -line;
		if (buf[i] == '\n')
			line++;
		i += k;
	}
	return 0;
}

/* The one escape of text for people: control characters and bytes that are not UTF-8 as
 * \xHH. Calls out(c, data) for each byte of the result. */
static void escape_each(const char *s, void (*out)(char c, void *data), void *data)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t k = utf8_seq_len(s + i, n - i);

		if (k == 0 || c < 0x20 || c == 0x7f) {
			out('\\', data);
			out('x', data);
			out(hex[c >> 4], data);
			out(hex[c & 15], data);
			i++;
			continue;
		}
		for (size_t j = 0; j < k; j++)
			out(s[i + j], data);
		i += k;
	}
}

struct buf_out {
	char *buf;
	size_t n, o;
};

static void to_buf(char c, void *data)
{
	struct buf_out *b = data;

	if (b->o + 1 < b->n)
		b->buf[b->o++] = c;
}

const char *text_escape(const char *s, char *buf, size_t n)
{
	struct buf_out b = { .buf = buf, .n = n };

	if (n == 0)
		return "";
	escape_each(s ? s : "", to_buf, &b);
	buf[b.o] = '\0';
	return buf;
}

/* JSON's and Prometheus's escape of backslash and double quote, each byte to f. */
static void to_quoted(char c, void *data)
{
	FILE *f = data;

	if (c == '"' || c == '\\')
		fputc('\\', f);
	fputc(c, f);
}

void json_fstr(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	/* Control characters are JSON's own escapes; bytes that are not UTF-8 cannot be in a
	 * JSON string at all: they appear as the text \xHH, as in the logs and tables. */
	for (const char *p = s, *end = s + strlen(s); *p;) {
		unsigned char c = *p;
		size_t k = utf8_seq_len(p, end - p);

		if (k != 0 && (c < 0x20 || c == 0x7f)) {
			fprintf(f, "\\u%04x", c);
			p++;
		} else if (k == 0) {
			fprintf(f, "\\\\x%02x", c);
			p++;
		} else {
			for (size_t j = 0; j < k; j++)
				to_quoted(p[j], f);
			p += k;
		}
	}
	fputc('"', f);
}

void json_str(const char *s)
{
	json_fstr(stdout, s);
}

void prom_label(FILE *f, const char *s)
{
	/* The text escape first (no newline, no bytes that are not UTF-8 are left), then the
	 * exposition format's own: backslash and double quote. */
	escape_each(s ? s : "", to_quoted, f);
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

int array_append(void *pv, unsigned *n, size_t size, const void *elem)
{
	void *v, *grown;

	memcpy(&v, pv, sizeof(v)); /* pv is a T **: its pointer read and written as bytes */
	grown = reallocarray(v, *n + 1, size);
	if (!grown)
		return -ENOMEM;
	memcpy((char *)grown + (size_t)*n * size, elem, size);
	memcpy(pv, &grown, sizeof(grown));
	(*n)++;
	return 0;
}

int string_table_lookup(const char *const *table, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (table[i] && streq(table[i], s))
			return i;
	return -EINVAL;
}
