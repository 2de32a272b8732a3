/*
 * fuzz_markdown.c - the Markdown reader (shelf_extract_markdown) over
 * arbitrary bytes, decoded first as the indexer does (shelf_decode_text;
 * bytes it skips as binary go no further).
 *
 * Checked, per markdown.c's invariants:
 *   - it succeeds (only running out of memory may fail);
 *   - the text is NUL-terminated, has exactly the source's number of line
 *     endings (\n, \r\n and \r each count one) as '\n', and no line ends in
 *     white space (space, tab, VT, FF);
 *   - valid UTF-8 in gives valid UTF-8 out (text and title);
 *   - the layout is structured and unpaged, its headings non-empty,
 *     ascending, not overlapping, inside the text, and it survives encoding
 *     and decoding (fuzz_check_layout).
 */
#include <string.h>

#include "extract/extract.h"
#include "fuzz.h"

#define TARGET "markdown"
#define PATH "fuzz.md"

static size_t source_line_endings(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') {
            n++;
        } else if (s[i] == '\r') {
            n++;
            if (i + 1 < len && s[i + 1] == '\n')
                i++;
        }
    }
    return n;
}

static bool is_line_space(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static void check_lines(const shelf_doctext *src, const shelf_doctext *md)
{
    size_t newlines = 0;
    for (size_t i = 0; i < md->len; i++) {
        if (md->text[i] != '\n')
            continue;
        newlines++;
        fuzz_require(i == 0 || !is_line_space(md->text[i - 1]), TARGET, "a line ends in white space");
    }
    fuzz_require(md->len == 0 || !is_line_space(md->text[md->len - 1]), TARGET,
                 "the last line ends in white space");
    fuzz_require(newlines == source_line_endings(src->text, src->len), TARGET,
                 "line endings differ from the source's");
}

static void check_output(const shelf_doctext *src, const shelf_doctext *md)
{
    fuzz_require(md->text != NULL && md->text[md->len] == '\0', TARGET, "text not NUL-terminated");
    check_lines(src, md);
    if (fuzz_utf8_valid(src->text, src->len)) {
        fuzz_require(fuzz_utf8_valid(md->text, md->len), TARGET, "valid UTF-8 in, invalid out");
        fuzz_require(!md->title || fuzz_utf8_valid(md->title, md->title_len), TARGET,
                     "valid UTF-8 in, invalid title out");
    }
    fuzz_require(md->layout.structured && md->layout.npages == 0, TARGET,
                 "Markdown layout not structured or paged");
    fuzz_check_layout(TARGET, &md->layout, md->len);
    for (size_t i = 0; i < md->layout.nheadings; i++)
        fuzz_require(md->layout.headings[i].len > 0, TARGET, "empty heading");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shelf_doctext plain, md;
    shelf_err err = {0};
    if (shelf_decode_text(PATH, (const char *)data, size, &plain, &err) != SHELF_OK)
        return 0;
    int rc = shelf_extract_markdown(PATH, plain.text, plain.len, &md, &err);
    fuzz_require(rc == SHELF_OK, TARGET, err.msg);
    check_output(&plain, &md);
    shelf_doctext_free(&md);
    shelf_doctext_free(&plain);
    return 0;
}
