/*
 * test_page_spans.c - passages and quotations that run on across a page
 * start (present/pagespan.h, passage.h, cite.h): made-up texts with a
 * layout of four pages labelled i, ii, 1, 2, joined as the PDF rules join
 * them (a single line break where a paragraph runs on, a blank line
 * otherwise).
 *
 * Checked: the quote of a sentence across a page start holds the whole
 * sentence and names both pages, whether the next page goes on in lower
 * case or with a capital; a sentence that ends at its page's end names one
 * page; a blank line at a page start still stops quotes and passages; a
 * passage across a page start records its last page and line.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "extract/layout.h"
#include "present/cite.h"
#include "present/pagespan.h"
#include "present/passage.h"
#include "util/error.h"

/* Page i runs on into page ii in lower case; page ii ends a sentence at
 * its end; page 1 runs on into page 2 with a capital; page 2 ends a
 * paragraph without a full stop before a blank line. */
static const char PAGE_I[] = "Preface\n"
                             "\n"
                             "The treaty was signed in a small town. The phrase blue carbon\n";
static const char PAGE_II[] = "credits appears in the annex of the treaty. The annex closes the\n"
                              "second page.\n"
                              "\n";
static const char PAGE_1[] = "Body text starts here. The sentence that crosses is held by the\n";
static const char PAGE_2[] = "NATO Council in spring. Afterwards all went home.\n"
                             "\n"
                             "A closing paragraph without an end\n"
                             "\n"
                             "Appendix notes follow here.\n";

typedef struct paged {
    char text[1024];
    size_t len;
    shelf_layout layout;
} paged;

static void add_page(paged *d, const char *page_text, const char *label)
{
    assert_int_equal(shelf_layout_add_page(&d->layout, d->len), SHELF_OK);
    assert_int_equal(shelf_layout_add_label(&d->layout, label, strlen(label)), SHELF_OK);
    size_t n = strlen(page_text);
    assert_true(d->len + n < sizeof d->text);
    memcpy(d->text + d->len, page_text, n + 1);
    d->len += n;
}

static int setup(void **state)
{
    static paged d;
    memset(&d, 0, sizeof d);
    d.layout = (shelf_layout)SHELF_LAYOUT_INIT;
    add_page(&d, PAGE_I, "i");
    add_page(&d, PAGE_II, "ii");
    add_page(&d, PAGE_1, "1");
    add_page(&d, PAGE_2, "2");
    *state = &d;
    return 0;
}

static int teardown(void **state)
{
    paged *d = *state;
    shelf_layout_free(&d->layout);
    return 0;
}

static size_t at(const paged *d, const char *s)
{
    const char *p = strstr(d->text, s);
    assert_non_null(p);
    return (size_t)(p - d->text);
}

/* The quote of a passage [start, end) highlighting the words hl[0..n). */
static void quote_of_words(const paged *d, const char *const *hl, size_t n, shelf_quote *q)
{
    shelf_highlight h[4];
    size_t start = at(d, hl[0]), end = at(d, hl[n - 1]) + strlen(hl[n - 1]);
    for (size_t i = 0; i < n; i++)
        h[i] = (shelf_highlight){at(d, hl[i]) - start, at(d, hl[i]) + strlen(hl[i]) - start};
    shelf_passage p = {.start = start, .end = end, .highlights = h, .nhighlights = n};
    shelf_quote_of(d->text, d->len, &d->layout, &p, q);
}

static void assert_quote(const paged *d, const shelf_quote *q, const char *want)
{
    assert_true(q->whole_sentences);
    assert_int_equal(q->end - q->start, strlen(want));
    assert_memory_equal(d->text + q->start, want, strlen(want));
}

static void test_lower_case_run_on_cites_both_pages(void **state)
{
    const paged *d = *state;
    shelf_quote q;
    quote_of_words(d, (const char *const[]){"carbon", "credits"}, 2, &q);
    assert_quote(d, &q, "The phrase blue carbon\ncredits appears in the annex of the treaty.");
    assert_int_equal(q.page, 1);
    assert_int_equal(q.end_page, 2);
    /* a match only on the second page still quotes from the first */
    quote_of_words(d, (const char *const[]){"annex"}, 1, &q);
    assert_quote(d, &q, "The phrase blue carbon\ncredits appears in the annex of the treaty.");
    assert_int_equal(q.page, 1);
    assert_int_equal(q.end_page, 2);
}

static void test_capital_run_on_cites_both_pages(void **state)
{
    const paged *d = *state;
    shelf_quote q;
    quote_of_words(d, (const char *const[]){"Council"}, 1, &q);
    assert_quote(d, &q, "The sentence that crosses is held by the\nNATO Council in spring.");
    assert_int_equal(q.page, 3);
    assert_int_equal(q.end_page, 4);
    quote_of_words(d, (const char *const[]){"crosses"}, 1, &q);
    assert_quote(d, &q, "The sentence that crosses is held by the\nNATO Council in spring.");
    assert_int_equal(q.end_page, 4);
    assert_int_equal(q.line, 1); /* line 1 of page 1 (the third page) */
}

static void test_sentence_ending_at_page_end_cites_one_page(void **state)
{
    const paged *d = *state;
    shelf_quote q;
    quote_of_words(d, (const char *const[]){"closes"}, 1, &q);
    assert_quote(d, &q, "The annex closes the\nsecond page.");
    assert_int_equal(q.page, 2);
    assert_int_equal(q.end_page, 2);
    /* the next page starts a sentence of its own */
    quote_of_words(d, (const char *const[]){"Body"}, 1, &q);
    assert_quote(d, &q, "Body text starts here.");
    assert_int_equal(q.page, 3);
    assert_int_equal(q.end_page, 3);
}

static void test_blank_line_stops_quotes(void **state)
{
    const paged *d = *state;
    shelf_quote q;
    quote_of_words(d, (const char *const[]){"closing"}, 1, &q);
    assert_quote(d, &q, "A closing paragraph without an end");
    assert_int_equal(q.end_page, 4);
    /* a sentence that ends inside its page names that page alone, and the
     * heading before the blank line stays out */
    quote_of_words(d, (const char *const[]){"treaty"}, 1, &q);
    assert_quote(d, &q, "The treaty was signed in a small town.");
    assert_int_equal(q.end_page, 1);
}

/* Without a layout the same text quotes only what textnav's rule allows:
 * the capital after the break ends the sentence. */
static void test_unpaged_keeps_the_line_rule(void **state)
{
    const paged *d = *state;
    size_t pos = at(d, "crosses");
    size_t floor = at(d, "Body");
    shelf_paged_paragraph unpaged, paged_para;
    shelf_paged_paragraph_init(&unpaged, d->text, NULL, floor, d->len);
    shelf_paged_paragraph_init(&paged_para, d->text, &d->layout, floor, d->len);
    assert_int_equal(shelf_sentence_end_paged(&unpaged, pos), at(d, "the\nNATO") + 3);
    assert_int_equal(shelf_sentence_end_paged(&paged_para, pos), at(d, "spring.") + strlen("spring."));
    assert_int_equal(shelf_sentence_start_paged(&paged_para, at(d, "Council")), at(d, "The sentence"));
    assert_int_equal(shelf_last_page_of(&d->layout, at(d, "Body"), at(d, "NATO") + 1), 4);
    assert_int_equal(shelf_last_page_of(&d->layout, at(d, "Body"), at(d, "NATO")), 3);
    assert_int_equal(shelf_last_page_of(NULL, 0, 10), 0);
}

/* One span per word given; all of one leaf. */
static void spans_of(const paged *d, const char *const *words, size_t n, shelf_span *at_, shelf_spans *s)
{
    for (size_t i = 0; i < n; i++) {
        size_t a = at(d, words[i]);
        at_[i] = (shelf_span){(uint32_t)i, (uint32_t)i, a, a + strlen(words[i]), (uint32_t)i, 1.0};
    }
    *s = (shelf_spans){at_, n, n, (uint32_t)n};
}

static void test_passage_across_page_start(void **state)
{
    const paged *d = *state;
    shelf_span sp[2];
    shelf_spans s;
    spans_of(d, (const char *const[]){"carbon", "credits"}, 2, sp, &s);
    shelf_passage_opts o = {1, 200, 0, false};
    shelf_passages out;
    shelf_err err = {0};
    assert_int_equal(shelf_passages_pick(d->text, d->len, &d->layout, &s, &o, &out, &err), SHELF_OK);
    assert_int_equal(out.count, 1);
    const shelf_passage *p = &out.at[0];
    assert_true(p->start < at(d, "credits") && p->end > at(d, "credits"));
    assert_int_equal(p->page, 1);
    assert_int_equal(p->end_page, 2);
    assert_int_equal(p->line, 3);     /* "The treaty..." is line 3 of page i */
    /* the paragraph's end, on page ii's second line, not past the blank line */
    assert_int_equal(p->end, at(d, "second page.") + strlen("second page."));
    assert_int_equal(p->end_line, 2);
    assert_int_equal(p->nhighlights, 2);
    shelf_passages_free(&out);

    /* a passage on one page has end_page == page */
    spans_of(d, (const char *const[]){"Appendix"}, 1, sp, &s);
    assert_int_equal(shelf_passages_pick(d->text, d->len, &d->layout, &s, &o, &out, &err), SHELF_OK);
    assert_int_equal(out.count, 1);
    assert_int_equal(out.at[0].page, 4);
    assert_int_equal(out.at[0].end_page, 4);
    shelf_passages_free(&out);
}

/* A passage never takes in the paragraph after a blank line that falls at a
 * page start, however wide. */
static void test_passage_stops_at_blank_line(void **state)
{
    const paged *d = *state;
    shelf_span sp[1];
    shelf_spans s;
    spans_of(d, (const char *const[]){"second"}, 1, sp, &s);
    shelf_passage_opts o = {1, 400, 0, false};
    shelf_passages out;
    shelf_err err = {0};
    assert_int_equal(shelf_passages_pick(d->text, d->len, &d->layout, &s, &o, &out, &err), SHELF_OK);
    assert_int_equal(out.count, 1);
    assert_int_equal(out.at[0].end, at(d, "second page.") + strlen("second page."));
    assert_int_equal(out.at[0].end_page, 2);
    assert_false(out.at[0].cut_after);
    shelf_passages_free(&out);
}

/* A word rejoined across the page break leaves the next page's start
 * inside a line: the quote runs on without a line break to read over. */
static void test_page_start_inside_a_line(void **state)
{
    static const char text[] = "Notes\n\nThe forces train for interoperability with partners.\n";
    shelf_layout l = SHELF_LAYOUT_INIT;
    size_t second = (size_t)(strstr(text, " with") - text);
    assert_int_equal(shelf_layout_add_page(&l, 0), SHELF_OK);
    assert_int_equal(shelf_layout_add_page(&l, second), SHELF_OK);
    size_t a = (size_t)(strstr(text, "partners") - text);
    shelf_highlight h = {0, strlen("partners")};
    shelf_passage p = {.start = a, .end = a + strlen("partners"), .highlights = &h, .nhighlights = 1};
    shelf_quote q;
    shelf_quote_of(text, strlen(text), &l, &p, &q);
    assert_int_equal(q.start, (size_t)(strstr(text, "The forces") - text));
    assert_int_equal(q.end, strlen(text) - 1);
    assert_int_equal(q.page, 1);
    assert_int_equal(q.end_page, 2);
    shelf_layout_free(&l);
}

/* Inside a PDF paragraph every single line break is the typesetter's wrap:
 * a sentence runs on whatever the next line starts with (a capital, a
 * digit), but not into a list item, nor past a line that ends a sentence
 * or ends short of its paragraph's width (pagespan.h). */
static void quote_in(const char *text, const shelf_layout *l, const char *word, shelf_quote *q)
{
    size_t a = (size_t)(strstr(text, word) - text);
    shelf_highlight h = {0, strlen(word)};
    shelf_passage p = {.start = a, .end = a + strlen(word), .highlights = &h, .nhighlights = 1};
    shelf_quote_of(text, strlen(text), l, &p, q);
}

static void assert_quoted(const char *text, const shelf_quote *q, const char *want)
{
    assert_true(q->whole_sentences);
    if (q->end - q->start != strlen(want))
        fail_msg("quoted \"%.*s\", want \"%s\"", (int)(q->end - q->start), text + q->start, want);
    assert_memory_equal(text + q->start, want, strlen(want));
}

static void test_wrapped_lines_inside_a_pdf_paragraph(void **state)
{
    (void)state;
    static const char text[] = "Formats\n"
                               "\n"
                               "Any file whose name matches will be given this\n"
                               "MIME type (subject to rules). The default weight is\n"
                               "50, and the maximum is 100.\n"
                               "These are kept:\n"
                               "\xe2\x80\xa2 first item here\n"
                               "\xe2\x80\xa2 second item here\n"
                               "2) numbered item\n"
                               "Done.\n"
                               "Next line.\n";
    shelf_layout l = SHELF_LAYOUT_INIT;
    assert_int_equal(shelf_layout_add_page(&l, 0), SHELF_OK);
    shelf_quote q;
    quote_in(text, &l, "MIME", &q);
    assert_quoted(text, &q, "Any file whose name matches will be given this\nMIME type (subject to rules).");
    quote_in(text, &l, "maximum", &q);
    assert_quoted(text, &q, "The default weight is\n50, and the maximum is 100.");
    quote_in(text, &l, "second", &q);
    assert_quoted(text, &q, "\xe2\x80\xa2 second item here");
    quote_in(text, &l, "numbered", &q);
    assert_quoted(text, &q, "2) numbered item"); /* a short line ends where it was ended */
    quote_in(text, &l, "Next", &q);
    assert_quoted(text, &q, "Next line.");
    /* unpaged (plain text), the capital and the digit still end the line's sentence */
    shelf_layout plain = SHELF_LAYOUT_INIT;
    quote_in(text, &plain, "maximum", &q);
    assert_quoted(text, &q, "50, and the maximum is 100.");
    shelf_layout_free(&l);
}

/* A PDF table or listing can be one paragraph of thousands of lines with
 * no full stop: every line is full and starts with a capital, so a
 * sentence runs on across every break.  Quoting a word in it must cost
 * time in proportion to the lines crossed: it measured the paragraph's
 * widest line again at every break: 40,000 lines took 37 s, 60,000 over a
 * minute (the alarm fails the test); now milliseconds. */
static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "quoting in a long PDF paragraph took over 30 s\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(1);
}

static void test_long_paragraph_quotes_in_linear_time(void **state)
{
    (void)state;
    enum { LINES = 60000 };
    size_t cap = (size_t)LINES * 48 + 64;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t len = 0;
    for (int i = 0; i < LINES; i++)
        len += (size_t)snprintf(text + len, cap - len, "Row %05d alpha beta gamma delta epsilon\n", i);
    shelf_layout l = SHELF_LAYOUT_INIT;
    for (int page = 0; page < LINES / 50; page++)
        assert_int_equal(shelf_layout_add_page(&l, (size_t)page * (len / LINES) * 50), SHELF_OK);
    signal(SIGALRM, on_alarm);
    alarm(30);
    shelf_quote q;
    quote_in(text, &l, "Row 20000", &q);
    alarm(0);
    assert_false(q.whole_sentences); /* longer than a quotation may be */
    assert_int_equal(q.start, (size_t)(strstr(text, "Row 20000") - text));
    shelf_layout_free(&l);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lower_case_run_on_cites_both_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capital_run_on_cites_both_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sentence_ending_at_page_end_cites_one_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blank_line_stops_quotes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unpaged_keeps_the_line_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passage_across_page_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passage_stops_at_blank_line, setup, teardown),
        cmocka_unit_test(test_page_start_inside_a_line),
        cmocka_unit_test(test_wrapped_lines_inside_a_pdf_paragraph),
        cmocka_unit_test(test_long_paragraph_quotes_in_linear_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
