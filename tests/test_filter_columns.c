/*
 * test_filter_columns.c - the segments' stored filter columns (.cols,
 * doccols.h, colswriter.h):
 *   - every segment written, by the segment writer or by a merge (after
 *     updates and deletions), has a .cols file, and its columns equal, for
 *     every document, what its record gives (format, day, folder, author,
 *     content hash); `--check` passes;
 *   - filtered, sorted and collapsed queries answer byte for byte the same
 *     with the files and without them (an index written before they
 *     existed: the columns are then built from the records);
 *   - damage: a flipped byte fails `--check` (CRC); a file with a valid
 *     CRC whose values are not the records' fails `--check` naming the
 *     field; a folder id out of range (its CRC stale, then recomputed) and
 *     a truncated file make a filtered query fail with exit 2 and a message
 *     naming the file, never a crash or a read outside the file.
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
#include <zlib.h>

#include "backend/filter_match.h"
#include "backend/native/colswriter.h"
#include "backend/native/doccols.h"
#include "backend/native/index.h"
#include "backend/native/segpath.h"
#include "support.h"
#include "support_run.h"

static char *g_tmp, *g_src, *g_idx;

static void write_src(const char *name, const char *text)
{
    free(ts_write_file(g_src, name, text, strlen(text)));
}

static void index_src(void)
{
    char *err = NULL;
    int rc = ts_runf(NULL, &err, "'%s' --quiet --index '%s' '%s'", INDEXER_BIN, g_idx, g_src);
    if (rc != 0)
        fail_msg("indexer exit %d: %s", rc, err);
    free(err);
}

static int setup(void **state)
{
    (void)state;
    g_tmp = ts_mkdtemp();
    g_src = ts_strf("%s/src", g_tmp);
    g_idx = ts_strf("%s/idx", g_tmp);
    write_src("docs/a/one.html",
              TS_HTML_PAGE("One", "Ada Lovelace", "2021-03-04", "nato defence budget alliance"));
    write_src("docs/ab/two.txt", "Two\n\nnato defence nato readiness\n");
    write_src("docs/a/sub/three.md", "# Three\n\ndefence alliance nato budget\n");
    write_src("other/four.html",
              TS_HTML_PAGE("Four", "Grace Hopper", "2023-07", "nato cyber defence alliance"));
    write_src("other/five.txt", "Five\n\nalliance budget defence cyber\n");
    write_src("other/copy-of-five.txt", "Five\n\nalliance budget defence cyber\n");
    free(ts_run_ok("touch -d '2019-06-01 12:00 UTC' '%s/docs/ab/two.txt'", g_src));
    index_src();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_rmtree(g_tmp);
    free(g_tmp);
    free(g_src);
    free(g_idx);
    return 0;
}

static shelf_index *open_index(const char *dir)
{
    shelf_index *idx = NULL;
    shelf_err err = {0};
    if (shelf_index_open(&idx, dir, 0, &err) != SHELF_OK)
        fail_msg("open %s: %s", dir, err.msg);
    return idx;
}

/* One document's columns against its record, field by field. */
static void expect_doc(const shelf_doccols *c, const shelf_segment *s, uint32_t d)
{
    shelf_docmeta m;
    shelf_err err = {0};
    assert_int_equal(shelf_segment_doc(s, d, &m, &err), SHELF_OK);
    assert_int_equal(shelf_doccols_format(c, d), shelf_doc_format(m.flags));
    assert_int_equal(shelf_doccols_day(c, d), shelf_doc_day(m.date, m.date_len, m.mtime_ns));
    assert_true(shelf_doccols_hash(c, d) == m.hash);
    uint32_t dir = shelf_doccols_dir(c, d), author = shelf_doccols_author(c, d);
    assert_true(dir < c->ndirs);
    assert_true(author < c->nauthors);
    const char *name = shelf_doccols_dir_name(c, dir);
    size_t dir_len = shelf_path_dir_len(m.path, m.path_len);
    assert_int_equal(strlen(name), dir_len);
    assert_memory_equal(name, m.path, dir_len);
    name = shelf_doccols_author_name(c, author);
    assert_int_equal(strlen(name), m.author_len);
    if (m.author_len)
        assert_memory_equal(name, m.author, m.author_len);
}

/* Every segment has its file, equal to its records; --check passes. */
static void expect_stored_columns(size_t want_segments, uint32_t want_docs)
{
    shelf_index *idx = open_index(g_idx);
    assert_int_equal(shelf_index_segment_count(idx), want_segments);
    uint32_t docs = 0;
    for (size_t i = 0; i < shelf_index_segment_count(idx); i++) {
        const shelf_segment *s = shelf_index_segment(idx, i);
        shelf_doccols *c = NULL;
        shelf_err err = {0};
        if (shelf_doccols_open_stored(&c, s, true, &err) != SHELF_OK)
            fail_msg("segment %zu: %s", i, err.msg);
        assert_true(c->stored);
        assert_int_equal(c->count, shelf_segment_doc_count(s));
        for (uint32_t d = 0; d < c->count; d++)
            expect_doc(c, s, d);
        docs += c->count;
        shelf_doccols_free(c);
    }
    assert_int_equal(docs, want_docs);
    shelf_index_close(idx);
    free(ts_run_ok("'%s' --check --index '%s'", INDEXER_BIN, g_idx));
}

static void test_written_and_merged(void **state)
{
    (void)state;
    expect_stored_columns(1, 6);
    write_src("late/six.md", "---\nauthor: Ada Lovelace\ndate: 2024-02-02\n---\n# Six\n\nnato\n");
    write_src("docs/ab/two.txt", "Two\n\nnato defence changed\n");
    index_src();
    expect_stored_columns(2, 8); /* the old copy of two.txt is still stored, deleted */
    free(ts_run_ok("rm '%s/other/four.html'", g_src));
    index_src();
    free(ts_run_ok("'%s' --quiet --optimize --index '%s'", INDEXER_BIN, g_idx));
    expect_stored_columns(1, 6);
}

static const char *const queries[] = {
    "nato type:html", "defence in:docs/a", "alliance author:lovelace", "nato after:2021-01-01",
    "nato before:2020-01-01", "budget -in:other", "defence path:sub",
};

/* Every query's --json answer, and the sorted and collapsed ones, in one string. */
static char *answers(const char *index)
{
    ts_sbuf all = {0};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        for (int form = 0; form < 3; form++) {
            static const char *const extra[] = {"", "--sort date", "--no-collapse --sort -date"};
            char *out = NULL, *err = NULL;
            int rc = ts_runf(&out, &err, "'%s' --index '%s' --json -n 20 %s -- '%s'", SEARCHER_BIN,
                             index, extra[form], queries[i]);
            if (rc > 1)
                fail_msg("%s: exit %d: %s", queries[i], rc, err);
            ts_sb_add(&all, out);
            free(out);
            free(err);
        }
    }
    return ts_sb_take(&all);
}

static void test_same_answers_without_files(void **state)
{
    (void)state;
    char *with = answers(g_idx);
    assert_non_null(strstr(with, "one.html"));
    char *old = ts_strf("%s/old", g_tmp);
    free(ts_run_ok("rm -rf '%s' && cp -r '%s' '%s' && rm '%s'/seg_*.cols", old, g_idx, old, old));
    char *without = answers(old);
    assert_string_equal(with, without);
    free(ts_run_ok("'%s' --check --index '%s'", INDEXER_BIN, old));
    free(with);
    free(without);
    free(old);
}

/* A copy of the index whose one segment's .cols is at *path. */
static char *damaged_copy(const char *name, char *path, size_t size, const shelf_doccols **layout_out,
                          uint64_t *dir_offset)
{
    char *copy = ts_strf("%s/%s", g_tmp, name);
    free(ts_run_ok("rm -rf '%s' && cp -r '%s' '%s'", copy, g_idx, copy));
    shelf_index *idx = open_index(copy);
    assert_int_equal(shelf_index_segment_count(idx), 1);
    const shelf_segment *s = shelf_index_segment(idx, 0);
    shelf_segment_path(path, size, copy, shelf_segment_number(s), SHELF_EXT_COLS);
    shelf_doccols *c = NULL;
    shelf_err err = {0};
    assert_int_equal(shelf_doccols_open_stored(&c, s, true, &err), SHELF_OK);
    *dir_offset = (uint64_t)(c->dir - c->file.data);
    shelf_doccols_free(c);
    shelf_index_close(idx);
    (void)layout_out;
    return copy;
}

static void poke(const char *path, uint64_t offset, uint8_t value)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)offset, SEEK_SET), 0);
    assert_int_equal(fputc(value, f), value);
    assert_int_equal(fclose(f), 0);
}

/* Recompute a framed file's CRC (its last four bytes), so that damage
 * reaches what reads the file past its checksum. */
static void fix_crc(const char *path)
{
    size_t len = 0;
    uint8_t *data = (uint8_t *)ts_read_file(path, &len);
    assert_true(data && len > 4);
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), data, (uInt)(len - 4));
    for (int i = 0; i < 4; i++)
        data[len - 4 + i] = (uint8_t)(crc >> (8 * i));
    free(ts_write_file("/", path + 1, data, len));
    free(data);
}

static void expect_check_fails(const char *index, const char *want)
{
    char *out = NULL, *err = NULL;
    int rc = ts_runf(&out, &err, "'%s' --check --index '%s'", INDEXER_BIN, index);
    if (rc == 0 || !strstr(err, ".cols") || !strstr(err, want))
        fail_msg("--check exit %d, wanted a message naming .cols and '%s': %s", rc, want, err);
    free(out);
    free(err);
}

static void expect_query_fails(const char *index, const char *query)
{
    char *out = NULL, *err = NULL;
    int rc = ts_runf(&out, &err, "'%s' --index '%s' -- '%s'", SEARCHER_BIN, index, query);
    if (rc != 2 || !strstr(err, ".cols") || !(strstr(err, "damaged") || strstr(err, "corrupt")))
        fail_msg("%s: exit %d, wanted 2 and a message naming .cols: %s", query, rc, err);
    free(out);
    free(err);
}

static void test_flipped_byte(void **state)
{
    (void)state;
    char path[4096];
    uint64_t dir_offset;
    char *copy = damaged_copy("flip", path, sizeof path, NULL, &dir_offset);
    poke(path, 16, 0x7f); /* the first document's format */
    expect_check_fails(copy, "");
    free(copy);
}

static void test_folder_out_of_range(void **state)
{
    (void)state;
    char path[4096];
    uint64_t dir_offset;
    char *copy = damaged_copy("range", path, sizeof path, NULL, &dir_offset);
    for (int i = 0; i < 4; i++)
        poke(path, dir_offset + (uint64_t)i, 0xff);
    expect_query_fails(copy, "nato in:docs"); /* a small file: its CRC is checked */
    fix_crc(path);
    expect_query_fails(copy, "nato in:docs"); /* past it: the id's range */
    expect_check_fails(copy, "");
    free(copy);
}

static void test_truncated(void **state)
{
    (void)state;
    char path[4096];
    uint64_t dir_offset;
    char *copy = damaged_copy("short", path, sizeof path, NULL, &dir_offset);
    assert_int_equal(truncate(path, 40), 0);
    expect_query_fails(copy, "nato type:html");
    expect_check_fails(copy, "");
    free(copy);
}

/* A file with a valid frame and CRC whose one value is not the record's:
 * only the comparison with the records can find it. */
static void test_wrong_but_well_formed(void **state)
{
    (void)state;
    char path[4096];
    uint64_t dir_offset;
    char *copy = damaged_copy("wrong", path, sizeof path, NULL, &dir_offset);
    shelf_index *idx = open_index(copy);
    const shelf_segment *s = shelf_index_segment(idx, 0);
    shelf_colswriter w;
    shelf_err err = {0};
    assert_int_equal(shelf_colswriter_open(&w, path, &err), SHELF_OK);
    for (uint32_t d = 0; d < shelf_segment_doc_count(s); d++) {
        shelf_docmeta m;
        assert_int_equal(shelf_segment_doc(s, d, &m, &err), SHELF_OK);
        char *doc_path = ts_exact_copy(m.path, m.path_len + 1);
        doc_path[m.path_len] = '\0';
        shelf_colsrow row = {doc_path, m.author, m.author_len, m.date, m.date_len, m.mtime_ns,
                             m.hash + (d == 2), m.flags};
        assert_int_equal(shelf_colswriter_add(&w, &row, &err), SHELF_OK);
        free(doc_path);
    }
    assert_int_equal(shelf_colswriter_finish(&w, &err), SHELF_OK);
    assert_int_equal(shelf_colswriter_commit(&w, &err), SHELF_OK);
    shelf_colswriter_close(&w);
    shelf_index_close(idx);
    expect_check_fails(copy, "document 2's content hash");
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_written_and_merged),
        cmocka_unit_test(test_same_answers_without_files),
        cmocka_unit_test(test_flipped_byte),
        cmocka_unit_test(test_folder_out_of_range),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_wrong_but_well_formed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
