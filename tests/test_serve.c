/*
 * test_serve.c - `searcher --serve` over real sockets (searcher/serve.c,
 * http_server.c, api_*.c, snapshot.c).
 *
 * The group setup indexes the sample shelf (CORPUS_DIR) plus a folder of
 * this test's own documents - one full of HTML, one PDF made with enscript
 * and ps2pdf, and tests/data/labels.pdf (printed page labels) - and starts SEARCHER_BIN --serve --listen 127.0.0.1:0 (the
 * kernel picks a free port; the server prints it on stderr).  The raw HTTP
 * client of serve_client.h sends requests as written, so malformed and
 * hostile ones can be sent as they are.  Answers are read with the strict JSON parser, and
 * API answers are compared byte for byte with what `searcher --json`,
 * `--cite` and `--cite-format` print for the same query.
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

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json_reader.h"
#include "serve_client.h"
#include "support.h"

static char *g_tmp, *g_docs, *g_idx, *g_hostile, *g_pdf, *g_labels;

/* ================= the server and a raw client (serve_client.h) ================= */

static sc_server g_srv;

static void server_start(sc_server *s, const char *idx)
{
    sc_start(s, idx, g_tmp);
}

static void http_req(const char *method, const char *target, const char *extra_headers, sc_resp *r)
{
    sc_request(&g_srv, method, target, extra_headers, r);
}

static void http_get(const char *target, sc_resp *r)
{
    sc_request(&g_srv, "GET", target, NULL, r);
}

/* GET target; asserts the status and a JSON body, parsed into v. */
static void get_json(const char *target, int status, jv *v)
{
    sc_resp r;
    http_get(target, &r);
    if (r.status != status)
        fail_msg("GET %.200s: want %d, got %d: %.300s", target, status, r.status, r.body);
    if (!json_parse(r.body, r.body_len, v))
        fail_msg("GET %.200s: not JSON: %.300s", target, r.body);
    sc_expect_header(&r, "Content-Type", "application/json");
    sc_resp_free(&r);
}

/* The error answer of target: its status and message checked. */
static void expect_error(const char *target, int status, const char *message_part)
{
    jv v;
    get_json(target, status, &v);
    assert_int_equal((int)jget_type(&v, "status", J_NUM)->num, status);
    const char *msg = jget_type(&v, "error", J_STR)->s;
    if (message_part && !strstr(msg, message_part))
        fail_msg("GET %.200s: error '%s' does not mention '%s'", target, msg, message_part);
    jv_free(&v);
}

/* ================= the command line, for comparison ================= */

static int run_bin(char **out, char **err, const char *prog, ...)
{
    va_list ap;
    va_start(ap, prog);
    int rc = ts_spawn_va(prog, g_tmp, out, err, ap);
    va_end(ap);
    return rc;
}

static char *cli(const char *idx, const char *a1, const char *a2, const char *a3, const char *query)
{
    char *out = NULL;
    run_bin(&out, NULL, SEARCHER_BIN, "--index", idx, a1, a2, a3, "--", query, (char *)NULL);
    return out;
}

static void run_indexer(const char *idx, const char *backend)
{
    char *err = NULL;
    int rc = backend ? run_bin(NULL, &err, INDEXER_BIN, "--backend", backend, "--index", idx, CORPUS_DIR,
                               g_docs, (char *)NULL)
                     : run_bin(NULL, &err, INDEXER_BIN, "--index", idx, CORPUS_DIR, g_docs, (char *)NULL);
    if (rc != 0)
        fail_msg("indexer failed (%d): %s", rc, err);
    free(err);
}

/* ================= setup ================= */

static const char HOSTILE[] =
    "Hostile markup sample\n"
    "\n"
    "The zebrafish says <script>alert(1)</script> loudly.\n"
    "An image: <img src=x onerror=alert(2)> and a \"quote\" & an ampersand.\n"
    "Caf\xc3\xa9 soci\xc3\xa9t\xc3\xa9: a na\xc3\xafve fa\xc3\xa7" "ade for the zebrafish.\n";

static void make_pdf(void)
{
    char *err = NULL;
    char *cmd = ts_strf("fold -s -w 70 '%s/nato-overview.txt' > '%s/folded.txt' && "
                        "enscript -B -q -L 12 -f Courier10 -o - '%s/folded.txt' | ps2pdf - '%s'",
                        CORPUS_DIR, g_tmp, g_tmp, g_pdf);
    if (ts_run(cmd, NULL, &err) != 0)
        fail_msg("making the test PDF needs enscript and ghostscript: %s", err);
    free(cmd);
    free(err);
}

static int setup(void **state)
{
    g_tmp = ts_mkdtemp();
    g_docs = ts_strf("%s/docs", g_tmp);
    g_idx = ts_strf("%s/index", g_tmp);
    g_hostile = ts_write_file(g_docs, "hostile.txt", HOSTILE, sizeof HOSTILE - 1);
    g_pdf = ts_strf("%s/paged.pdf", g_docs);
    make_pdf();
    size_t labels_len = 0;
    char *labels = ts_read_file(TEST_DATA_DIR "/labels.pdf", &labels_len);
    assert_non_null(labels);
    g_labels = ts_write_file(g_docs, "labels.pdf", labels, labels_len);
    free(labels);
    run_indexer(g_idx, NULL);
    server_start(&g_srv, g_idx);
    return 0;
}

static int teardown(void **state)
{
    int rc = sc_stop(&g_srv);
    if (rc != 0)
        fprintf(stderr, "test_serve: the server exited with %d on SIGTERM\n", rc);
    ts_rmtree(g_tmp);
    free(g_srv.err_path);
    free(g_tmp);
    free(g_docs);
    free(g_idx);
    free(g_hostile);
    free(g_pdf);
    free(g_labels);
    return rc == 0 ? 0 : -1;
}

/* ================= tests ================= */

static void test_healthz_and_headers(void **state)
{
    jv v;
    get_json("/healthz", 200, &v);
    assert_string_equal(jget_type(&v, "status", J_STR)->s, "ok");
    assert_string_equal(jget_type(&v, "backend", J_STR)->s, "native");
    assert_true(jget_type(&v, "generation", J_NUM)->num >= 1);
    assert_int_equal((int)jget_type(&v, "documents", J_NUM)->num, 5 + 3); /* corpus/, hostile, two PDFs */
    jv_free(&v);
    sc_resp r;
    http_req("GET", "/healthz", "Origin: http://evil.example\r\n", &r);
    assert_int_equal(r.status, 200);
    sc_expect_header(&r, "X-Content-Type-Options", "nosniff");
    sc_expect_header(&r, "Cache-Control", "no-store");
    sc_expect_header(&r, "Content-Security-Policy", "default-src 'none'");
    for (const char *line = strstr(r.head, "\r\n"); line; line = strstr(line + 2, "\r\n"))
        assert_int_not_equal(strncasecmp(line + 2, "Access-Control-", 15), 0); /* CORS off */
    sc_resp_free(&r);
}

/* The API answers with exactly what --json prints. */
static void test_search_equals_cli_json(void **state)
{
    static const char *queries[] = {"deterrence", "\"collective defence\" OR nato", "title:nato",
                                    "zebrafish", "allian*", "cyber NEAR/4 defence"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        char *q = sc_enc(queries[i]);
        char *target = ts_strf("/api/search?q=%s&n=3", q);
        sc_resp r;
        http_get(target, &r);
        char *want = cli(g_idx, "--json", "-n", "3", queries[i]);
        assert_int_equal(r.status, 200);
        assert_string_equal(r.body, want);
        sc_resp_free(&r);
        free(want);
        free(target);
        free(q);
    }
    sc_resp r;
    http_get("/api/search?q=collective+defence&n=2&offset=1&passages=1&width=80", &r);
    char *out = NULL;
    run_bin(&out, NULL, SEARCHER_BIN, "--index", g_idx, "--json", "-n", "2", "--offset", "1",
            "--passages", "1", "--width", "80", "--", "collective defence", (char *)NULL);
    assert_string_equal(r.body, out);
    free(out);
    sc_resp_free(&r);
    /* in_order=1 is --passages-in-order */
    http_get("/api/search?q=nato+deterrence+ukraine&n=3&in_order=1", &r);
    run_bin(&out, NULL, SEARCHER_BIN, "--index", g_idx, "--json", "-n", "3", "--passages-in-order",
            "--", "nato deterrence ukraine", (char *)NULL);
    assert_string_equal(r.body, out);
    free(out);
    sc_resp_free(&r);
    /* sort= is --sort, collapse=0 is --no-collapse; filters in q as on the command line */
    http_get("/api/search?q=nato+type%3Atext&n=3&sort=-date&collapse=0", &r);
    run_bin(&out, NULL, SEARCHER_BIN, "--index", g_idx, "--json", "-n", "3", "--sort", "-date",
            "--no-collapse", "--", "nato type:text", (char *)NULL);
    assert_string_equal(r.body, out);
    free(out);
    sc_resp_free(&r);
    http_get("/api/search?q=nato&n=4&sort=path", &r);
    run_bin(&out, NULL, SEARCHER_BIN, "--index", g_idx, "--json", "-n", "4", "--sort", "path",
            "--", "nato", (char *)NULL);
    assert_string_equal(r.body, out);
    free(out);
    sc_resp_free(&r);
}

/* "did you mean" (present/suggest.h): GET /api/search says "suggestion",
 * as --json does, and only for a misspelled query. */
static void test_search_suggestion(void **state)
{
    jv v;
    get_json("/api/search?q=deterence&n=3", 200, &v);
    assert_string_equal(jget_type(&v, "suggestion", J_STR)->s, "deterrence");
    jv_free(&v);
    get_json("/api/search?q=%22Stoltenburg%22+AND+title%3Anato&n=3", 200, &v);
    assert_string_equal(jget_type(&v, "suggestion", J_STR)->s, "\"Stoltenberg\" AND title:nato");
    jv_free(&v);
    get_json("/api/search?q=Stoltenberg&n=3", 200, &v);
    assert_null(jget(&v, "suggestion"));
    jv_free(&v);
    sc_resp r;
    http_get("/api/search?q=deterence&n=3", &r);
    char *want = cli(g_idx, "--json", "-n", "3", "deterence");
    assert_string_equal(r.body, want);
    free(want);
    sc_resp_free(&r);
}

static void test_search_parameters(void **state)
{
    expect_error("/api/search", 400, "missing parameter q");
    expect_error("/api/search?q=nato&n=0", 400, "parameter n");
    expect_error("/api/search?q=nato&n=101", 400, "parameter n");
    expect_error("/api/search?q=nato&n=ten", 400, "parameter n");
    expect_error("/api/search?q=nato&n=+5", 400, "parameter n");
    expect_error("/api/search?q=nato&offset=-1", 400, "parameter offset");
    expect_error("/api/search?q=nato&passages=11", 400, "parameter passages");
    expect_error("/api/search?q=nato&width=5", 400, "parameter width");
    expect_error("/api/search?q=nato&all=yes", 400, "parameter all");
    expect_error("/api/search?q=nato&in_order=2", 400, "parameter in_order");
    expect_error("/api/search?q=nato&sort=newest", 400, "parameter sort");
    expect_error("/api/search?q=nato&collapse=2", 400, "parameter collapse");
    expect_error("/api/search?q=nato+after%3A2023-13-45", 400, "is not a date");
    jv types;
    get_json("/api/types", 200, &types);
    const jv *list = jget_type(&types, "types", J_ARR);
    assert_true(list->n >= 7);
    bool pdf = false, docx = false; /* the readers table's names, in its order */
    for (size_t i = 0; i < list->n; i++) {
        pdf = pdf || strcmp(list->kids[i].s, "pdf") == 0;
        docx = docx || strcmp(list->kids[i].s, "docx") == 0;
    }
    assert_true(pdf && docx);
    jv_free(&types);
    jv any, all;
    get_json("/api/search?q=nato+zebrafish&n=1", 200, &any);
    get_json("/api/search?q=nato+zebrafish&n=1&all=1", 200, &all);
    assert_string_equal(jget_type(&any, "query", J_STR)->s, "nato zebrafish"); /* '+' is a space */
    assert_true(jget_type(&any, "total", J_NUM)->num >= 5);
    assert_int_equal((int)jget_type(&all, "total", J_NUM)->num, 0);
    jv_free(&any);
    jv_free(&all);
}

/* 400 with the same message and column as the command line's --json. */
static void test_malformed_queries(void **state)
{
    static const char *bad[] = {"\"unbalanced", "(nato", "nato AND", "-nato", "OR", "title:", "\"\"",
                                "nato NEAR/x cyber", "!!!"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *q = sc_enc(bad[i]);
        char *target = ts_strf("/api/search?q=%s", q);
        jv got, want;
        get_json(target, 400, &got);
        char *out = cli(g_idx, "--json", "-n", "1", bad[i]);
        assert_true(json_parse(out, strlen(out), &want));
        assert_string_equal(jget_type(&got, "error", J_STR)->s, jget_type(&want, "error", J_STR)->s);
        assert_int_equal((int)jget_type(&got, "column", J_NUM)->num,
                         (int)jget_type(&want, "column", J_NUM)->num);
        assert_true(jget_type(&got, "column", J_NUM)->num >= 1);
        assert_string_equal(jget_type(&got, "query", J_STR)->s, bad[i]);
        jv_free(&got);
        jv_free(&want);
        free(out);
        free(target);
        free(q);
    }
}

/* Line n (1-based) of a file, without its line break. */
static char *file_line(const char *path, size_t n)
{
    char *text = ts_read_file(path, NULL);
    char *at = text;
    for (size_t i = 1; i < n && at; i++) {
        at = strchr(at, '\n');
        at = at ? at + 1 : NULL;
    }
    char *line = at ? strndup(at, strcspn(at, "\n")) : NULL;
    free(text);
    return line;
}

static void check_doc_lines(const jv *v, const char *path, size_t first, size_t last)
{
    const jv *lines = jget_type(v, "lines", J_ARR);
    assert_int_equal(lines->n, last - first + 1);
    char *text = ts_read_file(path, NULL);
    for (size_t i = 0; i < lines->n; i++) {
        const jv *l = &lines->kids[i];
        assert_int_equal((size_t)jget_type(l, "line", J_NUM)->num, first + i);
        char *want = file_line(path, first + i);
        assert_string_equal(jget_type(l, "text", J_STR)->s, want);
        size_t start = (size_t)jget_type(l, "start", J_NUM)->num;
        assert_memory_equal(text + start, want, strlen(want)); /* start is the line's offset */
        free(want);
    }
    free(text);
}

static void test_doc_around_a_line(void **state)
{
    char *path = ts_strf("%s/nato-overview.txt", CORPUS_DIR);
    char *id = sc_enc(path);
    char *target = ts_strf("/api/doc?doc=%s&line=5&context=2", id);
    jv v;
    get_json(target, 200, &v);
    assert_string_equal(jget_type(&v, "path", J_STR)->s, path);
    assert_string_equal(jget_type(&v, "title", J_STR)->s, "NATO");
    assert_int_equal((int)jget_type(&v, "first_line", J_NUM)->num, 3);
    assert_int_equal((int)jget_type(&v, "last_line", J_NUM)->num, 7);
    assert_null(jget(&v, "page"));
    check_doc_lines(&v, path, 3, 7);
    for (size_t i = 0; i < jget(&v, "lines")->n; i++) /* no q, no marks */
        assert_int_equal(jget_type(&jget(&v, "lines")->kids[i], "highlights", J_ARR)->n, 0);
    jv_free(&v);
    free(target);
    target = ts_strf("/api/doc?doc=%s&line=1&context=0", id);
    get_json(target, 200, &v);
    check_doc_lines(&v, path, 1, 1);
    size_t total = (size_t)jget_type(&v, "total_lines", J_NUM)->num;
    jv_free(&v);
    free(target);
    target = ts_strf("/api/doc?doc=%s&line=%zu&context=3", id, total);
    get_json(target, 200, &v);
    check_doc_lines(&v, path, total - 3, total);
    jv_free(&v);
    free(target);
    target = ts_strf("/api/doc?doc=%s&line=%zu", id, total + 1);
    expect_error(target, 400, "parameter line");
    free(target);
    target = ts_strf("/api/doc?doc=%s&line=1&page=1", id);
    expect_error(target, 400, "no pages");
    free(target);
    target = ts_strf("/api/doc?doc=%s&context=501", id);
    expect_error(target, 400, "parameter context");
    free(target);
    expect_error("/api/doc?line=1", 400, "missing parameter doc");
    free(id);
    free(path);
}

/* With q, every highlight of every line covers a match of the query. */
static void test_doc_marks_matches(void **state)
{
    char *id = sc_enc(g_hostile);
    char *target = ts_strf("/api/doc?doc=%s&line=3&context=5&q=zebrafish+OR+%%22an+image%%22", id);
    jv v;
    get_json(target, 200, &v);
    const jv *lines = jget_type(&v, "lines", J_ARR);
    size_t marks = 0;
    for (size_t i = 0; i < lines->n; i++) {
        const jv *l = &lines->kids[i];
        const char *text = jget_type(l, "text", J_STR)->s;
        const jv *hl = jget_type(l, "highlights", J_ARR);
        for (size_t h = 0; h < hl->n; h++, marks++) {
            size_t from = (size_t)hl->kids[h].kids[0].num, to = (size_t)hl->kids[h].kids[1].num;
            char *m = strndup(text + from, to - from);
            if (strcasecmp(m, "zebrafish") != 0 && strcasecmp(m, "an image") != 0)
                fail_msg("line %zu: marked '%s'", i + 1, m);
            free(m);
        }
    }
    assert_int_equal(marks, 3); /* zebrafish twice, the phrase once */
    jv_free(&v);
    free(target);
    target = ts_strf("/api/doc?doc=%s&q=%%22open", id);
    jv err;
    get_json(target, 400, &err);
    assert_int_equal((int)jget_type(&err, "column", J_NUM)->num, 1);
    jv_free(&err);
    free(target);
    free(id);
}

/* A PDF: lines are numbered within pages, as snippets and citations do. */
static void test_doc_paged(void **state)
{
    jv s;
    get_json("/api/search?q=collective+AND+path:paged.pdf&n=1&passages=1", 200, &s);
    const jv *snip = &jget_type(&jget_type(&s, "hits", J_ARR)->kids[0], "snippets", J_ARR)->kids[0];
    size_t page = (size_t)jget_type(snip, "page", J_NUM)->num, line = (size_t)jget_type(snip, "line", J_NUM)->num;
    size_t column = (size_t)jget_type(snip, "column", J_NUM)->num;
    const char *snippet_text = jget_type(snip, "text", J_STR)->s;
    char *id = sc_enc(g_pdf);
    char *target = ts_strf("/api/doc?doc=%s&page=%zu&line=%zu&context=0", id, page, line);
    jv d;
    get_json(target, 200, &d);
    assert_int_equal((size_t)jget_type(&d, "page", J_NUM)->num, page);
    assert_true(jget_type(&d, "pages", J_NUM)->num >= 2);
    const char *text = jget_type(&jget_type(&d, "lines", J_ARR)->kids[0], "text", J_STR)->s;
    size_t first_line_len = strcspn(snippet_text, "\n");
    assert_true(strlen(text) >= column - 1 + first_line_len);
    assert_memory_equal(text + column - 1, snippet_text, first_line_len); /* ASCII: bytes = chars */
    jv_free(&d);
    free(target);
    target = ts_strf("/api/doc?doc=%s&page=2&line=1&context=0", id);
    get_json(target, 200, &d);
    assert_int_equal((int)jget_type(&d, "first_line", J_NUM)->num, 1);
    assert_true(jget_type(&d, "total_lines", J_NUM)->num <= 12 + 2);
    jv_free(&d);
    free(target);
    target = ts_strf("/api/doc?doc=%s&page=99", id);
    expect_error(target, 400, "pages");
    free(target);
    free(id);
    jv_free(&s);
}

/* A PDF with printed page labels (tests/data/labels.pdf: i, ii, 1, 2): a
 * page of the document names its label next to its physical number, as
 * the search answer does for the passage on it. */
static void test_doc_page_label(void **state)
{
    (void)state;
    jv s;
    get_json("/api/search?q=zeppelin+AND+path:labels.pdf&n=1&passages=1", 200, &s);
    const jv *snip = &jget_type(&jget_type(&s, "hits", J_ARR)->kids[0], "snippets", J_ARR)->kids[0];
    assert_int_equal((int)jget_type(snip, "page", J_NUM)->num, 3);
    assert_string_equal(jget_type(snip, "page_label", J_STR)->s, "1");
    char *id = sc_enc(g_labels);
    static const char *const printed[] = {"i", "ii", "1", "2"};
    for (size_t page = 1; page <= 4; page++) {
        char *target = ts_strf("/api/doc?doc=%s&page=%zu&line=1&context=0", id, page);
        jv d;
        get_json(target, 200, &d);
        assert_int_equal((size_t)jget_type(&d, "page", J_NUM)->num, page);
        assert_string_equal(jget_type(&d, "page_label", J_STR)->s, printed[page - 1]);
        assert_int_equal((int)jget_type(&d, "pages", J_NUM)->num, 4);
        jv_free(&d);
        free(target);
    }
    free(id);
    jv_free(&s);
}

/* The first line (plain) or block (markdown) of a --cite output. */
static char *first_citation(const char *out, bool markdown)
{
    const char *end = markdown ? strstr(out, "\n\n") : strchr(out, '\n');
    return strndup(out, end ? (size_t)(end - out) : strlen(out));
}

static char *cite_target(const char *q, const char *format)
{
    jv s;
    char *eq = sc_enc(q);
    char *search = ts_strf("/api/search?q=%s&n=1", eq);
    get_json(search, 200, &s);
    const jv *hit = &jget_type(&s, "hits", J_ARR)->kids[0];
    const jv *snip = &jget_type(hit, "snippets", J_ARR)->kids[0];
    char *id = sc_enc(jget_type(hit, "path", J_STR)->s);
    char *target = ts_strf("/api/cite?doc=%s&start=%.0f&end=%.0f&q=%s&format=%s", id,
                           jget_type(snip, "start", J_NUM)->num, jget_type(snip, "end", J_NUM)->num, eq,
                           format);
    free(id);
    free(search);
    free(eq);
    jv_free(&s);
    return target;
}

/* A snippet's range and query give what --cite prints for it. */
static void test_cite_equals_cli(void **state)
{
    static const char *queries[] = {"deterrence", "\"collective defence\"", "zebrafish"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        for (int md = 0; md < 2; md++) {
            char *target = cite_target(queries[i], md ? "markdown" : "plain");
            jv v;
            get_json(target, 200, &v);
            char *out = NULL;
            run_bin(&out, NULL, SEARCHER_BIN, "--index", g_idx, "-n", "1", "--cite-format",
                    md ? "markdown" : "plain", "--", queries[i], (char *)NULL);
            char *want = first_citation(out, md);
            assert_string_equal(jget_type(&v, "citation", J_STR)->s, want);
            assert_string_equal(jget_type(&v, "format", J_STR)->s, md ? "markdown" : "plain");
            free(want);
            free(out);
            out = NULL;
            run_bin(&out, NULL, SEARCHER_BIN, "--index", g_idx, "-n", "1", "--cite-format", "json",
                    "--", queries[i], (char *)NULL);
            jv quote;
            assert_true(json_parse(out, strcspn(out, "\n"), &quote));
            assert_string_equal(jget_type(jget_type(&v, "quote", J_OBJ), "quote", J_STR)->s,
                                jget_type(&quote, "quote", J_STR)->s);
            assert_int_equal((int)jget_type(jget(&v, "quote"), "line", J_NUM)->num,
                             (int)jget_type(&quote, "line", J_NUM)->num);
            jv_free(&quote);
            free(out);
            jv_free(&v);
            free(target);
        }
    }
}

/* The reference-manager forms are formats of /api/cite too: the answer's
 * citation is the CLI's first BibTeX entry, or its first CSL-JSON item. */
static void test_cite_reference_formats(void **state)
{
    char *target = cite_target("zebrafish", "bibtex");
    jv v;
    get_json(target, 200, &v);
    char *out = NULL;
    run_bin(&out, NULL, SEARCHER_BIN, "--index", g_idx, "-n", "1", "--cite-format", "bibtex", "--",
            "zebrafish", (char *)NULL);
    const char *end = strstr(out, "}\n\n");
    assert_non_null(end);
    char *want = strndup(out, (size_t)(end + 1 - out));
    assert_string_equal(jget_type(&v, "citation", J_STR)->s, want);
    assert_string_equal(jget_type(&v, "format", J_STR)->s, "bibtex");
    free(want);
    free(out);
    jv_free(&v);
    free(target);
    target = cite_target("zebrafish", "csl-json");
    get_json(target, 200, &v);
    out = NULL;
    run_bin(&out, NULL, SEARCHER_BIN, "--index", g_idx, "-n", "1", "--cite-format", "csl-json", "--",
            "zebrafish", (char *)NULL);
    assert_true(strncmp(out, "[\n", 2) == 0);
    want = strndup(out + 2, strcspn(out + 2, "\n"));
    if (want[strlen(want) - 1] == ',')
        want[strlen(want) - 1] = '\0';
    assert_string_equal(jget_type(&v, "citation", J_STR)->s, want);
    free(want);
    free(out);
    jv_free(&v);
    free(target);
}

static void test_cite_errors(void **state)
{
    char *id = sc_enc(g_hostile);
    const char *cafe = strstr(HOSTILE, "Caf");
    size_t at = (size_t)(cafe - HOSTILE);
    struct {
        const char *params;
        int status;
        const char *says;
    } cases[] = {
        {"start=10&end=10", 400, "start < end"},
        {"start=10&end=100000", 400, "start < end"},
        {"start=0", 400, "missing parameter end"},
        {"start=0&end=20&format=html", 400, "parameter format"},
        {"start=x&end=20", 400, "parameter start"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *target = ts_strf("/api/cite?doc=%s&%s", id, cases[i].params);
        expect_error(target, cases[i].status, cases[i].says);
        free(target);
    }
    char *target = ts_strf("/api/cite?doc=%s&start=%zu&end=%zu", id, at + 4, at + 10); /* inside "é" */
    expect_error(target, 400, "character boundaries");
    free(target);
    target = ts_strf("/api/cite?doc=%s&start=%zu&end=%zu", id, at, at + 5);
    jv v;
    get_json(target, 200, &v);
    const char *citation = jget_type(&v, "citation", J_STR)->s;
    assert_non_null(strstr(citation, "Caf\xc3\xa9 soci\xc3\xa9t\xc3\xa9")); /* the whole sentence */
    assert_non_null(strstr(citation, "(Hostile markup sample, "));
    jv_free(&v);
    free(target);
    expect_error("/api/cite?doc=nowhere.txt&start=0&end=5", 404, "no document");
    free(id);
}

/* HTML in a document comes back as JSON strings, never as markup. */
static void test_document_full_of_html(void **state)
{
    jv v;
    get_json("/api/search?q=zebrafish&n=1&passages=3&width=400", 200, &v);
    const jv *snips = jget_type(&jget_type(&v, "hits", J_ARR)->kids[0], "snippets", J_ARR);
    bool script = false, img = false;
    for (size_t i = 0; i < snips->n; i++) {
        const char *t = jget_type(&snips->kids[i], "text", J_STR)->s;
        script = script || strstr(t, "<script>alert(1)</script>");
        img = img || strstr(t, "<img src=x onerror=alert(2)>");
    }
    assert_true(script);
    assert_true(img);
    jv_free(&v);
    char *id = sc_enc(g_hostile);
    char *target = ts_strf("/api/doc?doc=%s&line=4&context=0", id);
    sc_resp r;
    http_get(target, &r);
    assert_int_equal(r.status, 200);
    sc_expect_header(&r, "Content-Type", "application/json");
    sc_expect_header(&r, "X-Content-Type-Options", "nosniff");
    assert_true(json_parse(r.body, r.body_len, &v));
    assert_string_equal(jget_type(&jget_type(&v, "lines", J_ARR)->kids[0], "text", J_STR)->s,
                        "An image: <img src=x onerror=alert(2)> and a \"quote\" & an ampersand.");
    jv_free(&v);
    sc_resp_free(&r);
    free(target);
    free(id);
}

/* Nothing outside the index is ever served, however the path is spelled. */
static void test_path_traversal_in_the_url(void **state)
{
    static const char *targets[] = {
        "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
        "//etc/passwd", "/etc/passwd", "/app.js/../../../etc/passwd", "/api/../../../etc/passwd",
        "/api/search/../../../../etc/passwd", "/index.html%00.js", "/%00", "/healthz%00",
        "/./app.js", "/%2fetc%2fpasswd", "/.%2e/.%2e/etc/passwd", "/web/app.js", "/searcher/web/app.js",
        "/API/SEARCH?q=nato", "/api/search/?q=nato", "/api/doc/../../etc/passwd?doc=x",
        "http://127.0.0.1/etc/passwd", "/proc/self/environ", "/app.js%3f", "/favicon.ico"};
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        sc_resp r;
        http_get(targets[i], &r);
        if (r.status != 404 && r.status != 400)
            fail_msg("GET %s answered %d", targets[i], r.status);
        assert_null(strstr(r.body, "root:"));
        assert_null(strstr(r.body, "PATH="));
        jv v;
        if (r.status == 404) {
            assert_true(json_parse(r.body, r.body_len, &v));
            jv_free(&v);
        }
        sc_resp_free(&r);
    }
}

static void test_path_traversal_in_parameters(void **state)
{
    char *secret = ts_write_file(g_tmp, "secret.txt", "TOPSECRET-7731\n", 15);
    char *outside = sc_enc(secret);
    char *inside = sc_enc(g_hostile);
    char *dotted = ts_strf("%s/../docs/hostile.txt", g_docs); /* the same file, another spelling */
    char *dotted_id = sc_enc(dotted);
    const char *ids[] = {"..%2F..%2F..%2F..%2Fetc%2Fpasswd", "../../../../etc/passwd",
                         "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2Fetc%2Fpasswd", "/etc/passwd",
                         outside, dotted_id, "hostile.txt", "docs/hostile.txt", "%2E"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        for (int route = 0; route < 2; route++) {
            char *target = route ? ts_strf("/api/cite?doc=%s&start=0&end=5", ids[i])
                                 : ts_strf("/api/doc?doc=%s", ids[i]);
            sc_resp r;
            http_get(target, &r);
            if (r.status != 404)
                fail_msg("GET %s answered %d: %.200s", target, r.status, r.body);
            assert_null(strstr(r.body, "TOPSECRET"));
            assert_null(strstr(r.body, "root:"));
            sc_resp_free(&r);
            free(target);
        }
    }
    char *nul_targets[] = {ts_strf("/api/doc?doc=%s%%00", inside),
                           ts_strf("/api/doc?doc=%s%%00/../../etc/passwd", inside),
                           ts_strf("/api/search?q=nato%%00../../etc/passwd"),
                           ts_strf("/api/cite?doc=%s&start=0&end=5&q=%%00", inside),
                           ts_strf("/api/doc?doc=%s&line=..%%2F..%%2Fetc", inside)};
    for (size_t i = 0; i < sizeof nul_targets / sizeof *nul_targets; i++) {
        expect_error(nul_targets[i], 400, "parameter");
        free(nul_targets[i]);
    }
    jv v; /* a query that looks like a path is only a query */
    get_json("/api/search?q=..%2F..%2Fetc%2Fpasswd", 200, &v);
    jv_free(&v);
    free(dotted_id);
    free(dotted);
    free(inside);
    free(outside);
    free(secret);
}

static void test_methods(void **state)
{
    static const char *methods[] = {"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"};
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
        sc_resp r;
        http_req(methods[i], "/api/search?q=nato", "Content-Length: 0\r\n", &r);
        assert_int_equal(r.status, 405);
        sc_expect_header(&r, "Allow", "GET, HEAD");
        assert_non_null(strstr(r.body, "\"status\":405"));
        sc_resp_free(&r);
    }
    sc_resp r;
    http_req("HEAD", "/healthz", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, 0);
    sc_expect_header(&r, "Content-Type", "application/json");
    sc_resp_free(&r);
    http_req("GET", "/api/search?q=nato", "Content-Length: 5\r\n", &r);
    /* the body is not sent: the server must answer from the headers alone */
    assert_int_equal(r.status, 413);
    sc_resp_free(&r);
}

static void test_limits(void **state)
{
    char long_q[2001];
    memset(long_q, 'a', sizeof long_q - 1);
    long_q[sizeof long_q - 1] = '\0';
    char *target = ts_strf("/api/search?q=%s", long_q);
    expect_error(target, 413, "parameter q is too long");
    free(target);
    char *long_doc = calloc(1, 5001);
    memset(long_doc, 'd', 5000);
    target = ts_strf("/api/doc?doc=%s", long_doc);
    expect_error(target, 413, "parameter doc is too long");
    free(target);
    char *huge = calloc(1, 9001);
    memset(huge, 'z', 9000);
    target = ts_strf("/api/search?q=%s", huge);
    expect_error(target, 414, "request target too long");
    free(target);
    char *giant = calloc(1, 200001); /* past libmicrohttpd's buffer: it answers itself */
    memset(giant, 'g', 200000);
    target = ts_strf("/api/search?q=%s", giant);
    sc_resp r;
    http_get(target, &r);
    assert_true(r.status >= 400 && r.status < 500);
    sc_resp_free(&r);
    free(target);
    jv v; /* still serving */
    get_json("/healthz", 200, &v);
    jv_free(&v);
    free(giant);
    free(huge);
    free(long_doc);
}

/* DNS rebinding: on loopback, only loopback names in Host. */
static void test_host_header(void **state)
{
    static const struct {
        const char *host;
        int status;
    } cases[] = {{"evil.example", 403}, {"evil.example:80", 403}, {"127.0.0.1.nip.io", 403},
                 {"localhost.evil.example", 403}, {"10.0.0.1", 403},
                 {"localhost", 200},  {"LOCALHOST:1", 200}, {"127.0.0.1", 200}, {"127.1.2.3:9", 200},
                 {"[::1]:8080", 200}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *req = ts_strf("GET /healthz HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
                            cases[i].host);
        sc_resp r;
        sc_send(&g_srv, req, strlen(req), &r);
        if (r.status != cases[i].status)
            fail_msg("Host: %s answered %d", cases[i].host, r.status);
        sc_resp_free(&r);
        free(req);
    }
}

/* The page is embedded, strict about where it loads from, and its script
 * never hands text to an HTML parser. */
static void test_page_assets(void **state)
{
    static const struct {
        const char *path, *type, *contains;
    } assets[] = {{"/", "text/html", "<title>"},
                  {"/index.html", "text/html", "id=\"q\""},
                  {"/app.js", "text/javascript", "textContent"},
                  {"/app.css", "text/css", "focus-visible"},
                  {"/favicon.svg", "image/svg+xml", "<svg"}};
    for (size_t i = 0; i < sizeof assets / sizeof *assets; i++) {
        sc_resp r;
        http_get(assets[i].path, &r);
        assert_int_equal(r.status, 200);
        sc_expect_header(&r, "Content-Type", assets[i].type);
        sc_expect_header(&r, "Content-Security-Policy", "default-src 'self'");
        sc_expect_header(&r, "X-Content-Type-Options", "nosniff");
        assert_non_null(strstr(r.body, assets[i].contains));
        if (strcmp(assets[i].path, "/app.js") == 0) {
            static const char *sinks[] = {"innerHTML", "outerHTML", "insertAdjacentHTML",
                                          "document.write", "eval(", "new Function"};
            for (size_t s = 0; s < sizeof sinks / sizeof *sinks; s++)
                if (strstr(r.body, sinks[s]))
                    fail_msg("app.js uses %s", sinks[s]);
        }
        if (assets[i].type[5] == 'h') /* no resource from another host */
            assert_null(strstr(r.body, "http"));
        sc_resp_free(&r);
    }
}

/* ---- reload ---- */

typedef struct hammer {
    int requests, failures;
    volatile int *stop;
} hammer;

static void *hammer_run(void *arg)
{
    hammer *h = arg;
    static const char *targets[] = {"/api/search?q=nato+OR+defence&n=5", "/api/search?q=zebrafish",
                                    "/healthz", "/api/search?q=%22collective+defence%22"};
    for (int i = 0; !*h->stop; i++) {
        sc_resp r;
        http_get(targets[i % 4], &r);
        jv v;
        bool ok = r.status == 200 && json_parse(r.body, r.body_len, &v);
        if (ok)
            jv_free(&v);
        h->failures += !ok;
        h->requests++;
        sc_resp_free(&r);
    }
    return NULL;
}

static double total_of(const char *target)
{
    jv v;
    get_json(target, 200, &v);
    double total = jget_type(&v, "total", J_NUM)->num;
    jv_free(&v);
    return total;
}

/* The total of target once it is want, polling for up to 5 s: a request
 * that arrives while another is swapping in the new commit is served by
 * the old snapshot (README, "Snapshots and reloads": no request waits for
 * a reload), so under the hammer threads the first one after a commit may
 * not see it yet; one shortly after must. */
static double total_soon(const char *target, double want)
{
    double total = total_of(target);
    for (int i = 0; i < 100 && total != want; i++) {
        usleep(50 * 1000);
        total = total_of(target);
    }
    return total;
}

static double health_field(const char *name)
{
    jv v;
    get_json("/healthz", 200, &v);
    double x = jget_type(&v, name, J_NUM)->num;
    jv_free(&v);
    return x;
}

/* Commits are picked up without a restart, while requests keep coming. */
static void test_reindex_picked_up(void **state)
{
    double gen = health_field("generation");
    assert_int_equal((int)total_of("/api/search?q=quokkaword"), 0);
    volatile int stop = 0;
    hammer hs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        hs[i] = (hammer){0, 0, &stop};
        pthread_create(&th[i], NULL, hammer_run, &hs[i]);
    }
    for (int round = 0; round < 3; round++) {
        char name[32], text[96];
        snprintf(name, sizeof name, "new-%d.txt", round);
        snprintf(text, sizeof text, "Newcomer %d\n\nA quokkaword appears in round %d.\n", round, round);
        free(ts_write_file(g_docs, name, text, strlen(text)));
        run_indexer(g_idx, NULL);
        assert_int_equal((int)total_soon("/api/search?q=quokkaword", round + 1), round + 1);
    }
    stop = 1;
    int requests = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(hs[i].failures, 0);
        requests += hs[i].requests;
    }
    assert_true(requests > 0);
    assert_true(health_field("generation") >= gen + 3);
    char *doc = ts_strf("%s/new-2.txt", g_docs);
    char *id = sc_enc(doc);
    char *target = ts_strf("/api/doc?doc=%s&line=3&q=quokkaword", id);
    jv v;
    get_json(target, 200, &v); /* a new document can be opened at once */
    jv_free(&v);
    char *err = NULL;
    assert_int_equal(run_bin(NULL, &err, INDEXER_BIN, "--index", g_idx, "--remove", doc, (char *)NULL), 0);
    expect_error(target, 404, "no document");
    assert_int_equal((int)total_of("/api/search?q=quokkaword"), 2);
    free(err);
    free(target);
    free(id);
    free(doc);
}

/* ---- the command line ---- */

static int busy_port(int *fd)
{
    *fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(*fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(*fd, 1) != 0 ||
        getsockname(*fd, (struct sockaddr *)&a, &len) != 0)
        return -1;
    return ntohs(a.sin_port);
}

static void expect_cli_error(const char *args, const char *says)
{
    char *err = NULL;
    char *cmd = ts_strf("timeout 60 '%s' %s", SEARCHER_BIN, args);
    int rc = ts_run(cmd, NULL, &err);
    if (rc != 2 || !strstr(err, says))
        fail_msg("%s: exit %d, stderr: %s (want '%s')", args, rc, err, says);
    free(err);
    free(cmd);
}

static void test_command_line(void **state)
{
    char *a = ts_strf("--serve --index '%s' nato", g_idx);
    expect_cli_error(a, "--serve takes no query");
    free(a);
    expect_cli_error("--listen 127.0.0.1:0 nato", "--listen goes with --serve");
    a = ts_strf("--serve --index '%s' --listen nonsense", g_idx);
    expect_cli_error(a, "HOST:PORT");
    free(a);
    a = ts_strf("--serve --index '%s' --listen 127.0.0.1:70000", g_idx);
    expect_cli_error(a, "not a port number");
    free(a);
    a = ts_strf("--serve --index '%s/nothing-here'", g_tmp);
    expect_cli_error(a, "build one first");
    free(a);
    int fd;
    int port = busy_port(&fd);
    assert_true(port > 0);
    a = ts_strf("--serve --index '%s' --listen 127.0.0.1:%d", g_idx, port);
    expect_cli_error(a, "Address already in use");
    free(a);
    close(fd);
}

/* SIGINT and SIGTERM stop the server cleanly (exit 0). */
static void test_graceful_stop(void **state)
{
    sc_server s = {0};
    server_start(&s, g_idx);
    sc_server saved = g_srv;
    g_srv = s;
    jv v;
    get_json("/api/search?q=nato", 200, &v);
    jv_free(&v);
    g_srv = saved;
    kill(s.pid, SIGINT);
    int status;
    assert_int_equal(waitpid(s.pid, &status, 0), s.pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    char *err = ts_read_file(s.err_path, NULL);
    assert_non_null(strstr(err, "stopped"));
    assert_true(sc_sanitizer_clean(&s));
    free(err);
    free(s.err_path);
}

/* The Xapian backend answers the same API (one request at a time). */
static void test_xapian_backend(void **state)
{
    char *xidx = ts_strf("%s/xapian-index", g_tmp);
    run_indexer(xidx, "xapian");
    sc_server s = {0};
    server_start(&s, xidx);
    sc_server saved = g_srv;
    g_srv = s;
    sc_resp r;
    http_get("/api/search?q=deterrence&n=3", &r);
    char *want = cli(xidx, "--json", "-n", "3", "deterrence");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, want);
    sc_resp_free(&r);
    free(want);
    char *target = cite_target("zebrafish", "plain");
    jv v;
    get_json(target, 200, &v);
    assert_non_null(strstr(jget_type(&v, "citation", J_STR)->s, "zebrafish"));
    jv_free(&v);
    free(target);
    free(ts_write_file(g_docs, "xapian-new.txt", "Late\n\nA wombatword arrives.\n", 28));
    run_indexer(xidx, "xapian");
    assert_int_equal((int)total_of("/api/search?q=wombatword"), 1);
    g_srv = saved;
    assert_int_equal(sc_stop(&s), 0);
    free(s.err_path);
    free(xidx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthz_and_headers),
        cmocka_unit_test(test_search_equals_cli_json),
        cmocka_unit_test(test_search_suggestion),
        cmocka_unit_test(test_search_parameters),
        cmocka_unit_test(test_malformed_queries),
        cmocka_unit_test(test_doc_around_a_line),
        cmocka_unit_test(test_doc_marks_matches),
        cmocka_unit_test(test_doc_paged),
        cmocka_unit_test(test_doc_page_label),
        cmocka_unit_test(test_cite_equals_cli),
        cmocka_unit_test(test_cite_reference_formats),
        cmocka_unit_test(test_cite_errors),
        cmocka_unit_test(test_document_full_of_html),
        cmocka_unit_test(test_path_traversal_in_the_url),
        cmocka_unit_test(test_path_traversal_in_parameters),
        cmocka_unit_test(test_methods),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_host_header),
        cmocka_unit_test(test_page_assets),
        cmocka_unit_test(test_command_line),
        cmocka_unit_test(test_graceful_stop),
        cmocka_unit_test(test_reindex_picked_up),
        cmocka_unit_test(test_xapian_backend),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
