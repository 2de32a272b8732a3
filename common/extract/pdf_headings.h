/*
 * pdf_headings.h - the body type of a PDF and its headings.
 *
 * Body type: the font size (to 0.1 pt) that covers most characters of the
 * lines that are not running heads; body_bold when most of those
 * characters are bold.
 *
 * Headings come from the outline when at least one of its entries maps
 * onto a line; otherwise from type.
 *   - Outline: an entry's destination page and y locate a line: the
 *     topmost line at or below y (less one line height) whose text matches
 *     the entry's title, compared without case, punctuation, white space
 *     and a leading section number ("2.1.8", "A.3"); else the first such
 *     line anywhere on that page; else the entry is skipped.  A title
 *     wrapped over consecutive lines matches them together.  Level = the
 *     entry's level, at most 6.  Matching is bounded (a budget of
 *     comparisons linear in lines + entries).
 *   - Type: a line set at least 1.15 x the body size, or bold while the
 *     body is not (then only with extra space above it or first on its
 *     page), at most 120 bytes and 12 words, with 2 letters or more, not
 *     ending in ',' or ';'.  Consecutive such lines of the same size and
 *     weight, close together on one page, are one heading (at most 3
 *     lines; a longer run is no heading).  Levels rank the sizes, largest
 *     first (bold body-size headings rank last), at most 6.
 * Running lines are never headings.
 */
#ifndef SHELF_PDF_HEADINGS_H
#define SHELF_PDF_HEADINGS_H

#include <stdbool.h>

#include "extract/pdf_model.h"

/* Sets m->body_size and m->body_bold.  SHELF_OK or SHELF_ENOMEM. */
int pdf_find_body_type(pdf_model *m);

/* Whether line l is set in heading type: at least 1.15 x the body size
 * (false before pdf_find_body_type). */
bool pdf_heading_sized(const pdf_model *m, const pdf_line *l);

/* Sets heading and heading_more on the lines (after pdf_find_body_type).
 * SHELF_OK or SHELF_ENOMEM. */
int pdf_mark_headings(pdf_model *m);

#endif
