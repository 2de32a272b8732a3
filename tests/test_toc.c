/*
 * test_toc.c - table-of-contents lines (extract/toc.h) are not quoted:
 *   - the rule on made lines: dot leaders, tabs, Roman page numbers, the
 *     "Contents" heading; prose with an ellipsis or a number is no entry;
 *   - a made text with a contents list and the same words in its body:
 *     passages and --cite quote the body, never the contents, on both
 *     backends; a text whose only match is a contents entry still gets it;
 *   - the R FAQ (package r-doc-pdf; skipped when not installed): --cite
 *     'lexical scoping' quotes body text, not "3.3.1 Lexical scoping . . . 13".
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

#include "extract/toc.h"
#include "support.h"
#include "support_run.h"

#define R_FAQ "/usr/share/R/doc/manual/R-FAQ.pdf"

static void expect_entry(const char *line, bool want)
{
    if (shelf_toc_entry(line, 0, strlen(line)) != want)
        fail_msg("\"%s\" %s a contents entry", line, want ? "should be" : "should not be");
}

static void test_entries(void **state)
{
    (void)state;
    expect_entry("3.3.1 Lexical scoping . . . . . . . . . . . . . 13", true);
    expect_entry("Lexical scoping..........22", true);
    expect_entry("  Preface .... xii  ", true);
    expect_entry("Introduction\t7", true);
    expect_entry("Appendix A . . . 1024", true);
    expect_entry("The harbour was mined in 2023.", false);
    expect_entry("columns for the second, . . . , kth levels", false); /* an ellipsis in prose */
    expect_entry("It went on .. 3", false);                            /* two dots: no leader */
    expect_entry(". . . . 12", false);                                 /* no title before it */
    expect_entry("Chapter 1 . . . 123456", false);                     /* no page number */
    /* the number read elsewhere (Sphinx's LaTeX contents through poppler):
     * a long leader alone ends the entry; a short one is an ellipsis */
    expect_entry("7.1 Bug reporting . . . . . . . . . . . . . . . . . .", true);
    expect_entry("6.8.7 Make transition packages compliant ......", true);
    expect_entry("and so on . . . .", false);
    expect_entry(". . . . . . . . .", false);
}

/* A chapter's entry has no leader; it is a contents line beside an entry
 * of its paragraph, not beside a blank line or in the body. */
static void test_entry_neighbours(void **state)
{
    (void)state;
    static const char text[] = "Contents\n\nBeyond Packaging\n"
                               "7.1 Bug reporting . . . . . . . . . . . . . . . .\n"
                               "7.2 Quality . . . . . . . . 85\n\n"
                               "11 Customized programs 103\n"
                               "11.1 Architecture strings . . . . . . . . . . . .\n\n"
                               "Customized programs are built with care.\nA second line.\n";
    size_t len = strlen(text);
    assert_true(shelf_toc_line_at(text, len, (size_t)(strstr(text, "Beyond") - text)));
    assert_true(shelf_toc_line_at(text, len, (size_t)(strstr(text, "Bug") - text)));
    assert_true(shelf_toc_line_at(text, len, (size_t)(strstr(text, "11 Customized") - text)));
    assert_false(shelf_toc_line_at(text, len, (size_t)(strstr(text, "Customized programs are") - text)));
    assert_false(shelf_toc_line_at(text, len, (size_t)(strstr(text, "A second") - text)));
    assert_false(shelf_toc_line_at(text, len, len - 1)); /* the last, blank-free line's end */
}

static void test_contents_heading(void **state)
{
    (void)state;
    static const char text[] = "Manual\n\nTable of Contents\nContents\nThe contents of a box.\n";
    assert_true(shelf_toc_line_at(text, strlen(text), (size_t)(strstr(text, "Table") - text)));
    assert_true(shelf_toc_line_at(text, strlen(text), (size_t)(strstr(text, "Contents\nThe") - text)));
    assert_false(shelf_toc_line_at(text, strlen(text), (size_t)(strstr(text, "The contents") - text)));
}

/* A line too long to be a contents entry is not one, and is not scanned
 * to its ends (a 64 MiB line with many matches stays fast). */
static void test_long_line(void **state)
{
    (void)state;
    size_t n = SHELF_TOC_LINE_MAX + 100;
    char *text = malloc(n + 16);
    assert_non_null(text);
    memset(text, 'a', n);
    strcpy(text + n, " . . . . 12");
    size_t len = strlen(text);
    assert_true(shelf_toc_entry(text, 0, len)); /* by shape alone it is one */
    assert_false(shelf_toc_line_at(text, len, 0));
    assert_false(shelf_toc_line_at(text, len, len - 1));
    text[n - SHELF_TOC_LINE_MAX / 2] = '\n'; /* now the last line is short */
    assert_true(shelf_toc_line_at(text, len, len - 1));
    assert_false(shelf_toc_line_at(text, len, 0));
    free(text);
}

/* ---- passages, end to end ---- */

static const char manual_txt[] =
    "Harbour Manual\n"
    "\n"
    "Contents\n"
    "1 Mooring rules . . . . . . . . . . . . 2\n"
    "2 Quillwort clearance . . . . . . . . . 3\n"
    "3 Signals . . . . . . . . . . . . . . . 4\n"
    "\n"
    "1 Mooring rules\n"
    "\n"
    "Boats moor bow first along the quay.\n"
    "\n"
    "2 Quillwort clearance\n"
    "\n"
    "Divers cut the quillwort from the channel every spring before the fleet sails.\n"
    "\n"
    "3 Signals\n"
    "\n"
    "A red flag means the channel is closed.\n";

static const char index_txt[] = "Index\n\nContents\nDriftmoss . . . . . . . 9\n";

static void check_backend(const char *backend)
{
    char *src = ts_strf("%s/src-%s", ts_tmp, backend);
    char *idx = ts_strf("%s/idx-%s", ts_tmp, backend);
    free(ts_write_file(src, "manual.txt", manual_txt, strlen(manual_txt)));
    free(ts_write_file(src, "index.txt", index_txt, strlen(index_txt)));
    free(ts_run_ok("'%s' --quiet --backend %s --index '%s' '%s'", INDEXER_BIN, backend, idx, src));
    char *out = ts_run_ok("'%s' --index '%s' --cite --passages 3 quillwort clearance", SEARCHER_BIN,
                          idx);
    ts_expect_in(out, "“Divers cut the quillwort from the channel", "--cite");
    if (strstr(out, ". . .") || strstr(out, "line 5)")) /* line 5: the entry */
        fail_msg("a contents entry quoted: %s", out);
    free(out);
    out = ts_run_ok("'%s' --index '%s' --json --passages 3 quillwort", SEARCHER_BIN, idx);
    if (strstr(out, ". . ."))
        fail_msg("a contents entry among the passages: %s", out);
    free(out);
    /* the only match is an entry: it is still shown (the hit needs a passage) */
    out = ts_run_ok("'%s' --index '%s' --cite driftmoss", SEARCHER_BIN, idx);
    ts_expect_in(out, "Driftmoss", "--cite of a contents-only match");
    free(out);
    free(idx);
    free(src);
}

static void test_native_quotes_body(void **state)
{
    (void)state;
    check_backend("native");
}

static void test_xapian_quotes_body(void **state)
{
    (void)state;
    check_backend("xapian");
}

static void test_r_faq(void **state)
{
    (void)state;
    if (access(R_FAQ, R_OK) != 0)
        skip();
    char *src = ts_strf("%s/r", ts_tmp);
    char *idx = ts_strf("%s/idx-r", ts_tmp);
    assert_int_equal(ts_copy_into(src, "R-FAQ.pdf", R_FAQ), 0);
    free(ts_run_ok("'%s' --quiet --index '%s' '%s'", INDEXER_BIN, idx, src));
    char *out = ts_run_ok("'%s' --index '%s' --cite 'lexical scoping'", SEARCHER_BIN, idx);
    if (strstr(out, "p. i)") || strstr(out, "p. i,") || strstr(out, "scoping .”"))
        fail_msg("the contents page quoted: %s", out);
    ts_expect_in(out, "p. 13", "--cite 'lexical scoping'");
    free(out);
    free(idx);
    free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entries),
        cmocka_unit_test(test_contents_heading),
        cmocka_unit_test(test_entry_neighbours),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_native_quotes_body),
        cmocka_unit_test(test_xapian_quotes_body),
        cmocka_unit_test(test_r_faq),
    };
    return cmocka_run_group_tests(tests, ts_setup_tmp, ts_teardown_tmp);
}
