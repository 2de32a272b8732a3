/*
 * written.h - the words the corpus writes, as written (folded, not
 * stemmed), with how many documents write each: the segments' written-words
 * lists (backend/native/words.h) taken together.  "Did you mean" asks it
 * whether a typed word occurs at all ("controler" does not, though its term
 * "control" is everywhere) and for the written words close to it
 * (neighbours.h, through shelf_written_source).
 *
 * Available only on a native index whose every live segment has its list
 * (segments written before the lists existed have none until a merge
 * rewrites them, or `indexer --rebuild`); otherwise shelf_written_open says
 * so and the caller does without.  Counts include documents deleted since
 * their segment was written or last merged.  The lists are mapped when the
 * index is opened, with its segments (index.h), so they belong to the same
 * snapshot and a query opens no file.
 */
#ifndef SHELF_WRITTEN_H
#define SHELF_WRITTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/native/index.h"
#include "engine/engine.h"
#include "present/neighbours.h"

typedef struct shelf_written {
    const shelf_index *idx; /* whose segments all have a list (index.h, shelf_index_words) */
} shelf_written;

/* The lists of e's index, opened with it: SHELF_OK with *available true, or
 * false when some segment has none (or e is not a native index). */
int shelf_written_open(shelf_written *w, const shelf_engine *e, bool *available, shelf_err *err);
void shelf_written_close(shelf_written *w);

/* Documents writing the folded word[0..len) (0: none), all lists summed. */
int shelf_written_df(const shelf_written *w, const char *word, size_t len, uint64_t *df,
                     shelf_err *err);

/* The lists as a source of words for shelf_neighbours_in (keys: the body
 * field byte then the word); valid while w is open. */
shelf_term_source shelf_written_source(shelf_written *w);

#endif
