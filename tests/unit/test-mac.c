/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stable MACs, recomputed with the openssl command line exactly as vio.conf(5) documents. */
#include <stdio.h>
#include <string.h>

#include "shared/util.h"

#include "sys/mac.h"
#include "test.h"

/* 02: followed by the first 5 bytes of the HMAC, from `openssl dgst`. */
static int openssl_mac(const char *machine_id, const char *pf_id, unsigned index, char *ret)
{
	char cmd[512], out[256];
	FILE *p;

	snprintf(
	    cmd, sizeof(cmd),
	    "printf 'vio-vf-mac %%s %%u' '%s' %u | openssl dgst -sha256 -mac HMAC -macopt key:%s -r",
	    pf_id, index, machine_id);
	p = popen(cmd, "r");
	if (!p || !fgets(out, sizeof(out), p)) {
		if (p)
			pclose(p);
		return -1;
	}
	if (pclose(p) != 0 || strlen(out) < 10)
		return -1;
	snprintf(ret, MAC_STR_MAX, "02:%.2s:%.2s:%.2s:%.2s:%.2s", out, out + 2, out + 4, out + 6,
		 out + 8);
	return 0;
}

int main(void)
{
	static const char *ids[] = { "3d1219c7c4c5404aaa1f6d2a48adfda4",
				     "0123456789abcdef0123456789abcdef" };
	static const char *pfs[] = { "3c:fd:fe:aa:bb:cc", "0000:05:00.0", "52:54:00:12:34:56" };
	static const unsigned idx[] = { 0, 1, 7, 255 };
	char want[MAC_STR_MAX], got[MAC_STR_MAX];
	uint8_t mac[6], other[6];

	if (system("openssl version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "no openssl command, skipping\n");
		return 77;
	}
	for (size_t a = 0; a < 2; a++)
		for (size_t b = 0; b < 3; b++)
			for (size_t c = 0; c < 4; c++) {
				CHECK(mac_stable(ids[a], pfs[b], idx[c], mac) == 0);
				CHECK(openssl_mac(ids[a], pfs[b], idx[c], want) == 0);
				CHECK_STREQ(mac_format(mac, got), want);
				/* locally administered, unicast */
				CHECK(mac[0] == 0x02 && !mac_is_multicast(mac));
			}
	/* Another host, another VF: another MAC. */
	CHECK(mac_stable(ids[0], pfs[0], 0, mac) == 0);
	CHECK(mac_stable(ids[1], pfs[0], 0, other) == 0 && memcmp(mac, other, 6) != 0);
	CHECK(mac_stable(ids[0], pfs[0], 1, other) == 0 && memcmp(mac, other, 6) != 0);
	return test_finish();
}
