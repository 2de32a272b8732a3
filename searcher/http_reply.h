/*
 * http_reply.h - what the server answers, before it becomes an HTTP
 * response: a status, a content type and a body.  API answers are JSON
 * written into a memory stream (so the output forms of output.h can be
 * used unchanged); errors are {"error": message, "status": code}, with
 * "query" and "column" added for a malformed query, as --json does (both
 * written by the "json" form's error).
 *
 * Invariants: a reply always ends up with a body (when building one fails,
 * it becomes the fixed 500 answer); body is malloc'd and owned by the reply
 * unless it points at an embedded asset (static_body).
 */
#ifndef SHELF_HTTP_REPLY_H
#define SHELF_HTTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct reply {
    unsigned status;
    const char *type;   /* Content-Type */
    bool page;          /* the embedded page: its CSP, revalidated caching */
    char *body;         /* owned */
    size_t len;
    const unsigned char *static_body; /* an embedded asset (not owned) */
    const char *allow;  /* the Allow header of a 405 */
} reply;

#define JSON_TYPE "application/json; charset=utf-8"

/* A JSON body being written. */
typedef struct jbody {
    FILE *f;
    char *data;
    size_t len;
} jbody;

/* Start a body; NULL when memory ran out. */
FILE *jbody_open(jbody *b);
/* Finish b and make it r's body with this status. */
void reply_json(reply *r, unsigned status, jbody *b);
/* {"error": message, "status": status} */
void reply_error(reply *r, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* {"query": ..., "error": ..., "column": N, "status": 400} */
void reply_query_error(reply *r, const char *query, const char *message, int column);
void reply_free(reply *r);

#endif
