/*
 * doccols.c - a segment's filter columns: their layout, building them from
 * the document records, mapping the stored .cols file, and keeping
 * whichever was made with the segment; see doccols.h.
 */
#include "backend/native/doccols.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "backend/filter_match.h"
#include "backend/native/format.h"
#include "backend/native/segment_impl.h"
#include "util/strintern.h"

static uint64_t align8(uint64_t x)
{
    return (x + 7) & ~(uint64_t)7;
}

void shelf_cols_layout_of(uint32_t count, uint32_t ndirs, uint32_t nauthors, uint64_t dir_bytes,
                          uint64_t author_bytes, shelf_cols_layout *out)
{
    uint64_t at = SHELF_HEADER_BYTES, n = count;
    out->format = at;
    at = align8(at + n);
    out->day = at;
    at = align8(at + 4 * n);
    out->dir = at;
    at = align8(at + 4 * n);
    out->author = at;
    at = align8(at + 4 * n);
    out->hash = at;
    at += 8 * n;
    out->dir_at = at;
    at = align8(at + 4 * (uint64_t)ndirs);
    out->author_at = at;
    at = align8(at + 4 * (uint64_t)nauthors);
    out->dir_strings = at;
    at = align8(at + dir_bytes);
    out->author_strings = at;
    at = align8(at + author_bytes);
    out->end = at;
}

void shelf_doccols_point(shelf_doccols *c, const uint8_t *base, const shelf_cols_layout *lay)
{
    c->format = base + lay->format;
    c->day = base + lay->day;
    c->dir = base + lay->dir;
    c->author = base + lay->author;
    c->hash = base + lay->hash;
    c->dir_at = base + lay->dir_at;
    c->author_at = base + lay->author_at;
    c->dir_strings = (const char *)base + lay->dir_strings;
    c->author_strings = (const char *)base + lay->author_strings;
}

void shelf_doccols_free(shelf_doccols *c)
{
    if (!c)
        return;
    if (c->stored)
        shelf_map_close(&c->file);
    free(c->built);
    free(c);
}

/* ---- building from the records ---- */

typedef struct builder {
    uint8_t *cols; /* the columns part of the layout (up to dir_at) */
    shelf_cols_layout lay;
    shelf_strintern dirs, authors;
} builder;

static int add_doc(builder *b, uint32_t d, const shelf_docmeta *m)
{
    uint32_t dir, author;
    size_t dir_len = shelf_path_dir_len(m->path, m->path_len);
    if (shelf_strintern_add(&b->dirs, m->path, dir_len, &dir) != SHELF_OK ||
        shelf_strintern_add(&b->authors, m->author, m->author_len, &author) != SHELF_OK)
        return SHELF_ENOMEM;
    b->cols[b->lay.format + d] = (uint8_t)shelf_doc_format(m->flags);
    shelf_store_u32le(b->cols + b->lay.day + (size_t)d * 4,
                      (uint32_t)shelf_doc_day(m->date, m->date_len, m->mtime_ns));
    shelf_store_u32le(b->cols + b->lay.dir + (size_t)d * 4, dir);
    shelf_store_u32le(b->cols + b->lay.author + (size_t)d * 4, author);
    shelf_store_u64le(b->cols + b->lay.hash + (size_t)d * 8, m->hash);
    return SHELF_OK;
}

/* The string tables appended to the columns, as the file lays them out:
 * the finished columns, or NULL (out of memory). */
static shelf_doccols *finish_build(builder *b, uint32_t n)
{
    shelf_cols_layout lay;
    shelf_cols_layout_of(n, b->dirs.count, b->authors.count, b->dirs.len, b->authors.len, &lay);
    shelf_doccols *c = calloc(1, sizeof *c);
    uint8_t *all = c ? realloc(b->cols, lay.end) : NULL;
    if (!all) {
        free(c);
        return NULL;
    }
    b->cols = NULL;
    memset(all + lay.dir_at, 0, lay.end - lay.dir_at);
    for (uint32_t i = 0; i < b->dirs.count; i++)
        shelf_store_u32le(all + lay.dir_at + (size_t)i * 4, b->dirs.at[i]);
    for (uint32_t i = 0; i < b->authors.count; i++)
        shelf_store_u32le(all + lay.author_at + (size_t)i * 4, b->authors.at[i]);
    if (b->dirs.len)
        memcpy(all + lay.dir_strings, b->dirs.block, b->dirs.len);
    if (b->authors.len)
        memcpy(all + lay.author_strings, b->authors.block, b->authors.len);
    c->count = n;
    c->ndirs = b->dirs.count;
    c->nauthors = b->authors.count;
    c->built = all;
    shelf_doccols_point(c, all, &lay);
    return c;
}

int shelf_doccols_build(shelf_doccols **out, const shelf_segment *s, shelf_err *err)
{
    *out = NULL;
    uint32_t n = shelf_segment_doc_count(s);
    builder b = {0};
    shelf_cols_layout_of(n, 0, 0, 0, 0, &b.lay);
    uint32_t unknown;
    b.cols = calloc(1, b.lay.dir_at);
    int rc = b.cols && shelf_strintern_add(&b.authors, "", 0, &unknown) == SHELF_OK ? SHELF_OK
                                                                                  : SHELF_ENOMEM;
    for (uint32_t d = 0; rc == SHELF_OK && d < n; d++) {
        shelf_docmeta m;
        rc = shelf_segment_doc(s, d, &m, err);
        if (rc == SHELF_OK)
            rc = add_doc(&b, d, &m);
    }
    shelf_doccols *c = rc == SHELF_OK ? finish_build(&b, n) : NULL;
    if (rc == SHELF_OK && !c)
        rc = SHELF_ENOMEM;
    free(b.cols);
    shelf_strintern_free(&b.dirs);
    shelf_strintern_free(&b.authors);
    if (rc == SHELF_ENOMEM)
        shelf_errf(err, SHELF_ENOMEM, "out of memory for the filters of %s",
                   shelf_segment_file(s, "docs"));
    *out = c;
    return rc;
}

/* ---- kept with the segment ---- */

/* The first columns made for a segment are kept; a thread that made
 * others meanwhile frees its own. */
static const shelf_doccols *keep(const shelf_segment *s, shelf_doccols *made)
{
    shelf_segment *seg = (shelf_segment *)s; /* the cache is not the segment's data */
    shelf_doccols *expected = NULL;
    if (atomic_compare_exchange_strong(&seg->doccols, &expected, made))
        return made;
    shelf_doccols_free(made);
    return expected;
}

const shelf_doccols *shelf_segment_doccols(const shelf_segment *s, shelf_err *err)
{
    shelf_doccols *have = atomic_load(&((shelf_segment *)s)->doccols);
    if (have)
        return have;
    shelf_doccols *made = NULL;
    shelf_err local = {0};
    int rc = shelf_doccols_open_stored(&made, s, false, &local);
    if (rc == SHELF_ENOTFOUND)
        rc = shelf_doccols_build(&made, s, &local);
    if (rc != SHELF_OK) {
        if (err)
            *err = local;
        return NULL;
    }
    return keep(s, made);
}

const shelf_doccols *shelf_segment_doccols_built(const shelf_segment *s)
{
    return atomic_load(&((shelf_segment *)s)->doccols);
}
