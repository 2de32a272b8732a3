/* isolated.c - running a reader's parsing in shelf-helper; see isolated.h. */
#include "extract/isolated.h"

#include <limits.h>
#include <pthread.h>

#include "util/helperprog.h"

/* Each thread's kept helper, stopped when the thread ends (the main
 * thread's sees end of file and exits when the process does). */
static _Thread_local shelf_kept_helper thread_helper = SHELF_KEPT_HELPER_INIT;
static pthread_key_t helper_key;
static pthread_once_t helper_key_once = PTHREAD_ONCE_INIT;

static void stop_thread_helper(void *kept)
{
    shelf_kept_helper_stop(kept);
}

static void make_helper_key(void)
{
    pthread_key_create(&helper_key, stop_thread_helper);
}

static shelf_kept_helper *this_threads_helper(void)
{
    pthread_once(&helper_key_once, make_helper_key);
    pthread_setspecific(helper_key, &thread_helper);
    return &thread_helper;
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
                            .worker = job->worker};
    return shelf_sandbox_collect_kept(this_threads_helper(), &sj, got, err);
}
