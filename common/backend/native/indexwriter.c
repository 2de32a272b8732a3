/*
 * indexwriter.c - incremental writing of a native index folder; see
 * indexwriter.h.
 *
 * State: the manifest the run builds on (`base`, empty when rebuilding), its
 * segments opened for reading metadata, a working copy of each one's
 * deletions, the table of live documents by path, and the new segment being
 * filled (created on the first added document).
 */
#include "backend/native/indexwriter.h"
#include "backend/lock.h"
#include "backend/native/deletions.h"
#include "backend/native/index.h"
#include "backend/native/generation_guard.h"
#include "backend/native/manifest.h"
#include "backend/native/merge_run.h"
#include "backend/native/segment.h"
#include "backend/native/unlisted.h"
#include "backend/path_under.h"
#include "backend/pathmap.h"
#include "util/crashpoint.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FRESH UINT32_MAX

struct shelf_native_writer {
    char *dir;
    shelf_writer_opts opts;
    shelf_analyzer *analyzer;
    shelf_manifest base;      /* what this run builds on */
    uint64_t generation;      /* of the committed manifest (0: none) */
    uint32_t next_segment;
    shelf_segment **segments; /* parallel to base.segments */
    shelf_deletions *dels;
    bool *dirty;
    shelf_pathmap paths;
    size_t outside;           /* bytes held for documents on their way (note_outside) */
    shelf_segwriter *fresh;
    uint32_t fresh_number, fresh_docs;
    uint32_t *fresh_deleted;  /* fresh docs replaced later in the same run */
    size_t fresh_deleted_count, fresh_deleted_cap;
    uint64_t added, updated, removed;
    shelf_lock lock;          /* held from open to free */
};

/* ---- opening ---- */

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

static int choose_language(shelf_native_writer *w, const shelf_manifest *committed, shelf_err *err)
{
    const char *wanted = w->opts.language;
    const char *existing = committed->segment_count || committed->generation ? committed->language : NULL;
    if (wanted) { /* an unknown name gets the list of known ones first */
        shelf_analyzer *probe = shelf_analyzer_new(wanted, err);
        if (!probe)
            return SHELF_EINVAL;
        shelf_analyzer_free(probe);
    }
    if (existing && wanted && !w->opts.rebuild && strcmp(existing, wanted) != 0)
        return shelf_errf(err, SHELF_EINVAL,
                          "%s: the index was built with language '%s', not '%s' (rebuild it to change)",
                          w->dir, existing, wanted);
    const char *language = wanted ? wanted : existing ? existing : "english";
    w->analyzer = shelf_analyzer_new(language, err);
    return w->analyzer ? SHELF_OK : SHELF_EINVAL;
}

/* A run reads every base segment's .docs (the table of paths, document
 * lengths for the new live figures) and its deletions file (whose CRC
 * shelf_deletions_read checks); nothing built on them is committed unless
 * their CRCs hold.  A small base (SHELF_VERIFY_SMALL_BYTES) is verified
 * whole, so damage anywhere is reported before it is built on. */
static int verify_base(shelf_native_writer *w, shelf_err *err)
{
    uint64_t bytes = 0;
    for (size_t i = 0; i < w->base.segment_count; i++)
        bytes += shelf_segment_bytes(w->segments[i]);
    bool whole = bytes <= SHELF_VERIFY_SMALL_BYTES;
    for (size_t i = 0; i < w->base.segment_count; i++) {
        int rc = whole ? shelf_segment_verify(w->segments[i], err)
                       : shelf_segment_verify_file(w->segments[i], "docs", err);
        if (rc != SHELF_OK)
            return rc;
    }
    return SHELF_OK;
}

static int open_base_segment(shelf_native_writer *w, size_t i, shelf_err *err)
{
    const shelf_manifest_segment *m = &w->base.segments[i];
    int rc = shelf_segment_open(&w->segments[i], w->dir, m->number, false, err);
    shelf_deletions_init(&w->dels[i], m->doc_count);
    if (rc == SHELF_OK && m->del_gen)
        rc = shelf_deletions_read(&w->dels[i], w->dir, m->number, m->del_gen, m->doc_count, err);
    return rc;
}

/* Put the live documents of base segment i in the table of paths. */
static int load_paths(shelf_native_writer *w, size_t i, shelf_err *err)
{
    const shelf_manifest_segment *m = &w->base.segments[i];
    int rc = SHELF_OK;
    for (uint32_t d = 0; rc == SHELF_OK && d < m->doc_count; d++) {
        if (shelf_deleted(&w->dels[i], d))
            continue;
        shelf_docmeta meta;
        char path[PATH_MAX];
        rc = shelf_segment_doc(w->segments[i], d, &meta, err);
        if (rc == SHELF_OK && meta.path_len >= sizeof path)
            rc = shelf_errf(err, SHELF_ECORRUPT, "%s: a document path is too long", w->dir);
        if (rc != SHELF_OK)
            break;
        memcpy(path, meta.path, meta.path_len);
        path[meta.path_len] = '\0';
        if (!shelf_pathmap_put(&w->paths, path, (uint32_t)i, d))
            rc = shelf_errf(err, SHELF_ENOMEM, "out of memory loading %s", w->dir);
    }
    return rc;
}

static int load_base(shelf_native_writer *w, shelf_manifest *committed, shelf_err *err)
{
    w->generation = committed->generation;
    w->next_segment = committed->next_segment ? committed->next_segment : 1;
    if (w->opts.rebuild) {
        shelf_manifest_free(committed);
        memset(&w->base, 0, sizeof w->base);
    } else {
        w->base = *committed;
    }
    size_t n = w->base.segment_count ? w->base.segment_count : 1;
    w->segments = calloc(n, sizeof *w->segments);
    w->dels = calloc(n, sizeof *w->dels);
    w->dirty = calloc(n, sizeof *w->dirty);
    if (!w->segments || !w->dels || !w->dirty)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory opening %s", w->dir);
    int rc = SHELF_OK;
    for (size_t i = 0; rc == SHELF_OK && i < w->base.segment_count; i++)
        rc = open_base_segment(w, i, err);
    if (rc == SHELF_OK)
        rc = verify_base(w, err);
    for (size_t i = 0; rc == SHELF_OK && i < w->base.segment_count; i++)
        rc = load_paths(w, i, err);
    return rc;
}

static int remove_damaged_manifest(const char *dir, shelf_err *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, SHELF_MANIFEST_NAME);
    if (unlink(path) != 0 && errno != ENOENT)
        return shelf_errno(err, errno, "%s: damaged, and cannot be removed", path);
    return SHELF_ENOTFOUND;
}

shelf_native_writer *shelf_native_writer_open(const char *dir, const shelf_writer_opts *opts,
                                              shelf_err *err)
{
    shelf_native_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->dir = strdup(dir))) {
        free(w);
        shelf_errf(err, SHELF_ENOMEM, "out of memory");
        return NULL;
    }
    w->opts = *opts;
    w->lock.fd = -1;
    if (make_dir(dir, err) != SHELF_OK ||
        (!opts->lock_held && shelf_lock_acquire(&w->lock, dir, opts->wait, err) != SHELF_OK)) {
        shelf_native_writer_free(w);
        return NULL;
    }
    shelf_manifest committed;
    int rc = shelf_manifest_read(dir, &committed, err);
    /* A rebuild starts from nothing, so it also replaces an index of another
     * format version (whose files the clean-up below removes: no reader of
     * this version can use them), and a damaged MANIFEST: that one is
     * removed at once, since nothing can be built on it and the commit's
     * generation check must find no manifest, not a damaged one. */
    if (rc == SHELF_ECORRUPT && opts->rebuild)
        rc = remove_damaged_manifest(dir, err);
    if (rc == SHELF_ENOTFOUND || (rc == SHELF_EVERSION && opts->rebuild)) {
        memset(&committed, 0, sizeof committed);
        rc = SHELF_OK;
    }
    if (rc == SHELF_OK)
        rc = choose_language(w, &committed, err);
    if (rc == SHELF_OK)
        shelf_remove_unlisted(dir, &committed);
    if (rc == SHELF_OK)
        rc = load_base(w, &committed, err);
    else
        shelf_manifest_free(&committed);
    if (rc != SHELF_OK) {
        shelf_native_writer_free(w);
        return NULL;
    }
    return w;
}

/* ---- what the run sees ---- */

static shelf_pathentry *live_entry(shelf_native_writer *w, const char *path)
{
    shelf_pathentry *e = shelf_pathmap_find(&w->paths, path);
    return e && e->live ? e : NULL;
}

shelf_source_state shelf_native_writer_probe(shelf_native_writer *w, const char *path, uint64_t size,
                                             int64_t mtime_ns)
{
    shelf_pathentry *e = live_entry(w, path);
    if (!e)
        return SHELF_SOURCE_NEW;
    e->seen = 1;
    if (e->segment == FRESH)
        return SHELF_SOURCE_SAME;
    shelf_docmeta meta;
    if (shelf_segment_doc(w->segments[e->segment], e->doc, &meta, NULL) != SHELF_OK)
        return SHELF_SOURCE_CHANGED;
    return meta.size == size && meta.mtime_ns == mtime_ns ? SHELF_SOURCE_SAME : SHELF_SOURCE_CHANGED;
}

bool shelf_native_writer_same_content(shelf_native_writer *w, const char *path, uint64_t hash)
{
    shelf_pathentry *e = live_entry(w, path);
    if (!e || e->segment == FRESH)
        return false;
    shelf_docmeta meta;
    return shelf_segment_doc(w->segments[e->segment], e->doc, &meta, NULL) == SHELF_OK &&
           meta.hash == hash;
}

static int delete_entry(shelf_native_writer *w, shelf_pathentry *e)
{
    e->live = 0;
    if (e->segment != FRESH) {
        w->dirty[e->segment] = true;
        return shelf_deletions_add(&w->dels[e->segment], e->doc) < 0 ? SHELF_ENOMEM : SHELF_OK;
    }
    if (w->fresh_deleted_count == w->fresh_deleted_cap) {
        size_t cap = w->fresh_deleted_cap ? w->fresh_deleted_cap * 2 : 16;
        uint32_t *p = realloc(w->fresh_deleted, cap * sizeof *p);
        if (!p)
            return SHELF_ENOMEM;
        w->fresh_deleted = p;
        w->fresh_deleted_cap = cap;
    }
    w->fresh_deleted[w->fresh_deleted_count++] = e->doc;
    return SHELF_OK;
}

/* What the fresh segment's budget must leave to others: the table of paths
 * and what is held for documents on their way. */
static void note_held(shelf_native_writer *w)
{
    if (w->fresh)
        shelf_segwriter_note_held(w->fresh, shelf_pathmap_memory(&w->paths) + w->outside);
}

void shelf_native_writer_note_outside(shelf_native_writer *w, size_t bytes)
{
    w->outside = bytes;
    note_held(w);
}

static int open_fresh(shelf_native_writer *w, shelf_err *err)
{
    if (w->fresh)
        return SHELF_OK;
    w->fresh_number = w->next_segment;
    w->fresh = shelf_segwriter_open(w->dir, w->fresh_number, w->analyzer, w->opts.memory_budget,
                                    w->opts.threads > 1, err);
    note_held(w);
    return w->fresh ? SHELF_OK : (err && err->code ? err->code : SHELF_EIO);
}

/* Record a document just added to the fresh segment under its path. */
static int note_added(shelf_native_writer *w, const char *path, const shelf_doc_report *rep,
                      shelf_err *err)
{
    shelf_pathentry *old = live_entry(w, path);
    if (old && delete_entry(w, old) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    if (old)
        w->updated++;
    else
        w->added++;
    shelf_pathentry *e = shelf_pathmap_put(&w->paths, path, FRESH, rep->doc);
    if (!e)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    e->seen = 1;
    w->fresh_docs++;
    note_held(w);
    return SHELF_OK;
}

int shelf_native_writer_add(shelf_native_writer *w, const shelf_doc_input *doc,
                            shelf_doc_report *report, shelf_err *err)
{
    shelf_crashpoint();
    int rc = open_fresh(w, err);
    shelf_doc_report rep;
    if (rc == SHELF_OK)
        rc = shelf_segwriter_add(w->fresh, doc, &rep, err);
    if (rc == SHELF_OK)
        rc = note_added(w, doc->path, &rep, err);
    if (rc == SHELF_OK && report)
        *report = rep;
    return rc;
}

int shelf_native_writer_add_analyzed(shelf_native_writer *w, const shelf_doc_input *doc,
                                     const shelf_analyzed *an, shelf_doc_report *report, shelf_err *err)
{
    shelf_crashpoint();
    int rc = open_fresh(w, err);
    shelf_doc_report rep;
    if (rc == SHELF_OK)
        rc = shelf_segwriter_add_analyzed(w->fresh, doc, an, &rep, err);
    if (rc == SHELF_OK)
        rc = note_added(w, doc->path, &rep, err);
    if (rc == SHELF_OK && report)
        *report = rep;
    return rc;
}

const char *shelf_native_writer_language(const shelf_native_writer *w)
{
    return shelf_analyzer_language(w->analyzer);
}

int shelf_native_writer_remove(shelf_native_writer *w, const char *path, uint64_t *count, shelf_err *err)
{
    *count = 0;
    for (size_t i = 0; i < shelf_pathmap_count(&w->paths); i++) {
        shelf_pathentry *e = shelf_pathmap_entry(&w->paths, i);
        if (!e->live || !shelf_path_under(e->path, path))
            continue;
        if (delete_entry(w, e) != SHELF_OK)
            return shelf_errf(err, SHELF_ENOMEM, "out of memory");
        (*count)++;
    }
    w->removed += *count;
    return SHELF_OK;
}

int shelf_native_writer_prune(shelf_native_writer *w, char *const *roots, size_t root_count,
                              uint64_t *count, shelf_err *err)
{
    *count = 0;
    for (size_t i = 0; i < shelf_pathmap_count(&w->paths); i++) {
        shelf_pathentry *e = shelf_pathmap_entry(&w->paths, i);
        if (!e->live || e->seen)
            continue;
        for (size_t r = 0; r < root_count; r++) {
            if (!shelf_path_under(e->path, roots[r]))
                continue;
            if (delete_entry(w, e) != SHELF_OK)
                return shelf_errf(err, SHELF_ENOMEM, "out of memory");
            (*count)++;
            break;
        }
    }
    w->removed += *count;
    return SHELF_OK;
}

/* ---- committing ---- */

static void live_figures(const shelf_segment *s, const shelf_deletions *d, shelf_manifest_segment *m)
{
    m->live_count = m->doc_count - d->deleted;
    m->live_tokens = m->live_title_tokens = 0;
    for (uint32_t doc = 0; doc < m->doc_count; doc++) {
        if (shelf_deleted(d, doc))
            continue;
        m->live_tokens += shelf_segment_doc_length(s, doc);
        m->live_title_tokens += shelf_segment_title_length(s, doc);
    }
}

static int write_deletions(shelf_native_writer *w, uint64_t gen, shelf_err *err)
{
    for (size_t i = 0; i < w->base.segment_count; i++) {
        shelf_manifest_segment *m = &w->base.segments[i];
        if (!w->dirty[i] || w->dels[i].deleted == m->doc_count)
            continue;
        int rc = shelf_deletions_write(&w->dels[i], w->dir, m->number, (uint32_t)gen, err);
        if (rc != SHELF_OK)
            return rc;
        m->del_gen = (uint32_t)gen;
    }
    return SHELF_OK;
}

/* The fresh segment's own entry (and deletions file when a path was added twice). */
static int fresh_entry(shelf_native_writer *w, const shelf_segment_summary *s, uint64_t gen,
                       shelf_manifest_segment *out, shelf_err *err)
{
    *out = (shelf_manifest_segment){s->number, s->doc_count, s->doc_count, 0, s->total_tokens,
                                    s->total_tokens, s->total_title_tokens};
    if (w->fresh_deleted_count == 0)
        return SHELF_OK;
    shelf_segment *seg;
    shelf_deletions d;
    shelf_deletions_init(&d, s->doc_count);
    int rc = shelf_segment_open(&seg, w->dir, s->number, false, err);
    for (size_t i = 0; rc == SHELF_OK && i < w->fresh_deleted_count; i++)
        if (shelf_deletions_add(&d, w->fresh_deleted[i]) < 0)
            rc = shelf_errf(err, SHELF_ENOMEM, "out of memory");
    if (rc == SHELF_OK) {
        live_figures(seg, &d, out);
        out->del_gen = (uint32_t)gen;
        rc = shelf_deletions_write(&d, w->dir, s->number, (uint32_t)gen, err);
    }
    shelf_segment_close(seg);
    shelf_deletions_free(&d);
    return rc;
}

static int build_manifest(shelf_native_writer *w, const shelf_segment_summary *s, uint64_t gen,
                          shelf_manifest *next, shelf_err *err)
{
    memset(next, 0, sizeof *next);
    next->generation = gen;
    snprintf(next->language, sizeof next->language, "%s", shelf_analyzer_language(w->analyzer));
    next->next_segment = w->fresh ? w->fresh_number + 1 : w->next_segment;
    next->segments = calloc(w->base.segment_count + 1, sizeof *next->segments);
    if (!next->segments)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    for (size_t i = 0; i < w->base.segment_count; i++) {
        shelf_manifest_segment m = w->base.segments[i];
        if (w->dirty[i])
            live_figures(w->segments[i], &w->dels[i], &m);
        if (m.live_count > 0)
            next->segments[next->segment_count++] = m;
    }
    if (w->fresh && s->doc_count > 0) {
        shelf_manifest_segment m;
        int rc = fresh_entry(w, s, gen, &m, err);
        if (rc != SHELF_OK)
            return rc;
        if (m.live_count > 0)
            next->segments[next->segment_count++] = m;
    }
    return SHELF_OK;
}

static bool has_changes(const shelf_native_writer *w)
{
    if (w->fresh_docs || w->opts.rebuild)
        return true;
    for (size_t i = 0; i < w->base.segment_count; i++)
        if (w->dirty[i])
            return true;
    return false;
}

int shelf_native_writer_commit(shelf_native_writer *w, shelf_commit_summary *summary, shelf_err *err)
{
    shelf_commit_summary sum = {.added = w->added, .updated = w->updated, .removed = w->removed,
                                .generation = w->generation};
    if (!has_changes(w)) {
        if (summary)
            *summary = sum;
        return SHELF_OK;
    }
    uint64_t gen = w->generation + 1;
    int rc = SHELF_OK;
    if (w->fresh) {
        rc = shelf_segwriter_finish(w->fresh, &sum.segment, err);
        if (rc == SHELF_OK)
            rc = shelf_segwriter_commit(w->fresh, err);
    }
    if (rc == SHELF_OK)
        rc = write_deletions(w, gen, err);
    shelf_manifest next;
    if (rc == SHELF_OK)
        rc = build_manifest(w, &sum.segment, gen, &next, err);
    if (rc != SHELF_OK)
        return rc;
    shelf_crashpoint();
    rc = shelf_manifest_still_current(w->dir, w->generation, err);
    if (rc == SHELF_OK)
        rc = shelf_manifest_write(w->dir, &next, err);
    shelf_crashpoint();
    if (rc == SHELF_OK) {
        shelf_remove_unlisted(w->dir, &next);
        w->generation = gen;
        w->next_segment = next.next_segment;
        sum.committed = true;
        sum.generation = gen;
    }
    shelf_manifest_free(&next);
    if (summary)
        *summary = sum;
    return rc;
}

/* ---- merging ---- */

int shelf_native_writer_merge(shelf_native_writer *w, shelf_merge_policy policy, unsigned *merges,
                              shelf_err *err)
{
    return shelf_native_merge(w->dir, policy, &w->generation, &w->next_segment, merges, err);
}

void shelf_native_writer_free(shelf_native_writer *w)
{
    if (!w)
        return;
    shelf_segwriter_free(w->fresh);
    for (size_t i = 0; w->segments && i < w->base.segment_count; i++)
        shelf_segment_close(w->segments[i]);
    for (size_t i = 0; w->dels && i < w->base.segment_count; i++)
        shelf_deletions_free(&w->dels[i]);
    free(w->segments);
    free(w->dels);
    free(w->dirty);
    free(w->fresh_deleted);
    shelf_pathmap_free(&w->paths);
    shelf_analyzer_free(w->analyzer);
    shelf_manifest_free(&w->base);
    shelf_lock_release(&w->lock);
    free(w->dir);
    free(w);
}
