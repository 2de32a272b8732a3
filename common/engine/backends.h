/*
 * backends.h - the table of backends (one row each, backend.h) and the
 * choice of a row: by detecting what an existing folder holds, or by the
 * name the user gave (`--backend`), native for a new folder.
 *
 * Invariants: rows are listed once, here; the first row is the default for
 * a new index; a folder never holds two backends' indexes, so at most one
 * row detects it.
 */
#ifndef SHELF_BACKENDS_H
#define SHELF_BACKENDS_H

#include <stddef.h>

#include "backend/backend.h"

/* Every row, NULL-terminated, the default first. */
extern const shelf_backend_row *const shelf_backend_rows[];

/* The row named name ("native", "xapian"); NULL when there is none. */
const shelf_backend_row *shelf_backend_by_name(const char *name);
/* The row for a backend id. */
const shelf_backend_row *shelf_backend_by_id(shelf_backend id);

/* The row of the index in dir: SHELF_OK, or SHELF_ENOTFOUND ("no index here"). */
int shelf_backend_detect(const char *dir, const shelf_backend_row **out, shelf_err *err);

/* The row a writer should use: the one named (NULL: the folder's own,
 * native when new).  SHELF_EINVAL for an unknown name or one that differs
 * from the folder's existing index. */
int shelf_backend_choose(const char *dir, const char *name, const shelf_backend_row **out,
                         shelf_err *err);

#endif
