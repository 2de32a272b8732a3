/* index.c - an open index snapshot and its full check; see index.h. */
#include "index/index.h"

#include <stdlib.h>
#include <string.h>

struct shelf_index {
    char *dir;
    shelf_manifest manifest;
    shelf_segment **segments;
    uint64_t *bases;
    uint64_t doc_count, total_tokens, total_title_tokens;
};

static int check_against_manifest(const shelf_index *idx, size_t i, shelf_err *err)
{
    const shelf_manifest_segment *m = &idx->manifest.segments[i];
    const shelf_segment *s = idx->segments[i];
    if (shelf_segment_doc_count(s) != m->doc_count || shelf_segment_total_tokens(s) != m->total_tokens)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: does not match %s/MANIFEST (document counts differ)",
                          shelf_segment_file(s, "docs"), idx->dir);
    return SHELF_OK;
}

static int open_segments(shelf_index *idx, bool verify, shelf_err *err)
{
    size_t n = idx->manifest.segment_count;
    idx->segments = calloc(n ? n : 1, sizeof *idx->segments);
    idx->bases = calloc(n ? n : 1, sizeof *idx->bases);
    if (!idx->segments || !idx->bases)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory opening %s", idx->dir);
    for (size_t i = 0; i < n; i++) {
        int rc = shelf_segment_open(&idx->segments[i], idx->dir, idx->manifest.segments[i].number,
                                    verify, err);
        if (rc == SHELF_OK)
            rc = check_against_manifest(idx, i, err);
        if (rc != SHELF_OK)
            return rc;
        idx->bases[i] = idx->doc_count;
        idx->doc_count += shelf_segment_doc_count(idx->segments[i]);
        idx->total_tokens += shelf_segment_total_tokens(idx->segments[i]);
        idx->total_title_tokens += shelf_segment_total_title_tokens(idx->segments[i]);
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
    int rc = shelf_manifest_read(dir, &idx->manifest, err);
    if (rc == SHELF_OK)
        rc = open_segments(idx, flags & SHELF_OPEN_VERIFY, err);
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
    for (uint32_t i = 0; idx->segments && i < idx->manifest.segment_count; i++)
        shelf_segment_close(idx->segments[i]);
    free(idx->segments);
    free(idx->bases);
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

int shelf_index_df(const shelf_index *idx, const uint8_t *key, size_t key_len, uint64_t *df,
                   shelf_err *err)
{
    *df = 0;
    for (size_t i = 0; i < idx->manifest.segment_count; i++) {
        shelf_term_stats t;
        int rc = shelf_segment_lookup(idx->segments[i], key, key_len, &t, err);
        if (rc == SHELF_OK)
            *df += t.df;
        else if (rc != SHELF_ENOTFOUND)
            return rc;
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
        uint32_t tf = shelf_postings_tf(&p);
        uint32_t limit = it->key[0] == SHELF_FIELD_TITLE_ID ? shelf_segment_title_length(s, doc)
                                                           : shelf_segment_doc_length(s, doc);
        if ((int64_t)doc <= prev)
            return shelf_errf(err, SHELF_ECORRUPT, "%s: doc ids out of order", shelf_segment_file(s, "post"));
        if (tf > limit)
            return shelf_errf(err, SHELF_ECORRUPT, "%s: term frequency %u exceeds document length %u",
                              shelf_segment_file(s, "post"), tf, limit);
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
                return shelf_errf(err, SHELF_ECORRUPT, "%s: position out of range",
                                  shelf_segment_file(s, "pos"));
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
        return shelf_errf(err, SHELF_ECORRUPT, "%s: postings disagree with the dictionary's counts",
                          shelf_segment_file(s, "post"));
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

static int check_documents(const shelf_segment *s, shelf_check_report *r, shelf_err *err)
{
    shelf_buf text = SHELF_BUF_INIT, checkpoints = SHELF_BUF_INIT;
    uint64_t tokens = 0;
    int rc = SHELF_OK;
    for (uint32_t d = 0; rc == SHELF_OK && d < shelf_segment_doc_count(s); d++) {
        shelf_docmeta m;
        rc = shelf_segment_doc(s, d, &m, err);
        if (rc == SHELF_OK)
            rc = shelf_segment_text(s, d, &text, &checkpoints, err);
        if (rc == SHELF_OK && checkpoints.len / sizeof(uint64_t) !=
                                  (m.length + SHELF_CHECKPOINT_EVERY - 1) / SHELF_CHECKPOINT_EVERY)
            rc = shelf_errf(err, SHELF_ECORRUPT, "%s: checkpoints disagree with length of document %u",
                            shelf_segment_file(s, "store"), d);
        tokens += m.length;
    }
    if (rc == SHELF_OK && tokens != shelf_segment_total_tokens(s))
        rc = shelf_errf(err, SHELF_ECORRUPT, "%s: document lengths do not add up",
                        shelf_segment_file(s, "docs"));
    shelf_buf_free(&text);
    shelf_buf_free(&checkpoints);
    r->documents += shelf_segment_doc_count(s);
    r->tokens += tokens;
    return rc;
}

int shelf_index_check(const shelf_index *idx, shelf_check_report *report, shelf_err *err)
{
    memset(report, 0, sizeof *report);
    for (size_t i = 0; i < idx->manifest.segment_count; i++) {
        const shelf_segment *s = idx->segments[i];
        int rc = shelf_segment_verify(s, err);
        if (rc == SHELF_OK)
            rc = check_documents(s, report, err);
        if (rc == SHELF_OK)
            rc = check_dictionary(s, report, err);
        if (rc != SHELF_OK)
            return rc;
        report->segments++;
        report->bytes += shelf_segment_bytes(s);
    }
    return SHELF_OK;
}
