/*
 * test_layout.c - a document's pages and headings (extract/layout.h): the
 * stored form round-trips, damaged forms are refused, lookups answer with
 * the right page and heading, and citation places (present/place.h) count
 * lines from the page's start.  Also the sentence rule for hard-wrapped
 * text (extract/textnav.h), which PDF quotations depend on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "extract/layout.h"
#include "present/place.h"
#include "extract/textnav.h"
#include "util/error.h"

static void make_sample(shelf_layout *l)
{
    assert_int_equal(shelf_layout_add_page(l, 0), SHELF_OK);
    assert_int_equal(shelf_layout_add_page(l, 40), SHELF_OK);
    assert_int_equal(shelf_layout_add_page(l, 300), SHELF_OK);
    assert_int_equal(shelf_layout_add_heading(l, 5, 10, 1), SHELF_OK);
    assert_int_equal(shelf_layout_add_heading(l, 120, 7, 3), SHELF_OK);
    l->structured = true;
}

static void test_roundtrip(void **state)
{
    shelf_layout l = SHELF_LAYOUT_INIT, back = SHELF_LAYOUT_INIT;
    make_sample(&l);
    shelf_buf b = SHELF_BUF_INIT;
    assert_int_equal(shelf_layout_encode(&b, &l), SHELF_OK);
    const uint8_t *p = b.data;
    assert_int_equal(shelf_layout_decode(&p, b.data + b.len, 400, &back), 0);
    assert_ptr_equal(p, b.data + b.len);
    assert_true(back.structured);
    assert_int_equal(back.npages, 3);
    assert_int_equal(back.pages[2], 300);
    assert_int_equal(back.nheadings, 2);
    assert_int_equal(back.headings[1].start, 120);
    assert_int_equal(back.headings[1].len, 7);
    assert_int_equal(back.headings[1].level, 3);
    shelf_buf_free(&b);
    shelf_layout_free(&l);
    shelf_layout_free(&back);
}

/* Every truncation and every offset past the text is refused. */
static void test_damage_refused(void **state)
{
    shelf_layout l = SHELF_LAYOUT_INIT, back = SHELF_LAYOUT_INIT;
    make_sample(&l);
    shelf_buf b = SHELF_BUF_INIT;
    assert_int_equal(shelf_layout_encode(&b, &l), SHELF_OK);
    for (size_t cut = 0; cut < b.len; cut++) {
        const uint8_t *p = b.data;
        assert_int_equal(shelf_layout_decode(&p, b.data + cut, 400, &back), -1);
        assert_int_equal(back.npages + back.nheadings, 0);
    }
    const uint8_t *p = b.data;
    assert_int_equal(shelf_layout_decode(&p, b.data + b.len, 299, &back), -1); /* page 3 past */
    p = b.data;
    assert_int_equal(shelf_layout_decode(&p, b.data + b.len, 126, &back), -1); /* heading past */
    static const uint8_t first_page_not_zero[] = {0, 1, 5, 0};
    p = first_page_not_zero;
    assert_int_equal(shelf_layout_decode(&p, p + sizeof first_page_not_zero, 10, &back), -1);
    static const uint8_t bad_level[] = {1, 0, 1, 0, 2, 9};
    p = bad_level;
    assert_int_equal(shelf_layout_decode(&p, p + sizeof bad_level, 10, &back), -1);
    static const uint8_t bad_flags[] = {2, 0, 0};
    p = bad_flags;
    assert_int_equal(shelf_layout_decode(&p, p + sizeof bad_flags, 10, &back), -1);
    shelf_buf_free(&b);
    shelf_layout_free(&l);
    shelf_layout_free(&back);
}

static void test_lookups(void **state)
{
    shelf_layout l = SHELF_LAYOUT_INIT;
    make_sample(&l);
    assert_int_equal(shelf_layout_page_of(&l, 0), 1);
    assert_int_equal(shelf_layout_page_of(&l, 39), 1);
    assert_int_equal(shelf_layout_page_of(&l, 40), 2);
    assert_int_equal(shelf_layout_page_of(&l, 299), 2);
    assert_int_equal(shelf_layout_page_of(&l, 5000), 3);
    assert_int_equal(shelf_layout_page_start(&l, 2), 40);
    assert_int_equal(shelf_layout_page_start(&l, 4), 0);
    assert_null(shelf_layout_heading_before(&l, 4));
    assert_int_equal(shelf_layout_heading_before(&l, 5)->start, 5);
    assert_int_equal(shelf_layout_heading_before(&l, 119)->start, 5);
    assert_int_equal(shelf_layout_heading_before(&l, 120)->start, 120);
    shelf_layout empty = SHELF_LAYOUT_INIT;
    assert_int_equal(shelf_layout_page_of(&empty, 10), 0);
    shelf_layout_free(&l);
}

/* Lines count from the page's first line; sections come from the layout
 * when it is structured, from the text rule otherwise. */
static void test_place(void **state)
{
    static const char text[] = "Intro\n\nline two\nline three\n\nNext page\nsecond line here\n";
    size_t page2 = (size_t)(strstr(text, "Next page") - text);
    shelf_layout l = SHELF_LAYOUT_INIT;
    assert_int_equal(shelf_layout_add_page(&l, 0), SHELF_OK);
    assert_int_equal(shelf_layout_add_page(&l, page2), SHELF_OK);
    shelf_place at;
    size_t pos = (size_t)(strstr(text, "here") - text);
    shelf_place_of(text, sizeof text - 1, &l, pos, 0, &at);
    assert_int_equal(at.page, 2);
    assert_int_equal(at.line, 2);
    assert_int_equal(at.column, 13);
    assert_int_equal(at.section_len, 5); /* the text rule: "Intro" */
    assert_memory_equal(text + at.section_start, "Intro", 5);
    l.structured = true; /* the markup's headings only: none before pos */
    shelf_place_of(text, sizeof text - 1, &l, pos, 0, &at);
    assert_int_equal(at.section_len, 0);
    assert_int_equal(shelf_layout_add_heading(&l, page2, 9, 2), SHELF_OK);
    shelf_place_of(text, sizeof text - 1, &l, pos, 0, &at);
    assert_int_equal(at.section_len, 9);
    assert_memory_equal(text + at.section_start, "Next page", 9);
    shelf_place_of(text, sizeof text - 1, NULL, pos, 0, &at); /* unpaged */
    assert_int_equal(at.page, 0);
    assert_int_equal(at.line, 7);
    shelf_layout_free(&l);
}

/* A hard-wrapped sentence is one sentence; a line that ends a sentence, a
 * heading above capitalised text and a blank line still end one. */
static void test_wrapped_sentences(void **state)
{
    static const char t[] = "Heading\nThe Alliance agreed that the security of\n"
                            "its members is indivisible. Next one.\n\nOther paragraph.\n";
    size_t len = sizeof t - 1;
    size_t in_second_line = (size_t)(strstr(t, "members") - t);
    size_t start = shelf_sentence_start(t, in_second_line, 0);
    assert_int_equal(start, (size_t)(strstr(t, "The Alliance") - t));
    size_t first_word = (size_t)(strstr(t, "The Alliance") - t);
    size_t end = shelf_sentence_end(t, first_word, len);
    assert_int_equal(end, (size_t)(strstr(t, "indivisible.") - t) + strlen("indivisible."));
    /* "Heading" then a capital: two sentences */
    assert_int_equal(shelf_sentence_end(t, 0, len), strlen("Heading"));
    size_t other = (size_t)(strstr(t, "Other") - t);
    assert_int_equal(shelf_sentence_start(t, other + 3, 0), other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_damage_refused),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_place),
        cmocka_unit_test(test_wrapped_sentences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
