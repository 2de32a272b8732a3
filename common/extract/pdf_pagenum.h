/*
 * pdf_pagenum.h - a page's own number in a line of text: its printed label
 * (cleaned) or its physical number, as a lone line ("5", "- 5 -",
 * "Page 5 of 9", "p. iv") or at one end of a line ("Chapter 2: Objects 5").
 *
 * Invariants: labels are compared after cleaning (pdf_clean_metadata) and
 * cut to a little over SHELF_PAGE_LABEL_MAX_BYTES; comparisons are exact
 * (a label "iv" is not "IV"); an empty label matches nothing.
 */
#ifndef SHELF_PDF_PAGENUM_H
#define SHELF_PDF_PAGENUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/layout.h"
#include "extract/pdf_model.h"

typedef struct pdf_page_numbers {
    char label[3 * (SHELF_PAGE_LABEL_MAX_BYTES + 4)];
    size_t label_len;
    char physical[24];
    size_t physical_len;
} pdf_page_numbers;

/* Whether the word s[0..n) is one that words a page number: "page", "p"
 * or "of", in any case. */
bool pdf_is_page_word(const char *s, size_t n);

/* The label and physical number of 0-based page p. */
void pdf_page_numbers_of(const pdf_model *m, uint32_t p, pdf_page_numbers *pn);

/* A lone page number: the page's own label or number first, maybe
 * decorated or worded ("page", "p", "of"), at most one further number. */
bool pdf_is_lone_page_number(const char *s, size_t n, const pdf_page_numbers *pn);

/* Whether s[0..n) is the page's number or starts or ends with it as a word. */
bool pdf_names_page_number(const char *s, size_t n, const pdf_page_numbers *pn);

#endif
