/*
 * test_xapian_wrapper.c - the C API over libxapian (backend/xapian/xapian_c.h)
 * and the plan translation on top of it (backend/xapian/xapian_query.h).
 *
 * Each test builds a small Xapian database in a temporary folder from the
 * documents in DOCS (body terms under "Z" with positions and wdf 1, title terms under
 * "S" with wdf 0, the unique id "Q" + path, the path as data), commits, and
 * reopens it.  What is checked:
 *   - document count, term frequencies, data, positions (ours, from 0),
 *     find by id, terms by prefix, metadata;
 *   - replace (same id keeps the count and the docid), delete, and a
 *     cancelled transaction leaving nothing behind;
 *   - the query-building API: term, phrase, near, AND / OR / AND_NOT /
 *     AND_MAYBE / FILTER, scale weight, nothing, and a NULL operand;
 *   - searching hand-built plans: TERM (body and title), PHRASE (order
 *     matters), NEAR/n boundaries, BOOL roles, PATH filter (weightless,
 *     ASCII case ignored), NONE; best first with ties by docid, exact total,
 *     offset / k slices and k = 0;
 *   - errors: missing database (named), second writer (SHELF_ELOCKED), read
 *     only handle, over-long id, malformed plans;
 *   - Database::check on a good and on a damaged database, and xapian-delve
 *     reading what we wrote.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>
#include <unistd.h>

#include "query/plan.h"
#include "support.h"
#include "backend/xapian/xapian_c.h"
#include "backend/xapian/xapian_query.h"
#include "backend/xapian/xapian_terms.h"

/* libxapian 1.4.22's Database::check deletes an internal object through a
 * pointer to a smaller base class without a virtual destructor, which
 * AddressSanitizer reports as new-delete-type-mismatch (harmless with the
 * system allocator).  The check cannot be narrowed to libxapian's frames, so
 * it is off in this program only. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "new_delete_type_mismatch=0";
}

/* ---- the test database ---- */

typedef struct tdoc {
    const char *path;
    const char *title; /* words separated by single spaces */
    const char *body;
} tdoc;

/* Docids follow this order (1-based).  Docs 2 and 6 have the same body, so
 * they tie on every body term. */
static const tdoc DOCS[] = {
    {"docs/Alpha.txt", "alpha report", "alpha report the quick brown fox jumps"},
    {"docs/beta.md", "beta", "beta the brown quick fox"},
    {"notes/Gamma.txt", "gamma notes", "gamma notes quick red fox brown dog"},
    {"notes/delta.txt", "delta", "delta lazy dog sleeps dog"},
    {"misc/epsilon.txt", "epsilon quick", "epsilon quick"},
    {"misc/zeta.txt", "zeta", "beta the brown quick fox"},
};
#define NDOCS (sizeof DOCS / sizeof DOCS[0])
#define D(i) (1u << (i)) /* bit of docid i in a document set */

typedef struct fixture {
    char *tmp;
    char *path; /* the database folder */
    shelf_xdb *db;
} fixture;

/* Add one posting per space-separated word of text, at positions 0, 1, ... */
static void add_words(shelf_xdoc *doc, const char *prefix, const char *text, uint32_t wdf)
{
    uint32_t pos = 0;
    for (const char *w = text; *w; pos++) {
        size_t n = strcspn(w, " ");
        char term[80];
        snprintf(term, sizeof term, "%s%.*s", prefix, (int)n, w);
        shelf_err err = {0};
        assert_int_equal(shelf_xdoc_add_posting(doc, term, strlen(term), pos, wdf, &err), SHELF_OK);
        w += n + (w[n] == ' ');
    }
}

static shelf_xdoc *make_doc(const tdoc *d, const char *data)
{
    shelf_xdoc *doc = shelf_xdoc_new();
    assert_non_null(doc);
    add_words(doc, SHELF_XAPIAN_BODY_PREFIX, d->body, 1);
    add_words(doc, SHELF_XAPIAN_TITLE_PREFIX, d->title, 0);
    char *id = ts_strf("%s%s", SHELF_XAPIAN_ID_PREFIX, d->path);
    shelf_err err = {0};
    assert_int_equal(shelf_xdoc_add_boolean_term(doc, id, strlen(id), &err), SHELF_OK);
    assert_int_equal(shelf_xdoc_set_data(doc, data, strlen(data), &err), SHELF_OK);
    free(id);
    return doc;
}

static uint32_t put_doc(shelf_xdb *db, const tdoc *d, const char *data)
{
    shelf_xdoc *doc = make_doc(d, data);
    shelf_err err = {0};
    uint32_t docid = 0;
    if (shelf_xdb_replace(db, d->path, strlen(d->path), doc, &docid, &err) != SHELF_OK)
        fail_msg("replace %s: %s", d->path, err.msg);
    shelf_xdoc_free(doc);
    return docid;
}

static shelf_xdb *open_writer(const char *path)
{
    shelf_xdb *db = NULL;
    shelf_err err = {0};
    if (shelf_xdb_open_writable(&db, path, 1, &err) != SHELF_OK)
        fail_msg("open_writable: %s", err.msg);
    return db;
}

static shelf_xdb *open_reader(const char *path)
{
    shelf_xdb *db = NULL;
    shelf_err err = {0};
    if (shelf_xdb_open(&db, path, &err) != SHELF_OK)
        fail_msg("open: %s", err.msg);
    return db;
}

/* Build the database from DOCS and open it read-only. */
static void fixture_open(fixture *fx)
{
    fx->tmp = ts_mkdtemp();
    fx->path = ts_strf("%s/xdb", fx->tmp);
    shelf_xdb *w = open_writer(fx->path);
    for (size_t i = 0; i < NDOCS; i++)
        assert_int_equal(put_doc(w, &DOCS[i], DOCS[i].path), i + 1);
    shelf_err err = {0};
    assert_int_equal(shelf_xdb_set_metadata(w, "language", "english", &err), SHELF_OK);
    assert_int_equal(shelf_xdb_commit(w, &err), SHELF_OK);
    shelf_xdb_close(w);
    fx->db = open_reader(fx->path);
}

static void fixture_close(fixture *fx)
{
    shelf_xdb_close(fx->db);
    ts_rmtree(fx->tmp);
    free(fx->path);
    free(fx->tmp);
}

static uint64_t df_of(shelf_xdb *db, const char *term)
{
    uint64_t df = 99;
    shelf_err err = {0};
    assert_int_equal(shelf_xdb_termfreq(db, term, strlen(term), &df, &err), SHELF_OK);
    return df;
}

static uint32_t find_id(shelf_xdb *db, const char *path)
{
    uint32_t docid = 0;
    shelf_err err = {0};
    if (shelf_xdb_find(db, path, strlen(path), &docid, &err) != SHELF_OK)
        fail_msg("find %s: %s", path, err.msg);
    return docid;
}

static void assert_data(shelf_xdb *db, uint32_t docid, const char *want)
{
    shelf_buf b = SHELF_BUF_INIT;
    shelf_err err = {0};
    assert_int_equal(shelf_xdb_data(db, docid, &b, &err), SHELF_OK);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    shelf_buf_free(&b);
}

/* ---- hand-built plans ---- */

static shelf_plan *p_node(shelf_pkind kind, uint8_t field)
{
    shelf_plan *p = calloc(1, sizeof *p);
    assert_non_null(p);
    p->kind = kind;
    p->occur = SHELF_OCCUR_SHOULD;
    p->field = field;
    return p;
}

/* A node whose keys are the space-separated words (body-field keys). */
static shelf_plan *p_words(shelf_pkind kind, uint8_t field, const char *words)
{
    shelf_plan *p = p_node(kind, field);
    p->keys = calloc(16, sizeof *p->keys);
    assert_non_null(p->keys);
    for (const char *w = words; *w; p->nkeys++) {
        size_t n = strcspn(w, " ");
        p->keys[p->nkeys].key[0] = SHELF_FIELD_BODY;
        memcpy(p->keys[p->nkeys].key + 1, w, n);
        p->keys[p->nkeys].len = n + 1;
        w += n + (w[n] == ' ');
    }
    return p;
}

static shelf_plan *p_term(const char *word)
{
    return p_words(SHELF_P_TERM, SHELF_FIELD_BODY, word);
}

static shelf_plan *p_near(int distance, const char *words)
{
    shelf_plan *p = p_words(SHELF_P_NEAR, SHELF_FIELD_BODY, words);
    p->distance = distance;
    return p;
}

static shelf_plan *p_path(const char *fragment)
{
    shelf_plan *p = p_node(SHELF_P_PATH, SHELF_FIELD_BODY);
    p->text = strdup(fragment);
    return p;
}

static shelf_plan *p_occur(shelf_occur occur, shelf_plan *p)
{
    p->occur = occur;
    return p;
}

/* A BOOL node over n children. */
static shelf_plan *p_bool(size_t n, ...)
{
    shelf_plan *p = p_node(SHELF_P_BOOL, SHELF_FIELD_BODY);
    p->children = calloc(n ? n : 1, sizeof *p->children);
    assert_non_null(p->children);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        p->children[p->nchildren++] = va_arg(ap, shelf_plan *);
    va_end(ap);
    return p;
}

static void p_free(shelf_plan *p)
{
    for (size_t i = 0; i < p->nchildren; i++)
        p_free(p->children[i]);
    free(p->children);
    free(p->keys);
    free(p->text);
    free(p);
}

/* ---- running searches ---- */

typedef struct result {
    shelf_xhit hits[NDOCS + 2];
    size_t count;
    uint64_t total;
    unsigned set; /* D(docid) of every hit */
} result;

static void check_order(const result *r)
{
    for (size_t i = 0; i < r->count; i++) {
        assert_true(isfinite(r->hits[i].score));
        assert_true(r->hits[i].score >= 0);
        if (i == 0)
            continue;
        const shelf_xhit *a = &r->hits[i - 1], *b = &r->hits[i];
        assert_true(a->score >= b->score);
        if (a->score == b->score)
            assert_true(a->docid < b->docid);
    }
}

/* Search with offset / k; frees the plan. */
static result search_slice(shelf_xdb *db, shelf_plan *plan, size_t offset, size_t k, double k1)
{
    result r;
    memset(&r, 0, sizeof r);
    shelf_xsearch params = {.k1 = k1, .b = 0.75, .offset = offset, .k = k};
    shelf_err err = {0};
    if (shelf_xapian_search_plan(db, plan, &params, r.hits, &r.count, &r.total, &err) != SHELF_OK)
        fail_msg("search: %s", err.msg);
    p_free(plan);
    assert_true(r.count <= k);
    for (size_t i = 0; i < r.count; i++)
        r.set |= D(r.hits[i].docid);
    check_order(&r);
    return r;
}

/* The whole ranking; the total equals the number of hits. */
static result search(shelf_xdb *db, shelf_plan *plan)
{
    result r = search_slice(db, plan, 0, NDOCS + 2, 1.2);
    assert_int_equal(r.total, r.count);
    return r;
}

static unsigned matches(shelf_xdb *db, shelf_plan *plan)
{
    return search(db, plan).set;
}

/* ---- tests: reading back what was written ---- */

static void test_statistics(void **state)
{
    fixture fx;
    fixture_open(&fx);
    assert_int_equal(shelf_xdb_doc_count(fx.db), NDOCS);
    assert_int_equal(df_of(fx.db, "Zquick"), 5);
    assert_int_equal(df_of(fx.db, "Zfox"), 4);
    assert_int_equal(df_of(fx.db, "Squick"), 1);
    assert_int_equal(df_of(fx.db, "Sbeta"), 1);
    assert_int_equal(df_of(fx.db, "Qdocs/beta.md"), 1);
    assert_int_equal(df_of(fx.db, "Zabsent"), 0);
    char value[32];
    shelf_err err = {0};
    int rc = shelf_xdb_get_metadata(fx.db, "language", value, sizeof value, &err);
    assert_int_equal(rc, SHELF_OK);
    assert_string_equal(value, "english");
    assert_int_equal(shelf_xdb_get_metadata(fx.db, "unset", value, sizeof value, &err), SHELF_OK);
    assert_string_equal(value, "");
    assert_int_equal(shelf_xdb_get_metadata(fx.db, "language", value, 4, &err), SHELF_EINVAL);
    fixture_close(&fx);
}

static void test_find_and_data(void **state)
{
    fixture fx;
    fixture_open(&fx);
    for (size_t i = 0; i < NDOCS; i++) {
        uint32_t docid = find_id(fx.db, DOCS[i].path);
        assert_int_equal(docid, i + 1);
        assert_data(fx.db, docid, DOCS[i].path);
    }
    shelf_err err = {0};
    uint32_t docid = 0;
    assert_int_equal(shelf_xdb_find(fx.db, "docs/none", 9, &docid, &err), SHELF_ENOTFOUND);
    assert_non_null(strstr(err.msg, "docs/none"));
    shelf_buf b = SHELF_BUF_INIT;
    assert_int_equal(shelf_xdb_data(fx.db, 77, &b, &err), SHELF_ENOTFOUND);
    assert_non_null(strstr(err.msg, fx.path));
    fixture_close(&fx);
}

/* Positions of term in docid, as a string "p1 p2 ...". */
static char *positions(shelf_xdb *db, uint32_t docid, const char *term)
{
    shelf_buf b = SHELF_BUF_INIT;
    shelf_err err = {0};
    if (shelf_xdb_positions(db, docid, term, strlen(term), &b, &err) != SHELF_OK)
        fail_msg("positions: %s", err.msg);
    assert_int_equal(b.len % sizeof(uint32_t), 0);
    char *s = calloc(1, 16 * (b.len / 4) + 1);
    for (size_t i = 0; i < b.len / 4; i++) {
        uint32_t v;
        memcpy(&v, b.data + 4 * i, 4);
        sprintf(s + strlen(s), "%s%u", i ? " " : "", v);
    }
    shelf_buf_free(&b);
    return s;
}

static void assert_positions(shelf_xdb *db, uint32_t docid, const char *term, const char *want)
{
    char *got = positions(db, docid, term);
    assert_string_equal(got, want);
    free(got);
}

static void test_positions(void **state)
{
    fixture fx;
    fixture_open(&fx);
    assert_positions(fx.db, 1, "Zalpha", "0");
    assert_positions(fx.db, 1, "Zquick", "3");
    assert_positions(fx.db, 4, "Zdog", "2 4");
    assert_positions(fx.db, 5, "Squick", "1");
    assert_positions(fx.db, 5, "Sepsilon", "0");
    assert_positions(fx.db, 1, "Zdog", "");
    assert_positions(fx.db, 1, "Znever-seen", "");
    assert_positions(fx.db, 77, "Zquick", "");
    fixture_close(&fx);
}

typedef struct term_list {
    char text[512];
    size_t seen, stop_after;
} term_list;

static int collect_term(void *ctx, const char *term, size_t len, uint64_t df)
{
    term_list *t = ctx;
    size_t n = strlen(t->text);
    snprintf(t->text + n, sizeof t->text - n, "%.*s:%llu ", (int)len, term, (unsigned long long)df);
    return ++t->seen == t->stop_after;
}

static void test_terms(void **state)
{
    fixture fx;
    fixture_open(&fx);
    term_list t = {"", 0, 0};
    shelf_err err = {0};
    assert_int_equal(shelf_xdb_terms(fx.db, "S", 1, collect_term, &t, &err), SHELF_OK);
    assert_string_equal(t.text, "Salpha:1 Sbeta:1 Sdelta:1 Sepsilon:1 Sgamma:1 Snotes:1 Squick:1 "
                                "Sreport:1 Szeta:1 ");
    term_list q = {"", 0, 2};
    assert_int_equal(shelf_xdb_terms(fx.db, "Qnotes/", 7, collect_term, &q, &err), SHELF_OK);
    assert_string_equal(q.text, "Qnotes/Gamma.txt:1 Qnotes/delta.txt:1 ");
    term_list stop = {"", 0, 2};
    assert_int_equal(shelf_xdb_terms(fx.db, "Zb", 2, collect_term, &stop, &err), SHELF_OK);
    assert_string_equal(stop.text, "Zbeta:2 Zbrown:4 ");
    fixture_close(&fx);
}

/* ---- tests: changing the database ---- */

static void test_replace_and_delete(void **state)
{
    fixture fx;
    fixture_open(&fx);
    shelf_xdb *w = open_writer(fx.path);
    tdoc beta = {"docs/beta.md", "beta two", "beta again"};
    assert_int_equal(put_doc(w, &beta, "new data"), 2);
    shelf_err err = {0};
    assert_int_equal(shelf_xdb_delete(w, "notes/delta.txt", 15, &err), SHELF_OK);
    assert_int_equal(shelf_xdb_delete(w, "never/there", 11, &err), SHELF_OK);
    assert_int_equal(shelf_xdb_commit(w, &err), SHELF_OK);
    shelf_xdb_close(w);

    shelf_xdb *r = open_reader(fx.path);
    assert_int_equal(shelf_xdb_doc_count(r), NDOCS - 1);
    assert_int_equal(find_id(r, "docs/beta.md"), 2);
    assert_data(r, 2, "new data");
    assert_int_equal(df_of(r, "Zagain"), 1);
    assert_int_equal(df_of(r, "Zfox"), 3);
    assert_int_equal(df_of(r, "Sdelta"), 0);
    uint32_t docid;
    assert_int_equal(shelf_xdb_find(r, "notes/delta.txt", 15, &docid, &err), SHELF_ENOTFOUND);
    shelf_xdb_close(r);
    fixture_close(&fx);
}

static void test_transactions(void **state)
{
    fixture fx;
    fixture_open(&fx);
    shelf_xdb *w = open_writer(fx.path);
    shelf_err err = {0};
    tdoc extra = {"tmp/extra.txt", "extra", "extra words"};
    tdoc alpha = {"docs/Alpha.txt", "changed", "changed body"};
    assert_int_equal(shelf_xdb_begin(w, &err), SHELF_OK);
    put_doc(w, &extra, "extra");
    put_doc(w, &alpha, "changed");
    assert_int_equal(shelf_xdb_cancel(w, &err), SHELF_OK);
    assert_int_equal(shelf_xdb_doc_count(w), NDOCS);
    assert_int_equal(shelf_xdb_commit(w, &err), SHELF_OK);

    assert_int_equal(shelf_xdb_begin(w, &err), SHELF_OK);
    put_doc(w, &extra, "extra");
    assert_int_equal(shelf_xdb_commit(w, &err), SHELF_OK);
    shelf_xdb_close(w);

    shelf_xdb *r = open_reader(fx.path);
    assert_int_equal(shelf_xdb_doc_count(r), NDOCS + 1);
    assert_data(r, 1, "docs/Alpha.txt");
    assert_data(r, find_id(r, "tmp/extra.txt"), "extra");
    assert_int_equal(df_of(r, "Zchanged"), 0);
    assert_int_equal(shelf_xdb_cancel(r, &err), SHELF_EINVAL);
    assert_non_null(strstr(err.msg, "read-only"));
    shelf_xdb_close(r);
    fixture_close(&fx);
}

/* Closing a writer in the middle of a transaction drops it. */
static void test_close_in_transaction(void **state)
{
    fixture fx;
    fixture_open(&fx);
    shelf_xdb *w = open_writer(fx.path);
    shelf_err err = {0};
    tdoc extra = {"tmp/extra.txt", "extra", "extra words"};
    assert_int_equal(shelf_xdb_begin(w, &err), SHELF_OK);
    put_doc(w, &extra, "extra");
    shelf_xdb_close(w);
    shelf_xdb *r = open_reader(fx.path);
    assert_int_equal(shelf_xdb_doc_count(r), NDOCS);
    shelf_xdb_close(r);
    fixture_close(&fx);
}

/* ---- tests: the query-building API ---- */

/* A term query; a bare word (lower case first) is a body word, so it gets
 * the body prefix "Z" as the fixture's body terms do. */
static shelf_xq *q_term(const char *word)
{
    shelf_xq *q = NULL;
    shelf_err err = {0};
    char *term = ts_strf("%s%s", word[0] >= 'a' && word[0] <= 'z' ? SHELF_XAPIAN_BODY_PREFIX : "", word);
    int rc = shelf_xq_term(&q, term, strlen(term), &err);
    free(term);
    if (rc != SHELF_OK)
        fail_msg("term %s: %s", term, err.msg);
    return q;
}

/* Runs q over the whole ranking; frees q. */
static result run_all(shelf_xdb *db, shelf_xq *q)
{
    result r;
    memset(&r, 0, sizeof r);
    assert_non_null(q);
    shelf_xsearch params = {.k1 = 1.2, .b = 0.75, .offset = 0, .k = NDOCS + 2};
    shelf_err err = {0};
    if (shelf_xdb_run(db, q, &params, r.hits, &r.count, &r.total, &err) != SHELF_OK)
        fail_msg("run: %s", err.msg);
    shelf_xq_free(q);
    for (size_t i = 0; i < r.count; i++)
        r.set |= D(r.hits[i].docid);
    assert_int_equal(r.total, r.count);
    check_order(&r);
    return r;
}

static double score_of(const result *r, uint32_t docid)
{
    for (size_t i = 0; i < r->count; i++)
        if (r->hits[i].docid == docid)
            return r->hits[i].score;
    fail_msg("docid %u not in the result", docid);
    return 0;
}

/* A query built by a two-operand combinator from two terms; frees nothing
 * the caller sees. */
static shelf_xq *q_pair(int (*combine)(shelf_xq **, const shelf_xq *, const shelf_xq *, shelf_err *),
                        const char *a, const char *b)
{
    shelf_xq *qa = q_term(a), *qb = q_term(b), *q = NULL;
    shelf_err err = {0};
    assert_int_equal(combine(&q, qa, qb, &err), SHELF_OK);
    shelf_xq_free(qa);
    shelf_xq_free(qb);
    return q;
}

/* A query built by an n-ary combinator (window ignored by AND / OR). */
static shelf_xq *q_words(int (*combine)(shelf_xq **, shelf_xq *const *, size_t, uint32_t, shelf_err *),
                         uint32_t window, const char *w1, const char *w2)
{
    shelf_xq *words[] = {q_term(w1), q_term(w2)}, *q = NULL;
    shelf_err err = {0};
    assert_int_equal(combine(&q, words, 2, window, &err), SHELF_OK);
    shelf_xq_free(words[0]);
    shelf_xq_free(words[1]);
    return q;
}

static int and_of(shelf_xq **out, shelf_xq *const *subs, size_t n, uint32_t window, shelf_err *err)
{
    (void)window;
    return shelf_xq_and(out, subs, n, err);
}

static int or_of(shelf_xq **out, shelf_xq *const *subs, size_t n, uint32_t window, shelf_err *err)
{
    (void)window;
    return shelf_xq_or(out, subs, n, err);
}

static void test_query_api(void **state)
{
    fixture fx;
    fixture_open(&fx);
    shelf_xdb *db = fx.db;
    result quick = run_all(db, q_term("Zquick"));
    assert_int_equal(quick.set, D(1) | D(2) | D(3) | D(5) | D(6));
    assert_int_equal(run_all(db, q_term("Squick")).set, D(5)); /* the title term */

    assert_int_equal(run_all(db, q_words(shelf_xq_phrase, 2, "quick", "brown")).set, D(1));
    assert_int_equal(run_all(db, q_words(shelf_xq_phrase, 2, "brown", "quick")).set, D(2) | D(6));
    assert_int_equal(run_all(db, q_words(shelf_xq_near, 2, "brown", "quick")).set,
                     D(1) | D(2) | D(6));
    assert_int_equal(run_all(db, q_words(shelf_xq_near, 4, "brown", "quick")).set,
                     D(1) | D(2) | D(3) | D(6));
    assert_int_equal(run_all(db, q_words(and_of, 0, "fox", "dog")).set, D(3));
    assert_int_equal(run_all(db, q_words(or_of, 0, "alpha", "delta")).set, D(1) | D(4));

    assert_int_equal(run_all(db, q_pair(shelf_xq_and_not, "fox", "red")).set, D(1) | D(2) | D(6));
    result maybe = run_all(db, q_pair(shelf_xq_and_maybe, "quick", "red"));
    assert_int_equal(maybe.set, quick.set);
    assert_true(score_of(&maybe, 3) > score_of(&quick, 3));
    assert_true(score_of(&maybe, 1) == score_of(&quick, 1));
    result filtered = run_all(db, q_pair(shelf_xq_filter, "quick", "Qmisc/epsilon.txt"));
    assert_int_equal(filtered.set, D(5));
    assert_true(score_of(&filtered, 5) == score_of(&quick, 5));

    shelf_xq *q = q_term("Zquick"), *scaled = NULL, *none = NULL;
    shelf_err err = {0};
    assert_int_equal(shelf_xq_scale(&scaled, q, 0.0, &err), SHELF_OK);
    shelf_xq_free(q);
    result weightless = run_all(db, scaled);
    assert_int_equal(weightless.set, quick.set);
    for (size_t i = 0; i < weightless.count; i++)
        assert_true(weightless.hits[i].score == 0.0);

    assert_int_equal(shelf_xq_nothing(&none, &err), SHELF_OK);
    assert_int_equal(run_all(db, none).count, 0);
    assert_int_equal(shelf_xq_or(&none, NULL, 0, &err), SHELF_OK);
    assert_int_equal(run_all(db, none).count, 0);

    shelf_xq *half[] = {q_term("Zfox"), NULL};
    shelf_xq *bad = (shelf_xq *)&bad;
    assert_int_equal(shelf_xq_and(&bad, half, 2, &err), SHELF_EINVAL);
    assert_null(bad);
    assert_int_equal(shelf_xq_and_not(&bad, half[0], NULL, &err), SHELF_EINVAL);
    assert_null(bad);
    shelf_xq_free(half[0]);
    fixture_close(&fx);
}

/* ---- tests: searching ---- */

static void test_search_term(void **state)
{
    fixture fx;
    fixture_open(&fx);
    result r = search(fx.db, p_term("quick"));
    assert_int_equal(r.set, D(1) | D(2) | D(3) | D(5) | D(6));
    /* docs 2 and 6 have the same body: equal scores, 2 first */
    assert_int_equal(r.total, 5);
    result beta = search(fx.db, p_term("beta"));
    assert_int_equal(beta.count, 2);
    assert_true(beta.hits[0].score == beta.hits[1].score);
    assert_int_equal(beta.hits[0].docid, 2);
    assert_int_equal(beta.hits[1].docid, 6);
    /* the shortest document (epsilon, 2 words) ranks first */
    assert_int_equal(r.hits[0].docid, 5);
    assert_true(r.hits[0].score > r.hits[r.count - 1].score);

    /* title field: only the title term, which has wdf 0 and no weight */
    shelf_plan *t = p_words(SHELF_P_TERM, SHELF_FIELD_TITLE_ID, "quick");
    result title = search(fx.db, t);
    assert_int_equal(title.set, D(5));
    assert_true(title.hits[0].score == 0.0);
    /* a word only in a title is still found through the "S" term */
    assert_int_equal(matches(fx.db, p_words(SHELF_P_TERM, SHELF_FIELD_TITLE_ID, "zeta")), D(6));
    assert_int_equal(matches(fx.db, p_term("zeta")), D(6));
    assert_int_equal(matches(fx.db, p_term("absent")), 0);
    fixture_close(&fx);
}

static void test_search_k1_zero(void **state)
{
    fixture fx;
    fixture_open(&fx);
    result r = search_slice(fx.db, p_term("quick"), 0, NDOCS, 0.0);
    assert_int_equal(r.count, 5);
    for (size_t i = 1; i < r.count; i++)
        assert_true(fabs(r.hits[i].score - r.hits[0].score) < 1e-12);
    assert_int_equal(r.hits[0].docid, 1);
    fixture_close(&fx);
}

static void test_search_slices(void **state)
{
    fixture fx;
    fixture_open(&fx);
    result all = search(fx.db, p_term("fox"));
    assert_int_equal(all.total, 4);
    result mid = search_slice(fx.db, p_term("fox"), 1, 2, 1.2);
    assert_int_equal(mid.count, 2);
    assert_int_equal(mid.total, 4);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(mid.hits[i].docid, all.hits[i + 1].docid);
        assert_true(mid.hits[i].score == all.hits[i + 1].score);
    }
    result none = search_slice(fx.db, p_term("fox"), 0, 0, 1.2);
    assert_int_equal(none.count, 0);
    assert_int_equal(none.total, 4);
    result past = search_slice(fx.db, p_term("fox"), 10, 3, 1.2);
    assert_int_equal(past.count, 0);
    assert_int_equal(past.total, 4);
    result huge = search_slice(fx.db, p_term("fox"), 3, SIZE_MAX, 1.2);
    assert_int_equal(huge.count, 1);
    assert_int_equal(huge.total, 4);
    fixture_close(&fx);
}

static void test_search_phrase_near(void **state)
{
    fixture fx;
    fixture_open(&fx);
    shelf_xdb *db = fx.db;
    assert_int_equal(matches(db, p_words(SHELF_P_PHRASE, SHELF_FIELD_BODY, "quick brown")), D(1));
    assert_int_equal(matches(db, p_words(SHELF_P_PHRASE, SHELF_FIELD_BODY, "brown quick")),
                     D(2) | D(6));
    assert_int_equal(matches(db, p_words(SHELF_P_PHRASE, SHELF_FIELD_BODY, "the quick brown fox")),
                     D(1));
    assert_int_equal(matches(db, p_words(SHELF_P_PHRASE, SHELF_FIELD_BODY, "quick fox")),
                     D(2) | D(6));
    assert_int_equal(matches(db, p_words(SHELF_P_PHRASE, SHELF_FIELD_BODY, "fox quick")), 0);
    assert_int_equal(matches(db, p_words(SHELF_P_PHRASE, SHELF_FIELD_TITLE_ID, "alpha report")),
                     D(1));
    assert_int_equal(matches(db, p_words(SHELF_P_PHRASE, SHELF_FIELD_TITLE_ID, "report alpha")), 0);
    /* doc 3: quick at 2, brown at 5 (distance 3); docs 1, 2, 6: distance 1 */
    assert_int_equal(matches(db, p_near(1, "quick brown")), D(1) | D(2) | D(6));
    assert_int_equal(matches(db, p_near(2, "brown quick")), D(1) | D(2) | D(6));
    assert_int_equal(matches(db, p_near(3, "brown quick")), D(1) | D(2) | D(3) | D(6));
    assert_int_equal(matches(db, p_near(0, "quick brown")), 0);
    /* three words in any order: doc 3 "quick red fox" spans 2, doc 1 "quick brown fox" 2 */
    assert_int_equal(matches(db, p_near(1, "fox red quick")), 0);
    assert_int_equal(matches(db, p_near(2, "fox red quick")), D(3));
    fixture_close(&fx);
}

static void test_search_bool(void **state)
{
    fixture fx;
    fixture_open(&fx);
    shelf_xdb *db = fx.db;
    shelf_occur M = SHELF_OCCUR_MUST, N = SHELF_OCCUR_MUST_NOT;
    assert_int_equal(matches(db, p_bool(2, p_occur(M, p_term("quick")), p_occur(N, p_term("fox")))),
                     D(5));
    assert_int_equal(matches(db, p_bool(2, p_term("alpha"), p_term("gamma"))), D(1) | D(3));
    assert_int_equal(matches(db, p_bool(2, p_occur(M, p_term("fox")), p_occur(M, p_term("red")))),
                     D(3));
    /* a SHOULD next to a MUST only adds weight */
    result r = search(db, p_bool(2, p_occur(M, p_term("fox")), p_term("red")));
    assert_int_equal(r.set, D(1) | D(2) | D(3) | D(6));
    assert_int_equal(r.hits[0].docid, 3);
    /* SHOULD, MUST_NOT and a nested BOOL */
    shelf_plan *inner = p_occur(N, p_bool(2, p_term("alpha"), p_term("zeta")));
    assert_int_equal(matches(db, p_bool(2, p_term("brown"), inner)), D(2) | D(3));
    /* nothing required or optional: nothing */
    assert_int_equal(matches(db, p_bool(1, p_occur(N, p_term("fox")))), 0);
    assert_int_equal(matches(db, p_bool(0)), 0);
    /* NONE as a MUST empties the AND; as a SHOULD changes nothing */
    shelf_plan *none = p_occur(M, p_node(SHELF_P_NONE, SHELF_FIELD_BODY));
    assert_int_equal(matches(db, p_bool(2, p_occur(M, p_term("fox")), none)), 0);
    assert_int_equal(matches(db, p_bool(2, p_term("red"), p_node(SHELF_P_NONE, 1))), D(3));
    assert_int_equal(matches(db, p_node(SHELF_P_NONE, SHELF_FIELD_BODY)), 0);
    fixture_close(&fx);
}

static void test_search_path(void **state)
{
    fixture fx;
    fixture_open(&fx);
    shelf_xdb *db = fx.db;
    result r = search(db, p_path("NOTES/"));
    assert_int_equal(r.set, D(3) | D(4));
    assert_true(r.hits[0].score == 0.0 && r.hits[1].score == 0.0);
    assert_int_equal(r.hits[0].docid, 3);
    assert_int_equal(matches(db, p_path("alpha")), D(1));
    assert_int_equal(matches(db, p_path(".TXT")), D(1) | D(3) | D(4) | D(5) | D(6));
    assert_int_equal(matches(db, p_path("")), 0x7e);
    assert_int_equal(matches(db, p_path("nowhere")), 0);
    /* as a filter it adds no weight */
    result term = search(db, p_term("quick"));
    shelf_occur M = SHELF_OCCUR_MUST, N = SHELF_OCCUR_MUST_NOT;
    result f = search(db, p_bool(2, p_occur(M, p_term("quick")), p_occur(M, p_path("gamma"))));
    assert_int_equal(f.set, D(3));
    for (size_t i = 0; i < term.count; i++)
        if (term.hits[i].docid == 3)
            assert_true(fabs(term.hits[i].score - f.hits[0].score) < 1e-12);
    shelf_plan *not_misc = p_occur(N, p_path("misc"));
    assert_int_equal(matches(db, p_bool(2, p_occur(M, p_term("quick")), not_misc)),
                     D(1) | D(2) | D(3));
    fixture_close(&fx);
}

/* ---- exact totals on a bigger database ---- */

#define BIG_DOCS 400
#define BIG_LEN 12
static const char *const VOCAB[] = {"ant", "bee", "cat", "dog", "eel", "fox", "gnu"};
#define NVOCAB (sizeof VOCAB / sizeof VOCAB[0])

typedef struct big_db {
    char *tmp;
    shelf_xdb *db;
    uint8_t words[BIG_DOCS][BIG_LEN]; /* VOCAB indexes; docid = index + 1 */
} big_db;

static void big_open(big_db *b)
{
    b->tmp = ts_mkdtemp();
    char *path = ts_strf("%s/xdb", b->tmp);
    shelf_xdb *w = open_writer(path);
    uint64_t seed = 42;
    shelf_err err = {0};
    for (size_t d = 0; d < BIG_DOCS; d++) {
        shelf_xdoc *doc = shelf_xdoc_new();
        for (uint32_t i = 0; i < BIG_LEN; i++) {
            /* skewed: low indexes are common, "gnu" is rare */
            uint64_t r = ts_rand_below(&seed, NVOCAB * NVOCAB);
            b->words[d][i] = (uint8_t)(NVOCAB - 1 - (size_t)sqrt((double)r));
            char *t = ts_strf("%s%s", SHELF_XAPIAN_BODY_PREFIX, VOCAB[b->words[d][i]]);
            assert_int_equal(shelf_xdoc_add_posting(doc, t, strlen(t), i, 1, &err), SHELF_OK);
            free(t);
        }
        char *id = ts_strf("big/%03zu", d);
        assert_int_equal(shelf_xdb_replace(w, id, strlen(id), doc, NULL, &err), SHELF_OK);
        free(id);
        shelf_xdoc_free(doc);
    }
    assert_int_equal(shelf_xdb_commit(w, &err), SHELF_OK);
    shelf_xdb_close(w);
    b->db = open_reader(path);
    free(path);
}

static int has_word(const big_db *b, size_t d, int w)
{
    for (size_t i = 0; i < BIG_LEN; i++)
        if (b->words[d][i] == w)
            return 1;
    return 0;
}

/* Does w1 occur somewhere right before w2 (phrase "w1 w2")? */
static int has_pair(const big_db *b, size_t d, int w1, int w2)
{
    for (size_t i = 0; i + 1 < BIG_LEN; i++)
        if (b->words[d][i] == w1 && b->words[d][i + 1] == w2)
            return 1;
    return 0;
}

/* Search with k = 1 and k = 0 and check the total both times. */
static void assert_total(shelf_xdb *db, shelf_plan *plan, uint64_t want)
{
    shelf_xsearch params = {.k1 = 1.2, .b = 0.75, .offset = 0, .k = 1};
    shelf_xhit hit;
    size_t count;
    uint64_t total;
    shelf_err err = {0};
    for (size_t k = 0; k < 2; k++) {
        params.k = k;
        if (shelf_xapian_search_plan(db, plan, &params, &hit, &count, &total, &err) != SHELF_OK)
            fail_msg("search: %s", err.msg);
        assert_int_equal(total, want);
        assert_int_equal(count, want ? k : 0);
    }
    p_free(plan);
}

static void test_exact_totals(void **state)
{
    big_db *b = calloc(1, sizeof *b);
    big_open(b);
    shelf_occur M = SHELF_OCCUR_MUST, N = SHELF_OCCUR_MUST_NOT;
    uint64_t rare = 0, both = 0, either = 0, but_not = 0, phrase = 0, maybe = 0;
    for (size_t d = 0; d < BIG_DOCS; d++) {
        int cat = has_word(b, d, 2), fox = has_word(b, d, 5), gnu = has_word(b, d, 6);
        rare += gnu;
        both += cat && fox;
        either += cat || gnu;
        but_not += cat && !fox;
        phrase += has_pair(b, d, 5, 2);
        maybe += fox;
    }
    /* the data is varied enough for the checks to mean something */
    assert_true(rare > 10 && rare < BIG_DOCS / 2);
    assert_true(both > 10 && but_not > 10 && phrase > 10 && phrase < maybe);
    assert_total(b->db, p_term("gnu"), rare);
    assert_total(b->db, p_bool(2, p_occur(M, p_term("cat")), p_occur(M, p_term("fox"))), both);
    assert_total(b->db, p_bool(2, p_term("cat"), p_term("gnu")), either);
    assert_total(b->db, p_bool(2, p_occur(M, p_term("cat")), p_occur(N, p_term("fox"))), but_not);
    assert_total(b->db, p_words(SHELF_P_PHRASE, SHELF_FIELD_BODY, "fox cat"), phrase);
    assert_total(b->db, p_bool(2, p_occur(M, p_term("fox")), p_term("gnu")), maybe);
    assert_total(b->db, p_path("big/1"), 100);
    shelf_xdb_close(b->db);
    ts_rmtree(b->tmp);
    free(b->tmp);
    free(b);
}

/* A document with title terms only has length 0: with b = 1 and k1 = 0
 * BM25 would divide 0 by 0 for them; titles must stay weightless instead. */
static void test_title_only_document(void **state)
{
    char *tmp = ts_mkdtemp(), *path = ts_strf("%s/xdb", tmp);
    shelf_xdb *w = open_writer(path);
    tdoc title_only = {"empty.txt", "lonely title", ""};
    tdoc normal = {"full.txt", "title", "lonely words here"};
    put_doc(w, &title_only, "e");
    put_doc(w, &normal, "f");
    shelf_err err = {0};
    assert_int_equal(shelf_xdb_commit(w, &err), SHELF_OK);
    for (int k1 = 0; k1 < 2; k1++) {
        result r = search_slice(w, p_term("lonely"), 0, 4, k1 * 1.2);
        assert_int_equal(r.set, D(1) | D(2));
        assert_int_equal(r.hits[0].docid, 2);
        assert_true(r.hits[1].score == 0.0);
        shelf_plan *phrase = p_words(SHELF_P_PHRASE, SHELF_FIELD_TITLE_ID, "lonely title");
        assert_int_equal(search_slice(w, phrase, 0, 4, k1 * 1.2).set, D(1));
    }
    shelf_xdb_close(w);
    ts_rmtree(tmp);
    free(path);
    free(tmp);
}

static void test_search_bad_plans(void **state)
{
    fixture fx;
    fixture_open(&fx);
    shelf_xsearch params = {.k1 = 1.2, .b = 0.75, .offset = 0, .k = 4};
    shelf_xhit hits[4];
    size_t count;
    uint64_t total;
    shelf_err err = {0};
    shelf_plan *bad_field = p_term("quick");
    bad_field->field = 9;
    shelf_plan *empty_key = p_term("quick");
    empty_key->keys[0].len = 1;
    shelf_plan *two_keys = p_words(SHELF_P_TERM, SHELF_FIELD_BODY, "a b");
    shelf_plan *bad_near = p_near(-1, "a b");
    shelf_plan *nested = p_bool(1, p_words(SHELF_P_PHRASE, SHELF_FIELD_BODY, ""));
    shelf_plan *plans[] = {bad_field, empty_key, two_keys, bad_near, nested};
    for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++) {
        assert_int_equal(shelf_xapian_search_plan(fx.db, plans[i], &params, hits, &count, &total, &err),
                         SHELF_EINVAL);
        p_free(plans[i]);
    }
    assert_non_null(strstr(err.msg, fx.path));
    assert_int_equal(shelf_xapian_search_plan(fx.db, NULL, &params, hits, &count, &total, &err),
                     SHELF_EINVAL);
    shelf_plan *ok = p_term("quick");
    int rc = shelf_xapian_search_plan(fx.db, ok, &params, NULL, &count, &total, &err);
    assert_int_equal(rc, SHELF_EINVAL);
    params.k = 0;
    assert_int_equal(shelf_xapian_search_plan(fx.db, ok, &params, NULL, &count, &total, &err), SHELF_OK);
    assert_int_equal(count, 0);
    assert_int_equal(total, 5);
    p_free(ok);
    fixture_close(&fx);
}

/* ---- tests: errors, checking, other tools ---- */

static void test_open_errors(void **state)
{
    fixture fx;
    fixture_open(&fx);
    char *missing = ts_strf("%s/missing", fx.tmp);
    shelf_xdb *db = (shelf_xdb *)&db;
    shelf_err err = {0};
    assert_int_equal(shelf_xdb_open(&db, missing, &err), SHELF_ENOTFOUND);
    assert_null(db);
    assert_non_null(strstr(err.msg, missing));
    assert_int_not_equal(shelf_xdb_open_writable(&db, missing, 0, &err), SHELF_OK);
    assert_non_null(strstr(err.msg, missing));
    assert_int_equal(access(missing, F_OK), -1);

    shelf_xdb *w = open_writer(fx.path);
    assert_int_equal(shelf_xdb_open_writable(&db, fx.path, 1, &err), SHELF_ELOCKED);
    assert_non_null(strstr(err.msg, fx.path));
    shelf_xdb *r = open_reader(fx.path); /* readers do not need the lock */
    shelf_xdb_close(r);
    shelf_xdb_close(w);
    w = open_writer(fx.path); /* the lock went with the first writer */
    shelf_xdb_close(w);

    assert_int_equal(shelf_xdb_set_metadata(fx.db, "k", "v", &err), SHELF_EINVAL);
    free(missing);
    fixture_close(&fx);
}

/* Xapian caps terms at 245 bytes: a very long id is refused, not truncated. */
static void test_long_id(void **state)
{
    fixture fx;
    fixture_open(&fx);
    shelf_xdb *w = open_writer(fx.path);
    char path[301];
    memset(path, 'p', 300);
    path[300] = '\0';
    tdoc d = {path, "long", "long"};
    shelf_xdoc *doc = make_doc(&d, "x");
    shelf_err err = {0};
    uint32_t docid;
    int rc = shelf_xdb_replace(w, path, 300, doc, &docid, &err);
    if (rc == SHELF_OK)
        rc = shelf_xdb_commit(w, &err);
    assert_int_equal(rc, SHELF_EINVAL);
    assert_non_null(strstr(err.msg, fx.path));
    shelf_xdoc_free(doc);
    shelf_xdb_close(w);
    fixture_close(&fx);
}

static void test_check(void **state)
{
    fixture fx;
    fixture_open(&fx);
    char report[4096];
    uint64_t errors = 99;
    shelf_err err = {0};
    if (shelf_xdb_check(fx.path, report, sizeof report, &errors, &err) != SHELF_OK)
        fail_msg("check: %s", err.msg);
    assert_int_equal(errors, 0);

    /* cut the postlist table in half */
    char *table = ts_strf("%s/postlist.glass", fx.path);
    size_t len = 0;
    char *bytes = ts_read_file(table, &len);
    assert_non_null(bytes);
    assert_true(len >= 2);
    assert_int_equal(truncate(table, (off_t)(len / 2)), 0);
    errors = 0;
    int rc = shelf_xdb_check(fx.path, report, sizeof report, &errors, &err);
    assert_true(rc != SHELF_OK || errors > 0);
    if (rc != SHELF_OK)
        assert_non_null(strstr(err.msg, fx.path));
    else
        assert_true(strlen(report) > 0);
    free(bytes);
    free(table);

    char *missing = ts_strf("%s/missing", fx.tmp);
    assert_int_not_equal(shelf_xdb_check(missing, report, sizeof report, &errors, &err), SHELF_OK);
    assert_non_null(strstr(err.msg, missing));
    free(missing);
    fixture_close(&fx);
}

static void test_delve(void **state)
{
    fixture fx;
    fixture_open(&fx);
    char *out = NULL, *cmd = ts_strf("xapian-delve '%s'", fx.path);
    assert_int_equal(ts_run(cmd, &out, NULL), 0);
    assert_non_null(strstr(out, "number of documents = 6"));
    free(cmd);
    free(out);
    cmd = ts_strf("xapian-delve -t Zfox '%s'", fx.path);
    assert_int_equal(ts_run(cmd, &out, NULL), 0);
    assert_non_null(strstr(out, "termfreq 4"));
    free(cmd);
    free(out);
    cmd = ts_strf("xapian-delve -r 4 -t Zdog '%s'", fx.path);
    assert_int_equal(ts_run(cmd, &out, NULL), 0);
    assert_non_null(strstr(out, "3 5")); /* Xapian's positions: ours + 1 */
    free(cmd);
    free(out);
    fixture_close(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statistics),
        cmocka_unit_test(test_find_and_data),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_replace_and_delete),
        cmocka_unit_test(test_transactions),
        cmocka_unit_test(test_close_in_transaction),
        cmocka_unit_test(test_query_api),
        cmocka_unit_test(test_search_term),
        cmocka_unit_test(test_search_k1_zero),
        cmocka_unit_test(test_search_slices),
        cmocka_unit_test(test_search_phrase_near),
        cmocka_unit_test(test_search_bool),
        cmocka_unit_test(test_search_path),
        cmocka_unit_test(test_exact_totals),
        cmocka_unit_test(test_title_only_document),
        cmocka_unit_test(test_search_bad_plans),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_long_id),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_delve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
