/*
 * http_server.h - the HTTP side of `searcher --serve`, over libmicrohttpd:
 * a pool of threads each polling its share of the connections, every
 * request answered on its first call (the API takes no request bodies).
 *
 * Connections: at most cfg->max_connections open; a new one past that gets
 * a fixed 503 at once and is closed.  A request's line and headers must
 * arrive within SERVE_HEADER_TIMEOUT_S of the connection's opening (or of
 * the end of the previous request on it), else the connection is closed
 * (conn_watch.h).
 *
 * What every request goes through, in order (the first that fails answers):
 *   0. an unambiguous head: no NUL byte, one Host, ... (http_head.h) else 400
 *   1. the request target at most SERVE_URI_MAX bytes       else 414
 *   2. method GET or HEAD                                   else 405 (Allow)
 *   3. no request body                                      else 413
 *   4. on a loopback listener, a Host header naming a loopback address
 *      (localhost, 127.x.x.x, [::1]) or none, so a web page elsewhere cannot
 *      reach the index through DNS rebinding                else 403
 *   5. the path, compared byte for byte as sent (before any percent
 *      decoding): /healthz, /api/search, /api/doc, /api/cite, or the name
 *      of an embedded asset (web_assets.h)                  else 404
 * Answers are JSON except the page's assets; all carry nosniff, a
 * Content-Security-Policy (the page: default-src 'self'; the API:
 * default-src 'none'), no Access-Control-* header (CORS off), and
 * Cache-Control no-store (API) or no-cache (page).
 */
#ifndef SHELF_HTTP_SERVER_H
#define SHELF_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

typedef struct http_server http_server;

typedef struct http_config {
    snap_holder *holder;
    int listen_fd;   /* bound and listening; the server closes it at stop */
    int family;      /* AF_INET or AF_INET6 */
    bool loopback;   /* check Host headers (step 4) */
    unsigned threads;
    double request_seconds; /* each API request's deadline, from its start */
    unsigned max_connections; /* open at once; more get a 503 */
} http_config;

/* 0, or -1 with msg filled (the listening socket is then closed). */
int http_start(http_server **out, const http_config *cfg, char *msg, size_t msg_size);
/* Stop accepting, finish the requests in progress, close everything. */
void http_stop(http_server *s);

#endif
