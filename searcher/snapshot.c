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
    uint64_t generation, serial;
    unsigned refs;        /* under the holder's lock */
    pthread_mutex_t pool_lock;
    pthread_cond_t pool_free;
    snap_worker *idle;
    unsigned workers, max_workers;
};

struct snap_holder {
    char *dir;            /* the index folder, or the remote shards' names */
    bool folderless;      /* remote shards only: nothing to watch for reloads */
    const shelf_remotes *remotes; /* the caller's; NULL or empty: none */
    unsigned flags;
    char stamp[PATH_MAX];
    const shelf_backend_row *row; /* chosen once, at open */
    pthread_mutex_t lock;        /* current, current_id, failed_id, refs */
    pthread_mutex_t reload_lock; /* one reloader at a time */
    snapshot *current;
    file_id current_id, failed_id;
    uint64_t serial;
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
    const char *dir = h->folderless ? NULL : h->dir;
    unsigned flags = h->flags;
    const shelf_backend_row *row = h->row;
    /* A crash-prone backend's generation is tried in a child first:
     * libxapian can crash on a damaged table, and the server must survive
     * it (xapian_probe.h; Xapian is the only such backend). */
    if (row->crash_prone && dir) {
        int probed = xapian_probe(dir, PROBE_BUDGET_MS, err);
        if (probed != SHELF_OK)
            return probed;
    }
    snapshot *s = calloc(1, sizeof *s);
    if (!s)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    bool remote = h->remotes && h->remotes->count;
    int rc = remote ? shelf_engine_open_remotes(&s->engine, dir, h->remotes, flags, err)
                    : shelf_engine_open(&s->engine, dir, flags, err);
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

int snap_holder_open(snap_holder **out, const char *dir, const shelf_remotes *remotes, unsigned flags,
                     shelf_err *err)
{
    snap_holder *h = calloc(1, sizeof *h);
    if (!h || !(h->dir = strdup(dir ? dir : "remote shards"))) {
        free(h);
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    }
    h->flags = flags;
    h->folderless = dir == NULL;
    h->remotes = remotes;
    int rc = SHELF_OK;
    if (h->folderless) /* remote shards only: Xapian, no stamp to watch */
        h->row = shelf_backend_by_name("xapian");
    else
        rc = shelf_backend_detect(dir, &h->row, err);
    if (rc == SHELF_OK && !h->row)
        rc = shelf_errf(err, SHELF_EINVAL, "remote shards need the Xapian backend");
    if (rc == SHELF_OK) {
        if (!h->folderless)
            h->row->stamp_path(h->dir, h->stamp, sizeof h->stamp);
        h->current_id = stat_id(h->stamp);
        rc = snapshot_open(&h->current, h, ++h->serial, err);
    }
    if (rc != SHELF_OK) {
        free(h->dir);
        free(h);
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
    free(h->dir);
    free(h);
}

/* Does the stamp differ from the current snapshot's and from a failed one? */
static bool stamp_changed(snap_holder *h, const file_id *now)
{
    pthread_mutex_lock(&h->lock);
    bool changed = now->exists && !same_id(now, &h->current_id) && !same_id(now, &h->failed_id);
    pthread_mutex_unlock(&h->lock);
    return changed;
}

static void swap_in(snap_holder *h, snapshot *fresh, const file_id *id)
{
    pthread_mutex_lock(&h->lock);
    snapshot *old = h->current;
    h->current = fresh;
    h->current_id = *id;
    pthread_mutex_unlock(&h->lock);
    snapshot_unref(h, old);
}

static void reload(snap_holder *h, const file_id *id)
{
    shelf_err err = {0};
    snapshot *fresh;
    int rc = snapshot_open(&fresh, h, h->serial + 1, &err);
    if (rc != SHELF_OK) {
        pthread_mutex_lock(&h->lock);
        h->failed_id = *id;
        pthread_mutex_unlock(&h->lock);
        fprintf(stderr, "searcher: cannot open the new commit of %s (still serving the previous one): %s\n",
                h->dir, err.msg);
        return;
    }
    h->serial++;
    swap_in(h, fresh, id);
    if (fresh->numbered)
        fprintf(stderr, "searcher: now serving %s at generation %llu\n", h->dir,
                (unsigned long long)fresh->generation);
    else
        fprintf(stderr, "searcher: now serving the new commit of %s\n", h->dir);
}

/* Swap in a new snapshot when a commit landed; requests never wait for it. */
static void maybe_reload(snap_holder *h)
{
    file_id now = stat_id(h->stamp);
    if (!stamp_changed(h, &now) || pthread_mutex_trylock(&h->reload_lock) != 0)
        return;
    if (stamp_changed(h, &now)) /* not done by another request meanwhile */
        reload(h, &now);
    pthread_mutex_unlock(&h->reload_lock);
}

int snap_acquire(snap_holder *h, snap_lease *out, shelf_err *err)
{
    maybe_reload(h);
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

void snap_release(snap_holder *h, snap_lease *lease)
{
    if (!lease->snap)
        return;
    put_worker(lease->snap, lease->worker);
    snapshot_unref(h, lease->snap);
    lease->snap = NULL;
    lease->worker = NULL;
}
