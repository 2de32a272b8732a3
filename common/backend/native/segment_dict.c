/*
 * segment_dict.c - a segment's dictionary (.dict, FORMAT.md): front-coded
 * blocks of SHELF_DICT_BLOCK_ENTRIES keys found by binary search over their
 * first keys; see segment.h.  Every entry is bounds-checked as it is decoded,
 * its statistics against the segment's postings and positions files.
 */
#include "backend/native/segment_impl.h"
#include "util/varint.h"

#include <string.h>

int shelf_segment_load_dict(shelf_segment *s, shelf_err *err)
{
    const shelf_mapped *f = &s->files[F_DICT];
    const uint8_t *t = f->trailer;
    s->term_count = shelf_load_u64le(t);
    s->block_count = shelf_load_u64le(t + 8);
    s->block_index_offset = shelf_load_u64le(t + 16);
    uint64_t body_end = SHELF_HEADER_BYTES + f->body_len;
    if (shelf_load_u32le(t + 24) != SHELF_DICT_BLOCK_ENTRIES)
        return shelf_segment_corrupt(s, F_DICT, err, "block size");
    if (s->block_index_offset < SHELF_HEADER_BYTES || s->block_index_offset > body_end ||
        (body_end - s->block_index_offset) / 8 != s->block_count ||
        (body_end - s->block_index_offset) % 8 != 0)
        return shelf_segment_corrupt(s, F_DICT, err, "block index");
    if (s->block_count != (s->term_count + SHELF_DICT_BLOCK_ENTRIES - 1) / SHELF_DICT_BLOCK_ENTRIES)
        return shelf_segment_corrupt(s, F_DICT, err, "term count");
    s->block_index = f->data + s->block_index_offset;
    return SHELF_OK;
}

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
        return shelf_segment_corrupt(s, F_DICT, err, "dictionary block offsets");
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
        return shelf_segment_corrupt(it->seg, F_DICT, err, "dictionary entry");
    memcpy(it->key + shared, p, suffix);
    it->key_len = shared + suffix;
    it->stats.field = it->key[0];
    p += suffix;
    shelf_term_stats *t = &it->stats;
    if (shelf_varint_get(&p, end, &t->df) || shelf_varint_get(&p, end, &t->cf) ||
        shelf_varint_get(&p, end, &t->post_offset) || shelf_varint_get(&p, end, &t->post_len) ||
        shelf_varint_get(&p, end, &t->pos_offset) || shelf_varint_get(&p, end, &t->pos_len) ||
        !stats_in_bounds(it->seg, t))
        return shelf_segment_corrupt(it->seg, F_DICT, err, "dictionary entry");
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
