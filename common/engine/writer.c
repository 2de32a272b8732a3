/*
 * writer.c - the backend-independent writer (writer.h): a row chosen at
 * open and the backend's own writer, every call passed through the row's
 * writer table.
 */
#include "engine/writer.h"
#include "engine/backends.h"

#include <stdlib.h>

struct shelf_indexwriter {
    const shelf_backend_row *row;
    void *impl; /* the backend's writer */
};

shelf_indexwriter *shelf_indexwriter_open(const char *dir, const shelf_writer_opts *opts,
                                          shelf_err *err)
{
    const shelf_backend_row *row;
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
