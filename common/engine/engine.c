/*
 * engine.c - the backend-independent index handle (engine.h): dispatch
 * through the backend's operations, engines borrowed over an open
 * native index, and the engine as the planner's statistics.
 *
 * Damage can be found long after opening (a checksum or a bound that
 * fails while a query reads postings or stored text): every operation that
 * reports SHELF_ECORRUPT gets the command that recovers appended to its
 * message (roots.h, shelf_recovery_note), as opening does.
 */
#include "engine/engine.h"
#include "backend/reader_handle.h"
#include "backend/native/index.h"
#include "backend/native/native_backend.h" /* shelf_native_ops, for borrowed engines */
#include "engine/roots.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The folders of a borrowed index's parts (index.h: one index is a set of one). */
static bool borrow_dirs(shelf_engine *e, const shelf_index *idx)
{
    size_t n = shelf_index_part_count(idx);
    if (!(e->dirs = calloc(n, sizeof *e->dirs)) || !(e->dir = strdup(shelf_index_dir(idx))))
        return false;
    for (; e->ndirs < n; e->nlocal = ++e->ndirs)
        if (!(e->dirs[e->ndirs] = strdup(shelf_index_dir(shelf_index_part(idx, e->ndirs)))))
            return false;
    return true;
}

shelf_engine *shelf_engine_borrow(const shelf_index *idx)
{
    shelf_engine *e = calloc(1, sizeof *e);
    if (!e || !borrow_dirs(e, idx)) {
        shelf_engine_close(e);
        return NULL;
    }
    e->ops = &shelf_native_ops;
    e->backend = SHELF_BACKEND_NATIVE;
    e->idx = (shelf_index *)idx;
    e->borrowed = true;
    snprintf(e->language, sizeof e->language, "%s", shelf_index_language(idx));
    return e;
}

void shelf_engine_close(shelf_engine *e)
{
    if (!e)
        return;
    if (e->ops)
        e->ops->close(e);
    shelf_buf_free(&e->blob);
    for (size_t i = 0; i < e->ndirs; i++)
        free(e->dirs[i]);
    free(e->dirs);
    free(e->dir);
    free(e);
}

size_t shelf_engine_part_count(const shelf_engine *e) { return e->ndirs; }
const char *shelf_engine_part_dir(const shelf_engine *e, size_t i) { return e->dirs[i]; }

size_t shelf_engine_part_of(const shelf_engine *e, const shelf_hit *hit)
{
    return e->ndirs > 1 ? e->ops->part(e, hit) : 0;
}

const char *shelf_engine_lost_shard(const shelf_engine *e)
{
    return e->ops->lost(e);
}

shelf_backend shelf_engine_backend(const shelf_engine *e) { return e->backend; }
const char *shelf_engine_language(const shelf_engine *e) { return e->language; }
const shelf_index *shelf_engine_native(const shelf_engine *e) { return e->idx; }
uint64_t shelf_engine_doc_count(const shelf_engine *e) { return e->ops->doc_count(e); }

int shelf_engine_df(const shelf_engine *e, const uint8_t *key, size_t len, uint64_t *df, shelf_err *err)
{
    return shelf_recovery_note(e->dir, e->ops->df(e, key, len, df, err), err);
}

int shelf_engine_terms(const shelf_engine *e, const uint8_t *prefix, size_t len,
                       int (*fn)(void *ctx, const uint8_t *key, size_t len), void *ctx,
                       shelf_err *err)
{
    return shelf_recovery_note(e->dir, e->ops->terms(e, prefix, len, fn, ctx, err), err);
}

static uint64_t engine_doc_count(const void *source)
{
    return shelf_engine_doc_count(source);
}

static int engine_df(const void *source, const uint8_t *key, size_t len, uint64_t *df, shelf_err *err)
{
    return shelf_engine_df(source, key, len, df, err);
}

static int engine_terms(const void *source, const uint8_t *prefix, size_t len, shelf_key_fn fn,
                        void *ctx, shelf_err *err)
{
    return shelf_engine_terms(source, prefix, len, fn, ctx, err);
}

void shelf_engine_stats(const shelf_engine *e, shelf_stats *out)
{
    *out = (shelf_stats){e, engine_doc_count, engine_df, engine_terms};
}

/* A relative in: folder is relative to the indexed roots (ROOTS); an index
 * without them keeps it relative (filter_match.h). */
static bool has_relative_folder(const shelf_plan *p)
{
    if (p->kind == SHELF_P_FILTER && p->filter.kind == SHELF_FILTER_IN && p->text[0] != '/')
        return true;
    for (size_t i = 0; i < p->nchildren; i++)
        if (has_relative_folder(p->children[i]))
            return true;
    return false;
}

/* The roots of every index folder, one list (as one index built from all
 * their folders would have); a folder without ROOTS adds none (nor does a
 * remote shard: its folders are on another machine). */
static int read_all_roots(const shelf_engine *engine, shelf_roots *all)
{
    for (size_t i = 0; i < engine->nlocal; i++) {
        shelf_roots roots = {0};
        shelf_err ignored;
        if (shelf_roots_read(engine->dirs[i], &roots, &ignored) != SHELF_OK) {
            shelf_roots_free(&roots);
            continue;
        }
        char **grown = realloc(all->paths, (all->count + roots.count + 1) * sizeof *grown);
        if (!grown) {
            shelf_roots_free(&roots);
            return SHELF_ENOMEM;
        }
        all->paths = grown;
        memcpy(all->paths + all->count, roots.paths, roots.count * sizeof *roots.paths);
        all->count += roots.count;
        free(roots.paths); /* the strings now belong to all */
    }
    return SHELF_OK;
}

static int shelf_plan_for_roots(const shelf_engine *engine, shelf_plan *plan, shelf_err *err)
{
    if (!has_relative_folder(plan))
        return shelf_plan_resolve_folders(plan, NULL, 0, err); /* no file read */
    shelf_roots roots = {0}; /* none: relative folders stay relative */
    int rc = read_all_roots(engine, &roots);
    if (rc == SHELF_OK)
        rc = shelf_plan_resolve_folders(plan, roots.paths, roots.count, err);
    else
        shelf_errf(err, rc, "out of memory reading the indexed folders");
    shelf_roots_free(&roots);
    return rc;
}

shelf_plan *shelf_plan_for_engine(const shelf_engine *engine, shelf_analyzer *analyzer,
                                  const shelf_qnode *query, char *notes, size_t notes_size,
                                  shelf_err *err, int *err_column)
{
    shelf_stats stats;
    shelf_engine_stats(engine, &stats);
    shelf_plan *plan = shelf_plan_build(&stats, analyzer, query, notes, notes_size, err, err_column);
    if (plan && shelf_plan_for_roots(engine, plan, err) != SHELF_OK) {
        shelf_plan_free(plan);
        return NULL;
    }
    return plan;
}

int shelf_engine_search(const shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                        shelf_results *out, shelf_err *err)
{
    return shelf_recovery_note(e->dir, e->ops->search(e, plan, o, out, err), err);
}

int shelf_engine_explain(const shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                         const shelf_hit *hit, shelf_explain *ex, shelf_err *err)
{
    return shelf_recovery_note(e->dir, e->ops->explain(e, plan, o, hit, ex, err), err);
}

int shelf_engine_doc(shelf_engine *e, const shelf_hit *hit, shelf_docview *out, shelf_err *err)
{
    return shelf_recovery_note(e->dir, e->ops->doc(e, hit, out, err), err);
}

int shelf_engine_text(shelf_engine *e, const shelf_hit *hit, shelf_buf *text, shelf_buf *checkpoints,
                      shelf_err *err)
{
    return shelf_recovery_note(e->dir, e->ops->text(e, hit, text, checkpoints, NULL, err), err);
}

int shelf_engine_stored(shelf_engine *e, const shelf_hit *hit, shelf_buf *text,
                        shelf_buf *checkpoints, shelf_layout *layout, shelf_err *err)
{
    return shelf_recovery_note(e->dir, e->ops->text(e, hit, text, checkpoints, layout, err),
                               err);
}

const char *shelf_engine_origin(const shelf_engine *e, const shelf_hit *hit)
{
    return e->ndirs > 1 ? e->dirs[shelf_engine_part_of(e, hit)] : NULL;
}

const char *shelf_engine_file(const shelf_engine *e, const shelf_hit *hit, const char *part)
{
    return e->ops->file(e, hit, part);
}

int shelf_engine_positions(shelf_engine *e, const shelf_hit *hit, const uint8_t *key, size_t len,
                           shelf_buf *out, shelf_err *err)
{
    shelf_buf_reset(out);
    return shelf_recovery_note(e->dir, e->ops->positions(e, hit, key, len, out, err), err);
}

int shelf_engine_each_doc(shelf_engine *e, int (*fn)(void *ctx, const shelf_docview *view), void *ctx,
                          shelf_err *err)
{
    return shelf_recovery_note(e->dir, e->ops->each_doc(e, fn, ctx, err), err);
}
