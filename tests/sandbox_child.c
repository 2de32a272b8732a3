/*
 * sandbox_child.c - a helper program for test_sandbox: behaves as told by
 * its argument, through the helper's half of util/sandbox.h.
 *
 *     sandbox_child HEADROOM MODE [TEXT]
 *
 * MODE: greet (answers TEXT), echo (answers its standard input), fds
 * (answers the numbers of its open descriptors, space-separated), env
 * (answers the value of $TEXT, or "(unset)"), crash (SIGSEGV), fail (exit
 * 1 without an answer), sleep (sleeps 30 s, then answers), big (answers
 * TEXT bytes of 'x'), cap (allocates 256 MiB past a headroom and answers
 * "refused" when that fails, "allowed" when it succeeds).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/sandbox.h"

static int answer(const char *s, size_t n)
{
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

int main(int argc, char **argv)
{
    if (shelf_sandbox_child_begin(argc, argv) != SHELF_OK || argc < 3)
        return 2;
    const char *mode = argv[2];
    const char *text = argc > 3 ? argv[3] : "";
    if (strcmp(mode, "greet") == 0)
        return answer(text, strlen(text));
    if (strcmp(mode, "echo") == 0) {
        shelf_buf scratch = SHELF_BUF_INIT;
        const void *data;
        size_t len;
        int rc = shelf_sandbox_child_input(&data, &len, &scratch);
        rc = rc ? 1 : answer(data, len);
        shelf_buf_free(&scratch);
        return rc;
    }
    if (strcmp(mode, "fds") == 0)
        return open_descriptors();
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
    return 1; /* "fail" and anything else */
}
