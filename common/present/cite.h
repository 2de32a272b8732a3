/*
 * cite.h - a ready-to-paste quotation for a passage: the whole sentence or
 * sentences holding its highlighted matches (or its whole range when it has
 * none), without cutting a sentence, unless that would pass
 * SHELF_QUOTE_MAX_BYTES, in which case the passage itself is quoted.
 *
 * Bounds: a quotation stays inside one paragraph (textnav.h; a line in a
 * text with one paragraph per line, paragraphs.h) but may cross a page
 * start the PDF rules joined with a single line break (pagespan.h); it then
 * names its first and last page.  Shown to people, its line breaks become
 * single spaces (the searcher's output_put_flat).
 */
#ifndef SHELF_CITE_H
#define SHELF_CITE_H

#include <stddef.h>

#include "present/passage.h"

#define SHELF_QUOTE_MAX_BYTES 1200

typedef struct shelf_quote {
    size_t start, end;     /* byte range in the text */
    size_t page;           /* of start, 1-based; 0 when unpaged */
    size_t end_page;       /* of its last byte: page when on one page; 0 when unpaged */
    size_t line, column;   /* of start, 1-based; the line within the page */
    size_t paragraph;      /* of start in its section, paragraph-cited layouts only
                              (present/place.h); else 0 */
    int whole_sentences;   /* 0 when the quote is the passage, cut */
} shelf_quote;

/* layout: the document's pages (NULL: unpaged). */
void shelf_quote_of(const char *text, size_t len, const shelf_layout *layout, const shelf_passage *p,
                    shelf_quote *q);

#endif
