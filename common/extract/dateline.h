/*
 * dateline.h - the date a plain text gives itself near its top, for a
 * reference's issued date (text has no metadata to carry one).
 *
 * Looked at: the first SHELF_DATELINE_LINES non-blank lines, each at most
 * SHELF_DATELINE_CHARS bytes once trimmed (longer lines are prose and are
 * skipped, still counted).  A line is a dateline when, once trimmed, it is
 *   - "Date: D" or "Dated: D" or "Dated D" (any case);
 *   - D alone ("5 March 2024", "2024-03-05", "March 2024");
 *   - "Place, D" where Place, up to the first comma, is 1 to 4 words
 *     holding no digit ("Brussels, 12 June 2023");
 * and D is at most 4 words that docdate.h reads as a year and a month at
 * least ("2024" alone is no dateline: it may be a heading or a number).
 * The first dateline found gives the date, in docdate.h's ISO form.
 */
#ifndef SHELF_DATELINE_H
#define SHELF_DATELINE_H

#include <stddef.h>

#define SHELF_DATELINE_LINES 10
#define SHELF_DATELINE_CHARS 60

/* The ISO date of text's dateline as a new string (malloc), or NULL when
 * there is none (or out of memory). */
char *shelf_dateline_of(const char *text, size_t len);

#endif
