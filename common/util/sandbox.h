/*
 * sandbox.h - run a function in a child process, so that a crash inside a
 * library we cannot guard (libxapian on a damaged table) kills the child,
 * not us.
 *
 * shelf_sandbox_run() forks (no exec); the child disables core dumps, calls
 * fn(ctx) and leaves with _exit(its return value & 0xff) (never exit(): no
 * atexit handlers, no stdio flush, no leak check; fn flushes what it
 * printed).  The parent waits at most budget_ms (0: no limit) and reports
 * how the child ended; over budget the child is killed with SIGKILL.  The
 * child is always reaped before returning.
 *
 * Caveat: forking from a multithreaded process copies only the calling
 * thread; locks other threads held stay held in the child.  fn must only do
 * what it needs and not touch locks the rest of the program uses (stdio of
 * a shared stream, our own mutexes).  glibc's malloc is safe after fork.
 */
#ifndef SHELF_SANDBOX_H
#define SHELF_SANDBOX_H

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum shelf_sandbox_end {
    SHELF_SANDBOX_EXITED,   /* status holds the exit code */
    SHELF_SANDBOX_SIGNALED, /* status holds the signal number */
    SHELF_SANDBOX_TIMED_OUT
} shelf_sandbox_end;

typedef struct shelf_sandbox_result {
    shelf_sandbox_end end;
    int status;
} shelf_sandbox_result;

/* SHELF_OK with *out filled, or SHELF_EIO when no child could be made. */
int shelf_sandbox_run(int (*fn)(void *ctx), void *ctx, unsigned budget_ms,
                      shelf_sandbox_result *out, shelf_err *err);

/* "SIGSEGV", "SIGBUS", ... or "signal N" (into buf) for the others. */
const char *shelf_signal_name(int signo, char *buf, size_t size);

#endif
