/*
 * matchline.h - the first line of a document that holds a word the query
 * looks for (not an excluded one), located by re-analysing the stored text
 * with the index's analyzer, so "defence" finds the line with "Defences".
 */
#ifndef SHELF_MATCHLINE_H
#define SHELF_MATCHLINE_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"
#include "query/plan.h"

typedef struct shelf_matchline {
    size_t line;        /* 1-based; 0 when no line matched */
    size_t start, end;  /* byte range of the line in the text (no newline) */
    size_t hit_start, hit_end; /* byte range of the first matching token */
} shelf_matchline;

/* Find the first matching line of text[0..len). */
void shelf_find_matchline(shelf_analyzer *a, const shelf_plan *plan, const char *text, size_t len,
                          shelf_matchline *out);

#endif
