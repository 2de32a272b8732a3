/* doc_find.c - a document by its exact path; see doc_find.h. */
#include "doc_find.h"

#include "query/parse.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_ROUND_HITS 64

/* The PATH filter's candidates: every live document whose path holds the
 * ID, ignoring ASCII case. */
static int candidates(shelf_engine *e, shelf_analyzer *a, const char *path, size_t k,
                      shelf_results *res, shelf_err *err)
{
    char *text = strdup(path);
    if (!text)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    shelf_qnode node = {.kind = SHELF_Q_PATH, .occur = SHELF_OCCUR_SHOULD, .column = 1, .text = text};
    int column = 0;
    shelf_plan *plan = shelf_plan_for_engine(e, a, &node, NULL, 0, err, &column);
    free(text);
    if (!plan)
        return err && err->code ? err->code : SHELF_ENOMEM;
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.k = k;
    o.exact_total = true;
    int rc = shelf_engine_search(e, plan, &o, res, err);
    shelf_plan_free(plan);
    return rc;
}

/* The candidate whose path is exactly path, or -1. */
static int exact_match(shelf_engine *e, const shelf_results *res, const char *path, size_t len,
                       size_t part, size_t *at, shelf_err *err)
{
    for (size_t i = 0; i < res->count; i++) {
        if (part != DOC_FIND_ANY && shelf_engine_part_of(e, &res->hits[i]) != part)
            continue;
        shelf_docview v;
        int rc = shelf_engine_doc(e, &res->hits[i], &v, err);
        if (rc != SHELF_OK)
            return rc;
        if (v.path_len == len && memcmp(v.path, path, len) == 0) {
            *at = i;
            return SHELF_OK;
        }
    }
    return SHELF_ENOTFOUND;
}

int doc_find(shelf_engine *e, shelf_analyzer *a, const char *path, size_t len, size_t part,
             shelf_hit *hit, shelf_err *err)
{
    if (len == 0 || memchr(path, '\0', len))
        return SHELF_ENOTFOUND;
    size_t k = FIRST_ROUND_HITS;
    for (int round = 0; round < 2; round++) {
        shelf_results res = {0};
        int rc = candidates(e, a, path, k, &res, err);
        if (rc != SHELF_OK) {
            shelf_results_free(&res);
            return rc;
        }
        size_t at = 0;
        rc = exact_match(e, &res, path, len, part, &at, err);
        if (rc == SHELF_OK)
            *hit = res.hits[at];
        bool more = rc == SHELF_ENOTFOUND && res.total > res.count;
        k = (size_t)res.total;
        shelf_results_free(&res);
        if (!more)
            return rc;
    }
    return SHELF_ENOTFOUND;
}
