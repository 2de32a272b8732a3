/*
 * test_xapian_record.c - what a Xapian document holds for Xapian's tools
 * and for us (backend/xapian/omega_data.h, record_value.h):
 *   - Omega's "field=value" lines: url, caption (the title, else the file's
 *     name; one line), sample (white space folded, at most 300 bytes, never
 *     a cut character), modtime in seconds, size;
 *   - our record packed into its value slot reads back byte for byte; a
 *     document without the value gives SHELF_ENOTFOUND and its data (what
 *     an older program kept there); a damaged frame is SHELF_ECORRUPT
 *     with a message naming the document.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/xapian/omega_data.h"
#include "backend/xapian/record_value.h"
#include "backend/xapian/xapian_c.h"
#include "backend/xapian/xapian_terms.h"
#include "support.h"

static char *omega_of(const shelf_docview *m, const char *text)
{
    shelf_buf out = SHELF_BUF_INIT;
    assert_int_equal(shelf_omega_data(&out, m, text, strlen(text)), SHELF_OK);
    char *s = strndup((const char *)out.data, out.len);
    shelf_buf_free(&out);
    return s;
}

static void test_omega_lines(void **state)
{
    (void)state;
    shelf_docview m = {0};
    m.path = "/shelf/reports/annual.txt";
    m.path_len = strlen(m.path);
    m.title = "Annual\nreport";
    m.title_len = strlen(m.title);
    m.size = 1234;
    m.mtime_ns = 1700000000123456789LL;
    char *s = omega_of(&m, "  The  alliance\n\nmet\tin Vilnius.  ");
    assert_string_equal(s, "url=/shelf/reports/annual.txt\ncaption=Annual report\n"
                           "sample=The alliance met in Vilnius.\nmodtime=1700000000\nsize=1234\n");
    free(s);
    m.title_len = 0; /* no title: the file's name */
    s = omega_of(&m, "x");
    assert_non_null(strstr(s, "\ncaption=annual.txt\n"));
    free(s);
}

static void test_omega_sample_cut(void **state)
{
    (void)state;
    char text[1001] = "";
    for (int i = 0; i < 500; i++)
        strcat(text, "\xc3\xa9"); /* é, two bytes */
    shelf_docview m = {0};
    m.path = "/a";
    m.path_len = 2;
    char *s = omega_of(&m, text);
    char *sample = strstr(s, "sample=") + 7;
    size_t len = strcspn(sample, "\n");
    assert_true(len <= SHELF_OMEGA_SAMPLE_BYTES);
    assert_int_equal(len, SHELF_OMEGA_SAMPLE_BYTES); /* 150 whole characters */
    assert_int_equal((unsigned char)sample[len - 1], 0xa9);
    free(s);
}


static uint32_t put(shelf_xdb *db, const char *id, const void *record, size_t len, bool raw)
{
    shelf_err err = {0};
    shelf_xdoc *doc = shelf_xdoc_new();
    assert_non_null(doc);
    assert_int_equal(shelf_xdoc_set_data(doc, "older data", 10, &err), SHELF_OK);
    if (record && raw)
        assert_int_equal(shelf_xdoc_set_value(doc, SHELF_XAPIAN_RECORD_SLOT, record, len, &err), SHELF_OK);
    else if (record)
        assert_int_equal(shelf_record_value_set(doc, record, len, &err), SHELF_OK);
    uint32_t docid = 0;
    assert_int_equal(shelf_xdb_replace(db, id, strlen(id), doc, &docid, &err), SHELF_OK);
    shelf_xdoc_free(doc);
    return docid;
}

static void test_record_value(void **state)
{
    (void)state;
    char *tmp = ts_mkdtemp();
    char *path = ts_strf("%s/xdb", tmp);
    shelf_xdb *db = NULL;
    shelf_err err = {0};
    assert_int_equal(shelf_xdb_open_writable(&db, path, 1, &err), SHELF_OK);
    size_t len = 100000;
    uint8_t *record = malloc(len);
    for (size_t i = 0; i < len; i++)
        record[i] = (uint8_t)(i * 7 % 251);
    uint32_t packed = put(db, "a", record, len, false);
    uint32_t older = put(db, "b", NULL, 0, false);
    uint32_t damaged = put(db, "c", "\x28\xb5\x2f\xfd garbage", 12, true);
    assert_int_equal(shelf_xdb_commit(db, &err), SHELF_OK);

    shelf_buf out = SHELF_BUF_INIT, value = SHELF_BUF_INIT;
    assert_int_equal(shelf_record_value_get(db, packed, &out, &err), SHELF_OK);
    assert_int_equal(out.len, len);
    assert_memory_equal(out.data, record, len);
    assert_int_equal(shelf_xdb_value(db, packed, SHELF_XAPIAN_RECORD_SLOT, &value, &err), SHELF_OK);
    assert_true(value.len < len / 2); /* it is packed */
    assert_int_equal(shelf_record_value_get(db, older, &out, &err), SHELF_ENOTFOUND);
    assert_int_equal(out.len, 10);
    assert_memory_equal(out.data, "older data", 10);
    assert_int_equal(shelf_record_value_get(db, damaged, &out, &err), SHELF_ECORRUPT);
    assert_non_null(strstr(err.msg, "damaged record"));
    shelf_buf_free(&out);
    shelf_buf_free(&value);
    free(record);
    shelf_xdb_close(db);
    ts_rmtree(tmp);
    free(path);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_omega_lines),
        cmocka_unit_test(test_omega_sample_cut),
        cmocka_unit_test(test_record_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
