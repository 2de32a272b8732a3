/*
 * fuzz_pdfwire.c - the parent's decoder of the PDF reader's result
 * (shelf_pdf_decode, pdf_decode.c) over arbitrary bytes, as a subverted
 * child could send them.  Checked:
 *   - an error is SHELF_ESKIP with a message starting with the path, or
 *     SHELF_ENOMEM, and leaves the read all zero;
 *   - otherwise every string (title, author, labels, lines, outline
 *     titles) is valid UTF-8 without controls or line breaks; numbers are
 *     finite, sizes not negative, boxes ordered; outline levels >= 1 and
 *     pages 0 or within the document; the date is "" or "YYYY-MM-DD";
 *     the document has at least one page.
 */
#include <math.h>
#include <string.h>

#include "extract/pdfwire.h"
#include "fuzz.h"
#include "util/utf8.h"

#define TARGET "pdfwire"
#define PATH "fuzz.pdf"

static void check_string(const char *s, size_t n)
{
    if (n == 0)
        return;
    fuzz_require(s != NULL && fuzz_utf8_valid(s, n), TARGET, "string not valid UTF-8");
    for (size_t i = 0; i < n;) {
        int32_t cp;
        i += shelf_utf8_decode((const uint8_t *)s, n, i, &cp);
        fuzz_require(cp >= 0x20 && cp != 0x7F && cp != 0x85 && cp != 0x2028 && cp != 0x2029,
                     TARGET, "control or line break in a string");
    }
}

static void check_line(const shelf_pdf_line *l)
{
    check_string(l->text, l->len);
    fuzz_require(isfinite(l->x0) && isfinite(l->y0) && isfinite(l->x1) && isfinite(l->y1) &&
                     isfinite(l->font_size),
                 TARGET, "a line's number is not finite");
    fuzz_require(l->x0 <= l->x1 && l->y0 <= l->y1 && l->font_size >= 0, TARGET,
                 "a line's box is unordered or its font size negative");
}

static void check_page(const shelf_pdf_page *p)
{
    fuzz_require(isfinite(p->width) && isfinite(p->height) && p->width >= 0 && p->height >= 0,
                 TARGET, "a page size is not finite or negative");
    check_string(p->label, p->label_len);
    for (size_t i = 0; i < p->nlines; i++)
        check_line(&p->lines[i]);
}

static void check_date(const char *date)
{
    if (!date[0])
        return;
    bool ok = strlen(date) == 10;
    for (size_t i = 0; ok && i < 10; i++)
        ok = i == 4 || i == 7 ? date[i] == '-' : date[i] >= '0' && date[i] <= '9';
    fuzz_require(ok, TARGET, "date not YYYY-MM-DD");
}

static void check_doc(const shelf_pdfdoc *doc)
{
    fuzz_require(doc->npages >= 1, TARGET, "no pages");
    check_string(doc->title, doc->title_len);
    check_string(doc->author, doc->author_len);
    check_date(doc->date);
    for (size_t i = 0; i < doc->npages; i++)
        check_page(&doc->pages[i]);
    for (size_t i = 0; i < doc->noutline; i++) {
        const shelf_pdf_outline_entry *e = &doc->outline[i];
        check_string(e->title, e->title_len);
        fuzz_require(e->level >= 1 && e->page <= doc->npages, TARGET,
                     "outline level 0 or page past the end");
        fuzz_require(isfinite(e->y) && (e->y >= 0 || e->y == -1), TARGET, "outline y not valid");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shelf_buf body = SHELF_BUF_INIT;
    if (shelf_buf_append(&body, data, size) != SHELF_OK)
        return 0;
    shelf_pdf_read r;
    shelf_err err = {0};
    int rc = shelf_pdf_decode(PATH, &body, &r, &err);
    fuzz_require(body.data == NULL, TARGET, "the body was not taken over");
    if (rc != SHELF_OK) {
        fuzz_require(rc == SHELF_ESKIP || rc == SHELF_ENOMEM, TARGET, err.msg);
        fuzz_require(strncmp(err.msg, PATH, strlen(PATH)) == 0, TARGET,
                     "the message does not start with the path");
        fuzz_require(!r.doc.pages && !r.lines && !r.body.data, TARGET,
                     "read not empty after an error");
        return 0;
    }
    check_doc(&r.doc);
    shelf_pdf_read_free(&r);
    return 0;
}
