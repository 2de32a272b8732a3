/*
 * test_docmeta.c - a document's author and date as the readers find them:
 * the date forms docdate.h reads (and the ones it drops), authors cleaned
 * and joined (docauthor.h), HTML <meta>/<time> (htmlmeta.h), Markdown
 * front matter (frontmatter.h), and the same end to end through
 * shelf_extract_file (plain text has neither).
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

#include "extract/docauthor.h"
#include "extract/docdate.h"
#include "extract/extract.h"
#include "extract/frontmatter.h"
#include "extract/readers.h"

static void expect_date(const char *in, const char *want)
{
    char got[SHELF_DOCDATE_BUF];
    size_t n = shelf_docdate_normalise(in, strlen(in), got);
    if (strcmp(got, want) != 0 || n != strlen(want))
        fail_msg("date \"%s\": \"%s\", expected \"%s\"", in, got, want);
}

static void test_date_forms(void **state)
{
    (void)state;
    expect_date("2023-05-14", "2023-05-14");
    expect_date("  2023-05-14T10:00:00Z ", "2023-05-14");
    expect_date("2023-05-14 10:00", "2023-05-14");
    expect_date("2023/05/14", "2023-05-14");
    expect_date("2023/5/4", "2023-05-04");
    expect_date("14 May 2023", "2023-05-14");
    expect_date("14. Mai 2023", ""); /* English month names only */
    expect_date("4 sept 2021", "2021-09-04");
    expect_date("May 14, 2023", "2023-05-14");
    expect_date("December 1 1999", "1999-12-01");
    expect_date("Sun, 14 May 2023 10:00:00 GMT", "2023-05-14");
    expect_date("May 2023", "2023-05");
    expect_date("2023", "2023");
    expect_date("2023-05", "2023-05");
    expect_date("D:20230514103000+01'00'", "2023-05-14");
    expect_date("20230514", "2023-05-14");
    expect_date("2024-02-29", "2024-02-29");
}

static void test_date_unreadable(void **state)
{
    (void)state;
    expect_date("", "");
    expect_date("yesterday", "");
    expect_date("2023-13-01", "");
    expect_date("2023-02-29", ""); /* not a leap year */
    expect_date("1900-02-29", "");
    expect_date("2023-04-31", "");
    expect_date("0999", "");
    expect_date("12345", "");
    expect_date("May 32, 2023", "");
    expect_date("2023-05-14garbage", "");
    expect_date("14 Foo 2023", "");
    assert_null(shelf_docdate_dup("soon", 4));
    char *d = shelf_docdate_dup("May 2023", 8);
    assert_string_equal(d, "2023-05");
    free(d);
}

static void test_author_join_and_clean(void **state)
{
    (void)state;
    char *a = NULL;
    assert_int_equal(shelf_author_append(&a, " Ada \t Lovelace\n", 16), 0);
    assert_int_equal(shelf_author_append(&a, "Ada Lovelace", 12), 0); /* already there */
    assert_int_equal(shelf_author_append(&a, "   ", 3), 0);            /* empty */
    assert_int_equal(shelf_author_append(&a, "Babbage, Charles", 16), 0);
    assert_string_equal(a, "Ada Lovelace; Babbage, Charles");
    free(a);
    char *raw = strdup("\x01 Grace\x7f\xff Hopper ");
    raw = shelf_author_clean(raw);
    assert_string_equal(raw, "Grace Hopper");
    free(raw);
    assert_null(shelf_author_clean(strdup(" \t ")));
    char long_name[1000];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    char *cut = shelf_author_clean(strdup(long_name));
    assert_int_equal(strlen(cut), SHELF_AUTHOR_MAX_BYTES);
    free(cut);
}

static void front_matter(const char *fm, const char *want_author, const char *want_date)
{
    char *author, *date;
    assert_int_equal(shelf_front_matter_meta(fm, strlen(fm), &author, &date), SHELF_OK);
    if (want_author)
        assert_string_equal(author, want_author);
    else
        assert_null(author);
    if (want_date)
        assert_string_equal(date, want_date);
    else
        assert_null(date);
    free(author);
    free(date);
}

static void test_front_matter(void **state)
{
    (void)state;
    front_matter("title: X\nauthor: Ada Lovelace\ndate: 2023-05-14\n", "Ada Lovelace", "2023-05-14");
    front_matter("Author: \"Lovelace, Ada\"  \r\nDate: 'May 14, 2023'\r\n", "Lovelace, Ada",
                 "2023-05-14");
    front_matter("author: Ada # the first\n", "Ada", NULL);
    front_matter("authors: [Ada Lovelace, \"Babbage, Charles\"]\n",
                 "Ada Lovelace; Babbage, Charles", NULL);
    front_matter("author:\n  - Ada Lovelace\n  - name: Charles Babbage\n    affiliation: X\n"
                 "date: 2001\n",
                 "Ada Lovelace; Charles Babbage", "2001");
    front_matter("author:\n- Ada\n- Grace\ntags: [a, b]\n", "Ada; Grace", NULL);
    front_matter("date: someday\n  author: nested, not top level\n", NULL, NULL);
    front_matter("", NULL, NULL);
}

static void test_markdown_reader(void **state)
{
    (void)state;
    const char *md = "---\ntitle: Blue carbon\nauthor:\n  - Ada Lovelace\n  - Grace Hopper\n"
                     "date: 14 May 2023\n---\n# Heading\n\nText.\n";
    shelf_doctext d;
    shelf_err err = {0};
    assert_int_equal(shelf_extract_markdown("x.md", md, strlen(md), &d, &err), SHELF_OK);
    assert_string_equal(d.author, "Ada Lovelace; Grace Hopper");
    assert_string_equal(d.date, "2023-05-14");
    assert_string_equal(d.title, "Blue carbon");
    assert_null(strstr(d.text, "Lovelace")); /* front matter is no text */
    shelf_doctext_free(&d);
    const char *plain = "# No front matter\n\nauthor: not metadata\n";
    assert_int_equal(shelf_extract_markdown("y.md", plain, strlen(plain), &d, &err), SHELF_OK);
    assert_null(d.author);
    assert_null(d.date);
    shelf_doctext_free(&d);
}

static void html(const char *head_and_body, const char *want_author, const char *want_date)
{
    char doc[4096];
    snprintf(doc, sizeof doc, "<!DOCTYPE html><html>%s</html>", head_and_body);
    shelf_doctext d;
    shelf_err err = {0};
    assert_int_equal(shelf_extract_html("t.html", doc, strlen(doc), &d, &err), SHELF_OK);
    if (want_author)
        assert_string_equal(d.author, want_author);
    else
        assert_null(d.author);
    if (want_date)
        assert_string_equal(d.date, want_date);
    else
        assert_null(d.date);
    shelf_doctext_free(&d);
}

static void test_html_meta(void **state)
{
    (void)state;
    html("<head><meta name=\"author\" content=\"Ada Lovelace\">"
         "<meta name=\"date\" content=\"2023/05/14\"></head><body><p>x</p></body>",
         "Ada Lovelace", "2023-05-14");
    /* citation_* win over author/date; several citation_author are joined */
    html("<head><meta name=\"author\" content=\"Web Team\">"
         "<meta name=\"citation_author\" content=\"Lovelace, Ada\">"
         "<meta name=\"CITATION_AUTHOR\" content=\"Babbage, Charles\">"
         "<meta name=\"date\" content=\"2020\">"
         "<meta name=\"citation_publication_date\" content=\"2019/03/02\"></head><body>x</body>",
         "Lovelace, Ada; Babbage, Charles", "2019-03-02");
    html("<head><meta property=\"article:published_time\" content=\"2023-05-14T10:00:00Z\">"
         "</head><body><time datetime=\"2001-01-01\">then</time></body>",
         NULL, "2023-05-14");
    html("<head><meta name=\"DC.date\" content=\"May 2022\"></head><body>x</body>", NULL, "2022-05");
    html("<head><meta name=\"dcterms.date\" content=\"2021\"></head><body>x</body>", NULL, "2021");
    /* <time> as the fallback: the first one with a readable datetime */
    html("<body><p>Posted <time>today</time> <time datetime=\"14 May 2023\">then</time>"
         "<time datetime=\"2000-01-01\">x</time></p></body>",
         NULL, "2023-05-14");
    /* an unreadable meta date falls through to the next rule */
    html("<head><meta name=\"date\" content=\"last Tuesday\"></head>"
         "<body><time datetime=\"2011-11\">x</time></body>",
         NULL, "2011-11");
    html("<head><meta name=\"description\" content=\"2023\"></head><body>x</body>", NULL, NULL);
}

static void test_extract_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/shelf-docmeta-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/page.html", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("<!DOCTYPE html><html><head><title>T</title><meta name=\"author\" content=\"  Ada\n"
          "  Lovelace \"></head><body><time datetime=\"2023-05-14\">x</time></body></html>\n", f);
    fclose(f);
    shelf_extracted e;
    shelf_err err = {0};
    assert_int_equal(shelf_extract_file(path, &e, &err), SHELF_OK);
    assert_string_equal(e.author, "Ada Lovelace");
    assert_string_equal(e.date, "2023-05-14");
    shelf_extracted_free(&e);
    unlink(path);
    snprintf(path, sizeof path, "%s/note.txt", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("author: nobody\ndate: 2023-05-14\n", f);
    fclose(f);
    assert_int_equal(shelf_extract_file(path, &e, &err), SHELF_OK);
    assert_null(e.author);                    /* plain text names no author */
    assert_string_equal(e.date, "2023-05-14"); /* but a dateline dates it (dateline.h) */
    shelf_extracted_free(&e);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("author: nobody\nThe year 2023 was long.\n", f);
    fclose(f);
    assert_int_equal(shelf_extract_file(path, &e, &err), SHELF_OK);
    assert_null(e.date);
    shelf_extracted_free(&e);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_forms),
        cmocka_unit_test(test_date_unreadable),
        cmocka_unit_test(test_author_join_and_clean),
        cmocka_unit_test(test_front_matter),
        cmocka_unit_test(test_markdown_reader),
        cmocka_unit_test(test_html_meta),
        cmocka_unit_test(test_extract_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
