/*
 * test_pdfstruct.c - the PDF structure rules (extract/pdfstruct.h) on
 * made-up pages: running heads and page numbers left out, headings from the
 * outline and from type, paragraphs from the layout, hyphens and ligatures,
 * paragraphs across page breaks, titles, authors and dates.
 *
 * Pages are US letter (612 x 792 pt); body lines are 10 pt, 13 pt apart,
 * from x = 90 to the right margin at 522.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "extract/doctext.h"
#include "extract/pdfstruct.h"
#include "util/error.h"

#define MAX_PAGES 12
#define MAX_LINES 40
#define LEFT 90.0f
#define RIGHT 522.0f
#define BODY 10.0f
#define PITCH 13.0f

typedef struct fake {
    shelf_pdfdoc doc;
    shelf_pdf_page pages[MAX_PAGES];
    shelf_pdf_line lines[MAX_PAGES][MAX_LINES];
    char labels[MAX_PAGES][8];
    shelf_pdf_outline_entry outline[8];
    float y; /* where the next body line of the current page goes */
} fake;

static void start(fake *f)
{
    memset(f, 0, sizeof *f);
    f->doc.pages = f->pages;
    f->doc.outline = f->outline;
}

static void new_page(fake *f, const char *label)
{
    size_t p = f->doc.npages++;
    snprintf(f->labels[p], sizeof f->labels[p], "%s", label ? label : "");
    if (!label)
        snprintf(f->labels[p], sizeof f->labels[p], "%zu", p + 1);
    f->pages[p] = (shelf_pdf_page){.width = 612, .height = 792, .label = f->labels[p],
                                   .label_len = strlen(f->labels[p]), .lines = f->lines[p]};
    f->y = 100;
}

/* A line anywhere on the current page. */
static void line_at(fake *f, const char *text, float x0, float x1, float y, float size, bool bold)
{
    shelf_pdf_page *pg = &f->pages[f->doc.npages - 1];
    pg->lines[pg->nlines++] = (shelf_pdf_line){.text = text, .len = strlen(text), .x0 = x0,
                                               .x1 = x1, .y0 = y, .y1 = y + size,
                                               .font_size = size, .bold = bold};
}

/* The next body line (full width), and one that ends short. */
static void body(fake *f, const char *text)
{
    line_at(f, text, LEFT, RIGHT, f->y, BODY, false);
    f->y += PITCH;
}

static void body_short(fake *f, const char *text)
{
    line_at(f, text, LEFT, 300, f->y, BODY, false);
    f->y += PITCH;
}

static void add_space(fake *f, float points)
{
    f->y += points;
}

static void heading(fake *f, const char *text, float size, bool bold)
{
    f->y += 10;
    line_at(f, text, LEFT, 300, f->y, size, bold);
    f->y += size + 10;
}

static void build(fake *f, shelf_doctext *out)
{
    shelf_err err = {0};
    memset(out, 0, sizeof *out);
    int rc = shelf_pdfdoc_build("doc.pdf", &f->doc, out, &err);
    if (rc != SHELF_OK)
        fail_msg("build failed: %s", err.msg);
    assert_int_equal(out->layout.npages, f->doc.npages);
    assert_int_equal(out->layout.pages[0], 0);
    for (size_t p = 1; p < out->layout.npages; p++)
        assert_true(out->layout.pages[p] > out->layout.pages[p - 1]);
    assert_true(out->layout.structured);
    assert_int_equal(strlen(out->text), out->len);
}

static bool contains(const shelf_doctext *d, const char *s)
{
    return strstr(d->text, s) != NULL;
}

/* The text of page p (1-based) as a NUL-terminated copy in buf. */
static const char *page_text(const shelf_doctext *d, size_t p, char *buf, size_t cap)
{
    uint64_t a = d->layout.pages[p - 1];
    uint64_t b = p < d->layout.npages ? d->layout.pages[p] : d->len;
    snprintf(buf, cap, "%.*s", (int)(b - a), d->text + a);
    return buf;
}

static void heading_text(const shelf_doctext *d, size_t i, char *buf, size_t cap)
{
    const shelf_heading *h = &d->layout.headings[i];
    snprintf(buf, cap, "%.*s", (int)h->len, d->text + h->start);
}

/* ------------------------------------------------------------ running heads */

static void test_running_heads_and_footers_left_out(void **state)
{
    fake f;
    start(&f);
    static char numbers[4][4];
    static char footers[4][24];
    for (int p = 0; p < 4; p++) {
        new_page(&f, NULL);
        snprintf(numbers[p], sizeof numbers[p], "%d", p + 1);
        snprintf(footers[p], sizeof footers[p], "Page %d of 4", p + 1);
        line_at(&f, "Chapter 2: Objects", LEFT, 182, 50, 9, false);
        line_at(&f, numbers[p], 516, RIGHT, 50, 9, false);
        body(&f, "Body text that says something.");
        body_short(&f, "Chapter 2: Objects");
        line_at(&f, footers[p], 280, 330, 750, 9, false);
    }
    shelf_doctext d;
    build(&f, &d);
    char page[256];
    assert_string_equal(page_text(&d, 1, page, sizeof page),
                        "Body text that says something.\nChapter 2: Objects\n\n");
    assert_false(contains(&d, "Page 2"));
    assert_false(contains(&d, "\n4"));
    shelf_doctext_free(&d);
}

/* Book style: even pages carry the chapter title, odd pages the section
 * title, each with the page number at one end; the titles change. */
static void test_alternating_heads_left_out(void **state)
{
    static const char *heads[] = {"2 Chapter Two", "Section A 3", "4 Chapter Two",
                                  "Section B 5", "6 Chapter Three", "Other words 7"};
    fake f;
    start(&f);
    for (int p = 0; p < 6; p++) {
        new_page(&f, heads[p] + (p % 2 ? strlen(heads[p]) - 1 : 0));
        f.labels[p][0] = (char)('2' + p);
        f.labels[p][1] = '\0';
        f.pages[p].label_len = 1;
        line_at(&f, heads[p], LEFT, RIGHT, 50, 9, false);
        body(&f, "Plain body words.");
        for (int k = 0; k < 8; k++)
            body(&f, heads[(p + 1) % 6] + 1); /* a page of lines that differ */
    }
    shelf_doctext d;
    build(&f, &d);
    for (int p = 0; p < 6; p++)
        assert_null(strstr(d.text, heads[p]));
    assert_true(contains(&d, "Plain body words."));
    shelf_doctext_free(&d);
}

/* A chapter too short for its running head to recur (the FHS's "Appendix",
 * on one page) loses it all the same: it sits where the document's
 * recurring heads sit, in their type, set apart; a paragraph running on
 * over the page break no longer takes it in.  A larger line there (a
 * chapter's title) and the body stay. */
static void test_short_chapter_head_left_out(void **state)
{
    static char lines[8][30][48];
    fake f;
    start(&f);
    for (int p = 0; p < 8; p++) {
        new_page(&f, NULL);
        if (p < 6)
            line_at(&f, "The Root Filesystem", 250, 350, 40, 9, false);
        else if (p == 6)
            line_at(&f, "Appendix", 280, 320, 40, 9, false);
        else
            line_at(&f, "Appendix Two", LEFT, 250, 40, 14, false);
        if (p == 6)
            body(&f, "wider arena including other systems, and more.");
        for (int k = 0; k < 30; k++) {
            snprintf(lines[p][k], sizeof lines[p][k], "Body line %d of page %d says this.", k, p);
            body(&f, lines[p][k]);
        }
        if (p == 5)
            body(&f, "It builds on earlier work but in a");
    }
    shelf_doctext d;
    build(&f, &d);
    assert_false(contains(&d, "Root Filesystem"));
    assert_false(contains(&d, "Appendix\n"));
    if (!contains(&d, "but in a\nwider arena"))
        fail_msg("text: [%s]", d.text);
    assert_true(contains(&d, "Appendix Two"));
    shelf_doctext_free(&d);
}

/* Without running heads or footers, the foot of a full text block is body
 * text: a body line that happens to recur there set apart ("Examples:"
 * closing 3 pages of 12) makes no running slot, and another page's last
 * paragraph ending on that baseline stays. */
static void test_text_block_foot_kept(void **state)
{
    static const char *const words[] = {"alpha", "bravo", "charlie", "delta", "echo",
                                        "foxtrot", "golf", "hotel", "india", "juliet",
                                        "kilo", "lima", "mike", "november", "oscar"};
    static char lines[12][20][64];
    fake f;
    start(&f);
    for (int p = 0; p < 12; p++) {
        new_page(&f, NULL);
        for (int k = 0; k < 20; k++) {
            snprintf(lines[p][k], sizeof lines[p][k], "Body %s %s words that differ.", words[k % 15],
                     words[(p + k / 15) % 15]);
            body(&f, lines[p][k]);
        }
        add_space(&f, 20);
        if (p < 3)
            body_short(&f, "Examples:");
        else if (p == 3)
            body(&f, "A unique closing line of the last paragraph.");
    }
    shelf_doctext d;
    build(&f, &d);
    assert_true(contains(&d, "A unique closing line of the last paragraph."));
    shelf_doctext_free(&d);
}

/* A top line that merely looks like a head stays: no recurrence, no page
 * number; a lone page number (here the roman label) goes. */
static void test_lookalike_body_line_kept(void **state)
{
    fake f;
    start(&f);
    new_page(&f, "iv");
    line_at(&f, "Chapter 2: Objects", LEFT, 182, 50, BODY, false);
    body(&f, "More words.");
    line_at(&f, "iv", 300, 310, 750, 9, false);
    new_page(&f, "v");
    line_at(&f, "Chapter 3: Values", LEFT, 182, 50, BODY, false);
    body(&f, "Still more words.");
    shelf_doctext d;
    build(&f, &d);
    assert_true(contains(&d, "Chapter 2: Objects"));
    assert_true(contains(&d, "Chapter 3: Values"));
    assert_false(contains(&d, "iv"));
    assert_string_equal(d.layout.label_text.data + d.layout.label_at[0], "iv");
    shelf_doctext_free(&d);
}

/* A number at the foot of a page that is not its page number stays, and
 * pieces of one line are joined with a space. */
static void test_other_numbers_at_the_foot_kept(void **state)
{
    fake f;
    start(&f);
    for (int p = 0; p < 3; p++) {
        new_page(&f, NULL);
        for (int k = 0; k < 6; k++)
            body(&f, k % 2 ? "Contents line of the list" : "Another entry of the list");
        static const char *entries[] = {"Crisis Prevention and Management", "Peace Operations",
                                        "Partnerships"};
        line_at(&f, entries[p], LEFT, 250, f.y, BODY, false);
        line_at(&f, p == 0 ? "97" : p == 1 ? "98" : "99", 400, 410, f.y, BODY, false);
    }
    shelf_doctext d;
    build(&f, &d);
    assert_true(contains(&d, "Crisis Prevention and Management 97"));
    assert_true(contains(&d, "Partnerships 99"));
    shelf_doctext_free(&d);
}

/* ----------------------------------------------------------------- headings */

static void test_headings_from_outline(void **state)
{
    fake f;
    start(&f);
    new_page(&f, "5");
    body(&f, "function, in accordance with call-by-value.");
    heading(&f, "2.1.8 Promise objects", 12, true);
    float y = f.y - 22;
    body(&f, "Promise objects are part of R's lazy evaluation mechanism.");
    body(&f, "They contain three slots.");
    f.outline[0] = (shelf_pdf_outline_entry){"Promise objects", 15, 3, 1, y - 5};
    f.outline[1] = (shelf_pdf_outline_entry){"Not on the page", 15, 1, 1, 10};
    f.outline[2] = (shelf_pdf_outline_entry){"Elsewhere", 9, 1, 7, 10};
    f.doc.noutline = 3;
    shelf_doctext d;
    build(&f, &d);
    assert_int_equal(d.layout.nheadings, 1);
    char h[128];
    heading_text(&d, 0, h, sizeof h);
    assert_string_equal(h, "2.1.8 Promise objects");
    assert_int_equal(d.layout.headings[0].level, 3);
    assert_true(contains(&d, "call-by-value.\n\n2.1.8 Promise objects\n\nPromise objects are"));
    shelf_doctext_free(&d);
}

/* The entry's y picks the right one of two lines with its title. */
static void test_outline_entry_position_chooses_line(void **state)
{
    fake f;
    start(&f);
    new_page(&f, NULL);
    heading(&f, "Results", 12, true);
    body(&f, "Some results.");
    add_space(&f, 100);
    float y = f.y;
    heading(&f, "Results", 12, true);
    body(&f, "Other results.");
    f.outline[0] = (shelf_pdf_outline_entry){"1 Results", 9, 2, 1, y};
    f.doc.noutline = 1;
    shelf_doctext d;
    build(&f, &d);
    assert_int_equal(d.layout.nheadings, 1);
    assert_true(strncmp(d.text + d.layout.headings[0].start, "Results\n\nOther", 14) == 0);
    assert_int_equal(d.layout.headings[0].level, 2);
    shelf_doctext_free(&d);
}

/* Outline titles and heading lines often differ in punctuation beyond
 * ASCII (a typeset ’ for the outline's ', an en dash) and in the case of
 * accented letters: they still match (the beamer user guide's "1.4 How to
 * Read this User’s Guide" used to be no heading). */
static void test_outline_matches_beyond_ascii(void **state)
{
    fake f;
    start(&f);
    new_page(&f, NULL);
    heading(&f, "1.4 How to Read this User\xe2\x80\x99s Guide", 12, true);
    body(&f, "Read it front to back.");
    heading(&f, "1.5 Tutorial \xe2\x80\x93 Euclid", 12, true);
    body(&f, "A presentation.");
    heading(&f, "2 \xc3\x89TUDE DES CAS", 12, true);
    body(&f, "Cases.");
    f.outline[0] = (shelf_pdf_outline_entry){"How to Read this User's Guide", 29, 2, 1, -1};
    f.outline[1] = (shelf_pdf_outline_entry){"Tutorial - Euclid", 17, 2, 1, -1};
    f.outline[2] = (shelf_pdf_outline_entry){"\xc3\x89tude des cas", 15, 1, 1, -1};
    f.doc.noutline = 3;
    shelf_doctext d;
    build(&f, &d);
    assert_int_equal(d.layout.nheadings, 3);
    char h[128];
    heading_text(&d, 0, h, sizeof h);
    assert_string_equal(h, "1.4 How to Read this User\xe2\x80\x99s Guide");
    heading_text(&d, 1, h, sizeof h);
    assert_string_equal(h, "1.5 Tutorial \xe2\x80\x93 Euclid");
    heading_text(&d, 2, h, sizeof h);
    assert_string_equal(h, "2 \xc3\x89TUDE DES CAS");
    assert_int_equal(d.layout.headings[2].level, 1);
    shelf_doctext_free(&d);
}

static void test_headings_from_type(void **state)
{
    fake f;
    start(&f);
    new_page(&f, NULL);
    heading(&f, "A Study of", 16, true);
    line_at(&f, "Long Titles", LEFT, 300, f.y - 8, 16, true);
    f.y += 20;
    body(&f, "Intro text, which is long enough to be the body of the page.");
    body(&f, "And it goes on.");
    heading(&f, "1 Methods", 13, true);
    body(&f, "We did things.");
    heading(&f, "Not a heading,", 13, true);
    body(&f, "More body.");
    body(&f, "Yet more body lines to make ten point the body size here.");
    shelf_doctext d;
    build(&f, &d);
    assert_int_equal(d.layout.nheadings, 2);
    char h[128];
    heading_text(&d, 0, h, sizeof h);
    assert_string_equal(h, "A Study of Long Titles");
    assert_int_equal(d.layout.headings[0].level, 1);
    heading_text(&d, 1, h, sizeof h);
    assert_string_equal(h, "1 Methods");
    assert_int_equal(d.layout.headings[1].level, 2);
    assert_true(contains(&d, "goes on.\n\n1 Methods\n\nWe did things."));
    assert_string_equal(d.title, "A Study of Long Titles");
    shelf_doctext_free(&d);
}

/* Bold body-size lines are headings only when they stand apart. */
static void test_bold_headings_stand_apart(void **state)
{
    fake f;
    start(&f);
    new_page(&f, NULL);
    body(&f, "The body is set in a regular face, ten points.");
    add_space(&f, 8);
    line_at(&f, "Background", LEFT, 200, f.y, BODY, true);
    f.y += PITCH;
    body(&f, "Text under the heading runs on here.");
    line_at(&f, "Bold words inside", LEFT, 200, f.y, BODY, true);
    f.y += PITCH;
    body(&f, "the paragraph are no heading.");
    shelf_doctext d;
    build(&f, &d);
    assert_int_equal(d.layout.nheadings, 1);
    char h[64];
    heading_text(&d, 0, h, sizeof h);
    assert_string_equal(h, "Background");
    shelf_doctext_free(&d);
}

/* --------------------------------------------------------------- paragraphs */

static void test_paragraphs_from_layout(void **state)
{
    fake f;
    start(&f);
    new_page(&f, NULL);
    body(&f, "First paragraph line one");
    body_short(&f, "and its end.");
    line_at(&f, "Indented start of the second", LEFT + 15, RIGHT, f.y, BODY, false);
    f.y += PITCH;
    body_short(&f, "paragraph.");
    add_space(&f, 8);
    body(&f, "Third after a gap");
    body(&f, "continues.");
    shelf_doctext d;
    build(&f, &d);
    assert_string_equal(d.text, "First paragraph line one\nand its end.\n\n"
                                "Indented start of the second\nparagraph.\n\n"
                                "Third after a gap\ncontinues.");
    shelf_doctext_free(&d);
}

static void test_hyphens_and_ligatures(void **state)
{
    fake f;
    start(&f);
    new_page(&f, NULL);
    body(&f, "Standards for interoper-");
    body(&f, "ability matter in the long-");
    body(&f, "term, as long-term plans \xEF\xAC\x81nd and a hy\xC2\xADphen-");
    body(&f, "Ated word stays.");
    shelf_doctext d;
    build(&f, &d);
    assert_string_equal(d.text, "Standards for interoperability matter in the long-term, "
                                "as long-term plans find and a hyphen-\nAted word stays.");
    shelf_doctext_free(&d);
}

/* Chained hyphens inside a line ("a-b-c") are read without overlapping
 * words (this overflowed the word table once); a later break rejoins. */
static void test_chained_hyphens(void **state)
{
    fake f;
    start(&f);
    new_page(&f, NULL);
    body(&f, "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z, and b-");
    body(&f, "c follows.");
    shelf_doctext d;
    build(&f, &d);
    assert_string_equal(d.text, "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z, and bc follows.");
    shelf_doctext_free(&d);
}

/* ------------------------------------------------------------- page breaks */

static void test_paragraph_across_page_break(void **state)
{
    fake f;
    start(&f);
    new_page(&f, NULL);
    body(&f, "The phrase blue carbon");
    new_page(&f, NULL);
    body(&f, "credits appears here.");
    new_page(&f, NULL); /* empty */
    new_page(&f, NULL);
    body(&f, "Finished sentence.");
    new_page(&f, NULL);
    body(&f, "New paragraph with inter-");
    new_page(&f, NULL);
    body(&f, "national law.");
    new_page(&f, NULL);
    body(&f, "A page ending in a hyphen-");
    new_page(&f, NULL);
    body(&f, "ated-");
    new_page(&f, NULL);
    body(&f, "word.");
    shelf_doctext d;
    build(&f, &d);
    char page[128];
    assert_string_equal(page_text(&d, 1, page, sizeof page), "The phrase blue carbon\n");
    assert_string_equal(page_text(&d, 2, page, sizeof page), "credits appears here.\n\n");
    assert_string_equal(page_text(&d, 3, page, sizeof page), "\n");
    assert_string_equal(page_text(&d, 4, page, sizeof page), "Finished sentence.\n\n");
    assert_string_equal(page_text(&d, 5, page, sizeof page), "New paragraph with international");
    assert_string_equal(page_text(&d, 6, page, sizeof page), " law.\n\n");
    assert_string_equal(page_text(&d, 7, page, sizeof page), "A page ending in a hyphen-\n");
    /* "ated" + "-" would leave page 8 nothing: no rejoining across that break */
    assert_string_equal(page_text(&d, 8, page, sizeof page), "atedword");
    assert_string_equal(page_text(&d, 9, page, sizeof page), ".");
    shelf_doctext_free(&d);
}

/* A page ending short, then a capital: a new paragraph. */
static void test_page_break_new_paragraph(void **state)
{
    fake f;
    start(&f);
    new_page(&f, NULL);
    body_short(&f, "A list item without a stop");
    new_page(&f, NULL);
    body(&f, "Another paragraph.");
    shelf_doctext d;
    build(&f, &d);
    assert_string_equal(d.text, "A list item without a stop\n\nAnother paragraph.");
    shelf_doctext_free(&d);
}

/* ---------------------------------------------------------- title and more */

static void test_title_author_date(void **state)
{
    fake f;
    start(&f);
    new_page(&f, NULL);
    line_at(&f, "memo.txt  Sat Dec 05 2026", LEFT, RIGHT, 40, 9, false);
    heading(&f, "Quarterly", 20, false);
    line_at(&f, "Report", LEFT, 300, f.y - 8, 20, false);
    f.y += 30;
    body(&f, "Body.");
    new_page(&f, NULL);
    line_at(&f, "memo.txt  Sat Dec 05 2026", LEFT, RIGHT, 40, 9, false);
    body(&f, "More body.");
    f.doc.title = "memo.txt";
    f.doc.title_len = 8;
    f.doc.author = "  Ann\tLee \x01";
    f.doc.author_len = strlen(f.doc.author);
    memcpy(f.doc.date, "2026-12-05", 11);
    shelf_doctext d;
    build(&f, &d);
    assert_string_equal(d.title, "Quarterly Report");
    assert_string_equal(d.author, "Ann Lee");
    assert_string_equal(d.date, "2026-12-05");
    assert_false(contains(&d, "memo.txt"));
    shelf_doctext_free(&d);

    f.doc.title = "  Annual\x02Review ";
    f.doc.title_len = strlen(f.doc.title);
    f.doc.author_len = 0;
    f.doc.date[0] = '\0';
    build(&f, &d);
    assert_string_equal(d.title, "Annual Review");
    assert_null(d.author);
    assert_null(d.date);
    shelf_doctext_free(&d);
}

/* Placeholders and running heads are no titles; same-size type gives none. */
static void test_title_refusals(void **state)
{
    fake f;
    start(&f);
    for (int p = 0; p < 3; p++) {
        new_page(&f, NULL);
        static const char *last[] = {"One.", "Two.", "Three."};
        line_at(&f, "Acme Corp Internal", LEFT, 200, 40, 9, false);
        body(&f, "Just body text on every page.");
        body(&f, last[p]);
    }
    f.doc.title = "Microsoft Word - draft.docx";
    f.doc.title_len = strlen(f.doc.title);
    shelf_doctext d;
    build(&f, &d);
    assert_null(d.title);
    shelf_doctext_free(&d);
    f.doc.title = "Acme Corp Internal";
    f.doc.title_len = strlen(f.doc.title);
    build(&f, &d);
    assert_null(d.title);
    assert_false(contains(&d, "Acme"));
    shelf_doctext_free(&d);
}

/* A cover title that the later pages repeat as their running head, in
 * smaller type (DocBook and LaTeX specs): the cover's line is the title
 * and stays in the text; the heads still go. */
static void test_cover_title_repeated_as_running_head(void **state)
{
    fake f;
    start(&f);
    new_page(&f, NULL);
    line_at(&f, "Shared Database", 160, 450, 72, 24, false);
    f.y = 120;
    for (int i = 0; i < 30; i++)
        body(&f, "The first page says what this is.");
    static const char *last[] = {"Two.", "Three.", "Four."};
    for (int p = 0; p < 3; p++) {
        new_page(&f, NULL);
        line_at(&f, "Shared Database", LEFT, 200, 72, 9, false);
        for (int i = 0; i < 30; i++)
            body(&f, "Body text on a later page.");
        body(&f, last[p]);
    }
    shelf_doctext d;
    build(&f, &d);
    assert_non_null(d.title);
    assert_string_equal(d.title, "Shared Database");
    char page[256];
    assert_non_null(strstr(page_text(&d, 1, page, sizeof page), "Shared Database"));
    assert_null(strstr(page_text(&d, 2, page, sizeof page), "Shared Database"));
    shelf_doctext_free(&d);
}

/* ------------------------------------------------------------ printed numbers */

static const char *label_of(const shelf_doctext *d, size_t page)
{
    const char *l = shelf_layout_page_label(&d->layout, page);
    return l ? l : "";
}

/* A report without page labels: a cover, a contents page printed "ii",
 * then a body printed 1, 2, (an unnumbered chapter opening), 4, 5 in its
 * footers.  The printed numbers become the labels and leave the text. */
static void test_printed_numbers_without_labels(void **state)
{
    static const char *const footer[] = {NULL, "ii", "1", "Page 2", NULL, "- 4 -", "5"};
    static char words[7][40];
    fake f;
    start(&f);
    for (int p = 0; p < 7; p++) {
        new_page(&f, NULL);
        snprintf(words[p], sizeof words[p], "Body text of sheet %d.", p + 1);
        for (int i = 0; i < 20; i++)
            body(&f, words[p]);
        if (footer[p])
            line_at(&f, footer[p], 290, 320, 750, 9, false);
    }
    shelf_doctext d;
    build(&f, &d);
    static const char *const want[] = {"i", "ii", "1", "2", "3", "4", "5"};
    assert_int_equal(d.layout.nlabels, 7);
    for (size_t p = 1; p <= 7; p++)
        assert_string_equal(label_of(&d, p), want[p - 1]);
    assert_false(contains(&d, "Page 2"));
    assert_false(contains(&d, "- 4 -"));
    assert_false(contains(&d, "\nii"));
    shelf_doctext_free(&d);
}

/* No roman front matter: the sheets before the body's numbers, numbered
 * below 1, are unnumbered pages "[N]". */
static void test_unnumbered_front_pages(void **state)
{
    fake f;
    start(&f);
    static char numbers[6][8];
    for (int p = 0; p < 6; p++) {
        new_page(&f, NULL);
        for (int i = 0; i < 20; i++)
            body(&f, "Some body text that goes on.");
        if (p >= 2) {
            snprintf(numbers[p], sizeof numbers[p], "%d", p - 1);
            line_at(&f, numbers[p], 290, 320, 750, 9, false);
        }
    }
    shelf_doctext d;
    build(&f, &d);
    static const char *const want[] = {"[1]", "[2]", "1", "2", "3", "4"};
    assert_int_equal(d.layout.nlabels, 6);
    for (size_t p = 1; p <= 6; p++)
        assert_string_equal(label_of(&d, p), want[p - 1]);
    shelf_doctext_free(&d);
}

/* Labels the PDF defines are trusted; numbers that are the physical ones,
 * or too few or disagreeing, change nothing. */
static void test_printed_numbers_left_alone(void **state)
{
    fake f;
    shelf_doctext d;
    /* the PDF's own labels (front matter "a", "b") stay */
    start(&f);
    static char numbers[5][8];
    for (int p = 0; p < 5; p++) {
        new_page(&f, p == 0 ? "a" : p == 1 ? "b" : NULL);
        for (int i = 0; i < 20; i++)
            body(&f, "Text.");
        snprintf(numbers[p], sizeof numbers[p], "%d", p + 7);
        line_at(&f, numbers[p], 290, 320, 750, 9, false);
    }
    build(&f, &d);
    assert_string_equal(label_of(&d, 1), "a");
    assert_string_equal(label_of(&d, 3), "3");
    shelf_doctext_free(&d);
    /* printed numbers equal to the physical ones: no labels */
    start(&f);
    for (int p = 0; p < 5; p++) {
        new_page(&f, NULL);
        for (int i = 0; i < 20; i++)
            body(&f, "Text.");
        snprintf(numbers[p], sizeof numbers[p], "%d", p + 1);
        line_at(&f, numbers[p], 290, 320, 750, 9, false);
    }
    build(&f, &d);
    assert_int_equal(d.layout.nlabels, 0);
    shelf_doctext_free(&d);
    /* numbers in the footers that agree on no offset (a table's totals) */
    start(&f);
    static const char *const totals[] = {"12", "40", "7", "93", "18"};
    for (int p = 0; p < 5; p++) {
        new_page(&f, NULL);
        for (int i = 0; i < 20; i++)
            body(&f, "Text.");
        line_at(&f, totals[p], 290, 320, 750, 9, false);
    }
    build(&f, &d);
    assert_int_equal(d.layout.nlabels, 0);
    assert_true(contains(&d, "93"));
    shelf_doctext_free(&d);
}

static void test_no_text_layer(void **state)
{
    fake f;
    start(&f);
    new_page(&f, NULL);
    new_page(&f, NULL);
    line_at(&f, "  \x01 ", LEFT, RIGHT, 100, BODY, false);
    shelf_doctext d;
    memset(&d, 0, sizeof d);
    shelf_err err = {0};
    assert_int_equal(shelf_pdfdoc_build("scan.pdf", &f.doc, &d, &err), SHELF_ESKIP);
    assert_non_null(strstr(err.msg, "scan.pdf"));
    assert_null(d.text);
}

/* Physical labels are dropped; roman front matter keeps them all. */
static void test_labels(void **state)
{
    fake f;
    start(&f);
    new_page(&f, NULL);
    body(&f, "One.");
    new_page(&f, NULL);
    body(&f, "Two.");
    shelf_doctext d;
    build(&f, &d);
    assert_int_equal(d.layout.nlabels, 0);
    shelf_doctext_free(&d);
    start(&f);
    new_page(&f, "i");
    body(&f, "Preface.");
    new_page(&f, "1");
    body(&f, "Body.");
    build(&f, &d);
    assert_int_equal(d.layout.nlabels, 2);
    shelf_doctext_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_running_heads_and_footers_left_out),
        cmocka_unit_test(test_alternating_heads_left_out),
        cmocka_unit_test(test_short_chapter_head_left_out),
        cmocka_unit_test(test_text_block_foot_kept),
        cmocka_unit_test(test_lookalike_body_line_kept),
        cmocka_unit_test(test_other_numbers_at_the_foot_kept),
        cmocka_unit_test(test_headings_from_outline),
        cmocka_unit_test(test_outline_entry_position_chooses_line),
        cmocka_unit_test(test_outline_matches_beyond_ascii),
        cmocka_unit_test(test_headings_from_type),
        cmocka_unit_test(test_bold_headings_stand_apart),
        cmocka_unit_test(test_paragraphs_from_layout),
        cmocka_unit_test(test_hyphens_and_ligatures),
        cmocka_unit_test(test_chained_hyphens),
        cmocka_unit_test(test_paragraph_across_page_break),
        cmocka_unit_test(test_page_break_new_paragraph),
        cmocka_unit_test(test_title_author_date),
        cmocka_unit_test(test_title_refusals),
        cmocka_unit_test(test_cover_title_repeated_as_running_head),
        cmocka_unit_test(test_no_text_layer),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_printed_numbers_without_labels),
        cmocka_unit_test(test_unnumbered_front_pages),
        cmocka_unit_test(test_printed_numbers_left_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
