/*
 * xapian_query.h - running a plan (query/plan.h) on a Xapian database: the
 * plan tree becomes a Xapian query built through the wrapper's query API
 * (xapian_c.h), keys become terms by the rules of xapian_terms.h:
 *   TERM   -> OR of the body term and the title term ("S"+term), the title
 *             term weightless; title field: the weightless title term alone;
 *   PHRASE -> OP_PHRASE over the words (window = word count), title field
 *             on "S" terms (weightless);
 *   NEAR/n -> OP_NEAR with window n + 1 (our NEAR/n: last - first <= n);
 *   BOOL   -> MUST: OP_AND; SHOULD: OP_OR (OP_AND_MAYBE next to MUST);
 *             MUST_NOT: OP_AND_NOT of the OR of them;
 *   PATH   -> the "Q" ids whose path contains the fragment (ASCII case
 *             ignored; an empty fragment matches every document), as a
 *             weightless OR: a walk over every id term (a substring is no
 *             term);
 *   FILTER -> weightless, from the filter terms (filter_terms.h): type: the
 *             "T" term; in: the OR of the "XD" terms of its folders (a
 *             relative folder: of every folder term ending with it);
 *             author: the AND of its words' "A" terms; after:/before:
 *             OP_VALUE_GE / OP_VALUE_LE on the day value.  With
 *             params->walk_filters (a layout-2 database, which has none),
 *             or an author word too long to be a term, the filter walks the
 *             ids as PATH does and reads each document's record;
 *   NONE   -> MatchNothing.
 * Title terms carry wdf 0, so BM25 would give them no weight -- or NaN
 * (0 / 0) when k1 = 0 or a document has length 0 and b = 1: the translation
 * scales them by 0 so Xapian never computes it.
 *
 * Subqueries keep the plan's order, so the same plan always gives the same
 * Xapian query and the same scores.  A malformed plan (unknown field or kind,
 * a key shorter than a field byte and one term byte, a TERM without exactly
 * one key, PHRASE/NEAR without keys, a negative NEAR distance, NULL children)
 * is SHELF_EINVAL with a message naming the database.
 */
#ifndef SHELF_XAPIAN_QUERY_H
#define SHELF_XAPIAN_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "backend/xapian/xapian_c.h"
#include "query/plan.h"
#include "util/error.h"

/* Translate plan and run it (shelf_xdb_run: BM25, best first, exact total,
 * deadline). */
int shelf_xapian_search_plan(shelf_xdb *db, const shelf_plan *plan, const shelf_xsearch *params,
                             shelf_xhit *hits, size_t *count, uint64_t *total, shelf_err *err);

#endif
