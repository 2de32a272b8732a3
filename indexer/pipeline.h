/*
 * pipeline.h - `indexer --threads N`: files are read and analysed by N worker
 * threads while one writer thread adds them to the index, in the order the
 * walk found them, so the index is the same as a single-threaded run's.
 *
 *   walk (caller's thread): opens the files --fds--> N workers: read, hash,
 *   analyse --results, reordered by sequence number--> writer thread: consume()
 *
 * Memory is bounded by two windows: at most PIPELINE_WINDOW documents, and
 * at most PIPELINE_BYTES of source files, are in flight (a larger file waits
 * until nothing else is in flight, and the next file waits for it: it is read
 * alone).  Workers analyse only texts of at most PIPELINE_ANALYSE_MAX bytes;
 * a larger one reaches the consumer unanalysed (an == NULL) and is analysed
 * while it is inverted, so its token list is never held whole.  A slot's
 * analysis buffers are kept for reuse only up to PIPELINE_KEEP_BYTES; the
 * bytes all this holds are counted (pipeline_held), so that the index
 * writer's memory budget can cover them.  The
 * index writer is shared between the walk (which asks it whether a file
 * changed) and the writer thread: both hold the pipeline's writer lock while
 * they use it (pipeline_lock / pipeline_unlock around the walk's calls; the
 * consume callback is always called with it held).
 *
 * Hand-offs are batched so that threads sleep and wake rarely: a worker
 * takes up to PIPELINE_CLAIM files at once and publishes their results
 * together; the writer consumes every result ready in order under one hold
 * of the writer lock; a walk blocked on a full window is woken only once
 * the window is half empty.
 */
#ifndef SHELF_PIPELINE_H
#define SHELF_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "extract/extract.h"
#include "backend/analyzed.h"

#define PIPELINE_WINDOW 256
#define PIPELINE_CLAIM 8
#define PIPELINE_BYTES ((uint64_t)4 << 20)
#define PIPELINE_ANALYSE_MAX ((size_t)256 << 10)
#define PIPELINE_KEEP_BYTES ((size_t)64 << 10)

typedef struct pipeline pipeline;

/* Called on the writer thread, in submission order.  rc is the extraction's
 * status (err says why when not SHELF_OK); ex is valid when it is OK, an
 * when it is OK and the document was analysed (else NULL); both are freed
 * after the call.  Returns nonzero to stop everything. */
typedef int (*pipeline_consume)(void *ctx, const char *path, int rc, const shelf_err *err,
                                shelf_extracted *ex, const shelf_analyzed *an);

/* language NULL: workers only read files (the consumer analyses). */
pipeline *pipeline_start(unsigned workers, const char *language, pipeline_consume consume, void *ctx);
/* Where a queued file is: open already (fd >= 0, taken by the pipeline,
 * and fd_stat its fstat, so the worker does not stat it again), or to be
 * opened by pipeline_submit as `name` relative to dirfd, following a
 * symlink only when follow (fd -1). */
typedef struct pipeline_source {
    int dirfd;
    const char *name;
    bool follow;
    int fd;
    const struct stat *fd_stat;
} pipeline_source;

/* Queue one file: `path` (taken: freed by the pipeline) of `bytes` bytes
 * (the byte window).  Blocks while the window is full.  Returns nonzero
 * once the consumer asked to stop (an open fd is closed then). */
int pipeline_submit(pipeline *p, char *path, const pipeline_source *src, uint64_t bytes);
/* Bytes the pipeline's buffers hold now: texts and analyses in flight, the
 * analysis buffers its slots keep for reuse, the workers' reading buffers
 * (the consumer tells the index writer, whose budget counts them). */
uint64_t pipeline_held(pipeline *p);
void pipeline_lock(pipeline *p);
void pipeline_unlock(pipeline *p);
/* Wait for everything queued to be consumed, stop the threads, free. */
void pipeline_finish(pipeline *p);

#endif
