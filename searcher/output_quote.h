/*
 * output_quote.h - what every citation form (output_cite.c,
 * output_cite_ref.c) does the same way: walk a hit's passages as
 * quotations, write a quotation flat on one line, and end with no footer.
 */
#ifndef SHELF_OUTPUT_QUOTE_H
#define SHELF_OUTPUT_QUOTE_H

#include <stdbool.h>

#include "output.h"
#include "present/cite.h"

/* One quotation: passage p of hit h, quoted as q (present/cite.h).  first
 * is true for the first quotation of the whole answer (the first passage
 * of the first shown hit). */
typedef void output_quote_fn(FILE *out, const output_hit *h, const shelf_passage *p,
                             const shelf_quote *q, bool first);

/* Calls put for every passage of h, in order; shown is the number of hits
 * shown before h. */
void output_each_quote(FILE *out, const output_hit *h, size_t shown, output_quote_fn *put);

/* The quotation as the reader sees it: each run of white space as one
 * space (none at either end), "…" at both ends when it is cut (not whole
 * sentences).  malloc'd and NUL-terminated, its length in *len; NULL when
 * out of memory. */
char *output_flat_quote(const output_hit *h, const shelf_quote *q, size_t *len);

/* The footer of a citation form: nothing (an answer ends with its last
 * quotation or entry). */
void output_cite_no_footer(FILE *out, const output_style *st, const query_result *qr, size_t shown);

#endif
