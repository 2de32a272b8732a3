/*
 * test_searcher_cli.c - the searcher binary end to end (searcher/main.c,
 * print.c): an index of the sample shelf (CORPUS_DIR) is built once with the
 * indexer binary into a temporary folder, then SEARCHER_BIN is run through
 * ts_run with its stdout, stderr and exit status checked.
 *
 * Expected document sets are worked out here without the index: every corpus
 * file is read and tokenized with the analyzer, and a word's documents are
 * those holding its analysed form.  JSON output is read by a strict parser
 * (below) that rejects anything that is not valid JSON in valid UTF-8.
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
#include <dirent.h>
#include <math.h>

#include "analysis/analyzer.h"
#include "extract/extract.h"
#include "support.h"

#include "json_reader.h"

/* The parser must itself reject what is not JSON, or the checks below mean little. */
static void test_json_parser_self_check(void **state)
{
    (void)state;
    static const char *good[] = {
        "{}", "[]", "{\"a\":[1,2.5,-3e2,true,false,null],\"b\":\"x\\u00e9\\ud83d\\ude00\\n\"}",
        " {\"k\" : \"\xc3\xa9\"} ",
    };
    static const char *bad[] = {
        "", "{", "{\"a\":}", "[1,]", "{\"a\" 1}", "\"abc", "\"a\tb\"", "\"\\x\"", "01", "1.",
        "\"\xff\"", "\"\xc3\"", "\"\\ud800\"", "{} {}", "[1] x", "\"\\u12\"", "tru", "{\"a\":1,}",
        "\"\xed\xa0\x80\"",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        jv v;
        if (!json_parse(good[i], strlen(good[i]), &v))
            fail_msg("JSON parser rejects %s", good[i]);
        jv_free(&v);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        jv v;
        if (json_parse(bad[i], strlen(bad[i]), &v)) {
            jv_free(&v);
            fail_msg("JSON parser accepts %s", bad[i]);
        }
    }
    jv v;
    const char *s = "{\"s\":\"a\\\"b\\\\c\\u0001\\ud83d\\ude00\"}";
    assert_true(json_parse(s, strlen(s), &v));
    const jv *str = jget_type(&v, "s", J_STR);
    assert_int_equal(str->slen, 10);
    assert_memory_equal(str->s, "a\"b\\c\x01\xf0\x9f\x98\x80", 10);
    jv_free(&v);
}

/* ================= running the binaries ================= */

static char *g_tmp;    /* temporary folder of this test program */
static char *g_idx;    /* index of CORPUS_DIR */

/* Single-quoted for the shell. */
static char *shq(const char *s)
{
    ts_sbuf b = {0};
    ts_sb_addn(&b, "'", 1);
    for (; *s; s++) {
        if (*s == '\'')
            ts_sb_addn(&b, "'\\''", 4);
        else
            ts_sb_addn(&b, s, 1);
    }
    ts_sb_addn(&b, "'", 1);
    return ts_sb_take(&b);
}

typedef struct run {
    int rc;
    char *out, *err;
} run;

static void run_free(run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* searcher --index IDX <args> */
static run searcher_on(const char *idx, const char *args)
{
    run r;
    char *qi = shq(idx);
    char *cmd = ts_strf("'%s' --index %s %s", SEARCHER_BIN, qi, args);
    r.rc = ts_run(cmd, &r.out, &r.err);
    if (!r.out || !r.err)
        fail_msg("could not capture the output of %s", cmd);
    free(cmd);
    free(qi);
    return r;
}

static run searcher(const char *args)
{
    return searcher_on(g_idx, args);
}

/* searcher [opts] -- QUERY  (the query passed as one argument) */
static run searcher_q(const char *opts, const char *query)
{
    char *q = shq(query);
    char *args = ts_strf("%s -- %s", opts, q);
    run r = searcher(args);
    free(args);
    free(q);
    return r;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static bool one_line(const char *s)
{
    size_t n = strlen(s);
    return n > 1 && s[n - 1] == '\n' && count_lines(s) == 1;
}

/* Parse output that must be exactly one JSON line. */
static void parse_one_json(const run *r, jv *v)
{
    if (!one_line(r->out))
        fail_msg("expected one line of JSON, got:\n%s", r->out);
    if (!json_parse(r->out, strlen(r->out), v))
        fail_msg("not valid JSON:\n%s", r->out);
    assert_int_equal(v->t, J_OBJ);
}

/* ================= what the corpus holds, without the index ================= */

#define MAX_FILES 64

typedef struct corpus_file {
    char *name;  /* file name */
    char *text;
    size_t len;
} corpus_file;

static corpus_file g_files[MAX_FILES];
static size_t g_nfiles;
static shelf_analyzer *g_an;

static int cmp_names(const void *a, const void *b)
{
    return strcmp(((const corpus_file *)a)->name, ((const corpus_file *)b)->name);
}

static void load_corpus(void)
{
    DIR *d = opendir(CORPUS_DIR);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !shelf_extract_supported(e->d_name))
            continue;
        assert_true(g_nfiles < MAX_FILES);
        char *path = ts_strf("%s/%s", CORPUS_DIR, e->d_name);
        corpus_file *f = &g_files[g_nfiles++];
        f->name = strdup(e->d_name);
        f->text = ts_read_file(path, &f->len);
        assert_non_null(f->text);
        free(path);
    }
    closedir(d);
    qsort(g_files, g_nfiles, sizeof *g_files, cmp_names);
    assert_true(g_nfiles >= 3);
}

/* Files (bit i = g_files[i]) holding the analysed form of a word. */
static uint64_t files_with(const char *word)
{
    char term[SHELF_MAX_TERM_BYTES + 1];
    bool more = false;
    size_t n = shelf_analyze_word(g_an, word, strlen(word), term, &more);
    assert_true(n > 0 && !more);
    uint64_t mask = 0;
    for (size_t i = 0; i < g_nfiles; i++) {
        shelf_token_iter it;
        shelf_token tok;
        shelf_tokens_begin(&it, g_an, g_files[i].text, g_files[i].len);
        while (shelf_tokens_next(&it, &tok)) {
            if (tok.term_len == n && memcmp(tok.term, term, n) == 0) {
                mask |= (uint64_t)1 << i;
                break;
            }
        }
    }
    return mask;
}

static int file_index(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < g_nfiles; i++)
        if (strcmp(g_files[i].name, base) == 0)
            return (int)i;
    fail_msg("path %s is not a corpus file", path);
    return -1;
}

static unsigned long long count_of(const char *query)
{
    run r = searcher_q("--count", query);
    char *end;
    unsigned long long n = strtoull(r.out, &end, 10);
    char problem[1024] = "";
    if (end == r.out || strcmp(end, "\n") != 0 || r.err[0])
        snprintf(problem, sizeof problem, "--count [%s] printed \"%s\" (exit %d, stderr %s)", query,
                 r.out, r.rc, r.err);
    else if (r.rc != (n ? 0 : 1))
        snprintf(problem, sizeof problem, "--count [%s]: exit %d for %llu documents", query, r.rc, n);
    run_free(&r);
    if (problem[0])
        fail_msg("%s", problem);
    return n;
}

/* ================= setup ================= */

static int setup(void **state)
{
    (void)state;
    shelf_err err = {0};
    g_an = shelf_analyzer_new("english", &err);
    assert_non_null(g_an);
    load_corpus();
    g_tmp = ts_mkdtemp();
    g_idx = ts_strf("%s/idx", g_tmp);
    char *cmd = ts_strf("'%s' --quiet --index '%s' '%s'", INDEXER_BIN, g_idx, CORPUS_DIR);
    char *out, *errs;
    int rc = ts_run(cmd, &out, &errs);
    if (rc != 0)
        fail_msg("indexer failed (%d): %s%s", rc, out, errs);
    free(out);
    free(errs);
    free(cmd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_rmtree(g_tmp);
    free(g_tmp);
    free(g_idx);
    for (size_t i = 0; i < g_nfiles; i++) {
        free(g_files[i].name);
        free(g_files[i].text);
    }
    shelf_analyzer_free(g_an);
    return 0;
}

/* ================= the tests ================= */

static void test_phrase_finds_annual_report(void **state)
{
    (void)state;
    const char *q = "\"Defence Production Action Plan\"";
    run r = searcher_q("", q);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.err, "");
    assert_non_null(strstr(r.out, "secretary-generals-annual-report-2023.txt"));
    assert_non_null(strstr(r.out, "1-1 of 1 matching documents"));
    for (size_t i = 0; i < g_nfiles; i++)
        if (strcmp(g_files[i].name, "secretary-generals-annual-report-2023.txt") != 0 &&
            strstr(r.out, g_files[i].name))
            fail_msg("the phrase also lists %s", g_files[i].name);
    run_free(&r);

    r = searcher_q("--json", q);
    assert_int_equal(r.rc, 0);
    jv v;
    parse_one_json(&r, &v);
    assert_true(jget_type(&v, "total", J_NUM)->num == 1);
    const jv *hits = jget_type(&v, "hits", J_ARR);
    assert_int_equal(hits->n, 1);
    const char *path = jget_type(&hits->kids[0], "path", J_STR)->s;
    const char *base = strrchr(path, '/');
    assert_string_equal(base ? base + 1 : path, "secretary-generals-annual-report-2023.txt");
    assert_string_equal(jget_type(&hits->kids[0], "title", J_STR)->s,
                        "The Secretary General's Annual Report 2023");
    jv_free(&v);
    run_free(&r);

    /* The words in the wrong order are not the phrase. */
    r = searcher_q("", "\"Plan Action Production Defence\"");
    assert_int_equal(r.rc, 1);
    run_free(&r);
}

/* Check one JSON result object; returns its hits array. */
static const jv *check_result_object(const jv *v, const char *query, size_t offset,
                                     size_t limit)
{
    assert_string_equal(jget_type(v, "query", J_STR)->s, query);
    double total = jget_type(v, "total", J_NUM)->num;
    const jv *hits = jget_type(v, "hits", J_ARR);
    size_t want = total > offset ? (size_t)total - offset : 0;
    if (want > limit)
        want = limit;
    assert_int_equal(hits->n, want);
    for (size_t i = 0; i < hits->n; i++) {
        const jv *h = &hits->kids[i];
        assert_int_equal(h->t, J_OBJ);
        assert_true(jget_type(h, "rank", J_NUM)->num == (double)(offset + i + 1));
        double score = jget_type(h, "score", J_NUM)->num;
        double doc = jget_type(h, "doc", J_NUM)->num;
        assert_true(score > 0 && doc >= 0 && doc == floor(doc));
        const char *path = jget_type(h, "path", J_STR)->s;
        const char *title = jget_type(h, "title", J_STR)->s;
        /* The title is the file's title line, else its name made readable
         * (extract/title.h). */
        const corpus_file *f = &g_files[file_index(path)];
        size_t tl;
        char name[SHELF_TITLE_MAX_BYTES + 1];
        const char *t = shelf_title_of(f->text, f->len, NULL, &tl);
        if (!t) {
            tl = shelf_title_of_name(f->name, name, sizeof name);
            t = name;
        }
        if (strlen(title) != tl || memcmp(title, t, tl) != 0)
            fail_msg("title of %s: \"%s\"", path, title);
        if (i > 0) {
            const jv *p = &hits->kids[i - 1];
            double ps = jget(p, "score")->num, pd = jget(p, "doc")->num;
            assert_true(ps > score || (ps == score && pd < doc));
            assert_string_not_equal(jget(p, "path")->s, path);
        }
    }
    return hits;
}

/* Documents (as file bits) and total of a query, read from --json output. */
static uint64_t json_docs(const char *query, double *total)
{
    run r = searcher_q("--json -n 64", query);
    jv v;
    parse_one_json(&r, &v);
    const jv *hits = check_result_object(&v, query, 0, 64);
    *total = jget(&v, "total")->num;
    uint64_t mask = 0;
    for (size_t i = 0; i < hits->n; i++)
        mask |= (uint64_t)1 << file_index(jget(&hits->kids[i], "path")->s);
    if (r.rc != (*total > 0 ? 0 : 1))
        fail_msg("[%s]: exit %d with total %g", query, r.rc, *total);
    jv_free(&v);
    run_free(&r);
    return mask;
}

static void expect_json_docs(const char *query, uint64_t want)
{
    double total;
    uint64_t got = json_docs(query, &total);
    if (got != want || total != __builtin_popcountll(want))
        fail_msg("[%s]: documents %#llx (total %g), expected %#llx", query,
                 (unsigned long long)got, total, (unsigned long long)want);
}

static const char *const word_pairs[][2] = {
    {"nato", "cyber"}, {"security", "ukraine"}, {"defence", "diplomacy"},
    {"alliance", "vilnius"}, {"military", "finland"},
};

/* AND, NOT, -word and OR give exactly the documents the words say. */
static void test_boolean_document_sets(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof word_pairs / sizeof *word_pairs; i++) {
        const char *a = word_pairs[i][0], *b = word_pairs[i][1];
        uint64_t fa = files_with(a), fb = files_with(b);
        char *qand = ts_strf("%s AND %s", a, b), *qnot = ts_strf("%s NOT %s", a, b);
        char *qminus = ts_strf("%s -%s", a, b), *qor = ts_strf("%s OR %s", a, b);
        char *qseq = ts_strf("%s %s", a, b);
        expect_json_docs(a, fa);
        expect_json_docs(b, fb);
        expect_json_docs(qand, fa & fb);
        expect_json_docs(qnot, fa & ~fb);
        expect_json_docs(qminus, fa & ~fb);
        expect_json_docs(qor, fa | fb);
        expect_json_docs(qseq, fa | fb);
        double ta, tand, tnot;
        json_docs(a, &ta);
        json_docs(qand, &tand);
        json_docs(qnot, &tnot);
        assert_true(ta - tand == tnot);
        /* --all makes the sequence an AND. */
        char *q = shq(qseq);
        char *args = ts_strf("--all --json -n 64 -- %s", q);
        run r = searcher(args);
        jv v;
        parse_one_json(&r, &v);
        assert_true(jget_type(&v, "total", J_NUM)->num == __builtin_popcountll(fa & fb));
        jv_free(&v);
        run_free(&r);
        free(args);
        free(q);
        /* A query word that starts with '-' goes after "--" (options may
         * follow the query, so without it "-word" is refused, naming "--"). */
        args = ts_strf("--json %s -- -%s", a, b);
        r = searcher(args);
        parse_one_json(&r, &v);
        assert_true(jget_type(&v, "total", J_NUM)->num == __builtin_popcountll(fa & ~fb));
        jv_free(&v);
        run_free(&r);
        free(args);
        args = ts_strf("--json %s -%s", a, b);
        r = searcher(args);
        assert_int_equal(r.rc, 2);
        assert_string_equal(r.out, "");
        assert_non_null(strstr(r.err, "'--'"));
        run_free(&r);
        free(args);
        free(qand);
        free(qnot);
        free(qminus);
        free(qor);
        free(qseq);
    }
}

/* --count prints the exact number of matching documents and nothing else. */
static void test_count_option(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof word_pairs / sizeof *word_pairs; i++) {
        const char *a = word_pairs[i][0], *b = word_pairs[i][1];
        uint64_t fa = files_with(a), fb = files_with(b);
        char qand[128], qnot[128];
        snprintf(qand, sizeof qand, "%s AND %s", a, b);
        snprintf(qnot, sizeof qnot, "%s NOT %s", a, b);
        unsigned long long ca = count_of(a), cand = count_of(qand), cnot = count_of(qnot);
        assert_int_equal(ca, __builtin_popcountll(fa));
        assert_int_equal(cand, __builtin_popcountll(fa & fb));
        assert_int_equal(cnot, __builtin_popcountll(fa & ~fb));
        assert_int_equal(ca - cand, cnot);
    }
    /* The phrase of the annual report. */
    assert_int_equal(count_of("\"Defence Production Action Plan\""), 1);
    assert_int_equal(count_of("xyzzyplugh"), 0);
    /* --count over --queries - (standard input): each count under its line's label. */
    char *cmd = ts_strf("printf 'nato\\nxyzzyplugh\\n' | '%s' --index '%s' --count --queries -",
                        SEARCHER_BIN, g_idx);
    run q;
    q.rc = ts_run(cmd, &q.out, &q.err);
    free(cmd);
    char *want = ts_strf("line 1: nato\n%d\nline 2: xyzzyplugh\n0\n",
                         __builtin_popcountll(files_with("nato")));
    assert_int_equal(q.rc, 0);
    assert_string_equal(q.out, want);
    free(want);
    run_free(&q);
    /* --count --json: {"query":..., "total":N} */
    run r = searcher_q("--count --json", "nato");
    assert_int_equal(r.rc, 0);
    jv v;
    parse_one_json(&r, &v);
    assert_string_equal(jget_type(&v, "query", J_STR)->s, "nato");
    assert_true(jget_type(&v, "total", J_NUM)->num == __builtin_popcountll(files_with("nato")));
    jv_free(&v);
    run_free(&r);
}

static void test_no_hits(void **state)
{
    (void)state;
    run r = searcher_q("", "xyzzyplugh");
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "");
    assert_non_null(strstr(r.out, "no documents match xyzzyplugh\n"));
    run_free(&r);
    r = searcher_q("--json", "xyzzyplugh");
    assert_int_equal(r.rc, 1);
    jv v;
    parse_one_json(&r, &v);
    assert_true(jget_type(&v, "total", J_NUM)->num == 0);
    assert_int_equal(jget_type(&v, "hits", J_ARR)->n, 0);
    jv_free(&v);
    run_free(&r);
    /* A prefix matching nothing is no error either. */
    r = searcher_q("", "xyzzyp*");
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "");
    run_free(&r);
}

typedef struct bad_query {
    const char *query;
    int column;
} bad_query;

static const bad_query bad_queries[] = {
    {"foo \"bar", 5}, {"(a", 1},   {"a)", 2},         {"AND", 1},     {"a AND", 3},
    {"+", 1},         {"", 1},     {"-a -b", 1},      {"nato OR", 6}, {"!!!", 1},
    {"  ???", 3},     {"a (b", 3}, {"x NEAR/0 y", 8}, {"\"\"", 1},    {"é \"b", 3},
};

static void test_malformed_queries(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_queries / sizeof *bad_queries; i++) {
        const bad_query *b = &bad_queries[i];
        char want[32];
        snprintf(want, sizeof want, "column %d", b->column);
        run r = searcher_q("", b->query);
        if (r.rc != 2 || r.out[0] || !one_line(r.err) || !strstr(r.err, want))
            fail_msg("[%s]: exit %d, stdout \"%s\", stderr \"%s\"; expected exit 2, one line "
                     "with \"%s\"", b->query, r.rc, r.out, r.err, want);
        run_free(&r);

        r = searcher_q("--json", b->query);
        if (r.rc != 2 || !one_line(r.err) || !strstr(r.err, want))
            fail_msg("--json [%s]: exit %d, stderr \"%s\"", b->query, r.rc, r.err);
        jv v;
        parse_one_json(&r, &v);
        assert_string_equal(jget_type(&v, "query", J_STR)->s, b->query);
        assert_true(jget_type(&v, "error", J_STR)->slen > 0);
        if (jget_type(&v, "column", J_NUM)->num != b->column)
            fail_msg("--json [%s]: column %g, expected %d", b->query,
                     jget(&v, "column")->num, b->column);
        assert_null(jget(&v, "hits"));
        jv_free(&v);
        run_free(&r);
    }
}

static void test_json_output(void **state)
{
    (void)state;
    static const char *queries[] = {"nato defence", "ukraine OR vilnius", "security", "cyber*",
                                    "\"collective defence\" OR sweden"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        run r = searcher_q("--json -n 10", queries[i]);
        assert_int_equal(r.rc, 0);
        assert_string_equal(r.err, "");
        jv v;
        parse_one_json(&r, &v);
        const jv *hits = check_result_object(&v, queries[i], 0, 10);
        assert_true(hits->n > 0);
        jv_free(&v);
        run_free(&r);
    }
    /* total is exact: the documents holding either word. */
    run r = searcher_q("--json -n 10", "nato defence");
    jv v;
    parse_one_json(&r, &v);
    assert_true(jget(&v, "total")->num ==
                __builtin_popcountll(files_with("nato") | files_with("defence")));
    jv_free(&v);
    run_free(&r);
    /* -n 1 shows one, total unchanged. */
    r = searcher_q("--json -n 1", "security");
    parse_one_json(&r, &v);
    check_result_object(&v, "security", 0, 1);
    assert_true(jget(&v, "total")->num == __builtin_popcountll(files_with("security")));
    jv_free(&v);
    run_free(&r);
}

static void test_offset_paging(void **state)
{
    (void)state;
    static const char *queries[] = {"nato", "defence security", "alliance"};
    for (size_t q = 0; q < 3; q++) {
        run a = searcher_q("--json -n 4", queries[q]);
        run b = searcher_q("--json -n 2 --offset 2", queries[q]);
        assert_int_equal(a.rc, 0);
        assert_int_equal(b.rc, 0);
        jv va, vb;
        parse_one_json(&a, &va);
        parse_one_json(&b, &vb);
        const jv *ha = check_result_object(&va, queries[q], 0, 4);
        const jv *hb = check_result_object(&vb, queries[q], 2, 2);
        assert_true(jget(&va, "total")->num == jget(&vb, "total")->num);
        assert_true(ha->n >= 4 || jget(&va, "total")->num < 4);
        for (size_t i = 0; i < hb->n; i++) {
            const jv *x = &ha->kids[i + 2], *y = &hb->kids[i];
            assert_true(jget(x, "rank")->num == jget(y, "rank")->num);
            assert_true(jget(x, "doc")->num == jget(y, "doc")->num);
            assert_true(jget(x, "score")->num == jget(y, "score")->num);
            assert_string_equal(jget(x, "path")->s, jget(y, "path")->s);
        }
        jv_free(&va);
        jv_free(&vb);
        run_free(&a);
        run_free(&b);
    }
    /* Past the end: no hits, the total, exit 0 (documents matched). */
    run r = searcher_q("--json --offset 100", "nato");
    assert_int_equal(r.rc, 0);
    jv v;
    parse_one_json(&r, &v);
    check_result_object(&v, "nato", 100, 10);
    assert_int_equal(jget(&v, "hits")->n, 0);
    jv_free(&v);
    run_free(&r);
    r = searcher_q("--offset 100", "nato");
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "none after offset 100"));
    run_free(&r);
    /* Text mode numbering starts after the offset. */
    r = searcher_q("-n 2 --offset 2", "nato");
    assert_non_null(strstr(r.out, " 3. "));
    assert_non_null(strstr(r.out, " 4. "));
    assert_null(strstr(r.out, " 1. "));
    assert_non_null(strstr(r.out, "3-4 of "));
    run_free(&r);
}

/* A document whose title holds quotes, a backslash, a tab, a control
 * character and invalid UTF-8, and whose path holds a quote. */
static void test_json_escaping(void **state)
{
    (void)state;
    char *dir = ts_mkdtemp();
    char *docs = ts_strf("%s/docs", dir), *idx = ts_strf("%s/idx", dir);
    static const char text[] = "\nTitle \"quoted\" back\\slash tab\there ctrl\x01x bad\xff\xfe"
                               "end caf\xc3\xa9\nThe body has the word quux and \"quoted\" words\n"
                               /* enough valid UTF-8 that the stray bytes stay (not Windows-1252) */
                               "accents \xc3\xa9\xc3\xa8\xc3\xaa\xc3\xab\xc3\xa0\xc3\xa2\xc3\xae\xc3\xb4\n";
    char *file = ts_write_file(docs, "we\"ird.txt", text, sizeof text - 1);
    char *cmd = ts_strf("'%s' --quiet --index '%s' '%s'", INDEXER_BIN, idx, docs);
    char *out, *err;
    int rc = ts_run(cmd, &out, &err);
    if (rc != 0 && rc != 1)
        fail_msg("indexer: %d %s", rc, err);
    free(out);
    free(err);
    free(cmd);
    static const char want_title[] = "Title \"quoted\" back\\slash tab\there ctrl\x01x bad"
                                     "\xef\xbf\xbd\xef\xbf\xbd" "end caf\xc3\xa9";
    static const char *queries[] = {"quux", "title:quoted", "\"back\\slash\"", "tab OR ctrl"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        char *q = shq(queries[i]);
        char *args = ts_strf("--json -- %s", q);
        run r = searcher_on(idx, args);
        if (r.rc != 0)
            fail_msg("[%s]: exit %d, %s", queries[i], r.rc, r.err);
        jv v;
        parse_one_json(&r, &v);
        assert_string_equal(jget_type(&v, "query", J_STR)->s, queries[i]);
        const jv *hits = jget_type(&v, "hits", J_ARR);
        assert_int_equal(hits->n, 1);
        const jv *t = jget_type(&hits->kids[0], "title", J_STR);
        assert_int_equal(t->slen, sizeof want_title - 1);
        assert_memory_equal(t->s, want_title, sizeof want_title - 1);
        assert_string_equal(jget_type(&hits->kids[0], "path", J_STR)->s, file);
        if (jget(&hits->kids[0], "text"))
            assert_int_equal(jget(&hits->kids[0], "text")->t, J_STR);
        jv_free(&v);
        run_free(&r);
        free(args);
        free(q);
    }
    /* --explain output is valid JSON too, and the text mode shows the title. */
    run r = searcher_on(idx, "--json --explain quux");
    jv v;
    parse_one_json(&r, &v);
    jv_free(&v);
    run_free(&r);
    ts_rmtree(dir);
    free(file);
    free(docs);
    free(idx);
    free(dir);
}

/* More than 128 words with the prefix: a note, in the text and in the JSON. */
static void test_prefix_cap_note(void **state)
{
    (void)state;
    char *dir = ts_mkdtemp();
    char *docs = ts_strf("%s/docs", dir), *idx = ts_strf("%s/idx", dir);
    ts_sbuf text = {0};
    ts_sb_addn(&text, "Many words\n", 11);
    for (int i = 0; i < 200; i++) {
        char w[16];
        snprintf(w, sizeof w, "cap%03dx ", i);
        ts_sb_addn(&text, w, strlen(w));
    }
    char *file = ts_write_file(docs, "many.txt", text.s, text.n);
    free(text.s);
    char *cmd = ts_strf("'%s' --quiet --index '%s' '%s'", INDEXER_BIN, idx, docs);
    assert_int_equal(ts_run(cmd, NULL, NULL), 0);
    free(cmd);
    run r = searcher_on(idx, "--json 'cap*'");
    assert_int_equal(r.rc, 0);
    jv v;
    parse_one_json(&r, &v);
    const char *notes = jget_type(&v, "notes", J_STR)->s;
    if (!strstr(notes, "cap*") || !strstr(notes, "128"))
        fail_msg("notes: %s", notes);
    assert_true(jget_type(&v, "total", J_NUM)->num == 1);
    jv_free(&v);
    run_free(&r);
    r = searcher_on(idx, "'cap*'");
    assert_int_equal(r.rc, 0);
    /* Text mode: a "note:" line (on either stream). */
    const char *note = strstr(r.err, "note: ") ? strstr(r.err, "note: ") : strstr(r.out, "note: ");
    assert_non_null(note);
    assert_non_null(strstr(note, "cap*"));
    run_free(&r);
    /* Under the cap: no note. */
    r = searcher_on(idx, "--json 'cap1*'");
    assert_int_equal(r.rc, 0);
    parse_one_json(&r, &v);
    assert_null(jget(&v, "notes"));
    jv_free(&v);
    run_free(&r);
    ts_rmtree(dir);
    free(file);
    free(docs);
    free(idx);
    free(dir);
}

static void test_queries_file(void **state)
{
    (void)state;
    static const char lines3[] = "nato\nxyzzyplugh\nfoo \"bar\n";
    static const char lines_good[] = "nato\r\nxyzzyplugh\n";
    static const char lines_none[] = "xyzzyplugh\nplughxyzzy\n";
    char *qf = ts_write_file(g_tmp, "queries.txt", lines3, strlen(lines3));
    char *good = ts_write_file(g_tmp, "good.txt", lines_good, strlen(lines_good));
    char *none = ts_write_file(g_tmp, "none.txt", lines_none, strlen(lines_none));
    char *args = ts_strf("--json --queries '%s'", qf);
    run r = searcher(args);
    free(args);
    assert_int_equal(r.rc, 2);
    assert_int_equal(count_lines(r.out), 3);
    assert_true(one_line(r.err));
    assert_non_null(strstr(r.err, "column 5"));
    char *line = r.out;
    jv v[3];
    for (int i = 0; i < 3; i++) {
        char *nl = strchr(line, '\n');
        if (!json_parse(line, (size_t)(nl - line), &v[i]))
            fail_msg("line %d is not JSON: %.*s", i + 1, (int)(nl - line), line);
        line = nl + 1;
    }
    check_result_object(&v[0], "nato", 0, 10);
    assert_true(jget(&v[0], "total")->num == __builtin_popcountll(files_with("nato")));
    check_result_object(&v[1], "xyzzyplugh", 0, 10);
    assert_true(jget(&v[1], "total")->num == 0);
    assert_string_equal(jget_type(&v[2], "query", J_STR)->s, "foo \"bar");
    assert_true(jget_type(&v[2], "column", J_NUM)->num == 5);
    assert_int_equal(jget_type(&v[2], "error", J_STR)->t, J_STR);
    for (int i = 0; i < 3; i++)
        jv_free(&v[i]);
    run_free(&r);

    /* Only good queries (CRLF line endings too): exit 0. */
    args = ts_strf("--json --queries '%s'", good);
    r = searcher(args);
    free(args);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.err, "");
    assert_int_equal(count_lines(r.out), 2);
    assert_true(json_parse(r.out, strlen(r.out) - strlen(strchr(r.out, '\n')), &v[0]));
    assert_string_equal(jget_type(&v[0], "query", J_STR)->s, "nato");
    jv_free(&v[0]);
    run_free(&r);
    /* Only queries without hits: exit 1. */
    args = ts_strf("--queries '%s'", none);
    r = searcher(args);
    free(args);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.out, "no documents match xyzzyplugh"));
    assert_non_null(strstr(r.out, "no documents match plughxyzzy"));
    run_free(&r);

    /* --queries - reads standard input. */
    char *cmd = ts_strf("printf 'xyzzyplugh\\nnato\\n' | '%s' --index '%s' --json --queries -",
                        SEARCHER_BIN, g_idx);
    r.rc = ts_run(cmd, &r.out, &r.err);
    free(cmd);
    assert_int_equal(r.rc, 0);
    assert_int_equal(count_lines(r.out), 2);
    char *nl = strchr(r.out, '\n');
    assert_true(json_parse(r.out, (size_t)(nl - r.out), &v[0]));
    assert_true(json_parse(nl + 1, strlen(nl + 1), &v[1]));
    check_result_object(&v[0], "xyzzyplugh", 0, 10);
    check_result_object(&v[1], "nato", 0, 10);
    assert_true(jget(&v[1], "total")->num == __builtin_popcountll(files_with("nato")));
    jv_free(&v[0]);
    jv_free(&v[1]);
    run_free(&r);

    /* A missing queries file, and a query given with --queries, are errors. */
    r = searcher("--queries /nonexistent/queries.txt");
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "/nonexistent/queries.txt"));
    run_free(&r);
    args = ts_strf("--queries '%s' nato", good);
    r = searcher(args);
    free(args);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.out, "");
    run_free(&r);
    free(qf);
    free(good);
    free(none);
}

static void test_missing_and_corrupt_index(void **state)
{
    (void)state;
    char *missing = ts_strf("%s/no-such-index", g_tmp);
    run r = searcher_on(missing, "nato");
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "no index"));
    run_free(&r);
    r = searcher_on(missing, "--json nato");
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, "no index"));
    run_free(&r);
    free(missing);

    /* Flip one byte in the middle of the postings file of a copy. */
    char *bad = ts_strf("%s/bad-index", g_tmp);
    char *cmd = ts_strf("cp -r '%s' '%s'", g_idx, bad);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    char *post = ts_strf("%s/seg_000001.post", bad);
    size_t len;
    char *data = ts_read_file(post, &len);
    assert_non_null(data);
    assert_true(len > 64);
    data[len / 2] ^= 0x5A;
    FILE *f = fopen(post, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(data);
    r = searcher_on(bad, "nato");
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.out, "");
    if (!strstr(r.err, "seg_000001.post"))
        fail_msg("the message does not name the file: %s", r.err);
    run_free(&r);
    ts_rmtree(bad);
    free(bad);
    free(post);
}

static void test_color(void **state)
{
    (void)state;
    static const char *always[] = {"--color=always", "--color always", "--colour=always"};
    for (size_t i = 0; i < 3; i++) {
        char *opts = ts_strf("%s -n 3", always[i]);
        run r = searcher_q(opts, "nato defence");
        assert_int_equal(r.rc, 0);
        assert_non_null(strstr(r.out, "\033["));
        assert_non_null(strstr(r.out, "\033[0m"));
        run_free(&r);
        free(opts);
    }
    static const char *plain[] = {"--color=never", "", "--color=auto"};
    for (size_t i = 0; i < 3; i++) {
        char *opts = ts_strf("%s -n 3", plain[i]);
        run r = searcher_q(opts, "nato defence");
        assert_int_equal(r.rc, 0);
        assert_null(strchr(r.out, '\033'));
        assert_non_null(strstr(r.out, "[["));
        run_free(&r);
        free(opts);
    }
    /* JSON never has escapes, even with --color=always. */
    run r = searcher_q("--color=always --json", "nato");
    assert_null(strchr(r.out, '\033'));
    run_free(&r);
    r = searcher_q("--color=sometimes", "nato");
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.out, "");
    run_free(&r);
}

/* Explain's numbers reproduce the score: BM25F in general, and exactly the
 * plain formula with --title-weight 0. */
static void check_explained_hits(const jv *v, double k1, double b, double w)
{
    const jv *hits = jget_type(v, "hits", J_ARR);
    assert_true(hits->n > 0);
    double N = (double)g_nfiles;
    for (size_t i = 0; i < hits->n; i++) {
        const jv *h = &hits->kids[i];
        const jv *ex = jget_type(h, "explain", J_ARR);
        assert_true(ex->n > 0);
        double sum = 0;
        for (size_t j = 0; j < ex->n; j++) {
            const jv *t = &ex->kids[j];
            const char *kind = jget_type(t, "kind", J_STR)->s;
            double tf = jget_type(t, "tf", J_NUM)->num, ttf = jget_type(t, "title_tf", J_NUM)->num;
            double df = jget_type(t, "df", J_NUM)->num, idf = jget_type(t, "idf", J_NUM)->num;
            double norm = jget_type(t, "norm", J_NUM)->num;
            double tnorm = jget_type(t, "title_norm", J_NUM)->num;
            double score = jget_type(t, "score", J_NUM)->num;
            jget_type(t, "text", J_STR);
            sum += score;
            if (strcmp(kind, "term") != 0)
                continue;
            assert_true(fabs(idf - log(1.0 + (N - df + 0.5) / (df + 0.5))) < 1e-12);
            double want;
            if (w == 0) {
                want = idf * tf * (k1 + 1) / (tf + k1 * norm);
            } else {
                double tfn = tf / norm + w * ttf / tnorm;
                want = idf * tfn * (k1 + 1) / (k1 + tfn);
            }
            if (fabs(score - want) > 1e-9)
                fail_msg("explained score %.17g, formula gives %.17g", score, want);
            (void)b;
        }
        if (fabs(sum - jget(h, "score")->num) > 1e-9)
            fail_msg("explain adds up to %.17g, score %.17g", sum, jget(h, "score")->num);
    }
}

static void test_explain_and_parameters(void **state)
{
    (void)state;
    run r = searcher_q("--title-weight 0 --explain -n 3", "nato defence");
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.err, "");
    assert_non_null(strstr(r.out, "tf="));
    assert_non_null(strstr(r.out, "idf="));
    run_free(&r);

    static const struct {
        const char *opts;
        double k1, b, w;
    } cases[] = {
        {"--title-weight 0", 1.2, 0.75, 0},
        {"", 1.2, 0.75, 2},
        {"--k1 2 --b 0.3", 2, 0.3, 2},
        {"--k1 0.5 --b 1 --title-weight 0", 0.5, 1, 0},
        {"--title-weight 5.5 --b 0", 1.2, 0, 5.5},
    };
    double first_score[5];
    for (size_t i = 0; i < 5; i++) {
        char *opts = ts_strf("%s --json --explain -n 5", cases[i].opts);
        r = searcher_q(opts, "nato annual report \"collective defence\"");
        assert_int_equal(r.rc, 0);
        jv v;
        parse_one_json(&r, &v);
        check_explained_hits(&v, cases[i].k1, cases[i].b, cases[i].w);
        first_score[i] = jget(&jget(&v, "hits")->kids[0], "score")->num;
        jv_free(&v);
        run_free(&r);
        free(opts);
    }
    /* The parameters change the scores. */
    assert_true(first_score[0] != first_score[1]);
    assert_true(first_score[1] != first_score[2]);

    /* The proximity part, then the heading part: the last explain lines by
     * default (text and JSON); without the heading part the proximity part
     * is last, and absent with --proximity-weight 0, which gives BM25F
     * alone. */
    r = searcher_q("--explain -n 1", "nato annual report");
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "proximity"));
    assert_non_null(strstr(r.out, "heading"));
    run_free(&r);
    r = searcher_q("--json --explain -n 1", "nato annual report");
    assert_int_equal(r.rc, 0);
    {
        jv v;
        parse_one_json(&r, &v);
        const jv *h = &jget_type(&v, "hits", J_ARR)->kids[0];
        const jv *ex = jget_type(h, "explain", J_ARR);
        assert_true(ex->n >= 2);
        assert_string_equal(jget_type(&ex->kids[ex->n - 1], "kind", J_STR)->s, "heading");
        assert_string_equal(jget_type(&ex->kids[ex->n - 2], "kind", J_STR)->s, "proximity");
        double sum = 0;
        for (size_t i = 0; i < ex->n; i++)
            sum += jget_type(&ex->kids[i], "score", J_NUM)->num;
        assert_true(fabs(sum - jget(h, "score")->num) < 1e-9);
        jv_free(&v);
    }
    run_free(&r);
    double prox_part = 0, with = 0, without = 0;
    for (int zero = 0; zero < 2; zero++) {
        r = searcher_q(zero ? "--proximity-weight 0 --heading-weight 0 --json --explain -n 1"
                            : "--heading-weight 0 --json --explain -n 1",
                       "nato annual report");
        assert_int_equal(r.rc, 0);
        jv v;
        parse_one_json(&r, &v);
        const jv *h = &jget_type(&v, "hits", J_ARR)->kids[0];
        const jv *ex = jget_type(h, "explain", J_ARR);
        const jv *last = &ex->kids[ex->n - 1];
        bool is_prox = strcmp(jget_type(last, "kind", J_STR)->s, "proximity") == 0;
        assert_int_equal(is_prox, !zero);
        if (!zero)
            prox_part = jget_type(last, "score", J_NUM)->num;
        if (zero)
            without = jget(h, "score")->num;
        else
            with = jget(h, "score")->num;
        jv_free(&v);
        run_free(&r);
    }
    assert_true(prox_part > 0);
    assert_true(with >= without); /* the best of BM25F + W prox is at least the best BM25F */

    /* Bad option values: exit 2, nothing on stdout, a message. */
    static const char *bad[] = {"-n abc", "--b 2", "--b -0.1", "--k1 -1", "--k1 x",
                                "--title-weight abc", "--offset -1", "-n 1.5", "--limit",
                                "--proximity-weight -1", "--proximity-weight x", "--rescore-depth x",
                                "--heading-weight -1", "--heading-weight x",
                                "--no-such-option"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *args = ts_strf("%s nato", bad[i]);
        r = searcher(args);
        if (r.rc != 2 || r.out[0] || !r.err[0])
            fail_msg("[%s]: exit %d, stdout \"%s\", stderr \"%s\"", bad[i], r.rc, r.out, r.err);
        run_free(&r);
        free(args);
    }
    /* No query at all. */
    r = searcher("");
    assert_int_equal(r.rc, 2);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_parser_self_check),
        cmocka_unit_test(test_phrase_finds_annual_report),
        cmocka_unit_test(test_no_hits),
        cmocka_unit_test(test_malformed_queries),
        cmocka_unit_test(test_json_output),
        cmocka_unit_test(test_offset_paging),
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_prefix_cap_note),
        cmocka_unit_test(test_queries_file),
        cmocka_unit_test(test_missing_and_corrupt_index),
        cmocka_unit_test(test_color),
        cmocka_unit_test(test_explain_and_parameters),
        cmocka_unit_test(test_boolean_document_sets),
        cmocka_unit_test(test_count_option),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
