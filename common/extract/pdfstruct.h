/*
 * pdfstruct.h - the structure rules for PDFs: from the lines poppler laid
 * out (pdfdoc.h) to the text, title, author, date and layout (pages with
 * their printed labels, paragraphs, headings) that get indexed and cited.
 *
 * The rules are documented in pdfstruct.c's header comment and in the
 * README ("PDF structure"); in short: running heads and footers are left
 * out; headings come from the outline where it maps onto the pages, else
 * from type set clearly larger or bolder than the body; paragraphs are cut
 * where the layout breaks (line spacing, indentation); end-of-line hyphens
 * are rejoined and ligatures spelt as letters; a paragraph that runs on
 * past a page break stays one paragraph (the next page starts inside it).
 *
 * Output invariants: out->text is valid UTF-8, NUL-terminated; the layout
 * has one page start per input page (the first at 0, strictly ascending),
 * page labels as shelf_layout_add_label takes them (then
 * shelf_layout_drop_physical_labels), and is structured (a PDF's sections
 * are its headings and nothing else).
 */
#ifndef SHELF_PDFSTRUCT_H
#define SHELF_PDFSTRUCT_H

#include "extract/doctext.h"
#include "extract/pdfdoc.h"
#include "util/error.h"

/* Build *out (which the caller zeroed) from doc.  SHELF_OK; SHELF_ESKIP
 * "<path>: no text layer (image-only PDF?)" when no page has text;
 * SHELF_ENOMEM.  On error *out holds nothing. */
int shelf_pdfdoc_build(const char *path, const shelf_pdfdoc *doc, shelf_doctext *out,
                       shelf_err *err);

#endif
