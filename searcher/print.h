/*
 * print.h - how the searcher shows one query's results: as text for people
 * (colour only when asked or on a terminal) or as one JSON object per query.
 */
#ifndef SHELF_PRINT_H
#define SHELF_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis/analyzer.h"
#include "index/index.h"
#include "query/plan.h"
#include "query/search.h"

typedef struct print_opts {
    bool json;
    bool color;
    bool explain;
    size_t offset;     /* hits skipped before the first shown */
    const shelf_search_opts *search;
} print_opts;

typedef struct query_result {
    const char *query;
    const shelf_plan *plan;
    const shelf_results *results;
    const char *notes;
} query_result;

/* Print one query's results.  Returns SHELF_OK or the error met while
 * reading documents (err filled). */
int print_results(FILE *out, const print_opts *po, const shelf_index *idx, shelf_analyzer *a,
                  const query_result *qr, shelf_err *err);

/* JSON object for a query that failed: {"query":..., "error":..., "column":...} */
void print_json_error(FILE *out, const char *query, const char *message, int column);

#endif
