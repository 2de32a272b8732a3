/*
 * engine_xapian.c - the engine operations over a Xapian database written by
 * `indexer --backend xapian` (xapian_terms.h for the term layout,
 * xapian_query.h for searching, xapdoc.h for the document data).
 */
#include "backend/reader_handle.h"
#include "backend/xapian/xapian_backend.h"
#include "backend/xapian/record_value.h"
#include "backend/xapian/xapdoc.h"
#include "backend/xapian/xapian_c.h"
#include "backend/xapian/xapian_query.h"
#include "backend/xapian/xapian_terms.h"
#include "util/progname.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The analysis language recorded in one shard into language (when still
 * empty) or checked against it: a database without one is not ours, one of
 * another layout was written by an older program (dir: the folder to name
 * in the rebuild hint), except layout 2, searched with filters that walk
 * (*walk_filters set). */
static int check_shard(shelf_xdb *db, const char *name, const char *dir, char *language, size_t size,
                       bool *walk_filters, shelf_err *err)
{
    char found[SHELF_LANGUAGE_MAX + 1], layout[16];
    int rc = shelf_xdb_get_metadata(db, SHELF_XAPIAN_LANGUAGE_KEY, found, sizeof found, err);
    if (rc == SHELF_OK)
        rc = shelf_xdb_get_metadata(db, SHELF_XAPIAN_LAYOUT_KEY, layout, sizeof layout, err);
    if (rc != SHELF_OK)
        return rc;
    if (found[0] == '\0')
        return shelf_errf(err, SHELF_ECORRUPT,
                          "%s: not a shelf index (no analysis language recorded): use a database "
                          "written by `%s --backend xapian`", name, shelf_indexer_name());
    if (strcmp(layout, SHELF_XAPIAN_LAYOUT_NO_FILTER_TERMS) == 0)
        *walk_filters = true;
    else if (strcmp(layout, SHELF_XAPIAN_LAYOUT) != 0)
        return shelf_errf(err, SHELF_EVERSION,
                          "%s: written by an older version of this program (Xapian layout '%s', "
                          "not '%s'): rebuild it with `%s --rebuild --index %s PATH...`",
                          name, layout, SHELF_XAPIAN_LAYOUT, shelf_indexer_name(), dir);
    if (language[0] && strcmp(language, found) != 0)
        return shelf_errf(err, SHELF_EINVAL, "%s: built with language '%s', the others with '%s'",
                          name, found, language);
    snprintf(language, size, "%s", found);
    return SHELF_OK;
}

/* Open part i (a folder, or a remote shard after the folders), check it,
 * and make it e->xdb or add it to it. */
static int add_part(shelf_engine *e, size_t i, shelf_err *err)
{
    shelf_xdb *one = NULL;
    char path[PATH_MAX];
    int rc;
    e->fault = i;
    if (i < e->nlocal) {
        snprintf(path, sizeof path, "%s/%s", e->dirs[i], SHELF_XAPIAN_SUBDIR);
        rc = shelf_xdb_open(&one, path, err);
    } else {
        const shelf_remotes *all = e->remotes;
        const shelf_remote *r = &all->list[i - e->nlocal];
        rc = shelf_xdb_open_remote(&one, r->host, r->port, all->timeout_ms, all->connect_ms, err);
        snprintf(path, sizeof path, "%s", shelf_xdb_path(one));
    }
    if (rc == SHELF_OK)
        rc = check_shard(one, path, i < e->nlocal ? e->dirs[i] : "DIR", e->language,
                         sizeof e->language, &e->walk_filters, err);
    if (rc != SHELF_OK) {
        shelf_xdb_close(one);
        return rc;
    }
    if (!e->xdb) {
        e->xdb = one;
        return SHELF_OK;
    }
    return shelf_xdb_absorb(e->xdb, one, err);
}

/* Every part (index folders, then remote shards) as one Xapian database:
 * Xapian combines their statistics (xapian_c.h, shards). */
static int xapian_open(shelf_engine *e, unsigned flags, shelf_err *err)
{
    (void)flags;
    int rc = e->nlocal ? SHELF_OK : shelf_xdb_open_empty(&e->xdb, e->dir, err);
    for (size_t i = 0; rc == SHELF_OK && i < e->ndirs; i++)
        rc = add_part(e, i, err);
    return rc;
}

/* Xapian interleaves its shards' document ids, in the order added. */
static size_t xapian_part(const shelf_engine *e, const shelf_hit *hit)
{
    return shelf_xdb_shard_of(e->xdb, (uint32_t)hit->local, NULL);
}

static uint64_t xapian_doc_count(const shelf_engine *e)
{
    return shelf_xdb_doc_count(e->xdb);
}

static int xapian_df(const shelf_engine *e, const uint8_t *key, size_t len, uint64_t *df, shelf_err *err)
{
    char term[SHELF_MAX_KEY_BYTES];
    return shelf_xdb_termfreq(e->xdb, term, shelf_xapian_key_term(key, len, term), df, err);
}

typedef struct term_relay {
    int (*fn)(void *ctx, const uint8_t *key, size_t len);
    void *ctx;
    uint8_t field;
} term_relay;

static int relay_term(void *ctx, const char *term, size_t len, uint64_t df)
{
    term_relay *r = ctx;
    uint8_t key[SHELF_MAX_KEY_BYTES];
    size_t key_len = shelf_xapian_term_key(r->field, term, len, key, sizeof key);
    return key_len ? r->fn(r->ctx, key, key_len) : 0;
}

static int xapian_terms(const shelf_engine *e, const uint8_t *prefix, size_t len,
                        int (*fn)(void *ctx, const uint8_t *key, size_t len), void *ctx, shelf_err *err)
{
    char term[SHELF_MAX_KEY_BYTES];
    term_relay relay = {fn, ctx, prefix[0]};
    return shelf_xdb_terms(e->xdb, term, shelf_xapian_key_term(prefix, len, term), relay_term, &relay,
                           err);
}

static int xapian_search(const shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                         shelf_results *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    shelf_xhit *xh = calloc(o->k ? o->k : 1, sizeof *xh);
    out->hits = calloc(o->k ? o->k : 1, sizeof *out->hits);
    if (!xh || !out->hits) {
        free(xh);
        free(out->hits);
        out->hits = NULL;
        return shelf_errf(err, SHELF_ENOMEM, "out of memory for %zu hits", o->k);
    }
    shelf_xsearch params = {.k1 = o->k1, .b = o->b, .offset = 0, .k = o->k,
                            .deadline_ns = o->deadline_ns, .walk_filters = e->walk_filters};
    size_t count = 0;
    int rc = shelf_xapian_search_plan(e->xdb, plan, &params, xh, &count, &out->total, err);
    for (size_t i = 0; rc == SHELF_OK && i < count; i++)
        out->hits[i] = (shelf_hit){xh[i].docid, 0, xh[i].docid, xh[i].score};
    out->count = rc == SHELF_OK ? count : 0;
    out->total_exact = true; /* Xapian is asked to check every match */
    free(xh);
    return rc;
}

static int xapian_explain(const shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                          const shelf_hit *hit, shelf_explain *ex, shelf_err *err)
{
    return shelf_errf(err, SHELF_EINVAL, "--explain needs the native backend (this index is Xapian's)");
}

/* A document's record (xapdoc.h) into e->blob, unless it is there already
 * (e->blob_doc).  None in its value slot: the document data, where an older
 * program kept it (its decoding then says "older"), else nothing
 * ("damaged"). */
static int read_record(shelf_engine *e, uint32_t docid, shelf_err *err)
{
    uint64_t reopens = shelf_xdb_reopens(e->xdb);
    if (docid && e->blob_doc == docid && e->blob_reopens == reopens)
        return SHELF_OK;
    e->blob_doc = 0;
    int rc = shelf_record_value_get(e->xdb, docid, &e->blob, err);
    if (rc == SHELF_ENOTFOUND)
        rc = SHELF_OK; /* the data, decoded as a record */
    if (rc == SHELF_OK) {
        e->blob_doc = docid;
        e->blob_reopens = shelf_xdb_reopens(e->xdb); /* reading may have reopened it */
    }
    return rc;
}

static int xapian_blob(shelf_engine *e, uint32_t docid, shelf_docview *meta, shelf_buf *text,
                       shelf_buf *checkpoints, shelf_layout *layout, shelf_err *err)
{
    int rc = read_record(e, docid, err);
    if (rc != SHELF_OK)
        return rc;
    shelf_docview scratch;
    const char *shard;
    shelf_xdb_shard_of(e->xdb, docid, &shard);
    rc = shelf_xapdoc_decode(e->blob.data, e->blob.len, meta ? meta : &scratch, text, checkpoints,
                             layout);
    if (rc == SHELF_EVERSION)
        return shelf_errf(err, rc, "%s: document %u is stored in an older format than this "
                                   "program's: rebuild it with `%s --rebuild --index %s PATH...`",
                          shard, docid, shelf_indexer_name(), e->nlocal ? e->dir : "DIR");
    if (rc != SHELF_OK)
        return shelf_errf(err, rc, "%s: document %u has damaged data", shard, docid);
    return SHELF_OK;
}

static int xapian_doc(shelf_engine *e, const shelf_hit *hit, shelf_docview *out, shelf_err *err)
{
    return xapian_blob(e, hit->local, out, NULL, NULL, NULL, err);
}

static int xapian_text(shelf_engine *e, const shelf_hit *hit, shelf_buf *text, shelf_buf *checkpoints,
                       shelf_layout *layout, shelf_err *err)
{
    return xapian_blob(e, hit->local, NULL, text, checkpoints, layout, err);
}

static int xapian_positions(shelf_engine *e, const shelf_hit *hit, const uint8_t *key, size_t len,
                            shelf_buf *out, shelf_err *err)
{
    char term[SHELF_MAX_KEY_BYTES];
    return shelf_xdb_positions(e->xdb, hit->local, term, shelf_xapian_key_term(key, len, term), out,
                               err);
}

typedef struct doc_walk {
    shelf_engine *e;
    int (*fn)(void *ctx, const shelf_docview *view);
    void *ctx;
    shelf_err *err;
    int status;
} doc_walk;

static int visit_id(void *ctx, const char *term, size_t len, uint64_t df)
{
    doc_walk *w = ctx;
    uint32_t docid;
    shelf_docview view;
    size_t path_len;
    const char *path = shelf_xapian_id_path(term, len, &path_len);
    if (!path)
        return 0;
    w->status = shelf_xdb_find(w->e->xdb, path, path_len, &docid, w->err);
    if (w->status == SHELF_OK)
        w->status = xapian_blob(w->e, docid, &view, NULL, NULL, NULL, w->err);
    return w->status != SHELF_OK || w->fn(w->ctx, &view);
}

static int xapian_each_doc(shelf_engine *e, int (*fn)(void *ctx, const shelf_docview *view), void *ctx,
                           shelf_err *err)
{
    doc_walk w = {e, fn, ctx, err, SHELF_OK};
    int rc = shelf_xdb_terms(e->xdb, SHELF_XAPIAN_ID_PREFIX, SHELF_XAPIAN_ID_PREFIX_LEN, visit_id, &w, err);
    return rc != SHELF_OK ? rc : w.status;
}

static const char *xapian_file(const shelf_engine *e, const shelf_hit *hit, const char *part)
{
    (void)hit;
    (void)part;
    return e->dir;
}

static const char *xapian_lost(const shelf_engine *e)
{
    return shelf_xdb_lost(e->xdb);
}

static void xapian_close(shelf_engine *e)
{
    if (e->xdb)
        shelf_xdb_close(e->xdb);
    e->xdb = NULL;
}

const shelf_reader_ops shelf_xapian_ops = {
    .open = xapian_open,
    .doc_count = xapian_doc_count,
    .df = xapian_df,
    .terms = xapian_terms,
    .search = xapian_search,
    .explain = xapian_explain,
    .doc = xapian_doc,
    .text = xapian_text,
    .positions = xapian_positions,
    .each_doc = xapian_each_doc,
    .file = xapian_file,
    .part = xapian_part,
    .lost = xapian_lost,
    .close = xapian_close,
};
