/*
 * test_index_roundtrip.c - what the index writer stores is exactly what the
 * reader gives back (common/backend/native/indexwriter.h, segment.h, index.h).
 *
 * An index is built with the library API from the files of a folder, in
 * sorted name order and through shelf_extract_file as the indexer does.  A
 * naive in-memory index of the same texts is built with the analyzer alone
 * (key = field byte + term, with every position), and the segment must agree
 * with it on everything:
 *   - every key: found by shelf_segment_lookup with the same df and cf, and
 *     shelf_postings gives the same documents, tfs and positions;
 *   - the dictionary, walked from the start, holds exactly the naive keys in
 *     sorted order, and a seek on a prefix lists exactly the keys with it;
 *   - every document's metadata, stored text and checkpoints (the byte offset
 *     of body token i * 128);
 *   - shelf_index_check's counts.
 * The same holds for indexes built with a tiny memory budget, whose inverter
 * spills several sorted runs (the files must be byte-identical to the one-run
 * build, and no run file may remain).  A synthetic folder of 2000 small files
 * gives terms with many 128-posting blocks and skip tables, on which
 * shelf_postings_advance is compared with a linear scan.  Positions and
 * document records read with pread (pos_read, shelf_segment_doc_read) must
 * equal those read through the mapping, also past the size of their first
 * read (a block of long position lists, a path of more than 512 bytes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>

#include "analysis/analyzer.h"
#include "extract/extract.h"
#include "backend/native/format.h"
#include "backend/native/index.h"
#include "engine/writer.h"
#include "support.h"

#define BIG_BUDGET ((size_t)256 << 20)
#define TINY_BUDGET ((size_t)64 << 10)
#define SYNTH_FILES 2000

/* ---- the source documents ---- */

typedef struct source_doc {
    char *path;
    shelf_extracted ex;
} source_doc;

typedef struct source_set {
    source_doc *docs;
    size_t count;
} source_set;

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Supported files of a flat folder, sorted by name, extracted. */
static void load_sources(const char *dir, source_set *set)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !shelf_extract_supported(e->d_name))
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        assert_non_null(names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, compare_strings);
    set->docs = calloc(n ? n : 1, sizeof *set->docs);
    set->count = 0;
    for (size_t i = 0; i < n; i++) {
        source_doc *sd = &set->docs[set->count];
        sd->path = ts_strf("%s/%s", dir, names[i]);
        shelf_err err = {0};
        int rc = shelf_extract_file(sd->path, &sd->ex, &err);
        if (rc != SHELF_OK)
            fail_msg("extract %s: %s", sd->path, err.msg);
        set->count++;
        free(names[i]);
    }
    free(names);
}

static void free_sources(source_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        shelf_extracted_free(&set->docs[i].ex);
        free(set->docs[i].path);
    }
    free(set->docs);
    memset(set, 0, sizeof *set);
}

/* Build an index of the sources in dir; returns the commit summary. */
static shelf_segment_summary build_index(const char *dir, const source_set *set, size_t budget)
{
    shelf_err err = {0};
    shelf_writer_opts wo = {.language = "english", .memory_budget = budget};
    shelf_indexwriter *w = shelf_indexwriter_open(dir, &wo, &err);
    if (!w)
        fail_msg("indexwriter_open: %s", err.msg);
    for (size_t i = 0; i < set->count; i++) {
        const source_doc *sd = &set->docs[i];
        shelf_doc_input in = {.path = sd->path, .title = sd->ex.title,
                              .title_len = sd->ex.title_len, .text = sd->ex.text,
                              .text_len = sd->ex.len, .size = sd->ex.size,
                              .mtime_ns = sd->ex.mtime_ns, .hash = sd->ex.hash};
        shelf_doc_report rep;
        if (shelf_indexwriter_add(w, &in, &rep, &err) != SHELF_OK)
            fail_msg("indexwriter_add %s: %s", sd->path, err.msg);
        assert_int_equal(rep.doc, i);
    }
    shelf_commit_summary sum;
    if (shelf_indexwriter_commit(w, &sum, &err) != SHELF_OK)
        fail_msg("indexwriter_commit: %s", err.msg);
    shelf_indexwriter_free(w);
    return sum.segment;
}

static shelf_index *open_index(const char *dir)
{
    shelf_index *idx = NULL;
    shelf_err err = {0};
    if (shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, &err) != SHELF_OK)
        fail_msg("index_open %s: %s", dir, err.msg);
    assert_int_equal(shelf_index_segment_count(idx), 1);
    return idx;
}

/* ---- the naive index ---- */

typedef struct occ {
    uint8_t key[SHELF_MAX_KEY_BYTES];
    uint8_t key_len;
    uint32_t doc, pos;
} occ;

typedef struct naive_term {
    size_t first, end; /* range of occs */
    uint64_t df, cf;
} naive_term;

typedef struct naive {
    occ *occs;
    size_t n, cap;
    naive_term *terms;
    size_t term_count;
    uint32_t *body_len, *title_len;
    uint64_t **checkpoints; /* per doc: start of body tokens 0, 128, ... */
    size_t *checkpoint_count;
    uint64_t total_tokens;
} naive;

static void naive_push(naive *nv, uint8_t field, const shelf_token *tok, uint32_t doc)
{
    if (nv->n == nv->cap) {
        nv->cap = nv->cap ? nv->cap * 2 : 4096;
        nv->occs = realloc(nv->occs, nv->cap * sizeof *nv->occs);
        assert_non_null(nv->occs);
    }
    occ *o = &nv->occs[nv->n++];
    o->key[0] = field;
    memcpy(o->key + 1, tok->term, tok->term_len);
    o->key_len = (uint8_t)(tok->term_len + 1);
    o->doc = doc;
    o->pos = tok->position;
}

/* Analyse one field; returns its token count. */
static uint32_t naive_field(naive *nv, shelf_analyzer *a, uint8_t field, const char *text,
                            size_t len, uint32_t doc)
{
    shelf_token_iter it;
    shelf_token tok;
    uint32_t count = 0;
    shelf_tokens_begin(&it, a, text, len);
    while (shelf_tokens_next(&it, &tok)) {
        assert_int_equal(tok.position, count);
        if (field == SHELF_FIELD_BODY && tok.position % SHELF_CHECKPOINT_EVERY == 0) {
            size_t k = nv->checkpoint_count[doc]++;
            nv->checkpoints[doc] = realloc(nv->checkpoints[doc], (k + 1) * sizeof(uint64_t));
            assert_non_null(nv->checkpoints[doc]);
            nv->checkpoints[doc][k] = tok.start;
        }
        naive_push(nv, field, &tok, doc);
        count++;
    }
    return count;
}

static int key_compare(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
    size_t n = la < lb ? la : lb;
    int c = memcmp(a, b, n);
    if (c)
        return c;
    return la < lb ? -1 : la > lb;
}

static int compare_occ(const void *pa, const void *pb)
{
    const occ *a = pa, *b = pb;
    int c = key_compare(a->key, a->key_len, b->key, b->key_len);
    if (c)
        return c;
    if (a->doc != b->doc)
        return a->doc < b->doc ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int same_key(const occ *a, const occ *b)
{
    return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

/* Sort the occurrences and cut them into terms with df and cf. */
static void naive_group(naive *nv)
{
    qsort(nv->occs, nv->n, sizeof *nv->occs, compare_occ);
    nv->terms = calloc(nv->n ? nv->n : 1, sizeof *nv->terms);
    assert_non_null(nv->terms);
    for (size_t i = 0; i < nv->n;) {
        naive_term *t = &nv->terms[nv->term_count++];
        t->first = i;
        uint32_t last_doc = UINT32_MAX;
        for (; i < nv->n && same_key(&nv->occs[i], &nv->occs[t->first]); i++) {
            t->cf++;
            if (nv->occs[i].doc != last_doc)
                t->df++;
            last_doc = nv->occs[i].doc;
        }
        t->end = i;
    }
}

static void naive_build(naive *nv, const source_set *set)
{
    memset(nv, 0, sizeof *nv);
    shelf_err err = {0};
    shelf_analyzer *a = shelf_analyzer_new("english", &err);
    assert_non_null(a);
    size_t n = set->count ? set->count : 1;
    nv->body_len = calloc(n, sizeof *nv->body_len);
    nv->title_len = calloc(n, sizeof *nv->title_len);
    nv->checkpoints = calloc(n, sizeof *nv->checkpoints);
    nv->checkpoint_count = calloc(n, sizeof *nv->checkpoint_count);
    for (uint32_t d = 0; d < set->count; d++) {
        const shelf_extracted *ex = &set->docs[d].ex;
        nv->body_len[d] = naive_field(nv, a, SHELF_FIELD_BODY, ex->text, ex->len, d);
        nv->title_len[d] = naive_field(nv, a, SHELF_FIELD_TITLE_ID, ex->title, ex->title_len, d);
        nv->total_tokens += nv->body_len[d];
    }
    shelf_analyzer_free(a);
    naive_group(nv);
}

static void naive_free(naive *nv, size_t doc_count)
{
    for (size_t d = 0; d < doc_count; d++)
        free(nv->checkpoints[d]);
    free(nv->checkpoints);
    free(nv->checkpoint_count);
    free(nv->body_len);
    free(nv->title_len);
    free(nv->terms);
    free(nv->occs);
}

static const occ *term_key(const naive *nv, const naive_term *t)
{
    return &nv->occs[t->first];
}

/* The naive term with this key, or NULL. */
static const naive_term *naive_find(const naive *nv, const uint8_t *key, size_t key_len)
{
    size_t lo = 0, hi = nv->term_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const occ *o = term_key(nv, &nv->terms[mid]);
        int c = key_compare(o->key, o->key_len, key, key_len);
        if (c == 0)
            return &nv->terms[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- comparing a segment with the naive index ---- */

/* Number of occurrences of occs[i]'s doc from i on (same term). */
static size_t doc_run(const naive *nv, size_t i, size_t end)
{
    size_t j = i;
    while (j < end && nv->occs[j].doc == nv->occs[i].doc)
        j++;
    return j - i;
}

/* The current document's positions, through the mapping and then with
 * pread (which leaves the mapping's reading state alone). */
static void check_positions(shelf_postings *p, const naive *nv, size_t i, size_t tf)
{
    uint32_t *pos = malloc(tf * sizeof *pos);
    assert_non_null(pos);
    for (int by_read = 0; by_read < 2; by_read++) {
        shelf_err err = {0};
        memset(pos, 0xFF, tf * sizeof *pos);
        p->pos_read = by_read;
        if (shelf_postings_positions(p, pos, &err) != SHELF_OK)
            fail_msg("positions (%s): %s", by_read ? "pread" : "mapped", err.msg);
        for (size_t k = 0; k < tf; k++)
            assert_int_equal(pos[k], nv->occs[i + k].pos);
    }
    p->pos_read = false;
    free(pos);
}

/* shelf_segment_doc_read gives what shelf_segment_doc gives. */
static void check_doc_read(const shelf_segment *s, uint32_t d, const shelf_docmeta *m)
{
    shelf_docmeta r;
    shelf_buf buf = SHELF_BUF_INIT;
    shelf_err err = {0};
    if (shelf_segment_doc_read(s, d, &r, &buf, &err) != SHELF_OK)
        fail_msg("doc_read %u: %s", d, err.msg);
    assert_int_equal(r.length, m->length);
    assert_int_equal(r.title_length, m->title_length);
    assert_int_equal(r.size, m->size);
    assert_true(r.mtime_ns == m->mtime_ns);
    assert_true(r.hash == m->hash);
    assert_int_equal(r.flags, m->flags);
    assert_int_equal(r.path_len, m->path_len);
    assert_memory_equal(r.path, m->path, m->path_len);
    assert_int_equal(r.title_len, m->title_len);
    assert_memory_equal(r.title, m->title, m->title_len);
    assert_int_equal(r.author_len, m->author_len);
    assert_memory_equal(r.author, m->author, m->author_len);
    assert_int_equal(r.date_len, m->date_len);
    assert_memory_equal(r.date, m->date, m->date_len);
    assert_true(r.path >= (const char *)buf.data && r.path + r.path_len <= (const char *)buf.data + buf.cap);
    shelf_buf_free(&buf);
}

static void check_term(const shelf_segment *s, const naive *nv, const naive_term *t)
{
    const occ *k = term_key(nv, t);
    shelf_term_stats st;
    shelf_err err = {0};
    int rc = shelf_segment_lookup(s, k->key, k->key_len, &st, &err);
    if (rc != SHELF_OK)
        fail_msg("lookup of field %u term '%.*s': %d %s", k->key[0], k->key_len - 1,
                 (const char *)k->key + 1, rc, err.msg);
    assert_int_equal(st.df, t->df);
    assert_int_equal(st.cf, t->cf);
    shelf_postings p;
    if (shelf_postings_open(&p, s, &st, &err) != SHELF_OK)
        fail_msg("postings_open '%.*s': %s", k->key_len - 1, (const char *)k->key + 1, err.msg);
    uint32_t doc = p.doc;
    for (size_t i = t->first; i < t->end;) {
        size_t tf = doc_run(nv, i, t->end);
        assert_int_equal(doc, nv->occs[i].doc);
        assert_int_equal(shelf_postings_tf(&p), tf);
        check_positions(&p, nv, i, tf);
        i += tf;
        doc = shelf_postings_next(&p);
    }
    assert_int_equal(doc, SHELF_DOC_END);
    assert_int_equal(p.status, SHELF_OK);
}

static void check_all_terms(const shelf_segment *s, const naive *nv)
{
    for (size_t i = 0; i < nv->term_count; i++)
        check_term(s, nv, &nv->terms[i]);
}

/* Walk the whole dictionary from a seek with key_len 0 (start is "" or NULL). */
static void check_dictionary_walk(const shelf_segment *s, const naive *nv, const uint8_t *start)
{
    shelf_dict_iter it;
    shelf_err err = {0};
    assert_int_equal(shelf_dict_seek(&it, s, start, 0, &err), SHELF_OK);
    size_t i = 0;
    int got;
    while ((got = shelf_dict_next(&it, &err)) == 1) {
        assert_true(i < nv->term_count);
        const occ *k = term_key(nv, &nv->terms[i]);
        assert_int_equal(it.key_len, k->key_len);
        assert_memory_equal(it.key, k->key, k->key_len);
        assert_int_equal(it.stats.df, nv->terms[i].df);
        assert_int_equal(it.stats.cf, nv->terms[i].cf);
        i++;
    }
    assert_int_equal(got, 0);
    assert_int_equal(i, nv->term_count);
    assert_int_equal(shelf_segment_term_count(s), nv->term_count);
}

static void check_checkpoints(const shelf_buf *cps, const naive *nv, uint32_t d)
{
    size_t count = cps->len / sizeof(uint64_t);
    assert_int_equal(cps->len % sizeof(uint64_t), 0);
    assert_int_equal(count, (nv->body_len[d] + SHELF_CHECKPOINT_EVERY - 1) / SHELF_CHECKPOINT_EVERY);
    assert_int_equal(count, nv->checkpoint_count[d]);
    for (size_t i = 0; i < count; i++) {
        uint64_t v;
        memcpy(&v, cps->data + i * sizeof v, sizeof v);
        assert_int_equal(v, nv->checkpoints[d][i]);
    }
}

static void check_document(const shelf_segment *s, const source_set *set, const naive *nv,
                           uint32_t d)
{
    const source_doc *sd = &set->docs[d];
    shelf_docmeta m;
    shelf_err err = {0};
    assert_int_equal(shelf_segment_doc(s, d, &m, &err), SHELF_OK);
    assert_int_equal(m.path_len, strlen(sd->path));
    assert_memory_equal(m.path, sd->path, m.path_len);
    assert_int_equal(m.title_len, sd->ex.title_len);
    assert_memory_equal(m.title, sd->ex.title, m.title_len);
    assert_int_equal(m.length, nv->body_len[d]);
    assert_int_equal(m.title_length, nv->title_len[d]);
    assert_int_equal(shelf_segment_doc_length(s, d), nv->body_len[d]);
    assert_int_equal(shelf_segment_title_length(s, d), nv->title_len[d]);
    struct stat st;
    assert_int_equal(stat(sd->path, &st), 0);
    assert_int_equal(m.size, (uint64_t)st.st_size);
    assert_true(m.hash != 0);
    assert_true(m.hash == sd->ex.hash);
    assert_true(m.mtime_ns == sd->ex.mtime_ns);
    assert_int_equal(m.flags, 0);
    check_doc_read(s, d, &m);
    size_t len;
    char *bytes = ts_read_file(sd->path, &len);
    assert_non_null(bytes);
    shelf_buf text = SHELF_BUF_INIT, cps = SHELF_BUF_INIT;
    if (shelf_segment_text(s, d, &text, &cps, &err) != SHELF_OK)
        fail_msg("text of %u: %s", d, err.msg);
    assert_int_equal(text.len, len);
    assert_memory_equal(text.data, bytes, len);
    assert_int_equal(text.data[len], 0);
    check_checkpoints(&cps, nv, d);
    shelf_buf_free(&text);
    shelf_buf_free(&cps);
    free(bytes);
}

static void check_documents(const shelf_segment *s, const source_set *set, const naive *nv)
{
    assert_int_equal(shelf_segment_doc_count(s), set->count);
    assert_int_equal(shelf_segment_total_tokens(s), nv->total_tokens);
    for (uint32_t d = 0; d < set->count; d++)
        check_document(s, set, nv, d);
    shelf_docmeta m;
    assert_int_equal(shelf_segment_doc(s, (uint32_t)set->count, &m, NULL), SHELF_ENOTFOUND);
    shelf_buf buf = SHELF_BUF_INIT;
    assert_int_equal(shelf_segment_doc_read(s, (uint32_t)set->count, &m, &buf, NULL), SHELF_ENOTFOUND);
    shelf_buf_free(&buf);
    assert_int_equal(shelf_segment_doc_length(s, (uint32_t)set->count), 0);
}

/* Everything the naive index knows, checked against the index in dir. */
static void check_against_naive(const char *dir, const source_set *set, const naive *nv)
{
    shelf_index *idx = open_index(dir);
    const shelf_segment *s = shelf_index_segment(idx, 0);
    check_dictionary_walk(s, nv, (const uint8_t *)"");
    check_all_terms(s, nv);
    check_documents(s, set, nv);
    assert_int_equal(shelf_index_doc_count(idx), set->count);
    assert_int_equal(shelf_index_total_tokens(idx), nv->total_tokens);
    shelf_index_close(idx);
}

/* ---- files in an index folder ---- */

static int dir_has_name_part(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, part))
            found = 1;
    closedir(d);
    return found;
}

static void assert_same_file(const char *dir_a, const char *dir_b, const char *name)
{
    char *pa = ts_strf("%s/%s", dir_a, name), *pb = ts_strf("%s/%s", dir_b, name);
    size_t la, lb;
    char *a = ts_read_file(pa, &la), *b = ts_read_file(pb, &lb);
    assert_non_null(a);
    assert_non_null(b);
    if (la != lb || memcmp(a, b, la) != 0)
        fail_msg("%s differs between the one-run and the spilled build", name);
    free(a);
    free(b);
    free(pa);
    free(pb);
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (uint64_t)st.st_size;
}

/* ---- fixture: the corpus, its naive index and its one-run index ---- */

typedef struct fixture {
    source_set corpus;
    naive nv;
    char *tmp;
    char *index_dir;
} fixture;

static int setup_corpus(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    load_sources(CORPUS_DIR, &fx->corpus);
    if (fx->corpus.count != 5)
        return -1;
    naive_build(&fx->nv, &fx->corpus);
    fx->tmp = ts_mkdtemp();
    fx->index_dir = ts_strf("%s/one-run", fx->tmp);
    shelf_segment_summary sum = build_index(fx->index_dir, &fx->corpus, BIG_BUDGET);
    if (sum.runs != 0 || sum.doc_count != 5)
        return -1;
    *state = fx;
    return 0;
}

static int teardown_corpus(void **state)
{
    fixture *fx = *state;
    naive_free(&fx->nv, fx->corpus.count);
    free_sources(&fx->corpus);
    ts_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->index_dir);
    free(fx);
    return 0;
}

/* ---- tests on the corpus ---- */

static void test_corpus_matches_naive(void **state)
{
    fixture *fx = *state;
    assert_true(fx->nv.term_count > 1000);
    check_against_naive(fx->index_dir, &fx->corpus, &fx->nv);
}

static void test_spilled_build_identical(void **state)
{
    fixture *fx = *state;
    char *dir = ts_strf("%s/spilled", fx->tmp);
    shelf_segment_summary sum = build_index(dir, &fx->corpus, TINY_BUDGET);
    assert_true(sum.runs >= 2);
    assert_false(dir_has_name_part(dir, "run-"));
    assert_false(dir_has_name_part(dir, ".tmp"));
    check_against_naive(dir, &fx->corpus, &fx->nv);
    assert_same_file(fx->index_dir, dir, "seg_000001.dict");
    assert_same_file(fx->index_dir, dir, "seg_000001.post");
    assert_same_file(fx->index_dir, dir, "seg_000001.pos");
    ts_rmtree(dir);
    free(dir);
}

static void test_index_check_counts(void **state)
{
    fixture *fx = *state;
    shelf_index *idx = open_index(fx->index_dir);
    shelf_check_report r;
    shelf_err err = {0};
    if (shelf_index_check(idx, &r, &err) != SHELF_OK)
        fail_msg("check: %s", err.msg);
    uint64_t postings = 0, positions = 0;
    for (size_t i = 0; i < fx->nv.term_count; i++) {
        postings += fx->nv.terms[i].df;
        positions += fx->nv.terms[i].cf;
    }
    assert_int_equal(r.segments, 1);
    assert_int_equal(r.documents, 5);
    assert_int_equal(r.tokens, fx->nv.total_tokens);
    assert_int_equal(r.terms, fx->nv.term_count);
    assert_int_equal(r.postings, postings);
    assert_int_equal(r.positions, positions);
    uint64_t bytes = 0;
    static const char *const exts[] = {"dict", "post", "pos", "docs", "store"};
    for (int i = 0; i < 5; i++) {
        char *p = ts_strf("%s/seg_000001.%s", fx->index_dir, exts[i]);
        bytes += file_size(p);
        free(p);
    }
    assert_int_equal(r.bytes, bytes);
    assert_string_equal(shelf_index_language(idx), "english");
    assert_int_equal(shelf_index_generation(idx), 1);
    shelf_index_close(idx);
}

/* Keys from a seek on prefix, walked while they start with it, must be
 * exactly the naive keys with that prefix. */
static void check_prefix(const shelf_segment *s, const naive *nv, const char *prefix, size_t len)
{
    const uint8_t *pk = (const uint8_t *)prefix;
    size_t i = 0;
    while (i < nv->term_count && key_compare(term_key(nv, &nv->terms[i])->key,
                                             term_key(nv, &nv->terms[i])->key_len, pk, len) < 0)
        i++;
    shelf_dict_iter it;
    shelf_err err = {0};
    assert_int_equal(shelf_dict_seek(&it, s, pk, len, &err), SHELF_OK);
    size_t matched = 0;
    int got;
    while ((got = shelf_dict_next(&it, &err)) == 1) {
        if (it.key_len < len || memcmp(it.key, pk, len) != 0)
            break;
        const occ *k = term_key(nv, &nv->terms[i + matched]);
        assert_int_equal(it.key_len, k->key_len);
        assert_memory_equal(it.key, k->key, k->key_len);
        matched++;
    }
    assert_true(got >= 0);
    size_t expected = 0;
    while (i + expected < nv->term_count) {
        const occ *k = term_key(nv, &nv->terms[i + expected]);
        if (k->key_len < len || memcmp(k->key, pk, len) != 0)
            break;
        expected++;
    }
    assert_int_equal(matched, expected);
}

static void test_prefix_seek(void **state)
{
    fixture *fx = *state;
    shelf_index *idx = open_index(fx->index_dir);
    const shelf_segment *s = shelf_index_segment(idx, 0);
    static const char *const prefixes[] = {"\001nat", "\001a", "\001def", "\001s", "\001secur",
                                           "\001zzzz", "\001", "\002", "\002n", "\0012",
                                           "\001alliance", "\001q"};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        check_prefix(s, &fx->nv, prefixes[i], strlen(prefixes[i]));
    /* Every key as its own prefix, sampled. */
    for (size_t i = 0; i < fx->nv.term_count; i += 17) {
        const occ *k = term_key(&fx->nv, &fx->nv.terms[i]);
        check_prefix(s, &fx->nv, (const char *)k->key, k->key_len);
    }
    /* Past the last key: nothing. */
    shelf_dict_iter it;
    assert_int_equal(shelf_dict_seek(&it, s, (const uint8_t *)"\003", 1, NULL), SHELF_OK);
    assert_int_equal(shelf_dict_next(&it, NULL), 0);
    shelf_term_stats st;
    assert_int_equal(shelf_segment_lookup(s, (const uint8_t *)"\001zzzzqqq", 8, &st, NULL),
                     SHELF_ENOTFOUND);
    assert_int_equal(shelf_segment_lookup(s, (const uint8_t *)"\001", 1, &st, NULL),
                     SHELF_ENOTFOUND);
    shelf_index_close(idx);
}

/* shelf_dict_seek documents key_len 0 as "before the first key"; the
 * library's own check (shelf_index_check) passes a NULL key with it. */
static void test_dict_walk_null_key(void **state)
{
    fixture *fx = *state;
    shelf_index *idx = open_index(fx->index_dir);
    check_dictionary_walk(shelf_index_segment(idx, 0), &fx->nv, NULL);
    shelf_index_close(idx);
}

/* ---- the synthetic corpus: long posting lists ---- */

/* Text of synthetic file i: every file has "common", every 3rd "zebra"
 * (tf 1..5), every 7th "seven" (tf 140 in a few), every 500th "rare", the
 * first 128 / 129 / 256 files "kiwi" / "mango" / "papaya", every 10th "quux"
 * (tf 300: blocks of positions far longer than a first pread), and a term of
 * its own. */
static char *synth_text(int i)
{
    shelf_buf b = SHELF_BUF_INIT;
    char line[128];
    int n = snprintf(line, sizeof line, "Note %d\ncommon words n%d ", i, i);
    shelf_buf_append(&b, line, (size_t)n);
    if (i % 3 == 0)
        for (int k = 0; k <= i % 5; k++)
            shelf_buf_append(&b, k % 2 ? "filler zebra " : "zebra ", k % 2 ? 13 : 6);
    int sevens = i % 7 ? 0 : (i % 200 == 0 ? 140 : 1 + i % 3);
    for (int k = 0; k < sevens; k++)
        shelf_buf_append(&b, "seven ", 6);
    if (i % 500 == 0)
        shelf_buf_append(&b, "rare ", 5);
    for (int k = 0; i % 10 == 1 && k < 300; k++)
        shelf_buf_append(&b, "quux ", 5);
    if (i < 128)
        shelf_buf_append(&b, "kiwi ", 5); /* df 128: one full block, no skips */
    if (i < 129)
        shelf_buf_append(&b, "mango ", 6); /* df 129: a full block and a tail of one */
    if (i < 256)
        shelf_buf_append(&b, "papaya ", 7); /* df 256: two full blocks, empty tail */
    shelf_buf_append(&b, "common end\n", 11);
    shelf_buf_put_u8(&b, 0);
    return (char *)b.data;
}

typedef struct synth_fixture {
    char *tmp, *src, *index_dir;
    source_set set;
    naive nv;
} synth_fixture;

static int setup_synth(void **state)
{
    synth_fixture *sx = calloc(1, sizeof *sx);
    sx->tmp = ts_mkdtemp();
    sx->src = ts_strf("%s/src", sx->tmp);
    for (int i = 0; i < SYNTH_FILES; i++) {
        char name[32], *text = synth_text(i);
        snprintf(name, sizeof name, "f%04d.txt", i);
        free(ts_write_file(sx->src, name, text, strlen(text)));
        free(text);
    }
    load_sources(sx->src, &sx->set);
    if (sx->set.count != SYNTH_FILES)
        return -1;
    naive_build(&sx->nv, &sx->set);
    sx->index_dir = ts_strf("%s/index", sx->tmp);
    build_index(sx->index_dir, &sx->set, BIG_BUDGET);
    *state = sx;
    return 0;
}

static int teardown_synth(void **state)
{
    synth_fixture *sx = *state;
    naive_free(&sx->nv, sx->set.count);
    free_sources(&sx->set);
    ts_rmtree(sx->tmp);
    free(sx->tmp);
    free(sx->src);
    free(sx->index_dir);
    free(sx);
    return 0;
}

static const naive_term *synth_term(const naive *nv, const char *word)
{
    uint8_t key[SHELF_MAX_KEY_BYTES];
    key[0] = SHELF_FIELD_BODY;
    size_t n = strlen(word);
    memcpy(key + 1, word, n);
    const naive_term *t = naive_find(nv, key, n + 1);
    assert_non_null(t);
    return t;
}

static void test_synth_matches_naive(void **state)
{
    synth_fixture *sx = *state;
    assert_int_equal(synth_term(&sx->nv, "common")->df, SYNTH_FILES);
    assert_int_equal(synth_term(&sx->nv, "zebra")->df, (SYNTH_FILES + 2) / 3);
    assert_int_equal(synth_term(&sx->nv, "kiwi")->df, 128);
    assert_int_equal(synth_term(&sx->nv, "mango")->df, 129);
    assert_int_equal(synth_term(&sx->nv, "papaya")->df, 256);
    check_against_naive(sx->index_dir, &sx->set, &sx->nv);
}

static void test_synth_spilled_identical(void **state)
{
    synth_fixture *sx = *state;
    char *dir = ts_strf("%s/spilled", sx->tmp);
    shelf_segment_summary sum = build_index(dir, &sx->set, (size_t)256 << 10);
    assert_true(sum.runs >= 2);
    assert_false(dir_has_name_part(dir, "run-"));
    check_against_naive(dir, &sx->set, &sx->nv);
    assert_same_file(sx->index_dir, dir, "seg_000001.dict");
    assert_same_file(sx->index_dir, dir, "seg_000001.post");
    assert_same_file(sx->index_dir, dir, "seg_000001.pos");
    ts_rmtree(dir);
    free(dir);
}

/* Expected postings of a naive term as arrays (doc, first occ, tf). */
typedef struct expected {
    uint32_t *doc;
    size_t *first, *tf;
    size_t n;
} expected;

static expected expected_of(const naive *nv, const naive_term *t)
{
    expected e = {calloc(t->df, sizeof(uint32_t)), calloc(t->df, sizeof(size_t)),
                  calloc(t->df, sizeof(size_t)), 0};
    for (size_t i = t->first; i < t->end;) {
        size_t tf = doc_run(nv, i, t->end);
        e.doc[e.n] = nv->occs[i].doc;
        e.first[e.n] = i;
        e.tf[e.n++] = tf;
        i += tf;
    }
    return e;
}

static void expected_free(expected *e)
{
    free(e->doc);
    free(e->first);
    free(e->tf);
}

/* Index of the first expected posting at or after cur with doc >= target. */
static size_t expected_seek(const expected *e, size_t cur, uint32_t target)
{
    while (cur < e->n && e->doc[cur] < target)
        cur++;
    return cur;
}

static uint32_t next_target(uint64_t *rng, uint32_t doc)
{
    switch (ts_rand_below(rng, 6)) {
    case 0: return doc;                                    /* where it is */
    case 1: return doc > 5 ? doc - (uint32_t)ts_rand_below(rng, 5) : doc; /* backwards */
    case 2: return doc + 1;
    case 3: return doc + 1 + (uint32_t)ts_rand_below(rng, 10);
    case 4: return doc + 1 + (uint32_t)ts_rand_below(rng, 400);
    default: return doc + 1 + (uint32_t)ts_rand_below(rng, 3000);
    }
}

/* One random walk of advance (and some next) calls over a term. */
static void advance_walk(const shelf_segment *s, const naive *nv, const naive_term *t,
                         const expected *e, uint64_t *rng)
{
    const occ *k = term_key(nv, t);
    shelf_term_stats st;
    assert_int_equal(shelf_segment_lookup(s, k->key, k->key_len, &st, NULL), SHELF_OK);
    shelf_postings p;
    assert_int_equal(shelf_postings_open(&p, s, &st, NULL), SHELF_OK);
    size_t cur = 0;
    uint32_t doc = p.doc;
    assert_int_equal(doc, e->doc[0]);
    for (int steps = 0; steps < 100000 && cur < e->n; steps++) {
        if (ts_rand_below(rng, 5) == 0) {
            doc = shelf_postings_next(&p);
            cur++;
        } else {
            uint32_t target = next_target(rng, doc);
            doc = shelf_postings_advance(&p, target);
            cur = expected_seek(e, cur, target);
        }
        if (cur == e->n)
            break;
        assert_int_equal(doc, e->doc[cur]);
        assert_int_equal(shelf_postings_tf(&p), e->tf[cur]);
        if (ts_rand_below(rng, 2))
            check_positions(&p, nv, e->first[cur], e->tf[cur]);
    }
    assert_int_equal(cur, e->n);
    assert_int_equal(doc, SHELF_DOC_END);
    assert_int_equal(shelf_postings_advance(&p, 0), SHELF_DOC_END);
    assert_int_equal(p.status, SHELF_OK);
}

/* Advancing straight to each posting's doc (and one past the end). */
static void advance_exact(const shelf_segment *s, const naive *nv, const naive_term *t,
                          const expected *e, size_t stride)
{
    const occ *k = term_key(nv, t);
    shelf_term_stats st;
    assert_int_equal(shelf_segment_lookup(s, k->key, k->key_len, &st, NULL), SHELF_OK);
    shelf_postings p;
    assert_int_equal(shelf_postings_open(&p, s, &st, NULL), SHELF_OK);
    for (size_t i = 0; i < e->n; i += stride) {
        assert_int_equal(shelf_postings_advance(&p, e->doc[i]), e->doc[i]);
        assert_int_equal(shelf_postings_tf(&p), e->tf[i]);
        check_positions(&p, nv, e->first[i], e->tf[i]);
    }
    assert_int_equal(shelf_postings_advance(&p, e->doc[e->n - 1] + 1), SHELF_DOC_END);
}

/* Block-max bounds: every posting lies in the block block_of names for its
 * doc, inside that block's range, and its normalised tf is within the
 * block's bound; no block is decoded to answer. */
static void check_block_bounds(const shelf_segment *s, const naive *nv, const naive_term *t,
                               const expected *e)
{
    const occ *k = term_key(nv, t);
    shelf_term_stats st;
    assert_int_equal(shelf_segment_lookup(s, k->key, k->key_len, &st, NULL), SHELF_OK);
    shelf_postings p;
    assert_int_equal(shelf_postings_open(&p, s, &st, NULL), SHELF_OK);
    double *tfn = malloc(p.block_count * sizeof *tfn);
    assert_non_null(tfn);
    const double b = 0.75, avg = 37.5;
    shelf_postings_block_tfns(&p, b, avg, tfn);
    uint64_t decoded = p.decoded, block = 0;
    for (size_t i = 0; i < e->n; i++) {
        block = shelf_postings_block_of(&p, block, e->doc[i]);
        assert_true(block < p.block_count);
        assert_true(e->doc[i] <= shelf_postings_block_last(&p, block));
        if (block > 0)
            assert_true(e->doc[i] > shelf_postings_block_last(&p, block - 1));
        uint32_t len = st.field == SHELF_FIELD_TITLE_ID ? shelf_segment_title_length(s, e->doc[i])
                                                       : shelf_segment_doc_length(s, e->doc[i]);
        assert_true((double)e->tf[i] / (1 - b + b * len / avg) <= tfn[block]);
    }
    assert_int_equal(shelf_postings_block_of(&p, 0, e->doc[e->n - 1] + 1), p.block_count);
    assert_int_equal(shelf_postings_block_of(&p, 0, 0), 0);
    assert_true(p.decoded == decoded);
    free(tfn);
}

static void test_postings_advance(void **state)
{
    synth_fixture *sx = *state;
    shelf_index *idx = open_index(sx->index_dir);
    const shelf_segment *s = shelf_index_segment(idx, 0);
    static const char *const words[] = {"common", "zebra", "seven",  "rare", "note",
                                         "end",    "kiwi",  "mango",  "papaya", "quux"};
    uint64_t rng = 0xADA0CE;
    for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
        const naive_term *t = synth_term(&sx->nv, words[w]);
        expected e = expected_of(&sx->nv, t);
        assert_int_equal(e.n, t->df);
        for (size_t stride = 1; stride <= 129; stride += 64)
            advance_exact(s, &sx->nv, t, &e, stride);
        for (int trial = 0; trial < 40; trial++)
            advance_walk(s, &sx->nv, t, &e, &rng);
        check_block_bounds(s, &sx->nv, t, &e);
        expected_free(&e);
    }
    shelf_index_close(idx);
}

/* A document whose path is longer than shelf_segment_doc_read's first read
 * of the string heap: read whole all the same. */
static void test_doc_read_long_path(void **state)
{
    (void)state;
    char *tmp = ts_mkdtemp(), *dir = strdup(tmp);
    for (int level = 0; level < 3; level++) {
        char part[201];
        memset(part, 'a' + level, 200);
        part[200] = '\0';
        char *next = ts_strf("%s/%s", dir, part);
        assert_int_equal(mkdir(next, 0700), 0);
        free(dir);
        dir = next;
    }
    static const char text[] = "A long way down\nwords at the bottom of the folders\n";
    free(ts_write_file(dir, "deep.txt", text, sizeof text - 1));
    free(ts_write_file(dir, "other.txt", text, sizeof text - 1));
    source_set set;
    load_sources(dir, &set);
    assert_int_equal(set.count, 2);
    char *index_dir = ts_strf("%s/index", tmp);
    build_index(index_dir, &set, BIG_BUDGET);
    shelf_index *idx = open_index(index_dir);
    const shelf_segment *s = shelf_index_segment(idx, 0);
    for (uint32_t d = 0; d < 2; d++) {
        shelf_docmeta m;
        assert_int_equal(shelf_segment_doc(s, d, &m, NULL), SHELF_OK);
        assert_true(m.path_len > 600);
        check_doc_read(s, d, &m);
    }
    shelf_index_close(idx);
    free_sources(&set);
    ts_rmtree(tmp);
    free(index_dir);
    free(dir);
    free(tmp);
}

int main(void)
{
    /* The two tests that pass a NULL key to shelf_dict_seek (directly or
     * through shelf_index_check) run last: under UBSan a failure there ends
     * the process. */
    const struct CMUnitTest synth_tests[] = {
        cmocka_unit_test(test_synth_matches_naive),
        cmocka_unit_test(test_synth_spilled_identical),
        cmocka_unit_test(test_postings_advance),
    };
    const struct CMUnitTest corpus_tests[] = {
        cmocka_unit_test(test_corpus_matches_naive),
        cmocka_unit_test(test_spilled_build_identical),
        cmocka_unit_test(test_prefix_seek),
        cmocka_unit_test(test_index_check_counts),
        cmocka_unit_test(test_dict_walk_null_key),
    };
    const struct CMUnitTest read_tests[] = {
        cmocka_unit_test(test_doc_read_long_path),
    };
    int failed = cmocka_run_group_tests_name("pread", read_tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("synthetic", synth_tests, setup_synth, teardown_synth);
    failed += cmocka_run_group_tests_name("corpus", corpus_tests, setup_corpus, teardown_corpus);
    return failed;
}
