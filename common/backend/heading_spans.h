/*
 * heading_spans.h - which body token positions of a document are heading
 * text: its headings (byte ranges, extract/headings.h) turned into token
 * ranges while its body is analysed, and the form the native index stores
 * them in (FORMAT.md, ".docs" heap entry), read back by the heading part of
 * the ranking (query/heading.h).
 *
 * A token belongs to a heading when its first byte lies in the heading's
 * byte range.  A heading holding no token (only punctuation) has no span.
 *
 * Stored form: nothing at all for a document without spans; else
 * count:varint (> 0), then per span start_gap:varint len:varint;
 * start = the span's first token position, a difference from the previous
 * span's start (the first from 0): spans ascend by start, and one span is
 * never stored twice in a row; len = its tokens, >= 1.
 */
#ifndef SHELF_HEADING_SPANS_H
#define SHELF_HEADING_SPANS_H

#include <stddef.h>
#include <stdint.h>

#include "extract/headings.h"
#include "extract/layout.h"
#include "query/heading.h"
#include "util/buf.h"

typedef struct shelf_span_builder {
    shelf_heading_list headings; /* byte ranges, by start */
    shelf_token_span *spans;     /* per heading; start == end: no token yet */
    size_t cap;
    size_t done; /* headings [0, done) end at or before the last token seen */
} shelf_span_builder;

/* Find the headings of text (layout may be NULL) and forget earlier tokens;
 * memory is kept from one document to the next.  SHELF_OK or SHELF_ENOMEM. */
int shelf_span_builder_begin(shelf_span_builder *b, const char *text, size_t len,
                             const shelf_layout *layout);
/* The next body token, in text order: its position and first byte.  Inline
 * for the common case, a token before the next heading, which changes
 * nothing (it runs for every token of every document). */
void shelf_span_builder_token_at_heading(shelf_span_builder *b, uint32_t position, size_t start);
static inline void shelf_span_builder_token(shelf_span_builder *b, uint32_t position, size_t start)
{
    if (b->done < b->headings.n && start >= b->headings.at[b->done].start)
        shelf_span_builder_token_at_heading(b, position, start);
}
/* Append the stored form of the spans to out (nothing when there are none).  SHELF_OK or SHELF_ENOMEM. */
int shelf_span_builder_encode(const shelf_span_builder *b, shelf_buf *out);
void shelf_span_builder_free(shelf_span_builder *b);

/* Reading the stored form: init, then next until it returns 0. */
typedef struct shelf_span_cursor {
    const uint8_t *p, *end;
    uint64_t left;
    uint32_t start;
} shelf_span_cursor;

/* 0, or -1 when data[0..len) is damaged.  len 0 is a document without
 * headings. */
int shelf_span_cursor_init(shelf_span_cursor *c, const uint8_t *data, size_t len);
/* 1 and *out for the next span, 0 at the end, -1 when damaged. */
int shelf_span_next(shelf_span_cursor *c, shelf_token_span *out);

/* The whole stored form against the invariants above, every span ending
 * within a body of `tokens` tokens: 0, or -1 when damaged (indexer --check). */
int shelf_span_check(const uint8_t *data, size_t len, uint32_t tokens);

#endif
