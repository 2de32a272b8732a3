/* sandbox.c - a function run in a child process; see sandbox.h. */
#include "util/sandbox.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WAIT_SLICE_MS 10

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* waitpid without EINTR; true when the child was reaped. */
static bool reaped(pid_t pid, int *status, bool block)
{
    for (;;) {
        pid_t r = waitpid(pid, status, block ? 0 : WNOHANG);
        if (r == pid)
            return true;
        if (r == 0 || errno != EINTR)
            return false;
    }
}

static void fill(shelf_sandbox_result *out, int status)
{
    if (WIFSIGNALED(status))
        *out = (shelf_sandbox_result){SHELF_SANDBOX_SIGNALED, WTERMSIG(status)};
    else
        *out = (shelf_sandbox_result){SHELF_SANDBOX_EXITED, WEXITSTATUS(status)};
}

int shelf_sandbox_run(int (*fn)(void *ctx), void *ctx, unsigned budget_ms,
                      shelf_sandbox_result *out, shelf_err *err)
{
    pid_t pid = fork();
    if (pid < 0)
        return shelf_errno(err, errno, "cannot start a child process");
    if (pid == 0) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        _exit(fn(ctx) & 0xff);
    }
    long long deadline = budget_ms ? now_ms() + budget_ms : 0;
    int status = 0;
    while (!reaped(pid, &status, deadline == 0)) {
        if (deadline && now_ms() >= deadline) {
            kill(pid, SIGKILL);
            reaped(pid, &status, true);
            *out = (shelf_sandbox_result){SHELF_SANDBOX_TIMED_OUT, 0};
            return SHELF_OK;
        }
        struct timespec slice = {0, WAIT_SLICE_MS * 1000000L};
        nanosleep(&slice, NULL);
    }
    fill(out, status);
    return SHELF_OK;
}

const char *shelf_signal_name(int signo, char *buf, size_t size)
{
    static const struct {
        int signo;
        const char *name;
    } names[] = {{SIGSEGV, "SIGSEGV"}, {SIGBUS, "SIGBUS"}, {SIGILL, "SIGILL"}, {SIGFPE, "SIGFPE"},
                 {SIGABRT, "SIGABRT"}, {SIGKILL, "SIGKILL"}, {SIGSYS, "SIGSYS"}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].signo == signo)
            return names[i].name;
    snprintf(buf, size, "signal %d", signo);
    return buf;
}
