/*
 * mdsource.h - source columns for rendered Markdown: a source map (layout.h)
 * for text whose line N already holds the visible text of source line N
 * (markdown.c's line rule), so citations can name the column too.
 *
 * Per text line: an anchor at its start, then each word (run of non-blank
 * bytes) is looked for in the same source line, left to right, from where
 * the previous word was found, within SEARCH_WINDOW bytes; a word found
 * where the last anchor already predicts it (its column plus the characters
 * since) costs nothing, one found elsewhere (markup removed before it) gets
 * an anchor, one not found (markup inside it, an entity or escape decoded,
 * a code span moved) is pinned to the column of its first character (found
 * the same way), else to the column where the search began.  Lines are never changed:
 * every anchor of text line N says source line N.
 *
 * Invariants: anchors ascend strictly and lie inside the text; work is
 * linear in the text and the source (each word searches a bounded window).
 */
#ifndef SHELF_MDSOURCE_H
#define SHELF_MDSOURCE_H

#include <stddef.h>

#include "extract/layout.h"

/* Adds the anchors for text[0..text_len) rendered from src[0..src_len)
 * (line endings LF, CRLF or CR) to l.  SHELF_OK or SHELF_ENOMEM. */
int shelf_markdown_map_columns(const char *src, size_t src_len, const char *text, size_t text_len,
                               shelf_layout *l);

#endif
