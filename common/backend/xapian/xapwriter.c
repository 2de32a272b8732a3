/* xapwriter.c - writing the Xapian backend; see xapwriter.h. */
#include "backend/xapian/xapwriter.h"
#include "backend/xapian/filter_terms.h"
#include "backend/xapian/omega_data.h"
#include "backend/xapian/record_value.h"
#include "backend/lock.h"
#include "backend/path_under.h"
#include "backend/pathmap.h"
#include "backend/shared_format.h"
#include "backend/xapian/xapdoc.h"
#include "backend/xapian/xapian_backend.h"
#include "backend/xapian/xapian_c.h"
#include "backend/xapian/xapian_terms.h"
#include "util/crashpoint.h"
#include "util/progname.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct shelf_xapwriter {
    char *dir;
    shelf_xdb *db;
    shelf_analyzer *analyzer;
    shelf_pathmap seen;
    shelf_buf blob, scratch;
    shelf_analyzed analyzed; /* the document being added, when we analyse it */
    uint64_t added, updated, removed;
    shelf_lock lock; /* ours, taken before Xapian's own */
    int in_transaction;
};

static int remove_all(shelf_xapwriter *w, shelf_err *err);

/* ---- opening ---- */

static int choose_language(shelf_xapwriter *w, const shelf_writer_opts *opts, shelf_err *err)
{
    char existing[SHELF_LANGUAGE_MAX + 1];
    int rc = shelf_xdb_get_metadata(w->db, SHELF_XAPIAN_LANGUAGE_KEY, existing, sizeof existing, err);
    if (rc != SHELF_OK)
        return rc;
    const char *wanted = opts->language;
    if (existing[0] && wanted && strcmp(existing, wanted) != 0)
        return shelf_errf(err, SHELF_EINVAL,
                          "%s: the index was built with language '%s', not '%s' (use a new folder)",
                          w->dir, existing, wanted);
    const char *language = wanted ? wanted : existing[0] ? existing : "english";
    w->analyzer = shelf_analyzer_new(language, err);
    if (!w->analyzer)
        return SHELF_EINVAL;
    return existing[0] ? SHELF_OK : shelf_xdb_set_metadata(w->db, SHELF_XAPIAN_LANGUAGE_KEY, language, err);
}

/* A database written by an older program (another layout) is added to
 * only by a rebuild, which records this layout. */
static int check_layout(shelf_xapwriter *w, const shelf_writer_opts *opts, shelf_err *err)
{
    char language[SHELF_LANGUAGE_MAX + 1], layout[16];
    int rc = shelf_xdb_get_metadata(w->db, SHELF_XAPIAN_LANGUAGE_KEY, language, sizeof language, err);
    if (rc == SHELF_OK)
        rc = shelf_xdb_get_metadata(w->db, SHELF_XAPIAN_LAYOUT_KEY, layout, sizeof layout, err);
    if (rc != SHELF_OK)
        return rc;
    bool fresh = language[0] == '\0';
    if (!fresh && !opts->rebuild && strcmp(layout, SHELF_XAPIAN_LAYOUT) != 0)
        return shelf_errf(err, SHELF_EVERSION,
                          "%s: the Xapian index was written by an older version of this program: "
                          "rebuild it with `%s --rebuild --index %s PATH...`",
                          w->dir, shelf_indexer_name(), w->dir);
    return shelf_xdb_set_metadata(w->db, SHELF_XAPIAN_LAYOUT_KEY, SHELF_XAPIAN_LAYOUT, err);
}

shelf_xapwriter *shelf_xapwriter_open(const char *dir, const shelf_writer_opts *opts, shelf_err *err)
{
    shelf_xapwriter *w = calloc(1, sizeof *w);
    if (!w || !(w->dir = strdup(dir))) {
        free(w);
        shelf_errf(err, SHELF_ENOMEM, "out of memory");
        return NULL;
    }
    w->lock.fd = -1;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, SHELF_XAPIAN_SUBDIR);
    int rc = (mkdir(dir, 0755) == 0 || errno == EEXIST) ? SHELF_OK
                                                        : shelf_errno(err, errno, "%s: cannot create", dir);
    if (rc == SHELF_OK && !opts->lock_held)
        rc = shelf_lock_acquire(&w->lock, dir, opts->wait, err);
    if (rc == SHELF_OK)
        rc = shelf_xdb_open_writable(&w->db, path, 1, err);
    if (rc == SHELF_OK && (rc = shelf_xdb_begin(w->db, err)) == SHELF_OK)
        w->in_transaction = 1;
    if (rc == SHELF_OK)
        rc = check_layout(w, opts, err);
    if (rc == SHELF_OK)
        rc = choose_language(w, opts, err);
    if (rc == SHELF_OK && opts->rebuild)
        rc = remove_all(w, err);
    if (rc != SHELF_OK) {
        shelf_xapwriter_free(w);
        return NULL;
    }
    return w;
}

/* ---- what the run sees ---- */

static int stored_meta(shelf_xapwriter *w, const char *path, shelf_docview *meta)
{
    uint32_t docid;
    if (shelf_xdb_find(w->db, path, strlen(path), &docid, NULL) != SHELF_OK ||
        shelf_record_value_get(w->db, docid, &w->scratch, NULL) != SHELF_OK)
        return -1;
    return shelf_xapdoc_decode(w->scratch.data, w->scratch.len, meta, NULL, NULL, NULL) == SHELF_OK ? 0 : -1;
}

shelf_source_state shelf_xapwriter_probe(shelf_xapwriter *w, const char *path, uint64_t size,
                                         int64_t mtime_ns)
{
    shelf_docview meta;
    if (stored_meta(w, path, &meta) != 0)
        return SHELF_SOURCE_NEW;
    shelf_pathmap_put(&w->seen, path, 0, 0);
    return meta.size == size && meta.mtime_ns == mtime_ns ? SHELF_SOURCE_SAME : SHELF_SOURCE_CHANGED;
}

bool shelf_xapwriter_same_content(shelf_xapwriter *w, const char *path, uint64_t hash)
{
    shelf_docview meta;
    return stored_meta(w, path, &meta) == 0 && meta.hash == hash;
}

/* ---- adding ---- */

/* Postings of one field's analysed records: body terms get the "Z" prefix,
 * title terms the "S" prefix and wdf 0 (xapian_terms.h). */
static int add_records(shelf_xdoc *doc, const shelf_buf *records, bool title, shelf_err *err)
{
    char term[SHELF_MAX_KEY_BYTES + 1];
    uint8_t field = title ? SHELF_FIELD_TITLE_ID : SHELF_FIELD_BODY;
    shelf_analyzed_cursor c = {records->data, records->data + records->len};
    const uint8_t *t;
    size_t len;
    uint32_t position;
    uint64_t hash; /* not needed: Xapian hashes terms its own way */
    while (shelf_analyzed_next(&c, &t, &len, &position, &hash)) {
        size_t term_len = shelf_xapian_field_term(field, t, len, term);
        int rc = shelf_xdoc_add_posting(doc, term, term_len, position, title ? 0 : 1, err);
        if (rc != SHELF_OK)
            return rc;
    }
    return SHELF_OK;
}

static int build_doc(shelf_xapwriter *w, shelf_xdoc *xd, const shelf_doc_input *in,
                     const shelf_analyzed *an, shelf_err *err)
{
    int rc = add_records(xd, &an->body, false, err);
    if (rc == SHELF_OK)
        rc = add_records(xd, &an->title, true, err);
    if (rc == SHELF_OK)
        rc = shelf_xdoc_index_plain_words(xd, in->title, in->title_len, err);
    if (rc == SHELF_OK)
        rc = shelf_xdoc_index_plain_words(xd, in->text, in->text_len, err);
    if (rc != SHELF_OK)
        return rc;
    shelf_docview meta = {in->path, strlen(in->path), in->title, in->title_len, an->body_tokens,
                          an->title_tokens, in->size, in->mtime_ns, in->hash,
                          in->flags | (an->invalid_bytes ? SHELF_DOC_FLAG_INVALID_UTF8 : 0),
                          in->author, in->author ? strlen(in->author) : 0,
                          in->date, in->date ? strlen(in->date) : 0};
    rc = shelf_xapian_add_filter_terms(xd, &meta, err);
    if (rc != SHELF_OK)
        return rc;
    shelf_buf_reset(&w->blob);
    if (shelf_xapdoc_encode(&w->blob, &meta, in->text, in->text_len,
                            (const uint64_t *)an->checkpoints.data,
                            an->checkpoints.len / sizeof(uint64_t), in->layout))
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    rc = shelf_record_value_set(xd, w->blob.data, w->blob.len, err);
    shelf_buf_reset(&w->blob);
    if (rc == SHELF_OK && shelf_omega_data(&w->blob, &meta, in->text, in->text_len))
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    return rc == SHELF_OK ? shelf_xdoc_set_data(xd, w->blob.data, w->blob.len, err) : rc;
}

int shelf_xapwriter_add_analyzed(shelf_xapwriter *w, const shelf_doc_input *in,
                                 const shelf_analyzed *an, shelf_doc_report *report, shelf_err *err)
{
    shelf_crashpoint();
    if (strlen(in->path) + 1 > SHELF_XAPIAN_TERM_MAX)
        return shelf_errf(err, SHELF_EINVAL, "%s: path too long for a Xapian document id (%d bytes)",
                          in->path, SHELF_XAPIAN_TERM_MAX - 1);
    shelf_xdoc *xd = shelf_xdoc_new();
    if (!xd)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    int rc = build_doc(w, xd, in, an, err);
    size_t path_len = strlen(in->path);
    uint32_t old, docid = 0;
    bool replacing = rc == SHELF_OK && shelf_xdb_find(w->db, in->path, path_len, &old, NULL) == SHELF_OK;
    if (rc == SHELF_OK)
        rc = shelf_xdb_replace(w->db, in->path, path_len, xd, &docid, err);
    shelf_xdoc_free(xd);
    if (rc != SHELF_OK)
        return rc;
    if (replacing)
        w->updated++;
    else
        w->added++;
    shelf_pathmap_put(&w->seen, in->path, 0, 0);
    if (report)
        *report = (shelf_doc_report){docid, an->body_tokens, an->invalid_bytes, an->cut_tokens};
    return SHELF_OK;
}

int shelf_xapwriter_add(shelf_xapwriter *w, const shelf_doc_input *in, shelf_doc_report *report,
                        shelf_err *err)
{
    if (shelf_analyze_document(w->analyzer, in->text, in->text_len, in->title, in->title_len, in->layout,
                               &w->analyzed) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory analysing", in->path);
    return shelf_xapwriter_add_analyzed(w, in, &w->analyzed, report, err);
}

/* ---- deleting ---- */

typedef struct id_list {
    char **paths;
    size_t count, cap;
    char *const *roots;
    size_t root_count;
    shelf_pathmap *seen; /* NULL: remove (roots[0] only); else prune unseen under roots */
    bool all;            /* every document (a rebuild) */
    int failed;
} id_list;

static int collect_id(void *ctx, const char *term, size_t len, uint64_t df)
{
    id_list *l = ctx;
    char path[PATH_MAX];
    size_t path_len;
    const char *id_path = shelf_xapian_id_path(term, len, &path_len);
    if (!id_path || path_len < 1 || path_len >= sizeof path)
        return 0;
    memcpy(path, id_path, path_len);
    path[path_len] = '\0';
    bool wanted = l->all;
    for (size_t r = 0; r < l->root_count && !wanted; r++)
        wanted = shelf_path_under(path, l->roots[r]);
    if (!wanted || (l->seen && shelf_pathmap_find(l->seen, path)))
        return 0;
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **p = realloc(l->paths, cap * sizeof *p);
        if (!p) {
            l->failed = 1;
            return 1;
        }
        l->paths = p;
        l->cap = cap;
    }
    if (!(l->paths[l->count] = strdup(path))) {
        l->failed = 1;
        return 1;
    }
    l->count++;
    return 0;
}

static int delete_listed(shelf_xapwriter *w, id_list *l, uint64_t *count, shelf_err *err)
{
    int rc = l->failed ? shelf_errf(err, SHELF_ENOMEM, "out of memory") : SHELF_OK;
    for (size_t i = 0; i < l->count; i++) {
        if (rc == SHELF_OK)
            rc = shelf_xdb_delete(w->db, l->paths[i], strlen(l->paths[i]), err);
        free(l->paths[i]);
    }
    free(l->paths);
    *count = rc == SHELF_OK ? l->count : 0;
    w->removed += *count;
    return rc;
}

static int delete_under(shelf_xapwriter *w, id_list *l, uint64_t *count, shelf_err *err)
{
    int rc = shelf_xdb_terms(w->db, SHELF_XAPIAN_ID_PREFIX, SHELF_XAPIAN_ID_PREFIX_LEN, collect_id, l, err);
    if (rc != SHELF_OK) {
        l->failed = 1;
        delete_listed(w, l, count, NULL);
        return rc;
    }
    return delete_listed(w, l, count, err);
}

int shelf_xapwriter_remove(shelf_xapwriter *w, const char *path, uint64_t *count, shelf_err *err)
{
    char *roots[1] = {(char *)path};
    id_list l = {.roots = roots, .root_count = 1};
    return delete_under(w, &l, count, err);
}

int shelf_xapwriter_prune(shelf_xapwriter *w, char *const *roots, size_t root_count, uint64_t *count,
                          shelf_err *err)
{
    id_list l = {.roots = roots, .root_count = root_count, .seen = &w->seen};
    return delete_under(w, &l, count, err);
}

static int remove_all(shelf_xapwriter *w, shelf_err *err)
{
    id_list l = {.all = true};
    uint64_t count;
    int rc = delete_under(w, &l, &count, err);
    w->removed = 0; /* a rebuild replaces; the new documents count as added */
    return rc;
}

/* ---- committing ---- */

int shelf_xapwriter_commit(shelf_xapwriter *w, shelf_commit_summary *summary, shelf_err *err)
{
    shelf_commit_summary sum = {.added = w->added, .updated = w->updated, .removed = w->removed};
    bool changed = w->added || w->updated || w->removed;
    shelf_crashpoint();
    int rc = changed ? shelf_xdb_commit(w->db, err) : shelf_xdb_cancel(w->db, err);
    shelf_crashpoint();
    if (rc == SHELF_OK) {
        w->in_transaction = 0;
        sum.committed = changed;
        sum.segment.doc_count = (uint32_t)(w->added + w->updated);
    }
    if (summary)
        *summary = sum;
    return rc;
}

const char *shelf_xapwriter_language(const shelf_xapwriter *w)
{
    return shelf_analyzer_language(w->analyzer);
}

void shelf_xapwriter_free(shelf_xapwriter *w)
{
    if (!w)
        return;
    if (w->in_transaction)
        shelf_xdb_cancel(w->db, NULL);
    if (w->db)
        shelf_xdb_close(w->db);
    shelf_analyzer_free(w->analyzer);
    shelf_pathmap_free(&w->seen);
    shelf_buf_free(&w->blob);
    shelf_buf_free(&w->scratch);
    shelf_analyzed_free(&w->analyzed);
    shelf_lock_release(&w->lock);
    free(w->dir);
    free(w);
}
