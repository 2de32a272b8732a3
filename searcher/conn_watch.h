/*
 * conn_watch.h - the server's own account of its open connections, for the
 * two things libmicrohttpd cannot do by itself:
 *
 *   - a cap that answers instead of stalling: at `cap` open connections a
 *     new one takes the place of the connection that has waited longest for
 *     a request's head, if that is `evict_seconds` or more (an idle
 *     kept-alive connection, or a client trickling bytes: a normal client
 *     sends its head at once), so that slow clients cannot keep others out;
 *     else the new one is told so at once (a fixed 503, then the socket is
 *     shut down), where libmicrohttpd would stop accepting and leave clients
 *     waiting in the kernel's queue;
 *   - a total time for a request's head: from the connection's opening, or
 *     from the end of the previous request on a kept-alive connection, the
 *     request line and headers must be complete within `header_seconds`.
 *     libmicrohttpd's idle timeout restarts at every byte, so a client
 *     trickling one byte a second would hold its connection for ever.  A
 *     reaper thread shuts down the socket of a connection past its time
 *     (shutdown(2), not close: libmicrohttpd sees the end of the stream and
 *     closes the connection itself, on its own thread).
 *
 * Invariants: one mutex guards the list; an entry lives from cw_open() to
 * cw_close(), which libmicrohttpd calls before it closes the socket, so the
 * reaper never shuts down a descriptor that has been reused.  Refused
 * entries do not count towards the cap, nor do connections already shut
 * down (they are about to close).
 */
#ifndef SHELF_CONN_WATCH_H
#define SHELF_CONN_WATCH_H

#include <stdbool.h>
#include <stddef.h>

typedef struct conn_watch conn_watch;
typedef struct conn_entry conn_entry;

/* Start the reaper: 0, or -1 with msg filled. */
int cw_start(conn_watch **out, unsigned cap, unsigned header_seconds, unsigned evict_seconds,
             char *msg, size_t msg_size);
/* Stop the reaper and free what is left (after the daemon has stopped). */
void cw_stop(conn_watch *w);

/* A new connection on socket fd.  Past the cap (and with no connection to
 * evict) it is refused: the 503 is
 * written and the socket shut down here, and the entry says so
 * (cw_refused). NULL only when memory ran out (the caller closes). */
conn_entry *cw_open(conn_watch *w, int fd);
/* The connection is closing: forget it (e may be NULL). */
void cw_close(conn_watch *w, conn_entry *e);
bool cw_refused(const conn_entry *e);
/* The request's head is complete: its clock stops. */
void cw_head_received(conn_watch *w, conn_entry *e);
/* The request is over: the clock starts again for the next one. */
void cw_request_done(conn_watch *w, conn_entry *e);

#endif
