/* xapdoc.c - the Xapian backend's document data blob; see xapdoc.h. */
#include "backend/xapian/xapdoc.h"
#include "util/varint.h"
#include "util/bytes.h"
#include "util/error.h"

#include <string.h>

#define MAGIC "SXD5"
/* Older blobs: "SXD4" in the document data before the Xapian conventions
 * (xapian_terms.h), "SXD3" before author and date, "SXD2" before page
 * labels; read by no program of this version (rebuild the index). */
static const char *const older_magics[] = {"SXD4", "SXD3", "SXD2"};
#define FIXED_BYTES (8 + 8 + 8 + 4 + 4 + 4)

int shelf_xapdoc_encode(shelf_buf *out, const shelf_docview *m, const char *text, size_t text_len,
                        const uint64_t *checkpoints, size_t checkpoint_count,
                        const shelf_layout *layout)
{
    static const shelf_layout none = SHELF_LAYOUT_INIT;
    uint8_t fixed[FIXED_BYTES];
    shelf_store_u64le(fixed, m->size);
    shelf_store_u64le(fixed + 8, (uint64_t)m->mtime_ns);
    shelf_store_u64le(fixed + 16, m->hash);
    shelf_store_u32le(fixed + 24, m->flags);
    shelf_store_u32le(fixed + 28, m->length);
    shelf_store_u32le(fixed + 32, m->title_length);
    int bad = shelf_buf_append(out, MAGIC, 4) || shelf_buf_put_varint(out, m->path_len) ||
              shelf_buf_append(out, m->path, m->path_len) || shelf_buf_put_varint(out, m->title_len) ||
              shelf_buf_append(out, m->title, m->title_len) || shelf_buf_put_varint(out, m->author_len) ||
              shelf_buf_append(out, m->author, m->author_len) || shelf_buf_put_varint(out, m->date_len) ||
              shelf_buf_append(out, m->date, m->date_len) || shelf_buf_append(out, fixed, sizeof fixed) ||
              shelf_buf_put_varint(out, text_len) || shelf_buf_append(out, text, text_len) ||
              shelf_buf_put_varint(out, checkpoint_count);
    uint64_t prev = 0;
    for (size_t i = 0; !bad && i < checkpoint_count; i++) {
        bad = shelf_buf_put_varint(out, checkpoints[i] - prev);
        prev = checkpoints[i];
    }
    if (!bad)
        bad = shelf_layout_encode(out, layout ? layout : &none);
    return bad ? SHELF_ENOMEM : SHELF_OK;
}

static int take_string(const uint8_t **p, const uint8_t *end, const char **s, size_t *len)
{
    uint64_t n;
    if (shelf_varint_get(p, end, &n) || n > (uint64_t)(end - *p))
        return -1;
    *s = (const char *)*p;
    *len = (size_t)n;
    *p += n;
    return 0;
}

/* Checkpoints into out (may be NULL: skipped), advancing *p. */
static int take_checkpoints(const uint8_t **p, const uint8_t *end, size_t text_len, shelf_buf *out)
{
    uint64_t count, offset = 0;
    if (shelf_varint_get(p, end, &count) || count > (uint64_t)(end - *p))
        return -1;
    if (out)
        shelf_buf_reset(out);
    for (uint64_t i = 0; i < count; i++) {
        uint64_t gap;
        if (shelf_varint_get(p, end, &gap) || (offset += gap) > text_len)
            return -1;
        if (out && shelf_buf_append(out, &offset, sizeof offset))
            return -1;
    }
    return 0;
}

int shelf_xapdoc_decode(const uint8_t *blob, size_t len, shelf_docview *m, shelf_buf *text,
                        shelf_buf *checkpoints, shelf_layout *layout)
{
    const uint8_t *p = blob, *end = blob + len;
    for (size_t i = 0; len >= 4 && i < sizeof older_magics / sizeof *older_magics; i++)
        if (memcmp(p, older_magics[i], 4) == 0)
            return SHELF_EVERSION;
    if (len < 4 || memcmp(p, MAGIC, 4) != 0)
        return SHELF_ECORRUPT;
    p += 4;
    const char *body;
    size_t body_len;
    if (take_string(&p, end, &m->path, &m->path_len) || take_string(&p, end, &m->title, &m->title_len) ||
        take_string(&p, end, &m->author, &m->author_len) || take_string(&p, end, &m->date, &m->date_len) ||
        (size_t)(end - p) < FIXED_BYTES)
        return SHELF_ECORRUPT;
    m->size = shelf_load_u64le(p);
    m->mtime_ns = (int64_t)shelf_load_u64le(p + 8);
    m->hash = shelf_load_u64le(p + 16);
    m->flags = shelf_load_u32le(p + 24);
    m->length = shelf_load_u32le(p + 28);
    m->title_length = shelf_load_u32le(p + 32);
    p += FIXED_BYTES;
    if (take_string(&p, end, &body, &body_len))
        return SHELF_ECORRUPT;
    if (text) {
        shelf_buf_reset(text);
        if (shelf_buf_append(text, body, body_len) || shelf_buf_put_u8(text, 0))
            return SHELF_ENOMEM;
        text->len--;
    }
    if (!checkpoints && !layout)
        return SHELF_OK;
    if (take_checkpoints(&p, end, body_len, checkpoints) != 0)
        return SHELF_ECORRUPT;
    if (layout && shelf_layout_decode(&p, end, body_len, layout) != 0)
        return SHELF_ECORRUPT;
    return SHELF_OK;
}
