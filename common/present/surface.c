/* surface.c - the written forms of an index term; see surface.h. */
#include "present/surface.h"
#include "present/spans.h"
#include "query/keys.h"
#include "util/buf.h"

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

/* The forms of the plan's key in one hit's document. */
static int forms_in_doc(shelf_engine *e, shelf_analyzer *a, const shelf_plan *plan,
                        const shelf_hit *hit, shelf_buf *text, shelf_buf *cps, shelf_surfaces *out,
                        shelf_err *err)
{
    shelf_spans spans = {0};
    int rc = shelf_engine_text(e, hit, text, cps, err);
    if (rc == SHELF_OK)
        rc = shelf_spans_find(e, hit, plan, a, (const char *)text->data, text->len,
                              (const uint64_t *)cps->data, cps->len / sizeof(uint64_t), &spans,
                              err);
    for (size_t i = 0; rc == SHELF_OK && i < spans.count && i < SHELF_SURFACE_PER_DOC; i++)
        add_form(out, a, (const char *)text->data + spans.at[i].start,
                 spans.at[i].end - spans.at[i].start);
    shelf_spans_free(&spans);
    return rc;
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
    shelf_search_opts so;
    shelf_search_opts_default(&so);
    so.k = max_docs;
    so.title_weight = 0;
    shelf_results res = {0};
    rc = shelf_engine_search(e, &plan, &so, &res, err);
    if (rc != SHELF_OK)
        return rc;
    out->complete = res.count < max_docs || (res.total_exact && res.total <= res.count);
    shelf_buf text = SHELF_BUF_INIT, cps = SHELF_BUF_INIT;
    for (size_t i = 0; rc == SHELF_OK && i < res.count; i++) {
        rc = forms_in_doc(e, a, &plan, &res.hits[i], &text, &cps, out, err);
        if (rc == SHELF_OK && enough && enough(ctx, out))
            break;
    }
    shelf_buf_free(&text);
    shelf_buf_free(&cps);
    shelf_results_free(&res);
    return rc;
}
