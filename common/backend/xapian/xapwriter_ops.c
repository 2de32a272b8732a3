/*
 * xapwriter_ops.c - the Xapian writer (xapwriter.h) as a table of writer
 * operations (backend.h).  Each entry only converts the opaque writer
 * pointer; the behaviour is xapwriter.c's.  Xapian merges on its own, so
 * merge does nothing.
 */
#include "backend/xapian/xapian_backend.h"
#include "backend/xapian/xapwriter.h"

static void *open_writer(const char *dir, const shelf_writer_opts *opts, shelf_err *err)
{
    return shelf_xapwriter_open(dir, opts, err);
}

static shelf_source_state probe(void *w, const char *path, uint64_t size, int64_t mtime_ns)
{
    return shelf_xapwriter_probe(w, path, size, mtime_ns);
}

static bool same_content(void *w, const char *path, uint64_t hash)
{
    return shelf_xapwriter_same_content(w, path, hash);
}

static int add(void *w, const shelf_doc_input *doc, shelf_doc_report *report, shelf_err *err)
{
    return shelf_xapwriter_add(w, doc, report, err);
}

static int add_analyzed(void *w, const shelf_doc_input *doc, const shelf_analyzed *an,
                        shelf_doc_report *report, shelf_err *err)
{
    return shelf_xapwriter_add_analyzed(w, doc, an, report, err);
}

static const char *language(const void *w)
{
    return shelf_xapwriter_language(w);
}

static int remove_path(void *w, const char *path, uint64_t *count, shelf_err *err)
{
    return shelf_xapwriter_remove(w, path, count, err);
}

static int prune(void *w, char *const *roots, size_t root_count, uint64_t *count, shelf_err *err)
{
    return shelf_xapwriter_prune(w, roots, root_count, count, err);
}

static int commit(void *w, shelf_commit_summary *summary, shelf_err *err)
{
    return shelf_xapwriter_commit(w, summary, err);
}

static int merge(void *w, shelf_merge_policy policy, unsigned *merges, shelf_err *err)
{
    *merges = 0;
    return SHELF_OK;
}

static void free_writer(void *w)
{
    shelf_xapwriter_free(w);
}

const shelf_writer_ops shelf_xapian_writer_ops = {
    .open = open_writer,
    .probe = probe,
    .same_content = same_content,
    .add = add,
    .add_analyzed = add_analyzed,
    .language = language,
    .remove = remove_path,
    .prune = prune,
    .commit = commit,
    .merge = merge,
    .check = shelf_xapian_check,
    .free = free_writer,
};
