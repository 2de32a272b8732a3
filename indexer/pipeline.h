/*
 * pipeline.h - `indexer --threads N`: files are read and analysed by N worker
 * threads while one writer thread adds them to the index, in the order the
 * walk found them, so the index is the same as a single-threaded run's.
 *
 *   walk (caller's thread) --paths--> N workers: read, hash, analyse
 *        --results, reordered by sequence number--> writer thread: consume()
 *
 * At most PIPELINE_WINDOW documents are in flight, which bounds memory.  The
 * index writer is shared between the walk (which asks it whether a file
 * changed) and the writer thread: both hold the pipeline's writer lock while
 * they use it (pipeline_lock / pipeline_unlock around the walk's calls; the
 * consume callback is always called with it held).
 */
#ifndef SHELF_PIPELINE_H
#define SHELF_PIPELINE_H

#include "extract/extract.h"
#include "index/analyzed.h"

#define PIPELINE_WINDOW 32

typedef struct pipeline pipeline;

/* Called on the writer thread, in submission order.  rc is the extraction's
 * status (err says why when not SHELF_OK); ex and an are valid when it is OK
 * and are freed after the call.  Returns nonzero to stop everything. */
typedef int (*pipeline_consume)(void *ctx, const char *path, int rc, const shelf_err *err,
                                shelf_extracted *ex, const shelf_analyzed *an);

/* language NULL: workers only read files (the consumer analyses). */
pipeline *pipeline_start(unsigned workers, const char *language, pipeline_consume consume, void *ctx);
/* Queue one file (blocks while the window is full).  Returns nonzero once
 * the consumer asked to stop. */
int pipeline_submit(pipeline *p, const char *path);
void pipeline_lock(pipeline *p);
void pipeline_unlock(pipeline *p);
/* Wait for everything queued to be consumed, stop the threads, free. */
void pipeline_finish(pipeline *p);

#endif
