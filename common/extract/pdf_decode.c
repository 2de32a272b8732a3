/*
 * pdf_decode.c - the parent's side of the PDF reader's result: the child's
 * bytes (format in pdf.c's header) decoded into a shelf_pdfdoc.
 *
 * Two passes over the same bytes: the first checks every length and count
 * and measures what to allocate (pages, lines, outline entries, repaired
 * strings), the second fills exactly that.  Nothing is allocated before
 * the whole result is known to be well formed, and nothing grows.
 *
 * What the decoded document promises (pdfdoc.h), whatever the bytes:
 *   - strings are valid UTF-8 (an invalid byte becomes U+FFFD) without
 *     line breaks or controls: C0 controls, DEL, NEL, U+2028 and U+2029
 *     become spaces; a clean string is borrowed from the body, a changed
 *     one lives in the read's `repaired` block;
 *   - numbers are finite: NaN or infinite sizes and coordinates become 0
 *     (an outline y becomes -1, unknown); a negative page size or font
 *     size becomes 0; a box's corners are put in order (x0 <= x1, y0 <= y1);
 *   - an outline entry's level is at least 1 and its page 0 (unknown) or
 *     one of the document's pages;
 *   - the date is "YYYY-MM-DD" (digits and dashes) or "".
 */
#include "extract/pdfwire.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

/* The fewest bytes each item can take, to bound counts by what is left. */
#define MIN_PAGE_BYTES 16u    /* width, height, label length, line count */
#define MIN_LINE_BYTES 25u    /* text length, box, font size, flags */
#define MIN_ENTRY_BYTES 16u   /* title length, level, page, y */
#define DATE_BYTES 10u        /* "YYYY-MM-DD" */
#define REASON_SHOWN 200u     /* bytes of a damage reason shown at most */

typedef struct decoder {
    const uint8_t *p, *end;
    bool fill;         /* second pass: write into out's arrays */
    size_t lines;      /* lines met so far (all pages) */
    size_t repaired;   /* bytes of repaired strings so far */
    shelf_pdf_read *out;
} decoder;

/* ---- reading ---- */

static bool read_u8(decoder *d, uint8_t *v)
{
    if (d->p == d->end)
        return false;
    *v = *d->p++;
    return true;
}

static bool read_u32(decoder *d, uint32_t *v)
{
    if (d->end - d->p < 4)
        return false;
    *v = (uint32_t)d->p[0] | (uint32_t)d->p[1] << 8 | (uint32_t)d->p[2] << 16 |
         (uint32_t)d->p[3] << 24;
    d->p += 4;
    return true;
}

/* A float, finite (else `otherwise`). */
static bool read_f32(decoder *d, float otherwise, float *v)
{
    uint32_t bits;
    if (!read_u32(d, &bits))
        return false;
    memcpy(v, &bits, sizeof *v);
    if (!isfinite(*v))
        *v = otherwise;
    return true;
}

static bool read_raw32(decoder *d, const char **s, size_t *n)
{
    uint32_t len;
    if (!read_u32(d, &len) || (size_t)(d->end - d->p) < len)
        return false;
    *s = (const char *)d->p;
    *n = len;
    d->p += len;
    return true;
}

/* A count of items of at least min_bytes each, which must fit in what is
 * left. */
static bool read_count(decoder *d, size_t min_bytes, uint32_t *n)
{
    return read_u32(d, n) && *n <= (size_t)(d->end - d->p) / min_bytes;
}

/* ---- strings ---- */

static bool is_break_or_control(int32_t cp)
{
    return cp < 0x20 || cp == 0x7F || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

/* The repaired form of s (rules in the header) into dst when dst is not
 * NULL; returns its length; *clean tells whether it equals s. */
static size_t repair(const char *s, size_t n, char *dst, bool *clean)
{
    size_t o = 0, i = 0;
    *clean = true;
    while (i < n) {
        int32_t cp;
        size_t k = shelf_utf8_decode((const uint8_t *)s, n, i, &cp);
        if (cp == SHELF_UTF8_INVALID) {
            if (dst)
                memcpy(dst + o, "\xEF\xBF\xBD", 3);
            o += 3;
            *clean = false;
        } else if (is_break_or_control(cp)) {
            if (dst)
                dst[o] = ' ';
            o += 1;
            *clean = false;
        } else {
            if (dst)
                memcpy(dst + o, s + i, k);
            o += k;
        }
        i += k;
    }
    return o;
}

/* A string, repaired: borrowed from the body when clean, else (second
 * pass) written into the repaired block. */
static bool read_string(decoder *d, const char **s, size_t *n)
{
    const char *raw;
    size_t len;
    if (!read_raw32(d, &raw, &len))
        return false;
    bool clean;
    char *dst = d->fill ? d->out->repaired + d->repaired : NULL;
    size_t fixed = repair(raw, len, NULL, &clean);
    if (clean) {
        *s = raw;
        *n = len;
        return true;
    }
    if (dst)
        repair(raw, len, dst, &clean);
    *s = dst;
    *n = fixed;
    d->repaired += fixed;
    return true;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool read_date(decoder *d, char date[11])
{
    const char *s;
    size_t n;
    if (!read_raw32(d, &s, &n))
        return false;
    date[0] = '\0';
    if (n != DATE_BYTES)
        return true;
    for (size_t i = 0; i < DATE_BYTES; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !is_digit(s[i]))
            return true;
    memcpy(date, s, DATE_BYTES);
    date[DATE_BYTES] = '\0';
    return true;
}

/* ---- pages ---- */

static float non_negative(float v)
{
    return v > 0 ? v : 0;
}

static void order(float *lo, float *hi)
{
    if (*lo > *hi) {
        float t = *lo;
        *lo = *hi;
        *hi = t;
    }
}

static bool read_line(decoder *d, shelf_pdf_line *line)
{
    uint8_t flags;
    if (!read_string(d, &line->text, &line->len) || !read_f32(d, 0, &line->x0) ||
        !read_f32(d, 0, &line->y0) || !read_f32(d, 0, &line->x1) ||
        !read_f32(d, 0, &line->y1) || !read_f32(d, 0, &line->font_size) || !read_u8(d, &flags))
        return false;
    order(&line->x0, &line->x1);
    order(&line->y0, &line->y1);
    line->font_size = non_negative(line->font_size);
    line->bold = (flags & 1) != 0;
    return true;
}

static bool read_page(decoder *d, shelf_pdf_page *page)
{
    uint32_t nlines;
    if (!read_f32(d, 0, &page->width) || !read_f32(d, 0, &page->height) ||
        !read_string(d, &page->label, &page->label_len) ||
        !read_count(d, MIN_LINE_BYTES, &nlines))
        return false;
    page->width = non_negative(page->width);
    page->height = non_negative(page->height);
    page->lines = d->fill ? d->out->lines + d->lines : NULL;
    page->nlines = nlines;
    shelf_pdf_line scratch;
    for (uint32_t i = 0; i < nlines; i++)
        if (!read_line(d, d->fill ? &page->lines[i] : &scratch))
            return false;
    d->lines += nlines;
    return true;
}

/* ---- the outline ---- */

static bool read_entry(decoder *d, size_t npages, shelf_pdf_outline_entry *e)
{
    if (!read_string(d, &e->title, &e->title_len) || !read_u32(d, &e->level) ||
        !read_u32(d, &e->page) || !read_f32(d, -1, &e->y))
        return false;
    if (e->level == 0)
        e->level = 1;
    if (e->page > npages)
        e->page = 0;
    if (e->y < 0)
        e->y = -1;
    return true;
}

/* ---- the document ---- */

/* One pass over an OK result (after its kind byte).  False when malformed. */
static bool read_document(decoder *d, shelf_pdfdoc *doc)
{
    uint32_t npages, noutline;
    if (!read_string(d, &doc->title, &doc->title_len) ||
        !read_string(d, &doc->author, &doc->author_len) || !read_date(d, doc->date) ||
        !read_count(d, MIN_PAGE_BYTES, &npages))
        return false;
    doc->npages = npages;
    shelf_pdf_page scratch;
    for (uint32_t i = 0; i < npages; i++)
        if (!read_page(d, d->fill ? &doc->pages[i] : &scratch))
            return false;
    if (!read_count(d, MIN_ENTRY_BYTES, &noutline))
        return false;
    doc->noutline = noutline;
    shelf_pdf_outline_entry entry;
    for (uint32_t i = 0; i < noutline; i++)
        if (!read_entry(d, npages, d->fill ? &doc->outline[i] : &entry))
            return false;
    return d->p == d->end;
}

static int crashed(const char *path, shelf_err *err)
{
    return shelf_errf(err, SHELF_ESKIP, "%s: PDF reader crashed (damaged PDF?)", path);
}

/* The arrays the second pass fills, sized by the first. */
static bool allocate(shelf_pdf_read *out, const shelf_pdfdoc *counted, const decoder *d)
{
    out->doc.pages = calloc(counted->npages ? counted->npages : 1, sizeof *out->doc.pages);
    out->lines = calloc(d->lines ? d->lines : 1, sizeof *out->lines);
    out->doc.outline = calloc(counted->noutline ? counted->noutline : 1,
                              sizeof *out->doc.outline);
    out->repaired = malloc(d->repaired ? d->repaired : 1);
    return out->doc.pages && out->lines && out->doc.outline && out->repaired;
}

static int decode_ok(const char *path, shelf_pdf_read *out, shelf_err *err)
{
    const uint8_t *start = out->body.data + 1, *end = out->body.data + out->body.len;
    shelf_pdfdoc counted = {0};
    decoder d = {start, end, false, 0, 0, out};
    if (!read_document(&d, &counted))
        return crashed(path, err);
    if (counted.npages == 0)
        return shelf_errf(err, SHELF_ESKIP, "%s: damaged PDF: no pages", path);
    if (!allocate(out, &counted, &d))
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the PDF", path);
    decoder fill = {start, end, true, 0, 0, out};
    if (!read_document(&fill, &out->doc))
        return crashed(path, err); /* cannot happen: the same bytes passed */
    return SHELF_OK;
}

static int decode_body(const char *path, shelf_pdf_read *out, shelf_err *err)
{
    if (out->body.len == 0) /* then data may be NULL: no pointer arithmetic on it */
        return crashed(path, err);
    decoder d = {out->body.data, out->body.data + out->body.len, false, 0, 0, out};
    uint8_t kind;
    const char *s;
    size_t n;
    if (!read_u8(&d, &kind))
        return crashed(path, err);
    if (kind == SHELF_PDF_RESULT_ENCRYPTED)
        return shelf_errf(err, SHELF_ESKIP, "%s: encrypted PDF (needs a password)", path);
    if (kind == SHELF_PDF_RESULT_DAMAGED && read_raw32(&d, &s, &n)) {
        char reason[3 * REASON_SHOWN + 1];
        bool clean;
        size_t len = repair(s, n < REASON_SHOWN ? n : REASON_SHOWN, reason, &clean);
        len = shelf_utf8_prefix_within((const uint8_t *)reason, len, REASON_SHOWN);
        return shelf_errf(err, SHELF_ESKIP, "%s: damaged PDF: %.*s", path, (int)len, reason);
    }
    if (kind != SHELF_PDF_RESULT_OK)
        return crashed(path, err);
    return decode_ok(path, out, err);
}

int shelf_pdf_decode(const char *path, shelf_buf *body, shelf_pdf_read *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    out->body = *body;
    *body = (shelf_buf)SHELF_BUF_INIT;
    int rc = decode_body(path, out, err);
    if (rc != SHELF_OK)
        shelf_pdf_read_free(out);
    return rc;
}

void shelf_pdf_read_free(shelf_pdf_read *r)
{
    free(r->doc.pages);
    free(r->doc.outline);
    free(r->lines);
    free(r->repaired);
    shelf_buf_free(&r->body);
    memset(r, 0, sizeof *r);
}
