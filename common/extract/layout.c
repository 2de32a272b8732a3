/* layout.c - page and heading positions of a document; see layout.h. */
#include "extract/layout.h"

#include <stdlib.h>
#include <string.h>

#include "util/varint.h"
#include "util/error.h"

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

void shelf_layout_reset(shelf_layout *l)
{
    l->structured = false;
    l->npages = 0;
    l->nheadings = 0;
}

void shelf_layout_free(shelf_layout *l)
{
    free(l->pages);
    free(l->headings);
    *l = (shelf_layout)SHELF_LAYOUT_INIT;
}

int shelf_layout_copy(shelf_layout *dst, const shelf_layout *src)
{
    shelf_layout_reset(dst);
    dst->structured = src->structured;
    for (size_t i = 0; i < src->npages; i++)
        if (shelf_layout_add_page(dst, src->pages[i]) != SHELF_OK)
            return SHELF_ENOMEM;
    for (size_t i = 0; i < src->nheadings; i++) {
        const shelf_heading *h = &src->headings[i];
        if (shelf_layout_add_heading(dst, h->start, h->len, h->level) != SHELF_OK)
            return SHELF_ENOMEM;
    }
    return SHELF_OK;
}

int shelf_layout_encode(shelf_buf *out, const shelf_layout *l)
{
    int rc = shelf_buf_put_varint(out, l->structured ? 1 : 0);
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
    return rc;
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

int shelf_layout_decode(const uint8_t **p, const uint8_t *end, uint64_t text_len, shelf_layout *l)
{
    shelf_layout_reset(l);
    uint64_t flags;
    const uint8_t *q = *p;
    if (shelf_varint_get(&q, end, &flags) != 0 || flags > 1)
        return -1;
    l->structured = flags & 1;
    if (decode_pages(&q, end, text_len, l) != 0 || decode_headings(&q, end, text_len, l) != 0) {
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
