/*
 * print.h - how the searcher shows one query's results: as text for people
 * (passages with highlighted matches, colour only when asked or on a
 * terminal), as ready-to-paste citations, or as one JSON object per query.
 */
#ifndef SHELF_PRINT_H
#define SHELF_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis/analyzer.h"
#include "engine/engine.h"
#include "present/passage.h"
#include "query/plan.h"
#include "query/search.h"

typedef enum cite_format { CITE_NONE, CITE_PLAIN, CITE_MARKDOWN, CITE_JSON } cite_format;

typedef struct print_opts {
    bool json;
    bool color;
    bool explain;
    size_t offset;          /* hits skipped before the first shown */
    size_t context;         /* lines of context around each passage */
    cite_format cite;
    const char *mark_open;  /* highlight markers for text output */
    const char *mark_close;
    shelf_passage_opts passages;
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
int print_results(FILE *out, const print_opts *po, shelf_engine *e, shelf_analyzer *a,
                  const query_result *qr, shelf_err *err);

/* A document a citation quotes from (strings not NUL-terminated). */
typedef struct cited_doc {
    const char *text;
    size_t len;
    const shelf_layout *layout; /* pages and headings; may be NULL */
    const char *title;
    size_t title_len;
    const char *path;
    size_t path_len;
} cited_doc;

/* One passage as a ready-to-paste quotation, exactly as --cite prints it in
 * format f (CITE_PLAIN, CITE_MARKDOWN or CITE_JSON), newline(s) included. */
void print_citation(FILE *out, cite_format f, const cited_doc *d, const shelf_passage *p);

/* JSON object for a query that failed: {"query":..., "error":..., "column":...} */
void print_json_error(FILE *out, const char *query, const char *message, int column);

#endif
