/*
 * json.h - writing JSON strings safely.  Quotes, backslashes and control
 * characters are escaped; bytes that are not valid UTF-8 become U+FFFD, so the
 * output is always valid JSON in valid UTF-8 whatever the input holds.
 */
#ifndef SHELF_JSON_H
#define SHELF_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Write s[0..len) as a quoted JSON string. */
void shelf_json_string(FILE *out, const char *s, size_t len);

#endif
