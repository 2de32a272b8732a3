/*
 * test_hostile.c - whatever lands in a shared folder, and whatever is typed
 * into the search box, gives a bounded run and a clear message (README,
 * "Limits and guarantees"), through the indexer and searcher binaries.
 *
 * Documents: a 1 GB file with no newline (only its first 64 MiB indexed,
 * warned, memory bounded), a file of NUL bytes, 10 million one-letter
 * tokens, 100,000 nested Markdown quotes, file names holding a newline and
 * invalid UTF-8 (shown escaped), an unreadable file and folder, a symlink
 * loop (under --follow), a FIFO (skipped without blocking).  The rest of the batch is
 * indexed.  Peak memory of the indexer is measured with wait4 (not under
 * AddressSanitizer, whose shadow memory would dominate).
 *
 * Queries: 10,000 words, 10,000 nested parentheses, a 300 KiB query (each a
 * clear error with its column), a prefix matching every term, a phrase of
 * 1,000 words and a 1,000-word NEAR chain (answered).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#if defined(__SANITIZE_ADDRESS__)
#define MEASURE_RSS 0
#else
#define MEASURE_RSS 1
#endif

#define BIG_BYTES ((size_t)1 << 30)
#define RSS_LIMIT_KB (700 * 1024)

static char *g_tmp, *g_src, *g_idx;
static char *g_err; /* the indexer's stderr */
static int g_rc;
static long g_maxrss_kb;
static double g_seconds;

static void write_big(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    size_t chunk = 1 << 20;
    char *buf = malloc(chunk);
    static const char word[] = "endless ";
    for (size_t i = 0; i < chunk; i++)
        buf[i] = word[i % (sizeof word - 1)];
    for (size_t done = 0; done < BIG_BYTES; done += chunk)
        assert_int_equal(write(fd, buf, chunk), (ssize_t)chunk);
    free(buf);
    close(fd);
}

static void write_repeated(const char *name, const char *unit, size_t times, const char *tail)
{
    size_t u = strlen(unit), t = strlen(tail);
    char *buf = malloc(u * times + t);
    for (size_t i = 0; i < times; i++)
        memcpy(buf + i * u, unit, u);
    memcpy(buf + u * times, tail, t);
    free(ts_write_file(g_src, name, buf, u * times + t));
    free(buf);
}

static void make_folder(void)
{
    free(ts_write_file(g_src, "good.txt", "A calm report about harbours.\n", 30));
    char *big = ts_strf("%s/big.txt", g_src);
    write_big(big);
    free(big);
    char *zeros = calloc(1, 1 << 20);
    free(ts_write_file(g_src, "zeros.txt", zeros, 1 << 20));
    free(zeros);
    write_repeated("letters.txt", "a ", 10 * 1000 * 1000, "zqletters\n");
    write_repeated("deep.md", ">", 100000, " zqdeepquote\n");
    free(ts_write_file(g_src, "new\nline.txt", "zqnewline name\n", 15));
    free(ts_write_file(g_src, "bad\xff\xfename.txt", "zqbadname here\n", 15));
    char *locked = ts_write_file(g_src, "locked.txt", "zqlocked\n", 9);
    chmod(locked, 0);
    free(locked);
    free(ts_write_file(g_src, "closed/inside.txt", "zqclosed\n", 9));
    char *closed = ts_strf("%s/closed", g_src);
    chmod(closed, 0);
    free(closed);
    char *loop = ts_strf("%s/loop", g_src);
    assert_int_equal(symlink(".", loop), 0);
    free(loop);
    char *fifo = ts_strf("%s/pipe.txt", g_src);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    free(fifo);
}

/* Run the indexer on the folder, measuring peak memory and time. */
static void run_indexer(void)
{
    char *errfile = ts_strf("%s/indexer.err", g_tmp);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        alarm(600);
        execl(INDEXER_BIN, INDEXER_BIN, "--quiet", "--follow", "--index", g_idx, g_src, (char *)NULL);
        _exit(127);
    }
    int status;
    struct rusage ru;
    assert_int_equal(wait4(pid, &status, 0, &ru), pid);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    g_seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (!WIFEXITED(status))
        fail_msg("indexer died (signal %d)", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    g_rc = WEXITSTATUS(status);
    g_maxrss_kb = ru.ru_maxrss;
    size_t n;
    g_err = ts_read_file(errfile, &n);
    free(errfile);
}

static int setup(void **state)
{
    g_tmp = ts_mkdtemp();
    g_src = ts_strf("%s/src", g_tmp);
    g_idx = ts_strf("%s/idx", g_tmp);
    make_folder();
    run_indexer();
    char *big = ts_strf("%s/big.txt", g_src);
    unlink(big); /* a gigabyte is not kept around */
    free(big);
    return 0;
}

static int teardown(void **state)
{
    char *closed = ts_strf("%s/closed", g_src);
    chmod(closed, 0755);
    free(closed);
    ts_rmtree(g_tmp);
    free(g_tmp);
    free(g_src);
    free(g_idx);
    free(g_err);
    return 0;
}

static int search(const char *args, char **out, char **err)
{
    char *cmd = ts_strf("timeout 60 '%s' --index '%s' %s", SEARCHER_BIN, g_idx, args);
    int rc = ts_run(cmd, out, err);
    free(cmd);
    return rc;
}

static void expect_found(const char *word)
{
    char *args = ts_strf("--count %s", word), *out = NULL;
    if (search(args, &out, NULL) != 0)
        fail_msg("%s not found: %s", word, out ? out : "");
    free(out);
    free(args);
}

/* Does the indexer's stderr hold a line with both fragments? */
static int said(const char *a, const char *b)
{
    return ts_line_with(g_err, a, b);
}

static void test_batch_indexed_with_warnings(void **state)
{
    if (g_rc != 0)
        fail_msg("indexer exit %d (wanted 0: committed, skips warned about): %s", g_rc, g_err);
    if (!said("big.txt", "only the first 64 MiB of 1024.0 MiB indexed") ||
        !said("zeros.txt", "binary") || !said("pipe.txt", "not a regular file") ||
        !said("loop", "loop"))
        fail_msg("a warning is missing:\n%s", g_err);
    if (getuid() != 0 && (!said("locked.txt", "") || !said("closed", "")))
        fail_msg("unreadable entries not reported:\n%s", g_err);
    expect_found("zqletters");
    expect_found("zqdeepquote");
    expect_found("endless");
    expect_found("harbours");
    expect_found("zqnewline");
    expect_found("zqbadname");
}

/* Names that could break a line are escaped wherever they are printed. */
static void test_names_escaped(void **state)
{
    char *cmd = ts_strf("'%s' --list --index '%s'", INDEXER_BIN, g_idx), *out = NULL;
    assert_int_equal(ts_run(cmd, &out, NULL), 0);
    if (!strstr(out, "/new\\x0Aline.txt\t") || !strstr(out, "/bad\\xFF\\xFEname.txt\t"))
        fail_msg("--list does not escape the names:\n%s", out);
    for (const char *line = out; *line;) {
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        size_t tabs = 0;
        for (const char *p = line; p < end; p++)
            tabs += *p == '\t';
        if (tabs != 7) /* tokens size time path title format author date */
            fail_msg("--list line with %zu fields: %.*s", tabs + 1, (int)(end - line), line);
        line = end + 1;
    }
    free(out);
    free(cmd);
    out = NULL;
    assert_int_equal(search("zqnewline", &out, NULL), 0);
    if (!strstr(out, "new\\x0Aline.txt:1:1"))
        fail_msg("searcher does not escape the name:\n%s", out);
    free(out);
}

static void test_memory_and_time_bounded(void **state)
{
    print_message("indexer: %.1f s, peak RSS %ld MiB\n", g_seconds, g_maxrss_kb / 1024);
    if (MEASURE_RSS && g_maxrss_kb > RSS_LIMIT_KB)
        fail_msg("indexer peak RSS %ld MiB for a 1 GB file (limit %d MiB)", g_maxrss_kb / 1024,
                 RSS_LIMIT_KB / 1024);
}

static char *repeat_words(const char *sep, size_t n, const char *open, const char *close)
{
    ts_sbuf b = {0};
    ts_sb_add(&b, "'");
    ts_sb_add(&b, open);
    for (size_t i = 0; i < n; i++) {
        if (i)
            ts_sb_add(&b, sep);
        char w[32];
        snprintf(w, sizeof w, "w%zu", i % 500);
        ts_sb_add(&b, w);
    }
    ts_sb_add(&b, close);
    ts_sb_add(&b, "'");
    return ts_sb_take(&b);
}

static void expect_query_error(const char *query, const char *message)
{
    char *args = ts_strf("-- %s", query), *err = NULL;
    int rc = search(args, NULL, &err);
    if (rc != 2 || !strstr(err, message) || !strstr(err, "column"))
        fail_msg("exit %d, stderr %.300s (wanted 2 and '%s')", rc, err ? err : "", message);
    free(err);
    free(args);
}

static void test_hostile_queries(void **state)
{
    char *q = repeat_words(" ", 10000, "", "");
    expect_query_error(q, "too many words: at most 1024");
    free(q);
    ts_sbuf b = {0};
    ts_sb_add(&b, "'");
    for (int i = 0; i < 10000; i++)
        ts_sb_add(&b, "(");
    ts_sb_add(&b, "harbours");
    for (int i = 0; i < 10000; i++)
        ts_sb_add(&b, ")");
    ts_sb_add(&b, "'");
    q = ts_sb_take(&b);
    expect_query_error(q, "too deeply nested");
    free(q);
    /* longer than one command-line argument may be: through --queries */
    size_t huge_len = 300 * 1024;
    char *huge = malloc(huge_len + 1);
    memset(huge, 'x', huge_len);
    huge[huge_len] = '\n';
    char *file = ts_write_file(g_tmp, "huge-query.txt", huge, huge_len + 1);
    char *args = ts_strf("--queries '%s'", file), *err = NULL;
    int rc = search(args, NULL, &err);
    if (rc != 2 || !strstr(err, "query too long: at most 256 KiB"))
        fail_msg("a 300 KiB query: exit %d, %.300s", rc, err ? err : "");
    free(err);
    free(args);
    free(file);
    free(huge);

    char *out = NULL;
    err = NULL;
    assert_int_equal(search("-n 3 'a*'", &out, &err), 0); /* a prefix matching many terms */
    free(out);
    free(err);
    out = err = NULL;
    q = repeat_words(" ", 1000, "\"", "\"");
    args = ts_strf("--count %s", q);
    rc = search(args, &out, &err);
    if (rc != 1)
        fail_msg("a 1,000-word phrase: exit %d %s", rc, err);
    free(args);
    free(q);
    free(out);
    free(err);
    out = err = NULL;
    q = repeat_words(" NEAR/5 ", 1000, "", "");
    args = ts_strf("--count %s", q);
    rc = search(args, &out, &err);
    if (rc != 1)
        fail_msg("a 1,000-word NEAR chain: exit %d %s", rc, err);
    free(args);
    free(q);
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_indexed_with_warnings),
        cmocka_unit_test(test_names_escaped),
        cmocka_unit_test(test_memory_and_time_bounded),
        cmocka_unit_test(test_hostile_queries),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
