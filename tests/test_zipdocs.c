/*
 * test_zipdocs.c - the zip formats (DOCX, ODT, EPUB; README "Formats") on
 * documents written at test time by tests/data/make_zipdocs.py: the text
 * kept and left out (tracked deletions, hidden runs, field instructions,
 * comments), headings from styles and outline levels as sections, notes and
 * table cells as paragraphs, title, author and date, the EPUB spine order,
 * the citation by section and paragraph; the zip-bomb, encrypted and
 * damaged files refused with a message naming them, a reader over its
 * budget killed; sniffing by content;
 * and, end to end, a folder of them indexed and searched (--cite, JSON,
 * --list, and the search page's citation from GET /api/cite through
 * tests/data/api_cite.py).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "extract/extract.h"
#include "extract/readers.h"
#include "extract/zipdoc.h"
#include "extract/zipread.h"
#include "present/cite.h"
#include "present/place.h"
#include "support.h"
#include "support_run.h"

#define BUDGET_MS 20000

static char *g_dir; /* the generated documents */

static int make_documents(void **state)
{
    (void)state;
    g_dir = ts_mkdtemp();
    char *cmd = ts_strf("python3 '%s/make_zipdocs.py' '%s'", TEST_DATA_DIR, g_dir);
    char *err = NULL;
    int rc = ts_run(cmd, NULL, &err);
    if (rc != 0)
        fprintf(stderr, "make_zipdocs.py failed (%d): %s\n", rc, err ? err : "");
    free(err);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

static int remove_documents(void **state)
{
    (void)state;
    ts_rmtree(g_dir);
    free(g_dir);
    return 0;
}

static char *read_doc(const char *name, size_t *len)
{
    char *path = ts_strf("%s/%s", g_dir, name);
    char *data = ts_read_file(path, len);
    free(path);
    assert_non_null(data);
    return data;
}

typedef int (*extract_fn)(const char *path, const char *data, size_t len, unsigned budget_ms,
                          shelf_doctext *out, shelf_err *err);

/* Reads a generated document with the sandboxed reader. */
static int extract(extract_fn fn, const char *name, shelf_doctext *d, shelf_err *err)
{
    size_t len;
    char *data = read_doc(name, &len);
    int rc = fn(name, data, len, BUDGET_MS, d, err);
    free(data);
    return rc;
}

static void expect_text(const shelf_doctext *d, const char *want)
{
    if (!strstr(d->text, want))
        fail_msg("text lacks '%s':\n%s", want, d->text);
}

static void expect_no_text(const shelf_doctext *d, const char *unwanted)
{
    if (strstr(d->text, unwanted))
        fail_msg("text holds '%s':\n%s", unwanted, d->text);
}

/* The heading whose text is `text`, of this level. */
static void expect_heading(const shelf_doctext *d, const char *text, uint32_t level)
{
    for (size_t i = 0; i < d->layout.nheadings; i++) {
        const shelf_heading *h = &d->layout.headings[i];
        if (h->len == strlen(text) && memcmp(d->text + h->start, text, h->len) == 0) {
            if (h->level != level)
                fail_msg("heading '%s' has level %u, not %u", text, h->level, level);
            return;
        }
    }
    fail_msg("no heading '%s' in:\n%s", text, d->text);
}

/* Section and paragraph of the first occurrence of word. */
static void expect_cited(const shelf_doctext *d, const char *word, const char *section,
                         size_t paragraph)
{
    const char *at = strstr(d->text, word);
    assert_non_null(at);
    shelf_place place;
    shelf_place_of(d->text, d->len, &d->layout, (size_t)(at - d->text), 0, &place);
    char got[200];
    snprintf(got, sizeof got, "%.*s", (int)place.section_len, d->text + place.section_start);
    if (strcmp(got, section) != 0 || place.paragraph != paragraph)
        fail_msg("'%s' cited § %s, ¶ %zu; wanted § %s, ¶ %zu", word, got, place.paragraph, section,
                 paragraph);
    assert_int_equal(place.page, 0);
}

static void expect_paragraph_cited(const shelf_doctext *d)
{
    assert_true(d->layout.structured);
    assert_true(d->layout.paragraph_cited);
    assert_int_equal(d->layout.npages, 0);
    assert_int_equal(d->layout.nanchors, 0);
}

/* ---- DOCX ---- */

static void test_docx(void **state)
{
    shelf_doctext d;
    shelf_err err = {0};
    int rc = extract(shelf_extract_docx, "report.docx", &d, &err);
    if (rc != SHELF_OK)
        fail_msg("report.docx: %s", err.msg);
    expect_paragraph_cited(&d);
    expect_text(&d, "The budget was zqinserted approved.");
    expect_text(&d, "Fifth paragraph with a field result.");
    expect_text(&d, "\n\nCell alpha\n\nCell beta\n\nCell gamma\n\nCell delta\n\n");
    expect_text(&d, "Line one\nline two");
    expect_text(&d, "\n\nFootnotes\n\nzqfootnote explains the dredging.");
    expect_no_text(&d, "zqdeleted");
    expect_no_text(&d, "zqhidden");
    expect_no_text(&d, "zqinstr");
    assert_null(strstr(d.text, "\n\n\n"));
    assert_true(d.text[d.len - 1] != '\n');
    expect_heading(&d, "Annual Harbour Review", 1); /* style "Title" (id Titel) */
    expect_heading(&d, "Findings", 1);
    expect_heading(&d, "Costs", 2);                  /* id Berschrift2, name "heading 2" */
    expect_heading(&d, "Custom heading", 1);         /* based on Heading1 */
    expect_heading(&d, "Outlined heading", 3);       /* outline level 2 */
    expect_heading(&d, "Footnotes", 1);
    assert_int_equal(d.layout.nheadings, 6);
    assert_string_equal(d.title, "Harbour Review 2023");
    assert_string_equal(d.author, "Ada Lovelace");
    assert_string_equal(d.date, "2023-05-14");
    expect_cited(&d, "zqfourth", "Findings", 4);
    expect_cited(&d, "Opening words", "Annual Harbour Review", 1);
    expect_cited(&d, "Cell gamma", "Findings", 8);
    expect_cited(&d, "zqfootnote", "Footnotes", 1);
    shelf_doctext_free(&d);
}

/* The reader in this process gives exactly what the sandboxed one does. */
static void test_docx_here_matches_sandbox(void **state)
{
    size_t len;
    char *data = read_doc("report.docx", &len);
    shelf_doctext a, b;
    shelf_err err = {0};
    assert_int_equal(shelf_extract_docx("report.docx", data, len, BUDGET_MS, &a, &err), SHELF_OK);
    assert_int_equal(shelf_extract_docx_here("report.docx", data, len, &b, &err), SHELF_OK);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.text, b.text, a.len);
    assert_int_equal(a.layout.nheadings, b.layout.nheadings);
    shelf_doctext_free(&a);
    shelf_doctext_free(&b);
    free(data);
}

/* ---- ODT ---- */

static void test_odt(void **state)
{
    shelf_doctext d;
    shelf_err err = {0};
    int rc = extract(shelf_extract_odt, "report.odt", &d, &err);
    if (rc != SHELF_OK)
        fail_msg("report.odt: %s", err.msg);
    expect_paragraph_cited(&d);
    expect_text(&d, "Ferries ran on time.");
    expect_text(&d, "Fares were zqodtinserted lowered.");
    expect_text(&d, "zqodtfourth the pier was painted.\nSecond line.");
    expect_text(&d, "\n\nCell one\n\nCell two\n\n");
    expect_text(&d, "Item zqodtitem");
    expect_text(&d, "\n\nFootnotes\n\nzqodtnote counts the crossings.");
    expect_text(&d, "Crossings grew.\n\n"); /* the note's body is not in place */
    expect_no_text(&d, "zqodtdeleted");
    expect_no_text(&d, "zqodtcomment");
    expect_heading(&d, "Ferry Study", 1); /* a Title paragraph */
    expect_heading(&d, "Results", 1);
    expect_heading(&d, "Budget", 2);
    expect_heading(&d, "Footnotes", 1);
    assert_int_equal(d.layout.nheadings, 4);
    assert_string_equal(d.title, "Ferry Study 2022");
    assert_string_equal(d.author, "Grace Hopper"); /* initial-creator before creator */
    assert_string_equal(d.date, "2022-03-01");
    expect_cited(&d, "zqodtfourth", "Results", 4);
    expect_cited(&d, "Cell two", "Results", 6);
    expect_cited(&d, "zqodtitem", "Budget", 1);
    shelf_doctext_free(&d);
}

/* ---- EPUB ---- */

static void test_epub_spine_order(void **state)
{
    shelf_doctext d;
    shelf_err err = {0};
    int rc = extract(shelf_extract_epub, "book.epub", &d, &err);
    if (rc != SHELF_OK)
        fail_msg("book.epub: %s", err.msg);
    expect_paragraph_cited(&d);
    const char *one = strstr(d.text, "zqfirst"), *two = strstr(d.text, "zqsecond"),
               *three = strstr(d.text, "zqthird");
    assert_non_null(one);
    assert_non_null(two); /* its href is %-encoded */
    assert_non_null(three);
    if (!(one < two && two < three))
        fail_msg("chapters not in spine order:\n%s", d.text);
    assert_true(strncmp(d.text, "Chapter One\n\nzqfirst comes first.", 33) == 0);
    expect_no_text(&d, "ignored"); /* the chapters' <title> */
    expect_heading(&d, "Chapter One", 1);
    expect_heading(&d, "Chapter Two notes", 2);
    expect_heading(&d, "Chapter Three", 1);
    assert_int_equal(d.layout.nheadings, 6);
    assert_string_equal(d.title, "Tides");
    assert_string_equal(d.author, "Rachel Carson; Second Author");
    assert_string_equal(d.date, "1951-07-02");
    expect_cited(&d, "zqsecond", "Chapter Two", 1);
    expect_cited(&d, "More of Chapter Three", "Chapter Three notes", 1);
    shelf_doctext_free(&d);
}

/* ---- hostile files ---- */

static void expect_refused(extract_fn fn, const char *name, const char *message)
{
    shelf_doctext d;
    shelf_err err = {0};
    int rc = extract(fn, name, &d, &err);
    if (rc != SHELF_ESKIP || strncmp(err.msg, name, strlen(name)) != 0 || !strstr(err.msg, message))
        fail_msg("%s: rc %d, '%s' (wanted skipped: '%s')", name, rc, err.msg, message);
    assert_null(d.text);
    assert_null(d.title);
    assert_int_equal(d.layout.nheadings, 0);
}

static void test_hostile_zips_refused(void **state)
{
    expect_refused(shelf_extract_docx, "bomb.docx", ": zip bomb? DOCX member word/document.xml "
                                                    "would unpack to");
    expect_refused(shelf_extract_docx, "encrypted.docx", ": encrypted DOCX (needs a password)");
    expect_refused(shelf_extract_docx, "damaged.docx", ": damaged DOCX");
    /* a zip that is some other format */
    expect_refused(shelf_extract_docx, "book.epub", ": not a Word document");
    expect_refused(shelf_extract_odt, "report.docx", ": not an OpenDocument text");
    expect_refused(shelf_extract_epub, "report.odt", ": not an EPUB");
    /* cut short: the central directory is gone */
    size_t len;
    char *data = read_doc("report.docx", &len);
    shelf_doctext d;
    shelf_err err = {0};
    for (size_t k = 1; k < 10; k++) {
        int rc = shelf_extract_docx("cut.docx", data, len * k / 10, BUDGET_MS, &d, &err);
        assert_int_equal(rc, SHELF_ESKIP);
        assert_true(strncmp(err.msg, "cut.docx: ", 10) == 0);
        assert_null(d.text);
    }
    free(data);
}

/* Over its budget the child is killed and the file skipped; with time
 * enough the same file reads. */
static void test_budget(void **state)
{
    size_t len;
    char *data = read_doc("large.docx", &len);
    shelf_doctext d;
    shelf_err err = {0};
    assert_int_equal(shelf_extract_docx("large.docx", data, len, 1, &d, &err), SHELF_ESKIP);
    assert_string_equal(err.msg, "large.docx: DOCX took longer than 0.001 s to read (skipped)");
    assert_null(d.text);
    assert_int_equal(shelf_extract_docx("large.docx", data, len, BUDGET_MS, &d, &err), SHELF_OK);
    expect_text(&d, "Paragraph 39999 about harbour");
    shelf_doctext_free(&d);
    free(data);
}

/* The limits as documented: 100 x the file + 16 MiB, at most 256 MiB. */
static void test_unpack_budget(void **state)
{
    assert_true(shelf_zip_unpack_budget(1000) == 100000 + ((uint64_t)16 << 20));
    assert_true(shelf_zip_unpack_budget((uint64_t)100 << 20) == SHELF_ZIP_MAX_UNPACKED);
    assert_true(shelf_zip_unpack_budget(UINT64_MAX) == SHELF_ZIP_MAX_UNPACKED);
}

/* ---- sniffing ---- */

static void test_sniffing(void **state)
{
    static const struct {
        const char *file, *as;
        shelf_format want;
    } cases[] = {
        {"report.docx", "notes.txt", SHELF_FORMAT_DOCX},
        {"report.docx", "report", SHELF_FORMAT_DOCX},
        {"report.odt", "report.txt", SHELF_FORMAT_ODT},
        {"book.epub", "book", SHELF_FORMAT_EPUB},
        {"book.epub", "book.docx", SHELF_FORMAT_EPUB},
        {"damaged.docx", "damaged.docx", SHELF_FORMAT_DOCX}, /* a zip named .docx */
        {"damaged.docx", "damaged.odt", SHELF_FORMAT_ODT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        char *data = read_doc(cases[i].file, &len);
        shelf_format got = shelf_detect_format(cases[i].as, data, len);
        if (got != cases[i].want)
            fail_msg("%s named %s read as %s", cases[i].file, cases[i].as, shelf_format_name(got));
        free(data);
    }
    assert_int_equal(shelf_detect_format("a.docx", "plain words\n", 12), SHELF_FORMAT_TEXT);
    /* A local header cut inside the name "mimetype": nothing read past the
     * bytes (an exact-size copy, for AddressSanitizer). */
    char head[32] = "PK\3\4";
    head[26] = 8; /* name length */
    head[30] = 'm';
    head[31] = 'i';
    char *cut = ts_exact_copy(head, sizeof head);
    assert_int_equal(shelf_reader_odt.sniff(cut, sizeof head), SHELF_SNIFF_IF_NAMED);
    assert_int_equal(shelf_reader_epub.sniff(cut, sizeof head), SHELF_SNIFF_IF_NAMED);
    free(cut);
}

/* ---- end to end ---- */

static void test_index_and_search(void **state)
{
    char *shelf = ts_strf("%s/shelf", g_dir), *index = ts_strf("%s/index", g_dir);
    free(ts_run_ok("mkdir -p '%s' && cp '%s/report.docx' '%s/report.odt' '%s/book.epub' '%s/' && "
              "cp '%s/report.docx' '%s/copy-no-extension' && cp '%s/bomb.docx' '%s/'",
              shelf, g_dir, g_dir, g_dir, shelf, g_dir, shelf, g_dir, shelf));
    ts_output ix = ts_capture("'%s' --index '%s' '%s'", INDEXER_BIN, index, shelf);
    if (ix.rc != 0)
        fail_msg("indexer exit %d: %s", ix.rc, ix.err);
    ts_expect_in(ix.err, "bomb.docx: zip bomb? DOCX member word/document.xml", "indexer stderr");
    ts_output_free(&ix);

    /* the copy has the same content: --no-collapse cites both */
    char *out = ts_run_ok("'%s' --index '%s' --no-collapse --cite zqfourth", SEARCHER_BIN, index);
    ts_expect_in(out, "“Fourth paragraph: zqfourth says the quay was rebuilt.” (Ada Lovelace, "
                      "Harbour Review 2023, 2023-05-14, ", "--cite");
    ts_expect_in(out, "report.docx, § Findings, ¶ 4)", "--cite");
    ts_expect_in(out, "copy-no-extension, § Findings, ¶ 4)", "--cite (sniffed)");
    free(out);
    out = ts_run_ok("'%s' --index '%s' --cite zqodtfourth", SEARCHER_BIN, index);
    ts_expect_in(out, "(Grace Hopper, Ferry Study 2022, 2022-03-01, ", "--cite odt");
    ts_expect_in(out, "report.odt, § Results, ¶ 4)", "--cite odt");
    free(out);
    out = ts_run_ok("'%s' --index '%s' --cite-format markdown zqsecond", SEARCHER_BIN, index);
    ts_expect_in(out, "`, § Chapter Two, ¶ 1\n", "--cite-format markdown epub");
    free(out);
    out = ts_run_ok("'%s' --index '%s' zqcosts", SEARCHER_BIN, index);
    ts_expect_in(out, "  § Costs, ¶ 1\n", "text form");
    free(out);
    out = ts_run_ok("'%s' --index '%s' --json zqsecond", SEARCHER_BIN, index);
    ts_expect_in(out, "\"paragraph\":1,\"line\":", "--json");
    ts_expect_in(out, "\"section\":\"Chapter Two\"", "--json");
    free(out);
    out = ts_run_ok("'%s' --index '%s' --cite-format json zqodtitem", SEARCHER_BIN, index);
    ts_expect_in(out, "\"paragraph\":1,", "--cite-format json");
    free(out);
    /* The search page's Copy citation (GET /api/cite), plain and markdown. */
    out = ts_run_ok("python3 '%s/api_cite.py' '%s' '%s' zqfourth", TEST_DATA_DIR, SEARCHER_BIN, index);
    ts_expect_in(out, ", 2023-05-14, ", "/api/cite plain");
    ts_expect_in(out, ", § Findings, ¶ 4)\n", "/api/cite plain");
    ts_expect_in(out, "`, § Findings, ¶ 4\n", "/api/cite markdown");
    free(out);
    out = ts_run_ok("'%s' --index '%s' --list", INDEXER_BIN, index);
    ts_expect_in(out, "docx", "--list");
    ts_expect_in(out, "Rachel Carson; Second Author", "--list");
    ts_expect_in(out, "epub", "--list");
    ts_expect_in(out, "odt", "--list");
    free(out);
    free(shelf);
    free(index);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docx),
        cmocka_unit_test(test_docx_here_matches_sandbox),
        cmocka_unit_test(test_odt),
        cmocka_unit_test(test_epub_spine_order),
        cmocka_unit_test(test_hostile_zips_refused),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_unpack_budget),
        cmocka_unit_test(test_sniffing),
        cmocka_unit_test(test_index_and_search),
    };
    return cmocka_run_group_tests(tests, make_documents, remove_documents);
}
