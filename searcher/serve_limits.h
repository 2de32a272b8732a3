/*
 * serve_limits.h - every limit of `searcher --serve` in one place, so the
 * README's table (docs/serve-README-section.md) and the code cannot drift
 * apart.  A request past a limit gets a JSON error naming the limit; none of
 * them takes the server down.
 */
#ifndef SHELF_SERVE_LIMITS_H
#define SHELF_SERVE_LIMITS_H

/* ---- the connection ---- */
#define SERVE_CONNECTIONS_MAX 1024       /* open connections; a new one past
                                            it (none to evict, below) gets a
                                            503 at once and is closed.  At about 2,000 requests/s,
                                            a full house of busy connections
                                            waits about 0.5 s per request */
#define SERVE_CONNECTIONS_SPARE 256      /* libmicrohttpd's own limit is this
                                            much higher, so that it keeps
                                            accepting (and we keep refusing
                                            with a 503) instead of leaving
                                            connections in the kernel's queue */
#define SERVE_FDS_RESERVED 128           /* descriptors kept for the index,
                                            threads and logs: the cap shrinks
                                            when RLIMIT_NOFILE is too low */
#define SERVE_HEADER_TIMEOUT_S 5         /* a request's line and headers must
                                            arrive within this time of the
                                            connection's opening, or of the end
                                            of the previous request on it;
                                            else the connection is closed */
#define SERVE_EVICT_AFTER_S 2           /* at the cap, a new connection takes
                                            the place of the one waiting
                                            longest for a request's head, if
                                            that is this long or more */
#define SERVE_IDLE_TIMEOUT_S 10          /* a connection silent this long is closed */
#define SERVE_CONNECTION_MEMORY (64u << 10) /* request line + headers buffer per
                                              connection; past it libmicrohttpd
                                              answers 414/431 itself */
#define SERVE_THREADS_MIN 2              /* thread pool: online CPUs, clamped */
#define SERVE_THREADS_MAX 16

/* ---- the request ---- */
#define SERVE_URI_MAX 8192               /* request target bytes -> 414 */
#define SERVE_QUERY_MAX 1024             /* q bytes -> 413 */
#define SERVE_PARAM_MAX 4096             /* any other parameter's bytes -> 413 */
#define SERVE_REQUEST_SECONDS 10         /* default of --request-timeout; the
                                            search and the passages check it
                                            as they go: past it -> 503 */

/* ---- what a request may ask for ---- */
#define SERVE_HITS_DEFAULT 10
#define SERVE_HITS_MAX 100               /* n */
#define SERVE_OFFSET_MAX 10000           /* offset */
#define SERVE_PASSAGES_MAX 10            /* passages per hit */
#define SERVE_WIDTH_MIN 20               /* passage width in characters */
#define SERVE_WIDTH_MAX 2000
#define SERVE_CONTEXT_DEFAULT 20         /* /api/doc lines either side */
#define SERVE_CONTEXT_MAX 500
#define SERVE_LINE_BYTES_MAX (64u << 10) /* /api/doc: a longer line is cut */
#define SERVE_CITE_BYTES_MAX (64u << 10) /* /api/cite: end - start */

/* Sections are looked for this many lines above a position, as passages do. */
#define SERVE_SECTION_LOOKBACK 2000

#endif
