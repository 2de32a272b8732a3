/*
 * test_deadline.c - time limits that hold and the per-query budget of prefix
 * terms.
 *
 * A generated shelf of 1,500 documents written with eight words makes a
 * query repeating those words (1 KiB, the server's limit) very expensive:
 * every word occurs in every document, so each hit has thousands of match
 * spans to weigh for its passages (minutes of work).  With a 1 s limit the
 * command line must give up with exit status 3 and the server with a JSON
 * 503, both within the limit plus one second, while a cheap query on the same
 * index still answers.  A few files with 130 words for each of nine prefixes
 * pass the budget of 1,024 prefix terms (8 prefixes fit).  At the library
 * level, a deadline already past makes the search (both backends), the
 * passage picker and the snippet builder stop with SHELF_ETIMEOUT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analysis/analyzer.h"
#include "engine/engine.h"
#include "present/passage.h"
#include "present/snippets.h"
#include "query/parse.h"
#include "query/plan.h"
#include "query/search.h"
#include "serve_client.h"
#include "support.h"
#include "util/deadline.h"

#define LOAD_DOCS 1500
#define LOAD_WORDS_PER_DOC 400
#define PREFIXES 9
#define WORDS_PER_PREFIX 130
#define LIMIT_SECONDS 1.0
#define SLACK_SECONDS 1.0   /* the README's promise: the limit plus one second */

static const char *const WORDS[] = {"alpha", "bravo", "charlie", "delta",
                                    "echo",  "foxtrot", "golf",  "hotel"};
static const char *const PREFIX_STEMS[PREFIXES] = {"ka", "ke", "ki", "ko", "ku",
                                                   "la", "le", "li", "lo"};

static char *g_tmp, *g_idx, *g_xidx, *g_expensive;

/* ---- the shelf ---- */

static void write_load_docs(const char *dir)
{
    uint64_t seed = 20261205;
    for (int d = 0; d < LOAD_DOCS; d++) {
        ts_sbuf b = {0};
        ts_sb_add(&b, "Drill notes\n\n");
        for (int w = 0; w < LOAD_WORDS_PER_DOC; w++) {
            ts_sb_add(&b, WORDS[ts_rand_below(&seed, 8)]);
            ts_sb_add(&b, (w + 1) % 12 == 0 ? ".\n" : " ");
        }
        char *text = ts_sb_take(&b);
        char *name = ts_strf("load/d%04d.txt", d);
        free(ts_write_file(dir, name, text, strlen(text)));
        free(name);
        free(text);
    }
}

/* PREFIXES files, each with WORDS_PER_PREFIX words of one prefix: ka1 ka2 ... */
static void write_prefix_docs(const char *dir)
{
    for (int p = 0; p < PREFIXES; p++) {
        ts_sbuf b = {0};
        ts_sb_add(&b, "Word table\n\n");
        for (int w = 1; w <= WORDS_PER_PREFIX; w++) {
            char word[16];
            snprintf(word, sizeof word, "%s%d%s", PREFIX_STEMS[p], w, w % 10 ? " " : "\n");
            ts_sb_add(&b, word);
        }
        char *text = ts_sb_take(&b);
        char *name = ts_strf("prefix/%s.txt", PREFIX_STEMS[p]);
        free(ts_write_file(dir, name, text, strlen(text)));
        free(name);
        free(text);
    }
}

/* The eight words repeated up to 1,024 bytes, the server's limit on q. */
static char *expensive_query(void)
{
    ts_sbuf b = {0};
    for (size_t i = 0;; i++) {
        const char *w = WORDS[i % 8];
        if (b.n + 1 + strlen(w) > 1024)
            break;
        if (b.n)
            ts_sb_add(&b, " ");
        ts_sb_add(&b, w);
    }
    return ts_sb_take(&b);
}

static void run_indexer(const char *idx, const char *backend, const char *docs)
{
    const char *argv[] = {INDEXER_BIN, "--index", idx, docs, NULL, NULL, NULL};
    if (backend) {
        argv[3] = "--backend";
        argv[4] = backend;
        argv[5] = docs;
    }
    char *err = NULL;
    int rc = ts_spawn(argv, g_tmp, NULL, NULL, &err, NULL);
    if (rc != 0)
        fail_msg("indexer failed (%d): %s", rc, err ? err : "");
    free(err);
}

static int setup(void **state)
{
    (void)state;
    g_tmp = ts_mkdtemp();
    char *docs = ts_strf("%s/docs", g_tmp);
    write_load_docs(docs);
    write_prefix_docs(docs);
    g_idx = ts_strf("%s/index", g_tmp);
    run_indexer(g_idx, NULL, docs);
    char *prefix_docs = ts_strf("%s/prefix", docs);
    g_xidx = ts_strf("%s/xindex", g_tmp);
    run_indexer(g_xidx, "xapian", prefix_docs);
    g_expensive = expensive_query();
    free(prefix_docs);
    free(docs);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_rmtree(g_tmp);
    free(g_tmp);
    free(g_idx);
    free(g_xidx);
    free(g_expensive);
    return 0;
}

static double seconds_since(uint64_t start_ns)
{
    return (double)(shelf_clock_ns() - start_ns) / 1e9;
}

/* ---- the command line ---- */

/* searcher --index g_idx ARGS... -- query: exit status, output, seconds. */
static int search_cli(const char *const *args, const char *query, char **out, char **err,
                      double *seconds)
{
    const char *argv[32] = {SEARCHER_BIN, "--index", g_idx};
    size_t n = 3;
    while (*args)
        argv[n++] = *args++;
    argv[n++] = "--";
    argv[n++] = query;
    argv[n] = NULL;
    uint64_t start = shelf_clock_ns();
    int rc = ts_spawn(argv, g_tmp, NULL, out, err, NULL);
    *seconds = seconds_since(start);
    return rc;
}

static void test_cli_timeout_holds(void **state)
{
    (void)state;
    const char *args[] = {"-n", "100", "--passages", "10", "--width", "2000", "--timeout", "1", NULL};
    char *out = NULL, *err = NULL;
    double took;
    int rc = search_cli(args, g_expensive, &out, &err, &took);
    assert_int_equal(rc, 3);
    assert_non_null(strstr(err, "time limit reached"));
    assert_non_null(strstr(err, "--timeout 1 s"));
    assert_true(took < LIMIT_SECONDS + SLACK_SECONDS);
    free(out);
    free(err);

    const char *json_args[] = {"--json", "-n", "100", "--passages", "10", "--width", "2000",
                               "--timeout", "1", NULL};
    rc = search_cli(json_args, g_expensive, &out, &err, &took);
    assert_int_equal(rc, 3);
    assert_true(strncmp(out, "{\"query\":", 9) == 0); /* one whole error object, no half result */
    assert_non_null(strstr(out, "\"error\":\"time limit reached"));
    assert_null(strstr(out, "\"hits\""));
    assert_true(took < LIMIT_SECONDS + SLACK_SECONDS);
    free(out);
    free(err);
}

static void test_cli_cheap_query_within_limit(void **state)
{
    (void)state;
    const char *args[] = {"--json", "-n", "5", "--timeout", "10", NULL};
    char *out = NULL, *err = NULL;
    double took;
    int rc = search_cli(args, "alpha", &out, &err, &took);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "\"rank\":5"));
    free(out);
    free(err);
}

static void test_cli_timeout_option_errors(void **state)
{
    (void)state;
    const char *args[] = {"--timeout", "soon", NULL};
    char *out = NULL, *err = NULL;
    double took;
    assert_int_equal(search_cli(args, "alpha", &out, &err, &took), 2);
    assert_non_null(strstr(err, "--timeout wants a number"));
    free(out);
    free(err);
}

static void test_prefix_budget(void **state)
{
    (void)state;
    const char *args[] = {"--count", NULL};
    char *out = NULL, *err = NULL;
    double took;
    /* 8 prefixes of 128 kept terms each: exactly the budget. */
    int rc = search_cli(args, "ka* ke* ki* ko* ku* la* le* li*", &out, &err, &took);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "8\n");
    free(out);
    free(err);
    /* The ninth passes it: a query error pointing at it. */
    rc = search_cli(args, "ka* ke* ki* ko* ku* la* le* li* lo*", &out, &err, &took);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(err, "query error at column 33"));
    assert_non_null(strstr(err, "too many prefix terms: 'lo*'"));
    assert_non_null(strstr(err, "1024"));
    free(out);
    free(err);
}

/* ---- the server ---- */

static void server_start(sc_server *s, const char *timeout)
{
    const char *args[] = {"--index", g_idx, "--timeout", timeout};
    sc_start_args(s, args, 4, g_tmp);
}

/* GET target; the status, and the body in *body. */
static int http_get(const sc_server *s, const char *target, char **body)
{
    sc_resp r;
    sc_request(s, "GET", target, NULL, &r);
    int status = r.status;
    *body = r.body;
    r.body = NULL;
    sc_resp_free(&r);
    return status;
}

/* The query as a form would send it: words joined by '+'. */
static char *search_target(const char *query, const char *extra)
{
    char *q = strdup(query);
    for (char *p = q; *p; p++)
        if (*p == ' ')
            *p = '+';
    char *t = ts_strf("/api/search?q=%s%s", q, extra);
    free(q);
    return t;
}

static void test_server_timeout_holds(void **state)
{
    (void)state;
    sc_server s;
    server_start(&s, "1");
    char *body = NULL;
    char *target = search_target(g_expensive, "&n=100&passages=10&width=2000");
    uint64_t start = shelf_clock_ns();
    int status = http_get(&s, target, &body);
    double took = seconds_since(start);
    assert_int_equal(status, 503);
    assert_non_null(strstr(body, "\"status\":503"));
    assert_non_null(strstr(body, "\"error\":\"the request took longer than 1 s"));
    assert_true(took < LIMIT_SECONDS + SLACK_SECONDS);
    free(body);
    free(target);

    target = search_target("alpha bravo", "&n=3");
    assert_int_equal(http_get(&s, target, &body), 200);
    assert_non_null(strstr(body, "\"rank\":3"));
    free(body);
    free(target);

    target = search_target("ka* ke* ki* ko* ku* la* le* li* lo*", "");
    assert_int_equal(http_get(&s, target, &body), 400);
    assert_non_null(strstr(body, "too many prefix terms"));
    assert_non_null(strstr(body, "\"column\":33"));
    free(body);
    free(target);

    assert_int_equal(http_get(&s, "/healthz", &body), 200);
    free(body);
    assert_int_equal(sc_stop(&s), 0);
    free(s.err_path);
}

/* ---- the library ---- */

typedef struct opened {
    shelf_engine *e;
    shelf_analyzer *a;
    shelf_plan *plan;
} opened;

static void open_and_plan(opened *o, const char *dir, const char *query)
{
    shelf_err err = {0};
    int column = 0;
    assert_int_equal(shelf_engine_open(&o->e, dir, 0, &err), SHELF_OK);
    o->a = shelf_analyzer_new(shelf_engine_language(o->e), &err);
    assert_non_null(o->a);
    shelf_parse_opts po = {0};
    shelf_qnode *tree = shelf_query_parse(query, &po, &err, &column);
    assert_non_null(tree);
    o->plan = shelf_plan_for_engine(o->e, o->a, tree, NULL, 0, &err, &column);
    shelf_query_free(tree);
    assert_non_null(o->plan);
}

static void close_opened(opened *o)
{
    shelf_plan_free(o->plan);
    shelf_analyzer_free(o->a);
    shelf_engine_close(o->e);
}

/* A search with the deadline given: its status; results freed. */
static int search_by(const opened *o, uint64_t deadline_ns, size_t *count)
{
    shelf_search_opts so;
    shelf_search_opts_default(&so);
    so.deadline_ns = deadline_ns;
    shelf_results res;
    shelf_err err = {0};
    int rc = shelf_engine_search(o->e, o->plan, &so, &res, &err);
    if (rc == SHELF_ETIMEOUT)
        assert_non_null(strstr(err.msg, "time limit reached"));
    *count = res.count;
    shelf_results_free(&res);
    return rc;
}

static void check_search_deadline(const char *dir, const char *query)
{
    opened o;
    open_and_plan(&o, dir, query);
    size_t count = 0;
    uint64_t past = shelf_clock_ns() - 1;
    assert_int_equal(search_by(&o, past, &count), SHELF_ETIMEOUT);
    assert_int_equal(count, 0);
    assert_int_equal(search_by(&o, shelf_deadline_after(3600), &count), SHELF_OK);
    assert_true(count > 0);
    assert_int_equal(search_by(&o, 0, &count), SHELF_OK);
    assert_true(count > 0);
    close_opened(&o);
}

static void test_library_search_past_deadline(void **state)
{
    (void)state;
    check_search_deadline(g_idx, "alpha OR ka*");           /* MaxScore */
    check_search_deadline(g_idx, "+alpha \"bravo charlie\""); /* exhaustive */
    check_search_deadline(g_xidx, "ka1 OR ke*");            /* Xapian */
}

static void test_library_passages_past_deadline(void **state)
{
    (void)state;
    opened o;
    open_and_plan(&o, g_idx, "alpha bravo");
    shelf_search_opts so;
    shelf_search_opts_default(&so);
    shelf_results res;
    shelf_err err = {0};
    assert_int_equal(shelf_engine_search(o.e, o.plan, &so, &res, &err), SHELF_OK);
    assert_true(res.count > 0);

    shelf_buf text = SHELF_BUF_INIT;
    shelf_passages ps;
    shelf_passage_opts po = {2, 200, shelf_clock_ns() - 1, false};
    assert_int_equal(shelf_snippets_for_engine_hit(o.e, &res.hits[0], o.plan, o.a, &po, &text,
                                                   NULL, &ps, &err),
                     SHELF_ETIMEOUT);
    assert_non_null(strstr(err.msg, "time limit reached"));
    shelf_passages_free(&ps);

    po.deadline_ns = 0;
    assert_int_equal(shelf_snippets_for_engine_hit(o.e, &res.hits[0], o.plan, o.a, &po, &text,
                                                   NULL, &ps, &err),
                     SHELF_OK);
    assert_true(ps.count > 0);
    shelf_passages_free(&ps);

    /* The picker alone, on spans already found. */
    shelf_buf cps = SHELF_BUF_INIT;
    assert_int_equal(shelf_engine_text(o.e, &res.hits[0], &text, &cps, &err), SHELF_OK);
    shelf_spans spans;
    assert_int_equal(shelf_spans_find_until(o.e, &res.hits[0], o.plan, o.a, (const char *)text.data,
                                            text.len, (const uint64_t *)cps.data,
                                            cps.len / sizeof(uint64_t), shelf_clock_ns() - 1,
                                            &spans, &err),
                     SHELF_ETIMEOUT);
    shelf_spans_free(&spans);
    assert_int_equal(shelf_spans_find(o.e, &res.hits[0], o.plan, o.a, (const char *)text.data,
                                      text.len, (const uint64_t *)cps.data,
                                      cps.len / sizeof(uint64_t), &spans, &err),
                     SHELF_OK);
    assert_true(spans.count > 0);
    po.deadline_ns = shelf_clock_ns() - 1;
    assert_int_equal(shelf_passages_pick((const char *)text.data, text.len, NULL, &spans, &po, &ps,
                                         &err),
                     SHELF_ETIMEOUT);
    shelf_passages_free(&ps);
    shelf_spans_free(&spans);
    shelf_buf_free(&cps);
    shelf_buf_free(&text);
    shelf_results_free(&res);
    close_opened(&o);
}

/* The ticker reads the clock only every SHELF_TICKS_PER_CHECK units. */
static void test_ticker(void **state)
{
    (void)state;
    shelf_ticker t;
    shelf_ticker_init(&t, 0);
    for (int i = 0; i < 10 * SHELF_TICKS_PER_CHECK; i++)
        assert_false(shelf_ticker_tick(&t, 1));
    shelf_ticker_init(&t, shelf_clock_ns() - 1);
    for (int i = 1; i < SHELF_TICKS_PER_CHECK; i++)
        assert_false(shelf_ticker_tick(&t, 1));
    assert_true(shelf_ticker_tick(&t, 1));
    assert_true(shelf_ticker_tick(&t, 1)); /* stays expired */
    assert_int_equal(shelf_deadline_after(0), 0);
    assert_false(shelf_deadline_passed(0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticker),
        cmocka_unit_test(test_library_search_past_deadline),
        cmocka_unit_test(test_library_passages_past_deadline),
        cmocka_unit_test(test_prefix_budget),
        cmocka_unit_test(test_cli_cheap_query_within_limit),
        cmocka_unit_test(test_cli_timeout_option_errors),
        cmocka_unit_test(test_cli_timeout_holds),
        cmocka_unit_test(test_server_timeout_holds),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
