/*
 * pdfdoc.h - what the PDF reader's child learns about a PDF's pages (lines
 * of text with their position and type, the printed page labels, the
 * outline, the metadata), handed to the structure rules (pdfstruct.h) that
 * turn it into the text, title and layout we index.
 *
 * The split keeps poppler in the sandboxed child (pdf.c) and the rules in
 * plain C that tests can drive with made-up pages.
 *
 * Geometry is in PDF points with the origin at the page's top left corner
 * and y growing downwards (as poppler reports text), so a line with a
 * smaller y0 is higher on the page.
 *
 * Invariants: all strings are borrowed (from the buffer the document was
 * decoded from), UTF-8 (invalid bytes already replaced by U+FFFD), without
 * line breaks and not NUL-terminated; lines of a page come in poppler's
 * reading order; x0 <= x1 and y0 <= y1; font_size >= 0 (0: unknown);
 * outline entries come in the outline's depth-first order with level >= 1.
 */
#ifndef SHELF_PDFDOC_H
#define SHELF_PDFDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One line of text as poppler lays it out. */
typedef struct shelf_pdf_line {
    const char *text;
    size_t len;
    float x0, y0, x1, y1; /* the line's bounding box */
    float font_size;      /* the size most of its characters are set in */
    bool bold;            /* most of its characters are in a bold font */
} shelf_pdf_line;

typedef struct shelf_pdf_page {
    float width, height;
    const char *label; /* the printed page label poppler gives ("iv", "12"), */
    size_t label_len;  /* or its physical number where the PDF defines none */
    shelf_pdf_line *lines;
    size_t nlines;
} shelf_pdf_page;

/* One entry of the outline (bookmarks). */
typedef struct shelf_pdf_outline_entry {
    const char *title;
    size_t title_len;
    uint32_t level; /* 1 for a top-level entry */
    uint32_t page;  /* 1-based physical page of its destination; 0 unknown */
    float y;        /* top of the destination on that page; < 0 unknown */
} shelf_pdf_outline_entry;

typedef struct shelf_pdfdoc {
    const char *title, *author; /* metadata, raw (may be empty) */
    size_t title_len, author_len;
    char date[11]; /* CreationDate as "YYYY-MM-DD", or "" when none */
    shelf_pdf_page *pages;
    size_t npages;
    shelf_pdf_outline_entry *outline;
    size_t noutline;
} shelf_pdfdoc;

#endif
