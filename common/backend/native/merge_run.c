/*
 * merge_run.c - merging a native index's segments after a commit; see
 * merge_run.h.  Each merge reads the committed manifest, checks it is
 * still the writer's generation, verifies the segments it will rewrite,
 * writes the merged segment (merge.h) and commits a manifest naming it.
 */
#include "backend/native/merge_run.h"
#include "backend/native/generation_guard.h"
#include "backend/native/index.h"
#include "backend/native/merge.h"
#include "backend/native/merge_policy.h"
#include "backend/native/segment.h"
#include "backend/native/unlisted.h"
#include "util/crashpoint.h"

#include <stdbool.h>
#include <stdlib.h>

typedef struct merge_run {
    const char *dir;
    uint64_t *generation;   /* the writer's committed generation */
    uint32_t *next_segment; /* the writer's next segment number */
} merge_run;

static int commit_merge(merge_run *r, const shelf_manifest *m, const size_t *pick, size_t count,
                        const shelf_segment_summary *s, shelf_err *err)
{
    shelf_manifest next = *m;
    next.generation = m->generation + 1;
    next.next_segment = s->number + 1;
    next.segment_count = 0;
    next.segments = calloc(m->segment_count + 1, sizeof *next.segments);
    if (!next.segments)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    for (size_t i = 0, k = 0; i < m->segment_count; i++) {
        bool picked = k < count && pick[k] == i;
        if (picked && k++ == 0 && s->doc_count > 0)
            next.segments[next.segment_count++] = (shelf_manifest_segment){
                s->number, s->doc_count, s->doc_count, 0, s->total_tokens, s->total_tokens,
                s->total_title_tokens};
        else if (!picked)
            next.segments[next.segment_count++] = m->segments[i];
    }
    shelf_crashpoint();
    int rc = shelf_manifest_still_current(r->dir, m->generation, err);
    if (rc == SHELF_OK)
        rc = shelf_manifest_write(r->dir, &next, err);
    shelf_crashpoint();
    if (rc == SHELF_OK) {
        shelf_remove_unlisted(r->dir, &next);
        *r->generation = next.generation;
        *r->next_segment = next.next_segment;
    }
    free(next.segments);
    return rc;
}

static int merge_once(merge_run *r, shelf_merge_policy policy, bool *merged, shelf_err *err)
{
    *merged = false;
    shelf_index *idx;
    int rc = shelf_index_open(&idx, r->dir, 0, err);
    if (rc == SHELF_ENOTFOUND)
        return SHELF_OK;
    if (rc != SHELF_OK)
        return rc;
    const shelf_manifest *m = shelf_index_manifest(idx);
    size_t *pick = calloc(m->segment_count + 1, sizeof *pick);
    const shelf_segment **in = calloc(m->segment_count + 1, sizeof *in);
    const shelf_deletions **del = calloc(m->segment_count + 1, sizeof *del);
    size_t count = pick && in && del ? shelf_merge_choose(m, policy, pick) : 0;
    if (!pick || !in || !del)
        rc = shelf_errf(err, SHELF_ENOMEM, "out of memory");
    if (rc == SHELF_OK && m->generation != *r->generation)
        rc = shelf_manifest_generation_moved(r->dir, *r->generation, m->generation, err);
    for (size_t k = 0; rc == SHELF_OK && k < count; k++) {
        in[k] = shelf_index_segment(idx, pick[k]);
        del[k] = shelf_index_deletions(idx, pick[k]); /* its CRC checked at open */
        rc = shelf_segment_verify(in[k], err); /* never rewrite damage with fresh CRCs */
    }
    shelf_segment_summary s;
    if (rc == SHELF_OK && count > 0)
        rc = shelf_merge_segments(r->dir, in, del, count, m->next_segment, &s, err);
    if (rc == SHELF_OK && count > 0) {
        rc = commit_merge(r, m, pick, count, &s, err);
        *merged = rc == SHELF_OK;
    }
    if (rc != SHELF_OK && rc != SHELF_ELOCKED)
        shelf_remove_unlisted(r->dir, m); /* a half-written merged segment */
    free(pick);
    free(in);
    free(del);
    shelf_index_close(idx);
    return rc;
}

int shelf_native_merge(const char *dir, shelf_merge_policy policy, uint64_t *generation,
                       uint32_t *next_segment, unsigned *merges, shelf_err *err)
{
    merge_run run = {dir, generation, next_segment};
    *merges = 0;
    for (;;) {
        bool merged;
        int rc = merge_once(&run, policy, &merged, err);
        if (rc != SHELF_OK)
            return rc;
        if (!merged)
            return SHELF_OK;
        (*merges)++;
        if (policy == SHELF_MERGE_ALL)
            return SHELF_OK;
    }
}
