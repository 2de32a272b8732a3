/*
 * http_params.h - reading a request's query-string parameters, checked:
 * values come percent-decoded from libmicrohttpd with their real length, so
 * a NUL byte (%00) is seen and refused (400) instead of silently cutting the
 * value; a value longer than its limit is refused with 413; numbers must be
 * whole, in range, with nothing else around them (400).  Each refusal fills
 * the reply with a JSON error naming the parameter.  Absent parameters take
 * their default.  Values stay valid until the request ends.
 */
#ifndef SHELF_HTTP_PARAMS_H
#define SHELF_HTTP_PARAMS_H

#include <stddef.h>

#include "http_reply.h"

struct MHD_Connection;

/* libmicrohttpd's unescape callback: decodes s in place as HTML forms
 * encode it ('+' is a space, %XX a byte, anything else itself) and returns
 * the decoded length (the value may then hold NUL bytes). */
size_t param_unescape(void *cls, struct MHD_Connection *c, char *s);

/* 1 and *value (NUL-terminated), *len when present; 0 when absent; -1
 * with r filled when refused. */
int param_text(struct MHD_Connection *c, const char *name, size_t max, const char **value,
               size_t *len, reply *r);
/* The same, but absence is refused too (400 "missing parameter"). */
int param_required(struct MHD_Connection *c, const char *name, size_t max, const char **value,
                   size_t *len, reply *r);
/* A whole number in [lo, hi] (def when absent): 0, or -1 with r filled. */
int param_count(struct MHD_Connection *c, const char *name, size_t lo, size_t hi, size_t def,
                size_t *out, reply *r);
/* One of choices (NULL-terminated; the first when absent): its index, or
 * -1 with r filled. */
int param_choice(struct MHD_Connection *c, const char *name, const char *const *choices, reply *r);

#endif
