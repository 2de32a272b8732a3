/*
 * api.h - the JSON API of `searcher --serve`, one function per route.  Each
 * reads its parameters (http_params.h), works on the request's snapshot
 * lease only (snapshot.h) and fills the reply; none of them can take the
 * server down: every failure becomes a JSON error with its status.
 *
 *   GET /healthz                                    api_health
 *   GET /api/search?q=&n=&offset=&passages=&width=&all=&in_order=&sort=&collapse=
 *                                                   api_search
 *   GET /api/types                                  api_types
 *   GET /api/doc?doc=&line=&context=&page=&q=       api_doc
 *   GET /api/cite?doc=&start=&end=&q=&format=       api_cite
 *   GET /api/file?doc=                              api_file (the original file)
 *
 * Documents are named by their path as indexed (doc_find.h).
 */
#ifndef SHELF_API_H
#define SHELF_API_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "extract/layout.h"
#include "extract/formats.h"
#include "http_reply.h"
#include "query/plan.h"
#include "snapshot.h"
#include "util/buf.h"

struct MHD_Connection;

typedef struct api_request {
    struct MHD_Connection *conn;
    snap_lease *lease;
    struct timespec started; /* CLOCK_MONOTONIC */
    double limit_seconds;    /* the request's time limit (--request-timeout) */
    uint64_t deadline_ns;    /* started + limit_seconds, for the library (deadline.h) */
} api_request;

void api_health(api_request *rq, reply *r);
void api_search(api_request *rq, reply *r);
void api_types(api_request *rq, reply *r);
void api_doc(api_request *rq, reply *r);
void api_cite(api_request *rq, reply *r);
void api_file(api_request *rq, reply *r);

/* ---- shared by the routes (api_common.c) ---- */

/* Past the request's deadline: true with r filled (503). */
bool api_past_deadline(const api_request *rq, reply *r);
/* The 503 answer for a request out of time (also for SHELF_ETIMEOUT). */
void api_reply_timeout(const api_request *rq, reply *r);

/* Parse and plan query against the lease (default AND when all); NULL with
 * r filled (400 with the column for a malformed query).  notes may be NULL. */
shelf_plan *api_plan(api_request *rq, const char *query, bool all, char *notes, size_t notes_size,
                     reply *r);

/* The optional q parameter planned, or NULL: 0, or -1 with r filled. */
int api_optional_plan(api_request *rq, shelf_plan **plan, reply *r);

/* The document named by the doc parameter (its path) and, when several
 * indexes are served, the optional index parameter (the folder a hit's
 * "index" names; without it, the first index holding the path): 0 and
 * *hit, or -1 with r filled (400, 404 for an unknown path or index, 500). */
int api_find_doc(api_request *rq, shelf_hit *hit, reply *r);

/* A document named by the doc parameter, with its stored text. */
typedef struct api_doc_text {
    shelf_hit hit;
    shelf_buf text;          /* NUL appended, not counted */
    shelf_buf checkpoints;
    shelf_layout layout;
    char *path, *title;      /* copies */
    size_t path_len, title_len;
    char *author, *date;     /* copies; empty when unknown */
    size_t author_len, date_len;
    shelf_format format;
} api_doc_text;

/* 0, or -1 with r filled (400 missing or bad ID, 404 unknown, 500). */
int api_doc_load(api_request *rq, api_doc_text *d, reply *r);
void api_doc_unload(api_doc_text *d);

#endif
