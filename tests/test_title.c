/*
 * test_title.c - the plain-text title rule (extract/title.h): which first
 * line is a title, which is a sentence, paragraph, markup or byline, and the
 * file name made readable when no line qualifies (also end to end through
 * shelf_extract_file).
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
#include "extract/title.h"

#define FALLBACK "fallback"

/* The title of text, or FALLBACK, as a string to compare. */
static void expect_title(const char *text, const char *want)
{
    size_t n = 0;
    const char *t = shelf_title_of(text, strlen(text), FALLBACK, &n);
    char got[SHELF_TITLE_MAX_BYTES + 1];
    memcpy(got, t, n);
    got[n] = '\0';
    if (strcmp(got, want) != 0)
        fail_msg("title of \"%.60s\": \"%s\", expected \"%s\"", text, got, want);
}

static void test_short_first_line(void **state)
{
    (void)state;
    expect_title("NATO\nThe North Atlantic Treaty Organization is an alliance.\n", "NATO");
    expect_title("\n\n  The Secretary General's Annual Report 2023  \n\nText.\n",
                 "The Secretary General's Annual Report 2023");
    expect_title("NATO MAP 2024 I: The Future of Alliance Operations\n\nWelcome.\n",
                 "NATO MAP 2024 I: The Future of Alliance Operations");
    expect_title("What is NUMA?\n\nThis question can be answered.\n", "What is NUMA?");
    expect_title("## Field notes ##\n\nText.\n", "Field notes");
}

static void test_sentence_first_line(void **state)
{
    (void)state;
    /* a one-line sentence, then a title-like line */
    expect_title("Draft, do not circulate.\nAnnual Review\n\nBody text.\n", "Annual Review");
    /* a disclaimer, then paragraphs only: the name */
    expect_title("AI-Assisted Content: Parts of this article were generated with the help of AI. "
                 "Please verify important details using reliable or official sources.\n"
                 "The NATO Command Defense Policy Alignment is fundamental to ensuring cohesive and "
                 "effective multinational military cooperation across the command structure.\n"
                 "How does this complex system coordinate diverse national interests into a unified "
                 "strategic approach? Understanding the principles helps.\n"
                 "The Role of NATO Command Structure\n",
                 FALLBACK);
}

static void test_long_paragraph(void **state)
{
    (void)state;
    /* no sentence end within the first line, but far too long */
    expect_title("Military diplomacy in the context of NATO plays a critical role in shaping "
                 "international relations and maintaining peace among member states and\n",
                 FALLBACK);
    /* thirteen short words */
    expect_title("one two three four five six seven eight nine ten eleven twelve thirteen\n", FALLBACK);
    /* hard-wrapped prose: the line below goes on in lower case */
    expect_title("This driver supports the frame buffer found in\nthe Dreamcast console.\n", FALLBACK);
}

static void test_underlined_title(void **state)
{
    (void)state;
    expect_title(".. SPDX-License-Identifier: GPL-2.0\n"
                 ".. include:: <isonum.txt>\n"
                 "\n"
                 "==========================\n"
                 "The MSI Driver Guide HOWTO\n"
                 "==========================\n"
                 "\n"
                 ":Authors: Tom Long Nguyen; Martine Silbermann\n",
                 "The MSI Driver Guide HOWTO");
    /* an underlined heading is a title even when it ends like a sentence */
    expect_title("Trace Buffer Extension (TRBE).\n"
                 "------------------------------\n",
                 "Trace Buffer Extension (TRBE).");
    /* directive bodies, fields and bylines are skipped */
    expect_title(".. raw:: latex\n"
                 "\n"
                 "    \\renewcommand\\thesection*\n"
                 "\n"
                 ":Original: Documentation/PCI/index.rst\n"
                 "Written by: Neil Brown\n"
                 "Started Nov 1999 by Kanoj Sarcar <kanoj@sgi.com>\n"
                 "\n"
                 "Overlay Filesystem\n"
                 "==================\n",
                 "Overlay Filesystem");
}

static void test_empty(void **state)
{
    (void)state;
    expect_title("", FALLBACK);
    expect_title("\n \n\t\n", FALLBACK);
    expect_title("=====\n-----\n", FALLBACK);
    expect_title("2023\n", FALLBACK); /* no letter */
    size_t n = 7;
    assert_null(shelf_title_of("", 0, NULL, &n));
    assert_int_equal(n, 0);
}

static void test_long_title_cut(void **state)
{
    (void)state;
    char text[400];
    memset(text, 'x', 150);
    strcpy(text + 150, "\n=====\n");
    size_t n;
    const char *t = shelf_title_of(text, strlen(text), FALLBACK, &n);
    assert_ptr_equal(t, text);
    assert_int_equal(n, 150);
    memset(text, 'x', 151); /* a heading longer than SHELF_TITLE_HEADING_CHARS */
    strcpy(text + 151, "\n=====\n");
    assert_ptr_equal(shelf_title_of(text, strlen(text), FALLBACK, &n), FALLBACK);
}

static void expect_name(const char *path, const char *want)
{
    char out[SHELF_TITLE_MAX_BYTES + 1];
    size_t n = shelf_title_of_name(path, out, sizeof out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void test_file_name(void **state)
{
    (void)state;
    expect_name("corpus/military-diplomacy-in-nato.txt", "Military diplomacy in nato");
    expect_name("/docs/PCI/pci-endpoint.rst.txt", "Pci endpoint");
    expect_name("annual_report__2023.v2.txt", "Annual report 2023.v2");
    expect_name("notes.txt", "notes"); /* one word: kept as written */
    expect_name("iPhone-notes.txt", "iPhone notes");
    expect_name("README", "README");
    expect_name(".profile", ".profile");
    expect_name("--.txt", "--.txt");
    expect_name("caf\xc3\xa9-menu.md", "Caf\xc3\xa9 menu");
    char small[5];
    assert_int_equal(shelf_title_of_name("caf\xc3\xa9.txt", small, sizeof small), 3); /* no half é */
    assert_string_equal(small, "caf");
}

/* Through the extractor: a text with no title line is named by its file. */
static void test_extract_names_by_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_title_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/nato-command_policy.txt", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("This first line is a whole sentence about the policy of the alliance.\n"
          "So is this one, and it goes on for a while without any heading at all.\n"
          "And a third one closes the paragraph.\n",
          f);
    fclose(f);
    shelf_extracted e;
    shelf_err err = {0};
    assert_int_equal(shelf_extract_file(path, &e, &err), SHELF_OK);
    assert_int_equal(e.title_len, strlen("Nato command policy"));
    assert_memory_equal(e.title, "Nato command policy", e.title_len);
    shelf_extracted_free(&e);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_first_line),
        cmocka_unit_test(test_sentence_first_line),
        cmocka_unit_test(test_long_paragraph),
        cmocka_unit_test(test_underlined_title),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_long_title_cut),
        cmocka_unit_test(test_file_name),
        cmocka_unit_test(test_extract_names_by_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
