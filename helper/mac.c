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
#include "mac.h"

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
	 * host's OpenSSL configuration (and reading it costs a third of the work). */
	if (!sym_OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL))
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

int mac_stable(const char *machine_id, const char *pf_id, unsigned index, uint8_t ret[static 6])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char data[128];
	size_t len = 0;
	int n, r;

	r = mac_open();
	if (r < 0)
		return r;
	n = snprintf(data, sizeof(data), "vio-vf-mac %s %u", pf_id, index);
	if (n < 0 || (size_t)n >= sizeof(data))
		return -EINVAL;
	if (!sym_EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, machine_id, strlen(machine_id),
			   (const unsigned char *)data, n, md, sizeof(md), &len) ||
	    len < 5)
		return -EIO;
	ret[0] = 0x02; /* locally administered, unicast */
	memcpy(ret + 1, md, 5);
	return 0;
}
