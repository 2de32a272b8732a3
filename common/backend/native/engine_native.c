/* engine_native.c - the reader operations over a native index (index.h). */
#include "backend/native/index.h"
#include "backend/native/iter.h"
#include "backend/native/native_backend.h"
#include "backend/native/segment.h"
#include "backend/reader_handle.h"
#include "backend/native/search.h"
#include "query/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Several folders: each opened, then one set over their segments (index.h). */
static int open_set(shelf_engine *e, unsigned flags, shelf_err *err)
{
    shelf_index **parts = calloc(e->ndirs, sizeof *parts);
    if (!parts)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory opening %s", e->dir);
    int rc = SHELF_OK;
    for (size_t i = 0; rc == SHELF_OK && i < e->ndirs; i++) {
        rc = shelf_index_open(&parts[i], e->dirs[i], flags, err);
        e->fault = i;
    }
    if (rc == SHELF_OK)
        rc = shelf_index_open_set(&e->idx, parts, e->ndirs, err); /* takes the parts */
    else
        for (size_t i = 0; i < e->ndirs; i++)
            shelf_index_close(parts[i]);
    free(parts);
    return rc;
}

static int native_open(shelf_engine *e, unsigned flags, shelf_err *err)
{
    int rc = e->ndirs > 1 ? open_set(e, flags, err) : shelf_index_open(&e->idx, e->dir, flags, err);
    if (rc == SHELF_OK)
        snprintf(e->language, sizeof e->language, "%s", shelf_index_language(e->idx));
    return rc;
}

static size_t native_part(const shelf_engine *e, const shelf_hit *hit)
{
    return shelf_index_part_of(e->idx, hit->segment);
}

static uint64_t native_doc_count(const shelf_engine *e)
{
    return shelf_index_doc_count(e->idx);
}

static int native_df(const shelf_engine *e, const uint8_t *key, size_t len, uint64_t *df, shelf_err *err)
{
    return shelf_index_df(e->idx, key, len, df, err);
}

static int native_terms(const shelf_engine *e, const uint8_t *prefix, size_t len,
                        int (*fn)(void *ctx, const uint8_t *key, size_t len), void *ctx, shelf_err *err)
{
    return shelf_index_terms(e->idx, prefix, len, fn, ctx, err);
}

static int native_search(const shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                         shelf_results *out, shelf_err *err)
{
    return shelf_search(e->idx, plan, o, out, err);
}

static int native_explain(const shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                          const shelf_hit *hit, shelf_explain *ex, shelf_err *err)
{
    return shelf_search_explain(e->idx, plan, o, hit, ex, err);
}

static shelf_docview view_of(const shelf_docmeta *m)
{
    return (shelf_docview){m->path, m->path_len, m->title, m->title_len, m->length, m->title_length,
                           m->size, m->mtime_ns, m->hash, m->flags, m->author, m->author_len,
                           m->date, m->date_len};
}

/* One hit's record and strings, read with pread into e->blob (the view is
 * valid until the next call on e, docview.h): a query's few hits do not map
 * .docs into the process page by page. */
static int native_doc(shelf_engine *e, const shelf_hit *hit, shelf_docview *out, shelf_err *err)
{
    shelf_docmeta m;
    int rc = shelf_segment_doc_read(shelf_index_segment(e->idx, hit->segment), hit->local, &m, &e->blob, err);
    if (rc == SHELF_OK)
        *out = view_of(&m);
    return rc;
}

static int native_text(shelf_engine *e, const shelf_hit *hit, shelf_buf *text, shelf_buf *checkpoints,
                       shelf_layout *layout, shelf_err *err)
{
    return shelf_segment_stored(shelf_index_segment(e->idx, hit->segment), hit->local, text,
                                checkpoints, layout, err);
}

static int native_positions(shelf_engine *e, const shelf_hit *hit, const uint8_t *key, size_t len,
                            shelf_buf *out, shelf_err *err)
{
    const shelf_segment *seg = shelf_index_segment(e->idx, hit->segment);
    uint32_t doc = hit->local;
    shelf_term_stats stats;
    shelf_postings p;
    int rc = shelf_segment_lookup(seg, key, len, &stats, err);
    if (rc == SHELF_ENOTFOUND)
        return SHELF_OK;
    if (rc == SHELF_OK)
        rc = shelf_postings_open(&p, seg, &stats, err);
    if (rc != SHELF_OK)
        return rc;
    p.pos_read = true; /* one hit's positions: pread, not the mapping */
    if (shelf_postings_advance(&p, doc) != doc) {
        if (p.status != SHELF_OK && err)
            *err = p.err;
        return p.status;
    }
    uint32_t tf = shelf_postings_tf_checked(&p, err);
    if (tf == 0)
        return SHELF_ECORRUPT;
    if (shelf_buf_reserve(out, (size_t)tf * sizeof(uint32_t)) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    rc = shelf_postings_positions(&p, (uint32_t *)out->data, err);
    if (rc == SHELF_OK)
        out->len = (size_t)tf * sizeof(uint32_t);
    return rc;
}

static int native_each_doc(shelf_engine *e, int (*fn)(void *ctx, const shelf_docview *view), void *ctx,
                           shelf_err *err)
{
    for (size_t i = 0; i < shelf_index_segment_count(e->idx); i++) {
        const shelf_deletions *d = shelf_index_deletions(e->idx, i);
        uint32_t n = shelf_segment_doc_count(shelf_index_segment(e->idx, i));
        for (uint32_t doc = 0; doc < n; doc++) {
            if (shelf_deleted(d, doc))
                continue;
            shelf_docmeta m; /* every document in order: through the mapping */
            int rc = shelf_segment_doc(shelf_index_segment(e->idx, i), doc, &m, err);
            if (rc != SHELF_OK)
                return rc;
            shelf_docview view = view_of(&m);
            if (fn(ctx, &view))
                return SHELF_OK;
        }
    }
    return SHELF_OK;
}

static const char *native_file(const shelf_engine *e, const shelf_hit *hit, const char *part)
{
    if (hit->segment < shelf_index_segment_count(e->idx))
        return shelf_segment_file(shelf_index_segment(e->idx, hit->segment), part);
    return e->dir;
}

static void native_close(shelf_engine *e)
{
    if (!e->borrowed)
        shelf_index_close(e->idx);
    e->idx = NULL;
}

/* A native index is never remote. */
static const char *native_lost(const shelf_engine *e)
{
    (void)e;
    return NULL;
}

const shelf_reader_ops shelf_native_ops = {
    .open = native_open,
    .doc_count = native_doc_count,
    .df = native_df,
    .terms = native_terms,
    .search = native_search,
    .explain = native_explain,
    .doc = native_doc,
    .text = native_text,
    .positions = native_positions,
    .each_doc = native_each_doc,
    .file = native_file,
    .part = native_part,
    .lost = native_lost,
    .close = native_close,
};
