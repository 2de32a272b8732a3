/*
 * test_norms.c - the dense document lengths of format version 6 (norms.h):
 *   - lengths are exact on both sides of each escape value (65535 body,
 *     255 title), through a commit and through a merge, and equal the records;
 *   - scoring reads the dense lengths, not the records: a record changed (CRC
 *     valid) leaves shelf_segment_doc_length alone, and the full check reports
 *     the disagreement naming .docs;
 *   - a damaged dense byte (CRC valid) is found by the check; without a valid
 *     CRC, by open's verification;
 *   - an index of the previous format version (5) is refused with the rebuild
 *     message, and `indexer --rebuild` replaces it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <zlib.h>

#include "backend/native/format.h"
#include "backend/native/index.h"
#include "backend/native/segment.h"
#include "engine/writer.h"
#include "support.h"
#include "support_run.h"
#include "util/bytes.h"
#include "util/error.h"


typedef struct lengths {
    uint32_t body, title;
} lengths;

/* Either side of each escape value, and small documents around them. */
static const lengths cases[] = {{3, 1}, {70000, 300}, {65535, 255}, {65534, 254}, {2, 0}};
#define CASES (sizeof cases / sizeof cases[0])

static char *words(const char *word, uint32_t n)
{
    size_t w = strlen(word) + 1;
    char *s = malloc(n * w + 1);
    assert_non_null(s);
    for (uint32_t i = 0; i < n; i++) {
        memcpy(s + i * w, word, w - 1);
        s[i * w + w - 1] = ' ';
    }
    s[n * w] = '\0';
    return s;
}

static void add_cases(shelf_indexwriter *w, const char *prefix)
{
    shelf_err err = {0};
    for (size_t i = 0; i < CASES; i++) {
        char *text = words("alpha", cases[i].body), *title = words("beta", cases[i].title);
        char *path = ts_strf("%s%zu.txt", prefix, i);
        shelf_doc_input in = {.path = path, .title = title, .title_len = strlen(title),
                              .text = text, .text_len = strlen(text), .size = 1, .hash = i};
        assert_int_equal(shelf_indexwriter_add(w, &in, NULL, &err), SHELF_OK);
        free(text);
        free(title);
        free(path);
    }
    assert_int_equal(shelf_indexwriter_commit(w, NULL, &err), SHELF_OK);
}

static char *build_index(const char *name, bool merged)
{
    char *dir = ts_strf("%s/%s", ts_tmp, name);
    shelf_err err = {0};
    shelf_writer_opts wo = {.language = "english", .memory_budget = 8 << 20};
    shelf_indexwriter *w = shelf_indexwriter_open(dir, &wo, &err);
    assert_non_null(w);
    add_cases(w, "a");
    if (merged) {
        shelf_indexwriter_free(w); /* a second commit from a second run */
        w = shelf_indexwriter_open(dir, &wo, &err);
        assert_non_null(w);
        add_cases(w, "b");
        unsigned merges = 0;
        assert_int_equal(shelf_indexwriter_merge(w, SHELF_MERGE_ALL, &merges, &err), SHELF_OK);
        assert_int_equal(merges, 1);
    }
    shelf_indexwriter_free(w);
    return dir;
}

static void expect_lengths(const shelf_segment *s, uint32_t first)
{
    shelf_err err = {0};
    for (uint32_t i = 0; i < CASES; i++) {
        shelf_docmeta m;
        assert_int_equal(shelf_segment_doc(s, first + i, &m, &err), SHELF_OK);
        if (shelf_segment_doc_length(s, first + i) != cases[i].body ||
            shelf_segment_title_length(s, first + i) != cases[i].title || m.length != cases[i].body ||
            m.title_length != cases[i].title)
            fail_msg("document %u: dense %u/%u, record %u/%u, wanted %u/%u", first + i,
                     shelf_segment_doc_length(s, first + i), shelf_segment_title_length(s, first + i),
                     m.length, m.title_length, cases[i].body, cases[i].title);
    }
}

/* The .docs trailer's exception counts (FORMAT.md). */
static void expect_exceptions(const char *dir, uint64_t body, uint64_t title)
{
    char *path = ts_strf("%s/seg_000001.docs", dir);
    size_t len;
    uint8_t *d = (uint8_t *)ts_read_file(path, &len);
    assert_non_null(d);
    const uint8_t *t = d + len - SHELF_FOOTER_BYTES - SHELF_DOCS_TRAILER_BYTES;
    assert_int_equal(shelf_load_u64le(t + 48), body);
    assert_int_equal(shelf_load_u64le(t + 56), title);
    free(d);
    free(path);
}

static void test_lengths_exact_across_escapes(void **state)
{
    (void)state;
    char *dir = build_index("exact", false);
    expect_exceptions(dir, 2, 2); /* 70000 and 65535; 300 and 255 */
    shelf_index *idx = NULL;
    shelf_err err = {0};
    assert_int_equal(shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, &err), SHELF_OK);
    expect_lengths(shelf_index_segment(idx, 0), 0);
    shelf_check_report r;
    assert_int_equal(shelf_index_check(idx, &r, &err), SHELF_OK);
    shelf_index_close(idx);
    free(dir);
}

static void test_merge_keeps_lengths(void **state)
{
    (void)state;
    char *dir = build_index("merged", true);
    shelf_index *idx = NULL;
    shelf_err err = {0};
    assert_int_equal(shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, &err), SHELF_OK);
    assert_int_equal(shelf_index_segment_count(idx), 1);
    const shelf_segment *s = shelf_index_segment(idx, 0);
    assert_int_equal(shelf_segment_doc_count(s), 2 * CASES);
    expect_lengths(s, 0);
    expect_lengths(s, CASES);
    shelf_check_report r;
    assert_int_equal(shelf_index_check(idx, &r, &err), SHELF_OK);
    shelf_index_close(idx);
    free(dir);
}

static void patch(const char *path, size_t offset, const void *bytes, size_t n, bool fix_crc)
{
    size_t len;
    uint8_t *d = (uint8_t *)ts_read_file(path, &len);
    assert_non_null(d);
    assert_true(offset + n <= len);
    memcpy(d + offset, bytes, n);
    if (fix_crc)
        shelf_store_u32le(d + len - 4, (uint32_t)crc32(crc32(0L, Z_NULL, 0), d, (uInt)(len - 4)));
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(d, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(d);
}

/* The open index's check error, which must name .docs and say what. */
static void expect_check_fails(const char *dir, const char *what)
{
    shelf_index *idx = NULL;
    shelf_err err = {0};
    assert_int_equal(shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, &err), SHELF_OK);
    shelf_check_report r;
    int rc = shelf_index_check(idx, &r, &err);
    if (rc != SHELF_ECORRUPT || !strstr(err.msg, "seg_000001.docs") || !strstr(err.msg, what))
        fail_msg("check: %d '%s', wanted damage to .docs (%s)", rc, err.msg, what);
    shelf_index_close(idx);
}

static void test_scoring_reads_dense_lengths(void **state)
{
    (void)state;
    char *dir = build_index("record", false);
    char *docs = ts_strf("%s/seg_000001.docs", dir);
    uint8_t length[4];
    shelf_store_u32le(length, 9);
    patch(docs, SHELF_HEADER_BYTES, length, sizeof length, true); /* doc 0's record */
    shelf_index *idx = NULL;
    shelf_err err = {0};
    assert_int_equal(shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, &err), SHELF_OK);
    assert_int_equal(shelf_segment_doc_length(shelf_index_segment(idx, 0), 0), cases[0].body);
    shelf_index_close(idx);
    expect_check_fails(dir, "dense lengths of document 0 disagree");
    free(docs);
    free(dir);
}

static void test_damaged_dense_byte_found(void **state)
{
    (void)state;
    char *dir = build_index("dense", false);
    char *docs = ts_strf("%s/seg_000001.docs", dir);
    size_t len;
    uint8_t *d = (uint8_t *)ts_read_file(docs, &len);
    assert_non_null(d);
    uint64_t norms = shelf_load_u64le(d + len - SHELF_FOOTER_BYTES - SHELF_DOCS_TRAILER_BYTES + 40);
    free(d);
    uint8_t escape = 0xFF; /* doc 0's title: an escape with no exception */
    patch(docs, (size_t)norms + 2 * CASES, &escape, 1, true);
    expect_check_fails(dir, "title length exceptions");
    uint8_t two = 2; /* doc 0's title again, now a plain wrong value */
    patch(docs, (size_t)norms + 2 * CASES, &two, 1, true);
    expect_check_fails(dir, "disagree");
    uint8_t seven = 7; /* doc 0's body, CRC left stale: open's verification */
    patch(docs, (size_t)norms, &seven, 1, false);
    shelf_index *idx = NULL;
    shelf_err err = {0};
    int rc = shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, &err);
    if (rc != SHELF_ECORRUPT || !strstr(err.msg, "seg_000001.docs"))
        fail_msg("stale CRC: %d '%s'", rc, err.msg);
    free(docs);
    free(dir);
}

/* Header bytes 8..11 of the MANIFEST carry the format version. */
static void test_previous_version_refused(void **state)
{
    (void)state;
    char *src = ts_strf("%s/src", ts_tmp), *idx = ts_strf("%s/old", ts_tmp);
    assert_int_equal(mkdir(src, 0755), 0);
    free(ts_write_file(src, "a.txt", "Zeppelin notes\n\nthe zeppelin flew\n", 35));
    char *cmd = ts_strf("'%s' --quiet --index '%s' '%s'", INDEXER_BIN, idx, src);
    assert_int_equal(ts_run(cmd, NULL, NULL), 0);
    char *manifest = ts_strf("%s/MANIFEST", idx);
    uint8_t six[4] = {6, 0, 0, 0}; /* the version before the heading spans (7) */
    patch(manifest, 8, six, 4, false);
    char *search = ts_strf("'%s' --index '%s' zeppelin", SEARCHER_BIN, idx);
    char *out = NULL, *err = NULL;
    assert_int_equal(ts_run(search, &out, &err), 2);
    if (!strstr(err, "index format version 6 is older than this program's 7") ||
        !strstr(err, "indexer --rebuild --index"))
        fail_msg("searcher said: %s", err);
    free(out);
    free(err);
    char *rebuild = ts_strf("'%s' --quiet --rebuild --index '%s' '%s'", INDEXER_BIN, idx, src);
    assert_int_equal(ts_run(rebuild, NULL, NULL), 0);
    out = err = NULL;
    assert_int_equal(ts_run(search, &out, &err), 0);
    assert_non_null(strstr(out, "a.txt"));
    free(out);
    free(err);
    free(rebuild);
    free(search);
    free(manifest);
    free(cmd);
    free(idx);
    free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lengths_exact_across_escapes),
        cmocka_unit_test(test_merge_keeps_lengths),
        cmocka_unit_test(test_scoring_reads_dense_lengths),
        cmocka_unit_test(test_damaged_dense_byte_found),
        cmocka_unit_test(test_previous_version_refused),
    };
    return cmocka_run_group_tests(tests, ts_setup_tmp, ts_teardown_tmp);
}
