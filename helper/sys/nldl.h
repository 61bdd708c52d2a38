/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * libnl-3 and libnl-genl-3, loaded with dlopen() when a run first needs netlink: most events
 * (a VF with nothing to send through its PF, an NVMe VF) never do, and linking them cost
 * every process about a fifth of its instructions in the dynamic loader. Included by
 * netlink.c and devlink.c after libnl's own headers: each libnl call there goes through the
 * pointer nldl_load() filled in.
 */
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#define NLDL_SYMS(X)                                                                               \
	X(genl_ctrl_resolve)                                                                       \
	X(genlmsg_parse)                                                                           \
	X(genlmsg_put)                                                                             \
	X(nl_cb_alloc)                                                                             \
	X(nl_cb_err)                                                                               \
	X(nl_cb_put)                                                                               \
	X(nl_cb_set)                                                                               \
	X(nl_connect)                                                                              \
	X(nl_recvmsgs)                                                                             \
	X(nl_send_auto)                                                                            \
	X(nl_socket_alloc)                                                                         \
	X(nl_socket_enable_msg_peek)                                                               \
	X(nl_socket_free)                                                                          \
	X(nl_socket_get_fd)                                                                        \
	X(nl_socket_set_buffer_size)                                                               \
	X(nla_data)                                                                                \
	X(nla_get_string)                                                                          \
	X(nla_get_u8)                                                                              \
	X(nla_get_u16)                                                                             \
	X(nla_get_u32)                                                                             \
	X(nla_get_u64)                                                                             \
	X(nla_len)                                                                                 \
	X(nla_nest_end)                                                                            \
	X(nla_nest_start)                                                                          \
	X(nla_next)                                                                                \
	X(nla_ok)                                                                                  \
	X(nla_parse)                                                                               \
	X(nla_parse_nested)                                                                        \
	X(nla_put)                                                                                 \
	X(nla_put_flag)                                                                            \
	X(nla_put_string)                                                                          \
	X(nla_put_u8)                                                                              \
	X(nla_put_u16)                                                                             \
	X(nla_put_u32)                                                                             \
	X(nla_put_u64)                                                                             \
	X(nla_strlcpy)                                                                             \
	X(nla_type)                                                                                \
	X(nlmsg_alloc)                                                                             \
	X(nlmsg_alloc_simple)                                                                      \
	X(nlmsg_append)                                                                            \
	X(nlmsg_convert)                                                                           \
	X(nlmsg_data)                                                                              \
	X(nlmsg_free)                                                                              \
	X(nlmsg_hdr)                                                                               \
	X(nlmsg_parse)

#define NLDL_DECLARE(f) extern __typeof__(f) *nldl_##f;
NLDL_SYMS(NLDL_DECLARE)
#undef NLDL_DECLARE

/* 0 once both libraries are loaded; -ELIBACC when they cannot be (logged once, with why). */
int nldl_load(void);

#define genl_ctrl_resolve(...)	       nldl_genl_ctrl_resolve(__VA_ARGS__)
#define genlmsg_parse(...)	       nldl_genlmsg_parse(__VA_ARGS__)
#define genlmsg_put(...)	       nldl_genlmsg_put(__VA_ARGS__)
#define nl_cb_alloc(...)	       nldl_nl_cb_alloc(__VA_ARGS__)
#define nl_cb_err(...)		       nldl_nl_cb_err(__VA_ARGS__)
#define nl_cb_put(...)		       nldl_nl_cb_put(__VA_ARGS__)
#define nl_cb_set(...)		       nldl_nl_cb_set(__VA_ARGS__)
#define nl_connect(...)		       nldl_nl_connect(__VA_ARGS__)
#define nl_recvmsgs(...)	       nldl_nl_recvmsgs(__VA_ARGS__)
#define nl_send_auto(...)	       nldl_nl_send_auto(__VA_ARGS__)
#define nl_socket_alloc(...)	       nldl_nl_socket_alloc(__VA_ARGS__)
#define nl_socket_enable_msg_peek(...) nldl_nl_socket_enable_msg_peek(__VA_ARGS__)
#define nl_socket_free(...)	       nldl_nl_socket_free(__VA_ARGS__)
#define nl_socket_get_fd(...)	       nldl_nl_socket_get_fd(__VA_ARGS__)
#define nl_socket_set_buffer_size(...) nldl_nl_socket_set_buffer_size(__VA_ARGS__)
#define nla_data(...)		       nldl_nla_data(__VA_ARGS__)
#define nla_get_string(...)	       nldl_nla_get_string(__VA_ARGS__)
#define nla_get_u8(...)		       nldl_nla_get_u8(__VA_ARGS__)
#define nla_get_u16(...)	       nldl_nla_get_u16(__VA_ARGS__)
#define nla_get_u32(...)	       nldl_nla_get_u32(__VA_ARGS__)
#define nla_get_u64(...)	       nldl_nla_get_u64(__VA_ARGS__)
#define nla_len(...)		       nldl_nla_len(__VA_ARGS__)
#define nla_nest_end(...)	       nldl_nla_nest_end(__VA_ARGS__)
#define nla_nest_start(...)	       nldl_nla_nest_start(__VA_ARGS__)
#define nla_next(...)		       nldl_nla_next(__VA_ARGS__)
#define nla_ok(...)		       nldl_nla_ok(__VA_ARGS__)
#define nla_parse(...)		       nldl_nla_parse(__VA_ARGS__)
#define nla_parse_nested(...)	       nldl_nla_parse_nested(__VA_ARGS__)
#define nla_put(...)		       nldl_nla_put(__VA_ARGS__)
#define nla_put_flag(...)	       nldl_nla_put_flag(__VA_ARGS__)
#define nla_put_string(...)	       nldl_nla_put_string(__VA_ARGS__)
#define nla_put_u8(...)		       nldl_nla_put_u8(__VA_ARGS__)
#define nla_put_u16(...)	       nldl_nla_put_u16(__VA_ARGS__)
#define nla_put_u32(...)	       nldl_nla_put_u32(__VA_ARGS__)
#define nla_put_u64(...)	       nldl_nla_put_u64(__VA_ARGS__)
#define nla_strlcpy(...)	       nldl_nla_strlcpy(__VA_ARGS__)
#define nla_type(...)		       nldl_nla_type(__VA_ARGS__)
#define nlmsg_alloc(...)	       nldl_nlmsg_alloc(__VA_ARGS__)
#define nlmsg_alloc_simple(...)	       nldl_nlmsg_alloc_simple(__VA_ARGS__)
#define nlmsg_append(...)	       nldl_nlmsg_append(__VA_ARGS__)
#define nlmsg_convert(...)	       nldl_nlmsg_convert(__VA_ARGS__)
#define nlmsg_data(...)		       nldl_nlmsg_data(__VA_ARGS__)
#define nlmsg_free(...)		       nldl_nlmsg_free(__VA_ARGS__)
#define nlmsg_hdr(...)		       nldl_nlmsg_hdr(__VA_ARGS__)
#define nlmsg_parse(...)	       nldl_nlmsg_parse(__VA_ARGS__)
