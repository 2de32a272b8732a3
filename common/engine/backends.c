/* backends.c - the table of backends and choosing a row; see backends.h. */
#include "engine/backends.h"
#include "backend/native/manifest.h"
#include "backend/native/native_backend.h"
#include "backend/xapian/xapian_backend.h"

#include <string.h>

const shelf_backend_row *const shelf_backend_rows[] = {&shelf_native_backend, &shelf_xapian_backend,
                                                        NULL};

const shelf_backend_row *shelf_backend_by_name(const char *name)
{
    for (size_t i = 0; shelf_backend_rows[i]; i++)
        if (strcmp(shelf_backend_rows[i]->name, name) == 0)
            return shelf_backend_rows[i];
    return NULL;
}

const shelf_backend_row *shelf_backend_by_id(shelf_backend id)
{
    for (size_t i = 0; shelf_backend_rows[i]; i++)
        if (shelf_backend_rows[i]->id == id)
            return shelf_backend_rows[i];
    return shelf_backend_rows[0];
}

int shelf_backend_detect(const char *dir, const shelf_backend_row **out, shelf_err *err)
{
    for (size_t i = 0; shelf_backend_rows[i]; i++) {
        if (shelf_backend_rows[i]->detect(dir)) {
            *out = shelf_backend_rows[i];
            return SHELF_OK;
        }
    }
    *out = NULL;
    return shelf_errf(err, SHELF_ENOTFOUND, "%s: no index here (no %s and no %s/ database)", dir,
                      SHELF_MANIFEST_NAME, SHELF_XAPIAN_SUBDIR);
}

int shelf_backend_choose(const char *dir, const char *name, const shelf_backend_row **out,
                         shelf_err *err)
{
    const shelf_backend_row *existing;
    bool has = shelf_backend_detect(dir, &existing, NULL) == SHELF_OK;
    if (!name) {
        *out = has ? existing : shelf_backend_rows[0];
        return SHELF_OK;
    }
    *out = shelf_backend_by_name(name);
    if (!*out)
        return shelf_errf(err, SHELF_EINVAL, "unknown backend '%s' (native or xapian)", name);
    if (has && existing != *out)
        return shelf_errf(err, SHELF_EINVAL, "%s: holds a %s index; use another folder for a %s one", dir,
                          existing->label, name);
    return SHELF_OK;
}
