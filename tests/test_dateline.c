/*
 * test_dateline.c - a plain text's date for references (extract/dateline.h)
 * and, for a text with none, the access date (searcher/output_cite_ref.c):
 *   - datelines found near the top: "Date: ...", a date alone, "Place,
 *     date"; not a year alone, not prose, not past the first lines;
 *   - end to end, on both backends: a dated text gets year and month in
 *     BibTeX and "issued" in CSL-JSON, no access date; an undated text gets
 *     "urldate" and "accessed" from its file's modification time, and never
 *     a year or "issued".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <cmocka.h>

#include "extract/dateline.h"
#include "support.h"
#include "support_run.h"

static void expect_dateline(const char *text, const char *want)
{
    char *got = shelf_dateline_of(text, strlen(text));
    if (want == NULL && got != NULL)
        fail_msg("dateline of \"%.40s\": %s, expected none", text, got);
    if (want != NULL && (got == NULL || strcmp(got, want) != 0))
        fail_msg("dateline of \"%.40s\": %s, expected %s", text, got ? got : "none", want);
    free(got);
}

static void test_datelines(void **state)
{
    (void)state;
    expect_dateline("Harbour notes\n5 March 2024\n\nThe harbour was mined.\n", "2024-03-05");
    expect_dateline("Memo\nDate: 2024-03-05\nTo: all staff\n", "2024-03-05");
    expect_dateline("  DATED 1 May 2020  \nbody\n", "2020-05-01");
    expect_dateline("Brussels, 12 June 2023\n\nDear colleagues,\n", "2023-06-12");
    expect_dateline("New York, May 14, 2023\n", "2023-05-14");
    expect_dateline("Quarterly letter\n\nMarch 2024\n\nText.\n", "2024-03");
    /* the first one wins */
    expect_dateline("Date: 2021-01-02\nRevised 3 March 2022\n5 April 2023\n", "2021-01-02");
}

static void test_no_dateline(void **state)
{
    (void)state;
    expect_dateline("", NULL);
    expect_dateline("Annual report\n2023\n\nThe year was long.\n", NULL); /* a year alone */
    expect_dateline("On 5 March 2024 the harbour was mined by a fleet that came at night.\n",
                    NULL);
    expect_dateline("Chapter 3, 12 June 2023\n", NULL);    /* a digit in the place */
    expect_dateline("Date: sometime soon\n", NULL);
    expect_dateline("Date: 2023-02-30\n", NULL);           /* no such day */
    /* past the first SHELF_DATELINE_LINES non-blank lines */
    expect_dateline("a\n\nb\nc\nd\ne\nf\ng\nh\ni\nj\n5 March 2024\n", NULL);
}

/* ---- the reference forms, end to end ---- */

static const char dated_txt[] = "Harbour notes\nBrussels, 12 June 2023\n\n"
                                "The harbour was mined with quillwort nets.\n";
static const char undated_txt[] = "Loose leaves\n\nA sheet that gives no date mentions gravelbed.\n";

static void set_mtime(const char *path, time_t when)
{
    struct timeval tv[2] = {{when, 0}, {when, 0}};
    assert_int_equal(utimes(path, tv), 0);
}

static char *cite(const char *idx, const char *format, const char *word)
{
    return ts_run_ok("'%s' --index '%s' --cite-format %s %s", SEARCHER_BIN, idx, format, word);
}

static void expect_not_in(const char *out, const char *unwanted, const char *what)
{
    if (strstr(out, unwanted))
        fail_msg("%s holds %s: %s", what, unwanted, out);
}

static void check_backend(const char *backend)
{
    char *src = ts_strf("%s/src-%s", ts_tmp, backend);
    char *idx = ts_strf("%s/idx-%s", ts_tmp, backend);
    char *undated = ts_write_file(src, "undated.txt", undated_txt, strlen(undated_txt));
    free(ts_write_file(src, "dated.txt", dated_txt, strlen(dated_txt)));
    set_mtime(undated, 1709640000); /* 2024-03-05 12:00:00 UTC */
    free(ts_run_ok("'%s' --quiet --backend %s --index '%s' '%s'", INDEXER_BIN, backend, idx, src));

    char *out = cite(idx, "bibtex", "quillwort");
    ts_expect_in(out, "  year = {2023},\n  month = jun,\n", "bibtex of a dated text");
    expect_not_in(out, "urldate", "bibtex of a dated text");
    free(out);
    out = cite(idx, "csl-json", "quillwort");
    ts_expect_in(out, "\"issued\":{\"date-parts\":[[2023,6,12]]}", "csl-json of a dated text");
    expect_not_in(out, "accessed", "csl-json of a dated text");
    free(out);

    out = cite(idx, "bibtex", "gravelbed");
    ts_expect_in(out, "  urldate = {2024-03-05},\n", "bibtex of an undated text");
    expect_not_in(out, "year =", "bibtex of an undated text");
    expect_not_in(out, "month =", "bibtex of an undated text");
    free(out);
    out = cite(idx, "csl-json", "gravelbed");
    ts_expect_in(out, "\"accessed\":{\"date-parts\":[[2024,3,5]]}", "csl-json of an undated text");
    expect_not_in(out, "issued", "csl-json of an undated text");
    free(out);
    free(undated);
    free(idx);
    free(src);
}

static void test_native_reference_dates(void **state)
{
    (void)state;
    check_backend("native");
}

static void test_xapian_reference_dates(void **state)
{
    (void)state;
    check_backend("xapian");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_datelines),
        cmocka_unit_test(test_no_dateline),
        cmocka_unit_test(test_native_reference_dates),
        cmocka_unit_test(test_xapian_reference_dates),
    };
    return cmocka_run_group_tests(tests, ts_setup_tmp, ts_teardown_tmp);
}
