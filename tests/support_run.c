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

#define COMMAND_MAX 4096

char *ts_tmp;

char *ts_run_ok(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char cmd[COMMAND_MAX];
    int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof cmd);
    char *out = NULL, *err = NULL;
    int rc = ts_run(cmd, &out, &err);
    if (rc != 0)
        fail_msg("`%s` exited %d: %s", cmd, rc, err ? err : "");
    free(err);
    return out;
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
