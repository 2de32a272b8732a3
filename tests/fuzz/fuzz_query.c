/*
 * fuzz_query.c - the query parser (query/parse.h) over arbitrary bytes,
 * and every query that parses planned, searched, explained and turned into
 * snippets against the template index (index_template.h, opened once with
 * verification).
 *
 * Input: byte 0 bit 0 = default AND; the rest is the query (up to a NUL).
 * Checked:
 *   - a refusal is SHELF_EINVAL with a message and a column in 1..length+1;
 *   - a tree: every BOOL keeps at least one MUST or SHOULD child and never
 *     just one child; TERM, PREFIX and PATH carry non-empty text; PHRASE
 *     and NEAR hold TERM children only, NEAR at least two within
 *     0..SHELF_NEAR_MAX; columns are >= 1; the S-expression fits its
 *     buffer, and a small buffer gets a NUL-terminated prefix of it;
 *   - a plan: searching with and without dynamic pruning gives the same
 *     hits in the same order with the same scores; hits are sorted by score
 *     then document; totals are consistent; the best hit explains and gets
 *     passages inside its stored text.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyzer.h"
#include "fuzz.h"
#include "backend/native/index.h"
#include "index_template.h"
#include "present/snippets.h"
#include "query/parse.h"
#include "query/plan.h"
#include "query/search.h"
#include "backend/native/index_stats.h"
#include "backend/native/search.h"

#define TARGET "query"
#define HITS 5
#define SEXPR_BYTES 65536
#define SMALL_SEXPR 16
#define NOTES_BYTES 512
#define SCORE_TOLERANCE 1e-9

static shelf_index *index_;
static shelf_analyzer *analyzer;

static void close_all(void)
{
    shelf_index_close(index_);
    shelf_analyzer_free(analyzer);
    index_ = NULL;
    analyzer = NULL;
}

static void open_once(void)
{
    if (index_)
        return;
    shelf_err err = {0};
    if (shelf_index_open(&index_, fuzz_template_dir(), SHELF_OPEN_VERIFY, &err) != SHELF_OK)
        fuzz_fail(TARGET, err.msg);
    analyzer = shelf_analyzer_new(shelf_index_language(index_), &err);
    fuzz_require(analyzer != NULL, TARGET, err.msg);
    atexit(close_all);
}

/* ---- the tree ---- */

static void check_leaf_children(const shelf_qnode *n)
{
    for (size_t i = 0; i < n->nchildren; i++)
        fuzz_require(n->children[i]->kind == SHELF_Q_TERM, TARGET, "phrase or NEAR of non-terms");
    if (n->kind == SHELF_Q_NEAR)
        fuzz_require(n->nchildren >= 2 && n->distance >= 0 && n->distance <= SHELF_NEAR_MAX,
                     TARGET, "NEAR with one word or a bad distance");
    else
        fuzz_require(n->nchildren >= 1, TARGET, "empty phrase");
}

static void check_bool(const shelf_qnode *n)
{
    size_t positive = 0;
    for (size_t i = 0; i < n->nchildren; i++)
        positive += n->children[i]->occur != SHELF_OCCUR_MUST_NOT;
    fuzz_require(positive >= 1, TARGET, "BOOL of exclusions only");
    fuzz_require(n->nchildren >= 2, TARGET, "BOOL of one child not replaced by it");
}

static void check_tree(const shelf_qnode *n)
{
    fuzz_require(n->column >= 1, TARGET, "node column < 1");
    switch (n->kind) {
    case SHELF_Q_TERM:
    case SHELF_Q_PREFIX:
    case SHELF_Q_PATH:
    case SHELF_Q_FILTER:
        fuzz_require(n->text && n->text[0], TARGET, "leaf without text");
        return;
    case SHELF_Q_PHRASE:
    case SHELF_Q_NEAR:
        check_leaf_children(n);
        break;
    case SHELF_Q_BOOL:
        check_bool(n);
        break;
    default:
        fuzz_fail(TARGET, "unknown node kind");
    }
    for (size_t i = 0; i < n->nchildren; i++)
        check_tree(n->children[i]);
}

static void check_sexpr(const shelf_qnode *tree)
{
    char *full = malloc(SEXPR_BYTES);
    char small[SMALL_SEXPR];
    fuzz_require(full != NULL, TARGET, "out of memory");
    size_t n = shelf_query_sexpr(tree, full, SEXPR_BYTES);
    fuzz_require(n < SEXPR_BYTES && full[n] == '\0' && strlen(full) == n, TARGET,
                 "S-expression length wrong");
    size_t m = shelf_query_sexpr(tree, small, sizeof small);
    fuzz_require(m < sizeof small && small[m] == '\0' && strncmp(small, full, m) == 0, TARGET,
                 "truncated S-expression is not a prefix");
    free(full);
}

/* ---- searching ---- */

static void check_order(const shelf_results *r)
{
    fuzz_require(r->count <= HITS && r->total >= r->count, TARGET, "hit count above k or total");
    for (size_t i = 1; i < r->count; i++) {
        const shelf_hit *a = &r->hits[i - 1], *b = &r->hits[i];
        fuzz_require(a->score > b->score || (a->score == b->score && a->doc < b->doc), TARGET,
                     "hits not sorted by score then document");
    }
}

static void check_same_hits(const shelf_results *exact, const shelf_results *pruned)
{
    fuzz_require(exact->total_exact, TARGET, "exact_total search gave an inexact total");
    fuzz_require(pruned->total <= exact->total, TARGET, "pruned total above the exact one");
    fuzz_require(!pruned->total_exact || pruned->total == exact->total, TARGET,
                 "totals differ though both are exact");
    fuzz_require(exact->count == pruned->count, TARGET, "pruning changed the number of hits");
    for (size_t i = 0; i < exact->count; i++) {
        const shelf_hit *a = &exact->hits[i], *b = &pruned->hits[i];
        fuzz_require(a->doc == b->doc && fabs(a->score - b->score) <= SCORE_TOLERANCE, TARGET,
                     "pruning changed the hits");
    }
}

static void check_best_hit(const shelf_plan *plan, const shelf_search_opts *o,
                           const shelf_hit *hit)
{
    shelf_explain ex = {0};
    shelf_err err = {0};
    fuzz_require(shelf_search_explain(index_, plan, o, hit, &ex, &err) == SHELF_OK, TARGET,
                 err.msg);
    shelf_explain_free(&ex);
    shelf_buf text = SHELF_BUF_INIT;
    shelf_passages ps;
    shelf_passage_opts po = {SHELF_DEFAULT_PASSAGES, SHELF_DEFAULT_WIDTH, 0, false};
    fuzz_require(shelf_snippets_for_hit(index_, hit, plan, analyzer, &po, &text, &ps, &err) ==
                     SHELF_OK, TARGET, err.msg);
    for (size_t i = 0; i < ps.count; i++)
        fuzz_require(ps.at[i].start < ps.at[i].end && ps.at[i].end <= text.len, TARGET,
                     "passage outside the stored text");
    shelf_passages_free(&ps);
    shelf_buf_free(&text);
}

static void search(const shelf_plan *plan)
{
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.k = HITS;
    shelf_results exact, pruned;
    shelf_err err = {0};
    o.exact_total = true;
    fuzz_require(shelf_search(index_, plan, &o, &exact, &err) == SHELF_OK, TARGET, err.msg);
    o.exact_total = false;
    fuzz_require(shelf_search(index_, plan, &o, &pruned, &err) == SHELF_OK, TARGET, err.msg);
    check_order(&exact);
    check_order(&pruned);
    check_same_hits(&exact, &pruned);
    if (exact.count)
        check_best_hit(plan, &o, &exact.hits[0]);
    shelf_results_free(&exact);
    shelf_results_free(&pruned);
}

static void plan_and_search(const shelf_qnode *tree)
{
    char notes[NOTES_BYTES];
    shelf_err err = {0};
    int column = 0;
    shelf_plan *plan = shelf_plan_for_index(index_, analyzer, tree, notes, sizeof notes, &err, &column);
    if (!plan) {
        fuzz_require(err.code != SHELF_OK && err.msg[0] && column >= 1, TARGET,
                     "plan refused without a message or column");
        return;
    }
    search(plan);
    shelf_plan_free(plan);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    open_once();
    char *query = fuzz_copy(data + 1, size - 1);
    shelf_parse_opts opts = {.default_and = data[0] & 1};
    shelf_err err = {0};
    int column = 0;
    shelf_qnode *tree = shelf_query_parse(query, &opts, &err, &column);
    if (!tree) {
        fuzz_require(err.code == SHELF_EINVAL && err.msg[0], TARGET, "refusal without a message");
        fuzz_require(column >= 1 && (size_t)column <= strlen(query) + 1, TARGET,
                     "refusal column outside the query");
    } else {
        check_tree(tree);
        check_sexpr(tree);
        plan_and_search(tree);
        shelf_query_free(tree);
    }
    free(query);
    return 0;
}
