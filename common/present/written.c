/* written.c - the segments' written-words lists together; see written.h. */
#include "present/written.h"
#include "query/keys.h"

#include <stdlib.h>
#include <string.h>

void shelf_written_close(shelf_written *w)
{
    w->idx = NULL; /* the lists belong to the index */
}

int shelf_written_open(shelf_written *w, const shelf_engine *e, bool *available, shelf_err *err)
{
    (void)err;
    w->idx = NULL;
    *available = false;
    const shelf_index *idx = shelf_engine_native(e);
    size_t n = idx ? shelf_index_segment_count(idx) : 0;
    for (size_t i = 0; i < n; i++)
        if (!shelf_index_words(idx, i))
            return SHELF_OK;
    if (n > 0) {
        w->idx = idx;
        *available = true;
    }
    return SHELF_OK;
}

int shelf_written_df(const shelf_written *w, const char *word, size_t len, uint64_t *df,
                     shelf_err *err)
{
    *df = 0;
    for (size_t i = 0; i < shelf_index_segment_count(w->idx); i++) {
        uint64_t here;
        int rc = shelf_words_df(shelf_index_words(w->idx, i), word, len, &here, err);
        if (rc != SHELF_OK)
            return rc;
        *df += here;
    }
    return SHELF_OK;
}

/* ---- as a source of keys ---- */

typedef struct relay {
    int (*fn)(void *ctx, const uint8_t *key, size_t len);
    void *ctx;
} relay;

static int as_key(void *ctx, const char *word, size_t len, uint64_t df)
{
    (void)df;
    const relay *r = ctx;
    uint8_t key[SHELF_MAX_KEY_BYTES] = {SHELF_FIELD_BODY};
    if (len + 1 > sizeof key)
        return 0;
    memcpy(key + 1, word, len);
    return r->fn(r->ctx, key, len + 1);
}

static int source_terms(void *src, const uint8_t *prefix, size_t len,
                        int (*fn)(void *ctx, const uint8_t *key, size_t len), void *ctx,
                        shelf_err *err)
{
    const shelf_written *w = src;
    if (len == 0 || prefix[0] != SHELF_FIELD_BODY)
        return SHELF_OK;
    relay r = {fn, ctx};
    for (size_t i = 0; i < shelf_index_segment_count(w->idx); i++) {
        int rc = shelf_words_scan(shelf_index_words(w->idx, i), (const char *)prefix + 1, len - 1,
                                  as_key, &r, err);
        if (rc != SHELF_OK)
            return rc;
    }
    return SHELF_OK;
}

static int source_df(void *src, const uint8_t *key, size_t len, uint64_t *df, shelf_err *err)
{
    *df = 0;
    if (len < 2 || key[0] != SHELF_FIELD_BODY)
        return SHELF_OK;
    return shelf_written_df(src, (const char *)key + 1, len - 1, df, err);
}

shelf_term_source shelf_written_source(shelf_written *w)
{
    return (shelf_term_source){source_terms, source_df, w};
}
