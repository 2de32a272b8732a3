/*
 * fuzz_html.c - the HTML reader (shelf_sniff_html, shelf_extract_html) over
 * arbitrary bytes.
 *
 * Checked, per html.c's invariants:
 *   - an error is SHELF_ESKIP with a message starting with the path, and
 *     leaves the output empty;
 *   - otherwise the text is valid UTF-8 and NUL-terminated, with no blank
 *     line at its start or end and never two blank lines in a row;
 *   - the title is NULL or valid UTF-8 without white space at its ends;
 *   - the layout is structured, unpaged, its headings non-empty, on one
 *     line, ascending, not overlapping, inside the text, and it survives
 *     encoding and decoding (fuzz_check_layout).
 */
#include <string.h>

#include "extract/extract.h"
#include "fuzz.h"

#define TARGET "html"
#define PATH "fuzz.html"

static bool is_blank_char(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void check_failure(int rc, const shelf_doctext *d, const shelf_err *err)
{
    fuzz_require(rc == SHELF_ESKIP, TARGET, "an error other than 'skipped'");
    fuzz_require(strncmp(err->msg, PATH, strlen(PATH)) == 0, TARGET,
                 "the message does not start with the path");
    fuzz_require(!d->text && !d->title && d->layout.nheadings == 0, TARGET,
                 "output not empty after an error");
}

static void check_blank_lines(const char *t, size_t len)
{
    fuzz_require(len == 0 || (t[0] != '\n' && t[len - 1] != '\n'), TARGET,
                 "blank line at the start or end");
    for (size_t i = 0; i + 2 < len; i++)
        fuzz_require(!(t[i] == '\n' && t[i + 1] == '\n' && t[i + 2] == '\n'), TARGET,
                     "two blank lines in a row");
}

static void check_title(const shelf_doctext *d)
{
    if (!d->title)
        return;
    fuzz_require(d->title_len > 0 && fuzz_utf8_valid(d->title, d->title_len), TARGET,
                 "title empty or not valid UTF-8");
    fuzz_require(!is_blank_char(d->title[0]) && !is_blank_char(d->title[d->title_len - 1]), TARGET,
                 "title not trimmed");
}

static void check_headings(const shelf_doctext *d)
{
    fuzz_require(d->layout.structured && d->layout.npages == 0, TARGET,
                 "HTML layout not structured or paged");
    fuzz_check_layout(TARGET, &d->layout, d->len);
    for (size_t i = 0; i < d->layout.nheadings; i++) {
        const shelf_heading *h = &d->layout.headings[i];
        fuzz_require(h->len > 0, TARGET, "empty heading");
        fuzz_require(memchr(d->text + h->start, '\n', h->len) == NULL, TARGET,
                     "heading spans lines");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = (const char *)data;
    shelf_sniff_html(bytes, size);
    shelf_doctext d;
    shelf_err err = {0};
    int rc = shelf_extract_html(PATH, bytes, size, &d, &err);
    if (rc != SHELF_OK) {
        check_failure(rc, &d, &err);
        return 0;
    }
    fuzz_require(d.text != NULL && d.text[d.len] == '\0', TARGET, "text not NUL-terminated");
    fuzz_require(fuzz_utf8_valid(d.text, d.len), TARGET, "text is not valid UTF-8");
    check_blank_lines(d.text, d.len);
    check_title(&d);
    check_headings(&d);
    shelf_doctext_free(&d);
    return 0;
}
