/*
 * xapian_query.c - plan -> Xapian query; see xapian_query.h.
 *
 * Every builder returns a status and, on SHELF_OK, a query handle in *out
 * that the caller frees; on failure *out is NULL and nothing is left to free.
 * Subquery handles are collected in a query_list in plan order and freed
 * once combined (combining copies them).
 */
#include "backend/xapian/xapian_query.h"
#include "backend/xapian/xapian_terms.h"
#include "backend/xapian/filter_terms.h"
#include "query/filter.h"
#include "backend/filter_match.h"
#include "backend/xapian/record_value.h"
#include "backend/xapian/xapdoc.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct translation {
    shelf_xdb *db;
    shelf_err *err;
    bool walk_filters; /* no filter terms (layout 2): every FILTER walks */
} translation;

/* ---- errors ---- */

static int bad_plan(const translation *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad_plan(const translation *t, const char *fmt, ...)
{
    char what[SHELF_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return shelf_errf(t->err, SHELF_EINVAL, "%s: search: %s", shelf_xdb_path(t->db), what);
}

static int out_of_memory(const translation *t)
{
    return shelf_errf(t->err, SHELF_ENOMEM, "%s: search: out of memory", shelf_xdb_path(t->db));
}

/* ---- a growable list of query handles ---- */

typedef struct query_list {
    shelf_xq **items;
    size_t count, cap;
} query_list;

/* Appends q (taking it: freed here when the list cannot grow). */
static int list_push(const translation *t, query_list *l, shelf_xq *q)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        shelf_xq **items = realloc(l->items, cap * sizeof *items);
        if (!items) {
            shelf_xq_free(q);
            return out_of_memory(t);
        }
        l->items = items;
        l->cap = cap;
    }
    l->items[l->count++] = q;
    return SHELF_OK;
}

static void list_free(query_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        shelf_xq_free(l->items[i]);
    free(l->items);
    *l = (query_list){0};
}

/* ---- leaves ---- */

/* Replaces *q by a weightless copy (see the header on title terms). */
static int make_weightless(const translation *t, shelf_xq **q)
{
    shelf_xq *scaled;
    int rc = shelf_xq_scale(&scaled, *q, 0.0, t->err);
    shelf_xq_free(*q);
    *q = rc == SHELF_OK ? scaled : NULL;
    return rc;
}

/* The term query of plan key i in field. */
static int key_query(const translation *t, const shelf_plan *p, size_t i, uint8_t field,
                     shelf_xq **out)
{
    const shelf_pkey *k = &p->keys[i];
    *out = NULL;
    if (k->len < 2 || k->len > SHELF_MAX_KEY_BYTES)
        return bad_plan(t, "plan key of length %zu", k->len);
    char term[SHELF_MAX_KEY_BYTES];
    size_t len = shelf_xapian_field_term(field, k->key + 1, k->len - 1, term);
    return shelf_xq_term(out, term, len, t->err);
}

/* Whether the node searches the title alone (else the body, with titles). */
static int title_field(const translation *t, const shelf_plan *p, bool *title)
{
    if (p->field != SHELF_FIELD_TITLE_ID && p->field != SHELF_FIELD_BODY)
        return bad_plan(t, "plan node with unknown field %d", p->field);
    *title = p->field == SHELF_FIELD_TITLE_ID;
    return SHELF_OK;
}

static int term_query(const translation *t, const shelf_plan *p, shelf_xq **out)
{
    *out = NULL;
    if (p->nkeys != 1 || !p->keys)
        return bad_plan(t, "TERM plan node without exactly one key");
    shelf_xq *title_term = NULL, *body_term = NULL;
    bool title_only = false;
    int rc = key_query(t, p, 0, SHELF_FIELD_TITLE_ID, &title_term);
    if (rc == SHELF_OK)
        rc = make_weightless(t, &title_term);
    if (rc == SHELF_OK)
        rc = title_field(t, p, &title_only);
    if (rc == SHELF_OK && title_only) {
        *out = title_term;
        return SHELF_OK;
    }
    if (rc == SHELF_OK)
        rc = key_query(t, p, 0, SHELF_FIELD_BODY, &body_term);
    if (rc == SHELF_OK) {
        shelf_xq *both[] = {body_term, title_term};
        rc = shelf_xq_or(out, both, 2, t->err);
    }
    shelf_xq_free(body_term);
    shelf_xq_free(title_term);
    return rc;
}

/* OP_PHRASE (phrase) or OP_NEAR over the node's keys within window. */
static int positional_query(const translation *t, const shelf_plan *p, bool phrase, uint32_t window,
                            shelf_xq **out)
{
    *out = NULL;
    if (p->nkeys == 0 || !p->keys)
        return bad_plan(t, "PHRASE/NEAR plan node without keys");
    bool title = false;
    int rc = title_field(t, p, &title);
    query_list words = {0};
    for (size_t i = 0; rc == SHELF_OK && i < p->nkeys; i++) {
        shelf_xq *word;
        rc = key_query(t, p, i, p->field, &word);
        if (rc == SHELF_OK)
            rc = list_push(t, &words, word);
    }
    if (rc == SHELF_OK)
        rc = phrase ? shelf_xq_phrase(out, words.items, words.count, window, t->err)
                    : shelf_xq_near(out, words.items, words.count, window, t->err);
    list_free(&words);
    if (rc == SHELF_OK && title)
        rc = make_weightless(t, out);
    return rc;
}

static int near_query(const translation *t, const shelf_plan *p, shelf_xq **out)
{
    *out = NULL;
    if (p->distance < 0)
        return bad_plan(t, "NEAR plan node with negative distance");
    return positional_query(t, p, false, (uint32_t)p->distance + 1, out);
}

/* ---- PATH and FILTER (backend/filter_match.h) ---- */

typedef struct path_walk {
    const translation *t;
    const shelf_plan *filter; /* PATH or FILTER */
    shelf_buf data;           /* a document's data, when the filter needs it */
    query_list ids;
    int status;
} path_walk;

/* The filter needs more of a document than its path. */
static bool needs_data(const shelf_plan *f)
{
    return f->kind == SHELF_P_FILTER && f->filter.kind != SHELF_FILTER_IN;
}

/* The record of document docid (path) decoded into *meta: a record that is
 * missing or does not decode is a damaged one. */
static int read_meta(path_walk *w, uint32_t docid, const char *path, size_t path_len,
                     shelf_docview *meta)
{
    int rc = shelf_record_value_get(w->t->db, docid, &w->data, w->t->err);
    if (rc != SHELF_OK && rc != SHELF_ENOTFOUND && rc != SHELF_ECORRUPT)
        return rc;
    if (rc != SHELF_OK ||
        shelf_xapdoc_decode(w->data.data, w->data.len, meta, NULL, NULL, NULL) != SHELF_OK)
        return shelf_errf(w->t->err, SHELF_ECORRUPT, "%s: damaged document record of %.*s",
                          shelf_xdb_path(w->t->db), (int)path_len, path);
    return SHELF_OK;
}

/* Does the document of this id (path) pass the walk's filter? */
static int passes(path_walk *w, const char *path, size_t path_len, bool *pass)
{
    shelf_filter_doc doc = {0};
    doc.path = path;
    doc.path_len = path_len;
    doc.dir = path;
    doc.dir_len = shelf_path_dir_len(path, path_len);
    if (needs_data(w->filter)) {
        uint32_t docid;
        shelf_docview meta;
        int rc = shelf_xdb_find(w->t->db, path, path_len, &docid, w->t->err);
        if (rc == SHELF_OK)
            rc = read_meta(w, docid, path, path_len, &meta);
        if (rc != SHELF_OK)
            return rc;
        doc.format = shelf_doc_format(meta.flags);
        doc.day = shelf_doc_day(meta.date, meta.date_len, meta.mtime_ns);
        doc.author = meta.author;
        doc.author_len = meta.author_len;
    }
    *pass = shelf_filter_accepts(w->filter, &doc);
    return SHELF_OK;
}

static int visit_id_term(void *ctx, const char *term, size_t len, uint64_t df)
{
    (void)df;
    path_walk *w = ctx;
    size_t path_len;
    const char *path = shelf_xapian_id_path(term, len, &path_len);
    bool pass = false;
    if (!path)
        return 0;
    w->status = passes(w, path, path_len, &pass);
    if (w->status != SHELF_OK || !pass)
        return w->status != SHELF_OK;
    shelf_xq *id;
    w->status = shelf_xq_term(&id, term, len, w->t->err);
    if (w->status == SHELF_OK)
        w->status = list_push(w->t, &w->ids, id);
    return w->status != SHELF_OK;
}

/* The id terms of the documents that pass a filter (path: or one of
 * query/filter.h), as a weightless filter.  Every id is looked at, and
 * for type:, author:, after: and before: each document's data is read: a
 * pass over the whole database per filter (README, "Xapian backend"). */
static int path_query(const translation *t, const shelf_plan *p, shelf_xq **out)
{
    *out = NULL;
    path_walk w = {t, p, {0}, {0}, SHELF_OK};
    int rc = shelf_xdb_terms(t->db, SHELF_XAPIAN_ID_PREFIX, SHELF_XAPIAN_ID_PREFIX_LEN,
                             visit_id_term, &w, t->err);
    if (rc == SHELF_OK)
        rc = w.status;
    if (rc == SHELF_OK)
        rc = shelf_xq_or(out, w.ids.items, w.ids.count, t->err);
    list_free(&w.ids);
    shelf_buf_free(&w.data);
    if (rc == SHELF_OK)
        rc = make_weightless(t, out);
    return rc;
}

/* ---- FILTER from the filter terms and the day value (filter_terms.h) ---- */

/* A weightless query of one term. */
static int boolean_term(const translation *t, const char *term, size_t len, shelf_xq **out)
{
    int rc = shelf_xq_term(out, term, len, t->err);
    return rc == SHELF_OK ? make_weightless(t, out) : rc;
}

static int type_query(const translation *t, const shelf_plan *f, shelf_xq **out)
{
    char term[SHELF_XAPIAN_TERM_MAX + 1];
    size_t len;
    if (!shelf_xapian_type_term(f->filter.format, term, &len))
        return shelf_xq_nothing(out, t->err);
    return boolean_term(t, term, len, out);
}

/* Collects the folder terms that end with "/" + a relative folder (or are
 * it): the folders holding it at a component boundary. */
typedef struct relative_match {
    const translation *t;
    const char *folder;
    size_t n;
    query_list *terms;
    int status;
} relative_match;

static int visit_folder_term(void *ctx, const char *term, size_t len, uint64_t df)
{
    (void)df;
    relative_match *m = ctx;
    const char *folder = term + strlen(SHELF_XAPIAN_FOLDER_PREFIX);
    size_t n = len - strlen(SHELF_XAPIAN_FOLDER_PREFIX);
    bool whole = n == m->n && memcmp(folder, m->folder, n) == 0;
    bool tail = n > m->n && folder[n - m->n - 1] == '/' &&
                memcmp(folder + n - m->n, m->folder, m->n) == 0;
    if (!whole && !tail)
        return 0;
    shelf_xq *q;
    m->status = boolean_term(m->t, term, len, &q);
    if (m->status == SHELF_OK)
        m->status = list_push(m->t, m->terms, q);
    return m->status != SHELF_OK;
}

/* The terms of the folders in:folder stands for, into terms: one for an
 * absolute folder, those of every folder ending with it for a relative one
 * (no indexed roots to resolve it: filter_match.h). */
static int folder_terms(const translation *t, const char *folder, query_list *terms)
{
    char term[SHELF_XAPIAN_TERM_MAX + 1];
    size_t len, n = strlen(folder);
    if (n == 0) /* "in:./" with no roots: holds every (absolute) path */
        folder = "/", n = 1;
    if (folder[0] != '/') {
        relative_match m = {t, folder, n, terms, SHELF_OK};
        int rc = shelf_xdb_terms(t->db, SHELF_XAPIAN_FOLDER_PREFIX, strlen(SHELF_XAPIAN_FOLDER_PREFIX),
                                 visit_folder_term, &m, t->err);
        return rc == SHELF_OK ? m.status : rc;
    }
    if (!shelf_xapian_folder_term(folder, n, term, &len))
        return SHELF_OK; /* longer than any document's folder */
    shelf_xq *q;
    int rc = boolean_term(t, term, len, &q);
    return rc == SHELF_OK ? list_push(t, terms, q) : rc;
}

static int in_query(const translation *t, const shelf_plan *f, shelf_xq **out)
{
    query_list terms = {0};
    int rc = SHELF_OK;
    if (f->nfolders == 0)
        rc = folder_terms(t, f->text, &terms);
    for (size_t i = 0; rc == SHELF_OK && i < f->nfolders; i++)
        rc = folder_terms(t, f->folders[i], &terms);
    if (rc == SHELF_OK)
        rc = shelf_xq_or(out, terms.items, terms.count, t->err);
    list_free(&terms);
    return rc;
}

/* Every word of the value as an author term; *too_long when a word cannot
 * be a term (the caller then walks). */
static int author_query(const translation *t, const shelf_plan *f, shelf_xq **out, bool *too_long)
{
    char term[SHELF_XAPIAN_TERM_MAX + 1];
    size_t pos = 0, start, n, len, value_len = strlen(f->text);
    query_list words = {0};
    int rc = SHELF_OK;
    *too_long = false;
    while (rc == SHELF_OK && !*too_long && shelf_next_word(f->text, value_len, &pos, &start, &n)) {
        shelf_xq *q;
        *too_long = !shelf_xapian_author_term(f->text + start, n, term, &len);
        if (!*too_long && (rc = boolean_term(t, term, len, &q)) == SHELF_OK)
            rc = list_push(t, &words, q);
    }
    if (rc == SHELF_OK && !*too_long)
        rc = words.count ? shelf_xq_and(out, words.items, words.count, t->err)
                         : shelf_xq_nothing(out, t->err);
    list_free(&words);
    return rc;
}

/* after: day >= the value's day; before: day <= the day before it. */
static int day_query(const translation *t, const shelf_plan *f, shelf_xq **out)
{
    char day[SHELF_XAPIAN_DAY_BYTES + 1];
    if (f->filter.kind == SHELF_FILTER_AFTER) {
        shelf_xapian_day_value(f->filter.day, day);
        return shelf_xq_value_ge(out, SHELF_XAPIAN_DAY_SLOT, day, SHELF_XAPIAN_DAY_BYTES, t->err);
    }
    if (f->filter.day <= shelf_days_from_civil(0, 1, 1))
        return shelf_xq_nothing(out, t->err); /* no day value is earlier */
    shelf_xapian_day_value(f->filter.day - 1, day);
    return shelf_xq_value_le(out, SHELF_XAPIAN_DAY_SLOT, day, SHELF_XAPIAN_DAY_BYTES, t->err);
}

/* A FILTER node as a weightless query over the filter terms, or the walk
 * when the database has none or the value cannot be a term. */
static int filter_query(const translation *t, const shelf_plan *f, shelf_xq **out)
{
    *out = NULL;
    bool walk = t->walk_filters;
    int rc = SHELF_OK;
    if (!walk) {
        switch (f->filter.kind) {
        case SHELF_FILTER_TYPE:
            rc = type_query(t, f, out);
            break;
        case SHELF_FILTER_IN:
            rc = in_query(t, f, out);
            break;
        case SHELF_FILTER_AUTHOR:
            rc = author_query(t, f, out, &walk);
            break;
        case SHELF_FILTER_AFTER:
        case SHELF_FILTER_BEFORE:
            rc = day_query(t, f, out);
            break;
        default:
            return bad_plan(t, "filter of unknown kind %d", (int)f->filter.kind);
        }
    }
    if (walk)
        return path_query(t, f, out);
    return rc == SHELF_OK ? make_weightless(t, out) : rc;
}

/* ---- BOOL ---- */

static int plan_query(const translation *t, const shelf_plan *p, shelf_xq **out);

/* The children's queries sorted by role, each in plan order. */
typedef struct roles {
    query_list musts, shoulds, nots;
} roles;

static void roles_free(roles *r)
{
    list_free(&r->musts);
    list_free(&r->shoulds);
    list_free(&r->nots);
}

static int collect_roles(const translation *t, const shelf_plan *p, roles *r)
{
    if (p->nchildren && !p->children)
        return bad_plan(t, "BOOL plan node without children");
    for (size_t i = 0; i < p->nchildren; i++) {
        const shelf_plan *c = p->children[i];
        if (!c)
            return bad_plan(t, "NULL plan child");
        query_list *role = c->occur == SHELF_OCCUR_MUST       ? &r->musts
                           : c->occur == SHELF_OCCUR_MUST_NOT ? &r->nots
                                                              : &r->shoulds;
        shelf_xq *q;
        int rc = plan_query(t, c, &q);
        if (rc == SHELF_OK)
            rc = list_push(t, role, q);
        if (rc != SHELF_OK)
            return rc;
    }
    return SHELF_OK;
}

/* MUST alone, SHOULD alone, or MUST AND_MAYBE SHOULD (r has either). */
static int positive_query(const translation *t, roles *r, shelf_xq **out)
{
    if (r->musts.count == 0)
        return shelf_xq_or(out, r->shoulds.items, r->shoulds.count, t->err);
    if (r->shoulds.count == 0)
        return shelf_xq_and(out, r->musts.items, r->musts.count, t->err);
    shelf_xq *must, *should = NULL;
    int rc = shelf_xq_and(&must, r->musts.items, r->musts.count, t->err);
    if (rc == SHELF_OK)
        rc = shelf_xq_or(&should, r->shoulds.items, r->shoulds.count, t->err);
    if (rc == SHELF_OK)
        rc = shelf_xq_and_maybe(out, must, should, t->err);
    shelf_xq_free(must);
    shelf_xq_free(should);
    return rc;
}

/* The positive query AND_NOT the OR of the MUST_NOT children. */
static int exclude(const translation *t, roles *r, shelf_xq **q)
{
    shelf_xq *excluded, *kept = *q;
    *q = NULL;
    int rc = shelf_xq_or(&excluded, r->nots.items, r->nots.count, t->err);
    if (rc == SHELF_OK) {
        rc = shelf_xq_and_not(q, kept, excluded, t->err);
        shelf_xq_free(excluded);
    }
    shelf_xq_free(kept);
    return rc;
}

static int bool_query(const translation *t, const shelf_plan *p, shelf_xq **out)
{
    *out = NULL;
    roles r = {{0}, {0}, {0}};
    int rc = collect_roles(t, p, &r);
    if (rc == SHELF_OK && r.musts.count == 0 && r.shoulds.count == 0)
        rc = shelf_xq_nothing(out, t->err);
    else if (rc == SHELF_OK)
        rc = positive_query(t, &r, out);
    if (rc == SHELF_OK && r.nots.count && (r.musts.count || r.shoulds.count))
        rc = exclude(t, &r, out);
    roles_free(&r);
    return rc;
}

/* ---- the tree ---- */

static int plan_query(const translation *t, const shelf_plan *p, shelf_xq **out)
{
    *out = NULL;
    switch (p->kind) {
    case SHELF_P_TERM:
        return term_query(t, p, out);
    case SHELF_P_PHRASE:
        return positional_query(t, p, true, (uint32_t)p->nkeys, out);
    case SHELF_P_NEAR:
        return near_query(t, p, out);
    case SHELF_P_BOOL:
        return bool_query(t, p, out);
    case SHELF_P_PATH:
        return path_query(t, p, out);
    case SHELF_P_FILTER:
        return filter_query(t, p, out);
    case SHELF_P_NONE:
        return shelf_xq_nothing(out, t->err);
    }
    return bad_plan(t, "plan node of unknown kind %d", (int)p->kind);
}

int shelf_xapian_search_plan(shelf_xdb *db, const shelf_plan *plan, const shelf_xsearch *params,
                             shelf_xhit *hits, size_t *count, uint64_t *total, shelf_err *err)
{
    translation t = {db, err, params && params->walk_filters};
    if (!db || !plan)
        return bad_plan(&t, "missing database or plan");
    shelf_xq *query;
    int rc = plan_query(&t, plan, &query);
    if (rc != SHELF_OK)
        return rc;
    rc = shelf_xdb_run(db, query, params, hits, count, total, err);
    shelf_xq_free(query);
    return rc;
}
