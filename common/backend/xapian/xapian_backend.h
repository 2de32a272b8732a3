/*
 * xapian_backend.h - the Xapian backend's row of the backend table
 * (backend.h): its reader operations (engine_xapian.c), its writer
 * operations (xapwriter_ops.c over xapwriter.h) and its check
 * (xapian_check.c).  A folder is Xapian's when it holds the database in
 * the sub-folder SHELF_XAPIAN_SUBDIR (xapian_terms.h, with the other names
 * and keys the database uses).
 */
#ifndef SHELF_XAPIAN_BACKEND_H
#define SHELF_XAPIAN_BACKEND_H

#include "backend/backend.h"
#include "backend/xapian/xapian_terms.h"

extern const shelf_reader_ops shelf_xapian_ops;
extern const shelf_writer_ops shelf_xapian_writer_ops;
extern const shelf_backend_row shelf_xapian_backend;

/* Xapian's own check of the database in dir.  On errors it finds:
 * SHELF_ECORRUPT, and out->report holds Xapian's account of them.  Only
 * the integrity is checked: documents and tokens are left for the caller
 * to count by reading (engine/index_check.h). */
int shelf_xapian_check(const char *dir, shelf_check_summary *out, shelf_err *err);

#endif
