/*
 * support.h - helpers shared by the cmocka tests: temporary folders, files,
 * and running the built binaries with their output captured.
 */
#ifndef SHELF_TEST_SUPPORT_H
#define SHELF_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>

/* Create a fresh empty temporary directory; returns a malloc'd path. */
char *ts_mkdtemp(void);
/* rm -rf path (best effort). */
void ts_rmtree(const char *path);
/* Write n bytes to dir/name (creating parent dirs); returns malloc'd full path. */
char *ts_write_file(const char *dir, const char *name, const void *data, size_t n);
/* Read a whole file; returns malloc'd NUL-terminated buffer and its length. */
char *ts_read_file(const char *path, size_t *len);
/* Is the writer lock of an index folder free (dir/LOCK absent, or held by
 * no open file)?  Asks the kernel without taking the lock. */
int ts_lock_free(const char *index_dir);
/* Run a shell command, capture stdout (and stderr if err_out != NULL) into
 * malloc'd strings; returns the exit status (or -1). */
int ts_run(const char *cmd, char **out, char **err_out);
/* Run argv (NULL-terminated; argv[0] is the program's path) without a
 * shell, cheaply (posix_spawn): stdin from /dev/null, stdout and stderr
 * captured into *out / *err (malloc'd; either may be NULL), output files
 * kept in scratch_dir.  SHELF_CRASH_AFTER is removed from the child's
 * environment, or set to crash_after when that is not NULL.  *signo (may be
 * NULL) receives the signal that killed the child, else 0.  Returns the exit
 * status, or -1 when a signal killed the child. */
int ts_spawn(const char *const *argv, const char *scratch_dir, const char *crash_after, char **out,
             char **err, int *signo);
/* The same with the arguments after prog given as a NULL-terminated list
 * (at most 62 of them); no crash point. */
int ts_spawn_va(const char *prog, const char *scratch_dir, char **out, char **err, va_list ap);

/* A growing NUL-terminated string. */
typedef struct ts_sbuf {
    char *s;
    size_t n, cap;
} ts_sbuf;

void ts_sb_addn(ts_sbuf *b, const char *s, size_t n);
void ts_sb_add(ts_sbuf *b, const char *s);
/* The string (never NULL); the caller frees it. */
char *ts_sb_take(ts_sbuf *b);

/* malloc'd printf. */
char *ts_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A small HTML page, as a string literal, with a title, an author and a
 * date in its head and one paragraph of body (all four string literals):
 * the filter tests' documents with metadata. */
#define TS_HTML_PAGE(title, author, date, body)                                                    \
    "<!doctype html><html><head><title>" title "</title><meta name=\"author\" content=\"" author  \
    "\"><meta name=\"date\" content=\"" date "\"></head><body><p>" body "</p></body></html>"

/* ---- pseudo-random numbers and exact-size buffers (index tests) ---- */
#include <stdint.h>

/* splitmix64: the next number of a seeded, reproducible sequence. */
uint64_t ts_rand(uint64_t *state);
/* A uniformly chosen number in [0, n) (n > 0). */
uint64_t ts_rand_below(uint64_t *state, uint64_t n);
/* malloc'd copy of n bytes in a block of exactly n bytes (at least 1), so
 * that a read past its end is caught by AddressSanitizer. */
void *ts_exact_copy(const void *data, size_t n);

/* Does some line of text contain both a and b? */
int ts_line_with(const char *text, const char *a, const char *b);

/* Threads that allocate and free in a loop until stopped: what the
 * indexer's other threads do while one of them starts a child process. */
typedef struct ts_churn ts_churn;
ts_churn *ts_churn_start(int threads);
void ts_churn_stop(ts_churn *c);

#endif
