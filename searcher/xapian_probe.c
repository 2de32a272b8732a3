/* xapian_probe.c - a Xapian database tried in a child first; see xapian_probe.h. */
#include "xapian_probe.h"

#include "engine/engine.h"
#include "util/sandbox.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef struct probe {
    const char *dir;
    shelf_err *result; /* shared with the parent (an anonymous shared mapping) */
} probe;

typedef struct term_lookup {
    const shelf_engine *engine;
    shelf_err *err;
    int rc;
} term_lookup;

/* The first body term's document frequency: one lookup in the postings. */
static int look_up_first_term(void *ctx, const uint8_t *key, size_t len)
{
    term_lookup *t = ctx;
    uint64_t df;
    t->rc = shelf_engine_df(t->engine, key, len, &df, t->err);
    return 1;
}

static int stop_at_first_doc(void *ctx, const shelf_docview *view)
{
    return 1;
}

/* In the child: what a request reads, in little. */
static int probe_child(void *ctx)
{
    probe *p = ctx;
    shelf_engine *e;
    int rc = shelf_engine_open(&e, p->dir, 0, p->result);
    if (rc != SHELF_OK)
        return 1;
    (void)shelf_engine_doc_count(e);
    const uint8_t body[1] = {SHELF_FIELD_BODY};
    term_lookup lookup = {e, p->result, SHELF_OK};
    rc = shelf_engine_terms(e, body, sizeof body, look_up_first_term, &lookup, p->result);
    if (rc == SHELF_OK)
        rc = lookup.rc;
    if (rc == SHELF_OK)
        rc = shelf_engine_each_doc(e, stop_at_first_doc, NULL, p->result);
    shelf_engine_close(e);
    return rc == SHELF_OK ? 0 : 1;
}

int xapian_probe(const char *index_dir, unsigned budget_ms, shelf_err *err)
{
    shelf_err *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                             -1, 0);
    if (shared == MAP_FAILED)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    memset(shared, 0, sizeof *shared);
    probe p = {index_dir, shared};
    shelf_sandbox_result r;
    int rc = shelf_sandbox_run(probe_child, &p, budget_ms, &r, err);
    char name[32];
    if (rc != SHELF_OK)
        ;
    else if (r.end == SHELF_SANDBOX_SIGNALED)
        rc = shelf_errf(err, SHELF_ECORRUPT, "damaged Xapian table (opening it crashed with %s): %s",
                        shelf_signal_name(r.status, name, sizeof name), index_dir);
    else if (r.end == SHELF_SANDBOX_TIMED_OUT)
        rc = shelf_errf(err, SHELF_ECORRUPT, "damaged Xapian table? opening it took longer than %u ms: %s",
                        budget_ms, index_dir);
    else if (r.status != 0 && shared->code != SHELF_OK)
        rc = shelf_errf(err, shared->code, "%.*s", SHELF_ERR_MAX - 1, shared->msg);
    else if (r.status != 0)
        rc = shelf_errf(err, SHELF_ECORRUPT, "trying the Xapian database of %s failed (exit %d)",
                        index_dir, r.status);
    munmap(shared, sizeof *shared);
    return rc;
}
