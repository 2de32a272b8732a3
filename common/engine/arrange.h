/*
 * arrange.h - a search's hits in the order the reader asked for, and the
 * same content under several paths shown once: what `searcher --sort` and
 * `--no-collapse` (and the JSON API's sort and collapse) run instead of a
 * plain shelf_engine_search.
 *
 * Orders (README, "Searching"):
 *   relevance  the engine's ranking (the default);
 *   date       oldest first, -date newest first, by the day the filters use
 *              (backend/filter_match.h: the document's own date, else its
 *              file's modification day); equal days by score, then by
 *              document number;
 *   path       by path, byte order.
 * Sorting by date or path orders every match, not the best k by score
 * re-sorted: the search collects all matches (exact total, no pruning)
 * and scores them by BM25F alone (the second phase, proximity and
 * headings, ranks a few best hits by score and does not apply to an order
 * that is not by score).  On the native backend the day and the content
 * hash come from the per-segment filter columns (no record read); a path
 * order, and the Xapian backend, read each match's record.
 *
 * Collapsing: hits with the same content hash are one hit, the first in
 * the order; the others become its duplicates (shelf_results.dups, in the
 * order), so the k hits returned are k different contents.  By relevance
 * the search runs as asked (offset + k hits, the ranking unchanged; the
 * hashes of those hits are read from their records, or from the columns
 * when a query built them), and again with 2n + 16 hits while collapsing
 * leaves fewer than offset + k contents (the deeper search may then re-rank
 * the second phase's pool); a copy ranked beyond the hits fetched is not
 * listed.  total still counts documents.
 */
#ifndef SHELF_ENGINE_ARRANGE_H
#define SHELF_ENGINE_ARRANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"

typedef enum shelf_sort {
    SHELF_SORT_RELEVANCE,
    SHELF_SORT_DATE,      /* oldest first */
    SHELF_SORT_DATE_DESC, /* newest first ("-date") */
    SHELF_SORT_PATH
} shelf_sort;

/* "relevance", "date", "-date", "path": false for any other name. */
bool shelf_sort_named(const char *name, shelf_sort *out);
const char *shelf_sort_name(shelf_sort sort);

typedef struct shelf_arrange {
    shelf_sort sort;
    bool collapse; /* the same content under several paths is one hit */
} shelf_arrange;

/* Like shelf_engine_search with o->k hits (the first offset of them
 * included, as there), arranged as asked. */
int shelf_engine_search_arranged(shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                                 const shelf_arrange *how, shelf_results *out, shelf_err *err);

#endif
