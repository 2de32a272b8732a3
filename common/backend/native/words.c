/* words.c - reading a segment's written-words list; see words.h.  Front-coded
 * blocks found by binary search over their first words (written whole). */
#include "backend/native/words.h"
#include "backend/native/format.h"
#include "backend/native/segpath.h"
#include "util/bytes.h"
#include "util/varint.h"

#include <limits.h>
#include <string.h>

#define MAX_WORD SHELF_WORDS_MAX_WORD

static int corrupt(const shelf_words *w, shelf_err *err, const char *what)
{
    return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged %s", w->file.path, what);
}

int shelf_words_open(shelf_words *w, const char *dir, uint32_t number, bool verify_crc,
                     shelf_err *err)
{
    memset(w, 0, sizeof *w);
    w->file.fd = -1;
    char path[PATH_MAX];
    shelf_segment_path(path, sizeof path, dir, number, SHELF_EXT_WORDS);
    int rc = shelf_map_open(&w->file, path, SHELF_MAGIC_WORDS, SHELF_WORDS_TRAILER_BYTES,
                            verify_crc, err);
    if (rc != SHELF_OK)
        return rc;
    const uint8_t *t = w->file.trailer;
    w->count = shelf_load_u64le(t);
    w->blocks = shelf_load_u64le(t + 8);
    w->index_offset = shelf_load_u64le(t + 16);
    uint64_t body_end = SHELF_HEADER_BYTES + w->file.body_len;
    if (w->index_offset < SHELF_HEADER_BYTES || w->index_offset > body_end ||
        (body_end - w->index_offset) % 8 != 0 || (body_end - w->index_offset) / 8 != w->blocks ||
        w->blocks != (w->count + SHELF_WORDS_BLOCK_ENTRIES - 1) / SHELF_WORDS_BLOCK_ENTRIES) {
        rc = corrupt(w, err, "trailer");
        shelf_words_close(w);
        return rc;
    }
    w->index = w->file.data + w->index_offset;
    return SHELF_OK;
}

void shelf_words_close(shelf_words *w)
{
    if (w->file.data || w->file.path)
        shelf_map_close(&w->file);
    memset(w, 0, sizeof *w);
}

typedef shelf_words_cursor cursor;

static int enter(cursor *c, uint64_t b, shelf_err *err)
{
    const shelf_words *w = c->w;
    uint64_t start = shelf_load_u64le(w->index + 8 * b);
    uint64_t end = b + 1 < w->blocks ? shelf_load_u64le(w->index + 8 * (b + 1)) : w->index_offset;
    if (start < SHELF_HEADER_BYTES || start >= end || end > w->index_offset)
        return corrupt(w, err, "block offsets");
    c->block = b;
    c->p = w->file.data + start;
    c->end = w->file.data + end;
    c->left = b + 1 < w->blocks ? SHELF_WORDS_BLOCK_ENTRIES
                                : w->count - b * SHELF_WORDS_BLOCK_ENTRIES;
    c->len = 0;
    return SHELF_OK;
}

/* The next entry into c: 1, 0 at the end, or an error. */
static int next(cursor *c, shelf_err *err)
{
    if (c->left == 0) {
        if (c->block + 1 >= c->w->blocks)
            return 0;
        int rc = enter(c, c->block + 1, err);
        if (rc != SHELF_OK)
            return rc;
    }
    uint64_t shared, suffix;
    const uint8_t *p = c->p;
    if (shelf_varint_get(&p, c->end, &shared) || shelf_varint_get(&p, c->end, &suffix) ||
        shared > c->len || suffix == 0 || shared + suffix > MAX_WORD ||
        suffix > (uint64_t)(c->end - p))
        return corrupt(c->w, err, "entry");
    memcpy(c->word + shared, p, suffix);
    c->len = shared + suffix;
    p += suffix;
    if (shelf_varint_get(&p, c->end, &c->df) || c->df == 0)
        return corrupt(c->w, err, "entry");
    c->p = p;
    c->left--;
    return 1;
}

static int compare(const char *a, size_t la, const char *b, size_t lb)
{
    size_t n = la < lb ? la : lb;
    int c = n ? memcmp(a, b, n) : 0;
    return c ? c : (la > lb) - (la < lb);
}

/* c at the first entry >= word (c->left counts it as read); 0 when none. */
static int seek(cursor *c, const shelf_words *w, const char *word, size_t len, shelf_err *err)
{
    memset(c, 0, sizeof *c);
    c->w = w;
    if (w->count == 0)
        return 0;
    uint64_t lo = 0, hi = w->blocks; /* the last block whose first word <= word */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        cursor probe = {.w = w};
        int rc = enter(&probe, mid, err);
        if (rc == SHELF_OK)
            rc = next(&probe, err);
        if (rc < 0)
            return rc;
        if (compare(probe.word, probe.len, word, len) <= 0)
            lo = mid;
        else
            hi = mid;
    }
    int rc = enter(c, lo, err);
    while (rc == SHELF_OK) {
        int got = next(c, err);
        if (got <= 0)
            return got;
        if (compare(c->word, c->len, word, len) >= 0)
            return 1;
    }
    return rc;
}

int shelf_words_df(const shelf_words *w, const char *word, size_t len, uint64_t *df,
                   shelf_err *err)
{
    *df = 0;
    cursor c;
    int got = seek(&c, w, word, len, err);
    if (got < 0)
        return got;
    if (got == 1 && compare(c.word, c.len, word, len) == 0)
        *df = c.df;
    return SHELF_OK;
}

int shelf_words_scan(const shelf_words *w, const char *prefix, size_t n, shelf_words_fn fn,
                     void *ctx, shelf_err *err)
{
    cursor c;
    int got = seek(&c, w, prefix, n, err);
    while (got == 1 && c.len >= n && memcmp(c.word, prefix, n) == 0) {
        if (fn(ctx, c.word, c.len, c.df))
            return SHELF_OK;
        got = next(&c, err);
    }
    return got < 0 ? got : SHELF_OK;
}

int shelf_words_first(shelf_words_cursor *c, const shelf_words *w, shelf_err *err)
{
    memset(c, 0, sizeof *c);
    c->w = w;
    if (w->count == 0)
        return 0;
    int rc = enter(c, 0, err);
    return rc != SHELF_OK ? rc : next(c, err);
}

int shelf_words_next(shelf_words_cursor *c, shelf_err *err)
{
    return next(c, err);
}

int shelf_words_check(const shelf_words *w, uint64_t max_df, uint64_t *words, shelf_err *err)
{
    *words = 0;
    if (w->count == 0)
        return SHELF_OK;
    cursor c = {.w = w};
    char prev[MAX_WORD];
    size_t prev_len = 0;
    int rc = enter(&c, 0, err);
    while (rc == SHELF_OK) {
        if (c.left == 0 && c.p != c.end)
            return corrupt(w, err, "block length");
        int got = next(&c, err);
        if (got <= 0)
            return got < 0 ? got : *words == w->count ? SHELF_OK : corrupt(w, err, "word count");
        if ((*words > 0 && compare(prev, prev_len, c.word, c.len) >= 0) || c.df > max_df)
            return corrupt(w, err, "entry (order or count)");
        memcpy(prev, c.word, c.len);
        prev_len = c.len;
        ++*words;
    }
    return rc;
}
