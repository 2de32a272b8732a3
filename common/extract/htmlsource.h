/*
 * htmlsource.h - finding the text nodes of a parsed HTML document in its
 * source, so each byte of extracted text can name the source line and
 * column it came from (the layout's source map, layout.h).
 *
 * libxml2 gives no columns and, for a text node, only the line where its
 * first chunk ended, so the text is found again in the source: the text
 * nodes, taken in document order, are matched against the source from a
 * cursor that only moves forward.  A node's match starts where text data
 * starts (after a tag, comment, doctype or processing instruction; the
 * content of script and style is never text data) and compares the node's
 * decoded characters with the source: characters as written, character
 * references (&amp; &#233; &#xE9;, named ones through libxml2's own table)
 * as the one character they stand for, a CR the parser dropped, markup the
 * parser dropped inside the text (such as a stray end tag), and numeric
 * references to U+0000 that it dropped.  The search gives up at a line
 * past the line libxml2 recorded for the node (the node cannot start after
 * it), after SEARCH_TRIES text starts, or when the document's work budget
 * (a small multiple of the source size) is spent; a node not found has no
 * map (the caller pins its text to the best line it knows).
 *
 * Lines count LF; columns count characters (UTF-8 sequences of the source
 * as converted, which are the characters of the original encoding), a CR
 * or tab being one; both 1-based.
 *
 * Invariants: the source is read only in [0, n); work is linear in the
 * source plus the text (bounded by the budget); nothing prints.
 */
#ifndef SHELF_HTMLSOURCE_H
#define SHELF_HTMLSOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where one text node's bytes came from: breakpoints ascending by content
 * offset; the bytes from one breakpoint to the next sit on one source line
 * one for one (column + characters since the breakpoint), or all at the
 * breakpoint's column when pinned (an entity). */
typedef struct shelf_node_point {
    size_t content_offset;
    uint32_t line, column;
    bool pinned;
} shelf_node_point;

typedef struct shelf_node_map {
    shelf_node_point *at;
    size_t count, cap; /* count 0: the node was not found */
} shelf_node_map;

typedef struct shelf_html_source {
    const char *s;
    size_t n;
    size_t pos;            /* the cursor: nothing before it is searched again */
    uint32_t line, column; /* of pos */
    uint64_t budget;       /* steps of work left */
} shelf_html_source;

void shelf_html_source_init(shelf_html_source *src, const char *s, size_t n);

/* Finds content[0..len) (a text node's decoded text) at or after the cursor,
 * within source line max_line (0: no limit), and fills map (count 0 when
 * not found: cursor unchanged).  SHELF_OK or SHELF_ENOMEM. */
int shelf_html_source_locate(shelf_html_source *src, const char *content, size_t len,
                             uint32_t max_line, shelf_node_map *map);

/* Reads a node's map at ascending content offsets, each step costing the
 * bytes passed (no rescans from a breakpoint). */
typedef struct shelf_node_cursor {
    size_t index;    /* the breakpoint at or before off */
    size_t off;      /* content offset reached */
    uint32_t column; /* of off, when not pinned */
} shelf_node_cursor;

/* At the node's first breakpoint (map->count > 0). */
void shelf_node_cursor_start(const shelf_node_map *map, shelf_node_cursor *c);
/* The source line and column of content byte off (not below the
 * cursor's offset) into *out; the cursor moves to off. */
void shelf_node_cursor_seek(const shelf_node_map *map, const char *content, shelf_node_cursor *c,
                            size_t off, shelf_node_point *out);

void shelf_node_map_free(shelf_node_map *map);

#endif
