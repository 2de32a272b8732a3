/*
 * frontmatter.h - the author and date a Markdown file's YAML front matter
 * names (the lines between the opening "---" and the closing "---" or
 * "..."; markdown.c finds them).
 *
 * Only the few YAML forms such headers use are read, line by line:
 *   author: Ada Lovelace              a string (one pair of quotes removed,
 *   author: "Lovelace, Ada"           a trailing " #" comment of an
 *                                     unquoted value removed)
 *   authors: [Ada Lovelace, "Babbage, Charles"]      a flow list
 *   author:                            a block list, one "- " item a line
 *     - Ada Lovelace                   (an item "- name: X" gives X)
 *     - name: Charles Babbage
 *   date: 2023-05-14                  any form docdate.h reads
 * Keys ("author", "authors", "date") are top-level (unindented) and matched
 * without regard to case; list items are joined with "; ".  Anything else
 * is ignored; an unreadable date is no date.
 *
 * Invariants: *author and *date are malloc'd or NULL; never reads past
 * text[len).
 */
#ifndef SHELF_FRONTMATTER_H
#define SHELF_FRONTMATTER_H

#include <stddef.h>

/* SHELF_OK, or SHELF_ENOMEM (*author and *date then NULL). */
int shelf_front_matter_meta(const char *text, size_t len, char **author, char **date);

#endif
