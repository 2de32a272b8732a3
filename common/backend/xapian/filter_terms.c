/* filter_terms.c - a document's filter terms and day value; see filter_terms.h. */
#include "backend/xapian/filter_terms.h"
#include "backend/filter_match.h"
#include "extract/formats.h"

#include <string.h>

/* prefix + bytes into out, when it fits a term. */
static bool prefixed(const char *prefix, const char *bytes, size_t n, char *out, size_t *len)
{
    size_t p = strlen(prefix);
    if (p + n > SHELF_XAPIAN_TERM_MAX)
        return false;
    memcpy(out, prefix, p);
    memcpy(out + p, bytes, n);
    out[p + n] = '\0';
    *len = p + n;
    return true;
}

bool shelf_xapian_type_term(int format, char *out, size_t *len)
{
    const shelf_format_info *f = shelf_format_info_of((shelf_format)format);
    return f && f->mime && prefixed(SHELF_XAPIAN_TYPE_PREFIX, f->mime, strlen(f->mime), out, len);
}

bool shelf_xapian_folder_term(const char *folder, size_t n, char *out, size_t *len)
{
    return prefixed(SHELF_XAPIAN_FOLDER_PREFIX, folder, n, out, len);
}

bool shelf_xapian_author_term(const char *word, size_t n, char *out, size_t *len)
{
    if (!prefixed(SHELF_XAPIAN_AUTHOR_PREFIX, word, n, out, len))
        return false;
    for (size_t i = *len - n; i < *len; i++)
        if (out[i] >= 'A' && out[i] <= 'Z')
            out[i] = (char)(out[i] - 'A' + 'a');
    return true;
}

static int add_type(shelf_xdoc *doc, const shelf_docview *meta, shelf_err *err)
{
    char term[SHELF_XAPIAN_TERM_MAX + 1];
    size_t len;
    if (!shelf_xapian_type_term(shelf_doc_format(meta->flags), term, &len))
        return SHELF_OK; /* a format no reader has: no type: names it */
    return shelf_xdoc_add_boolean_term(doc, term, len, err);
}

/* "/" (for an absolute path) and every folder down to the document's own,
 * each ending at a component boundary of the path (filter_match.h
 * shelf_folder_holds). */
static int add_folders(shelf_xdoc *doc, const shelf_docview *meta, shelf_err *err)
{
    char term[SHELF_XAPIAN_TERM_MAX + 1];
    size_t len, dir_len = shelf_path_dir_len(meta->path, meta->path_len);
    int rc = SHELF_OK;
    bool absolute = meta->path_len > 0 && meta->path[0] == '/';
    if (absolute && shelf_xapian_folder_term("/", 1, term, &len))
        rc = shelf_xdoc_add_boolean_term(doc, term, len, err);
    for (size_t end = absolute ? 2 : 1; rc == SHELF_OK && end <= dir_len; end++) {
        bool boundary = end == dir_len || meta->path[end] == '/';
        if (boundary && shelf_xapian_folder_term(meta->path, end, term, &len))
            rc = shelf_xdoc_add_boolean_term(doc, term, len, err);
    }
    return rc;
}

static int add_author(shelf_xdoc *doc, const shelf_docview *meta, shelf_err *err)
{
    char term[SHELF_XAPIAN_TERM_MAX + 1];
    size_t pos = 0, start, n, len;
    int rc = SHELF_OK;
    while (rc == SHELF_OK && shelf_next_word(meta->author, meta->author_len, &pos, &start, &n))
        if (shelf_xapian_author_term(meta->author + start, n, term, &len))
            rc = shelf_xdoc_add_boolean_term(doc, term, len, err);
    return rc;
}

int shelf_xapian_add_filter_terms(shelf_xdoc *doc, const shelf_docview *meta, shelf_err *err)
{
    char day[SHELF_XAPIAN_DAY_BYTES + 1];
    shelf_xapian_day_value(shelf_doc_day(meta->date, meta->date_len, meta->mtime_ns), day);
    int rc = add_type(doc, meta, err);
    if (rc == SHELF_OK)
        rc = add_folders(doc, meta, err);
    if (rc == SHELF_OK)
        rc = add_author(doc, meta, err);
    if (rc == SHELF_OK)
        rc = shelf_xdoc_set_value(doc, SHELF_XAPIAN_DAY_SLOT, day, SHELF_XAPIAN_DAY_BYTES, err);
    return rc;
}
