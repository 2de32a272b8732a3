/*
 * engine_impl.h - inside the engine (engine.h): the handle and the table of
 * operations each backend provides.  engine.c dispatches through the table;
 * engine_native.c and engine_xapian.c fill it; engine_open.c picks one.
 * Keeping the Xapian table out of engine.c means programs that only use
 * native indexes through shelf_engine_borrow do not pull in libxapian.
 */
#ifndef SHELF_ENGINE_IMPL_H
#define SHELF_ENGINE_IMPL_H

#include "engine/engine.h"

typedef struct shelf_xdb shelf_xdb;

typedef struct engine_ops {
    uint64_t (*doc_count)(const shelf_engine *e);
    int (*df)(const shelf_engine *e, const uint8_t *key, size_t len, uint64_t *df, shelf_err *err);
    int (*terms)(const shelf_engine *e, const uint8_t *prefix, size_t len,
                 int (*fn)(void *ctx, const uint8_t *key, size_t len), void *ctx, shelf_err *err);
    int (*search)(const shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                  shelf_results *out, shelf_err *err);
    int (*explain)(const shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                   const shelf_hit *hit, shelf_explain *ex, shelf_err *err);
    int (*doc)(shelf_engine *e, const shelf_hit *hit, shelf_docview *out, shelf_err *err);
    int (*text)(shelf_engine *e, const shelf_hit *hit, shelf_buf *text, shelf_buf *checkpoints,
                shelf_layout *layout,
                shelf_err *err);
    int (*positions)(shelf_engine *e, const shelf_hit *hit, const uint8_t *key, size_t len,
                     shelf_buf *out, shelf_err *err);
    int (*each_doc)(shelf_engine *e, int (*fn)(void *ctx, const shelf_docview *view), void *ctx,
                    shelf_err *err);
    void (*close)(shelf_engine *e); /* release backend state, not the handle */
} engine_ops;

struct shelf_engine {
    const engine_ops *ops;
    shelf_backend backend;
    char *dir;
    char language[SHELF_LANGUAGE_MAX + 1];
    shelf_index *idx;   /* native */
    bool borrowed;      /* idx belongs to the caller */
    shelf_xdb *xdb;     /* Xapian */
    shelf_buf blob;     /* the last Xapian document data read */
};

extern const engine_ops shelf_native_ops;
extern const engine_ops shelf_xapian_ops;

/* Open the Xapian database of e->dir and read its language. */
int shelf_xapian_engine_open(shelf_engine *e, shelf_err *err);

#endif
