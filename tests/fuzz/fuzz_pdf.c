/*
 * fuzz_pdf.c - the PDF reader (shelf_extract_pdf, with a 2 s budget) over
 * arbitrary bytes.  Poppler runs in a child process per input (pdf.c), so
 * coverage grows only in the parent's side: the result decoding
 * (pdf_decode.c; fuzz_pdfwire feeds it directly), the structure rules
 * (pdfstruct.c) and the page layout; what is checked is that side's
 * contract:
 *   - an error is SHELF_ESKIP with a message starting with the path (a
 *     damaged, encrypted, empty, slow or crashing PDF), leaving the output
 *     empty;
 *   - otherwise the text is valid UTF-8, NUL-terminated, free of CR, of C0
 *     controls other than tab and LF and of DEL, with no space or tab at a
 *     line's end; the encoding is UTF-8;
 *   - the layout is paged and structured (a PDF's sections are its
 *     headings): page starts strictly ascend from 0 and each page owns at
 *     least one byte; it survives encoding and decoding (fuzz_check_layout);
 *   - the title and author are NULL or non-empty, trimmed and free of
 *     controls; the date is NULL or "YYYY-MM-DD".
 */
#include <string.h>

#include "extract/extract.h"
#include "fuzz.h"

#define TARGET "pdf"
#define PATH "fuzz.pdf"
#define BUDGET_MS 2000

static void check_failure(int rc, const shelf_doctext *d, const shelf_err *err)
{
    fuzz_require(rc == SHELF_ESKIP, TARGET, err->msg);
    fuzz_require(strncmp(err->msg, PATH, strlen(PATH)) == 0, TARGET,
                 "the message does not start with the path");
    fuzz_require(!d->text && !d->title && !d->author && !d->date && d->layout.npages == 0, TARGET,
                 "output not empty after an error");
}

static bool is_control(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7F;
}

static void check_text(const shelf_doctext *d)
{
    fuzz_require(d->text != NULL && d->text[d->len] == '\0', TARGET, "text not NUL-terminated");
    fuzz_require(fuzz_utf8_valid(d->text, d->len), TARGET, "text is not valid UTF-8");
    fuzz_require(d->encoding == SHELF_ENC_UTF8 && !d->invalid_utf8, TARGET, "encoding not UTF-8");
    for (size_t i = 0; i < d->len; i++) {
        unsigned char c = (unsigned char)d->text[i];
        fuzz_require(!is_control(c), TARGET, "control character in the text");
        if (c == '\n' && i > 0)
            fuzz_require(d->text[i - 1] != ' ' && d->text[i - 1] != '\t', TARGET,
                         "a line ends in white space");
    }
}

static void check_layout(const shelf_doctext *d)
{
    const shelf_layout *l = &d->layout;
    fuzz_require(l->structured && l->npages >= 1, TARGET,
                 "PDF layout not paged, or not structured (its headings are its sections)");
    fuzz_check_layout(TARGET, l, d->len);
    fuzz_require(l->pages[l->npages - 1] < d->len, TARGET, "the last page owns no byte");
}

static void check_clean(const char *s, size_t n, const char *what)
{
    if (!s)
        return;
    fuzz_require(n > 0 && fuzz_utf8_valid(s, n), TARGET, what);
    for (size_t i = 0; i < n; i++)
        fuzz_require(!is_control((unsigned char)s[i]) && s[i] != '\n', TARGET, what);
    fuzz_require(s[0] != ' ' && s[n - 1] != ' ', TARGET, what);
}

static void check_metadata(const shelf_doctext *d)
{
    check_clean(d->title, d->title_len, "title empty, untrimmed, not UTF-8 or with controls");
    check_clean(d->author, d->author ? strlen(d->author) : 0,
                "author empty, untrimmed, not UTF-8 or with controls");
    if (!d->date)
        return;
    bool ok = strlen(d->date) == 10;
    for (size_t i = 0; ok && i < 10; i++)
        ok = i == 4 || i == 7 ? d->date[i] == '-' : d->date[i] >= '0' && d->date[i] <= '9';
    fuzz_require(ok, TARGET, "date not YYYY-MM-DD");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shelf_doctext d;
    shelf_err err = {0};
    int rc = shelf_extract_pdf(PATH, (const char *)data, size, BUDGET_MS, &d, &err);
    if (rc != SHELF_OK) {
        check_failure(rc, &d, &err);
        return 0;
    }
    check_text(&d);
    check_layout(&d);
    check_metadata(&d);
    shelf_doctext_free(&d);
    return 0;
}
