/* zipdoc.c - zip-based readers run in shelf-helper, their result sent back
 * and checked; see zipdoc.h. */
#include "extract/zipdoc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/isolated.h"
#include "util/buf.h"
#include "util/utf8.h"

#define KIND_READ 0
#define KIND_REFUSED 1
#define REFUSED_SKIP 1
#define REFUSED_NOMEM 2
#define RESULT_SLACK ((size_t)1 << 20)
#define CHILD_MEMORY_HEADROOM ((size_t)1 << 30)

static size_t result_limit(size_t input_len)
{
    uint64_t n = shelf_zip_unpack_budget(input_len) + RESULT_SLACK;
    return n > SIZE_MAX ? SIZE_MAX : (size_t)n;
}

/* ---- the child's side: read, then encode ---- */

static int put_str(shelf_buf *b, const char *s, size_t n)
{
    if (n > UINT32_MAX)
        return SHELF_ENOMEM;
    int rc = shelf_buf_put_u32le(b, (uint32_t)n);
    return rc ? rc : shelf_buf_append(b, s ? s : "", n);
}

static int encode_read(const shelf_doctext *d, shelf_buf *body)
{
    shelf_buf layout = SHELF_BUF_INIT;
    int rc = shelf_layout_encode(&layout, &d->layout);
    rc = rc ? rc : shelf_buf_put_u8(body, KIND_READ);
    rc = rc ? rc : put_str(body, d->text, d->len);
    rc = rc ? rc : put_str(body, d->title, d->title ? d->title_len : 0);
    rc = rc ? rc : put_str(body, d->author, d->author ? strlen(d->author) : 0);
    rc = rc ? rc : put_str(body, d->date, d->date ? strlen(d->date) : 0);
    rc = rc ? rc : put_str(body, (const char *)layout.data, layout.len);
    shelf_buf_free(&layout);
    return rc;
}

static int encode_refused(int code, const shelf_err *err, shelf_buf *body)
{
    int rc = shelf_buf_put_u8(body, KIND_REFUSED);
    rc = rc ? rc : shelf_buf_put_u8(body, code == SHELF_ENOMEM ? REFUSED_NOMEM : REFUSED_SKIP);
    return rc ? rc : put_str(body, err->msg, strlen(err->msg));
}

typedef struct zip_job {
    const char *path, *label;
    const char *data;
    size_t len;
    shelf_zipdoc_fn fn;
} zip_job;

/* Reads the document and encodes what became of it into body. */
static int read_and_encode(const zip_job *job, shelf_buf *body)
{
    shelf_err err = {0};
    shelf_zip *zip = NULL;
    shelf_doctext d;
    memset(&d, 0, sizeof d);
    int rc = shelf_zip_open(job->path, job->label, job->data, job->len, &zip, &err);
    if (rc == SHELF_OK)
        rc = job->fn(job->path, zip, &d, &err);
    shelf_zip_close(zip);
    if (rc == SHELF_OK) {
        rc = encode_read(&d, body);
        shelf_doctext_free(&d);
        return rc;
    }
    shelf_doctext_free(&d);
    return encode_refused(rc, &err, body);
}

int shelf_zipdoc_encode(const char *path, const char *label, const char *data, size_t len,
                        shelf_zipdoc_fn fn, shelf_buf *wire)
{
    zip_job job = {path, label, data, len, fn};
    return read_and_encode(&job, wire);
}

/* ---- the parent's side: decode and check ---- */

typedef struct wire {
    const uint8_t *p, *end;
} wire;

static bool get_u8(wire *w, uint8_t *v)
{
    if (w->p >= w->end)
        return false;
    *v = *w->p++;
    return true;
}

static bool get_bytes(wire *w, const char **s, size_t *n)
{
    if (w->end - w->p < 4)
        return false;
    uint32_t len = (uint32_t)w->p[0] | (uint32_t)w->p[1] << 8 | (uint32_t)w->p[2] << 16 |
                   (uint32_t)w->p[3] << 24;
    w->p += 4;
    if ((size_t)(w->end - w->p) < len)
        return false;
    *s = (const char *)w->p;
    *n = len;
    w->p += len;
    return true;
}

/* A string of the wire: valid UTF-8 without NUL bytes. */
static bool get_str(wire *w, const char **s, size_t *n)
{
    return get_bytes(w, s, n) && memchr(*s, '\0', *n) == NULL && shelf_utf8_valid(*s, *n);
}

static char *dup_or_null(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

/* The layout a zip reader promises (zipdoc.h). */
static bool layout_as_promised(const shelf_layout *l)
{
    if (!l->structured || !l->paragraph_cited || l->npages || l->nanchors || l->nlabels)
        return false;
    for (size_t i = 1; i < l->nheadings; i++)
        if (l->headings[i].start < l->headings[i - 1].start + l->headings[i - 1].len)
            return false;
    return true;
}

typedef enum decoded { DECODED_OK, DECODED_BAD, DECODED_NOMEM } decoded;

static decoded decode_read(wire *w, shelf_doctext *out)
{
    const char *text, *title, *author, *date, *layout;
    size_t text_len, title_len, author_len, date_len, layout_len;
    if (!get_str(w, &text, &text_len) || !get_str(w, &title, &title_len) ||
        !get_str(w, &author, &author_len) || !get_str(w, &date, &date_len) ||
        !get_bytes(w, &layout, &layout_len) || w->p != w->end || text_len == 0)
        return DECODED_BAD;
    const uint8_t *lp = (const uint8_t *)layout;
    if (shelf_layout_decode(&lp, lp + layout_len, text_len, &out->layout) != 0 ||
        lp != (const uint8_t *)layout + layout_len || !layout_as_promised(&out->layout))
        return DECODED_BAD;
    out->text = dup_or_null(text, text_len);
    out->len = text_len;
    out->title = title_len ? dup_or_null(title, title_len) : NULL;
    out->title_len = title_len;
    out->author = author_len ? dup_or_null(author, author_len) : NULL;
    out->date = date_len ? dup_or_null(date, date_len) : NULL;
    out->encoding = SHELF_ENC_UTF8;
    if (!out->text || (title_len && !out->title) || (author_len && !out->author) ||
        (date_len && !out->date))
        return DECODED_NOMEM;
    return DECODED_OK;
}

/* A refusal, re-issued as the child said it when its message is about the
 * file. */
static decoded decode_refused(wire *w, const char *path, int *code, shelf_err *err)
{
    uint8_t kind;
    const char *msg;
    size_t n;
    if (!get_u8(w, &kind) || (kind != REFUSED_SKIP && kind != REFUSED_NOMEM) ||
        !get_str(w, &msg, &n) || w->p != w->end || n >= SHELF_ERR_MAX ||
        n < strlen(path) || memcmp(msg, path, strlen(path)) != 0)
        return DECODED_BAD;
    *code = shelf_errf(err, kind == REFUSED_NOMEM ? SHELF_ENOMEM : SHELF_ESKIP, "%.*s", (int)n, msg);
    return DECODED_OK;
}

static int crashed(const char *path, const char *label, shelf_err *err)
{
    return shelf_errf(err, SHELF_ESKIP, "%s: %s reader crashed (damaged file?)", path, label);
}

static int decode(const char *path, const char *label, const shelf_buf *body, shelf_doctext *out,
                  shelf_err *err)
{
    wire w = {body->data, body->data + body->len};
    uint8_t kind = 0xFF;
    int code = SHELF_OK;
    decoded got = DECODED_BAD;
    if (get_u8(&w, &kind) && kind == KIND_READ)
        got = decode_read(&w, out);
    else if (kind == KIND_REFUSED)
        got = decode_refused(&w, path, &code, err);
    if (got != DECODED_OK)
        shelf_doctext_free(out);
    if (got == DECODED_NOMEM)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, label);
    if (got == DECODED_BAD)
        return crashed(path, label, err);
    if (code != SHELF_OK)
        shelf_doctext_free(out);
    return code;
}

int shelf_zipdoc_extract(const char *path, const shelf_format_info *format, const char *data,
                         size_t len, unsigned budget_ms, shelf_doctext *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    const char *label = format->label;
    char worker[64];
    snprintf(worker, sizeof worker, "the %s reader", label);
    size_t limit = result_limit(len);
    shelf_isolated_job job = {.format = format->name,
                              .path = path,
                              .data = data,
                              .len = len,
                              .budget_ms = budget_ms,
                              .max_result = limit,
                              .memory_headroom = limit > (SIZE_MAX - CHILD_MEMORY_HEADROOM) / 2
                                                     ? 0
                                                     : CHILD_MEMORY_HEADROOM + 2 * limit,
                              .worker = worker};
    shelf_collected got;
    int rc = shelf_isolated_read(&job, &got, err);
    if (rc == SHELF_ENOMEM)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, label);
    if (rc != SHELF_OK)
        return rc;
    switch (got.end) {
    case SHELF_COLLECT_COMPLETE:
        rc = decode(path, label, &got.result, out, err);
        shelf_buf_free(&got.result);
        return rc;
    case SHELF_COLLECT_TIMED_OUT:
        return shelf_errf(err, SHELF_ESKIP, "%s: %s took longer than %g s to read (skipped)", path,
                          label, budget_ms / 1000.0);
    case SHELF_COLLECT_TOO_LARGE:
        return shelf_errf(err, SHELF_ESKIP, "%s: damaged %s: extracted text too large", path,
                          label);
    default:
        return crashed(path, label, err);
    }
}

int shelf_zipdoc_extract_here(const char *path, const char *label, const char *data, size_t len,
                              shelf_zipdoc_fn fn, shelf_doctext *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    zip_job job = {path, label, data, len, fn};
    shelf_buf body = SHELF_BUF_INIT;
    int rc = read_and_encode(&job, &body);
    if (rc != SHELF_OK) {
        shelf_buf_free(&body);
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, label);
    }
    rc = decode(path, label, &body, out, err);
    shelf_buf_free(&body);
    return rc;
}
