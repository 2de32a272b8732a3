/*
 * test_paragraphs.c - plain text with one paragraph per line
 * (extract/paragraphs.h) against hard-wrapped text.
 *
 * The sample shelf's military-diplomacy-in-nato.txt holds each paragraph on
 * one line, with no blank lines, and title-like lines as headings.  The
 * same text hard-wrapped at 72 columns with blank lines between paragraphs
 * (made here) is what README-like files look like.  Checked, through the
 * library and through the command line: the rule tells the two apart;
 * quotations in the first never take in the heading line before them, and
 * their section is that heading; in the second, quotations still run over
 * the wrapped lines and sections still need their blank lines.
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

#include "extract/layout.h"
#include "present/cite.h"
#include "extract/paragraphs.h"
#include "present/place.h"
#include "support.h"

#define SAMPLE CORPUS_DIR "/military-diplomacy-in-nato.txt"
#define HEADING "The Significance of Military Diplomacy in the Context of NATO"
#define SENTENCE                                                                               \
    "Military diplomacy serves as a fundamental mechanism for NATO, enabling member states to " \
    "navigate complex geopolitical landscapes."

/* text hard-wrapped at width columns, a blank line after every line of the
 * original (every paragraph and heading). */
static char *hard_wrapped(const char *text, size_t width)
{
    ts_sbuf b = {0};
    const char *line = text;
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        size_t col = 0;
        const char *w = line;
        while (w < line + n) {
            const char *sp = memchr(w, ' ', (size_t)(line + n - w));
            size_t wl = sp ? (size_t)(sp - w) : (size_t)(line + n - w);
            if (col && col + 1 + wl > width) {
                ts_sb_add(&b, "\n");
                col = 0;
            } else if (col) {
                ts_sb_add(&b, " ");
                col++;
            }
            ts_sb_addn(&b, w, wl);
            col += wl;
            w += wl + (sp ? 1 : 0);
        }
        ts_sb_add(&b, "\n\n");
        line += n + (end ? 1 : 0);
    }
    return ts_sb_take(&b);
}

static char *sample(size_t *len)
{
    char *t = ts_read_file(SAMPLE, len);
    assert_non_null(t);
    return t;
}

static void test_rule_tells_them_apart(void **state)
{
    size_t len;
    char *t = sample(&len);
    assert_true(shelf_one_paragraph_per_line(t, len, NULL));
    shelf_layout plain = SHELF_LAYOUT_INIT, structured = SHELF_LAYOUT_INIT, paged = SHELF_LAYOUT_INIT;
    assert_true(shelf_one_paragraph_per_line(t, len, &plain));
    structured.structured = true; /* HTML and Markdown mark their paragraphs */
    assert_false(shelf_one_paragraph_per_line(t, len, &structured));
    assert_int_equal(shelf_layout_add_page(&paged, 0), SHELF_OK); /* PDF */
    assert_false(shelf_one_paragraph_per_line(t, len, &paged));
    shelf_layout_free(&paged);
    for (size_t width = 60; width <= 100; width += 8) {
        char *w = hard_wrapped(t, width);
        assert_false(shelf_one_paragraph_per_line(w, strlen(w), NULL));
        free(w);
    }
    /* the same wrapped without blank lines: still hard-wrapped */
    char *w = hard_wrapped(t, 72);
    char *dst = w;
    for (const char *p = w; *p; p++)
        if (!(p[0] == '\n' && p[1] == '\n'))
            *dst++ = *p;
    *dst = '\0';
    assert_false(shelf_one_paragraph_per_line(w, strlen(w), NULL));
    free(w);
    /* one long line is no habit */
    static const char one[] = "Short first line.\n"
        "A single long line of two hundred characters or so, which goes on and on about the "
        "alliance and its partners, the summit and its declarations, the budget and the plans for "
        "the years to come, and then it ends.\nShort last line.\n";
    assert_false(shelf_one_paragraph_per_line(one, strlen(one), NULL));
    free(t);
}

/* The quote and section of the passage [start, end) highlighting word. */
static void cite_word(const char *t, size_t len, const char *word, shelf_quote *q, shelf_place *at)
{
    const char *w = strstr(t, word);
    assert_non_null(w);
    size_t a = (size_t)(w - t);
    shelf_highlight h = {0, strlen(word)};
    shelf_passage p = {.start = a, .end = a + strlen(word), .highlights = &h, .nhighlights = 1};
    shelf_quote_of(t, len, NULL, &p, q);
    shelf_place_of(t, len, NULL, a, 2000, at);
}

static void test_one_per_line_quotes_and_sections(void **state)
{
    size_t len;
    char *t = sample(&len);
    shelf_quote q;
    shelf_place at;
    cite_word(t, len, "fundamental mechanism", &q, &at);
    assert_int_equal(q.end - q.start, strlen(SENTENCE));
    assert_memory_equal(t + q.start, SENTENCE, strlen(SENTENCE));
    assert_int_equal(at.section_len, strlen(HEADING));
    assert_memory_equal(t + at.section_start, HEADING, strlen(HEADING));
    /* a match in the heading quotes the heading alone */
    cite_word(t, len, "Significance of Military", &q, &at);
    assert_int_equal(q.end - q.start, strlen(HEADING));
    free(t);
}

static void test_hard_wrapped_unchanged(void **state)
{
    size_t len;
    char *t = sample(&len);
    char *w = hard_wrapped(t, 72);
    shelf_quote q;
    shelf_place at;
    cite_word(w, strlen(w), "fundamental mechanism", &q, &at);
    /* the sentence, over its wrapped lines */
    char *quoted = strndup(w + q.start, q.end - q.start);
    for (char *p = quoted; *p; p++)
        if (*p == '\n')
            *p = ' ';
    assert_string_equal(quoted, SENTENCE);
    assert_non_null(memchr(w + q.start, '\n', q.end - q.start));
    free(quoted);
    assert_int_equal(at.section_len, strlen(HEADING));
    assert_memory_equal(w + at.section_start, HEADING, strlen(HEADING));
    /* without blank lines around it a title-like line is no heading there */
    static const char glued[] = "Plain Title Line\nSome text right after it, wrapped\n"
                                "at a narrow width, goes on here.\n";
    cite_word(glued, strlen(glued), "narrow", &q, &at);
    assert_int_equal(at.section_len, 0);
    free(w);
    free(t);
}

/* ---- through the command line ---- */

typedef struct shelf_dir {
    char *root, *index;
} shelf_dir;

static void index_files(shelf_dir *d, const char *name, const char *text)
{
    d->root = ts_mkdtemp();
    d->index = ts_strf("%s/index", d->root);
    free(ts_write_file(d->root, name, text, strlen(text)));
    char *cmd = ts_strf("%s --index %s %s/%s 2>/dev/null", INDEXER_BIN, d->index, d->root, name);
    char *out = NULL;
    assert_int_equal(ts_run(cmd, &out, NULL), 0);
    free(out);
    free(cmd);
}

static char *search(const shelf_dir *d, const char *args)
{
    char *cmd = ts_strf("%s --index %s %s", SEARCHER_BIN, d->index, args);
    char *out = NULL;
    int rc = ts_run(cmd, &out, NULL);
    if (rc != 0)
        fail_msg("%s: exit %d", cmd, rc);
    free(cmd);
    return out;
}

static void shelf_dir_free(shelf_dir *d)
{
    ts_rmtree(d->root);
    free(d->root);
    free(d->index);
}

static void test_cli_sample_shelf(void **state)
{
    size_t len;
    char *t = sample(&len);
    shelf_dir d;
    index_files(&d, "military-diplomacy-in-nato.txt", t);
    /* no quotation holds the heading glued to the paragraph after it */
    char *out = search(&d, "--cite -n 1 --passages 5 'military diplomacy'");
    assert_null(strstr(out, "Context of NATO Military"));
    free(out);
    out = search(&d, "--cite 'fundamental mechanism'");
    assert_non_null(strstr(out, "“" SENTENCE "” ("));
    free(out);
    out = search(&d, "--cite --cite-format json 'fundamental mechanism'");
    assert_non_null(strstr(out, "\"quote\":\"" SENTENCE "\""));
    assert_non_null(strstr(out, "\"section\":\"" HEADING "\""));
    free(out);
    out = search(&d, "--cite --cite-format markdown 'fundamental mechanism'");
    assert_non_null(strstr(out, ", line 5, § " HEADING "\n"));
    free(out);
    /* the text form: no "…" before a passage that starts its line */
    out = search(&d, "--color never 'fundamental mechanism'");
    assert_non_null(strstr(out, ":5:1  § " HEADING "\n    Military diplomacy serves"));
    free(out);
    shelf_dir_free(&d);
    free(t);
}

static void test_cli_hard_wrapped(void **state)
{
    size_t len;
    char *t = sample(&len);
    char *w = hard_wrapped(t, 72);
    shelf_dir d;
    index_files(&d, "wrapped.txt", w);
    char *out = search(&d, "--cite 'fundamental mechanism'");
    assert_non_null(strstr(out, "“" SENTENCE "” ("));
    free(out);
    out = search(&d, "--cite --cite-format markdown 'fundamental mechanism'");
    assert_non_null(strstr(out, "§ " HEADING "\n"));
    free(out);
    shelf_dir_free(&d);
    free(w);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_tells_them_apart),
        cmocka_unit_test(test_one_per_line_quotes_and_sections),
        cmocka_unit_test(test_hard_wrapped_unchanged),
        cmocka_unit_test(test_cli_sample_shelf),
        cmocka_unit_test(test_cli_hard_wrapped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
