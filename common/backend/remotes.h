/*
 * remotes.h - remote shards to search: databases served over TCP by
 * `xapian-tcpsrv` (Xapian backend only), each named "HOST:PORT".  The
 * engine opens them together with (or instead of) an index folder as one
 * collection (engine.h shelf_engine_open_remotes); the Xapian reader adds
 * each as one more sub-database of its Xapian::Database.
 *
 * Invariants: every host is a non-empty string and every port in 1..65535
 * (searcher/remote_opt.c checks what the user wrote); the strings belong
 * to the caller and outlive the open call.
 */
#ifndef SHELF_REMOTES_H
#define SHELF_REMOTES_H

#include <stddef.h>

/* Default bounds on a remote shard: connecting, and every operation. */
#define SHELF_REMOTE_TIMEOUT_MS 10000
#define SHELF_REMOTE_CONNECT_MS 10000

typedef struct shelf_remote {
    const char *host;
    unsigned port;
} shelf_remote;

typedef struct shelf_remotes {
    const shelf_remote *list;
    size_t count;
    unsigned timeout_ms, connect_ms;
} shelf_remotes;

#endif
