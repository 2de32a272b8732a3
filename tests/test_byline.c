/*
 * test_byline.c - bylines (extract/byline.h) are neither titles nor
 * section headings: the rule on made lines, the title rule and the section
 * rule on made texts, and the sample shelf's annual report, whose
 * "Tom Goffus (United States)" line once became the cited section.
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

#include "extract/byline.h"
#include "extract/title.h"
#include "extract/paragraphs.h"
#include "present/section.h"
#include "support.h"

#define REPORT CORPUS_DIR "/secretary-generals-annual-report-2023.txt"

static void expect_byline(const char *line, bool want)
{
    if (shelf_is_byline(line, strlen(line)) != want)
        fail_msg("\"%s\" %s a byline", line, want ? "should be" : "should not be");
}

static void test_bylines(void **state)
{
    (void)state;
    expect_byline("Tom Goffus (United States)", true);
    expect_byline("  Dr Svitlana Kobzar (Belgium) ", true);
    expect_byline("Jörg See (Germany)", true);
    expect_byline("Béatrice Lurquin (Belgium)", true);
    expect_byline("Jan van Eyck (Ghent University)", true);
    expect_byline("Grace B. Hopper (U.S. Navy)", true);
    expect_byline("By Ada Lovelace", true);
    expect_byline("Author: Ada Lovelace", true);
    expect_byline("Written by Neil Brown", true);
    expect_byline("Kanoj Sarcar <kanoj@sgi.com>", true);
    expect_byline("Copyright 2023 The Authors", true);
}

static void test_not_bylines(void **state)
{
    (void)state;
    expect_byline("Tom Goffus", false);                   /* a name alone: could be a heading */
    expect_byline("Deterrence and Defence", false);
    expect_byline("NATO Summit (2023)", false);           /* a year, not an affiliation */
    expect_byline("The Alliance grew (again)", false);    /* lower-case word: not a name */
    expect_byline("Operations (Part 2)", false);          /* one word before the parentheses */
    expect_byline("Ukraine (Kyiv) support", false);       /* text after the parentheses */
    expect_byline("Annual Report of the Secretary General (NATO Public Diplomacy Division)", false);
    expect_byline("Bypass lanes", false);
}

static void expect_title(const char *text, const char *want)
{
    size_t n = 0;
    const char *t = shelf_title_of(text, strlen(text), "fallback", &n);
    if (n != strlen(want) || memcmp(t, want, n) != 0)
        fail_msg("title \"%.*s\", expected \"%s\"", (int)n, t, want);
}

static void test_byline_is_no_title(void **state)
{
    (void)state;
    expect_title("Tom Goffus (United States)\n\nHarbour Defences\n\nThe harbour was mined.\n",
                 "Harbour Defences");
    expect_title("By Ada Lovelace\nNotes on the Engine\n", "Notes on the Engine");
}

/* The section of the first occurrence of word in text, as a string. */
static char *section_of(const char *text, const char *word)
{
    const char *at = strstr(text, word);
    assert_non_null(at);
    size_t len = strlen(text);
    bool by_lines = shelf_one_paragraph_per_line(text, len, NULL);
    size_t start, n;
    shelf_section_of(text, len, (size_t)(at - text), 0, by_lines, &start, &n);
    return strndup(text + start, n);
}

static void expect_section(const char *text, const char *word, const char *want)
{
    char *got = section_of(text, word);
    if (strcmp(got, want) != 0)
        fail_msg("section of \"%s\": \"%s\", expected \"%s\"", word, got, want);
    free(got);
}

static void test_byline_is_no_heading(void **state)
{
    (void)state;
    static const char blank_lines[] = "Harbour Defences\n\n"
                                      "The harbour was mined in spring.\n\n"
                                      "Tom Goffus (United States)\n\n"
                                      "Assistant Secretary General, Operations\n\n"
                                      "Minesweepers cleared the channel by June.\n";
    expect_section(blank_lines, "Minesweepers", "Harbour Defences");
    static const char one_per_line[] =
        "Harbour Defences\n"
        "The harbour was mined in spring, and the fleet waited at anchor outside the breakwater "
        "for the channel to be swept clear of every mine laid over the winter months.\n"
        "By Ada Lovelace\n"
        "Minesweepers cleared the channel by June, said the log kept by the harbour master, who "
        "counted every mine lifted from the water and every buoy set out to mark the way.\n"
        "A second sweep found nothing more in the channel, and the fleet came in on the tide "
        "to moor along the quay where the old warehouses stand empty since the war.\n";
    assert_true(shelf_one_paragraph_per_line(one_per_line, strlen(one_per_line), NULL));
    expect_section(one_per_line, "Minesweepers", "Harbour Defences");
    /* a heading shaped otherwise is still one */
    static const char heading[] = "Harbour Defences\n\nThe harbour was mined.\n\n"
                                  "Channel Clearance\n\nMinesweepers cleared it.\n";
    expect_section(heading, "Minesweepers", "Channel Clearance");
}

static void test_corpus_report(void **state)
{
    (void)state;
    char *text = ts_read_file(REPORT, NULL);
    assert_non_null(text);
    /* the paragraph after "Tom Goffus (United States)" and his office */
    char *got = section_of(text, "of high-readiness forces to well over 300,000");
    if (strstr(got, "Goffus") || strstr(got, "(United States)"))
        fail_msg("a byline taken as the section: \"%s\"", got);
    assert_true(strlen(got) > 0);
    free(got);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bylines),
        cmocka_unit_test(test_not_bylines),
        cmocka_unit_test(test_byline_is_no_title),
        cmocka_unit_test(test_byline_is_no_heading),
        cmocka_unit_test(test_corpus_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
