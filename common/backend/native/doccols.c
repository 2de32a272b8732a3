/* doccols.c - the filters' per-document columns and their compiled form; see doccols.h. */
#include "backend/native/doccols.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "backend/filter_match.h"
#include "backend/native/segment_impl.h"

/* ---- interning the distinct folders and authors ---- */

/* Open addressing: slot holds id + 1 (0: empty); at most half full. */
typedef struct intern_table {
    uint32_t *slots;
    size_t cap;
    size_t used;
} intern_table;

typedef struct string_list {
    uint32_t **at; /* &cols->dir_at or &cols->author_at */
    uint32_t *count, *cap;
} string_list;

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static const char *string_at(const shelf_doccols *c, uint32_t offset)
{
    return c->strings + offset;
}

static int push_string(shelf_doccols *c, string_list *list, const char *s, size_t n, uint32_t *id)
{
    if (c->strings_len + n + 1 > c->strings_cap) {
        size_t cap = c->strings_cap ? c->strings_cap : 4096;
        while (c->strings_len + n + 1 > cap)
            cap *= 2;
        if (cap > UINT32_MAX)
            return SHELF_ENOMEM;
        char *grown = realloc(c->strings, cap);
        if (!grown)
            return SHELF_ENOMEM;
        c->strings = grown;
        c->strings_cap = cap;
    }
    if (*list->count == *list->cap) {
        uint32_t cap = *list->cap ? *list->cap * 2 : 64;
        uint32_t *grown = realloc(*list->at, cap * sizeof *grown);
        if (!grown)
            return SHELF_ENOMEM;
        *list->at = grown;
        *list->cap = cap;
    }
    (*list->at)[*list->count] = (uint32_t)c->strings_len;
    memcpy(c->strings + c->strings_len, s, n);
    c->strings[c->strings_len + n] = '\0';
    c->strings_len += n + 1;
    *id = (*list->count)++;
    return SHELF_OK;
}

static int grow_table(intern_table *t, const shelf_doccols *c, const uint32_t *at)
{
    size_t cap = t->cap ? t->cap * 2 : 256;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return SHELF_ENOMEM;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i])
            continue;
        const char *s = string_at(c, at[t->slots[i] - 1]);
        size_t j = hash_bytes(s, strlen(s)) & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return SHELF_OK;
}

/* The id of s[0..n) in list, added when new.  s holds no NUL (a path or an
 * author never does; one that did would be cut there). */
static int intern(shelf_doccols *c, intern_table *t, string_list *list, const char *s, size_t n,
                  uint32_t *id)
{
    if ((t->used + 1) * 2 > t->cap && grow_table(t, c, *list->at) != SHELF_OK)
        return SHELF_ENOMEM;
    size_t j = hash_bytes(s, n) & (t->cap - 1);
    for (; t->slots[j]; j = (j + 1) & (t->cap - 1)) {
        const char *have = string_at(c, (*list->at)[t->slots[j] - 1]);
        if (strncmp(have, s, n) == 0 && have[n] == '\0') {
            *id = t->slots[j] - 1;
            return SHELF_OK;
        }
    }
    if (push_string(c, list, s, n, id) != SHELF_OK)
        return SHELF_ENOMEM;
    t->slots[j] = *id + 1;
    t->used++;
    return SHELF_OK;
}

/* ---- building ---- */

void shelf_doccols_free(shelf_doccols *c)
{
    if (!c)
        return;
    free(c->format);
    free(c->day);
    free(c->hash);
    free(c->dir);
    free(c->author);
    free(c->strings);
    free(c->dir_at);
    free(c->author_at);
    free(c);
}

typedef struct builder {
    shelf_doccols *c;
    intern_table dirs, authors;
    string_list dir_list, author_list;
} builder;

static int add_doc(builder *b, uint32_t d, const shelf_docmeta *m)
{
    shelf_doccols *c = b->c;
    c->format[d] = (uint8_t)shelf_doc_format(m->flags);
    c->day[d] = shelf_doc_day(m->date, m->date_len, m->mtime_ns);
    c->hash[d] = m->hash;
    size_t dir_len = shelf_path_dir_len(m->path, m->path_len);
    int rc = intern(c, &b->dirs, &b->dir_list, m->path, dir_len, &c->dir[d]);
    if (rc == SHELF_OK)
        rc = intern(c, &b->authors, &b->author_list, m->author, m->author_len, &c->author[d]);
    return rc;
}

static shelf_doccols *build(const shelf_segment *s, shelf_err *err)
{
    uint32_t n = shelf_segment_doc_count(s);
    size_t each = n ? n : 1;
    builder b = {0};
    shelf_doccols *c = b.c = calloc(1, sizeof *c);
    int rc = c ? SHELF_OK : SHELF_ENOMEM;
    if (rc == SHELF_OK) {
        c->count = n;
        c->format = malloc(each);
        c->day = malloc(each * sizeof *c->day);
        c->hash = malloc(each * sizeof *c->hash);
        c->dir = malloc(each * sizeof *c->dir);
        c->author = malloc(each * sizeof *c->author);
        b.dir_list = (string_list){&c->dir_at, &c->ndirs, &c->dirs_cap};
        b.author_list = (string_list){&c->author_at, &c->nauthors, &c->authors_cap};
        uint32_t unknown;
        if (!c->format || !c->day || !c->hash || !c->dir || !c->author ||
            intern(c, &b.authors, &b.author_list, "", 0, &unknown) != SHELF_OK)
            rc = SHELF_ENOMEM;
    }
    if (rc == SHELF_ENOMEM)
        shelf_errf(err, SHELF_ENOMEM, "out of memory for the filters of %s",
                   shelf_segment_file(s, "docs"));
    for (uint32_t d = 0; rc == SHELF_OK && d < n; d++) {
        shelf_docmeta m;
        rc = shelf_segment_doc(s, d, &m, err);
        if (rc == SHELF_OK && add_doc(&b, d, &m) != SHELF_OK)
            rc = shelf_errf(err, SHELF_ENOMEM, "out of memory for the filters of %s",
                            shelf_segment_file(s, "docs"));
    }
    free(b.dirs.slots);
    free(b.authors.slots);
    if (rc != SHELF_OK) {
        shelf_doccols_free(c);
        return NULL;
    }
    return c;
}

const shelf_doccols *shelf_segment_doccols(const shelf_segment *s, shelf_err *err)
{
    shelf_segment *seg = (shelf_segment *)s; /* the cache is not the segment's data */
    shelf_doccols *have = atomic_load(&seg->doccols);
    if (have)
        return have;
    shelf_doccols *made = build(s, err);
    if (!made)
        return NULL;
    shelf_doccols *expected = NULL;
    if (atomic_compare_exchange_strong(&seg->doccols, &expected, made))
        return made;
    shelf_doccols_free(made); /* another thread built them first */
    return expected;
}

const shelf_doccols *shelf_segment_doccols_built(const shelf_segment *s)
{
    return atomic_load(&((shelf_segment *)s)->doccols);
}

/* ---- a query's filters against one segment ---- */

typedef struct compiled {
    const shelf_plan *f;
    uint8_t *pass; /* in:, author:: per folder or author id */
} compiled;

struct shelf_segfilter {
    const shelf_segment *seg;
    const shelf_doccols *cols;
    size_t n;
    int status;
    shelf_err err;
    compiled items[];
};

void shelf_segfilter_free(shelf_segfilter *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        free(f->items[i].pass);
    free(f);
}

/* Work an in: or author: filter out for every distinct folder or author. */
static int compile_item(const shelf_doccols *c, compiled *item)
{
    const shelf_plan *f = item->f;
    if (f->kind != SHELF_P_FILTER ||
        (f->filter.kind != SHELF_FILTER_IN && f->filter.kind != SHELF_FILTER_AUTHOR))
        return SHELF_OK;
    bool in = f->filter.kind == SHELF_FILTER_IN;
    uint32_t count = in ? c->ndirs : c->nauthors;
    const uint32_t *at = in ? c->dir_at : c->author_at;
    item->pass = malloc(count ? count : 1);
    if (!item->pass)
        return SHELF_ENOMEM;
    for (uint32_t i = 0; i < count; i++) {
        const char *s = string_at(c, at[i]);
        shelf_filter_doc doc = {0};
        doc.dir = doc.author = s;
        doc.dir_len = doc.author_len = strlen(s);
        item->pass[i] = shelf_filter_accepts(f, &doc);
    }
    return SHELF_OK;
}

shelf_segfilter *shelf_segfilter_new(const shelf_segment *s, const shelf_plan *const *filters,
                                     size_t n, shelf_err *err)
{
    const shelf_doccols *cols = shelf_segment_doccols(s, err);
    if (!cols)
        return NULL;
    shelf_segfilter *f = calloc(1, sizeof *f + n * sizeof f->items[0]);
    if (!f) {
        shelf_errf(err, SHELF_ENOMEM, "out of memory for a query's filters");
        return NULL;
    }
    f->seg = s;
    f->cols = cols;
    for (size_t i = 0; i < n; i++) {
        f->items[i].f = filters[i];
        f->n = i + 1;
        if (compile_item(cols, &f->items[i]) != SHELF_OK) {
            shelf_segfilter_free(f);
            shelf_errf(err, SHELF_ENOMEM, "out of memory for a query's filters");
            return NULL;
        }
    }
    return f;
}

static bool path_passes(shelf_segfilter *f, const shelf_plan *p, uint32_t d)
{
    shelf_docmeta m;
    shelf_err err = {0};
    if (shelf_segment_doc(f->seg, d, &m, &err) != SHELF_OK) {
        if (f->status == SHELF_OK) {
            f->status = err.code ? err.code : SHELF_ECORRUPT;
            f->err = err;
        }
        return false;
    }
    return shelf_path_contains(m.path, m.path_len, p->text);
}

static bool item_passes(shelf_segfilter *f, const compiled *item, uint32_t d)
{
    const shelf_doccols *c = f->cols;
    const shelf_plan *p = item->f;
    if (p->kind == SHELF_P_PATH)
        return path_passes(f, p, d);
    switch (p->filter.kind) {
    case SHELF_FILTER_TYPE:
        return c->format[d] == p->filter.format;
    case SHELF_FILTER_IN:
        return item->pass[c->dir[d]];
    case SHELF_FILTER_AUTHOR:
        return item->pass[c->author[d]];
    case SHELF_FILTER_AFTER:
        return c->day[d] >= p->filter.day;
    case SHELF_FILTER_BEFORE:
        return c->day[d] < p->filter.day;
    }
    return false;
}

bool shelf_segfilter_accepts(shelf_segfilter *f, uint32_t d)
{
    if (d >= f->cols->count)
        return false;
    for (size_t i = 0; i < f->n; i++)
        if (!item_passes(f, &f->items[i], d))
            return false;
    return true;
}

int shelf_segfilter_status(const shelf_segfilter *f, shelf_err *err)
{
    if (f->status != SHELF_OK && err)
        *err = f->err;
    return f->status;
}
