/* support_run.c - see support_run.h. */
#include "support_run.h"
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define COMMAND_MAX 8192

char *ts_tmp;

/* cmd from fmt and ap; the test fails when it does not fit. */
static void format_command(char cmd[COMMAND_MAX], const char *fmt, va_list ap)
{
    int n = vsnprintf(cmd, COMMAND_MAX, fmt, ap);
    if (n < 0 || n >= COMMAND_MAX)
        fail_msg("command too long: %.200s...", cmd);
}

char *ts_run_ok(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char cmd[COMMAND_MAX];
    format_command(cmd, fmt, ap);
    va_end(ap);
    char *out = NULL, *err = NULL;
    int rc = ts_run(cmd, &out, &err);
    if (rc != 0)
        fail_msg("`%s` exited %d: %s", cmd, rc, err ? err : "");
    free(err);
    return out;
}

int ts_runf(char **out, char **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char cmd[COMMAND_MAX];
    format_command(cmd, fmt, ap);
    va_end(ap);
    return ts_run(cmd, out, err);
}

ts_output ts_capture(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char cmd[COMMAND_MAX];
    format_command(cmd, fmt, ap);
    va_end(ap);
    ts_output o = {0};
    o.rc = ts_run(cmd, &o.out, &o.err);
    if (!o.out || !o.err)
        fail_msg("could not capture the output of %s", cmd);
    return o;
}

void ts_output_free(ts_output *o)
{
    free(o->out);
    free(o->err);
    o->out = o->err = NULL;
}

void ts_expect_in(const char *out, const char *want, const char *what)
{
    if (!strstr(out, want))
        fail_msg("%s lacks %s: %s", what, want, out);
}

int ts_setup_tmp(void **state)
{
    (void)state;
    ts_tmp = ts_mkdtemp();
    return ts_tmp ? 0 : -1;
}

int ts_teardown_tmp(void **state)
{
    (void)state;
    ts_rmtree(ts_tmp);
    free(ts_tmp);
    ts_tmp = NULL;
    return 0;
}

int ts_copy_into(const char *dir, const char *name, const char *from)
{
    size_t len;
    char *data = ts_read_file(from, &len);
    if (!data)
        return -1;
    free(ts_write_file(dir, name, data, len));
    free(data);
    return 0;
}
