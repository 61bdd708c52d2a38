/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shared/macro.h"

/* Domains past 0xffff exist (Intel VMD: 10000:00:02.0); the kernel prints at least 4 digits. */
/* PCIe's TotalVFs is 16 bits wide. */
#define VF_INDEX_MAX 65535u
#define PCI_ADDR_MAX sizeof("ffffffff:00:00.0")
#define MAC_STR_MAX  sizeof("00:00:00:00:00:00")
/* The kernel's MODULE_NAME_LEN is 64 - sizeof(unsigned long). */
#define MODULE_NAME_MAX 56

int parse_unsigned(const char *s, unsigned max, unsigned *ret);
/* "05:00.0", "0000:05:00.0" or "10000:05:00.0" (hex, any case) -> as the kernel names it. */
int pci_addr_normalize(const char *s, char ret[static PCI_ADDR_MAX]);
bool module_name_valid(const char *s);
bool ifname_valid(const char *s);

int mac_parse(const char *s, uint8_t ret[static 6]);
char *mac_format(const uint8_t mac[static 6], char buf[static MAC_STR_MAX]);
/* An InfiniBand GUID (EUI-64) as "xx:xx:xx:xx:xx:xx:xx:xx", as ip link writes it. */
#define GUID_STR_MAX sizeof("00:00:00:00:00:00:00:00")
int guid_parse(const char *s, uint8_t ret[static 8]);
char *guid_format(const uint8_t guid[static 8], char buf[static GUID_STR_MAX]);
bool mac_is_zero(const uint8_t mac[static 6]);
bool mac_is_multicast(const uint8_t mac[static 6]);

/* 0 when valid; else the 1-based line of the first bad byte as a negative number. */
long utf8_check(const char *buf, size_t len);
/* The length (1..4) of the UTF-8 character at s (avail bytes there), 0 when it is not one. */
size_t utf8_seq_len(const char *s, size_t avail);

/* Reads a whole small file (sysfs attribute or /etc/machine-id), strips trailing newline. */
int read_one_line(const char *path, char **ret);

/* CLOCK_MONOTONIC in seconds: for durations and deadlines. */
double monotonic_s(void);
/* Appends a copy of elem (size bytes) to the array *pv (a T **) of *n: -ENOMEM, or 0. */
int array_append(void *pv, unsigned *n, size_t size, const void *elem);

/*
 * The one escape of names and messages for people (logs, text tables): control characters
 * and bytes that are not UTF-8 become \xHH. Into buf (n bytes, cut short if need be).
 */
const char *text_escape(const char *s, char *buf, size_t n);
/* A JSON string literal of s (NULL: null): always valid JSON and UTF-8; control characters
 * as \u00XX, bytes that are not UTF-8 as the text \xHH (as text_escape shows them). */
void json_fstr(FILE *f, const char *s);
void json_str(const char *s); /* on stdout */
/* A Prometheus label value: text_escape'd, then backslash and double quote escaped. */
void prom_label(FILE *f, const char *s);
/* The index of s in a table of n names (NULL rows skipped), or -EINVAL. */
int string_table_lookup(const char *const *table, int n, const char *s);
