/*
 * heading.h - the heading part of a document's score: do all the query's
 * words stand together in one heading of the document?  A writer often
 * types the heading they remember (README, "Ranking").
 *
 * A document's headings are token ranges of its body (the spans indexing
 * records: backend/heading_spans.h).  A span holds the words when each of
 * the n words (those proximity looks at: query/proximity.h) has a body
 * position inside it.  Of the spans holding them, the best is the one the
 * words fill most: coverage = n / (the span's tokens), at most 1 (n distinct
 * words take n distinct positions).  Then
 *
 *   heading = coverage · Σ over words t of min(1, idf(t))
 *
 * (0 when no span holds them all), below n; the searcher adds H · heading
 * to the score (shelf_search_opts.heading_weight).  A heading typed in full
 * scores Σ min(1, idf); the same words inside a heading four times as long
 * a quarter of it.
 *
 * Use: shelf_heading_begin, then every span in ascending start order
 * (shelf_heading_offer), then shelf_heading_end.  Each word's positions are
 * walked forward once over all the spans.
 */
#ifndef SHELF_QUERY_HEADING_H
#define SHELF_QUERY_HEADING_H

#include <stddef.h>
#include <stdint.h>

#include "query/match.h"
#include "query/proximity.h"

/* Body token positions [start, end) of one heading. */
typedef struct shelf_token_span {
    uint32_t start, end;
} shelf_token_span;

typedef struct shelf_heading_parts {
    double score;     /* heading above */
    double coverage;  /* of the best span; 0 when none holds every word */
    uint32_t tokens;  /* the best span's length in tokens; 0 when none */
} shelf_heading_parts;

typedef struct shelf_heading_match {
    const shelf_word_positions *words;
    size_t n; /* at most SHELF_PROXIMITY_MAX_WORDS */
    uint32_t cursor[SHELF_PROXIMITY_MAX_WORDS];
    double mass; /* Σ min(1, idf) */
    shelf_heading_parts best;
} shelf_heading_match;

/* words[i].at ascending, idf[i] word i's idf; words must outlive m. */
void shelf_heading_begin(shelf_heading_match *m, const shelf_word_positions *words, const double *idf,
                         size_t n);
/* The next span (start not below the previous span's start; end > start). */
void shelf_heading_offer(shelf_heading_match *m, shelf_token_span s);
shelf_heading_parts shelf_heading_end(const shelf_heading_match *m);

#endif
