/* snapshot.c - the refcounted current index and its reload; see snapshot.h. */
#include "snapshot.h"

#include "backend/native/index.h"
#include "backend/native/manifest.h"
#include "engine/backends.h"
#include "xapian_probe.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The file a commit replaces, as seen by stat(). */
typedef struct file_id {
    bool exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
} file_id;

struct snap_worker {
    shelf_engine *engine; /* borrowed over the snapshot's index, or the snapshot's own */
    shelf_analyzer *analyzer;
    snap_worker *next;
};

struct snapshot {
    shelf_engine *engine; /* owns the open index */
    const shelf_backend_row *row;
    shelf_backend backend;
    bool numbered;        /* the backend counts generations (native) */
    bool lost;            /* a remote shard's connection failed (under the holder's lock) */
    uint64_t generation, serial;
    unsigned refs;        /* under the holder's lock */
    pthread_mutex_t pool_lock;
    pthread_cond_t pool_free;
    snap_worker *idle;
    unsigned workers, max_workers;
};

/* Several index folders are one collection: each has its own stamp, and
 * a commit to any of them reopens the set (a native open maps files, a
 * Xapian one opens tables: cheap either way), so each reloads on its own
 * commits. */
struct snap_holder {
    char **dirs;          /* the index folders (none: remote shards only) */
    size_t ndirs;
    const shelf_remotes *remotes; /* the caller's; NULL or empty: none */
    unsigned flags;
    char (*stamps)[PATH_MAX];
    const shelf_backend_row *row; /* chosen once, at open */
    pthread_mutex_t lock;        /* current, current_ids, failed_ids, refs */
    pthread_mutex_t reload_lock; /* one reloader at a time */
    snapshot *current;
    file_id *current_ids, *failed_ids; /* one per folder */
    uint64_t serial;
    /* Reconnecting after a lost remote shard (under lock): not before
     * retry_at, then waiting backoff_ms more after each failure; the last
     * failure's message answers requests meanwhile. */
    struct timespec retry_at;
    unsigned backoff_ms;
    char last_error[SHELF_ERR_MAX];
};

static file_id stat_id(const char *path)
{
    struct stat st;
    file_id id = {0};
    if (stat(path, &st) != 0)
        return id;
    id = (file_id){true, st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
    return id;
}

static bool same_time(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static bool same_id(const file_id *a, const file_id *b)
{
    return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           same_time(a->mtime, b->mtime) && same_time(a->ctime, b->ctime);
}

/* ---- snapshots ---- */

#define PROBE_BUDGET_MS 10000

static int snapshot_open(snapshot **out, const snap_holder *h, uint64_t serial, shelf_err *err)
{
    char *const *dirs = h->dirs;
    size_t ndirs = h->ndirs;
    unsigned flags = h->flags;
    const shelf_backend_row *row = h->row;
    /* A crash-prone backend's generation is tried in a child first:
     * libxapian can crash on a damaged table, and the server must survive
     * it (xapian_probe.h; Xapian is the only such backend). */
    for (size_t i = 0; row->crash_prone && i < ndirs; i++) {
        int probed = xapian_probe(dirs[i], PROBE_BUDGET_MS, err);
        if (probed != SHELF_OK)
            return probed;
    }
    snapshot *s = calloc(1, sizeof *s);
    if (!s)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    int rc = shelf_engine_open_remotes(&s->engine, (const char *const *)dirs, ndirs, h->remotes,
                                       flags, err);
    if (rc != SHELF_OK) {
        free(s);
        return rc;
    }
    s->row = row;
    s->backend = shelf_engine_backend(s->engine);
    /* The one remaining look at a backend's own handle: only a native index
     * counts generations (engine.h has no backend-independent generation). */
    const shelf_index *idx = shelf_engine_native(s->engine);
    s->numbered = idx != NULL;
    s->generation = idx ? shelf_index_generation(idx) : 0;
    s->serial = serial;
    s->refs = 1;
    s->max_workers = row->shared_reads ? UINT_MAX : 1;
    pthread_mutex_init(&s->pool_lock, NULL);
    pthread_cond_init(&s->pool_free, NULL);
    *out = s;
    return SHELF_OK;
}

static void worker_free(snapshot *s, snap_worker *w)
{
    if (w->engine != s->engine)
        shelf_engine_close(w->engine);
    shelf_analyzer_free(w->analyzer);
    free(w);
}

static void snapshot_destroy(snapshot *s)
{
    while (s->idle) {
        snap_worker *w = s->idle;
        s->idle = w->next;
        worker_free(s, w);
    }
    shelf_engine_close(s->engine);
    pthread_mutex_destroy(&s->pool_lock);
    pthread_cond_destroy(&s->pool_free);
    free(s);
}

static int worker_new(snapshot *s, snap_worker **out, shelf_err *err)
{
    snap_worker *w = calloc(1, sizeof *w);
    if (!w)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    /* shared reads: each worker borrows the one open index */
    w->engine = s->row->shared_reads ? shelf_engine_borrow(shelf_engine_native(s->engine))
                                     : s->engine;
    if (!w->engine) {
        free(w);
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    }
    w->analyzer = shelf_analyzer_new(shelf_engine_language(s->engine), err);
    if (!w->analyzer) {
        worker_free(s, w);
        return err ? err->code : SHELF_ENOMEM;
    }
    *out = w;
    return SHELF_OK;
}

/* An idle worker, a new one while under max_workers, else wait for one. */
static int take_worker(snapshot *s, snap_worker **out, shelf_err *err)
{
    pthread_mutex_lock(&s->pool_lock);
    while (!s->idle && s->workers >= s->max_workers)
        pthread_cond_wait(&s->pool_free, &s->pool_lock);
    snap_worker *w = s->idle;
    if (w)
        s->idle = w->next;
    else
        s->workers++;
    pthread_mutex_unlock(&s->pool_lock);
    if (w) {
        *out = w;
        return SHELF_OK;
    }
    int rc = worker_new(s, out, err);
    if (rc != SHELF_OK) {
        pthread_mutex_lock(&s->pool_lock);
        s->workers--;
        pthread_cond_signal(&s->pool_free);
        pthread_mutex_unlock(&s->pool_lock);
    }
    return rc;
}

static void put_worker(snapshot *s, snap_worker *w)
{
    pthread_mutex_lock(&s->pool_lock);
    w->next = s->idle;
    s->idle = w;
    pthread_cond_signal(&s->pool_free);
    pthread_mutex_unlock(&s->pool_lock);
}

static void snapshot_unref(snap_holder *h, snapshot *s)
{
    pthread_mutex_lock(&h->lock);
    unsigned left = --s->refs;
    pthread_mutex_unlock(&h->lock);
    if (left == 0)
        snapshot_destroy(s);
}

/* ---- the holder ---- */

static void holder_free(snap_holder *h)
{
    for (size_t i = 0; h->dirs && i < h->ndirs; i++)
        free(h->dirs[i]);
    free(h->dirs);
    free(h->stamps);
    free(h->current_ids);
    free(h->failed_ids);
    free(h);
}

static int holder_new(snap_holder **out, const char *const *dirs, size_t n, unsigned flags)
{
    snap_holder *h = calloc(1, sizeof *h);
    if (!h)
        return SHELF_ENOMEM;
    h->flags = flags;
    size_t each = n ? n : 1; /* remote shards only: no folder */
    h->dirs = calloc(each, sizeof *h->dirs);
    h->stamps = calloc(each, sizeof *h->stamps);
    h->current_ids = calloc(each, sizeof *h->current_ids);
    h->failed_ids = calloc(each, sizeof *h->failed_ids);
    bool ok = h->dirs && h->stamps && h->current_ids && h->failed_ids;
    for (; ok && h->ndirs < n; h->ndirs++)
        ok = (h->dirs[h->ndirs] = strdup(dirs[h->ndirs])) != NULL;
    if (!ok) {
        holder_free(h);
        return SHELF_ENOMEM;
    }
    *out = h;
    return SHELF_OK;
}

static void stat_all(const snap_holder *h, file_id *ids)
{
    for (size_t i = 0; i < h->ndirs; i++)
        ids[i] = stat_id(h->stamps[i]);
}

int snap_holder_open(snap_holder **out, const char *const *dirs, size_t n,
                     const shelf_remotes *remotes, unsigned flags, shelf_err *err)
{
    snap_holder *h;
    bool remote = remotes && remotes->count;
    if (n == 0 && !remote)
        return shelf_errf(err, SHELF_EINVAL, "no index");
    if (holder_new(&h, dirs, n, flags) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    h->remotes = remote ? remotes : NULL;
    int rc = SHELF_OK;
    if (n)
        rc = shelf_backend_detect(dirs[0], &h->row, err);
    else if (!(h->row = shelf_backend_by_name("xapian")))
        rc = shelf_errf(err, SHELF_EINVAL, "remote shards need the Xapian backend");
    for (size_t i = 0; rc == SHELF_OK && i < n; i++)
        h->row->stamp_path(h->dirs[i], h->stamps[i], sizeof h->stamps[i]);
    if (rc == SHELF_OK) {
        stat_all(h, h->current_ids);
        rc = snapshot_open(&h->current, h, ++h->serial, err);
    }
    if (rc != SHELF_OK) {
        holder_free(h);
        return rc;
    }
    pthread_mutex_init(&h->lock, NULL);
    pthread_mutex_init(&h->reload_lock, NULL);
    *out = h;
    return SHELF_OK;
}

void snap_holder_close(snap_holder *h)
{
    if (!h)
        return;
    snapshot_unref(h, h->current);
    pthread_mutex_destroy(&h->lock);
    pthread_mutex_destroy(&h->reload_lock);
    holder_free(h);
}

static bool same_ids(const file_id *a, const file_id *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!same_id(&a[i], &b[i]))
            return false;
    return true;
}

/* Does a stamp differ from the current snapshot's, and the whole set from
 * a failed one?  (Every stamp must exist: a commit renames, never removes.) */
static bool stamp_changed(snap_holder *h, const file_id *now)
{
    bool exist = true;
    for (size_t i = 0; i < h->ndirs; i++)
        exist = exist && now[i].exists;
    pthread_mutex_lock(&h->lock);
    bool changed = exist && !same_ids(now, h->current_ids, h->ndirs) &&
                   !same_ids(now, h->failed_ids, h->ndirs);
    pthread_mutex_unlock(&h->lock);
    return changed;
}

static void swap_in(snap_holder *h, snapshot *fresh, const file_id *ids)
{
    pthread_mutex_lock(&h->lock);
    snapshot *old = h->current;
    h->current = fresh;
    memcpy(h->current_ids, ids, h->ndirs * sizeof *ids);
    pthread_mutex_unlock(&h->lock);
    snapshot_unref(h, old);
}

/* Which folders' stamps moved, for the log line: "A, B". */
static void changed_dirs(const snap_holder *h, const file_id *ids, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < h->ndirs && used < size; i++)
        if (!same_id(&ids[i], &h->current_ids[i]))
            used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "", h->dirs[i]);
}

static void reload(snap_holder *h, const file_id *ids)
{
    shelf_err err = {0};
    snapshot *fresh;
    char which[PATH_MAX];
    changed_dirs(h, ids, which, sizeof which);
    int rc = snapshot_open(&fresh, h, h->serial + 1, &err);
    if (rc != SHELF_OK) {
        pthread_mutex_lock(&h->lock);
        memcpy(h->failed_ids, ids, h->ndirs * sizeof *ids);
        pthread_mutex_unlock(&h->lock);
        fprintf(stderr, "searcher: cannot open the new commit of %s (still serving the previous one): %s\n",
                which, err.msg);
        return;
    }
    h->serial++;
    swap_in(h, fresh, ids);
    if (fresh->numbered && h->ndirs == 1)
        fprintf(stderr, "searcher: now serving %s at generation %llu\n", which,
                (unsigned long long)fresh->generation);
    else
        fprintf(stderr, "searcher: now serving the new commit of %s\n", which);
}

/* Swap in a new snapshot when a commit landed; requests never wait for it. */
static void maybe_reload(snap_holder *h)
{
    if (h->ndirs == 0) /* remote shards only: no folder to watch */
        return;
    file_id now[h->ndirs];
    stat_all(h, now);
    if (!stamp_changed(h, now) || pthread_mutex_trylock(&h->reload_lock) != 0)
        return;
    if (stamp_changed(h, now)) /* not done by another request meanwhile */
        reload(h, now);
    pthread_mutex_unlock(&h->reload_lock);
}

/* ---- lost remote shards ---- */

#define RECONNECT_BACKOFF_MIN_MS 250
#define RECONNECT_BACKOFF_MAX_MS 2000

static struct timespec now_plus_ms(unsigned ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static bool reached(struct timespec when)
{
    struct timespec now = now_plus_ms(0);
    return now.tv_sec > when.tv_sec || (now.tv_sec == when.tv_sec && now.tv_nsec >= when.tv_nsec);
}

/* A request met a network error on a remote shard of s: s is done for;
 * when it is current, the next request reconnects at once. */
static void mark_lost(snap_holder *h, snapshot *s, const char *why)
{
    pthread_mutex_lock(&h->lock);
    bool first = !s->lost && s == h->current;
    s->lost = true;
    if (first) {
        h->retry_at = now_plus_ms(0);
        h->backoff_ms = 0;
        snprintf(h->last_error, sizeof h->last_error, "%s", why);
    }
    pthread_mutex_unlock(&h->lock);
    if (first)
        fprintf(stderr, "searcher: lost a remote shard: %s (reconnecting)\n", why);
}

/* Open the shards (and folders) anew; on failure wait longer before the
 * next try.  Holds reload_lock. */
static void reconnect(snap_holder *h)
{
    shelf_err err = {0};
    snapshot *fresh;
    file_id ids[h->ndirs ? h->ndirs : 1];
    stat_all(h, ids);
    if (snapshot_open(&fresh, h, h->serial + 1, &err) == SHELF_OK) {
        h->serial++;
        swap_in(h, fresh, ids);
        fprintf(stderr, "searcher: reconnected to the remote shards\n");
        return;
    }
    pthread_mutex_lock(&h->lock);
    h->backoff_ms = h->backoff_ms ? h->backoff_ms * 2 : RECONNECT_BACKOFF_MIN_MS;
    if (h->backoff_ms > RECONNECT_BACKOFF_MAX_MS)
        h->backoff_ms = RECONNECT_BACKOFF_MAX_MS;
    h->retry_at = now_plus_ms(h->backoff_ms);
    snprintf(h->last_error, sizeof h->last_error, "%s", err.msg);
    pthread_mutex_unlock(&h->lock);
}

static bool current_lost(snap_holder *h, bool *due)
{
    pthread_mutex_lock(&h->lock);
    bool lost = h->current->lost;
    *due = lost && reached(h->retry_at);
    pthread_mutex_unlock(&h->lock);
    return lost;
}

/* SHELF_OK when the current snapshot's shards answer (reconnecting first
 * when one was lost and a retry is due; one request at a time, the others
 * do not wait), else SNAP_UNREACHABLE with the last failure in err. */
static int maybe_reconnect(snap_holder *h, shelf_err *err)
{
    bool due;
    if (!current_lost(h, &due))
        return SHELF_OK;
    if (due && pthread_mutex_trylock(&h->reload_lock) == 0) {
        if (current_lost(h, &due) && due) /* not done by another request meanwhile */
            reconnect(h);
        pthread_mutex_unlock(&h->reload_lock);
    }
    pthread_mutex_lock(&h->lock);
    bool lost = h->current->lost;
    if (lost)
        shelf_errf(err, SHELF_EIO, "%s", h->last_error);
    pthread_mutex_unlock(&h->lock);
    return lost ? SNAP_UNREACHABLE : SHELF_OK;
}

/* ---- leases ---- */

int snap_acquire(snap_holder *h, snap_lease *out, shelf_err *err)
{
    maybe_reload(h);
    int reachable = maybe_reconnect(h, err);
    if (reachable != SHELF_OK)
        return reachable;
    pthread_mutex_lock(&h->lock);
    snapshot *s = h->current;
    s->refs++;
    pthread_mutex_unlock(&h->lock);
    snap_worker *w = NULL;
    int rc = take_worker(s, &w, err);
    if (rc != SHELF_OK) {
        snapshot_unref(h, s);
        return rc;
    }
    *out = (snap_lease){w->engine, w->analyzer, s->generation, s->serial, s->backend, s, w};
    return SHELF_OK;
}

const char *snap_lease_lost(const snap_lease *lease)
{
    return lease->engine ? shelf_engine_lost_shard(lease->engine) : NULL;
}

void snap_release(snap_holder *h, snap_lease *lease)
{
    if (!lease->snap)
        return;
    const char *lost = snap_lease_lost(lease);
    if (lost)
        mark_lost(h, lease->snap, lost);
    put_worker(lease->snap, lease->worker);
    snapshot_unref(h, lease->snap);
    lease->snap = NULL;
    lease->worker = NULL;
}
