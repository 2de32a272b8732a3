/*
 * test_xapian_terms.c - the Xapian backend's naming rules
 * (backend/xapian/xapian_terms.h): a body key's term is "Z" + its bytes, a title
 * key's term is "S" + its bytes, listing a term back gives the same key,
 * and an id term is "Q" + the path; the filter terms (filter_terms.h):
 * "T" + MIME type, "XD" + folder, "A" + lower-cased author word, each
 * refused when too long for Xapian; the day value is "YYYYMMDD" in day
 * order, clamped to years 0..9999.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backend/xapian/filter_terms.h"
#include "backend/xapian/xapian_terms.h"
#include "extract/readers.h"
#include "query/filter.h"
#include "query/plan.h" /* the key layout: field bytes, SHELF_MAX_KEY_BYTES */

static size_t make_key(uint8_t field, const char *term, uint8_t *key)
{
    key[0] = field;
    memcpy(key + 1, term, strlen(term));
    return strlen(term) + 1;
}

static void test_key_terms(void **state)
{
    uint8_t key[SHELF_MAX_KEY_BYTES];
    char term[SHELF_MAX_KEY_BYTES];
    size_t len = make_key(SHELF_FIELD_BODY, "nato", key);
    assert_int_equal(shelf_xapian_key_term(key, len, term), 5);
    assert_memory_equal(term, "Znato", 5); /* Xapian's stemmed-term prefix */
    len = make_key(SHELF_FIELD_TITLE_ID, "nato", key);
    assert_int_equal(shelf_xapian_key_term(key, len, term), 5);
    assert_memory_equal(term, "Snato", 5);
    assert_int_equal(shelf_xapian_field_term(SHELF_FIELD_TITLE_ID, (const uint8_t *)"ab", 2, term), 3);
    assert_memory_equal(term, "Sab", 3);
}

static void test_terms_back_to_keys(void **state)
{
    uint8_t key[SHELF_MAX_KEY_BYTES];
    assert_int_equal(shelf_xapian_term_key(SHELF_FIELD_TITLE_ID, "Snato", 5, key, sizeof key), 5);
    assert_int_equal(key[0], SHELF_FIELD_TITLE_ID);
    assert_memory_equal(key + 1, "nato", 4);
    assert_int_equal(shelf_xapian_term_key(SHELF_FIELD_BODY, "Znato", 5, key, sizeof key), 5);
    assert_int_equal(key[0], SHELF_FIELD_BODY);
    assert_memory_equal(key + 1, "nato", 4);
    /* the bare prefix, a term of another field, a plain word (Xapian's
     * tools only), a key that does not fit */
    assert_int_equal(shelf_xapian_term_key(SHELF_FIELD_TITLE_ID, "S", 1, key, sizeof key), 0);
    assert_int_equal(shelf_xapian_term_key(SHELF_FIELD_TITLE_ID, "Znato", 5, key, sizeof key), 0);
    assert_int_equal(shelf_xapian_term_key(SHELF_FIELD_BODY, "Snato", 5, key, sizeof key), 0);
    assert_int_equal(shelf_xapian_term_key(SHELF_FIELD_BODY, "nato", 4, key, sizeof key), 0);
    assert_int_equal(shelf_xapian_term_key(SHELF_FIELD_BODY, "Znato", 5, key, 4), 0);
}

static void test_id_terms(void **state)
{
    size_t len = 99;
    const char *path = shelf_xapian_id_path("Qdocs/a.txt", 11, &len);
    assert_non_null(path);
    assert_int_equal(len, 10);
    assert_memory_equal(path, "docs/a.txt", 10);
    assert_null(shelf_xapian_id_path("Sdocs", 5, &len));
    assert_null(shelf_xapian_id_path("", 0, &len));
    assert_int_equal(strlen(SHELF_XAPIAN_ID_PREFIX), SHELF_XAPIAN_ID_PREFIX_LEN);
}

static void expect_day(int year, int month, int day, const char *want)
{
    char out[SHELF_XAPIAN_DAY_BYTES + 1];
    shelf_xapian_day_value(shelf_days_from_civil(year, month, day), out);
    assert_string_equal(out, want);
}

static void test_day_values(void **state)
{
    (void)state;
    char out[SHELF_XAPIAN_DAY_BYTES + 1];
    shelf_xapian_day_value(0, out);
    assert_string_equal(out, "19700101");
    shelf_xapian_day_value(-1, out);
    assert_string_equal(out, "19691231");
    expect_day(2024, 2, 29, "20240229");
    expect_day(2024, 3, 1, "20240301");
    expect_day(2000, 12, 31, "20001231");
    expect_day(1900, 3, 1, "19000301");
    expect_day(1, 1, 1, "00010101");
    expect_day(9999, 12, 31, "99991231");
    shelf_xapian_day_value(INT32_MIN, out);
    assert_string_equal(out, "00000101");
    shelf_xapian_day_value(INT32_MAX, out);
    assert_string_equal(out, "99991231");
    /* byte order is day order, day after day across years */
    char prev[SHELF_XAPIAN_DAY_BYTES + 1] = "";
    for (int32_t d = shelf_days_from_civil(1999, 12, 1); d < shelf_days_from_civil(2001, 3, 2); d++) {
        shelf_xapian_day_value(d, out);
        assert_true(strcmp(prev, out) < 0);
        memcpy(prev, out, sizeof out);
    }
}

static void test_filter_terms(void **state)
{
    (void)state;
    char term[SHELF_XAPIAN_TERM_MAX + 1];
    size_t len;
    assert_true(shelf_xapian_type_term(SHELF_FORMAT_PDF, term, &len));
    assert_string_equal(term, "Tapplication/pdf");
    assert_int_equal(len, 16);
    assert_true(shelf_xapian_type_term(SHELF_FORMAT_TEXT, term, &len));
    assert_string_equal(term, "Ttext/plain");
    assert_false(shelf_xapian_type_term(99, term, &len));
    assert_true(shelf_xapian_folder_term("/home/me", 8, term, &len));
    assert_string_equal(term, "XD/home/me");
    assert_true(shelf_xapian_author_term("LoveLace", 8, term, &len));
    assert_string_equal(term, "Alovelace");
    char longest[SHELF_XAPIAN_TERM_MAX];
    memset(longest, 'x', sizeof longest);
    assert_true(shelf_xapian_author_term(longest, SHELF_XAPIAN_TERM_MAX - 1, term, &len));
    assert_int_equal(len, SHELF_XAPIAN_TERM_MAX);
    assert_false(shelf_xapian_author_term(longest, SHELF_XAPIAN_TERM_MAX, term, &len));
    assert_true(shelf_xapian_folder_term(longest, SHELF_XAPIAN_TERM_MAX - 2, term, &len));
    assert_false(shelf_xapian_folder_term(longest, SHELF_XAPIAN_TERM_MAX - 1, term, &len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_terms),
        cmocka_unit_test(test_terms_back_to_keys),
        cmocka_unit_test(test_id_terms),
        cmocka_unit_test(test_day_values),
        cmocka_unit_test(test_filter_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
