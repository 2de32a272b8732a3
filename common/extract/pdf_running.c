/*
 * pdf_running.c - running heads, footers and page numbers (pdf_running.h,
 * which states the rule).  Candidates are at most BLOCK_MAX_PIECES lines
 * at each end of a page; their masks are sorted once to count recurrence.
 */
#include "extract/pdf_running.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/pdf_headings.h"
#include "extract/pdf_pagenum.h"
#include "util/error.h"

#define BLOCK_MAX_PIECES 6  /* lines in a head or footer block (pieces on one baseline count) */
#define SEPARATION 1.0f    /* the gap that sets a block apart, in its line heights */
#define ZONE_SHARE 0.2f /* the top and bottom zones, as a share of the usual text block */
#define SMALL_DOCUMENT_PAGES 6
#define LARGER_TYPE_RATIO 1.15f /* a cover title against the running head repeating it */
#define MAX_SLOTS 16
#define SLOT_SHARE 3 /* a slot holds recurring lines on 1 page in SLOT_SHARE */
#define SLOT_BASELINE_TOLERANCE 1.0f /* points */
#define SLOT_SIZE_TOLERANCE 0.05f   /* a share of the slot's type size */

typedef struct candidate {
    size_t line;
    size_t key_at, key_len; /* the mask in the key buffer */
    uint32_t page;
    bool top;
    bool extreme; /* on the page's topmost (bottommost) baseline */
    bool apart;   /* its block is set apart from the page by a gap */
    bool recurs;
} candidate;

typedef struct by_y {
    float y0, y1;
    size_t line;
} by_y;

static bool is_roman_letter(char c)
{
    c = (char)(c | 0x20);
    return c == 'i' || c == 'v' || c == 'x' || c == 'l' || c == 'c' || c == 'd' || c == 'm';
}

static bool is_ascii_letter(char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The mask of s[0..n) at dst (room for n bytes); returns its length. */
static size_t mask_text(const char *s, size_t n, char *dst)
{
    size_t o = 0, i = 0;
    while (i < n) {
        size_t j = i;
        if (is_digit(s[i])) {
            while (j < n && is_digit(s[j]))
                j++;
            dst[o++] = '#';
        } else if (is_ascii_letter(s[i])) {
            bool roman = true;
            while (j < n && is_ascii_letter(s[j]))
                roman &= is_roman_letter(s[j++]);
            if (roman)
                dst[o++] = '#';
            else
                for (size_t k = i; k < j; k++)
                    dst[o++] = (char)(s[k] | 0x20);
        } else if (s[i] == ' ' || s[i] == '\t') {
            while (j < n && (s[j] == ' ' || s[j] == '\t'))
                j++;
            dst[o++] = ' ';
        } else {
            dst[o++] = s[j++];
        }
        i = j;
    }
    return o;
}

static int cmp_by_y(const void *a, const void *b)
{
    const by_y *x = a, *y = b;
    if (x->y0 != y->y0)
        return x->y0 < y->y0 ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The zones from the document's usual text block: the medians over pages
 * of their topmost y0 and bottommost y1.  A line is in the top zone when
 * y0 < *top, in the bottom zone when y1 > *bottom. */
static int zones(const pdf_model *m, float *top, float *bottom)
{
    float *tops = calloc(m->npages + 1, sizeof *tops);
    float *bottoms = calloc(m->npages + 1, sizeof *bottoms);
    if (!tops || !bottoms) {
        free(tops);
        free(bottoms);
        return SHELF_ENOMEM;
    }
    size_t n = 0;
    for (size_t p = 0; p < m->npages; p++) {
        if (m->page_first[p] == m->page_first[p + 1])
            continue;
        tops[n] = FLT_MAX;
        bottoms[n] = -FLT_MAX;
        for (size_t i = m->page_first[p]; i < m->page_first[p + 1]; i++) {
            tops[n] = m->lines[i].src->y0 < tops[n] ? m->lines[i].src->y0 : tops[n];
            bottoms[n] = m->lines[i].src->y1 > bottoms[n] ? m->lines[i].src->y1 : bottoms[n];
        }
        n++;
    }
    qsort(tops, n, sizeof *tops, cmp_float);
    qsort(bottoms, n, sizeof *bottoms, cmp_float);
    float lo = n ? tops[n / 2] : 0, hi = n ? bottoms[n / 2] : 0;
    *top = lo + (hi - lo) * ZONE_SHARE;
    *bottom = hi - (hi - lo) * ZONE_SHARE;
    free(tops);
    free(bottoms);
    return SHELF_OK;
}

static float height_of(const by_y *y)
{
    float h = y->y1 - y->y0;
    return h > 0 ? h : 1;
}

typedef struct finder {
    pdf_model *m;
    candidate *c;
    size_t nc;
    char *keys;
    size_t keys_len;
    by_y *ys;
    float top, bottom; /* the zones (see zones()) */
    float *reach; /* reach[i]: the largest y1 (lowest point) of ys[0..i] */
    float *sizes; /* room for every candidate's type size (median_size) */
} finder;

static void add_candidate(finder *f, size_t line, bool top, bool apart, const by_y *edge)
{
    const pdf_line *l = &f->m->lines[line];
    candidate *c = &f->c[f->nc++];
    float tolerance = (edge->y1 - edge->y0) * 0.5f;
    bool extreme = l->src->y1 >= edge->y1 - tolerance && l->src->y1 <= edge->y1 + tolerance;
    *c = (candidate){.line = line, .page = l->page, .top = top, .extreme = extreme,
                     .apart = apart, .key_at = f->keys_len};
    c->key_len = mask_text(pdf_line_text(f->m, l), l->len, f->keys + f->keys_len);
    f->keys_len += c->key_len;
}

static bool same_baseline(const by_y *a, const by_y *b)
{
    float tolerance = height_of(a) * 0.5f;
    return b->y1 >= a->y1 - tolerance && b->y1 <= a->y1 + tolerance;
}

/* The top block of a sorted page: the lines before the first gap of
 * SEPARATION line heights, when they are few and in the top zone (*apart
 * set); else the lines on the topmost baseline.  Returns how many (0:
 * none). */
static size_t top_block(const finder *f, size_t n, float top, bool *apart)
{
    *apart = false;
    if (!(f->ys[0].y0 < top))
        return 0;
    for (size_t i = 0; i + 1 < n && i < BLOCK_MAX_PIECES && f->ys[i].y0 < top; i++)
        if (f->ys[i + 1].y0 - f->reach[i] >= SEPARATION * height_of(&f->ys[i])) {
            *apart = true;
            return i + 1;
        }
    size_t k = 1;
    while (k < n && k < BLOCK_MAX_PIECES && same_baseline(&f->ys[0], &f->ys[k]))
        k++;
    return k;
}

/* The bottom block likewise: the lines after the last such gap, else the
 * lines on the bottommost baseline; returns the index of its first line in
 * ys (n: none).  It never takes lines of the top block. */
static size_t bottom_block(const finder *f, size_t n, float bottom, size_t top_lines, bool *apart)
{
    float highest = f->ys[n - 1].y0;
    *apart = false;
    for (size_t j = n - 1; j > 0 && j >= top_lines && n - j <= BLOCK_MAX_PIECES; j--) {
        if (!(f->ys[j].y1 > bottom))
            break;
        highest = f->ys[j].y0 < highest ? f->ys[j].y0 : highest;
        if (highest - f->reach[j - 1] >= SEPARATION * height_of(&f->ys[j])) {
            *apart = true;
            return j;
        }
    }
    size_t j = n;
    while (j > top_lines && n - j < BLOCK_MAX_PIECES && f->ys[j - 1].y1 > bottom &&
           same_baseline(&f->ys[n - 1], &f->ys[j - 1]))
        j--;
    return j;
}

static void collect_page(finder *f, uint32_t p)
{
    size_t first = f->m->page_first[p], n = f->m->page_first[p + 1] - first;
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        const shelf_pdf_line *s = f->m->lines[first + i].src;
        f->ys[i] = (by_y){s->y0, s->y1, first + i};
    }
    qsort(f->ys, n, sizeof *f->ys, cmp_by_y);
    for (size_t i = 0; i < n; i++)
        f->reach[i] = i == 0 || f->ys[i].y1 > f->reach[i - 1] ? f->ys[i].y1 : f->reach[i - 1];
    bool apart;
    size_t ntop = top_block(f, n, f->top, &apart);
    for (size_t i = 0; i < ntop; i++)
        add_candidate(f, f->ys[i].line, true, apart, &f->ys[0]);
    for (size_t j = bottom_block(f, n, f->bottom, ntop, &apart); j < n; j++)
        add_candidate(f, f->ys[j].line, false, apart, &f->ys[n - 1]);
}

static const char *g_keys; /* qsort has no context argument */

static int cmp_by_key(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(g_keys + x->key_at, g_keys + y->key_at, n);
    if (c != 0)
        return c;
    if (x->key_len != y->key_len)
        return x->key_len < y->key_len ? -1 : 1;
    return x->page < y->page ? -1 : x->page > y->page;
}

static bool same_key(const finder *f, const candidate *a, const candidate *b)
{
    return a->key_len == b->key_len &&
           memcmp(f->keys + a->key_at, f->keys + b->key_at, a->key_len) == 0;
}

static float candidate_size(const finder *f, const candidate *c)
{
    return f->m->lines[c->line].src->font_size;
}

static int cmp_float_desc(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x > y ? -1 : x < y;
}

/* The median type size of candidates c[i..j). */
static float median_size(const finder *f, size_t i, size_t j)
{
    float *sizes = f->sizes;
    for (size_t k = i; k < j; k++)
        sizes[k - i] = candidate_size(f, &f->c[k]);
    qsort(sizes, j - i, sizeof *sizes, cmp_float_desc);
    return sizes[(j - i) / 2];
}

/* Whether candidate c is set in larger type than its group's usual size:
 * the title on a cover page that the later pages repeat as their running
 * head, in smaller type. */
static bool larger_than_group(const finder *f, const candidate *c, float usual)
{
    return candidate_size(f, c) > usual * LARGER_TYPE_RATIO;
}

/* Sets `recurs` on candidates whose mask is on at least min_pages pages,
 * counting only those in their group's usual type (larger_than_group). */
static void mark_recurring(finder *f, size_t min_pages)
{
    g_keys = f->keys;
    qsort(f->c, f->nc, sizeof *f->c, cmp_by_key);
    for (size_t i = 0; i < f->nc;) {
        size_t j = i + 1;
        while (j < f->nc && same_key(f, &f->c[i], &f->c[j]))
            j++;
        float usual = median_size(f, i, j);
        size_t pages = 0;
        uint32_t last_page = UINT32_MAX;
        for (size_t k = i; k < j; k++) {
            if (larger_than_group(f, &f->c[k], usual) || f->c[k].page == last_page)
                continue;
            pages++;
            last_page = f->c[k].page;
        }
        bool worded = false; /* a mask without letters is a number: the page test decides */
        for (size_t k = 0; k < f->c[i].key_len && !worded; k++)
            worded = is_ascii_letter(f->keys[f->c[i].key_at + k]);
        for (size_t k = i; k < j; k++)
            f->c[k].recurs = worded && pages >= min_pages && !larger_than_group(f, &f->c[k], usual);
        i = j;
    }
}

/* Whether candidate i shares its baseline with a lone page number of the
 * same page and zone (a head set as two pieces: "Chapter 2: Objects" ... "5"). */
static bool beside_lone_number(const finder *f, size_t i)
{
    const candidate *c = &f->c[i];
    const shelf_pdf_line *s = f->m->lines[c->line].src;
    float tolerance = (s->y1 - s->y0) * 0.5f;
    pdf_page_numbers pn;
    pdf_page_numbers_of(f->m, c->page, &pn);
    for (size_t k = i >= 2 * BLOCK_MAX_PIECES ? i - 2 * BLOCK_MAX_PIECES : 0;
         k < f->nc && k <= i + 2 * BLOCK_MAX_PIECES; k++) {
        const candidate *o = &f->c[k];
        const pdf_line *l = &f->m->lines[o->line];
        if (k == i || o->page != c->page || o->top != c->top ||
            l->src->y1 < s->y1 - tolerance || l->src->y1 > s->y1 + tolerance)
            continue;
        if (pdf_is_lone_page_number(pdf_line_text(f->m, l), l->len, &pn))
            return true;
    }
    return false;
}

/* The page-number test for one zone: most pages have a line that starts
 * or ends with their number (or sits beside it). */
static void mark_numbered_heads(finder *f, bool top, size_t pages_with_text)
{
    size_t pages = 0;
    uint32_t last_page = UINT32_MAX;
    pdf_page_numbers pn;
    bool *hit = calloc(f->nc ? f->nc : 1, sizeof *hit);
    if (!hit)
        return; /* the rule is an improvement; without memory, keep the lines */
    for (size_t i = 0; i < f->nc; i++) {
        const candidate *c = &f->c[i];
        if (c->top != top)
            continue;
        const pdf_line *l = &f->m->lines[c->line];
        pdf_page_numbers_of(f->m, c->page, &pn);
        hit[i] = c->extreme && !pdf_heading_sized(f->m, l) &&
                 (pdf_names_page_number(pdf_line_text(f->m, l), l->len, &pn) ||
                  beside_lone_number(f, i));
        if (hit[i] && c->page != last_page) {
            pages++;
            last_page = c->page;
        }
    }
    if (pages >= 2 && pages * 2 >= pages_with_text)
        for (size_t i = 0; i < f->nc; i++)
            if (hit[i])
                f->m->lines[f->c[i].line].running = true;
    free(hit);
}

/* A running slot: the baseline and type size of recurring running lines
 * set apart at one end of their pages. */
typedef struct slot {
    float y1, size;
    bool top;
    size_t pages;
    uint32_t last_page;
} slot;

static bool in_slot(const slot *s, const pdf_model *m, const candidate *c)
{
    const shelf_pdf_line *l = m->lines[c->line].src;
    return s->top == c->top && fabsf(l->y1 - s->y1) <= SLOT_BASELINE_TOLERANCE &&
           fabsf(l->font_size - s->size) <= SLOT_SIZE_TOLERANCE * s->size;
}

/* The slots of the recurring lines (at most MAX_SLOTS), with the number of
 * pages each holds one on. */
static size_t find_slots(const finder *f, slot *slots)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nc; i++) {
        const candidate *c = &f->c[i];
        if (!c->recurs || !c->extreme || !c->apart)
            continue;
        size_t k = 0;
        while (k < n && !in_slot(&slots[k], f->m, c))
            k++;
        if (k == n) {
            if (n == MAX_SLOTS)
                continue;
            const shelf_pdf_line *l = f->m->lines[c->line].src;
            slots[n++] = (slot){l->y1, l->font_size, c->top, 0, UINT32_MAX};
        }
        if (slots[k].last_page != c->page) {
            slots[k].pages++;
            slots[k].last_page = c->page;
        }
    }
    return n;
}

/* The running-slot test: a line set apart on its page's topmost
 * (bottommost) baseline, at the baseline and in the type size of running
 * lines set apart that recur on min_pages pages and on a third of the
 * pages with text or more, is a running line whatever it says (the head
 * of a chapter or section too short to recur).  The share keeps out the
 * foot of a full text block, where a recurring body line ("Examples:")
 * may end a few pages. */
static void mark_slot_heads(finder *f, size_t min_pages, size_t pages_with_text)
{
    slot slots[MAX_SLOTS];
    size_t n = find_slots(f, slots);
    if (min_pages * SLOT_SHARE < pages_with_text)
        min_pages = (pages_with_text + SLOT_SHARE - 1) / SLOT_SHARE;
    for (size_t i = 0; i < f->nc; i++) {
        candidate *c = &f->c[i];
        if (c->recurs || !c->extreme || !c->apart)
            continue;
        for (size_t k = 0; k < n; k++)
            if (slots[k].pages >= min_pages && in_slot(&slots[k], f->m, c)) {
                f->m->lines[c->line].running = true;
                break;
            }
    }
}

static size_t count_pages_with_text(const pdf_model *m)
{
    size_t n = 0;
    for (size_t p = 0; p < m->npages; p++)
        n += m->page_first[p + 1] > m->page_first[p];
    return n;
}

static size_t max_page_lines(const pdf_model *m)
{
    size_t most = 0;
    for (size_t p = 0; p < m->npages; p++) {
        size_t n = m->page_first[p + 1] - m->page_first[p];
        most = n > most ? n : most;
    }
    return most;
}

int pdf_mark_running(pdf_model *m)
{
    finder f = {.m = m};
    size_t cap = m->npages * 2 * BLOCK_MAX_PIECES, key_bytes = 1;
    for (size_t i = 0; i < m->nlines; i++)
        key_bytes += m->lines[i].len;
    f.c = calloc(cap ? cap : 1, sizeof *f.c);
    f.keys = malloc(key_bytes * 2 < key_bytes ? key_bytes : key_bytes * 2);
    f.ys = calloc(max_page_lines(m) + 1, sizeof *f.ys);
    f.reach = calloc(max_page_lines(m) + 1, sizeof *f.reach);
    f.sizes = calloc(cap ? cap : 1, sizeof *f.sizes);
    if (!f.c || !f.keys || !f.ys || !f.reach || !f.sizes ||
        zones(m, &f.top, &f.bottom) != SHELF_OK) {
        free(f.sizes);
        free(f.reach);
        free(f.c);
        free(f.keys);
        free(f.ys);
        return SHELF_ENOMEM;
    }
    for (uint32_t p = 0; p < m->npages; p++)
        collect_page(&f, p);
    size_t pages_with_text = count_pages_with_text(m);
    mark_numbered_heads(&f, true, pages_with_text);
    mark_numbered_heads(&f, false, pages_with_text);
    mark_recurring(&f, pages_with_text <= SMALL_DOCUMENT_PAGES ? 2 : 3);
    mark_slot_heads(&f, pages_with_text <= SMALL_DOCUMENT_PAGES ? 2 : 3, pages_with_text);
    pdf_page_numbers pn;
    for (size_t i = 0; i < f.nc; i++) {
        const candidate *c = &f.c[i];
        pdf_line *l = &m->lines[c->line];
        pdf_page_numbers_of(m, c->page, &pn);
        bool lone_number = c->extreme && !pdf_heading_sized(m, l) &&
                           pdf_is_lone_page_number(pdf_line_text(m, l), l->len, &pn);
        if (c->recurs || lone_number)
            l->running = true;
    }
    free(f.c);
    free(f.keys);
    free(f.ys);
    free(f.reach);
    free(f.sizes);
    return SHELF_OK;
}

bool pdf_is_running_text(const pdf_model *m, const char *s, size_t n)
{
    char *key = malloc(n + 1), *other = NULL;
    if (!key)
        return false;
    size_t kn = mask_text(s, n, key);
    bool found = false;
    for (size_t i = 0; i < m->nlines && !found; i++) {
        const pdf_line *l = &m->lines[i];
        if (!l->running || l->len > n * 2 + 8)
            continue;
        free(other);
        other = malloc(l->len + 1);
        if (!other)
            break;
        size_t on = mask_text(pdf_line_text(m, l), l->len, other);
        found = on == kn && memcmp(key, other, kn) == 0;
    }
    free(other);
    free(key);
    return found;
}
