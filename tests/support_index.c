/* support_index.c - a small index written by a test; see support_index.h. */
#include "support_index.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/native/index_stats.h"
#include "engine/writer.h"
#include "query/parse.h"
#include "support.h"

static void add_range(shelf_indexwriter *w, char *const *texts, size_t from, size_t to)
{
    shelf_err err = {0};
    for (size_t i = from; i < to; i++) {
        char path[32];
        snprintf(path, sizeof path, "doc%zu.txt", i);
        size_t len = strlen(texts[i]), title_len = strcspn(texts[i], "\n");
        shelf_doc_input in = {.path = path, .title = texts[i], .title_len = title_len,
                              .text = texts[i], .text_len = len, .size = len,
                              .mtime_ns = (int64_t)i, .hash = (uint64_t)i};
        if (shelf_indexwriter_add(w, &in, NULL, &err) != SHELF_OK)
            fail_msg("add %s: %s", path, err.msg);
    }
}

void ts_index_build(ts_index *fx, char *const *texts, size_t n, size_t per_commit, bool merge_all)
{
    memset(fx, 0, sizeof *fx);
    fx->tmp = ts_mkdtemp();
    fx->dir = ts_strf("%s/idx", fx->tmp);
    shelf_err err = {0};
    for (size_t from = 0; from < n; from += per_commit) {
        shelf_writer_opts wo = {.language = "english", .memory_budget = 16 << 20};
        shelf_indexwriter *w = shelf_indexwriter_open(fx->dir, &wo, &err);
        if (!w)
            fail_msg("open %s: %s", fx->dir, err.msg);
        add_range(w, texts, from, from + per_commit < n ? from + per_commit : n);
        if (shelf_indexwriter_commit(w, NULL, &err) != SHELF_OK)
            fail_msg("commit: %s", err.msg);
        unsigned merges = 0;
        if (from + per_commit >= n && merge_all &&
            shelf_indexwriter_merge(w, SHELF_MERGE_ALL, &merges, &err) != SHELF_OK)
            fail_msg("merge: %s", err.msg);
        shelf_indexwriter_free(w);
    }
    if (shelf_index_open(&fx->idx, fx->dir, 0, &err) != SHELF_OK)
        fail_msg("index_open: %s", err.msg);
    fx->an = shelf_analyzer_new(shelf_index_language(fx->idx), &err);
    assert_non_null(fx->an);
}

void ts_index_free(ts_index *fx)
{
    shelf_analyzer_free(fx->an);
    shelf_index_close(fx->idx);
    ts_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->dir);
    memset(fx, 0, sizeof *fx);
}

shelf_plan *ts_index_plan(ts_index *fx, const char *q)
{
    shelf_err err = {0};
    int column;
    shelf_qnode *tree = shelf_query_parse(q, NULL, &err, &column);
    if (!tree)
        fail_msg("parse [%s]: %s", q, err.msg);
    shelf_plan *p = shelf_plan_for_index(fx->idx, fx->an, tree, NULL, 0, &err, &column);
    shelf_query_free(tree);
    if (!p)
        fail_msg("plan [%s]: %s", q, err.msg);
    return p;
}
