/* merge_policy.c - choosing the segments to merge; see merge_policy.h. */
#include "backend/native/merge_policy.h"

#define MERGE_FACTOR 8
#define MAX_TIERS 12

static unsigned tier_of(uint32_t live)
{
    unsigned tier = 0;
    while (live >= MERGE_FACTOR) {
        live /= MERGE_FACTOR;
        tier++;
    }
    return tier;
}

static size_t choose_all(const shelf_manifest *m, size_t *pick)
{
    size_t n = m->segment_count;
    if (n == 1 && m->segments[0].live_count == m->segments[0].doc_count)
        return 0;
    for (size_t i = 0; i < n; i++)
        pick[i] = i;
    return n;
}

/* The first tier holding MERGE_FACTOR segments. */
static size_t choose_full_tier(const shelf_manifest *m, size_t *pick)
{
    for (unsigned tier = 0; tier < MAX_TIERS; tier++) {
        size_t count = 0;
        for (size_t i = 0; i < m->segment_count && count < MERGE_FACTOR; i++)
            if (tier_of(m->segments[i].live_count) == tier)
                pick[count++] = i;
        if (count == MERGE_FACTOR)
            return count;
    }
    return 0;
}

/* The first segment with more than half of its documents deleted. */
static size_t choose_mostly_deleted(const shelf_manifest *m, size_t *pick)
{
    for (size_t i = 0; i < m->segment_count; i++) {
        if (m->segments[i].live_count * 2 < m->segments[i].doc_count) {
            pick[0] = i;
            return 1;
        }
    }
    return 0;
}

size_t shelf_merge_choose(const shelf_manifest *m, shelf_merge_policy policy, size_t *pick)
{
    if (policy == SHELF_MERGE_NONE || m->segment_count == 0)
        return 0;
    if (policy == SHELF_MERGE_ALL)
        return choose_all(m, pick);
    size_t count = choose_full_tier(m, pick);
    return count ? count : choose_mostly_deleted(m, pick);
}
