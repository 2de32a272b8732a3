/*
 * wordswriter.h - builds a segment's written-words list (words.h,
 * FORMAT.md ".words") while the segment is written or merged.
 *
 * Where the words come from:
 *   - A segment writer is handed each body token's folded, unstemmed word
 *     by the analysis pass that already runs for indexing (analyzer.h,
 *     shelf_token.word), so no text is tokenised twice.  The analyzer's hint
 *     word_met lets most repeats within a document skip the table; the table
 *     still counts a word at most once per document (last_doc), so the hint
 *     only saves work and never changes a count.
 *   - A merge adds its inputs' lists (streamed, in order) and corrects them
 *     with the documents it drops: a deleted document's stored text is read
 *     again and its words counted with sign -1.  An input without a list (a
 *     segment older than lists, or one whose list is damaged) has its live
 *     documents' text read again instead, so a merge always writes a full
 *     list.
 *
 * Listed words: 2 to 64 bytes, no ASCII digit (analyzer.h, shelf_word_listed).
 *
 * Memory: one table entry (24 bytes, the table at most half full) and the
 * bytes of each distinct word with 5 bytes before them (its count and its
 * length, for sorting in place), in shelf_words_builder_bytes; the segment
 * writer counts it in its budget.  Past the builder's limit the list is
 * given up (memory freed, no file written, `overflowed` set): a segment
 * without a list is what every reader already handles, while a list with
 * words missing would make written words look unwritten.
 *
 * Life cycle: init -> (begin_doc, note ...)* -> write (file under .tmp,
 * fsynced) -> commit (rename) -> free (removes an uncommitted file).
 */
#ifndef SHELF_WORDSWRITER_H
#define SHELF_WORDSWRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"
#include "backend/native/filewriter.h"
#include "backend/native/words.h"
#include "util/buf.h"
#include "util/error.h"

/* The limit: a segment writer's is a quarter of its memory budget; a
 * merge, which has no budget of its own, takes a quarter of the default. */
#define SHELF_WORDS_SHARE 4
#define SHELF_WORDS_MERGE_LIMIT ((size_t)64 << 20)

typedef struct shelf_word_slot shelf_word_slot;

typedef struct shelf_words_builder {
    uint32_t doc;         /* the current document, 1-based; 0 before the first */
    shelf_word_slot *slots;
    size_t cap, count;    /* cap a power of two, or 0 */
    shelf_buf bytes;      /* the words, back to back */
    size_t limit;         /* bytes; 0: none */
    bool overflowed;
    shelf_fwriter file;
    int writing;
} shelf_words_builder;

void shelf_words_builder_init(shelf_words_builder *b, size_t limit);
/* The words noted from now on belong to one more document. */
void shelf_words_builder_begin_doc(shelf_words_builder *b);
/* Count a listed word (hash: its shelf_term_hash) for the current document
 * with sign +1 or -1; a second note of it in the same document does
 * nothing.  SHELF_ENOMEM only; past the limit the list is given up. */
int shelf_words_builder_note(shelf_words_builder *b, const char *word, size_t len, uint64_t hash,
                             int sign);
/* A word to note, for shelf_words_builder_note_batch. */
typedef struct shelf_word_note {
    const char *word;
    size_t len;
    uint64_t hash;
} shelf_word_note;

#define SHELF_WORDS_BATCH 16

/* shelf_words_builder_note for n (at most SHELF_WORDS_BATCH) words in
 * turn, the same counts, with the table's cache misses overlapped: each
 * word's slot is prefetched first, then the bytes of the word found there,
 * then the words are noted one by one. */
int shelf_words_builder_note_batch(shelf_words_builder *b, const shelf_word_note *notes,
                                   size_t n, int sign);
/* Begin a document and count every listed word of its text, as fold (an
 * analyzer of language "none") tokenises it, with sign +1 or -1. */
int shelf_words_builder_add_text(shelf_words_builder *b, shelf_analyzer *fold, const char *text,
                                 size_t len, int sign, shelf_err *err);
size_t shelf_words_builder_bytes(const shelf_words_builder *b);
/* Write <dir>/seg_NNNNNN.words under its .tmp name: the table's counts plus
 * those of the given lists (a merge's inputs; none for a new segment).
 * Words whose count comes to 0 or less are left out.  The table's memory
 * is released.  Nothing is written when overflowed; commit then does
 * nothing either. */
int shelf_words_builder_write(shelf_words_builder *b, const char *dir, uint32_t number,
                              const shelf_words *const *lists, size_t list_count, shelf_err *err);
int shelf_words_builder_commit(shelf_words_builder *b, shelf_err *err);
void shelf_words_builder_free(shelf_words_builder *b);

#endif
