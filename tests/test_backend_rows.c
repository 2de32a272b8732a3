/*
 * test_backend_rows.c - the table of backends (common/engine/backends.h,
 * common/backend/backend.h): every row fills every operation; rows are
 * found by name; a native folder and a Xapian folder are each detected as
 * their own row and a writer refuses the other backend there; and adding a
 * document then committing through the writer facade (engine/writer.h)
 * works for each row, the result readable through the engine and checked
 * by the row's check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/backends.h"
#include "engine/engine.h"
#include "engine/index_check.h"
#include "engine/writer.h"
#include "support.h"

static size_t row_count(void)
{
    size_t n = 0;
    while (shelf_backend_rows[n])
        n++;
    return n;
}

static void every_row_has_every_op(void **state)
{
    assert_int_equal(row_count(), 2);
    for (size_t i = 0; shelf_backend_rows[i]; i++) {
        const shelf_backend_row *row = shelf_backend_rows[i];
        assert_non_null(row->name);
        assert_non_null(row->label);
        assert_non_null(row->detect);
        assert_non_null(row->stamp_path);
        const shelf_reader_ops *r = row->reader;
        assert_non_null(r);
        assert_non_null(r->open);
        assert_non_null(r->doc_count);
        assert_non_null(r->df);
        assert_non_null(r->terms);
        assert_non_null(r->search);
        assert_non_null(r->explain);
        assert_non_null(r->doc);
        assert_non_null(r->text);
        assert_non_null(r->positions);
        assert_non_null(r->each_doc);
        assert_non_null(r->file);
        assert_non_null(r->part);
        assert_non_null(r->lost);
        assert_non_null(r->close);
        const shelf_writer_ops *w = row->writer;
        assert_non_null(w);
        assert_non_null(w->open);
        assert_non_null(w->probe);
        assert_non_null(w->same_content);
        assert_non_null(w->add);
        assert_non_null(w->add_analyzed);
        assert_non_null(w->language);
        assert_non_null(w->remove);
        assert_non_null(w->prune);
        assert_non_null(w->commit);
        assert_non_null(w->merge);
        assert_non_null(w->check);
        assert_non_null(w->free);
        assert_ptr_equal(shelf_backend_by_id(row->id), row);
    }
}

static void rows_by_name(void **state)
{
    const shelf_backend_row *native = shelf_backend_by_name("native");
    const shelf_backend_row *xapian = shelf_backend_by_name("xapian");
    assert_non_null(native);
    assert_non_null(xapian);
    assert_ptr_not_equal(native, xapian);
    assert_int_equal(native->id, SHELF_BACKEND_NATIVE);
    assert_int_equal(xapian->id, SHELF_BACKEND_XAPIAN);
    assert_ptr_equal(shelf_backend_rows[0], native); /* the default for a new folder */
    assert_null(shelf_backend_by_name("lucene"));
    assert_null(shelf_backend_by_name(""));
}

/* Write one document through the facade with the named backend (NULL: the
 * folder's own), commit, and return the summary. */
static shelf_commit_summary write_one(const char *dir, const char *backend, const char *path,
                                      const char *text)
{
    shelf_err err = {0};
    shelf_writer_opts opts = {.memory_budget = 1 << 20, .backend = backend};
    shelf_indexwriter *w = shelf_indexwriter_open(dir, &opts, &err);
    if (!w)
        fail_msg("open %s: %s", backend ? backend : "(own)", err.msg);
    assert_int_equal(shelf_indexwriter_probe(w, path, strlen(text), 1), SHELF_SOURCE_NEW);
    shelf_doc_input doc = {.path = path, .title = "A title", .title_len = 7, .text = text,
                           .text_len = strlen(text), .size = strlen(text), .mtime_ns = 1,
                           .hash = 42};
    shelf_doc_report rep;
    if (shelf_indexwriter_add(w, &doc, &rep, &err) != SHELF_OK)
        fail_msg("add: %s", err.msg);
    assert_int_equal(rep.tokens, 4);
    shelf_commit_summary sum;
    if (shelf_indexwriter_commit(w, &sum, &err) != SHELF_OK)
        fail_msg("commit: %s", err.msg);
    unsigned merges = 99;
    assert_int_equal(shelf_indexwriter_merge(w, SHELF_MERGE_TIERED, &merges, &err), SHELF_OK);
    assert_int_equal(merges, 0);
    shelf_indexwriter_free(w);
    return sum;
}

static void expect_readable(const char *dir, shelf_backend id, uint64_t docs)
{
    shelf_err err = {0};
    shelf_engine *e;
    if (shelf_engine_open(&e, dir, 0, &err) != SHELF_OK)
        fail_msg("engine open: %s", err.msg);
    assert_int_equal(shelf_engine_backend(e), id);
    assert_int_equal(shelf_engine_doc_count(e), docs);
    assert_string_equal(shelf_engine_language(e), "english");
    shelf_engine_close(e);
}

static void add_and_commit_each_row(void **state)
{
    for (size_t i = 0; shelf_backend_rows[i]; i++) {
        const shelf_backend_row *row = shelf_backend_rows[i];
        char *dir = ts_mkdtemp();
        char *index = ts_strf("%s/idx", dir);
        shelf_commit_summary sum = write_one(index, row->name, "a.txt", "one two three four");
        assert_true(sum.committed);
        assert_int_equal(sum.added, 1);

        const shelf_backend_row *found;
        shelf_err err = {0};
        assert_int_equal(shelf_backend_detect(index, &found, &err), SHELF_OK);
        assert_ptr_equal(found, row);
        expect_readable(index, row->id, 1);

        /* The folder's own backend is kept without naming it; the same path
         * is now known and replaced, not added. */
        shelf_writer_opts opts = {.memory_budget = 1 << 20};
        shelf_indexwriter *w = shelf_indexwriter_open(index, &opts, &err);
        assert_non_null(w);
        assert_ptr_equal(shelf_indexwriter_backend(w), row);
        assert_int_equal(shelf_indexwriter_probe(w, "a.txt", 18, 1), SHELF_SOURCE_SAME);
        assert_true(shelf_indexwriter_same_content(w, "a.txt", 42));
        assert_string_equal(shelf_indexwriter_language(w), "english");
        shelf_indexwriter_free(w);
        sum = write_one(index, NULL, "b.txt", "five six seven eight");
        assert_int_equal(sum.added, 1);
        expect_readable(index, row->id, 2);

        shelf_check_summary check;
        if (shelf_check_index(row, index, &check, &err) != SHELF_OK)
            fail_msg("check %s: %s", row->name, err.msg);
        assert_int_equal(check.documents, 2);
        assert_int_equal(check.tokens, 8);
        assert_string_equal(check.language, "english");

        ts_rmtree(dir);
        free(index);
        free(dir);
    }
}

static void detection_and_refusal(void **state)
{
    char *dir = ts_mkdtemp();
    char *native = ts_strf("%s/native", dir), *xapian = ts_strf("%s/xapian", dir);
    char *empty = ts_strf("%s/empty", dir);
    write_one(native, NULL, "a.txt", "one two three four"); /* native when new */
    write_one(xapian, "xapian", "a.txt", "one two three four");
    const shelf_backend_row *row;
    shelf_err err = {0};
    assert_int_equal(shelf_backend_detect(native, &row, &err), SHELF_OK);
    assert_ptr_equal(row, shelf_backend_by_name("native"));
    assert_int_equal(shelf_backend_detect(xapian, &row, &err), SHELF_OK);
    assert_ptr_equal(row, shelf_backend_by_name("xapian"));
    assert_int_equal(shelf_backend_detect(empty, &row, &err), SHELF_ENOTFOUND);

    /* choose: the folder's own, the named one, or refuse a mismatch */
    assert_int_equal(shelf_backend_choose(empty, NULL, &row, &err), SHELF_OK);
    assert_ptr_equal(row, shelf_backend_by_name("native"));
    assert_int_equal(shelf_backend_choose(xapian, NULL, &row, &err), SHELF_OK);
    assert_ptr_equal(row, shelf_backend_by_name("xapian"));
    assert_int_equal(shelf_backend_choose(native, "xapian", &row, &err), SHELF_EINVAL);
    assert_non_null(strstr(err.msg, "holds a native index"));
    assert_int_equal(shelf_backend_choose(xapian, "native", &row, &err), SHELF_EINVAL);
    assert_non_null(strstr(err.msg, "holds a Xapian index"));
    assert_int_equal(shelf_backend_choose(empty, "lucene", &row, &err), SHELF_EINVAL);
    assert_non_null(strstr(err.msg, "unknown backend 'lucene'"));

    ts_rmtree(dir);
    free(native);
    free(xapian);
    free(empty);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_row_has_every_op),
        cmocka_unit_test(rows_by_name),
        cmocka_unit_test(add_and_commit_each_row),
        cmocka_unit_test(detection_and_refusal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
