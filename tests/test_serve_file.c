/*
 * test_serve_file.c - GET /api/file of `searcher --serve`: an indexed
 * document's original file (searcher/api_file.c, original_type.c,
 * http_range.c).
 *
 * The group setup indexes a folder of this test's own files - text in
 * UTF-8 and in Windows-1252, Markdown, HTML with a script, HTML declaring
 * another charset, a PDF, the same PDF named report.txt, a file whose name
 * needs quoting, and one the tests change and delete - and starts the
 * server on a free loopback port.  The tests check that each file comes
 * back byte for byte with the type of its indexed format, with the headers
 * every answer has plus its own (disposition, sandbox, ranges), and that
 * nothing but an indexed, unchanged file is ever served.
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

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_reader.h"
#include "serve_client.h"
#include "support.h"
#include "support_run.h"

static char *g_tmp, *g_docs, *g_idx;
static sc_server g_srv;

static const char PLAIN[] = "Plain notes\n\nA caf\xc3\xa9 with a wombat.\n";
static const char CP1252[] = "Latin notes\n\nA caf\xe9 and a na\xefve numbat.\n";
static const char MARKDOWN[] = "# Markdown notes\n\nThe *quoll* section.\n";
static const char HOSTILE_HTML[] =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Hostile page</title></head>"
    "<body><p>A bilby.</p><script>fetch('/api/search?q=x');document.title='ran'</script>"
    "<img src=x onerror=\"document.title='ran'\"></body></html>\n";
static const char LATIN2_HTML[] =
    "<!doctype html><html><head><meta charset=\"iso-8859-2\"><title>Czech page</title></head>"
    "<body><p>\xe8" "esk\xfd potoroo.</p></body></html>\n";
static const char ODD_NAME[] = "we\"ird\\name \xc3\xa9.txt";

/* ================= setup ================= */

static char *doc_path(const char *name)
{
    return ts_strf("%s/%s", g_docs, name);
}

static void run_indexer(const char *idx, const char *backend)
{
    char *err = NULL;
    int rc = ts_runf(NULL, &err, "'%s' --backend %s --index '%s' '%s'", INDEXER_BIN, backend, idx,
                     g_docs);
    if (rc != 0)
        fail_msg("indexer failed (%d): %s", rc, err);
    free(err);
}

static int setup(void **state)
{
    g_tmp = ts_mkdtemp();
    g_docs = ts_strf("%s/docs", g_tmp);
    g_idx = ts_strf("%s/index", g_tmp);
    free(ts_write_file(g_docs, "plain.txt", PLAIN, sizeof PLAIN - 1));
    free(ts_write_file(g_docs, "latin.txt", CP1252, sizeof CP1252 - 1));
    free(ts_write_file(g_docs, "notes.md", MARKDOWN, sizeof MARKDOWN - 1));
    free(ts_write_file(g_docs, "hostile.html", HOSTILE_HTML, sizeof HOSTILE_HTML - 1));
    free(ts_write_file(g_docs, "czech.html", LATIN2_HTML, sizeof LATIN2_HTML - 1));
    free(ts_write_file(g_docs, ODD_NAME, PLAIN, sizeof PLAIN - 1));
    free(ts_write_file(g_docs, "changing.txt", PLAIN, sizeof PLAIN - 1));
    size_t pdf_len = 0;
    char *pdf = ts_read_file(TEST_DATA_DIR "/labels.pdf", &pdf_len);
    assert_non_null(pdf);
    free(ts_write_file(g_docs, "labels.pdf", pdf, pdf_len));
    free(ts_write_file(g_docs, "report.txt", pdf, pdf_len)); /* a PDF, whatever its name says */
    free(pdf);
    run_indexer(g_idx, "native");
    sc_start(&g_srv, g_idx, g_tmp);
    return 0;
}

static int teardown(void **state)
{
    int rc = sc_stop(&g_srv);
    if (rc != 0)
        fprintf(stderr, "test_serve_file: the server did not stop cleanly\n");
    ts_rmtree(g_tmp);
    free(g_srv.err_path);
    free(g_tmp);
    free(g_docs);
    free(g_idx);
    return rc;
}

/* ================= helpers ================= */

/* GET (or another method) /api/file?doc=<path of name>, with extra headers. */
static void get_file(const sc_server *s, const char *method, const char *name, const char *extra,
                     sc_resp *r)
{
    char *path = doc_path(name);
    char *id = sc_enc(path);
    char *target = ts_strf("/api/file?doc=%s", id);
    sc_request(s, method, target, extra, r);
    free(target);
    free(id);
    free(path);
}

/* The answer is the whole file, byte for byte. */
static void expect_whole_file(const sc_resp *r, const char *name)
{
    char *path = doc_path(name);
    size_t len = 0;
    char *want = ts_read_file(path, &len);
    assert_non_null(want);
    if (r->status != 200)
        fail_msg("%s: want 200, got %d: %.300s", name, r->status, r->body);
    assert_int_equal(r->body_len, len);
    assert_memory_equal(r->body, want, len);
    char *length = ts_strf("%zu", len);
    sc_expect_header(r, "Content-Length", length);
    free(length);
    free(want);
    free(path);
}

/* A JSON error with this status whose message holds part. */
static void expect_error(const sc_resp *r, int status, const char *part)
{
    if (r->status != status)
        fail_msg("want %d, got %d: %.300s", status, r->status, r->body);
    sc_expect_header(r, "Content-Type", "application/json");
    jv v;
    if (!json_parse(r->body, r->body_len, &v))
        fail_msg("not JSON: %.300s", r->body);
    assert_int_equal((int)jget_type(&v, "status", J_NUM)->num, status);
    const char *msg = jget_type(&v, "error", J_STR)->s;
    if (part && !strstr(msg, part))
        fail_msg("error '%s' does not mention '%s'", msg, part);
    jv_free(&v);
}

/* ================= tests ================= */

/* Each format's type comes from the indexed format (report.txt is a PDF),
 * with the charset its reader found. */
static void test_types_and_bytes(void **state)
{
    static const struct {
        const char *name, *type;
    } cases[] = {{"plain.txt", "text/plain; charset=utf-8"},
                 {"latin.txt", "text/plain; charset=windows-1252"},
                 {"notes.md", "text/markdown; charset=utf-8"},
                 {"hostile.html", "text/html; charset=utf-8"},
                 {"czech.html", "text/html"},
                 {"labels.pdf", "application/pdf"},
                 {"report.txt", "application/pdf"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sc_resp r;
        get_file(&g_srv, "GET", cases[i].name, NULL, &r);
        expect_whole_file(&r, cases[i].name);
        char *type = sc_header(&r, "Content-Type");
        if (!type || strcmp(type, cases[i].type) != 0)
            fail_msg("%s: Content-Type '%s', want '%s'", cases[i].name, type ? type : "", cases[i].type);
        free(type);
        sc_expect_header(&r, "Accept-Ranges", "bytes");
        sc_resp_free(&r);
    }
}

/* The headers every answer has, and the sandbox: everything but a PDF is
 * served in an opaque origin with nothing to load. */
static void test_security_headers(void **state)
{
    static const struct {
        const char *name;
        bool sandbox;
    } cases[] = {{"hostile.html", true}, {"plain.txt", true}, {"notes.md", true}, {"labels.pdf", false}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sc_resp r;
        get_file(&g_srv, "GET", cases[i].name, "Origin: http://evil.example\r\n", &r);
        assert_int_equal(r.status, 200);
        sc_expect_header(&r, "X-Content-Type-Options", "nosniff");
        sc_expect_header(&r, "Referrer-Policy", "no-referrer");
        sc_expect_header(&r, "X-Frame-Options", "DENY");
        sc_expect_header(&r, "Cross-Origin-Resource-Policy", "same-origin");
        sc_expect_header(&r, "Cache-Control", "no-store");
        sc_expect_header(&r, "Content-Security-Policy", "frame-ancestors 'none'");
        char *csp = sc_header(&r, "Content-Security-Policy");
        assert_int_equal(strncmp(csp, "sandbox;", 8) == 0, cases[i].sandbox);
        if (cases[i].sandbox)
            assert_non_null(strstr(csp, "default-src 'none'"));
        free(csp);
        for (const char *line = strstr(r.head, "\r\n"); line; line = strstr(line + 2, "\r\n"))
            assert_int_not_equal(strncasecmp(line + 2, "Access-Control-", 15), 0); /* CORS off */
        sc_resp_free(&r);
    }
}

/* inline, the name quoted safely, and exactly in the starred form. */
static void test_disposition(void **state)
{
    sc_resp r;
    get_file(&g_srv, "GET", "labels.pdf", NULL, &r);
    char *d = sc_header(&r, "Content-Disposition");
    assert_string_equal(d, "inline; filename=\"labels.pdf\"; filename*=UTF-8''labels.pdf");
    free(d);
    sc_resp_free(&r);
    get_file(&g_srv, "GET", ODD_NAME, NULL, &r);
    expect_whole_file(&r, ODD_NAME);
    d = sc_header(&r, "Content-Disposition");
    assert_string_equal(d, "inline; filename=\"we_ird_name __.txt\"; "
                           "filename*=UTF-8''we%22ird%5Cname%20%C3%A9.txt");
    free(d);
    sc_resp_free(&r);
}

/* One range of bytes; anything else the whole file or 416. */
static void test_ranges(void **state)
{
    size_t len = 0;
    char *path = doc_path("labels.pdf");
    char *want = ts_read_file(path, &len);
    static const struct {
        const char *range;
        long from, to; /* -1: the whole file */
    } cases[] = {{"bytes=0-9", 0, 9}, {"bytes=10-", 10, -2}, {"bytes=-5", -5, -2},
                 {"bytes=0-99999999", 0, -2}, {"BYTES = 3-4", -1, -1}, {"bytes=3-4", 3, 4},
                 {"bytes=0-1,3-4", -1, -1}, {"bytes=5-2", -1, -1}, {"items=0-5", -1, -1},
                 {"bytes=x-5", -1, -1}, {"bytes=99999999999999999999-", -1, -1}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *extra = ts_strf("Range: %s\r\n", cases[i].range);
        sc_resp r;
        get_file(&g_srv, "GET", "labels.pdf", extra, &r);
        if (cases[i].from == -1) {
            expect_whole_file(&r, "labels.pdf");
        } else {
            long from = cases[i].from < 0 ? (long)len + cases[i].from : cases[i].from;
            long to = cases[i].to == -2 ? (long)len - 1 : cases[i].to;
            if (r.status != 206)
                fail_msg("Range %s: want 206, got %d", cases[i].range, r.status);
            char *cr = ts_strf("bytes %ld-%ld/%zu", from, to, len);
            char *got = sc_header(&r, "Content-Range");
            assert_string_equal(got, cr);
            assert_int_equal(r.body_len, (size_t)(to - from + 1));
            assert_memory_equal(r.body, want + from, r.body_len);
            free(got);
            free(cr);
        }
        sc_resp_free(&r);
        free(extra);
    }
    char *past = ts_strf("Range: bytes=%zu-\r\n", len);
    sc_resp r;
    get_file(&g_srv, "GET", "labels.pdf", past, &r);
    expect_error(&r, 416, "outside the file");
    char *cr = ts_strf("bytes */%zu", len);
    sc_expect_header(&r, "Content-Range", cr);
    sc_resp_free(&r);
    get_file(&g_srv, "GET", "labels.pdf", "Range: bytes=0-9\r\nIf-Range: \"x\"\r\n", &r);
    expect_whole_file(&r, "labels.pdf"); /* no validator matches */
    sc_resp_free(&r);
    free(cr);
    free(past);
    free(want);
    free(path);
}

static void test_head(void **state)
{
    size_t len = 0;
    char *path = doc_path("labels.pdf");
    free(ts_read_file(path, &len));
    sc_resp r;
    get_file(&g_srv, "HEAD", "labels.pdf", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, 0);
    char *length = ts_strf("%zu", len);
    sc_expect_header(&r, "Content-Length", length);
    sc_expect_header(&r, "Content-Type", "application/pdf");
    sc_resp_free(&r);
    free(length);
    free(path);
}

/* Only an indexed path, spelled exactly, is ever opened. */
static void test_path_traversal(void **state)
{
    char *secret = ts_write_file(g_tmp, "secret.txt", "TOPSECRET-7731\n", 15);
    char *outside = sc_enc(secret);
    char *dotted_path = ts_strf("%s/../docs/plain.txt", g_docs);
    char *dotted = sc_enc(dotted_path);
    char *plain_path = doc_path("plain.txt");
    char *slashes = ts_strf("%s", plain_path); /* %2F spelled in both cases */
    char *mixed = sc_enc(slashes);
    for (char *p = mixed; (p = strstr(p, "%2F")); p += 3)
        p[2] = 'f';
    const char *ids[] = {"..%2F..%2F..%2F..%2Fetc%2Fpasswd", "../../../../etc/passwd",
                         "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2Fetc%2Fpasswd", "/etc/passwd",
                         "-1", "0", "1", "99999999999999999999999999", "plain.txt", "docs/plain.txt",
                         "%2E", "", "%252Fetc%252Fpasswd", "/proc/self/environ", outside, dotted};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        char *target = ts_strf("/api/file?doc=%s", ids[i]);
        sc_resp r;
        sc_request(&g_srv, "GET", target, NULL, &r);
        if (r.status != 404)
            fail_msg("GET %s answered %d: %.200s", target, r.status, r.body);
        expect_error(&r, 404, "no document");
        assert_null(strstr(r.body, "TOPSECRET"));
        assert_null(strstr(r.body, "root:"));
        sc_resp_free(&r);
        free(target);
    }
    static const char *bad[] = {"/api/file", "/api/file?doc=%00", "/api/file?docs=x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sc_resp r;
        sc_request(&g_srv, "GET", bad[i], NULL, &r);
        expect_error(&r, 400, "parameter");
        sc_resp_free(&r);
    }
    char *nul = ts_strf("/api/file?doc=%s%%00/../../etc/passwd", mixed);
    static const char *url_paths[] = {"/api/file/../../../etc/passwd?doc=x", "/api/file%2f..%2fetc",
                                      "/api/file/?doc=x", "/API/FILE?doc=x"};
    sc_resp r;
    sc_request(&g_srv, "GET", nul, NULL, &r);
    expect_error(&r, 400, "NUL");
    sc_resp_free(&r);
    for (size_t i = 0; i < sizeof url_paths / sizeof *url_paths; i++) {
        sc_request(&g_srv, "GET", url_paths[i], NULL, &r);
        if (r.status != 404 && r.status != 400)
            fail_msg("GET %s answered %d", url_paths[i], r.status);
        sc_resp_free(&r);
    }
    char *target = ts_strf("/api/file?doc=%s", mixed); /* %2f decodes like %2F: the real path */
    sc_request(&g_srv, "GET", target, NULL, &r);
    expect_whole_file(&r, "plain.txt");
    sc_resp_free(&r);
    free(target);
    char *long_doc = calloc(1, 5001);
    memset(long_doc, 'd', 5000);
    target = ts_strf("/api/file?doc=%s", long_doc);
    sc_request(&g_srv, "GET", target, NULL, &r);
    expect_error(&r, 413, "parameter doc is too long");
    sc_resp_free(&r);
    free(target);
    free(long_doc);
    free(nul);
    free(mixed);
    free(slashes);
    free(plain_path);
    free(dotted);
    free(dotted_path);
    free(outside);
    free(secret);
}

static void set_mtime(const char *path, const struct timespec *t)
{
    struct timespec times[2] = {*t, *t};
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

/* A file that changed, vanished or is no longer a regular file is 410,
 * never its new bytes; put back as indexed, it is served again. */
static void test_changed_or_gone(void **state)
{
    char *path = doc_path("changing.txt");
    char *moved = ts_strf("%s/moved.txt", g_tmp);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    struct timespec later = st.st_mtim;
    later.tv_sec += 10;
    sc_resp r;
    set_mtime(path, &later); /* touched */
    get_file(&g_srv, "GET", "changing.txt", NULL, &r);
    expect_error(&r, 410, "changed since it was indexed");
    sc_resp_free(&r);
    set_mtime(path, &st.st_mtim);
    get_file(&g_srv, "GET", "changing.txt", NULL, &r);
    expect_whole_file(&r, "changing.txt");
    sc_resp_free(&r);
    FILE *f = fopen(path, "a"); /* grown, with the old time put back */
    fputs("more\n", f);
    fclose(f);
    set_mtime(path, &st.st_mtim);
    get_file(&g_srv, "GET", "changing.txt", NULL, &r);
    expect_error(&r, 410, "bytes then");
    sc_resp_free(&r);
    assert_int_equal(truncate(path, st.st_size), 0);
    set_mtime(path, &st.st_mtim);
    assert_int_equal(rename(path, moved), 0); /* gone */
    get_file(&g_srv, "GET", "changing.txt", NULL, &r);
    expect_error(&r, 410, "no longer there");
    sc_resp_free(&r);
    assert_int_equal(mkfifo(path, 0600), 0); /* a FIFO in its place must not hang the server */
    get_file(&g_srv, "GET", "changing.txt", NULL, &r);
    expect_error(&r, 410, "no longer a regular file");
    sc_resp_free(&r);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0700), 0);
    get_file(&g_srv, "GET", "changing.txt", NULL, &r);
    expect_error(&r, 410, "no longer a regular file");
    sc_resp_free(&r);
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(rename(moved, path), 0); /* back, unchanged */
    get_file(&g_srv, "GET", "changing.txt", NULL, &r);
    expect_whole_file(&r, "changing.txt");
    sc_resp_free(&r);
    free(moved);
    free(path);
}

/* The Xapian backend records size and time too: the same answers. */
static void test_xapian_backend(void **state)
{
    char *xidx = ts_strf("%s/xapian-index", g_tmp);
    run_indexer(xidx, "xapian");
    sc_server s = {0};
    sc_start(&s, xidx, g_tmp);
    sc_resp r;
    get_file(&s, "GET", "report.txt", NULL, &r);
    expect_whole_file(&r, "report.txt");
    sc_expect_header(&r, "Content-Type", "application/pdf");
    sc_resp_free(&r);
    get_file(&s, "GET", "latin.txt", "Range: bytes=0-4\r\n", &r);
    assert_int_equal(r.status, 206);
    assert_string_equal(r.body, "Latin");
    sc_expect_header(&r, "Content-Type", "text/plain; charset=windows-1252");
    sc_resp_free(&r);
    sc_request(&s, "GET", "/api/file?doc=%2Fetc%2Fpasswd", NULL, &r);
    expect_error(&r, 404, "no document");
    sc_resp_free(&r);
    assert_int_equal(sc_stop(&s), 0);
    free(s.err_path);
    free(xidx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types_and_bytes),
        cmocka_unit_test(test_security_headers),
        cmocka_unit_test(test_disposition),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_head),
        cmocka_unit_test(test_path_traversal),
        cmocka_unit_test(test_changed_or_gone),
        cmocka_unit_test(test_xapian_backend),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
