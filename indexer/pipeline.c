/* pipeline.c - parallel reading and analysis, ordered writing; see pipeline.h. */
#include "pipeline.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct slot {
    bool ready; /* the worker is done: the writer may take it */
    bool analysed;
    uint64_t bytes; /* the file's size when submitted (the byte window) */
    char *path;
    int rc;
    shelf_err err;
    shelf_extracted ex;
    shelf_analyzed an;
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
    bool closing, stopped;
    unsigned workers;
    pthread_t *threads;
    pthread_t writer;
    char language[SHELF_LANGUAGE_MAX + 1];
    pipeline_consume consume;
    void *ctx;
};

static void process(pipeline *p, shelf_analyzer *a, slot *s)
{
    s->rc = shelf_extract_file(s->path, &s->ex, &s->err);
    s->analysed = s->rc == SHELF_OK && a && s->ex.len <= PIPELINE_ANALYSE_MAX;
    if (s->analysed &&
        shelf_analyze_document(a, s->ex.text, s->ex.len, s->ex.title, s->ex.title_len, &s->an) != SHELF_OK)
        s->rc = shelf_errf(&s->err, SHELF_ENOMEM, "%s: out of memory analysing", s->path);
}

static void *worker_main(void *arg)
{
    pipeline *p = arg;
    shelf_err err;
    shelf_analyzer *a = p->language[0] ? shelf_analyzer_new(p->language, &err) : NULL;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->claimed == p->submitted && !p->closing)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->claimed == p->submitted)
            break;
        uint64_t seq = p->claimed++;
        slot *s = &p->ring[seq % PIPELINE_WINDOW];
        pthread_mutex_unlock(&p->mu);
        process(p, a, s);
        pthread_mutex_lock(&p->mu);
        s->ready = true;
        if (seq == p->consumed) /* only the next in order can wake the writer */
            pthread_cond_signal(&p->result);
    }
    pthread_mutex_unlock(&p->mu);
    shelf_analyzer_free(a);
    return NULL;
}

static void release(slot *s)
{
    if (s->rc == SHELF_OK)
        shelf_extracted_free(&s->ex);
    if (s->an.body.cap + s->an.title.cap + s->an.checkpoints.cap > PIPELINE_KEEP_BYTES)
        shelf_analyzed_free(&s->an);
    free(s->path);
    s->path = NULL;
}

static void *writer_main(void *arg)
{
    pipeline *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        slot *s = &p->ring[p->consumed % PIPELINE_WINDOW];
        while (!(p->consumed < p->submitted && s->ready) && !(p->closing && p->consumed == p->submitted))
            pthread_cond_wait(&p->result, &p->mu);
        if (p->consumed == p->submitted)
            break;
        pthread_mutex_unlock(&p->mu);
        pthread_mutex_lock(&p->writer_mu);
        const shelf_analyzed *an = s->analysed ? &s->an : NULL;
        int stop = p->stopped ? 0 : p->consume(p->ctx, s->path, s->rc, &s->err, &s->ex, an);
        pthread_mutex_unlock(&p->writer_mu);
        release(s);
        pthread_mutex_lock(&p->mu);
        if (stop)
            p->stopped = true;
        s->ready = false;
        p->consumed++;
        p->bytes_in_flight -= s->bytes;
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

/* Is there room for one more file of this size? */
static bool has_room(const pipeline *p, uint64_t bytes)
{
    uint64_t in_flight = p->submitted - p->consumed;
    return in_flight == 0 || (in_flight < PIPELINE_WINDOW && p->bytes_in_flight + bytes <= PIPELINE_BYTES);
}

int pipeline_submit(pipeline *p, const char *path)
{
    char *copy = strdup(path);
    struct stat st;
    uint64_t bytes = stat(path, &st) == 0 && st.st_size > 0 ? (uint64_t)st.st_size : 0;
    pthread_mutex_lock(&p->mu);
    while (!has_room(p, bytes) && !p->stopped)
        pthread_cond_wait(&p->space, &p->mu);
    int stopped = p->stopped || !copy;
    if (!stopped) {
        slot *s = &p->ring[p->submitted % PIPELINE_WINDOW];
        s->ready = false; /* s->an keeps its buffers from the slot's last use */
        s->rc = SHELF_OK;
        s->analysed = false;
        s->bytes = bytes;
        p->bytes_in_flight += bytes;
        shelf_err_clear(&s->err);
        memset(&s->ex, 0, sizeof s->ex);
        p->submitted++;
        s->path = copy;
        pthread_cond_signal(&p->work);
    } else {
        free(copy);
    }
    pthread_mutex_unlock(&p->mu);
    return stopped;
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
