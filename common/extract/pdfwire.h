/*
 * pdfwire.h - the bytes the PDF reader's sandboxed child sends to the
 * parent: made by the child with poppler (pdf_collect.c), decoded by the
 * parent into a shelf_pdfdoc (pdf_decode.c).  The format itself is
 * described in pdf.c's header comment.
 *
 * The parent never trusts the bytes: the child parsed an untrusted file
 * and may have been subverted, so every length is checked against what is
 * left, every count against the smallest size its items can have, and
 * every string and number is made to meet pdfdoc.h's invariants.
 *
 * Invariants of a decoded shelf_pdf_read: doc's strings point into body or
 * into repaired (which the read owns), doc's lines into lines; after
 * shelf_pdf_read_free everything is zero.
 */
#ifndef SHELF_PDFWIRE_H
#define SHELF_PDFWIRE_H

#include <stddef.h>
#include <stdint.h>

#include "extract/pdfdoc.h"
#include "util/buf.h"
#include "util/error.h"

/* The first byte of a result. */
enum shelf_pdf_result_kind {
    SHELF_PDF_RESULT_OK = 0,
    SHELF_PDF_RESULT_ENCRYPTED = 1,
    SHELF_PDF_RESULT_DAMAGED = 2
};

/* Bounds the child keeps to (the parent relies on none of them). */
#define SHELF_PDF_MAX_LINES_PER_PAGE 65536u /* past it, the rest joins the last line */
#define SHELF_PDF_MAX_OUTLINE 10000u        /* outline entries kept, in order */
#define SHELF_PDF_MAX_OUTLINE_DEPTH 64u     /* deeper entries are left out */

/* A PDF as the child described it, decoded. */
typedef struct shelf_pdf_read {
    shelf_pdfdoc doc;
    shelf_buf body;         /* the child's result */
    shelf_pdf_line *lines;  /* every page's lines, page after page */
    char *repaired;         /* strings that had to be changed, back to back */
} shelf_pdf_read;

/* The child's side (pdf_collect.c): open the PDF in data with poppler and
 * write the result into body, at most limit bytes of it (a longer one is
 * replaced by DAMAGED "extracted text too large").  SHELF_OK, or
 * SHELF_ENOMEM when memory ran out. */
int shelf_pdf_collect(const char *data, size_t len, size_t limit, shelf_buf *body);
/* The reader's half in shelf-helper (helper_halves.h): shelf_pdf_collect
 * within shelf_pdf_result_limit(len).  The helper goes on to the next
 * file, so everything poppler allocated is released. */
int shelf_pdf_read_in_helper(const char *path, const char *data, size_t len, shelf_buf *wire);
/* The most bytes a result may have for an input of input_len bytes (pdf.c;
 * SIZE_MAX when that overflows). */
size_t shelf_pdf_result_limit(size_t input_len);

/* The parent's side (pdf_decode.c): decode *body, which the read takes
 * over (*body is left empty whatever happens), into out.  SHELF_OK;
 * SHELF_ESKIP "<path>: encrypted PDF (needs a password)", "<path>: damaged
 * PDF: <reason>", "<path>: damaged PDF: no pages", "<path>: PDF reader
 * crashed (damaged PDF?)" (truncated or malformed); SHELF_ENOMEM.  On
 * error *out is all zero. */
int shelf_pdf_decode(const char *path, shelf_buf *body, shelf_pdf_read *out, shelf_err *err);

/* The whole reader short of the structure rules (pdf.c): run the child on
 * data, decode its result.  Errors as shelf_extract_pdf's. */
int shelf_pdf_read_doc(const char *path, const char *data, size_t len, unsigned budget_ms,
                       shelf_pdf_read *out, shelf_err *err);

void shelf_pdf_read_free(shelf_pdf_read *r);

#endif
