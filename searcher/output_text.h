/*
 * output_text.h - the parts of the text form (output_text.c) that the
 * citation forms (output_cite.c) share with it: the notes on stderr, the
 * bare count, no error on stdout, and text written flat on one line.
 */
#ifndef SHELF_OUTPUT_TEXT_H
#define SHELF_OUTPUT_TEXT_H

#include "output.h"

/* The planner's notes, when there are any, on stderr ("note: ..."). */
void output_text_header(FILE *out, const output_style *st, const query_result *qr);
/* "N\n" */
void output_text_count(FILE *out, const char *query, unsigned long long total);
/* Nothing: the command line says what failed on stderr. */
void output_text_error(FILE *out, const output_error *e);

/* Write s[0..n) with line breaks and tabs shown as single spaces (and
 * carriage returns left out). */
void output_put_flat(FILE *out, const char *s, size_t n);

#endif
