/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An Intel Xe VF's provisioning, through its PF's sriov_admin/ (gpuprofile.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "shared/util.h"

#include "apply/gpuprofile.h"

int gpuprofile_read(struct pcidev *pf, unsigned index, const char *name, unsigned long long *ret)
{
	_cleanup_free_ char *v = NULL;
	char attr[64], *end;
	int r;

	snprintf(attr, sizeof(attr), "sriov_admin/vf%u/profile/%s", index + 1, name);
	r = pcidev_read(pf, attr, &v);
	if (r < 0)
		return r;
	errno = 0;
	*ret = strtoull(v, &end, 10);
	return errno || end == v || *end || v[0] == '-' ? -EBADMSG : 0;
}

int gpuprofile_priority(struct pcidev *pf, unsigned index, char ret[static 8])
{
	_cleanup_free_ char *v = NULL;
	const char *a, *b;
	char attr[64];
	int r;

	snprintf(attr, sizeof(attr), "sriov_admin/vf%u/profile/sched_priority", index + 1);
	ret[0] = '\0';
	r = pcidev_read(pf, attr, &v);
	if (r < 0)
		return r;
	a = strchr(v, '[');
	b = a ? strchr(a, ']') : NULL;
	if (b && b - a - 1 < 8)
		snprintf(ret, 8, "%.*s", (int)(b - a - 1), a + 1);
	return 0;
}

/* One attribute of vfN/profile/: read, compared, recorded in the plan, written. */
static enum result profile_set(struct pcidev *pf, const char *where, const struct apply_opts *o,
			       unsigned index, const char *name, uint64_t want)
{
	char attr[64], old[24], new[24];
	unsigned long long cur;
	int r;

	r = gpuprofile_read(pf, index, name, &cur);
	if (r < 0)
		return log_error_errno(r, "%s: cannot read sriov_admin/vf%u/profile/%s: %s", where,
				       index + 1, name,
				       r == -EBADMSG ? "not a number" : strerror(-r)),
		       RESULT_DEVICE;
	if (cur == want)
		return RESULT_OK;
	snprintf(old, sizeof(old), "%llu", cur);
	snprintf(new, sizeof(new), "%" PRIu64, want);
	snprintf(attr, sizeof(attr), "profile/%s", name);
	if (!plan_diff(o->plan, where, attr, old, new))
		return RESULT_OK;
	snprintf(attr, sizeof(attr), "sriov_admin/vf%u/profile/%s", index + 1, name);
	r = pcidev_write(pf, attr, new);
	if (r < 0)
		/* xe's refusals: EPERM when the VF's VRAM cannot change now, EIO from the GuC. */
		return log_error_errno(r, "%s: cannot set %s %s -> %s: %m%s", where, name, old, new,
				       r == -EIO ? " (the GPU's firmware refused it)" : ""),
		       RESULT_DEVICE;
	log_info("%s: %s %s -> %s", where, name, old, new);
	return RESULT_OK;
}

enum result gpuprofile_vf_apply(const struct pf_facts *facts, const char *where,
				const struct apply_opts *o, unsigned index,
				const struct vf_config *vc)
{
	_cleanup_(pcidev_unrefp) struct pcidev *pf = NULL;
	int r;
	enum result ex = RESULT_OK;

	if (!(vc->set & VF_GPU_KEYS & ~VF_KEY_BIT(VF_KEY_VRAM_QUOTA)))
		return RESULT_OK;
	r = pcidev_from_addr(facts->addr, &pf);
	if (r < 0)
		return log_error_errno(r, "%s: cannot open its PF: %m", where), RESULT_DEVICE;
	if (vc->set & VF_KEY_BIT(VF_KEY_EXEC_QUANTUM))
		ex = profile_set(pf, where, o, index, "exec_quantum_ms", vc->exec_quantum_ms);
	if (ex == RESULT_OK && vc->set & VF_KEY_BIT(VF_KEY_PREEMPT_TIMEOUT))
		ex = profile_set(pf, where, o, index, "preempt_timeout_us", vc->preempt_timeout_us);
	return ex;
}

enum result gpuprofile_priority_apply(struct pcidev *pf, const struct apply_opts *o,
				      const struct pf_facts *facts, const struct pf_plan_config *pc)
{
	struct vf_config vc;
	char cur[8] = "";
	int r;

	if (!facts->gpu_admin || !pc->vfs || policy_resolve_vf(pc, 0, &vc) < 0 ||
	    !(vc.set & VF_KEY_BIT(VF_KEY_SCHED_PRIORITY)))
		return RESULT_OK;
	for (unsigned i = 0; i < pc->vfs; i++) {
		r = gpuprofile_priority(pf, i, cur);
		if (r < 0)
			return log_error_errno(
				   r,
				   "%s vf %u: cannot read sriov_admin/vf%u/profile/sched_priority: %m",
				   facts->addr, i, i + 1),
			       RESULT_DEVICE;
		if (!streq(cur, vc.sched_priority))
			break;
	}
	if (streq(cur, vc.sched_priority) ||
	    !plan_diff(o->plan, facts->addr, "profile/sched_priority (all VFs)", cur[0] ? cur : "?",
		       vc.sched_priority))
		return RESULT_OK;
	r = pcidev_write(pf, "sriov_admin/.bulk_profile/sched_priority", vc.sched_priority);
	if (r < 0)
		return log_error_errno(r, "%s: cannot set the VFs' sched_priority %s -> %s: %m",
				       facts->addr, cur, vc.sched_priority),
		       RESULT_DEVICE;
	log_info("%s: sched_priority of all VFs %s -> %s", facts->addr, cur, vc.sched_priority);
	return RESULT_OK;
}

enum result gpuprofile_vram_apply(struct pcidev *pf, const struct apply_opts *o,
				  const struct pf_facts *facts, const struct pf_plan_config *pc)
{
	if (!facts->gpu_vram)
		return RESULT_OK;
	for (unsigned i = 0; i < pc->vfs; i++) {
		struct vf_config vc;
		char where[48];
		enum result ex;

		if (policy_resolve_vf(pc, i, &vc) < 0)
			return log_oom(), RESULT_USAGE;
		if (!(vc.set & VF_KEY_BIT(VF_KEY_VRAM_QUOTA)))
			continue;
		snprintf(where, sizeof(where), "%s vf %u", facts->addr, i);
		ex = profile_set(pf, where, o, i, "vram_quota", vc.vram_quota);
		if (ex != RESULT_OK)
			return ex;
	}
	return RESULT_OK;
}
