/*
 * test_pdf_structure.c - what the PDF reader's child collects (lines with
 * their boxes and type, labels, outline, metadata), how the parent decodes
 * it, and what the structure rules make of it, end to end.
 *
 * tests/data/structure.pdf and fontheads.pdf are made by pdflatex from the
 * .tex files next to them (their header comments list what each page
 * holds), so no LaTeX is needed here.  Checked:
 *   - the decoded lines of every page say what `pdftotext -f N -l N` says
 *     (white space normalised; pdftotext rejoins end-of-line hyphens, so
 *     those are rejoined on our side for the comparison); skipped when
 *     pdftotext is not installed;
 *   - boxes, font sizes and bold: headings CMBX12 14.35 pt bold, body CMR10
 *     9.96 pt regular, the running head above the headings, the footer
 *     below the body;
 *   - the outline: titles, levels, pages, and each entry's y at its
 *     heading; a PDF without one has none;
 *   - metadata: title, author, and the creation date as the PDF wrote it
 *     (2023-05-14 at 01:30 +02:00 is the 14th, though the 13th in UTC),
 *     through shelf_extract_file into shelf_extracted;
 *   - the decoder on hand-made results: every truncation, trailing bytes,
 *     counts larger than what is left, a bad kind are "PDF reader crashed";
 *     invalid UTF-8, controls, NaN and unordered boxes, bad dates and
 *     outline pages past the end are repaired;
 *   - the structure rules through the CLI: running heads and footers are in
 *     no passage and not in the text; headings are the sections of the
 *     passages after them (from the outline, and from type alone); the
 *     sentence across the page break is one paragraph; ligatures are
 *     letters;
 *   - `searcher --cite` of the sentence across the page break quotes it
 *     whole, with single spaces, and cites both pages (pp. 1–2).
 */
#include <math.h>
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
#include "extract/pdfwire.h"
#include "json_reader.h"
#include "support.h"
#include "support_run.h"
#include "util/buf.h"
#include "util/error.h"


#define STRUCTURE_PDF TEST_DATA_DIR "/structure.pdf"
#define FONTHEADS_PDF TEST_DATA_DIR "/fontheads.pdf"
#define BUDGET_MS 20000
#define RUNNING_HEAD "Structured Sample Report"
#define RUNNING_FOOT "Draft for review"

static char *g_src, *g_idx;

/* ---- helpers ---- */

static shelf_pdf_read read_pdf(const char *path)
{
    size_t len;
    char *pdf = ts_read_file(path, &len);
    assert_non_null(pdf);
    shelf_pdf_read r;
    shelf_err err = {0};
    int rc = shelf_pdf_read_doc(path, pdf, len, BUDGET_MS, &r, &err);
    if (rc != SHELF_OK)
        fail_msg("%s: %s", path, err.msg);
    free(pdf);
    return r;
}

static bool line_is(const shelf_pdf_line *l, const char *s)
{
    return l->len == strlen(s) && memcmp(l->text, s, l->len) == 0;
}

static const shelf_pdf_line *find_line(const shelf_pdf_page *p, const char *s)
{
    for (size_t i = 0; i < p->nlines; i++)
        if (line_is(&p->lines[i], s))
            return &p->lines[i];
    fail_msg("no line \"%s\"", s);
    return NULL;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* s with every run of white space made one space, trimmed. */
static char *squeeze(const char *s)
{
    ts_sbuf b = {0};
    bool pending = false;
    for (; *s; s++) {
        if (is_space(*s)) {
            pending = b.n > 0;
            continue;
        }
        if (pending)
            ts_sb_add(&b, " ");
        pending = false;
        ts_sb_addn(&b, s, 1);
    }
    return ts_sb_take(&b);
}

static bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

/* A page's lines one after another, a line ending in a letter and '-'
 * joined to a next line starting in lower case without the hyphen (as
 * pdftotext does), others with a space; white space squeezed. */
static char *page_words(const shelf_pdf_page *p)
{
    ts_sbuf b = {0};
    for (size_t i = 0; i < p->nlines; i++) {
        const shelf_pdf_line *l = &p->lines[i];
        bool hyphen = l->len >= 2 && l->text[l->len - 1] == '-' && l->text[l->len - 2] != ' ' &&
                      i + 1 < p->nlines && p->lines[i + 1].len > 0 &&
                      is_lower(p->lines[i + 1].text[0]);
        ts_sb_addn(&b, l->text, hyphen ? l->len - 1 : l->len);
        if (!hyphen)
            ts_sb_add(&b, " ");
    }
    char *joined = ts_sb_take(&b);
    char *words = squeeze(joined);
    free(joined);
    return words;
}

static bool have_pdftotext(void)
{
    char *out = NULL;
    int rc = ts_run("command -v pdftotext", &out, NULL);
    free(out);
    return rc == 0;
}

/* ---- the lines against pdftotext ---- */

static void check_pages_against_pdftotext(const char *path)
{
    shelf_pdf_read r = read_pdf(path);
    for (size_t page = 1; page <= r.doc.npages; page++) {
        char *raw = ts_run_ok("pdftotext -q -enc UTF-8 -f %zu -l %zu '%s' -", page, page, path);
        char *want = squeeze(raw);
        char *got = page_words(&r.doc.pages[page - 1]);
        if (strcmp(got, want) != 0)
            fail_msg("%s page %zu:\n ours:      %s\n pdftotext: %s", path, page, got, want);
        assert_true(strlen(got) > 0);
        free(raw);
        free(want);
        free(got);
    }
    shelf_pdf_read_free(&r);
}

static void test_lines_match_pdftotext(void **state)
{
    if (!have_pdftotext())
        skip();
    check_pages_against_pdftotext(STRUCTURE_PDF);
    check_pages_against_pdftotext(FONTHEADS_PDF);
}

/* ---- boxes, type, labels ---- */

static void expect_font(const shelf_pdf_line *l, float size, bool bold)
{
    if (fabsf(l->font_size - size) > 0.05f || l->bold != bold)
        fail_msg("\"%.*s\": %.2f pt%s, want %.2f pt%s", (int)l->len, l->text, l->font_size,
                 l->bold ? " bold" : "", size, bold ? " bold" : "");
}

static void test_boxes_fonts_and_labels(void **state)
{
    static const char *const labels[] = {"i", "ii", "1", "2"};
    shelf_pdf_read r = read_pdf(STRUCTURE_PDF);
    assert_int_equal(r.doc.npages, 4);
    for (size_t i = 0; i < r.doc.npages; i++) {
        const shelf_pdf_page *p = &r.doc.pages[i];
        assert_int_equal(p->label_len, strlen(labels[i]));
        assert_memory_equal(p->label, labels[i], p->label_len);
        assert_true(fabsf(p->width - 419.53f) < 0.1f && fabsf(p->height - 595.28f) < 0.1f);
        for (size_t k = 0; k < p->nlines; k++) {
            const shelf_pdf_line *l = &p->lines[k];
            assert_true(l->x0 >= 0 && l->x0 < l->x1 && l->x1 <= p->width);
            assert_true(l->y0 >= 0 && l->y0 < l->y1 && l->y1 <= p->height);
            assert_null(memchr(l->text, '\n', l->len));
        }
    }
    const shelf_pdf_page *body = &r.doc.pages[2];
    const shelf_pdf_line *head = find_line(body, RUNNING_HEAD);
    const shelf_pdf_line *heading = find_line(body, "Introduction");
    const shelf_pdf_line *sub = find_line(body, "Background");
    const shelf_pdf_line *text =
        find_line(body, "The zeppelin paragraph opens the body on printed page one.");
    const shelf_pdf_line *foot = find_line(body, RUNNING_FOOT);
    expect_font(head, 9.96f, false);
    expect_font(heading, 14.35f, true);
    expect_font(sub, 11.96f, true);
    expect_font(text, 9.96f, false);
    assert_true(head->y1 < heading->y0 && heading->y1 < text->y0);
    assert_true(text->y1 < foot->y0 && foot->y0 > body->height * 0.75f);
    assert_true(fabsf(text->x0 - 72.0f) < 0.5f); /* 1 inch margin */
    /* the paragraph's first line is indented, the next is not */
    const shelf_pdf_line *first =
        find_line(body, "Each measurement was recorded twice and compared against");
    assert_true(first->x0 > text->x0 + 10);
    shelf_pdf_read_free(&r);
}

/* ---- the outline ---- */

typedef struct want_entry {
    const char *title;
    uint32_t level, page;
    const char *heading; /* the line the entry points at */
} want_entry;

static void test_outline_decoded(void **state)
{
    static const want_entry want[] = {
        {"Preface", 1, 1, "Preface"},         {"Acknowledgements", 1, 2, "Acknowledgements"},
        {"Introduction", 1, 3, "Introduction"}, {"Background", 2, 3, "Background"},
        {"Methods", 1, 3, "Methods"},         {"Sampling", 2, 4, "Sampling"},
        {"Results", 1, 4, "Results"},
    };
    shelf_pdf_read r = read_pdf(STRUCTURE_PDF);
    assert_int_equal(r.doc.noutline, sizeof want / sizeof *want);
    for (size_t i = 0; i < r.doc.noutline; i++) {
        const shelf_pdf_outline_entry *e = &r.doc.outline[i];
        assert_int_equal(e->title_len, strlen(want[i].title));
        assert_memory_equal(e->title, want[i].title, e->title_len);
        assert_int_equal(e->level, want[i].level);
        assert_int_equal(e->page, want[i].page);
        const shelf_pdf_line *h = find_line(&r.doc.pages[e->page - 1], want[i].heading);
        /* hyperref's anchor sits at or a little above the heading's top */
        if (!(e->y <= h->y0 + 0.5f && e->y > h->y0 - 12))
            fail_msg("%s: outline y %.1f, heading top %.1f", want[i].title, e->y, h->y0);
    }
    shelf_pdf_read_free(&r);
    r = read_pdf(FONTHEADS_PDF);
    assert_int_equal(r.doc.noutline, 0);
    expect_font(find_line(&r.doc.pages[0], "Harbour Survey"), 14.35f, true);
    expect_font(find_line(&r.doc.pages[0], "Tide Tables"), 11.96f, true);
    shelf_pdf_read_free(&r);
}

/* ---- metadata ---- */

static void test_metadata(void **state)
{
    shelf_pdf_read r = read_pdf(STRUCTURE_PDF);
    assert_int_equal(r.doc.title_len, strlen("A Structured Sample Report"));
    assert_memory_equal(r.doc.title, "A Structured Sample Report", r.doc.title_len);
    assert_int_equal(r.doc.author_len, strlen("Ada Lovelace and Charles Babbage"));
    assert_memory_equal(r.doc.author, "Ada Lovelace and Charles Babbage", r.doc.author_len);
    assert_string_equal(r.doc.date, "2023-05-14"); /* the 13th in UTC */
    shelf_pdf_read_free(&r);

    shelf_extracted e;
    shelf_err err = {0};
    assert_int_equal(shelf_extract_file(STRUCTURE_PDF, &e, &err), SHELF_OK);
    assert_int_equal(e.format, SHELF_FORMAT_PDF);
    assert_string_equal(e.author, "Ada Lovelace and Charles Babbage");
    assert_string_equal(e.date, "2023-05-14");
    assert_int_equal(e.title_len, strlen("A Structured Sample Report"));
    assert_memory_equal(e.title, "A Structured Sample Report", e.title_len);
    shelf_extracted_free(&e);
    assert_int_equal(shelf_extract_file(FONTHEADS_PDF, &e, &err), SHELF_OK);
    assert_string_equal(e.author, "Grace Hopper");
    assert_string_equal(e.date, "2023-05-13"); /* pdfTeX's own date, in UTC */
    shelf_extracted_free(&e);
}

/* ---- the decoder on hand-made results ---- */

static void put_f32(shelf_buf *b, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    assert_int_equal(shelf_buf_put_u32le(b, bits), SHELF_OK);
}

static void put_str(shelf_buf *b, const char *s, size_t n)
{
    assert_int_equal(shelf_buf_put_u32le(b, (uint32_t)n), SHELF_OK);
    assert_int_equal(shelf_buf_append(b, s, n), SHELF_OK);
}

#define PUT_STR(b, lit) put_str(b, lit, sizeof lit - 1)

static void put_line(shelf_buf *b, const char *text, size_t n, const float box[5], uint8_t flags)
{
    put_str(b, text, n);
    for (int k = 0; k < 5; k++)
        put_f32(b, box[k]);
    assert_int_equal(shelf_buf_put_u8(b, flags), SHELF_OK);
}

/* One page of two lines (the second with invalid UTF-8, controls, a NaN
 * and unordered corners), an outline of two entries (the second with bad
 * numbers); date as given. */
static shelf_buf sample_body(const char *date)
{
    static const float good[5] = {72, 90, 300, 100, 10};
    const float bad[5] = {NAN, 200, 100, 190, -3};
    shelf_buf b = SHELF_BUF_INIT;
    assert_int_equal(shelf_buf_put_u8(&b, SHELF_PDF_RESULT_OK), SHELF_OK);
    PUT_STR(&b, "Title\x01here");
    PUT_STR(&b, "An Author");
    put_str(&b, date, strlen(date));
    assert_int_equal(shelf_buf_put_u32le(&b, 1), SHELF_OK);
    put_f32(&b, 612);
    put_f32(&b, -792);
    PUT_STR(&b, "iv");
    assert_int_equal(shelf_buf_put_u32le(&b, 2), SHELF_OK);
    put_line(&b, "Plain line", 10, good, 1);
    static const char odd[] = "a\xff" "b\tc\nd\xe2\x80\xa8" "e";
    put_line(&b, odd, sizeof odd - 1, bad, 0);
    assert_int_equal(shelf_buf_put_u32le(&b, 2), SHELF_OK);
    PUT_STR(&b, "Chapter");
    assert_int_equal(shelf_buf_put_u32le(&b, 1), SHELF_OK);
    assert_int_equal(shelf_buf_put_u32le(&b, 1), SHELF_OK);
    put_f32(&b, 88);
    PUT_STR(&b, "Lost");
    assert_int_equal(shelf_buf_put_u32le(&b, 0), SHELF_OK);
    assert_int_equal(shelf_buf_put_u32le(&b, 9), SHELF_OK);
    put_f32(&b, INFINITY);
    return b;
}

static int decode_copy(const shelf_buf *b, size_t len, shelf_pdf_read *r, shelf_err *err)
{
    shelf_buf copy = SHELF_BUF_INIT;
    assert_int_equal(shelf_buf_append(&copy, b->data, len), SHELF_OK);
    int rc = shelf_pdf_decode("x.pdf", &copy, r, err);
    assert_null(copy.data);
    return rc;
}

static void expect_text(const char *s, size_t n, const char *want)
{
    if (n != strlen(want) || memcmp(s, want, n) != 0)
        fail_msg("\"%.*s\", want \"%s\"", (int)n, s, want);
}

static void test_decoder_repairs(void **state)
{
    shelf_buf b = sample_body("2023-05-14");
    shelf_pdf_read r;
    shelf_err err = {0};
    assert_int_equal(decode_copy(&b, b.len, &r, &err), SHELF_OK);
    expect_text(r.doc.title, r.doc.title_len, "Title here");
    expect_text(r.doc.author, r.doc.author_len, "An Author");
    assert_string_equal(r.doc.date, "2023-05-14");
    assert_int_equal(r.doc.npages, 1);
    const shelf_pdf_page *p = &r.doc.pages[0];
    assert_true(p->width == 612 && p->height == 0);
    expect_text(p->label, p->label_len, "iv");
    assert_int_equal(p->nlines, 2);
    expect_text(p->lines[0].text, p->lines[0].len, "Plain line");
    assert_true(p->lines[0].bold && p->lines[0].font_size == 10 && p->lines[0].x1 == 300);
    const shelf_pdf_line *l = &p->lines[1];
    expect_text(l->text, l->len, "a\xEF\xBF\xBD" "b c d e");
    assert_true(l->x0 == 0 && l->x1 == 100 && l->y0 == 190 && l->y1 == 200);
    assert_true(l->font_size == 0 && !l->bold);
    assert_int_equal(r.doc.noutline, 2);
    expect_text(r.doc.outline[0].title, r.doc.outline[0].title_len, "Chapter");
    assert_true(r.doc.outline[0].level == 1 && r.doc.outline[0].page == 1 &&
                r.doc.outline[0].y == 88);
    assert_true(r.doc.outline[1].level == 1 && r.doc.outline[1].page == 0 &&
                r.doc.outline[1].y == -1);
    shelf_pdf_read_free(&r);
    shelf_buf_free(&b);
    static const char *const bad_dates[] = {"", "2023-5-14", "2023-05-14T", "2023/05/14",
                                            "abcd-ef-gh"};
    for (size_t i = 0; i < sizeof bad_dates / sizeof *bad_dates; i++) {
        b = sample_body(bad_dates[i]);
        assert_int_equal(decode_copy(&b, b.len, &r, &err), SHELF_OK);
        assert_string_equal(r.doc.date, "");
        shelf_pdf_read_free(&r);
        shelf_buf_free(&b);
    }
}

static void expect_crashed(int rc, const shelf_pdf_read *r, const shelf_err *err)
{
    assert_int_equal(rc, SHELF_ESKIP);
    assert_string_equal(err->msg, "x.pdf: PDF reader crashed (damaged PDF?)");
    assert_null(r->doc.pages);
    assert_null(r->body.data);
}

static void test_decoder_refuses_malformed(void **state)
{
    shelf_buf b = sample_body("2023-05-14");
    shelf_pdf_read r;
    shelf_err err = {0};
    for (size_t cut = 0; cut < b.len; cut++)
        expect_crashed(decode_copy(&b, cut, &r, &err), &r, &err);
    assert_int_equal(shelf_buf_put_u8(&b, 0), SHELF_OK); /* a byte too many */
    expect_crashed(decode_copy(&b, b.len, &r, &err), &r, &err);
    b.data[0] = 7; /* no such kind */
    expect_crashed(decode_copy(&b, b.len, &r, &err), &r, &err);
    shelf_buf_free(&b);

    /* counts that cannot fit in what is left */
    shelf_buf c = SHELF_BUF_INIT;
    assert_int_equal(shelf_buf_put_u8(&c, SHELF_PDF_RESULT_OK), SHELF_OK);
    PUT_STR(&c, "");
    PUT_STR(&c, "");
    PUT_STR(&c, "");
    assert_int_equal(shelf_buf_put_u32le(&c, UINT32_MAX), SHELF_OK);
    expect_crashed(decode_copy(&c, c.len, &r, &err), &r, &err);
    c.len -= 4;
    assert_int_equal(shelf_buf_put_u32le(&c, 0), SHELF_OK); /* no pages */
    assert_int_equal(shelf_buf_put_u32le(&c, 0), SHELF_OK); /* no outline */
    assert_int_equal(decode_copy(&c, c.len, &r, &err), SHELF_ESKIP);
    assert_string_equal(err.msg, "x.pdf: damaged PDF: no pages");
    shelf_buf_free(&c);

    assert_int_equal(shelf_buf_put_u8(&c, SHELF_PDF_RESULT_ENCRYPTED), SHELF_OK);
    assert_int_equal(decode_copy(&c, c.len, &r, &err), SHELF_ESKIP);
    assert_string_equal(err.msg, "x.pdf: encrypted PDF (needs a password)");
    c.data[0] = SHELF_PDF_RESULT_DAMAGED;
    PUT_STR(&c, "bad\nxref\xff");
    assert_int_equal(decode_copy(&c, c.len, &r, &err), SHELF_ESKIP);
    assert_string_equal(err.msg, "x.pdf: damaged PDF: bad xref\xEF\xBF\xBD");
    shelf_buf_free(&c);
}

/* ---- the structure rules, end to end ---- */

static const jv *first_snippet(const jv *v)
{
    const jv *hits = jget_type(v, "hits", J_ARR);
    if (hits->n == 0)
        fail_msg("no hits");
    const jv *snippets = jget_type(&hits->kids[0], "snippets", J_ARR);
    if (snippets->n == 0)
        fail_msg("no snippets");
    return &snippets->kids[0];
}

/* The first passage for word: its section must be `section`, it must not
 * hold the heading itself nor a running head or footer. */
static void check_passage(const char *word, const char *section, size_t page)
{
    jv v;
    char *out = ts_run_ok("'%s' --index '%s' --json %s", SEARCHER_BIN, g_idx, word);
    assert_true(json_parse(out, strlen(out), &v));
    const jv *s = first_snippet(&v);
    const char *text = jget_type(s, "text", J_STR)->s;
    assert_string_equal(jget_type(s, "section", J_STR)->s, section);
    assert_int_equal(jget_type(s, "page", J_NUM)->num, page);
    if (strstr(text, section) || strstr(text, RUNNING_HEAD) || strstr(text, RUNNING_FOOT))
        fail_msg("passage for %s holds a heading or running head: %s", word, text);
    jv_free(&v);
    free(out);
}

static void test_headings_are_sections(void **state)
{
    check_passage("frontispiece", "Preface", 1);
    check_passage("zeppelin", "1 Introduction", 3);
    check_passage("quasar", "2.1 Sampling", 4);
    check_passage("nebula", "3 Results", 4);
    /* no outline: headings by type alone */
    check_passage("lighthouse", "Harbour Survey", 1);
    check_passage("barnacle", "Tide Tables", 1);
    check_passage("cumulus", "Weather Notes", 2);
}

static void test_text_without_running_heads(void **state)
{
    shelf_extracted e;
    shelf_err err = {0};
    assert_int_equal(shelf_extract_file(STRUCTURE_PDF, &e, &err), SHELF_OK);
    if (strstr(e.text, RUNNING_HEAD) || strstr(e.text, RUNNING_FOOT))
        fail_msg("a running head or footer is in the text:\n%s", e.text);
    shelf_extracted_free(&e);
}

static void test_paragraphs_hyphens_ligatures(void **state)
{
    shelf_extracted e;
    shelf_err err = {0};
    assert_int_equal(shelf_extract_file(STRUCTURE_PDF, &e, &err), SHELF_OK);
    /* ligatures as letters, hyphens rejoined */
    assert_non_null(strstr(e.text, "office found an efficient and fluid way"));
    assert_null(strstr(e.text, "\xEF\xAC")); /* U+FB00..U+FB3F */
    assert_non_null(strstr(e.text, "interoperability"));
    assert_non_null(strstr(e.text, "laboratory notebook"));
    /* the sentence across the page break: one paragraph, page 4 inside it */
    const char *from = strstr(e.text, "The albatross sentence");
    const char *to = strstr(e.text, "next to the marimba.");
    assert_non_null(from);
    assert_non_null(to);
    for (const char *c = from; c + 1 < to; c++)
        if (c[0] == '\n' && c[1] == '\n')
            fail_msg("blank line inside the sentence across the page break: %.*s",
                     (int)(to - from), from);
    size_t at_from = (size_t)(from - e.text), at_to = (size_t)(to - e.text);
    assert_int_equal(shelf_layout_page_of(&e.layout, at_from), 3);
    assert_int_equal(shelf_layout_page_of(&e.layout, at_to), 4);
    shelf_extracted_free(&e);
}

static void test_cite_across_page_break(void **state)
{
    char *out = ts_run_ok("'%s' --index '%s' --cite albatross", SEARCHER_BIN, g_idx);
    if (!strstr(out, "\xE2\x80\x9CThe albatross sentence starts") ||
        !strstr(out, "xylophone on the following page, next to the marimba.\xE2\x80\x9D"))
        fail_msg("the sentence across the page break is not quoted whole: %s", out);
    if (!strstr(out, "pp. 1\xE2\x80\x93" "2"))
        fail_msg("the sentence across the page break does not cite pp. 1-2: %s", out);
    free(out);
}

static int setup(void **state)
{
    ts_setup_tmp(state);
    g_src = ts_strf("%s/src", ts_tmp);
    g_idx = ts_strf("%s/idx", ts_tmp);
    const char *pdfs[] = {STRUCTURE_PDF, FONTHEADS_PDF};
    const char *names[] = {"structure.pdf", "fontheads.pdf"};
    for (int i = 0; i < 2; i++)
        if (ts_copy_into(g_src, names[i], pdfs[i]) != 0)
            return -1;
    char *cmd = ts_strf("'%s' --quiet --index '%s' '%s'", INDEXER_BIN, g_idx, g_src);
    char *out = NULL;
    int rc = ts_run(cmd, &out, NULL);
    free(out);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    ts_teardown_tmp(state);
    free(g_src);
    free(g_idx);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_match_pdftotext),
        cmocka_unit_test(test_boxes_fonts_and_labels),
        cmocka_unit_test(test_outline_decoded),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_decoder_repairs),
        cmocka_unit_test(test_decoder_refuses_malformed),
        cmocka_unit_test(test_headings_are_sections),
        cmocka_unit_test(test_text_without_running_heads),
        cmocka_unit_test(test_paragraphs_hyphens_ligatures),
        cmocka_unit_test(test_cite_across_page_break),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
