/*
 * output.h - the ways the searcher can show a query's answer, as a table of
 * output forms.  A form is one row of the same few functions: the start of
 * a query's answer (header), one hit, the end (footer), the count alone
 * (--count) and a failed query (error).  The command line picks one form
 * (searcher/main.c), the HTTP API the same rows (api_search.c, api_cite.c,
 * http_reply.c); print.c drives a form through one query.
 *
 * Rows (output.c): "text" (people, output_text.c), "json" (one object per
 * query, output_json.c) and the citation forms "cite-plain",
 * "cite-markdown", "cite-json" (output_cite.c), whose --cite-format names
 * are "plain", "markdown" and "json", and the reference-manager rows
 * "cite-csl-json" and "cite-bibtex" (output_cite_ref.c, --cite-format
 * csl-json and bibtex); the first citation row is the one --cite gives.
 *
 * With --queries FILE, each answer is labelled with its query's line
 * (query_result.line, output_error.line): the text form and the plain and
 * markdown citations start its block with "line N: QUERY", JSON objects
 * carry "line"; the machine-readable citation forms (json, csl-json,
 * bibtex) carry no label.
 *
 * Invariants: every row has every function (a form with nothing to say at
 * some step does nothing there); a form writes only to the stream it is
 * given, except that text and citations show the planner's notes on
 * stderr; a buffered form's answer must reach its reader whole or not at
 * all (print.c holds it in memory until the query succeeded).
 */
#ifndef SHELF_OUTPUT_H
#define SHELF_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "engine/engine.h"
#include "extract/layout.h"
#include "extract/formats.h"
#include "present/passage.h"
#include "query/plan.h"
#include "query/search.h"

/* One query and what the search found. */
typedef struct query_result {
    const char *query;
    const shelf_plan *plan;
    const shelf_results *results;
    const char *notes;  /* the planner's notes; may be NULL or empty */
    size_t line;        /* its line in --queries FILE, from 1; 0: not from a file */
    const char *suggestion; /* "did you mean" (present/suggest.h); NULL when none */
} query_result;

/* How text is dressed; forms that do not dress text ignore it. */
typedef struct output_style {
    bool color;
    size_t offset;          /* hits skipped before the first shown */
    size_t context;         /* lines of context around each passage (0: the passage alone) */
    const char *mark_open;  /* highlight markers around matches */
    const char *mark_close;
} output_style;

/* One hit as shown: its document (strings not NUL-terminated) and the
 * passages chosen in it. */
typedef struct output_hit {
    size_t rank;                   /* 1 for the best hit */
    double score;
    uint64_t doc;
    const char *path, *title;
    size_t path_len, title_len;
    const char *author, *date;     /* length 0: unknown; the date "YYYY[-MM[-DD]]" */
    size_t author_len, date_len;
    shelf_format format;           /* the source's format (the reference forms' entry type) */
    const char *text;              /* the document's stored text */
    size_t len;
    const shelf_layout *layout;    /* pages and headings; may be NULL */
    shelf_passages passages;
    const shelf_explain *explain;  /* the score's terms, or NULL when not asked */
    char **dup_paths;              /* the same content's other paths (engine/arrange.h), */
    size_t ndups;                  /* shown as given (NUL-terminated) */
    /* With several indexes searched as one: the folder of the index holding
     * the document, and of each duplicate's; NULL with one index. */
    const char *index;
    const char **dup_indexes;
} output_hit;

/* A failure to report.  query NULL: not about a query (no "query" and
 * "column"); status 0: not an HTTP answer (no "status"). */
typedef struct output_error {
    const char *query;
    const char *message;
    int column;        /* where in the query, from 1; 0 unknown */
    unsigned status;
    size_t line;       /* the query's line in --queries FILE, from 1; 0: not from a file */
} output_error;

typedef struct output_form {
    const char *name;        /* "text", "json", "cite-plain", ... */
    const char *cite_style;  /* its --cite-format name; NULL when not a citation form */
    bool buffered;           /* whole or nothing: see the invariants above */
    /* Before the first hit. */
    void (*header)(FILE *out, const output_style *st, const query_result *qr);
    /* One hit; shown counts the hits already written for this query. */
    void (*hit)(FILE *out, const output_style *st, const output_hit *h, size_t shown);
    /* After the last hit. */
    void (*footer)(FILE *out, const output_style *st, const query_result *qr, size_t shown);
    /* --count: the number of matching documents (qr->results->total) alone. */
    void (*count)(FILE *out, const query_result *qr);
    /* A query that failed (bad syntax, out of time) or an HTTP error. */
    void (*error)(FILE *out, const output_error *e);
} output_form;

/* The table: output_form_at(0 .. output_form_count() - 1). */
size_t output_form_count(void);
const output_form *output_form_at(size_t i);

/* The row with this name, or NULL. */
const output_form *output_form_named(const char *name);
/* The citation row with this --cite-format name, or NULL. */
const output_form *output_cite_form(const char *style);
/* The citation row --cite alone gives. */
const output_form *output_cite_default(void);

/* The --cite-format names joined for people: "plain, markdown or json";
 * with mark_default, the default one is followed by " (default)".
 * Cut to fit size (always NUL-terminated). */
void output_cite_styles(char *buf, size_t size, bool mark_default);

/* ,"author":"...","date":"YYYY-MM-DD": each member only when known (a
 * comma before each, none after).  Shared by the JSON forms and the API's
 * /api/doc. */
void output_put_json_byline(FILE *out, const char *author, size_t author_len, const char *date,
                            size_t date_len);

/* The source format a document record's flags name (shared_format.h). */
shelf_format output_format_of(uint32_t flags);

/* The JSON members naming a 1-based page of a paged document:
 * "page":N,"page_label":"iv" (the printed label, or N as a string when the
 * layout has none); no comma before or after.  Shared by the JSON and the
 * JSON citation forms. */
void output_put_json_page(FILE *out, const shelf_layout *layout, size_t page);

/* When a passage or quotation ends on a later page than it starts:
 * ,"end_page":M,"end_page_label":"v" (named as above); else nothing. */
void output_put_json_end_page(FILE *out, const shelf_layout *layout, size_t page, size_t end_page);

#endif
