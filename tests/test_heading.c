/*
 * test_heading.c - the heading part of the score (extract/headings.h,
 * backend/heading_spans.h, query/heading.h, backend/native/rescore.h):
 *   - the rule lists a document's headings, and they are the very headings
 *     the section rule of passages finds (one rule, two users);
 *   - a structured layout (HTML) gives its markup's headings only;
 *   - headings become token spans while the body is analysed; their stored
 *     form reads back, and damaged forms are refused;
 *   - the match on hand-made positions: coverage, the best span, no span;
 *   - on a tiny index: a document whose "## Lexical scoping" heading holds
 *     the query loses to one with the words scattered twice as often on
 *     BM25F alone, and wins with H = 2 (also for a one-word query, whose
 *     coverage of the two-word heading is 1/2);
 *   - H = 0 gives exactly the scores without the heading part, and no
 *     "heading" line in --explain; with H > 0 the explained parts add up;
 *   - a merge keeps the spans.
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
#include <math.h>

#include "backend/analyzed.h"
#include "backend/heading_spans.h"
#include "backend/native/index.h"
#include "backend/native/index_stats.h"
#include "backend/native/rescore.h"
#include "backend/native/search.h"
#include "engine/writer.h"
#include "extract/extract.h"
#include "extract/headings.h"
#include "extract/paragraphs.h"
#include "present/section.h"
#include "query/heading.h"
#include "query/parse.h"
#include "query/plan.h"
#include "query/search.h"
#include "support.h"
#include "support_index.h"

#define EPS 1e-12

/* ---- the rule ---- */

static const char *PLAIN =
    "Intro\n"
    "\n"
    "A first paragraph that runs on for a while and ends in a full stop.\n"
    "\n"
    "## Lexical scoping\n"
    "\n"
    "Body text of the section, long enough to be no heading at all, ending here.\n"
    "\n"
    "Setext heading\n"
    "==============\n"
    "\n"
    "By Jane Doe\n"
    "\n"
    "More text.\n";

static void test_rule_lists_the_sections_headings(void **state)
{
    (void)state;
    size_t len = strlen(PLAIN);
    shelf_heading_list l = {0};
    assert_int_equal(shelf_document_headings(PLAIN, len, NULL, &l), SHELF_OK);
    const char *want[] = {"Intro", "Lexical scoping", "Setext heading"}; /* not the byline */
    assert_int_equal(l.n, 3);
    bool by_lines = shelf_one_paragraph_per_line(PLAIN, len, NULL);
    for (size_t i = 0; i < l.n; i++) {
        assert_int_equal(l.at[i].len, strlen(want[i]));
        assert_memory_equal(PLAIN + l.at[i].start, want[i], l.at[i].len);
        size_t start, n;
        shelf_section_of(PLAIN, len, (size_t)l.at[i].start, 0, by_lines, &start, &n);
        assert_int_equal(start, l.at[i].start); /* the section rule finds the same heading */
        assert_int_equal(n, l.at[i].len);
    }
    shelf_heading_list_free(&l);
}

/* A layout that is not structured adds its headings to the rule's, in order. */
static void test_rule_merges_layout_headings(void **state)
{
    (void)state;
    size_t len = strlen(PLAIN);
    const char *body = strstr(PLAIN, "Body text");
    shelf_layout layout = SHELF_LAYOUT_INIT;
    assert_int_equal(shelf_layout_add_page(&layout, 0), SHELF_OK);
    assert_int_equal(shelf_layout_add_heading(&layout, (uint64_t)(body - PLAIN), 9, 2), SHELF_OK);
    shelf_heading_list l = {0};
    assert_int_equal(shelf_document_headings(PLAIN, len, &layout, &l), SHELF_OK);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.at[2].start, (uint64_t)(body - PLAIN));
    for (size_t i = 1; i < l.n; i++)
        assert_true(l.at[i - 1].start < l.at[i].start);
    shelf_heading_list_free(&l);
    shelf_layout_free(&layout);
}

/* HTML: the markup's headings only; a short paragraph is no heading. */
static void test_structured_layout_is_the_markup(void **state)
{
    (void)state;
    char *tmp = ts_mkdtemp();
    const char *html = "<html><head><title>Notes</title></head><body>"
                       "<p>Short line</p><h2>Lexical scoping</h2>"
                       "<p>Some text under the heading, in a paragraph.</p></body></html>";
    char *path = ts_write_file(tmp, "a.html", html, strlen(html));
    shelf_extracted ex = {0};
    shelf_err err = {0};
    assert_int_equal(shelf_extract_file(path, &ex, &err), SHELF_OK);
    assert_true(ex.layout.structured);
    shelf_heading_list l = {0};
    assert_int_equal(shelf_document_headings(ex.text, ex.len, &ex.layout, &l), SHELF_OK);
    assert_int_equal(l.n, 1);
    assert_memory_equal(ex.text + l.at[0].start, "Lexical scoping", 15);
    shelf_heading_list_free(&l);
    shelf_extracted_free(&ex);
    free(path);
    ts_rmtree(tmp);
    free(tmp);
}

/* ---- spans ---- */

static size_t decode_all(const shelf_buf *b, shelf_token_span *out, size_t cap)
{
    shelf_span_cursor c;
    assert_int_equal(shelf_span_cursor_init(&c, b->data, b->len), 0);
    size_t n = 0;
    int got;
    while ((got = shelf_span_next(&c, &out[n < cap ? n : cap - 1])) == 1)
        n++;
    assert_int_equal(got, 0);
    return n;
}

static void test_spans_of_an_analysed_document(void **state)
{
    (void)state;
    shelf_err err = {0};
    shelf_analyzer *a = shelf_analyzer_new("english", &err);
    assert_non_null(a);
    shelf_analyzed an = {0};
    assert_int_equal(shelf_analyze_document(a, PLAIN, strlen(PLAIN), "Intro", 5, NULL, &an), SHELF_OK);
    shelf_token_span s[8];
    size_t n = decode_all(&an.headings, s, 8);
    assert_int_equal(n, 3);
    /* Intro = 0; "A first ... stop" = 1..15; "Lexical scoping" = 16, 17 */
    assert_int_equal(s[0].start, 0);
    assert_int_equal(s[0].end, 1);
    assert_int_equal(s[1].start, 16);
    assert_int_equal(s[1].end, 18);
    assert_int_equal(s[2].end - s[2].start, 2); /* "Setext heading" */
    assert_int_equal(shelf_span_check(an.headings.data, an.headings.len, an.body_tokens), 0);
    assert_int_equal(shelf_span_check(an.headings.data, an.headings.len, s[2].end - 1), -1);
    /* no headings: nothing stored */
    const char *flat = "just one line of words without any heading at all, in one sentence.";
    assert_int_equal(shelf_analyze_document(a, flat, strlen(flat), "", 0, NULL, &an), SHELF_OK);
    assert_int_equal(an.headings.len, 0);
    shelf_analyzed_free(&an);
    shelf_analyzer_free(a);
}

static void test_damaged_spans_are_refused(void **state)
{
    (void)state;
    static const struct {
        uint8_t bytes[6];
        size_t len;
        uint32_t tokens;
        int want;
    } cases[] = {
        {{1, 5, 3}, 3, 8, 0},          /* [5, 8) */
        {{1, 5, 3}, 3, 7, -1},         /* ends past the body */
        {{0}, 1, 9, -1},               /* a count of 0 is written as nothing */
        {{1, 0, 0}, 3, 9, -1},         /* a span without tokens */
        {{2, 0, 1, 0, 1}, 5, 9, -1},   /* the same span twice */
        {{2, 0, 1}, 3, 9, -1},         /* truncated */
        {{1, 0, 1, 9}, 4, 9, -1},      /* bytes after the last span */
        {{2, 0, 1, 1, 1}, 5, 9, 0},    /* [0, 1) and [1, 2) */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (shelf_span_check(cases[i].bytes, cases[i].len, cases[i].tokens) != cases[i].want)
            fail_msg("case %zu: want %d", i, cases[i].want);
    assert_int_equal(shelf_span_check(NULL, 0, 0), 0);
}

/* ---- the match ---- */

static void test_match_coverage_and_best_span(void **state)
{
    (void)state;
    uint32_t a[] = {2, 10, 31}, b[] = {11, 30};
    shelf_word_positions w[] = {{a, 3}, {b, 2}};
    double idf[] = {2.5, 0.4};
    shelf_heading_match m;
    shelf_heading_begin(&m, w, idf, 2);
    shelf_heading_offer(&m, (shelf_token_span){0, 5});   /* a only */
    shelf_heading_offer(&m, (shelf_token_span){9, 13});  /* both: 2 of 4 tokens */
    shelf_heading_offer(&m, (shelf_token_span){12, 20}); /* neither */
    shelf_heading_offer(&m, (shelf_token_span){30, 32}); /* both: 2 of 2 */
    shelf_heading_parts p = shelf_heading_end(&m);
    assert_true(fabs(p.coverage - 1.0) < EPS);
    assert_int_equal(p.tokens, 2);
    assert_true(fabs(p.score - (1.0 + 0.4)) < EPS); /* min(1, idf) each */

    shelf_heading_begin(&m, w, idf, 2);
    shelf_heading_offer(&m, (shelf_token_span){9, 13});
    p = shelf_heading_end(&m);
    assert_true(fabs(p.coverage - 0.5) < EPS);
    assert_true(fabs(p.score - 0.5 * 1.4) < EPS);

    shelf_heading_begin(&m, w, idf, 2);
    shelf_heading_offer(&m, (shelf_token_span){0, 5});
    shelf_heading_offer(&m, (shelf_token_span){12, 20});
    p = shelf_heading_end(&m);
    assert_true(p.score == 0 && p.tokens == 0);
}

/* ---- on an index ---- */

typedef ts_index fixture;

static const char *filler = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do";

/* doc 0: "## Lexical scoping" then filler; doc 1: the same length, both
 * words twice in one paragraph; docs 2..9 filler.  Two commits (doc 0..4,
 * 5..9), merged into one segment when merge. */
static void build(fixture *fx, bool merge)
{
    char *texts[10];
    texts[0] = ts_strf("Notes\n\n## Lexical scoping\n\n%s %s %s %s.\n", filler, filler, filler, filler);
    texts[1] = ts_strf("Notes\n\nlexical %s %s scoping %s lexical %s scoping.\n", filler, filler, filler,
                       filler);
    for (int i = 2; i < 10; i++)
        texts[i] = ts_strf("Other %d\n\n%s %s.\n", i, filler, filler);
    ts_index_build(fx, texts, 10, 5, merge);
    for (int i = 0; i < 10; i++)
        free(texts[i]);
    assert_int_equal(shelf_index_segment_count(fx->idx), merge ? 1 : 2);
}

static int setup_with(void **state, bool merge)
{
    fixture *fx = calloc(1, sizeof *fx);
    build(fx, merge);
    *state = fx;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, false);
}

static int setup_merged(void **state)
{
    return setup_with(state, true);
}

static int teardown(void **state)
{
    fixture *fx = *state;
    ts_index_free(fx);
    free(fx);
    return 0;
}

static shelf_plan *plan_for(fixture *fx, const char *q)
{
    return ts_index_plan(fx, q);
}

static shelf_search_opts opts(double w, double h)
{
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.proximity_weight = w;
    o.heading_weight = h;
    o.k = 10;
    return o;
}

static shelf_results run(fixture *fx, const shelf_plan *plan, double w, double h, bool exact)
{
    shelf_search_opts o = opts(w, h);
    o.exact_total = exact;
    shelf_results r;
    shelf_err err = {0};
    if (shelf_search(fx->idx, plan, &o, &r, &err) != SHELF_OK)
        fail_msg("search: %s", err.msg);
    return r;
}

static void test_heading_decides_order(void **state)
{
    fixture *fx = *state;
    static const char *const queries[] = {"lexical scoping", "scoping"};
    for (size_t q = 0; q < 2; q++) {
        shelf_plan *plan = plan_for(fx, queries[q]);
        shelf_results bm25 = run(fx, plan, 0, 0, false);
        shelf_results head = run(fx, plan, 0, 2.0, false);
        assert_int_equal(bm25.count, 2);
        assert_int_equal(head.count, 2);
        assert_int_equal(bm25.hits[0].doc, 1); /* twice as many mentions win on BM25F */
        assert_int_equal(head.hits[0].doc, 0); /* the heading wins with it */
        shelf_results pruned_off = run(fx, plan, 0, 2.0, true);
        for (size_t i = 0; i < head.count; i++) {
            assert_int_equal(head.hits[i].doc, pruned_off.hits[i].doc);
            assert_true(head.hits[i].score == pruned_off.hits[i].score);
        }
        shelf_results_free(&bm25);
        shelf_results_free(&head);
        shelf_results_free(&pruned_off);
        shelf_plan_free(plan);
    }
}

static double part_of(const shelf_explain *ex, const char *kind, const shelf_explain_term **out)
{
    for (size_t j = 0; j < ex->count; j++)
        if (strcmp(ex->terms[j].kind, kind) == 0) {
            if (out)
                *out = &ex->terms[j];
            return ex->terms[j].score;
        }
    return 0;
}

/* H = 0: each score is BM25F plus W * prox exactly, as before the heading
 * part existed, and --explain has no heading line. */
static void test_zero_weight_changes_nothing(void **state)
{
    fixture *fx = *state;
    shelf_plan *plan = plan_for(fx, "lexical scoping");
    shelf_search_opts o = opts(1.0, 0);
    shelf_results bm25 = run(fx, plan, 0, 0, false);
    shelf_results prox = run(fx, plan, 1.0, 0, false);
    assert_int_equal(prox.count, bm25.count);
    for (size_t i = 0; i < prox.count; i++) {
        const shelf_hit *base = NULL;
        for (size_t j = 0; j < bm25.count; j++)
            if (bm25.hits[j].doc == prox.hits[i].doc)
                base = &bm25.hits[j];
        assert_non_null(base);
        shelf_explain ex = {0};
        shelf_err err = {0};
        assert_int_equal(shelf_search_explain(fx->idx, plan, &o, &prox.hits[i], &ex, &err), SHELF_OK);
        assert_true(prox.hits[i].score == base->score + part_of(&ex, "proximity", NULL));
        const shelf_explain_term *h = NULL;
        part_of(&ex, "heading", &h);
        assert_null(h);
        shelf_explain_free(&ex);
    }
    shelf_search_opts off = opts(0, 0), one_word = opts(1.0, 0), heading_only = opts(0, 1.0);
    shelf_plan *single = plan_for(fx, "scoping");
    assert_false(shelf_rescore_applies(plan, &off));
    assert_false(shelf_rescore_applies(single, &one_word));
    assert_true(shelf_rescore_applies(single, &heading_only));
    shelf_plan_free(single);
    shelf_results_free(&bm25);
    shelf_results_free(&prox);
    shelf_plan_free(plan);
}

static void test_explain_shows_heading(void **state)
{
    fixture *fx = *state;
    shelf_plan *plan = plan_for(fx, "lexical scoping");
    shelf_search_opts o = opts(1.0, 0.5);
    shelf_results r = run(fx, plan, 1.0, 0.5, false);
    assert_int_equal(r.hits[0].doc, 0);
    for (size_t i = 0; i < r.count; i++) {
        shelf_explain ex = {0};
        shelf_err err = {0};
        assert_int_equal(shelf_search_explain(fx->idx, plan, &o, &r.hits[i], &ex, &err), SHELF_OK);
        double sum = 0;
        for (size_t j = 0; j < ex.count; j++)
            sum += ex.terms[j].score;
        assert_true(fabs(sum - r.hits[i].score) < 1e-9);
        const shelf_explain_term *h = NULL;
        part_of(&ex, "heading", &h);
        assert_non_null(h);
        assert_string_equal(h->text, "lexic scope");
        assert_true(fabs(h->idf - 2.0) < EPS); /* both idf above 1 */
        if (r.hits[i].doc == 0) {
            assert_int_equal(h->tf_body, 2);
            assert_true(fabs(h->norm_body - 1.0) < EPS);
            assert_true(fabs(h->score - 0.5 * 2.0) < EPS);
        } else {
            assert_int_equal(h->tf_body, 0);
            assert_true(h->score == 0);
        }
        shelf_explain_free(&ex);
    }
    shelf_results_free(&r);
    shelf_plan_free(plan);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_rule_lists_the_sections_headings),
        cmocka_unit_test(test_rule_merges_layout_headings),
        cmocka_unit_test(test_structured_layout_is_the_markup),
        cmocka_unit_test(test_spans_of_an_analysed_document),
        cmocka_unit_test(test_damaged_spans_are_refused),
        cmocka_unit_test(test_match_coverage_and_best_span),
    };
    const struct CMUnitTest indexed[] = {
        cmocka_unit_test(test_heading_decides_order),
        cmocka_unit_test(test_zero_weight_changes_nothing),
        cmocka_unit_test(test_explain_shows_heading),
    };
    int failed = cmocka_run_group_tests_name("heading", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("heading, two segments", indexed, setup, teardown);
    failed += cmocka_run_group_tests_name("heading, merged", indexed, setup_merged, teardown);
    return failed;
}
