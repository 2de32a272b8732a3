/*
 * test_extract_markdown.c - the Markdown reader (common/extract/markdown.c):
 * source line numbers kept line for line, inline markup dropped (link and
 * image targets never indexed), code kept, heading layout ranges, front
 * matter (title, keys hidden), link reference definitions, CRLF, deep
 * nesting, the empty document, and the real corpus read as Markdown.
 *
 * Every input is copied into a heap block of exactly its length first, so a
 * read past its end shows up under AddressSanitizer.
 */
#include <dirent.h>
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
#include "support.h"

/* Extract n bytes of Markdown; fails the test on an error. */
static void extract_n(const char *md, size_t n, shelf_doctext *out)
{
    char *copy = ts_exact_copy(md, n);
    shelf_err err = {0};
    int rc = shelf_extract_markdown("doc.md", copy, n, out, &err);
    free(copy);
    if (rc != SHELF_OK)
        fail_msg("shelf_extract_markdown: %d %s", rc, err.msg);
    assert_non_null(out->text);
    assert_int_equal(out->text[out->len], '\0');
    assert_int_equal(strlen(out->text), out->len);
}

static void extract(const char *md, shelf_doctext *out)
{
    extract_n(md, strlen(md), out);
}

/* Line n (1-based) of text, malloc'd; NULL past the end. */
static char *line_of(const char *text, size_t n)
{
    const char *p = text;
    for (size_t i = 1; i < n; i++) {
        p = strchr(p, '\n');
        if (!p)
            return NULL;
        p++;
    }
    size_t len = strcspn(p, "\n");
    char *s = malloc(len + 1);
    assert_non_null(s);
    memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

static void assert_line(const char *text, size_t n, const char *expected)
{
    char *got = line_of(text, n);
    if (!got)
        fail_msg("line %zu missing, expected \"%s\"", n, expected);
    if (strcmp(got, expected) != 0)
        fail_msg("line %zu: got \"%s\", expected \"%s\"", n, got, expected);
    free(got);
}

static size_t count_char(const char *s, size_t len, char c)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == c;
    return n;
}

static void assert_heading(const shelf_doctext *d, size_t i, const char *text, uint32_t level)
{
    assert_true(i < d->layout.nheadings);
    const shelf_heading *h = &d->layout.headings[i];
    assert_true(h->start + h->len <= d->len);
    if (h->len != strlen(text) || memcmp(d->text + h->start, text, h->len) != 0)
        fail_msg("heading %zu: got \"%.*s\", expected \"%s\"", i, (int)h->len,
                 d->text + h->start, text);
    assert_int_equal(h->level, level);
}

static bool valid_utf8(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > len)
            return false;
        for (size_t k = 1; k < n; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
        i += n;
    }
    return true;
}

/* Line for line: the sample source (numbered) and the expected output. */
static const char *const sample[][2] = {
    /*  1 */ {"---", ""},
    /*  2 */ {"title: \"Quoted Title\"", ""},
    /*  3 */ {"author: Jane Hiddenkey", ""},
    /*  4 */ {"tags: [alpha, beta]", ""},
    /*  5 */ {"---", ""},
    /*  6 */ {"# Main Heading", "Main Heading"},
    /*  7 */ {"", ""},
    /*  8 */ {"Intro with *emphasis*, **strong** and `code span`.",
              "Intro with emphasis, strong and code span."},
    /*  9 */ {"See [link text](https://example.com/secret-word \"Link Tooltip\") here.",
              "See link text here."},
    /* 10 */ {"An image ![alt words](picture.png \"img tooltip\") inline.",
              "An image alt words inline."},
    /* 11 */ {"Autolink <https://auto.example.org> and <b>bold html</b> end.",
              "Autolink https://auto.example.org and bold html end."},
    /* 12 */ {"Caf\xc3\xa9 &amp; \\*escaped\\* caf\xc3\xa9s.   ",
              "Caf\xc3\xa9 & *escaped* caf\xc3\xa9s."},
    /* 13 */ {"", ""},
    /* 14 */ {"Setext Heading", "Setext Heading"},
    /* 15 */ {"--------------", ""},
    /* 16 */ {"", ""},
    /* 17 */ {"```c", ""},
    /* 18 */ {"int fenced_code = 1;", "int fenced_code = 1;"},
    /* 19 */ {"", ""},
    /* 20 */ {"return fenced_code;", "return fenced_code;"},
    /* 21 */ {"```", ""},
    /* 22 */ {"", ""},
    /* 23 */ {"    indented_code_line();", "indented_code_line();"},
    /* 24 */ {"", ""},
    /* 25 */ {"- first item", "first item"},
    /* 26 */ {"- second item", "second item"},
    /* 27 */ {"  continued line", "continued line"},
    /* 28 */ {"  1. nested ordered", "nested ordered"},
    /* 29 */ {"", ""},
    /* 30 */ {"> quoted text", "quoted text"},
    /* 31 */ {"> > deeper quote", "deeper quote"},
    /* 32 */ {"", ""},
    /* 33 */ {"<div>", ""},
    /* 34 */ {"html block words", ""},
    /* 35 */ {"</div>", ""},
    /* 36 */ {"", ""},
    /* 37 */ {"***", ""},
    /* 38 */ {"## Second *Level* Heading ##", "Second Level Heading"},
    /* 39 */ {"Last line", "Last line"},
};
#define SAMPLE_LINES (sizeof sample / sizeof sample[0])

static char *sample_source(void)
{
    ts_sbuf b = {0};
    for (size_t i = 0; i < SAMPLE_LINES; i++) {
        ts_sb_add(&b, sample[i][0]);
        ts_sb_add(&b, "\n");
    }
    return ts_sb_take(&b);
}

static void test_sample_keeps_source_lines(void **state)
{
    (void)state;
    char *md = sample_source();
    shelf_doctext d;
    extract(md, &d);
    for (size_t i = 0; i < SAMPLE_LINES; i++)
        assert_line(d.text, i + 1, sample[i][1]);
    /* Same number of line endings as the source, nothing after the last. */
    assert_int_equal(count_char(d.text, d.len, '\n'), SAMPLE_LINES);
    assert_int_equal(d.text[d.len - 1], '\n');
    assert_true(valid_utf8((const unsigned char *)d.text, d.len));
    assert_int_equal(d.encoding, SHELF_ENC_UTF8);
    assert_false(d.invalid_utf8);
    shelf_doctext_free(&d);
    free(md);
}

static void test_sample_drops_targets_keeps_text_and_code(void **state)
{
    (void)state;
    char *md = sample_source();
    shelf_doctext d;
    extract(md, &d);
    static const char *const absent[] = {"secret", "example.com", "Tooltip", "picture",
                                         "png", "tooltip", "Hiddenkey", "author", "tags",
                                         "alpha", "title", "Quoted", "<b>", "div",
                                         "html block", "```", "#", "- first", ">"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        if (strstr(d.text, absent[i]))
            fail_msg("\"%s\" should not be in the text", absent[i]);
    static const char *const present[] = {"link text", "alt words", "int fenced_code = 1;",
                                          "return fenced_code;", "indented_code_line();",
                                          "https://auto.example.org", "bold html"};
    for (size_t i = 0; i < sizeof present / sizeof present[0]; i++)
        if (!strstr(d.text, present[i]))
            fail_msg("\"%s\" missing from the text", present[i]);
    shelf_doctext_free(&d);
    free(md);
}

static void test_sample_heading_layout(void **state)
{
    (void)state;
    char *md = sample_source();
    shelf_doctext d;
    extract(md, &d);
    assert_true(d.layout.structured);
    assert_int_equal(d.layout.npages, 0);
    assert_int_equal(d.layout.nheadings, 3);
    assert_heading(&d, 0, "Main Heading", 1);
    assert_heading(&d, 1, "Setext Heading", 2);
    assert_heading(&d, 2, "Second Level Heading", 2);
    /* Each range starts its output line (the heading's source line). */
    assert_int_equal(count_char(d.text, d.layout.headings[0].start, '\n'), 5);
    assert_int_equal(count_char(d.text, d.layout.headings[1].start, '\n'), 13);
    assert_int_equal(count_char(d.text, d.layout.headings[2].start, '\n'), 37);
    shelf_doctext_free(&d);
    free(md);
}

static void expect_title(const char *md, const char *title)
{
    shelf_doctext d;
    extract(md, &d);
    if (!title) {
        assert_null(d.title);
        assert_int_equal(d.title_len, 0);
    } else {
        assert_non_null(d.title);
        assert_string_equal(d.title, title);
        assert_int_equal(d.title_len, strlen(title));
    }
    shelf_doctext_free(&d);
}

static void test_front_matter_title(void **state)
{
    (void)state;
    char *md = sample_source();
    expect_title(md, "Quoted Title");
    free(md);
    expect_title("---\ntitle: Plain Title  \n---\nbody\n", "Plain Title");
    expect_title("---\nlayout: post\ntitle: 'Single Quoted'\n...\nbody\n", "Single Quoted");
    expect_title("---\ntitle: Commented # a comment\n---\n", "Commented");
    expect_title("---\r\ntitle: \"Crlf Title\"\r\n---\r\nbody\r\n", "Crlf Title");
    expect_title("---\nauthor: someone\n---\n# Heading\n", NULL);
    expect_title("---\ntitle:\n---\nbody\n", NULL);
    expect_title("# Just a heading\n\ntitle: not front matter\n", NULL);
    expect_title("", NULL);
    /* No closing line: not front matter; "---" is a thematic break. */
    expect_title("---\ntitle: Unclosed\n", NULL);
}

static void test_front_matter_hidden_lines_kept(void **state)
{
    (void)state;
    shelf_doctext d;
    extract("---\ntitle: Secret Name\nsummary: hidden words\n---\nFirst body line\n", &d);
    assert_string_equal(d.text, "\n\n\n\nFirst body line\n");
    shelf_doctext_free(&d);

    /* Unclosed: rendered as Markdown, the "title:" line is text. */
    extract("---\ntitle: Unclosed\n", &d);
    assert_line(d.text, 1, "");
    assert_line(d.text, 2, "title: Unclosed");
    shelf_doctext_free(&d);
}

static void test_line_structure_edge_cases(void **state)
{
    (void)state;
    shelf_doctext d;
    /* Link reference definitions opening a paragraph, in and out of a quote. */
    extract("[a]: https://hidden.example/one\n[b]: /two \"Tip\"\nText after refs [a].\n\n"
            "> [c]: /three\n> quoted after ref\n",
            &d);
    assert_line(d.text, 1, "");
    assert_line(d.text, 2, "");
    assert_line(d.text, 3, "Text after refs a.");
    assert_line(d.text, 6, "quoted after ref");
    assert_null(strstr(d.text, "hidden"));
    shelf_doctext_free(&d);

    /* A definition whose title is alone on the next line; one whose
     * destination is on the next line. */
    extract("[t]: /x\n\"Tip\"\nafter title def\n\n[u]:\n/y\nafter dest def\n", &d);
    assert_line(d.text, 3, "after title def");
    assert_line(d.text, 7, "after dest def");
    assert_null(strstr(d.text, "Tip"));
    shelf_doctext_free(&d);

    /* CRLF and lone CR line endings; hard breaks; trailing blanks trimmed. */
    extract("one  \r\ntwo\\\r\nthree\rfour\t\r\n", &d);
    assert_string_equal(d.text, "one\ntwo\nthree\nfour\n");
    shelf_doctext_free(&d);

    /* Newlines inside inline HTML keep the lines. */
    extract("before <span\nclass=\"x\">inside</span> after\nend\n", &d);
    assert_string_equal(d.text, "before\ninside after\nend\n");
    shelf_doctext_free(&d);

    /* Known exception: a link title over two lines pulls the rest of its
     * paragraph up one line; the next block is back at its own line. */
    extract("[link](/u \"two\nlines\") tail\nend\n\nnext block\n", &d);
    assert_line(d.text, 1, "link tail");
    assert_line(d.text, 5, "next block");
    assert_int_equal(count_char(d.text, d.len, '\n'), 5);
    shelf_doctext_free(&d);

    /* A setext heading over two lines: its range spans both. */
    extract("Two line\nheading\n=======\nbody\n", &d);
    assert_string_equal(d.text, "Two line\nheading\n\nbody\n");
    assert_int_equal(d.layout.nheadings, 1);
    assert_heading(&d, 0, "Two line\nheading", 1);
    shelf_doctext_free(&d);

    /* Headings inside containers, an empty heading (no range) and a
     * heading after link reference definitions. */
    extract("> ## Quoted\n- # Listed\n\n#\n\n[r]: /x\nSetext\n---\n", &d);
    assert_line(d.text, 1, "Quoted");
    assert_line(d.text, 2, "Listed");
    assert_line(d.text, 7, "Setext");
    assert_int_equal(d.layout.nheadings, 3);
    assert_heading(&d, 0, "Quoted", 2);
    assert_heading(&d, 1, "Listed", 1);
    assert_heading(&d, 2, "Setext", 2);
    shelf_doctext_free(&d);

    /* An indented code block whose first line looks like a fence, and a
     * fenced block inside a list item. */
    extract("    ```not a fence\n    x = 1\n\n- item\n\n  ~~~\n  in item\n  ~~~\n", &d);
    assert_string_equal(d.text, "```not a fence\nx = 1\n\nitem\n\n\nin item\n\n");
    shelf_doctext_free(&d);

    /* No final line ending in, none out. */
    extract("para\n\n***", &d);
    assert_string_equal(d.text, "para\n\n");
    shelf_doctext_free(&d);
}

static void test_empty_document(void **state)
{
    (void)state;
    shelf_doctext d;
    extract_n("", 0, &d);
    assert_int_equal(d.len, 0);
    assert_string_equal(d.text, "");
    assert_null(d.title);
    assert_true(d.layout.structured);
    assert_int_equal(d.layout.nheadings, 0);
    shelf_doctext_free(&d);

    /* Markup only: blank lines, same count. */
    extract("***\n<!-- c -->\n\n", &d);
    assert_string_equal(d.text, "\n\n\n");
    shelf_doctext_free(&d);
}

static char *repeat(const char *unit, size_t times, const char *tail)
{
    size_t u = strlen(unit), t = strlen(tail);
    char *s = malloc(u * times + t + 1);
    assert_non_null(s);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * u, unit, u);
    memcpy(s + u * times, tail, t + 1);
    return s;
}

static void test_deep_nesting(void **state)
{
    (void)state;
    shelf_doctext d;
    char *md = repeat(">", 100000, " deep quote\nnext line\n");
    extract(md, &d);
    assert_string_equal(d.text, "deep quote\nnext line\n");
    shelf_doctext_free(&d);
    free(md);

    md = repeat("- ", 10000, "deep item\n");
    extract(md, &d);
    assert_string_equal(d.text, "deep item\n");
    shelf_doctext_free(&d);
    free(md);

    /* 10,000 list levels, each on its own line. */
    ts_sbuf b = {0};
    for (size_t i = 0; i < 10000; i++) {
        char *line = ts_strf("%*s- level%zu\n", (int)(i % 2 == 0 ? 0 : 2), "", i);
        ts_sb_add(&b, line);
        free(line);
    }
    /* Alternate two indentations: nested where possible, siblings else;
     * every line still lands on its own line. */
    md = ts_sb_take(&b);
    extract(md, &d);
    assert_line(d.text, 1, "level0");
    assert_line(d.text, 2, "level1");
    assert_line(d.text, 10000, "level9999");
    shelf_doctext_free(&d);
    free(md);

    /* A real staircase: 1,000 levels deep. */
    b = (ts_sbuf){0};
    for (size_t i = 0; i < 1000; i++) {
        char *line = ts_strf("%*s- step%zu\n", (int)(2 * i), "", i);
        ts_sb_add(&b, line);
        free(line);
    }
    md = ts_sb_take(&b);
    extract(md, &d);
    assert_line(d.text, 1, "step0");
    assert_line(d.text, 500, "step499");
    assert_line(d.text, 1000, "step999");
    shelf_doctext_free(&d);
    free(md);

    /* Deep inline nesting. */
    md = repeat("*[", 20000, "x");
    extract(md, &d);
    assert_non_null(strstr(d.text, "x"));
    shelf_doctext_free(&d);
    free(md);
}

/* True when word (n bytes) occurs in the line [p, p + len). */
static bool line_has(const char *p, size_t len, const char *word, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(p + i, word, n) == 0)
            return true;
    return false;
}

static bool is_word_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Every ASCII word of output line k occurs in source line k; returns the
 * number of source lines with a word whose output line is empty. */
static size_t check_words_per_line(const char *name, const char *src, size_t src_len,
                                   const char *out, size_t out_len)
{
    size_t emptied = 0, line = 1, a = 0, b = 0;
    while (a <= src_len && b <= out_len) {
        size_t ae = a, be = b;
        while (ae < src_len && src[ae] != '\n')
            ae++;
        while (be < out_len && out[be] != '\n')
            be++;
        bool src_words = false, out_words = false;
        for (size_t i = b; i < be;) {
            size_t j = i;
            while (j < be && is_word_byte(out[j]))
                j++;
            if (j > i && !line_has(src + a, ae - a, out + i, j - i))
                fail_msg("%s line %zu: \"%.*s\" is not in the source line", name, line,
                         (int)(j - i), out + i);
            out_words = out_words || j > i;
            i = j > i ? j : i + 1;
        }
        for (size_t i = a; i < ae; i++)
            src_words = src_words || is_word_byte(src[i]);
        emptied += src_words && !out_words;
        a = ae + 1, b = be + 1, line++;
    }
    return emptied;
}

static void test_corpus_line_counts(void **state)
{
    (void)state;
    DIR *dir = opendir(CORPUS_DIR);
    assert_non_null(dir);
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".txt") != 0)
            continue;
        char *path = ts_strf("%s/%s", CORPUS_DIR, e->d_name);
        size_t len;
        char *src = ts_read_file(path, &len);
        assert_non_null(src);
        shelf_doctext d;
        extract_n(src, len, &d);
        assert_int_equal(count_char(d.text, d.len, '\n'), count_char(src, len, '\n'));
        size_t src_lines = count_char(src, len, '\n') + 1;
        size_t emptied = check_words_per_line(e->d_name, src, len, d.text, d.len);
        /* Plain prose: (almost) every line with words keeps them. */
        assert_true(emptied * 50 <= src_lines);
        assert_true(d.layout.structured);
        shelf_doctext_free(&d);
        free(src);
        free(path);
        files++;
    }
    closedir(dir);
    assert_true(files > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_keeps_source_lines),
        cmocka_unit_test(test_sample_drops_targets_keeps_text_and_code),
        cmocka_unit_test(test_sample_heading_layout),
        cmocka_unit_test(test_front_matter_title),
        cmocka_unit_test(test_front_matter_hidden_lines_kept),
        cmocka_unit_test(test_line_structure_edge_cases),
        cmocka_unit_test(test_empty_document),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_corpus_line_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
