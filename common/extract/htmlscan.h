/*
 * htmlscan.h - byte-level scanning of raw HTML, shared by the HTML sniffer
 * and renderer (html.c) and the charset prescan (charset.c).
 *
 * Invariants: every function reads only s[0..n); none allocates or prints.
 */
#ifndef SHELF_HTMLSCAN_H
#define SHELF_HTMLSCAN_H

#include <stdbool.h>
#include <stddef.h>

/* HTML white space: space, tab, LF, CR, FF (not VT). */
bool shelf_html_is_space(unsigned char c);

/* True when s[0..n) starts with the lowercase ASCII word w, ignoring case. */
bool shelf_html_starts_with(const char *s, size_t n, const char *w);

/* Index of the first occurrence of w in s[from..n) (w as written), or n. */
size_t shelf_html_find(const char *s, size_t n, size_t from, const char *w);

#endif
