/*
 * filter_terms.h - what a document carries in a Xapian database so that the
 * query filters (query/filter.h) are answered from posting lists and a value
 * slot instead of its record: its type term, one term per folder holding
 * it, one term per word of its author, and its day value (the names and
 * formats are xapian_terms.h's).  The same functions give the query side
 * (xapian_query.c) the terms to look up, so writing and reading cannot
 * drift apart.
 *
 * Invariants: every term is boolean (wdf 0: never scored, not counted in
 * the document's length, so BM25 scores are those of a database without
 * them); the meaning of each filter is filter_match.h's, term for term.
 */
#ifndef SHELF_XAPIAN_FILTER_TERMS_H
#define SHELF_XAPIAN_FILTER_TERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/docview.h"
#include "backend/xapian/xapian_c.h"
#include "backend/xapian/xapian_terms.h"
#include "util/error.h"

/* Add the filter terms and the day value of the document meta describes. */
int shelf_xapian_add_filter_terms(shelf_xdoc *doc, const shelf_docview *meta, shelf_err *err);

/* The type term of a format into out (SHELF_XAPIAN_TERM_MAX + 1 bytes);
 * false when no reader has that format. */
bool shelf_xapian_type_term(int format, char *out, size_t *len);
/* The folder term of folder[0..n) into out (SHELF_XAPIAN_TERM_MAX + 1
 * bytes); false when it is too long to be a term (no document's folder is). */
bool shelf_xapian_folder_term(const char *folder, size_t n, char *out, size_t *len);
/* The author term of word[0..n), ASCII lower-cased, into out
 * (SHELF_XAPIAN_TERM_MAX + 1 bytes); false when it is too long (such words
 * are not written). */
bool shelf_xapian_author_term(const char *word, size_t n, char *out, size_t *len);

#endif
