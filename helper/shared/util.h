/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

/* Domains past 0xffff exist (Intel VMD: 10000:00:02.0); the kernel prints at least 4 digits. */
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
bool mac_is_zero(const uint8_t mac[static 6]);
bool mac_is_multicast(const uint8_t mac[static 6]);

/* 0 when valid; else the 1-based line of the first bad byte as a negative number. */
long utf8_check(const char *buf, size_t len);

/* Reads a whole small file (sysfs attribute or /etc/machine-id), strips trailing newline. */
int read_one_line(const char *path, char **ret);

/* CLOCK_MONOTONIC in seconds: for durations and deadlines. */
double monotonic_s(void);

/* A JSON string literal of s on stdout (quotes, backslashes and control characters escaped). */
void json_str(const char *s);
