/*
 * output_text.h - the parts of the text form (output_text.c) that the
 * citation forms (output_cite.c) share with it: the notes on stderr, the
 * label of a --queries line, the bare count, the error (on stdout only
 * with --queries), and pages and paragraphs named; and text written flat
 * on one line (quotations are flattened by output_quote.h).
 */
#ifndef SHELF_OUTPUT_TEXT_H
#define SHELF_OUTPUT_TEXT_H

#include "output.h"

/* The planner's notes, when there are any, on stderr ("note: ..."). */
void output_text_notes(FILE *out, const output_style *st, const query_result *qr);
/* With --queries, the block's label "line N: QUERY"; then the notes. */
void output_text_header(FILE *out, const output_style *st, const query_result *qr);
/* "N\n", after the label with --queries. */
void output_text_count(FILE *out, const query_result *qr);
/* Nothing (the command line says what failed on stderr), but with
 * --queries the label and "error: MESSAGE", so every line has its block. */
void output_text_error(FILE *out, const output_error *e);
/* Nothing at all: forms whose output cannot hold a text line. */
void output_no_error(FILE *out, const output_error *e);

/* Write s[0..n) on one line with single spaces: each run of white space
 * (spaces, tabs, line breaks, carriage returns) is shown as one space, so a
 * quotation across a line or page break reads as typeset. */
void output_put_flat(FILE *out, const char *s, size_t n);

/* Where a passage or quotation lies in a paged document: "p. iv", or
 * "pp. 12–13" (an en dash) when it ends on a later page; pages are named
 * by their printed labels where the layout has them (shelf_page_name). */
void output_put_pages(FILE *out, const shelf_layout *layout, size_t page, size_t end_page);

/* Where a passage or quotation lies in a paragraph-cited document (DOCX,
 * ODT, EPUB: no pages, no lines a reader can check): "§ Findings, ¶ 4", the
 * section's heading and the paragraph within it, or "¶ 4" before the first
 * heading (present/place.h). */
void output_put_paragraph(FILE *out, const output_hit *h, size_t section_start, size_t section_len,
                          size_t paragraph);

#endif
