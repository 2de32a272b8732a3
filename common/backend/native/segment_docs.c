/*
 * segment_docs.c - a segment's document table (.docs, FORMAT.md): one
 * SHELF_DOC_RECORD_BYTES record per document (lengths, size, time, hash,
 * where its text is stored, flags), then a heap of varint-prefixed path,
 * title, author and date strings and heading spans, then the dense lengths scoring reads
 * (norms.h); see segment.h.  shelf_segment_doc reads a record through the
 * mapping (listings, merges, checks: every document in order);
 * shelf_segment_doc_read reads it with pread (a query's scattered hits).
 */
#include "backend/native/segment_impl.h"
#include "util/varint.h"

#include <stdint.h>

int shelf_segment_load_docs(shelf_segment *s, shelf_err *err)
{
    const shelf_mapped *f = &s->files[F_DOCS];
    const uint8_t *t = f->trailer;
    uint64_t doc_count = shelf_load_u64le(t);
    s->total_tokens = shelf_load_u64le(t + 8);
    s->total_title_tokens = shelf_load_u64le(t + 16);
    uint64_t heap_offset = shelf_load_u64le(t + 24);
    s->heap_len = shelf_load_u64le(t + 32);
    uint64_t norms_offset = shelf_load_u64le(t + 40);
    uint64_t body_exc = shelf_load_u64le(t + 48), title_exc = shelf_load_u64le(t + 56);
    uint64_t body_end = SHELF_HEADER_BYTES + f->body_len;
    if (doc_count >= UINT32_MAX || doc_count > f->body_len / SHELF_DOC_RECORD_BYTES ||
        heap_offset != SHELF_HEADER_BYTES + doc_count * SHELF_DOC_RECORD_BYTES ||
        s->heap_len > body_end - heap_offset || norms_offset != heap_offset + s->heap_len)
        return shelf_segment_corrupt(s, F_DOCS, err, "document table size");
    uint64_t norms_len = shelf_norms_section_bytes((uint32_t)doc_count, body_exc, title_exc);
    if ((norms_len == 0 && doc_count > 0) || norms_len != body_end - norms_offset)
        return shelf_segment_corrupt(s, F_DOCS, err, "document lengths section size");
    s->doc_count = (uint32_t)doc_count;
    s->records = f->data + SHELF_HEADER_BYTES;
    s->heap = f->data + heap_offset;
    shelf_norms_map(&s->norms, f->data + norms_offset, s->doc_count, body_exc, title_exc);
    return SHELF_OK;
}

int shelf_segment_check_lengths(const shelf_segment *s, shelf_err *err)
{
    const char *what = NULL;
    if (shelf_norms_check(&s->norms, &what) != 0)
        return shelf_segment_corrupt(s, F_DOCS, err, what);
    for (uint32_t doc = 0; doc < s->doc_count; doc++) {
        const uint8_t *r = shelf_segment_record(s, doc);
        if (shelf_norms_body(&s->norms, doc) != shelf_load_u32le(r) ||
            shelf_norms_title(&s->norms, doc) != shelf_load_u32le(r + 4))
            return shelf_errf(err, SHELF_ECORRUPT,
                              "%s: damaged (the dense lengths of document %u disagree with its record)",
                              s->files[F_DOCS].path, doc);
    }
    return SHELF_OK;
}

uint32_t shelf_segment_doc_length(const shelf_segment *s, uint32_t doc)
{
    return doc < s->doc_count ? shelf_segment_field_length(s, doc, SHELF_FIELD_BODY) : 0;
}

const shelf_norms *shelf_segment_norms(const shelf_segment *s)
{
    return &s->norms;
}

uint32_t shelf_segment_title_length(const shelf_segment *s, uint32_t doc)
{
    return doc < s->doc_count ? shelf_segment_field_length(s, doc, SHELF_FIELD_TITLE_ID) : 0;
}

static int heap_string(const uint8_t **p, const uint8_t *end, const char **str, size_t *len)
{
    uint64_t n;
    if (shelf_varint_get(p, end, &n) || n > (uint64_t)(end - *p))
        return -1;
    *str = (const char *)*p;
    *len = (size_t)n;
    *p += n;
    return 0;
}

/* The strings of a heap entry (path, title, author, date) and its heading
 * spans, when it starts at p and lies before end. */
static int heap_strings(const uint8_t *p, const uint8_t *end, shelf_docmeta *out)
{
    const char *headings;
    if (heap_string(&p, end, &out->path, &out->path_len) ||
        heap_string(&p, end, &out->title, &out->title_len) ||
        heap_string(&p, end, &out->author, &out->author_len) ||
        heap_string(&p, end, &out->date, &out->date_len) ||
        heap_string(&p, end, &headings, &out->headings_len))
        return -1;
    out->headings = (const uint8_t *)headings;
    return 0;
}

/* The fixed fields of record r; *heap_offset receives where its strings are. */
static void record_fields(const uint8_t *r, shelf_docmeta *out, uint64_t *heap_offset)
{
    out->length = shelf_load_u32le(r);
    out->title_length = shelf_load_u32le(r + 4);
    out->size = shelf_load_u64le(r + 8);
    out->mtime_ns = (int64_t)shelf_load_u64le(r + 16);
    out->hash = shelf_load_u64le(r + 24);
    out->flags = shelf_load_u32le(r + 52);
    *heap_offset = shelf_load_u64le(r + 32);
}

int shelf_segment_doc(const shelf_segment *s, uint32_t doc, shelf_docmeta *out, shelf_err *err)
{
    if (doc >= s->doc_count)
        return shelf_errf(err, SHELF_ENOTFOUND, "%s: no document %u", s->files[F_DOCS].path, doc);
    uint64_t heap_offset;
    record_fields(shelf_segment_record(s, doc), out, &heap_offset);
    if (heap_offset >= s->heap_len)
        return shelf_segment_corrupt(s, F_DOCS, err, "string heap offset");
    if (heap_strings(s->heap + heap_offset, s->heap + s->heap_len, out))
        return shelf_segment_corrupt(s, F_DOCS, err, "string heap entry");
    return SHELF_OK;
}

/* Bytes of a heap entry read at first; most paths and titles fit. */
#define HEAP_READ_FIRST 512

int shelf_segment_doc_read(const shelf_segment *s, uint32_t doc, shelf_docmeta *out, shelf_buf *buf,
                           shelf_err *err)
{
    const shelf_mapped *f = &s->files[F_DOCS];
    if (doc >= s->doc_count)
        return shelf_errf(err, SHELF_ENOTFOUND, "%s: no document %u", f->path, doc);
    uint8_t record[SHELF_DOC_RECORD_BYTES];
    int rc = shelf_map_pread(f, (uint64_t)(shelf_segment_record(s, doc) - f->data), record, sizeof record, err);
    if (rc != SHELF_OK)
        return rc;
    uint64_t heap_offset;
    record_fields(record, out, &heap_offset);
    if (heap_offset >= s->heap_len)
        return shelf_segment_corrupt(s, F_DOCS, err, "string heap offset");
    uint64_t at = (uint64_t)(s->heap - f->data) + heap_offset, left = s->heap_len - heap_offset;
    for (uint64_t want = HEAP_READ_FIRST;; want *= 4) {
        size_t n = (size_t)(want < left ? want : left);
        buf->len = 0;
        if (shelf_buf_reserve(buf, n) != SHELF_OK)
            return shelf_errf(err, SHELF_ENOMEM, "out of memory reading %s", f->path);
        if ((rc = shelf_map_pread(f, at, buf->data, n, err)) != SHELF_OK)
            return rc;
        if (heap_strings(buf->data, buf->data + n, out) == 0)
            return SHELF_OK;
        if (n == left)
            return shelf_segment_corrupt(s, F_DOCS, err, "string heap entry");
    }
}
