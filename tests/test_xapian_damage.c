/*
 * test_xapian_damage.c - damaged Xapian tables never take our binaries
 * down (indexer/listing.c's --check in a child process, common/util/sandbox.c;
 * searcher/snapshot.c's probe of a new generation in a child).
 *
 * A small Xapian-backend index of corpus/ is built once.  `indexer --check`
 * runs on copies with one byte flipped in a table or in iamglass (spread
 * over every file, plus a termlist flip known to crash libxapian 1.4.22):
 * it must never die by a signal, must exit 0 or 2, and 2 comes with a
 * message.  Then `searcher --serve` serves the index while a damaged
 * generation (a copy with that crashing flip, renamed over the served
 * database's files) appears: the server stays up and answers /healthz and
 * a search with 200 from the old snapshot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <signal.h>
#include <unistd.h>

#include "support.h"

#define TABLE_COUNT 5
#define FLIPS_PER_FILE 30

static const char *const tables[TABLE_COUNT] = {"iamglass", "postlist.glass", "termlist.glass",
                                                "docdata.glass", "position.glass"};
/* A flip that crashed libxapian 1.4.22's check (SIGSEGV) on this index. */
#define CRASHING_TABLE "termlist.glass"
#define CRASHING_OFFSET 4643

typedef struct db_file {
    char *data;
    size_t len;
} db_file;

typedef struct fixture {
    char *tmp, *index;
    db_file files[TABLE_COUNT];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->tmp = ts_mkdtemp();
    fx->index = ts_strf("%s/index", fx->tmp);
    char *cmd = ts_strf("'%s' -q --backend xapian --index '%s' '%s'", INDEXER_BIN, fx->index, CORPUS_DIR);
    assert_int_equal(ts_run(cmd, NULL, NULL), 0);
    free(cmd);
    for (size_t i = 0; i < TABLE_COUNT; i++) {
        char *path = ts_strf("%s/xapian/%s", fx->index, tables[i]);
        fx->files[i].data = ts_read_file(path, &fx->files[i].len);
        assert_non_null(fx->files[i].data);
        free(path);
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    ts_rmtree(fx->tmp);
    for (size_t i = 0; i < TABLE_COUNT; i++)
        free(fx->files[i].data);
    free(fx->tmp);
    free(fx->index);
    free(fx);
    return 0;
}

/* A copy of the database in dir/xapian with file `which` flipped at `at`. */
static void write_damaged_copy(const fixture *fx, const char *dir, size_t which, size_t at,
                               unsigned char mask)
{
    char *sub = ts_strf("%s/xapian", dir);
    for (size_t i = 0; i < TABLE_COUNT; i++) {
        char *copy = ts_exact_copy(fx->files[i].data, fx->files[i].len);
        if (i == which)
            copy[at] ^= (char)mask;
        free(ts_write_file(sub, tables[i], copy, fx->files[i].len));
        free(copy);
    }
    free(ts_write_file(sub, "flintlock", "", 0));
    free(sub);
}

static size_t table_index(const char *name)
{
    for (size_t i = 0; i < TABLE_COUNT; i++)
        if (strcmp(tables[i], name) == 0)
            return i;
    fail_msg("no table %s", name);
    return 0;
}

/* indexer --check on the damaged copy: no signal, exit 0 or 2 with a message.
 * Returns the exit code. */
static int check_copy(const fixture *fx, size_t which, size_t at, unsigned char mask)
{
    char *dir = ts_strf("%s/damaged", fx->tmp);
    ts_rmtree(dir);
    write_damaged_copy(fx, dir, which, at, mask);
    const char *argv[] = {INDEXER_BIN, "--check", dir, NULL};
    char *out = NULL, *err = NULL;
    int signo = 0;
    int rc = ts_spawn(argv, fx->tmp, NULL, &out, &err, &signo);
    if (signo)
        fail_msg("indexer --check killed by signal %d (%s at %zu, mask %u)", signo, tables[which], at,
                 mask);
    if (rc != 0 && rc != 2)
        fail_msg("indexer --check: exit %d (%s at %zu): %s", rc, tables[which], at, err);
    if (rc == 2 && !strstr(err, "check failed"))
        fail_msg("exit 2 without a message (%s at %zu): %s", tables[which], at, err);
    free(out);
    free(err);
    ts_rmtree(dir);
    free(dir);
    return rc;
}

static void test_check_known_crash(void **state)
{
    fixture *fx = *state;
    size_t which = table_index(CRASHING_TABLE);
    char *dir = ts_strf("%s/damaged", fx->tmp);
    write_damaged_copy(fx, dir, which, CRASHING_OFFSET, 0xff);
    const char *argv[] = {INDEXER_BIN, "--check", dir, NULL};
    char *err = NULL;
    int signo = 0;
    int rc = ts_spawn(argv, fx->tmp, NULL, NULL, &err, &signo);
    assert_int_equal(signo, 0);
    assert_int_equal(rc, 2);
    if (!strstr(err, "damaged Xapian table") && !strstr(err, "check failed"))
        fail_msg("no message: %s", err);
    free(err);
    ts_rmtree(dir);
    free(dir);
}

static void test_check_flip_sweep(void **state)
{
    fixture *fx = *state;
    unsigned damaged = 0, total = 0;
    for (size_t f = 0; f < TABLE_COUNT; f++) {
        size_t len = fx->files[f].len;
        for (size_t i = 0; i < FLIPS_PER_FILE && len; i++) {
            size_t at = (len * i + len / 2) / FLIPS_PER_FILE;
            damaged += check_copy(fx, f, at, (unsigned char)(i % 2 ? 0xff : 1u << (i % 8))) == 2;
            total++;
        }
    }
    fprintf(stderr, "xapian flips: %u of %u reported damaged, none crashed\n", damaged, total);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_known_crash),
        cmocka_unit_test(test_check_flip_sweep),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
