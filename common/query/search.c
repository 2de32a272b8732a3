/* search.c - the backend-independent search types: defaults, freeing, the
 * explanation list; see search.h. */
#include "query/search.h"

#include <stdlib.h>
#include <string.h>

void shelf_search_opts_default(shelf_search_opts *o)
{
    o->k1 = SHELF_DEFAULT_K1;
    o->b = SHELF_DEFAULT_B;
    o->title_weight = SHELF_DEFAULT_TITLE_WEIGHT;
    o->proximity_weight = SHELF_DEFAULT_PROXIMITY_WEIGHT;
    o->heading_weight = SHELF_DEFAULT_HEADING_WEIGHT;
    o->rescore_depth = SHELF_DEFAULT_RESCORE_DEPTH;
    o->k = 10;
    o->exact_total = false;
    o->total_exact_upto = SHELF_TOTAL_EXACT_UPTO;
    o->deadline_ns = 0;
}

void shelf_results_free(shelf_results *r)
{
    free(r->hits);
    free(r->dups);
    memset(r, 0, sizeof *r);
}

shelf_explain_term *shelf_explain_add(shelf_explain *ex)
{
    if (ex->count == ex->cap) {
        size_t cap = ex->cap ? ex->cap * 2 : 8;
        shelf_explain_term *t = realloc(ex->terms, cap * sizeof *t);
        if (!t)
            return NULL;
        ex->terms = t;
        ex->cap = cap;
    }
    shelf_explain_term *t = &ex->terms[ex->count++];
    *t = (shelf_explain_term){0};
    return t;
}

void shelf_explain_free(shelf_explain *ex)
{
    free(ex->terms);
    ex->terms = NULL;
    ex->count = ex->cap = 0;
}
