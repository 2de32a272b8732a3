/* pipeline.c - parallel reading and analysis, ordered writing, batched
 * hand-offs; see pipeline.h.
 *
 * Invariants (under mu): consumed <= claimed <= submitted <= consumed +
 * PIPELINE_WINDOW; slots [consumed, claimed) belong to workers until marked
 * ready, [claimed, submitted) wait for a worker; a thread that sleeps says so
 * (idle_workers, writer_waiting, walk_waiting) so others signal only then. */
#include "pipeline.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct slot {
    bool ready; /* the worker is done: the writer may take it */
    bool analysed;
    uint64_t bytes; /* the file's size when submitted (the byte window) */
    char *path;
    int fd;         /* open file for the worker; -1 when opening failed (rc says why) */
    bool fd_statted;  /* fd_stat is fd's fstat, taken by the walk */
    struct stat fd_stat;
    int rc;
    shelf_err err;
    shelf_extracted ex;
    shelf_analyzed an;
    uint64_t counted; /* what the slot adds to held: slot_bytes when last counted */
} slot;

struct pipeline {
    pthread_mutex_t mu;        /* guards everything below but the writer lock */
    pthread_cond_t work;       /* workers wait for paths */
    pthread_cond_t result;     /* the writer waits for the next result */
    pthread_cond_t space;      /* the walk waits for room in the window */
    pthread_mutex_t writer_mu; /* the index writer */
    slot ring[PIPELINE_WINDOW];
    uint64_t submitted;        /* next sequence number to hand out */
    uint64_t claimed;          /* next sequence number a worker takes */
    uint64_t consumed;         /* next sequence number the writer takes */
    uint64_t bytes_in_flight;  /* sizes of the files submitted, not consumed */
    uint64_t walk_wants;       /* bytes of the file the waiting walk holds */
    unsigned idle_workers;
    bool writer_waiting, walk_waiting;
    bool closing, stopped;
    unsigned workers;
    pthread_t *threads;
    pthread_t writer;
    char language[SHELF_LANGUAGE_MAX + 1];
    pipeline_consume consume;
    void *ctx;
    _Atomic uint64_t held; /* bytes the slots hold (slot_bytes), and the workers' buffers */
};

/* The heap bytes a slot holds: the text read and its analysis in flight,
 * and the analysis buffers kept for reuse once they are consumed. */
static uint64_t slot_bytes(const slot *s)
{
    const shelf_analyzed *an = &s->an;
    uint64_t n = an->body.cap + an->title.cap + an->checkpoints.cap + an->headings.cap + an->words.cap +
                 an->spans.cap * sizeof *an->spans.spans +
                 an->spans.headings.cap * sizeof *an->spans.headings.at;
    if (s->path && s->ex.text)
        n += s->ex.len + (s->ex.title_buf ? s->ex.title_len : 0);
    return n;
}

/* Bring the slot's share of p->held up to date (the slot's owner of the
 * moment calls this: a worker, or the writer). */
static void recount(pipeline *p, slot *s)
{
    uint64_t now = slot_bytes(s);
    if (now >= s->counted)
        atomic_fetch_add(&p->held, now - s->counted);
    else
        atomic_fetch_sub(&p->held, s->counted - now);
    s->counted = now;
}

/* The same for a worker's reading buffer. */
static void recount_buf(pipeline *p, const shelf_readbuf *buf, uint64_t *counted)
{
    if (buf->cap >= *counted)
        atomic_fetch_add(&p->held, buf->cap - *counted);
    else
        atomic_fetch_sub(&p->held, *counted - buf->cap);
    *counted = buf->cap;
}

static void process(shelf_analyzer *a, shelf_readbuf *buf, slot *s)
{
    if (s->fd < 0)
        return; /* opening failed: rc and err are set */
    s->rc = shelf_extract_fd_statted(s->fd, s->fd_statted ? &s->fd_stat : NULL, s->path, buf, &s->ex,
                                     &s->err);
    s->fd = -1;
    s->analysed = s->rc == SHELF_OK && a && s->ex.len <= PIPELINE_ANALYSE_MAX;
    if (s->analysed &&
        shelf_analyze_document(a, s->ex.text, s->ex.len, s->ex.title, s->ex.title_len, &s->ex.layout,
                               &s->an) != SHELF_OK)
        s->rc = shelf_errf(&s->err, SHELF_ENOMEM, "%s: out of memory analysing", s->path);
}

static slot *slot_of(pipeline *p, uint64_t seq)
{
    return &p->ring[seq % PIPELINE_WINDOW];
}

static void *worker_main(void *arg)
{
    pipeline *p = arg;
    shelf_err err;
    shelf_analyzer *a = p->language[0] ? shelf_analyzer_new(p->language, &err) : NULL;
    shelf_readbuf buf = {0};
    uint64_t buf_counted = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->claimed == p->submitted && !p->closing) {
            p->idle_workers++;
            pthread_cond_wait(&p->work, &p->mu);
            p->idle_workers--;
        }
        if (p->claimed == p->submitted)
            break;
        uint64_t first = p->claimed, n = p->submitted - first;
        if (n > PIPELINE_CLAIM)
            n = PIPELINE_CLAIM;
        p->claimed += n;
        pthread_mutex_unlock(&p->mu);
        for (uint64_t seq = first; seq < first + n; seq++) {
            process(a, &buf, slot_of(p, seq));
            recount(p, slot_of(p, seq));
        }
        recount_buf(p, &buf, &buf_counted);
        pthread_mutex_lock(&p->mu);
        for (uint64_t seq = first; seq < first + n; seq++)
            slot_of(p, seq)->ready = true;
        if (p->writer_waiting && slot_of(p, p->consumed)->ready)
            pthread_cond_signal(&p->result);
    }
    pthread_mutex_unlock(&p->mu);
    shelf_readbuf_free(&buf);
    recount_buf(p, &buf, &buf_counted);
    shelf_analyzer_free(a);
    return NULL;
}

static void release(slot *s)
{
    if (s->rc == SHELF_OK)
        shelf_extracted_free(&s->ex);
    if (s->an.body.cap + s->an.title.cap + s->an.checkpoints.cap + s->an.words.cap > PIPELINE_KEEP_BYTES)
        shelf_analyzed_free(&s->an);
    free(s->path);
    s->path = NULL;
}

/* Is there room for one more file of this size? */
static bool has_room(const pipeline *p, uint64_t bytes)
{
    uint64_t in_flight = p->submitted - p->consumed;
    return in_flight == 0 || (in_flight < PIPELINE_WINDOW && p->bytes_in_flight + bytes <= PIPELINE_BYTES);
}

/* Room enough to wake a waiting walk: the window half empty (or empty). */
static bool worth_waking_walk(const pipeline *p)
{
    uint64_t in_flight = p->submitted - p->consumed;
    return p->stopped || in_flight == 0 ||
           (in_flight <= PIPELINE_WINDOW / 2 && has_room(p, p->walk_wants));
}

/* Consume the n ready slots from `first` under one hold of the writer lock.
 * Returns nonzero when the consumer asked to stop. */
static int consume_run(pipeline *p, uint64_t first, uint64_t n, bool stopped)
{
    int stop = 0;
    pthread_mutex_lock(&p->writer_mu);
    for (uint64_t seq = first; seq < first + n; seq++) {
        slot *s = slot_of(p, seq);
        const shelf_analyzed *an = s->analysed ? &s->an : NULL;
        if (!stopped && !stop)
            stop = p->consume(p->ctx, s->path, s->rc, &s->err, &s->ex, an);
    }
    pthread_mutex_unlock(&p->writer_mu);
    for (uint64_t seq = first; seq < first + n; seq++) {
        release(slot_of(p, seq));
        recount(p, slot_of(p, seq));
    }
    return stop;
}

static void *writer_main(void *arg)
{
    pipeline *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!(p->consumed < p->submitted && slot_of(p, p->consumed)->ready) &&
               !(p->closing && p->consumed == p->submitted)) {
            p->writer_waiting = true;
            pthread_cond_wait(&p->result, &p->mu);
            p->writer_waiting = false;
        }
        if (p->consumed == p->submitted)
            break;
        uint64_t first = p->consumed, n = 0;
        while (first + n < p->submitted && slot_of(p, first + n)->ready)
            n++;
        bool stopped = p->stopped;
        pthread_mutex_unlock(&p->mu);
        int stop = consume_run(p, first, n, stopped);
        pthread_mutex_lock(&p->mu);
        if (stop)
            p->stopped = true;
        for (uint64_t seq = first; seq < first + n; seq++) {
            slot *s = slot_of(p, seq);
            s->ready = false;
            p->bytes_in_flight -= s->bytes;
        }
        p->consumed += n;
        if (p->walk_waiting && worth_waking_walk(p))
            pthread_cond_signal(&p->space);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

pipeline *pipeline_start(unsigned workers, const char *language, pipeline_consume consume, void *ctx)
{
    pipeline *p = calloc(1, sizeof *p);
    if (!p || !(p->threads = calloc(workers, sizeof *p->threads))) {
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_mutex_init(&p->writer_mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->result, NULL);
    pthread_cond_init(&p->space, NULL);
    snprintf(p->language, sizeof p->language, "%s", language ? language : "");
    p->consume = consume;
    p->ctx = ctx;
    p->workers = workers;
    for (unsigned i = 0; i < workers; i++)
        pthread_create(&p->threads[i], NULL, worker_main, p);
    pthread_create(&p->writer, NULL, writer_main, p);
    return p;
}

/* Wake a sleeping worker when there is a batch to take, or when every
 * worker sleeps (nothing else would take this file soon). */
static void offer_work(pipeline *p)
{
    uint64_t unclaimed = p->submitted - p->claimed;
    if (p->idle_workers > 0 && (unclaimed >= PIPELINE_CLAIM || p->idle_workers == p->workers))
        pthread_cond_signal(&p->work);
}

int pipeline_submit(pipeline *p, char *path, const pipeline_source *src, uint64_t bytes)
{
    int fd = src->fd;
    shelf_err open_err;
    shelf_err_clear(&open_err);
    int open_rc = SHELF_OK;
    if (!path)
        open_rc = SHELF_ENOMEM;
    else if (fd < 0)
        open_rc = shelf_source_open(src->dirfd, src->name, path, src->follow, &fd, &open_err);
    pthread_mutex_lock(&p->mu);
    while (!has_room(p, bytes) && !p->stopped) {
        if (p->submitted > p->claimed && p->idle_workers > 0)
            pthread_cond_broadcast(&p->work); /* nobody must wait on work held back */
        p->walk_waiting = true;
        p->walk_wants = bytes;
        pthread_cond_wait(&p->space, &p->mu);
        p->walk_waiting = false;
    }
    int stopped = p->stopped || !path;
    if (!stopped) {
        slot *s = slot_of(p, p->submitted);
        s->ready = false; /* s->an keeps its buffers from the slot's last use */
        s->rc = open_rc;
        s->err = open_err;
        s->fd = fd;
        s->fd_statted = src->fd >= 0 && src->fd_stat;
        if (s->fd_statted)
            s->fd_stat = *src->fd_stat;
        s->analysed = false;
        s->bytes = bytes;
        p->bytes_in_flight += bytes;
        memset(&s->ex, 0, sizeof s->ex);
        s->path = path;
        p->submitted++;
        offer_work(p);
    }
    pthread_mutex_unlock(&p->mu);
    if (stopped) {
        if (fd >= 0)
            close(fd);
        free(path);
    }
    return stopped;
}

uint64_t pipeline_held(pipeline *p)
{
    return atomic_load(&p->held);
}

void pipeline_lock(pipeline *p)
{
    pthread_mutex_lock(&p->writer_mu);
}

void pipeline_unlock(pipeline *p)
{
    pthread_mutex_unlock(&p->writer_mu);
}

void pipeline_finish(pipeline *p)
{
    pthread_mutex_lock(&p->mu);
    p->closing = true;
    pthread_cond_broadcast(&p->work);
    pthread_cond_broadcast(&p->result);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->workers; i++)
        pthread_join(p->threads[i], NULL);
    pthread_join(p->writer, NULL);
    for (size_t i = 0; i < PIPELINE_WINDOW; i++)
        shelf_analyzed_free(&p->ring[i].an);
    pthread_mutex_destroy(&p->mu);
    pthread_mutex_destroy(&p->writer_mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->result);
    pthread_cond_destroy(&p->space);
    free(p->threads);
    free(p);
}
