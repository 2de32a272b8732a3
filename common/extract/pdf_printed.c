/*
 * pdf_printed.c - printed page numbers read off the pages of a PDF without
 * page labels (pdf_printed.h, which states the rule).
 */
#include "extract/pdf_printed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/pdf_pagenum.h"
#include "util/error.h"

#define ARABIC_MAX 9999
#define ROMAN_MAX 3999
#define LONE_MAX_BYTES 32 /* "Page 12 of 340" and the like */
#define MIN_VOTES 3
#define MIN_VOTES_SMALL 2
#define SMALL_DOCUMENT_PAGES 6
#define SEPARATION 1.0f /* the gap that sets a head or foot apart, in its line heights */

typedef enum number_kind { NUMBER_NONE, NUMBER_ARABIC, NUMBER_ROMAN } number_kind;

typedef struct page_number {
    number_kind kind;
    long value;
    bool upper; /* a roman numeral in upper case */
} page_number;

/* A page's votes: at most one arabic and one roman candidate. */
typedef struct page_votes {
    page_number arabic, roman;
} page_votes;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_ascii_letter(char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* The canonical roman numeral of v (1..ROMAN_MAX) into out (room for 16). */
static void roman_of(long v, bool upper, char *out)
{
    static const struct {
        long value;
        const char *lower, *upper;
    } steps[] = {{1000, "m", "M"}, {900, "cm", "CM"}, {500, "d", "D"}, {400, "cd", "CD"},
                 {100, "c", "C"},  {90, "xc", "XC"},  {50, "l", "L"},  {40, "xl", "XL"},
                 {10, "x", "X"},   {9, "ix", "IX"},   {5, "v", "V"},   {4, "iv", "IV"},
                 {1, "i", "I"}};
    size_t n = 0;
    for (size_t k = 0; k < sizeof steps / sizeof *steps; k++)
        for (; v >= steps[k].value; v -= steps[k].value) {
            const char *s = upper ? steps[k].upper : steps[k].lower;
            memcpy(out + n, s, strlen(s));
            n += strlen(s);
        }
    out[n] = '\0';
}

static long roman_digit(char c)
{
    switch (c | 0x20) {
    case 'i': return 1;
    case 'v': return 5;
    case 'x': return 10;
    case 'l': return 50;
    case 'c': return 100;
    case 'd': return 500;
    case 'm': return 1000;
    default: return 0;
    }
}

/* The token s[0..n) as a canonical roman numeral of one case. */
static bool read_roman(const char *s, size_t n, page_number *out)
{
    if (n == 0 || n > 15)
        return false;
    bool upper = s[0] >= 'A' && s[0] <= 'Z';
    long total = 0;
    for (size_t i = 0; i < n; i++) {
        long d = roman_digit(s[i]);
        if (d == 0 || (s[i] >= 'A' && s[i] <= 'Z') != upper)
            return false;
        long next = i + 1 < n ? roman_digit(s[i + 1]) : 0;
        total += d < next ? -d : d;
    }
    if (total < 1 || total > ROMAN_MAX)
        return false;
    char canonical[16];
    roman_of(total, upper, canonical);
    if (strlen(canonical) != n || memcmp(canonical, s, n) != 0)
        return false;
    *out = (page_number){NUMBER_ROMAN, total, upper};
    return true;
}

static bool read_arabic(const char *s, size_t n, page_number *out)
{
    if (n == 0 || n > 4 || s[0] == '0')
        return false;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = (page_number){NUMBER_ARABIC, v, false};
    return v >= 1 && v <= ARABIC_MAX;
}

/* Line text s[0..n) as a lone page number: one number, maybe decorated or
 * worded ("page", "p", "of" and one further number). */
static bool read_lone_number(const char *s, size_t n, page_number *out)
{
    size_t numbers = 0;
    if (n > LONE_MAX_BYTES)
        return false;
    for (size_t i = 0; i < n;) {
        if (!is_ascii_letter(s[i]) && !is_digit(s[i])) {
            i++; /* decoration: punctuation, dashes, white space */
            continue;
        }
        size_t j = i;
        while (j < n && (is_ascii_letter(s[j]) || is_digit(s[j])))
            j++;
        if (!pdf_is_page_word(s + i, j - i)) {
            page_number pn;
            if (numbers == 0 && !read_arabic(s + i, j - i, &pn) && !read_roman(s + i, j - i, &pn))
                return false;
            if (numbers == 0)
                *out = pn;
            else if (!read_arabic(s + i, j - i, &pn))
                return false;
            if (++numbers > 2)
                return false;
        }
        i = j;
    }
    return numbers >= 1;
}

static void vote(page_votes *v, const page_number *pn)
{
    page_number *slot = pn->kind == NUMBER_ARABIC ? &v->arabic : &v->roman;
    if (slot->kind == NUMBER_NONE)
        *slot = *pn;
}

static bool same_baseline(const shelf_pdf_line *a, const shelf_pdf_line *b)
{
    float tolerance = (a->y1 - a->y0) * 0.5f;
    return b->y1 >= a->y1 - tolerance && b->y1 <= a->y1 + tolerance;
}

/* Whether the baseline of `edge` stands apart from the rest of the page:
 * a gap of at least one of its line heights between its lines and every
 * other line (a footer below the text block, a head above it), so that a
 * number ending a table row at the foot is no page number. */
static bool set_apart(const pdf_model *m, size_t first, size_t end, const shelf_pdf_line *edge)
{
    float height = edge->y1 - edge->y0;
    for (size_t i = first; i < end; i++) {
        const shelf_pdf_line *s = m->lines[i].src;
        if (same_baseline(edge, s))
            continue;
        float gap = s->y0 > edge->y1 ? s->y0 - edge->y1 : edge->y0 - s->y1;
        if (gap < height * SEPARATION)
            return false;
    }
    return true;
}

/* The votes of page p: its lone numbers on the topmost and bottommost
 * baselines, when these stand apart. */
static void collect_page(const pdf_model *m, size_t p, page_votes *v)
{
    size_t first = m->page_first[p], end = m->page_first[p + 1];
    if (first == end)
        return;
    const shelf_pdf_line *top = m->lines[first].src, *bottom = top;
    for (size_t i = first; i < end; i++) {
        const shelf_pdf_line *s = m->lines[i].src;
        top = s->y0 < top->y0 ? s : top;
        bottom = s->y1 > bottom->y1 ? s : bottom;
    }
    bool top_apart = set_apart(m, first, end, top);
    bool bottom_apart = set_apart(m, first, end, bottom);
    for (size_t i = first; i < end; i++) {
        const pdf_line *l = &m->lines[i];
        bool edge = (top_apart && same_baseline(top, l->src)) ||
                    (bottom_apart && same_baseline(bottom, l->src));
        page_number pn;
        if (edge && read_lone_number(pdf_line_text(m, l), l->len, &pn))
            vote(v, &pn);
    }
}

static bool labels_are_physical(const pdf_model *m)
{
    for (size_t p = 0; p < m->npages; p++) {
        const shelf_pdf_page *pg = &m->doc->pages[p];
        char number[24];
        int n = snprintf(number, sizeof number, "%zu", p + 1);
        if (pg->label_len != 0 &&
            (pg->label_len != (size_t)n || memcmp(pg->label, number, (size_t)n) != 0))
            return false;
    }
    return true;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

/* The offset most of offsets[0..n) share (sorted in place), its votes in *count. */
static long winning_offset(long *offsets, size_t n, size_t *count)
{
    qsort(offsets, n, sizeof *offsets, cmp_long);
    long best = 0;
    *count = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && offsets[j] == offsets[i])
            j++;
        if (j - i > *count) {
            *count = j - i;
            best = offsets[i];
        }
        i = j;
    }
    return best;
}

/* The arabic offset the rule accepts: true and *offset when one wins. */
static bool arabic_offset(const pdf_model *m, const page_votes *votes, long *offsets, long *offset)
{
    size_t n = 0;
    for (size_t p = 0; p < m->npages; p++)
        if (votes[p].arabic.kind == NUMBER_ARABIC)
            offsets[n++] = votes[p].arabic.value - (long)(p + 1);
    size_t count;
    *offset = winning_offset(offsets, n, &count);
    size_t needed = m->npages <= SMALL_DOCUMENT_PAGES ? MIN_VOTES_SMALL : MIN_VOTES;
    return n > 0 && count >= needed && count * 2 >= n && *offset != 0;
}

/* The roman offset most pages before page `until` vote for; false when none. */
/* A page's candidate of the given kind. */
static const page_number *candidate(const page_votes *v, number_kind kind)
{
    return kind == NUMBER_ARABIC ? &v->arabic : &v->roman;
}

/* The first page before until whose candidate of the given kind votes for
 * offset (until: none). */
static size_t first_voter(const page_votes *votes, size_t until, number_kind kind, long offset)
{
    for (size_t p = 0; p < until; p++) {
        const page_number *pn = candidate(&votes[p], kind);
        if (pn->kind == kind && pn->value - (long)(p + 1) == offset)
            return p;
    }
    return until;
}

static bool roman_offset(const page_votes *votes, size_t until, long *offsets, long *offset,
                         bool *upper)
{
    size_t n = 0;
    for (size_t p = 0; p < until; p++)
        if (votes[p].roman.kind == NUMBER_ROMAN)
            offsets[n++] = votes[p].roman.value - (long)(p + 1);
    size_t count;
    *offset = winning_offset(offsets, n, &count);
    if (!count)
        return false;
    size_t p = first_voter(votes, until, NUMBER_ROMAN, *offset);
    if (p == until)
        return false;
    *upper = votes[p].roman.upper;
    return true;
}

typedef struct numbering {
    long arabic;          /* printed = physical + arabic from first_arabic on */
    size_t first_arabic;
    bool has_roman;
    long roman;           /* printed = physical + roman before, in roman numerals */
    bool upper;
} numbering;

static void write_labels(pdf_model *m, const page_votes *votes, const numbering *nb)
{
    size_t last_roman = 0; /* one past the last page with a roman candidate */
    for (size_t p = 0; p < nb->first_arabic; p++)
        if (votes[p].roman.kind == NUMBER_ROMAN)
            last_roman = p + 1;
    for (size_t p = 0; p < m->npages; p++) {
        char *out = m->printed + p * PDF_PRINTED_BYTES;
        long as_arabic = (long)(p + 1) + nb->arabic, as_roman = (long)(p + 1) + nb->roman;
        bool arabic_page = p >= nb->first_arabic || p >= last_roman;
        if (arabic_page && as_arabic >= 1 && as_arabic <= ARABIC_MAX)
            snprintf(out, PDF_PRINTED_BYTES, "%ld", as_arabic);
        else if (nb->has_roman && as_roman >= 1 && as_roman <= ROMAN_MAX)
            roman_of(as_roman, nb->upper, out);
        else
            snprintf(out, PDF_PRINTED_BYTES, "[%zu]", p + 1);
    }
}

int pdf_find_printed_numbers(pdf_model *m)
{
    if (m->npages == 0 || !labels_are_physical(m))
        return SHELF_OK;
    page_votes *votes = calloc(m->npages, sizeof *votes);
    long *offsets = calloc(m->npages, sizeof *offsets);
    if (!votes || !offsets) {
        free(votes);
        free(offsets);
        return SHELF_ENOMEM;
    }
    for (size_t p = 0; p < m->npages; p++)
        collect_page(m, p, &votes[p]);
    numbering nb = {0};
    int rc = SHELF_OK;
    if (arabic_offset(m, votes, offsets, &nb.arabic)) {
        nb.first_arabic = first_voter(votes, m->npages, NUMBER_ARABIC, nb.arabic);
        nb.has_roman = roman_offset(votes, nb.first_arabic, offsets, &nb.roman, &nb.upper);
        m->printed = calloc(m->npages, PDF_PRINTED_BYTES);
        if (m->printed)
            write_labels(m, votes, &nb);
        else
            rc = SHELF_ENOMEM;
    }
    free(votes);
    free(offsets);
    return rc;
}
