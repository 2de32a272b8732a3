/*
 * test_corruption.c - a damaged index is always detected or at least never
 * crashes the reader (common/backend/native/mapped.h, segment.h, index.h, manifest.h
 * and `indexer --check`).
 *
 * The corpus is indexed with the indexer binary, then each of the six files
 * (MANIFEST and seg_000001.{dict,post,pos,docs,store}) is damaged in turn and
 * restored afterwards:
 *   - one byte flipped in the middle: `indexer --check` exits 2 naming the
 *     file, and shelf_index_open with SHELF_OPEN_VERIFY fails with
 *     SHELF_ECORRUPT naming it;
 *   - truncated to half, to 10 bytes and to 0 bytes: the same, and opening
 *     without verification fails too;
 *   - the format version (bytes 8..11) changed: SHELF_EVERSION with a message
 *     about the version.
 * Then a few hundred seeded random trials flip one to a few bytes of a
 * segment file (half of them with the CRC recomputed, so that the damage
 * reaches the decoders) and read everything without verification: check,
 * dictionary walk, lookups, postings with positions and advance, documents
 * and texts.  Only errors or wrong data may come out; a crash or a sanitizer
 * report fails the test.  Hand-made postings with valid checksums carry
 * extreme varints (gaps near 2^63, tf past the positions) that the decoder
 * must reject without overflowing.  Lengths read from disk are bounded
 * before they size a buffer (run under a 1 GiB address-space limit): a
 * store block claiming 4 GiB of text, a tf of 2^30 in a document claiming
 * 2^32 tokens.  A MANIFEST with a damaged language name (valid CRC) is
 * refused naming it, and a position past its document's text fails the
 * searcher with a message naming the files.  Finally: a missing index
 * folder, and a MANIFEST naming segment files that do not exist.
 * (test_corrupt_cli.c sweeps every file through the binaries.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/engine.h"
#include "backend/native/dictwriter.h"
#include "backend/native/filewriter.h"
#include "backend/native/format.h"
#include "backend/native/index.h"
#include "engine/writer.h"
#include "backend/native/manifest.h"
#include "util/varint.h"
#include "support.h"
#include "util/bytes.h"

#define FUZZ_TRIALS 300 /* SHELF_FUZZ_TRIALS in the environment overrides */
#define MAX_POSITIONS (1u << 16)

static const char *const index_files[] = {
    "MANIFEST",           "seg_000001.dict", "seg_000001.post",
    "seg_000001.pos",     "seg_000001.docs", "seg_000001.store",
};
#define FILE_COUNT (sizeof index_files / sizeof *index_files)

typedef struct saved_file {
    char *path;
    uint8_t *data;
    size_t len;
} saved_file;

typedef struct fixture {
    char *tmp;
    char *index_dir;
    saved_file files[FILE_COUNT];
} fixture;

/* ---- fixture ---- */

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->tmp = ts_mkdtemp();
    fx->index_dir = ts_strf("%s/index", fx->tmp);
    char *cmd = ts_strf("'%s' -q --index '%s' '%s'", INDEXER_BIN, fx->index_dir, CORPUS_DIR);
    int rc = ts_run(cmd, NULL, NULL);
    free(cmd);
    if (rc != 0)
        return -1;
    for (size_t i = 0; i < FILE_COUNT; i++) {
        saved_file *f = &fx->files[i];
        f->path = ts_strf("%s/%s", fx->index_dir, index_files[i]);
        f->data = (uint8_t *)ts_read_file(f->path, &f->len);
        if (!f->data || f->len < 64)
            return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    for (size_t i = 0; i < FILE_COUNT; i++) {
        free(fx->files[i].path);
        free(fx->files[i].data);
    }
    ts_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->index_dir);
    free(fx);
    return 0;
}

/* ---- damaging and restoring ---- */

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (len)
        assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void restore(const saved_file *f)
{
    write_bytes(f->path, f->data, f->len);
}

static void restore_all(const fixture *fx)
{
    for (size_t i = 0; i < FILE_COUNT; i++)
        restore(&fx->files[i]);
}

/* Write the file with one byte XORed. */
static void flip_byte(const saved_file *f, size_t at, uint8_t mask)
{
    uint8_t *copy = ts_exact_copy(f->data, f->len);
    copy[at] ^= mask;
    write_bytes(f->path, copy, f->len);
    free(copy);
}

static void put_version(const saved_file *f, uint32_t version)
{
    uint8_t *copy = ts_exact_copy(f->data, f->len);
    shelf_store_u32le(copy + 8, version);
    write_bytes(f->path, copy, f->len);
    free(copy);
}

/* ---- expectations ---- */

/* `indexer --check` exits 2 and its stderr contains both strings. */
static void expect_check_fails(const char *dir, const char *s1, const char *s2)
{
    char *cmd = ts_strf("'%s' --check '%s'", INDEXER_BIN, dir);
    char *out = NULL, *err = NULL;
    int rc = ts_run(cmd, &out, &err);
    assert_non_null(err);
    if (rc != 2 || !strstr(err, s1) || (s2 && !strstr(err, s2)))
        fail_msg("indexer --check %s: exit %d, stderr: %s (wanted '%s'%s%s)", dir, rc, err, s1,
                 s2 ? " and " : "", s2 ? s2 : "");
    free(cmd);
    free(out);
    free(err);
}

/* shelf_index_open fails with code and a message containing s1 (and s2). */
static void expect_open_fails(const char *dir, unsigned flags, int code, const char *s1,
                              const char *s2)
{
    shelf_index *idx = (shelf_index *)&idx;
    shelf_err err = {0};
    int rc = shelf_index_open(&idx, dir, flags, &err);
    if (rc != code || !strstr(err.msg, s1) || (s2 && !strstr(err.msg, s2)))
        fail_msg("open %s (flags %u): %d '%s', wanted %d with '%s'%s%s", dir, flags, rc, err.msg,
                 code, s1, s2 ? " and " : "", s2 ? s2 : "");
    assert_null(idx);
    assert_int_equal(err.code, code);
}

static void expect_healthy(const fixture *fx)
{
    char *cmd = ts_strf("'%s' --check '%s'", INDEXER_BIN, fx->index_dir);
    int rc = ts_run(cmd, NULL, NULL);
    free(cmd);
    assert_int_equal(rc, 0);
}

/* ---- (a) one flipped byte ---- */

static void test_flipped_byte_detected(void **state)
{
    fixture *fx = *state;
    for (size_t i = 0; i < FILE_COUNT; i++) {
        const saved_file *f = &fx->files[i];
        flip_byte(f, f->len / 2, 0xFF);
        expect_check_fails(fx->index_dir, index_files[i], NULL);
        expect_open_fails(fx->index_dir, SHELF_OPEN_VERIFY, SHELF_ECORRUPT, index_files[i], NULL);
        restore(f);
    }
    expect_healthy(fx);
}

/* ---- (b) truncation ---- */

static void truncate_to(const saved_file *f, size_t len)
{
    write_bytes(f->path, f->data, len);
}

static void test_truncation_detected(void **state)
{
    fixture *fx = *state;
    for (size_t i = 0; i < FILE_COUNT; i++) {
        const saved_file *f = &fx->files[i];
        const size_t lengths[] = {f->len / 2, 10, 0, f->len - 1};
        for (size_t k = 0; k < sizeof lengths / sizeof *lengths; k++) {
            truncate_to(f, lengths[k]);
            expect_check_fails(fx->index_dir, index_files[i], NULL);
            expect_open_fails(fx->index_dir, SHELF_OPEN_VERIFY, SHELF_ECORRUPT, index_files[i], NULL);
            expect_open_fails(fx->index_dir, 0, SHELF_ECORRUPT, index_files[i], NULL);
        }
        restore(f);
    }
    expect_healthy(fx);
}

/* ---- (c) another format version ---- */

static void test_version_detected(void **state)
{
    fixture *fx = *state;
    const uint32_t versions[] = {SHELF_FORMAT_VERSION + 1, 0, 0x01000001u};
    for (size_t i = 0; i < FILE_COUNT; i++) {
        const saved_file *f = &fx->files[i];
        for (size_t k = 0; k < sizeof versions / sizeof *versions; k++) {
            put_version(f, versions[k]);
            expect_check_fails(fx->index_dir, index_files[i], "version");
            expect_open_fails(fx->index_dir, SHELF_OPEN_VERIFY, SHELF_EVERSION, index_files[i],
                              "version");
            expect_open_fails(fx->index_dir, 0, SHELF_EVERSION, index_files[i], "version");
        }
        restore(f);
    }
    expect_healthy(fx);
}

/* ---- random damage, read without verification ---- */

typedef struct reader {
    uint32_t *positions;
    size_t cap;
} reader;

static void read_positions(reader *r, shelf_postings *p)
{
    uint32_t tf = shelf_postings_tf(p);
    if (tf == 0 || tf > MAX_POSITIONS)
        return; /* damaged count: not worth a huge buffer */
    if (tf > r->cap) {
        r->positions = realloc(r->positions, tf * sizeof *r->positions);
        assert_non_null(r->positions);
        r->cap = tf;
    }
    shelf_postings_positions(p, r->positions, NULL);
}

/* Iterate a term's postings with positions; never more than df documents. */
static void read_postings(reader *r, const shelf_segment *s, const shelf_term_stats *t)
{
    shelf_postings p;
    if (shelf_postings_open(&p, s, t, NULL) != SHELF_OK)
        return;
    uint64_t count = 0;
    for (uint32_t d = p.doc; d != SHELF_DOC_END; d = shelf_postings_next(&p)) {
        assert_true(++count <= t->df);
        read_positions(r, &p);
    }
    if (shelf_postings_open(&p, s, t, NULL) != SHELF_OK)
        return;
    for (uint32_t target = 1; p.doc != SHELF_DOC_END; target += 2) {
        uint32_t before = p.doc;
        uint32_t d = shelf_postings_advance(&p, target);
        assert_true(d == SHELF_DOC_END || d >= before);
        if (d != SHELF_DOC_END && d >= target)
            read_positions(r, &p);
        assert_true(target < UINT32_MAX - 2);
    }
}

/* Walk the dictionary; look up and read every term's postings. */
static void read_dictionary(reader *r, const shelf_index *idx, const shelf_segment *s)
{
    shelf_dict_iter it;
    if (shelf_dict_seek(&it, s, (const uint8_t *)"", 0, NULL) != SHELF_OK)
        return;
    uint64_t n = 0;
    while (shelf_dict_next(&it, NULL) == 1) {
        assert_true(++n <= shelf_segment_term_count(s));
        read_postings(r, s, &it.stats);
        shelf_term_stats t;
        uint8_t key[SHELF_MAX_KEY_BYTES];
        size_t key_len = it.key_len;
        memcpy(key, it.key, key_len);
        if (n % 5 == 0 && shelf_segment_lookup(s, key, key_len, &t, NULL) == SHELF_OK)
            read_postings(r, s, &t);
        uint64_t df;
        if (n % 11 == 0)
            shelf_index_df(idx, key, key_len, &df, NULL);
    }
}

/* Read every byte of a string the reader handed out (ASan checks bounds). */
static unsigned touch(const char *p, size_t len)
{
    volatile unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += (unsigned char)p[i];
    return sum;
}

static void read_documents(const shelf_segment *s)
{
    shelf_buf text = SHELF_BUF_INIT, cps = SHELF_BUF_INIT;
    for (uint32_t d = 0; d <= shelf_segment_doc_count(s); d++) {
        shelf_docmeta m;
        if (shelf_segment_doc(s, d, &m, NULL) == SHELF_OK)
            {
            touch(m.path, m.path_len);
            touch(m.title, m.title_len);
        }
        shelf_segment_doc_length(s, d);
        shelf_segment_title_length(s, d);
        if (shelf_segment_text(s, d, &text, &cps, NULL) == SHELF_OK && text.len)
            assert_true(text.data[text.len] == 0);
        shelf_segment_text(s, d, &text, NULL, NULL);
    }
    shelf_buf_free(&text);
    shelf_buf_free(&cps);
}

static void read_fixed_keys(reader *r, const shelf_segment *s)
{
    static const char *const keys[] = {"\001nato", "\002nato", "\001alli", "\001zzzz", "\001a"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        shelf_term_stats t;
        if (shelf_segment_lookup(s, (const uint8_t *)keys[i], strlen(keys[i]), &t, NULL) == SHELF_OK)
            read_postings(r, s, &t);
    }
}

/* Read everything an open (possibly damaged) index offers. */
static void read_everything(const shelf_index *idx)
{
    reader r = {0};
    for (size_t i = 0; i < shelf_index_segment_count(idx); i++) {
        const shelf_segment *s = shelf_index_segment(idx, i);
        read_fixed_keys(&r, s);
        read_dictionary(&r, idx, s);
        read_documents(s);
    }
    shelf_check_report report;
    shelf_index_check(idx, &report, NULL);
    free(r.positions);
}

/* Recompute the footer's CRC so that the damage passes verification. */
static void fix_crc(uint8_t *data, size_t len)
{
    if (len < SHELF_FOOTER_BYTES)
        return;
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), data, (uInt)(len - 4));
    shelf_store_u32le(data + len - 4, crc);
}

static void damage_randomly(const saved_file *f, uint64_t *rng)
{
    uint8_t *copy = ts_exact_copy(f->data, f->len);
    int flips = 1 + (int)ts_rand_below(rng, 4);
    for (int k = 0; k < flips; k++) {
        size_t at = (size_t)ts_rand_below(rng, f->len);
        if (ts_rand_below(rng, 3) == 0) /* mostly the body, past the header */
            at = SHELF_HEADER_BYTES + (size_t)ts_rand_below(rng, f->len - SHELF_HEADER_BYTES);
        copy[at] ^= (uint8_t)(1 + ts_rand_below(rng, 255));
    }
    if (ts_rand_below(rng, 2))
        fix_crc(copy, f->len);
    write_bytes(f->path, copy, f->len);
    free(copy);
}

static int fuzz_trials(void)
{
    const char *env = getenv("SHELF_FUZZ_TRIALS");
    int n = env ? atoi(env) : 0;
    return n > 0 ? n : FUZZ_TRIALS;
}

static void test_random_damage_never_crashes(void **state)
{
    fixture *fx = *state;
    uint64_t rng = 0xC0FFEE;
    unsigned opened = 0;
    const int trials = fuzz_trials();
    for (int trial = 0; trial < trials; trial++) {
        const saved_file *f = &fx->files[1 + ts_rand_below(&rng, FILE_COUNT - 1)];
        damage_randomly(f, &rng);
        shelf_index *idx = NULL;
        if (shelf_index_open(&idx, fx->index_dir, 0, NULL) == SHELF_OK) {
            opened++;
            read_everything(idx);
            shelf_index_close(idx);
        }
        restore(f);
    }
    assert_true(opened > (unsigned)trials / 4); /* the readers really were exercised */
    expect_healthy(fx);
}

/* The undamaged index reads cleanly through the same reader. */
static void test_reader_on_healthy_index(void **state)
{
    fixture *fx = *state;
    restore_all(fx);
    shelf_index *idx = NULL;
    shelf_err err = {0};
    assert_int_equal(shelf_index_open(&idx, fx->index_dir, SHELF_OPEN_VERIFY, &err), SHELF_OK);
    read_everything(idx);
    shelf_check_report report;
    assert_int_equal(shelf_index_check(idx, &report, &err), SHELF_OK);
    assert_int_equal(report.documents, 5);
    shelf_index_close(idx);
}

/* ---- hand-made postings with valid checksums ---- */

/* Replace path with a framed file of the given magic and body. */
static void write_framed(const char *path, const char *magic, const uint8_t *body, size_t n)
{
    shelf_fwriter w;
    shelf_err err = {0};
    assert_int_equal(shelf_fw_open(&w, path, magic, &err), SHELF_OK);
    shelf_fw_write(&w, body, n);
    assert_int_equal(shelf_fw_finish(&w, &err), SHELF_OK);
    assert_int_equal(shelf_fw_commit(&w, &err), SHELF_OK);
    shelf_fw_abort(&w);
}

/* Replace path with a dictionary of one key. */
static void write_one_key_dict(const char *path, const char *key, const shelf_term_stats *t)
{
    shelf_dictwriter d;
    shelf_err err = {0};
    assert_int_equal(shelf_dictwriter_open(&d, path, &err), SHELF_OK);
    assert_int_equal(shelf_dictwriter_add(&d, (const uint8_t *)key, strlen(key), t, &err), SHELF_OK);
    assert_int_equal(shelf_dictwriter_finish(&d, &err), SHELF_OK);
    assert_int_equal(shelf_fw_commit(&d.file, &err), SHELF_OK);
    shelf_dictwriter_close(&d);
}

/* A three-document index of "alpha beta" built with the library. */
static char *build_small_index(const char *parent)
{
    char *dir = ts_strf("%s/crafted", parent);
    shelf_err err = {0};
    shelf_writer_opts wo = {.language = "english", .memory_budget = 1 << 20};
    shelf_indexwriter *w = shelf_indexwriter_open(dir, &wo, &err);
    assert_non_null(w);
    static const char *const paths[] = {"doc0.txt", "doc1.txt", "doc2.txt"};
    for (int i = 0; i < 3; i++) {
        shelf_doc_input in = {.path = paths[i], .title = "alpha", .title_len = 5,
                              .text = "alpha beta", .text_len = 10, .size = 10, .hash = 1};
        assert_int_equal(shelf_indexwriter_add(w, &in, NULL, &err), SHELF_OK);
    }
    assert_int_equal(shelf_indexwriter_commit(w, NULL, &err), SHELF_OK);
    shelf_indexwriter_free(w);
    return dir;
}

typedef struct crafted_case {
    const char *what;
    uint64_t values[4]; /* gap, tf-1 pairs of a last (varint) block */
    unsigned df;
} crafted_case;

/* Install postings made of the case's varints for key "\001alpha" (with
 * the segment's real positions), open with verification, and expect the
 * postings and the full check to report damage. */
static void run_crafted_case(const char *dir, const crafted_case *c)
{
    uint8_t body[4 * SHELF_VARINT_MAX];
    size_t n = 0;
    for (unsigned i = 0; i < 2 * c->df; i++)
        n += shelf_varint_put(body + n, c->values[i]);
    char *post = ts_strf("%s/seg_000001.post", dir), *dict = ts_strf("%s/seg_000001.dict", dir);
    write_framed(post, SHELF_MAGIC_POST, body, n);
    shelf_term_stats t = {.df = c->df, .cf = c->df, .post_offset = SHELF_HEADER_BYTES,
                          .post_len = n, .pos_offset = SHELF_HEADER_BYTES, .pos_len = 1};
    write_one_key_dict(dict, "\001alpha", &t);
    shelf_index *idx = NULL;
    shelf_err err = {0};
    if (shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, &err) != SHELF_OK)
        fail_msg("%s: open: %s", c->what, err.msg);
    const shelf_segment *s = shelf_index_segment(idx, 0);
    shelf_term_stats got;
    assert_int_equal(shelf_segment_lookup(s, (const uint8_t *)"\001alpha", 6, &got, &err), SHELF_OK);
    reader r = {0};
    read_postings(&r, s, &got);
    free(r.positions);
    shelf_check_report report;
    int rc = shelf_index_check(idx, &report, &err);
    if (rc != SHELF_ECORRUPT)
        fail_msg("%s: check gave %d '%s', wanted SHELF_ECORRUPT", c->what, rc, err.msg);
    shelf_index_close(idx);
    free(post);
    free(dict);
}

static void test_crafted_postings(void **state)
{
    fixture *fx = *state;
    char *dir = build_small_index(fx->tmp);
    const uint64_t big = (uint64_t)INT64_MAX;
    const crafted_case cases[] = {
        {"gap INT64_MAX", {big, 0}, 1},
        {"gap 2^63", {big + 1, 0}, 1},
        {"gap UINT64_MAX", {UINT64_MAX, 0}, 1},
        {"gap past the documents", {3, 0}, 1},
        {"second gap INT64_MAX - 1 after doc 1", {1, 0, big - 1, 0}, 2},
        {"second gap 2^32 after doc 0", {0, 0, 1ull << 32, 0}, 2},
        {"tf past the positions", {0, 999}, 1},
        {"tf 2^32", {0, 1ull << 32}, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        run_crafted_case(dir, &cases[i]);
    ts_rmtree(dir);
    free(dir);
}

/* ---- lengths read from disk are bounded before use ---- */

/* Run with at most 1 GiB of address space (not under AddressSanitizer,
 * whose shadow memory needs far more), so that a length read from disk and
 * trusted makes an allocation fail instead of quietly reserving gigabytes. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static struct rlimit limit_address_space(void)
{
    struct rlimit before;
    assert_int_equal(getrlimit(RLIMIT_AS, &before), 0);
    struct rlimit small = before;
    if (!SANITIZED && (small.rlim_max == RLIM_INFINITY || small.rlim_max > (1ull << 30)))
        small.rlim_cur = 1ull << 30;
    assert_int_equal(setrlimit(RLIMIT_AS, &small), 0);
    return before;
}

static void unlimit_address_space(const struct rlimit *before)
{
    assert_int_equal(setrlimit(RLIMIT_AS, before), 0);
}

/* Overwrite n bytes at offset of a framed file and recompute its CRC. */
static void patch_with_crc(const char *path, size_t offset, const void *bytes, size_t n)
{
    size_t len;
    uint8_t *data = (uint8_t *)ts_read_file(path, &len);
    assert_non_null(data);
    assert_true(offset + n <= len);
    memcpy(data + offset, bytes, n);
    fix_crc(data, len);
    write_bytes(path, data, len);
    free(data);
}

/* A store block whose header claims 4 GiB of text (CRC valid): reading the
 * document fails as damage, without reserving the 4 GiB first. */
static void test_store_block_length_bounded(void **state)
{
    fixture *fx = *state;
    char *parent = ts_strf("%s/store-length", fx->tmp);
    assert_int_equal(mkdir(parent, 0755), 0);
    char *dir = build_small_index(parent);
    char *store = ts_strf("%s/seg_000001.store", dir);
    size_t len;
    uint8_t *data = (uint8_t *)ts_read_file(store, &len);
    assert_non_null(data);
    size_t trailer = len - SHELF_FOOTER_BYTES - SHELF_STORE_TRAILER_BYTES;
    uint64_t index_offset = shelf_load_u64le(data + trailer + 8);
    uint64_t first_block = shelf_load_u64le(data + index_offset);
    free(data);
    uint8_t huge[4];
    shelf_store_u32le(huge, 0xFFFFFFF0u);
    patch_with_crc(store, (size_t)first_block, huge, sizeof huge);

    shelf_index *idx = NULL;
    shelf_err err = {0};
    assert_int_equal(shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, &err), SHELF_OK);
    shelf_buf text = SHELF_BUF_INIT;
    struct rlimit before = limit_address_space();
    int rc = shelf_segment_text(shelf_index_segment(idx, 0), 0, &text, NULL, &err);
    unlimit_address_space(&before);
    if (rc != SHELF_ECORRUPT || !strstr(err.msg, "seg_000001.store"))
        fail_msg("4 GiB store block: %d '%s', wanted SHELF_ECORRUPT naming the store", rc, err.msg);
    shelf_buf_free(&text);
    shelf_index_close(idx);
    ts_rmtree(parent);
    free(store);
    free(dir);
    free(parent);
}

/* A posting whose tf is 2^30 in a document whose record says its length is
 * 2^32 - 256 (both files with valid CRCs): the tf is refused before anyone
 * sizes a buffer by it.  Since format version 6 the bound is the dense length
 * (norms.h, still the true 2), so it is refused for exceeding the length; the
 * positions bound behind it is the same code as before. */
static void test_term_frequency_bounded(void **state)
{
    fixture *fx = *state;
    char *parent = ts_strf("%s/tf-bound", fx->tmp);
    assert_int_equal(mkdir(parent, 0755), 0);
    char *dir = build_small_index(parent);
    char *docs = ts_strf("%s/seg_000001.docs", dir), *post = ts_strf("%s/seg_000001.post", dir);
    char *dict = ts_strf("%s/seg_000001.dict", dir);
    uint8_t length[4];
    shelf_store_u32le(length, 0xFFFFFF00u);
    patch_with_crc(docs, SHELF_HEADER_BYTES, length, sizeof length); /* doc 0's length */
    uint8_t body[2 * SHELF_VARINT_MAX];
    size_t n = shelf_varint_put(body, 0);           /* doc 0 */
    n += shelf_varint_put(body + n, (1u << 30) - 1); /* tf - 1 */
    write_framed(post, SHELF_MAGIC_POST, body, n);
    shelf_term_stats t = {.df = 1, .cf = 1u << 30, .post_offset = SHELF_HEADER_BYTES,
                          .post_len = n, .pos_offset = SHELF_HEADER_BYTES, .pos_len = 4};
    write_one_key_dict(dict, "\001alpha", &t);

    shelf_index *idx = NULL;
    shelf_err err = {0};
    assert_int_equal(shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, &err), SHELF_OK);
    const shelf_segment *s = shelf_index_segment(idx, 0);
    shelf_term_stats got;
    assert_int_equal(shelf_segment_lookup(s, (const uint8_t *)"\001alpha", 6, &got, &err), SHELF_OK);
    shelf_postings p;
    assert_int_equal(shelf_postings_open(&p, s, &got, &err), SHELF_OK);
    assert_int_equal(p.doc, 0);
    uint32_t tf = shelf_postings_tf_checked(&p, &err);
    if (tf != 0 || err.code != SHELF_ECORRUPT || !strstr(err.msg, "seg_000001."))
        fail_msg("tf 2^30 with 4 bytes of positions: got %u, '%s'", tf, err.msg);

    /* The consumer that sizes a buffer by the tf: the engine's positions. */
    shelf_engine *e = shelf_engine_borrow(idx);
    assert_non_null(e);
    shelf_hit hit = {0, 0, 0, 0};
    shelf_buf positions = SHELF_BUF_INIT;
    struct rlimit before = limit_address_space();
    int rc = shelf_engine_positions(e, &hit, (const uint8_t *)"\001alpha", 6, &positions, &err);
    unlimit_address_space(&before);
    if (rc != SHELF_ECORRUPT || !strstr(err.msg, "seg_000001."))
        fail_msg("positions with tf 2^30: %d '%s', wanted SHELF_ECORRUPT naming a file", rc, err.msg);
    shelf_buf_free(&positions);
    shelf_engine_close(e);
    shelf_index_close(idx);
    ts_rmtree(parent);
    free(docs);
    free(post);
    free(dict);
    free(dir);
    free(parent);
}

/* A MANIFEST whose language name is damaged but whose CRC is valid: the
 * check and every open refuse it, naming the MANIFEST (before, the check
 * passed and searches failed on an "unknown language" naming no file). */
static void test_manifest_language_checked(void **state)
{
    fixture *fx = *state;
    const saved_file *f = &fx->files[0];
    const size_t language = SHELF_HEADER_BYTES + 8 + 1; /* after generation and length */
    const uint8_t bad[] = {'d', 0, 0x80};
    for (size_t i = 0; i < sizeof bad; i++) {
        uint8_t *copy = ts_exact_copy(f->data, f->len);
        assert_memory_equal(copy + language, "english", 7);
        copy[language + (i ? 3 : 0)] = bad[i];
        fix_crc(copy, f->len);
        write_bytes(f->path, copy, f->len);
        free(copy);
        expect_check_fails(fx->index_dir, "MANIFEST", "language");
        expect_open_fails(fx->index_dir, 0, SHELF_ECORRUPT, "MANIFEST", "language");
    }
    restore(f);
    expect_healthy(fx);
}

/* A position past the document's tokens, in a .pos file whose CRC is valid
 * (nothing but the stored text can tell): the searcher's snippets fail
 * with a message naming the files (before, it named none). */
static void test_position_mismatch_names_files(void **state)
{
    fixture *fx = *state;
    char *parent = ts_strf("%s/position-mismatch", fx->tmp);
    assert_int_equal(mkdir(parent, 0755), 0);
    char *dir = build_small_index(parent);
    shelf_index *idx = NULL;
    shelf_err err = {0};
    assert_int_equal(shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, &err), SHELF_OK);
    shelf_term_stats t;
    assert_int_equal(shelf_segment_lookup(shelf_index_segment(idx, 0), (const uint8_t *)"\001alpha",
                                          6, &t, &err), SHELF_OK);
    shelf_index_close(idx);
    char *pos = ts_strf("%s/seg_000001.pos", dir);
    const uint8_t past_the_text = 5; /* doc 0 has two tokens */
    patch_with_crc(pos, (size_t)t.pos_offset, &past_the_text, 1);
    /* the three documents share one content hash: --no-collapse shows each
     * (collapsed, the damaged one could be folded into another's hit) */
    char *cmd = ts_strf("'%s' --index '%s' --no-collapse alpha", SEARCHER_BIN, dir);
    char *err_text = NULL;
    int rc = ts_run(cmd, NULL, &err_text);
    assert_non_null(err_text);
    if (rc != 2 || !strstr(err_text, "seg_000001.pos") || !strstr(err_text, "seg_000001.store"))
        fail_msg("position past the text: exit %d, stderr: %s", rc, err_text);
    free(err_text);
    free(cmd);
    free(pos);
    ts_rmtree(parent);
    free(dir);
    free(parent);
}

/* ---- missing things ---- */

static void test_missing_index_dir(void **state)
{
    fixture *fx = *state;
    char *dir = ts_strf("%s/does-not-exist", fx->tmp);
    expect_open_fails(dir, 0, SHELF_ENOTFOUND, "no index", NULL);
    expect_open_fails(dir, SHELF_OPEN_VERIFY, SHELF_ENOTFOUND, "no index", NULL);
    expect_check_fails(dir, "no index", NULL);
    /* An existing folder without a MANIFEST is no index either. */
    char *empty = ts_strf("%s/empty", fx->tmp);
    free(ts_write_file(empty, "notes.txt", "x", 1));
    expect_open_fails(empty, 0, SHELF_ENOTFOUND, "no index", NULL);
    free(dir);
    free(empty);
}

static void test_manifest_names_missing_segment(void **state)
{
    fixture *fx = *state;
    char *dir = ts_strf("%s/ghost", fx->tmp);
    free(ts_write_file(dir, "README", "x", 1));
    shelf_manifest_segment seg = {.number = 7, .doc_count = 5, .live_count = 5,
                                  .total_tokens = 1000, .live_tokens = 1000};
    shelf_manifest m = {.generation = 3, .language = "english", .next_segment = 8,
                        .segment_count = 1, .segments = &seg};
    shelf_err err = {0};
    assert_int_equal(shelf_manifest_write(dir, &m, &err), SHELF_OK);
    shelf_index *idx = (shelf_index *)&idx;
    int rc = shelf_index_open(&idx, dir, 0, &err);
    assert_int_not_equal(rc, SHELF_OK);
    assert_null(idx);
    if (!strstr(err.msg, "seg_000007."))
        fail_msg("message does not name the missing file: %s", err.msg);
    expect_check_fails(dir, "seg_000007.", NULL);
    free(dir);
}

static void test_deleted_segment_file(void **state)
{
    fixture *fx = *state;
    for (size_t i = 1; i < FILE_COUNT; i++) {
        const saved_file *f = &fx->files[i];
        assert_int_equal(unlink(f->path), 0);
        shelf_index *idx = (shelf_index *)&idx;
        shelf_err err = {0};
        assert_int_not_equal(shelf_index_open(&idx, fx->index_dir, 0, &err), SHELF_OK);
        assert_null(idx);
        if (!strstr(err.msg, index_files[i]))
            fail_msg("message does not name %s: %s", index_files[i], err.msg);
        expect_check_fails(fx->index_dir, index_files[i], NULL);
        restore(f);
    }
    expect_healthy(fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flipped_byte_detected),
        cmocka_unit_test(test_truncation_detected),
        cmocka_unit_test(test_version_detected),
        cmocka_unit_test(test_missing_index_dir),
        cmocka_unit_test(test_manifest_names_missing_segment),
        cmocka_unit_test(test_deleted_segment_file),
        cmocka_unit_test(test_reader_on_healthy_index),
        cmocka_unit_test(test_random_damage_never_crashes),
        cmocka_unit_test(test_crafted_postings),
        cmocka_unit_test(test_store_block_length_bounded),
        cmocka_unit_test(test_term_frequency_bounded),
        cmocka_unit_test(test_manifest_language_checked),
        cmocka_unit_test(test_position_mismatch_names_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
