/*
 * api_common.c - what the API routes share: the request deadline, planning
 * a query with its errors, loading a document by ID, and /healthz.
 */
#include "api.h"

#include "doc_find.h"
#include "engine/backends.h"
#include "http_params.h"
#include "output.h"
#include "query/parse.h"
#include "serve_limits.h"
#include "util/deadline.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

void api_reply_timeout(const api_request *rq, reply *r)
{
    reply_error(r, 503, "the request took longer than %g s; try a narrower query",
                rq->limit_seconds);
}

bool api_past_deadline(const api_request *rq, reply *r)
{
    if (!shelf_deadline_passed(rq->deadline_ns))
        return false;
    api_reply_timeout(rq, r);
    return true;
}

shelf_plan *api_plan(api_request *rq, const char *query, bool all, char *notes, size_t notes_size,
                     reply *r)
{
    shelf_err err = {0};
    int column = 0;
    shelf_parse_opts popts = {.default_and = all};
    shelf_qnode *tree = shelf_query_parse(query, &popts, &err, &column);
    if (!tree) {
        reply_query_error(r, query, err.msg, column);
        return NULL;
    }
    shelf_plan *plan = shelf_plan_for_engine(rq->lease->engine, rq->lease->analyzer, tree, notes,
                                             notes_size, &err, &column);
    shelf_query_free(tree);
    if (!plan && err.code == SHELF_EINVAL)
        reply_query_error(r, query, err.msg, column);
    else if (!plan)
        reply_error(r, 500, "%s", err.msg[0] ? err.msg : "out of memory");
    return plan;
}

int api_optional_plan(api_request *rq, shelf_plan **plan, reply *r)
{
    const char *q;
    size_t n;
    *plan = NULL;
    int got = param_text(rq->conn, "q", SERVE_QUERY_MAX, &q, &n, r);
    if (got <= 0)
        return got;
    *plan = api_plan(rq, q, false, NULL, 0, r);
    return *plan ? 0 : -1;
}

static char *copy_text(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        if (n > 0)
            memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

/* Metadata first, copied: with Xapian its strings live only until the
 * next read of the same engine. */
static int load_meta(shelf_engine *e, api_doc_text *d, shelf_err *err)
{
    shelf_docview v;
    int rc = shelf_engine_doc(e, &d->hit, &v, err);
    if (rc != SHELF_OK)
        return rc;
    d->path = copy_text(v.path, v.path_len);
    d->title = copy_text(v.title, v.title_len);
    d->author = copy_text(v.author, v.author_len);
    d->date = copy_text(v.date, v.date_len);
    d->path_len = v.path_len;
    d->title_len = v.title_len;
    d->author_len = v.author_len;
    d->date_len = v.date_len;
    d->format = output_format_of(v.flags);
    if (!d->path || !d->title || !d->author || !d->date)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    return SHELF_OK;
}

/* The index parameter: which served index (DOC_FIND_ANY when absent). */
static int index_param(api_request *rq, size_t *part, reply *r)
{
    const char *name;
    size_t len;
    *part = DOC_FIND_ANY;
    int got = param_text(rq->conn, "index", SERVE_PARAM_MAX, &name, &len, r);
    if (got <= 0)
        return got;
    shelf_engine *e = rq->lease->engine;
    for (size_t i = 0; i < shelf_engine_part_count(e); i++)
        if (strlen(shelf_engine_part_dir(e, i)) == len &&
            memcmp(shelf_engine_part_dir(e, i), name, len) == 0) {
            *part = i;
            return 0;
        }
    reply_error(r, 404, "no index '%s' is served", name);
    return -1;
}

int api_find_doc(api_request *rq, shelf_hit *hit, reply *r)
{
    const char *id;
    size_t n, part;
    if (param_required(rq->conn, "doc", SERVE_PARAM_MAX, &id, &n, r) < 0 ||
        index_param(rq, &part, r) < 0)
        return -1;
    shelf_err err = {0};
    int rc = doc_find(rq->lease->engine, rq->lease->analyzer, id, n, part, hit, &err);
    if (rc == SHELF_ENOTFOUND)
        reply_error(r, 404, "no document with ID (path) '%s' in the index", id);
    else if (rc != SHELF_OK)
        reply_error(r, 500, "%s", err.msg);
    return rc == SHELF_OK ? 0 : -1;
}

int api_doc_load(api_request *rq, api_doc_text *d, reply *r)
{
    *d = (api_doc_text){.text = SHELF_BUF_INIT, .checkpoints = SHELF_BUF_INIT,
                        .layout = SHELF_LAYOUT_INIT};
    if (api_find_doc(rq, &d->hit, r) < 0)
        return -1;
    shelf_err err = {0};
    shelf_engine *e = rq->lease->engine;
    int rc = SHELF_OK;
    if (rc == SHELF_OK)
        rc = load_meta(e, d, &err);
    if (rc == SHELF_OK)
        rc = shelf_engine_stored(e, &d->hit, &d->text, &d->checkpoints, &d->layout, &err);
    if (rc != SHELF_OK) {
        reply_error(r, 500, "%s", err.msg);
        api_doc_unload(d);
        return -1;
    }
    return 0;
}

void api_doc_unload(api_doc_text *d)
{
    shelf_buf_free(&d->text);
    shelf_buf_free(&d->checkpoints);
    shelf_layout_free(&d->layout);
    free(d->path);
    free(d->title);
    free(d->author);
    free(d->date);
    d->path = d->title = d->author = d->date = NULL;
}

void api_health(api_request *rq, reply *r)
{
    jbody b;
    FILE *f = jbody_open(&b);
    if (f) {
        const snap_lease *l = rq->lease;
        fprintf(f, "{\"status\":\"ok\",\"backend\":\"%s\",\"generation\":%llu,\"snapshot\":%llu,"
                   "\"documents\":%llu}\n",
                shelf_backend_by_id(l->backend)->name,
                (unsigned long long)l->generation, (unsigned long long)l->serial,
                (unsigned long long)shelf_engine_doc_count(l->engine));
    }
    reply_json(r, 200, &b);
}
