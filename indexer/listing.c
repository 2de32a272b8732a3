/* listing.c - indexer --list; see listing.h. */
#include "listing.h"
#include "index/index.h"

#include <stdio.h>
#include <time.h>

static void format_time(int64_t ns, char *out, size_t size)
{
    time_t secs = (time_t)(ns / 1000000000);
    struct tm tm;
    if (!gmtime_r(&secs, &tm) || strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, size, "?");
}

static int list_segment(const shelf_index *idx, size_t i, shelf_err *err)
{
    const shelf_segment *s = shelf_index_segment(idx, i);
    const shelf_deletions *d = shelf_index_deletions(idx, i);
    for (uint32_t doc = 0; doc < shelf_segment_doc_count(s); doc++) {
        if (shelf_deleted(d, doc))
            continue;
        shelf_docmeta m;
        int rc = shelf_segment_doc(s, doc, &m, err);
        if (rc != SHELF_OK)
            return rc;
        char when[32];
        format_time(m.mtime_ns, when, sizeof when);
        printf("%u\t%llu\t%s\t%.*s\t%.*s%s\n", m.length, (unsigned long long)m.size, when,
               (int)m.path_len, m.path, (int)m.title_len, m.title,
               (m.flags & SHELF_DOC_FLAG_INVALID_UTF8) ? "\t(invalid UTF-8)" : "");
    }
    return SHELF_OK;
}

int list_documents(const char *index_dir)
{
    shelf_err err = {0};
    shelf_index *idx;
    if (shelf_index_open(&idx, index_dir, 0, &err) != SHELF_OK) {
        fprintf(stderr, "indexer: %s\n", err.msg);
        return 2;
    }
    int rc = SHELF_OK;
    for (size_t i = 0; i < shelf_index_segment_count(idx) && rc == SHELF_OK; i++)
        rc = list_segment(idx, i, &err);
    shelf_index_close(idx);
    if (rc != SHELF_OK) {
        fprintf(stderr, "indexer: %s\n", err.msg);
        return 2;
    }
    return 0;
}
