/*
 * native_writer_ops.c - the native writer (indexwriter.h) as a table of
 * writer operations (backend.h).  Each entry only converts the opaque
 * writer pointer; the behaviour is indexwriter.c's.
 */
#include "backend/native/indexwriter.h"
#include "backend/native/native_backend.h"

static void *open_writer(const char *dir, const shelf_writer_opts *opts, shelf_err *err)
{
    return shelf_native_writer_open(dir, opts, err);
}

static shelf_source_state probe(void *w, const char *path, uint64_t size, int64_t mtime_ns)
{
    return shelf_native_writer_probe(w, path, size, mtime_ns);
}

static bool same_content(void *w, const char *path, uint64_t hash)
{
    return shelf_native_writer_same_content(w, path, hash);
}

static int add(void *w, const shelf_doc_input *doc, shelf_doc_report *report, shelf_err *err)
{
    return shelf_native_writer_add(w, doc, report, err);
}

static int add_analyzed(void *w, const shelf_doc_input *doc, const shelf_analyzed *an,
                        shelf_doc_report *report, shelf_err *err)
{
    return shelf_native_writer_add_analyzed(w, doc, an, report, err);
}

static const char *language(const void *w)
{
    return shelf_native_writer_language(w);
}

static void note_outside(void *w, size_t bytes)
{
    shelf_native_writer_note_outside(w, bytes);
}

static int remove_path(void *w, const char *path, uint64_t *count, shelf_err *err)
{
    return shelf_native_writer_remove(w, path, count, err);
}

static int prune(void *w, char *const *roots, size_t root_count, uint64_t *count, shelf_err *err)
{
    return shelf_native_writer_prune(w, roots, root_count, count, err);
}

static int commit(void *w, shelf_commit_summary *summary, shelf_err *err)
{
    return shelf_native_writer_commit(w, summary, err);
}

static int merge(void *w, shelf_merge_policy policy, unsigned *merges, shelf_err *err)
{
    return shelf_native_writer_merge(w, policy, merges, err);
}

static void free_writer(void *w)
{
    shelf_native_writer_free(w);
}

const shelf_writer_ops shelf_native_writer_ops = {
    .open = open_writer,
    .probe = probe,
    .same_content = same_content,
    .add = add,
    .add_analyzed = add_analyzed,
    .language = language,
    .note_outside = note_outside,
    .remove = remove_path,
    .prune = prune,
    .commit = commit,
    .merge = merge,
    .check = shelf_native_check,
    .free = free_writer,
};
