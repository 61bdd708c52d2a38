/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy loader over the shipped examples, and the parsers under it. */
#include <stdio.h>
#include <string.h>

#include "shared/log.h"
#include "shared/util.h"

#include "core/policy.h"
#include "core/policyfile.h"
#include "core/policyset.h"
#include "test.h"

static struct policy *parse(const char *s)
{
	return policy_file_parse("test.conf", s, strlen(s));
}

static void test_examples(void)
{
	_cleanup_(policy_freep) struct policy *net = policy_file_parse_path("conf/50-uplink.conf");
	_cleanup_(policy_freep) struct policy *gpu = policy_file_parse_path("conf/60-gpu.conf");
	_cleanup_(policy_freep) struct policy *dev = policy_file_parse_path("conf/70-accel.conf");
	struct pf_facts f = { .addr = "0000:05:00.0", .totalvfs = 8, .kind_default = PF_KIND_DEV };
	_cleanup_(pf_plan_config_done) struct pf_plan_config pc = {};
	struct vf_config c;

	CHECK(net && !net->broken && net->n_errors == 0);
	CHECK(net->match == PF_MATCH_ADDR);
	CHECK_STREQ(net->match_value, "0000:05:00.0");
	CHECK(net->kind == PF_KIND_NET && net->vfs == 4 && net->promisc);
	CHECK(policyset_matches(net, &f));
	CHECK(policy_resolve_pf(net, &f, &pc) == 0);
	CHECK(pc.vfs == 4 && !pc.autoprobe && pc.promisc_set && pc.kind == PF_KIND_NET);

	CHECK(policy_resolve_vf(&pc, 0, &c) == 0);
	CHECK_STREQ(c.driver, "iavf");
	CHECK(c.vlan == 100 && c.spoofchk && (c.set & (1u << VF_KEY_MAC)));
	CHECK_STREQ(c.origin[VF_KEY_SPOOFCHK], "vf");
	CHECK(policy_resolve_vf(&pc, 1, &c) == 0);
	CHECK(c.vlan == 200 && c.qos == 3 && c.trust && c.max_tx_rate == 1000);
	CHECK(!(c.set & (1u << VF_KEY_MAC)) && !(c.set & (1u << VF_KEY_DRIVER)));
	CHECK(policy_resolve_vf(&pc, 3, &c) == 0);
	CHECK_STREQ(c.driver, "vfio-pci");
	CHECK(c.link_state == VF_LINK_STATE_DISABLE && c.spoofchk);
	CHECK_STREQ(c.origin[VF_KEY_DRIVER], "vf2-3");
	CHECK(policy_resolve_vf(&pc, 4, &c) == -ERANGE);

	CHECK(gpu && gpu->n_errors == 0 && gpu->kind == PF_KIND_GPU && gpu->vfs == 2);
	CHECK(gpu->has_vf_defaults);
	CHECK_STREQ(gpu->vf_defaults.driver, "vfio-pci");

	CHECK(dev && dev->n_errors == 0 && dev->match == PF_MATCH_ID && dev->vfs_max);
	f.vendor = 0x8086;
	f.device = 0x4940;
	CHECK(policyset_matches(dev, &f));
	pf_plan_config_done(&pc);
	CHECK(policy_resolve_pf(dev, &f, &pc) == 0 && pc.vfs == 8);
}

static void test_precedence(void)
{
	_cleanup_(policy_freep) struct policy *p =
	    parse("pf = { name = \"enp5s0f0\"; kind = \"net\"; vfs = 8; };\n"
		  "vf = { vlan = 10; trust = false; };\n"
		  "vf0-7 = { vlan = 20; };\n"
		  "vf5 = { vlan = 30; trust = true; proto = \"802.1ad\"; };\n");
	struct pf_facts f = { .addr = "0000:05:00.0", .ifname = "enp5s0f0", .totalvfs = 8 };
	_cleanup_(pf_plan_config_done) struct pf_plan_config pc = {};
	struct vf_config c;

	CHECK(p && p->n_errors == 0 && p->match == PF_MATCH_IFNAME);
	CHECK(policyset_matches(p, &f));
	CHECK(policy_resolve_pf(p, &f, &pc) == 0);
	CHECK(policy_resolve_vf(&pc, 4, &c) == 0 && c.vlan == 20 && !c.trust);
	CHECK(policy_resolve_vf(&pc, 5, &c) == 0 && c.vlan == 30 && c.trust && c.proto_8021ad);
	CHECK(c.line[VF_KEY_VLAN] == 4);
}

static void test_util(void)
{
	char a[PCI_ADDR_MAX], m[MAC_STR_MAX];
	uint8_t mac[6];
	unsigned u;

	CHECK(pci_addr_normalize("05:00.0", a) == 0);
	CHECK_STREQ(a, "0000:05:00.0");
	CHECK(pci_addr_normalize("0000:AF:1f.7", a) == 0);
	CHECK_STREQ(a, "0000:af:1f.7");
	CHECK(pci_addr_normalize("0000:zz:00.0", a) < 0);
	CHECK(pci_addr_normalize("05:00.8", a) < 0);
	CHECK(pci_addr_normalize("05:20.0", a) < 0);
	CHECK(pci_addr_normalize("../../etc/passwd", a) < 0);
	CHECK(pci_addr_normalize("", a) < 0);

	CHECK(mac_parse("52:54:00:AB:cd:01", mac) == 0);
	CHECK_STREQ(mac_format(mac, m), "52:54:00:ab:cd:01");
	CHECK(mac_parse("52:54:00:ab:cd", mac) < 0);
	CHECK(mac_parse("52-54-00-ab-cd-01", mac) < 0);
	CHECK(mac_parse("52:54:00:ab:cd:0g", mac) < 0);
	CHECK(mac_is_multicast((uint8_t[]){ 1, 0, 0x5e, 0, 0, 1 }));
	CHECK(mac_is_zero((uint8_t[6]){}));

	CHECK(module_name_valid("vfio-pci") && module_name_valid("mlx5_core"));
	CHECK(!module_name_valid("../x") && !module_name_valid("vfio pci") &&
	      !module_name_valid(""));
	CHECK(ifname_valid("enp5s0f0") && !ifname_valid("a/b") &&
	      !ifname_valid("0123456789abcdef"));

	CHECK(parse_unsigned("4\n", 10, &u) == 0 && u == 4);
	CHECK(parse_unsigned("11", 10, &u) == -ERANGE);
	CHECK(parse_unsigned("-1", 10, &u) == -EINVAL);
	CHECK(parse_unsigned("4x", 10, &u) == -EINVAL);

	CHECK(utf8_check("caf\xc3\xa9\n", 6) == 0);
	CHECK(utf8_check("a\nb\xe9\n", 5) == -2);
	CHECK(utf8_check("\xc0\xaf", 2) == -1);	    /* overlong '/' */
	CHECK(utf8_check("\xed\xa0\x80", 3) == -1); /* surrogate */
	CHECK(utf8_check("a\0b", 3) == -1);
}

int main(void)
{
	log_set_max_level(LOG_CRIT); /* the bad cases log; the runner compares them elsewhere */
	test_examples();
	test_precedence();
	test_util();
	return test_finish();
}
