/* index_walk.c - reading all of an open, possibly damaged, index; see
 * index_walk.h. */
#include "index_walk.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/analyzer.h"
#include "fuzz.h"
#include "present/snippets.h"
#include "query/parse.h"
#include "query/plan.h"
#include "query/search.h"
#include "backend/native/index_stats.h"
#include "backend/native/search.h"
#include "util/buf.h"

#define MAX_POSITIONS (1u << 16)
#define LOOKUP_EVERY 4
#define DF_EVERY 8
#define SEEK_STEPS 8
#define HITS 3
#define NOTES_BYTES 256
#define QUERY "nato alliance \"military diplomacy\" defen* title:nato OR (command NEAR/5 policy)"

typedef struct walker {
    const char *target;
    const shelf_index *idx;
    uint32_t *positions;
    size_t cap;
} walker;

/* ---- postings ---- */

static void read_positions(walker *w, shelf_postings *p)
{
    uint32_t tf = shelf_postings_tf_checked(p, NULL);
    if (tf == 0 || tf > MAX_POSITIONS)
        return;
    if (tf > w->cap) {
        free(w->positions);
        w->positions = malloc(tf * sizeof *w->positions);
        fuzz_require(w->positions != NULL, w->target, "out of memory");
        w->cap = tf;
    }
    shelf_postings_positions(p, w->positions, NULL);
}

static void walk_next(walker *w, const shelf_segment *s, const shelf_term_stats *t)
{
    shelf_postings p;
    if (shelf_postings_open(&p, s, t, NULL) != SHELF_OK)
        return;
    shelf_postings_max_tfn(&p, SHELF_DEFAULT_B, 1.0);
    uint64_t count = 0;
    uint32_t prev = 0;
    for (uint32_t d = p.doc; d != SHELF_DOC_END; d = shelf_postings_next(&p)) {
        fuzz_require(++count <= t->df, w->target, "a posting list yields more than df documents");
        fuzz_require(count == 1 || d > prev, w->target, "postings not in increasing order");
        prev = d;
        read_positions(w, &p);
    }
}

/* Advance past the current document each step (sometimes past one more):
 * at most df steps, never backwards, never short of the target. */
static void walk_advance(walker *w, const shelf_segment *s, const shelf_term_stats *t)
{
    shelf_postings p;
    if (shelf_postings_open(&p, s, t, NULL) != SHELF_OK)
        return;
    for (uint64_t steps = 0; p.doc != SHELF_DOC_END && p.doc < UINT32_MAX - 2; steps++) {
        fuzz_require(steps < t->df, w->target, "advance yields more than df documents");
        uint32_t before = p.doc;
        fuzz_require(shelf_postings_advance(&p, before) == before, w->target,
                     "advance to the current document moved");
        uint32_t target = before + 1 + (uint32_t)(steps & 1);
        uint32_t d = shelf_postings_advance(&p, target);
        fuzz_require(d == SHELF_DOC_END || d >= target, w->target, "advance stopped short");
        if (d != SHELF_DOC_END)
            read_positions(w, &p);
    }
}

static void walk_term(walker *w, const shelf_segment *s, const shelf_term_stats *t)
{
    walk_next(w, s, t);
    walk_advance(w, s, t);
}

/* ---- dictionary ---- */

static void walk_dictionary(walker *w, const shelf_segment *s)
{
    shelf_dict_iter it;
    if (shelf_dict_seek(&it, s, (const uint8_t *)"", 0, NULL) != SHELF_OK)
        return;
    uint64_t n = 0;
    while (shelf_dict_next(&it, NULL) == 1) {
        fuzz_require(++n <= shelf_segment_term_count(s), w->target,
                     "the dictionary yields more terms than it holds");
        fuzz_require(it.key_len <= SHELF_MAX_KEY_BYTES, w->target, "key longer than the maximum");
        walk_term(w, s, &it.stats);
        uint8_t key[SHELF_MAX_KEY_BYTES];
        size_t key_len = it.key_len;
        memcpy(key, it.key, key_len);
        shelf_term_stats t;
        if (n % LOOKUP_EVERY == 0 && shelf_segment_lookup(s, key, key_len, &t, NULL) == SHELF_OK)
            walk_term(w, s, &t);
        uint64_t df;
        if (n % DF_EVERY == 0)
            shelf_index_df(w->idx, key, key_len, &df, NULL);
    }
}

static void walk_seeks(const shelf_segment *s)
{
    static const char *const keys[] = {"\001n", "\001nato", "\002", "\001zzzz", "\001", "\377"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        shelf_dict_iter it;
        if (shelf_dict_seek(&it, s, (const uint8_t *)keys[i], strlen(keys[i]), NULL) != SHELF_OK)
            continue;
        for (int k = 0; k < SEEK_STEPS && shelf_dict_next(&it, NULL) == 1; k++)
            ;
    }
}

/* ---- documents ---- */

/* Read every byte (AddressSanitizer checks the bounds). */
static unsigned touch(const char *p, size_t len)
{
    volatile unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += (unsigned char)p[i];
    return sum;
}

static void walk_stored(walker *w, const shelf_segment *s, uint32_t d)
{
    shelf_buf text = SHELF_BUF_INIT, cps = SHELF_BUF_INIT;
    shelf_layout layout = SHELF_LAYOUT_INIT;
    if (shelf_segment_stored(s, d, &text, &cps, &layout, NULL) == SHELF_OK) {
        fuzz_require(text.data && text.data[text.len] == '\0', w->target,
                     "stored text not NUL-terminated");
        for (size_t i = 0; i + sizeof(uint64_t) <= cps.len; i += sizeof(uint64_t)) {
            uint64_t cp;
            memcpy(&cp, cps.data + i, sizeof cp);
            fuzz_require(cp <= text.len, w->target, "checkpoint past the stored text");
        }
        fuzz_check_decoded_layout(w->target, &layout, text.len);
    }
    shelf_segment_text(s, d, &text, NULL, NULL);
    shelf_layout_free(&layout);
    shelf_buf_free(&text);
    shelf_buf_free(&cps);
}

static void walk_documents(walker *w, size_t seg)
{
    const shelf_segment *s = shelf_index_segment(w->idx, seg);
    const shelf_deletions *del = shelf_index_deletions(w->idx, seg);
    uint32_t count = shelf_segment_doc_count(s);
    for (uint32_t d = 0; d <= count; d++) {
        shelf_docmeta m;
        if (shelf_segment_doc(s, d, &m, NULL) == SHELF_OK) {
            touch(m.path, m.path_len);
            touch(m.title, m.title_len);
        }
        shelf_segment_doc_length(s, d);
        shelf_segment_title_length(s, d);
        shelf_deleted(del, d);
        walk_stored(w, s, d);
    }
}

/* ---- search and snippets ---- */

static shelf_analyzer *english;

static void free_english(void)
{
    shelf_analyzer_free(english);
    english = NULL;
}

static shelf_analyzer *english_analyzer(const char *target)
{
    if (!english) {
        english = shelf_analyzer_new("english", NULL);
        fuzz_require(english != NULL, target, "cannot create the analyzer");
        atexit(free_english);
    }
    return english;
}

static void check_snippets(walker *w, const shelf_plan *plan, const shelf_hit *hit)
{
    shelf_buf text = SHELF_BUF_INIT;
    shelf_passages ps;
    shelf_passage_opts po = {SHELF_DEFAULT_PASSAGES, SHELF_DEFAULT_WIDTH, 0, false};
    if (shelf_snippets_for_hit(w->idx, hit, plan, english_analyzer(w->target), &po, &text, &ps,
                               NULL) != SHELF_OK) {
        shelf_buf_free(&text);
        return;
    }
    for (size_t i = 0; i < ps.count; i++) {
        const shelf_passage *p = &ps.at[i];
        fuzz_require(p->start <= p->end && p->end <= text.len, w->target,
                     "passage outside the stored text");
        for (size_t k = 0; k < p->nhighlights; k++)
            fuzz_require(p->highlights[k].from <= p->highlights[k].to &&
                             p->highlights[k].to <= p->end - p->start, w->target,
                         "highlight outside its passage");
    }
    shelf_passages_free(&ps);
    shelf_buf_free(&text);
}

static void walk_search(walker *w)
{
    if (strcmp(shelf_index_language(w->idx), "english") != 0)
        return;
    shelf_parse_opts po = {false};
    int column;
    shelf_qnode *tree = shelf_query_parse(QUERY, &po, NULL, &column);
    fuzz_require(tree != NULL, w->target, "the walk's query does not parse");
    char notes[NOTES_BYTES];
    shelf_plan *plan = shelf_plan_for_index(w->idx, english_analyzer(w->target), tree, notes,
                                        sizeof notes, NULL, &column);
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.k = HITS;
    shelf_results r;
    if (plan && shelf_search(w->idx, plan, &o, &r, NULL) == SHELF_OK) {
        for (size_t i = 0; i < r.count; i++)
            check_snippets(w, plan, &r.hits[i]);
        shelf_results_free(&r);
    }
    shelf_plan_free(plan);
    shelf_query_free(tree);
}

/* ---- the whole index ---- */

void fuzz_walk_index(const char *target, const shelf_index *idx)
{
    walker w = {target, idx, NULL, 0};
    shelf_index_doc_count(idx);
    shelf_index_total_tokens(idx);
    shelf_index_total_title_tokens(idx);
    shelf_index_numbered(idx);
    for (size_t i = 0; i < shelf_index_segment_count(idx); i++) {
        const shelf_segment *s = shelf_index_segment(idx, i);
        shelf_index_base(idx, i);
        walk_seeks(s);
        walk_dictionary(&w, s);
        walk_documents(&w, i);
    }
    shelf_check_report report;
    shelf_index_check(idx, &report, NULL);
    walk_search(&w);
    free(w.positions);
}
