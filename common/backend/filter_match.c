/* filter_match.c - what each query filter means for one document; see filter_match.h. */
#include "backend/filter_match.h"

#include <string.h>

#include "backend/shared_format.h"
#include "query/filter.h"

size_t shelf_path_dir_len(const char *path, size_t len)
{
    while (len > 0 && path[len - 1] != '/')
        len--;
    if (len > 1)
        len--; /* the '/' itself, unless it is the root */
    return len;
}

int32_t shelf_doc_day(const char *date, size_t date_len, int64_t mtime_ns)
{
    int32_t day;
    if (date_len > 0 && shelf_iso_day(date, date_len, &day))
        return day;
    return shelf_day_of_ns(mtime_ns);
}

int shelf_doc_format(uint32_t flags)
{
    return (int)((flags >> SHELF_DOC_FORMAT_SHIFT) & SHELF_DOC_FIELD_MASK);
}

/* folder (n bytes) is dir or a folder above it: a prefix ending at a '/'. */
static bool holds_at(const char *folder, size_t n, const char *dir, size_t dir_len)
{
    if (n > dir_len || memcmp(folder, dir, n) != 0)
        return false;
    return n == dir_len || dir[n] == '/' || (n > 0 && folder[n - 1] == '/');
}

bool shelf_folder_holds(const char *folder, const char *dir, size_t dir_len)
{
    size_t n = strlen(folder);
    if (n == 0 || folder[0] == '/')
        return holds_at(folder, n, dir, dir_len);
    for (size_t i = 0; i < dir_len; i++)
        if ((i == 0 || dir[i - 1] == '/') && holds_at(folder, n, dir + i, dir_len - i))
            return true;
    return false;
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Letters, digits and every byte of a multi-byte character make words. */
static bool word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static bool has_word(const char *text, size_t len, const char *word, size_t n)
{
    for (size_t i = 0; i + n <= len; i++) {
        if (i > 0 && word_byte((unsigned char)text[i - 1]))
            continue;
        size_t j = 0;
        while (j < n && lower((unsigned char)text[i + j]) == lower((unsigned char)word[j]))
            j++;
        if (j == n && (i + n == len || !word_byte((unsigned char)text[i + n])))
            return true;
    }
    return false;
}

bool shelf_next_word(const char *text, size_t len, size_t *pos, size_t *start, size_t *word_len)
{
    size_t i = *pos;
    while (i < len && !word_byte((unsigned char)text[i]))
        i++;
    *start = i;
    while (i < len && word_byte((unsigned char)text[i]))
        i++;
    *word_len = i - *start;
    *pos = i;
    return *word_len > 0;
}

bool shelf_author_matches(const char *author, size_t author_len, const char *value)
{
    bool any = false;
    size_t pos = 0, start, n, len = strlen(value);
    while (shelf_next_word(value, len, &pos, &start, &n)) {
        if (!has_word(author, author_len, value + start, n))
            return false;
        any = true;
    }
    return any;
}

bool shelf_path_contains(const char *path, size_t path_len, const char *fragment)
{
    size_t m = strlen(fragment);
    for (size_t i = 0; i + m <= path_len; i++) {
        size_t j = 0;
        while (j < m && lower((unsigned char)path[i + j]) == lower((unsigned char)fragment[j]))
            j++;
        if (j == m)
            return true;
    }
    return false;
}

static bool in_folders(const shelf_plan *f, const shelf_filter_doc *doc)
{
    if (f->nfolders == 0)
        return shelf_folder_holds(f->text, doc->dir, doc->dir_len);
    for (size_t i = 0; i < f->nfolders; i++)
        if (shelf_folder_holds(f->folders[i], doc->dir, doc->dir_len))
            return true;
    return false;
}

bool shelf_filter_accepts(const shelf_plan *f, const shelf_filter_doc *doc)
{
    if (f->kind == SHELF_P_PATH)
        return shelf_path_contains(doc->path, doc->path_len, f->text);
    switch (f->filter.kind) {
    case SHELF_FILTER_TYPE:
        return doc->format == f->filter.format;
    case SHELF_FILTER_IN:
        return in_folders(f, doc);
    case SHELF_FILTER_AUTHOR:
        return shelf_author_matches(doc->author, doc->author_len, f->text);
    case SHELF_FILTER_AFTER:
        return doc->day >= f->filter.day;
    case SHELF_FILTER_BEFORE:
        return doc->day < f->filter.day;
    }
    return false;
}
