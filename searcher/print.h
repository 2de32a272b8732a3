/*
 * print.h - showing one query's results in a chosen output form (output.h):
 * for each hit shown, its document is read, its passages chosen and, with
 * --explain, its score explained; the form writes what it wants of them.
 */
#ifndef SHELF_PRINT_H
#define SHELF_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis/analyzer.h"
#include "engine/engine.h"
#include "output.h"
#include "present/passage.h"
#include "query/search.h"

typedef struct print_opts {
    const output_form *form;
    output_style style;        /* style.offset: hits skipped before the first shown */
    bool explain;
    shelf_passage_opts passages;
    const shelf_search_opts *search;
    const char *shown_from;    /* the current folder (absolute): stored paths under it are
                                * shown relative to it; NULL: as stored (the page, the API) */
} print_opts;

/* Print one query's results.  Returns SHELF_OK or the error met while
 * reading documents (err filled); a buffered form then wrote nothing. */
int print_results(FILE *out, const print_opts *po, shelf_engine *e, shelf_analyzer *a,
                  const query_result *qr, shelf_err *err);

/* The "did you mean" of a query (parsed with `all` as the default AND)
 * whose search found res (present/suggest.h): a malloc'd corrected query,
 * or NULL when there is none or it could not be made in time or read (the
 * answer then goes out without it: a suggestion is a courtesy, never a
 * reason to fail the query). */
char *suggest_for(shelf_engine *e, shelf_analyzer *a, const char *query, bool all,
                  const shelf_results *res, uint64_t deadline_ns);

#endif
