/*
 * test_source_map.c - HTML and Markdown citations name the source file's
 * line and column: the layout's source map (extract/layout.c), its making by
 * the HTML reader (extract/html.c, htmlsource.c) and the Markdown reader
 * (markdown.c, mdsource.c), and its use by place.c and the searcher's text,
 * JSON and citation forms on both backends.
 *
 * The documents below are written out line by line so the expected
 * line:column of each word can be read off the source.
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

#include "extract/extract.h"
#include "extract/layout.h"
#include "json_reader.h"
#include "present/place.h"
#include "support.h"
#include "support_run.h"
#include "util/buf.h"
#include "util/error.h"


/* Line 4 holds the title's text, which must never be cited for the h1. */
static const char report_html[] =
    "<!DOCTYPE html>\n"                                                  /* 1 */
    "<html lang=\"en\">\n"                                               /* 2 */
    "<head>\n"                                                           /* 3 */
    "  <title>Harbour report</title>\n"                                  /* 4 */
    "  <meta charset=\"utf-8\"><meta name=\"author\" content=\"Ann\">\n" /* 5 */
    "<script>var s = \"<p>keeper zebrafish</p>\";</script>\n"            /* 6 */
    "</head>\n"                                                          /* 7 */
    "<body>\n"                                                           /* 8 */
    "<h1>Harbour report</h1>\n"                                          /* 9 */
    "<div><p>The <b>quayside</b> &amp; <i>lighthouse &eacute;tude\n"     /* 10 */
    "      keeper</i> met on\n"                                          /* 11 */
    "   Tuesday at dawn.</p></div>\n"                                    /* 12 */
    "<pre>\n"                                                            /* 13 */
    "  alpha beta\n"                                                     /* 14 */
    "    gamma&lt;delta\n"                                               /* 15 */
    "</pre>\n"                                                           /* 16 */
    "<table><tr><td>cellone</td><td>celltwo</td></tr></table>\n"         /* 17 */
    "<p>caf&eacute;s sell zebrafish</p>\n"                               /* 18 */
    "</body></html>\n";                                                  /* 19 */

/* Windows-1252: the columns count the source's one-byte characters, not
 * the bytes of their UTF-8 conversion. */
static const char cp1252_html[] =
    "<html><head><meta charset=\"windows-1252\"></head>\n"
    "<body><p>Na\xefve caf\xe9 owners \x93quote\x94 ordered marzipan</p></body></html>\n";

static const char crlf_html[] = "<html><body>\r\n<p>first\r\nsecond line</p>\r\n</body></html>\r\n";

typedef struct expected_place {
    const char *word; /* first occurrence in the extracted text */
    size_t line, column;
} expected_place;

static void extract_written(const char *name, const char *html, size_t len, shelf_extracted *e)
{
    char *path = ts_write_file(ts_tmp, name, html, len);
    shelf_err err = {0};
    if (shelf_extract_file(path, e, &err) != SHELF_OK)
        fail_msg("extract %s: %s", path, err.msg);
    free(path);
}

static void check_places(const shelf_extracted *e, const expected_place *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *at = strstr(e->text, want[i].word);
        if (!at)
            fail_msg("'%s' not in the text: %s", want[i].word, e->text);
        shelf_place place;
        shelf_place_of(e->text, e->len, &e->layout, (size_t)(at - e->text), 0, &place);
        if (place.line != want[i].line || place.column != want[i].column)
            fail_msg("'%s' placed at %zu:%zu, expected %zu:%zu", want[i].word, place.line,
                     place.column, want[i].line, want[i].column);
    }
}

static void test_words_cite_their_source_line_and_column(void **state)
{
    (void)state;
    static const expected_place want[] = {
        {"Harbour", 9, 5},     /* the h1, not the title on line 4 */
        {"quayside", 10, 16},  /* nested in <div><p>...<b> */
        {"&", 10, 29},         /* from &amp;: the entity's '&' */
        {"lighthouse", 10, 38},
        {"\xc3\xa9tude", 10, 49}, /* é from &eacute; */
        {"tude", 10, 57},         /* after the entity */
        {"keeper", 11, 7},        /* the paragraph wraps over source lines */
        {"Tuesday", 12, 4},
        {"alpha", 14, 3},         /* pre */
        {"gamma", 15, 5},
        {"<delta", 15, 10}, /* &lt; */
        {"delta", 15, 14},
        {"cellone", 17, 16},
        {"celltwo", 17, 32},
        {"| celltwo", 17, 32}, /* the cell separator: where the cell starts */
        {"zebrafish", 18, 22}, /* not the copy inside <script> */
    };
    shelf_extracted e;
    extract_written("report.html", report_html, sizeof report_html - 1, &e);
    assert_true(e.layout.nanchors > 0);
    check_places(&e, want, sizeof want / sizeof *want);
    shelf_extracted_free(&e);
}

static void test_converted_charset_counts_source_characters(void **state)
{
    (void)state;
    static const expected_place want[] = {
        {"caf\xc3\xa9", 2, 16}, {"owners", 2, 21}, {"ordered", 2, 36}, {"marzipan", 2, 44}};
    shelf_extracted e;
    extract_written("cp1252.html", cp1252_html, sizeof cp1252_html - 1, &e);
    assert_int_equal(e.encoding, SHELF_ENC_CP1252);
    check_places(&e, want, sizeof want / sizeof *want);
    shelf_extracted_free(&e);
}

/* Navigation left out of the text (a DocBook table of contents naming
 * the section below it) is still walked in the source, so the section's
 * own words are placed on their own lines, not on the contents line. */
static const char toc_html[] =
    "<html><body>\n"                                                  /* 1 */
    "<div class=\"toc\"><dl>\n"                                       /* 2 */
    "<dt><a href=\"#b\">3.1. The boot loader</a></dt>\n"              /* 3 */
    "</dl></div>\n"                                                   /* 4 */
    "<h2 id=\"b\">3.1. The boot loader</h2>\n"                         /* 5 */
    "<p>The boot loader starts the kernel.</p>\n"                     /* 6 */
    "</body></html>\n";                                               /* 7 */

static void test_navigation_left_out_keeps_places(void **state)
{
    (void)state;
    static const expected_place want[] = {{"3.1.", 5, 12}, {"starts", 6, 20}};
    shelf_extracted e;
    extract_written("toc.html", toc_html, sizeof toc_html - 1, &e);
    if (strcmp(e.text, "3.1. The boot loader\n\nThe boot loader starts the kernel.") != 0)
        fail_msg("text: [%s]", e.text);
    check_places(&e, want, sizeof want / sizeof *want);
    shelf_extracted_free(&e);
}

static void test_crlf_lines(void **state)
{
    (void)state;
    static const expected_place want[] = {{"first", 2, 4}, {"second", 3, 1}, {"line", 3, 8}};
    shelf_extracted e;
    extract_written("crlf.html", crlf_html, sizeof crlf_html - 1, &e);
    check_places(&e, want, sizeof want / sizeof *want);
    shelf_extracted_free(&e);
}

static const char notes_md[] = "---\n"
                               "title: Notes\n"
                               "---\n"
                               "# Harbour notes\n"                                                 /* 4 */
                               "\n"
                               "The **quayside** and [lighthouse](http://example.com/x) keeper\n" /* 6 */
                               "  met on `Tuesday` at dawn &amp; dusk.\n"                          /* 7 */
                               "\n"
                               "    code zebrafish line\n" /* 9 */
                               "\n"
                               "> quoted marzipan text\n"; /* 11 */

static void test_markdown_columns(void **state)
{
    (void)state;
    static const expected_place want[] = {
        {"Harbour", 4, 3},    {"quayside", 6, 7},  {"lighthouse", 6, 23}, {"keeper", 6, 57},
        {"met", 7, 3},        {"Tuesday", 7, 11},  {"&", 7, 28}, /* the entity's &amp; */
        {"dusk", 7, 34},      {"zebrafish", 9, 10}, {"marzipan", 11, 10},
    };
    shelf_extracted e;
    extract_written("notes.md", notes_md, sizeof notes_md - 1, &e);
    assert_true(e.layout.nanchors > 0);
    check_places(&e, want, sizeof want / sizeof *want);
    shelf_extracted_free(&e);
}

/* A plain text file keeps the lines of its text: no source map. */
static void test_plain_text_has_no_source_map(void **state)
{
    (void)state;
    static const char text[] = "first line\nsecond zebrafish line\n";
    static const expected_place want[] = {{"zebrafish", 2, 8}};
    shelf_extracted e;
    extract_written("plain.txt", text, sizeof text - 1, &e);
    assert_int_equal(e.layout.nanchors, 0);
    check_places(&e, want, sizeof want / sizeof *want);
    shelf_extracted_free(&e);
}

/* ---- the encoding in the layout record ---- */

static void add_anchor(shelf_layout *l, uint64_t at, uint32_t line, uint32_t column, bool pinned)
{
    shelf_source_anchor a = {at, line, column, pinned};
    assert_int_equal(shelf_layout_add_anchor(l, a), SHELF_OK);
}

static void make_mapped(shelf_layout *l)
{
    l->structured = true;
    assert_int_equal(shelf_layout_add_heading(l, 0, 7, 1), SHELF_OK);
    add_anchor(l, 0, 9, 5, false);
    add_anchor(l, 9, 10, 16, false);
    add_anchor(l, 20, 10, 29, true);
    add_anchor(l, 21, 4, 1, false); /* back to an earlier line */
    add_anchor(l, 99, 70000, 300, false);
}

static void encode(const shelf_layout *l, shelf_buf *b)
{
    shelf_buf_reset(b);
    assert_int_equal(shelf_layout_encode(b, l), SHELF_OK);
}

static void test_source_map_round_trip(void **state)
{
    (void)state;
    shelf_layout l = SHELF_LAYOUT_INIT, back = SHELF_LAYOUT_INIT;
    shelf_buf b = SHELF_BUF_INIT;
    make_mapped(&l);
    encode(&l, &b);
    const uint8_t *p = b.data;
    assert_int_equal(shelf_layout_decode(&p, b.data + b.len, 100, &back), 0);
    assert_ptr_equal(p, b.data + b.len);
    assert_int_equal(back.nanchors, l.nanchors);
    for (size_t i = 0; i < l.nanchors; i++) {
        assert_int_equal(back.anchors[i].text_offset, l.anchors[i].text_offset);
        assert_int_equal(back.anchors[i].line, l.anchors[i].line);
        assert_int_equal(back.anchors[i].column, l.anchors[i].column);
        assert_int_equal(back.anchors[i].pinned, l.anchors[i].pinned);
    }
    assert_int_equal(back.nheadings, 1);
    /* an anchor at the same offset replaces the last; one below is refused */
    add_anchor(&l, 99, 71000, 2, false);
    assert_int_equal(l.nanchors, 5);
    assert_int_equal(l.anchors[4].line, 71000);
    shelf_source_anchor below = {50, 1, 1, false};
    assert_int_equal(shelf_layout_add_anchor(&l, below), SHELF_EINVAL);
    shelf_layout_free(&l);
    shelf_layout_free(&back);
    shelf_buf_free(&b);
}

/* Without a source map a layout encodes as before: flags without bit 2. */
static void test_layout_without_map_encodes_as_before(void **state)
{
    (void)state;
    shelf_layout l = SHELF_LAYOUT_INIT, back = SHELF_LAYOUT_INIT;
    shelf_buf b = SHELF_BUF_INIT;
    l.structured = true;
    assert_int_equal(shelf_layout_add_heading(&l, 3, 4, 2), SHELF_OK);
    encode(&l, &b);
    static const uint8_t before[] = {1, 0, 1, 3, 4, 2}; /* flags, pages, headings */
    assert_int_equal(b.len, sizeof before);
    assert_memory_equal(b.data, before, sizeof before);
    const uint8_t *p = b.data;
    assert_int_equal(shelf_layout_decode(&p, b.data + b.len, 10, &back), 0);
    assert_int_equal(back.nanchors, 0);
    assert_null(shelf_layout_anchor_at(&back, 5));
    shelf_layout_free(&l);
    shelf_layout_free(&back);
    shelf_buf_free(&b);
}

static void expect_refused(const uint8_t *bytes, size_t n, uint64_t text_len, const char *what)
{
    shelf_layout back = SHELF_LAYOUT_INIT;
    const uint8_t *p = bytes;
    if (shelf_layout_decode(&p, bytes + n, text_len, &back) != -1)
        fail_msg("damaged source map accepted: %s", what);
    assert_ptr_equal(p, bytes);
    assert_int_equal(back.nanchors, 0);
    shelf_layout_free(&back);
}

static void test_damaged_source_map_refused(void **state)
{
    (void)state;
    shelf_layout l = SHELF_LAYOUT_INIT;
    shelf_buf b = SHELF_BUF_INIT;
    make_mapped(&l);
    encode(&l, &b);
    for (size_t cut = 0; cut < b.len; cut++)
        expect_refused(b.data, cut, 100, "truncated");
    expect_refused(b.data, b.len, 99, "anchor at the text's end");
    /* flags 4 (map), no pages, no headings, then the anchors */
    static const uint8_t empty_map[] = {4, 0, 0, 0};
    expect_refused(empty_map, sizeof empty_map, 10, "map with no anchors");
    static const uint8_t same_offset[] = {4, 0, 0, 2, 0, 2, 2, 0, 2, 2};
    expect_refused(same_offset, sizeof same_offset, 10, "two anchors at one offset");
    static const uint8_t line_zero[] = {4, 0, 0, 1, 0, 0, 2};
    expect_refused(line_zero, sizeof line_zero, 10, "line 0");
    static const uint8_t line_below_one[] = {4, 0, 0, 2, 0, 2, 2, 1, 3, 2};
    expect_refused(line_below_one, sizeof line_below_one, 10, "line back to 0");
    static const uint8_t column_zero[] = {4, 0, 0, 1, 0, 2, 1};
    expect_refused(column_zero, sizeof column_zero, 10, "column 0 (pinned)");
    static const uint8_t past_text[] = {4, 0, 0, 1, 10, 2, 2};
    expect_refused(past_text, sizeof past_text, 10, "offset past the text");
    static const uint8_t unknown_flag[] = {16, 0, 0};
    expect_refused(unknown_flag, sizeof unknown_flag, 10, "unknown flag bit");
    static const uint8_t good[] = {4, 0, 0, 1, 0, 2, 2};
    shelf_layout back = SHELF_LAYOUT_INIT;
    const uint8_t *p = good;
    assert_int_equal(shelf_layout_decode(&p, good + sizeof good, 10, &back), 0);
    assert_int_equal(back.nanchors, 1);
    shelf_layout_free(&back);
    shelf_layout_free(&l);
    shelf_buf_free(&b);
}

/* place.c: pinned anchors keep their column; others count characters. */
static void test_place_through_anchors(void **state)
{
    (void)state;
    static const char text[] = "caf\xc3\xa9 & more";
    shelf_layout l = SHELF_LAYOUT_INIT;
    add_anchor(&l, 0, 3, 10, false);
    add_anchor(&l, 6, 3, 20, true);  /* "&" from "&amp;" at column 20 */
    add_anchor(&l, 7, 3, 25, false); /* " more" after it */
    size_t line, column;
    assert_true(shelf_source_line_column(text, &l, 3, &line, &column)); /* é */
    assert_int_equal(line, 3);
    assert_int_equal(column, 13);
    assert_true(shelf_source_line_column(text, &l, 6, &line, &column));
    assert_int_equal(column, 20);
    assert_true(shelf_source_line_column(text, &l, 8, &line, &column)); /* m */
    assert_int_equal(column, 26);
    size_t page;
    shelf_page_line_of(text, &l, 8, &page, &line);
    assert_int_equal(page, 0);
    assert_int_equal(line, 3);
    assert_int_equal(shelf_text_line_of(text, &l, 8), 1);
    assert_false(shelf_source_line_column(text, NULL, 8, &line, &column));
    shelf_layout_free(&l);
}

/* /api/doc's line: the stored line showing a cited source line. */
static void test_text_line_for_source_line(void **state)
{
    (void)state;
    static const char text[] = "para one\n\npara two words\nlast\n";
    shelf_layout l = SHELF_LAYOUT_INIT;
    assert_int_equal(shelf_text_line_for_source(text, &l, 7), 7); /* no map: as asked */
    add_anchor(&l, 0, 10, 4, false);
    add_anchor(&l, 5, 11, 1, false);  /* "one" wraps to source line 11 */
    add_anchor(&l, 10, 15, 4, false); /* text line 3 */
    add_anchor(&l, 25, 16, 1, false); /* text line 4 */
    assert_int_equal(shelf_text_line_for_source(text, &l, 1), 1);
    assert_int_equal(shelf_text_line_for_source(text, &l, 11), 1);
    assert_int_equal(shelf_text_line_for_source(text, &l, 12), 3); /* no text from 12-14 */
    assert_int_equal(shelf_text_line_for_source(text, &l, 16), 4);
    assert_int_equal(shelf_text_line_for_source(text, &l, 99), 4);
    shelf_layout_free(&l);
}

/* ---- the searcher, both backends ---- */

static void expect_json_place(const char *idx, const char *word, size_t line, size_t column)
{
    char *out = ts_run_ok("'%s' --index '%s' --json %s", SEARCHER_BIN, idx, word);
    jv v;
    assert_true(json_parse(out, strlen(out), &v));
    const jv *hits = jget_type(&v, "hits", J_ARR);
    assert_true(hits->n > 0);
    const jv *snippets = jget_type(&hits->kids[0], "snippets", J_ARR);
    assert_true(snippets->n > 0);
    assert_int_equal(jget_type(&snippets->kids[0], "line", J_NUM)->num, line);
    assert_int_equal(jget_type(&snippets->kids[0], "column", J_NUM)->num, column);
    jv_free(&v);
    free(out);
}

static void check_backend(const char *backend)
{
    char *src = ts_strf("%s/shelf-%s", ts_tmp, backend);
    char *idx = ts_strf("%s/idx-%s", ts_tmp, backend);
    free(ts_write_file(src, "report.html", report_html, sizeof report_html - 1));
    free(ts_run_ok("'%s' --quiet --backend %s --index '%s' '%s'", INDEXER_BIN, backend, idx, src));
    /* passages start at their sentence: "cafés sell zebrafish", "Tuesday at dawn" */
    char *out = ts_run_ok("'%s' --index '%s' zebrafish", SEARCHER_BIN, idx);
    ts_expect_in(out, "report.html:18:4", "the text form");
    free(out);
    out = ts_run_ok("'%s' --index '%s' dawn", SEARCHER_BIN, idx);
    ts_expect_in(out, "report.html:10:9", "the text form"); /* "The quayside ..." */
    free(out);
    expect_json_place(idx, "zebrafish", 18, 4);
    expect_json_place(idx, "celltwo", 17, 16);
    out = ts_run_ok("'%s' --index '%s' --cite zebrafish", SEARCHER_BIN, idx);
    ts_expect_in(out, "report.html, line 18)", "--cite");
    free(out);
    out = ts_run_ok("'%s' --index '%s' --cite-format json zebrafish", SEARCHER_BIN, idx);
    ts_expect_in(out, "\"line\":18,\"column\":4", "--cite-format json");
    free(out);
    out = ts_run_ok("'%s' --index '%s' --context 1 gamma", SEARCHER_BIN, idx);
    ts_expect_in(out, ">     15 |     gamma<delta", "--context numbered by source line");
    free(out);
    free(idx);
    free(src);
}

static void test_native_cites_source_lines(void **state)
{
    (void)state;
    check_backend("native");
}

static void test_xapian_cites_source_lines(void **state)
{
    (void)state;
    check_backend("xapian");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_cite_their_source_line_and_column),
        cmocka_unit_test(test_converted_charset_counts_source_characters),
        cmocka_unit_test(test_crlf_lines),
        cmocka_unit_test(test_navigation_left_out_keeps_places),
        cmocka_unit_test(test_markdown_columns),
        cmocka_unit_test(test_plain_text_has_no_source_map),
        cmocka_unit_test(test_source_map_round_trip),
        cmocka_unit_test(test_layout_without_map_encodes_as_before),
        cmocka_unit_test(test_damaged_source_map_refused),
        cmocka_unit_test(test_place_through_anchors),
        cmocka_unit_test(test_text_line_for_source_line),
        cmocka_unit_test(test_native_cites_source_lines),
        cmocka_unit_test(test_xapian_cites_source_lines),
    };
    return cmocka_run_group_tests(tests, ts_setup_tmp, ts_teardown_tmp);
}
