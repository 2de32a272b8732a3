/*
 * test_program_names.c - the programs name themselves and each other after
 * the name they were run under (util/progname.h): installed as
 * shelf-indexer and shelf-searcher (links of those names to the built
 * binaries stand in for them here), their --version, --help, "Try ...
 * --help" and the commands their messages suggest say shelf-indexer and
 * shelf-searcher; built, they say indexer and searcher; under any other
 * name, the plain names.  The library's own answers are checked too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "support.h"
#include "util/progname.h"

static char *tmp;

static int setup(void **state)
{
    tmp = ts_mkdtemp();
    char *links[][2] = {{"shelf-indexer", INDEXER_BIN}, {"shelf-searcher", SEARCHER_BIN},
                        {"lookup", SEARCHER_BIN}};
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
        char *path = ts_strf("%s/%s", tmp, links[i][0]);
        if (symlink(links[i][1], path) != 0)
            return -1;
        free(path);
    }
    return 0;
}

static int teardown(void **state)
{
    ts_rmtree(tmp);
    free(tmp);
    return 0;
}

/* Runs `tmp/NAME ARGS` (or a full path) in tmp; stdout and stderr
 * together, and the exit status in *rc. */
static char *run(const char *program, const char *args, int *rc)
{
    char *cmd = program[0] == '/' ? ts_strf("cd '%s' && '%s' %s 2>&1", tmp, program, args)
                                  : ts_strf("cd '%s' && './%s' %s 2>&1", tmp, program, args);
    char *out = NULL;
    *rc = ts_run(cmd, &out, NULL);
    free(cmd);
    return out;
}

static void expect(const char *program, const char *args, int want_rc, const char *want)
{
    int rc;
    char *out = run(program, args, &rc);
    if (rc != want_rc || !strstr(out, want))
        fail_msg("%s %s: wanted exit %d and '%s', got exit %d: %s", program, args, want_rc, want,
                 rc, out);
    free(out);
}

static void expect_start(const char *program, const char *args, const char *want)
{
    int rc;
    char *out = run(program, args, &rc);
    if (rc != 0 || strncmp(out, want, strlen(want)) != 0)
        fail_msg("%s %s: wanted exit 0 and a start '%s', got exit %d: %s", program, args, want,
                 rc, out);
    free(out);
}

static void test_installed_names(void **state)
{
    expect_start("shelf-indexer", "--version", "shelf-indexer (shelf) ");
    expect_start("shelf-searcher", "--version", "shelf-searcher (shelf) ");
    expect_start("shelf-indexer", "--help", "Usage: shelf-indexer [OPTIONS] [PATH...]");
    expect("shelf-indexer", "--help", 0, "       shelf-indexer --check [DIR]");
    expect("shelf-indexer", "--help", 0, "index folder that `shelf-searcher` reads");
    expect_start("shelf-searcher", "--help", "Usage: shelf-searcher [OPTIONS] QUERY...");
    expect("shelf-searcher", "--help", 0, "an index built by `shelf-indexer`");
    expect("shelf-searcher", "--help", 0, "shelf-searcher -- nato -russia, shelf-searcher 'nato");
    expect("shelf-indexer", "--no-such-option", 2, "Try 'shelf-indexer --help'.");
    expect("shelf-searcher", "--no-such-option x", 2, "Try 'shelf-searcher --help'.");
    /* The command a message suggests is the installed indexer. */
    expect("shelf-searcher", "--index nowhere wetland", 2,
           "build one first: shelf-indexer --index nowhere PATH...");
}

static void test_build_names(void **state)
{
    expect_start(INDEXER_BIN, "--version", "indexer (shelf) ");
    expect_start(SEARCHER_BIN, "--version", "searcher (shelf) ");
    expect_start(SEARCHER_BIN, "--help", "Usage: searcher [OPTIONS] QUERY...");
    expect(SEARCHER_BIN, "--index nowhere wetland", 2,
           "build one first: indexer --index nowhere PATH...");
    /* A name that is not the role's: the plain names. */
    expect_start("lookup", "--version", "searcher (shelf) ");
    expect("lookup", "--index nowhere wetland", 2, "build one first: indexer --index nowhere");
}

static void test_library_names(void **state)
{
    /* Before main() sets them (library tests): the plain names. */
    assert_string_equal(shelf_indexer_name(), "indexer");
    assert_string_equal(shelf_searcher_name(), "searcher");
    shelf_progname_set("/usr/bin/shelf-searcher", "searcher");
    assert_string_equal(shelf_progname(), "shelf-searcher");
    assert_string_equal(shelf_indexer_name(), "shelf-indexer");
    assert_string_equal(shelf_searcher_name(), "shelf-searcher");
    shelf_progname_set("indexer", "indexer");
    assert_string_equal(shelf_progname(), "indexer");
    assert_string_equal(shelf_searcher_name(), "searcher");
    shelf_progname_set("./bin/findit", "indexer");
    assert_string_equal(shelf_progname(), "indexer");
    assert_string_equal(shelf_searcher_name(), "searcher");
    shelf_progname_set("", "searcher");
    assert_string_equal(shelf_progname(), "searcher");
    assert_string_equal(shelf_indexer_name(), "indexer");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_installed_names),
        cmocka_unit_test(test_build_names),
        cmocka_unit_test(test_library_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
