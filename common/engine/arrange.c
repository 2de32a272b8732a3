/* arrange.c - sorting hits and collapsing duplicates; see arrange.h. */
#include "engine/arrange.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/filter_match.h"
#include "backend/native/doccols.h"
#include "backend/native/index.h"
#include "query/topk.h"

static const char *const sort_names[] = {"relevance", "date", "-date", "path"};

bool shelf_sort_named(const char *name, shelf_sort *out)
{
    for (size_t i = 0; i < sizeof sort_names / sizeof *sort_names; i++)
        if (strcmp(name, sort_names[i]) == 0) {
            *out = (shelf_sort)i;
            return true;
        }
    return false;
}

const char *shelf_sort_name(shelf_sort sort)
{
    return (size_t)sort < sizeof sort_names / sizeof *sort_names ? sort_names[sort] : "?";
}

/* ---- what a hit is sorted and collapsed by ---- */

typedef struct keyed {
    shelf_hit hit;
    int32_t day;
    uint64_t hash;
    char *path; /* path order only (owned) */
} keyed;

static int keys_from_view(shelf_engine *e, keyed *k, bool want_path, shelf_err *err)
{
    shelf_docview v;
    int rc = shelf_engine_doc(e, &k->hit, &v, err);
    if (rc != SHELF_OK)
        return rc;
    k->day = shelf_doc_day(v.date, v.date_len, v.mtime_ns);
    k->hash = v.hash;
    if (want_path) {
        k->path = malloc(v.path_len + 1);
        if (!k->path)
            return shelf_errf(err, SHELF_ENOMEM, "out of memory sorting hits");
        memcpy(k->path, v.path, v.path_len);
        k->path[v.path_len] = '\0';
    }
    return SHELF_OK;
}

/* every_match: the keys of all matches are wanted, worth building the
 * native columns for; else (a few hits) they are used only when a query
 * built them already. */
static int hit_keys(shelf_engine *e, keyed *k, bool want_path, bool every_match, shelf_err *err)
{
    const shelf_index *idx = shelf_engine_native(e);
    if (!idx || want_path)
        return keys_from_view(e, k, want_path, err);
    const shelf_segment *seg = shelf_index_segment(idx, k->hit.segment);
    const shelf_doccols *cols =
        every_match ? shelf_segment_doccols(seg, err) : shelf_segment_doccols_built(seg);
    if (!cols && !every_match)
        return keys_from_view(e, k, false, err);
    if (!cols)
        return err && err->code ? err->code : SHELF_ENOMEM;
    if (k->hit.local >= cols->count)
        return keys_from_view(e, k, false, err);
    k->day = shelf_doccols_day(cols, k->hit.local);
    k->hash = shelf_doccols_hash(cols, k->hit.local);
    return SHELF_OK;
}

/* ---- orders ---- */

static int by_score(const keyed *a, const keyed *b)
{
    return shelf_hit_better(&a->hit, &b->hit) ? -1 : shelf_hit_better(&b->hit, &a->hit) ? 1 : 0;
}

static int by_date(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    return a->day != b->day ? (a->day < b->day ? -1 : 1) : by_score(a, b);
}

static int by_date_desc(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    return a->day != b->day ? (a->day > b->day ? -1 : 1) : by_score(a, b);
}

static int by_path(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    int c = strcmp(a->path, b->path);
    return c ? c : by_score(a, b);
}

/* ---- collapsing ---- */

/* Open addressing over the hashes of the contents kept (index + 1). */
typedef struct seen_set {
    size_t *slots;
    size_t cap;
} seen_set;

/* The kept hit with this hash, or (size_t)-1 after adding kept_index. */
static size_t seen_or_add(seen_set *s, const keyed *list, uint64_t hash, size_t kept_index)
{
    size_t j = (size_t)(hash * 0x9E3779B97F4A7C15ull) & (s->cap - 1);
    for (; s->slots[j]; j = (j + 1) & (s->cap - 1))
        if (list[s->slots[j] - 1].hash == hash)
            return s->slots[j] - 1;
    s->slots[j] = kept_index + 1;
    return (size_t)-1;
}

/* Moves the first occurrence of each content to the front of list
 * (order kept), the others into out->dups against their hit's position;
 * returns the number of contents. */
static int collapse(keyed *list, size_t n, shelf_results *out, size_t *contents, shelf_err *err)
{
    seen_set s = {NULL, 16};
    while (s.cap < 2 * n)
        s.cap *= 2;
    s.slots = calloc(s.cap, sizeof *s.slots);
    out->dups = malloc((n ? n : 1) * sizeof *out->dups);
    if (!s.slots || !out->dups) {
        free(s.slots);
        return shelf_errf(err, SHELF_ENOMEM, "out of memory collapsing duplicates");
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        size_t first = seen_or_add(&s, list, list[i].hash, kept);
        if (first == (size_t)-1) {
            keyed moved = list[i];
            list[i] = list[kept];
            list[kept++] = moved;
        } else {
            out->dups[out->ndups++] = (shelf_dup){first, list[i].hit};
        }
    }
    free(s.slots);
    *contents = kept;
    return SHELF_OK;
}

/* Hits [0, n) of res, keyed; NULL with err set. */
static keyed *key_hits(shelf_engine *e, const shelf_results *res, bool want_path, bool every_match,
                       shelf_err *err)
{
    keyed *list = calloc(res->count ? res->count : 1, sizeof *list);
    if (!list) {
        shelf_errf(err, SHELF_ENOMEM, "out of memory arranging %zu hits", res->count);
        return NULL;
    }
    for (size_t i = 0; i < res->count; i++) {
        list[i].hit = res->hits[i];
        if (hit_keys(e, &list[i], want_path, every_match, err) != SHELF_OK) {
            for (size_t j = 0; j <= i; j++)
                free(list[j].path);
            free(list);
            return NULL;
        }
    }
    return list;
}

/* res's hits become list[0, keep), the rest dropped; list is freed. */
static void take_hits(shelf_results *res, keyed *list, size_t n, size_t keep)
{
    for (size_t i = 0; i < n; i++) {
        if (i < keep)
            res->hits[i] = list[i].hit;
        free(list[i].path);
    }
    free(list);
    res->count = keep < n ? keep : n;
}

/* Keep only the duplicates of the first `hits` hits. */
static void trim_dups(shelf_results *res, size_t hits)
{
    size_t kept = 0;
    for (size_t i = 0; i < res->ndups; i++)
        if (res->dups[i].hit < hits)
            res->dups[kept++] = res->dups[i];
    res->ndups = kept;
}

/* Every match, sorted by how->sort, collapsed when asked. */
static int search_sorted(shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                         const shelf_arrange *how, shelf_results *out, shelf_err *err)
{
    shelf_search_opts all = *o;
    all.exact_total = true;
    all.proximity_weight = 0;
    all.heading_weight = 0;
    all.k = 0;
    shelf_results counted;
    int rc = shelf_engine_search(e, plan, &all, &counted, err);
    if (rc != SHELF_OK)
        return rc;
    all.k = o->k == 0 ? 0 : (size_t)counted.total;
    shelf_results_free(&counted);
    rc = shelf_engine_search(e, plan, &all, out, err);
    if (rc != SHELF_OK || out->count == 0)
        return rc;
    bool want_path = how->sort == SHELF_SORT_PATH;
    keyed *list = key_hits(e, out, want_path, true, err);
    if (!list) {
        shelf_results_free(out);
        return err && err->code ? err->code : SHELF_ENOMEM;
    }
    qsort(list, out->count, sizeof *list,
          how->sort == SHELF_SORT_DATE ? by_date : how->sort == SHELF_SORT_DATE_DESC ? by_date_desc : by_path);
    size_t n = out->count, contents = n;
    if (how->collapse && (rc = collapse(list, n, out, &contents, err)) != SHELF_OK) {
        take_hits(out, list, n, 0);
        shelf_results_free(out);
        return rc;
    }
    take_hits(out, list, n, contents < o->k ? contents : o->k);
    trim_dups(out, out->count);
    return SHELF_OK;
}

/* By relevance, collapsed: the search as asked (so the ranking is the
 * uncollapsed one's), then more hits only while duplicates leave fewer than
 * k contents. */
static int search_collapsed(shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                            shelf_results *out, shelf_err *err)
{
    shelf_search_opts more = *o;
    for (;;) {
        int rc = shelf_engine_search(e, plan, &more, out, err);
        if (rc != SHELF_OK)
            return rc;
        keyed *list = key_hits(e, out, false, false, err);
        if (!list) {
            shelf_results_free(out);
            return err && err->code ? err->code : SHELF_ENOMEM;
        }
        size_t n = out->count, contents = n;
        rc = collapse(list, n, out, &contents, err);
        bool short_of_k = contents < o->k && n == more.k && n < out->total;
        take_hits(out, list, n, rc == SHELF_OK && !short_of_k ? (contents < o->k ? contents : o->k) : 0);
        if (rc != SHELF_OK || !short_of_k) {
            if (rc != SHELF_OK)
                shelf_results_free(out);
            else
                trim_dups(out, out->count);
            return rc;
        }
        shelf_results_free(out);
        more.k = more.k * 2 + 16;
    }
}

int shelf_engine_search_arranged(shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                                 const shelf_arrange *how, shelf_results *out, shelf_err *err)
{
    if (how->sort != SHELF_SORT_RELEVANCE)
        return search_sorted(e, plan, o, how, out, err);
    if (how->collapse && o->k > 0)
        return search_collapsed(e, plan, o, out, err);
    return shelf_engine_search(e, plan, o, out, err);
}
