/*
 * inverter.c - in-memory inversion with sorted spill runs and a final k-way
 * merge; see inverter.h for the stream format and invariants.
 */
#include "index/inverter.h"
#include "index/format.h"
#include "index/varint.h"
#include "util/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#define NO_DOC UINT32_MAX

typedef struct term_acc {
    shelf_buf stream;
    uint64_t hash;
    uint32_t last_doc;
    uint32_t last_pos;
    uint8_t key_len;
    uint8_t key[];
} term_acc;

struct shelf_inverter {
    char *run_prefix;
    size_t budget;
    term_acc **slots;
    size_t slot_count; /* power of two */
    size_t term_count;
    size_t memory;
    unsigned runs;
};

/* ---- the term table ---- */

static size_t term_overhead(size_t key_len)
{
    return sizeof(term_acc) + key_len + 2 * sizeof(term_acc *);
}

static int table_grow(shelf_inverter *inv)
{
    size_t count = inv->slot_count ? inv->slot_count * 2 : 4096;
    term_acc **slots = calloc(count, sizeof *slots);
    if (!slots)
        return SHELF_ENOMEM;
    for (size_t i = 0; i < inv->slot_count; i++) {
        term_acc *t = inv->slots[i];
        if (!t)
            continue;
        size_t j = (size_t)t->hash & (count - 1);
        while (slots[j])
            j = (j + 1) & (count - 1);
        slots[j] = t;
    }
    inv->memory += (count - inv->slot_count) * sizeof *slots;
    free(inv->slots);
    inv->slots = slots;
    inv->slot_count = count;
    return SHELF_OK;
}

static term_acc *table_find_or_add(shelf_inverter *inv, const uint8_t *key, size_t key_len)
{
    if ((inv->term_count + 1) * 2 > inv->slot_count && table_grow(inv) != SHELF_OK)
        return NULL;
    uint64_t hash = XXH3_64bits(key, key_len);
    size_t mask = inv->slot_count - 1;
    size_t i = (size_t)hash & mask;
    for (term_acc *t; (t = inv->slots[i]) != NULL; i = (i + 1) & mask) {
        if (t->hash == hash && t->key_len == key_len && memcmp(t->key, key, key_len) == 0)
            return t;
    }
    term_acc *t = calloc(1, sizeof *t + key_len);
    if (!t)
        return NULL;
    t->hash = hash;
    t->key_len = (uint8_t)key_len;
    t->last_doc = NO_DOC;
    memcpy(t->key, key, key_len);
    inv->slots[i] = t;
    inv->term_count++;
    inv->memory += term_overhead(key_len);
    return t;
}

static void table_clear(shelf_inverter *inv)
{
    for (size_t i = 0; i < inv->slot_count; i++) {
        term_acc *t = inv->slots[i];
        if (!t)
            continue;
        shelf_buf_free(&t->stream);
        free(t);
        inv->slots[i] = NULL;
    }
    inv->term_count = 0;
    inv->memory = inv->slot_count * sizeof *inv->slots;
}

static int compare_terms(const void *a, const void *b)
{
    const term_acc *x = *(term_acc *const *)a, *y = *(term_acc *const *)b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (int)x->key_len - (int)y->key_len;
}

/* A sorted array of the table's terms; caller frees the array only. */
static term_acc **table_sorted(shelf_inverter *inv)
{
    term_acc **all = malloc((inv->term_count ? inv->term_count : 1) * sizeof *all);
    if (!all)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < inv->slot_count; i++)
        if (inv->slots[i])
            all[n++] = inv->slots[i];
    qsort(all, n, sizeof *all, compare_terms);
    return all;
}

/* ---- public: building ---- */

shelf_inverter *shelf_inverter_new(const char *run_prefix, size_t budget, shelf_err *err)
{
    shelf_inverter *inv = calloc(1, sizeof *inv);
    if (inv)
        inv->run_prefix = strdup(run_prefix);
    if (!inv || !inv->run_prefix || table_grow(inv) != SHELF_OK) {
        shelf_inverter_free(inv);
        shelf_errf(err, SHELF_ENOMEM, "out of memory creating the inverter");
        return NULL;
    }
    inv->budget = budget;
    return inv;
}

static char *run_path(const shelf_inverter *inv, unsigned n)
{
    size_t len = strlen(inv->run_prefix) + 32;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%srun-%u.tmp", inv->run_prefix, n);
    return p;
}

void shelf_inverter_free(shelf_inverter *inv)
{
    if (!inv)
        return;
    table_clear(inv);
    free(inv->slots);
    for (unsigned i = 0; i < inv->runs; i++) {
        char *p = run_path(inv, i);
        if (p)
            unlink(p);
        free(p);
    }
    free(inv->run_prefix);
    free(inv);
}

int shelf_inverter_add(shelf_inverter *inv, const uint8_t *key, size_t key_len, uint32_t doc,
                       uint32_t position, shelf_err *err)
{
    term_acc *t = table_find_or_add(inv, key, key_len);
    if (!t)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory while inverting");
    size_t old_cap = t->stream.cap;
    int rc;
    if (t->last_doc != doc) {
        int64_t prev = t->last_doc == NO_DOC ? -1 : (int64_t)t->last_doc;
        rc = shelf_buf_put_varint(&t->stream, (uint64_t)position << 1 | 1);
        if (rc == SHELF_OK)
            rc = shelf_buf_put_varint(&t->stream, (uint64_t)((int64_t)doc - prev - 1));
        t->last_doc = doc;
    } else {
        rc = shelf_buf_put_varint(&t->stream, (uint64_t)(position - t->last_pos - 1) << 1);
    }
    t->last_pos = position;
    inv->memory += t->stream.cap - old_cap;
    if (rc != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory while inverting");
    return SHELF_OK;
}

static int write_run(shelf_inverter *inv, shelf_err *err)
{
    char *path = run_path(inv, inv->runs);
    term_acc **sorted = table_sorted(inv);
    FILE *f = path ? fopen(path, "wb") : NULL;
    int rc = SHELF_OK;
    if (!path || !sorted)
        rc = shelf_errf(err, SHELF_ENOMEM, "out of memory writing a run");
    else if (!f)
        rc = shelf_errno(err, errno, "%s: cannot create run file", path);
    for (size_t i = 0; rc == SHELF_OK && i < inv->term_count; i++) {
        term_acc *t = sorted[i];
        uint8_t len[SHELF_VARINT_MAX];
        size_t n = shelf_varint_put(len, t->stream.len);
        if (fputc(t->key_len, f) == EOF || fwrite(t->key, 1, t->key_len, f) != t->key_len ||
            fwrite(len, 1, n, f) != n || fwrite(t->stream.data, 1, t->stream.len, f) != t->stream.len)
            rc = shelf_errno(err, errno, "%s: cannot write run file", path);
    }
    if (f && rc == SHELF_OK && (fputc(0, f) == EOF || fflush(f) != 0))
        rc = shelf_errno(err, errno, "%s: cannot write run file", path);
    if (f && fclose(f) != 0 && rc == SHELF_OK)
        rc = shelf_errno(err, errno, "%s: cannot write run file", path);
    if (rc == SHELF_OK) {
        inv->runs++;
        table_clear(inv);
    } else if (path) {
        unlink(path);
    }
    free(sorted);
    free(path);
    return rc;
}

int shelf_inverter_end_doc(shelf_inverter *inv, shelf_err *err)
{
    if (inv->memory <= inv->budget || inv->term_count == 0)
        return SHELF_OK;
    return write_run(inv, err);
}

size_t shelf_inverter_memory(const shelf_inverter *inv)
{
    return inv->memory;
}

unsigned shelf_inverter_runs(const shelf_inverter *inv)
{
    return inv->runs;
}

/* ---- merging: a source is a run file or the sorted in-memory table ---- */

typedef struct source {
    FILE *run;         /* NULL for the in-memory source */
    char *path;
    term_acc **sorted; /* in-memory source */
    size_t next, count;
    uint8_t key[SHELF_MAX_KEY_BYTES];
    size_t key_len;    /* 0 once exhausted */
    shelf_buf stream_buf;
    const uint8_t *stream;
    size_t stream_len;
} source;

static int source_advance_run(source *s, shelf_err *err)
{
    int key_len = fgetc(s->run);
    if (key_len == 0) {
        s->key_len = 0;
        return SHELF_OK;
    }
    if (key_len == EOF || key_len > SHELF_MAX_KEY_BYTES ||
        fread(s->key, 1, (size_t)key_len, s->run) != (size_t)key_len)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: run file truncated", s->path);
    uint64_t len = 0;
    for (unsigned shift = 0;; shift += 7) {
        int c = fgetc(s->run);
        if (c == EOF || shift > 63)
            return shelf_errf(err, SHELF_ECORRUPT, "%s: run file truncated", s->path);
        len |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80))
            break;
    }
    shelf_buf_reset(&s->stream_buf);
    if (shelf_buf_reserve(&s->stream_buf, len) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading run", s->path);
    if (fread(s->stream_buf.data, 1, len, s->run) != len)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: run file truncated", s->path);
    s->key_len = (size_t)key_len;
    s->stream = s->stream_buf.data;
    s->stream_len = len;
    return SHELF_OK;
}

static int source_advance(source *s, shelf_err *err)
{
    if (s->run)
        return source_advance_run(s, err);
    if (s->next >= s->count) {
        s->key_len = 0;
        return SHELF_OK;
    }
    term_acc *t = s->sorted[s->next++];
    memcpy(s->key, t->key, t->key_len);
    s->key_len = t->key_len;
    s->stream = t->stream.data;
    s->stream_len = t->stream.len;
    return SHELF_OK;
}

static int key_compare(const source *a, const source *b)
{
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->key, b->key, n);
    return c ? c : (int)a->key_len - (int)b->key_len;
}

/* Per-term decoding state while feeding the postings writer. */
typedef struct term_feed {
    shelf_postwriter *post;
    const uint32_t *lengths;
    uint32_t doc_count;
    uint32_t *positions;
    size_t npos, cap;
    uint32_t doc;
    int have_doc;
} term_feed;

static int feed_emit(term_feed *f, shelf_err *err)
{
    if (!f->have_doc)
        return SHELF_OK;
    f->have_doc = 0;
    if (f->doc >= f->doc_count)
        return shelf_errf(err, SHELF_ECORRUPT, "postings name doc %u of %u", f->doc, f->doc_count);
    return shelf_postwriter_add(f->post, f->doc, (uint32_t)f->npos, f->positions,
                                f->lengths[f->doc], err);
}

static int feed_position(term_feed *f, uint32_t pos)
{
    if (f->npos == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        uint32_t *p = realloc(f->positions, cap * sizeof *p);
        if (!p)
            return SHELF_ENOMEM;
        f->positions = p;
        f->cap = cap;
    }
    f->positions[f->npos++] = pos;
    return SHELF_OK;
}

static int feed_section(term_feed *f, const uint8_t *p, const uint8_t *end, shelf_err *err)
{
    int64_t prev_doc = -1;
    uint32_t pos = 0;
    while (p < end) {
        uint64_t v, gap = 0;
        if (shelf_varint_get(&p, end, &v) != 0)
            return shelf_errf(err, SHELF_ECORRUPT, "damaged occurrence stream");
        if (v & 1) {
            if (shelf_varint_get(&p, end, &gap) != 0)
                return shelf_errf(err, SHELF_ECORRUPT, "damaged occurrence stream");
            int rc = feed_emit(f, err);
            if (rc != SHELF_OK)
                return rc;
            prev_doc = prev_doc + (int64_t)gap + 1;
            f->doc = (uint32_t)prev_doc;
            f->have_doc = 1;
            f->npos = 0;
            pos = (uint32_t)(v >> 1);
        } else {
            pos = pos + (uint32_t)(v >> 1) + 1;
        }
        if (!f->have_doc || feed_position(f, pos) != SHELF_OK)
            return shelf_errf(err, SHELF_ECORRUPT, "damaged occurrence stream");
    }
    return feed_emit(f, err);
}

static int merge_one_term(source *sources, size_t nsrc, const source *min, term_feed *feed,
                          shelf_dictwriter *dict, shelf_err *err)
{
    uint8_t key[SHELF_MAX_KEY_BYTES];
    size_t key_len = min->key_len;
    memcpy(key, min->key, key_len);
    uint8_t field = key[0];
    if (field != SHELF_FIELD_BODY && field != SHELF_FIELD_TITLE_ID)
        return shelf_errf(err, SHELF_ECORRUPT, "unknown field %u in a key", field);
    shelf_postwriter_begin_term(feed->post);
    for (size_t i = 0; i < nsrc; i++) {
        source *s = &sources[i];
        if (s->key_len != key_len || memcmp(s->key, key, key_len) != 0)
            continue;
        int rc = feed_section(feed, s->stream, s->stream + s->stream_len, err);
        if (rc == SHELF_OK)
            rc = source_advance(s, err);
        if (rc != SHELF_OK)
            return rc;
    }
    shelf_term_stats stats;
    int rc = shelf_postwriter_end_term(feed->post, &stats, err);
    if (rc == SHELF_OK)
        rc = shelf_dictwriter_add(dict, key, key_len, &stats, err);
    return rc;
}

static int open_sources(shelf_inverter *inv, source *sources, size_t *nsrc, shelf_err *err)
{
    *nsrc = 0;
    for (unsigned i = 0; i < inv->runs; i++) {
        source *s = &sources[(*nsrc)++];
        s->path = run_path(inv, i);
        if (!s->path)
            return shelf_errf(err, SHELF_ENOMEM, "out of memory");
        s->run = fopen(s->path, "rb");
        if (!s->run)
            return shelf_errno(err, errno, "%s: cannot reopen run file", s->path);
        if (source_advance(s, err) != SHELF_OK)
            return err ? err->code : SHELF_ECORRUPT;
    }
    source *mem = &sources[(*nsrc)++];
    mem->sorted = table_sorted(inv);
    if (!mem->sorted)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory sorting terms");
    mem->count = inv->term_count;
    return source_advance(mem, err);
}

static void close_sources(source *sources, size_t nsrc)
{
    for (size_t i = 0; i < nsrc; i++) {
        if (sources[i].run)
            fclose(sources[i].run);
        free(sources[i].path);
        free(sources[i].sorted);
        shelf_buf_free(&sources[i].stream_buf);
    }
}

static const source *smallest_key(const source *sources, size_t nsrc)
{
    const source *min = NULL;
    for (size_t i = 0; i < nsrc; i++) {
        if (sources[i].key_len && (!min || key_compare(&sources[i], min) < 0))
            min = &sources[i];
    }
    return min;
}

int shelf_inverter_finish(shelf_inverter *inv, shelf_dictwriter *dict, shelf_postwriter *post,
                          const uint32_t *const doc_lengths[3], uint32_t doc_count,
                          uint64_t *term_count, shelf_err *err)
{
    size_t nsrc = 0;
    source *sources = calloc(inv->runs + 1, sizeof *sources);
    if (!sources)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory merging runs");
    term_feed feed = {.post = post, .doc_count = doc_count};
    int rc = open_sources(inv, sources, &nsrc, err);
    uint64_t terms = 0;
    const source *min;
    while (rc == SHELF_OK && (min = smallest_key(sources, nsrc)) != NULL) {
        feed.lengths = doc_lengths[min->key[0] == SHELF_FIELD_TITLE_ID ? 2 : 1];
        rc = merge_one_term(sources, nsrc, min, &feed, dict, err);
        terms++;
    }
    close_sources(sources, nsrc);
    free(sources);
    free(feed.positions);
    *term_count = terms;
    return rc;
}
