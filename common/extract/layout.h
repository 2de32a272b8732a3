/*
 * layout.h - where pages and headings lie in a document's extracted text,
 * so citations can name a page and a section after the source is gone.
 *
 * Invariants (checked by shelf_layout_decode, kept by the add functions'
 * callers): page starts are strictly ascending byte offsets into the text,
 * the first is 0; headings are byte ranges [start, start + len) inside the
 * text with ascending, non-overlapping starts, level 1..6.  Page labels
 * (the numbers printed on the pages, PDF /PageLabels) are either absent
 * (nlabels 0: each page is cited by its physical number) or one per page
 * (nlabels == npages), each at most SHELF_PAGE_LABEL_MAX_BYTES of UTF-8
 * without control characters; an empty label means "no label on this
 * page".  A layout keeps labels only when some label differs from its
 * page's physical number (shelf_layout_drop_physical_labels).
 *
 * A source map (HTML, Markdown) ties the text back to the file it came from: anchors
 * with strictly ascending text offsets (< text length), each giving the
 * 1-based source line and column (in characters of the source) of the text
 * at its offset.  A byte at offset p maps through the last anchor at or
 * before p: to its line, and to its column plus the characters between the
 * anchor and p, or, when the anchor is "pinned" (an entity such as &amp;,
 * or text that could not be followed exactly), to the anchor's column
 * itself.  No anchors: no source map (lines are those of the text).
 *
 * A layout is "paged" when it has page starts (PDF).  It is "structured"
 * when the format marks its headings (HTML, Markdown): then the headings
 * list is the whole truth about sections, even when empty.  Otherwise
 * (plain text, PDF) sections come from the plain-text rule in
 * extract/headings.h.
 *
 * A layout is "paragraph-cited" (DOCX, ODT, EPUB: formats with neither
 * pages nor lines a reader can check) when its places are cited by section
 * and paragraph ("§ Findings, ¶ 4", present/place.h) instead of by line;
 * such a layout is structured and unpaged and has no source map.
 */
#ifndef SHELF_LAYOUT_H
#define SHELF_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define SHELF_HEADING_MAX_LEVEL 6
#define SHELF_PAGE_LABEL_MAX_BYTES 64

typedef struct shelf_heading {
    uint64_t start;
    uint32_t len;
    uint32_t level;
} shelf_heading;

typedef struct shelf_source_anchor {
    uint64_t text_offset;
    uint32_t line, column; /* 1-based, in the source file */
    bool pinned;           /* every byte up to the next anchor maps to column */
} shelf_source_anchor;

typedef struct shelf_layout {
    bool structured;
    uint64_t *pages; /* start offset of page 1, 2, ... */
    size_t npages, page_cap;
    shelf_heading *headings;
    size_t nheadings, heading_cap;
    shelf_buf label_text; /* the labels, each followed by a NUL */
    size_t *label_at;     /* label of page i+1 starts at label_text.data + label_at[i] */
    size_t nlabels, label_cap;
    shelf_source_anchor *anchors; /* the source map, ascending text_offset */
    size_t nanchors, anchor_cap;
    bool paragraph_cited; /* cited by section and paragraph (above) */
} shelf_layout;

#define SHELF_LAYOUT_INIT                                                                          \
    {false, NULL, 0, 0, NULL, 0, 0, SHELF_BUF_INIT, NULL, 0, 0, NULL, 0, 0, false}

/* SHELF_OK or SHELF_ENOMEM (layout unchanged). */
int shelf_layout_add_page(shelf_layout *l, uint64_t start);
int shelf_layout_add_heading(shelf_layout *l, uint64_t start, uint32_t len, uint32_t level);
/* The label of the next page (labels are added in page order); s[0..n)
 * must keep the label invariants above.  SHELF_OK, SHELF_EINVAL (not a
 * valid label: layout unchanged) or SHELF_ENOMEM. */
int shelf_layout_add_label(shelf_layout *l, const char *s, size_t n);
/* Appends a source anchor (line, column >= 1; text_offset not below the
 * last anchor's: an anchor at the same offset replaces the last one).
 * SHELF_OK, SHELF_EINVAL (layout unchanged) or SHELF_ENOMEM. */
int shelf_layout_add_anchor(shelf_layout *l, shelf_source_anchor a);
/* The last anchor at or before pos, or NULL (none, or no source map). */
const shelf_source_anchor *shelf_layout_anchor_at(const shelf_layout *l, uint64_t pos);
/* Forget the labels when they say nothing new: when there is not one per
 * page, or when every label is its page's physical number ("1", "2", ...). */
void shelf_layout_drop_physical_labels(shelf_layout *l);
void shelf_layout_reset(shelf_layout *l); /* empty, keeps memory */
void shelf_layout_free(shelf_layout *l);
/* Deep copy into an empty (reset or INIT) dst. */
int shelf_layout_copy(shelf_layout *dst, const shelf_layout *src);

/* Serialized form (FORMAT.md, ".store"): flags:varint (bit 0 structured,
 * bit 1 labelled), page_count:varint, page start gaps:varint...,
 * heading_count:varint, then per heading start gap:varint len:varint
 * level:varint (gaps from the previous start, the first from 0); then, only
 * when labelled, page_count x (label_len:varint label bytes); then, only
 * with a source map (bit 2), anchor_count:varint and per anchor
 * text offset gap:varint (from the previous anchor's, the first from 0;
 * never 0 after the first), line delta:varint (zigzag: lines may go back),
 * column*2 + pinned:varint.  Bit 3: paragraph-cited (nothing more is
 * stored).  A layout without labels, source map or paragraph citing
 * encodes exactly as before they existed. */
int shelf_layout_encode(shelf_buf *out, const shelf_layout *l);
/* Reads the form above from *p (< end), advancing *p; every offset is
 * checked against text_len.  0, or -1 on damaged input (l reset). */
int shelf_layout_decode(const uint8_t **p, const uint8_t *end, uint64_t text_len, shelf_layout *l);

/* 1-based page holding pos, or 0 for an unpaged layout. */
size_t shelf_layout_page_of(const shelf_layout *l, uint64_t pos);
/* Start offset of a 1-based page (0 when unpaged or out of range). */
uint64_t shelf_layout_page_start(const shelf_layout *l, size_t page);
/* The printed label of a 1-based page (NUL-terminated), or NULL when the
 * layout has no labels, the page is out of range or its label is empty. */
const char *shelf_layout_page_label(const shelf_layout *l, size_t page);
/* The last heading starting at or before pos, or NULL. */
const shelf_heading *shelf_layout_heading_before(const shelf_layout *l, uint64_t pos);

#endif
