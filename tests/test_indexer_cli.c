/*
 * test_indexer_cli.c - the `indexer` command end to end (indexer/main.c,
 * indexer/walk.c, through the library): exit codes, messages, and what ends
 * up in the index, checked with the reader API.
 *
 * Covers: indexing the sample corpus and `--check`; a folder holding an
 * empty file, a binary file, an unreadable file, a PDF, a hidden folder, a
 * symlink loop (with --follow) and a file with invalid UTF-8 (exit 0, one message per
 * problem, only the good documents indexed); `--language none` against the
 * default English stemming; an unknown language; nothing to index (exit 2,
 * previous index untouched); a re-run replacing the index; `--memory 1`
 * giving the same index; a fresh run (files stat'ed once opened) followed by
 * a run that finds nothing changed; a run without PATH indexing the sample
 * corpus; bad options.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <time.h>
#include <limits.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract/extract.h"
#include "backend/native/format.h"
#include "backend/native/index.h"
#include "support.h"

/* ---- running the indexer ---- */

/* Run the indexer with args (already quoted) in cwd (NULL: unchanged). */
static int indexer_in(const char *cwd, const char *args, char **out, char **err)
{
    char *cmd = cwd ? ts_strf("cd '%s' && '%s' %s", cwd, INDEXER_BIN, args)
                    : ts_strf("'%s' %s", INDEXER_BIN, args);
    int rc = ts_run(cmd, out, err);
    free(cmd);
    return rc;
}

static int indexer(const char *args, char **out, char **err)
{
    return indexer_in(NULL, args, out, err);
}

/* Index paths (quoted) into dir and expect the exit code. */
static void index_into(const char *dir, const char *paths, int expected)
{
    char *args = ts_strf("-q --index '%s' %s", dir, paths);
    char *err = NULL;
    int rc = indexer(args, NULL, &err);
    if (rc != expected)
        fail_msg("indexer %s: exit %d (wanted %d), stderr: %s", args, rc, expected, err);
    free(err);
    free(args);
}

/* `indexer --check dir`: exit 0, and the document count it reports. */
static unsigned long check_documents(const char *dir, char **out_keep)
{
    char *args = ts_strf("--check '%s'", dir);
    char *out = NULL, *err = NULL;
    int rc = indexer(args, &out, &err);
    if (rc != 0)
        fail_msg("indexer --check %s: exit %d, stderr: %s", dir, rc, err);
    assert_non_null(strstr(out, ": OK"));
    const char *at = strstr(out, "documents");
    assert_non_null(at);
    unsigned long docs = 0;
    assert_int_equal(sscanf(at, "documents %lu", &docs), 1);
    free(args);
    free(err);
    if (out_keep)
        *out_keep = out;
    else
        free(out);
    return docs;
}

static shelf_index *open_index(const char *dir)
{
    shelf_index *idx = NULL;
    shelf_err err = {0};
    if (shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, &err) != SHELF_OK)
        fail_msg("open %s: %s", dir, err.msg);
    return idx;
}

/* The document paths of an index, in order, joined by '\n'. */
static char *index_paths(const shelf_index *idx)
{
    shelf_buf b = SHELF_BUF_INIT;
    for (size_t i = 0; i < shelf_index_segment_count(idx); i++) {
        const shelf_segment *s = shelf_index_segment(idx, i);
        for (uint32_t d = 0; d < shelf_segment_doc_count(s); d++) {
            shelf_docmeta m;
            assert_int_equal(shelf_segment_doc(s, d, &m, NULL), SHELF_OK);
            shelf_buf_append(&b, m.path, m.path_len);
            shelf_buf_put_u8(&b, '\n');
        }
    }
    shelf_buf_put_u8(&b, 0);
    return (char *)b.data;
}

static int exists(const char *dir, const char *name)
{
    char *p = ts_strf("%s/%s", dir, name);
    struct stat st;
    int r = stat(p, &st) == 0;
    free(p);
    return r;
}

static void write_text(const char *dir, const char *name, const char *text)
{
    free(ts_write_file(dir, name, text, strlen(text)));
}

/* ---- fixture: a temporary folder per test ---- */

static int setup(void **state)
{
    *state = ts_mkdtemp();
    return 0;
}

static int teardown(void **state)
{
    char *tmp = *state;
    char *cmd = ts_strf("chmod -R u+rwx '%s' 2>/dev/null", tmp);
    ts_run(cmd, NULL, NULL);
    free(cmd);
    ts_rmtree(tmp);
    free(tmp);
    return 0;
}

/* ---- tests ---- */

static void test_corpus_indexes_and_checks(void **state)
{
    char *dir = ts_strf("%s/index", (char *)*state);
    char *args = ts_strf("--index '%s' '%s'", dir, CORPUS_DIR);
    char *err = NULL;
    int rc = indexer(args, NULL, &err);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    assert_non_null(strstr(err, "added 5,"));
    assert_int_equal(check_documents(dir, NULL), 5);
    shelf_index *idx = open_index(dir);
    assert_int_equal(shelf_index_doc_count(idx), 5);
    assert_string_equal(shelf_index_language(idx), "english");
    assert_int_equal(shelf_index_generation(idx), 1);
    shelf_index_close(idx);
    free(err);
    free(args);
    free(dir);
}

/* The messy folder; returns the expected indexed paths ('\n'-joined). */
static char *make_messy_folder(const char *src, int locked_readable)
{
    write_text(src, "good.txt", "A good file\nwith some words.\n");
    write_text(src, "notes.md", "# Notes\n\nMarkdown *words*.\n");
    write_text(src, "sub/deep.txt", "Deep inside\n");
    write_text(src, "empty.txt", "");
    static const char binary[] = "\x7f" "ELF\0\0\0\0\0\0\1\2\3\0\0\0binary\0\0\0\0\0\0\0\0\0\0\0\0\0";
    free(ts_write_file(src, "binary.txt", binary, sizeof binary - 1));
    write_text(src, "doc.pdf", "%PDF-1.4 not text at all\n");
    write_text(src, ".git/HEAD.txt", "hidden folder file\n");
    write_text(src, ".hidden.txt", "hidden file\n");
    write_text(src, "bad-utf8.txt", "na\xc3\xafve caf\xc3\xa9 cr\xc3\xa8me \xc3\xa0 la "
                                     "fa\xc3\xa7on, stray \xff byte\n");
    write_text(src, "latin1.txt", "caf\xe9 cr\xe8me \x93quoted\x94\n");
    char *locked = ts_write_file(src, "locked.txt", "Locked away\n", 12);
    assert_int_equal(chmod(locked, 0), 0);
    free(locked);
    char *loop = ts_strf("%s/sub/loop", src);
    assert_int_equal(symlink("..", loop), 0);
    free(loop);
    return ts_strf("%s/bad-utf8.txt\n%s/good.txt\n%s/latin1.txt\n%s%s%s/notes.md\n%s/sub/deep.txt\n",
                   src, src, src, locked_readable ? src : "", locked_readable ? "/locked.txt\n" : "",
                   src, src);
}

static void test_messy_folder(void **state)
{
    const char *tmp = *state;
    char *src = ts_strf("%s/src", tmp), *dir = ts_strf("%s/index", tmp);
    int root = getuid() == 0; /* root reads a mode-000 file anyway */
    char *expected = make_messy_folder(src, root);
    char *args = ts_strf("--follow --index '%s' '%s'", dir, src); /* --follow: into the loop */
    char *err = NULL;
    int rc = indexer(args, NULL, &err); /* skips are warnings: the batch is committed */
    if (rc != 0)
        fail_msg("exit %d (wanted 0), stderr: %s", rc, err);
    if (!ts_line_with(err, "empty.txt", "empty file") || !ts_line_with(err, "binary.txt", "binary") ||
        !ts_line_with(err, "bad-utf8.txt", "invalid UTF-8") || !ts_line_with(err, "sub/loop", "loop") ||
        !ts_line_with(err, "doc.pdf", "damaged PDF"))
        fail_msg("stderr lacks a message: %s", err);
    if (!root && !ts_line_with(err, "locked.txt", "skipped"))
        fail_msg("stderr does not name the unreadable file: %s", err);
    assert_null(strstr(err, "latin1.txt"));
    assert_null(strstr(err, "HEAD.txt"));
    shelf_index *idx = open_index(dir);
    char *paths = index_paths(idx);
    assert_string_equal(paths, expected);
    assert_int_equal(shelf_index_doc_count(idx), root ? 6 : 5);
    shelf_docmeta m;
    const shelf_segment *seg = shelf_index_segment(idx, 0);
    assert_int_equal(shelf_segment_doc(seg, 0, &m, NULL), SHELF_OK); /* bad-utf8.txt */
    assert_int_equal(m.flags, SHELF_DOC_FLAG_INVALID_UTF8);
    assert_int_equal(shelf_segment_doc(seg, 1, &m, NULL), SHELF_OK); /* good.txt */
    assert_int_equal(m.flags, 0);
    assert_int_equal(shelf_segment_doc(seg, 2, &m, NULL), SHELF_OK); /* latin1.txt */
    assert_int_equal(m.flags, SHELF_ENC_CP1252 << SHELF_DOC_ENCODING_SHIFT);
    shelf_index_close(idx);
    assert_int_equal(check_documents(dir, NULL), root ? 6 : 5);
    free(paths);
    free(err);
    free(args);
    free(expected);
    free(src);
    free(dir);
}

/* Index the corpus with a language; return whether body "defences" exists. */
static int has_defences(const char *dir, const char *language)
{
    char *args = ts_strf("-q --language %s --index '%s' '%s'", language, dir, CORPUS_DIR);
    assert_int_equal(indexer(args, NULL, NULL), 0);
    shelf_index *idx = open_index(dir);
    assert_string_equal(shelf_index_language(idx), language);
    uint64_t df = 0;
    assert_int_equal(shelf_index_df(idx, (const uint8_t *)"\001defences", 9, &df, NULL), SHELF_OK);
    uint64_t stem_df = 0;
    assert_int_equal(shelf_index_df(idx, (const uint8_t *)"\001defenc", 7, &stem_df, NULL), SHELF_OK);
    assert_true((df > 0) != (stem_df > 0)); /* one form or the other */
    shelf_index_close(idx);
    free(args);
    return df > 0;
}

static void test_language_none_vs_english(void **state)
{
    const char *tmp = *state;
    char *none = ts_strf("%s/none", tmp), *english = ts_strf("%s/english", tmp);
    assert_true(has_defences(none, "none"));
    assert_false(has_defences(english, "english"));
    free(none);
    free(english);
}

static void test_unknown_language(void **state)
{
    const char *tmp = *state;
    char *dir = ts_strf("%s/index", tmp);
    index_into(dir, "'" CORPUS_DIR "'", 0);
    char *manifest = ts_strf("%s/MANIFEST", dir);
    size_t before_len, after_len;
    char *before = ts_read_file(manifest, &before_len);
    char *args = ts_strf("--language klingon --index '%s' '%s'", dir, CORPUS_DIR);
    char *err = NULL;
    assert_int_equal(indexer(args, NULL, &err), 2);
    if (!strstr(err, "klingon") || !strstr(err, "english") || !strstr(err, "french") ||
        !strstr(err, "none"))
        fail_msg("message does not list the languages: %s", err);
    char *after = ts_read_file(manifest, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);
    assert_int_equal(check_documents(dir, NULL), 5);
    free(before);
    free(after);
    free(err);
    free(args);
    free(manifest);
    free(dir);
}

static void test_nothing_to_index(void **state)
{
    const char *tmp = *state;
    char *dir = ts_strf("%s/index", tmp), *empty = ts_strf("%s/empty", tmp);
    assert_int_equal(mkdir(empty, 0755), 0);
    index_into(dir, "'" CORPUS_DIR "'", 0);
    char *manifest = ts_strf("%s/MANIFEST", dir);
    size_t before_len, after_len;
    char *before = ts_read_file(manifest, &before_len);
    char *args = ts_strf("--index '%s' '%s'", dir, empty);
    char *err = NULL;
    assert_int_equal(indexer(args, NULL, &err), 2);
    assert_non_null(strstr(err, "nothing to index"));
    char *after = ts_read_file(manifest, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);
    assert_true(exists(dir, "seg_000001.dict"));
    assert_false(exists(dir, "seg_000002.dict"));
    assert_false(exists(dir, "seg_000002.dict.tmp"));
    assert_int_equal(check_documents(dir, NULL), 5);
    free(before);
    free(after);
    free(err);
    free(args);
    free(manifest);
    free(empty);
    free(dir);
}

/* Without its helper program the indexer stops at the first PDF with a
 * message, exit 2, the index as it was: the file is not skipped (it would be
 * missing from the index with nothing but a warning); with the helper it is
 * read, by one thread and by two (each keeping a helper running). */
static void test_missing_helper_stops_the_run(void **state)
{
    const char *tmp = *state;
    char *dir = ts_strf("%s/index", tmp), *docs = ts_strf("%s/docs", tmp);
    write_text(docs, "note.txt", "a note about deterrence\n");
    size_t len;
    char *pdf = ts_read_file(TEST_DATA_DIR "/structure.pdf", &len);
    free(ts_write_file(docs, "report.pdf", pdf, len));
    free(pdf);
    index_into(dir, "'" CORPUS_DIR "'", 0);
    char *manifest = ts_strf("%s/MANIFEST", dir);
    size_t before_len, after_len;
    char *before = ts_read_file(manifest, &before_len);

    char *cmd = ts_strf("SHELF_HELPER=/nonexistent/shelf-helper '%s' -q --index '%s' '%s'",
                        INDEXER_BIN, dir, docs);
    char *err = NULL;
    assert_int_equal(ts_run(cmd, NULL, &err), 2);
    assert_non_null(strstr(err, "$SHELF_HELPER (/nonexistent/shelf-helper) is not an executable file"));
    char *after = ts_read_file(manifest, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);
    assert_int_equal(check_documents(dir, NULL), 5);

    for (int threads = 1; threads <= 2; threads++) {
        char *args = ts_strf("-q --threads %d --index '%s/t%d' '%s'", threads, tmp, threads, docs);
        char *errs = NULL;
        int rc = indexer(args, NULL, &errs);
        if (rc != 0)
            fail_msg("indexer %s: exit %d, stderr: %s", args, rc, errs);
        char *idx = ts_strf("%s/t%d", tmp, threads);
        assert_int_equal(check_documents(idx, NULL), 2);
        free(idx);
        free(errs);
        free(args);
    }
    free(before);
    free(after);
    free(err);
    free(cmd);
    free(manifest);
    free(docs);
    free(dir);
}

static void test_rerun_replaces_index(void **state)
{
    const char *tmp = *state;
    char *dir = ts_strf("%s/index", tmp), *small = ts_strf("%s/small", tmp);
    write_text(small, "one.txt", "first document\n");
    write_text(small, "two.txt", "second document\n");
    index_into(dir, "'" CORPUS_DIR "'", 0);
    shelf_index *old = open_index(dir);
    assert_int_equal(shelf_index_generation(old), 1);
    char *quoted = ts_strf("--rebuild '%s'", small);
    index_into(dir, quoted, 0);
    /* The old snapshot stays readable through its mappings. */
    assert_int_equal(shelf_index_doc_count(old), 5);
    shelf_index_close(old);
    shelf_index *idx = open_index(dir);
    assert_int_equal(shelf_index_generation(idx), 2);
    assert_int_equal(shelf_index_doc_count(idx), 2);
    assert_int_equal(shelf_segment_number(shelf_index_segment(idx, 0)), 2);
    shelf_index_close(idx);
    static const char *const exts[] = {"dict", "post", "pos", "docs", "store"};
    for (int i = 0; i < 5; i++) {
        char *name1 = ts_strf("seg_000001.%s", exts[i]), *name2 = ts_strf("seg_000002.%s", exts[i]);
        assert_false(exists(dir, name1));
        assert_true(exists(dir, name2));
        free(name1);
        free(name2);
    }
    assert_int_equal(check_documents(dir, NULL), 2);
    free(quoted);
    free(small);
    free(dir);
}

/* The --check report without its first line (which names the folder). */
static char *check_numbers(const char *dir)
{
    char *out = NULL;
    check_documents(dir, &out);
    char *nl = strchr(out, '\n');
    assert_non_null(nl);
    char *rest = strdup(nl + 1);
    free(out);
    return rest;
}

static void test_memory_one_same_index(void **state)
{
    const char *tmp = *state;
    char *a = ts_strf("%s/default", tmp), *b = ts_strf("%s/small-memory", tmp);
    index_into(a, "'" CORPUS_DIR "'", 0);
    char *args = ts_strf("-q --memory 1 --index '%s' '%s'", b, CORPUS_DIR);
    assert_int_equal(indexer(args, NULL, NULL), 0);
    char *na = check_numbers(a), *nb = check_numbers(b);
    assert_string_equal(na, nb);
    assert_non_null(strstr(na, "documents  5"));
    free(na);
    free(nb);
    free(args);
    free(a);
    free(b);
}

/* Every document's stored size and time are its file's, as stat by name
 * gives them; returns the number of documents. */
static uint32_t assert_stored_stats_match(const char *dir)
{
    shelf_index *idx = open_index(dir);
    uint32_t docs = 0;
    for (size_t i = 0; i < shelf_index_segment_count(idx); i++) {
        const shelf_segment *s = shelf_index_segment(idx, i);
        for (uint32_t d = 0; d < shelf_segment_doc_count(s); d++, docs++) {
            shelf_docmeta m;
            assert_int_equal(shelf_segment_doc(s, d, &m, NULL), SHELF_OK);
            char *path = ts_strf("%.*s", (int)m.path_len, m.path);
            struct stat sb;
            assert_int_equal(stat(path, &sb), 0);
            if (m.size != (uint64_t)sb.st_size ||
                m.mtime_ns != (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec)
                fail_msg("%s: stored size %llu time %lld, the file's %lld %lld", path,
                         (unsigned long long)m.size, (long long)m.mtime_ns, (long long)sb.st_size,
                         (long long)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec);
            free(path);
        }
    }
    shelf_index_close(idx);
    return docs;
}

/* A fresh index opens each file the folder listing calls regular and
 * stats the open descriptor (one path lookup); an existing index stats by
 * name first.  The two must store the same size and time: after a fresh
 * run with 1 or 3 threads each document has its file's, and a second run
 * finds every file unchanged.  A FIFO
 * in the tree (listed as such) is reported, not opened. */
static void test_fresh_run_then_nothing_changed(void **state)
{
    const char *tmp = *state;
    char *src = ts_strf("%s/src", tmp);
    for (int i = 0; i < 40; i++) {
        char *name = ts_strf("d%d/e%d/file%02d.txt", i % 3, i % 2, i);
        char *text = ts_strf("File %d of the tree, with words %d\n", i, i * 7);
        write_text(src, name, text);
        free(text);
        free(name);
    }
    char *fifo = ts_strf("%s/d0/pipe.txt", src);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    for (int threads = 1; threads <= 3; threads += 2) {
        char *dir = ts_strf("%s/index%d", tmp, threads);
        char *args = ts_strf("--threads %d --index '%s' '%s'", threads, dir, src);
        char *err = NULL;
        assert_int_equal(indexer(args, NULL, &err), 0);
        if (!strstr(err, "added 40,") || !ts_line_with(err, "pipe.txt", "not a regular file"))
            fail_msg("fresh run, %d threads: %s", threads, err);
        assert_int_equal(assert_stored_stats_match(dir), 40);
        free(err);
        err = NULL;
        assert_int_equal(indexer(args, NULL, &err), 0);
        if (!strstr(err, "added 0, updated 0, unchanged 40,"))
            fail_msg("second run, %d threads: %s", threads, err);
        free(err);
        free(args);
        free(dir);
    }
    free(fifo);
    free(src);
}

static void test_no_path_uses_sample_corpus(void **state)
{
    const char *tmp = *state;
    char *dir = ts_strf("%s/idx", tmp);
    char *args = ts_strf("-q --index '%s'", dir);
    char *err = NULL;
    int rc = indexer_in(tmp, args, NULL, &err);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    assert_int_equal(check_documents(dir, NULL), 5);
    free(err);
    /* No argument at all: the index goes to ./index. */
    rc = indexer_in(tmp, "", NULL, &err);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    char *cwd_index = ts_strf("%s/index", tmp);
    assert_int_equal(check_documents(cwd_index, NULL), 5);
    free(cwd_index);
    free(err);
    free(args);
    free(dir);
}

static void test_bad_options(void **state)
{
    const char *tmp = *state;
    char *err = NULL;
    char *args = ts_strf("--memory 0 --index '%s/i' '%s'", tmp, CORPUS_DIR);
    assert_int_equal(indexer(args, NULL, &err), 2);
    assert_non_null(strstr(err, "--memory"));
    free(err);
    free(args);
    args = ts_strf("--memory lots --index '%s/i' '%s'", tmp, CORPUS_DIR);
    assert_int_equal(indexer(args, NULL, NULL), 2);
    free(args);
    assert_int_equal(indexer("--no-such-option", NULL, NULL), 2);
    assert_false(exists(tmp, "i/MANIFEST"));
}

/* Processes whose program is the file at path (from /proc/PID/exe). */
static int processes_running(const char *path)
{
    int n = 0;
    DIR *d = opendir("/proc");
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        char link[300], exe[PATH_MAX];
        snprintf(link, sizeof link, "/proc/%s/exe", e->d_name);
        ssize_t len = readlink(link, exe, sizeof exe - 1);
        if (len <= 0)
            continue;
        exe[len] = '\0';
        if (strcmp(exe, path) == 0)
            n++;
    }
    closedir(d);
    return n;
}

/* Every reading thread keeps a helper for its files; none outlives the
 * run, with one thread or several (a copy of the helper, so that other
 * tests' helpers are not counted), and the index is the same either way. */
static void test_kept_helpers_end_with_the_run(void **state)
{
    const char *tmp = *state;
    char *docs = ts_strf("%s/docs", tmp);
    size_t len;
    char *pdf = ts_read_file(TEST_DATA_DIR "/structure.pdf", &len);
    for (int i = 0; i < 6; i++) {
        char *name = ts_strf("report-%d.pdf", i);
        free(ts_write_file(docs, name, pdf, len));
        free(name);
    }
    free(pdf);
    char *bin_dir = ts_strf("%s", INDEXER_BIN);
    *strrchr(bin_dir, '/') = '\0';
    char *copy = ts_strf("%s/helper-copy", tmp);
    char *cp = ts_strf("cp '%s/shelf-helper' '%s'", bin_dir, copy);
    assert_int_equal(system(cp), 0);
    for (int threads = 1; threads <= 3; threads++) {
        char *cmd = ts_strf("SHELF_HELPER='%s' '%s' -q --threads %d --index '%s/k%d' '%s'", copy,
                            INDEXER_BIN, threads, tmp, threads, docs);
        char *err = NULL;
        if (ts_run(cmd, NULL, &err) != 0)
            fail_msg("%s: %s", cmd, err);
        int left = processes_running(copy);
        for (int waited = 0; left > 0 && waited < 300; waited++) { /* they see end of file */
            struct timespec nap = {0, 10 * 1000000L};
            nanosleep(&nap, NULL);
            left = processes_running(copy);
        }
        assert_int_equal(left, 0);
        char *idx = ts_strf("%s/k%d", tmp, threads);
        assert_int_equal(check_documents(idx, NULL), 6);
        free(idx);
        free(err);
        free(cmd);
    }
    char *same = ts_strf("for f in '%s'/k1/seg_*; do cmp -s \"$f\" '%s'/k3/\"$(basename \"$f\")\" || exit 1; done",
                         tmp, tmp);
    assert_int_equal(system(same), 0);
    free(same);
    free(cp);
    free(copy);
    free(bin_dir);
    free(docs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_corpus_indexes_and_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_messy_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_language_none_vs_english, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_language, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_to_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_helper_stops_the_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kept_helpers_end_with_the_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rerun_replaces_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_one_same_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fresh_run_then_nothing_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_path_uses_sample_corpus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
