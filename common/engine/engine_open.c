/* engine_open.c - detecting an index folder's backend and opening it; see engine.h. */
#include "engine/engine_impl.h"
#include "backend/native/index.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int exists(const char *dir, const char *name, int want_dir)
{
    char path[PATH_MAX];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 && (want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

int shelf_engine_detect(const char *dir, shelf_backend *backend, shelf_err *err)
{
    if (exists(dir, SHELF_MANIFEST_NAME, 0)) {
        *backend = SHELF_BACKEND_NATIVE;
        return SHELF_OK;
    }
    if (exists(dir, SHELF_XAPIAN_SUBDIR, 1)) {
        *backend = SHELF_BACKEND_XAPIAN;
        return SHELF_OK;
    }
    return shelf_errf(err, SHELF_ENOTFOUND, "%s: no index here (no %s and no %s/ database)", dir,
                      SHELF_MANIFEST_NAME, SHELF_XAPIAN_SUBDIR);
}

int shelf_engine_open(shelf_engine **out, const char *dir, unsigned flags, shelf_err *err)
{
    *out = NULL;
    shelf_engine *e = calloc(1, sizeof *e);
    if (!e || !(e->dir = strdup(dir))) {
        free(e);
        return shelf_errf(err, SHELF_ENOMEM, "out of memory opening %s", dir);
    }
    int rc = shelf_engine_detect(dir, &e->backend, err);
    if (rc == SHELF_OK && e->backend == SHELF_BACKEND_NATIVE) {
        e->ops = &shelf_native_ops;
        rc = shelf_index_open(&e->idx, dir, flags, err);
        if (rc == SHELF_OK)
            snprintf(e->language, sizeof e->language, "%s", shelf_index_language(e->idx));
    } else if (rc == SHELF_OK) {
        e->ops = &shelf_xapian_ops;
        rc = shelf_xapian_engine_open(e, err);
    }
    if (rc != SHELF_OK) {
        shelf_engine_close(e);
        return rc;
    }
    *out = e;
    return SHELF_OK;
}
