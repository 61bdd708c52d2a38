/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "sys/pcidev.h"

/* vio mac PF N: prints what VF N of the PF gets, without the policy; a result. */
enum result vfmac_run(struct pcidev *pf, unsigned index);
