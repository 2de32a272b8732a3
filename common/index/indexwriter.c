/* indexwriter.c - lock, build one segment, commit the manifest; see indexwriter.h. */
#include "index/indexwriter.h"
#include "index/lock.h"
#include "index/manifest.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct shelf_indexwriter {
    char *dir;
    shelf_analyzer *analyzer;
    shelf_manifest previous; /* segment_count 0 when there was no index */
    shelf_segwriter *segment;
    uint32_t number;
    int locked;
};

static int ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static int is_listed(const shelf_manifest *m, unsigned number)
{
    for (uint32_t i = 0; i < m->segment_count; i++)
        if (m->segments[i].number == number)
            return 1;
    return 0;
}

/* Remove seg_* files that the manifest does not list (and any *.tmp). */
static void remove_unlisted(const char *dir, const shelf_manifest *m)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        unsigned number;
        int is_segment = sscanf(e->d_name, "seg_%6u.", &number) == 1;
        int stale = ends_with(e->d_name, ".tmp") || (is_segment && !is_listed(m, number));
        if (!stale || (!is_segment && strcmp(e->d_name, "MANIFEST.tmp") != 0))
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
}

static int make_dir(const char *dir, shelf_err *err)
{
    if (mkdir(dir, 0755) == 0 || errno == EEXIST) {
        struct stat st;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
            return SHELF_OK;
        return shelf_errf(err, SHELF_EIO, "%s: exists and is not a folder", dir);
    }
    return shelf_errno(err, errno, "%s: cannot create index folder", dir);
}

static int read_previous(shelf_indexwriter *w, shelf_err *err)
{
    int rc = shelf_manifest_read(w->dir, &w->previous, err);
    if (rc == SHELF_ENOTFOUND) {
        memset(&w->previous, 0, sizeof w->previous);
        return SHELF_OK;
    }
    return rc;
}

shelf_indexwriter *shelf_indexwriter_open(const char *dir, const char *language,
                                          size_t memory_budget, shelf_err *err)
{
    shelf_indexwriter *w = calloc(1, sizeof *w);
    if (!w || !(w->dir = strdup(dir))) {
        free(w);
        shelf_errf(err, SHELF_ENOMEM, "out of memory");
        return NULL;
    }
    if (make_dir(dir, err) != SHELF_OK || shelf_lock_acquire(dir, err) != SHELF_OK) {
        shelf_indexwriter_free(w);
        return NULL;
    }
    w->locked = 1;
    if (read_previous(w, err) != SHELF_OK ||
        !(w->analyzer = shelf_analyzer_new(language, err))) {
        shelf_indexwriter_free(w);
        return NULL;
    }
    remove_unlisted(dir, &w->previous);
    w->number = w->previous.next_segment ? w->previous.next_segment : 1;
    w->segment = shelf_segwriter_open(dir, w->number, w->analyzer, memory_budget, err);
    if (!w->segment) {
        shelf_indexwriter_free(w);
        return NULL;
    }
    return w;
}

int shelf_indexwriter_add(shelf_indexwriter *w, const shelf_doc_input *doc,
                          shelf_doc_report *report, shelf_err *err)
{
    return shelf_segwriter_add(w->segment, doc, report, err);
}

int shelf_indexwriter_commit(shelf_indexwriter *w, shelf_segment_summary *summary, shelf_err *err)
{
    shelf_segment_summary s;
    int rc = shelf_segwriter_finish(w->segment, &s, err);
    if (rc == SHELF_OK)
        rc = shelf_segwriter_commit(w->segment, err);
    if (rc != SHELF_OK)
        return rc;
    shelf_manifest_segment entry = {s.number, s.doc_count, s.total_tokens};
    shelf_manifest next = {
        .generation = w->previous.generation + 1,
        .next_segment = w->number + 1,
        .segment_count = 1,
        .segments = &entry,
    };
    snprintf(next.language, sizeof next.language, "%s", shelf_analyzer_language(w->analyzer));
    rc = shelf_manifest_write(w->dir, &next, err);
    if (rc != SHELF_OK)
        return rc;
    remove_unlisted(w->dir, &next);
    if (summary)
        *summary = s;
    return SHELF_OK;
}

void shelf_indexwriter_free(shelf_indexwriter *w)
{
    if (!w)
        return;
    shelf_segwriter_free(w->segment);
    shelf_analyzer_free(w->analyzer);
    shelf_manifest_free(&w->previous);
    if (w->locked)
        shelf_lock_release(w->dir);
    free(w->dir);
    free(w);
}
