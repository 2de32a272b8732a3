/*
 * inverter.c - in-memory inversion with sorted spill runs and a final k-way
 * merge; see inverter.h for the stream format and invariants.
 */
#include "backend/native/inverter.h"
#include "backend/native/format.h"
#include "util/varint.h"
#include "util/arena.h"
#include "util/keysort.h"
#include "analysis/analyzer.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define NO_DOC UINT32_MAX
#define FIRST_SLOTS 4096       /* slots of a new table */
#define FIRST_SLICE 16          /* data bytes of a term's first slice */
#define MAX_SLICE 4080          /* data bytes of the largest slice */
#define MIN_BLOCK ((size_t)16 << 10)
#define MAX_BLOCK ((size_t)1 << 20)
/* Bytes of one encoded occurrence at most: a position (below 2^32) shifted
 * left once fits in 33 bits, 5 varint bytes, and so does a doc gap. */
#define OCCURRENCE_MAX 10

/* A piece of a term's occurrence stream, in the arena. */
typedef struct slice {
    struct slice *next;
    uint32_t cap, len;
    uint8_t data[];
} slice;

/* A term of the table, in the arena; its first slice follows it there. */
typedef struct term_acc {
    uint64_t hash;     /* key_hash of the key */
    slice *tail;       /* the slice being written */
    uint32_t last_doc;
    uint32_t last_pos;
    uint8_t key_len;
    uint8_t key[];
} term_acc;

/* key_len then key: a length-prefixed key, as util/keysort.h sorts them. */
_Static_assert(offsetof(term_acc, key) == offsetof(term_acc, key_len) + 1, "key follows key_len");

struct shelf_inverter {
    char *run_prefix;
    size_t budget;
    shelf_arena arena; /* every term_acc and slice since the last spill */
    term_acc **slots;
    uint32_t *slot_tags; /* slot_tags[i]: the top half of slots[i]->hash, so probing reads no term */
    size_t slot_count; /* power of two */
    size_t term_count;
    size_t memory;     /* the slot arrays plus the arena's blocks in use */
    unsigned runs;    /* run files now (run-0 .. run-(runs-1)), oldest first */
    uint8_t levels[SHELF_INVERTER_MAX_RUNS];     /* each run's merge level, never rising */
    uint64_t run_bytes[SHELF_INVERTER_MAX_RUNS]; /* each run file's size */
    shelf_inverter_stats stats;
    bool split_finish; /* finish may write half the table's terms on a thread */
};

/* ---- the term table ---- */

/* The table's hash of a key: the field byte mixed into the term's
 * shelf_term_hash, which the analysis computed once per token. */
static uint64_t key_hash(uint8_t field, uint64_t term_hash)
{
    return term_hash ^ ((uint64_t)field * 0x9E3779B97F4A7C15ull);
}

/* What malloc really takes for a block of n bytes (glibc: an 8-byte header,
 * 16-byte granules, 32 bytes at least). */
static size_t heap_bytes(size_t n)
{
    size_t chunk = (n + 8 + 15) & ~(size_t)15;
    return n == 0 ? 0 : chunk < 32 ? 32 : chunk;
}

/* Bytes of the slot arrays for count slots. */
static size_t slot_bytes(size_t count)
{
    return heap_bytes(count * sizeof(term_acc *)) + heap_bytes(count * sizeof(uint32_t));
}

static void free_slots(term_acc **slots, uint32_t *tags)
{
    free(slots);
    free(tags);
}

static void count_memory(shelf_inverter *inv)
{
    inv->memory = slot_bytes(inv->slot_count) + shelf_arena_used(&inv->arena);
}

/* The slot's tag: the hash bits the slot number does not use (up to 2^32
 * slots). */
static uint32_t tag_of(uint64_t hash)
{
    return (uint32_t)(hash >> 32);
}

static int table_grow(shelf_inverter *inv)
{
    size_t count = inv->slot_count ? inv->slot_count * 2 : FIRST_SLOTS;
    term_acc **slots = calloc(count, sizeof *slots);
    uint32_t *tags = malloc(count * sizeof *tags);
    if (!slots || !tags) {
        free_slots(slots, tags);
        return SHELF_ENOMEM;
    }
    for (size_t i = 0; i < inv->slot_count; i++) {
        term_acc *t = inv->slots[i];
        if (!t)
            continue;
        size_t j = (size_t)t->hash & (count - 1);
        while (slots[j])
            j = (j + 1) & (count - 1);
        slots[j] = t;
        tags[j] = tag_of(t->hash);
    }
    free_slots(inv->slots, inv->slot_tags);
    inv->slots = slots;
    inv->slot_tags = tags;
    inv->slot_count = count;
    count_memory(inv);
    return SHELF_OK;
}

static size_t term_record_bytes(size_t key_len)
{
    return (sizeof(term_acc) + key_len + 7) & ~(size_t)7;
}

/* A new term with an empty first slice right after it, in the arena. */
static term_acc *new_term(shelf_inverter *inv, uint8_t field, const uint8_t *term, size_t term_len,
                          uint64_t hash)
{
    size_t record = term_record_bytes(term_len + 1);
    term_acc *t = shelf_arena_alloc(&inv->arena, record + sizeof(slice) + FIRST_SLICE);
    if (!t)
        return NULL;
    slice *first = (slice *)((uint8_t *)t + record);
    *first = (slice){NULL, FIRST_SLICE, 0};
    t->hash = hash;
    t->tail = first;
    t->last_doc = NO_DOC;
    t->last_pos = 0;
    t->key_len = (uint8_t)(term_len + 1);
    t->key[0] = field;
    memcpy(t->key + 1, term, term_len);
    return t;
}

static slice *first_slice(const term_acc *t)
{
    return (slice *)((uint8_t *)t + term_record_bytes(t->key_len));
}

/* Whether a and b hold the same n bytes: eight at a time, then one by one
 * (terms are a few bytes long: a call to memcmp cost more than comparing). */
static bool same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return false;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static bool holds_key(const term_acc *t, uint8_t field, const uint8_t *term, size_t term_len)
{
    return t->key_len == term_len + 1 && t->key[0] == field && same_bytes(t->key + 1, term, term_len);
}

/* Puts a new term in empty slot i. */
static term_acc *insert_at(shelf_inverter *inv, size_t i, uint8_t field, const uint8_t *term,
                           size_t term_len, uint64_t hash)
{
    term_acc *t = new_term(inv, field, term, term_len, hash);
    if (!t)
        return NULL;
    inv->slots[i] = t;
    inv->slot_tags[i] = tag_of(hash);
    inv->term_count++;
    return t;
}

/* The key's term, looked for from slot i on (the slot array has room for
 * one more term); added when absent. */
static term_acc *find_or_add_from(shelf_inverter *inv, size_t i, uint8_t field, const uint8_t *term,
                                  size_t term_len, uint64_t hash)
{
    size_t mask = inv->slot_count - 1;
    for (term_acc *t; (t = inv->slots[i]) != NULL; i = (i + 1) & mask) {
        if (t->hash == hash && holds_key(t, field, term, term_len))
            return t;
    }
    return insert_at(inv, i, field, term, term_len, hash);
}

/* What the budget leaves the arena beside the slot arrays. */
static size_t arena_share(const shelf_inverter *inv)
{
    size_t slots = slot_bytes(inv->slot_count);
    return inv->budget > slots ? inv->budget - slots : 0;
}

/* The slot arrays an empty table keeps: all of them while they take at
 * most half the budget, else shrunk to a quarter of it.  The arrays never
 * shrink while terms are in them, so a table grown while the budget was
 * large would otherwise stay larger than a budget lowered since, and leave
 * the arena no room: a run would be spilled after every batch of
 * occurrences.  (Shrinking at every spill would not do either: arrays
 * freed and grown again each run leave holes in the allocator's heap.) */
static size_t slots_to_keep(const shelf_inverter *inv)
{
    size_t count = inv->slot_count;
    if (slot_bytes(count) <= inv->budget / 2)
        return count;
    while (count > FIRST_SLOTS && slot_bytes(count) > inv->budget / 4)
        count /= 2;
    return count;
}

/* Empties the table, shrinking its slot arrays to what the budget keeps. */
static void table_clear(shelf_inverter *inv)
{
    size_t keep = slots_to_keep(inv);
    if (keep < inv->slot_count) {
        term_acc **slots = calloc(keep, sizeof *slots);
        uint32_t *tags = malloc(keep * sizeof *tags);
        if (slots && tags) {
            free_slots(inv->slots, inv->slot_tags);
            inv->slots = slots;
            inv->slot_tags = tags;
            inv->slot_count = keep;
        } else {
            free_slots(slots, tags); /* keep the larger arrays: still correct */
        }
    }
    memset(inv->slots, 0, inv->slot_count * sizeof *inv->slots); /* tags mean nothing where empty */
    inv->term_count = 0;
    /* keep the blocks the budget, which may have shrunk, still allows */
    shelf_arena_reset(&inv->arena, arena_share(inv));
    count_memory(inv);
}

/* The key as util/keysort.h takes it: its length byte, then its bytes. */
static const uint8_t *length_prefixed_key(const term_acc *t)
{
    return &t->key_len;
}

static term_acc *term_of_key(const uint8_t *lkey)
{
    return (term_acc *)(lkey - offsetof(term_acc, key_len));
}

static int compare_terms(const void *a, const void *b)
{
    const term_acc *x = *(term_acc *const *)a, *y = *(term_acc *const *)b;
    return shelf_key_compare(length_prefixed_key(x), length_prefixed_key(y));
}

/* Sorts the n term pointers at the front of the slot array (which has room
 * for 2n) by key, without allocating: each pointer is widened in place into
 * a shelf_keyref, which holds the key's first eight bytes, so that most
 * comparisons stay in the array instead of following two pointers into the
 * arena; then they are narrowed back.  Bytes are moved with memcpy because
 * the same memory is read as pointers and written as pairs. */
static void sort_terms(term_acc **slots, size_t n)
{
    uint8_t *mem = (uint8_t *)slots;
    for (size_t i = n; i-- > 0;) { /* back to front: pair i covers pointers 2i and 2i+1 */
        term_acc *t;
        memcpy(&t, mem + i * sizeof t, sizeof t);
        shelf_keyref ref = {shelf_key_prefix(length_prefixed_key(t)), length_prefixed_key(t)};
        memcpy(mem + i * sizeof ref, &ref, sizeof ref);
    }
    shelf_keysort((shelf_keyref *)mem, n);
    for (size_t i = 0; i < n; i++) { /* front to back: pointer i lies within pair i/2 */
        shelf_keyref ref;
        memcpy(&ref, mem + i * sizeof ref, sizeof ref);
        term_acc *t = term_of_key(ref.lkey);
        memcpy(mem + i * sizeof t, &t, sizeof t);
    }
}

/* Sort the table's terms in place, at the front of the slot array, which is
 * then no hash table any more: only table_clear may follow.  The table is
 * at most half full, so the whole slot array holds the n terms' sort pairs
 * (no allocation, unlike qsort's). */
static term_acc **table_sorted(shelf_inverter *inv)
{
    size_t n = 0;
    for (size_t i = 0; i < inv->slot_count; i++)
        if (inv->slots[i])
            inv->slots[n++] = inv->slots[i];
    if (2 * n <= inv->slot_count)
        sort_terms(inv->slots, n);
    else
        qsort(inv->slots, n, sizeof *inv->slots, compare_terms);
    for (size_t i = n; i < inv->slot_count; i++)
        inv->slots[i] = NULL;
    return inv->slots;
}

/* ---- public: building ---- */

/* Blocks of a 16th of the budget (whole pages, 16 KiB .. 1 MiB): large enough
 * that their count stays small, small enough that one block is a small
 * part of the budget. */
static size_t block_size_for(size_t budget)
{
    size_t size = budget / 16 & ~(size_t)4095; /* whole pages */
    return size < MIN_BLOCK ? MIN_BLOCK : size > MAX_BLOCK ? MAX_BLOCK : size;
}

shelf_inverter *shelf_inverter_new(const char *run_prefix, size_t budget, shelf_err *err)
{
    shelf_inverter *inv = calloc(1, sizeof *inv);
    if (inv) {
        shelf_arena_init(&inv->arena, block_size_for(budget));
        inv->run_prefix = strdup(run_prefix);
    }
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
    shelf_arena_free(&inv->arena);
    free_slots(inv->slots, inv->slot_tags);
    for (unsigned i = 0; i < inv->runs; i++) {
        char *p = run_path(inv, i);
        if (p)
            unlink(p);
        free(p);
    }
    free(inv->run_prefix);
    free(inv);
}

/* Append bytes to the term's stream, opening slices twice as large as the
 * last (up to MAX_SLICE) as they fill. */
static int append_stream(shelf_inverter *inv, term_acc *t, const uint8_t *bytes, size_t n)
{
    while (n > 0) {
        slice *s = t->tail;
        if (s->len == s->cap) {
            uint32_t cap = s->cap * 2 > MAX_SLICE ? MAX_SLICE : s->cap * 2;
            slice *next = shelf_arena_alloc(&inv->arena, sizeof *next + cap);
            if (!next)
                return SHELF_ENOMEM;
            *next = (slice){NULL, cap, 0};
            s->next = next;
            t->tail = s = next;
        }
        size_t room = s->cap - s->len, take = n < room ? n : room;
        memcpy(s->data + s->len, bytes, take);
        s->len += (uint32_t)take;
        bytes += take;
        n -= take;
    }
    return SHELF_OK;
}

/* Encodes one occurrence of t at out (room for OCCURRENCE_MAX bytes) and
 * moves t's last doc and position on; returns the bytes written. */
static size_t encode_occurrence(term_acc *t, uint32_t doc, uint32_t position, uint8_t *out)
{
    size_t n;
    if (t->last_doc != doc) {
        int64_t prev = t->last_doc == NO_DOC ? -1 : (int64_t)t->last_doc;
        n = shelf_varint_put(out, (uint64_t)position << 1 | 1);
        n += shelf_varint_put(out + n, (uint64_t)((int64_t)doc - prev - 1));
        t->last_doc = doc;
    } else {
        n = shelf_varint_put(out, (uint64_t)(position - t->last_pos - 1) << 1);
    }
    t->last_pos = position;
    return n;
}

/* Appends one occurrence to t's stream: straight into its last slice when
 * a whole occurrence fits there (nearly always), else through append_stream,
 * which opens the next slice; the stream's bytes are the same either way. */
static int add_occurrence(shelf_inverter *inv, term_acc *t, uint32_t doc, uint32_t position)
{
    slice *s = t->tail;
    if (s->cap - s->len >= OCCURRENCE_MAX) {
        s->len += (uint32_t)encode_occurrence(t, doc, position, s->data + s->len);
        return SHELF_OK;
    }
    uint8_t bytes[OCCURRENCE_MAX];
    return append_stream(inv, t, bytes, encode_occurrence(t, doc, position, bytes));
}

/* ---- run files ----
 *
 * A run is its terms in key order, each as key_len:u8, key, then its stream
 * in chunks (varint length > 0, bytes) ended by a varint 0; a key_len of 0
 * ends the file.  Chunks let a merged stream be written without knowing its
 * length first. */

static int put_varint(FILE *f, uint64_t v)
{
    uint8_t bytes[SHELF_VARINT_MAX];
    size_t n = shelf_varint_put(bytes, v);
    return fwrite(bytes, 1, n, f) == n ? 0 : -1;
}

static int put_chunk(FILE *f, const uint8_t *data, size_t len)
{
    if (len == 0)
        return 0;
    return put_varint(f, len) == 0 && fwrite(data, 1, len, f) == len ? 0 : -1;
}

static int put_key(FILE *f, const uint8_t *key, size_t key_len)
{
    return fputc((int)key_len, f) != EOF && fwrite(key, 1, key_len, f) == key_len ? 0 : -1;
}

/* Ends and closes a run file; *bytes receives its size. */
static int close_run_file(FILE *f, const char *path, int rc, uint64_t *bytes, shelf_err *err)
{
    off_t size = -1;
    if (f && rc == SHELF_OK && (fputc(0, f) == EOF || fflush(f) != 0 || (size = ftello(f)) < 0))
        rc = shelf_errno(err, errno, "%s: cannot write run file", path);
    *bytes = size > 0 ? (uint64_t)size : 0;
    if (f && fclose(f) != 0 && rc == SHELF_OK)
        rc = shelf_errno(err, errno, "%s: cannot write run file", path);
    if (rc != SHELF_OK && path)
        unlink(path);
    return rc;
}

static int merge_full_levels(shelf_inverter *inv, shelf_err *err);

static int write_run(shelf_inverter *inv, shelf_err *err)
{
    char *path = run_path(inv, inv->runs);
    term_acc **sorted = table_sorted(inv);
    FILE *f = path ? fopen(path, "wb") : NULL;
    int rc = SHELF_OK;
    if (!path)
        rc = shelf_errf(err, SHELF_ENOMEM, "out of memory writing a run");
    else if (!f)
        rc = shelf_errno(err, errno, "%s: cannot create run file", path);
    for (size_t i = 0; rc == SHELF_OK && i < inv->term_count; i++) {
        term_acc *t = sorted[i];
        bool ok = put_key(f, t->key, t->key_len) == 0;
        for (const slice *p = first_slice(t); ok && p; p = p->next)
            ok = put_chunk(f, p->data, p->len) == 0;
        if (!ok || put_varint(f, 0) != 0)
            rc = shelf_errno(err, errno, "%s: cannot write run file", path);
    }
    uint64_t bytes = 0;
    rc = close_run_file(f, path, rc, &bytes, err);
    if (rc == SHELF_OK) {
        inv->levels[inv->runs] = 0;
        inv->run_bytes[inv->runs] = bytes;
        inv->runs++;
        inv->stats.spills++;
        inv->stats.spill_bytes += bytes;
        table_clear(inv);
    }
    free(path);
    return rc == SHELF_OK ? merge_full_levels(inv, err) : rc;
}

/* The budget is checked after every batch of at most SHELF_INVERTER_BATCH
 * occurrences, so one document with millions of distinct words spills
 * mid-document: its postings of a term may then begin in one run and go on
 * in the next (the merge joins them). */

/* Whether n more terms would double the slot arrays (for a while the old
 * and the new ones are both held) past the budget: then a spill comes
 * first, which empties the table instead. */
static bool growth_would_pass_budget(const shelf_inverter *inv, size_t n)
{
    if (inv->term_count == 0 || (inv->term_count + n) * 2 <= inv->slot_count)
        return false;
    return inv->memory + slot_bytes(2 * inv->slot_count) > inv->budget;
}

/* Makes room for n more terms: a spill when growing would pass the budget,
 * then growth while the table would be over half full. */
static int make_room(shelf_inverter *inv, size_t n, shelf_err *err)
{
    if (growth_would_pass_budget(inv, n)) {
        int rc = write_run(inv, err);
        if (rc != SHELF_OK)
            return rc;
    }
    while ((inv->term_count + n) * 2 > inv->slot_count)
        if (table_grow(inv) != SHELF_OK)
            return shelf_errf(err, SHELF_ENOMEM, "out of memory while inverting");
    return SHELF_OK;
}

/*
 * A batch is looked up in three passes so that its cache misses overlap
 * instead of following one another: the first prefetches each key's home
 * slot, the second finds each key's slot by hash alone (adding the keys that
 * are absent) and prefetches its term, the third checks each term's key
 * (a 64-bit hash shared by two keys sends that key the slow way) and
 * prefetches the slice its occurrence goes to.  Then the occurrences are
 * appended in order, so a key twice in a batch is handled as if one by one.
 */
int shelf_inverter_add_batch(shelf_inverter *inv, uint8_t field, const shelf_occurrence *occ,
                             size_t n, uint32_t doc, shelf_err *err)
{
    if (n > SHELF_INVERTER_BATCH)
        return shelf_errf(err, SHELF_EINVAL, "a batch of %zu occurrences", n);
    int rc = make_room(inv, n, err);
    if (rc != SHELF_OK)
        return rc;
    size_t mask = inv->slot_count - 1, at[SHELF_INVERTER_BATCH];
    uint64_t hash[SHELF_INVERTER_BATCH];
    term_acc *t[SHELF_INVERTER_BATCH];
    bool checked[SHELF_INVERTER_BATCH];
    for (size_t i = 0; i < n; i++) {
        hash[i] = key_hash(field, occ[i].hash);
        at[i] = (size_t)hash[i] & mask;
        __builtin_prefetch(&inv->slot_tags[at[i]]);
        __builtin_prefetch(&inv->slots[at[i]]);
    }
    for (size_t i = 0; i < n; i++) {
        size_t j = at[i];
        while (inv->slots[j] && inv->slot_tags[j] != tag_of(hash[i]))
            j = (j + 1) & mask;
        at[i] = j;
        t[i] = inv->slots[j];
        checked[i] = t[i] == NULL;
        if (!t[i] && !(t[i] = insert_at(inv, j, field, occ[i].term, occ[i].len, hash[i])))
            return shelf_errf(err, SHELF_ENOMEM, "out of memory while inverting");
        __builtin_prefetch(t[i]);
    }
    for (size_t i = 0; i < n; i++) {
        if (!checked[i] && (t[i]->hash != hash[i] || !holds_key(t[i], field, occ[i].term, occ[i].len)))
            t[i] = find_or_add_from(inv, (at[i] + 1) & mask, field, occ[i].term, occ[i].len, hash[i]);
        if (!t[i])
            return shelf_errf(err, SHELF_ENOMEM, "out of memory while inverting");
        __builtin_prefetch(t[i]->tail, 1);
    }
    for (size_t i = 0; i < n; i++)
        if (add_occurrence(inv, t[i], doc, occ[i].position) != SHELF_OK)
            return shelf_errf(err, SHELF_ENOMEM, "out of memory while inverting");
    count_memory(inv);
    if (inv->memory > inv->budget && inv->term_count > 0)
        rc = write_run(inv, err);
    return rc;
}

int shelf_inverter_add_term(shelf_inverter *inv, uint8_t field, const uint8_t *term,
                            size_t term_len, uint64_t term_hash, uint32_t doc, uint32_t position,
                            shelf_err *err)
{
    shelf_occurrence one = {term, (uint8_t)term_len, term_hash, position};
    if (term_len == 0 || term_len > SHELF_MAX_KEY_BYTES - 1)
        return shelf_errf(err, SHELF_EINVAL, "a term of %zu bytes", term_len);
    return shelf_inverter_add_batch(inv, field, &one, 1, doc, err);
}

int shelf_inverter_add(shelf_inverter *inv, const uint8_t *key, size_t key_len, uint32_t doc,
                       uint32_t position, shelf_err *err)
{
    if (key_len < 2 || key_len > SHELF_MAX_KEY_BYTES)
        return shelf_errf(err, SHELF_EINVAL, "a key of %zu bytes", key_len);
    return shelf_inverter_add_term(inv, key[0], key + 1, key_len - 1,
                                   shelf_term_hash(key + 1, key_len - 1), doc, position, err);
}

int shelf_inverter_end_doc(shelf_inverter *inv, shelf_err *err)
{
    if (inv->memory <= inv->budget || inv->term_count == 0)
        return SHELF_OK;
    return write_run(inv, err);
}

/* A smaller budget also gives back the arena's kept blocks it no longer
 * allows: they are resident but not counted in inv->memory (which counts the
 * blocks in use), and the owner has handed that memory to something else. */
void shelf_inverter_set_budget(shelf_inverter *inv, size_t budget)
{
    inv->budget = budget;
    shelf_arena_trim(&inv->arena, arena_share(inv));
}

size_t shelf_inverter_memory(const shelf_inverter *inv)
{
    return inv->memory;
}

unsigned shelf_inverter_runs(const shelf_inverter *inv)
{
    return inv->stats.spills;
}

void shelf_inverter_allow_split_finish(shelf_inverter *inv, bool allow)
{
    inv->split_finish = allow;
}

void shelf_inverter_get_stats(const shelf_inverter *inv, shelf_inverter_stats *out)
{
    *out = inv->stats;
}

/* ---- merging: a source is a run file or the sorted in-memory table ----
 *
 * A run's stream is decoded straight from its file, byte by byte through
 * stdio's buffer, so merging holds no whole stream of any run in memory:
 * besides the in-memory table, a merge holds one stdio buffer per run and a
 * few KiB for its output. */

typedef struct source {
    FILE *run;         /* NULL for the in-memory source */
    char *path;
    term_acc **sorted; /* in-memory source: the table's slots, sorted */
    size_t next, count;
    uint8_t key[SHELF_MAX_KEY_BYTES];
    size_t key_len;    /* 0 once exhausted */
    const slice *mem_slice;       /* in-memory source: the current slice, */
    const uint8_t *mem, *mem_end; /* and what is left of it */
    uint64_t chunk_left; /* run source: bytes of the current chunk not yet read */
    bool stream_done;  /* run source: the current stream's end was read */
    bool broken;       /* run source: the file ended inside a stream */
} source;

static int read_run_varint(source *s, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        int c = getc_unlocked(s->run); /* one thread reads a run */
        if (c == EOF)
            return -1;
        v |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* The next byte of the in-memory source's current stream, or -1 at its end. */
static int memory_byte(source *s)
{
    while (s->mem == s->mem_end) {
        if (!s->mem_slice || !s->mem_slice->next)
            return -1;
        s->mem_slice = s->mem_slice->next;
        s->mem = s->mem_slice->data;
        s->mem_end = s->mem + s->mem_slice->len;
    }
    return *s->mem++;
}

/* The next byte of the source's current stream, or -1 at its end (or when
 * the run file is damaged: then s->broken is set). */
static int stream_byte(source *s)
{
    if (!s->run)
        return memory_byte(s);
    while (s->chunk_left == 0) {
        if (s->stream_done)
            return -1;
        if (read_run_varint(s, &s->chunk_left) != 0) {
            s->broken = s->stream_done = true;
            return -1;
        }
        if (s->chunk_left == 0)
            s->stream_done = true;
    }
    s->chunk_left--;
    int c = getc_unlocked(s->run); /* one thread reads a run */
    if (c == EOF)
        s->broken = s->stream_done = true;
    return c == EOF ? -1 : c;
}

static int stream_varint(source *s, uint64_t *out)
{
    if (!s->run && s->mem_end - s->mem >= SHELF_VARINT_MAX) {
        /* the in-memory source, a whole varint's room left in the slice:
         * decoded here, not byte by byte through stream_byte */
        uint64_t v = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            uint8_t c = *s->mem++;
            v |= (uint64_t)(c & 0x7F) << shift;
            if (!(c & 0x80)) {
                *out = v;
                return 0;
            }
        }
        return -1;
    }
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        int c = stream_byte(s);
        if (c < 0)
            return -1;
        v |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

static int source_advance_run(source *s, shelf_err *err)
{
    while (stream_byte(s) >= 0) /* the rest of a stream not read */
        ;
    int key_len = s->broken ? EOF : getc(s->run);
    if (key_len == 0) {
        s->key_len = 0;
        return SHELF_OK;
    }
    if (key_len == EOF || key_len > SHELF_MAX_KEY_BYTES ||
        fread(s->key, 1, (size_t)key_len, s->run) != (size_t)key_len)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: run file truncated", s->path);
    s->key_len = (size_t)key_len;
    s->chunk_left = 0;
    s->stream_done = false;
    return SHELF_OK;
}

/* How far ahead of the term being written the table's terms are fetched
 * into the cache (their records and first slices, read in key order). */
#define TERMS_AHEAD 8

static int source_advance(source *s, shelf_err *err)
{
    if (s->run)
        return source_advance_run(s, err);
    if (s->next >= s->count) {
        s->key_len = 0;
        return SHELF_OK;
    }
    if (s->next + TERMS_AHEAD < s->count) {
        /* the term a few ahead in key order and the start of its first
         * slice: the table's terms lie at random in the arena */
        const uint8_t *ahead = (const uint8_t *)s->sorted[s->next + TERMS_AHEAD];
        __builtin_prefetch(ahead);
        __builtin_prefetch(ahead + 64);
    }
    term_acc *t = s->sorted[s->next++];
    memcpy(s->key, t->key, t->key_len);
    s->key_len = t->key_len;
    s->mem_slice = first_slice(t);
    s->mem = s->mem_slice->data;
    s->mem_end = s->mem + s->mem_slice->len;
    return SHELF_OK;
}

static int key_compare(const source *a, const source *b)
{
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->key, b->key, n);
    return c ? c : (int)a->key_len - (int)b->key_len;
}

/* ---- sinks: where a merged term goes ----
 *
 * Occurrences reach a sink as (doc, position) in order: docs never
 * decrease, and an occurrence with the doc of the one before continues that
 * document (its postings were split over consecutive runs), so a sink makes
 * one posting of it. */

typedef struct sink sink;
struct sink {
    int (*begin_term)(sink *k, const uint8_t *key, size_t key_len, shelf_err *err);
    int (*occurrence)(sink *k, uint32_t doc, uint32_t pos, shelf_err *err);
    int (*end_term)(sink *k, const uint8_t *key, size_t key_len, shelf_err *err);
};

#define FEED_CHUNK 4096

/* The final merge: postings and dictionary.  A document's positions go to
 * the postings writer in chunks of FEED_CHUNK; its posting is ended when the
 * next document (or the end of the term) comes. */
typedef struct postings_sink {
    sink ops; /* first: a sink * is a postings_sink * */
    shelf_postwriter *post;
    shelf_dictwriter *dict;   /* NULL: the terms' entries go to entries */
    shelf_fwriter *entries;   /* a scratch file of (key, stats) records */
    const uint32_t *const *doc_lengths;
    const uint32_t *lengths; /* of the current term's field */
    uint32_t doc_count;
    uint32_t positions[FEED_CHUNK];
    size_t npos;
    uint32_t doc;
    bool have_doc;
    uint64_t terms;
} postings_sink;

static int postings_flush(postings_sink *f, shelf_err *err)
{
    size_t n = f->npos;
    f->npos = 0;
    return shelf_postwriter_put_positions(f->post, f->positions, n, err);
}

static int postings_end_posting(postings_sink *f, shelf_err *err)
{
    if (!f->have_doc)
        return SHELF_OK;
    f->have_doc = false;
    int rc = postings_flush(f, err);
    return rc == SHELF_OK ? shelf_postwriter_end_posting(f->post, f->doc, f->lengths[f->doc], err) : rc;
}

static int postings_begin_term(sink *k, const uint8_t *key, size_t key_len, shelf_err *err)
{
    postings_sink *f = (postings_sink *)k;
    (void)key_len;
    if (key[0] != SHELF_FIELD_BODY && key[0] != SHELF_FIELD_TITLE_ID)
        return shelf_errf(err, SHELF_ECORRUPT, "unknown field %u in a key", key[0]);
    f->lengths = f->doc_lengths[key[0] == SHELF_FIELD_TITLE_ID ? 2 : 1];
    f->have_doc = false;
    f->npos = 0;
    shelf_postwriter_begin_term(f->post);
    return SHELF_OK;
}

static int postings_occurrence(sink *k, uint32_t doc, uint32_t pos, shelf_err *err)
{
    postings_sink *f = (postings_sink *)k;
    if (!f->have_doc || doc != f->doc) {
        int rc = postings_end_posting(f, err);
        if (rc != SHELF_OK)
            return rc;
        if (doc >= f->doc_count)
            return shelf_errf(err, SHELF_ECORRUPT, "postings name doc %u of %u", doc, f->doc_count);
        f->doc = doc;
        f->have_doc = true;
    }
    f->positions[f->npos++] = pos;
    return f->npos == FEED_CHUNK ? postings_flush(f, err) : SHELF_OK;
}

/* A term's dictionary entry kept for later (the second half of a split
 * finish): key_len:u8, key, then df, cf, post_offset, post_len,
 * pos_offset, pos_len as varints. */
#define ENTRY_MAX_BYTES (1 + SHELF_MAX_KEY_BYTES + 6 * SHELF_VARINT_MAX)

static int put_entry(shelf_fwriter *out, const uint8_t *key, size_t key_len,
                     const shelf_term_stats *st, shelf_err *err)
{
    uint8_t rec[ENTRY_MAX_BYTES];
    size_t n = 0;
    rec[n++] = (uint8_t)key_len;
    memcpy(rec + n, key, key_len);
    n += key_len;
    const uint64_t fields[6] = {st->df, st->cf, st->post_offset, st->post_len, st->pos_offset,
                                st->pos_len};
    for (size_t i = 0; i < 6; i++)
        n += shelf_varint_put(rec + n, fields[i]);
    if (shelf_fw_write(out, rec, n) != SHELF_OK) {
        if (err)
            *err = out->err;
        return out->status;
    }
    return SHELF_OK;
}

static int postings_end_term(sink *k, const uint8_t *key, size_t key_len, shelf_err *err)
{
    postings_sink *f = (postings_sink *)k;
    int rc = postings_end_posting(f, err);
    shelf_term_stats stats;
    if (rc == SHELF_OK)
        rc = shelf_postwriter_end_term(f->post, &stats, err);
    if (rc == SHELF_OK && f->dict)
        rc = shelf_dictwriter_add(f->dict, key, key_len, &stats, err);
    else if (rc == SHELF_OK)
        rc = put_entry(f->entries, key, key_len, &stats, err);
    f->terms++;
    return rc;
}

/* Compaction: the runs merged into one run, streams re-encoded as one. */
typedef struct run_sink {
    sink ops; /* first */
    FILE *f;
    const char *path;
    uint8_t chunk[1 << 16];
    size_t len;
    bool have_doc;
    uint32_t doc, pos;
} run_sink;

static int run_sink_flush(run_sink *r, shelf_err *err)
{
    size_t n = r->len;
    r->len = 0;
    if (put_chunk(r->f, r->chunk, n) != 0)
        return shelf_errno(err, errno, "%s: cannot write run file", r->path);
    return SHELF_OK;
}

static int run_begin_term(sink *k, const uint8_t *key, size_t key_len, shelf_err *err)
{
    run_sink *r = (run_sink *)k;
    r->have_doc = false;
    if (put_key(r->f, key, key_len) != 0)
        return shelf_errno(err, errno, "%s: cannot write run file", r->path);
    return SHELF_OK;
}

static int run_occurrence(sink *k, uint32_t doc, uint32_t pos, shelf_err *err)
{
    run_sink *r = (run_sink *)k;
    if (r->len + 2 * SHELF_VARINT_MAX > sizeof r->chunk && run_sink_flush(r, err) != SHELF_OK)
        return err ? err->code : SHELF_EIO;
    if (r->have_doc && doc == r->doc) {
        if (pos <= r->pos)
            return shelf_errf(err, SHELF_ECORRUPT, "%s: positions out of order", r->path);
        r->len += shelf_varint_put(r->chunk + r->len, (uint64_t)(pos - r->pos - 1) << 1);
    } else {
        int64_t prev = r->have_doc ? (int64_t)r->doc : -1;
        if ((int64_t)doc <= prev)
            return shelf_errf(err, SHELF_ECORRUPT, "%s: documents out of order", r->path);
        r->len += shelf_varint_put(r->chunk + r->len, (uint64_t)pos << 1 | 1);
        r->len += shelf_varint_put(r->chunk + r->len, (uint64_t)((int64_t)doc - prev - 1));
    }
    r->have_doc = true;
    r->doc = doc;
    r->pos = pos;
    return SHELF_OK;
}

static int run_end_term(sink *k, const uint8_t *key, size_t key_len, shelf_err *err)
{
    run_sink *r = (run_sink *)k;
    (void)key;
    (void)key_len;
    int rc = run_sink_flush(r, err);
    if (rc == SHELF_OK && put_varint(r->f, 0) != 0)
        rc = shelf_errno(err, errno, "%s: cannot write run file", r->path);
    return rc;
}

/* ---- the k-way merge ---- */

/* Feed one source's stream of the current term to the sink. */
static int feed_section(source *s, sink *k, shelf_err *err)
{
    int64_t doc = -1;
    uint32_t pos = 0;
    uint64_t v, gap;
    while (stream_varint(s, &v) == 0) {
        if (v & 1) {
            if (stream_varint(s, &gap) != 0 || doc + (int64_t)gap + 1 > UINT32_MAX)
                return shelf_errf(err, SHELF_ECORRUPT, "damaged occurrence stream");
            doc = doc + (int64_t)gap + 1;
            pos = (uint32_t)(v >> 1);
        } else if (doc >= 0) {
            pos = pos + (uint32_t)(v >> 1) + 1;
        } else {
            return shelf_errf(err, SHELF_ECORRUPT, "damaged occurrence stream");
        }
        int rc = k->occurrence(k, (uint32_t)doc, pos, err);
        if (rc != SHELF_OK)
            return rc;
    }
    if (s->broken || (!s->run && s->mem < s->mem_end))
        return shelf_errf(err, SHELF_ECORRUPT, "damaged occurrence stream");
    return SHELF_OK;
}

static int merge_one_term(source *sources, size_t nsrc, const source *min, sink *k, shelf_err *err)
{
    uint8_t key[SHELF_MAX_KEY_BYTES];
    size_t key_len = min->key_len;
    memcpy(key, min->key, key_len);
    int rc = k->begin_term(k, key, key_len, err);
    for (size_t i = 0; rc == SHELF_OK && i < nsrc; i++) { /* runs in the order written, the table last */
        source *s = &sources[i];
        if (s->key_len != key_len || memcmp(s->key, key, key_len) != 0)
            continue;
        rc = feed_section(s, k, err);
        if (rc == SHELF_OK)
            rc = source_advance(s, err);
    }
    return rc == SHELF_OK ? k->end_term(k, key, key_len, err) : rc;
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

static int merge_sources(source *sources, size_t nsrc, sink *k, shelf_err *err)
{
    int rc = SHELF_OK;
    const source *min;
    while (rc == SHELF_OK && (min = smallest_key(sources, nsrc)) != NULL)
        rc = merge_one_term(sources, nsrc, min, k, err);
    return rc;
}

/* Open the run files from run `first` on as sources, and the table as the
 * last one when with_table. */
static int open_sources(shelf_inverter *inv, unsigned first, bool with_table, source *sources,
                        size_t *nsrc, shelf_err *err)
{
    *nsrc = 0;
    for (unsigned i = first; i < inv->runs; i++) {
        source *s = &sources[(*nsrc)++];
        s->stream_done = true; /* nothing to skip before the first key */
        s->path = run_path(inv, i);
        if (!s->path)
            return shelf_errf(err, SHELF_ENOMEM, "out of memory");
        s->run = fopen(s->path, "rb");
        if (!s->run)
            return shelf_errno(err, errno, "%s: cannot reopen run file", s->path);
        if (source_advance(s, err) != SHELF_OK)
            return err ? err->code : SHELF_ECORRUPT;
    }
    if (!with_table)
        return SHELF_OK;
    source *mem = &sources[(*nsrc)++];
    mem->sorted = table_sorted(inv);
    mem->count = inv->term_count;
    return source_advance(mem, err);
}

static void close_sources(source *sources, size_t nsrc)
{
    for (size_t i = 0; i < nsrc; i++) {
        if (sources[i].run)
            fclose(sources[i].run);
        free(sources[i].path);
    }
}

/* Merge the runs from run `first` to the newest into one run of the given
 * level, named as run `first` (the runs stay in the order written, so a
 * merged stream's documents still increase). */
static int merge_runs_from(shelf_inverter *inv, unsigned first, uint8_t level, shelf_err *err)
{
    size_t nsrc = 0;
    source *sources = calloc(inv->runs - first, sizeof *sources);
    run_sink *r = calloc(1, sizeof *r);
    char *path = run_path(inv, inv->runs);
    int rc = sources && r && path ? SHELF_OK : shelf_errf(err, SHELF_ENOMEM, "out of memory merging runs");
    if (rc == SHELF_OK) {
        r->ops = (sink){run_begin_term, run_occurrence, run_end_term};
        r->path = path;
        r->f = fopen(path, "wb");
        if (!r->f)
            rc = shelf_errno(err, errno, "%s: cannot create run file", path);
    }
    if (rc == SHELF_OK)
        rc = open_sources(inv, first, false, sources, &nsrc, err);
    if (rc == SHELF_OK)
        rc = merge_sources(sources, nsrc, &r->ops, err);
    if (sources)
        close_sources(sources, nsrc);
    uint64_t bytes = 0;
    if (r && r->f)
        rc = close_run_file(r->f, path, rc, &bytes, err);
    char *target = rc == SHELF_OK ? run_path(inv, first) : NULL;
    if (rc == SHELF_OK && (!target || rename(path, target) != 0))
        rc = shelf_errno(err, target ? errno : ENOMEM, "%s: cannot rename run file", path);
    for (unsigned i = first + 1; rc == SHELF_OK && i < inv->runs; i++) {
        char *old = run_path(inv, i);
        if (old)
            unlink(old);
        free(old);
    }
    if (rc == SHELF_OK) {
        for (unsigned i = first; i < inv->runs; i++)
            inv->stats.merge_read_bytes += inv->run_bytes[i];
        inv->stats.merge_write_bytes += bytes;
        inv->stats.merges++;
        inv->levels[first] = level;
        inv->run_bytes[first] = bytes;
        inv->runs = first + 1;
    }
    free(target);
    free(path);
    free(r);
    free(sources);
    return rc;
}

/* ---- the final merge when nothing was spilled ----
 *
 * Then the sorted table is the only source, and each term's stream goes
 * straight to the postings writer.  Its positions are copied varint by
 * varint, not decoded, handed over one by one and encoded again: an
 * occurrence's value shifted right once is exactly what .pos holds (the
 * posting's first position, then each gap less one). */

#define TABLE_FEED_BYTES 4096

typedef struct encoded_positions {
    uint8_t bytes[TABLE_FEED_BYTES + SHELF_VARINT_MAX];
    size_t len;
    uint32_t count, last;
} encoded_positions;

static int put_encoded(postings_sink *f, encoded_positions *e, shelf_err *err)
{
    int rc = shelf_postwriter_put_encoded(f->post, e->bytes, e->len, e->count, e->last, err);
    e->len = 0;
    e->count = 0;
    return rc;
}

static int end_table_posting(postings_sink *f, encoded_positions *e, uint32_t doc, shelf_err *err)
{
    int rc = put_encoded(f, e, err);
    return rc == SHELF_OK ? shelf_postwriter_end_posting(f->post, doc, f->lengths[doc], err) : rc;
}

/* The postings of the table source's current term. */
static int table_term_postings(source *s, postings_sink *f, encoded_positions *e, shelf_err *err)
{
    int64_t doc = -1;
    uint64_t v, gap;
    int rc;
    e->len = 0;
    e->count = 0;
    while (stream_varint(s, &v) == 0) {
        if (v & 1) {
            if (doc >= 0 && (rc = end_table_posting(f, e, (uint32_t)doc, err)) != SHELF_OK)
                return rc;
            if (stream_varint(s, &gap) != 0 || doc + (int64_t)gap + 1 > UINT32_MAX)
                return shelf_errf(err, SHELF_ECORRUPT, "damaged occurrence stream");
            doc = doc + (int64_t)gap + 1;
            if (doc >= f->doc_count)
                return shelf_errf(err, SHELF_ECORRUPT, "postings name doc %u of %u",
                                  (uint32_t)doc, f->doc_count);
            e->last = (uint32_t)(v >> 1);
        } else if (doc >= 0) {
            e->last += (uint32_t)(v >> 1) + 1;
        } else {
            return shelf_errf(err, SHELF_ECORRUPT, "damaged occurrence stream");
        }
        e->len += shelf_varint_put(e->bytes + e->len, v >> 1);
        e->count++;
        if (e->len >= TABLE_FEED_BYTES && (rc = put_encoded(f, e, err)) != SHELF_OK)
            return rc;
    }
    if (s->mem < s->mem_end)
        return shelf_errf(err, SHELF_ECORRUPT, "damaged occurrence stream");
    return doc >= 0 ? end_table_posting(f, e, (uint32_t)doc, err) : SHELF_OK;
}

/* The postings of the sorted terms [0, count) into f. */
static int write_table_terms(term_acc **sorted, size_t count, postings_sink *f, shelf_err *err)
{
    source mem = {0};
    encoded_positions *e = malloc(sizeof *e);
    if (!e)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory merging runs");
    mem.sorted = sorted;
    mem.count = count;
    int rc = source_advance(&mem, err);
    while (rc == SHELF_OK && mem.key_len) {
        rc = postings_begin_term(&f->ops, mem.key, mem.key_len, err);
        if (rc == SHELF_OK)
            rc = table_term_postings(&mem, f, e, err);
        if (rc == SHELF_OK)
            rc = postings_end_term(&f->ops, mem.key, mem.key_len, err);
        if (rc == SHELF_OK)
            rc = source_advance(&mem, err);
    }
    free(e);
    return rc;
}

/*
 * A split finish: the second half of the table's terms (in key order) is
 * written by a thread of its own into scratch files (postings, positions,
 * and its terms' dictionary entries, with offsets from 0) while the first
 * half is written as usual; then the scratch postings are appended to the
 * segment's files and the entries added to the dictionary with their
 * offsets shifted by where the first half ended.  The files are the same,
 * byte for byte, as one thread's.  The scratch files are on disk, not in
 * memory, so the budget holds.
 */
#define SPLIT_MIN_TERMS 4096

typedef struct second_half {
    term_acc **sorted;
    size_t count;
    postings_sink sink;
    shelf_postwriter post;
    shelf_fwriter entries;
    int rc;
    shelf_err err;
} second_half;

static void *write_second_half(void *arg)
{
    second_half *h = arg;
    h->rc = write_table_terms(h->sorted, h->count, &h->sink, &h->err);
    return NULL;
}

/* The scratch entries read back in chunks: [at, at + len) of the file is
 * in buf. */
typedef struct entry_reader {
    shelf_fwriter *in;
    uint8_t buf[1 << 16];
    uint64_t at;
    size_t used, len;
} entry_reader;

/* Read the next entry; its key is copied out (the buffer moves on). */
static int read_entry(entry_reader *r, uint8_t *key, size_t *key_len, shelf_term_stats *st,
                      shelf_err *err)
{
    if (r->len - r->used < ENTRY_MAX_BYTES) { /* refill: keep the rest, read more */
        r->at += r->used;
        uint64_t left = r->in->offset - r->at;
        size_t want = left < sizeof r->buf ? (size_t)left : sizeof r->buf;
        int rc = shelf_fw_read_back(r->in, r->at, r->buf, want, err);
        if (rc != SHELF_OK)
            return rc;
        r->used = 0;
        r->len = want;
    }
    const uint8_t *p = r->buf + r->used, *end = r->buf + r->len;
    if (p >= end || (size_t)(end - p) < (size_t)p[0] + 1)
        return shelf_errf(err, SHELF_EIO, "%s: entry cut short", r->in->tmp_path);
    *key_len = p[0];
    memcpy(key, p + 1, *key_len);
    p += 1 + *key_len;
    uint64_t fields[6];
    for (size_t i = 0; i < 6; i++)
        if (shelf_varint_get(&p, end, &fields[i]) != 0)
            return shelf_errf(err, SHELF_EIO, "%s: entry cut short", r->in->tmp_path);
    *st = (shelf_term_stats){0, fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]};
    r->used = (size_t)(p - r->buf);
    return SHELF_OK;
}

/* Append the second half's postings and its entries, shifted. */
static int join_second_half(second_half *h, postings_sink *f, shelf_err *err)
{
    uint64_t post_shift = f->post->post.offset, pos_shift = f->post->pos.offset;
    int rc = shelf_fw_append(&f->post->post, &h->post.post, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_append(&f->post->pos, &h->post.pos, err);
    entry_reader *r = rc == SHELF_OK ? calloc(1, sizeof *r) : NULL;
    if (rc == SHELF_OK && !r)
        rc = shelf_errf(err, SHELF_ENOMEM, "out of memory writing postings");
    if (r)
        r->in = &h->entries;
    uint8_t key[SHELF_MAX_KEY_BYTES];
    while (rc == SHELF_OK && r->at + r->used < h->entries.offset) {
        size_t key_len = 0;
        shelf_term_stats st = {0};
        rc = read_entry(r, key, &key_len, &st, err);
        st.post_offset += post_shift;
        st.pos_offset += pos_shift;
        if (rc == SHELF_OK)
            rc = shelf_dictwriter_add(f->dict, key, key_len, &st, err);
    }
    free(r);
    f->terms += h->sink.terms;
    return rc;
}

/* The bytes of a term's occurrence stream: the lengths of its slices. */
static uint64_t stream_bytes(const term_acc *t)
{
    uint64_t n = 0;
    for (const slice *s = first_slice(t); s; s = s->next)
        n += s->len;
    return n;
}

/* Where to split the sorted terms so that both halves have about as many
 * bytes to write: the stream sizes of every SPLIT_SAMPLE-th term, summed
 * in key order (each chain walked once), then the first sample where the
 * running sum reaches half.  (The terms are not of a size: in key order the
 * body's come before the titles', and a few frequent words hold much of
 * the text.)  By count when out of memory. */
#define SPLIT_SAMPLE 8

static size_t split_point(term_acc **sorted, size_t count)
{
    size_t samples = (count + SPLIT_SAMPLE - 1) / SPLIT_SAMPLE;
    uint64_t *running = malloc(samples * sizeof *running);
    if (!running)
        return count / 2;
    uint64_t total = 0;
    for (size_t k = 0; k < samples; k++)
        running[k] = total += stream_bytes(sorted[k * SPLIT_SAMPLE]) + 1;
    size_t k = 0;
    while (k + 1 < samples && running[k] * 2 < total)
        k++;
    free(running);
    size_t at = k * SPLIT_SAMPLE + 1;
    return at < count ? at : count / 2;
}

static int split_finish(shelf_inverter *inv, term_acc **sorted, postings_sink *f, shelf_err *err)
{
    size_t first = split_point(sorted, inv->term_count);
    second_half *h = calloc(1, sizeof *h);
    if (!h)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory writing postings");
    h->sorted = sorted + first;
    h->count = inv->term_count - first;
    h->sink = *f;
    h->sink.post = &h->post;
    h->sink.dict = NULL;
    h->sink.entries = &h->entries;
    h->entries.fd = -1;
    int rc = shelf_postwriter_open_scratch(&h->post, inv->run_prefix, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_open_scratch(&h->entries, inv->run_prefix, err);
    pthread_t beside;
    bool started = rc == SHELF_OK && pthread_create(&beside, NULL, write_second_half, h) == 0;
    if (rc == SHELF_OK && !started)
        write_second_half(h); /* no thread to be had: in turn */
    if (rc == SHELF_OK)
        rc = write_table_terms(sorted, first, f, err);
    if (started)
        pthread_join(beside, NULL);
    if (rc == SHELF_OK && h->rc != SHELF_OK) {
        *err = h->err;
        rc = h->rc;
    }
    if (rc == SHELF_OK)
        rc = join_second_half(h, f, err);
    shelf_postwriter_close(&h->post);
    shelf_fw_abort(&h->entries);
    free(h);
    return rc;
}

static int finish_from_table(shelf_inverter *inv, postings_sink *f, shelf_err *err)
{
    term_acc **sorted = table_sorted(inv);
    if (inv->split_finish && inv->term_count >= SPLIT_MIN_TERMS) {
        inv->stats.split_finishes++;
        return split_finish(inv, sorted, f, err);
    }
    return write_table_terms(sorted, inv->term_count, f, err);
}

/* After a spill: while the newest SHELF_INVERTER_FAN_IN runs share a level,
 * merge them into one of the next level (levels never rise from the oldest
 * run to the newest, so this is a counter in base FAN_IN); at
 * SHELF_INVERTER_MAX_RUNS runs all the same, merge them all. */
static int merge_full_levels(shelf_inverter *inv, shelf_err *err)
{
    int rc = SHELF_OK;
    while (rc == SHELF_OK && inv->runs >= SHELF_INVERTER_FAN_IN) {
        unsigned first = inv->runs - SHELF_INVERTER_FAN_IN;
        uint8_t level = inv->levels[inv->runs - 1];
        if (inv->levels[first] != level)
            break;
        rc = merge_runs_from(inv, first, (uint8_t)(level + 1), err);
    }
    if (rc == SHELF_OK && inv->runs == SHELF_INVERTER_MAX_RUNS)
        rc = merge_runs_from(inv, 0, (uint8_t)(inv->levels[0] + 1), err);
    return rc;
}

int shelf_inverter_finish(shelf_inverter *inv, shelf_dictwriter *dict, shelf_postwriter *post,
                          const uint32_t *const doc_lengths[3], uint32_t doc_count,
                          uint64_t *term_count, shelf_err *err)
{
    size_t nsrc = 0;
    source *sources = calloc(inv->runs + 1, sizeof *sources);
    postings_sink *f = calloc(1, sizeof *f);
    if (!sources || !f) {
        free(sources);
        free(f);
        return shelf_errf(err, SHELF_ENOMEM, "out of memory merging runs");
    }
    f->ops = (sink){postings_begin_term, postings_occurrence, postings_end_term};
    f->post = post;
    f->dict = dict;
    f->doc_lengths = doc_lengths;
    f->doc_count = doc_count;
    int rc = SHELF_OK;
    if (inv->runs == 0) {
        rc = finish_from_table(inv, f, err);
    } else {
        rc = open_sources(inv, 0, true, sources, &nsrc, err);
        if (rc == SHELF_OK)
            rc = merge_sources(sources, nsrc, &f->ops, err);
        close_sources(sources, nsrc);
    }
    *term_count = f->terms;
    free(sources);
    free(f);
    return rc;
}
