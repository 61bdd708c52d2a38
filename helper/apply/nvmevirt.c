/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NVMe virtualization management: the policy's side (see nvmevirt.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/log.h"

#include "apply/nvmevirt.h"
#include "apply/bind.h"

void nvmevirt_plan_done(struct nvme_plan *np)
{
	if (np->fd >= 0)
		close(np->fd);
	np->fd = -1;
}

static bool has_nvme_keys(const struct policy *p, unsigned *ret_line)
{
	const unsigned bits = VF_KEY_BIT(VF_KEY_NVME_VQ) | VF_KEY_BIT(VF_KEY_NVME_VI);

	if (p->set & (1u << PF_KEY_NVME_RELEASE)) {
		*ret_line = p->line[PF_KEY_NVME_RELEASE];
		return true;
	}
	for (unsigned i = 0; i <= p->n_sections; i++) {
		const struct vf_config *c =
		    i < p->n_sections ? &p->sections[i].cfg : &p->vf_defaults;

		if (c->set & bits) {
			*ret_line = c->line[c->set & VF_KEY_BIT(VF_KEY_NVME_VQ) ? VF_KEY_NVME_VQ
										: VF_KEY_NVME_VI];
			return true;
		}
	}
	return false;
}

/* Flexible resources of type t the secondaries can have: all of them once the primary has
 * released its own. */
static unsigned available(const struct nvme_plan *np, enum nvme_res t)
{
	unsigned total = np->caps.res[t].total, prim = np->caps.res[t].primary;

	if (np->release)
		return total;
	return prim > total ? 0 : total - prim;
}

static unsigned share(const struct nvme_plan *np, enum nvme_res t, unsigned vfs)
{
	unsigned v = vfs ? available(np, t) / vfs : 0, max = np->caps.res[t].max_per_sec,
		 gran = np->caps.res[t].granularity;

	if (max && v > max)
		v = max;
	if (gran > 1)
		v -= v % gran;
	return v;
}

void nvmevirt_vf_want(const struct nvme_plan *np, const struct pf_plan_config *pc,
		      const struct vf_config *vc, unsigned *ret_vq, unsigned *ret_vi)
{
	*ret_vq =
	    vc->set & VF_KEY_BIT(VF_KEY_NVME_VQ) ? vc->nvme_vq : share(np, NVME_RES_VQ, pc->vfs);
	*ret_vi =
	    vc->set & VF_KEY_BIT(VF_KEY_NVME_VI) ? vc->nvme_vi : share(np, NVME_RES_VI, pc->vfs);
}

/* Every VF's request against the controller's limits; the number of problems (logged). */
static unsigned check_requests(const struct nvme_plan *np, const struct pf_plan_config *pc)
{
	const struct policy *p = pc->policy;
	unsigned sum[2] = {}, line[2] = { p->pf_line, p->pf_line }, errors = 0;

	for (unsigned i = 0; i < pc->vfs; i++) {
		struct vf_config vc;
		unsigned want[2];

		if (policy_resolve_vf(pc, i, &vc) < 0)
			return errors + 1;
		nvmevirt_vf_want(np, pc, &vc, &want[NVME_RES_VQ], &want[NVME_RES_VI]);
		for (enum nvme_res t = NVME_RES_VQ; t <= NVME_RES_VI; t++) {
			enum vf_key k = t == NVME_RES_VQ ? VF_KEY_NVME_VQ : VF_KEY_NVME_VI;
			unsigned max = np->caps.res[t].max_per_sec,
				 gran = np->caps.res[t].granularity, min = t == NVME_RES_VQ ? 2 : 1;
			unsigned l = vc.set & VF_KEY_BIT(k) ? vc.line[k] : p->pf_line;

			sum[t] += want[t];
			if (vc.set & VF_KEY_BIT(k))
				line[t] = vc.line[k];
			if (max && want[t] > max) {
				log_error(
				    "%s:%u: %s vf %u: %u flexible %s resources; the controller gives a secondary at most %u",
				    p->path, l, np->where, i, want[t], nvme_res_name(t), max);
				errors++;
			} else if (want[t] < min) {
				log_error(
				    "%s:%u: %s vf %u: %u flexible %s resources; a secondary controller needs at least %u%s",
				    p->path, l, np->where, i, want[t], nvme_res_name(t), min,
				    np->release
					? ""
					: " (the primary controller holds them: nvme_release = true gives them back)");
				errors++;
			} else if (gran > 1 && want[t] % gran) {
				log_error(
				    "%s:%u: %s vf %u: %u flexible %s resources; the controller gives them in multiples of %u",
				    p->path, l, np->where, i, want[t], nvme_res_name(t), gran);
				errors++;
			}
		}
	}
	for (enum nvme_res t = NVME_RES_VQ; t <= NVME_RES_VI; t++)
		if (sum[t] > available(np, t)) {
			log_error(
			    "%s:%u: %s: the %u VFs ask %u flexible %s resources in all; the controller has %u for its secondaries%s",
			    p->path, line[t], np->where, pc->vfs, sum[t], nvme_res_name(t),
			    available(np, t),
			    np->release ? "" : " (the primary controller holds the rest)");
			errors++;
		}
	return errors;
}

enum result nvmevirt_plan_pf(struct pcidev *pf, const struct pf_facts *facts,
			     const struct pf_plan_config *pc, struct plan *plan,
			     struct nvme_plan *ret)
{
	const struct policy *p = pc->policy;
	_cleanup_free_ char *drv = NULL;
	unsigned line = 0;
	bool keys = has_nvme_keys(p, &line), virt;
	char err[128];
	int r;

	*ret = (struct nvme_plan)NVME_PLAN_INIT;
	ret->where = facts->addr;
	ret->pf = pf;
	ret->plan = plan;
	if (!facts->nvme_virt && !keys)
		return ret->ready = true, RESULT_OK;

	r = nvme_open(pf, &ret->fd, ret->dev);
	if (r < 0) {
		(void)pcidev_driver(pf, &drv);
		if (!keys) /* the hwdb's, for a PF not driven by nvme here (passed through) */
			return log_debug(
				   "%s: no NVMe controller (driver %s): secondaries left as they are",
				   facts->addr, drv ?: "none"),
			       ret->ready = true, RESULT_OK;
		return log_error("%s:%u: %s: NVMe keys, but %s (driver %s)", p->path, line,
				 facts->addr,
				 r == -ENOENT ? "the PF has no NVMe controller"
					      : nvme_strerror(r, err, sizeof(err)),
				 drv ?: "none"),
		       RESULT_DEVICE;
	}
	r = nvme_has_virt_mgmt(ret->fd, &virt);
	if (r != 0)
		return log_error("%s: %s: Identify Controller: %s", facts->addr, ret->dev,
				 nvme_strerror(r, err, sizeof(err))),
		       RESULT_DEVICE;
	if (!virt) {
		if (!keys)
			return log_warning(
				   "%s: the hwdb says its secondaries need bringing up, but %s has no virtualization management; left as they are",
				   facts->addr, ret->dev),
			       ret->ready = true, RESULT_OK;
		return log_error(
			   "%s:%u: %s: %s has no NVMe virtualization management (Identify Controller OACS bit 7): its VFs' resources cannot be given",
			   p->path, line, facts->addr, ret->dev),
		       RESULT_DEVICE;
	}
	r = nvme_primary_caps(ret->fd, &ret->caps);
	if (r != 0)
		return log_error("%s: %s: Identify Primary Controller Capabilities: %s",
				 facts->addr, ret->dev, nvme_strerror(r, err, sizeof(err))),
		       RESULT_DEVICE;
	ret->managed = true;
	ret->release = p->set & (1u << PF_KEY_NVME_RELEASE) ? p->nvme_release : facts->nvme_release;
	if (check_requests(ret, pc))
		return RESULT_POLICY;
	ret->ready = true;
	return RESULT_OK;
}

bool nvmevirt_needs_no_vfs(const struct nvme_plan *np)
{
	return np->managed && np->release &&
	       (np->caps.res[NVME_RES_VQ].primary || np->caps.res[NVME_RES_VI].primary);
}

enum result nvmevirt_at_no_vfs(struct nvme_plan *np)
{
	unsigned vq = np->caps.res[NVME_RES_VQ].primary, vi = np->caps.res[NVME_RES_VI].primary;
	char cur[48], err[128];
	int r;

	if (!nvmevirt_needs_no_vfs(np))
		return RESULT_OK;
	snprintf(cur, sizeof(cur), "VQ %u, VI %u", vq, vi);
	if (!plan_diff(np->plan, np->where, "flexible resources of the primary controller", cur,
		       "VQ 0, VI 0"))
		return RESULT_OK;
	/* They take effect at the next controller-level reset: a function reset of the PF. */
	r = nvme_primary_alloc(np->fd, np->caps.cntlid, NVME_RES_VQ, 0);
	if (r == 0)
		r = nvme_primary_alloc(np->fd, np->caps.cntlid, NVME_RES_VI, 0);
	if (r != 0) {
		(void)nvme_primary_alloc(np->fd, np->caps.cntlid, NVME_RES_VQ, vq);
		return log_error(
			   "%s: %s: cannot release the primary controller's flexible resources: %s",
			   np->where, np->dev, nvme_strerror(r, err, sizeof(err))),
		       RESULT_DEVICE;
	}
	r = pcidev_write(np->pf, "reset", "1");
	if (r < 0) {
		(void)nvme_primary_alloc(np->fd, np->caps.cntlid, NVME_RES_VQ, vq);
		(void)nvme_primary_alloc(np->fd, np->caps.cntlid, NVME_RES_VI, vi);
		return log_error_errno(r,
				       "%s: cannot reset the PF for the release to take effect: %m",
				       np->where),
		       RESULT_DEVICE;
	}
	r = nvme_primary_caps(np->fd, &np->caps);
	if (r != 0 || np->caps.res[NVME_RES_VQ].primary || np->caps.res[NVME_RES_VI].primary)
		return log_error("%s: %s still holds flexible resources after its reset (%s)",
				 np->where, np->dev,
				 r ? nvme_strerror(r, err, sizeof(err))
				   : "as the controller reports"),
		       RESULT_DEVICE;
	log_info(
	    "%s: the primary controller's flexible resources released (%s -> VQ 0, VI 0), the PF reset",
	    np->where, cur);
	return RESULT_OK;
}

static void state_format(bool online, unsigned vq, unsigned vi, char *buf, size_t n)
{
	snprintf(buf, n, "%s, VQ %u, VI %u", online ? "online" : "offline", vq, vi);
}

enum result nvmevirt_vf_apply(struct pcidev *vf, const char *where, const struct apply_opts *o,
			      const struct pf_facts *facts, unsigned index,
			      const struct pf_plan_config *pc, const struct vf_config *vc,
			      struct nvme_plan *shared)
{
	_cleanup_(pcidev_unrefp) struct pcidev *pf = NULL;
	_cleanup_(nvmevirt_plan_done) struct nvme_plan own = NVME_PLAN_INIT;
	struct nvme_plan *np = shared && shared->ready ? shared : &own;
	_cleanup_free_ char *drv = NULL;
	struct nvme_secondary sec;
	char cur[48], want[48], what[48], err[128];
	unsigned vq, vi;
	int r;
	enum result ex;

	if (!facts->nvme_virt && !has_nvme_keys(pc->policy, &(unsigned){ 0 }))
		return RESULT_OK;
	if (pcidev_physfn(vf, &pf, &(unsigned){ 0 }) < 0)
		return RESULT_OK;
	if (np == &own) {
		ex = nvmevirt_plan_pf(pf, facts, pc, o->plan, &own);
		if (ex != RESULT_OK)
			return ex;
	}
	if (!np->managed)
		return RESULT_OK;
	r = nvme_secondary_of(np->fd, index + 1, &sec);
	if (r != 0)
		return log_error("%s: %s: no secondary controller for the VF: %s", where, np->dev,
				 r == -ENOENT ? "not in the Secondary Controller List"
					      : nvme_strerror(r, err, sizeof(err))),
		       RESULT_DEVICE;
	nvmevirt_vf_want(np, pc, vc, &vq, &vi);
	if (sec.online && sec.nvq == vq && sec.nvi == vi)
		return RESULT_OK;
	state_format(sec.online, sec.nvq, sec.nvi, cur, sizeof(cur));
	state_format(true, vq, vi, want, sizeof(want));
	snprintf(what, sizeof(what), "secondary controller %u", sec.scid);
	if (!plan_diff(o->plan, where, what, cur, want))
		return RESULT_OK;

	/* Its resources change under its driver only when nobody uses it. */
	if (pcidev_driver(vf, &drv) >= 0 && drv) {
		ex = bind_release(vf, where, pc, drv, "its controller's resources");
		if (ex != RESULT_OK)
			return ex;
	}
	r = sec.online ? nvme_sec_offline(np->fd, sec.scid) : 0;
	if (r == 0)
		r = nvme_sec_assign(np->fd, sec.scid, NVME_RES_VQ, vq);
	if (r == 0)
		r = nvme_sec_assign(np->fd, sec.scid, NVME_RES_VI, vi);
	if (r == 0)
		r = nvme_sec_online(np->fd, sec.scid);
	if (r != 0)
		return log_error(
			   "%s: %s: cannot bring it online with VQ %u and VI %u: %s; left offline, the VF unbound",
			   where, what, vq, vi, nvme_strerror(r, err, sizeof(err))),
		       RESULT_DEVICE;
	log_info("%s: %s %s -> %s", where, what, cur, want);
	return RESULT_OK;
}
