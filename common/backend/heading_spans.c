/* heading_spans.c - headings as token ranges, and their stored form; see
 * heading_spans.h. */
#include "backend/heading_spans.h"
#include "util/error.h"
#include "util/varint.h"

#include <stdlib.h>

int shelf_span_builder_begin(shelf_span_builder *b, const char *text, size_t len,
                             const shelf_layout *layout)
{
    b->done = 0;
    if (shelf_document_headings(text, len, layout, &b->headings) != SHELF_OK)
        return SHELF_ENOMEM;
    size_t n = b->headings.n;
    if (n > b->cap) {
        shelf_token_span *s = realloc(b->spans, n * sizeof *s);
        if (!s)
            return SHELF_ENOMEM;
        b->spans = s;
        b->cap = n;
    }
    for (size_t i = 0; i < n; i++)
        b->spans[i] = (shelf_token_span){0, 0};
    return SHELF_OK;
}

static uint64_t heading_end(const shelf_heading *h)
{
    return h->start + h->len;
}

/* A token at or past the start of heading done (shelf_span_builder_token
 * leaves out those before it: for them the loops below do nothing, as a
 * heading has len > 0). */
void shelf_span_builder_token_at_heading(shelf_span_builder *b, uint32_t position, size_t start)
{
    const shelf_heading *h = b->headings.at;
    size_t n = b->headings.n;
    while (b->done < n && heading_end(&h[b->done]) <= start)
        b->done++;
    for (size_t j = b->done; j < n && h[j].start <= start; j++) {
        if (start >= heading_end(&h[j]))
            continue; /* ended, behind a longer heading that has not */
        shelf_token_span *s = &b->spans[j];
        if (s->start == s->end)
            s->start = position;
        s->end = position + 1;
    }
}

/* Does span i go in the stored form (it has tokens and is not the one
 * before it again)?  *prev is the last span that went in. */
static bool stored(const shelf_span_builder *b, size_t i, const shelf_token_span **prev)
{
    const shelf_token_span *s = &b->spans[i];
    if (s->end <= s->start || (*prev && (*prev)->start == s->start && (*prev)->end == s->end))
        return false;
    *prev = s;
    return true;
}

int shelf_span_builder_encode(const shelf_span_builder *b, shelf_buf *out)
{
    const shelf_token_span *prev = NULL;
    uint64_t count = 0;
    for (size_t i = 0; i < b->headings.n; i++)
        count += stored(b, i, &prev);
    if (count == 0)
        return SHELF_OK; /* no headings: nothing stored */
    if (shelf_buf_put_varint(out, count))
        return SHELF_ENOMEM;
    prev = NULL;
    uint32_t last_start = 0;
    for (size_t i = 0; i < b->headings.n; i++) {
        if (!stored(b, i, &prev))
            continue;
        if (shelf_buf_put_varint(out, prev->start - last_start) ||
            shelf_buf_put_varint(out, prev->end - prev->start))
            return SHELF_ENOMEM;
        last_start = prev->start;
    }
    return SHELF_OK;
}

void shelf_span_builder_free(shelf_span_builder *b)
{
    shelf_heading_list_free(&b->headings);
    free(b->spans);
    *b = (shelf_span_builder){0};
}

int shelf_span_cursor_init(shelf_span_cursor *c, const uint8_t *data, size_t len)
{
    *c = (shelf_span_cursor){data, data + len, 0, 0};
    if (len == 0)
        return 0;
    if (shelf_varint_get(&c->p, c->end, &c->left) || c->left > len) /* a span takes 2 bytes or more */
        return -1;
    return 0;
}

int shelf_span_next(shelf_span_cursor *c, shelf_token_span *out)
{
    if (c->left == 0)
        return c->p == c->end ? 0 : -1;
    uint32_t gap, len;
    if (shelf_varint_get32(&c->p, c->end, &gap) || shelf_varint_get32(&c->p, c->end, &len) || len == 0 ||
        gap > UINT32_MAX - c->start || len > UINT32_MAX - c->start - gap)
        return -1;
    c->start += gap;
    c->left--;
    *out = (shelf_token_span){c->start, c->start + len};
    return 1;
}

int shelf_span_check(const uint8_t *data, size_t len, uint32_t tokens)
{
    shelf_span_cursor c;
    shelf_token_span s, prev = {0, 0};
    if (shelf_span_cursor_init(&c, data, len) != 0 || (len > 0 && c.left == 0))
        return -1;
    int got;
    for (bool first = true; (got = shelf_span_next(&c, &s)) == 1; first = false, prev = s)
        if (s.end > tokens || (!first && s.start == prev.start && s.end == prev.end))
            return -1;
    return got;
}
