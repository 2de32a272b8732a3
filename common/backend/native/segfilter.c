/* segfilter.c - a query's filters against one segment's columns; see segfilter.h. */
#include "backend/native/segfilter.h"

#include <stdlib.h>
#include <string.h>

#include "backend/filter_match.h"
#include "backend/native/doccols.h"

typedef struct compiled {
    const shelf_plan *f;
    uint8_t *pass;  /* in:, author:: per folder or author id */
    uint32_t count; /* entries of pass */
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
    item->count = in ? c->ndirs : c->nauthors;
    item->pass = malloc(item->count ? item->count : 1);
    if (!item->pass)
        return SHELF_ENOMEM;
    for (uint32_t i = 0; i < item->count; i++) {
        const char *s = in ? shelf_doccols_dir_name(c, i) : shelf_doccols_author_name(c, i);
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

/* The first damage met is kept; the document fails. */
static bool damaged(shelf_segfilter *f, const shelf_err *err)
{
    if (f->status == SHELF_OK) {
        f->status = err->code ? err->code : SHELF_ECORRUPT;
        f->err = *err;
    }
    return false;
}

static bool path_passes(shelf_segfilter *f, const shelf_plan *p, uint32_t d)
{
    shelf_docmeta m;
    shelf_err err = {0};
    if (shelf_segment_doc(f->seg, d, &m, &err) != SHELF_OK)
        return damaged(f, &err);
    return shelf_path_contains(m.path, m.path_len, p->text);
}

static bool id_passes(shelf_segfilter *f, const compiled *item, uint32_t id, uint32_t d)
{
    if (id < item->count)
        return item->pass[id];
    shelf_err err = {0};
    const char *file = f->cols->stored ? f->cols->file.path : shelf_segment_file(f->seg, "docs");
    shelf_errf(&err, SHELF_ECORRUPT, "%s: damaged (document %u names %s %u of %u)", file, d,
               item->f->filter.kind == SHELF_FILTER_IN ? "folder" : "author", id, item->count);
    return damaged(f, &err);
}

static bool item_passes(shelf_segfilter *f, const compiled *item, uint32_t d)
{
    const shelf_doccols *c = f->cols;
    const shelf_plan *p = item->f;
    if (p->kind == SHELF_P_PATH)
        return path_passes(f, p, d);
    switch (p->filter.kind) {
    case SHELF_FILTER_TYPE:
        return shelf_doccols_format(c, d) == p->filter.format;
    case SHELF_FILTER_IN:
        return id_passes(f, item, shelf_doccols_dir(c, d), d);
    case SHELF_FILTER_AUTHOR:
        return id_passes(f, item, shelf_doccols_author(c, d), d);
    case SHELF_FILTER_AFTER:
        return shelf_doccols_day(c, d) >= p->filter.day;
    case SHELF_FILTER_BEFORE:
        return shelf_doccols_day(c, d) < p->filter.day;
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

uint32_t shelf_segfilter_next(shelf_segfilter *f, uint32_t d)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->items[i].f->kind == SHELF_P_PATH)
            return d; /* each look reads a record: no scan ahead */
    while (d < f->cols->count && !shelf_segfilter_accepts(f, d))
        d++;
    return d < f->cols->count ? d : SHELF_DOC_END;
}

int shelf_segfilter_status(const shelf_segfilter *f, shelf_err *err)
{
    if (f->status != SHELF_OK && err)
        *err = f->err;
    return f->status;
}
