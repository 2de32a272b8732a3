/*
 * segment.c - read access to one segment's files; see segment.h and
 * FORMAT.md.  Every read from a mapping goes through a bounds check first.
 */
#include "backend/native/segment.h"
#include "backend/native/mapped.h"
#include "backend/native/segwriter.h"
#include "query/bm25.h"
#include "util/varint.h"
#include "util/bytes.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { F_DICT, F_POST, F_POS, F_DOCS, F_STORE, F_COUNT };

static const char *const file_ext[F_COUNT] = {"dict", "post", "pos", "docs", "store"};
static const char *const file_magic[F_COUNT] = {SHELF_MAGIC_DICT, SHELF_MAGIC_POST, SHELF_MAGIC_POS,
                                                SHELF_MAGIC_DOCS, SHELF_MAGIC_STORE};
static const size_t file_trailer[F_COUNT] = {SHELF_DICT_TRAILER_BYTES, 0, 0, SHELF_DOCS_TRAILER_BYTES,
                                             SHELF_STORE_TRAILER_BYTES};

struct shelf_segment {
    uint32_t number;
    shelf_mapped files[F_COUNT];
    /* dictionary */
    uint64_t term_count, block_count;
    const uint8_t *block_index; /* block_count u64 offsets */
    uint64_t block_index_offset;
    /* documents */
    uint32_t doc_count;
    uint64_t total_tokens, total_title_tokens;
    const uint8_t *records;
    const uint8_t *heap;
    uint64_t heap_len;
    /* store */
    const uint8_t *store_index; /* store_blocks u64 offsets */
    uint64_t store_blocks;
};

static int corrupt(const shelf_segment *s, int file, shelf_err *err, const char *what)
{
    return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (%s)", s->files[file].path, what);
}

/* ---- opening ---- */

static int load_dict_trailer(shelf_segment *s, shelf_err *err)
{
    const shelf_mapped *f = &s->files[F_DICT];
    const uint8_t *t = f->trailer;
    s->term_count = shelf_load_u64le(t);
    s->block_count = shelf_load_u64le(t + 8);
    s->block_index_offset = shelf_load_u64le(t + 16);
    uint64_t body_end = SHELF_HEADER_BYTES + f->body_len;
    if (shelf_load_u32le(t + 24) != SHELF_DICT_BLOCK_ENTRIES)
        return corrupt(s, F_DICT, err, "block size");
    if (s->block_index_offset < SHELF_HEADER_BYTES || s->block_index_offset > body_end ||
        (body_end - s->block_index_offset) / 8 != s->block_count ||
        (body_end - s->block_index_offset) % 8 != 0)
        return corrupt(s, F_DICT, err, "block index");
    if (s->block_count != (s->term_count + SHELF_DICT_BLOCK_ENTRIES - 1) / SHELF_DICT_BLOCK_ENTRIES)
        return corrupt(s, F_DICT, err, "term count");
    s->block_index = f->data + s->block_index_offset;
    return SHELF_OK;
}

static int load_docs_trailer(shelf_segment *s, shelf_err *err)
{
    const shelf_mapped *f = &s->files[F_DOCS];
    const uint8_t *t = f->trailer;
    uint64_t doc_count = shelf_load_u64le(t);
    s->total_tokens = shelf_load_u64le(t + 8);
    s->total_title_tokens = shelf_load_u64le(t + 16);
    uint64_t heap_offset = shelf_load_u64le(t + 24);
    s->heap_len = shelf_load_u64le(t + 32);
    uint64_t body_end = SHELF_HEADER_BYTES + f->body_len;
    if (doc_count >= UINT32_MAX || doc_count > f->body_len / SHELF_DOC_RECORD_BYTES ||
        heap_offset != SHELF_HEADER_BYTES + doc_count * SHELF_DOC_RECORD_BYTES ||
        heap_offset + s->heap_len != body_end)
        return corrupt(s, F_DOCS, err, "document table size");
    s->doc_count = (uint32_t)doc_count;
    s->records = f->data + SHELF_HEADER_BYTES;
    s->heap = f->data + heap_offset;
    return SHELF_OK;
}

static int load_store_trailer(shelf_segment *s, shelf_err *err)
{
    const shelf_mapped *f = &s->files[F_STORE];
    uint64_t count = shelf_load_u64le(f->trailer);
    uint64_t index_offset = shelf_load_u64le(f->trailer + 8);
    uint64_t body_end = SHELF_HEADER_BYTES + f->body_len;
    if (index_offset < SHELF_HEADER_BYTES || index_offset > body_end ||
        (body_end - index_offset) / 8 != count || (body_end - index_offset) % 8 != 0)
        return corrupt(s, F_STORE, err, "block index");
    s->store_blocks = count;
    s->store_index = f->data + index_offset;
    return SHELF_OK;
}

int shelf_segment_open(shelf_segment **out, const char *dir, uint32_t number, bool verify,
                       shelf_err *err)
{
    *out = NULL;
    shelf_segment *s = calloc(1, sizeof *s);
    if (!s)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory opening segment %u", number);
    s->number = number;
    int rc = SHELF_OK;
    for (int i = 0; i < F_COUNT && rc == SHELF_OK; i++) {
        char path[PATH_MAX];
        shelf_segment_path(path, sizeof path, dir, number, file_ext[i]);
        rc = shelf_map_open(&s->files[i], path, file_magic[i], file_trailer[i], verify, err);
    }
    if (rc == SHELF_OK)
        rc = load_dict_trailer(s, err);
    if (rc == SHELF_OK)
        rc = load_docs_trailer(s, err);
    if (rc == SHELF_OK)
        rc = load_store_trailer(s, err);
    if (rc != SHELF_OK) {
        shelf_segment_close(s);
        return rc;
    }
    *out = s;
    return SHELF_OK;
}

void shelf_segment_close(shelf_segment *s)
{
    if (!s)
        return;
    for (int i = 0; i < F_COUNT; i++)
        if (s->files[i].data)
            shelf_map_close(&s->files[i]);
    free(s);
}

int shelf_segment_verify(const shelf_segment *s, shelf_err *err)
{
    for (int i = 0; i < F_COUNT; i++) {
        int rc = shelf_map_verify(&s->files[i], err);
        if (rc != SHELF_OK)
            return rc;
    }
    return SHELF_OK;
}

int shelf_segment_verify_file(const shelf_segment *s, const char *ext, shelf_err *err)
{
    for (int i = 0; i < F_COUNT; i++)
        if (strcmp(ext, file_ext[i]) == 0)
            return shelf_map_verify(&s->files[i], err);
    return shelf_errf(err, SHELF_EINVAL, "segment %u has no .%s file", s->number, ext);
}

uint32_t shelf_segment_number(const shelf_segment *s) { return s->number; }
uint32_t shelf_segment_doc_count(const shelf_segment *s) { return s->doc_count; }
uint64_t shelf_segment_total_tokens(const shelf_segment *s) { return s->total_tokens; }
uint64_t shelf_segment_total_title_tokens(const shelf_segment *s) { return s->total_title_tokens; }
uint64_t shelf_segment_term_count(const shelf_segment *s) { return s->term_count; }

uint64_t shelf_segment_bytes(const shelf_segment *s)
{
    uint64_t total = 0;
    for (int i = 0; i < F_COUNT; i++)
        total += s->files[i].size;
    return total;
}

const char *shelf_segment_file(const shelf_segment *s, const char *ext)
{
    for (int i = 0; i < F_COUNT; i++)
        if (strcmp(ext, file_ext[i]) == 0)
            return s->files[i].path;
    return "?";
}

/* ---- dictionary ---- */

static int key_cmp(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
    size_t n = la < lb ? la : lb;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return la < lb ? -1 : la > lb;
}

/* Set it->p/end to block b's entries. */
static int enter_block(shelf_dict_iter *it, uint64_t b, shelf_err *err)
{
    const shelf_segment *s = it->seg;
    uint64_t start = shelf_load_u64le(s->block_index + 8 * b);
    uint64_t end = b + 1 < s->block_count ? shelf_load_u64le(s->block_index + 8 * (b + 1))
                                          : s->block_index_offset;
    if (start < SHELF_HEADER_BYTES || start >= end || end > s->block_index_offset)
        return corrupt(s, F_DICT, err, "dictionary block offsets");
    it->block = b;
    it->p = s->files[F_DICT].data + start;
    it->end = s->files[F_DICT].data + end;
    it->left_in_block = b + 1 < s->block_count
                            ? SHELF_DICT_BLOCK_ENTRIES
                            : s->term_count - b * SHELF_DICT_BLOCK_ENTRIES;
    it->key_len = 0;
    return SHELF_OK;
}

static int stats_in_bounds(const shelf_segment *s, const shelf_term_stats *t)
{
    uint64_t post_end = SHELF_HEADER_BYTES + s->files[F_POST].body_len;
    uint64_t pos_end = SHELF_HEADER_BYTES + s->files[F_POS].body_len;
    return t->df >= 1 && t->df <= s->doc_count && t->cf >= t->df &&
           t->post_offset >= SHELF_HEADER_BYTES && t->post_offset <= post_end &&
           t->post_len <= post_end - t->post_offset && t->pos_offset >= SHELF_HEADER_BYTES &&
           t->pos_offset <= pos_end && t->pos_len <= pos_end - t->pos_offset;
}

/* Decode the next entry of the current block into it->key/stats. */
static int read_entry(shelf_dict_iter *it, shelf_err *err)
{
    uint64_t shared, suffix;
    const uint8_t *p = it->p, *end = it->end;
    if (shelf_varint_get(&p, end, &shared) || shelf_varint_get(&p, end, &suffix) ||
        shared > it->key_len || suffix == 0 || shared + suffix > SHELF_MAX_KEY_BYTES ||
        suffix > (uint64_t)(end - p))
        return corrupt(it->seg, F_DICT, err, "dictionary entry");
    memcpy(it->key + shared, p, suffix);
    it->key_len = shared + suffix;
    it->stats.field = it->key[0];
    p += suffix;
    shelf_term_stats *t = &it->stats;
    if (shelf_varint_get(&p, end, &t->df) || shelf_varint_get(&p, end, &t->cf) ||
        shelf_varint_get(&p, end, &t->post_offset) || shelf_varint_get(&p, end, &t->post_len) ||
        shelf_varint_get(&p, end, &t->pos_offset) || shelf_varint_get(&p, end, &t->pos_len) ||
        !stats_in_bounds(it->seg, t))
        return corrupt(it->seg, F_DICT, err, "dictionary entry");
    it->p = p;
    it->left_in_block--;
    return SHELF_OK;
}

/* Last block whose first key is <= key (0 if key precedes everything). */
static int find_block(const shelf_segment *s, const uint8_t *key, size_t key_len, uint64_t *out,
                      shelf_err *err)
{
    uint64_t lo = 0, hi = s->block_count; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        shelf_dict_iter probe = {.seg = s};
        int rc = enter_block(&probe, mid, err);
        if (rc == SHELF_OK)
            rc = read_entry(&probe, err);
        if (rc != SHELF_OK)
            return rc;
        if (key_cmp(probe.key, probe.key_len, key, key_len) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    *out = lo;
    return SHELF_OK;
}

int shelf_dict_seek(shelf_dict_iter *it, const shelf_segment *s, const uint8_t *key,
                    size_t key_len, shelf_err *err)
{
    memset(it, 0, sizeof *it);
    it->seg = s;
    if (s->term_count == 0) {
        it->block = 0;
        return SHELF_OK;
    }
    uint64_t b = 0;
    int rc = key_len ? find_block(s, key, key_len, &b, err) : SHELF_OK;
    if (rc == SHELF_OK)
        rc = enter_block(it, b, err);
    while (rc == SHELF_OK) {
        int got = shelf_dict_next(it, err);
        if (got <= 0)
            return got;
        if (key_cmp(it->key, it->key_len, key, key_len) >= 0) {
            it->pending = 1;
            return SHELF_OK;
        }
    }
    return rc;
}

int shelf_dict_next(shelf_dict_iter *it, shelf_err *err)
{
    if (it->pending) {
        it->pending = 0;
        return 1;
    }
    const shelf_segment *s = it->seg;
    if (s->term_count == 0)
        return 0;
    if (it->left_in_block == 0) {
        if (it->block + 1 >= s->block_count)
            return 0;
        int rc = enter_block(it, it->block + 1, err);
        if (rc != SHELF_OK)
            return rc;
    }
    int rc = read_entry(it, err);
    return rc == SHELF_OK ? 1 : rc;
}

int shelf_segment_lookup(const shelf_segment *s, const uint8_t *key, size_t key_len,
                         shelf_term_stats *out, shelf_err *err)
{
    shelf_dict_iter it;
    int rc = shelf_dict_seek(&it, s, key, key_len, err);
    if (rc != SHELF_OK)
        return rc;
    if (!it.pending || key_cmp(it.key, it.key_len, key, key_len) != 0)
        return SHELF_ENOTFOUND;
    *out = it.stats;
    return SHELF_OK;
}

/* ---- postings ---- */

static int postings_fail(shelf_postings *p, const char *what)
{
    p->status = shelf_errf(&p->err, SHELF_ECORRUPT, "%s: damaged (%s)",
                           p->seg->files[F_POST].path, what);
    p->doc = SHELF_DOC_END;
    return p->status;
}

static const uint8_t *skip_entry(const shelf_postings *p, uint64_t b)
{
    return p->skips + b * SHELF_SKIP_ENTRY_BYTES;
}

static int decode_full_block(shelf_postings *p, const uint8_t **q, int64_t prev)
{
    uint32_t gaps[SHELF_BLOCK_LEN];
    if (shelf_bitpack_decode(q, p->blocks_end, gaps) || shelf_bitpack_decode(q, p->blocks_end, p->tfs))
        return postings_fail(p, "postings block");
    for (int i = 0; i < SHELF_BLOCK_LEN; i++) {
        prev += (int64_t)gaps[i] + 1;
        p->docs[i] = (uint32_t)(prev < UINT32_MAX ? prev : UINT32_MAX);
        p->tfs[i] += 1;
        if (prev >= p->seg->doc_count || p->tfs[i] == 0)
            return postings_fail(p, "postings block");
    }
    p->in_block = SHELF_BLOCK_LEN;
    return SHELF_OK;
}

static int decode_last_block(shelf_postings *p, const uint8_t **q, int64_t prev, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t gap, tf;
        if (shelf_varint_get(q, p->blocks_end, &gap) || shelf_varint_get(q, p->blocks_end, &tf) ||
            tf >= UINT32_MAX)
            return postings_fail(p, "postings tail");
        if (gap >= UINT32_MAX)
            return postings_fail(p, "postings tail");
        prev += (int64_t)gap + 1;
        if (prev >= p->seg->doc_count)
            return postings_fail(p, "postings tail");
        p->docs[i] = (uint32_t)prev;
        p->tfs[i] = (uint32_t)tf + 1;
    }
    p->in_block = n;
    return SHELF_OK;
}

static int load_block(shelf_postings *p, uint64_t b)
{
    const uint8_t *q = p->blocks;
    int64_t prev = -1;
    uint64_t pos_start = 0;
    if (p->skips) {
        const uint8_t *e = skip_entry(p, b);
        uint32_t off = shelf_load_u32le(e + 4);
        pos_start = shelf_load_u64le(e + 8);
        if (off > (uint64_t)(p->blocks_end - p->blocks) || pos_start > p->term.pos_len)
            return postings_fail(p, "skip table");
        q = p->blocks + off;
        if (b > 0)
            prev = shelf_load_u32le(skip_entry(p, b - 1));
    }
    uint64_t first = b * SHELF_BLOCK_LEN;
    unsigned n = p->term.df - first >= SHELF_BLOCK_LEN ? SHELF_BLOCK_LEN : (unsigned)(p->term.df - first);
    int rc = n == SHELF_BLOCK_LEN ? decode_full_block(p, &q, prev) : decode_last_block(p, &q, prev, n);
    if (rc != SHELF_OK)
        return rc;
    if (p->skips && p->docs[n - 1] != shelf_load_u32le(skip_entry(p, b)))
        return postings_fail(p, "skip table");
    p->block = b;
    p->index = 0;
    p->doc = p->docs[0];
    const uint8_t *pos_base = p->seg->files[F_POS].data + p->term.pos_offset;
    p->pos_block = p->pos_p = pos_base + pos_start;
    p->pos_end = pos_base + p->term.pos_len;
    p->pos_index = 0;
    return SHELF_OK;
}

int shelf_postings_open(shelf_postings *p, const shelf_segment *s, const shelf_term_stats *term,
                        shelf_err *err)
{
    memset(p, 0, sizeof *p);
    p->seg = s;
    p->term = *term;
    p->field = term->field;
    p->block_count = (term->df + SHELF_BLOCK_LEN - 1) / SHELF_BLOCK_LEN;
    const uint8_t *start = s->files[F_POST].data + term->post_offset;
    p->blocks_end = start + term->post_len;
    uint64_t skip_bytes = p->block_count > 1 ? p->block_count * SHELF_SKIP_ENTRY_BYTES : 0;
    if (skip_bytes > term->post_len)
        return shelf_errf(err, postings_fail(p, "skip table"), "%s", p->err.msg);
    p->skips = skip_bytes ? start : NULL;
    p->blocks = start + skip_bytes;
    if (load_block(p, 0) != SHELF_OK) {
        if (err)
            *err = p->err;
        return p->status;
    }
    return SHELF_OK;
}

uint32_t shelf_postings_next(shelf_postings *p)
{
    if (p->doc == SHELF_DOC_END)
        return SHELF_DOC_END;
    if (++p->index < p->in_block)
        return p->doc = p->docs[p->index];
    if (p->block + 1 >= p->block_count)
        return p->doc = SHELF_DOC_END;
    if (load_block(p, p->block + 1) != SHELF_OK)
        return SHELF_DOC_END;
    return p->doc;
}

/* First block at or after the current one whose last doc is >= target. */
static uint64_t block_for(const shelf_postings *p, uint32_t target)
{
    uint64_t lo = p->block, hi = p->block_count - 1;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (shelf_load_u32le(skip_entry(p, mid)) < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t shelf_postings_advance(shelf_postings *p, uint32_t target)
{
    if (p->doc == SHELF_DOC_END || p->doc >= target)
        return p->doc;
    if (p->skips && p->docs[p->in_block - 1] < target) {
        uint64_t b = block_for(p, target);
        if (shelf_load_u32le(skip_entry(p, b)) < target)
            return p->doc = SHELF_DOC_END;
        if (b != p->block && load_block(p, b) != SHELF_OK)
            return SHELF_DOC_END;
    }
    while (p->doc != SHELF_DOC_END && p->doc < target)
        shelf_postings_next(p);
    return p->doc;
}

uint32_t shelf_postings_tf_checked(const shelf_postings *p, shelf_err *err)
{
    if (p->doc == SHELF_DOC_END) {
        shelf_errf(err, SHELF_EINVAL, "no current document");
        return 0;
    }
    uint32_t tf = p->tfs[p->index];
    const uint8_t *r = p->seg->records + (size_t)p->doc * SHELF_DOC_RECORD_BYTES;
    uint32_t limit = shelf_load_u32le(r + (p->field == SHELF_FIELD_TITLE_ID ? 4 : 0));
    if (tf > limit) {
        shelf_errf(err, SHELF_ECORRUPT, "%s: term frequency %u exceeds document length %u",
                   p->seg->files[F_POST].path, tf, limit);
        return 0;
    }
    /* The length is read from disk too: a position takes at least a byte. */
    if (tf > (uint64_t)(p->pos_end - p->pos_block)) {
        shelf_errf(err, SHELF_ECORRUPT, "%s: term frequency %u exceeds the positions stored in %s",
                   p->seg->files[F_POST].path, tf, p->seg->files[F_POS].path);
        return 0;
    }
    return tf;
}

static double norm_tf(uint32_t tf, uint32_t len, double b, double avg)
{
    return (double)tf / shelf_bm25_length_norm(b, len, avg);
}

double shelf_postings_max_tfn(const shelf_postings *p, double b, double avg)
{
    double best = 0;
    if (p->skips) {
        for (uint64_t i = 0; i < p->block_count; i++) {
            const uint8_t *e = skip_entry(p, i);
            double v = norm_tf(shelf_load_u32le(e + 16), shelf_load_u32le(e + 20), b, avg);
            if (v > best)
                best = v;
        }
        return best;
    }
    /* One block, already decoded at open: exact. */
    for (unsigned i = 0; i < p->in_block; i++) {
        const uint8_t *r = p->seg->records + (size_t)p->docs[i] * SHELF_DOC_RECORD_BYTES;
        uint32_t len = shelf_load_u32le(r + (p->field == SHELF_FIELD_TITLE_ID ? 4 : 0));
        double v = norm_tf(p->tfs[i], len, b, avg);
        if (v > best)
            best = v;
    }
    return best;
}

/* Skip count varints: each ends with the first byte whose high bit is clear. */
static int skip_positions(shelf_postings *p, uint64_t count)
{
    const uint8_t *q = p->pos_p, *end = p->pos_end;
    while (count > 0 && q < end)
        count -= !(*q++ & 0x80);
    p->pos_p = q;
    return count == 0 ? 0 : -1;
}

int shelf_postings_positions(shelf_postings *p, uint32_t *out, shelf_err *err)
{
    if (p->doc == SHELF_DOC_END)
        return shelf_errf(err, SHELF_EINVAL, "positions asked for past the end");
    if (p->pos_index > p->index) { /* asked again: start over from the block */
        p->pos_p = p->pos_block;
        p->pos_index = 0;
    }
    uint64_t to_skip = 0;
    while (p->pos_index < p->index)
        to_skip += p->tfs[p->pos_index++];
    if (to_skip && skip_positions(p, to_skip))
        goto damaged;
    uint64_t pos = 0;
    for (uint32_t i = 0; i < p->tfs[p->index]; i++) {
        uint64_t v;
        if (shelf_varint_get(&p->pos_p, p->pos_end, &v))
            goto damaged;
        pos = i == 0 ? v : pos + v + 1;
        if (pos >= UINT32_MAX)
            goto damaged;
        out[i] = (uint32_t)pos;
    }
    p->pos_index++;
    return SHELF_OK;
damaged:
    return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (positions, as %s counts them)",
                      p->seg->files[F_POS].path, p->seg->files[F_POST].path);
}

/* ---- documents ---- */

static const uint8_t *record(const shelf_segment *s, uint32_t doc)
{
    return s->records + (size_t)doc * SHELF_DOC_RECORD_BYTES;
}

uint32_t shelf_segment_doc_length(const shelf_segment *s, uint32_t doc)
{
    return doc < s->doc_count ? shelf_load_u32le(record(s, doc)) : 0;
}

uint32_t shelf_segment_title_length(const shelf_segment *s, uint32_t doc)
{
    return doc < s->doc_count ? shelf_load_u32le(record(s, doc) + 4) : 0;
}

static int heap_string(const shelf_segment *s, const uint8_t **p, const char **str, size_t *len)
{
    const uint8_t *end = s->heap + s->heap_len;
    uint64_t n;
    if (shelf_varint_get(p, end, &n) || n > (uint64_t)(end - *p))
        return -1;
    *str = (const char *)*p;
    *len = (size_t)n;
    *p += n;
    return 0;
}

int shelf_segment_doc(const shelf_segment *s, uint32_t doc, shelf_docmeta *out, shelf_err *err)
{
    if (doc >= s->doc_count)
        return shelf_errf(err, SHELF_ENOTFOUND, "%s: no document %u", s->files[F_DOCS].path, doc);
    const uint8_t *r = record(s, doc);
    out->length = shelf_load_u32le(r);
    out->title_length = shelf_load_u32le(r + 4);
    out->size = shelf_load_u64le(r + 8);
    out->mtime_ns = (int64_t)shelf_load_u64le(r + 16);
    out->hash = shelf_load_u64le(r + 24);
    out->flags = shelf_load_u32le(r + 52);
    uint64_t heap_offset = shelf_load_u64le(r + 32);
    if (heap_offset >= s->heap_len)
        return corrupt(s, F_DOCS, err, "string heap offset");
    const uint8_t *p = s->heap + heap_offset;
    if (heap_string(s, &p, &out->path, &out->path_len) ||
        heap_string(s, &p, &out->title, &out->title_len))
        return corrupt(s, F_DOCS, err, "string heap entry");
    return SHELF_OK;
}

/* deflate never packs more than 1032 bytes into one, so a block's raw length
 * is bounded by its packed length before the buffer is sized by it. */
#define ZLIB_MAX_RATIO 1032u

static int inflate_block(const shelf_segment *s, uint64_t block, shelf_buf *raw, shelf_err *err)
{
    const shelf_mapped *f = &s->files[F_STORE];
    if (block >= s->store_blocks)
        return corrupt(s, F_STORE, err, "block number");
    uint64_t offset = shelf_load_u64le(s->store_index + 8 * block);
    uint64_t body_end = (uint64_t)(s->store_index - f->data); /* blocks end where the index starts */
    if (offset < SHELF_HEADER_BYTES || offset > body_end || body_end - offset < 8)
        return corrupt(s, F_STORE, err, "block offset");
    const uint8_t *h = f->data + offset;
    uint32_t raw_len = shelf_load_u32le(h), packed_len = shelf_load_u32le(h + 4);
    if (packed_len > body_end - offset - 8 || raw_len > (uint64_t)packed_len * ZLIB_MAX_RATIO)
        return corrupt(s, F_STORE, err, "block length");
    shelf_buf_reset(raw);
    if (shelf_buf_reserve(raw, (size_t)raw_len + 1) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", f->path);
    uLongf got = raw_len;
    if (uncompress(raw->data, &got, h + 8, packed_len) != Z_OK || got != raw_len)
        return corrupt(s, F_STORE, err, "compressed block");
    raw->len = raw_len;
    return SHELF_OK;
}

static int parse_record(const shelf_segment *s, const shelf_buf *raw, uint32_t inblock,
                        shelf_buf *text, shelf_buf *checkpoints, shelf_layout *layout,
                        shelf_err *err)
{
    if (inblock > raw->len) /* checked before it moves a pointer */
        return corrupt(s, F_STORE, err, "document record");
    const uint8_t *p = raw->data + inblock, *end = raw->data + raw->len;
    uint64_t text_len, count;
    if (shelf_varint_get(&p, end, &text_len) || text_len > (uint64_t)(end - p))
        return corrupt(s, F_STORE, err, "document record");
    shelf_buf_reset(text);
    if (shelf_buf_append(text, p, text_len) || shelf_buf_put_u8(text, 0))
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    text->len--; /* the NUL stays after the text but is not counted */
    p += text_len;
    if (!checkpoints && !layout)
        return SHELF_OK;
    if (shelf_varint_get(&p, end, &count) || count > (uint64_t)(end - p))
        return corrupt(s, F_STORE, err, "checkpoints");
    if (checkpoints)
        shelf_buf_reset(checkpoints);
    uint64_t offset = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t gap;
        if (shelf_varint_get(&p, end, &gap) || (offset += gap) > text_len)
            return corrupt(s, F_STORE, err, "checkpoints");
        if (checkpoints && shelf_buf_append(checkpoints, &offset, sizeof offset))
            return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    }
    if (layout && shelf_layout_decode(&p, end, text_len, layout) != 0)
        return corrupt(s, F_STORE, err, "page and heading layout");
    return SHELF_OK;
}

int shelf_segment_text(const shelf_segment *s, uint32_t doc, shelf_buf *text,
                       shelf_buf *checkpoints, shelf_err *err)
{
    return shelf_segment_stored(s, doc, text, checkpoints, NULL, err);
}

int shelf_segment_stored(const shelf_segment *s, uint32_t doc, shelf_buf *text,
                         shelf_buf *checkpoints, shelf_layout *layout, shelf_err *err)
{
    if (doc >= s->doc_count)
        return shelf_errf(err, SHELF_ENOTFOUND, "%s: no document %u", s->files[F_DOCS].path, doc);
    const uint8_t *r = record(s, doc);
    shelf_buf raw = SHELF_BUF_INIT;
    int rc = inflate_block(s, shelf_load_u64le(r + 40), &raw, err);
    if (rc == SHELF_OK)
        rc = parse_record(s, &raw, shelf_load_u32le(r + 48), text, checkpoints, layout, err);
    shelf_buf_free(&raw);
    if (rc == SHELF_ECORRUPT && err) /* the block and offset come from the document's record */
        snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
                 " for document %u of %s", doc, s->files[F_DOCS].path);
    return rc;
}
