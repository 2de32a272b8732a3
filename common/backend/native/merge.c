/* merge.c - several segments into one, without deleted documents; see merge.h. */
#include "backend/native/merge.h"
#include "backend/native/dictwriter.h"
#include "backend/native/docwriter.h"
#include "backend/native/postwriter.h"
#include "backend/native/wordswriter.h"
#include "util/crashpoint.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define NO_DOC UINT32_MAX

typedef struct merger {
    const char *dir;
    uint32_t number; /* the new segment's */
    const shelf_segment *const *in;
    const shelf_deletions *const *del;
    size_t count;
    uint32_t **map;      /* per input: old doc -> new doc or NO_DOC */
    uint32_t *lengths[3];
    uint32_t docs;       /* documents in the new segment */
    shelf_docwriter docw;
    shelf_dictwriter dictw;
    shelf_postwriter postw;
    shelf_words_builder words; /* the written-words list (wordswriter.h) */
    shelf_analyzer *fold;      /* "none": for documents whose words are read again */
    shelf_words *lists;        /* per input; file.data NULL when it has none */
    uint32_t *positions;
    size_t positions_cap;
    uint64_t terms;
} merger;

static int build_maps(merger *m, shelf_err *err)
{
    m->map = calloc(m->count, sizeof *m->map);
    uint64_t total = 0;
    for (size_t i = 0; m->map && i < m->count; i++)
        total += shelf_segment_doc_count(m->in[i]);
    if (!m->map || total >= UINT32_MAX)
        return shelf_errf(err, total >= UINT32_MAX ? SHELF_EINVAL : SHELF_ENOMEM,
                          "%s: cannot merge %llu documents into one segment", m->dir,
                          (unsigned long long)total);
    for (int f = 1; f <= 2; f++)
        if (!(m->lengths[f] = malloc((total ? total : 1) * sizeof(uint32_t))))
            return shelf_errf(err, SHELF_ENOMEM, "out of memory merging");
    for (size_t i = 0; i < m->count; i++) {
        uint32_t n = shelf_segment_doc_count(m->in[i]);
        if (!(m->map[i] = malloc((n ? n : 1) * sizeof(uint32_t))))
            return shelf_errf(err, SHELF_ENOMEM, "out of memory merging");
        for (uint32_t d = 0; d < n; d++) {
            if (shelf_deleted(m->del[i], d)) {
                m->map[i][d] = NO_DOC;
                continue;
            }
            m->lengths[1][m->docs] = shelf_segment_doc_length(m->in[i], d);
            m->lengths[2][m->docs] = shelf_segment_title_length(m->in[i], d);
            m->map[i][d] = m->docs++;
        }
    }
    return SHELF_OK;
}

static int copy_document(merger *m, size_t i, uint32_t d, shelf_buf *path, shelf_buf *text,
                         shelf_buf *checkpoints, shelf_layout *layout, shelf_err *err)
{
    shelf_docmeta meta;
    int rc = shelf_segment_doc(m->in[i], d, &meta, err);
    if (rc == SHELF_OK)
        rc = shelf_segment_stored(m->in[i], d, text, checkpoints, layout, err);
    if (rc != SHELF_OK)
        return rc;
    shelf_buf_reset(path);
    if (shelf_buf_append(path, meta.path, meta.path_len) || shelf_buf_put_u8(path, 0))
        return shelf_errf(err, SHELF_ENOMEM, "out of memory merging");
    shelf_docinfo info = {
        .path = (const char *)path->data, .title = meta.title, .title_bytes = meta.title_len,
        .length = meta.length, .title_length = meta.title_length, .size = meta.size,
        .mtime_ns = meta.mtime_ns, .hash = meta.hash, .flags = meta.flags,
        .author = meta.author, .author_bytes = meta.author_len,
        .date = meta.date, .date_bytes = meta.date_len,
        .headings = meta.headings, .headings_bytes = meta.headings_len,
    };
    return shelf_docwriter_add(&m->docw, &info, (const char *)text->data, text->len,
                               (const uint64_t *)checkpoints->data,
                               checkpoints->len / sizeof(uint64_t), layout, err);
}

static bool has_list(const merger *m, size_t i)
{
    return m->lists[i].file.data != NULL;
}

/* The inputs' lists: one that is missing or fails its CRC is no list (its
 * documents' words are then read again), so damage there never stops a
 * merge nor reaches the new list. */
static int open_lists(merger *m, shelf_err *err)
{
    m->lists = calloc(m->count ? m->count : 1, sizeof *m->lists);
    if (!m->lists || !(m->fold = shelf_analyzer_new("none", err)))
        return shelf_errf(err, SHELF_ENOMEM, "out of memory merging");
    for (size_t i = 0; i < m->count; i++) {
        shelf_err ignored = {0};
        uint64_t words;
        shelf_words *w = &m->lists[i];
        if (shelf_words_open(w, m->dir, shelf_segment_number(m->in[i]), true, &ignored) != SHELF_OK)
            memset(w, 0, sizeof *w);
        else if (shelf_words_check(w, shelf_segment_doc_count(m->in[i]), &words, &ignored) !=
                 SHELF_OK)
            shelf_words_close(w);
    }
    shelf_words_builder_init(&m->words, SHELF_WORDS_MERGE_LIMIT);
    return SHELF_OK;
}

/* A document whose words the inputs' lists do not count right: a live one
 * of an input without a list (+1), a dropped one of an input with (-1). */
static int correct_words(merger *m, size_t i, uint32_t d, shelf_buf *text, shelf_buf *checkpoints,
                         shelf_layout *layout, shelf_err *err)
{
    bool live = m->map[i][d] != NO_DOC;
    if (live == has_list(m, i) || m->words.overflowed)
        return SHELF_OK;
    if (!live) {
        int rc = shelf_segment_stored(m->in[i], d, text, checkpoints, layout, err);
        if (rc != SHELF_OK)
            return rc;
    }
    return shelf_words_builder_add_text(&m->words, m->fold, (const char *)text->data, text->len,
                                        live ? 1 : -1, err);
}

static int copy_documents(merger *m, shelf_err *err)
{
    shelf_buf path = SHELF_BUF_INIT, text = SHELF_BUF_INIT, checkpoints = SHELF_BUF_INIT;
    shelf_layout layout = SHELF_LAYOUT_INIT;
    int rc = SHELF_OK;
    for (size_t i = 0; i < m->count && rc == SHELF_OK; i++) {
        uint32_t n = shelf_segment_doc_count(m->in[i]);
        for (uint32_t d = 0; d < n && rc == SHELF_OK; d++) {
            if (m->map[i][d] != NO_DOC)
                rc = copy_document(m, i, d, &path, &text, &checkpoints, &layout, err);
            if (rc == SHELF_OK)
                rc = correct_words(m, i, d, &text, &checkpoints, &layout, err);
        }
    }
    shelf_layout_free(&layout);
    shelf_buf_free(&path);
    shelf_buf_free(&text);
    shelf_buf_free(&checkpoints);
    return rc;
}

/* ---- terms ---- */

static int key_cmp(const shelf_dict_iter *a, const shelf_dict_iter *b)
{
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->key, b->key, n);
    return c ? c : (int)a->key_len - (int)b->key_len;
}

static int copy_postings(merger *m, size_t i, const shelf_term_stats *t, shelf_err *err)
{
    shelf_postings p;
    int rc = shelf_postings_open(&p, m->in[i], t, err);
    for (uint32_t d = rc == SHELF_OK ? p.doc : SHELF_DOC_END; d != SHELF_DOC_END && rc == SHELF_OK;
         d = shelf_postings_next(&p)) {
        uint32_t to = m->map[i][d];
        if (to == NO_DOC)
            continue;
        uint32_t tf = shelf_postings_tf_checked(&p, err);
        if (tf == 0)
            return SHELF_ECORRUPT;
        if (tf > m->positions_cap) {
            uint32_t *grown = realloc(m->positions, tf * sizeof *grown);
            if (!grown)
                return shelf_errf(err, SHELF_ENOMEM, "out of memory merging");
            m->positions = grown;
            m->positions_cap = tf;
        }
        rc = shelf_postings_positions(&p, m->positions, err);
        if (rc == SHELF_OK)
            rc = shelf_postwriter_add(&m->postw, to, tf, m->positions, m->lengths[t->field][to], err);
    }
    if (rc == SHELF_OK && p.status != SHELF_OK) {
        if (err)
            *err = p.err;
        rc = p.status;
    }
    return rc;
}

static int merge_term(merger *m, shelf_dict_iter *its, const int *live, const shelf_dict_iter *min,
                      shelf_err *err)
{
    uint8_t key[SHELF_MAX_KEY_BYTES];
    size_t key_len = min->key_len;
    memcpy(key, min->key, key_len);
    if (key[0] != SHELF_FIELD_BODY && key[0] != SHELF_FIELD_TITLE_ID)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: unknown field in a key", m->dir);
    shelf_postwriter_begin_term(&m->postw);
    int rc = SHELF_OK;
    for (size_t i = 0; i < m->count && rc == SHELF_OK; i++) {
        if (!live[i] || its[i].key_len != key_len || memcmp(its[i].key, key, key_len) != 0)
            continue;
        rc = copy_postings(m, i, &its[i].stats, err);
    }
    shelf_term_stats stats;
    if (rc == SHELF_OK)
        rc = shelf_postwriter_end_term(&m->postw, &stats, err);
    if (rc == SHELF_OK && stats.df > 0) {
        rc = shelf_dictwriter_add(&m->dictw, key, key_len, &stats, err);
        m->terms++;
    }
    return rc;
}

static int advance_equal(shelf_dict_iter *its, int *live, size_t count, const uint8_t *key,
                         size_t key_len, shelf_err *err)
{
    for (size_t i = 0; i < count; i++) {
        if (!live[i] || its[i].key_len != key_len || memcmp(its[i].key, key, key_len) != 0)
            continue;
        int got = shelf_dict_next(&its[i], err);
        if (got < 0)
            return got;
        live[i] = got;
    }
    return SHELF_OK;
}

static int merge_terms(merger *m, shelf_err *err)
{
    shelf_dict_iter *its = calloc(m->count, sizeof *its);
    int *live = calloc(m->count, sizeof *live);
    int rc = its && live ? SHELF_OK : shelf_errf(err, SHELF_ENOMEM, "out of memory merging");
    for (size_t i = 0; i < m->count && rc == SHELF_OK; i++) {
        rc = shelf_dict_seek(&its[i], m->in[i], NULL, 0, err);
        int got = rc == SHELF_OK ? shelf_dict_next(&its[i], err) : 0;
        if (got < 0)
            rc = got;
        live[i] = got == 1;
    }
    while (rc == SHELF_OK) {
        const shelf_dict_iter *min = NULL;
        for (size_t i = 0; i < m->count; i++)
            if (live[i] && (!min || key_cmp(&its[i], min) < 0))
                min = &its[i];
        if (!min)
            break;
        uint8_t key[SHELF_MAX_KEY_BYTES];
        size_t key_len = min->key_len;
        memcpy(key, min->key, key_len);
        rc = merge_term(m, its, live, min, err);
        if (rc == SHELF_OK)
            rc = advance_equal(its, live, m->count, key, key_len, err);
    }
    free(its);
    free(live);
    return rc;
}

/* ---- the whole merge ---- */

static int open_writers(merger *m, uint32_t number, shelf_err *err)
{
    char docs[PATH_MAX], store[PATH_MAX], cols[PATH_MAX], dict[PATH_MAX], post[PATH_MAX],
        pos[PATH_MAX];
    shelf_segment_path(docs, sizeof docs, m->dir, number, "docs");
    shelf_segment_path(cols, sizeof cols, m->dir, number, SHELF_EXT_COLS);
    shelf_segment_path(store, sizeof store, m->dir, number, "store");
    shelf_segment_path(dict, sizeof dict, m->dir, number, "dict");
    shelf_segment_path(post, sizeof post, m->dir, number, "post");
    shelf_segment_path(pos, sizeof pos, m->dir, number, "pos");
    int rc = shelf_docwriter_open(&m->docw, docs, store, cols, false, err);
    if (rc == SHELF_OK)
        rc = shelf_dictwriter_open(&m->dictw, dict, err);
    if (rc == SHELF_OK)
        rc = shelf_postwriter_open(&m->postw, post, pos, err);
    return rc;
}

/* The new list: the inputs' lists added up, corrected (correct_words). */
static int write_words(merger *m, shelf_err *err)
{
    const shelf_words **lists = calloc(m->count ? m->count : 1, sizeof *lists);
    if (!lists)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory merging");
    size_t n = 0;
    for (size_t i = 0; i < m->count; i++)
        if (has_list(m, i))
            lists[n++] = &m->lists[i];
    int rc = shelf_words_builder_write(&m->words, m->dir, m->number, lists, n, err);
    free(lists);
    return rc;
}

static int finish_and_commit(merger *m, shelf_err *err)
{
    int rc = write_words(m, err);
    if (rc == SHELF_OK)
        rc = shelf_docwriter_finish(&m->docw, err);
    if (rc == SHELF_OK)
        rc = shelf_dictwriter_finish(&m->dictw, err);
    if (rc == SHELF_OK)
        rc = shelf_postwriter_finish(&m->postw, err);
    shelf_crashpoint();
    if (rc == SHELF_OK)
        rc = shelf_docwriter_commit(&m->docw, err);
    if (rc == SHELF_OK)
        rc = shelf_postwriter_commit(&m->postw, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_commit(&m->dictw.file, err);
    if (rc == SHELF_OK)
        rc = shelf_words_builder_commit(&m->words, err);
    return rc;
}

static void free_merger(merger *m)
{
    for (size_t i = 0; m->map && i < m->count; i++)
        free(m->map[i]);
    free(m->map);
    free(m->lengths[1]);
    free(m->lengths[2]);
    free(m->positions);
    shelf_docwriter_close(&m->docw);
    shelf_dictwriter_close(&m->dictw);
    shelf_postwriter_close(&m->postw);
    shelf_words_builder_free(&m->words);
    for (size_t i = 0; m->lists && i < m->count; i++)
        if (has_list(m, i))
            shelf_words_close(&m->lists[i]);
    free(m->lists);
    shelf_analyzer_free(m->fold);
}

int shelf_merge_segments(const char *dir, const shelf_segment *const *inputs,
                         const shelf_deletions *const *deleted, size_t count, uint32_t number,
                         shelf_segment_summary *summary, shelf_err *err)
{
    merger m = {.dir = dir, .number = number, .in = inputs, .del = deleted, .count = count};
    m.words.file.fd = -1;
    m.docw.store.fd = m.docw.docs.fd = m.dictw.file.fd = m.postw.post.fd = m.postw.pos.fd = -1;
    m.docw.queue = NULL;
    int rc = build_maps(&m, err);
    if (rc == SHELF_OK)
        rc = open_lists(&m, err);
    if (rc == SHELF_OK)
        rc = open_writers(&m, number, err);
    if (rc == SHELF_OK)
        rc = copy_documents(&m, err);
    if (rc == SHELF_OK)
        rc = merge_terms(&m, err);
    if (rc == SHELF_OK)
        rc = finish_and_commit(&m, err);
    if (rc == SHELF_OK && summary) {
        memset(summary, 0, sizeof *summary);
        summary->number = number;
        summary->doc_count = m.docs;
        summary->total_tokens = m.docw.total_tokens;
        summary->total_title_tokens = m.docw.total_title_tokens;
        summary->term_count = m.terms;
    }
    free_merger(&m);
    return rc;
}
