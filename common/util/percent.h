/*
 * percent.h - percent escapes ("%2F") as URLs and EPUB hrefs write them.
 */
#ifndef SHELF_UTIL_PERCENT_H
#define SHELF_UTIL_PERCENT_H

/* The byte the escape "%XX" at the start of s stands for (two hex digits,
 * either case), or -1 when s does not start with one.  s is NUL-terminated;
 * nothing past its NUL is read. */
int shelf_percent_byte(const char *s);

#endif
