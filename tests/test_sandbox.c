/*
 * test_sandbox.c - shelf_sandbox_collect (util/sandbox.h) with a helper
 * program that misbehaves on demand (sandbox_child.c): the answer, the
 * input on standard input, crashes, failures, over-long answers, the
 * budget, the descriptors and memory cap the child gets, a program that is
 * not there; the same through a kept program (shelf_sandbox_collect_kept:
 * one program for many jobs, a fresh one after each failure, after it went
 * away, after SHELF_KEPT_HELPER_JOBS jobs, a memory cap per job); the plain
 * fork only while the process has no thread; and many collections at once
 * from threads that are busy allocating (a fork without exec hung there
 * under AddressSanitizer: the child inherited an allocator lock another
 * thread held).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/single_threaded.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support.h"
#include "util/sandbox.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static shelf_sandbox_job job_of(const char *const *args)
{
    return (shelf_sandbox_job){.program = SANDBOX_CHILD_BIN,
                               .args = args,
                               .input = "",
                               .input_len = 0,
                               .budget_ms = 20000,
                               .max_result = 64 << 20,
                               .memory_headroom = 0,
                               .subject = "sample",
                               .worker = "the test child"};
}

/* Runs args; asserts the answer is complete and returns it (caller frees). */
static shelf_buf collect_ok(shelf_sandbox_job job)
{
    shelf_collected got;
    shelf_err err = {0};
    assert_int_equal(shelf_sandbox_collect(&job, &got, &err), SHELF_OK);
    assert_int_equal(got.end, SHELF_COLLECT_COMPLETE);
    assert_int_equal(got.child.end, SHELF_SANDBOX_EXITED);
    assert_int_equal(got.child.status, 0);
    return got.result;
}

static void assert_answer(shelf_buf b, const char *want)
{
    assert_int_equal(b.len, strlen(want));
    if (b.len)
        assert_memory_equal(b.data, want, b.len);
}

static void test_answer(void **state)
{
    (void)state;
    const char *hello[] = {"greet", "hello from the child", NULL};
    shelf_buf b = collect_ok(job_of(hello));
    assert_answer(b, "hello from the child");
    shelf_buf_free(&b);

    const char *empty[] = {"greet", "", NULL}; /* an empty answer is an answer */
    b = collect_ok(job_of(empty));
    assert_int_equal(b.len, 0);
    shelf_buf_free(&b);
}

static void test_input_and_large_answers(void **state)
{
    (void)state;
    const char *echo[] = {"echo", NULL};
    shelf_sandbox_job job = job_of(echo);
    job.input = "bytes\0with a NUL";
    job.input_len = 16;
    shelf_buf b = collect_ok(job);
    assert_int_equal(b.len, 16);
    assert_memory_equal(b.data, "bytes\0with a NUL", 16);
    shelf_buf_free(&b);

    /* Far more than a pipe holds, both ways. */
    size_t n = 5u << 20;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)(i * 7 + i / 4096);
    job.input = big;
    job.input_len = n;
    b = collect_ok(job);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, big, n);
    shelf_buf_free(&b);
    free(big);

    const char *lots[] = {"big", "3000000", NULL};
    b = collect_ok(job_of(lots));
    assert_int_equal(b.len, 3000000);
    assert_int_equal(b.data[0], 'x');
    assert_int_equal(b.data[2999999], 'x');
    shelf_buf_free(&b);
}

static void test_crash_failure_and_too_large(void **state)
{
    (void)state;
    shelf_collected got;
    shelf_err err = {0};
    const char *crash[] = {"crash", NULL};
    shelf_sandbox_job job = job_of(crash);
    assert_int_equal(shelf_sandbox_collect(&job, &got, &err), SHELF_OK);
    assert_int_equal(got.end, SHELF_COLLECT_FAILED);
    assert_int_equal(got.child.end, SHELF_SANDBOX_SIGNALED);
    assert_int_equal(got.child.status, SIGSEGV);
    assert_null(got.result.data);

    const char *fail[] = {"fail", NULL};
    job = job_of(fail);
    assert_int_equal(shelf_sandbox_collect(&job, &got, &err), SHELF_OK);
    assert_int_equal(got.end, SHELF_COLLECT_FAILED);
    assert_int_equal(got.child.end, SHELF_SANDBOX_EXITED);
    assert_int_equal(got.child.status, 1);
    assert_null(got.result.data);

    const char *twelve[] = {"greet", "twelve bytes", NULL};
    job = job_of(twelve);
    job.max_result = 11;
    assert_int_equal(shelf_sandbox_collect(&job, &got, &err), SHELF_OK);
    assert_int_equal(got.end, SHELF_COLLECT_TOO_LARGE);
    assert_null(got.result.data);
}

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void test_budget(void **state)
{
    (void)state;
    const char *nap[] = {"sleep", NULL};
    shelf_sandbox_job job = job_of(nap);
    job.budget_ms = 300;
    shelf_collected got;
    shelf_err err = {0};
    int64_t t0 = now_ms();
    assert_int_equal(shelf_sandbox_collect(&job, &got, &err), SHELF_OK);
    int64_t took = now_ms() - t0;
    assert_int_equal(got.end, SHELF_COLLECT_TIMED_OUT);
    assert_int_equal(got.child.end, SHELF_SANDBOX_TIMED_OUT);
    assert_true(took >= 300 && took < 10000); /* killed, not waited for */
}

/* The child holds stdin, stdout and stderr only, even when the parent has a
 * descriptor open without close-on-exec; it has the parent's environment. */
static void test_what_the_child_gets(void **state)
{
    (void)state;
    int fd = open("/dev/null", O_RDONLY); /* inheritable on purpose */
    assert_true(fd > 2);
    const char *fds[] = {"fds", NULL};
    shelf_buf b = collect_ok(job_of(fds));
    assert_answer(b, "0 1 2");
    shelf_buf_free(&b);
    close(fd);

    setenv("SANDBOX_TEST_VALUE", "kept", 1);
    const char *env[] = {"env", "SANDBOX_TEST_VALUE", NULL};
    b = collect_ok(job_of(env));
    assert_answer(b, "kept");
    shelf_buf_free(&b);
}

/* A parent started with stdin and stdout closed: the input file and the
 * pipe get descriptors 0 and 1, and the child's dup2 onto 0 and 1 must not
 * cross them (the input file is made first, so it always has the lower
 * number: copying it onto 0 never overwrites the pipe). */
static void test_parent_without_stdio(void **state)
{
    (void)state;
    int saved_in = dup(STDIN_FILENO), saved_out = dup(STDOUT_FILENO);
    assert_true(saved_in > 2 && saved_out > 2);
    close(STDIN_FILENO);
    close(STDOUT_FILENO);
    const char *echo[] = {"echo", NULL};
    shelf_sandbox_job job = job_of(echo);
    job.input = "through closed stdio";
    job.input_len = 20;
    shelf_collected got;
    shelf_err err = {0};
    int rc = shelf_sandbox_collect(&job, &got, &err);
    dup2(saved_in, STDIN_FILENO);
    dup2(saved_out, STDOUT_FILENO);
    close(saved_in);
    close(saved_out);
    assert_int_equal(rc, SHELF_OK);
    assert_int_equal(got.end, SHELF_COLLECT_COMPLETE);
    assert_answer(got.result, "through closed stdio");
    shelf_buf_free(&got.result);
}

static void test_memory_cap(void **state)
{
    (void)state;
    const char *cap[] = {"cap", NULL};
    shelf_sandbox_job job = job_of(cap);
    job.memory_headroom = 64u << 20;
    shelf_buf b = collect_ok(job);
#ifdef UNDER_ASAN
    assert_answer(b, "allowed"); /* no cap: the shadow memory needs the room */
#else
    assert_answer(b, "refused");
#endif
    shelf_buf_free(&b);
    job.memory_headroom = 0;
    b = collect_ok(job);
    assert_answer(b, "allowed");
    shelf_buf_free(&b);
}

static void test_missing_program(void **state)
{
    (void)state;
    const char *hello[] = {"greet", "hi", NULL};
    shelf_sandbox_job job = job_of(hello);
    job.program = "/nonexistent/shelf-helper";
    shelf_collected got;
    shelf_err err = {0};
    assert_int_equal(shelf_sandbox_collect(&job, &got, &err), SHELF_ENOTFOUND);
    assert_non_null(strstr(err.msg, "sample: cannot start the test child (/nonexistent/shelf-helper)"));

    /* A file that is there but cannot be run is the same setup problem. */
    char *dir = ts_mkdtemp();
    char *plain = ts_write_file(dir, "not-a-program", "#!/bin/sh\n", 10);
    job.program = plain;
    assert_int_equal(shelf_sandbox_collect(&job, &got, &err), SHELF_ENOTFOUND);
    assert_non_null(strstr(err.msg, "cannot start the test child"));
    ts_rmtree(dir);
    free(plain);
    free(dir);
}

/* ---- shelf_sandbox_run: a fork, only while the process has no thread ---- */

static int exit_seven(void *ctx)
{
    (void)ctx;
    return 7;
}

/* Runs first, before any test starts a thread. */
static void test_run_while_single_threaded(void **state)
{
    (void)state;
    assert_true(__libc_single_threaded);
    shelf_sandbox_result r;
    shelf_err err = {0};
    assert_int_equal(shelf_sandbox_run(exit_seven, NULL, 10000, &r, &err), SHELF_OK);
    assert_int_equal(r.end, SHELF_SANDBOX_EXITED);
    assert_int_equal(r.status, 7);
}

/* ---- kept helpers: one program, job after job ---- */

static shelf_collected kept_collect(shelf_kept_helper *kept, shelf_sandbox_job job)
{
    shelf_collected got;
    shelf_err err = {0};
    if (shelf_sandbox_collect_kept(kept, &job, &got, &err) != SHELF_OK)
        fail_msg("kept collect: %s", err.msg);
    return got;
}

static shelf_buf kept_ok(shelf_kept_helper *kept, shelf_sandbox_job job)
{
    shelf_collected got = kept_collect(kept, job);
    assert_int_equal(got.end, SHELF_COLLECT_COMPLETE);
    return got.result;
}

/* The kept program's process id, asked of it. */
static void kept_expect(shelf_kept_helper *kept, shelf_sandbox_job job, const char *want)
{
    shelf_buf b = kept_ok(kept, job);
    assert_answer(b, want);
    shelf_buf_free(&b);
}

static int kept_pid(shelf_kept_helper *kept)
{
    const char *pid[] = {"pid", NULL};
    shelf_buf b = kept_ok(kept, job_of(pid));
    char text[32] = "";
    assert_true(b.len > 0 && b.len < sizeof text);
    memcpy(text, b.data, b.len);
    shelf_buf_free(&b);
    assert_int_equal(atoi(text), kept->pid);
    return atoi(text);
}

static bool process_gone(int pid)
{
    return kill(pid, 0) != 0 && errno == ESRCH;
}

static void test_kept_answers_job_after_job(void **state)
{
    (void)state;
    shelf_kept_helper kept = SHELF_KEPT_HELPER_INIT;
    int first = kept_pid(&kept);
    const char *hello[] = {"greet", "hello again", NULL};
    kept_expect(&kept, job_of(hello), "hello again");
    const char *empty[] = {"greet", "", NULL};
    shelf_buf b = kept_ok(&kept, job_of(empty));
    assert_int_equal(b.len, 0);
    shelf_buf_free(&b);

    /* Far more than a socket holds, both ways, then a small one. */
    const char *echo[] = {"echo", NULL};
    shelf_sandbox_job job = job_of(echo);
    size_t n = 5u << 20;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)(i * 7 + i / 4096);
    job.input = big;
    job.input_len = n;
    b = kept_ok(&kept, job);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, big, n);
    shelf_buf_free(&b);
    free(big);
    job.input = "bytes\0with a NUL";
    job.input_len = 16;
    b = kept_ok(&kept, job);
    assert_int_equal(b.len, 16);
    assert_memory_equal(b.data, "bytes\0with a NUL", 16);
    shelf_buf_free(&b);

    assert_int_equal(kept_pid(&kept), first); /* the same program all along */
    const char *fds[] = {"fds", NULL};
    kept_expect(&kept, job_of(fds), "0 1 2");
    shelf_kept_helper_stop(&kept);
    assert_true(process_gone(first));
    assert_int_equal(kept.pid, -1);
    assert_int_equal(kept.fd, -1);
}

/* After a crash, a failure, an over-long answer or the budget the program
 * is gone and the next job gets a fresh one, which works. */
static void test_kept_after_each_failure(void **state)
{
    (void)state;
    shelf_kept_helper kept = SHELF_KEPT_HELPER_INIT;
    const char *crash[] = {"crash", NULL}, *fail[] = {"fail", NULL}, *twelve[] = {"greet", "twelve bytes", NULL},
               *nap[] = {"sleep", NULL};
    int before = kept_pid(&kept);
    shelf_collected got = kept_collect(&kept, job_of(crash));
    assert_int_equal(got.end, SHELF_COLLECT_FAILED);
    assert_int_equal(got.child.end, SHELF_SANDBOX_SIGNALED);
    assert_int_equal(got.child.status, SIGSEGV);
    assert_null(got.result.data);
    assert_true(process_gone(before));

    int after = kept_pid(&kept);
    assert_int_not_equal(after, before);
    got = kept_collect(&kept, job_of(fail));
    assert_int_equal(got.end, SHELF_COLLECT_FAILED);
    assert_int_equal(got.child.end, SHELF_SANDBOX_EXITED);
    assert_int_equal(got.child.status, 1);

    kept_pid(&kept);
    shelf_sandbox_job job = job_of(twelve);
    job.max_result = 11;
    got = kept_collect(&kept, job);
    assert_int_equal(got.end, SHELF_COLLECT_TOO_LARGE);
    assert_null(got.result.data);

    kept_pid(&kept);
    job = job_of(nap);
    job.budget_ms = 300;
    int64_t t0 = now_ms();
    got = kept_collect(&kept, job);
    assert_int_equal(got.end, SHELF_COLLECT_TIMED_OUT);
    assert_true(now_ms() - t0 < 10000);
    assert_int_equal(kept.pid, -1);

    const char *hello[] = {"greet", "still here", NULL};
    kept_expect(&kept, job_of(hello), "still here");
    shelf_kept_helper_stop(&kept);
}

/* A program that went away between jobs, and a job that fails only in a
 * program that served before: both are done in a fresh program. */
static void test_kept_fresh_when_needed(void **state)
{
    (void)state;
    shelf_kept_helper kept = SHELF_KEPT_HELPER_INIT;
    const char *leave[] = {"leave", NULL};
    for (int i = 0; i < 20; i++) /* the exit races the next job */
        kept_expect(&kept, job_of(leave), "leaving");
    kept_pid(&kept);
    const char *once[] = {"once", NULL};
    for (int i = 0; i < 3; i++)
        kept_expect(&kept, job_of(once), "fresh");
    shelf_kept_helper_stop(&kept);
}

/* Each job's memory cap is its own: a small headroom refuses, the next
 * job without one is allowed, in the same program. */
static void test_kept_memory_cap_per_job(void **state)
{
    (void)state;
    shelf_kept_helper kept = SHELF_KEPT_HELPER_INIT;
    const char *cap[] = {"cap", NULL};
    shelf_sandbox_job job = job_of(cap);
    job.memory_headroom = 64u << 20;
    int pid = kept_pid(&kept);
    shelf_buf b = kept_ok(&kept, job);
#ifdef UNDER_ASAN
    assert_answer(b, "allowed");
#else
    assert_answer(b, "refused");
#endif
    shelf_buf_free(&b);
    job.memory_headroom = 0;
    kept_expect(&kept, job, "allowed");
    assert_int_equal(kept_pid(&kept), pid);
    shelf_kept_helper_stop(&kept);
}

/* Started afresh after SHELF_KEPT_HELPER_JOBS jobs, and for another program. */
static void test_kept_recycled(void **state)
{
    (void)state;
    shelf_kept_helper kept = SHELF_KEPT_HELPER_INIT;
    int first = kept_pid(&kept), changes = 0, last = first;
    for (int i = 1; i < SHELF_KEPT_HELPER_JOBS + 10; i++) {
        int now = kept_pid(&kept);
        if (now != last) {
            changes++;
            assert_int_equal(i, SHELF_KEPT_HELPER_JOBS);
            assert_true(process_gone(last));
        }
        last = now;
    }
    assert_int_equal(changes, 1);

    const char *hello[] = {"greet", "hi", NULL};
    shelf_sandbox_job job = job_of(hello);
    job.program = "/nonexistent/shelf-helper";
    shelf_collected got;
    shelf_err err = {0};
    assert_int_equal(shelf_sandbox_collect_kept(&kept, &job, &got, &err), SHELF_ENOTFOUND);
    assert_non_null(strstr(err.msg, "sample: cannot start the test child (/nonexistent/shelf-helper)"));
    assert_true(process_gone(last));
    assert_int_equal(kept.pid, -1);
    kept_pid(&kept);
    shelf_kept_helper_stop(&kept);
}

/* ---- many at once, beside threads busy in the allocator ---- */

#define COLLECTORS 4
#define ROUNDS 25
#define KEPT_ROUNDS 200

/* One echo of a text naming the round, kept (kept not NULL) or not;
 * whether the answer came back whole. */
static bool echo_round(shelf_kept_helper *kept, int r, const void *who)
{
    const char *echo[] = {"echo", NULL};
    char text[64];
    int n = snprintf(text, sizeof text, "%s round %d of %p", kept ? "kept" : "spawned", r, who);
    shelf_sandbox_job job = job_of(echo);
    job.input = text;
    job.input_len = (size_t)n;
    shelf_collected got;
    shelf_err err = {0};
    int rc = kept ? shelf_sandbox_collect_kept(kept, &job, &got, &err)
                  : shelf_sandbox_collect(&job, &got, &err);
    bool ok = rc == SHELF_OK && got.end == SHELF_COLLECT_COMPLETE && got.result.len == (size_t)n &&
              memcmp(got.result.data, text, (size_t)n) == 0;
    if (rc == SHELF_OK)
        shelf_buf_free(&got.result);
    return ok;
}

static void *collector(void *arg)
{
    int *failures = arg;
    shelf_kept_helper kept = SHELF_KEPT_HELPER_INIT;
    for (int r = 0; r < KEPT_ROUNDS; r++) /* kept, beside the others' spawns */
        *failures += !echo_round(&kept, r, arg);
    shelf_kept_helper_stop(&kept);
    for (int r = 0; r < ROUNDS; r++)
        *failures += !echo_round(NULL, r, arg);
    return NULL;
}

static void test_concurrent_collections(void **state)
{
    (void)state;
    pthread_t collectors[COLLECTORS];
    int failures[COLLECTORS] = {0};
    ts_churn *churn = ts_churn_start(2);
    assert_non_null(churn);
    for (int i = 0; i < COLLECTORS; i++)
        assert_int_equal(pthread_create(&collectors[i], NULL, collector, &failures[i]), 0);
    for (int i = 0; i < COLLECTORS; i++)
        pthread_join(collectors[i], NULL);
    ts_churn_stop(churn);
    for (int i = 0; i < COLLECTORS; i++)
        assert_int_equal(failures[i], 0);

    /* Threads have run: the plain fork refuses. */
    assert_false(__libc_single_threaded);
    shelf_err err = {0};
    shelf_sandbox_result r;
    assert_int_equal(shelf_sandbox_run(exit_seven, NULL, 10000, &r, &err), SHELF_EINVAL);
    assert_non_null(strstr(err.msg, "cannot be forked safely once threads have run"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_while_single_threaded),
        cmocka_unit_test(test_answer),
        cmocka_unit_test(test_input_and_large_answers),
        cmocka_unit_test(test_crash_failure_and_too_large),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_what_the_child_gets),
        cmocka_unit_test(test_parent_without_stdio),
        cmocka_unit_test(test_memory_cap),
        cmocka_unit_test(test_missing_program),
        cmocka_unit_test(test_kept_answers_job_after_job),
        cmocka_unit_test(test_kept_after_each_failure),
        cmocka_unit_test(test_kept_fresh_when_needed),
        cmocka_unit_test(test_kept_memory_cap_per_job),
        cmocka_unit_test(test_kept_recycled),
        cmocka_unit_test(test_concurrent_collections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
