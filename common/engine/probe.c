/* probe.c - a little of everything a request reads; see probe.h. */
#include "engine/probe.h"

#include <stdint.h>
#include <string.h>

#include "engine/engine.h"

typedef struct term_lookup {
    const shelf_engine *engine;
    shelf_err *err;
    int rc;
} term_lookup;

/* The first body term's document frequency: one lookup in the postings. */
static int look_up_first_term(void *ctx, const uint8_t *key, size_t len)
{
    term_lookup *t = ctx;
    uint64_t df;
    t->rc = shelf_engine_df(t->engine, key, len, &df, t->err);
    return 1;
}

static int stop_at_first_doc(void *ctx, const shelf_docview *view)
{
    (void)ctx;
    (void)view;
    return 1;
}

int shelf_engine_probe(const char *dir, shelf_err *err)
{
    shelf_engine *e;
    int rc = shelf_engine_open(&e, dir, 0, err);
    if (rc != SHELF_OK)
        return rc;
    (void)shelf_engine_doc_count(e);
    const uint8_t body[1] = {SHELF_FIELD_BODY};
    term_lookup lookup = {e, err, SHELF_OK};
    rc = shelf_engine_terms(e, body, sizeof body, look_up_first_term, &lookup, err);
    if (rc == SHELF_OK)
        rc = lookup.rc;
    if (rc == SHELF_OK)
        rc = shelf_engine_each_doc(e, stop_at_first_doc, NULL, err);
    shelf_engine_close(e);
    return rc;
}

int shelf_probe_encode(int code, const shelf_err *err, shelf_buf *wire)
{
    int rc = shelf_buf_put_u32le(wire, (uint32_t)(int32_t)code);
    const char *msg = code == SHELF_OK ? "" : err->msg;
    return rc ? rc : shelf_buf_append(wire, msg, strnlen(msg, SHELF_ERR_MAX - 1));
}

bool shelf_probe_decode(const shelf_buf *wire, int *code, shelf_err *err)
{
    if (wire->len < 4 || wire->len - 4 >= SHELF_ERR_MAX)
        return false;
    const uint8_t *p = wire->data;
    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    *code = (int32_t)u;
    if (*code > SHELF_OK || *code < SHELF_ETIMEOUT || memchr(p + 4, '\0', wire->len - 4))
        return false;
    if (*code != SHELF_OK)
        shelf_errf(err, *code, "%.*s", (int)(wire->len - 4), (const char *)p + 4);
    return true;
}
