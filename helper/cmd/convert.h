/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>

/* Prints the viod (INI) policy at path as a libconfig policy to out; -EINVAL (logged as
 * file:line) for what is not viod's format. Settings without an equivalent are warned about
 * and kept as comments. */
int convert_viod(const char *path, FILE *out);
