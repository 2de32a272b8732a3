/*
 * engine_remote.c - opening remote Xapian shards, with or without a local
 * Xapian index, as one engine; see engine.h shelf_engine_open_remotes.
 * The Xapian reader does the work (it adds each shard to its database);
 * this file picks the row and names the collection for messages.
 */
#include "engine/engine.h"
#include "backend/reader_handle.h"
#include "engine/backends.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "HOST:PORT,HOST:PORT..." for messages about a folderless engine. */
static char *shard_names(const shelf_remotes *r)
{
    size_t size = 1;
    for (size_t i = 0; i < r->count; i++)
        size += strlen(r->list[i].host) + 8;
    char *out = malloc(size);
    size_t used = 0;
    for (size_t i = 0; out && i < r->count; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%s:%u", i ? "," : "", r->list[i].host,
                                 r->list[i].port);
    if (out && r->count == 0)
        out[0] = '\0';
    return out;
}

static int pick_row(const char *dir, const shelf_backend_row **row, shelf_err *err)
{
    const shelf_backend_row *xapian = shelf_backend_by_name("xapian");
    if (!xapian)
        return shelf_errf(err, SHELF_EINVAL, "remote shards need the Xapian backend, not built in");
    *row = xapian;
    if (!dir)
        return SHELF_OK;
    const shelf_backend_row *found;
    int rc = shelf_backend_detect(dir, &found, err);
    if (rc == SHELF_OK && found != xapian)
        rc = shelf_errf(err, SHELF_EINVAL,
                        "%s: a %s index cannot be searched with remote shards (Xapian indexes only)",
                        dir, found->label);
    return rc;
}

int shelf_engine_open_remotes(shelf_engine **out, const char *dir, const shelf_remotes *remotes,
                              unsigned flags, shelf_err *err)
{
    *out = NULL;
    shelf_engine *e = calloc(1, sizeof *e);
    if (!e || !(e->dir = dir ? strdup(dir) : shard_names(remotes))) {
        free(e);
        return shelf_errf(err, SHELF_ENOMEM, "out of memory opening remote shards");
    }
    e->folderless = dir == NULL;
    const shelf_backend_row *row = NULL;
    int rc = pick_row(dir, &row, err);
    if (rc == SHELF_OK) {
        e->ops = row->reader;
        e->backend = row->id;
        e->remotes = remotes;
        rc = e->ops->open(e, flags, err);
        e->remotes = NULL;
    }
    if (rc != SHELF_OK) {
        shelf_engine_close(e);
        return rc;
    }
    *out = e;
    return SHELF_OK;
}
