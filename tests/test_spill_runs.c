/*
 * test_spill_runs.c - however small the inverter's budget, and however it
 * changes while documents are added, spilling costs work in proportion to
 * the postings: runs stay large, and merging them re-reads each byte a
 * bounded number of times.  Counted, never timed (shelf_inverter_stats and
 * the commit summary).
 *
 *   - a table grown under a large budget, then the budget lowered (as the
 *     writer does when its path table grows): the next runs still carry
 *     many batches each (the slot arrays shrink with the budget; before,
 *     arrays larger than the new budget left the arena no room and a run
 *     was spilled after every batch of 16 occurrences);
 *   - hundreds of spills: the runs merged on the way write at most once per
 *     merge level (log base SHELF_INVERTER_FAN_IN of the spills) what was
 *     spilled, and the merged postings are byte for byte those of one run
 *     in memory (before, every SHELF_INVERTER_MAX_RUNS runs were merged
 *     again with all the earlier ones: quadratic);
 *   - the index writer with a 1 MiB budget on a few thousand documents with
 *     long paths, the first of many distinct words: the path table pushes
 *     the inverter to its floor after its table has grown, and runs stay
 *     large all the same (the summary's counters); every document's words
 *     are found;
 *   - bytes the caller says it holds for documents on their way
 *     (shelf_indexwriter_note_outside: indexer --threads) shrink the
 *     inverter's share: runs are spilled that would not be without them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analysis/analyzer.h"
#include "backend/native/format.h"
#include "backend/native/index.h"
#include "backend/native/inverter.h"
#include "backend/native/segment.h"
#include "engine/writer.h"
#include "support.h"

/* ---- feeding the inverter ---- */

typedef struct feeder {
    shelf_inverter *inv;
    uint32_t doc;
    shelf_occurrence occ[SHELF_INVERTER_BATCH];
    char terms[SHELF_INVERTER_BATCH][16];
    size_t n;
    uint32_t position;
} feeder;

static void feed_flush(feeder *f)
{
    shelf_err err = {0};
    if (f->n && shelf_inverter_add_batch(f->inv, SHELF_FIELD_BODY, f->occ, f->n, f->doc, &err) != SHELF_OK)
        fail_msg("add_batch: %s", err.msg);
    f->n = 0;
}

static void feed_word(feeder *f, const char *prefix, uint32_t word)
{
    char *t = f->terms[f->n];
    snprintf(t, sizeof f->terms[0], "%s%u", prefix, word);
    size_t len = strlen(t);
    f->occ[f->n] = (shelf_occurrence){(const uint8_t *)t, (uint8_t)len, shelf_term_hash(t, len),
                                      f->position++};
    if (++f->n == SHELF_INVERTER_BATCH)
        feed_flush(f);
}

static void feed_end_doc(feeder *f)
{
    feed_flush(f);
    shelf_err err = {0};
    if (shelf_inverter_end_doc(f->inv, &err) != SHELF_OK)
        fail_msg("end_doc: %s", err.msg);
    f->doc++;
    f->position = 0;
}

/* Word k of document d: a skewed pick from a vocabulary of `vocabulary`. */
static uint32_t pick(uint32_t d, uint32_t k, uint32_t vocabulary)
{
    uint32_t x = (d * 2654435761u) ^ (k * 40503u);
    x ^= x >> 13;
    x *= 0x5bd1e995u;
    x ^= x >> 15;
    return x % 4 == 0 ? x % 16 : x % vocabulary;
}

typedef struct files {
    char *dict, *post, *pos;
    size_t dict_len, post_len, pos_len;
} files;

/* Merges everything into a dictionary and postings named `name` in dir and
 * returns their bytes; *terms receives the number of keys. */
static files finish(shelf_inverter *inv, const char *dir, const char *name, uint32_t docs,
                    uint64_t *terms)
{
    char *dict_path = ts_strf("%s/%s.dict", dir, name), *post_path = ts_strf("%s/%s.post", dir, name),
         *pos_path = ts_strf("%s/%s.pos", dir, name);
    uint32_t *lengths = calloc(docs, sizeof *lengths);
    for (uint32_t d = 0; d < docs; d++)
        lengths[d] = 100;
    const uint32_t *doc_lengths[3] = {NULL, lengths, lengths};
    shelf_dictwriter dict;
    shelf_postwriter post;
    shelf_err err = {0};
    assert_int_equal(shelf_dictwriter_open(&dict, dict_path, &err), SHELF_OK);
    assert_int_equal(shelf_postwriter_open(&post, post_path, pos_path, &err), SHELF_OK);
    if (shelf_inverter_finish(inv, &dict, &post, doc_lengths, docs, terms, &err) != SHELF_OK)
        fail_msg("finish: %s", err.msg);
    assert_int_equal(shelf_dictwriter_finish(&dict, &err), SHELF_OK);
    assert_int_equal(shelf_postwriter_finish(&post, &err), SHELF_OK);
    files out;
    char *p;
    out.dict = ts_read_file(p = ts_strf("%s.tmp", dict_path), &out.dict_len), free(p);
    out.post = ts_read_file(p = ts_strf("%s.tmp", post_path), &out.post_len), free(p);
    out.pos = ts_read_file(p = ts_strf("%s.tmp", pos_path), &out.pos_len), free(p);
    assert_non_null(out.dict);
    assert_non_null(out.post);
    assert_non_null(out.pos);
    shelf_dictwriter_close(&dict);
    shelf_postwriter_close(&post);
    free(lengths);
    free(dict_path), free(post_path), free(pos_path);
    return out;
}

static void files_free(files *f)
{
    free(f->dict), free(f->post), free(f->pos);
}

/* ---- a budget lowered after the table grew ---- */

#define GROWN_TERMS 120000u /* slot arrays of 3 MiB */
#define LOWERED_DOCS 2000u
#define LOWERED_TOKENS 50u

static void test_lowered_budget_keeps_runs_large(void **state)
{
    (void)state;
    char *dir = ts_mkdtemp();
    char *prefix = ts_strf("%s/low.", dir);
    shelf_err err = {0};
    feeder f = {.inv = shelf_inverter_new(prefix, (size_t)16 << 20, &err)};
    assert_non_null(f.inv);
    for (uint32_t i = 0; i < GROWN_TERMS; i++)
        feed_word(&f, "g", i);
    feed_end_doc(&f);
    assert_int_equal(shelf_inverter_runs(f.inv), 0); /* all of it in memory */
    shelf_inverter_set_budget(f.inv, (size_t)2 << 20);
    for (uint32_t d = 0; d < LOWERED_DOCS; d++) {
        for (uint32_t k = 0; k < LOWERED_TOKENS; k++)
            feed_word(&f, "w", pick(d, k, 3000));
        feed_end_doc(&f);
    }
    shelf_inverter_stats st;
    shelf_inverter_get_stats(f.inv, &st);
    print_message("budget 16 -> 2 MiB: %u runs (%llu bytes) for %u batches after\n", st.spills,
                  (unsigned long long)st.spill_bytes, LOWERED_DOCS * ((LOWERED_TOKENS + 15) / 16));
    /* the grown table's terms spill once; then about 0.5 MB of postings,
     * which fit in a run of a 2 MiB budget (before: one run per batch,
     * 8,000) */
    assert_true(st.spills >= 1);
    assert_true(st.spills <= 3);
    uint64_t terms = 0;
    files out = finish(f.inv, dir, "low", f.doc, &terms);
    assert_true(terms > GROWN_TERMS + 2000);
    files_free(&out);
    shelf_inverter_free(f.inv);
    ts_rmtree(dir);
    free(prefix);
    free(dir);
}

/* ---- many spills: merging them is bounded ---- */

#define MANY_DOCS 80000u
#define MANY_TOKENS 40u

/* Inverts the MANY_DOCS documents within budget; *st receives the stats. */
static files invert_many(const char *dir, const char *name, size_t budget, shelf_inverter_stats *st,
                         uint64_t *terms)
{
    char *prefix = ts_strf("%s/%s.", dir, name);
    shelf_err err = {0};
    feeder f = {.inv = shelf_inverter_new(prefix, budget, &err)};
    assert_non_null(f.inv);
    for (uint32_t d = 0; d < MANY_DOCS; d++) {
        for (uint32_t k = 0; k < MANY_TOKENS; k++)
            feed_word(&f, "w", pick(d, k, 800));
        feed_end_doc(&f);
    }
    shelf_inverter_get_stats(f.inv, st);
    files out = finish(f.inv, dir, name, f.doc, terms);
    shelf_inverter_free(f.inv);
    free(prefix);
    return out;
}

/* How many times a spilled byte may be written again: once per level of
 * merging, a level for each factor of SHELF_INVERTER_FAN_IN in the spills. */
static unsigned merge_levels(unsigned spills)
{
    unsigned levels = 0;
    for (unsigned n = spills; n >= SHELF_INVERTER_FAN_IN; n /= SHELF_INVERTER_FAN_IN)
        levels++;
    return levels;
}

static void test_many_spills_merge_in_levels(void **state)
{
    (void)state;
    char *dir = ts_mkdtemp();
    shelf_inverter_stats small, large;
    uint64_t small_terms = 0, large_terms = 0;
    files spilled = invert_many(dir, "small", (size_t)128 << 10, &small, &small_terms);
    files memory = invert_many(dir, "large", (size_t)256 << 20, &large, &large_terms);
    unsigned levels = merge_levels(small.spills);
    print_message("%u spills (%llu bytes), %u merges: %llu bytes read, %llu written; %u levels\n",
                  small.spills, (unsigned long long)small.spill_bytes, small.merges,
                  (unsigned long long)small.merge_read_bytes,
                  (unsigned long long)small.merge_write_bytes, levels);
    assert_int_equal(large.spills, 0);
    assert_true(small.spills >= 200); /* enough for the old scheme's repeats to show */
    assert_true(small.merges >= 1);
    assert_true(small.merge_write_bytes <= levels * small.spill_bytes);
    /* a merge reads spilled runs, or runs an earlier merge wrote */
    assert_true(small.merge_read_bytes <= small.spill_bytes + small.merge_write_bytes);
    assert_int_equal(small_terms, large_terms);
    assert_int_equal(spilled.dict_len, memory.dict_len);
    assert_memory_equal(spilled.dict, memory.dict, memory.dict_len);
    assert_int_equal(spilled.post_len, memory.post_len);
    assert_memory_equal(spilled.post, memory.post, memory.post_len);
    assert_int_equal(spilled.pos_len, memory.pos_len);
    assert_memory_equal(spilled.pos, memory.pos, memory.pos_len);
    files_free(&spilled);
    files_free(&memory);
    ts_rmtree(dir);
    free(dir);
}

/* ---- the index writer: the path table pushes the inverter to its floor ---- */

#define WRITER_DOCS 5000u
#define FIRST_DOC_WORDS 6000u
#define WRITER_BUDGET ((size_t)1 << 20)

static void word_of(uint32_t i, char out[7])
{
    static const char letters[] = "bcdfghjkmnpqrtvz"; /* no stemmer changes these */
    for (int k = 5; k >= 0; k--, i /= 16)
        out[k] = letters[i % 16];
    out[6] = '\0';
}

/* Document 0: FIRST_DOC_WORDS distinct words; the others a few shared words
 * and two of their own. */
static char *writer_text(uint32_t d, size_t *len)
{
    ts_sbuf b = {0};
    char w[7];
    if (d == 0) {
        for (uint32_t i = 0; i < FIRST_DOC_WORDS; i++) {
            word_of(100000 + i, w);
            ts_sb_add(&b, w);
            ts_sb_add(&b, " ");
        }
    }
    for (uint32_t k = 0; k < 30; k++) {
        word_of(pick(d, k, 2000), w);
        ts_sb_add(&b, w);
        ts_sb_add(&b, " ");
    }
    word_of(200000 + 2 * d, w);
    ts_sb_add(&b, w);
    ts_sb_add(&b, " ");
    word_of(200000 + 2 * d + 1, w);
    ts_sb_add(&b, w);
    ts_sb_add(&b, "\n");
    *len = b.n;
    return ts_sb_take(&b);
}

static void expect_doc(const shelf_segment *s, uint32_t d, uint32_t word)
{
    char w[7];
    word_of(word, w);
    uint8_t key[8];
    key[0] = SHELF_FIELD_BODY;
    memcpy(key + 1, w, 6);
    shelf_term_stats st;
    shelf_err err = {0};
    if (shelf_segment_lookup(s, key, 7, &st, &err) != SHELF_OK)
        fail_msg("word %s of document %u not in the index: %s", w, d, err.msg);
    assert_int_equal(st.df, 1);
}

/* Opens a native writer on dir/index under a budget of budget bytes. */
static shelf_indexwriter *open_writer(const char *index, size_t budget)
{
    shelf_writer_opts wo = {.language = "english", .memory_budget = budget};
    shelf_err err = {0};
    shelf_indexwriter *w = shelf_indexwriter_open(index, &wo, &err);
    if (!w)
        fail_msg("open: %s", err.msg);
    return w;
}

/* Adds writer_text's documents first..last, each at /shelf/[folder/]NNNNNN.txt
 * (folder NULL: none); with outside not NULL, tells the writer before each
 * that *outside bytes are held for documents on their way.  Returns the
 * tokens added. */
static uint64_t add_writer_docs(shelf_indexwriter *w, uint32_t first, uint32_t last,
                                const char *folder, const size_t *outside)
{
    uint64_t tokens = 0;
    shelf_err err = {0};
    for (uint32_t d = first; d <= last; d++) {
        size_t len;
        char *text = writer_text(d, &len);
        char *path = folder ? ts_strf("/shelf/%s/%06u.txt", folder, d) : ts_strf("/shelf/%06u.txt", d);
        shelf_doc_input in = {.path = path, .title = "t", .title_len = 1, .text = text,
                              .text_len = len, .size = len};
        if (outside)
            shelf_indexwriter_note_outside(w, *outside);
        shelf_doc_report rep;
        if (shelf_indexwriter_add(w, &in, &rep, &err) != SHELF_OK)
            fail_msg("add %u: %s", d, err.msg);
        tokens += rep.tokens;
        free(path);
        free(text);
    }
    return tokens;
}

/* Commits and frees the writer; returns what the commit reports. */
static shelf_commit_summary commit_writer(shelf_indexwriter *w)
{
    shelf_commit_summary sum;
    shelf_err err = {0};
    if (shelf_indexwriter_commit(w, &sum, &err) != SHELF_OK)
        fail_msg("commit: %s", err.msg);
    shelf_indexwriter_free(w);
    return sum;
}

static void test_writer_floor_keeps_runs_large(void **state)
{
    (void)state;
    char *dir = ts_mkdtemp();
    char *index = ts_strf("%s/index", dir);
    shelf_indexwriter *w = open_writer(index, WRITER_BUDGET);
    char pad[201];
    memset(pad, 'p', 200);
    pad[200] = '\0';
    uint64_t tokens = add_writer_docs(w, 0, WRITER_DOCS - 1, pad, NULL);
    shelf_commit_summary sum = commit_writer(w);
    const shelf_segment_summary *seg = &sum.segment;
    print_message("%u documents, %llu tokens under 1 MiB: %u runs of %llu bytes, %u merges (%llu "
                  "bytes)\n",
                  WRITER_DOCS, (unsigned long long)tokens, seg->runs,
                  (unsigned long long)seg->run_bytes, seg->run_merges,
                  (unsigned long long)seg->run_merge_bytes);
    /* A run per few hundred documents at the floor (before: one per batch of
     * 16 tokens, over 10,000), and merged in levels. */
    assert_true(seg->runs >= 2);
    assert_true(seg->runs <= tokens / 1000);
    assert_true(seg->run_merge_bytes <= merge_levels(seg->runs) * seg->run_bytes);
    shelf_index *idx;
    shelf_err err = {0};
    if (shelf_index_open(&idx, index, SHELF_OPEN_VERIFY, &err) != SHELF_OK)
        fail_msg("open %s: %s", index, err.msg);
    const shelf_segment *s = shelf_index_segment(idx, 0);
    assert_int_equal(shelf_segment_doc_count(s), WRITER_DOCS);
    expect_doc(s, 0, 100000);
    expect_doc(s, 0, 100000 + FIRST_DOC_WORDS - 1);
    for (uint32_t d = 0; d < WRITER_DOCS; d += 499)
        expect_doc(s, d, 200000 + 2 * d + 1);
    expect_doc(s, WRITER_DOCS - 1, 200000 + 2 * (WRITER_DOCS - 1));
    shelf_index_close(idx);
    ts_rmtree(dir);
    free(index);
    free(dir);
}

/* ---- bytes held outside the writer count against its budget ---- */

/* Indexes 2,000 small documents under an 8 MiB budget, telling the writer
 * before each that `outside` bytes are held for documents on their way;
 * returns the runs spilled. */
static unsigned runs_with_outside(size_t outside)
{
    char *dir = ts_mkdtemp();
    char *index = ts_strf("%s/index", dir);
    shelf_indexwriter *w = open_writer(index, (size_t)8 << 20);
    add_writer_docs(w, 1, 2000, NULL, &outside);
    shelf_commit_summary sum = commit_writer(w);
    ts_rmtree(dir);
    free(index);
    free(dir);
    return sum.segment.runs;
}

static void test_outside_bytes_counted(void **state)
{
    (void)state;
    unsigned alone = runs_with_outside(0), shared = runs_with_outside((size_t)6 << 20);
    print_message("8 MiB budget: %u runs, %u with 6 MiB held outside\n", alone, shared);
    assert_int_equal(alone, 0);
    assert_true(shared >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lowered_budget_keeps_runs_large),
        cmocka_unit_test(test_many_spills_merge_in_levels),
        cmocka_unit_test(test_writer_floor_keeps_runs_large),
        cmocka_unit_test(test_outside_bytes_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
