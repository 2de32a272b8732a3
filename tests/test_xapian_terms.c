/*
 * test_xapian_terms.c - the Xapian backend's naming rules
 * (backend/xapian/xapian_terms.h): a body key's term is "Z" + its bytes, a title
 * key's term is "S" + its bytes, listing a term back gives the same key,
 * and an id term is "Q" + the path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backend/xapian/xapian_terms.h"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_terms),
        cmocka_unit_test(test_terms_back_to_keys),
        cmocka_unit_test(test_id_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
