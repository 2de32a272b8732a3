/*
 * output_cite_ref.c - the reference-manager citation forms: every passage
 * of every hit as one bibliography entry a writer can import (Zotero,
 * LaTeX); see output.h.
 *
 *   csl-json: one JSON array per query, one item a line:
 *     {"id", "type", "title", "author" (when known), "issued" (when
 *      known), "accessed" (when issued is not), "URL", "page" (paged
 *      only), "note"}
 *     type: "report" for a PDF, DOCX or ODT, "book" for an EPUB, "webpage"
 *       for HTML, "document" otherwise;
 *     author: [{"family", "given"}] for a name written "Family, Given",
 *       else [{"literal"}], one per name of the document's author(s);
 *     issued: {"date-parts": [[YYYY, M, D]]} (as many parts as known);
 *     accessed: the same form, for a source with no date of its own: the
 *       day (UTC) its file was last modified, as the day it was read;
 *     page: the quotation's page as printed ("iv", "12"), "12-13" when
 *       it runs onto a later page; note: the quotation (as --cite quotes it).
 *   bibtex: one entry per passage, a blank line after each:
 *     @report (PDF, DOCX, ODT) / @book (EPUB) / @online (HTML) / @misc {KEY,
 *       title = {...}, author = {A and B}, year = {2023}, month = may,
 *       url = {file:///...}, urldate = {2024-03-05}, pages = {12--13},
 *       note = {“quote”} }
 *     urldate: only for a source with no date (year and month then
 *     absent), the access date as for csl-json's "accessed".
 *     KEY: the first author's family name (else the title's first word),
 *     ASCII letters and digits, lower case, then the year when known, then
 *     four hex digits of a hash of the path and the quote's start, so the
 *     same passage always gets the same key.  Text fields have LaTeX's
 *     specials escaped (& % $ # _ { } ~ ^ \); url is left verbatim (it is
 *     percent-encoded, so it holds no brace or backslash).
 *
 * The URL is a file: URL of the source's absolute path (a relative indexed
 * path is resolved against the current folder), every byte but letters,
 * digits, "-._~/" percent-encoded.
 *
 * Invariants: csl-json is valid JSON whatever the text holds; a bibtex
 * entry's braces balance whatever the text holds.  Like the other citation
 * forms these show the notes, count and failures as the text form does.
 */
#include "output_quote.h"
#include "output_text.h"

#include "present/cite.h"
#include "present/place.h"
#include "util/json.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- what both forms need ---- */

#define ISO_DATE_BYTES 11 /* "YYYY-MM-DD" and its NUL */

/* One entry's facts, worked out once. */
typedef struct entry {
    const output_hit *h;
    shelf_quote q;
    char key[64];
    char pages[2 * SHELF_PAGE_NAME_BYTES + 4]; /* "" when unpaged */
    char accessed[ISO_DATE_BYTES];             /* "YYYY-MM-DD", or "" (see access_date) */
} entry;

/* The next "; "-separated name of list[*at..len), advancing *at; false at
 * the end. */
static bool next_name(const char *list, size_t len, size_t *at, const char **name, size_t *n)
{
    if (*at >= len)
        return false;
    *name = list + *at;
    size_t i = *at;
    while (i + 1 < len && !(list[i] == ';' && list[i + 1] == ' '))
        i++;
    bool sep = i + 1 < len;
    *n = (sep ? i : len) - *at;
    *at += *n + (sep ? 2 : 0);
    return true;
}

/* For "Family, Given" (one comma, something either side), the comma's
 * place; 0 otherwise. */
static size_t family_comma(const char *name, size_t n)
{
    const char *comma = memchr(name, ',', n);
    if (!comma || memchr(comma + 1, ',', n - (size_t)(comma - name) - 1))
        return 0;
    size_t at = (size_t)(comma - name);
    return at > 0 && at + 2 < n && name[at + 1] == ' ' ? at : 0;
}

/* The quotation's pages as printed: "12", or "12-13" (sep "-", or "--"
 * for BibTeX) when it ends on a later page than it starts. */
static void page_range(const output_hit *h, const shelf_quote *q, const char *sep, char *out,
                       size_t size)
{
    out[0] = '\0';
    if (!q->page)
        return;
    char first[SHELF_PAGE_NAME_BYTES], last[SHELF_PAGE_NAME_BYTES];
    shelf_page_name(h->layout, q->page, first);
    size_t end_page = q->end_page; /* the page of its last byte (present/cite.h) */
    if (end_page > q->page) {
        shelf_page_name(h->layout, end_page, last);
        snprintf(out, size, "%s%s%s", first, sep, last);
    } else {
        snprintf(out, size, "%s", first);
    }
}

static uint32_t fnv1a(uint32_t hash, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < n; i++)
        hash = (hash ^ b[i]) * 16777619u;
    return hash;
}

/* Lower-case ASCII letters and digits of s[0..n) appended to key. */
static void key_word(char *key, size_t size, const char *s, size_t n)
{
    size_t k = strlen(key);
    for (size_t i = 0; i < n && k + 1 < size && k < 24; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            key[k++] = c;
    }
    key[k] = '\0';
}

/* The first author's family name: before the comma of "Family, Given",
 * else the last word. */
static void first_surname(const output_hit *h, const char **s, size_t *n)
{
    size_t at = 0;
    if (!next_name(h->author, h->author_len, &at, s, n))
        return;
    size_t comma = family_comma(*s, *n);
    if (comma) {
        *n = comma;
        return;
    }
    const char *space = NULL;
    for (size_t i = 0; i < *n; i++)
        if ((*s)[i] == ' ')
            space = *s + i;
    if (space) {
        *n -= (size_t)(space + 1 - *s);
        *s = space + 1;
    }
}

static void make_key(entry *e)
{
    const output_hit *h = e->h;
    e->key[0] = '\0';
    const char *s = NULL;
    size_t n = 0;
    first_surname(h, &s, &n);
    key_word(e->key, sizeof e->key, s, n);
    for (size_t i = 0; !e->key[0] && i < h->title_len; i++) { /* the title's first word */
        size_t w = i;
        while (w < h->title_len && h->title[w] != ' ')
            w++;
        key_word(e->key, sizeof e->key, h->title + i, w - i);
        i = w;
    }
    if (!e->key[0])
        strcpy(e->key, "doc");
    if (h->date_len >= 4)
        key_word(e->key, sizeof e->key, h->date, 4);
    uint32_t hash = fnv1a(2166136261u, h->path, h->path_len);
    hash = fnv1a(hash, &e->q.start, sizeof e->q.start);
    size_t k = strlen(e->key);
    snprintf(e->key + k, sizeof e->key - k, "%04x", (unsigned)(hash & 0xFFFF));
}

static bool url_safe(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}

/* The source's absolute path (a relative one resolved against the current
 * folder); malloc'd, NULL when out of memory. */
static char *absolute_path(const output_hit *h)
{
    char *path = strndup(h->path, h->path_len);
    if (!path || path[0] == '/')
        return path;
    char *abs = realpath(path, NULL);
    if (!abs) {
        char cwd[PATH_MAX];
        size_t need = strlen(path) + sizeof cwd + 2;
        abs = getcwd(cwd, sizeof cwd) ? malloc(need) : NULL;
        if (abs)
            snprintf(abs, need, "%s/%s", cwd, path);
    }
    free(path);
    return abs;
}

/* A source with no date of its own is cited as read on the day its file
 * was last changed: "YYYY-MM-DD" (UTC) of its modification time, into
 * out; "" when the source has a date, or its file cannot be read. */
static void access_date(const output_hit *h, char out[ISO_DATE_BYTES])
{
    out[0] = '\0';
    if (h->date_len)
        return;
    char *path = absolute_path(h);
    struct stat st;
    struct tm day;
    if (path && stat(path, &st) == 0 && gmtime_r(&st.st_mtime, &day))
        snprintf(out, ISO_DATE_BYTES, "%04d-%02d-%02d", (day.tm_year + 1900) % 10000,
                 day.tm_mon + 1, day.tm_mday);
    free(path);
}

/* file:///absolute/path, percent-encoded; malloc'd, NULL when out of
 * memory. */
static char *file_url(const output_hit *h)
{
    char *path = absolute_path(h);
    if (!path)
        return NULL;
    size_t n = strlen(path);
    char *url = malloc(strlen("file://") + 3 * n + 1);
    if (url) {
        size_t k = (size_t)sprintf(url, "file://");
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)path[i];
            k += url_safe(c) ? (size_t)sprintf(url + k, "%c", c) : (size_t)sprintf(url + k, "%%%02X", c);
        }
    }
    free(path);
    return url;
}

static void make_entry(entry *e, const output_hit *h, const shelf_quote *q, const char *page_sep)
{
    e->h = h;
    e->q = *q;
    make_key(e);
    page_range(h, &e->q, page_sep, e->pages, sizeof e->pages);
    access_date(h, e->accessed);
}

/* ---- csl-json ---- */

static const char *csl_type(shelf_format f)
{
    if (f == SHELF_FORMAT_PDF || f == SHELF_FORMAT_DOCX || f == SHELF_FORMAT_ODT)
        return "report";
    return f == SHELF_FORMAT_EPUB ? "book" : f == SHELF_FORMAT_HTML ? "webpage" : "document";
}

static void csl_authors(FILE *out, const output_hit *h)
{
    if (!h->author_len)
        return;
    fputs(",\"author\":[", out);
    const char *name;
    size_t n, at = 0;
    for (int i = 0; next_name(h->author, h->author_len, &at, &name, &n); i++) {
        size_t comma = family_comma(name, n);
        fputs(i ? ",{" : "{", out);
        if (comma) {
            fputs("\"family\":", out);
            shelf_json_string(out, name, comma);
            fputs(",\"given\":", out);
            shelf_json_string(out, name + comma + 2, n - comma - 2);
        } else {
            fputs("\"literal\":", out);
            shelf_json_string(out, name, n);
        }
        fputc('}', out);
    }
    fputc(']', out);
}

/* ,"name": {"date-parts": [[2023, 5, 14]]} from "2023-05-14" (nothing
 * when date has no year). */
static void csl_date(FILE *out, const char *name, const char *date, size_t len)
{
    if (len < 4)
        return;
    fprintf(out, ",\"%s\":{\"date-parts\":[[", name);
    for (size_t at = 0; at < len; at += at == 0 ? 5 : 3)
        fprintf(out, "%s%d", at ? "," : "", atoi(date + at));
    fputs("]]}", out);
}

static void csl_item(FILE *out, const entry *e, bool first)
{
    const output_hit *h = e->h;
    fputs(first ? "" : ",\n", out);
    fputs("{\"id\":", out);
    shelf_json_string(out, e->key, strlen(e->key));
    fprintf(out, ",\"type\":\"%s\",\"title\":", csl_type(h->format));
    shelf_json_string(out, h->title, h->title_len);
    csl_authors(out, h);
    csl_date(out, "issued", h->date, h->date_len);
    csl_date(out, "accessed", e->accessed, strlen(e->accessed));
    char *url = file_url(h);
    if (url) {
        fputs(",\"URL\":", out);
        shelf_json_string(out, url, strlen(url));
        free(url);
    }
    if (e->pages[0]) {
        fputs(",\"page\":", out);
        shelf_json_string(out, e->pages, strlen(e->pages));
    }
    size_t n = 0;
    char *quote = output_flat_quote(h, &e->q, &n);
    if (quote) {
        fputs(",\"note\":", out);
        shelf_json_string(out, quote, n);
        free(quote);
    }
    fputc('}', out);
}

static void csl_header(FILE *out, const output_style *st, const query_result *qr)
{
    output_text_notes(out, st, qr);
    fputs("[\n", out);
}

static void csl_quote(FILE *out, const output_hit *h, const shelf_passage *p, const shelf_quote *q,
                      bool first)
{
    entry e;
    make_entry(&e, h, q, "-");
    csl_item(out, &e, first);
}

/* Every shown hit has at least one passage (a document has text), so the
 * first item of the answer is the first of the first hit. */
static void csl_hit(FILE *out, const output_style *st, const output_hit *h, size_t shown)
{
    output_each_quote(out, h, shown, csl_quote);
}

static void csl_footer(FILE *out, const output_style *st, const query_result *qr, size_t shown)
{
    fputs(shown ? "\n]\n" : "]\n", out);
}

const output_form output_cite_csl_form = {
    .name = "cite-csl-json",
    .cite_style = "csl-json",
    .buffered = true,
    .header = csl_header,
    .hit = csl_hit,
    .footer = csl_footer,
    .count = output_text_count,
    .error = output_no_error,
};

/* ---- bibtex ---- */

/* s[0..n) with LaTeX's specials escaped and white space flattened. */
static void put_latex(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        switch (c) {
        case '&': case '%': case '$': case '#': case '_': case '{': case '}':
            fputc('\\', out);
            fputc(c, out);
            break;
        case '~':
            fputs("\\textasciitilde{}", out);
            break;
        case '^':
            fputs("\\textasciicircum{}", out);
            break;
        case '\\':
            fputs("\\textbackslash{}", out);
            break;
        case '\n': case '\r': case '\t': case '\f': case '\v':
            fputc(' ', out);
            break;
        default:
            fputc(c, out);
        }
    }
}

static const char *bibtex_type(shelf_format f)
{
    if (f == SHELF_FORMAT_PDF || f == SHELF_FORMAT_DOCX || f == SHELF_FORMAT_ODT)
        return "report";
    return f == SHELF_FORMAT_EPUB ? "book" : f == SHELF_FORMAT_HTML ? "online" : "misc";
}

static void bibtex_authors(FILE *out, const output_hit *h)
{
    if (!h->author_len)
        return;
    fputs("  author = {", out);
    const char *name;
    size_t n, at = 0;
    for (int i = 0; next_name(h->author, h->author_len, &at, &name, &n); i++) {
        fputs(i ? " and " : "", out);
        /* a name that is no "Family, Given" pair is kept whole (braced),
         * so BibTeX does not split an organisation's name */
        bool whole = !family_comma(name, n) && memchr(name, ',', n);
        fputs(whole ? "{" : "", out);
        put_latex(out, name, n);
        fputs(whole ? "}" : "", out);
    }
    fputs("},\n", out);
}

static void bibtex_date(FILE *out, const output_hit *h)
{
    if (h->date_len >= 4)
        fprintf(out, "  year = {%.4s},\n", h->date);
    static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
    int month = h->date_len >= 7 ? atoi(h->date + 5) : 0;
    if (month >= 1 && month <= 12) /* BibTeX's month macro, unbraced */
        fprintf(out, "  month = %s,\n", months[month - 1]);
}

static void bibtex_entry(FILE *out, const entry *e)
{
    const output_hit *h = e->h;
    fprintf(out, "@%s{%s,\n  title = {", bibtex_type(h->format), e->key);
    put_latex(out, h->title, h->title_len);
    fputs("},\n", out);
    bibtex_authors(out, h);
    bibtex_date(out, h);
    char *url = file_url(h);
    if (url) {
        fprintf(out, "  url = {%s},\n", url);
        free(url);
    }
    if (e->accessed[0]) /* the day read, never the day issued */
        fprintf(out, "  urldate = {%s},\n", e->accessed);
    if (e->pages[0]) {
        fputs("  pages = {", out);
        put_latex(out, e->pages, strlen(e->pages));
        fputs("},\n", out);
    }
    size_t n = 0;
    char *quote = output_flat_quote(h, &e->q, &n);
    if (quote) {
        fputs("  note = {“", out);
        put_latex(out, quote, n);
        fputs("”},\n", out);
        free(quote);
    }
    fputs("}\n\n", out);
}

static void bibtex_quote(FILE *out, const output_hit *h, const shelf_passage *p,
                         const shelf_quote *q, bool first)
{
    entry e;
    make_entry(&e, h, q, "--");
    bibtex_entry(out, &e);
}

static void bibtex_hit(FILE *out, const output_style *st, const output_hit *h, size_t shown)
{
    output_each_quote(out, h, shown, bibtex_quote);
}

const output_form output_cite_bibtex_form = {
    .name = "cite-bibtex",
    .cite_style = "bibtex",
    .header = output_text_notes,
    .hit = bibtex_hit,
    .footer = output_cite_no_footer,
    .count = output_text_count,
    .error = output_no_error,
};
