/* snippets.c - from a hit to its passages; see snippets.h. */
#include "present/snippets.h"
#include "present/spans.h"
#include "util/deadline.h"

#include <string.h>

int shelf_snippets_for_engine_hit(shelf_engine *e, const shelf_hit *hit, const shelf_plan *plan,
                                  shelf_analyzer *a, const shelf_passage_opts *o, shelf_buf *text,
                                  shelf_layout *layout, shelf_passages *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    shelf_buf checkpoints = SHELF_BUF_INIT;
    shelf_spans spans = {0};
    shelf_layout own = SHELF_LAYOUT_INIT;
    if (!layout)
        layout = &own;
    if (shelf_deadline_passed(o->deadline_ns))
        return shelf_timeout_err(err, "choosing passages");
    int rc = shelf_engine_stored(e, hit, text, &checkpoints, layout, err);
    if (rc == SHELF_OK)
        rc = shelf_spans_find_until(e, hit, plan, a, (const char *)text->data, text->len,
                                    (const uint64_t *)checkpoints.data,
                                    checkpoints.len / sizeof(uint64_t), o->deadline_ns, &spans, err);
    if (rc == SHELF_OK)
        rc = shelf_passages_pick((const char *)text->data, text->len, layout, &spans, o, out, err);
    shelf_layout_free(&own);
    shelf_spans_free(&spans);
    shelf_buf_free(&checkpoints);
    return rc;
}

int shelf_snippets_for_hit(const shelf_index *idx, const shelf_hit *hit, const shelf_plan *plan,
                           shelf_analyzer *a, const shelf_passage_opts *o, shelf_buf *text,
                           shelf_passages *out, shelf_err *err)
{
    shelf_engine *e = shelf_engine_borrow(idx);
    if (!e)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    int rc = shelf_snippets_for_engine_hit(e, hit, plan, a, o, text, NULL, out, err);
    shelf_engine_close(e);
    return rc;
}
