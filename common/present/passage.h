/*
 * passage.h - the best passages of a hit, highlighted and located for
 * citation.
 *
 * Choosing: every match span is a candidate anchor; a candidate window of
 * about `width` characters is placed with the anchor in its first third and
 * scored by the idf of the distinct query leaves it holds, plus a little for
 * each further match.  The best windows that do not overlap are kept, up to
 * `passages`.  A window ends at its paragraph's end (see Cutting), so
 * matches a passage cut from it cannot hold do not count.  An anchor on a
 * table-of-contents line (toc.h: "3.3.1 Lexical scoping . . . 22",
 * "Contents") is used only when no anchor lies elsewhere: a writer cannot
 * quote a contents entry.
 *
 * Ordering: once cut, each passage's score is its coverage, the idf summed
 * over the distinct query leaves with a match wholly inside it (a leaf whose
 * idf is not positive counts 0.01).  Passages come best first: higher
 * coverage first, ties earlier in the text first; with in_order, in document
 * order (scores unchanged).
 *
 * Cutting: a passage starts at the sentence start before its anchor when one
 * lies within 60% of the width, else at a word boundary; it ends at a
 * sentence end when one lies near the width, else at a word boundary (a
 * match glued to other text without white space takes its whole run along,
 * unless that run is longer than four widths).  It stays inside one
 * paragraph: it never crosses a blank line, nor, in plain text with one
 * paragraph per line (paragraphs.h), a line break; it may cross a page start
 * inside a paragraph that runs on to the next page (pagespan.h).  It never
 * splits a UTF-8 sequence; cut_before and cut_after say whether text of the
 * same paragraph was left out (shown as "…").  A document with no located
 * match gets one passage from its start.
 *
 * Locating: page (paged formats, else 0), line (1-based; within the page
 * when paged; the source file's with a source map, place.h) and column
 * (1-based, in characters) of the first character; end_page and end_line
 * of the last character (end_page equals page on one page, 0 unpaged;
 * end_line counts within end_page); the byte range [start, end) in the
 * stored text, the section and, for a paragraph-cited layout (DOCX, ODT,
 * EPUB), the paragraph within it (place.h).  Highlights are byte ranges
 * relative to start, sorted and merged.
 *
 * Deadline: with deadline_ns set, scoring and cutting count their work and
 * read the clock every SHELF_TICKS_PER_CHECK units (deadline.h); past it,
 * picking stops with SHELF_ETIMEOUT (out is freed as after any error).
 */
#ifndef SHELF_PASSAGE_H
#define SHELF_PASSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/layout.h"
#include "present/spans.h"

#define SHELF_DEFAULT_PASSAGES 2
#define SHELF_DEFAULT_WIDTH 200

typedef struct shelf_highlight {
    size_t from, to;
} shelf_highlight;

typedef struct shelf_passage {
    size_t start, end;
    size_t page, line, column;      /* of start; page 0: unpaged; line within the page */
    size_t end_page, end_line;      /* of the last byte; end_page == page on one page */
    size_t section_start, section_len;
    size_t paragraph;               /* of start, paragraph-cited layouts only (place.h); else 0 */
    bool cut_before, cut_after;
    double score;
    shelf_highlight *highlights;
    size_t nhighlights;
} shelf_passage;

typedef struct shelf_passages {
    shelf_passage *at;
    size_t count;
} shelf_passages;

typedef struct shelf_passage_opts {
    size_t passages;      /* at most this many (>= 1) */
    size_t width;         /* target length in characters (>= 20) */
    uint64_t deadline_ns; /* CLOCK_MONOTONIC time to give up by (deadline.h); 0: none */
    bool in_order;        /* document order instead of best first */
} shelf_passage_opts;

/* layout: the document's pages and headings (NULL: none). */
int shelf_passages_pick(const char *text, size_t len, const shelf_layout *layout,
                        const shelf_spans *spans, const shelf_passage_opts *o,
                        shelf_passages *out, shelf_err *err);
void shelf_passages_free(shelf_passages *p);

#endif
