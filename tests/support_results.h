/*
 * support_results.h - search results normalised for comparing two indexes
 * (an index after a crash or an incremental batch against a fresh one).
 *
 * Each line of `searcher --json --exact-total -n 100` output becomes
 * "q<N> total=<T>" then one "  <path> <score>" line per hit (the score as
 * printed, 17 significant digits), the hits sorted so that ties listed in
 * another order compare equal.  A line that reports an error, an inexact
 * total, more than 100 hits or fewer hits than its total fails the test.
 */
#ifndef TS_SUPPORT_RESULTS_H
#define TS_SUPPORT_RESULTS_H

#include <stddef.h>

#include "support.h"

/* Append query qno's line, normalised, to b. */
void ts_results_add_line(ts_sbuf *b, const char *line, size_t qno);

/* Every line of json_lines (which is modified), numbered from 1,
 * normalised; the caller frees the result. */
char *ts_results_signature(char *json_lines);

#endif
