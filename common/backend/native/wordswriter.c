/* wordswriter.c - a segment's written-words list; see wordswriter.h.
 * Counting: an open-addressing table keyed by the word's hash (the
 * analyzer's, computed once per token), each slot remembering the last
 * document that counted it, so a word counts once per document.  Each
 * word's bytes follow a 4-byte slot for its count and a length byte
 * (WORD_HEADER), so that writing can sort the words in place as
 * length-prefixed keys (util/keysort.h) and read each one's count back.
 * Writing: the table's words sorted bytewise, merged with the given lists
 * in order, front-coded in blocks (FORMAT.md, ".words"). */
#include "backend/native/wordswriter.h"
#include "backend/native/format.h"
#include "backend/native/segpath.h"
#include "util/keysort.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Before each word in the builder's bytes: its count (int32, filled in when
 * the list is written), then its length (one byte: words are at most
 * SHELF_WORDS_MAX_WORD bytes). */
#define WORD_HEADER 5
_Static_assert(SHELF_WORDS_MAX_WORD <= 255, "a word's length fits its length byte");

struct shelf_word_slot {
    uint64_t hash;
    uint32_t offset;   /* in bytes */
    int32_t df;        /* signed: a merge subtracts dropped documents */
    uint32_t last_doc; /* 1-based; 0: empty slot */
    uint32_t len;
};

void shelf_words_builder_init(shelf_words_builder *b, size_t limit)
{
    memset(b, 0, sizeof *b);
    b->limit = limit;
    b->file.fd = -1;
}

void shelf_words_builder_begin_doc(shelf_words_builder *b)
{
    b->doc++;
}

size_t shelf_words_builder_bytes(const shelf_words_builder *b)
{
    return b->cap * sizeof(shelf_word_slot) + b->bytes.cap;
}

static int grow(shelf_words_builder *b)
{
    size_t cap = b->cap ? 2 * b->cap : 4096;
    shelf_word_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return SHELF_ENOMEM;
    for (size_t i = 0; i < b->cap; i++) {
        if (!b->slots[i].last_doc)
            continue;
        size_t at = b->slots[i].hash & (cap - 1);
        while (slots[at].last_doc)
            at = (at + 1) & (cap - 1);
        slots[at] = b->slots[i];
    }
    free(b->slots);
    b->slots = slots;
    b->cap = cap;
    return SHELF_OK;
}

/* The slot holding word, or the empty slot where it would go. */
static shelf_word_slot *slot_for(shelf_words_builder *b, const char *w, size_t len, uint64_t hash)
{
    for (size_t at = hash & (b->cap - 1);; at = (at + 1) & (b->cap - 1)) {
        shelf_word_slot *s = &b->slots[at];
        if (!s->last_doc ||
            (s->hash == hash && s->len == len && memcmp(b->bytes.data + s->offset, w, len) == 0))
            return s;
    }
}

/* Give the list up: too many words for the limit. */
static void overflow(shelf_words_builder *b)
{
    b->overflowed = true;
    free(b->slots);
    b->slots = NULL;
    b->cap = b->count = 0;
    shelf_buf_free(&b->bytes);
}

static bool over_limit(const shelf_words_builder *b, size_t len)
{
    size_t slots = 2 * (b->count + 1) > b->cap ? (b->cap ? 2 * b->cap : 4096) : b->cap;
    return b->limit && slots * sizeof(shelf_word_slot) + b->bytes.len + WORD_HEADER + len > b->limit;
}

static int insert(shelf_words_builder *b, const char *w, size_t len, uint64_t hash, int sign)
{
    if (over_limit(b, len)) {
        overflow(b);
        return SHELF_OK;
    }
    if (2 * (b->count + 1) > b->cap && grow(b) != SHELF_OK)
        return SHELF_ENOMEM;
    shelf_word_slot *s = slot_for(b, w, len, hash);
    uint8_t header[WORD_HEADER] = {0, 0, 0, 0, (uint8_t)len};
    if (b->bytes.len > UINT32_MAX - WORD_HEADER - len ||
        shelf_buf_append(&b->bytes, header, sizeof header) || shelf_buf_append(&b->bytes, w, len))
        return SHELF_ENOMEM;
    *s = (shelf_word_slot){hash, (uint32_t)(b->bytes.len - len), sign, b->doc, (uint32_t)len};
    b->count++;
    return SHELF_OK;
}

int shelf_words_builder_note(shelf_words_builder *b, const char *word, size_t len, uint64_t hash,
                             int sign)
{
    if (b->overflowed)
        return SHELF_OK;
    if (b->cap) {
        shelf_word_slot *s = slot_for(b, word, len, hash);
        if (s->last_doc) {
            if (s->last_doc != b->doc) {
                s->last_doc = b->doc;
                s->df += sign;
            }
            return SHELF_OK;
        }
    }
    return insert(b, word, len, hash, sign);
}

/* The slot at which word's probe sequence stops, without changing
 * anything (a hint: the table may change before the word is noted). */
static const shelf_word_slot *probe_end(const shelf_words_builder *b, uint64_t hash)
{
    for (size_t at = hash & (b->cap - 1);; at = (at + 1) & (b->cap - 1)) {
        const shelf_word_slot *s = &b->slots[at];
        if (!s->last_doc || s->hash == hash)
            return s;
    }
}

int shelf_words_builder_note_batch(shelf_words_builder *b, const shelf_word_note *notes,
                                   size_t n, int sign)
{
    if (b->overflowed)
        return SHELF_OK;
    if (b->cap) {
        for (size_t i = 0; i < n; i++)
            __builtin_prefetch(&b->slots[notes[i].hash & (b->cap - 1)]);
        for (size_t i = 0; i < n; i++) {
            const shelf_word_slot *s = probe_end(b, notes[i].hash);
            if (s->last_doc)
                __builtin_prefetch(b->bytes.data + s->offset);
        }
    }
    for (size_t i = 0; i < n; i++) {
        int rc = shelf_words_builder_note(b, notes[i].word, notes[i].len, notes[i].hash, sign);
        if (rc != SHELF_OK)
            return rc;
    }
    return SHELF_OK;
}

int shelf_words_builder_add_text(shelf_words_builder *b, shelf_analyzer *fold, const char *text,
                                 size_t len, int sign, shelf_err *err)
{
    shelf_words_builder_begin_doc(b);
    shelf_token_iter it;
    shelf_token tok;
    shelf_tokens_begin(&it, fold, text, len);
    while (!b->overflowed && shelf_tokens_next(&it, &tok)) {
        if (shelf_word_listed(tok.word, tok.word_len) &&
            shelf_words_builder_note(b, tok.word, tok.word_len, tok.word_hash, sign) != SHELF_OK)
            return shelf_errf(err, SHELF_ENOMEM, "out of memory listing written words");
    }
    return SHELF_OK;
}

/* ---- writing ---- */

typedef struct entry {
    const char *word;
    uint32_t len;
    int32_t df;
} entry;

static int compare_words(const char *a, size_t la, const char *b, size_t lb)
{
    size_t n = la < lb ? la : lb;
    int c = n ? memcmp(a, b, n) : 0;
    return c ? c : (la > lb) - (la < lb);
}

/* The sorted words of the table and the lists' cursors, merged in order. */
typedef struct merged {
    const entry *table;
    size_t table_count, table_at;
    shelf_words_cursor *cursors;
    bool *live; /* cursor i has a current entry */
    size_t lists;
} merged;

/* The smallest current word of all sources, or NULL when all are done. */
static const char *smallest(const merged *m, size_t *len)
{
    const char *best = NULL;
    if (m->table_at < m->table_count) {
        best = m->table[m->table_at].word;
        *len = m->table[m->table_at].len;
    }
    for (size_t i = 0; i < m->lists; i++)
        if (m->live[i] &&
            (!best || compare_words(m->cursors[i].word, m->cursors[i].len, best, *len) < 0)) {
            best = m->cursors[i].word;
            *len = m->cursors[i].len;
        }
    return best;
}

/* Take word[0..len) from every source at it: its summed count into *df,
 * the sources moved on.  The word is copied first (a cursor's moves). */
static int take(merged *m, char word[SHELF_WORDS_MAX_WORD], size_t len, int64_t *df,
                shelf_err *err)
{
    *df = 0;
    if (m->table_at < m->table_count &&
        compare_words(m->table[m->table_at].word, m->table[m->table_at].len, word, len) == 0)
        *df += m->table[m->table_at++].df;
    for (size_t i = 0; i < m->lists; i++) {
        shelf_words_cursor *c = &m->cursors[i];
        if (!m->live[i] || compare_words(c->word, c->len, word, len) != 0)
            continue;
        *df += (int64_t)c->df;
        int got = shelf_words_next(c, err);
        if (got < 0)
            return got;
        m->live[i] = got == 1;
    }
    return SHELF_OK;
}

typedef struct list_out {
    shelf_fwriter *f;
    shelf_buf block_offsets; /* u64 each */
    uint64_t count;
    char prev[SHELF_WORDS_MAX_WORD];
    size_t prev_len;
} list_out;

static int put_entry(list_out *o, const char *word, size_t len, uint64_t df)
{
    size_t shared = 0;
    if (o->count % SHELF_WORDS_BLOCK_ENTRIES == 0) {
        uint64_t at = o->f->offset;
        if (shelf_buf_append(&o->block_offsets, &at, sizeof at))
            return SHELF_ENOMEM;
    } else {
        while (shared < len && shared < o->prev_len && word[shared] == o->prev[shared])
            shared++;
    }
    shelf_fw_varint(o->f, shared);
    shelf_fw_varint(o->f, len - shared);
    shelf_fw_write(o->f, word + shared, len - shared);
    shelf_fw_varint(o->f, df);
    memcpy(o->prev, word, len);
    o->prev_len = len;
    o->count++;
    return SHELF_OK;
}

static int write_merged(merged *m, list_out *o, shelf_err *err)
{
    size_t len = 0;
    const char *w;
    while ((w = smallest(m, &len)) != NULL) {
        char word[SHELF_WORDS_MAX_WORD];
        memcpy(word, w, len);
        int64_t df;
        int rc = take(m, word, len, &df, err);
        if (rc == SHELF_OK && df > 0 && put_entry(o, word, len, (uint64_t)df) != SHELF_OK)
            rc = shelf_errf(err, SHELF_ENOMEM, "out of memory writing the written-words list");
        if (rc != SHELF_OK)
            return rc;
    }
    return SHELF_OK;
}

static int write_trailer(list_out *o, shelf_err *err)
{
    uint64_t index_offset = o->f->offset;
    size_t blocks = o->block_offsets.len / sizeof(uint64_t);
    shelf_fw_write(o->f, o->block_offsets.data, o->block_offsets.len);
    shelf_fw_u64(o->f, o->count);
    shelf_fw_u64(o->f, blocks);
    shelf_fw_u64(o->f, index_offset);
    return shelf_fw_finish(o->f, err);
}

/* The table's entries, sorted.  Each word's count is copied before its
 * length byte, the words are sorted as length-prefixed keys, and each sort
 * pair is turned into its entry in place (both are 16 bytes). */
_Static_assert(sizeof(entry) == sizeof(shelf_keyref), "entries replace sort pairs in place");

static int sorted_table(shelf_words_builder *b, entry **out)
{
    shelf_keyref *refs = malloc((b->count ? b->count : 1) * sizeof *refs);
    if (!refs)
        return SHELF_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < b->cap; i++) {
        const shelf_word_slot *s = &b->slots[i];
        if (!s->last_doc)
            continue;
        uint8_t *lkey = b->bytes.data + s->offset - 1;
        memcpy(lkey - sizeof s->df, &s->df, sizeof s->df);
        refs[k++] = (shelf_keyref){shelf_key_prefix(lkey), lkey};
    }
    shelf_keysort(refs, k);
    for (size_t i = 0; i < k; i++) {
        const uint8_t *lkey = refs[i].lkey;
        entry e = {(const char *)lkey + 1, lkey[0], 0};
        memcpy(&e.df, lkey - sizeof e.df, sizeof e.df);
        memcpy(&refs[i], &e, sizeof e);
    }
    *out = (entry *)refs;
    return SHELF_OK;
}

static int open_sources(merged *m, const shelf_words *const *lists, size_t n, shelf_err *err)
{
    m->lists = n;
    m->cursors = calloc(n ? n : 1, sizeof *m->cursors);
    m->live = calloc(n ? n : 1, sizeof *m->live);
    if (!m->cursors || !m->live)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory writing the written-words list");
    for (size_t i = 0; i < n; i++) {
        int got = shelf_words_first(&m->cursors[i], lists[i], err);
        if (got < 0)
            return got;
        m->live[i] = got == 1;
    }
    return SHELF_OK;
}

static void release_table(shelf_words_builder *b)
{
    free(b->slots);
    b->slots = NULL;
    b->cap = b->count = 0;
    shelf_buf_free(&b->bytes);
}

int shelf_words_builder_write(shelf_words_builder *b, const char *dir, uint32_t number,
                              const shelf_words *const *lists, size_t list_count, shelf_err *err)
{
    if (b->overflowed)
        return SHELF_OK;
    merged m = {0};
    entry *table = NULL;
    int rc = sorted_table(b, &table) == SHELF_OK
                 ? open_sources(&m, lists, list_count, err)
                 : shelf_errf(err, SHELF_ENOMEM, "out of memory writing the written-words list");
    m.table = table;
    m.table_count = b->count;
    char path[PATH_MAX];
    shelf_segment_path(path, sizeof path, dir, number, SHELF_EXT_WORDS);
    if (rc == SHELF_OK)
        rc = shelf_fw_open(&b->file, path, SHELF_MAGIC_WORDS, err);
    list_out o = {.f = &b->file, .block_offsets = SHELF_BUF_INIT};
    if (rc == SHELF_OK) {
        b->writing = 1;
        rc = write_merged(&m, &o, err);
    }
    if (rc == SHELF_OK)
        rc = write_trailer(&o, err);
    shelf_buf_free(&o.block_offsets);
    free(m.cursors);
    free(m.live);
    free(table);
    release_table(b);
    return rc;
}

int shelf_words_builder_commit(shelf_words_builder *b, shelf_err *err)
{
    if (b->overflowed)
        return SHELF_OK;
    if (!b->writing)
        return shelf_errf(err, SHELF_EINVAL, "written-words list committed before it was written");
    return shelf_fw_commit(&b->file, err);
}

void shelf_words_builder_free(shelf_words_builder *b)
{
    if (b->writing)
        shelf_fw_abort(&b->file);
    b->writing = 0;
    release_table(b);
}
