/*
 * fuzz_zipdoc.c - the zip format readers (DOCX, ODT, EPUB) over arbitrary
 * bytes: byte 0 picks the reader (0 DOCX, 1 ODT, 2 EPUB, modulo 3), the
 * rest is the file.  One target for the three, so CI's fuzzing time grows
 * by one target's.  The readers run in this process (the _here forms:
 * libzip, libxml2, our XML walks, the text builder and the wire encoding
 * and checking of zipdoc.c, without the fork), so coverage sees them; the
 * three sniffs (zipsniff.c) see the same bytes.
 *
 * Checked, per zipdoc.h and wptext.h:
 *   - an error is SHELF_ESKIP (or SHELF_ENOMEM) with a message starting
 *     with the path, and leaves the output empty;
 *   - otherwise the text is non-empty, valid UTF-8, NUL-terminated, without
 *     NUL bytes, with no blank line at its start or end and never two blank
 *     lines in a row;
 *   - the layout is structured, paragraph-cited, unpaged, without source
 *     map, and survives encoding and decoding (fuzz_check_layout);
 *   - title and author are NULL or non-empty valid UTF-8; the date is NULL
 *     or "YYYY", "YYYY-MM" or "YYYY-MM-DD".
 */
#include <string.h>

#include "extract/extract.h"
#include "fuzz.h"

#define TARGET "zipdoc"
#define PATH "fuzz.zip"

typedef int (*reader_fn)(const char *path, const char *data, size_t len, shelf_doctext *out,
                         shelf_err *err);

static void check_failure(int rc, const shelf_doctext *d, const shelf_err *err)
{
    fuzz_require(rc == SHELF_ESKIP || rc == SHELF_ENOMEM, TARGET, err->msg);
    fuzz_require(strncmp(err->msg, PATH, strlen(PATH)) == 0, TARGET,
                 "the message does not start with the path");
    fuzz_require(!d->text && !d->title && !d->author && !d->date && d->layout.nheadings == 0,
                 TARGET, "output not empty after an error");
}

static void check_text(const shelf_doctext *d)
{
    const char *t = d->text;
    size_t n = d->len;
    fuzz_require(t && n > 0 && t[n] == '\0', TARGET, "text empty or not NUL-terminated");
    fuzz_require(memchr(t, '\0', n) == NULL, TARGET, "NUL byte in the text");
    fuzz_require(fuzz_utf8_valid(t, n), TARGET, "text is not valid UTF-8");
    fuzz_require(t[0] != '\n' && t[n - 1] != '\n', TARGET, "blank line at the start or end");
    for (size_t i = 0; i + 2 < n; i++)
        fuzz_require(!(t[i] == '\n' && t[i + 1] == '\n' && t[i + 2] == '\n'), TARGET,
                     "two blank lines in a row");
}

static void check_metadata(const shelf_doctext *d)
{
    if (d->title)
        fuzz_require(d->title_len > 0 && fuzz_utf8_valid(d->title, d->title_len), TARGET,
                     "title empty or not UTF-8");
    if (d->author)
        fuzz_require(d->author[0] && fuzz_utf8_valid(d->author, strlen(d->author)), TARGET,
                     "author empty or not UTF-8");
    if (!d->date)
        return;
    size_t n = strlen(d->date);
    bool ok = n == 4 || n == 7 || n == 10;
    for (size_t i = 0; ok && i < n; i++)
        ok = i == 4 || i == 7 ? d->date[i] == '-' : d->date[i] >= '0' && d->date[i] <= '9';
    fuzz_require(ok, TARGET, "date not YYYY, YYYY-MM or YYYY-MM-DD");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const reader_fn readers[] = {shelf_extract_docx_here, shelf_extract_odt_here,
                                        shelf_extract_epub_here};
    if (size < 1)
        return 0;
    const char *bytes = (const char *)data + 1;
    shelf_reader_docx.sniff(bytes, size - 1);
    shelf_reader_odt.sniff(bytes, size - 1);
    shelf_reader_epub.sniff(bytes, size - 1);
    reader_fn read = readers[data[0] % 3];
    shelf_doctext d;
    shelf_err err = {0};
    int rc = read(PATH, bytes, size - 1, &d, &err);
    if (rc != SHELF_OK) {
        check_failure(rc, &d, &err);
        return 0;
    }
    check_text(&d);
    const shelf_layout *l = &d.layout;
    fuzz_require(l->structured && l->paragraph_cited && l->npages == 0 && l->nanchors == 0, TARGET,
                 "layout not structured, paragraph-cited and unpaged without source map");
    fuzz_check_layout(TARGET, l, d.len);
    check_metadata(&d);
    shelf_doctext_free(&d);
    return 0;
}
