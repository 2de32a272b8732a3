/* segwriter.c - one segment from analysed documents; see segwriter.h. */
#include "backend/native/segwriter.h"
#include "backend/heading_spans.h"
#include "backend/native/dictwriter.h"
#include "backend/native/docwriter.h"
#include "backend/native/format.h"
#include "backend/native/inverter.h"
#include "backend/native/postwriter.h"
#include "backend/native/wordswriter.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct shelf_segwriter {
    char *dir;
    uint32_t number;
    shelf_analyzer *analyzer;
    shelf_inverter *inverter;
    size_t budget;       /* for everything that grows while adding */
    size_t held_outside; /* of it, what the owner holds (shelf_segwriter_note_held) */
    shelf_docwriter docs;
    uint32_t *lengths[3]; /* [1] body, [2] title, per doc */
    uint32_t doc_count;
    size_t lengths_cap;
    uint64_t *checkpoints;
    size_t checkpoints_cap;
    shelf_span_builder spans; /* the document's headings as token ranges */
    shelf_buf headings;       /* their stored form */
    uint64_t total_tokens;
    shelf_dictwriter dict;
    shelf_postwriter post;
    shelf_words_builder words; /* the written-words list (wordswriter.h) */
    int postings_open;
    int finished;
};

shelf_segwriter *shelf_segwriter_open(const char *dir, uint32_t number, shelf_analyzer *analyzer,
                                      size_t memory_budget, bool async_store, shelf_err *err)
{
    shelf_segwriter *w = calloc(1, sizeof *w);
    if (!w || !(w->dir = strdup(dir))) {
        free(w);
        shelf_errf(err, SHELF_ENOMEM, "out of memory");
        return NULL;
    }
    w->number = number;
    w->analyzer = analyzer;
    w->budget = memory_budget;
    char path[PATH_MAX], store[PATH_MAX], cols[PATH_MAX], prefix[PATH_MAX];
    shelf_segment_path(path, sizeof path, dir, number, "docs");
    shelf_segment_path(store, sizeof store, dir, number, "store");
    shelf_segment_path(cols, sizeof cols, dir, number, SHELF_EXT_COLS);
    snprintf(prefix, sizeof prefix, "%s/seg_%06u.", dir, number);
    if (shelf_docwriter_open(&w->docs, path, store, cols, async_store, err) != SHELF_OK) {
        free(w->dir);
        free(w);
        return NULL;
    }
    w->inverter = shelf_inverter_new(prefix, memory_budget, err);
    shelf_words_builder_init(&w->words, memory_budget / SHELF_WORDS_SHARE);
    if (!w->inverter) {
        shelf_segwriter_free(w);
        return NULL;
    }
    return w;
}

static int grow_lengths(shelf_segwriter *w)
{
    if (w->doc_count < w->lengths_cap)
        return SHELF_OK;
    size_t cap = w->lengths_cap ? w->lengths_cap * 2 : 1024;
    for (int f = 1; f <= 2; f++) {
        uint32_t *p = realloc(w->lengths[f], cap * sizeof *p);
        if (!p)
            return SHELF_ENOMEM;
        w->lengths[f] = p;
    }
    w->lengths_cap = cap;
    return SHELF_OK;
}

static int note_checkpoint(shelf_segwriter *w, size_t index, uint64_t offset)
{
    if (index == w->checkpoints_cap) {
        size_t cap = w->checkpoints_cap ? w->checkpoints_cap * 2 : 256;
        uint64_t *p = realloc(w->checkpoints, cap * sizeof *p);
        if (!p)
            return SHELF_ENOMEM;
        w->checkpoints = p;
        w->checkpoints_cap = cap;
    }
    w->checkpoints[index] = offset;
    return SHELF_OK;
}

/* Occurrences gathered for shelf_inverter_add_batch; the terms are copied,
 * since a token's term lives only until the next token. */
typedef struct batch {
    shelf_occurrence occ[SHELF_INVERTER_BATCH];
    uint8_t terms[SHELF_INVERTER_BATCH][SHELF_MAX_TERM_BYTES];
    size_t count;
    /* the body's written words met for the first time, likewise copied */
    shelf_word_note notes[SHELF_INVERTER_BATCH];
    char words[SHELF_INVERTER_BATCH][SHELF_MAX_TERM_BYTES];
    size_t word_count;
} batch;

static int flush_batch(shelf_segwriter *w, batch *b, uint8_t field, uint32_t doc, shelf_err *err)
{
    int rc = b->count ? shelf_inverter_add_batch(w->inverter, field, b->occ, b->count, doc, err)
                      : SHELF_OK;
    if (rc == SHELF_OK && b->word_count &&
        shelf_words_builder_note_batch(&w->words, b->notes, b->word_count, 1) != SHELF_OK)
        rc = shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", w->dir);
    b->count = b->word_count = 0;
    return rc;
}

_Static_assert(SHELF_WORDS_BATCH >= SHELF_INVERTER_BATCH, "a batch of words per batch of tokens");

/* Keep a body token's written word for the batch, unless the analyzer has
 * seen it in this document already or the lists leave it out. */
static void batch_word(batch *b, const shelf_token *tok)
{
    if (tok->word_met || !shelf_word_listed(tok->word, tok->word_len))
        return;
    memcpy(b->words[b->word_count], tok->word, tok->word_len);
    b->notes[b->word_count] = (shelf_word_note){b->words[b->word_count], tok->word_len,
                                                tok->word_hash};
    b->word_count++;
}

/* Analyse one field of a document into the inverter; checkpoint_count and
 * spans are NULL but for the body. */
static int invert_field(shelf_segwriter *w, uint8_t field, const char *text, size_t len,
                        uint32_t doc, shelf_token_iter *it, size_t *checkpoint_count,
                        shelf_span_builder *spans, shelf_err *err)
{
    shelf_token tok;
    batch b;
    b.count = b.word_count = 0;
    shelf_tokens_begin(it, w->analyzer, text, len);
    while (shelf_tokens_next(it, &tok)) {
        if (spans)
            shelf_span_builder_token(spans, tok.position, tok.start);
        if (checkpoint_count && tok.position % SHELF_CHECKPOINT_EVERY == 0) {
            if (note_checkpoint(w, (*checkpoint_count)++, tok.start) != SHELF_OK)
                return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", w->dir);
        }
        if (spans)
            batch_word(&b, &tok);
        memcpy(b.terms[b.count], tok.term, tok.term_len);
        b.occ[b.count] = (shelf_occurrence){b.terms[b.count], (uint8_t)tok.term_len, tok.hash,
                                            tok.position};
        if (++b.count < SHELF_INVERTER_BATCH)
            continue;
        int rc = flush_batch(w, &b, field, doc, err);
        if (rc != SHELF_OK)
            return rc;
    }
    return flush_batch(w, &b, field, doc, err);
}

static size_t buf_bytes(const shelf_buf *b)
{
    return b->cap;
}

/* The segment's arrays that grow by the document: lengths, checkpoints, the
 * store's block offsets, the norms, the written-words table and the
 * columns' folders and authors. */
static size_t per_document_bytes(const shelf_segwriter *w)
{
    const shelf_norms_builder *n = &w->docs.norms;
    return w->lengths_cap * 2 * sizeof(uint32_t) + w->checkpoints_cap * sizeof(uint64_t) +
           buf_bytes(&w->docs.block_offsets) + buf_bytes(&n->body) + buf_bytes(&n->title) +
           buf_bytes(&n->body_exc) + buf_bytes(&n->title_exc) +
           shelf_words_builder_bytes(&w->words) + shelf_colswriter_bytes(&w->docs.cols);
}

/* The inverter's share of the budget: what the rest does not hold. */
static void share_budget(shelf_segwriter *w)
{
    size_t held = w->held_outside + per_document_bytes(w), floor = w->budget / 8;
    size_t left = held < w->budget ? w->budget - held : 0;
    shelf_inverter_set_budget(w->inverter, left > floor ? left : floor);
}

void shelf_segwriter_note_held(shelf_segwriter *w, size_t bytes)
{
    w->held_outside = bytes;
}

/* What both ways of adding share: room for the document's lengths, and the
 * inverter's budget brought up to date. */
static int begin_document(shelf_segwriter *w, shelf_err *err)
{
    share_budget(w);
    if (w->doc_count == UINT32_MAX - 1)
        return shelf_errf(err, SHELF_EINVAL, "%s: segment is full (4 billion documents)", w->dir);
    if (grow_lengths(w) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", w->dir);
    shelf_words_builder_begin_doc(&w->words);
    return SHELF_OK;
}

/* Store the document's record and text once its terms are inverted. */
static int finish_document(shelf_segwriter *w, const shelf_doc_input *in, uint32_t length,
                           uint32_t title_length, uint64_t invalid_bytes, uint64_t cut_tokens,
                           const uint64_t *checkpoints, size_t checkpoint_count,
                           const shelf_buf *headings, shelf_doc_report *report, shelf_err *err)
{
    uint32_t doc = w->doc_count;
    shelf_docinfo info = {
        .path = in->path, .title = in->title, .title_bytes = in->title_len,
        .length = length, .title_length = title_length,
        .size = in->size, .mtime_ns = in->mtime_ns, .hash = in->hash,
        .flags = in->flags | (invalid_bytes ? SHELF_DOC_FLAG_INVALID_UTF8 : 0),
        .author = in->author, .author_bytes = in->author ? strlen(in->author) : 0,
        .date = in->date, .date_bytes = in->date ? strlen(in->date) : 0,
        .headings = headings->data, .headings_bytes = headings->len,
    };
    int rc = shelf_docwriter_add(&w->docs, &info, in->text, in->text_len, checkpoints,
                                 checkpoint_count, in->layout, err);
    if (rc != SHELF_OK)
        return rc;
    w->lengths[1][doc] = length;
    w->lengths[2][doc] = title_length;
    w->doc_count++;
    w->total_tokens += length;
    if (report)
        *report = (shelf_doc_report){doc, length, invalid_bytes, cut_tokens};
    return shelf_inverter_end_doc(w->inverter, err);
}

int shelf_segwriter_add(shelf_segwriter *w, const shelf_doc_input *in, shelf_doc_report *report,
                        shelf_err *err)
{
    int rc = begin_document(w, err);
    if (rc != SHELF_OK)
        return rc;
    uint32_t doc = w->doc_count;
    shelf_token_iter body, title;
    size_t checkpoints = 0;
    shelf_buf_reset(&w->headings);
    if (shelf_span_builder_begin(&w->spans, in->text, in->text_len, in->layout) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", w->dir);
    rc = invert_field(w, SHELF_FIELD_BODY, in->text, in->text_len, doc, &body, &checkpoints, &w->spans,
                      err);
    if (rc == SHELF_OK && shelf_span_builder_encode(&w->spans, &w->headings) != SHELF_OK)
        rc = shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", w->dir);
    if (rc == SHELF_OK)
        rc = invert_field(w, SHELF_FIELD_TITLE_ID, in->title, in->title_len, doc, &title, NULL, NULL,
                          err);
    if (rc != SHELF_OK)
        return rc;
    return finish_document(w, in, body.next_position, title.next_position, body.invalid_bytes,
                           body.cut_tokens + title.cut_tokens, w->checkpoints, checkpoints,
                           &w->headings, report, err);
}

static int invert_records(shelf_segwriter *w, uint8_t field, const shelf_buf *records, uint32_t doc,
                          shelf_err *err)
{
    shelf_analyzed_cursor c = {records->data, records->data + records->len};
    shelf_occurrence occ[SHELF_INVERTER_BATCH];
    size_t n = 0, len;
    int rc = SHELF_OK;
    while (rc == SHELF_OK && shelf_analyzed_next(&c, &occ[n].term, &len, &occ[n].position,
                                                 &occ[n].hash)) {
        occ[n].len = (uint8_t)len; /* the records point into stable memory */
        if (++n == SHELF_INVERTER_BATCH) {
            rc = shelf_inverter_add_batch(w->inverter, field, occ, n, doc, err);
            n = 0;
        }
    }
    if (rc == SHELF_OK && n > 0)
        rc = shelf_inverter_add_batch(w->inverter, field, occ, n, doc, err);
    return rc;
}

/* The body's written words as the analysis thread listed them. */
static int note_words(shelf_segwriter *w, const shelf_buf *words, shelf_err *err)
{
    shelf_analyzed_cursor c = {words->data, words->data + words->len};
    shelf_word_note notes[SHELF_WORDS_BATCH];
    size_t n = 0;
    const uint8_t *word;
    while (shelf_analyzed_next_word(&c, &word, &notes[n].len, &notes[n].hash)) {
        notes[n++].word = (const char *)word; /* the records stay put */
        if (n == SHELF_WORDS_BATCH || c.p >= c.end) {
            if (shelf_words_builder_note_batch(&w->words, notes, n, 1) != SHELF_OK)
                return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", w->dir);
            n = 0;
        }
    }
    return SHELF_OK;
}

int shelf_segwriter_add_analyzed(shelf_segwriter *w, const shelf_doc_input *in,
                                 const shelf_analyzed *an, shelf_doc_report *report, shelf_err *err)
{
    int rc = begin_document(w, err);
    uint32_t doc = w->doc_count;
    if (rc == SHELF_OK)
        rc = note_words(w, &an->words, err);
    if (rc == SHELF_OK)
        rc = invert_records(w, SHELF_FIELD_BODY, &an->body, doc, err);
    if (rc == SHELF_OK)
        rc = invert_records(w, SHELF_FIELD_TITLE_ID, &an->title, doc, err);
    if (rc != SHELF_OK)
        return rc;
    return finish_document(w, in, an->body_tokens, an->title_tokens, an->invalid_bytes, an->cut_tokens,
                           (const uint64_t *)an->checkpoints.data,
                           an->checkpoints.len / sizeof(uint64_t), &an->headings, report, err);
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static uint64_t segment_bytes(const shelf_segwriter *w, int committed)
{
    static const char *const exts[] = {"dict", "post", "pos", "docs", "store", SHELF_EXT_WORDS,
                                       SHELF_EXT_COLS};
    uint64_t total = 0;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        char path[PATH_MAX];
        shelf_segment_path(path, sizeof path - 4, w->dir, w->number, exts[i]);
        if (!committed)
            strcat(path, ".tmp");
        total += file_size(path);
    }
    return total;
}

/* Whether the writer's owner runs threads: its document writer was opened
 * with a compressor queue (async_store).  Then the written-words list and
 * half of the final postings may be written on threads of their own. */
static bool owner_runs_threads(const shelf_segwriter *w)
{
    return w->docs.queue != NULL;
}

/* The written-words list, on a thread of its own beside the postings. */
typedef struct words_job {
    shelf_segwriter *w;
    int rc;
    shelf_err err;
} words_job;

static void *write_words_list(void *arg)
{
    words_job *job = arg;
    job->rc = shelf_words_builder_write(&job->w->words, job->w->dir, job->w->number, NULL, 0, &job->err);
    return NULL;
}

/* The dictionary, postings, positions and document files. */
static int write_postings(shelf_segwriter *w, uint64_t *terms, shelf_err *err)
{
    char dict[PATH_MAX], post[PATH_MAX], pos[PATH_MAX];
    shelf_segment_path(dict, sizeof dict, w->dir, w->number, "dict");
    shelf_segment_path(post, sizeof post, w->dir, w->number, "post");
    shelf_segment_path(pos, sizeof pos, w->dir, w->number, "pos");
    int rc = shelf_dictwriter_open(&w->dict, dict, err);
    if (rc != SHELF_OK)
        return rc;
    rc = shelf_postwriter_open(&w->post, post, pos, err);
    if (rc != SHELF_OK) {
        shelf_dictwriter_close(&w->dict);
        return rc;
    }
    w->postings_open = 1;
    const uint32_t *const lengths[3] = {NULL, w->lengths[1], w->lengths[2]};
    shelf_inverter_allow_split_finish(w->inverter, owner_runs_threads(w));
    rc = shelf_inverter_finish(w->inverter, &w->dict, &w->post, lengths, w->doc_count, terms, err);
    if (rc == SHELF_OK)
        rc = shelf_dictwriter_finish(&w->dict, err);
    if (rc == SHELF_OK)
        rc = shelf_postwriter_finish(&w->post, err);
    if (rc == SHELF_OK)
        rc = shelf_docwriter_finish(&w->docs, err);
    return rc;
}

/*
 * The written-words list is written first, so that its table's memory is
 * gone before the inverter's final merge of spilled runs needs its own;
 * when nothing was spilled, that write needs no memory of its own, and a
 * writer whose owner runs threads writes the list on a thread beside it
 * (the two share nothing but the folder).
 */
int shelf_segwriter_finish(shelf_segwriter *w, shelf_segment_summary *summary, shelf_err *err)
{
    shelf_inverter_stats runs;
    shelf_inverter_get_stats(w->inverter, &runs);
    words_job words = {w, SHELF_OK, {0}};
    pthread_t beside;
    bool started = owner_runs_threads(w) && shelf_inverter_runs(w->inverter) == 0 &&
                   pthread_create(&beside, NULL, write_words_list, &words) == 0;
    if (!started) {
        write_words_list(&words);
        if (words.rc != SHELF_OK) {
            *err = words.err;
            return words.rc;
        }
    }
    uint64_t terms = 0;
    int rc = write_postings(w, &terms, err);
    if (started) {
        pthread_join(beside, NULL);
        if (rc == SHELF_OK && words.rc != SHELF_OK) {
            *err = words.err;
            rc = words.rc;
        }
    }
    if (rc != SHELF_OK)
        return rc;
    w->finished = 1;
    if (summary) {
        summary->number = w->number;
        summary->doc_count = w->doc_count;
        summary->total_tokens = w->total_tokens;
        summary->total_title_tokens = w->docs.total_title_tokens;
        summary->term_count = terms;
        summary->bytes = segment_bytes(w, 0);
        summary->runs = runs.spills;
        summary->run_bytes = runs.spill_bytes;
        summary->run_merges = runs.merges;
        summary->run_merge_bytes = runs.merge_write_bytes;
    }
    return SHELF_OK;
}

int shelf_segwriter_commit(shelf_segwriter *w, shelf_err *err)
{
    if (!w->finished)
        return shelf_errf(err, SHELF_EINVAL, "%s: segment committed before it was finished", w->dir);
    int rc = shelf_docwriter_commit(&w->docs, err);
    if (rc == SHELF_OK)
        rc = shelf_postwriter_commit(&w->post, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_commit(&w->dict.file, err);
    if (rc == SHELF_OK)
        rc = shelf_words_builder_commit(&w->words, err);
    return rc;
}

void shelf_segwriter_free(shelf_segwriter *w)
{
    if (!w)
        return;
    shelf_inverter_free(w->inverter);
    shelf_words_builder_free(&w->words);
    shelf_docwriter_close(&w->docs);
    if (w->postings_open) {
        shelf_postwriter_close(&w->post);
        shelf_dictwriter_close(&w->dict);
    }
    free(w->lengths[1]);
    free(w->lengths[2]);
    free(w->checkpoints);
    shelf_span_builder_free(&w->spans);
    shelf_buf_free(&w->headings);
    free(w->dir);
    free(w);
}
