/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What vio made on a PF and must remember between runs to undo only its own (the devlink rate
 * groups it created): a line per name in $VIO_RUNTIME_DIR/KIND/PF, root's, replaced whole. */

/* The names (a NULL-terminated array, freed with record_free) or an empty one. */
int record_read(const char *kind, const char *pf, char ***ret);
int record_write(const char *kind, const char *pf, char *const *names);
void record_free(char **names);
