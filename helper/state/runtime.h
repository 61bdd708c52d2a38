/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <sys/types.h>

/* $VIO_RUNTIME_DIR, default /run/vio: locks, and what vio remembers between runs. */
const char *runtime_dir(void);
/* Refuses (logs, -EINVAL) a VIO_RUNTIME_DIR that is not an absolute path. */
int runtime_dir_check(void);
/* mkdir(path, mode), or the directory there made exactly mode when it is ours (any umask);
 * one of another owner that group or others may write is refused (-EPERM). */
int runtime_mkdir(const char *path, mode_t mode);
