/*
 * pdf_flow.c - the joins between a PDF's lines (pdf_flow.h, which states
 * the rules): page metrics from sorted samples, a sorted table of the
 * hyphenated words found inside lines, then one pass over the lines.
 */
#include "extract/pdf_flow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util/error.h"
#include "util/utf8.h"

#define PARAGRAPH_PITCH_RATIO 1.25f
#define INDENT_MIN_EMS 0.6f
#define INDENT_MAX_EMS 8.0f
#define RIGHT_MARGIN_EMS 1.5f
#define RIGHT_EDGE_PERCENTILE 0.8
#define SIZE_CHANGE 0.1f
#define MARGIN_SLACK 0.1f
#define MIN_LINES_FOR_PAGE_EDGE 5 /* fewer: the document's right edge is used */

/* ------------------------------------------------------------- characters */

static int32_t code_point_at(const char *s, size_t n, size_t i, size_t *width)
{
    int32_t cp;
    *width = shelf_utf8_decode((const uint8_t *)s, n, i, &cp);
    return cp;
}

static bool is_letter(int32_t cp)
{
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    utf8proc_category_t c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

static bool starts_lower(const char *s, size_t n)
{
    size_t w;
    return n > 0 && utf8proc_category(code_point_at(s, n, 0, &w)) == UTF8PROC_CATEGORY_LL;
}

size_t pdf_leading_word(const char *s, size_t n)
{
    size_t i = 0, w;
    while (i < n && is_letter(code_point_at(s, n, i, &w)))
        i += w;
    return i;
}

/* The start of the letter run that ends at s[end]. */
static size_t trailing_word_start(const char *s, size_t end)
{
    size_t i = end;
    while (i > 0) {
        size_t k = i - 1, w;
        while (k > 0 && shelf_utf8_is_continuation((uint8_t)s[k]))
            k--;
        if (!is_letter(code_point_at(s, end, k, &w)))
            break;
        i = k;
    }
    return i;
}

static bool is_closing(unsigned char c)
{
    return c == ')' || c == ']' || c == '}' || c == '"' || c == '\'';
}

bool pdf_ends_sentence(const char *s, size_t n)
{
    while (n > 0) {
        if (is_closing((unsigned char)s[n - 1]))
            n--;
        else if (n >= 3 && (memcmp(s + n - 3, "\xE2\x80\x9D", 3) == 0 || /* ” */
                            memcmp(s + n - 3, "\xE2\x80\x99", 3) == 0))  /* ’ */
            n -= 3;
        else if (n >= 2 && memcmp(s + n - 2, "\xC2\xBB", 2) == 0) /* » */
            n -= 2;
        else
            break;
    }
    return n > 0 && (s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?' || s[n - 1] == ':');
}

/* ------------------------------------------------------- hyphenated words */

typedef struct word_ref {
    size_t at, len;
} word_ref;

typedef struct hyphen_words {
    char *bytes; /* the words, ASCII in lower case */
    word_ref *words;
    size_t n;
} hyphen_words;

static const char *g_bytes; /* qsort and bsearch have no context argument */

static int cmp_words(const void *a, const void *b)
{
    const word_ref *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(g_bytes + x->at, g_bytes + y->at, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static size_t put_lower(char *dst, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] | 0x20) : s[i];
    return n;
}

/* Adds every letters-letters word inside line s[0..n); the words do not
 * overlap ("x-y-z" gives "x-y"), so they take at most n bytes. */
static void collect_hyphenated(hyphen_words *h, size_t *used, const char *s, size_t n)
{
    size_t from = 0; /* the end of the last word taken */
    for (size_t i = 1; i + 1 < n; i++) {
        if (s[i] != '-')
            continue;
        size_t a = trailing_word_start(s, i), b = i + 1 + pdf_leading_word(s + i + 1, n - i - 1);
        if (a < from || a == i || b == i + 1)
            continue;
        from = b;
        h->words[h->n] = (word_ref){*used, b - a};
        *used += put_lower(h->bytes + *used, s + a, b - a);
        h->n++;
        i = b - 1;
    }
}

static int build_hyphen_words(const pdf_model *m, hyphen_words *h)
{
    size_t bytes = 1, words = 1;
    for (size_t i = 0; i < m->nlines; i++) {
        bytes += m->lines[i].len;
        words += m->lines[i].len / 3 + 1;
    }
    h->bytes = malloc(bytes + 1);
    h->words = calloc(words, sizeof *h->words);
    h->n = 0;
    if (!h->bytes || !h->words)
        return SHELF_ENOMEM;
    size_t used = 0;
    for (size_t i = 0; i < m->nlines; i++)
        if (!m->lines[i].running)
            collect_hyphenated(h, &used, pdf_line_text(m, &m->lines[i]), m->lines[i].len);
    g_bytes = h->bytes;
    qsort(h->words, h->n, sizeof *h->words, cmp_words);
    return SHELF_OK;
}

static bool knows_word(const hyphen_words *h, const char *w, size_t n)
{
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const word_ref *r = &h->words[mid];
        size_t k = r->len < n ? r->len : n;
        int c = memcmp(h->bytes + r->at, w, k);
        if (c == 0)
            c = (r->len > n) - (r->len < n);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* ------------------------------------------------------------ page metrics */

typedef struct page_metrics {
    float pitch;       /* median baseline distance; 0 unknown */
    float left, right; /* usual left margin, 80th-percentile right edge */
    bool known;
    bool right_known;  /* the right edge is a margin the text is set to */
} page_metrics;

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static bool is_body(const pdf_line *l)
{
    return !l->running && !l->heading && !l->heading_more;
}

static long size_class(float size)
{
    return lroundf(size * 2);
}

/* The most frequent value of sorted v (rounded to a point), the smallest on a tie. */
static float mode_of_sorted(const float *v, size_t n)
{
    float best = v[0];
    size_t best_count = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && lroundf(v[j]) == lroundf(v[i]))
            j++;
        if (j - i > best_count) {
            best_count = j - i;
            best = v[i];
        }
        i = j;
    }
    return best;
}

static float percentile_of_sorted(const float *v, size_t n)
{
    return v[(size_t)lround((double)(n - 1) * RIGHT_EDGE_PERCENTILE)];
}

/* The right edge over the whole document (pages with few lines use it). */
static int measure_document_edge(const pdf_model *m, float *edge)
{
    size_t n = 0;
    float *v = calloc(m->nlines + 1, sizeof *v);
    if (!v)
        return SHELF_ENOMEM;
    for (size_t i = 0; i < m->nlines; i++)
        if (is_body(&m->lines[i]))
            v[n++] = m->lines[i].src->x1;
    qsort(v, n, sizeof *v, cmp_float);
    *edge = n ? percentile_of_sorted(v, n) : 0;
    free(v);
    return SHELF_OK;
}

/* Whether the right edge lies about where a text block with the page's
 * left margin would end (within 10% of the width): ragged short lines
 * that end far from it reach no margin. */
static bool is_margin(const page_metrics *pm, float width)
{
    if (!pm->known)
        return false;
    if (!(width > 0))
        return true;
    return pm->right >= width - pm->left - MARGIN_SLACK * width;
}

static void measure_page(const pdf_model *m, size_t p, float *scratch, page_metrics *pm)
{
    size_t n = 0, first = m->page_first[p], end = m->page_first[p + 1];
    const pdf_line *prev = NULL;
    for (size_t i = first; i < end; i++) {
        const pdf_line *l = &m->lines[i];
        if (!is_body(l))
            continue;
        if (prev && size_class(prev->src->font_size) == size_class(l->src->font_size) &&
            l->src->y1 > prev->src->y1)
            scratch[n++] = l->src->y1 - prev->src->y1;
        prev = l;
    }
    qsort(scratch, n, sizeof *scratch, cmp_float);
    *pm = (page_metrics){.pitch = n ? scratch[n / 2] : 0};
    n = 0;
    for (size_t i = first; i < end; i++)
        if (is_body(&m->lines[i]))
            scratch[n++] = m->lines[i].src->x0;
    if (n == 0)
        return;
    qsort(scratch, n, sizeof *scratch, cmp_float);
    pm->left = mode_of_sorted(scratch, n);
    n = 0;
    for (size_t i = first; i < end; i++)
        if (is_body(&m->lines[i]))
            scratch[n++] = m->lines[i].src->x1;
    qsort(scratch, n, sizeof *scratch, cmp_float);
    pm->right = n >= MIN_LINES_FOR_PAGE_EDGE ? percentile_of_sorted(scratch, n) : 0;
    pm->known = true;
}

/* ------------------------------------------------------------------ joins */

typedef struct planner {
    const pdf_model *m;
    page_metrics *pages;
    hyphen_words words;
} planner;

static float em(const shelf_pdf_line *l)
{
    float size = l->font_size > 0 ? l->font_size : l->y1 - l->y0;
    return size > 0 ? size : 10;
}

static bool at_left_margin(const page_metrics *pm, const shelf_pdf_line *l)
{
    return l->x0 < pm->left + INDENT_MIN_EMS * em(l);
}

static bool indented(const page_metrics *pm, const shelf_pdf_line *l)
{
    return pm->known && l->x0 > pm->left + INDENT_MIN_EMS * em(l) &&
           l->x0 <= pm->left + INDENT_MAX_EMS * em(l);
}

static bool size_changes(const shelf_pdf_line *a, const shelf_pdf_line *b)
{
    float big = a->font_size > b->font_size ? a->font_size : b->font_size;
    return fabsf(a->font_size - b->font_size) > SIZE_CHANGE * big;
}

/* Whether body line j starts a paragraph after body line i on one page. */
static bool starts_paragraph(const planner *pl, size_t i, size_t j)
{
    const pdf_line *li = &pl->m->lines[i];
    const shelf_pdf_line *a = li->src, *b = pl->m->lines[j].src;
    const page_metrics *pm = &pl->pages[li->page];
    if (size_changes(a, b))
        return true;
    float pitch = b->y1 - a->y1;
    if (pm->pitch > 0 && pitch > PARAGRAPH_PITCH_RATIO * pm->pitch)
        return true;
    if (b->y1 < a->y0) /* back up the page: a new column */
        return pdf_ends_sentence(pdf_line_text(pl->m, li), li->len);
    return indented(pm, b) && at_left_margin(pm, a);
}

/* Whether body line j, first on the next page, continues line i's paragraph. */
static bool continues_on_next_page(const planner *pl, size_t i, size_t j)
{
    const pdf_line *li = &pl->m->lines[i], *lj = &pl->m->lines[j];
    if (lj->page != li->page + 1 || size_changes(li->src, lj->src))
        return false;
    if (pdf_ends_sentence(pdf_line_text(pl->m, li), li->len) ||
        indented(&pl->pages[lj->page], lj->src))
        return false;
    const page_metrics *pm = &pl->pages[li->page];
    bool reaches_right = pm->right_known && li->src->x1 >= pm->right - RIGHT_MARGIN_EMS * em(li->src);
    return reaches_right || starts_lower(pdf_line_text(pl->m, lj), lj->len);
}

/* The word join of line i to line j in one paragraph, or PDF_JOIN_LINE. */
static pdf_join word_join(const planner *pl, size_t i, size_t j)
{
    const pdf_line *li = &pl->m->lines[i], *lj = &pl->m->lines[j];
    const char *s = pdf_line_text(pl->m, li), *t = pdf_line_text(pl->m, lj);
    size_t end = li->soft_hyphen_end ? li->len : li->len - 1;
    if (!li->soft_hyphen_end && (li->len < 2 || s[end] != '-'))
        return PDF_JOIN_LINE;
    size_t a = trailing_word_start(s, end), rest = pdf_leading_word(t, lj->len);
    if (a == end || rest == 0 || !starts_lower(t, lj->len))
        return PDF_JOIN_LINE;
    size_t own = lj->len - rest; /* what the next line keeps after the word... */
    if (own > 0 && t[lj->len - 1] == '-')
        own--; /* ...not counting a final hyphen it may drop */
    if (lj->page != li->page && own == 0)
        return PDF_JOIN_LINE; /* the next page would hold nothing of its own */
    if (li->soft_hyphen_end)
        return PDF_JOIN_WORD_DROP;
    char *w = malloc(end - a + 1 + rest);
    if (!w)
        return PDF_JOIN_WORD_DROP;
    size_t n = put_lower(w, s + a, end - a + 1);
    n += put_lower(w + n, t, rest);
    bool known = knows_word(&pl->words, w, n);
    free(w);
    return known ? PDF_JOIN_WORD_KEEP : PDF_JOIN_WORD_DROP;
}

/* Whether b is a further piece of a's line: on its baseline, to its right. */
static bool same_line(const shelf_pdf_line *a, const shelf_pdf_line *b)
{
    float tolerance = 0.3f * (a->y1 - a->y0);
    return b->y1 >= a->y1 - tolerance && b->y1 <= a->y1 + tolerance && b->x0 >= a->x1 - 1;
}

static pdf_join join_of(const planner *pl, size_t i, size_t j)
{
    const pdf_line *li = &pl->m->lines[i], *lj = &pl->m->lines[j];
    bool i_heading = li->heading || li->heading_more;
    if (i_heading && lj->heading_more)
        return PDF_JOIN_SPACE;
    if (i_heading || lj->heading)
        return PDF_JOIN_PARAGRAPH;
    if (lj->page != li->page)
        return continues_on_next_page(pl, i, j) ? word_join(pl, i, j) : PDF_JOIN_PARAGRAPH;
    if (same_line(li->src, lj->src))
        return PDF_JOIN_SPACE;
    return starts_paragraph(pl, i, j) ? PDF_JOIN_PARAGRAPH : word_join(pl, i, j);
}

int pdf_plan_joins(const pdf_model *m, pdf_join *joins)
{
    planner pl = {.m = m};
    size_t most = 1;
    for (size_t p = 0; p < m->npages; p++)
        if (m->page_first[p + 1] - m->page_first[p] > most)
            most = m->page_first[p + 1] - m->page_first[p];
    pl.pages = calloc(m->npages + 1, sizeof *pl.pages);
    float *scratch = calloc(most, sizeof *scratch);
    int rc = SHELF_ENOMEM;
    if (pl.pages && scratch && build_hyphen_words(m, &pl.words) == SHELF_OK) {
        float edge = 0;
        rc = measure_document_edge(m, &edge);
        for (size_t p = 0; p < m->npages && rc == SHELF_OK; p++) {
            measure_page(m, p, scratch, &pl.pages[p]);
            if (pl.pages[p].right == 0)
                pl.pages[p].right = edge;
            pl.pages[p].right_known = is_margin(&pl.pages[p], m->doc->pages[p].width);
        }
        size_t prev = SIZE_MAX;
        for (size_t i = 0; i < m->nlines; i++) {
            joins[i] = PDF_JOIN_END;
            if (m->lines[i].running)
                continue;
            if (prev != SIZE_MAX)
                joins[prev] = join_of(&pl, prev, i);
            prev = i;
        }
    }
    free(pl.pages);
    free(scratch);
    free(pl.words.bytes);
    free(pl.words.words);
    return rc;
}
