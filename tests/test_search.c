/*
 * test_search.c - searching at library level (query/parse.h, plan.h, iter.h,
 * search.h): tiny indexes are built in temporary folders with
 * shelf_indexwriter_* from hand-written texts, opened with shelf_index_open,
 * and queried through shelf_query_parse -> shelf_plan_build -> shelf_search.
 *
 * What is checked:
 *   - BM25 scores against values computed here from token counts derived by
 *     hand (plain BM25 with title weight 0; BM25F with the title's tf and
 *     length; phrases and NEAR), for several k1 / b / title weights, 1e-9;
 *   - ranking order, ties broken by document number, top-k = prefix of the
 *     full ranking;
 *   - exact `total` and exact document sets for OR, AND (default_and),
 *     +required, -excluded, NOT, parentheses;
 *   - phrases, NEAR/n boundaries, prefix expansion and its cap note,
 *     title: and path: fields;
 *   - stemming and folding (english and "none" indexes);
 *   - queries that plan to nothing or do not parse;
 *   - shelf_search_explain: contributions add up to every hit's score, and
 *     a one-term query's score is explain's bit for bit, pruned or not.
 *
 * Every query run through run_query() is also checked for internal
 * consistency: hits best first (ties by lower doc), no duplicate documents,
 * count == min(total, k) and explain sums equal to the scores.
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

#include "analysis/analyzer.h"
#include "extract/extract.h"
#include "backend/native/index.h"
#include "engine/writer.h"
#include "query/parse.h"
#include "query/bm25.h"
#include "query/plan.h"
#include "query/search.h"
#include "backend/native/index_stats.h"
#include "backend/native/search.h"
#include "support.h"

#define EPS 1e-9
#define BUDGET ((size_t)64 << 20)
#define D(i) ((uint64_t)1 << (i))

/* The default operator of a query. */
static const bool OR = false, AND = true;

/* ---- building and opening tiny indexes ---- */

typedef struct tdoc {
    const char *path;
    const char *text;
} tdoc;

typedef struct fixture {
    char *tmp;
    char *dir;
    shelf_index *idx;
    shelf_analyzer *an;
} fixture;

/* Open (or reopen) the index folder for searching. */
static void fixture_reopen(fixture *fx)
{
    shelf_err err = {0};
    if (fx->idx)
        shelf_index_close(fx->idx);
    shelf_analyzer_free(fx->an);
    fx->idx = NULL;
    fx->an = NULL;
    if (shelf_index_open(&fx->idx, fx->dir, SHELF_OPEN_VERIFY, &err) != SHELF_OK)
        fail_msg("index_open: %s", err.msg);
    fx->an = shelf_analyzer_new(shelf_index_language(fx->idx), &err);
    if (!fx->an)
        fail_msg("analyzer: %s", err.msg);
}

/* The fixture's title: the first non-empty line, trimmed (the collections
 * below are written with that in mind; the title rule itself is tested in
 * test_title.c). */
static const char *first_line(const char *text, size_t *len)
{
    while (*text == ' ' || *text == '\n')
        text++;
    size_t n = strcspn(text, "\n");
    while (n > 0 && text[n - 1] == ' ')
        n--;
    *len = n;
    return text;
}

/* One writer run over the folder: remove the given paths, add the given
 * documents (a document with a live path replaces it), commit, reopen. */
static void fixture_write(fixture *fx, const char *language, const tdoc *docs, size_t n,
                          const char *const *removed, size_t nremoved)
{
    shelf_err err = {0};
    shelf_writer_opts wo = {.language = language, .memory_budget = BUDGET, .rebuild = false};
    shelf_indexwriter *w = shelf_indexwriter_open(fx->dir, &wo, &err);
    if (!w)
        fail_msg("indexwriter_open: %s", err.msg);
    for (size_t i = 0; i < nremoved; i++) {
        uint64_t count = 0;
        if (shelf_indexwriter_remove(w, removed[i], &count, &err) != SHELF_OK)
            fail_msg("indexwriter_remove %s: %s", removed[i], err.msg);
        assert_int_equal(count, 1);
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(docs[i].text), title_len = 0;
        const char *title = first_line(docs[i].text, &title_len);
        shelf_doc_input in = {.path = docs[i].path, .title = title, .title_len = title_len,
                              .text = docs[i].text, .text_len = len, .size = len,
                              .mtime_ns = (int64_t)i, .hash = i};
        if (shelf_indexwriter_add(w, &in, NULL, &err) != SHELF_OK)
            fail_msg("indexwriter_add %s: %s", docs[i].path, err.msg);
    }
    if (shelf_indexwriter_commit(w, NULL, &err) != SHELF_OK)
        fail_msg("commit: %s", err.msg);
    shelf_indexwriter_free(w);
    fixture_reopen(fx);
}

/* A new index of the documents, in one segment, numbered 0..n-1. */
static void fixture_open(fixture *fx, const tdoc *docs, size_t n, const char *language)
{
    memset(fx, 0, sizeof *fx);
    fx->tmp = ts_mkdtemp();
    fx->dir = ts_strf("%s/idx", fx->tmp);
    fixture_write(fx, language, docs, n, NULL, 0);
    assert_string_equal(shelf_index_language(fx->idx), language);
    assert_int_equal(shelf_index_doc_count(fx->idx), n);
    assert_int_equal(shelf_index_segment_count(fx->idx), 1);
    /* Documents are numbered in the order they were added. */
    const shelf_segment *seg = shelf_index_segment(fx->idx, 0);
    for (uint32_t d = 0; d < n; d++) {
        shelf_docmeta m;
        shelf_err err = {0};
        assert_int_equal(shelf_segment_doc(seg, d, &m, &err), SHELF_OK);
        assert_int_equal(m.path_len, strlen(docs[d].path));
        assert_memory_equal(m.path, docs[d].path, m.path_len);
    }
}

static void fixture_close(fixture *fx)
{
    shelf_analyzer_free(fx->an);
    shelf_index_close(fx->idx);
    ts_rmtree(fx->tmp);
    free(fx->dir);
    free(fx->tmp);
    memset(fx, 0, sizeof *fx);
}

/* ---- running queries ---- */

static shelf_search_opts opts(double k1, double b, double w, size_t k)
{
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.k1 = k1;
    o.b = b;
    o.title_weight = w;
    o.proximity_weight = 0; /* BM25F alone: the formulas checked here */
    o.heading_weight = 0;
    o.k = k;
    return o;
}

static shelf_search_opts default_opts(size_t k)
{
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.proximity_weight = 0; /* BM25F alone: the formulas checked here */
    o.heading_weight = 0;
    o.k = k;
    return o;
}

/* Parse and plan; NULL with err/column on failure (parse or plan). */
static shelf_plan *plan_query(fixture *fx, const char *q, bool default_and, char *notes,
                              size_t notes_size, shelf_err *err, int *column)
{
    shelf_parse_opts po = {.default_and = default_and};
    *column = -1;
    shelf_qnode *tree = shelf_query_parse(q, &po, err, column);
    if (!tree)
        return NULL;
    shelf_plan *p = shelf_plan_for_index(fx->idx, fx->an, tree, notes, notes_size, err, column);
    shelf_query_free(tree);
    return p;
}

static double explain_sum(fixture *fx, const shelf_plan *plan, const shelf_search_opts *o,
                          const shelf_hit *hit, shelf_explain *ex_out)
{
    shelf_explain ex = {0};
    shelf_err err = {0};
    if (shelf_search_explain(fx->idx, plan, o, hit, &ex, &err) != SHELF_OK)
        fail_msg("explain: %s", err.msg);
    double sum = 0;
    for (size_t i = 0; i < ex.count; i++)
        sum += ex.terms[i].score;
    if (ex_out)
        *ex_out = ex;
    else
        shelf_explain_free(&ex);
    return sum;
}

/* Results must be internally consistent whatever the query. */
static void check_consistent(fixture *fx, const char *q, const shelf_plan *plan,
                             const shelf_search_opts *o, const shelf_results *r)
{
    size_t want = r->total < o->k ? (size_t)r->total : o->k;
    if (r->count != want)
        fail_msg("[%s]: %zu hits for total %llu and k %zu", q, r->count,
                 (unsigned long long)r->total, o->k);
    uint64_t n = shelf_index_numbered(fx->idx);
    assert_true(r->total <= shelf_index_doc_count(fx->idx));
    for (size_t i = 0; i < r->count; i++) {
        const shelf_hit *h = &r->hits[i];
        assert_true(h->doc < n);
        assert_true(h->segment < shelf_index_segment_count(fx->idx));
        assert_int_equal(h->doc, shelf_index_base(fx->idx, h->segment) + h->local);
        if (shelf_deleted(shelf_index_deletions(fx->idx, h->segment), h->local))
            fail_msg("[%s]: deleted document %llu returned", q, (unsigned long long)h->doc);
        assert_true(isfinite(h->score) && h->score >= 0);
        for (size_t j = 0; j < i; j++)
            if (r->hits[j].doc == h->doc)
                fail_msg("[%s]: document %llu returned twice", q, (unsigned long long)h->doc);
        if (i > 0) {
            const shelf_hit *p = &r->hits[i - 1];
            if (p->score < h->score || (p->score == h->score && p->doc > h->doc))
                fail_msg("[%s]: hit %zu (doc %llu, %.17g) ranked after doc %llu (%.17g)", q, i,
                         (unsigned long long)h->doc, h->score, (unsigned long long)p->doc,
                         p->score);
        }
        double sum = explain_sum(fx, plan, o, h, NULL);
        if (fabs(sum - h->score) > EPS)
            fail_msg("[%s]: explain of doc %llu adds up to %.17g, score %.17g", q,
                     (unsigned long long)h->doc, sum, h->score);
    }
}

/* Run a query that must succeed; results checked for consistency. */
static void run_query(fixture *fx, const char *q, bool default_and, const shelf_search_opts *o,
                      shelf_results *r, char *notes, size_t notes_size)
{
    shelf_err err = {0};
    int column;
    shelf_plan *plan = plan_query(fx, q, default_and, notes, notes_size, &err, &column);
    if (!plan)
        fail_msg("[%s]: query failed at column %d: %s", q, column, err.msg);
    if (shelf_search(fx->idx, plan, o, r, &err) != SHELF_OK)
        fail_msg("[%s]: search failed: %s", q, err.msg);
    check_consistent(fx, q, plan, o, r);
    shelf_plan_free(plan);
}

static uint64_t hit_mask(const shelf_results *r)
{
    uint64_t m = 0;
    for (size_t i = 0; i < r->count; i++)
        m |= D(r->hits[i].doc);
    return m;
}

static void print_mask(char *out, size_t size, uint64_t m)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < 64 && used + 4 < size; i++)
        if (m & D(i))
            used += (size_t)snprintf(out + used, size - used, "%s%d", used ? "," : "", i);
}

/* The query matches exactly the documents of `expected`, total included. */
static void expect_docs(fixture *fx, const char *q, bool default_and, uint64_t expected)
{
    shelf_search_opts o = default_opts(64);
    shelf_results r;
    run_query(fx, q, default_and, &o, &r, NULL, 0);
    uint64_t got = hit_mask(&r);
    if (got != expected || r.total != (uint64_t)__builtin_popcountll(expected)) {
        char a[200], b[200];
        print_mask(a, sizeof a, got);
        print_mask(b, sizeof b, expected);
        fail_msg("[%s]%s: matched {%s} (total %llu), expected {%s}", q,
                 default_and ? " (default AND)" : "", a, (unsigned long long)r.total, b);
    }
    shelf_results_free(&r);
}

/* Score of one document for a query (fails if the document is not a hit). */
static double score_of(fixture *fx, const char *q, const shelf_search_opts *o, uint64_t doc)
{
    shelf_results r;
    run_query(fx, q, false, o, &r, NULL, 0);
    for (size_t i = 0; i < r.count; i++) {
        if (r.hits[i].doc == doc) {
            double s = r.hits[i].score;
            shelf_results_free(&r);
            return s;
        }
    }
    shelf_results_free(&r);
    fail_msg("[%s]: document %llu is not a hit", q, (unsigned long long)doc);
    return -1;
}

/* ---- BM25 by hand ---- */

static double hand_idf(double N, double n)
{
    return log(1.0 + (N - n + 0.5) / (n + 0.5));
}

static double hand_K(double dl, double avg, double b)
{
    return 1.0 - b + b * dl / avg;
}

/* Plain BM25 of one term: idf * tf (k1 + 1) / (tf + k1 K). */
static double hand_bm25(double tf, double dl, double avg, double N, double n, double k1, double b)
{
    return hand_idf(N, n) * tf * (k1 + 1.0) / (tf + k1 * hand_K(dl, avg, b));
}

/* BM25F of one term. */
static double hand_bm25f(double tf_body, double dl, double avg, double tf_title, double tl,
                         double avg_title, double N, double n, double k1, double b, double w)
{
    double tfn = tf_body / hand_K(dl, avg, b) + w * tf_title / hand_K(tl, avg_title, b);
    return hand_idf(N, n) * tfn * (k1 + 1.0) / (k1 + tfn);
}

/* Saturation with a given idf (phrases and NEAR). */
static double hand_sat(double idf, double tf, double dl, double avg, double k1, double b)
{
    double tfn = tf / hand_K(dl, avg, b);
    return idf * tfn * (k1 + 1.0) / (k1 + tfn);
}

#define assert_close(got, want)                                                              \
    do {                                                                                     \
        double g_ = (got), w_ = (want);                                                      \
        if (!(fabs(g_ - w_) <= EPS))                                                         \
            fail_msg("%s = %.17g, expected %.17g (line %d)", #got, g_, w_, __LINE__);        \
    } while (0)

/*
 * The ranking collection.  Titles are the first lines.  Token counts:
 *   doc 0: alpha beta | gamma alpha delta          body 5, title 2 (alpha beta)
 *   doc 1: beta gamma | beta beta epsilon          body 5, title 2 (beta gamma)
 *   doc 2: zeta eta theta | iota kappa alpha lambda mu   body 8, title 3
 *   doc 3: omega                                   body 1, title 1
 * N = 4, body tokens 19 (avg 4.75), title tokens 8 (avg 2).
 * df: alpha 2 (0, 2), beta 2 (0, 1), gamma 2 (0, 1), delta 1, omega 1, zeta 1.
 */
static const tdoc rank_docs[] = {
    {"r/doc0.txt", "alpha beta\ngamma alpha delta\n"},
    {"r/doc1.txt", "beta gamma\nbeta beta epsilon\n"},
    {"r/doc2.txt", "zeta eta theta\niota kappa alpha lambda mu\n"},
    {"r/doc3.txt", "omega\n"},
};
#define RN 4.0
#define RAVG (19.0 / 4.0)
#define RAVG_T 2.0

static void test_collection_statistics(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, rank_docs, 4, "english");
    /* The counts the hand computations rely on. */
    assert_int_equal(shelf_index_doc_count(fx.idx), 4);
    assert_int_equal(shelf_index_total_tokens(fx.idx), 19);
    assert_int_equal(shelf_index_total_title_tokens(fx.idx), 8);
    const shelf_segment *seg = shelf_index_segment(fx.idx, 0);
    static const uint32_t dl[] = {5, 5, 8, 1}, tl[] = {2, 2, 3, 1};
    for (uint32_t d = 0; d < 4; d++) {
        assert_int_equal(shelf_segment_doc_length(seg, d), dl[d]);
        assert_int_equal(shelf_segment_title_length(seg, d), tl[d]);
    }
    assert_close(shelf_bm25_idf(4, 2), log(2.0));
    assert_close(shelf_bm25_idf(4, 1), log(1.0 + 3.5 / 1.5));
    fixture_close(&fx);
}

/* Plain BM25 (title weight 0) for single terms and an OR of two terms. */
static void test_bm25_plain(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, rank_docs, 4, "english");
    static const double params[][2] = {{1.2, 0.75}, {2.0, 0.3}, {0.5, 1.0}, {1.2, 0.0},
                                       {0.0, 0.75}, {3.7, 0.55}};
    for (size_t p = 0; p < sizeof params / sizeof *params; p++) {
        double k1 = params[p][0], b = params[p][1];
        shelf_search_opts o = opts(k1, b, 0.0, 10);
        double a0 = hand_bm25(2, 5, RAVG, RN, 2, k1, b);
        double a2 = hand_bm25(1, 8, RAVG, RN, 2, k1, b);
        double b0 = hand_bm25(1, 5, RAVG, RN, 2, k1, b);
        double b1 = hand_bm25(3, 5, RAVG, RN, 2, k1, b);
        assert_close(score_of(&fx, "alpha", &o, 0), a0);
        assert_close(score_of(&fx, "alpha", &o, 2), a2);
        assert_close(score_of(&fx, "beta", &o, 0), b0);
        assert_close(score_of(&fx, "beta", &o, 1), b1);
        assert_close(score_of(&fx, "omega", &o, 3), hand_bm25(1, 1, RAVG, RN, 1, k1, b));
        assert_close(score_of(&fx, "delta", &o, 0), hand_bm25(1, 5, RAVG, RN, 1, k1, b));
        /* OR: the sum over the words each document holds. */
        assert_close(score_of(&fx, "alpha beta", &o, 0), a0 + b0);
        assert_close(score_of(&fx, "alpha beta", &o, 1), b1);
        assert_close(score_of(&fx, "alpha beta", &o, 2), a2);
        /* AND and +required score the same way. */
        assert_close(score_of(&fx, "alpha AND beta", &o, 0), a0 + b0);
        assert_close(score_of(&fx, "+alpha beta", &o, 2), a2);
        /* Upper case and a repeated word in the text change nothing. */
        assert_close(score_of(&fx, "ALPHA", &o, 0), a0);
    }
    /* The ranking of "alpha beta" with the defaults and w = 0. */
    shelf_search_opts o = opts(1.2, 0.75, 0.0, 10);
    shelf_results r;
    run_query(&fx, "alpha beta", false, &o, &r, NULL, 0);
    assert_int_equal(r.total, 3);
    double s0 = hand_bm25(2, 5, RAVG, RN, 2, 1.2, 0.75) + hand_bm25(1, 5, RAVG, RN, 2, 1.2, 0.75);
    double s1 = hand_bm25(3, 5, RAVG, RN, 2, 1.2, 0.75);
    double s2 = hand_bm25(1, 8, RAVG, RN, 2, 1.2, 0.75);
    assert_true(s0 > s1 && s1 > s2);
    assert_int_equal(r.hits[0].doc, 0);
    assert_int_equal(r.hits[1].doc, 1);
    assert_int_equal(r.hits[2].doc, 2);
    assert_close(r.hits[0].score, s0);
    assert_close(r.hits[1].score, s1);
    assert_close(r.hits[2].score, s2);
    shelf_results_free(&r);
    fixture_close(&fx);
}

/* BM25F with the title: tf and length of the title field. */
static void test_bm25f_title(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, rank_docs, 4, "english");
    static const double params[][3] = {{1.2, 0.75, 2.0}, {1.2, 0.75, 0.5}, {2.0, 0.3, 3.0},
                                       {0.5, 1.0, 2.0}, {1.2, 0.0, 2.0}};
    for (size_t p = 0; p < sizeof params / sizeof *params; p++) {
        double k1 = params[p][0], b = params[p][1], w = params[p][2];
        shelf_search_opts o = opts(k1, b, w, 10);
        /* alpha: doc 0 body tf 2 (dl 5), title tf 1 (tl 2); doc 2 body 1 (dl 8), title 0. */
        assert_close(score_of(&fx, "alpha", &o, 0),
                     hand_bm25f(2, 5, RAVG, 1, 2, RAVG_T, RN, 2, k1, b, w));
        assert_close(score_of(&fx, "alpha", &o, 2),
                     hand_bm25f(1, 8, RAVG, 0, 3, RAVG_T, RN, 2, k1, b, w));
        /* beta: doc 0 body 1, title 1; doc 1 body 3, title 1. */
        assert_close(score_of(&fx, "beta", &o, 0),
                     hand_bm25f(1, 5, RAVG, 1, 2, RAVG_T, RN, 2, k1, b, w));
        assert_close(score_of(&fx, "beta", &o, 1),
                     hand_bm25f(3, 5, RAVG, 1, 2, RAVG_T, RN, 2, k1, b, w));
        /* zeta: doc 2 body 1, title 1 of 3; omega: doc 3 body 1, title 1 of 1. */
        assert_close(score_of(&fx, "zeta", &o, 2),
                     hand_bm25f(1, 8, RAVG, 1, 3, RAVG_T, RN, 1, k1, b, w));
        assert_close(score_of(&fx, "omega", &o, 3),
                     hand_bm25f(1, 1, RAVG, 1, 1, RAVG_T, RN, 1, k1, b, w));
        /* delta is only in the body of doc 0. */
        assert_close(score_of(&fx, "delta", &o, 0),
                     hand_bm25f(1, 5, RAVG, 0, 2, RAVG_T, RN, 1, k1, b, w));
    }
    /* Title weight 0 is exactly the plain formula, and differs from w = 2. */
    shelf_search_opts o0 = opts(1.2, 0.75, 0.0, 10), o2 = default_opts(10);
    assert_close(score_of(&fx, "zeta", &o0, 2), hand_bm25(1, 8, RAVG, RN, 1, 1.2, 0.75));
    assert_true(score_of(&fx, "zeta", &o2, 2) > score_of(&fx, "zeta", &o0, 2) + 0.01);

    /* Explain of alpha in doc 0 with the defaults: every field by hand. */
    shelf_results r;
    run_query(&fx, "alpha", false, &o2, &r, NULL, 0);
    assert_int_equal(r.total, 2);
    assert_int_equal(r.hits[0].doc, 0);
    shelf_err err = {0};
    int column;
    shelf_plan *plan = plan_query(&fx, "alpha", false, NULL, 0, &err, &column);
    assert_non_null(plan);
    shelf_explain ex;
    double sum = explain_sum(&fx, plan, &o2, &r.hits[0], &ex);
    assert_int_equal(ex.count, 1);
    assert_string_equal(ex.terms[0].kind, "term");
    assert_string_equal(ex.terms[0].text, "alpha");
    assert_int_equal(ex.terms[0].tf_body, 2);
    assert_int_equal(ex.terms[0].tf_title, 1);
    assert_int_equal(ex.terms[0].df, 2);
    assert_close(ex.terms[0].idf, log(2.0));
    assert_close(ex.terms[0].norm_body, hand_K(5, RAVG, 0.75));
    assert_close(ex.terms[0].norm_title, hand_K(2, RAVG_T, 0.75));
    assert_close(sum, hand_bm25f(2, 5, RAVG, 1, 2, RAVG_T, RN, 2, 1.2, 0.75, 2.0));
    assert_close(r.hits[0].score, sum);
    shelf_explain_free(&ex);
    shelf_plan_free(plan);
    shelf_results_free(&r);
    fixture_close(&fx);
}

/* Phrase and NEAR scores: tf = matches, idf = sum of the words' idf, body length. */
static void test_phrase_near_scores(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, rank_docs, 4, "english");
    double idf_alpha = hand_idf(RN, 2), idf_beta = hand_idf(RN, 2), idf_gamma = hand_idf(RN, 2);
    double idf_delta = hand_idf(RN, 1);
    static const double params[][3] = {{1.2, 0.75, 2.0}, {1.2, 0.75, 0.0}, {2.5, 0.4, 1.0}};
    for (size_t p = 0; p < sizeof params / sizeof *params; p++) {
        double k1 = params[p][0], b = params[p][1], w = params[p][2];
        shelf_search_opts o = opts(k1, b, w, 10);
        /* "alpha beta": only doc 0 (positions 0, 1), once. The title weight plays no part. */
        shelf_results r;
        run_query(&fx, "\"alpha beta\"", false, &o, &r, NULL, 0);
        assert_int_equal(r.total, 1);
        assert_int_equal(r.hits[0].doc, 0);
        assert_close(r.hits[0].score, hand_sat(idf_alpha + idf_beta, 1, 5, RAVG, k1, b));
        shelf_results_free(&r);
        /* "gamma alpha" in doc 0 (positions 2, 3). */
        assert_close(score_of(&fx, "\"gamma alpha\"", &o, 0),
                     hand_sat(idf_gamma + idf_alpha, 1, 5, RAVG, k1, b));
        /* gamma (2) NEAR/2 delta (4) in doc 0. */
        run_query(&fx, "gamma NEAR/2 delta", false, &o, &r, NULL, 0);
        assert_int_equal(r.total, 1);
        assert_close(r.hits[0].score, hand_sat(idf_gamma + idf_delta, 1, 5, RAVG, k1, b));
        shelf_results_free(&r);
        /* OR of a phrase and a term adds up. */
        assert_close(score_of(&fx, "\"alpha beta\" omega", &o, 3),
                     hand_bm25f(1, 1, RAVG, 1, 1, RAVG_T, RN, 1, k1, b, w));
    }
    fixture_close(&fx);
}

/* ---- ranking and ties ---- */

static const tdoc tie_docs[] = {
    {"t/0.txt", "other words entirely\n"},
    {"t/1.txt", "same text here\n"},
    {"t/2.txt", "same text here\n"},
    {"t/3.txt", "different stuff\n"},
    {"t/4.txt", "same text here\n"},
    {"t/5.txt", "same text here\n"},
};

static void test_ties_by_doc(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, tie_docs, 6, "english");
    for (size_t k = 1; k <= 6; k++) {
        shelf_search_opts o = default_opts(k);
        shelf_results r;
        run_query(&fx, "same", false, &o, &r, NULL, 0);
        static const uint64_t order[] = {1, 2, 4, 5};
        assert_int_equal(r.total, 4);
        assert_int_equal(r.count, k < 4 ? k : 4);
        for (size_t i = 0; i < r.count; i++) {
            assert_int_equal(r.hits[i].doc, order[i]);
            assert_true(r.hits[i].score == r.hits[0].score);
        }
        shelf_results_free(&r);
    }
    fixture_close(&fx);
}

/* A bigger collection with many distinct and equal scores: every top-k is
 * exactly the first k of the full ranking. */
static void test_topk_prefix(void **state)
{
    (void)state;
    enum { NDOCS = 60 };
    tdoc docs[NDOCS];
    char *texts[NDOCS], *paths[NDOCS];
    for (int i = 0; i < NDOCS; i++) {
        int reps = (i * 7) % 5 + 1; /* many ties */
        char buf[512] = "title line\n";
        for (int j = 0; j < reps; j++)
            strcat(buf, "kiwi ");
        for (int j = reps; j < 6; j++)
            strcat(buf, "filler ");
        strcat(buf, i % 3 == 0 ? "mango" : "melon"); /* every body: 8 tokens */
        strcat(buf, "\n");
        texts[i] = strdup(buf);
        paths[i] = ts_strf("k/%02d.txt", i);
        docs[i] = (tdoc){paths[i], texts[i]};
    }
    fixture fx;
    fixture_open(&fx, docs, NDOCS, "english");
    const char *queries[] = {"kiwi", "kiwi mango", "mango", "filler kiwi"};
    for (size_t q = 0; q < 4; q++) {
        shelf_search_opts all = default_opts(NDOCS);
        shelf_results full;
        run_query(&fx, queries[q], false, &all, &full, NULL, 0);
        assert_true(full.total > 0);
        for (size_t k = 1; k <= full.total; k += 3) {
            shelf_search_opts o = default_opts(k);
            shelf_results r;
            run_query(&fx, queries[q], false, &o, &r, NULL, 0);
            /* With pruning the count is a lower bound; exact when flagged. */
            if (r.total_exact)
                assert_int_equal(r.total, full.total);
            else
                assert_true(r.total <= full.total && r.total >= k);
            assert_int_equal(r.count, k);
            for (size_t i = 0; i < k; i++) {
                assert_int_equal(r.hits[i].doc, full.hits[i].doc);
                assert_true(r.hits[i].score == full.hits[i].score);
            }
            shelf_results_free(&r);
        }
        shelf_results_free(&full);
    }
    /* kiwi: more repetitions rank higher (same lengths); ties by doc. */
    for (uint32_t d = 0; d < NDOCS; d++)
        assert_int_equal(shelf_segment_doc_length(shelf_index_segment(fx.idx, 0), d), 9);
    shelf_search_opts all = default_opts(NDOCS);
    shelf_results r;
    run_query(&fx, "kiwi", false, &all, &r, NULL, 0);
    assert_int_equal(r.total, NDOCS);
    for (size_t i = 1; i < r.count; i++) {
        int a = (int)((r.hits[i - 1].doc * 7) % 5), b = (int)((r.hits[i].doc * 7) % 5);
        assert_true(a > b || (a == b && r.hits[i - 1].doc < r.hits[i].doc));
    }
    shelf_results_free(&r);
    fixture_close(&fx);
    for (int i = 0; i < NDOCS; i++) {
        free(texts[i]);
        free(paths[i]);
    }
}

/* ---- boolean semantics ---- */

/*
 * apple = {0,1,3,5}  banana = {0,2,3,6}  cherry = {1,2,3}  durian = {4,6}
 */
static const tdoc bool_docs[] = {
    {"b/0.txt", "apple banana\n"},        {"b/1.txt", "apple cherry\n"},
    {"b/2.txt", "banana cherry\n"},       {"b/3.txt", "apple banana cherry\n"},
    {"b/4.txt", "durian\n"},              {"b/5.txt", "apple\n"},
    {"b/6.txt", "banana durian\n"},
};

static void test_boolean_sets(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, bool_docs, 7, "english");
    expect_docs(&fx, "apple", OR, D(0) | D(1) | D(3) | D(5));
    expect_docs(&fx, "apple banana", OR, D(0) | D(1) | D(2) | D(3) | D(5) | D(6));
    expect_docs(&fx, "apple OR banana", OR, D(0) | D(1) | D(2) | D(3) | D(5) | D(6));
    expect_docs(&fx, "apple OR banana", AND, D(0) | D(1) | D(2) | D(3) | D(5) | D(6));
    expect_docs(&fx, "apple banana", AND, D(0) | D(3));
    expect_docs(&fx, "apple AND banana", OR, D(0) | D(3));
    expect_docs(&fx, "apple banana cherry", AND, D(3));
    expect_docs(&fx, "+apple banana", OR, D(0) | D(1) | D(3) | D(5));
    expect_docs(&fx, "+apple +banana", OR, D(0) | D(3));
    expect_docs(&fx, "+apple +banana -cherry", OR, D(0));
    expect_docs(&fx, "apple -banana", OR, D(1) | D(5));
    expect_docs(&fx, "-banana apple", OR, D(1) | D(5));
    expect_docs(&fx, "apple -cherry", AND, D(0) | D(5));
    expect_docs(&fx, "apple NOT banana", OR, D(1) | D(5));
    expect_docs(&fx, "apple NOT banana NOT cherry", OR, D(5));
    expect_docs(&fx, "apple AND NOT banana", OR, D(1) | D(5));
    expect_docs(&fx, "apple NOT banana OR durian", OR, D(1) | D(4) | D(5) | D(6));
    expect_docs(&fx, "apple NOT (banana OR durian)", OR, D(1) | D(5));
    expect_docs(&fx, "banana NOT durian AND cherry", OR, D(2) | D(3));
    expect_docs(&fx, "durian OR banana AND cherry", OR, D(2) | D(3) | D(4) | D(6));
    expect_docs(&fx, "(durian OR banana) AND cherry", OR, D(2) | D(3));
    expect_docs(&fx, "(apple OR durian) AND (banana OR cherry)", OR, D(0) | D(1) | D(3) | D(6));
    expect_docs(&fx, "apple (banana OR cherry)", AND, D(0) | D(1) | D(3));
    expect_docs(&fx, "apple (banana cherry)", AND, D(3));
    expect_docs(&fx, "apple -(banana cherry)", OR, D(5));
    expect_docs(&fx, "apple +(banana cherry)", OR, D(0) | D(1) | D(2) | D(3) | D(6));
    /* A group's exclusion stays inside the group: apple OR (banana, not cherry). */
    expect_docs(&fx, "apple (banana -cherry)", OR, D(0) | D(1) | D(3) | D(5) | D(6));
    expect_docs(&fx, "durian (apple NOT cherry)", OR, D(0) | D(4) | D(5) | D(6));
    /* Words absent from the index. */
    expect_docs(&fx, "zzyzx", OR, 0);
    expect_docs(&fx, "apple zzyzx", OR, D(0) | D(1) | D(3) | D(5));
    expect_docs(&fx, "apple zzyzx", AND, 0);
    expect_docs(&fx, "apple AND zzyzx", OR, 0);
    expect_docs(&fx, "+zzyzx apple", OR, 0);
    expect_docs(&fx, "apple -zzyzx", OR, D(0) | D(1) | D(3) | D(5));
    expect_docs(&fx, "apple -apple", OR, 0);
    /* Lower-case operators are words (absent here). */
    expect_docs(&fx, "apple and banana", AND, 0);
    expect_docs(&fx, "apple or durian", OR, D(0) | D(1) | D(3) | D(4) | D(5) | D(6));
    /* A word that is only punctuation is dropped; the rest still runs. */
    expect_docs(&fx, "durian !!!", OR, D(4) | D(6));
    expect_docs(&fx, "durian -???", OR, D(4) | D(6));
    fixture_close(&fx);
}

/* total counts distinct documents, never postings. */
typedef struct total_case {
    const char *q;
    uint64_t total;
} total_case;

static const total_case total_cases[] = {
    {"apple apple", 4},
    {"apple banana", 6},
    {"apple OR apple OR apple", 4},
    {"apple banana cherry durian", 7},
    {"apple \"apple\"", 4},
    {"apple AND apple", 4},
    {"banana (banana OR durian)", 5},
    {"appl*", 4},
    {"zzyzx", 0},
};

static void test_total_distinct(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, bool_docs, 7, "english");
    for (size_t k = 1; k <= 10; k += 9) {
        shelf_search_opts o = default_opts(k);
        o.exact_total = true; /* no pruning: every match counted */
        for (size_t i = 0; i < sizeof total_cases / sizeof *total_cases; i++) {
            shelf_results r;
            run_query(&fx, total_cases[i].q, false, &o, &r, NULL, 0);
            if (r.total != total_cases[i].total)
                fail_msg("[%s]: total %llu, expected %llu", total_cases[i].q,
                         (unsigned long long)r.total, (unsigned long long)total_cases[i].total);
            shelf_results_free(&r);
        }
    }
    fixture_close(&fx);
}

/* k = 0 (what `searcher --count` asks for): the exact total and no hits.
 * Kept last: a sanitizer abort here must not hide the other tests. */
static void test_count_only(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, bool_docs, 7, "english");
    shelf_search_opts zero = default_opts(0);
    for (size_t i = 0; i < sizeof total_cases / sizeof *total_cases; i++) {
        shelf_results r;
        run_query(&fx, total_cases[i].q, false, &zero, &r, NULL, 0);
        if (r.total != total_cases[i].total)
            fail_msg("[%s] k=0: total %llu, expected %llu", total_cases[i].q,
                     (unsigned long long)r.total, (unsigned long long)total_cases[i].total);
        assert_int_equal(r.count, 0);
        shelf_results_free(&r);
    }
    fixture_close(&fx);
}

/* ---- phrases and NEAR ---- */

static const tdoc phrase_docs[] = {
    {"p/0.txt", "Heading one\nthe quick brown fox jumps\n"},
    {"p/1.txt", "Heading two\nbrown quick the fox\n"},
    {"p/2.txt", "Heading three\nthe the end\n"},
    {"p/3.txt", "Heading four\nnew cyber-attacks happen\n"},
    {"p/4.txt", "Heading five\nold cyber attacks happen\n"},
    {"p/5.txt", "Heading six\ncyber and attacks\n"},
    {"p/6.txt", "Heading seven\nred fox and red fox and red dog\n"},
    {"p/7.txt", "Heading eight\nquick\nbrown\n"},
};

static void test_phrases(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, phrase_docs, 8, "english");
    expect_docs(&fx, "\"quick brown\"", OR, D(0) | D(7)); /* across a line break too */
    expect_docs(&fx, "\"brown quick\"", OR, D(1));
    expect_docs(&fx, "\"the quick brown fox jumps\"", OR, D(0));
    expect_docs(&fx, "\"quick fox\"", OR, 0);
    expect_docs(&fx, "\"fox quick\"", OR, 0);
    expect_docs(&fx, "\"the the\"", OR, D(2));
    expect_docs(&fx, "\"the the the\"", OR, 0);
    expect_docs(&fx, "\"cyber attacks\"", OR, D(3) | D(4));
    expect_docs(&fx, "\"cyber-attacks\"", OR, D(3) | D(4));
    expect_docs(&fx, "cyber-attacks", OR, D(3) | D(4));
    expect_docs(&fx, "\"attacks cyber\"", OR, 0);
    expect_docs(&fx, "cyber attacks", OR, D(3) | D(4) | D(5));
    expect_docs(&fx, "\"red fox\"", OR, D(6));
    expect_docs(&fx, "\"red fox\" -dog", OR, 0);
    expect_docs(&fx, "\"heading one\" OR \"heading two\"", OR, D(0) | D(1));
    /* Stemmed inside phrases: "jumping" and "jumps" share a stem. */
    expect_docs(&fx, "\"fox jumping\"", OR, D(0));
    expect_docs(&fx, "\"quick zzyzx\"", OR, 0);

    /* tf of a phrase = its matches: "red fox" twice in doc 6, "the the" once in doc 2. */
    shelf_search_opts o = default_opts(10);
    shelf_err err = {0};
    int column;
    shelf_plan *plan = plan_query(&fx, "\"red fox\"", false, NULL, 0, &err, &column);
    assert_non_null(plan);
    shelf_results r;
    assert_int_equal(shelf_search(fx.idx, plan, &o, &r, &err), SHELF_OK);
    assert_int_equal(r.total, 1);
    shelf_explain ex;
    explain_sum(&fx, plan, &o, &r.hits[0], &ex);
    assert_int_equal(ex.count, 1);
    assert_string_equal(ex.terms[0].kind, "phrase");
    assert_int_equal(ex.terms[0].tf_body, 2);
    /* body tokens: heading seven red fox and red fox and red dog = 10; avg over 8 docs */
    double avg = (double)shelf_index_total_tokens(fx.idx) / 8.0;
    assert_int_equal(shelf_segment_doc_length(shelf_index_segment(fx.idx, 0), 6), 10);
    double idf_sum = hand_idf(8, 1) + hand_idf(8, 3); /* red: doc 6; fox: 0, 1, 6 */
    assert_close(ex.terms[0].idf, idf_sum);
    assert_close(r.hits[0].score, hand_sat(idf_sum, 2, 10, avg, 1.2, 0.75));
    shelf_explain_free(&ex);
    shelf_results_free(&r);
    shelf_plan_free(plan);
    fixture_close(&fx);
}

static const tdoc near_docs[] = {
    /* positions: title "near zero" takes 0 and 1 */
    {"n/0.txt", "near zero\nxray foo foo foo yank\n"},         /* xray 2, yank 6: distance 4 */
    {"n/1.txt", "near one\nyank foo xray\n"},                   /* yank 2, xray 4: distance 2 */
    {"n/2.txt", "near two\nxray a b c d e f g h i yank\n"},     /* distance 10 */
    {"n/3.txt", "near three\nxray a b c d e f g h i j yank\n"}, /* distance 11 */
    {"n/4.txt", "near four\nxray\n"},
    {"n/5.txt", "near five\nxray yank\n"},                      /* distance 1 */
    {"n/6.txt", "near six\nalpha foo bravo foo foo charlie\n"},   /* 2, 4, 7: span 5 */
};

static void test_near(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, near_docs, 7, "english");
    expect_docs(&fx, "xray NEAR/4 yank", OR, D(0) | D(1) | D(5));
    expect_docs(&fx, "xray NEAR/3 yank", OR, D(1) | D(5));
    expect_docs(&fx, "yank NEAR/4 xray", OR, D(0) | D(1) | D(5));
    expect_docs(&fx, "yank NEAR/3 xray", OR, D(1) | D(5));
    expect_docs(&fx, "xray NEAR/2 yank", OR, D(1) | D(5));
    expect_docs(&fx, "xray NEAR/1 yank", OR, D(5));
    expect_docs(&fx, "yank NEAR/1 xray", OR, D(5));
    expect_docs(&fx, "xray NEAR/10 yank", OR, D(0) | D(1) | D(2) | D(5));
    expect_docs(&fx, "xray NEAR/11 yank", OR, D(0) | D(1) | D(2) | D(3) | D(5));
    expect_docs(&fx, "xray NEAR yank", OR, D(0) | D(1) | D(2) | D(5));
    expect_docs(&fx, "xray NEAR/1000 zzyzx", OR, 0);
    expect_docs(&fx, "xray NEAR/3 yank OR \"near four\"", OR, D(1) | D(4) | D(5));
    expect_docs(&fx, "xray -(xray NEAR/4 yank)", OR, D(2) | D(3) | D(4));
    /* Three words: all of them within the span; a chain uses the largest n. */
    expect_docs(&fx, "alpha NEAR/5 bravo NEAR/5 charlie", OR, D(6));
    expect_docs(&fx, "charlie NEAR/5 alpha NEAR/5 bravo", OR, D(6));
    expect_docs(&fx, "alpha NEAR/4 bravo NEAR/4 charlie", OR, 0);
    expect_docs(&fx, "alpha NEAR/2 bravo NEAR/5 charlie", OR, D(6));
    expect_docs(&fx, "alpha NEAR/5 bravo NEAR/2 charlie", OR, D(6));
    expect_docs(&fx, "alpha NEAR/2 bravo", OR, D(6));
    expect_docs(&fx, "alpha NEAR/1 bravo", OR, 0);
    expect_docs(&fx, "charlie NEAR/3 bravo", OR, D(6));
    expect_docs(&fx, "charlie NEAR/2 bravo", OR, 0);
    fixture_close(&fx);
}

/* ---- prefixes ---- */

static void test_prefix(void **state)
{
    (void)state;
    /* doc 0: nation; doc 1: nationwide; doc 2: neither; doc 3..: cap words */
    enum { CAPWORDS = 200 };
    char *big = calloc(1, CAPWORDS * 12 + 64), *small = calloc(1, 256);
    strcpy(big, "Many long words\n");
    for (int i = 0; i < CAPWORDS; i++)
        sprintf(big + strlen(big), "cap%03dx ", i);
    strcat(big, "\n");
    strcpy(small, "A few long words\n");
    for (int i = 0; i < 10; i++)
        sprintf(small + strlen(small), "cap%03dx ", i + 150);
    strcat(small, "\n");
    const tdoc docs[] = {
        {"x/0.txt", "Prefix doc\nnation building\n"},
        {"x/1.txt", "Prefix doc\nnationwide rises\n"},
        {"x/2.txt", "Prefix doc\nnothing here\n"},
        {"x/3.txt", big},
        {"x/4.txt", small},
        {"x/5.txt", "Annual review\nsomething else\n"},
    };
    fixture fx;
    fixture_open(&fx, docs, 6, "english");
    expect_docs(&fx, "nation*", OR, D(0) | D(1));
    expect_docs(&fx, "NATION*", OR, D(0) | D(1));
    expect_docs(&fx, "nations*", OR, D(0) | D(1)); /* stem "nation" */
    expect_docs(&fx, "nationw*", OR, D(1));
    expect_docs(&fx, "nationwide*", OR, D(1));
    expect_docs(&fx, "no*", OR, D(2));
    expect_docs(&fx, "n*", OR, D(0) | D(1) | D(2));
    expect_docs(&fx, "nation* -nationwide", OR, D(0));
    expect_docs(&fx, "+nation* +rises", OR, D(1));
    expect_docs(&fx, "title:annu*", OR, D(5));
    expect_docs(&fx, "title:nation*", OR, 0);
    expect_docs(&fx, "cap15*", OR, D(3) | D(4));
    expect_docs(&fx, "cap00*", OR, D(3));

    /* A prefix that matches nothing: no hits, no error, no note. */
    char notes[512];
    shelf_search_opts o = default_opts(10);
    shelf_results r;
    run_query(&fx, "qqqzzz*", false, &o, &r, notes, sizeof notes);
    assert_int_equal(r.total, 0);
    assert_int_equal(r.count, 0);
    assert_string_equal(notes, "");
    shelf_results_free(&r);
    run_query(&fx, "qqqzzz* nothing", false, &o, &r, notes, sizeof notes);
    assert_int_equal(r.total, 1);
    shelf_results_free(&r);
    run_query(&fx, "qqqzzz* AND nothing", false, &o, &r, notes, sizeof notes);
    assert_int_equal(r.total, 0);
    shelf_results_free(&r);

    /* Under the cap: no note. */
    run_query(&fx, "cap1*", false, &o, &r, notes, sizeof notes);
    assert_int_equal(r.total, 2);
    assert_string_equal(notes, "");
    shelf_results_free(&r);

    /* 200 terms start with "cap": the note says so, at most 128 are kept, and
     * the kept ones are the most frequent (cap150x..cap159x, in two docs). */
    shelf_err err = {0};
    int column;
    shelf_plan *plan = plan_query(&fx, "cap*", false, notes, sizeof notes, &err, &column);
    assert_non_null(plan);
    if (!strstr(notes, "cap*") || !strstr(notes, "128"))
        fail_msg("cap note missing or wrong: \"%s\"", notes);
    assert_int_equal(plan->kind, SHELF_P_BOOL);
    assert_int_equal(plan->nchildren, SHELF_PREFIX_MAX_TERMS);
    int frequent = 0;
    for (size_t i = 0; i < plan->nchildren; i++) {
        const shelf_plan *c = plan->children[i];
        assert_int_equal(c->kind, SHELF_P_TERM);
        assert_true(c->keys[0].len > 4 && memcmp(c->keys[0].key + 1, "cap", 3) == 0);
        for (size_t j = 0; j < i; j++)
            assert_false(c->keys[0].len == plan->children[j]->keys[0].len &&
                         memcmp(c->keys[0].key, plan->children[j]->keys[0].key,
                                c->keys[0].len) == 0);
        if (c->keys[0].df == 2)
            frequent++;
    }
    assert_int_equal(frequent, 10);
    assert_int_equal(shelf_search(fx.idx, plan, &o, &r, &err), SHELF_OK);
    assert_int_equal(r.total, 2);
    check_consistent(&fx, "cap*", plan, &o, &r);
    shelf_results_free(&r);
    shelf_plan_free(plan);
    fixture_close(&fx);
    free(big);
    free(small);
}

/* ---- fields ---- */

static const tdoc field_docs[] = {
    {"/docs/Reports/Budget-2024.txt", "Budget report\nthe budget grew; security matters\n"},
    {"/docs/misc/review.md", "# Annual review\nsecurity and budget\n"},
    {"/other/NOTES.txt", "Notes\nannual security review\n"},
};

static void test_fields(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, field_docs, 3, "english");
    expect_docs(&fx, "security", OR, D(0) | D(1) | D(2));
    expect_docs(&fx, "title:security", OR, 0);
    expect_docs(&fx, "title:budget", OR, D(0));
    expect_docs(&fx, "budget", OR, D(0) | D(1));
    expect_docs(&fx, "title:annual", OR, D(1));
    expect_docs(&fx, "annual", OR, D(1) | D(2));
    expect_docs(&fx, "title:\"annual review\"", OR, D(1));
    expect_docs(&fx, "\"annual review\"", OR, D(1));
    expect_docs(&fx, "title:\"review annual\"", OR, 0);
    expect_docs(&fx, "title:\"security review\"", OR, 0);
    expect_docs(&fx, "\"security review\"", OR, D(2));
    expect_docs(&fx, "title:report", OR, D(0));
    expect_docs(&fx, "title:reports", OR, D(0)); /* stemmed like the text */
    expect_docs(&fx, "security -title:budget", OR, D(1) | D(2));
    expect_docs(&fx, "path:reports", OR, D(0));
    expect_docs(&fx, "path:REVIEW", OR, D(1));
    expect_docs(&fx, "path:Notes.TXT", OR, D(2));
    expect_docs(&fx, "path:docs", OR, D(0) | D(1));
    expect_docs(&fx, "path:/docs/", OR, D(0) | D(1));
    expect_docs(&fx, "path:budget-2024", OR, D(0));
    expect_docs(&fx, "path:nowhere", OR, 0);
    expect_docs(&fx, "security AND path:misc", OR, D(1));
    expect_docs(&fx, "security -path:docs", OR, D(2));
    expect_docs(&fx, "+path:docs +budget", OR, D(0) | D(1));

    /* title:budget scores BM25F with the body counts too, and only doc 0 matches. */
    shelf_search_opts o = default_opts(10);
    double N = 3, avg = (double)shelf_index_total_tokens(fx.idx) / N;
    double avg_t = (double)shelf_index_total_title_tokens(fx.idx) / N;
    assert_int_equal(shelf_index_total_tokens(fx.idx), 7 + 5 + 4);
    assert_int_equal(shelf_index_total_title_tokens(fx.idx), 2 + 2 + 1);
    assert_close(score_of(&fx, "title:budget", &o, 0),
                 hand_bm25f(2, 7, avg, 1, 2, avg_t, N, 2, 1.2, 0.75, 2.0));
    /* A title phrase: tf = matches in the title, normalised by the title's length. */
    assert_close(score_of(&fx, "title:\"annual review\"", &o, 1),
                 hand_sat(2 * hand_idf(N, 2), 1, 2, avg_t, 1.2, 0.75));
    /* The same phrase in the default field: the body's length. */
    assert_close(score_of(&fx, "\"annual review\"", &o, 1),
                 hand_sat(2 * hand_idf(N, 2), 1, 5, avg, 1.2, 0.75));
    /* path: scores 0 and adds nothing. */
    assert_close(score_of(&fx, "path:docs", &o, 1), 0.0);
    assert_close(score_of(&fx, "budget AND path:misc", &o, 1),
                 hand_bm25f(1, 5, avg, 0, 2, avg_t, N, 2, 1.2, 0.75, 2.0));
    fixture_close(&fx);
}

/* ---- analysis: stemming and folding ---- */

static const tdoc stem_docs[] = {
    {"s/0.txt", "Our Defence\nThe Defence of the realm\n"},
    {"s/1.txt", "Turkiye joins\nturkiye is a member\n"},
    {"s/2.txt", "Unrelated\nnothing to see\n"},
    {"s/3.txt", "Naïve café\nNausėda spoke about defences\n"},
};

static void test_stemming_and_folding(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, stem_docs, 4, "english");
    expect_docs(&fx, "defences", OR, D(0) | D(3));
    expect_docs(&fx, "defence", OR, D(0) | D(3));
    expect_docs(&fx, "DEFENCE", OR, D(0) | D(3));
    expect_docs(&fx, "Türkiye", OR, D(1));
    expect_docs(&fx, "TÜRKIYE", OR, D(1));
    expect_docs(&fx, "turkiye", OR, D(1));
    expect_docs(&fx, "nauseda", OR, D(3));
    expect_docs(&fx, "NAUSĖDA", OR, D(3));
    expect_docs(&fx, "cafe naive", AND, D(3));
    expect_docs(&fx, "\"our defences\"", OR, D(0));
    fixture_close(&fx);

    fixture_open(&fx, stem_docs, 4, "none");
    expect_docs(&fx, "defences", OR, D(3));
    expect_docs(&fx, "defence", OR, D(0));
    expect_docs(&fx, "DEFENCE", OR, D(0));
    expect_docs(&fx, "Türkiye", OR, D(1));
    expect_docs(&fx, "nauseda", OR, D(3));
    expect_docs(&fx, "\"our defences\"", OR, 0);
    expect_docs(&fx, "defence*", OR, D(0) | D(3));
    fixture_close(&fx);
}

/* ---- queries that do not plan or parse ---- */

static void expect_query_error(fixture *fx, const char *q, bool default_and, int column,
                               const char *message_part)
{
    shelf_err err = {0};
    int col;
    shelf_plan *p = plan_query(fx, q, default_and, NULL, 0, &err, &col);
    if (p) {
        shelf_plan_free(p);
        fail_msg("[%s]: planned, expected an error at column %d", q, column);
    }
    if (err.code != SHELF_EINVAL || col != column || !err.msg[0] ||
        (message_part && !strstr(err.msg, message_part)))
        fail_msg("[%s]: error code %d at column %d \"%s\"; expected EINVAL at column %d (%s)", q,
                 err.code, col, err.msg, column, message_part ? message_part : "");
}

static void test_query_errors(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, bool_docs, 7, "english");
    /* Plans to nothing: only punctuation. */
    expect_query_error(&fx, "!!!", false, 1, "no searchable words");
    expect_query_error(&fx, "   ?!", false, 4, "no searchable words");
    expect_query_error(&fx, "!!! ???", false, 1, "no searchable words");
    expect_query_error(&fx, "\"... ,,,\"", false, 1, "no searchable words");
    expect_query_error(&fx, "(... ;;;)", true, 2, "no searchable words"); /* the first word */
    /* Parse errors. */
    expect_query_error(&fx, "-apple -banana", false, 1, "nothing to match");
    expect_query_error(&fx, "-a -b", true, 1, "nothing to match");
    expect_query_error(&fx, "apple \"banana", false, 7, "quote");
    expect_query_error(&fx, "apple AND", false, 7, "AND");
    expect_query_error(&fx, "", false, 1, "empty");
    /* Excluding only punctuation leaves something to match. */
    shelf_search_opts o = default_opts(10);
    shelf_results r;
    run_query(&fx, "apple -!!!", false, &o, &r, NULL, 0);
    assert_int_equal(r.total, 4);
    shelf_results_free(&r);
    fixture_close(&fx);
}

/* ---- several segments and deleted documents ---- */

/* The ranking collection written in two runs (two segments) scores exactly as
 * in one: N, average lengths and df are those of the whole index. */
static void test_segments_global_statistics(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, rank_docs, 2, "english");
    fixture_write(&fx, NULL, rank_docs + 2, 2, NULL, 0);
    assert_int_equal(shelf_index_segment_count(fx.idx), 2);
    assert_int_equal(shelf_index_doc_count(fx.idx), 4);
    assert_int_equal(shelf_index_total_tokens(fx.idx), 19);
    assert_int_equal(shelf_index_total_title_tokens(fx.idx), 8);
    assert_int_equal(shelf_index_base(fx.idx, 0), 0);
    assert_int_equal(shelf_index_base(fx.idx, 1), 2);
    for (int w = 0; w <= 2; w += 2) {
        shelf_search_opts o = opts(1.2, 0.75, w, 10);
        assert_close(score_of(&fx, "alpha", &o, 0),
                     hand_bm25f(2, 5, RAVG, 1, 2, RAVG_T, RN, 2, 1.2, 0.75, w));
        assert_close(score_of(&fx, "alpha", &o, 2),
                     hand_bm25f(1, 8, RAVG, 0, 3, RAVG_T, RN, 2, 1.2, 0.75, w));
        assert_close(score_of(&fx, "beta", &o, 1),
                     hand_bm25f(3, 5, RAVG, 1, 2, RAVG_T, RN, 2, 1.2, 0.75, w));
        assert_close(score_of(&fx, "omega", &o, 3),
                     hand_bm25f(1, 1, RAVG, 1, 1, RAVG_T, RN, 1, 1.2, 0.75, w));
        assert_close(score_of(&fx, "\"alpha beta\"", &o, 0),
                     hand_sat(2 * log(2.0), 1, 5, RAVG, 1.2, 0.75));
    }
    shelf_search_opts o = default_opts(10);
    shelf_results r;
    run_query(&fx, "alpha omega", false, &o, &r, NULL, 0);
    assert_int_equal(r.total, 3);
    for (size_t i = 0; i < r.count; i++) {
        assert_int_equal(r.hits[i].segment, r.hits[i].doc < 2 ? 0 : 1);
        assert_int_equal(r.hits[i].local, r.hits[i].doc % 2);
    }
    shelf_results_free(&r);
    fixture_close(&fx);
}

/* Equal scores in different segments: the lower global number first. */
static void test_ties_across_segments(void **state)
{
    (void)state;
    static const tdoc first[] = {{"u/a.txt", "other words\n"}, {"u/b.txt", "same text\n"}};
    static const tdoc second[] = {{"u/c.txt", "same text\n"}, {"u/d.txt", "nothing\n"}};
    static const tdoc third[] = {{"u/e.txt", "same text\n"}};
    fixture fx;
    fixture_open(&fx, first, 2, "english");
    fixture_write(&fx, NULL, second, 2, NULL, 0);
    fixture_write(&fx, NULL, third, 1, NULL, 0);
    assert_int_equal(shelf_index_segment_count(fx.idx), 3);
    for (size_t k = 1; k <= 4; k++) {
        shelf_search_opts o = default_opts(k);
        shelf_results r;
        run_query(&fx, "same", false, &o, &r, NULL, 0);
        static const uint64_t order[] = {1, 2, 4};
        assert_int_equal(r.total, 3);
        assert_int_equal(r.count, k < 3 ? k : 3);
        for (size_t i = 0; i < r.count; i++) {
            assert_int_equal(r.hits[i].doc, order[i]);
            assert_true(r.hits[i].score == r.hits[0].score);
        }
        shelf_results_free(&r);
    }
    fixture_close(&fx);
}

/*
 * bool_docs, then b/0.txt replaced by "durian only" (global number 7 in a
 * second segment; 0 deleted) and b/5.txt removed.  Live: 1 2 3 4 6 7.
 * Live body tokens: 2 + 2 + 3 + 1 + 2 + 2 = 12 over 6 documents; titles the same.
 */
static void test_deleted_documents(void **state)
{
    (void)state;
    static const tdoc replacement[] = {{"b/0.txt", "durian only\n"}};
    static const char *const removed[] = {"b/5.txt"};
    fixture fx;
    fixture_open(&fx, bool_docs, 7, "english");
    fixture_write(&fx, NULL, replacement, 1, removed, 1);
    assert_int_equal(shelf_index_doc_count(fx.idx), 6);
    assert_int_equal(shelf_index_numbered(fx.idx), 8);
    assert_int_equal(shelf_index_total_tokens(fx.idx), 12);
    assert_int_equal(shelf_index_total_title_tokens(fx.idx), 12);
    expect_docs(&fx, "apple", OR, D(1) | D(3));
    expect_docs(&fx, "durian", OR, D(4) | D(6) | D(7));
    expect_docs(&fx, "apple banana", AND, D(3));
    expect_docs(&fx, "apple banana", OR, D(1) | D(2) | D(3) | D(6));
    expect_docs(&fx, "\"apple banana\"", OR, D(3));
    expect_docs(&fx, "durian NOT banana", OR, D(4) | D(7));
    expect_docs(&fx, "path:b/", OR, D(1) | D(2) | D(3) | D(4) | D(6) | D(7));
    expect_docs(&fx, "path:b/5", OR, 0);
    expect_docs(&fx, "path:b/0", OR, D(7));
    expect_docs(&fx, "only", OR, D(7));
    expect_docs(&fx, "appl*", OR, D(1) | D(3));

    /* Statistics over live documents: N = 6, durian in 3, avg 2. */
    double N = 6, avg = 2;
    shelf_search_opts o = default_opts(10);
    shelf_results r;
    run_query(&fx, "durian", false, &o, &r, NULL, 0);
    assert_int_equal(r.total, 3);
    assert_int_equal(r.hits[0].doc, 4); /* shortest */
    assert_int_equal(r.hits[1].doc, 6); /* tie with 7: lower number first */
    assert_int_equal(r.hits[2].doc, 7);
    assert_int_equal(r.hits[2].segment, 1);
    assert_int_equal(r.hits[2].local, 0);
    assert_close(r.hits[0].score, hand_bm25f(1, 1, avg, 1, 1, avg, N, 3, 1.2, 0.75, 2.0));
    assert_close(r.hits[1].score, hand_bm25f(1, 2, avg, 1, 2, avg, N, 3, 1.2, 0.75, 2.0));
    assert_true(r.hits[1].score == r.hits[2].score);
    shelf_results_free(&r);
    /* apple: live in 1 and 3 only. */
    shelf_search_opts o0 = opts(1.2, 0.75, 0.0, 10);
    assert_close(score_of(&fx, "apple", &o0, 3), hand_bm25(1, 3, avg, N, 2, 1.2, 0.75));
    fixture_close(&fx);
}

/* ---- a term's score is explain's, bit for bit ---- */

static const tdoc table_docs[] = {
    {"s/0.txt", "Title zero\nkiwi aa bb cc\n"},   /* body tf 1, length 6 */
    {"s/1.txt", "Title one\nkiwi aa bb cc\n"},    /* the same again */
    {"s/2.txt", "Title two\nkiwi kiwi bb cc\n"},  /* tf 2, length 6 */
    {"s/3.txt", "Title three\nkiwi kiwi bb cc\n"},
    {"s/4.txt", "Title kiwi\nkiwi aa bb cc\n"},   /* in the title too */
    {"s/5.txt", "Title five\nkiwi kiwi kiwi cc\n"}, /* tf 3 */
};

/* Scoring (pruned and exhaustive, iter_term.c) and explain work a term's
 * score out the same way: equal doubles; two documents with the same tf and
 * length score the same. */
static void test_score_equals_explain(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, table_docs, 6, "english");
    static const double weights[] = {2.0, 0.0};
    for (size_t w = 0; w < 2; w++) {
        shelf_search_opts o = opts(1.2, 0.75, weights[w], 10);
        for (int exhaustive = 0; exhaustive < 2; exhaustive++) {
            o.exact_total = exhaustive;
            shelf_err err = {0};
            int column;
            shelf_plan *plan = plan_query(&fx, "kiwi", false, NULL, 0, &err, &column);
            assert_non_null(plan);
            shelf_results r;
            assert_int_equal(shelf_search(fx.idx, plan, &o, &r, &err), SHELF_OK);
            assert_int_equal(r.count, 6);
            double by_doc[6];
            for (size_t i = 0; i < r.count; i++) {
                double sum = explain_sum(&fx, plan, &o, &r.hits[i], NULL);
                if (sum != r.hits[i].score)
                    fail_msg("weight %g: doc %llu scores %.17g, explain %.17g", weights[w],
                             (unsigned long long)r.hits[i].doc, r.hits[i].score, sum);
                by_doc[r.hits[i].doc] = r.hits[i].score;
            }
            assert_true(by_doc[0] == by_doc[1]);
            assert_true(by_doc[2] == by_doc[3]);
            assert_true(by_doc[0] < by_doc[2] && by_doc[2] < by_doc[5]);
            shelf_results_free(&r);
            shelf_plan_free(plan);
        }
    }
    fixture_close(&fx);
}

/* ---- explain adds up over a mixed bag of queries ---- */

static void test_explain_sums(void **state)
{
    (void)state;
    fixture fx;
    fixture_open(&fx, phrase_docs, 8, "english");
    static const char *queries[] = {
        "quick", "quick brown fox", "+fox quick", "\"quick brown\" fox", "fox NEAR/3 quick",
        "title:heading fox", "title:\"heading one\" red", "heading* -dog", "cyber-attacks happen",
        "(red OR quick) AND fox", "fox path:p/6", "fox fox \"red fox\"",
    };
    static const double params[][3] = {{1.2, 0.75, 2.0}, {1.2, 0.75, 0.0}, {0.3, 1.0, 5.0}};
    for (size_t p = 0; p < 3; p++) {
        shelf_search_opts o = opts(params[p][0], params[p][1], params[p][2], 10);
        for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
            shelf_results r;
            run_query(&fx, queries[i], false, &o, &r, NULL, 0); /* checks explain sums */
            assert_true(r.total > 0);
            shelf_results_free(&r);
        }
    }
    /* title:heading matches every doc; explain says kind "title". */
    shelf_search_opts o = default_opts(10);
    shelf_err err = {0};
    int column;
    shelf_plan *plan = plan_query(&fx, "title:heading", false, NULL, 0, &err, &column);
    assert_non_null(plan);
    shelf_results r;
    assert_int_equal(shelf_search(fx.idx, plan, &o, &r, &err), SHELF_OK);
    assert_int_equal(r.total, 8);
    shelf_explain ex;
    explain_sum(&fx, plan, &o, &r.hits[0], &ex);
    assert_int_equal(ex.count, 1);
    assert_string_equal(ex.terms[0].kind, "title");
    assert_int_equal(ex.terms[0].tf_title, 1);
    assert_int_equal(ex.terms[0].tf_body, 1);
    shelf_explain_free(&ex);
    shelf_results_free(&r);
    shelf_plan_free(plan);
    fixture_close(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_collection_statistics),
        cmocka_unit_test(test_bm25_plain),
        cmocka_unit_test(test_bm25f_title),
        cmocka_unit_test(test_phrase_near_scores),
        cmocka_unit_test(test_ties_by_doc),
        cmocka_unit_test(test_topk_prefix),
        cmocka_unit_test(test_boolean_sets),
        cmocka_unit_test(test_total_distinct),
        cmocka_unit_test(test_phrases),
        cmocka_unit_test(test_near),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_stemming_and_folding),
        cmocka_unit_test(test_query_errors),
        cmocka_unit_test(test_explain_sums),
        cmocka_unit_test(test_score_equals_explain),
        cmocka_unit_test(test_segments_global_statistics),
        cmocka_unit_test(test_ties_across_segments),
        cmocka_unit_test(test_deleted_documents),
        cmocka_unit_test(test_count_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
