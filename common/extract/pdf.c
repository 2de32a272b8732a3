/*
 * pdf.c - the text, title and page layout of a PDF, read with poppler-glib
 * in a child process.
 *
 * As a row of the readers table (.pdf): chosen by content when "%PDF-"
 * occurs within the first 1 KiB (whatever the name), never by the name
 * alone; sandboxed, so it gets the whole file up to SHELF_MAX_PDF_BYTES, and
 * a budget of SHELF_PDF_BUDGET_MS.
 *
 * Isolation.  Poppler parses untrusted bytes and can crash, hang or run away
 * with memory on a damaged file.  So all poppler work happens in a child
 * process made by shelf_sandbox_collect (util/sandbox.h: no inherited
 * descriptors, output silenced, no core dumps, a time budget, every child
 * reaped) on the inherited copy of `data`, with its address space capped at
 * what it started with + 1 GiB + 2 x the result limit (not under
 * AddressSanitizer).  The parent never calls poppler or glib, so no poppler
 * state or lock is ever shared with a child (each child initialises poppler
 * afresh: ~15 ms).
 *
 * The result the child sends (the sandbox frames it; integers
 * little-endian):
 *   kind:u8 = RESULT_OK:        title_len:u32 title  npages:u32
 *                               npages x (len:u32 text  len:u32 label)
 *                               (raw poppler text and page label)
 *           | RESULT_ENCRYPTED
 *           | RESULT_DAMAGED:   len:u32 reason
 * The parent accepts at most 64 x the input size + 1 MiB of body (the child
 * stops at the same bound): a longer one is "damaged PDF: extracted text too
 * large"; a truncated or malformed result, a non-zero exit or a death by a
 * signal is "PDF reader crashed (damaged PDF?)".
 *
 * Errors, all SHELF_ESKIP with a message that starts with the path:
 * "encrypted PDF (needs a password)" (an empty user password opens fine),
 * "damaged PDF: <reason>", "no text layer (image-only PDF?)", "PDF took
 * longer than N s to read (skipped)", "PDF reader crashed (damaged PDF?)";
 * SHELF_EIO when no pipe or process can be made, SHELF_ENOMEM.  On error
 * *out holds nothing.
 *
 * The budget.  The parent waits at most budget_ms of wall-clock time from
 * the fork (0 means no limit); over budget the child is killed and the file
 * is skipped.
 *
 * The text (built by the parent from the raw page texts):
 *   - each page is normalised: CRLF and CR become LF; C0 controls other
 *     than tab and LF (form feeds included) and DEL become spaces; invalid
 *     UTF-8 bytes become U+FFFD; white space at the end of each line is
 *     removed (indentation is kept); runs of blank lines become one blank
 *     line; blank lines at the start and end of the page are removed;
 *   - pages are joined so that each starts a new paragraph: a page with text
 *     is followed by exactly one blank line ("\n\n") unless it is the last
 *     page; an empty page is a single "\n" (so every page owns at least one
 *     byte and the page starts stay strictly ascending: each empty page adds
 *     one extra blank line between its neighbours);
 *   - layout.pages[i] is the byte offset where page i+1 begins (the first is
 *     0); layout.structured is false (sections come from the plain-text
 *     heading rule);
 *   - page labels: poppler's label of each page (the PDF's /PageLabels, or
 *     the physical number where it has none), cleaned like the title and
 *     cut to SHELF_PAGE_LABEL_MAX_BYTES; kept in the layout only when some
 *     label differs from its physical number (roman front matter, body
 *     numbering restarting at 1), so a PDF without labels stores none.
 * A document whose pages are all empty is skipped ("no text layer").  The
 * title is the metadata title with controls turned to spaces and outer
 * white space trimmed, or NULL when that leaves nothing.  The text is valid
 * UTF-8 and NUL-terminated; encoding is SHELF_ENC_UTF8.
 */
#include "extract/readers.h"

#include <glib.h>
#include <poppler.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/sandbox.h"
#include "util/utf8.h"

#define RESULT_GROWTH 64                  /* body bytes allowed per input byte */
#define RESULT_SLACK ((size_t)1 << 20)    /* plus this much */
#define CHILD_MEMORY_HEADROOM ((size_t)1 << 30) /* address space for poppler */
#define SIGNATURE_SNIFF_BYTES 1024            /* "%PDF-" is looked for this far */

enum result_kind { RESULT_OK = 0, RESULT_ENCRYPTED = 1, RESULT_DAMAGED = 2 };

static size_t result_limit(size_t input_len)
{
    if (input_len > (SIZE_MAX - RESULT_SLACK) / RESULT_GROWTH)
        return SIZE_MAX;
    return input_len * RESULT_GROWTH + RESULT_SLACK;
}

/* The child's address space on top of its start: room for poppler plus
 * twice the result limit (SIZE_MAX, no cap, when that overflows). */
static size_t memory_headroom(size_t input_len)
{
    size_t extra = result_limit(input_len);
    if (extra > (SIZE_MAX - CHILD_MEMORY_HEADROOM) / 2)
        return SIZE_MAX;
    return CHILD_MEMORY_HEADROOM + 2 * extra;
}

/* ------------------------------------------------------------------------
 * The child: parse with poppler, encode the result (the sandbox sends it).
 * ------------------------------------------------------------------------ */

static int put_bytes32(shelf_buf *b, const char *s, size_t n)
{
    if (n > UINT32_MAX)
        return SHELF_ENOMEM;
    if (shelf_buf_put_u32le(b, (uint32_t)n) != SHELF_OK)
        return SHELF_ENOMEM;
    return shelf_buf_append(b, s, n);
}

static int encode_damaged(shelf_buf *body, const char *reason)
{
    shelf_buf_reset(body);
    if (shelf_buf_put_u8(body, RESULT_DAMAGED) != SHELF_OK)
        return SHELF_ENOMEM;
    return put_bytes32(body, reason, strlen(reason));
}

/* The page count and each page's raw text and label into body; false when the body
 * would exceed limit or memory runs out. */
static bool encode_pages(PopplerDocument *doc, shelf_buf *body, size_t limit)
{
    int n = poppler_document_get_n_pages(doc);
    if (shelf_buf_put_u32le(body, (uint32_t)(n > 0 ? n : 0)) != SHELF_OK)
        return false;
    for (int i = 0; i < n; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        char *text = page ? poppler_page_get_text(page) : NULL;
        char *label = page ? poppler_page_get_label(page) : NULL;
        size_t tlen = text ? strlen(text) : 0;
        size_t llen = label ? strlen(label) : 0;
        bool ok = tlen <= limit && llen <= limit - tlen && body->len <= limit - tlen - llen &&
                  put_bytes32(body, text ? text : "", tlen) == SHELF_OK &&
                  put_bytes32(body, label ? label : "", llen) == SHELF_OK;
        g_free(text);
        g_free(label);
        if (page)
            g_object_unref(page);
        if (!ok)
            return false;
    }
    return true;
}

/* Why poppler could not open the file, in words that follow "damaged PDF: ". */
static const char *damage_reason(GError *gerr)
{
    if (!gerr || !gerr->message || !*gerr->message)
        return "cannot be opened";
    if (g_error_matches(gerr, POPPLER_ERROR, POPPLER_ERROR_DAMAGED))
        return "the file structure is broken"; /* poppler: "PDF document is damaged" */
    if (gerr->message[0] >= 'A' && gerr->message[0] <= 'Z')
        gerr->message[0] = (char)(gerr->message[0] - 'A' + 'a');
    return gerr->message;
}

/* The bytes a child reads: the inherited copy of the caller's data. */
typedef struct pdf_input {
    const char *data;
    size_t len;
} pdf_input;

/* The sandbox's produce(): runs in the child, which exits right after, so
 * nothing poppler allocated is freed. */
static int encode_document(void *ctx, shelf_buf *body)
{
    const pdf_input *in = ctx;
    GError *gerr = NULL;
    GBytes *bytes = g_bytes_new_static(in->data, in->len);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    if (!doc) {
        if (gerr && g_error_matches(gerr, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
            return shelf_buf_put_u8(body, RESULT_ENCRYPTED);
        return encode_damaged(body, damage_reason(gerr));
    }
    char *title = poppler_document_get_title(doc);
    if (shelf_buf_put_u8(body, RESULT_OK) != SHELF_OK ||
        put_bytes32(body, title ? title : "", title ? strlen(title) : 0) != SHELF_OK)
        return SHELF_ENOMEM;
    if (!encode_pages(doc, body, result_limit(in->len)))
        return encode_damaged(body, "extracted text too large");
    return SHELF_OK;
}

/* ------------------------------------------------------------------------
 * The parent: run the child in the sandbox, turn its end into our errors.
 * ------------------------------------------------------------------------ */

/* Run the reader on data.  On SHELF_OK *body holds the child's complete
 * result. */
static int run_reader(const char *path, const char *data, size_t len, unsigned budget_ms,
                      shelf_buf *body, shelf_err *err)
{
    pdf_input in = {data, len};
    shelf_sandbox_job job = {.produce = encode_document,
                             .ctx = &in,
                             .budget_ms = budget_ms,
                             .max_result = result_limit(len),
                             .memory_headroom = memory_headroom(len),
                             .subject = path,
                             .worker = "the PDF reader"};
    shelf_collected got;
    int rc = shelf_sandbox_collect(&job, &got, err);
    if (rc == SHELF_ENOMEM)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the PDF", path);
    if (rc != SHELF_OK)
        return rc;
    switch (got.end) {
    case SHELF_COLLECT_COMPLETE:
        *body = got.result;
        return SHELF_OK;
    case SHELF_COLLECT_TIMED_OUT:
        return shelf_errf(err, SHELF_ESKIP, "%s: PDF took longer than %g s to read (skipped)",
                          path, budget_ms / 1000.0);
    case SHELF_COLLECT_TOO_LARGE:
        return shelf_errf(err, SHELF_ESKIP, "%s: damaged PDF: extracted text too large", path);
    default:
        return shelf_errf(err, SHELF_ESKIP, "%s: PDF reader crashed (damaged PDF?)", path);
    }
}

/* ------------------------------------------------------------------------
 * Decoding the result and building the text.
 * ------------------------------------------------------------------------ */

typedef struct reader {
    const uint8_t *p, *end;
} reader;

static bool read_u8(reader *r, uint8_t *v)
{
    if (r->p == r->end)
        return false;
    *v = *r->p++;
    return true;
}

static bool read_u32(reader *r, uint32_t *v)
{
    if (r->end - r->p < 4)
        return false;
    *v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
         (uint32_t)r->p[3] << 24;
    r->p += 4;
    return true;
}

static bool read_bytes32(reader *r, const char **s, size_t *n)
{
    uint32_t len;
    if (!read_u32(r, &len) || (size_t)(r->end - r->p) < len)
        return false;
    *s = (const char *)r->p;
    *n = len;
    r->p += len;
    return true;
}

static bool is_control(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7F;
}

/* Copy one character from s[*i] to dst (which has room for 4 bytes):
 * valid UTF-8 as is, an invalid byte as U+FFFD.  Returns bytes written. */
static size_t copy_char(const char *s, size_t n, size_t *i, char *dst)
{
    int32_t cp;
    size_t k = shelf_utf8_decode((const uint8_t *)s, n, *i, &cp);
    if (cp == SHELF_UTF8_INVALID) {
        memcpy(dst, "\xEF\xBF\xBD", 3);
        *i += 1;
        return 3;
    }
    memcpy(dst, s + *i, k);
    *i += k;
    return k;
}

/* Append the normalised text of one page (rules in the header) at dst,
 * which has room for 3 * n bytes.  Returns the bytes written. */
static size_t normalise_page(const char *s, size_t n, char *dst)
{
    size_t o = 0, i = 0;
    size_t newlines = 0;        /* line ends since the last text written */
    size_t ws_start = 0, ws_len = 0; /* pending white space run in s */
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r' || c == '\n') {
            i += (c == '\r' && i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
            ws_len = 0; /* trailing white space: dropped */
            if (o > 0)
                newlines++;
            continue;
        }
        if (c == ' ' || c == '\t' || is_control(c)) {
            if (ws_len == 0)
                ws_start = i;
            ws_len++;
            i++;
            continue;
        }
        for (size_t k = newlines > 2 ? 2 : newlines; k > 0; k--) /* one blank line at most */
            dst[o++] = '\n';
        newlines = 0;
        for (size_t k = 0; k < ws_len; k++)
            dst[o++] = s[ws_start + k] == '\t' ? '\t' : ' ';
        ws_len = 0;
        o += copy_char(s, n, &i, dst + o);
    }
    return o;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Titles that PDF producers write when the author gave none: such a title
 * says nothing about the document, so the first line is used instead. */
static bool is_placeholder_title(const char *t, size_t n)
{
    static const char *const placeholders[] = {"untitled", "enscript output", "title",
                                               "document", "microsoft word"};
    for (size_t i = 0; i < sizeof placeholders / sizeof *placeholders; i++) {
        size_t m = strlen(placeholders[i]);
        if (n >= m && strncasecmp(t, placeholders[i], m) == 0 &&
            (n == m || strncmp(t + m, " -", 2) == 0))
            return true;
    }
    return false;
}

/* Metadata text (a title, a page label) as shown: controls to spaces,
 * invalid UTF-8 to U+FFFD, outer white space trimmed.  dst has room for
 * 3 * n bytes; returns the length written (not NUL-terminated). */
static size_t clean_metadata_text(const char *s, size_t n, char *dst)
{
    size_t o = 0, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F) {
            dst[o++] = ' ';
            i++;
        } else {
            o += copy_char(s, n, &i, dst + o);
        }
    }
    size_t a = 0;
    while (a < o && is_blank(dst[a]))
        a++;
    while (o > a && is_blank(dst[o - 1]))
        o--;
    memmove(dst, dst + a, o - a);
    return o - a;
}

/* The metadata title, cleaned; NULL when empty or a producer's placeholder
 * ("Untitled", "Enscript Output", "Microsoft Word - draft.docx"). */
static int build_title(const char *path, const char *s, size_t n, shelf_doctext *out,
                       shelf_err *err)
{
    char *t = malloc(n * 3 + 1);
    if (!t)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the PDF", path);
    size_t len = clean_metadata_text(s, n, t);
    if (len == 0 || is_placeholder_title(t, len)) {
        free(t);
        return SHELF_OK;
    }
    t[len] = '\0';
    out->title = t;
    out->title_len = len;
    return SHELF_OK;
}

/* The next page's label, cleaned and cut to SHELF_PAGE_LABEL_MAX_BYTES
 * (a longer raw label is cut first, so the work stays bounded). */
static int add_label(shelf_layout *l, const char *s, size_t n)
{
    enum { RAW_MAX = SHELF_PAGE_LABEL_MAX_BYTES + 4 }; /* a little over: trimming may shorten */
    char clean[3 * RAW_MAX];
    size_t len = clean_metadata_text(s, n < RAW_MAX ? n : RAW_MAX, clean);
    len = shelf_utf8_prefix_within((const uint8_t *)clean, len, SHELF_PAGE_LABEL_MAX_BYTES);
    return shelf_layout_add_label(l, clean, len);
}

/* The pages of an OK result, joined (rules in the header), into out. */
static int build_text(const char *path, reader *r, size_t body_len, shelf_doctext *out,
                      shelf_err *err)
{
    uint32_t npages;
    if (!read_u32(r, &npages) || npages > (size_t)(r->end - r->p) / 8)
        return shelf_errf(err, SHELF_ESKIP, "%s: PDF reader crashed (damaged PDF?)", path);
    if (npages == 0)
        return shelf_errf(err, SHELF_ESKIP, "%s: damaged PDF: no pages", path);
    if (body_len > (SIZE_MAX - 1) / 4)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the PDF", path);
    size_t cap = body_len * 3 + (size_t)npages * 2 + 1; /* see normalise_page */
    out->text = malloc(cap);
    if (!out->text)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the PDF", path);
    size_t len = 0;
    bool any_text = false;
    for (uint32_t p = 0; p < npages; p++) {
        const char *s, *label;
        size_t n, label_len;
        if (!read_bytes32(r, &s, &n) || !read_bytes32(r, &label, &label_len))
            return shelf_errf(err, SHELF_ESKIP, "%s: PDF reader crashed (damaged PDF?)", path);
        if (shelf_layout_add_page(&out->layout, len) != SHELF_OK ||
            add_label(&out->layout, label, label_len) != SHELF_OK)
            return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the PDF", path);
        size_t wrote = normalise_page(s, n, out->text + len);
        len += wrote;
        any_text |= wrote > 0;
        if (wrote == 0)
            out->text[len++] = '\n';
        else if (p + 1 < npages) {
            out->text[len++] = '\n';
            out->text[len++] = '\n';
        }
    }
    if (!any_text)
        return shelf_errf(err, SHELF_ESKIP, "%s: no text layer (image-only PDF?)", path);
    shelf_layout_drop_physical_labels(&out->layout);
    out->text[len] = '\0';
    out->len = len;
    char *shrunk = realloc(out->text, len + 1);
    if (shrunk)
        out->text = shrunk;
    return SHELF_OK;
}

static int decode_result(const char *path, const uint8_t *body, size_t body_len,
                         shelf_doctext *out, shelf_err *err)
{
    reader r = {body, body + body_len};
    uint8_t kind;
    const char *s;
    size_t n;
    if (!read_u8(&r, &kind))
        return shelf_errf(err, SHELF_ESKIP, "%s: PDF reader crashed (damaged PDF?)", path);
    if (kind == RESULT_ENCRYPTED)
        return shelf_errf(err, SHELF_ESKIP, "%s: encrypted PDF (needs a password)", path);
    if (kind == RESULT_DAMAGED && read_bytes32(&r, &s, &n)) {
        size_t shown = n > 200 ? 200 : n;
        return shelf_errf(err, SHELF_ESKIP, "%s: damaged PDF: %.*s", path, (int)shown, s);
    }
    if (kind != RESULT_OK || !read_bytes32(&r, &s, &n))
        return shelf_errf(err, SHELF_ESKIP, "%s: PDF reader crashed (damaged PDF?)", path);
    int rc = build_title(path, s, n, out, err);
    return rc != SHELF_OK ? rc : build_text(path, &r, body_len, out, err);
}

int shelf_extract_pdf(const char *path, const char *data, size_t len, unsigned budget_ms,
                      shelf_doctext *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    shelf_buf body = SHELF_BUF_INIT;
    int rc = run_reader(path, data, len, budget_ms, &body, err);
    if (rc != SHELF_OK)
        return rc;
    out->layout = (shelf_layout)SHELF_LAYOUT_INIT;
    out->encoding = SHELF_ENC_UTF8;
    rc = decode_result(path, body.data, body.len, out, err);
    shelf_buf_free(&body);
    if (rc != SHELF_OK)
        shelf_doctext_free(out);
    return rc;
}

static shelf_sniff sniff_pdf(const char *data, size_t len)
{
    size_t n = len < SIGNATURE_SNIFF_BYTES ? len : SIGNATURE_SNIFF_BYTES;
    for (size_t i = 0; i + 5 <= n; i++)
        if (memcmp(data + i, "%PDF-", 5) == 0)
            return SHELF_SNIFF_YES;
    return SHELF_SNIFF_NO;
}

static int read_pdf(const char *path, const char *data, size_t len, shelf_doctext *out,
                    shelf_err *err)
{
    return shelf_extract_pdf(path, data, len, SHELF_PDF_BUDGET_MS, out, err);
}

static const char *const pdf_extensions[] = {".pdf", NULL};

const shelf_reader shelf_reader_pdf = {
    .format = SHELF_FORMAT_PDF,
    .name = "pdf",
    .label = "PDF",
    .extensions = pdf_extensions,
    .sniff = sniff_pdf,
    .extract = read_pdf,
    .sandboxed = true,
    .max_file_bytes = SHELF_MAX_PDF_BYTES,
};
