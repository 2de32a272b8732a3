/* isolated.c - running a reader's parsing in shelf-helper; see isolated.h. */
#include "extract/isolated.h"

#include <limits.h>

#include "extract/readers.h"
#include "util/helperprog.h"

/* The short cut's work (sandbox.h): the reader's half, in a fork. */
static int read_here(void *ctx, shelf_buf *answer)
{
    const shelf_isolated_job *job = ctx;
    const shelf_reader *reader = shelf_reader_of_name(job->format);
    if (!reader || !reader->read_in_helper)
        return SHELF_EINVAL;
    return reader->read_in_helper(job->path, job->data, job->len, answer);
}

int shelf_isolated_read(const shelf_isolated_job *job, shelf_collected *got, shelf_err *err)
{
    char program[PATH_MAX];
    int rc = shelf_helper_path(program, sizeof program, err);
    if (rc != SHELF_OK)
        return rc;
    const char *args[] = {"read", job->format, job->path, NULL};
    shelf_sandbox_job sj = {.program = program,
                            .args = args,
                            .input = job->data,
                            .input_len = job->len,
                            .budget_ms = job->budget_ms,
                            .max_result = job->max_result,
                            .memory_headroom = job->memory_headroom,
                            .subject = job->path,
                            .worker = job->worker,
                            .produce = read_here,
                            .ctx = (void *)job};
    return shelf_sandbox_collect(&sj, got, err);
}
