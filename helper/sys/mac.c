/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stable VF MACs. Every OpenSSL call lives here; libcrypto itself is dlopen()ed. */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "shared/log.h"
#include "shared/util.h"

#include "sys/mac.h"

static __typeof__(EVP_Q_mac) *sym_EVP_Q_mac;
static __typeof__(OPENSSL_init_crypto) *sym_OPENSSL_init_crypto;

static char load_error[256];

static int mac_open(void)
{
	void *dl;

	if (sym_EVP_Q_mac)
		return 0;
	dl = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		snprintf(load_error, sizeof(load_error), "cannot load libcrypto.so.3 (OpenSSL): %s",
			 dlerror());
		return -ELIBACC;
	}
	sym_EVP_Q_mac = (__typeof__(EVP_Q_mac) *)dlsym(dl, "EVP_Q_mac");
	sym_OPENSSL_init_crypto =
	    (__typeof__(OPENSSL_init_crypto) *)dlsym(dl, "OPENSSL_init_crypto");
	if (!sym_EVP_Q_mac || !sym_OPENSSL_init_crypto) {
		snprintf(load_error, sizeof(load_error),
			 "libcrypto.so.3 has no EVP_Q_mac (OpenSSL 3 is needed)");
		sym_EVP_Q_mac = NULL;
		return -ELIBACC;
	}
	/* Not openssl.cnf: a MAC that must be the same on every host may not depend on a
	 * host's OpenSSL configuration (and reading it costs a third of the work). Nor its
	 * cleanup at exit: vio exits at once, and the kernel frees it all (7% of vio mac's
	 * instructions, make bench). */
	if (!sym_OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT, NULL))
		return -EIO;
	return 0;
}

const char *mac_strerror(int r)
{
	switch (r) {
	case -ELIBACC:
		return load_error;
	case -ENOENT:
		return "/etc/machine-id does not exist";
	case -ENOMEDIUM:
		return "/etc/machine-id is empty or uninitialized";
	case -EBADMSG:
		return "/etc/machine-id is not 32 hex digits";
	default:
		return strerror(-r);
	}
}

int mac_read_machine_id(char **ret)
{
	_cleanup_free_ char *id = NULL;
	int r = read_one_line("/etc/machine-id", &id);

	if (r < 0)
		return r;
	/* An empty or "uninitialized" machine-id would give every host the same MACs. */
	if (strlen(id) != 32)
		return -ENOMEDIUM;
	for (const char *p = id; *p; p++)
		if (!isxdigit((unsigned char)*p))
			return -EBADMSG;
	*ret = TAKE_PTR(id);
	return 0;
}

/* HMAC-SHA256(machine-id, data): at least n bytes of it in ret. */
static int hmac(const char *machine_id, const char *data, size_t n, unsigned char *ret)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t len = 0;
	int r = mac_open();

	if (r < 0)
		return r;
	if (!sym_EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, machine_id, strlen(machine_id),
			   (const unsigned char *)data, strlen(data), md, sizeof(md), &len) ||
	    len < n)
		return -EIO;
	memcpy(ret, md, n);
	return 0;
}

int mac_stable(const char *machine_id, const char *pf_id, unsigned index, uint8_t ret[static 6])
{
	char data[128];
	int n = snprintf(data, sizeof(data), "vio-vf-mac %s %u", pf_id, index), r;

	if (n < 0 || (size_t)n >= sizeof(data))
		return -EINVAL;
	r = hmac(machine_id, data, 5, ret + 1);
	if (r < 0)
		return r;
	ret[0] = 0x02; /* locally administered, unicast */
	return 0;
}

int mac_stable_guid(const char *machine_id, const char *pf_id, const char *kind, unsigned index,
		    uint8_t ret[static 8])
{
	char data[160];
	int n = snprintf(data, sizeof(data), "vio-vf-guid %s %s %u", kind, pf_id, index), r;

	if (n < 0 || (size_t)n >= sizeof(data))
		return -EINVAL;
	r = hmac(machine_id, data, 8, ret);
	if (r < 0)
		return r;
	ret[0] = (ret[0] | 0x02) & ~0x01; /* locally administered, not a group (EUI-64) */
	return 0;
}
