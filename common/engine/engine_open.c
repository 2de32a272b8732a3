/* engine_open.c - detecting an index folder's backend and opening it; see engine.h. */
#include "engine/engine.h"
#include "backend/reader_handle.h"
#include "engine/backends.h"
#include "engine/roots.h"
#include "backend/native/index.h"

#include <stdlib.h>
#include <string.h>

int shelf_engine_detect(const char *dir, shelf_backend *backend, shelf_err *err)
{
    const shelf_backend_row *row;
    int rc = shelf_backend_detect(dir, &row, err);
    if (rc == SHELF_OK)
        *backend = row->id;
    return rc;
}

int shelf_engine_open(shelf_engine **out, const char *dir, unsigned flags, shelf_err *err)
{
    *out = NULL;
    shelf_engine *e = calloc(1, sizeof *e);
    if (!e || !(e->dir = strdup(dir))) {
        free(e);
        return shelf_errf(err, SHELF_ENOMEM, "out of memory opening %s", dir);
    }
    const shelf_backend_row *row;
    int rc = shelf_backend_detect(dir, &row, err);
    if (rc == SHELF_OK) {
        e->ops = row->reader;
        e->backend = row->id;
        rc = e->ops->open(e, flags, err);
    }
    shelf_recovery_note(dir, rc, err); /* a damaged index: how to recover */
    if (rc != SHELF_OK) {
        shelf_engine_close(e);
        return rc;
    }
    *out = e;
    return SHELF_OK;
}
