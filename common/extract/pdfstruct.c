/*
 * pdfstruct.c - the structure rules for PDFs (pdfstruct.h): the text,
 * title, author, date and layout of a document from the lines poppler laid
 * out.  The rules, in the order they run:
 *
 *  1. Cleaning (pdf_model.h): controls to spaces, invalid UTF-8 to U+FFFD,
 *     ligatures U+FB00..U+FB06 spelt as letters, soft hyphens inside a line
 *     removed, outer white space trimmed; empty lines dropped.
 *  2. Running heads, footers and page numbers (pdf_running.h) are left out
 *     of the text entirely: not searchable, never in a title, heading,
 *     passage or quotation.  If every line of the document is one, none is.
 *  3. Body type and headings (pdf_headings.h): from the outline when it
 *     maps onto lines, else from type (larger than 1.15 x the body size, or
 *     bold in a non-bold body).  A heading is its own paragraph, a wrapped
 *     heading one line of text; layout.structured is always true.
 *  4. Paragraphs, hyphens, page breaks (pdf_flow.h): "\n\n" between
 *     paragraphs, "\n" between the lines of one, end-of-line hyphens
 *     rejoined; a paragraph running on over a page break is joined with a
 *     single "\n" (a word hyphenated across the break is rejoined on the
 *     first page: the next page starts right after the word's end).
 *  5. Pages: each page's text starts at its page start; a page whose
 *     paragraph ends is followed by "\n\n" (the last page with text too,
 *     when pages follow it), an empty page is one "\n", so page starts stay
 *     strictly ascending and every page owns at least one byte.  Page labels as shelf_layout_add_label takes them (cleaned,
 *     cut to SHELF_PAGE_LABEL_MAX_BYTES), then
 *     shelf_layout_drop_physical_labels.
 *  6. Title: the metadata title (controls to spaces, trimmed) unless it is
 *     a producer's placeholder ("Untitled", "Microsoft Word - x.docx"), a
 *     file name ("report.dvi", "memo.txt": one word ending in a dot and a
 *     short extension) or one of the document's running heads; else the
 *     largest type on the first page with text when it is at least 1.15 x
 *     the body size (consecutive lines of that size joined with a space, at
 *     most 4 lines); else NULL (the caller then uses its title-line rule).
 *  7. Author: the metadata author cleaned like the title, NULL when empty.
 *     Date: doc->date when non-empty.
 * A document with no line of text is skipped ("no text layer").  Work is
 * n log n in the number of lines.
 */
#include "extract/pdfstruct.h"
#include "extract/pdf_printed.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract/pdf_flow.h"
#include "extract/pdf_headings.h"
#include "extract/pdf_model.h"
#include "extract/pdf_running.h"
#include "util/utf8.h"

#define TITLE_SIZE_RATIO 1.15f
#define TITLE_MAX_LINES 4
#define FILE_EXTENSION_MAX 5

static int no_memory(const char *path, shelf_err *err)
{
    return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the PDF", path);
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

/* One word ending in '.' and a short extension with a letter: "memo.txt". */
static bool is_file_name(const char *t, size_t n)
{
    if (memchr(t, ' ', n))
        return false;
    const char *dot = NULL;
    for (size_t i = 0; i < n; i++)
        if (t[i] == '.')
            dot = t + i;
    if (!dot || dot == t)
        return false;
    size_t ext = (size_t)(t + n - dot - 1);
    bool letter = false;
    for (const char *c = dot + 1; c < t + n; c++) {
        if (!isalnum((unsigned char)*c))
            return false;
        letter |= isalpha((unsigned char)*c) != 0;
    }
    return ext >= 1 && ext <= FILE_EXTENSION_MAX && letter;
}

/* A cleaned, owned copy of s; NULL in *dst when it cleans to nothing. */
static int cleaned_copy(const char *s, size_t n, char **dst, size_t *dst_len)
{
    *dst = NULL;
    if (n == 0)
        return SHELF_OK;
    char *t = malloc(n * 3 + 1);
    if (!t)
        return SHELF_ENOMEM;
    size_t len = pdf_clean_metadata(s, n, t);
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

static long size_class(float size)
{
    return lroundf(size * 2);
}

/* The largest type on the first page with text (rule 6), or NULL. */
static int title_from_type(const pdf_model *m, shelf_doctext *out)
{
    size_t p = 0, first = 0, end = 0;
    for (; p < m->npages; p++) {
        first = m->page_first[p];
        end = m->page_first[p + 1];
        size_t i = first;
        while (i < end && m->lines[i].running)
            i++;
        if (i < end)
            break;
    }
    float largest = 0;
    size_t at = SIZE_MAX;
    for (size_t i = first; i < end; i++) {
        const pdf_line *l = &m->lines[i];
        if (!l->running && l->src->font_size > largest &&
            pdf_has_letters(pdf_line_text(m, l), l->len, 2)) {
            largest = l->src->font_size;
            at = i;
        }
    }
    if (at == SIZE_MAX || m->body_size <= 0 || largest < m->body_size * TITLE_SIZE_RATIO)
        return SHELF_OK;
    size_t cap = 1;
    for (size_t i = at, k = 0; i < end && k < TITLE_MAX_LINES; i++, k++)
        cap += m->lines[i].len + 1;
    char *t = malloc(cap);
    if (!t)
        return SHELF_ENOMEM;
    size_t n = 0;
    for (size_t i = at, k = 0; i < end && k < TITLE_MAX_LINES; i++) {
        const pdf_line *l = &m->lines[i];
        if (l->running)
            continue;
        if (size_class(l->src->font_size) != size_class(largest))
            break;
        if (n)
            t[n++] = ' ';
        memcpy(t + n, pdf_line_text(m, l), l->len);
        n += l->len;
        k++;
    }
    t[n] = '\0';
    out->title = t;
    out->title_len = n;
    return SHELF_OK;
}

static int build_title(const pdf_model *m, shelf_doctext *out)
{
    const shelf_pdfdoc *doc = m->doc;
    if (cleaned_copy(doc->title, doc->title_len, &out->title, &out->title_len) != SHELF_OK)
        return SHELF_ENOMEM;
    if (out->title && (is_placeholder_title(out->title, out->title_len) ||
                       is_file_name(out->title, out->title_len) ||
                       pdf_is_running_text(m, out->title, out->title_len))) {
        free(out->title);
        out->title = NULL;
        out->title_len = 0;
    }
    return out->title ? SHELF_OK : title_from_type(m, out);
}

static int build_metadata(const pdf_model *m, shelf_doctext *out)
{
    const shelf_pdfdoc *doc = m->doc;
    if (build_title(m, out) != SHELF_OK ||
        cleaned_copy(doc->author, doc->author_len, &out->author, NULL) != SHELF_OK)
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
    size_t len = pdf_clean_metadata(s, n < RAW_MAX ? n : RAW_MAX, clean);
    len = shelf_utf8_prefix_within((const uint8_t *)clean, len, SHELF_PAGE_LABEL_MAX_BYTES);
    return shelf_layout_add_label(l, clean, len);
}

/* The text being written: room for every line plus two bytes of join each
 * and one per page. */
typedef struct writer {
    const pdf_model *m;
    const pdf_join *joins;
    shelf_doctext *out;
    size_t len;
    uint64_t heading_start; /* of the heading being written */
    uint32_t heading_level; /* 0: none open */
} writer;

static void put(writer *w, const char *s, size_t n)
{
    memcpy(w->out->text + w->len, s, n);
    w->len += n;
}

static int close_heading(writer *w)
{
    if (w->heading_level == 0)
        return SHELF_OK;
    uint32_t level = w->heading_level;
    w->heading_level = 0;
    return shelf_layout_add_heading(&w->out->layout, w->heading_start,
                                    (uint32_t)(w->len - w->heading_start), level);
}

/* Writes line i (its page starts at it unless `page_start_after` says how
 * many of its bytes end the previous page's rejoined word). */
static int write_line(writer *w, size_t i, bool first_on_page, size_t page_start_after)
{
    const pdf_line *l = &w->m->lines[i];
    const char *s = pdf_line_text(w->m, l);
    size_t n = l->len;
    if (w->joins[i] == PDF_JOIN_WORD_DROP && !l->soft_hyphen_end)
        n--; /* the hyphen */
    put(w, s, page_start_after);
    if (first_on_page && shelf_layout_add_page(&w->out->layout, w->len) != SHELF_OK)
        return SHELF_ENOMEM;
    if (l->heading && !l->heading_more) {
        w->heading_start = w->len;
        w->heading_level = l->heading;
    }
    put(w, s + page_start_after, n - page_start_after);
    switch (w->joins[i]) {
    case PDF_JOIN_LINE:
        put(w, "\n", 1);
        break;
    case PDF_JOIN_PARAGRAPH:
        if (close_heading(w) != SHELF_OK)
            return SHELF_ENOMEM;
        put(w, "\n\n", 2);
        break;
    case PDF_JOIN_SPACE:
        put(w, " ", 1);
        break;
    case PDF_JOIN_END: /* the last text: a blank line still ends its page when more follow */
        if (l->page + 1 < w->m->npages)
            put(w, "\n\n", 2);
        return close_heading(w);
    default:
        break;
    }
    return SHELF_OK;
}

static int write_page(writer *w, size_t p, pdf_join *carried)
{
    const pdf_model *m = w->m;
    bool first = true;
    for (size_t i = m->page_first[p]; i < m->page_first[p + 1]; i++) {
        const pdf_line *l = &m->lines[i];
        if (l->running)
            continue;
        size_t word = 0;
        if (first && (*carried == PDF_JOIN_WORD_DROP || *carried == PDF_JOIN_WORD_KEEP))
            word = pdf_leading_word(pdf_line_text(m, l), l->len);
        if (write_line(w, i, first, word) != SHELF_OK)
            return SHELF_ENOMEM;
        *carried = w->joins[i];
        first = false;
    }
    if (first) { /* an empty page owns one "\n" */
        if (shelf_layout_add_page(&w->out->layout, w->len) != SHELF_OK)
            return SHELF_ENOMEM;
        put(w, "\n", 1);
    }
    size_t label_len;
    const char *label = pdf_page_label(m, p, &label_len);
    return add_label(&w->out->layout, label, label_len);
}

static int write_text(const char *path, const pdf_model *m, const pdf_join *joins,
                      shelf_doctext *out, shelf_err *err)
{
    size_t cap = m->npages + 1;
    for (size_t i = 0; i < m->nlines; i++)
        cap += m->lines[i].len + 2;
    out->text = malloc(cap);
    if (!out->text)
        return no_memory(path, err);
    writer w = {.m = m, .joins = joins, .out = out};
    pdf_join carried = PDF_JOIN_END;
    for (size_t p = 0; p < m->npages; p++)
        if (write_page(&w, p, &carried) != SHELF_OK)
            return no_memory(path, err);
    shelf_layout_drop_physical_labels(&out->layout);
    out->text[w.len] = '\0';
    out->len = w.len;
    return SHELF_OK;
}

static bool has_body_text(const pdf_model *m)
{
    for (size_t i = 0; i < m->nlines; i++)
        if (!m->lines[i].running)
            return true;
    return false;
}

static int apply_rules(pdf_model *m, pdf_join **joins)
{
    /* the type over every line first: the running-head rules spare lines
     * in heading type; found again below without the running lines */
    if (pdf_find_body_type(m) != SHELF_OK || pdf_find_printed_numbers(m) != SHELF_OK ||
        pdf_mark_running(m) != SHELF_OK)
        return SHELF_ENOMEM;
    if (!has_body_text(m))
        for (size_t i = 0; i < m->nlines; i++)
            m->lines[i].running = false;
    if (pdf_find_body_type(m) != SHELF_OK || pdf_mark_headings(m) != SHELF_OK)
        return SHELF_ENOMEM;
    *joins = calloc(m->nlines + 1, sizeof **joins);
    if (!*joins)
        return SHELF_ENOMEM;
    return pdf_plan_joins(m, *joins);
}

int shelf_pdfdoc_build(const char *path, const shelf_pdfdoc *doc, shelf_doctext *out,
                       shelf_err *err)
{
    out->layout = (shelf_layout)SHELF_LAYOUT_INIT;
    out->encoding = SHELF_ENC_UTF8;
    out->layout.structured = true;
    pdf_model m;
    pdf_join *joins = NULL;
    if (pdf_model_build(doc, &m) != SHELF_OK)
        return no_memory(path, err);
    int rc;
    if (m.nlines == 0)
        rc = shelf_errf(err, SHELF_ESKIP, "%s: no text layer (image-only PDF?)", path);
    else if (apply_rules(&m, &joins) != SHELF_OK)
        rc = no_memory(path, err);
    else
        rc = write_text(path, &m, joins, out, err);
    if (rc == SHELF_OK && build_metadata(&m, out) != SHELF_OK)
        rc = no_memory(path, err);
    free(joins);
    pdf_model_free(&m);
    if (rc != SHELF_OK)
        shelf_doctext_free(out);
    return rc;
}
