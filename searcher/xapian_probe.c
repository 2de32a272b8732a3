/* xapian_probe.c - a Xapian database tried in shelf-helper first; see xapian_probe.h. */
#include "xapian_probe.h"

#include <limits.h>
#include <stdio.h>

#include "engine/probe.h"
#include "util/helperprog.h"
#include "util/sandbox.h"

#define PROBE_ANSWER_MAX (4 + SHELF_ERR_MAX)

/* What the finished probe says: its own verdict, or what its end says. */
static int judge(const shelf_collected *got, const char *index_dir, unsigned budget_ms,
                 shelf_err *err)
{
    char name[32];
    int code;
    switch (got->end) {
    case SHELF_COLLECT_COMPLETE:
        if (shelf_probe_decode(&got->result, &code, err))
            return code;
        return shelf_errf(err, SHELF_ECORRUPT, "trying the Xapian database of %s gave no answer",
                          index_dir);
    case SHELF_COLLECT_TIMED_OUT:
        return shelf_errf(err, SHELF_ECORRUPT,
                          "damaged Xapian table? opening it took longer than %u ms: %s", budget_ms,
                          index_dir);
    default:
        if (got->child.end == SHELF_SANDBOX_SIGNALED)
            return shelf_errf(err, SHELF_ECORRUPT,
                              "damaged Xapian table (opening it crashed with %s): %s",
                              shelf_signal_name(got->child.status, name, sizeof name), index_dir);
        return shelf_errf(err, SHELF_ECORRUPT, "trying the Xapian database of %s failed (exit %d)",
                          index_dir, got->child.status);
    }
}

int xapian_probe(const char *index_dir, unsigned budget_ms, shelf_err *err)
{
    char program[PATH_MAX];
    int rc = shelf_helper_path(program, sizeof program, err);
    if (rc != SHELF_OK)
        return rc;
    const char *args[] = {"probe", index_dir, NULL};
    shelf_sandbox_job job = {.program = program,
                             .args = args,
                             .input = "",
                             .input_len = 0,
                             .budget_ms = budget_ms,
                             .max_result = PROBE_ANSWER_MAX,
                             .memory_headroom = 0,
                             .subject = index_dir,
                             .worker = "the Xapian probe"};
    shelf_collected got;
    rc = shelf_sandbox_collect(&job, &got, err);
    if (rc != SHELF_OK)
        return rc;
    rc = judge(&got, index_dir, budget_ms, err);
    shelf_buf_free(&got.result);
    return rc;
}
