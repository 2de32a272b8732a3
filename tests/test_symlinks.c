/*
 * test_symlinks.c - the shelf's borders: symlinks met during the indexer's
 * walk (indexer/walk.c, indexer/main.c).
 *
 * A shelf folder holds a link to a file outside it (standing for
 * /etc/passwd, with a unique word), a link to a folder outside it, a link to
 * a file inside it and a link back to its parent folder (a loop).  By
 * default no link is followed and the summary counts them; --follow follows
 * only links whose targets lie inside the given paths (the loop is reported
 * once and the run ends); --follow-outside follows every link; a PATH that
 * is itself a symlink is followed; documents indexed through a link that a
 * later run does not follow are pruned.  What is indexed is checked with
 * `indexer --list` and `searcher --count`.
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

typedef struct fixture {
    char *tmp, *shelf, *index;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->tmp = ts_mkdtemp();
    fx->shelf = ts_strf("%s/shelf", fx->tmp);
    fx->index = ts_strf("%s/index", fx->tmp);
    free(ts_write_file(fx->tmp, "passwd", "root zebrapasswdword\n", 21));
    free(ts_write_file(fx->tmp, "outdir/far.txt", "quokkafarword away\n", 19));
    free(ts_write_file(fx->shelf, "sub/inside.txt", "wombatinsideword here\n", 22));
    char *links = ts_strf("cd '%s' && ln -s ../passwd pw && ln -s ../outdir od && "
                          "ln -s sub/inside.txt in.txt && ln -s .. sub/loop",
                          fx->shelf);
    assert_int_equal(ts_run(links, NULL, NULL), 0);
    free(links);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    ts_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->shelf);
    free(fx->index);
    free(fx);
    return 0;
}

/* indexer OPTIONS --index INDEX PATH; returns the exit code, stderr in *err. */
static int run_indexer(const fixture *fx, const char *options, const char *path, char **err)
{
    char *cmd = ts_strf("timeout 60 '%s' %s --index '%s' '%s'", INDEXER_BIN, options, fx->index, path);
    int rc = ts_run(cmd, NULL, err);
    free(cmd);
    return rc;
}

/* The indexed paths, one per line. */
static char *listed_paths(const fixture *fx)
{
    char *cmd = ts_strf("'%s' --list --index '%s' | cut -f4", INDEXER_BIN, fx->index);
    char *out = NULL;
    assert_int_equal(ts_run(cmd, &out, NULL), 0);
    free(cmd);
    return out;
}

/* How many documents hold the word. */
static int count_of(const fixture *fx, const char *word)
{
    char *cmd = ts_strf("'%s' --index '%s' --count '%s'", SEARCHER_BIN, fx->index, word);
    char *out = NULL;
    ts_run(cmd, &out, NULL);
    int n = atoi(out ? out : "-1");
    free(out);
    free(cmd);
    return n;
}

static int lines_of(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

static void test_links_skipped_by_default(void **state)
{
    fixture *fx = *state;
    char *err = NULL;
    int rc = run_indexer(fx, "", fx->shelf, &err);
    assert_int_equal(rc, 0);
    if (!strstr(err, "4 symlinks skipped (use --follow)"))
        fail_msg("summary does not count the skipped links: %s", err);
    assert_int_equal(count_of(fx, "zebrapasswdword"), 0);
    assert_int_equal(count_of(fx, "quokkafarword"), 0);
    assert_int_equal(count_of(fx, "wombatinsideword"), 1);
    char *paths = listed_paths(fx);
    char *want = ts_strf("%s/sub/inside.txt\n", fx->shelf);
    assert_string_equal(paths, want);
    free(want);
    free(paths);
    free(err);
}

static void test_follow_stays_inside(void **state)
{
    fixture *fx = *state;
    char *err = NULL;
    int rc = run_indexer(fx, "--follow", fx->shelf, &err);
    assert_int_equal(rc, 0); /* the loop is reported as skipped: a warning */
    if (!strstr(err, "2 symlinks to outside the given paths skipped (use --follow-outside)"))
        fail_msg("summary does not count the outside links: %s", err);
    const char *loop = strstr(err, "symlink loop");
    if (!loop || strstr(loop + 1, "symlink loop"))
        fail_msg("the loop is not reported exactly once: %s", err);
    assert_int_equal(count_of(fx, "zebrapasswdword"), 0);
    assert_int_equal(count_of(fx, "quokkafarword"), 0);
    assert_int_equal(count_of(fx, "wombatinsideword"), 2); /* real path and link */
    char *paths = listed_paths(fx);
    assert_int_equal(lines_of(paths), 2);
    assert_non_null(strstr(paths, "/in.txt\n"));
    free(paths);
    free(err);

    /* The next run without --follow prunes the document read through the link. */
    rc = run_indexer(fx, "", fx->shelf, &err);
    assert_int_equal(rc, 0);
    if (!strstr(err, "removed 1 documents"))
        fail_msg("the link's document is not pruned: %s", err);
    assert_int_equal(count_of(fx, "wombatinsideword"), 1);
    free(err);
}

static void test_follow_outside(void **state)
{
    fixture *fx = *state;
    char *err = NULL;
    int rc = run_indexer(fx, "--follow-outside", fx->shelf, &err);
    assert_int_equal(rc, 0); /* the loop: a warning */
    assert_int_equal(count_of(fx, "zebrapasswdword"), 1);
    assert_int_equal(count_of(fx, "quokkafarword"), 1);
    assert_int_equal(count_of(fx, "wombatinsideword"), 2);
    assert_null(strstr(err, "symlinks skipped"));
    free(err);
}

/* A symlink named on the command line is followed, like find -H. */
static void test_named_link_followed(void **state)
{
    fixture *fx = *state;
    char *link = ts_strf("%s/shelf/pw", fx->tmp);
    char *err = NULL;
    int rc = run_indexer(fx, "", link, &err);
    assert_int_equal(rc, 0);
    assert_int_equal(count_of(fx, "zebrapasswdword"), 1);
    free(err);
    free(link);
}

static int fresh_index(void **state)
{
    fixture *fx = *state;
    ts_rmtree(fx->index);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_links_skipped_by_default, fresh_index),
        cmocka_unit_test_setup(test_follow_stays_inside, fresh_index),
        cmocka_unit_test_setup(test_follow_outside, fresh_index),
        cmocka_unit_test_setup(test_named_link_followed, fresh_index),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
