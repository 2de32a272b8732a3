/*
 * pdf_pagenum.c - recognising a page's own number in a line of text
 * (pdf_pagenum.h): the tests the running-head rule uses.
 */
#include "extract/pdf_pagenum.h"

#include <stdio.h>
#include <string.h>

#define LONE_NUMBER_MAX_BYTES 32 /* "Page 12 of 340" and the like */

static bool is_ascii_letter(char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Whether line text s[0..n) is w, or starts or ends with w as a word. */
static bool has_word_at_end(const char *s, size_t n, const char *w, size_t wn)
{
    if (wn == 0 || wn > n)
        return false;
    if (wn == n)
        return memcmp(s, w, n) == 0;
    bool at_start = memcmp(s, w, wn) == 0 && s[wn] == ' ';
    bool at_end = memcmp(s + n - wn, w, wn) == 0 && s[n - wn - 1] == ' ';
    return at_start || at_end;
}

void pdf_page_numbers_of(const pdf_model *m, uint32_t p, pdf_page_numbers *pn)
{
    size_t label_len;
    const char *label = pdf_page_label(m, p, &label_len);
    size_t raw = label_len < SHELF_PAGE_LABEL_MAX_BYTES + 4 ? label_len
                                                            : SHELF_PAGE_LABEL_MAX_BYTES + 4;
    pn->label_len = raw ? pdf_clean_metadata(label, raw, pn->label) : 0;
    pn->physical_len = (size_t)snprintf(pn->physical, sizeof pn->physical, "%u", p + 1);
}

/* Whether the token s[0..n) is the label or the physical number of the page. */
static bool is_this_page(const char *s, size_t n, const pdf_page_numbers *pn)
{
    return (n == pn->label_len && memcmp(s, pn->label, n) == 0) ||
           (n == pn->physical_len && memcmp(s, pn->physical, n) == 0);
}

static bool is_word(const char *s, size_t n, const char *w)
{
    if (strlen(w) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((char)(s[i] | 0x20) != w[i])
            return false;
    return true;
}

bool pdf_is_page_word(const char *s, size_t n)
{
    return is_word(s, n, "page") || is_word(s, n, "p") || is_word(s, n, "of");
}

/* A lone page number: the page's own label or number, maybe decorated
 * ("- 5 -") or worded ("Page 3", "Page 3 of 9", "p. iv"): no other word,
 * at most one further number. */
bool pdf_is_lone_page_number(const char *s, size_t n, const pdf_page_numbers *pn)
{
    size_t numbers = 0;
    if (n > LONE_NUMBER_MAX_BYTES)
        return false;
    for (size_t i = 0; i < n;) {
        if (!is_ascii_letter(s[i]) && !is_digit(s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && (is_ascii_letter(s[j]) || is_digit(s[j])))
            j++;
        if (pdf_is_page_word(s + i, j - i)) {
            i = j;
            continue;
        }
        if (numbers == 0 && !is_this_page(s + i, j - i, pn))
            return false;
        if (++numbers > 2)
            return false;
        i = j;
    }
    return numbers >= 1;
}

/* Whether line text s[0..n) starts or ends with the page's number as a word. */
bool pdf_names_page_number(const char *s, size_t n, const pdf_page_numbers *pn)
{
    return has_word_at_end(s, n, pn->label, pn->label_len) ||
           has_word_at_end(s, n, pn->physical, pn->physical_len);
}

