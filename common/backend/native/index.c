/* index.c - an open index snapshot and its full check; see index.h. */
#include "backend/native/index.h"
#include "backend/native/index_impl.h"
#include "backend/heading_spans.h"
#include "backend/native/doccols.h"
#include "backend/native/words.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define OPEN_ATTEMPTS 8


static int check_against_manifest(const shelf_index *idx, size_t i, shelf_err *err)
{
    const shelf_manifest_segment *m = &idx->manifest.segments[i];
    const shelf_segment *s = idx->segments[i];
    if (shelf_segment_doc_count(s) != m->doc_count || shelf_segment_total_tokens(s) != m->total_tokens)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: does not match %s/MANIFEST (document counts differ)",
                          shelf_segment_file(s, "docs"), idx->dir);
    if (m->doc_count - idx->dels[i].deleted != m->live_count) {
        char del[PATH_MAX];
        shelf_deletions_path(del, sizeof del, idx->dir, m->number, m->del_gen);
        return shelf_errf(err, SHELF_ECORRUPT, "%s/MANIFEST: live count of segment %u disagrees with "
                          "%s", idx->dir, m->number, m->del_gen ? del : "its document count");
    }
    return SHELF_OK;
}

static int open_segment(shelf_index *idx, size_t i, bool verify, shelf_err *err)
{
    const shelf_manifest_segment *m = &idx->manifest.segments[i];
    int rc = shelf_segment_open(&idx->segments[i], idx->dir, m->number, verify, err);
    shelf_deletions_init(&idx->dels[i], m->doc_count);
    if (rc == SHELF_OK && m->del_gen)
        rc = shelf_deletions_read(&idx->dels[i], idx->dir, m->number, m->del_gen, m->doc_count, err);
    if (rc == SHELF_OK)
        rc = check_against_manifest(idx, i, err);
    if (rc == SHELF_OK) {
        /* optional, and no search needs it: a missing or damaged list is
         * no list (--check reports damage) */
        shelf_err ignored = {0};
        if (shelf_words_open(&idx->words[i], idx->dir, m->number, false, &ignored) != SHELF_OK)
            memset(&idx->words[i], 0, sizeof idx->words[i]);
    }
    return rc;
}

static void close_segments(shelf_index *idx)
{
    for (uint32_t i = 0; idx->segments && i < idx->manifest.segment_count; i++) {
        shelf_segment_close(idx->segments[i]);
        if (idx->dels)
            shelf_deletions_free(&idx->dels[i]);
        if (idx->words)
            shelf_words_close(&idx->words[i]);
    }
    free(idx->segments);
    free(idx->dels);
    free(idx->words);
    idx->words = NULL;
    free(idx->bases);
    idx->segments = NULL;
    idx->dels = NULL;
    idx->bases = NULL;
    idx->numbered = idx->doc_count = idx->total_tokens = idx->total_title_tokens = 0;
}

static int open_segments(shelf_index *idx, bool verify, shelf_err *err)
{
    size_t n = idx->manifest.segment_count;
    idx->segments = calloc(n ? n : 1, sizeof *idx->segments);
    idx->dels = calloc(n ? n : 1, sizeof *idx->dels);
    idx->bases = calloc(n ? n : 1, sizeof *idx->bases);
    idx->words = calloc(n ? n : 1, sizeof *idx->words);
    if (!idx->segments || !idx->dels || !idx->bases || !idx->words)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory opening %s", idx->dir);
    for (size_t i = 0; i < n; i++) {
        int rc = open_segment(idx, i, verify, err);
        if (rc != SHELF_OK)
            return rc;
        const shelf_manifest_segment *m = &idx->manifest.segments[i];
        idx->bases[i] = idx->numbered;
        idx->numbered += m->doc_count;
        idx->doc_count += m->live_count;
        idx->total_tokens += m->live_tokens;
        idx->total_title_tokens += m->live_title_tokens;
    }
    return SHELF_OK;
}

/* Read the manifest and open what it lists.  A writer may commit and remove
 * old files between the two steps; a file that vanished under a manifest
 * that is no longer current means "read the new manifest and try again". */
static int open_snapshot(shelf_index *idx, bool verify, shelf_err *err)
{
    uint64_t last_generation = UINT64_MAX;
    for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
        int rc = shelf_manifest_read(idx->dir, &idx->manifest, err);
        if (rc != SHELF_OK)
            return rc;
        rc = open_segments(idx, verify, err);
        if (rc != SHELF_ENOTFOUND || idx->manifest.generation == last_generation)
            return rc;
        last_generation = idx->manifest.generation;
        close_segments(idx);
        shelf_manifest_free(&idx->manifest);
    }
    return shelf_errf(err, SHELF_EIO, "%s: the index kept changing while being opened", idx->dir);
}

static int verify_if_small(const shelf_index *idx, shelf_err *err)
{
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < idx->manifest.segment_count; i++)
        bytes += shelf_segment_bytes(idx->segments[i]);
    for (uint32_t i = 0; bytes <= SHELF_VERIFY_SMALL_BYTES && i < idx->manifest.segment_count; i++) {
        int rc = shelf_segment_verify(idx->segments[i], err);
        if (rc != SHELF_OK)
            return rc;
    }
    return SHELF_OK;
}

int shelf_index_open(shelf_index **out, const char *dir, unsigned flags, shelf_err *err)
{
    *out = NULL;
    shelf_index *idx = calloc(1, sizeof *idx);
    if (!idx || !(idx->dir = strdup(dir))) {
        free(idx);
        return shelf_errf(err, SHELF_ENOMEM, "out of memory opening %s", dir);
    }
    int rc = open_snapshot(idx, flags & SHELF_OPEN_VERIFY, err);
    if (rc == SHELF_OK && (flags & SHELF_OPEN_VERIFY_SMALL) && !(flags & SHELF_OPEN_VERIFY))
        rc = verify_if_small(idx, err);
    if (rc != SHELF_OK) {
        shelf_index_close(idx);
        return rc;
    }
    *out = idx;
    return SHELF_OK;
}

void shelf_index_close(shelf_index *idx)
{
    if (!idx)
        return;
    if (idx->nparts) {
        shelf_index_set_free(idx); /* its segments are its parts' */
        return;
    }
    close_segments(idx);
    shelf_manifest_free(&idx->manifest);
    free(idx->dir);
    free(idx);
}

const char *shelf_index_dir(const shelf_index *idx) { return idx->dir; }
const char *shelf_index_language(const shelf_index *idx) { return idx->manifest.language; }
uint64_t shelf_index_generation(const shelf_index *idx) { return idx->manifest.generation; }
size_t shelf_index_segment_count(const shelf_index *idx) { return idx->manifest.segment_count; }
const shelf_segment *shelf_index_segment(const shelf_index *idx, size_t i) { return idx->segments[i]; }
uint64_t shelf_index_base(const shelf_index *idx, size_t i) { return idx->bases[i]; }
uint64_t shelf_index_doc_count(const shelf_index *idx) { return idx->doc_count; }
uint64_t shelf_index_total_tokens(const shelf_index *idx) { return idx->total_tokens; }
uint64_t shelf_index_total_title_tokens(const shelf_index *idx) { return idx->total_title_tokens; }

const shelf_manifest *shelf_index_manifest(const shelf_index *idx) { return &idx->manifest; }
const shelf_deletions *shelf_index_deletions(const shelf_index *idx, size_t i) { return &idx->dels[i]; }
uint64_t shelf_index_numbered(const shelf_index *idx) { return idx->numbered; }

const shelf_words *shelf_index_words(const shelf_index *idx, size_t i)
{
    return idx->words[i].file.data ? &idx->words[i] : NULL;
}

/* Postings of a term in a segment that has deletions, counting live ones. */
static int count_live(const shelf_segment *s, const shelf_deletions *d, const shelf_term_stats *t,
                      uint64_t *live, shelf_err *err)
{
    shelf_postings p;
    int rc = shelf_postings_open(&p, s, t, err);
    if (rc != SHELF_OK)
        return rc;
    uint64_t n = 0;
    for (uint32_t doc = p.doc; doc != SHELF_DOC_END; doc = shelf_postings_next(&p))
        n += !shelf_deleted(d, doc);
    if (p.status != SHELF_OK) {
        if (err)
            *err = p.err;
        return p.status;
    }
    *live += n;
    return SHELF_OK;
}

int shelf_index_df(const shelf_index *idx, const uint8_t *key, size_t key_len, uint64_t *df,
                   shelf_err *err)
{
    *df = 0;
    for (size_t i = 0; i < idx->manifest.segment_count; i++) {
        shelf_term_stats t;
        int rc = shelf_segment_lookup(idx->segments[i], key, key_len, &t, err);
        if (rc == SHELF_OK && idx->dels[i].deleted)
            rc = count_live(idx->segments[i], &idx->dels[i], &t, df, err);
        else if (rc == SHELF_OK)
            *df += t.df;
        if (rc != SHELF_OK && rc != SHELF_ENOTFOUND)
            return rc;
    }
    return SHELF_OK;
}

int shelf_index_terms(const shelf_index *idx, const uint8_t *prefix, size_t len,
                      int (*fn)(void *ctx, const uint8_t *key, size_t len), void *ctx,
                      shelf_err *err)
{
    for (size_t s = 0; s < shelf_index_segment_count(idx); s++) {
        shelf_dict_iter it;
        int rc = shelf_dict_seek(&it, shelf_index_segment(idx, s), prefix, len, err);
        if (rc != SHELF_OK)
            return rc;
        int got;
        while ((got = shelf_dict_next(&it, err)) == 1) {
            if (it.key_len < len || memcmp(it.key, prefix, len) != 0)
                break;
            if (fn(ctx, it.key, it.key_len))
                return SHELF_OK;
        }
        if (got < 0)
            return got;
    }
    return SHELF_OK;
}

/* ---- the full check ---- */

static int check_postings(const shelf_segment *s, const shelf_dict_iter *it, uint32_t **positions,
                          size_t *cap, shelf_check_report *r, shelf_err *err)
{
    shelf_postings p;
    int rc = shelf_postings_open(&p, s, &it->stats, err);
    if (rc != SHELF_OK)
        return rc;
    uint64_t count = 0, tf_sum = 0;
    int64_t prev = -1;
    for (uint32_t doc = p.doc; doc != SHELF_DOC_END; doc = shelf_postings_next(&p)) {
        uint32_t limit = it->key[0] == SHELF_FIELD_TITLE_ID ? shelf_segment_title_length(s, doc)
                                                           : shelf_segment_doc_length(s, doc);
        if ((int64_t)doc <= prev)
            return shelf_errf(err, SHELF_ECORRUPT, "%s: doc ids out of order", shelf_segment_file(s, "post"));
        uint32_t tf = shelf_postings_tf_checked(&p, err); /* bounded before sizing the buffer */
        if (tf == 0)
            return SHELF_ECORRUPT;
        if (tf > *cap) {
            uint32_t *grown = realloc(*positions, tf * sizeof **positions);
            if (!grown)
                return shelf_errf(err, SHELF_ENOMEM, "out of memory");
            *positions = grown;
            *cap = tf;
        }
        rc = shelf_postings_positions(&p, *positions, err);
        if (rc != SHELF_OK)
            return rc;
        for (uint32_t i = 0; i < tf; i++)
            if ((*positions)[i] >= limit || (i > 0 && (*positions)[i] <= (*positions)[i - 1]))
                return shelf_errf(err, SHELF_ECORRUPT, "%s: position out of range in document %u "
                                  "(placed by %s and %s)", shelf_segment_file(s, "pos"), doc,
                                  shelf_segment_file(s, "dict"), shelf_segment_file(s, "post"));
        prev = doc;
        count++;
        tf_sum += tf;
    }
    if (p.status != SHELF_OK) {
        if (err)
            *err = p.err;
        return p.status;
    }
    if (count != it->stats.df || tf_sum != it->stats.cf)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: postings disagree with the counts in %s",
                          shelf_segment_file(s, "post"), shelf_segment_file(s, "dict"));
    r->postings += count;
    r->positions += tf_sum;
    return SHELF_OK;
}

static int check_dictionary(const shelf_segment *s, shelf_check_report *r, shelf_err *err)
{
    shelf_dict_iter it;
    int rc = shelf_dict_seek(&it, s, NULL, 0, err);
    uint8_t prev[SHELF_MAX_KEY_BYTES];
    size_t prev_len = 0;
    uint64_t terms = 0;
    uint32_t *positions = NULL;
    size_t cap = 0;
    int got;
    while (rc == SHELF_OK && (got = shelf_dict_next(&it, err)) == 1) {
        size_t n = prev_len < it.key_len ? prev_len : it.key_len;
        int c = memcmp(prev, it.key, n);
        if (terms > 0 && (c > 0 || (c == 0 && prev_len >= it.key_len)))
            rc = shelf_errf(err, SHELF_ECORRUPT, "%s: keys out of order", shelf_segment_file(s, "dict"));
        else if (it.key[0] != SHELF_FIELD_BODY && it.key[0] != SHELF_FIELD_TITLE_ID)
            rc = shelf_errf(err, SHELF_ECORRUPT, "%s: unknown field", shelf_segment_file(s, "dict"));
        else
            rc = check_postings(s, &it, &positions, &cap, r, err);
        memcpy(prev, it.key, it.key_len);
        prev_len = it.key_len;
        terms++;
    }
    free(positions);
    if (rc == SHELF_OK && got < 0)
        rc = got;
    if (rc == SHELF_OK && terms != shelf_segment_term_count(s))
        rc = shelf_errf(err, SHELF_ECORRUPT, "%s: term count differs", shelf_segment_file(s, "dict"));
    r->terms += terms;
    return rc;
}

static int check_documents(const shelf_segment *s, const shelf_deletions *d,
                           const shelf_manifest_segment *m, const char *dir, shelf_check_report *r,
                           shelf_err *err)
{
    shelf_buf text = SHELF_BUF_INIT, checkpoints = SHELF_BUF_INIT;
    uint64_t tokens = 0, live_tokens = 0, live_title = 0;
    int rc = SHELF_OK;
    for (uint32_t doc = 0; rc == SHELF_OK && doc < shelf_segment_doc_count(s); doc++) {
        shelf_docmeta meta;
        rc = shelf_segment_doc(s, doc, &meta, err);
        if (rc == SHELF_OK)
            rc = shelf_segment_text(s, doc, &text, &checkpoints, err);
        if (rc == SHELF_OK && checkpoints.len / sizeof(uint64_t) !=
                                  (meta.length + SHELF_CHECKPOINT_EVERY - 1) / SHELF_CHECKPOINT_EVERY)
            rc = shelf_errf(err, SHELF_ECORRUPT, "%s: checkpoints disagree with the length %s gives "
                            "document %u", shelf_segment_file(s, "store"), shelf_segment_file(s, "docs"),
                            doc);
        if (rc == SHELF_OK && shelf_span_check(meta.headings, meta.headings_len, meta.length) != 0)
            rc = shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (heading spans of document %u)",
                            shelf_segment_file(s, "docs"), doc);
        tokens += meta.length;
        if (!shelf_deleted(d, doc)) {
            live_tokens += meta.length;
            live_title += meta.title_length;
        }
    }
    if (rc == SHELF_OK && tokens != shelf_segment_total_tokens(s))
        rc = shelf_errf(err, SHELF_ECORRUPT, "%s: document lengths do not add up",
                        shelf_segment_file(s, "docs"));
    if (rc == SHELF_OK && (live_tokens != m->live_tokens || live_title != m->live_title_tokens))
        rc = shelf_errf(err, SHELF_ECORRUPT, "%s/MANIFEST: live token counts of segment %u do not add "
                        "up with %s", dir, m->number, shelf_segment_file(s, "docs"));
    shelf_buf_free(&text);
    shelf_buf_free(&checkpoints);
    r->documents += m->live_count;
    r->tokens += tokens;
    return rc;
}

/* A segment's written-words list, when it has one (words.h; searches never
 * need it): CRC and entries. */
static int check_word_list(const shelf_index *idx, const shelf_segment *s, shelf_err *err)
{
    shelf_words w;
    int rc = shelf_words_open(&w, idx->dir, shelf_segment_number(s), true, err);
    if (rc == SHELF_ENOTFOUND)
        return SHELF_OK;
    uint64_t words = 0;
    if (rc == SHELF_OK)
        rc = shelf_words_check(&w, shelf_segment_doc_count(s), &words, err);
    shelf_words_close(&w);
    return rc;
}

int shelf_index_check(const shelf_index *idx, shelf_check_report *report, shelf_err *err)
{
    memset(report, 0, sizeof *report);
    for (size_t i = 0; i < idx->manifest.segment_count; i++) {
        const shelf_segment *s = idx->segments[i];
        int rc = shelf_segment_verify(s, err);
        if (rc == SHELF_OK)
            rc = shelf_segment_check_lengths(s, err);
        if (rc == SHELF_OK)
            rc = check_documents(s, &idx->dels[i], &idx->manifest.segments[i], idx->dir, report, err);
        if (rc == SHELF_OK)
            rc = check_dictionary(s, report, err);
        if (rc == SHELF_OK)
            rc = check_word_list(idx, s, err);
        if (rc == SHELF_OK)
            rc = shelf_doccols_check(s, err);
        if (rc != SHELF_OK)
            return rc;
        report->segments++;
        report->bytes += shelf_segment_bytes(s);
    }
    return SHELF_OK;
}
