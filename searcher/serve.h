/*
 * serve.h - `searcher --serve`: the index answered over HTTP (a JSON API and
 * one embedded page for writers) until SIGINT or SIGTERM.
 *
 * Start-up opens the index first, then the listening socket, then the
 * server's threads, and says on stderr where it listens (one line starting
 * "searcher: serving ", with the URL).  SIGINT and SIGTERM stop it
 * gracefully: no new connections, the requests in progress are finished,
 * the index is closed, exit status 0.
 */
#ifndef SHELF_SERVE_H
#define SHELF_SERVE_H

#include <stddef.h>

#include "backend/remotes.h"

typedef struct serve_config {
    const char *const *index_dirs; /* searched as one (snapshot.h); may be none */
    size_t nindexes;               /* with remote shards */
    const shelf_remotes *remotes;  /* --remote shards (NULL or empty: none) */
    const char *listen;      /* HOST:PORT (listen_addr.h) */
    unsigned open_flags;     /* SHELF_OPEN_VERIFY... */
    double request_seconds;  /* time limit of one request (--request-timeout) */
} serve_config;

/* Serve until a stop signal: 0, or 2 when it could not start. */
int serve_main(const serve_config *cfg);

#endif
