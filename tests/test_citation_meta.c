/*
 * test_citation_meta.c - author and date from the source to the citation,
 * and the reference-manager forms, on both backends.
 *
 * A shelf made here (in a folder whose name has a space, so URLs need
 * percent-encoding): an HTML page with citation_author/citation date
 * <meta> tags and LaTeX specials in its title, a Markdown file with
 * front matter (an author list and a spelled-out date), a plain text file
 * with neither, and tests/data/labels.pdf (printed page labels).  Checked
 * on the native and the Xapian backend:
 *   - indexer --list ends each line with the author and date columns;
 *   - search JSON hits carry "author" and "date" only when known;
 *   - --cite plain and markdown put Author, Title, Date before the path;
 *     the JSON citation carries "author" and "date";
 *   - --cite-format csl-json parses as a JSON array of items with id, type
 *     (webpage, document, report), title, author (family/given or
 *     literal), issued date-parts, a file: URL and the quotation in note,
 *     and the PDF's page as printed;
 *   - --cite-format bibtex: @online/@misc/@report entries with a stable
 *     key, balanced braces, LaTeX specials escaped, year, month, url,
 *     pages; bibtex itself reads them without an error when installed;
 *   - /api/cite is table-driven, so the formats appear in --help;
 * that a merge keeps author and date; and the Xapian document blob of the previous version ("SXD3") is refused
 * as an older version, not as damage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend/xapian/xapdoc.h"
#include "json_reader.h"
#include "support.h"
#include "support_run.h"
#include "util/error.h"

#define LABELS_PDF TEST_DATA_DIR "/labels.pdf"

static char *g_src;

static const char page_html[] =
    "<!DOCTYPE html><html><head><title>Blue carbon & #1 {brief} 100%</title>\n"
    "<meta name=\"citation_author\" content=\"Lovelace, Ada\">\n"
    "<meta name=\"citation_author\" content=\"Charles Babbage\">\n"
    "<meta name=\"citation_publication_date\" content=\"2023/05/14\">\n"
    "</head><body><h1>Mangroves</h1>\n"
    "<p>Mangrove forests keep kelpwrack carbon in their soils for centuries.</p>\n"
    "</body></html>\n";

static const char notes_md[] = "---\n"
                               "title: Field notes\n"
                               "author:\n"
                               "  - Grace Hopper\n"
                               "  - \"Turing, Alan\"\n"
                               "date: May 14, 2022\n"
                               "---\n"
                               "# Tides\n"
                               "\n"
                               "The tide carries driftmoss out to sea.\n";

static const char plain_txt[] = "Loose leaves\n\nA sheet that names no author mentions gravelbed.\n";

static char *search(const char *idx, const char *options, const char *query)
{
    return ts_run_ok("'%s' --index '%s' %s %s", SEARCHER_BIN, idx, options, query);
}

/* ---- --list ---- */

static void check_list(const char *idx)
{
    char *out = ts_run_ok("'%s' --list --index '%s'", INDEXER_BIN, idx);
    char *html_line = ts_strf("%s/page.html\t", g_src);
    const char *line = strstr(out, html_line);
    if (!line)
        fail_msg("--list lacks page.html: %s", out);
    const char *end = strchr(line, '\n');
    const char *want = "\thtml\tLovelace, Ada; Charles Babbage\t2023-05-14\n";
    if ((size_t)(end + 1 - line) < strlen(want) ||
        strncmp(end + 1 - strlen(want), want, strlen(want)) != 0)
        fail_msg("--list line of page.html does not end in format, author, date: %.*s",
                 (int)(end - line), line);
    ts_expect_in(out, "\tmarkdown\tGrace Hopper; Turing, Alan\t2022-05-14\n", "--list");
    ts_expect_in(out, "\ttext\t\t\n", "--list (plain text: empty author and date)");
    free(html_line);
    free(out);
}

/* ---- JSON ---- */

static const jv *only_hit(const jv *v)
{
    const jv *hits = jget_type(v, "hits", J_ARR);
    if (hits->n != 1)
        fail_msg("%zu hits, expected 1", hits->n);
    return &hits->kids[0];
}

static void check_json(const char *idx)
{
    jv v;
    char *out = search(idx, "--json", "kelpwrack");
    assert_true(json_parse(out, strlen(out), &v));
    const jv *h = only_hit(&v);
    assert_string_equal(jget_type(h, "author", J_STR)->s, "Lovelace, Ada; Charles Babbage");
    assert_string_equal(jget_type(h, "date", J_STR)->s, "2023-05-14");
    jv_free(&v);
    free(out);
    out = search(idx, "--json", "gravelbed");
    assert_true(json_parse(out, strlen(out), &v));
    h = only_hit(&v);
    assert_null(jget(h, "author"));
    assert_null(jget(h, "date"));
    jv_free(&v);
    free(out);
}

/* ---- human citations ---- */

static void check_cite(const char *idx)
{
    char *out = search(idx, "--cite", "kelpwrack");
    char *want = ts_strf("” (Lovelace, Ada; Charles Babbage, Blue carbon & #1 {brief} 100%%, "
                         "2023-05-14, %s/page.html, line ",
                         g_src);
    ts_expect_in(out, want, "--cite");
    free(want);
    free(out);
    out = search(idx, "--cite-format markdown", "driftmoss");
    want = ts_strf("> — Grace Hopper; Turing, Alan, *Field notes*, 2022-05-14, `%s/notes.md`, line ",
                   g_src);
    ts_expect_in(out, want, "markdown");
    ts_expect_in(out, "§ Tides", "markdown");
    free(want);
    free(out);
    out = search(idx, "--cite", "gravelbed");
    want = ts_strf("” (Loose leaves, %s/plain.txt, line 3)", g_src);
    ts_expect_in(out, want, "--cite of a text without author or date");
    free(want);
    free(out);
    jv v;
    out = search(idx, "--cite-format json", "driftmoss");
    assert_true(json_parse(out, strlen(out), &v));
    assert_string_equal(jget_type(&v, "author", J_STR)->s, "Grace Hopper; Turing, Alan");
    assert_string_equal(jget_type(&v, "date", J_STR)->s, "2022-05-14");
    jv_free(&v);
    free(out);
}

/* ---- csl-json ---- */

static const jv *only_item(const jv *v)
{
    if (v->t != J_ARR || v->n != 1)
        fail_msg("csl-json: not an array of one item");
    return &v->kids[0];
}

static void expect_date_parts(const jv *item, const int *parts, size_t n)
{
    const jv *issued = jget_type(item, "issued", J_OBJ);
    const jv *dp = jget_type(issued, "date-parts", J_ARR);
    assert_int_equal(dp->n, 1);
    assert_int_equal(dp->kids[0].n, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal((int)dp->kids[0].kids[i].num, parts[i]);
}

static void check_csl_html(const char *idx)
{
    jv v;
    char *out = search(idx, "--cite-format csl-json", "kelpwrack");
    if (!json_parse(out, strlen(out), &v))
        fail_msg("csl-json is not JSON: %s", out);
    const jv *item = only_item(&v);
    assert_string_equal(jget_type(item, "type", J_STR)->s, "webpage");
    assert_string_equal(jget_type(item, "title", J_STR)->s, "Blue carbon & #1 {brief} 100%");
    const jv *authors = jget_type(item, "author", J_ARR);
    assert_int_equal(authors->n, 2);
    assert_string_equal(jget_type(&authors->kids[0], "family", J_STR)->s, "Lovelace");
    assert_string_equal(jget_type(&authors->kids[0], "given", J_STR)->s, "Ada");
    assert_string_equal(jget_type(&authors->kids[1], "literal", J_STR)->s, "Charles Babbage");
    expect_date_parts(item, (const int[]){2023, 5, 14}, 3);
    const char *url = jget_type(item, "URL", J_STR)->s;
    if (strncmp(url, "file:///", 8) != 0 || !strstr(url, "/my%20docs/page.html") || strchr(url, ' '))
        fail_msg("URL is not the percent-encoded file URL: %s", url);
    ts_expect_in(jget_type(item, "note", J_STR)->s, "keep kelpwrack carbon", "note");
    const char *id = jget_type(item, "id", J_STR)->s;
    if (strncmp(id, "lovelace2023", 12) != 0)
        fail_msg("id %s does not start with surname and year", id);
    assert_null(jget(item, "page")); /* HTML has no pages */
    char *again = search(idx, "--cite-format csl-json", "kelpwrack");
    assert_string_equal(again, out); /* the key is stable */
    free(again);
    jv_free(&v);
    free(out);
}

static void check_csl_markdown_and_pdf(const char *idx)
{
    jv v;
    char *out = search(idx, "--cite-format csl-json", "driftmoss");
    assert_true(json_parse(out, strlen(out), &v));
    const jv *item = only_item(&v);
    assert_string_equal(jget_type(item, "type", J_STR)->s, "document");
    const jv *authors = jget_type(item, "author", J_ARR);
    assert_int_equal(authors->n, 2);
    assert_string_equal(jget_type(&authors->kids[0], "literal", J_STR)->s, "Grace Hopper");
    assert_string_equal(jget_type(&authors->kids[1], "family", J_STR)->s, "Turing");
    expect_date_parts(item, (const int[]){2022, 5, 14}, 3);
    jv_free(&v);
    free(out);
    out = search(idx, "--cite-format csl-json", "acknowledgement");
    assert_true(json_parse(out, strlen(out), &v));
    item = only_item(&v);
    assert_string_equal(jget_type(item, "type", J_STR)->s, "report");
    assert_string_equal(jget_type(item, "page", J_STR)->s, "ii");
    jv_free(&v);
    free(out);
    char *cmd = ts_strf("'%s' --index '%s' --cite-format csl-json nosuchwordanywhere", SEARCHER_BIN,
                        idx);
    assert_int_equal(ts_run(cmd, &out, NULL), 1); /* no hits: exit 1, an empty array */
    free(cmd);
    assert_true(json_parse(out, strlen(out), &v));
    assert_int_equal(v.t, J_ARR);
    assert_int_equal(v.n, 0);
    jv_free(&v);
    free(out);
}

/* ---- bibtex ---- */

/* Braces balance (escaped ones aside) and never close below zero. */
static void expect_balanced(const char *bib)
{
    int depth = 0;
    for (const char *p = bib; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        depth += *p == '{' ? 1 : *p == '}' ? -1 : 0;
        if (depth < 0)
            fail_msg("bibtex: a brace closes what was never opened: %s", bib);
    }
    if (depth != 0)
        fail_msg("bibtex: braces do not balance: %s", bib);
}

/* Every & % $ # _ of the field's value is escaped. */
static void expect_escaped_field(const char *bib, const char *field)
{
    const char *v = strstr(bib, field);
    assert_non_null(v);
    const char *end = strstr(v, "},\n");
    for (const char *p = v + strlen(field); p < end; p++)
        if (strchr("&%$#_", *p) && p[-1] != '\\')
            fail_msg("bibtex: unescaped %c in %.*s", *p, (int)(end - v), v);
}

/* When bibtex is installed, it reads the entries without an error. */
static void bibtex_reads(const char *bib)
{
    if (system("command -v bibtex >/dev/null 2>&1") != 0)
        return;
    char *dir = ts_strf("%s/bib", ts_tmp);
    free(ts_run_ok("mkdir -p '%s'", dir));
    free(ts_write_file(dir, "refs.bib", bib, strlen(bib)));
    const char aux[] = "\\citation{*}\n\\bibdata{refs}\n\\bibstyle{plain}\n";
    free(ts_write_file(dir, "doc.aux", aux, strlen(aux)));
    char *out = NULL, *err = NULL;
    char *cmd = ts_strf("cd '%s' && bibtex doc", dir);
    int rc = ts_run(cmd, &out, &err);
    if (rc >= 2 || strstr(out, "error message"))
        fail_msg("bibtex rejects the entries (exit %d): %s\n%s", rc, out, bib);
    free(out);
    free(err);
    free(cmd);
    free(dir);
}

static void check_bibtex(const char *idx)
{
    char *out = search(idx, "--cite-format bibtex", "kelpwrack");
    if (strncmp(out, "@online{lovelace2023", 20) != 0)
        fail_msg("bibtex: not an @online entry keyed by surname and year: %s", out);
    ts_expect_in(out, "  title = {Blue carbon \\& \\#1 \\{brief\\} 100\\%},\n", "bibtex title");
    ts_expect_in(out, "  author = {Lovelace, Ada and Charles Babbage},\n", "bibtex author");
    ts_expect_in(out, "  year = {2023},\n  month = may,\n", "bibtex date");
    ts_expect_in(out, "  url = {file:///", "bibtex url");
    ts_expect_in(out, "%20docs/page.html},\n", "bibtex url");
    ts_expect_in(out, "  note = {“Mangrove forests keep kelpwrack carbon", "bibtex note");
    expect_balanced(out);
    expect_escaped_field(out, "title = {");
    char *pdf = search(idx, "--cite-format bibtex", "acknowledgement");
    if (strncmp(pdf, "@report{", 8) != 0)
        fail_msg("bibtex of a PDF is not @report: %s", pdf);
    ts_expect_in(pdf, "  pages = {ii},\n", "bibtex pages");
    expect_balanced(pdf);
    char *md = search(idx, "--cite-format bibtex", "driftmoss");
    if (strncmp(md, "@misc{hopper2022", 16) != 0)
        fail_msg("bibtex of Markdown is not @misc keyed hopper2022: %s", md);
    char *all = ts_strf("%s%s%s", out, pdf, md);
    bibtex_reads(all);
    free(all);
    free(md);
    free(pdf);
    free(out);
}

static void check_backend(const char *backend)
{
    char *idx = ts_strf("%s/idx-%s", ts_tmp, backend);
    free(ts_run_ok("'%s' --quiet --backend %s --index '%s' '%s'", INDEXER_BIN, backend, idx, g_src));
    check_list(idx);
    check_json(idx);
    check_cite(idx);
    check_csl_html(idx);
    check_csl_markdown_and_pdf(idx);
    check_bibtex(idx);
    free(idx);
}

static void test_native(void **state)
{
    check_backend("native");
}

static void test_xapian(void **state)
{
    check_backend("xapian");
}

static void test_help_names_the_forms(void **state)
{
    char *out = NULL, *err = NULL;
    char *cmd = ts_strf("'%s' --help", SEARCHER_BIN);
    ts_run(cmd, &out, &err);
    char *both = ts_strf("%s%s", out ? out : "", err ? err : "");
    ts_expect_in(both, "csl-json", "--help");
    ts_expect_in(both, "bibtex", "--help");
    free(both);
    free(out);
    free(err);
    free(cmd);
}

/* Documents indexed in two runs (two segments), then merged into one:
 * the merge keeps each document's author and date. */
static void test_merge_keeps_author_and_date(void **state)
{
    char *idx = ts_strf("%s/idx-merged", ts_tmp);
    free(ts_run_ok("'%s' --quiet --index '%s' '%s/page.html'", INDEXER_BIN, idx, g_src));
    free(ts_run_ok("'%s' --quiet --index '%s' '%s/notes.md'", INDEXER_BIN, idx, g_src));
    free(ts_run_ok("'%s' --quiet --index '%s' --optimize", INDEXER_BIN, idx));
    char *check = ts_run_ok("'%s' --check '%s'", INDEXER_BIN, idx);
    ts_expect_in(check, "segments   1\n", "--check after --optimize");
    free(check);
    char *out = ts_run_ok("'%s' --list --index '%s'", INDEXER_BIN, idx);
    ts_expect_in(out, "\thtml\tLovelace, Ada; Charles Babbage\t2023-05-14\n", "--list after merge");
    ts_expect_in(out, "\tmarkdown\tGrace Hopper; Turing, Alan\t2022-05-14\n", "--list after merge");
    free(out);
    free(idx);
}

/* A blob of the previous version is "older", not "damaged". */
static void test_xapian_older_blob_refused(void **state)
{
    static const uint8_t older[] = {'S', 'X', 'D', '3', 0, 0};
    static const uint8_t damaged[] = {'S', 'X', 'D', '9', 0, 0};
    shelf_docview meta;
    assert_int_equal(shelf_xapdoc_decode(older, sizeof older, &meta, NULL, NULL, NULL),
                     SHELF_EVERSION);
    assert_int_equal(shelf_xapdoc_decode(damaged, sizeof damaged, &meta, NULL, NULL, NULL),
                     SHELF_ECORRUPT);
}

static int setup(void **state)
{
    ts_setup_tmp(state);
    g_src = ts_strf("%s/my docs", ts_tmp);
    free(ts_run_ok("mkdir -p '%s'", g_src));
    free(ts_write_file(g_src, "page.html", page_html, strlen(page_html)));
    free(ts_write_file(g_src, "notes.md", notes_md, strlen(notes_md)));
    free(ts_write_file(g_src, "plain.txt", plain_txt, strlen(plain_txt)));
    return ts_copy_into(g_src, "labels.pdf", LABELS_PDF);
}

static int teardown(void **state)
{
    ts_teardown_tmp(state);
    free(g_src);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_native),
        cmocka_unit_test(test_xapian),
        cmocka_unit_test(test_merge_keeps_author_and_date),
        cmocka_unit_test(test_help_names_the_forms),
        cmocka_unit_test(test_xapian_older_blob_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
