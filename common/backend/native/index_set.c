/*
 * index_set.c - several open native indexes searched as one (index.h,
 * shelf_index_open_set): one shelf_index whose segment list is the
 * concatenation of its parts' segment lists.
 *
 * Nothing the search reads is per index: statistics are summed over
 * segments (index.c), MaxScore's bounds and the filter columns are per
 * segment, and a document's global number is its segment's base plus its
 * id.  So a set scores bit for bit as one index holding all the documents
 * would (tests/test_multi_index.c); only the numbering, which breaks exact
 * ties, follows the parts' order.
 */
#include "backend/native/index.h"
#include "backend/native/index_impl.h"

#include <stdlib.h>
#include <string.h>

static int check_languages(shelf_index *const *parts, size_t n, shelf_err *err)
{
    for (size_t i = 1; i < n; i++)
        if (strcmp(parts[i]->manifest.language, parts[0]->manifest.language) != 0)
            return shelf_errf(err, SHELF_EINVAL, "%s is analysed as %s and %s as %s: indexes of "
                              "different languages cannot be searched together", parts[0]->dir,
                              parts[0]->manifest.language, parts[i]->dir, parts[i]->manifest.language);
    return SHELF_OK;
}

static int allocate(shelf_index *set, size_t segments)
{
    size_t n = segments ? segments : 1;
    set->segments = calloc(n, sizeof *set->segments);
    set->dels = calloc(n, sizeof *set->dels);
    set->words = calloc(n, sizeof *set->words);
    set->bases = calloc(n, sizeof *set->bases);
    set->part_of = calloc(n, sizeof *set->part_of);
    set->manifest.segments = calloc(n, sizeof *set->manifest.segments);
    return set->segments && set->dels && set->words && set->bases && set->part_of &&
                   set->manifest.segments
               ? SHELF_OK
               : SHELF_ENOMEM;
}

/* Append part p's segments (shallow copies: the part keeps owning them). */
static void take_segments(shelf_index *set, const shelf_index *part, uint32_t p)
{
    for (uint32_t i = 0; i < part->manifest.segment_count; i++) {
        uint32_t at = set->manifest.segment_count++;
        set->segments[at] = part->segments[i];
        set->dels[at] = part->dels[i];
        set->words[at] = part->words[i];
        set->manifest.segments[at] = part->manifest.segments[i];
        set->bases[at] = set->numbered + part->bases[i];
        set->part_of[at] = p;
    }
    set->numbered += part->numbered;
    set->doc_count += part->doc_count;
    set->total_tokens += part->total_tokens;
    set->total_title_tokens += part->total_title_tokens;
    set->manifest.generation += part->manifest.generation;
}

static void close_parts(shelf_index **parts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        shelf_index_close(parts[i]);
}

int shelf_index_open_set(shelf_index **out, shelf_index **parts, size_t n, shelf_err *err)
{
    *out = NULL;
    if (n == 0)
        return shelf_errf(err, SHELF_EINVAL, "no index to open");
    int rc = check_languages(parts, n, err);
    if (rc != SHELF_OK) {
        close_parts(parts, n);
        return rc;
    }
    shelf_index *set = calloc(1, sizeof *set);
    size_t segments = 0;
    for (size_t i = 0; i < n; i++)
        segments += parts[i]->manifest.segment_count;
    if (!set || !(set->parts = calloc(n, sizeof *set->parts)) || !(set->dir = strdup(parts[0]->dir)) ||
        allocate(set, segments) != SHELF_OK) {
        if (set && set->parts)
            set->nparts = 0; /* parts not yet taken */
        if (set)
            shelf_index_set_free(set);
        close_parts(parts, n);
        return shelf_errf(err, SHELF_ENOMEM, "out of memory opening %s", parts[0]->dir);
    }
    memcpy(set->parts, parts, n * sizeof *parts);
    set->nparts = n;
    memcpy(set->manifest.language, parts[0]->manifest.language, sizeof set->manifest.language);
    for (size_t i = 0; i < n; i++)
        take_segments(set, parts[i], (uint32_t)i);
    *out = set;
    return SHELF_OK;
}

void shelf_index_set_free(shelf_index *set)
{
    close_parts(set->parts, set->nparts);
    free(set->parts);
    free(set->segments);
    free(set->dels);
    free(set->words);
    free(set->bases);
    free(set->part_of);
    free(set->manifest.segments);
    free(set->dir);
    free(set);
}

size_t shelf_index_part_count(const shelf_index *idx)
{
    return idx->nparts ? idx->nparts : 1;
}

const shelf_index *shelf_index_part(const shelf_index *idx, size_t i)
{
    return idx->nparts ? idx->parts[i] : idx;
}

size_t shelf_index_part_of(const shelf_index *idx, size_t segment)
{
    return idx->nparts && segment < idx->manifest.segment_count ? idx->part_of[segment] : 0;
}
