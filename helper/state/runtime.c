/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vio's runtime directory, where locks and what vio remembers between runs live. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/macro.h"

#include "state/runtime.h"

const char *runtime_dir(void)
{
	const char *d = secure_getenv("VIO_RUNTIME_DIR");

	return d && d[0] ? d : "/run/vio";
}

int runtime_dir_check(void)
{
	const char *d = secure_getenv("VIO_RUNTIME_DIR");

	/* A relative one would name a different directory from each working directory. */
	if (d && d[0] != '/')
		return log_error_errno(EINVAL, "VIO_RUNTIME_DIR=%s: not an absolute path", d);
	return 0;
}

int runtime_mkdir(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return neg_errno();
	if (lstat(path, &st) < 0)
		return neg_errno();
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != geteuid())
		return (st.st_mode & 022) ? -EPERM : 0; /* another's, but nobody else may write */
	/* Ours: whatever the umask was when it was made, and whatever vio made it with before. */
	if ((st.st_mode & 07777) != mode && chmod(path, mode) < 0)
		return neg_errno();
	return 0;
}
