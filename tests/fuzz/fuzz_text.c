/*
 * fuzz_text.c - the plain-text decoder (shelf_decode_text) and the title
 * rule (shelf_title_of) over arbitrary bytes.
 *
 * Checked, per extract.h and encoding.c's rules:
 *   - an error is SHELF_ESKIP (binary) and leaves the output all zero;
 *   - otherwise the text is NUL-terminated, carries no title and an empty,
 *     unstructured layout; it is valid UTF-8 unless invalid_utf8 is set,
 *     which only UTF-8 input can set;
 *   - input that is valid UTF-8 without a byte-order mark and does not
 *     look binary comes out byte for byte, as UTF-8;
 *   - the title of the text lies inside it (or is the fallback), is at most
 *     SHELF_TITLE_MAX_BYTES, and is valid UTF-8 when the text is.
 */
#include <string.h>

#include "extract/extract.h"
#include "fuzz.h"

#define TARGET "text"

static const char FALLBACK[] = "fuzz.txt";

static bool starts_with_bom(const uint8_t *d, size_t n)
{
    return (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) ||
           (n >= 2 && d[0] == 0xFF && d[1] == 0xFE) || (n >= 2 && d[0] == 0xFE && d[1] == 0xFF);
}

static void check_failure(int rc, const shelf_doctext *d, const shelf_err *err)
{
    fuzz_require(rc == SHELF_ESKIP, TARGET, "an error other than 'skipped'");
    fuzz_require(err->code == rc && strncmp(err->msg, FALLBACK, strlen(FALLBACK)) == 0, TARGET,
                 "the message does not start with the path");
    fuzz_require(!d->text && d->len == 0 && !d->title && d->layout.npages == 0 &&
                     d->layout.nheadings == 0, TARGET, "output not empty after an error");
}

static void check_title(const char *text, size_t len, bool valid)
{
    size_t n = 0;
    const char *t = shelf_title_of(text, len, FALLBACK, &n);
    if (t == FALLBACK) {
        fuzz_require(n == strlen(FALLBACK), TARGET, "fallback title with a wrong length");
        return;
    }
    fuzz_require(t >= text && t <= text + len && n <= (size_t)(text + len - t), TARGET,
                 "title outside the text");
    fuzz_require(n >= 1 && n <= SHELF_TITLE_MAX_BYTES, TARGET, "title length out of 1..200");
    fuzz_require(!valid || fuzz_utf8_valid(t, n), TARGET, "title of valid text is not valid UTF-8");
}

static void check_success(const uint8_t *data, size_t size, const shelf_doctext *d)
{
    fuzz_require(d->text != NULL && d->text[d->len] == '\0', TARGET, "text not NUL-terminated");
    fuzz_require(!d->title && d->layout.npages == 0 && d->layout.nheadings == 0 &&
                     !d->layout.structured, TARGET, "plain text with a title or a layout");
    fuzz_require(d->encoding <= SHELF_ENC_CP1252, TARGET, "unexpected encoding");
    bool valid = fuzz_utf8_valid(d->text, d->len);
    fuzz_require(valid || d->invalid_utf8, TARGET, "invalid UTF-8 without invalid_utf8");
    fuzz_require(!d->invalid_utf8 || d->encoding == SHELF_ENC_UTF8, TARGET,
                 "invalid_utf8 set on converted text");
    if (!starts_with_bom(data, size) && fuzz_utf8_valid((const char *)data, size))
        fuzz_require(d->encoding == SHELF_ENC_UTF8 && d->len == size &&
                         memcmp(d->text, data, size) == 0, TARGET,
                     "valid UTF-8 did not come out unchanged");
    check_title(d->text, d->len, valid);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shelf_doctext d;
    shelf_err err = {0};
    const char *bytes = (const char *)data; /* exactly size bytes: ASan sees over-reads */
    int rc = shelf_decode_text(FALLBACK, bytes, size, &d, &err);
    if (rc == SHELF_OK)
        check_success(data, size, &d);
    else
        check_failure(rc, &d, &err);
    if (!starts_with_bom(data, size) && shelf_looks_binary(bytes, size))
        fuzz_require(rc == SHELF_ESKIP, TARGET, "binary-looking bytes were not skipped");
    shelf_doctext_free(&d);
    return 0;
}
