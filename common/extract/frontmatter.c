/* frontmatter.c - author and date from YAML front matter; see frontmatter.h. */
#include "extract/frontmatter.h"
#include "extract/docauthor.h"
#include "extract/docdate.h"
#include "util/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct span {
    const char *p;
    size_t len;
} span;

typedef struct meta {
    char *author;
    char *date;
    bool in_author_list; /* the lines after "author:" with no value */
    bool out_of_memory;
} meta;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static span trimmed(span s)
{
    while (s.len > 0 && is_blank(*s.p))
        s.p++, s.len--;
    while (s.len > 0 && is_blank(s.p[s.len - 1]))
        s.len--;
    return s;
}

/* A scalar without its quotes, or without a trailing " #" comment. */
static span scalar(span s)
{
    s = trimmed(s);
    if (s.len >= 2 && (s.p[0] == '"' || s.p[0] == '\'') && s.p[s.len - 1] == s.p[0])
        return (span){s.p + 1, s.len - 2};
    for (size_t i = 0; i + 1 < s.len; i++)
        if (is_blank(s.p[i]) && s.p[i + 1] == '#')
            return trimmed((span){s.p, i});
    return s;
}

/* When line is "key: value" with key one of the names (unindented), the
 * value (trimmed, possibly empty); else false. */
static bool key_value(span line, const char *const *keys, span *value)
{
    for (size_t k = 0; keys[k]; k++) {
        size_t n = strlen(keys[k]);
        if (line.len > n && strncasecmp(line.p, keys[k], n) == 0 && line.p[n] == ':') {
            *value = trimmed((span){line.p + n + 1, line.len - n - 1});
            return true;
        }
    }
    return false;
}

static void add_author(meta *m, span name)
{
    name = scalar(name);
    if (name.len > 0 && shelf_author_append(&m->author, name.p, name.len) != 0)
        m->out_of_memory = true;
}

/* "[a, b, "c, d"]": commas inside quotes belong to the name. */
static void add_flow_list(meta *m, span list)
{
    size_t end = list.len;
    if (end > 0 && list.p[end - 1] == ']')
        end--;
    size_t start = 1;
    char quote = 0;
    for (size_t i = 1; i <= end; i++) {
        char c = i < end ? list.p[i] : ',';
        if (quote && c == quote)
            quote = 0;
        else if (!quote && (c == '"' || c == '\''))
            quote = c;
        else if (!quote && c == ',') {
            add_author(m, (span){list.p + start, i - start});
            start = i + 1;
        }
    }
}

/* "  - name" or "  - name: X" under "author:". */
static bool add_list_item(meta *m, span line)
{
    span item = trimmed(line);
    if (item.len < 2 || item.p[0] != '-' || !is_blank(item.p[1]))
        return false;
    item = trimmed((span){item.p + 2, item.len - 2});
    static const char *const name_key[] = {"name", NULL};
    span value;
    add_author(m, key_value(item, name_key, &value) ? value : item);
    return true;
}

static void take_date(meta *m, span value)
{
    value = scalar(value);
    if (m->date)
        return;
    char iso[SHELF_DOCDATE_BUF];
    if (shelf_docdate_normalise(value.p, value.len, iso) == 0)
        return;
    m->date = strdup(iso);
    m->out_of_memory = !m->date;
}

static void read_line(meta *m, span line)
{
    static const char *const author_keys[] = {"authors", "author", NULL};
    static const char *const date_keys[] = {"date", NULL};
    span value;
    bool indented = line.len > 0 && is_blank(line.p[0]);
    if (m->in_author_list && indented && add_list_item(m, line))
        return;
    if (m->in_author_list && line.len > 0 && line.p[0] == '-' && add_list_item(m, line))
        return; /* YAML also allows the items unindented */
    m->in_author_list = false;
    if (indented)
        return;
    if (key_value(line, author_keys, &value)) {
        if (value.len == 0)
            m->in_author_list = !m->author;
        else if (m->author)
            return; /* the first author key wins */
        else if (value.p[0] == '[')
            add_flow_list(m, value);
        else
            add_author(m, value);
    } else if (key_value(line, date_keys, &value)) {
        take_date(m, value);
    }
}

int shelf_front_matter_meta(const char *text, size_t len, char **author, char **date)
{
    meta m = {0};
    for (size_t at = 0; at < len && !m.out_of_memory;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t line_len = nl ? (size_t)(nl - (text + at)) : len - at;
        read_line(&m, (span){text + at, line_len});
        at += line_len + 1;
    }
    if (m.out_of_memory) {
        free(m.author);
        free(m.date);
        m.author = m.date = NULL;
    }
    *author = m.author;
    *date = m.date;
    return m.out_of_memory ? SHELF_ENOMEM : SHELF_OK;
}
