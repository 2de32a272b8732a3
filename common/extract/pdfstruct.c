/*
 * pdfstruct.c - the structure rules for PDFs (pdfstruct.h): the text, title,
 * author, date and layout of a document from the lines poppler laid out.
 *
 * First version: today's behaviour.  Each page's lines are joined with
 * "\n" (controls to spaces, invalid UTF-8 to U+FFFD, trailing white space
 * removed, empty lines dropped); a page with text is followed by a blank
 * line unless it is the last; an empty page is a single "\n" (page starts
 * stay strictly ascending).  Title: the metadata title cleaned, unless a
 * producer's placeholder.  Author: cleaned metadata author.  Date: copied.
 */
#include "extract/pdfstruct.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"

static int no_memory(const char *path, shelf_err *err)
{
    return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the PDF", path);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Copy one character from s[*i] to dst (room for 4 bytes): valid UTF-8 as
 * is, an invalid byte as U+FFFD.  Returns bytes written. */
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

/* Text as shown: controls to spaces, invalid UTF-8 to U+FFFD, outer white
 * space trimmed.  dst has room for 3 * n bytes; returns the length. */
static size_t clean_text(const char *s, size_t n, char *dst)
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

/* Titles that PDF producers write when the author gave none. */
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

/* A cleaned, owned copy of s (NULL in *dst when it cleans to nothing). */
static int cleaned_copy(const char *s, size_t n, char **dst, size_t *dst_len)
{
    *dst = NULL;
    if (n == 0)
        return SHELF_OK;
    char *t = malloc(n * 3 + 1);
    if (!t)
        return SHELF_ENOMEM;
    size_t len = clean_text(s, n, t);
    if (len == 0) {
        free(t);
        return SHELF_OK;
    }
    t[len] = '\0';
    *dst = t;
    if (dst_len)
        *dst_len = len;
    return SHELF_OK;
}

static int build_metadata(const shelf_pdfdoc *doc, shelf_doctext *out)
{
    if (cleaned_copy(doc->title, doc->title_len, &out->title, &out->title_len) != SHELF_OK)
        return SHELF_ENOMEM;
    if (out->title && is_placeholder_title(out->title, out->title_len)) {
        free(out->title);
        out->title = NULL;
        out->title_len = 0;
    }
    if (cleaned_copy(doc->author, doc->author_len, &out->author, NULL) != SHELF_OK)
        return SHELF_ENOMEM;
    if (doc->date[0]) {
        out->date = strdup(doc->date);
        if (!out->date)
            return SHELF_ENOMEM;
    }
    return SHELF_OK;
}

static int add_label(shelf_layout *l, const char *s, size_t n)
{
    enum { RAW_MAX = SHELF_PAGE_LABEL_MAX_BYTES + 4 };
    char clean[3 * RAW_MAX];
    size_t len = clean_text(s, n < RAW_MAX ? n : RAW_MAX, clean);
    len = shelf_utf8_prefix_within((const uint8_t *)clean, len, SHELF_PAGE_LABEL_MAX_BYTES);
    return shelf_layout_add_label(l, clean, len);
}

static size_t text_capacity(const shelf_pdfdoc *doc)
{
    size_t cap = 1;
    for (size_t p = 0; p < doc->npages; p++) {
        cap += 2;
        for (size_t i = 0; i < doc->pages[p].nlines; i++)
            cap += doc->pages[p].lines[i].len * 3 + 1;
    }
    return cap;
}

static int build_text(const char *path, const shelf_pdfdoc *doc, shelf_doctext *out,
                      shelf_err *err)
{
    out->text = malloc(text_capacity(doc));
    if (!out->text)
        return no_memory(path, err);
    size_t len = 0;
    bool any_text = false;
    for (size_t p = 0; p < doc->npages; p++) {
        const shelf_pdf_page *pg = &doc->pages[p];
        if (shelf_layout_add_page(&out->layout, len) != SHELF_OK ||
            add_label(&out->layout, pg->label, pg->label_len) != SHELF_OK)
            return no_memory(path, err);
        size_t start = len;
        for (size_t i = 0; i < pg->nlines; i++) {
            size_t at = len + (len > start ? 1 : 0);
            size_t n = clean_text(pg->lines[i].text, pg->lines[i].len, out->text + at);
            if (n == 0)
                continue;
            if (len > start)
                out->text[len] = '\n';
            len = at + n;
        }
        bool wrote = len > start;
        any_text |= wrote;
        if (!wrote)
            out->text[len++] = '\n';
        else if (p + 1 < doc->npages) {
            out->text[len++] = '\n';
            out->text[len++] = '\n';
        }
    }
    if (!any_text)
        return shelf_errf(err, SHELF_ESKIP, "%s: no text layer (image-only PDF?)", path);
    shelf_layout_drop_physical_labels(&out->layout);
    out->text[len] = '\0';
    out->len = len;
    return SHELF_OK;
}

int shelf_pdfdoc_build(const char *path, const shelf_pdfdoc *doc, shelf_doctext *out,
                       shelf_err *err)
{
    out->layout = (shelf_layout)SHELF_LAYOUT_INIT;
    out->encoding = SHELF_ENC_UTF8;
    int rc = build_text(path, doc, out, err);
    if (rc == SHELF_OK && build_metadata(doc, out) != SHELF_OK)
        rc = no_memory(path, err);
    if (rc != SHELF_OK)
        shelf_doctext_free(out);
    return rc;
}
