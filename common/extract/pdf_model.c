/*
 * pdf_model.c - the cleaned lines of a shelf_pdfdoc (pdf_model.h): one pass
 * over the input, linear in its bytes.
 */
#include "extract/pdf_model.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/utf8.h"

#define SOFT_HYPHEN 0x00AD

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The letters a ligature stands for, or NULL when cp is none. */
static const char *ligature_letters(int32_t cp)
{
    static const char *const letters[] = {"ff", "fi", "fl", "ffi", "ffl", "st", "st"};
    if (cp >= 0xFB00 && cp <= 0xFB06)
        return letters[cp - 0xFB00];
    return NULL;
}

/* Trim blanks at both ends of dst[0..o); returns the new length. */
static size_t trim(char *dst, size_t o)
{
    size_t a = 0;
    while (a < o && is_blank(dst[a]))
        a++;
    while (o > a && is_blank(dst[o - 1]))
        o--;
    memmove(dst, dst + a, o - a);
    return o - a;
}

/* One character of s at *i written to dst (room for 3 bytes per input
 * byte): controls to a space, invalid UTF-8 to U+FFFD, ligatures spelt
 * out; *cp gets the code point read.  Returns the bytes written. */
static size_t clean_char(const char *s, size_t n, size_t *i, char *dst, int32_t *cp)
{
    unsigned char c = (unsigned char)s[*i];
    if (c < 0x20 || c == 0x7F) {
        *cp = ' ';
        *i += 1;
        dst[0] = ' ';
        return 1;
    }
    size_t k = shelf_utf8_decode((const uint8_t *)s, n, *i, cp);
    if (*cp == SHELF_UTF8_INVALID) {
        memcpy(dst, "\xEF\xBF\xBD", 3);
        *i += 1;
        return 3;
    }
    const char *lig = ligature_letters(*cp);
    *i += k;
    if (lig) {
        size_t m = strlen(lig); /* <= 3 == k */
        memcpy(dst, lig, m);
        return m;
    }
    memcpy(dst, s + *i - k, k);
    return k;
}

size_t pdf_clean_metadata(const char *s, size_t n, char *dst)
{
    size_t o = 0, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F) {
            dst[o++] = ' ';
            i++;
            continue;
        }
        int32_t cp;
        size_t k = shelf_utf8_decode((const uint8_t *)s, n, i, &cp);
        if (cp == SHELF_UTF8_INVALID) {
            memcpy(dst + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
            continue;
        }
        memcpy(dst + o, s + i, k);
        o += k;
        i += k;
    }
    return trim(dst, o);
}

/* The cleaned text of one line at dst (room for 3 * n bytes): see the
 * header.  Returns its length; *soft_end tells whether it ended in U+00AD. */
static size_t clean_line(const char *s, size_t n, char *dst, bool *soft_end)
{
    size_t o = 0, i = 0;
    bool soft_pending = false; /* the last character kept was a soft hyphen */
    while (i < n) {
        int32_t cp;
        size_t w = clean_char(s, n, &i, dst + o, &cp);
        if (cp == SOFT_HYPHEN) {
            soft_pending = true;
            continue;
        }
        if (!is_blank(dst[o]))
            soft_pending = false;
        o += w;
    }
    o = trim(dst, o);
    *soft_end = soft_pending && o > 0;
    return o;
}

size_t pdf_char_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += !shelf_utf8_is_continuation((uint8_t)s[i]);
    return c;
}

bool pdf_has_letters(const char *s, size_t n, size_t want)
{
    size_t got = 0;
    for (size_t i = 0; i < n && got < want; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            got++;
        else if (c >= 0xC0) /* the lead byte of a non-ASCII character */
            got++;
    }
    return got >= want;
}

static size_t total_lines_and_bytes(const shelf_pdfdoc *doc, size_t *bytes)
{
    size_t lines = 0;
    *bytes = 1;
    for (size_t p = 0; p < doc->npages; p++) {
        lines += doc->pages[p].nlines;
        for (size_t i = 0; i < doc->pages[p].nlines; i++)
            *bytes += doc->pages[p].lines[i].len * 3;
    }
    return lines;
}

int pdf_model_build(const shelf_pdfdoc *doc, pdf_model *m)
{
    memset(m, 0, sizeof *m);
    m->doc = doc;
    size_t bytes;
    size_t cap = total_lines_and_bytes(doc, &bytes);
    m->text = malloc(bytes);
    m->lines = calloc(cap ? cap : 1, sizeof *m->lines);
    m->page_first = calloc(doc->npages + 1, sizeof *m->page_first);
    if (!m->text || !m->lines || !m->page_first) {
        pdf_model_free(m);
        return SHELF_ENOMEM;
    }
    m->npages = doc->npages;
    size_t at = 0;
    for (size_t p = 0; p < doc->npages; p++) {
        m->page_first[p] = m->nlines;
        const shelf_pdf_page *pg = &doc->pages[p];
        for (size_t i = 0; i < pg->nlines; i++) {
            pdf_line *l = &m->lines[m->nlines];
            bool soft;
            size_t n = clean_line(pg->lines[i].text, pg->lines[i].len, m->text + at, &soft);
            if (n == 0)
                continue;
            *l = (pdf_line){.src = &pg->lines[i], .page = (uint32_t)p, .text_at = at,
                            .len = n, .soft_hyphen_end = soft};
            at += n;
            m->nlines++;
        }
    }
    m->page_first[doc->npages] = m->nlines;
    return SHELF_OK;
}

const char *pdf_page_label(const pdf_model *m, size_t p, size_t *len)
{
    if (m->printed) {
        const char *printed = m->printed + p * PDF_PRINTED_BYTES;
        *len = strlen(printed);
        return printed;
    }
    *len = m->doc->pages[p].label_len;
    return m->doc->pages[p].label;
}

void pdf_model_free(pdf_model *m)
{
    free(m->printed);
    free(m->text);
    free(m->lines);
    free(m->page_first);
    memset(m, 0, sizeof *m);
}
