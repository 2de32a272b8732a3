/*
 * http_reply.h - what the server answers, before it becomes an HTTP
 * response: a status, a content type and a body.  API answers are JSON
 * written into a memory stream (so the output forms of output.h can be
 * used unchanged); errors are {"error": message, "status": code}, with
 * "query" and "column" added for a malformed query, as --json does (both
 * written by the "json" form's error).
 *
 * A reply may instead stream an original file (GET /api/file): file holds
 * its open descriptor and the byte range sent, which libmicrohttpd reads as
 * it sends (sendfile), so no file is ever loaded into memory.
 *
 * Invariants: a reply always ends up with a body or a file (when building
 * one fails, it becomes the fixed 500 answer); body is malloc'd and owned
 * by the reply unless it points at an embedded asset (static_body); file,
 * its descriptor and its disposition are owned by the reply until the
 * response takes the descriptor (then fd is -1).  Making a JSON body or
 * error of a reply releases whatever it held before.
 */
#ifndef SHELF_HTTP_REPLY_H
#define SHELF_HTTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "original_type.h"

/* An original file's bytes [offset, offset + len), of size in all. */
typedef struct reply_file {
    int fd;
    uint64_t offset, len, size;
    bool partial;              /* 206 with Content-Range */
    bool sandbox;              /* Content-Security-Policy: sandbox ... */
    char type[ORIGINAL_TYPE_MAX];
    char *disposition;         /* owned */
} reply_file;

typedef struct reply {
    unsigned status;
    const char *type;   /* Content-Type */
    bool page;          /* the embedded page: its CSP, revalidated caching */
    char *body;         /* owned */
    size_t len;
    const unsigned char *static_body; /* an embedded asset (not owned) */
    const char *allow;  /* the Allow header of a 405 */
    reply_file *file;   /* owned; instead of a body */
    char content_range[64]; /* a 416's Content-Range (bytes, star, size), when set */
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
/* Release what r holds and zero it. */
void reply_free(reply *r);

#endif
