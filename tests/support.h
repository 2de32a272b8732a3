/*
 * support.h - helpers shared by the cmocka tests: temporary folders, files,
 * and running the built binaries with their output captured.
 */
#ifndef SHELF_TEST_SUPPORT_H
#define SHELF_TEST_SUPPORT_H

#include <stddef.h>

/* Create a fresh empty temporary directory; returns a malloc'd path. */
char *ts_mkdtemp(void);
/* rm -rf path (best effort). */
void ts_rmtree(const char *path);
/* Write n bytes to dir/name (creating parent dirs); returns malloc'd full path. */
char *ts_write_file(const char *dir, const char *name, const void *data, size_t n);
/* Read a whole file; returns malloc'd NUL-terminated buffer and its length. */
char *ts_read_file(const char *path, size_t *len);
/* Run a shell command, capture stdout (and stderr if err_out != NULL) into
 * malloc'd strings; returns the exit status (or -1). */
int ts_run(const char *cmd, char **out, char **err_out);
/* malloc'd printf. */
char *ts_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- pseudo-random numbers and exact-size buffers (index tests) ---- */
#include <stdint.h>

/* splitmix64: the next number of a seeded, reproducible sequence. */
uint64_t ts_rand(uint64_t *state);
/* A uniformly chosen number in [0, n) (n > 0). */
uint64_t ts_rand_below(uint64_t *state, uint64_t n);
/* malloc'd copy of n bytes in a block of exactly n bytes (at least 1), so
 * that a read past its end is caught by AddressSanitizer. */
void *ts_exact_copy(const void *data, size_t n);

#endif
