/* engine_open.c - detecting an index folder's backend and opening one
 * folder, or several as one collection; see engine.h. */
#include "engine/engine.h"
#include "backend/reader_handle.h"
#include "engine/backends.h"
#include "engine/roots.h"
#include "backend/native/index.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int shelf_engine_detect(const char *dir, shelf_backend *backend, shelf_err *err)
{
    const shelf_backend_row *row;
    int rc = shelf_backend_detect(dir, &row, err);
    if (rc == SHELF_OK)
        *backend = row->id;
    return rc;
}

/* One backend for every folder, each folder once. */
static int choose_row(const char *const *dirs, size_t n, const shelf_backend_row **out,
                      shelf_err *err)
{
    const shelf_backend_row *first = NULL;
    struct stat seen[n];
    for (size_t i = 0; i < n; i++) {
        const shelf_backend_row *row;
        int rc = shelf_backend_detect(dirs[i], &row, err);
        if (rc != SHELF_OK)
            return rc;
        if (!first)
            first = row;
        else if (row != first)
            return shelf_errf(err, SHELF_EINVAL, "%s is a %s index and %s a %s one: indexes of "
                              "different backends cannot be searched together", dirs[0],
                              first->label, dirs[i], row->label);
        if (stat(dirs[i], &seen[i]) != 0)
            memset(&seen[i], 0, sizeof seen[i]);
        for (size_t j = 0; j < i; j++)
            if (seen[j].st_ino && seen[j].st_dev == seen[i].st_dev && seen[j].st_ino == seen[i].st_ino)
                return shelf_errf(err, SHELF_EINVAL, "%s and %s are the same index: name each index "
                                  "once", dirs[j], dirs[i]);
    }
    *out = first;
    return SHELF_OK;
}

static int copy_dirs(shelf_engine *e, const char *const *dirs, size_t n)
{
    if (!(e->dirs = calloc(n, sizeof *e->dirs)) || !(e->dir = strdup(dirs[0])))
        return SHELF_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (!(e->dirs[i] = strdup(dirs[i])))
            return SHELF_ENOMEM;
        e->nlocal = e->ndirs = i + 1;
    }
    return SHELF_OK;
}

int shelf_engine_open_set(shelf_engine **out, const char *const *dirs, size_t n, unsigned flags,
                          shelf_err *err)
{
    *out = NULL;
    if (n == 0)
        return shelf_errf(err, SHELF_EINVAL, "no index to open");
    shelf_engine *e = calloc(1, sizeof *e);
    if (!e || copy_dirs(e, dirs, n) != SHELF_OK) {
        shelf_engine_close(e);
        return shelf_errf(err, SHELF_ENOMEM, "out of memory opening %s", dirs[0]);
    }
    const shelf_backend_row *row = NULL;
    int rc = choose_row(dirs, n, &row, err);
    if (rc == SHELF_OK) {
        e->ops = row->reader;
        e->backend = row->id;
        rc = e->ops->open(e, flags, err);
        /* a damaged index: how to recover the one at fault */
        shelf_recovery_note(dirs[e->fault < n ? e->fault : 0], rc, err);
    }
    if (rc != SHELF_OK) {
        shelf_engine_close(e);
        return rc;
    }
    *out = e;
    return SHELF_OK;
}

int shelf_engine_open(shelf_engine **out, const char *dir, unsigned flags, shelf_err *err)
{
    return shelf_engine_open_set(out, &dir, 1, flags, err);
}
