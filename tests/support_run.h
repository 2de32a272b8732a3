/*
 * support_run.h - fixtures the end-to-end cmocka tests share: running the
 * built binaries (the test fails when they do), looking for text in what
 * they print, a temporary folder per test group, and files copied into it.
 * Unlike support.h these call cmocka's failure functions, so they are for
 * use inside a running test (or a group's setup).
 */
#ifndef SHELF_TEST_SUPPORT_RUN_H
#define SHELF_TEST_SUPPORT_RUN_H

#include <stddef.h>

/* Runs the shell command made from fmt (at most 8 KB once formatted) with
 * ts_run; fails the test, showing the command and its stderr, when it
 * exits with anything but 0.  Returns its stdout (malloc'd). */
char *ts_run_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs the shell command made from fmt (at most 8 KB once formatted; the
 * test fails when it is longer) with ts_run, whatever its exit status;
 * returns that status, its stdout in *out and stderr in *err when given. */
int ts_runf(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* What a command run by ts_capture did: its exit status and everything it
 * printed (both malloc'd, never NULL). */
typedef struct ts_output {
    int rc;
    char *out, *err;
} ts_output;

/* Runs the shell command made from fmt like ts_runf, capturing both
 * outputs; the test fails when they cannot be captured. */
ts_output ts_capture(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ts_output_free(ts_output *o);

/* Fails the test unless out holds want; what names the output. */
void ts_expect_in(const char *out, const char *want, const char *what);

/* The group's temporary folder, made by ts_setup_tmp and removed (and set
 * to NULL) by ts_teardown_tmp: cmocka group setup and teardown. */
extern char *ts_tmp;
int ts_setup_tmp(void **state);
int ts_teardown_tmp(void **state);

/* Copies the file at from to dir/name (parents made); 0, or -1 when from
 * cannot be read. */
int ts_copy_into(const char *dir, const char *name, const char *from);

#endif
