/* htmlsource.c - text nodes found again in the HTML source; see htmlsource.h. */
#include "extract/htmlsource.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>

#include "extract/htmlscan.h"
#include "util/error.h"

#define SEARCH_TRIES 256        /* text starts tried per node */
#define BUDGET_PER_BYTE 8       /* work allowed per source byte ... */
#define BUDGET_BASE (1u << 20)  /* ... plus this much */
#define MAX_REFERENCE_BYTES 40  /* longest &...; looked at */

/* A position in the source with its line and column. */
typedef struct walker {
    size_t pos;
    uint32_t line, column;
} walker;

void shelf_html_source_init(shelf_html_source *src, const char *s, size_t n)
{
    memset(src, 0, sizeof *src);
    src->s = s;
    src->n = n;
    src->line = 1;
    src->column = 1;
    src->budget = (uint64_t)n * BUDGET_PER_BYTE + BUDGET_BASE;
}

static size_t utf8_length(unsigned char lead)
{
    if (lead < 0xC0)
        return 1;
    if (lead < 0xE0)
        return 2;
    return lead < 0xF0 ? 3 : 4;
}

/* Bytes of the character at w (never past the end). */
static size_t char_length(const shelf_html_source *src, const walker *w)
{
    size_t k = utf8_length((unsigned char)src->s[w->pos]);
    return k < src->n - w->pos ? k : src->n - w->pos;
}

/* One character forward; false (and no step) when the budget is spent. */
static bool step(shelf_html_source *src, walker *w)
{
    if (src->budget == 0)
        return false;
    src->budget--;
    bool newline = src->s[w->pos] == '\n';
    w->pos += char_length(src, w);
    if (newline && w->line < UINT32_MAX) {
        w->line++;
        w->column = 1;
    } else if (!newline && w->column < UINT32_MAX / 2) {
        w->column++;
    }
    return true;
}

/* Steps forward to the next occurrence of stop (ignoring ASCII case) or
 * the end; then past stop when past is true. */
static bool walk_to(shelf_html_source *src, walker *w, const char *stop, bool past)
{
    size_t k = strlen(stop);
    while (w->pos < src->n) {
        if (shelf_html_starts_with(src->s + w->pos, src->n - w->pos, stop)) {
            for (size_t i = 0; past && i < k; i++)
                if (!step(src, w))
                    return false;
            return true;
        }
        if (!step(src, w))
            return false;
    }
    return true;
}

static bool is_ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* '<' starting a tag, comment, doctype or processing instruction, as the
 * parser sees one ('<' before anything else is text). */
static bool markup_at(const shelf_html_source *src, size_t pos)
{
    if (src->s[pos] != '<' || pos + 1 >= src->n)
        return false;
    char c = src->s[pos + 1];
    if (c == '/')
        return pos + 2 < src->n && is_ascii_letter(src->s[pos + 2]);
    return is_ascii_letter(c) || c == '!' || c == '?';
}

/* Past a tag's '>', attribute values in quotes included. */
static bool skip_tag(shelf_html_source *src, walker *w)
{
    char quote = 0;
    while (w->pos < src->n) {
        char c = src->s[w->pos];
        if (!step(src, w))
            return false;
        if (quote) {
            quote = c == quote ? 0 : quote;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return true;
        }
    }
    return true;
}

/* "<name" at pos names script or style, whose content is not text data. */
static const char *raw_text_end(const shelf_html_source *src, size_t pos)
{
    const char *s = src->s + pos + 1;
    size_t n = src->n - pos - 1;
    if (shelf_html_starts_with(s, n, "script") && (n == 6 || !is_ascii_letter(s[6])))
        return "</script";
    if (shelf_html_starts_with(s, n, "style") && (n == 5 || !is_ascii_letter(s[5])))
        return "</style";
    return NULL;
}

/* Past one piece of markup at w (markup_at is true there). */
static bool skip_markup(shelf_html_source *src, walker *w)
{
    const char *s = src->s + w->pos;
    size_t n = src->n - w->pos;
    if (shelf_html_starts_with(s, n, "<!--"))
        return walk_to(src, w, "-->", true);
    if (s[1] == '!' || s[1] == '?' || s[1] == '/')
        return walk_to(src, w, ">", true);
    const char *raw_end = raw_text_end(src, w->pos);
    if (!skip_tag(src, w))
        return false;
    return !raw_end || walk_to(src, w, raw_end, false);
}

/* ------------------------------------------------------------------ */
/* Character references                                                 */
/* ------------------------------------------------------------------ */

typedef struct reference {
    size_t len;         /* source bytes, '&' to ';' (or the last name char) */
    unsigned codepoint; /* 0: a numeric reference the parser drops */
    bool decoded;       /* a reference the parser could have decoded */
} reference;

static bool is_hex(char c, bool hex)
{
    return (c >= '0' && c <= '9') ||
           (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}

static unsigned digit_value(char c)
{
    if (c <= '9')
        return (unsigned)(c - '0');
    return (unsigned)((c | 0x20) - 'a' + 10);
}

static reference numeric_reference(const char *s, size_t n)
{
    reference r = {2, 0, false};
    bool hex = r.len < n && (s[r.len] == 'x' || s[r.len] == 'X');
    r.len += hex;
    unsigned long value = 0;
    size_t digits = 0;
    while (r.len < n && is_hex(s[r.len], hex)) {
        if (value <= 0x10FFFF)
            value = value * (hex ? 16 : 10) + digit_value(s[r.len]);
        r.len++;
        digits++;
    }
    if (digits == 0)
        return (reference){0, 0, false};
    r.len += r.len < n && s[r.len] == ';';
    bool valid = value > 0 && value <= 0x10FFFF && !(value >= 0xD800 && value <= 0xDFFF);
    r.codepoint = valid ? (unsigned)value : 0;
    r.decoded = true;
    return r;
}

static reference named_reference(const char *s, size_t n)
{
    size_t len = 1;
    while (len < n && len < MAX_REFERENCE_BYTES &&
           (is_ascii_letter(s[len]) || (len > 1 && s[len] >= '0' && s[len] <= '9')))
        len++;
    if (len == 1 || len >= MAX_REFERENCE_BYTES)
        return (reference){0, 0, false};
    char name[MAX_REFERENCE_BYTES];
    memcpy(name, s + 1, len - 1);
    name[len - 1] = '\0';
    const htmlEntityDesc *entity = htmlEntityLookup((const xmlChar *)name);
    if (!entity || entity->value == 0)
        return (reference){0, 0, false};
    len += len < n && s[len] == ';';
    return (reference){len, entity->value, true};
}

/* The reference at s[0] == '&' (decoded false when there is none). */
static reference reference_at(const char *s, size_t n)
{
    if (n > 1 && s[1] == '#')
        return numeric_reference(s, n);
    return named_reference(s, n);
}

static size_t utf8_encode(unsigned cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* ------------------------------------------------------------------ */
/* Matching one node                                                    */
/* ------------------------------------------------------------------ */

static int add_point(shelf_node_map *map, size_t off, const walker *w, bool pinned)
{
    if (map->count == map->cap) {
        size_t cap = map->cap ? map->cap * 2 : 8;
        shelf_node_point *at = realloc(map->at, cap * sizeof *at);
        if (!at)
            return SHELF_ENOMEM;
        map->at = at;
        map->cap = cap;
    }
    map->at[map->count++] = (shelf_node_point){off, w->line, w->column, pinned};
    return SHELF_OK;
}

typedef enum match_result { MATCH_OK, MATCH_FAILED, MATCH_NOMEM } match_result;

/* After a decoded reference, the next content byte must be the source's
 * (or the source must go on with something matched its own way). */
static bool plausible_next(const shelf_html_source *src, size_t pos, const char *content,
                           size_t len, size_t j)
{
    if (j >= len || pos >= src->n)
        return true;
    char c = src->s[pos];
    return c == content[j] || c == '&' || c == '\r' || markup_at(src, pos);
}

/* A reference at w matching content[*j..]: pinned point, both advanced. */
static match_result match_reference(shelf_html_source *src, walker *w, const char *content,
                                    size_t len, size_t *j, shelf_node_map *map)
{
    reference r = reference_at(src->s + w->pos, src->n - w->pos);
    if (!r.decoded)
        return MATCH_FAILED;
    char bytes[4];
    size_t k = r.codepoint ? utf8_encode(r.codepoint, bytes) : 0;
    if (k > len - *j || memcmp(bytes, content + *j, k) != 0)
        return MATCH_FAILED;
    if (!plausible_next(src, w->pos + r.len, content, len, *j + k))
        return MATCH_FAILED;
    if (k > 0 && add_point(map, *j, w, true) != SHELF_OK)
        return MATCH_NOMEM;
    size_t end = w->pos + r.len;
    while (w->pos < end)
        if (!step(src, w))
            return MATCH_FAILED;
    *j += k;
    return MATCH_OK;
}

/* The source character at w equals content[*j..]: advanced. */
static match_result match_literal(shelf_html_source *src, walker *w, const char *content,
                                  size_t len, size_t *j, bool *need_point, shelf_node_map *map)
{
    size_t k = char_length(src, w);
    if (k > len - *j || memcmp(src->s + w->pos, content + *j, k) != 0)
        return MATCH_FAILED;
    if (*need_point && add_point(map, *j, w, false) != SHELF_OK)
        return MATCH_NOMEM;
    bool newline = src->s[w->pos] == '\n';
    if (!step(src, w))
        return MATCH_FAILED;
    *j += k;
    *need_point = newline;
    return MATCH_OK;
}

/* One step of the match: a reference, a literal character, or source the
 * parser dropped (CR, markup inside the text, a reference to nothing). */
static match_result match_step(shelf_html_source *src, walker *w, const char *content, size_t len,
                               size_t *j, bool *need_point, shelf_node_map *map)
{
    char c = src->s[w->pos];
    if (c == '&') {
        match_result r = match_reference(src, w, content, len, j, map);
        if (r != MATCH_FAILED) {
            *need_point = true;
            return r;
        }
    }
    match_result r = match_literal(src, w, content, len, j, need_point, map);
    if (r != MATCH_FAILED)
        return r;
    *need_point = true;
    if (c == '\r')
        return step(src, w) ? MATCH_OK : MATCH_FAILED;
    if (*j > 0 && markup_at(src, w->pos))
        return skip_markup(src, w) ? MATCH_OK : MATCH_FAILED;
    return MATCH_FAILED;
}

/* The whole content from w (a text start); w ends past it. */
static match_result match_node(shelf_html_source *src, walker *w, const char *content, size_t len,
                               shelf_node_map *map)
{
    size_t j = 0;
    bool need_point = true;
    map->count = 0;
    while (j < len) {
        if (w->pos >= src->n)
            return MATCH_FAILED;
        match_result r = match_step(src, w, content, len, &j, &need_point, map);
        if (r != MATCH_OK)
            return r;
    }
    return MATCH_OK;
}

/* ------------------------------------------------------------------ */
/* Searching                                                            */
/* ------------------------------------------------------------------ */

static bool skip_all_markup(shelf_html_source *src, walker *w)
{
    while (w->pos < src->n && markup_at(src, w->pos))
        if (!skip_markup(src, w))
            return false;
    return true;
}

/* From a text start to the next piece of markup (at least one step). */
static bool skip_text(shelf_html_source *src, walker *w)
{
    do {
        if (!step(src, w))
            return false;
    } while (w->pos < src->n && !markup_at(src, w->pos));
    return true;
}

static bool all_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!shelf_html_is_space((unsigned char)s[i]))
            return false;
    return true;
}

int shelf_html_source_locate(shelf_html_source *src, const char *content, size_t len,
                             uint32_t max_line, shelf_node_map *map)
{
    map->count = 0;
    if (all_space(content, len))
        return SHELF_OK; /* nothing to cite; not worth a cursor move */
    walker w = {src->pos, src->line, src->column};
    for (int tries = 0; tries < SEARCH_TRIES; tries++) {
        if (!skip_all_markup(src, &w) || w.pos >= src->n || (max_line && w.line > max_line))
            break;
        walker end = w;
        match_result r = match_node(src, &end, content, len, map);
        if (r == MATCH_NOMEM)
            return SHELF_ENOMEM;
        if (r == MATCH_OK) {
            src->pos = end.pos;
            src->line = end.line;
            src->column = end.column;
            return SHELF_OK;
        }
        if (!skip_text(src, &w))
            break;
    }
    map->count = 0;
    return SHELF_OK;
}

void shelf_node_cursor_start(const shelf_node_map *map, shelf_node_cursor *c)
{
    c->index = 0;
    c->off = map->at[0].content_offset;
    c->column = map->at[0].column;
}

void shelf_node_cursor_seek(const shelf_node_map *map, const char *content, shelf_node_cursor *c,
                            size_t off, shelf_node_point *out)
{
    while (c->index + 1 < map->count && map->at[c->index + 1].content_offset <= off) {
        c->index++;
        c->off = map->at[c->index].content_offset;
        c->column = map->at[c->index].column;
    }
    const shelf_node_point *p = &map->at[c->index];
    for (; !p->pinned && c->off < off; c->off++)
        if (((unsigned char)content[c->off] & 0xC0) != 0x80 && c->column < UINT32_MAX / 2)
            c->column++;
    *out = (shelf_node_point){off, p->line, p->pinned ? p->column : c->column, p->pinned};
}

void shelf_node_map_free(shelf_node_map *map)
{
    free(map->at);
    *map = (shelf_node_map){0};
}
