/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which vfio variant driver a VF gets: the most specific matching modules.alias pattern. */
#include "sys/modalias.h"
#include "sys/pci_driver.h"
#include "test.h"

/* A ConnectX-6 Dx VF (15b3:101e), as the kernel writes its modalias. */
#define CX6_VF "vfio_pci:v000015B3d0000101Esv000015B3sd00000046bc02sc00i00"

int main(void)
{
	const char *const vendor_wide[] = {
		"vfio_pci:v000015B3d*sv*sd*bc*sc*i*",	     /* any Mellanox device */
		"vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i*", /* this device */
		"vfio_pci:v00008086d*sv*sd*bc*sc*i*",	     /* not it */
	};
	const char *const equal[] = {
		"vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i*",
		"vfio_pci:v000015B3d0000101Esv*sd*bc02sc*i*",
		"vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i*",
	};
	const char *const none[] = { "vfio_pci:v00001AF4d*sv*sd*bc*sc*i*", "pci:v000015B3d*" };
	const char *const classes[] = { "vfio_pci:v*d*sv*sd*bc0[23]sc*i*",
					"vfio_pci:v*d*sv*sd*bc??sc*i*" };

	CHECK(modalias_best(CX6_VF, vendor_wide, 3) == 1);
	CHECK(modalias_best(CX6_VF, vendor_wide, 1) == 0);
	/* fewer wildcards wins; of equals, the first */
	CHECK(modalias_best(CX6_VF, equal, 3) == 1);
	CHECK(modalias_best(CX6_VF, equal, 1) == 0);
	CHECK(modalias_best(CX6_VF, none, 2) == -1);
	CHECK(modalias_best(CX6_VF, vendor_wide, 0) == -1);
	/* '?' and '[...]' are wildcards too */
	CHECK(modalias_best(CX6_VF, classes, 2) == 0);

	CHECK(pci_driver_is_vfio("vfio-pci") && pci_driver_is_vfio("vfio_pci"));
	CHECK(pci_driver_is_vfio("vfio") && pci_driver_is_vfio("mlx5_vfio_pci"));
	CHECK(pci_driver_is_vfio("hisi_acc_vfio_pci") &&
	      pci_driver_is_vfio("nvgrace_gpu_vfio_pci"));
	CHECK(!pci_driver_is_vfio("pci-stub") && !pci_driver_is_vfio("vfio_pci_core") &&
	      !pci_driver_is_vfio("_vfio_pci") && !pci_driver_is_vfio("iavf"));
	return test_finish();
}
