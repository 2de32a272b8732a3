/*
 * pdf_headings.c - body type and headings of a PDF (pdf_headings.h, which
 * states the rules).  Work: n log n in the lines (sorting sizes), plus a
 * bounded budget for matching outline entries to lines.
 */
#include "extract/pdf_headings.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "util/error.h"
#include "util/utf8.h"

#define HEADING_SIZE_RATIO 1.15f
#define HEADING_MAX_BYTES 120
#define HEADING_MAX_WORDS 12
#define HEADING_MAX_LINES 3
#define MATCH_BUDGET_PER_ITEM 64
#define MAX_LEVEL 6

/* ---------------------------------------------------------------- body type */

typedef struct size_share {
    long tenths; /* font size in tenths of a point */
    size_t chars, bold_chars;
} size_share;

static int cmp_tenths(const void *a, const void *b)
{
    const size_share *x = a, *y = b;
    return x->tenths < y->tenths ? -1 : x->tenths > y->tenths;
}

int pdf_find_body_type(pdf_model *m)
{
    size_share *s = calloc(m->nlines + 1, sizeof *s);
    if (!s)
        return SHELF_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < m->nlines; i++) {
        const pdf_line *l = &m->lines[i];
        if (l->running || !(l->src->font_size > 0))
            continue;
        size_t chars = pdf_char_count(pdf_line_text(m, l), l->len);
        s[n++] = (size_share){lroundf(l->src->font_size * 10), chars, l->src->bold ? chars : 0};
    }
    qsort(s, n, sizeof *s, cmp_tenths);
    size_t best_chars = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i, chars = 0, bold = 0;
        for (; j < n && s[j].tenths == s[i].tenths; j++) {
            chars += s[j].chars;
            bold += s[j].bold_chars;
        }
        if (chars > best_chars) {
            best_chars = chars;
            m->body_size = (float)s[i].tenths / 10.0f;
            m->body_bold = bold * 2 > chars;
        }
        i = j;
    }
    free(s);
    return SHELF_OK;
}

/* ----------------------------------------------------------- outline headings */

static bool is_section_number(const char *s, size_t n)
{
    bool digit = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digit = true;
        else if (s[i] != '.' && !(i == 0 && s[i] >= 'A' && s[i] <= 'Z' && n > 1 && s[1] == '.'))
            return false;
    }
    return digit;
}

/* Whether the code point is a letter or a number (utf8proc's categories). */
static bool is_letter_or_number(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
           (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

/* Appends the non-ASCII character at s[i..) to dst at o when it is a letter
 * or a number, in lower case when that is no longer; returns its length in
 * s (an invalid byte: 1, dropped). */
static size_t key_char(const char *s, size_t n, size_t i, char *dst, size_t *o)
{
    int32_t cp;
    size_t len = shelf_utf8_decode((const uint8_t *)s, n, i, &cp);
    if (cp == SHELF_UTF8_INVALID)
        return len;
    if (!is_letter_or_number(cp))
        return len;
    int32_t lower = utf8proc_tolower(cp);
    if (shelf_utf8_length(lower) <= len)
        cp = lower;
    *o += shelf_utf8_encode(cp, (uint8_t *)dst + *o);
    return len;
}

/* The matching key of a title or line at dst (room for n bytes): a leading
 * section number dropped, then only letters and digits (of any script;
 * punctuation such as ’ and – dropped as ' and - are), in lower case. */
static size_t heading_key(const char *s, size_t n, char *dst)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    size_t t = i;
    while (t < n && s[t] != ' ')
        t++;
    if (t < n && is_section_number(s + i, t - i))
        i = t;
    size_t o = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            i += key_char(s, n, i, dst, &o);
            continue;
        }
        if (c >= 'A' && c <= 'Z')
            dst[o++] = (char)(c | 0x20);
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            dst[o++] = (char)c;
        i++;
    }
    return o;
}

typedef struct matcher {
    pdf_model *m;
    char *keys;             /* the lines' keys back to back */
    size_t *key_at, *key_len;
    size_t budget;          /* line comparisons left */
} matcher;

/* The next non-running line after i on the same page, or SIZE_MAX. */
static size_t next_on_page(const pdf_model *m, size_t i)
{
    for (size_t j = i + 1; j < m->page_first[m->lines[i].page + 1]; j++)
        if (!m->lines[j].running)
            return j;
    return SIZE_MAX;
}

/* How many lines from i on spell key t (0: they do not). */
static size_t lines_matching(const matcher *mt, size_t i, const char *t, size_t tn)
{
    size_t got = 0;
    for (size_t lines = 1; i != SIZE_MAX && lines <= HEADING_MAX_LINES; lines++) {
        size_t kn = mt->key_len[i];
        if (kn == 0 || kn > tn - got || memcmp(mt->keys + mt->key_at[i], t + got, kn) != 0)
            return 0;
        got += kn;
        if (got == tn)
            return lines;
        i = next_on_page(mt->m, i);
    }
    return 0;
}

/* Marks the line(s) an outline entry points to; true when it maps. */
static bool map_entry(matcher *mt, const shelf_pdf_outline_entry *e, char *tkey)
{
    pdf_model *m = mt->m;
    if (e->page == 0 || e->page > m->npages)
        return false;
    size_t tn = heading_key(e->title, e->title_len, tkey);
    if (tn == 0)
        return false;
    size_t best = SIZE_MAX, best_lines = 0, first = SIZE_MAX, first_lines = 0;
    for (size_t i = m->page_first[e->page - 1]; i < m->page_first[e->page]; i++) {
        if (mt->budget == 0)
            return false;
        mt->budget--;
        const pdf_line *l = &m->lines[i];
        if (l->running)
            continue;
        size_t n = lines_matching(mt, i, tkey, tn);
        if (n == 0)
            continue;
        if (first == SIZE_MAX) {
            first = i;
            first_lines = n;
        }
        float reach = e->y - (l->src->y1 - l->src->y0);
        if (e->y >= 0 && l->src->y0 >= reach &&
            (best == SIZE_MAX || l->src->y0 < m->lines[best].src->y0)) {
            best = i;
            best_lines = n;
        }
    }
    if (best == SIZE_MAX) {
        best = first;
        best_lines = first_lines;
    }
    if (best == SIZE_MAX || m->lines[best].heading || m->lines[best].heading_more)
        return false;
    m->lines[best].heading = (uint8_t)(e->level > MAX_LEVEL ? MAX_LEVEL : e->level ? e->level : 1);
    for (size_t k = 1, j = best; k < best_lines; k++) {
        j = next_on_page(m, j);
        m->lines[j].heading_more = true;
    }
    return true;
}

static int mark_outline_headings(pdf_model *m, size_t *mapped)
{
    const shelf_pdfdoc *doc = m->doc;
    size_t key_bytes = 1, title_max = 1;
    for (size_t i = 0; i < m->nlines; i++)
        key_bytes += m->lines[i].len;
    for (size_t e = 0; e < doc->noutline; e++)
        title_max = doc->outline[e].title_len > title_max ? doc->outline[e].title_len : title_max;
    matcher mt = {.m = m, .budget = MATCH_BUDGET_PER_ITEM * (m->nlines + doc->noutline)};
    mt.keys = malloc(key_bytes);
    mt.key_at = calloc(m->nlines + 1, sizeof *mt.key_at);
    mt.key_len = calloc(m->nlines + 1, sizeof *mt.key_len);
    char *tkey = malloc(title_max);
    int rc = SHELF_ENOMEM;
    if (mt.keys && mt.key_at && mt.key_len && tkey) {
        size_t at = 0;
        for (size_t i = 0; i < m->nlines; i++) {
            mt.key_at[i] = at;
            mt.key_len[i] = heading_key(pdf_line_text(m, &m->lines[i]), m->lines[i].len,
                                        mt.keys + at);
            at += mt.key_len[i];
        }
        for (size_t e = 0; e < doc->noutline; e++)
            *mapped += map_entry(&mt, &doc->outline[e], tkey);
        rc = SHELF_OK;
    }
    free(mt.keys);
    free(mt.key_at);
    free(mt.key_len);
    free(tkey);
    return rc;
}

/* -------------------------------------------------------------- type headings */

static size_t word_count(const char *s, size_t n)
{
    size_t words = 0;
    for (size_t i = 0; i < n; i++)
        words += s[i] != ' ' && (i == 0 || s[i - 1] == ' ');
    return words;
}

/* The size class of a line for ranking headings (half points). */
static long size_class(float size)
{
    return lroundf(size * 2);
}

/* The non-running line before i on the same page, or SIZE_MAX. */
static size_t previous_on_page(const pdf_model *m, size_t i)
{
    size_t first = m->page_first[m->lines[i].page];
    while (i > first) {
        i--;
        if (!m->lines[i].running)
            return i;
    }
    return SIZE_MAX;
}

/* A bold body-size line stands apart when first on its page, after a line
 * of another size, or with at least half a line of space above it. */
static bool stands_apart(const pdf_model *m, size_t i)
{
    size_t p = previous_on_page(m, i);
    if (p == SIZE_MAX)
        return true;
    const shelf_pdf_line *a = m->lines[p].src, *b = m->lines[i].src;
    if (size_class(a->font_size) != size_class(b->font_size))
        return true;
    return b->y0 - a->y1 > 0.5f * (b->y1 - b->y0);
}

bool pdf_heading_sized(const pdf_model *m, const pdf_line *l)
{
    return m->body_size > 0 && l->src->font_size >= m->body_size * HEADING_SIZE_RATIO;
}

static bool looks_like_heading(const pdf_model *m, size_t i)
{
    const pdf_line *l = &m->lines[i];
    const char *s = pdf_line_text(m, l);
    float size = l->src->font_size, body = m->body_size;
    if (l->running || body <= 0 || l->len > HEADING_MAX_BYTES ||
        word_count(s, l->len) > HEADING_MAX_WORDS || s[l->len - 1] == ',' ||
        s[l->len - 1] == ';' || !pdf_has_letters(s, l->len, 2))
        return false;
    if (pdf_heading_sized(m, l))
        return true;
    return l->src->bold && !m->body_bold && size > body * 0.95f && stands_apart(m, i);
}

/* Whether candidate j continues the heading on candidate line i. */
static bool continues_heading(const pdf_model *m, size_t i, size_t j)
{
    const shelf_pdf_line *a = m->lines[i].src, *b = m->lines[j].src;
    return size_class(a->font_size) == size_class(b->font_size) && a->bold == b->bold &&
           b->y0 - a->y1 < (b->y1 - b->y0) && b->y0 >= a->y0;
}

static int cmp_long_desc(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x > y ? -1 : x < y;
}

/* The rank (0 = largest) of class c among the sorted distinct classes. */
static size_t rank_of(const long *classes, size_t n, long c)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (classes[mid] > c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Turns runs of candidates into headings: a run's first line stays a
 * candidate (its level is set later), its other lines get heading_more;
 * a run longer than HEADING_MAX_LINES is no heading at all. */
static void mark_type_runs(pdf_model *m, bool *candidate)
{
    for (size_t i = 0; i < m->nlines; i++) {
        if (!candidate[i])
            continue;
        size_t n = 1, last = i;
        for (size_t j = next_on_page(m, i);
             j != SIZE_MAX && candidate[j] && continues_heading(m, last, j); j = next_on_page(m, j)) {
            n++;
            last = j;
        }
        bool keep = n <= HEADING_MAX_LINES;
        size_t k = i;
        for (size_t c = 0; c < n; c++, k = c < n ? next_on_page(m, k) : k) {
            candidate[k] = keep && c == 0;
            m->lines[k].heading_more = keep && c > 0;
        }
    }
}

static int mark_type_headings(pdf_model *m)
{
    bool *candidate = calloc(m->nlines + 1, sizeof *candidate);
    long *classes = calloc(m->nlines + 1, sizeof *classes);
    if (!candidate || !classes) {
        free(candidate);
        free(classes);
        return SHELF_ENOMEM;
    }
    for (size_t i = 0; i < m->nlines; i++)
        candidate[i] = looks_like_heading(m, i);
    mark_type_runs(m, candidate);
    size_t n = 0;
    for (size_t i = 0; i < m->nlines; i++)
        if (candidate[i])
            classes[n++] = size_class(m->lines[i].src->font_size);
    qsort(classes, n, sizeof *classes, cmp_long_desc);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++)
        if (distinct == 0 || classes[distinct - 1] != classes[i])
            classes[distinct++] = classes[i];
    for (size_t i = 0; i < m->nlines; i++) {
        if (!candidate[i])
            continue;
        size_t rank = rank_of(classes, distinct, size_class(m->lines[i].src->font_size));
        m->lines[i].heading = (uint8_t)(rank + 1 > MAX_LEVEL ? MAX_LEVEL : rank + 1);
    }
    free(candidate);
    free(classes);
    return SHELF_OK;
}

/* Whether line i is only a section number ("2", "1.1", "A.3"). */
static bool is_number_line(const pdf_model *m, size_t i)
{
    const pdf_line *l = &m->lines[i];
    const char *s = pdf_line_text(m, l);
    size_t n = l->len;
    while (n > 0 && s[n - 1] == '.')
        n--;
    return n > 0 && !memchr(s, ' ', l->len) && is_section_number(s, n);
}

/* A section number set as a line of its own on the heading's baseline,
 * just before it ("1.1" ... "Background"), becomes the heading's start. */
static void attach_section_numbers(pdf_model *m)
{
    for (size_t i = 0; i < m->nlines; i++) {
        pdf_line *h = &m->lines[i];
        if (!h->heading)
            continue;
        size_t p = previous_on_page(m, i);
        if (p == SIZE_MAX || m->lines[p].heading || m->lines[p].heading_more ||
            !is_number_line(m, p))
            continue;
        const shelf_pdf_line *a = m->lines[p].src, *b = h->src;
        float tolerance = (b->y1 - b->y0) * 0.5f;
        if (a->y1 < b->y1 - tolerance || a->y1 > b->y1 + tolerance || a->x0 > b->x0)
            continue;
        m->lines[p].heading = h->heading;
        h->heading = 0;
        h->heading_more = true;
    }
}

int pdf_mark_headings(pdf_model *m)
{
    size_t mapped = 0;
    int rc = SHELF_OK;
    if (m->doc->noutline > 0)
        rc = mark_outline_headings(m, &mapped);
    if (rc == SHELF_OK && mapped == 0)
        rc = mark_type_headings(m);
    if (rc == SHELF_OK)
        attach_section_numbers(m);
    return rc;
}
