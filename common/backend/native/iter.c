/* iter.c - building iterator trees and what the iterator kinds share; see iter.h. */
#include "backend/native/iter.h"

#include <stdlib.h>

shelf_iter *shelf_iter_build(const shelf_plan *plan, shelf_scorer *sc)
{
    switch (plan->kind) {
    case SHELF_P_TERM:
        return shelf_iter_term(plan, sc);
    case SHELF_P_PHRASE:
    case SHELF_P_NEAR:
        return shelf_iter_phrase(plan, sc);
    case SHELF_P_BOOL:
        return shelf_iter_bool(plan, sc);
    case SHELF_P_PATH:
    case SHELF_P_FILTER:
        return shelf_iter_filter(plan, sc);
    case SHELF_P_NONE:
        return shelf_iter_none(sc);
    }
    return NULL;
}

void shelf_iter_free(shelf_iter *it)
{
    if (it)
        it->ops->free(it);
}

void shelf_scorer_fail(shelf_scorer *sc, const shelf_err *err)
{
    if (sc->status != SHELF_OK)
        return;
    sc->status = err->code ? err->code : SHELF_ECORRUPT;
    sc->err = *err;
}

bool shelf_scorer_expired(shelf_scorer *sc)
{
    if (sc->status == SHELF_OK) {
        shelf_err err;
        shelf_timeout_err(&err, "searching");
        shelf_scorer_fail(sc, &err);
    }
    return true;
}
