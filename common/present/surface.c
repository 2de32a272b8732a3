/* surface.c - the written forms of an index term; see surface.h. */
#include "present/surface.h"
#include "present/token_locate.h"
#include "backend/native/deletions.h"
#include "backend/native/index.h"
#include "backend/native/segment.h"
#include "query/keys.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

int shelf_surfaces_find(const shelf_surfaces *s, const char *word)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->at[i].word, word) == 0)
            return (int)i;
    return -1;
}

static void add_form(shelf_surfaces *s, shelf_analyzer *a, const char *bytes, size_t n)
{
    char folded[SHELF_MAX_TERM_BYTES + 1];
    bool more = false;
    if (shelf_fold_word(a, bytes, n, folded, &more) == 0 || more)
        return;
    int at = shelf_surfaces_find(s, folded);
    if (at >= 0) {
        s->at[at].count++;
    } else if (s->count < SHELF_SURFACE_MAX) {
        memcpy(s->at[s->count].word, folded, sizeof folded);
        s->at[s->count++].count = 1;
    }
}

/* The forms of the key at its first SHELF_SURFACE_PER_DOC positions in one
 * hit's document (positions that do not fit the text are passed over:
 * reading forms is a courtesy, the search reports damage). */
static int forms_in_doc(shelf_engine *e, shelf_analyzer *a, const shelf_pkey *k,
                        const shelf_hit *hit, shelf_buf *text, shelf_buf *cps, shelf_surfaces *out,
                        shelf_err *err)
{
    shelf_buf pos = SHELF_BUF_INIT;
    int rc = shelf_engine_positions(e, hit, k->key, k->len, &pos, err);
    if (rc == SHELF_OK && pos.len > 0)
        rc = shelf_engine_text(e, hit, text, cps, err);
    if (rc == SHELF_OK && pos.len > 0) {
        shelf_token_locator w;
        shelf_token_locator_init(&w, a, (const char *)text->data, text->len,
                                 (const uint64_t *)cps->data, cps->len / sizeof(uint64_t));
        const uint32_t *at = (const uint32_t *)pos.data;
        size_t n = pos.len / sizeof *at, start, end;
        for (size_t i = 0; i < n && i < SHELF_SURFACE_PER_DOC; i++)
            if (shelf_token_locate(&w, at[i], &start, &end))
                add_form(out, a, w.text + start, end - start);
    }
    shelf_buf_free(&pos);
    return rc;
}

#define LOOK_AT 64 /* postings looked at for the shortest documents */

typedef struct sized_hit {
    shelf_hit hit;
    uint32_t length;
} sized_hit;

static int shorter_first(const void *a, const void *b)
{
    const sized_hit *x = a, *y = b;
    if (x->length != y->length)
        return x->length < y->length ? -1 : 1;
    return (x->hit.doc > y->hit.doc) - (x->hit.doc < y->hit.doc);
}

/* Native indexes: the max_docs shortest of the first LOOK_AT live
 * documents holding the key, straight from the postings and the dense
 * lengths (a ranked search would score every posting of a frequent term for
 * nothing, and a short document is cheap to read back). */
static int first_docs(const shelf_index *idx, const uint8_t *key, size_t len, size_t max_docs,
                      shelf_results *out, shelf_err *err)
{
    sized_hit seen[LOOK_AT];
    size_t n = 0;
    for (size_t i = 0; i < shelf_index_segment_count(idx) && n < LOOK_AT; i++) {
        const shelf_segment *seg = shelf_index_segment(idx, i);
        shelf_term_stats term;
        int rc = shelf_segment_lookup(seg, key, len, &term, err);
        if (rc == SHELF_ENOTFOUND)
            continue;
        shelf_postings p;
        if (rc == SHELF_OK)
            rc = shelf_postings_open(&p, seg, &term, err);
        if (rc != SHELF_OK)
            return rc;
        const shelf_deletions *dels = shelf_index_deletions(idx, i);
        for (uint32_t doc = p.doc; doc != SHELF_DOC_END && n < LOOK_AT; doc = shelf_postings_next(&p))
            if (!shelf_deleted(dels, doc))
                seen[n++] = (sized_hit){{shelf_index_base(idx, i) + doc, (uint32_t)i, doc, 0},
                                        shelf_segment_doc_length(seg, doc)};
        if (p.status != SHELF_OK) {
            if (err)
                *err = p.err;
            return p.status;
        }
    }
    qsort(seen, n, sizeof *seen, shorter_first);
    out->hits = calloc(max_docs, sizeof *out->hits);
    if (!out->hits)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory reading written forms");
    for (size_t i = 0; i < n && i < max_docs; i++)
        out->hits[out->count++] = seen[i].hit;
    out->total = n;
    return SHELF_OK;
}

/* The documents to read: the first ones (native) or the best ones. */
static int docs_holding(shelf_engine *e, const shelf_plan *plan, size_t max_docs,
                        shelf_results *res, shelf_err *err)
{
    memset(res, 0, sizeof *res);
    const shelf_index *idx = shelf_engine_native(e);
    if (idx)
        return first_docs(idx, plan->keys[0].key, plan->keys[0].len, max_docs, res, err);
    shelf_search_opts so;
    shelf_search_opts_default(&so);
    so.k = max_docs;
    so.title_weight = 0;
    return shelf_engine_search(e, plan, &so, res, err);
}

int shelf_surfaces_of(shelf_engine *e, shelf_analyzer *a, const uint8_t *key, size_t len,
                      size_t max_docs, shelf_surfaces_enough enough, void *ctx,
                      shelf_surfaces *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    if (len < 2 || len > SHELF_MAX_KEY_BYTES || max_docs == 0)
        return shelf_errf(err, SHELF_EINVAL, "surface forms: bad key");
    shelf_pkey k = {.len = len, .idf = 1.0};
    memcpy(k.key, key, len);
    k.key[0] = SHELF_FIELD_BODY;
    int rc = shelf_engine_df(e, k.key, k.len, &k.df, err);
    if (rc != SHELF_OK)
        return rc;
    if (k.df == 0) {
        out->complete = true;
        return SHELF_OK;
    }
    shelf_plan plan = {.kind = SHELF_P_TERM, .occur = SHELF_OCCUR_SHOULD,
                       .field = SHELF_FIELD_BODY, .keys = &k, .nkeys = 1};
    shelf_results res;
    rc = docs_holding(e, &plan, max_docs, &res, err);
    if (rc != SHELF_OK) {
        shelf_results_free(&res);
        return rc;
    }
    out->complete = res.count < max_docs || k.df <= res.count;
    shelf_buf text = SHELF_BUF_INIT, cps = SHELF_BUF_INIT;
    for (size_t i = 0; rc == SHELF_OK && i < res.count; i++) {
        rc = forms_in_doc(e, a, &k, &res.hits[i], &text, &cps, out, err);
        if (rc == SHELF_OK && enough && enough(ctx, out))
            break;
    }
    shelf_buf_free(&text);
    shelf_buf_free(&cps);
    shelf_results_free(&res);
    return rc;
}
