/*
 * segment_postings.c - a term's postings (.post) and positions (.pos),
 * FORMAT.md: blocks of SHELF_BLOCK_LEN doc-id gaps and frequencies, a skip
 * table when there is more than one block, and each document's positions as
 * varint gaps; see segment.h.  Doc ids are checked to increase and stay below
 * the segment's document count as every block is decoded.
 */
#include "backend/native/segment_impl.h"
#include "query/bm25.h"
#include "util/varint.h"

#include <stdlib.h>
#include <string.h>

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

/* Cache lines of the following block asked for ahead: a list walked
 * document by document reads its blocks in order, and the first byte of a
 * block not yet in cache was a fifth of the time of decoding it. */
#define PREFETCH_LINES 4

static inline void prefetch_next_block(const shelf_postings *p, const uint8_t *next)
{
    for (int i = 0; i < PREFETCH_LINES && next + 64 * i < p->blocks_end; i++)
        __builtin_prefetch(next + 64 * i);
}

/* Decodes the doc gaps; the tfs that follow are only located and checked to
 * fit (shelf_postings_load_tfs unpacks them when first needed). */
static int decode_full_block(shelf_postings *p, const uint8_t **q, int64_t prev)
{
    uint32_t gaps[SHELF_BLOCK_LEN];
    if (shelf_bitpack_decode(q, p->blocks_end, gaps) || *q >= p->blocks_end)
        return postings_fail(p, "postings block");
    int tfs_size = shelf_bitpack_size(**q);
    if (tfs_size < 0 || (size_t)(p->blocks_end - *q) < (size_t)tfs_size)
        return postings_fail(p, "postings block");
    p->tfs_at = *q;
    p->tfs_ready = false;
    *q += tfs_size;
    prefetch_next_block(p, *q);
    /* Ids strictly increase, so the last one alone is checked against the
     * document count (which is below UINT32_MAX). */
    for (int i = 0; i < SHELF_BLOCK_LEN; i++) {
        prev += (int64_t)gaps[i] + 1;
        p->docs[i] = (uint32_t)prev;
    }
    if (prev >= p->seg->doc_count)
        return postings_fail(p, "postings block");
    p->in_block = SHELF_BLOCK_LEN;
    p->decoded += SHELF_BLOCK_LEN;
    return SHELF_OK;
}

void shelf_postings_load_tfs(shelf_postings *p)
{
    const uint8_t *q = p->tfs_at;
    p->tfs_ready = true;
    int bad = !q || shelf_bitpack_decode(&q, p->blocks_end, p->tfs);
    for (unsigned i = 0; i < p->in_block; i++) {
        p->tfs[i] += 1;
        bad |= p->tfs[i] == 0;
    }
    if (bad) {
        for (unsigned i = 0; i < SHELF_BLOCK_LEN; i++)
            p->tfs[i] = 1;
        postings_fail(p, "postings block");
    }
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
    p->tfs_ready = true;
    p->decoded += n;
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

uint32_t shelf_postings_next_block(shelf_postings *p)
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

uint32_t shelf_postings_advance(shelf_postings *p, uint32_t target)
{
    if (p->doc == SHELF_DOC_END || p->doc >= target)
        return p->doc;
    if (p->in_block == 0 || p->docs[p->in_block - 1] < target) {
        /* Past this block: gallop the skip table to the block holding it. */
        uint64_t b = p->skips ? shelf_postings_block_of(p, p->block + 1, target) : p->block_count;
        if (b >= p->block_count)
            return p->doc = SHELF_DOC_END;
        if (load_block(p, b) != SHELF_OK)
            return SHELF_DOC_END;
    }
    /* The block's last id is >= target: scan its decoded ids. */
    unsigned i = p->index;
    while (p->docs[i] < target)
        i++;
    p->index = i;
    return p->doc = p->docs[i];
}

uint32_t shelf_postings_tf_checked(shelf_postings *p, shelf_err *err)
{
    if (p->doc == SHELF_DOC_END) {
        shelf_errf(err, SHELF_EINVAL, "no current document");
        return 0;
    }
    uint32_t tf = shelf_postings_tf(p);
    if (p->status != SHELF_OK) {
        *err = p->err;
        return 0;
    }
    uint32_t limit = shelf_segment_field_length(p->seg, p->doc, p->field);
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

void shelf_postings_block_tfns(shelf_postings *p, double b, double avg, double *out)
{
    if (p->skips) {
        /* Neighbouring blocks often share their (max tf, min length). */
        uint32_t last_tf = 0, last_len = 0;
        double last = 0;
        for (uint64_t i = 0; i < p->block_count; i++) {
            const uint8_t *e = skip_entry(p, i);
            uint32_t tf = shelf_load_u32le(e + 16), len = shelf_load_u32le(e + 20);
            if (i == 0 || tf != last_tf || len != last_len)
                last = norm_tf(tf, len, b, avg);
            last_tf = tf;
            last_len = len;
            out[i] = last;
        }
        return;
    }
    /* One block, already decoded at open: exact. */
    double best = 0;
    if (!p->tfs_ready)
        shelf_postings_load_tfs(p);
    for (unsigned i = 0; i < p->in_block; i++) {
        uint32_t len = shelf_segment_field_length(p->seg, p->docs[i], p->field);
        double v = norm_tf(p->tfs[i], len, b, avg);
        if (v > best)
            best = v;
    }
    out[0] = best;
}

double shelf_postings_max_tfn(shelf_postings *p, double b, double avg)
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
    shelf_postings_block_tfns(p, b, avg, &best);
    return best;
}

uint32_t shelf_postings_block_last(const shelf_postings *p, uint64_t b)
{
    return p->skips ? shelf_load_u32le(skip_entry(p, b)) : p->docs[p->in_block - 1];
}

uint64_t shelf_postings_block_of(const shelf_postings *p, uint64_t from, uint32_t target)
{
    if (!p->skips)
        return p->in_block > 0 && p->docs[p->in_block - 1] >= target ? 0 : 1;
    uint64_t lo = from, step = 1, hi;
    /* Gallop forward to a block ending at or after target, then bisect. */
    for (;;) {
        if (lo >= p->block_count)
            return p->block_count;
        if (shelf_load_u32le(skip_entry(p, lo)) >= target)
            return lo;
        hi = lo + step;
        if (hi >= p->block_count || shelf_load_u32le(skip_entry(p, hi)) >= target)
            break;
        lo = hi;
        step *= 2;
    }
    if (hi >= p->block_count) {
        hi = p->block_count - 1;
        if (shelf_load_u32le(skip_entry(p, hi)) < target)
            return p->block_count;
    }
    while (lo + 1 < hi) { /* last(lo) < target <= last(hi) */
        uint64_t mid = lo + (hi - lo) / 2;
        if (shelf_load_u32le(skip_entry(p, mid)) < target)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
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

/* Decode the current document's positions from bytes [q, end) that start
 * with the positions of the block's first document. */
static int decode_positions(const shelf_postings *p, const uint8_t *q, const uint8_t *end, uint32_t *out)
{
    uint64_t to_skip = 0;
    for (unsigned i = 0; i < p->index; i++)
        to_skip += p->tfs[i];
    while (to_skip > 0 && q < end)
        to_skip -= !(*q++ & 0x80);
    if (to_skip > 0)
        return -1;
    uint64_t pos = 0;
    for (uint32_t i = 0; i < p->tfs[p->index]; i++) {
        uint64_t v;
        if (shelf_varint_get(&q, end, &v))
            return -1;
        pos = i == 0 ? v : pos + v + 1;
        if (pos >= UINT32_MAX)
            return -1;
        out[i] = (uint32_t)pos;
    }
    return 0;
}

/* Bytes of positions read at first with pread; a block of short documents
 * fits. */
#define POS_READ_FIRST 2048

/* The current block's positions end where the next block's start. */
static uint64_t block_positions_end(const shelf_postings *p)
{
    if (p->skips && p->block + 1 < p->block_count) {
        uint64_t next = shelf_load_u64le(skip_entry(p, p->block + 1) + 8);
        uint64_t start = (uint64_t)(p->pos_block - (p->pos_end - p->term.pos_len));
        if (next >= start && next <= p->term.pos_len)
            return next - start;
    }
    return (uint64_t)(p->pos_end - p->pos_block);
}

/* shelf_postings_positions through pread: the block's positions up to the
 * document's, first POS_READ_FIRST bytes of them, then all when that is
 * not enough. */
static int read_positions(shelf_postings *p, uint32_t *out, shelf_err *err)
{
    const shelf_mapped *f = &p->seg->files[F_POS];
    uint64_t at = (uint64_t)(p->pos_block - f->data), len = block_positions_end(p);
    uint8_t first[POS_READ_FIRST];
    size_t n = len < sizeof first ? (size_t)len : sizeof first;
    int rc = shelf_map_pread(f, at, first, n, err);
    if (rc != SHELF_OK)
        return rc;
    if (decode_positions(p, first, first + n, out) == 0)
        return SHELF_OK;
    if (n == len)
        goto damaged;
    uint8_t *all = malloc((size_t)len);
    if (!all)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory reading %s", f->path);
    rc = shelf_map_pread(f, at, all, (size_t)len, err);
    int bad = rc == SHELF_OK && decode_positions(p, all, all + len, out) != 0;
    free(all);
    if (!bad)
        return rc;
damaged:
    return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (positions, as %s counts them)",
                      p->seg->files[F_POS].path, p->seg->files[F_POST].path);
}

int shelf_postings_positions(shelf_postings *p, uint32_t *out, shelf_err *err)
{
    if (p->doc == SHELF_DOC_END)
        return shelf_errf(err, SHELF_EINVAL, "positions asked for past the end");
    if (p->pos_read) {
        if (shelf_postings_tf(p) && p->status != SHELF_OK)
            return shelf_errf(err, p->status, "%s", p->err.msg);
        return read_positions(p, out, err);
    }
    if (p->pos_index > p->index) { /* asked again: start over from the block */
        p->pos_p = p->pos_block;
        p->pos_index = 0;
    }
    if (shelf_postings_tf(p) && p->status != SHELF_OK)
        return shelf_errf(err, p->status, "%s", p->err.msg);
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
