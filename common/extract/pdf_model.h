/*
 * pdf_model.h - the working model the PDF structure rules share: every
 * non-empty line of a shelf_pdfdoc with its cleaned text and the marks the
 * rules put on it (running head, heading, paragraph start).
 *
 * Cleaning (pdf_model.c): C0 controls and DEL become spaces, invalid UTF-8
 * becomes U+FFFD, ligatures U+FB00..U+FB06 are spelt as letters (ff fi fl
 * ffi ffl st st), soft hyphens (U+00AD) inside a line are removed, one at
 * the end of a line is removed and remembered (soft_hyphen_end), outer
 * white space is trimmed.  A line that cleans to nothing is left out.
 *
 * Invariants: lines come page by page in the input's order;
 * page_first[p] .. page_first[p + 1] are page p's lines (0-based pages,
 * page_first has npages + 1 entries); every line's text is non-empty,
 * valid UTF-8, without controls, at text + text_at.
 */
#ifndef SHELF_PDF_MODEL_H
#define SHELF_PDF_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/pdfdoc.h"

typedef struct pdf_line {
    const shelf_pdf_line *src;
    uint32_t page;        /* 0-based page */
    size_t text_at, len;  /* cleaned text: model text[text_at .. text_at + len) */
    bool soft_hyphen_end; /* the line ended in U+00AD (removed from the text) */
    bool running;         /* a running head, footer or page number: left out */
    uint8_t heading;      /* 0, or the level (1..6) of a heading starting here */
    bool heading_more;    /* continues the heading of the line before (wrapped) */
    bool para_start;      /* starts a paragraph (set for body lines) */
} pdf_line;

typedef struct pdf_model {
    const shelf_pdfdoc *doc;
    char *text;           /* the cleaned lines back to back */
    pdf_line *lines;
    size_t nlines;
    size_t *page_first;   /* npages + 1 entries */
    size_t npages;
    float body_size;      /* the size most characters are set in (0: unknown) */
    bool body_bold;       /* most body-size characters are bold */
    char *printed;        /* NULL, or PDF_PRINTED_BYTES per page: the page's
                             label as its printed number says (pdf_printed.h),
                             overriding the PDF's own label */
} pdf_model;

#define PDF_PRINTED_BYTES 16 /* "mmmdccclxxxviii", "[1234]" and a NUL */

/* SHELF_OK or SHELF_ENOMEM (model all zero). */
int pdf_model_build(const shelf_pdfdoc *doc, pdf_model *m);
void pdf_model_free(pdf_model *m);

/* The label of 0-based page p: the printed number found for it, else the
 * PDF's label (or physical number) as poppler gives it; sets *len. */
const char *pdf_page_label(const pdf_model *m, size_t p, size_t *len);

static inline const char *pdf_line_text(const pdf_model *m, const pdf_line *l)
{
    return m->text + l->text_at;
}

/* Metadata text as shown (a title, an author, a page label): controls to
 * spaces, invalid UTF-8 to U+FFFD, outer white space trimmed.  dst has
 * room for 3 * n bytes; returns the length written (no NUL). */
size_t pdf_clean_metadata(const char *s, size_t n, char *dst);

/* The number of UTF-8 characters in s[0..n). */
size_t pdf_char_count(const char *s, size_t n);

/* Whether s[0..n) holds at least `want` letters (ASCII or non-ASCII). */
bool pdf_has_letters(const char *s, size_t n, size_t want);

#endif
