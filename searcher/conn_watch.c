/* conn_watch.c - connection cap and head deadlines; see conn_watch.h. */
#include "conn_watch.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define REAP_EVERY_MS 100
#define PEEK_BYTES (64u << 10) /* SERVE_CONNECTION_MEMORY: the longest head */

/* What a client past the cap reads before the end of the stream. */
static const char REFUSAL_BODY[] = "{\"error\":\"too many open connections: try again\",\"status\":503}\n";

struct conn_entry {
    conn_entry *prev, *next;
    int fd;
    bool refused;
    bool waiting;         /* for a request's head: the clock runs */
    struct timespec due;  /* when waiting: the head's deadline */
    bool reaped;          /* its socket was shut down */
};

struct conn_watch {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t reaper;
    bool stopping;
    unsigned cap, header_seconds, evict_seconds;
    unsigned counted; /* open, not refused */
    unsigned doomed;  /* of those, shut down but not closed yet */
    conn_entry *head;
    char refusal[320]; /* the whole 503 response */
    size_t refusal_len;
    char *peek;        /* PEEK_BYTES, used under the lock */
};

static struct timespec now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t;
}

static bool earlier(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Is time t at or past due? */
static bool reached(const struct timespec *due, const struct timespec *t)
{
    return !earlier(t, due);
}

/* Under the lock. */
static void start_clock(conn_watch *w, conn_entry *e)
{
    e->waiting = true;
    e->due = now();
    e->due.tv_sec += w->header_seconds;
}

/* Does buf hold the end of a head: a line break followed by an empty line
 * (LF LF or LF CR LF)? */
static bool ends_a_head(const char *buf, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (buf[i] == '\n' && (buf[i + 1] == '\n' || (buf[i + 1] == '\r' && i + 2 < n && buf[i + 2] == '\n')))
            return true;
    return false;
}

/* Under the lock: has the client sent a whole head that the server has
 * not read yet (its thread is busy with other requests)?  Then the time
 * spent is the server's, not the client's, and the connection is kept.  A
 * client trickling bytes never has a whole head waiting. */
static bool head_waiting_unread(conn_watch *w, int fd)
{
    ssize_t n = recv(fd, w->peek, PEEK_BYTES, MSG_PEEK | MSG_DONTWAIT);
    return n > 0 && ends_a_head(w->peek, (size_t)n);
}

/* Under the lock: shut the socket down; libmicrohttpd closes it soon. */
static void reap(conn_watch *w, conn_entry *e)
{
    shutdown(e->fd, SHUT_RDWR);
    e->reaped = true;
    w->doomed++;
}

static void reap_overdue(conn_watch *w)
{
    struct timespec t = now();
    for (conn_entry *e = w->head; e; e = e->next)
        if (e->waiting && !e->reaped && reached(&e->due, &t) && !head_waiting_unread(w, e->fd))
            reap(w, e);
}

/* Under the lock, at the cap: the connection that has waited longest for a
 * request's head, if that is at least evict_seconds, else NULL.  A client
 * sends its head at once, so such a connection is idle between requests or
 * trickling bytes. */
static conn_entry *longest_waiting(conn_watch *w)
{
    struct timespec evictable = now();
    evictable.tv_sec += (time_t)w->header_seconds - (time_t)w->evict_seconds;
    conn_entry *oldest = NULL;
    for (conn_entry *e = w->head; e; e = e->next)
        if (e->waiting && !e->reaped && reached(&e->due, &evictable) &&
            (!oldest || earlier(&e->due, &oldest->due)) && !head_waiting_unread(w, e->fd))
            oldest = e;
    return oldest;
}

static void *reaper_run(void *arg)
{
    conn_watch *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->stopping) {
        reap_overdue(w);
        struct timespec until = now();
        until.tv_nsec += REAP_EVERY_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->wake, &w->lock, &until);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static int init_sync(conn_watch *w)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0)
        return -1;
    int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(&w->wake, &attr);
    pthread_condattr_destroy(&attr);
    if (rc != 0)
        return -1;
    if (pthread_mutex_init(&w->lock, NULL) != 0) {
        pthread_cond_destroy(&w->wake);
        return -1;
    }
    return 0;
}

int cw_start(conn_watch **out, unsigned cap, unsigned header_seconds, unsigned evict_seconds,
             char *msg, size_t msg_size)
{
    conn_watch *w = calloc(1, sizeof *w);
    if (w && !(w->peek = malloc(PEEK_BYTES))) {
        free(w);
        w = NULL;
    }
    if (!w || init_sync(w) != 0) {
        snprintf(msg, msg_size, "out of memory");
        if (w)
            free(w->peek);
        free(w);
        return -1;
    }
    w->cap = cap;
    w->header_seconds = header_seconds;
    w->evict_seconds = evict_seconds;
    w->refusal_len = (size_t)snprintf(w->refusal, sizeof w->refusal,
                                      "HTTP/1.1 503 Service Unavailable\r\n"
                                      "Content-Type: application/json; charset=utf-8\r\n"
                                      "Content-Length: %zu\r\nConnection: close\r\nRetry-After: 1\r\n"
                                      "\r\n%s",
                                      strlen(REFUSAL_BODY), REFUSAL_BODY);
    int rc = pthread_create(&w->reaper, NULL, reaper_run, w);
    if (rc != 0) {
        snprintf(msg, msg_size, "could not start the connection reaper: %s", strerror(rc));
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w->peek);
        free(w);
        return -1;
    }
    *out = w;
    return 0;
}

void cw_stop(conn_watch *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->reaper, NULL);
    while (w->head) {
        conn_entry *e = w->head;
        w->head = e->next;
        free(e);
    }
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w->peek);
    free(w);
}

/* The fixed 503 fits in an empty socket buffer, so the write does not
 * block; whatever happens, the socket is shut down. */
static void refuse(const conn_watch *w, int fd)
{
    ssize_t n;
    do
        n = send(fd, w->refusal, w->refusal_len, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    shutdown(fd, SHUT_RDWR);
}

conn_entry *cw_open(conn_watch *w, int fd)
{
    conn_entry *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->fd = fd;
    pthread_mutex_lock(&w->lock);
    if (w->counted - w->doomed >= w->cap) {
        conn_entry *victim = longest_waiting(w);
        if (victim)
            reap(w, victim);
        else
            e->refused = true;
    }
    if (!e->refused) {
        w->counted++;
        start_clock(w, e);
    }
    e->next = w->head;
    if (w->head)
        w->head->prev = e;
    w->head = e;
    pthread_mutex_unlock(&w->lock);
    if (e->refused)
        refuse(w, fd);
    return e;
}

void cw_close(conn_watch *w, conn_entry *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&w->lock);
    if (!e->refused)
        w->counted--;
    if (e->reaped)
        w->doomed--;
    if (e->prev)
        e->prev->next = e->next;
    else
        w->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    pthread_mutex_unlock(&w->lock);
    free(e);
}

bool cw_refused(const conn_entry *e)
{
    return e->refused; /* set before the entry is shared, never changed */
}

void cw_head_received(conn_watch *w, conn_entry *e)
{
    pthread_mutex_lock(&w->lock);
    e->waiting = false;
    pthread_mutex_unlock(&w->lock);
}

void cw_request_done(conn_watch *w, conn_entry *e)
{
    pthread_mutex_lock(&w->lock);
    if (!e->refused)
        start_clock(w, e);
    pthread_mutex_unlock(&w->lock);
}
