/* analyzed.c - documents analysed ahead of indexing; see analyzed.h. */
#include "backend/analyzed.h"
#include "backend/shared_format.h"

#include <string.h>

/* Appends one record, a length byte, the n bytes, then the `after_len`
 * bytes at after, with one capacity check (this runs for every token). */
static int put_record(shelf_buf *out, const char *bytes, size_t n, const void *after, size_t after_len)
{
    size_t total = 1 + n + after_len;
    if (total > out->cap - out->len && shelf_buf_reserve(out, total) != SHELF_OK)
        return SHELF_ENOMEM;
    uint8_t *p = out->data + out->len;
    p[0] = (uint8_t)n;
    memcpy(p + 1, bytes, n);
    memcpy(p + 1 + n, after, after_len);
    out->len += total;
    return SHELF_OK;
}

static int add_word(shelf_buf *words, const shelf_token *tok)
{
    if (tok->word_met || !shelf_word_listed(tok->word, tok->word_len))
        return SHELF_OK;
    return put_record(words, tok->word, tok->word_len, &tok->word_hash, sizeof tok->word_hash);
}

/* checkpoints, spans and words: NULL but for the body. */
static int add_field(shelf_analyzer *a, const char *text, size_t len, shelf_buf *out,
                     shelf_buf *checkpoints, shelf_span_builder *spans, shelf_buf *words,
                     shelf_token_iter *it)
{
    shelf_token tok;
    shelf_tokens_begin(it, a, text, len);
    while (shelf_tokens_next(it, &tok)) {
        uint32_t pos = tok.position;
        uint8_t after[sizeof pos + sizeof tok.hash];
        memcpy(after, &pos, sizeof pos);
        memcpy(after + sizeof pos, &tok.hash, sizeof tok.hash);
        if (put_record(out, tok.term, tok.term_len, after, sizeof after) != SHELF_OK)
            return SHELF_ENOMEM;
        if (words && add_word(words, &tok) != SHELF_OK)
            return SHELF_ENOMEM;
        if (spans)
            shelf_span_builder_token(spans, pos, tok.start);
        if (checkpoints && pos % SHELF_CHECKPOINT_EVERY == 0) {
            uint64_t offset = tok.start;
            if (shelf_buf_append(checkpoints, &offset, sizeof offset))
                return SHELF_ENOMEM;
        }
    }
    return SHELF_OK;
}

int shelf_analyze_document(shelf_analyzer *a, const char *text, size_t text_len, const char *title,
                           size_t title_len, const shelf_layout *layout, shelf_analyzed *out)
{
    shelf_buf_reset(&out->body);
    shelf_buf_reset(&out->title);
    shelf_buf_reset(&out->checkpoints);
    shelf_buf_reset(&out->headings);
    shelf_buf_reset(&out->words);
    shelf_token_iter body, head;
    int rc = shelf_span_builder_begin(&out->spans, text, text_len, layout);
    if (rc == SHELF_OK)
        rc = add_field(a, text, text_len, &out->body, &out->checkpoints, &out->spans, &out->words,
                       &body);
    if (rc == SHELF_OK)
        rc = shelf_span_builder_encode(&out->spans, &out->headings);
    if (rc == SHELF_OK)
        rc = add_field(a, title, title_len, &out->title, NULL, NULL, NULL, &head);
    if (rc != SHELF_OK)
        return rc;
    out->body_tokens = body.next_position;
    out->title_tokens = head.next_position;
    out->invalid_bytes = body.invalid_bytes;
    out->cut_tokens = body.cut_tokens + head.cut_tokens;
    return SHELF_OK;
}

void shelf_analyzed_free(shelf_analyzed *d)
{
    shelf_buf_free(&d->words);
    shelf_buf_free(&d->body);
    shelf_buf_free(&d->title);
    shelf_buf_free(&d->checkpoints);
    shelf_buf_free(&d->headings);
    shelf_span_builder_free(&d->spans);
}
