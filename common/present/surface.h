/*
 * surface.h - the words as written behind one index term.  Index terms are
 * stemmed ("deterrence" and "deterrent" are both "deterr"), so a term alone
 * is not something to show a person.  This reads back a few documents that
 * hold the term (native: the shortest of the first 64 in the postings,
 * with no scoring; Xapian: the best few by BM25 through the engine), finds each
 * occurrence's bytes in the stored text from the
 * positions (re-reading tokens from the nearest checkpoint, as spans.h
 * does) and folds them without stemming (analyzer.h,
 * shelf_fold_word): the folded forms and how often each was seen.
 *
 * Bounded: at most max_docs documents and SHELF_SURFACE_PER_DOC
 * occurrences in each are read; `complete` says whether every document
 * holding the term was among the documents found (it stays so when the
 * caller stops the reading early).  No extra file is needed, so it works on
 * every index, old ones included.
 */
#ifndef SHELF_SURFACE_H
#define SHELF_SURFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"
#include "engine/engine.h"

#define SHELF_SURFACE_MAX 32     /* distinct forms kept; more are not counted */
#define SHELF_SURFACE_PER_DOC 64 /* occurrences looked at in one document */

typedef struct shelf_surface {
    char word[SHELF_MAX_TERM_BYTES + 1]; /* folded, NUL-terminated */
    uint32_t count;                      /* occurrences seen */
} shelf_surface;

typedef struct shelf_surfaces {
    shelf_surface at[SHELF_SURFACE_MAX];
    size_t count;
    bool complete; /* every document holding the key was read */
} shelf_surfaces;

/* Says, after each document read, whether the forms found so far are
 * enough (true stops the reading). */
typedef bool (*shelf_surfaces_enough)(void *ctx, const shelf_surfaces *so_far);

/* The forms of key (a body key: field byte + term) in at most max_docs
 * documents (max_docs >= 1), best first, stopping early when enough (may
 * be NULL) says so.  SHELF_OK (out->count 0 when the key is in no live
 * document) or an error from reading the index. */
int shelf_surfaces_of(shelf_engine *e, shelf_analyzer *a, const uint8_t *key, size_t len,
                      size_t max_docs, shelf_surfaces_enough enough, void *ctx,
                      shelf_surfaces *out, shelf_err *err);

/* The index of word among the forms, or -1. */
int shelf_surfaces_find(const shelf_surfaces *s, const char *word);

#endif
