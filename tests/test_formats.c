/*
 * test_formats.c - real report formats end to end, through the indexer and
 * searcher binaries: a PDF made at test time from part of corpus/ with
 * Debian's enscript and ps2pdf (so which page each line lands on is known),
 * an HTML page, a Markdown file, UTF-16 and Windows-1252 text, a file whose
 * format is known only from its content, and --include/--exclude.
 *
 * Checked: the page (and the line within it) that JSON snippets and --cite
 * give for a passage is the page its words are printed on; HTML and
 * Markdown sections and titles come from their markup; script text, link
 * targets and front matter are not searchable; converted encodings are
 * searchable and shown by --list; citations survive the source's removal;
 * the Xapian backend gives the same pages.
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

#include "json_reader.h"
#include "support.h"
#include "support_run.h"

#define LINES_PER_PAGE 60
#define PDF_SOURCE "secretary-generals-annual-report-2023.txt"
#define PDF_LINES 240

static char *g_tmp, *g_src, *g_idx, *g_folded;

static void write_src(const char *name, const char *data, size_t n)
{
    free(ts_write_file(g_src, name, data, n));
}

static void make_pdf(void)
{
    char *err = NULL;
    int rc = ts_runf(NULL, &err,
                     "mkdir -p '%s' && fold -s -w 80 '%s/%s' | head -n %d > '%s/folded.txt' && "
                     "enscript -B -q -L %d -f Courier9 -t 'Annual Report Extract' -o - "
                     "'%s/folded.txt' | ps2pdf - '%s/report.pdf'",
                     g_src, CORPUS_DIR, PDF_SOURCE, PDF_LINES, g_tmp, LINES_PER_PAGE, g_tmp, g_src);
    if (rc != 0)
        fail_msg("making the test PDF needs enscript and ghostscript (tools/install-deps): %s", err);
    free(err);
    g_folded = ts_strf("%s/folded.txt", g_tmp);
}

static const char HTML_PAGE[] =
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Harbour Survey</title>\n"
    "<style>body { zqstyleword: 1 }</style>\n"
    "<script>var zqscriptword = 1;</script></head>\n<body>\n"
    "<h1>Harbour survey</h1>\n<p>Opening remarks about the quay.</p>\n"
    "<h2>Breakwater findings</h2>\n<p>The breakwater shows zqerosion along its &amp; "
    "western arm.</p>\n</body></html>\n";

static const char MARKDOWN[] =
    "---\ntitle: \"Field Notes\"\nzqfrontmatter: yes\n---\n"   /* lines 1-4 */
    "# Field notes\n"                                          /* 5 */
    "\n"                                                       /* 6 */
    "See [the map](https://example.org/zqurlword) first.\n"    /* 7 */
    "\n"                                                       /* 8 */
    "## Tides\n"                                               /* 9 */
    "\n"                                                       /* 10 */
    "The *zqtide* tables were wrong.\n"                        /* 11 */
    "\n"                                                       /* 12 */
    "```\nzqcodeword = 3\n```\n";                              /* 13-15 */

static void make_sources(void)
{
    make_pdf();
    write_src("harbour.html", HTML_PAGE, sizeof HTML_PAGE - 1);
    write_src("notes.md", MARKDOWN, sizeof MARKDOWN - 1);
    /* UTF-16LE with a BOM: "naïve zqsixteen\n" */
    static const char utf16[] = "\xff\xfen\0a\0\xef\0v\0e\0 \0z\0q\0s\0i\0x\0t\0e\0e\0n\0\n\0";
    write_src("wide.txt", utf16, sizeof utf16 - 1);
    static const char latin[] = "Menu\n\ncaf\xe9 zqlatin cr\xe8me \x93quoted\x94\n";
    write_src("latin.txt", latin, sizeof latin - 1);
    static const char mystery[] = "<!doctype html><title>Mystery</title><p>zqmystery inside</p>";
    write_src("mystery", mystery, sizeof mystery - 1);
    static const char draft[] = "zqdraftword\n";
    write_src("skip.draft.md", draft, sizeof draft - 1);
    static const char image[] = "zqimageword\n";
    write_src("photo.jpg", image, sizeof image - 1);
    static const char old[] = "zqarchivedword\n";
    write_src("archive/old.txt", old, sizeof old - 1);
}

static int setup(void **state)
{
    g_tmp = ts_mkdtemp();
    g_src = ts_strf("%s/src", g_tmp);
    g_idx = ts_strf("%s/idx", g_tmp);
    make_sources();
    char *err = NULL;
    int rc = ts_runf(NULL, &err, "'%s' --quiet --index '%s' --exclude '*.draft.md' --exclude archive '%s'",
                     INDEXER_BIN, g_idx, g_src);
    if (rc != 0)
        fail_msg("indexer exit %d: %s", rc, err);
    free(err);
    return 0;
}

static int teardown(void **state)
{
    ts_rmtree(g_tmp);
    free(g_tmp);
    free(g_src);
    free(g_idx);
    free(g_folded);
    return 0;
}

/* searcher on idx with args; parsed JSON into v; returns the exit code. */
static int search_json(const char *idx, const char *args, jv *v)
{
    char *out = NULL, *err = NULL;
    int rc = ts_runf(&out, &err, "'%s' --index '%s' --json %s", SEARCHER_BIN, idx, args);
    memset(v, 0, sizeof *v);
    if (rc <= 1 && !json_parse(out, strlen(out), v))
        fail_msg("not JSON (exit %d): %s / %s", rc, out, err);
    free(out);
    free(err);
    return rc;
}

static const jv *first_hit(const jv *v)
{
    const jv *hits = jget_type(v, "hits", J_ARR);
    if (hits->n == 0)
        fail_msg("no hits");
    return &hits->kids[0];
}

static const jv *first_snippet(const jv *v)
{
    const jv *snippets = jget_type(first_hit(v), "snippets", J_ARR);
    if (snippets->n == 0)
        fail_msg("no snippets");
    return &snippets->kids[0];
}

static bool is_clean_word(const char *s, const char *e)
{
    for (const char *q = s; q < e; q++)
        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
            return false;
    return e > s;
}

/* The phrase query for the first four consecutive letter-only words of a
 * line after its first word, or NULL. */
static char *phrase_of(const char *line)
{
    const char *start[64], *end[64];
    size_t n = 0;
    for (const char *p = line; *p && n < 64;) {
        while (*p == ' ')
            p++;
        start[n] = p;
        while (*p && *p != ' ')
            p++;
        end[n] = p;
        if (end[n] > start[n])
            n++;
    }
    for (size_t i = 1; i + 4 <= n; i++) {
        size_t k = 0;
        while (k < 4 && is_clean_word(start[i + k], end[i + k]))
            k++;
        if (k == 4)
            return ts_strf("'\"%.*s\"'", (int)(end[i + 3] - start[i]), start[i]);
    }
    return NULL;
}

/* Lines of the folded source that are plain ASCII prose, unique in it, with
 * enough words for a phrase; returns up to max line numbers (1-based). */
static size_t pick_lines(char **lines, size_t nlines, size_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < nlines && n < max; i++) {
        const char *l = lines[i];
        size_t words = 0;
        bool ascii = true;
        for (const char *p = l; *p; p++) {
            ascii = ascii && (unsigned char)*p < 0x80;
            words += *p == ' ';
        }
        if (!ascii || words < 8 || strlen(l) < 50)
            continue;
        char *phrase = phrase_of(l);
        free(phrase);
        if (!phrase)
            continue;
        size_t seen = 0;
        for (size_t j = 0; j < nlines; j++)
            seen += strstr(lines[j], l) != NULL;
        /* one per page, at least */
        if (seen == 1 && (n == 0 || i / LINES_PER_PAGE != (out[n - 1] - 1) / LINES_PER_PAGE))
            out[n++] = i + 1;
    }
    return n;
}

static char **read_lines(const char *path, size_t *count)
{
    size_t len;
    char *text = ts_read_file(path, &len);
    char **lines = NULL;
    size_t n = 0;
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        lines = realloc(lines, (n + 1) * sizeof *lines);
        lines[n++] = strdup(p);
        p = nl ? nl + 1 : NULL;
    }
    free(text);
    *count = n;
    return lines;
}

static void check_pages_on(const char *idx)
{
    size_t nlines;
    char **lines = read_lines(g_folded, &nlines);
    size_t picked[8];
    size_t n = pick_lines(lines, nlines, picked, 8);
    if (n < 3)
        fail_msg("only %zu usable lines in the folded source", n);
    for (size_t i = 0; i < n; i++) {
        size_t want_page = (picked[i] - 1) / LINES_PER_PAGE + 1;
        char *phrase = phrase_of(lines[picked[i] - 1]);
        char *args = ts_strf("%s 'path:report.pdf'", phrase);
        jv v;
        if (search_json(idx, args, &v) != 0)
            fail_msg("no match for %s (line %zu)", phrase, picked[i]);
        const jv *s = first_snippet(&v);
        const jv *page = jget(s, "page");
        if (!page || page->t != J_NUM || page->num != (double)want_page)
            fail_msg("%s: line %zu is on page %zu, snippet says %g", phrase, picked[i], want_page,
                     page && page->t == J_NUM ? page->num : -1.0);
        double line = jget_type(s, "line", J_NUM)->num;
        if (line < 1 || line > LINES_PER_PAGE)
            fail_msg("%s: line %g is not a line within a page", phrase, line);
        jv_free(&v);
        free(args);
        free(phrase);
    }
    for (size_t i = 0; i < nlines; i++)
        free(lines[i]);
    free(lines);
}

static void test_pdf_snippets_name_the_page(void **state)
{
    check_pages_on(g_idx);
}

static void test_pdf_title_and_cite(void **state)
{
    jv v;
    assert_int_equal(search_json(g_idx, "'path:report.pdf'", &v), 0);
    assert_string_equal(jget_type(first_hit(&v), "title", J_STR)->s, "Annual Report Extract");
    jv_free(&v);
    char *out = NULL;
    assert_int_equal(ts_runf(&out, NULL, "'%s' --index '%s' --cite 'path:report.pdf'", SEARCHER_BIN,
                             g_idx), 0);
    if (!strstr(out, "report.pdf, p. 1)") && !strstr(out, "report.pdf, p. 1, § "))
        fail_msg("--cite lacks the page (cited by page, not line): %s", out);
    free(out);
    out = NULL;
    assert_int_equal(ts_runf(&out, NULL, "'%s' --index '%s' --cite-format json 'path:report.pdf'",
                             SEARCHER_BIN, g_idx), 0);
    if (!json_parse(out, strlen(out), &v) || jget_type(&v, "page", J_NUM)->num != 1 ||
        strcmp(jget_type(&v, "page_label", J_STR)->s, "1") != 0)
        fail_msg("--cite=json lacks the page or its label: %s", out);
    jv_free(&v);
    free(out);
}

static void test_html_text_title_sections(void **state)
{
    jv v;
    assert_int_equal(search_json(g_idx, "zqscriptword", &v), 1);
    jv_free(&v);
    assert_int_equal(search_json(g_idx, "zqstyleword", &v), 1);
    jv_free(&v);
    assert_int_equal(search_json(g_idx, "zqerosion", &v), 0);
    const jv *hit = first_hit(&v);
    assert_string_equal(jget_type(hit, "title", J_STR)->s, "Harbour Survey");
    const jv *s = first_snippet(&v);
    assert_string_equal(jget_type(s, "section", J_STR)->s, "Breakwater findings");
    if (!strstr(jget_type(s, "text", J_STR)->s, "along its & western arm"))
        fail_msg("entity not decoded: %s", jget_type(s, "text", J_STR)->s);
    assert_null(jget(s, "page"));
    jv_free(&v);
}

static void test_markdown_lines_sections_links(void **state)
{
    jv v;
    assert_int_equal(search_json(g_idx, "zqurlword", &v), 1);
    jv_free(&v);
    assert_int_equal(search_json(g_idx, "zqfrontmatter", &v), 1);
    jv_free(&v);
    assert_int_equal(search_json(g_idx, "zqcodeword", &v), 0);
    assert_true(jget_type(first_snippet(&v), "line", J_NUM)->num == 14);
    jv_free(&v);
    assert_int_equal(search_json(g_idx, "zqtide", &v), 0);
    assert_string_equal(jget_type(first_hit(&v), "title", J_STR)->s, "Field Notes");
    const jv *s = first_snippet(&v);
    assert_true(jget_type(s, "line", J_NUM)->num == 11);
    assert_string_equal(jget_type(s, "section", J_STR)->s, "Tides");
    assert_string_equal(jget_type(s, "text", J_STR)->s, "The zqtide tables were wrong.");
    jv_free(&v);
}

static void test_encodings_and_detection(void **state)
{
    jv v;
    assert_int_equal(search_json(g_idx, "zqsixteen", &v), 0);
    if (!strstr(jget_type(first_snippet(&v), "text", J_STR)->s, "na\xc3\xafve zqsixteen"))
        fail_msg("UTF-16 text not converted");
    jv_free(&v);
    assert_int_equal(search_json(g_idx, "zqlatin", &v), 0);
    const char *text = jget_type(first_snippet(&v), "text", J_STR)->s;
    if (!strstr(text, "caf\xc3\xa9 zqlatin cr\xc3\xa8me \xe2\x80\x9cquoted\xe2\x80\x9d"))
        fail_msg("Windows-1252 text not converted: %s", text);
    jv_free(&v);
    assert_int_equal(search_json(g_idx, "zqmystery", &v), 0);
    assert_string_equal(jget_type(first_hit(&v), "title", J_STR)->s, "Mystery");
    jv_free(&v);
    assert_int_equal(search_json(g_idx, "zqdraftword", &v), 1); /* --exclude a file */
    jv_free(&v);
    assert_int_equal(search_json(g_idx, "zqarchivedword", &v), 1); /* --exclude a folder */
    jv_free(&v);
    assert_int_equal(search_json(g_idx, "zqimageword", &v), 1); /* unknown extension */
    jv_free(&v);

    char *out = NULL;
    assert_int_equal(ts_runf(&out, NULL, "'%s' --list --index '%s'", INDEXER_BIN, g_idx), 0);
    static const char *const want[][2] = {
        {"/latin.txt\t", "\ttext, converted from windows-1252"},
        {"/wide.txt\t", "\ttext, converted from utf-16le"},
        {"/report.pdf\t", "\tpdf"},
        {"/harbour.html\t", "\thtml"},
        {"/mystery\t", "\thtml"},
        {"/notes.md\t", "\tmarkdown"},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *line = strstr(out, want[i][0]);
        const char *end = line ? strchr(line, '\n') : NULL;
        const char *tag = line ? strstr(line, want[i][1]) : NULL;
        if (!tag || (end && tag > end))
            fail_msg("--list: no '%s' on the line of %s:\n%s", want[i][1], want[i][0], out);
    }
    if (strstr(out, "skip.draft.md") || strstr(out, "photo.jpg"))
        fail_msg("--list shows an excluded file:\n%s", out);
    free(out);
}

/* With --include, exactly the matching files, whatever their extension. */
static void test_include_reads_any_extension(void **state)
{
    char *idx = ts_strf("%s/idx-include", g_tmp);
    assert_int_equal(ts_runf(NULL, NULL, "'%s' --quiet --index '%s' --include '*.jpg' '%s'",
                             INDEXER_BIN, idx, g_src), 0);
    jv v;
    assert_int_equal(search_json(idx, "zqimageword", &v), 0);
    jv_free(&v);
    assert_int_equal(search_json(idx, "zqtide", &v), 1);
    jv_free(&v);
    free(idx);
}

/* The store keeps pages and sections: citations outlive the source. */
static void test_citations_after_source_is_gone(void **state)
{
    char *copy = ts_strf("%s/gone", g_tmp), *idx = ts_strf("%s/idx-gone", g_tmp);
    assert_int_equal(ts_runf(NULL, NULL, "cp -r '%s' '%s' && '%s' --quiet --index '%s' '%s' && "
                                         "rm -r '%s'",
                             g_src, copy, INDEXER_BIN, idx, copy, copy), 0);
    check_pages_on(idx);
    jv v;
    assert_int_equal(search_json(idx, "zqerosion", &v), 0);
    assert_string_equal(jget_type(first_snippet(&v), "section", J_STR)->s, "Breakwater findings");
    jv_free(&v);
    free(copy);
    free(idx);
}

static void test_xapian_backend_pages(void **state)
{
    char *idx = ts_strf("%s/idx-xapian", g_tmp);
    assert_int_equal(ts_runf(NULL, NULL, "'%s' --quiet --backend xapian --index '%s' '%s'",
                             INDEXER_BIN, idx, g_src), 0);
    check_pages_on(idx);
    jv v;
    assert_int_equal(search_json(idx, "zqtide", &v), 0);
    assert_string_equal(jget_type(first_snippet(&v), "section", J_STR)->s, "Tides");
    jv_free(&v);
    free(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pdf_snippets_name_the_page),
        cmocka_unit_test(test_pdf_title_and_cite),
        cmocka_unit_test(test_html_text_title_sections),
        cmocka_unit_test(test_markdown_lines_sections_links),
        cmocka_unit_test(test_encodings_and_detection),
        cmocka_unit_test(test_include_reads_any_extension),
        cmocka_unit_test(test_citations_after_source_is_gone),
        cmocka_unit_test(test_xapian_backend_pages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
