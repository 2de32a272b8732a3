/*
 * engine_remote.c - opening remote Xapian shards, with or without local
 * Xapian index folders, as one engine; see engine.h
 * shelf_engine_open_remotes.  The Xapian reader does the work (it adds
 * each folder and shard to one database); this file checks the folders,
 * picks the row and names the parts.
 */
#include "engine/engine.h"
#include "backend/reader_handle.h"
#include "engine/backends.h"
#include "engine/roots.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *shard_name(const shelf_remote *r)
{
    size_t size = strlen(r->host) + 8;
    char *name = malloc(size);
    if (name)
        snprintf(name, size, "%s:%u", r->host, r->port);
    return name;
}

/* The parts' names: the folders, then "HOST:PORT" for each shard; dir is
 * the first folder, else every shard's name ("A:1,B:2"), for messages. */
static int name_parts(shelf_engine *e, const char *const *dirs, size_t ndirs,
                      const shelf_remotes *remotes)
{
    size_t n = ndirs + remotes->count, joined = 1;
    if (!(e->dirs = calloc(n, sizeof *e->dirs)))
        return SHELF_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        e->dirs[i] = i < ndirs ? strdup(dirs[i]) : shard_name(&remotes->list[i - ndirs]);
        if (!e->dirs[i])
            return SHELF_ENOMEM;
        e->ndirs = i + 1;
        joined += strlen(e->dirs[i]) + 1;
    }
    e->nlocal = ndirs;
    if (ndirs)
        return (e->dir = strdup(dirs[0])) ? SHELF_OK : SHELF_ENOMEM;
    if (!(e->dir = calloc(1, joined)))
        return SHELF_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(e->dir, ",");
        strcat(e->dir, e->dirs[i]);
    }
    return SHELF_OK;
}

/* Every folder a Xapian index. */
static int pick_row(const char *const *dirs, size_t ndirs, const shelf_backend_row **row,
                    shelf_err *err)
{
    const shelf_backend_row *xapian = shelf_backend_by_name("xapian");
    if (!xapian)
        return shelf_errf(err, SHELF_EINVAL, "remote shards need the Xapian backend, not built in");
    *row = xapian;
    for (size_t i = 0; i < ndirs; i++) {
        const shelf_backend_row *found;
        int rc = shelf_backend_detect(dirs[i], &found, err);
        if (rc == SHELF_OK && found != xapian)
            rc = shelf_errf(err, SHELF_EINVAL,
                            "%s: a %s index cannot be searched with remote shards (Xapian indexes "
                            "only)", dirs[i], found->label);
        if (rc != SHELF_OK)
            return rc;
    }
    return SHELF_OK;
}

int shelf_engine_open_remotes(shelf_engine **out, const char *const *dirs, size_t ndirs,
                              const shelf_remotes *remotes, unsigned flags, shelf_err *err)
{
    *out = NULL;
    if (!remotes || remotes->count == 0)
        return ndirs ? shelf_engine_open_set(out, dirs, ndirs, flags, err)
                     : shelf_errf(err, SHELF_EINVAL, "no index to open");
    shelf_engine *e = calloc(1, sizeof *e);
    if (!e || name_parts(e, dirs, ndirs, remotes) != SHELF_OK) {
        shelf_engine_close(e);
        return shelf_errf(err, SHELF_ENOMEM, "out of memory opening remote shards");
    }
    const shelf_backend_row *row = NULL;
    int rc = pick_row(dirs, ndirs, &row, err);
    if (rc == SHELF_OK) {
        e->ops = row->reader;
        e->backend = row->id;
        e->remotes = remotes;
        rc = e->ops->open(e, flags, err);
        e->remotes = NULL;
        if (e->fault < ndirs) /* a damaged folder: how to recover it */
            shelf_recovery_note(dirs[e->fault], rc, err);
    }
    if (rc != SHELF_OK) {
        shelf_engine_close(e);
        return rc;
    }
    *out = e;
    return SHELF_OK;
}
