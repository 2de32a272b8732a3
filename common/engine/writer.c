/*
 * writer.c - the backend-independent writer (writer.h): a row chosen at
 * open and the backend's own writer, every call passed through the row's
 * writer table.
 */
#include "engine/writer.h"
#include "engine/backends.h"
#include "engine/roots.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct shelf_indexwriter {
    const shelf_backend_row *row;
    void *impl; /* the backend's writer */
};

/* Create the folders leading to dir that do not exist yet (mkdir -p of
 * its parent); the backend creates dir itself. */
static int make_parents(const char *dir, shelf_err *err)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s", dir) >= sizeof path)
        return shelf_errf(err, SHELF_EINVAL, "%s: path too long", dir);
    char *last = strrchr(path, '/');
    if (!last || last == path)
        return SHELF_OK;
    *last = '\0';
    for (char *p = path + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        struct stat st;
        if (stat(path, &st) != 0 && mkdir(path, 0755) != 0 && errno != EEXIST)
            return shelf_errno(err, errno, "%s: cannot create the index folder's parent %s", dir, path);
        *p = saved;
        if (saved == '\0')
            return SHELF_OK;
    }
}

/* Names an index folder may hold before its first commit: the lock, the
 * recorded roots, and files a failed or crashed first run left. */
static bool own_name(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, "LOCK") == 0 ||
           strncmp(name, SHELF_ROOTS_NAME, strlen(SHELF_ROOTS_NAME)) == 0 ||
           strcmp(name, "MANIFEST.tmp") == 0 || strncmp(name, "seg_", 4) == 0;
}

/* A folder that holds no index must be empty but for our own names:
 * writing an index into a folder of documents would mix the two (and a
 * later --rebuild would have to tell them apart). */
static int refuse_foreign_folder(const char *dir, shelf_err *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return SHELF_OK; /* missing: it will be made; unreadable: the backend says so */
    struct dirent *e;
    int rc = SHELF_OK;
    while (rc == SHELF_OK && (e = readdir(d)) != NULL) {
        if (!own_name(e->d_name))
            rc = shelf_errf(err, SHELF_EINVAL,
                            "%s: not an index, and not empty (it holds '%s'); give --index a new "
                            "or empty folder", dir, e->d_name);
    }
    closedir(d);
    return rc;
}

shelf_indexwriter *shelf_indexwriter_open(const char *dir, const shelf_writer_opts *opts,
                                          shelf_err *err)
{
    const shelf_backend_row *row, *existing;
    if (shelf_backend_detect(dir, &existing, NULL) != SHELF_OK &&
        (make_parents(dir, err) != SHELF_OK || refuse_foreign_folder(dir, err) != SHELF_OK))
        return NULL;
    if (shelf_backend_choose(dir, opts->backend, &row, err) != SHELF_OK)
        return NULL;
    shelf_indexwriter *w = calloc(1, sizeof *w);
    if (!w) {
        shelf_errf(err, SHELF_ENOMEM, "out of memory");
        return NULL;
    }
    w->row = row;
    w->impl = row->writer->open(dir, opts, err);
    if (!w->impl) {
        free(w);
        return NULL;
    }
    return w;
}

int shelf_indexwriter_lock(const char *dir, bool wait, shelf_lock *lock, shelf_err *err)
{
    const shelf_backend_row *existing;
    lock->fd = -1;
    if (shelf_backend_detect(dir, &existing, NULL) != SHELF_OK &&
        (make_parents(dir, err) != SHELF_OK || refuse_foreign_folder(dir, err) != SHELF_OK))
        return err->code;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return shelf_errno(err, errno, "%s: cannot create index folder", dir);
    return shelf_lock_acquire(lock, dir, wait, err);
}

const shelf_backend_row *shelf_indexwriter_backend(const shelf_indexwriter *w)
{
    return w->row;
}

shelf_source_state shelf_indexwriter_probe(shelf_indexwriter *w, const char *path, uint64_t size,
                                           int64_t mtime_ns)
{
    return w->row->writer->probe(w->impl, path, size, mtime_ns);
}

bool shelf_indexwriter_same_content(shelf_indexwriter *w, const char *path, uint64_t hash)
{
    return w->row->writer->same_content(w->impl, path, hash);
}

int shelf_indexwriter_add(shelf_indexwriter *w, const shelf_doc_input *doc,
                          shelf_doc_report *report, shelf_err *err)
{
    return w->row->writer->add(w->impl, doc, report, err);
}

int shelf_indexwriter_add_analyzed(shelf_indexwriter *w, const shelf_doc_input *doc,
                                   const shelf_analyzed *an, shelf_doc_report *report, shelf_err *err)
{
    return w->row->writer->add_analyzed(w->impl, doc, an, report, err);
}

const char *shelf_indexwriter_language(const shelf_indexwriter *w)
{
    return w->row->writer->language(w->impl);
}

void shelf_indexwriter_note_outside(shelf_indexwriter *w, size_t bytes)
{
    if (w->row->writer->note_outside)
        w->row->writer->note_outside(w->impl, bytes);
}

int shelf_indexwriter_remove(shelf_indexwriter *w, const char *path, uint64_t *count, shelf_err *err)
{
    return w->row->writer->remove(w->impl, path, count, err);
}

int shelf_indexwriter_prune(shelf_indexwriter *w, char *const *roots, size_t root_count,
                            uint64_t *count, shelf_err *err)
{
    return w->row->writer->prune(w->impl, roots, root_count, count, err);
}

int shelf_indexwriter_commit(shelf_indexwriter *w, shelf_commit_summary *summary, shelf_err *err)
{
    return w->row->writer->commit(w->impl, summary, err);
}

int shelf_indexwriter_merge(shelf_indexwriter *w, shelf_merge_policy policy, unsigned *merges,
                            shelf_err *err)
{
    return w->row->writer->merge(w->impl, policy, merges, err);
}

void shelf_indexwriter_free(shelf_indexwriter *w)
{
    if (!w)
        return;
    w->row->writer->free(w->impl);
    free(w);
}
