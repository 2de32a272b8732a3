/* norms.c - dense document lengths with exceptions; see norms.h. */
#include "backend/native/norms.h"
#include "util/error.h"

int shelf_norms_add(shelf_norms_builder *b, uint32_t body_len, uint32_t title_len)
{
    uint32_t body = body_len < SHELF_NORM_BODY_ESCAPE ? body_len : SHELF_NORM_BODY_ESCAPE;
    uint32_t title = title_len < SHELF_NORM_TITLE_ESCAPE ? title_len : SHELF_NORM_TITLE_ESCAPE;
    uint8_t body_le[2] = {(uint8_t)body, (uint8_t)(body >> 8)};
    if (shelf_buf_append(&b->body, body_le, 2) || shelf_buf_put_u8(&b->title, (uint8_t)title))
        return SHELF_ENOMEM;
    if (body == SHELF_NORM_BODY_ESCAPE &&
        (shelf_buf_put_u32le(&b->body_exc, b->doc_count) || shelf_buf_put_u32le(&b->body_exc, body_len)))
        return SHELF_ENOMEM;
    if (title == SHELF_NORM_TITLE_ESCAPE &&
        (shelf_buf_put_u32le(&b->title_exc, b->doc_count) ||
         shelf_buf_put_u32le(&b->title_exc, title_len)))
        return SHELF_ENOMEM;
    b->doc_count++;
    return SHELF_OK;
}

uint64_t shelf_norms_body_exceptions(const shelf_norms_builder *b)
{
    return b->body_exc.len / SHELF_NORM_EXCEPTION_BYTES;
}

uint64_t shelf_norms_title_exceptions(const shelf_norms_builder *b)
{
    return b->title_exc.len / SHELF_NORM_EXCEPTION_BYTES;
}

void shelf_norms_builder_free(shelf_norms_builder *b)
{
    shelf_buf_free(&b->body);
    shelf_buf_free(&b->title);
    shelf_buf_free(&b->body_exc);
    shelf_buf_free(&b->title_exc);
    b->doc_count = 0;
}

uint64_t shelf_norms_section_bytes(uint32_t doc_count, uint64_t body_exc, uint64_t title_exc)
{
    if (body_exc > doc_count || title_exc > doc_count)
        return 0;
    return 3 * (uint64_t)doc_count + SHELF_NORM_EXCEPTION_BYTES * (body_exc + title_exc);
}

void shelf_norms_map(shelf_norms *n, const uint8_t *section, uint32_t doc_count, uint64_t body_exc,
                     uint64_t title_exc)
{
    n->doc_count = doc_count;
    n->body = section;
    n->title = section + 2 * (size_t)doc_count;
    n->body_exc = n->title + doc_count;
    n->title_exc = n->body_exc + SHELF_NORM_EXCEPTION_BYTES * body_exc;
    n->body_exc_count = body_exc;
    n->title_exc_count = title_exc;
}

uint32_t shelf_norms_exception(const uint8_t *table, uint64_t count, uint32_t doc)
{
    uint64_t lo = 0, hi = count;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        uint32_t at = shelf_load_u32le(table + mid * SHELF_NORM_EXCEPTION_BYTES);
        if (at == doc)
            return shelf_load_u32le(table + mid * SHELF_NORM_EXCEPTION_BYTES + 4);
        if (at < doc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* One exceptions table against its dense array (width 2 or 1 bytes). */
static int check_table(const shelf_norms *n, const uint8_t *table, uint64_t count,
                       const uint8_t *dense, unsigned width, uint32_t escape)
{
    uint64_t escapes = 0;
    for (uint32_t doc = 0; doc < n->doc_count; doc++) {
        const uint8_t *p = dense + (size_t)doc * width;
        uint32_t v = width == 2 ? (uint32_t)p[0] | (uint32_t)p[1] << 8 : p[0];
        escapes += v == escape;
    }
    if (escapes != count)
        return -1;
    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *e = table + i * SHELF_NORM_EXCEPTION_BYTES;
        uint32_t doc = shelf_load_u32le(e);
        if (doc >= n->doc_count || shelf_load_u32le(e + 4) < escape ||
            (i > 0 && doc <= shelf_load_u32le(e - SHELF_NORM_EXCEPTION_BYTES)))
            return -1;
        const uint8_t *p = dense + (size_t)doc * width;
        if ((width == 2 ? (uint32_t)p[0] | (uint32_t)p[1] << 8 : p[0]) != escape)
            return -1;
    }
    return 0;
}

int shelf_norms_check(const shelf_norms *n, const char **what)
{
    if (check_table(n, n->body_exc, n->body_exc_count, n->body, 2, SHELF_NORM_BODY_ESCAPE)) {
        *what = "body length exceptions";
        return -1;
    }
    if (check_table(n, n->title_exc, n->title_exc_count, n->title, 1, SHELF_NORM_TITLE_ESCAPE)) {
        *what = "title length exceptions";
        return -1;
    }
    return 0;
}
