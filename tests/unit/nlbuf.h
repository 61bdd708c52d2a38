/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Netlink messages written out byte by byte, and compared with what vio builds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

/* NLA_F_NESTED: libnl marks nests, as iproute2 does and as the kernel's strict parsing wants. */
#define NESTED 0x8000

struct buf {
	uint8_t b[256];
	size_t n;
};

static inline void u16(struct buf *x, uint16_t v)
{
	x->b[x->n++] = v & 0xff;
	x->b[x->n++] = v >> 8;
}

static inline void u32(struct buf *x, uint32_t v)
{
	u16(x, v & 0xffff);
	u16(x, v >> 16);
}

static inline void bytes(struct buf *x, const void *p, size_t n)
{
	memcpy(x->b + x->n, p, n);
	x->n += n;
}

/* An attribute: its header, the payload, zeros up to 4 bytes. */
static inline void attr(struct buf *x, uint16_t type, const void *p, size_t n)
{
	u16(x, 4 + n);
	u16(x, type);
	bytes(x, p, n);
	while (x->n % 4)
		x->b[x->n++] = 0;
}

/* A devlink request's header for family 0x1b with NLM_F_ACK (NLM_F_REQUEST is added when it
 * is sent), its command, and the device pci/0000:03:00.0; buf_done() fills in the length. */
static inline void devlink_head(struct buf *x, uint8_t cmd)
{
	u32(x, 0);
	u16(x, 0x1b);
	u16(x, 0x4);
	u32(x, 0);
	u32(x, 0);
	x->b[x->n++] = cmd;
	x->b[x->n++] = 1; /* DEVLINK_GENL_VERSION */
	u16(x, 0);
	attr(x, 1, "pci", 4);
	attr(x, 2, "0000:03:00.0", 13);
}

static inline void buf_done(struct buf *x)
{
	x->b[0] = x->n & 0xff;
	x->b[1] = x->n >> 8;
}

/* Counts a check: what vio built (r, got, len; got is freed) is want, byte for byte; else
 * both in hex on stderr. */
static inline void buf_compare(const char *what, int r, void *got, size_t len,
			       const struct buf *want)
{
	CHECK(r == 0);
	if (r == 0 && (len != want->n || memcmp(got, want->b, len) != 0)) {
		fprintf(stderr, "%s: message differs (got %zu bytes, want %zu)\n  got: ", what, len,
			want->n);
		for (size_t i = 0; i < len; i++)
			fprintf(stderr, "%02x%s", ((uint8_t *)got)[i], i % 4 == 3 ? " " : "");
		fprintf(stderr, "\n want: ");
		for (size_t i = 0; i < want->n; i++)
			fprintf(stderr, "%02x%s", want->b[i], i % 4 == 3 ? " " : "");
		fprintf(stderr, "\n");
		t_failed++;
	} else if (r == 0) {
		t_passed++;
	}
	free(got);
}
