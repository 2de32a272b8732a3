/*
 * xapian_check.c - `indexer --check` for a Xapian index: Xapian's own
 * check of every table; see xapian_backend.h.  libxapian may crash on a
 * damaged table, which is why the row says crash_prone and the indexer
 * runs this in a child.
 */
#include "backend/xapian/xapian_backend.h"
#include "backend/xapian/xapian_c.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

int shelf_xapian_check(const char *dir, shelf_check_summary *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, SHELF_XAPIAN_SUBDIR);
    shelf_err check_err = {0};
    uint64_t errors = 0;
    int rc = shelf_xdb_check(path, out->report, sizeof out->report, &errors, &check_err);
    if (rc == SHELF_OK && errors == 0) {
        out->report[0] = '\0';
        return SHELF_OK;
    }
    if (errors)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: Xapian's check found errors\n", path);
    out->report[0] = '\0';
    return shelf_errf(err, rc, "%s: %s", path, check_err.msg);
}
