/*
 * sandbox_child.c - a helper program for test_sandbox: behaves as told by
 * its argument, through the helper's half of util/sandbox.h.
 *
 *     sandbox_child HEADROOM MODE [TEXT]
 *
 *     sandbox_child 0 serve        (kept: each request is MODE [TEXT])
 *
 * MODE: greet (answers TEXT), echo (answers its input), fds (answers the
 * numbers of its open descriptors, space-separated), pid (answers its
 * process id), env (answers the value of $TEXT, or "(unset)"), crash
 * (SIGSEGV), fail (exit 1 without an answer), sleep (sleeps 30 s, then
 * answers), big (answers TEXT bytes of 'x'), cap (allocates 256 MiB past
 * a headroom and answers "refused" when that fails, "allowed" when it
 * succeeds); kept only: leave (answers, then exits), once (answers
 * "fresh" in a helper's first job, fails in any later one).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/sandbox.h"

/* Where answers go: the one-shot program sends its single answer; a kept
 * one (serve) fills the request's answer buffer. */
static shelf_buf *g_answer;

static int answer(const char *s, size_t n)
{
    if (g_answer)
        return shelf_buf_append(g_answer, s, n) == SHELF_OK ? 0 : 1;
    shelf_buf b = SHELF_BUF_INIT;
    int rc = shelf_buf_append(&b, s, n);
    rc = rc ? rc : shelf_sandbox_child_send(&b);
    shelf_buf_free(&b);
    return rc == SHELF_OK ? 0 : 1;
}

static int open_descriptors(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return 1;
    int self = dirfd(d);
    char list[512] = "";
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == self)
            continue;
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", n ? " " : "", e->d_name);
        if (n >= sizeof list)
            break;
    }
    closedir(d);
    return answer(list, strlen(list));
}

/* Does MODE with TEXT on the input; 0 answered, else the exit code. */
static int behave(const char *mode, const char *text, const void *data, size_t len)
{
    if (strcmp(mode, "greet") == 0)
        return answer(text, strlen(text));
    if (strcmp(mode, "echo") == 0)
        return answer(data, len);
    if (strcmp(mode, "fds") == 0)
        return open_descriptors();
    if (strcmp(mode, "pid") == 0) {
        char pid[32];
        return answer(pid, (size_t)snprintf(pid, sizeof pid, "%d", (int)getpid()));
    }
    if (strcmp(mode, "env") == 0) {
        const char *v = getenv(text);
        return answer(v ? v : "(unset)", strlen(v ? v : "(unset)"));
    }
    if (strcmp(mode, "crash") == 0) {
        signal(SIGSEGV, SIG_DFL); /* sanitizers catch it otherwise */
        raise(SIGSEGV);
    }
    if (strcmp(mode, "sleep") == 0) {
        struct timespec long_nap = {30, 0};
        nanosleep(&long_nap, NULL);
        return answer("awake", 5);
    }
    if (strcmp(mode, "big") == 0) {
        size_t n = strtoull(text, NULL, 10);
        char *x = malloc(n ? n : 1);
        if (!x)
            return 1;
        memset(x, 'x', n);
        int rc = answer(x, n);
        free(x);
        return rc;
    }
    if (strcmp(mode, "cap") == 0) {
        char *p = malloc((size_t)256 << 20);
        int rc = answer(p ? "allowed" : "refused", 7);
        free(p);
        return rc;
    }
    if (strcmp(mode, "leave") == 0) { /* answers, then goes away: a kept helper gone between jobs */
        int rc = answer("leaving", 7);
        if (g_answer && rc == 0 && shelf_sandbox_child_send(g_answer) == SHELF_OK)
            _exit(0);
        return rc;
    }
    if (strcmp(mode, "once") == 0) { /* fails in a helper that served before, not in a fresh one */
        static int served;
        return served++ ? 1 : answer("fresh", 5);
    }
    return 1; /* "fail" and anything else */
}

static int serve_one(int argc, char **argv, const void *data, size_t len, shelf_buf *out)
{
    g_answer = out;
    int rc = argc >= 1 ? behave(argv[0], argc > 1 ? argv[1] : "", data, len) : 1;
    g_answer = NULL;
    return rc == 0 ? SHELF_OK : SHELF_EIO;
}

int main(int argc, char **argv)
{
    if (shelf_sandbox_child_begin(argc, argv) != SHELF_OK || argc < 3)
        return 2;
    const char *mode = argv[2];
    if (strcmp(mode, "serve") == 0)
        return shelf_sandbox_child_serve(serve_one);
    shelf_buf scratch = SHELF_BUF_INIT;
    const void *data = "";
    size_t len = 0;
    if (strcmp(mode, "echo") == 0 && shelf_sandbox_child_input(&data, &len, &scratch) != SHELF_OK)
        return 1;
    int rc = behave(mode, argc > 3 ? argv[3] : "", data, len);
    shelf_buf_free(&scratch);
    return rc;
}
