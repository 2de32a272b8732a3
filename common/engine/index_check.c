/* index_check.c - checking an index of any backend; see index_check.h. */
#include "engine/index_check.h"
#include "engine/engine.h"

#include <stdio.h>

static int tally_doc(void *ctx, const shelf_docview *m)
{
    shelf_check_summary *out = ctx;
    out->documents++;
    out->tokens += m->length;
    return 0;
}

/* Documents, tokens and language read through the engine. */
static int count_by_reading(const char *dir, shelf_check_summary *out, shelf_err *err)
{
    shelf_engine *e;
    int rc = shelf_engine_open(&e, dir, 0, err);
    if (rc == SHELF_OK)
        rc = shelf_engine_each_doc(e, tally_doc, out, err);
    if (rc == SHELF_OK)
        snprintf(out->language, sizeof out->language, "%s", shelf_engine_language(e));
    shelf_engine_close(e);
    return rc;
}

int shelf_check_index(const shelf_backend_row *row, const char *dir, shelf_check_summary *out,
                      shelf_err *err)
{
    int rc = row->writer->check(dir, out, err);
    if (rc == SHELF_OK && !out->segmented)
        rc = count_by_reading(dir, out, err);
    return rc;
}
