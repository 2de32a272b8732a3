/*
 * reader_handle.h - the inside of an open index handle (shelf_engine,
 * engine.h): what engine.c dispatches on and what each backend's reader
 * operations (backend.h shelf_reader_ops) keep their state in.
 *
 * Invariants: ops and backend come from one row of the backend table; only
 * that backend's fields are set (idx for native, xdb for Xapian; blob for
 * both); close releases them, the engine frees the handle itself.  dirs
 * names the folders the engine searches as one (engine.h, "parts"); dir is
 * dirs[0].
 */
#ifndef SHELF_READER_HANDLE_H
#define SHELF_READER_HANDLE_H

#include <stdbool.h>

#include "backend/backend.h"
#include "backend/remotes.h"

typedef struct shelf_index shelf_index;
typedef struct shelf_xdb shelf_xdb;

struct shelf_engine {
    const shelf_reader_ops *ops;
    shelf_backend backend;
    char *dir;          /* the first index folder (dirs[0]); without one
                           (remote shards only), their names, for messages */
    char **dirs;        /* every part, in the order searched: the index
                           folders given, then each remote shard's "HOST:PORT" */
    size_t ndirs;       /* parts: at least 1 once opened */
    size_t nlocal;      /* of them, index folders (the first nlocal) */
    size_t fault;       /* after a failed open: the part it failed on */
    const shelf_remotes *remotes; /* during open only: shards to add (Xapian) */
    char language[SHELF_LANGUAGE_MAX + 1];
    shelf_index *idx;   /* native */
    bool borrowed;      /* idx belongs to the caller */
    shelf_xdb *xdb;     /* Xapian */
    bool walk_filters;  /* Xapian: a part has no filter terms (layout 2) */
    shelf_buf blob;     /* the last document data read (Xapian's blob, a native
                           record's strings): what a docview points into */
    uint32_t blob_doc;  /* Xapian: the document whose record blob holds (0:
                           none), so reading a hit's metadata then its text
                           fetches the record once (a round trip each on a
                           remote shard), while the database is not reopened: */
    uint64_t blob_reopens; /* shelf_xdb_reopens when blob was read */
};

#endif
