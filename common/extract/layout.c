/* layout.c - page and heading positions of a document; see layout.h. */
#include "extract/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/utf8.h"
#include "util/varint.h"

#define FLAG_STRUCTURED 1u
#define FLAG_LABELLED 2u
#define FLAG_SOURCE_MAP 4u
#define FLAG_PARAGRAPH_CITED 8u
#define ALL_FLAGS (FLAG_STRUCTURED | FLAG_LABELLED | FLAG_SOURCE_MAP | FLAG_PARAGRAPH_CITED)

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return SHELF_OK;
    size_t cap2 = *cap ? *cap * 2 : 8;
    while (cap2 < need)
        cap2 *= 2;
    void *p = realloc(*arr, cap2 * elem);
    if (!p)
        return SHELF_ENOMEM;
    *arr = p;
    *cap = cap2;
    return SHELF_OK;
}

int shelf_layout_add_page(shelf_layout *l, uint64_t start)
{
    if (grow((void **)&l->pages, &l->page_cap, l->npages + 1, sizeof *l->pages) != SHELF_OK)
        return SHELF_ENOMEM;
    l->pages[l->npages++] = start;
    return SHELF_OK;
}

int shelf_layout_add_heading(shelf_layout *l, uint64_t start, uint32_t len, uint32_t level)
{
    if (grow((void **)&l->headings, &l->heading_cap, l->nheadings + 1, sizeof *l->headings) != SHELF_OK)
        return SHELF_ENOMEM;
    l->headings[l->nheadings++] = (shelf_heading){start, len, level};
    return SHELF_OK;
}

int shelf_layout_add_anchor(shelf_layout *l, shelf_source_anchor a)
{
    shelf_source_anchor *last = l->nanchors ? &l->anchors[l->nanchors - 1] : NULL;
    if (a.line == 0 || a.column == 0 || a.column > UINT32_MAX / 2 ||
        (last && a.text_offset < last->text_offset))
        return SHELF_EINVAL;
    if (last && a.text_offset == last->text_offset) {
        *last = a;
        return SHELF_OK;
    }
    if (grow((void **)&l->anchors, &l->anchor_cap, l->nanchors + 1, sizeof *l->anchors) != SHELF_OK)
        return SHELF_ENOMEM;
    l->anchors[l->nanchors++] = a;
    return SHELF_OK;
}

const shelf_source_anchor *shelf_layout_anchor_at(const shelf_layout *l, uint64_t pos)
{
    size_t lo = 0, hi = l->nanchors; /* answer: number of anchors at or before pos */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->anchors[mid].text_offset <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &l->anchors[lo - 1] : NULL;
}

static bool valid_label(const char *s, size_t n)
{
    if (n > SHELF_PAGE_LABEL_MAX_BYTES || !shelf_utf8_valid(s, n))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            return false;
    return true;
}

int shelf_layout_add_label(shelf_layout *l, const char *s, size_t n)
{
    if (!valid_label(s, n))
        return SHELF_EINVAL;
    size_t need = l->nlabels + 1;
    if (grow((void **)&l->label_at, &l->label_cap, need, sizeof *l->label_at) != SHELF_OK ||
        shelf_buf_reserve(&l->label_text, n + 1) != SHELF_OK)
        return SHELF_ENOMEM;
    l->label_at[l->nlabels++] = l->label_text.len;
    shelf_buf_append(&l->label_text, s, n); /* room reserved above: cannot fail */
    shelf_buf_put_u8(&l->label_text, 0);
    return SHELF_OK;
}

const char *shelf_layout_page_label(const shelf_layout *l, size_t page)
{
    if (page == 0 || page > l->nlabels)
        return NULL;
    const char *label = (const char *)l->label_text.data + l->label_at[page - 1];
    return *label ? label : NULL;
}

static bool label_is_physical(const shelf_layout *l, size_t page)
{
    char number[24];
    snprintf(number, sizeof number, "%zu", page);
    const char *label = shelf_layout_page_label(l, page);
    return !label || strcmp(label, number) == 0; /* an empty label cites the number too */
}

static void forget_labels(shelf_layout *l)
{
    l->nlabels = 0;
    shelf_buf_reset(&l->label_text);
}

void shelf_layout_drop_physical_labels(shelf_layout *l)
{
    bool all_physical = true;
    for (size_t page = 1; all_physical && page <= l->nlabels; page++)
        all_physical = label_is_physical(l, page);
    if (all_physical || l->nlabels != l->npages)
        forget_labels(l);
}

void shelf_layout_reset(shelf_layout *l)
{
    l->structured = false;
    l->paragraph_cited = false;
    l->npages = 0;
    l->nheadings = 0;
    l->nanchors = 0;
    forget_labels(l);
}

void shelf_layout_free(shelf_layout *l)
{
    free(l->pages);
    free(l->headings);
    free(l->label_at);
    free(l->anchors);
    shelf_buf_free(&l->label_text);
    *l = (shelf_layout)SHELF_LAYOUT_INIT;
}

int shelf_layout_copy(shelf_layout *dst, const shelf_layout *src)
{
    shelf_layout_reset(dst);
    dst->structured = src->structured;
    dst->paragraph_cited = src->paragraph_cited;
    for (size_t i = 0; i < src->npages; i++)
        if (shelf_layout_add_page(dst, src->pages[i]) != SHELF_OK)
            return SHELF_ENOMEM;
    for (size_t i = 0; i < src->nheadings; i++) {
        const shelf_heading *h = &src->headings[i];
        if (shelf_layout_add_heading(dst, h->start, h->len, h->level) != SHELF_OK)
            return SHELF_ENOMEM;
    }
    for (size_t page = 1; page <= src->nlabels; page++) {
        const char *label = (const char *)src->label_text.data + src->label_at[page - 1];
        if (shelf_layout_add_label(dst, label, strlen(label)) != SHELF_OK)
            return SHELF_ENOMEM;
    }
    for (size_t i = 0; i < src->nanchors; i++)
        if (shelf_layout_add_anchor(dst, src->anchors[i]) != SHELF_OK)
            return SHELF_ENOMEM;
    return SHELF_OK;
}

static int encode_labels(shelf_buf *out, const shelf_layout *l)
{
    int rc = SHELF_OK;
    for (size_t page = 1; rc == SHELF_OK && page <= l->nlabels; page++) {
        const char *label = (const char *)l->label_text.data + l->label_at[page - 1];
        size_t n = strlen(label);
        rc = shelf_buf_put_varint(out, n);
        rc = rc ? rc : shelf_buf_append(out, label, n);
    }
    return rc;
}

static uint64_t zigzag(int64_t v)
{
    return v < 0 ? ((uint64_t)(-(v + 1)) << 1) | 1 : (uint64_t)v << 1;
}

static int64_t unzigzag(uint64_t v)
{
    return (v & 1) ? -(int64_t)(v >> 1) - 1 : (int64_t)(v >> 1);
}

static int encode_source_map(shelf_buf *out, const shelf_layout *l)
{
    int rc = shelf_buf_put_varint(out, l->nanchors);
    uint64_t prev_offset = 0;
    int64_t prev_line = 0;
    for (size_t i = 0; rc == SHELF_OK && i < l->nanchors; i++) {
        const shelf_source_anchor *a = &l->anchors[i];
        rc = shelf_buf_put_varint(out, a->text_offset - prev_offset);
        rc = rc ? rc : shelf_buf_put_varint(out, zigzag((int64_t)a->line - prev_line));
        rc = rc ? rc : shelf_buf_put_varint(out, (uint64_t)a->column * 2 + (a->pinned ? 1 : 0));
        prev_offset = a->text_offset;
        prev_line = a->line;
    }
    return rc;
}

int shelf_layout_encode(shelf_buf *out, const shelf_layout *l)
{
    uint64_t flags = (l->structured ? FLAG_STRUCTURED : 0) | (l->nlabels ? FLAG_LABELLED : 0) |
                     (l->nanchors ? FLAG_SOURCE_MAP : 0) |
                     (l->paragraph_cited ? FLAG_PARAGRAPH_CITED : 0);
    int rc = shelf_buf_put_varint(out, flags);
    rc = rc ? rc : shelf_buf_put_varint(out, l->npages);
    uint64_t prev = 0;
    for (size_t i = 0; rc == SHELF_OK && i < l->npages; i++) {
        rc = shelf_buf_put_varint(out, l->pages[i] - prev);
        prev = l->pages[i];
    }
    rc = rc ? rc : shelf_buf_put_varint(out, l->nheadings);
    prev = 0;
    for (size_t i = 0; rc == SHELF_OK && i < l->nheadings; i++) {
        const shelf_heading *h = &l->headings[i];
        rc = shelf_buf_put_varint(out, h->start - prev);
        rc = rc ? rc : shelf_buf_put_varint(out, h->len);
        rc = rc ? rc : shelf_buf_put_varint(out, h->level);
        prev = h->start;
    }
    rc = rc ? rc : encode_labels(out, l);
    return rc || !l->nanchors ? rc : encode_source_map(out, l);
}

static int decode_pages(const uint8_t **p, const uint8_t *end, uint64_t text_len, shelf_layout *l)
{
    uint64_t count, prev = 0, gap;
    if (shelf_varint_get(p, end, &count) != 0 || count > (uint64_t)(end - *p))
        return -1;
    for (uint64_t i = 0; i < count; i++) {
        if (shelf_varint_get(p, end, &gap) != 0 || gap > text_len - prev)
            return -1;
        if ((i == 0 && gap != 0) || (i > 0 && gap == 0))
            return -1;
        prev += gap;
        if (shelf_layout_add_page(l, prev) != SHELF_OK)
            return -1;
    }
    return 0;
}

static int decode_headings(const uint8_t **p, const uint8_t *end, uint64_t text_len, shelf_layout *l)
{
    uint64_t count, prev = 0, gap, len, level;
    if (shelf_varint_get(p, end, &count) != 0 || count > (uint64_t)(end - *p))
        return -1;
    for (uint64_t i = 0; i < count; i++) {
        if (shelf_varint_get(p, end, &gap) != 0 || shelf_varint_get(p, end, &len) != 0 ||
            shelf_varint_get(p, end, &level) != 0)
            return -1;
        if (gap > text_len - prev || (i > 0 && gap == 0))
            return -1;
        prev += gap;
        if (len > text_len - prev || len > UINT32_MAX || level < 1 || level > SHELF_HEADING_MAX_LEVEL)
            return -1;
        if (shelf_layout_add_heading(l, prev, (uint32_t)len, (uint32_t)level) != SHELF_OK)
            return -1;
    }
    return 0;
}

/* One label per page; an unpaged layout has none to label. */
static int decode_labels(const uint8_t **p, const uint8_t *end, shelf_layout *l)
{
    if (l->npages == 0)
        return -1;
    for (size_t page = 1; page <= l->npages; page++) {
        uint64_t n;
        if (shelf_varint_get(p, end, &n) != 0 || n > (uint64_t)(end - *p))
            return -1;
        if (shelf_layout_add_label(l, (const char *)*p, (size_t)n) != SHELF_OK)
            return -1;
        *p += n;
    }
    return 0;
}

/* Anchors strictly ascending inside the text, lines and columns in range. */
static int decode_source_map(const uint8_t **p, const uint8_t *end, uint64_t text_len,
                             shelf_layout *l)
{
    uint64_t count, gap, line_delta, column_pinned, offset = 0;
    int64_t line = 0;
    if (shelf_varint_get(p, end, &count) != 0 || count == 0 || count > (uint64_t)(end - *p))
        return -1;
    for (uint64_t i = 0; i < count; i++) {
        if (shelf_varint_get(p, end, &gap) != 0 || shelf_varint_get(p, end, &line_delta) != 0 ||
            shelf_varint_get(p, end, &column_pinned) != 0)
            return -1;
        if ((i > 0 && gap == 0) || offset >= text_len || gap >= text_len - offset)
            return -1;
        offset += gap;
        int64_t delta = unzigzag(line_delta);
        if (delta > (int64_t)UINT32_MAX || delta < -(int64_t)UINT32_MAX)
            return -1;
        line += delta;
        uint64_t column = column_pinned >> 1;
        if (line < 1 || line > (int64_t)UINT32_MAX || column < 1 || column > UINT32_MAX / 2)
            return -1;
        shelf_source_anchor a = {offset, (uint32_t)line, (uint32_t)column, column_pinned & 1};
        if (shelf_layout_add_anchor(l, a) != SHELF_OK)
            return -1;
    }
    return 0;
}

int shelf_layout_decode(const uint8_t **p, const uint8_t *end, uint64_t text_len, shelf_layout *l)
{
    shelf_layout_reset(l);
    uint64_t flags;
    const uint8_t *q = *p;
    if (shelf_varint_get(&q, end, &flags) != 0 || flags > ALL_FLAGS)
        return -1;
    l->structured = flags & FLAG_STRUCTURED;
    l->paragraph_cited = flags & FLAG_PARAGRAPH_CITED;
    if (decode_pages(&q, end, text_len, l) != 0 || decode_headings(&q, end, text_len, l) != 0 ||
        ((flags & FLAG_LABELLED) && decode_labels(&q, end, l) != 0) ||
        ((flags & FLAG_SOURCE_MAP) && decode_source_map(&q, end, text_len, l) != 0)) {
        shelf_layout_reset(l);
        return -1;
    }
    *p = q;
    return 0;
}

size_t shelf_layout_page_of(const shelf_layout *l, uint64_t pos)
{
    size_t lo = 0, hi = l->npages; /* answer: number of page starts <= pos */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->pages[mid] <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint64_t shelf_layout_page_start(const shelf_layout *l, size_t page)
{
    if (page == 0 || page > l->npages)
        return 0;
    return l->pages[page - 1];
}

const shelf_heading *shelf_layout_heading_before(const shelf_layout *l, uint64_t pos)
{
    size_t lo = 0, hi = l->nheadings;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->headings[mid].start <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &l->headings[lo - 1] : NULL;
}
