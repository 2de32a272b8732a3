/* maxscore.c - block-max MaxScore over a ranked OR of terms; see maxscore.h. */
#include "backend/native/maxscore.h"
#include "backend/native/segfilter.h"
#include "backend/native/iter.h"
#include "backend/native/maxscore_prime.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BOUND_SLACK 1e-9

typedef struct scorer_state {
    shelf_iter **terms;   /* in plan order */
    size_t n;
    size_t *order;        /* term indexes by increasing bound */
    double *bound;        /* per term, over the segment, inflated */
    double *prefix;       /* prefix[i] = sum of bounds of order[0..i] */
    double *block;        /* per term: bound over [its block start, block_upto] */
    uint32_t *block_upto; /* per term: last doc its block bound holds for */
    double *block_prefix; /* the same prefix sums over block bounds */
    double block_sum;     /* their total ... */
    uint32_t block_min_upto; /* ... holding up to here (valid once block_known) */
    bool block_known;
    double *held_prefix;  /* per candidate, see score_candidate */
    double *part;         /* this candidate's score per term (plan order) */
    bool *has;
    uint64_t scored;      /* candidates whose scoring started */
} scorer_state;

bool shelf_maxscore_applies(const shelf_plan *plan)
{
    if (plan->kind == SHELF_P_TERM)
        return true;
    if (plan->kind != SHELF_P_BOOL || plan->nchildren == 0)
        return false;
    for (size_t i = 0; i < plan->nchildren; i++)
        if (plan->children[i]->kind != SHELF_P_TERM || plan->children[i]->occur != SHELF_OCCUR_SHOULD)
            return false;
    return true;
}

static void free_state(scorer_state *s)
{
    for (size_t i = 0; s->terms && i < s->n; i++)
        shelf_iter_free(s->terms[i]);
    free(s->terms);
    free(s->order);
    free(s->bound);
    free(s->prefix);
    free(s->block);
    free(s->block_upto);
    free(s->block_prefix);
    free(s->held_prefix);
    free(s->part);
    free(s->has);
}

static double inflate(double u)
{
    return u + fabs(u) * BOUND_SLACK;
}

static int init_state(scorer_state *s, const shelf_plan *plan, shelf_scorer *sc)
{
    const shelf_plan *const *leaves = plan->kind == SHELF_P_TERM ? &plan : (const shelf_plan *const *)plan->children;
    s->n = plan->kind == SHELF_P_TERM ? 1 : plan->nchildren;
    s->terms = calloc(s->n, sizeof *s->terms);
    s->order = calloc(s->n, sizeof *s->order);
    s->bound = calloc(s->n, sizeof *s->bound);
    s->prefix = calloc(s->n, sizeof *s->prefix);
    s->block = calloc(s->n, sizeof *s->block);
    s->block_upto = calloc(s->n, sizeof *s->block_upto);
    s->block_prefix = calloc(s->n, sizeof *s->block_prefix);
    s->held_prefix = calloc(s->n, sizeof *s->held_prefix);
    s->part = calloc(s->n, sizeof *s->part);
    s->has = calloc(s->n, sizeof *s->has);
    if (!s->terms || !s->order || !s->bound || !s->prefix || !s->block || !s->block_upto ||
        !s->block_prefix || !s->held_prefix || !s->part || !s->has)
        return SHELF_ENOMEM;
    for (size_t i = 0; i < s->n; i++) {
        if (!(s->terms[i] = shelf_iter_term(leaves[i], sc)))
            return sc->status ? sc->status : SHELF_ENOMEM;
        s->bound[i] = inflate(shelf_iter_term_bound(s->terms[i]));
        s->order[i] = i;
    }
    for (size_t i = 1; i < s->n; i++) { /* insertion sort by bound */
        size_t x = s->order[i], j = i;
        while (j > 0 && s->bound[s->order[j - 1]] > s->bound[x]) {
            s->order[j] = s->order[j - 1];
            j--;
        }
        s->order[j] = x;
    }
    double sum = 0;
    for (size_t i = 0; i < s->n; i++)
        s->prefix[i] = sum += s->bound[s->order[i]];
    return SHELF_OK;
}

/* First essential position: terms order[0..e) are non-essential. */
static size_t first_essential(const scorer_state *s, double threshold)
{
    size_t e = 0;
    while (e < s->n && s->prefix[e] <= threshold)
        e++;
    return e;
}

static uint32_t next_candidate(const scorer_state *s, size_t e)
{
    uint32_t doc = SHELF_DOC_END;
    for (size_t i = e; i < s->n; i++)
        if (s->terms[s->order[i]]->doc < doc)
            doc = s->terms[s->order[i]]->doc;
    return doc;
}

/* Bring every term's block bound up to doc and sum them (in bound order,
 * filling block_prefix); *upto receives the last document all those bounds
 * still hold for. */
static double block_bounds(scorer_state *s, uint32_t doc, uint32_t *upto)
{
    if (s->block_known && doc <= s->block_min_upto) { /* no term's block has changed */
        *upto = s->block_min_upto;
        return s->block_sum;
    }
    double sum = 0;
    *upto = UINT32_MAX - 1;
    for (size_t i = 0; i < s->n; i++) {
        size_t t = s->order[i];
        if (s->block_upto[t] < doc || s->block[t] < 0) {
            uint32_t end;
            s->block[t] = inflate(shelf_iter_term_block_bound(s->terms[t], doc, &end));
            s->block_upto[t] = end;
        }
        if (s->block_upto[t] < *upto)
            *upto = s->block_upto[t];
        s->block_prefix[i] = sum += s->block[t];
    }
    s->block_known = true;
    s->block_min_upto = *upto;
    s->block_sum = sum;
    return sum;
}

/* Score doc; returns false when it was abandoned as unable to beat
 * threshold.  The bound that decides is always the exact sum so far plus
 * the block bounds of the terms still to look at: first the essential terms
 * that hold doc (known without moving any iterator), scored from the
 * highest bound down, then the non-essential ones, each advanced to doc
 * only while the block bounds of the rest can still lift the candidate
 * over the threshold. */
static bool score_candidate(scorer_state *s, size_t e, uint32_t doc, double threshold, double *score)
{
    double below = e > 0 ? s->block_prefix[e - 1] : 0; /* the non-essential terms */
    for (size_t i = e; i < s->n; i++) {
        size_t t = s->order[i];
        s->has[t] = s->terms[t]->doc == doc;
        if (s->has[t])
            below += s->block[t];
        s->held_prefix[i] = below; /* bounds of the holders in order[e..i] and the rest */
    }
    if (below <= threshold)
        return false;
    s->scored++;
    double sum = 0;
    for (size_t i = s->n; i-- > e;) {
        size_t t = s->order[i];
        if (!s->has[t])
            continue;
        s->part[t] = shelf_iter_score(s->terms[t]);
        sum += s->part[t];
        double rest = i > e ? s->held_prefix[i - 1] : (e > 0 ? s->block_prefix[e - 1] : 0);
        if (rest > 0 && sum + rest <= threshold) /* with nothing left, it is scored (and counted) */
            return false;
    }
    for (size_t i = e; i-- > 0;) {
        size_t t = s->order[i];
        s->has[t] = false;
        if (sum + s->block_prefix[i] <= threshold)
            return false;
        if (s->block[t] > 0 && shelf_iter_advance(s->terms[t], doc) == doc) {
            s->part[t] = shelf_iter_score(s->terms[t]);
            s->has[t] = true;
            sum += s->part[t];
        }
    }
    double exact = 0; /* in plan order, as the exhaustive evaluator adds */
    for (size_t t = 0; t < s->n; t++)
        if (s->has[t])
            exact += s->part[t];
    *score = exact;
    return true;
}

static void move_past(scorer_state *s, size_t e, uint32_t doc)
{
    for (size_t i = e; i < s->n; i++)
        if (s->terms[s->order[i]]->doc == doc)
            shelf_iter_next(s->terms[s->order[i]]);
}

/* Move the essential terms to the first document after upto. */
static void skip_past(scorer_state *s, size_t e, uint32_t upto)
{
    for (size_t i = e; i < s->n; i++)
        shelf_iter_advance(s->terms[s->order[i]], upto + 1);
}

/* The score a candidate must beat: none while the heap has room or fewer
 * than total_exact_upto documents have matched (every match is then
 * scored and counted), else the k-th best, or the primed floor when that
 * is higher (maxscore_prime.h). */
static double current_threshold(const shelf_topk *top, const shelf_results *out,
                                const shelf_search_opts *o, double floor)
{
    if (top->count < top->k || out->total < o->total_exact_upto)
        return -INFINITY;
    return top->heap[0].score > floor ? top->heap[0].score : floor;
}

/* The primed floor for this segment, or -INFINITY when priming is off, the
 * segment too small for it to pay (o->priming), or when it could not
 * matter (fewer documents in reach than must match before any pruning). */
static double primed_floor(const shelf_plan *plan, shelf_scorer *sc, const shelf_deletions *deleted,
                           shelf_segfilter *filter, const shelf_search_opts *o, const shelf_topk *top,
                           const shelf_results *out)
{
    uint32_t docs = shelf_segment_doc_count(sc->seg);
    if (o->priming == SHELF_PRIMING_NEVER || out->total + docs <= o->total_exact_upto ||
        (o->priming == SHELF_PRIMING_AUTO && docs < SHELF_PRIMING_MIN_DOCS))
        return -INFINITY;
    const shelf_plan *const *leaves = plan->kind == SHELF_P_TERM ? &plan : (const shelf_plan *const *)plan->children;
    size_t n = plan->kind == SHELF_P_TERM ? 1 : plan->nchildren;
    return shelf_maxscore_prime(leaves, n, sc, deleted, filter, top->k);
}

int shelf_maxscore_segment(const shelf_index *idx, size_t seg, const shelf_plan *plan,
                           shelf_segfilter *filter, const shelf_search_opts *o, shelf_topk *top, shelf_results *out,
                           shelf_err *err)
{
    shelf_scorer sc = {.seg = shelf_index_segment(idx, seg), .k1 = o->k1, .b = o->b,
                       .title_weight = o->title_weight};
    sc.norms = shelf_segment_norms(sc.seg);
    double n = (double)shelf_index_doc_count(idx);
    sc.avg_body = n > 0 ? (double)shelf_index_total_tokens(idx) / n : 0;
    sc.avg_title = n > 0 ? (double)shelf_index_total_title_tokens(idx) / n : 0;
    shelf_ticker_init(&sc.clock, o->deadline_ns);
    const shelf_deletions *deleted = shelf_index_deletions(idx, seg);
    double floor = primed_floor(plan, &sc, deleted, filter, o, top, out);
    scorer_state s = {0};
    int rc = init_state(&s, plan, &sc);
    for (size_t i = 0; rc == SHELF_OK && i < s.n; i++)
        s.block[i] = -1; /* not yet known */
    uint64_t base = shelf_index_base(idx, seg);
    while (rc == SHELF_OK && sc.status == SHELF_OK) {
        double threshold = current_threshold(top, out, o, floor);
        size_t e = first_essential(&s, threshold);
        if (e > 0) /* documents holding only non-essential terms are never looked at */
            out->total_exact = false;
        uint32_t doc = e < s.n ? next_candidate(&s, e) : SHELF_DOC_END;
        if (doc == SHELF_DOC_END)
            break;
        uint32_t passing = filter ? shelf_segfilter_next(filter, doc) : doc;
        if (passing != doc) { /* no document before passing can match: skip their postings */
            if (passing == SHELF_DOC_END)
                break;
            skip_past(&s, e, passing - 1);
            continue;
        }
        uint32_t upto;
        if (block_bounds(&s, doc, &upto) <= threshold) {
            /* No document up to upto can beat the k-th score (ties lose:
             * they come later in document order). */
            out->total_exact = false;
            if (upto >= SHELF_DOC_END - 1)
                break;
            skip_past(&s, e, upto);
            continue;
        }
        double score;
        bool live = !shelf_deleted(deleted, doc) && (!filter || shelf_segfilter_accepts(filter, doc));
        if (live && score_candidate(&s, e, doc, threshold, &score)) {
            out->total++;
            shelf_hit hit = {base + doc, (uint32_t)seg, doc, score};
            shelf_topk_offer(top, &hit);
        } else if (live) {
            out->total_exact = false; /* a match left uncounted */
        }
        move_past(&s, e, doc);
    }
    out->candidates_scored += s.scored;
    free_state(&s);
    out->postings_decoded += sc.postings_decoded;
    if (rc == SHELF_OK && sc.status != SHELF_OK) {
        if (err)
            *err = sc.err;
        rc = sc.status;
    } else if (rc == SHELF_ENOMEM) {
        shelf_errf(err, rc, "out of memory searching");
    }
    return rc;
}
