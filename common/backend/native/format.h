/*
 * format.h - constants of the on-disk index format.  The layout itself is
 * described in one place, common/backend/native/FORMAT.md; keep the two in step and
 * bump SHELF_FORMAT_VERSION on any change.
 */
#ifndef SHELF_FORMAT_H
#define SHELF_FORMAT_H

#include <stdint.h>

#include "query/keys.h" /* the key layout: field bytes, SHELF_MAX_KEY_BYTES */
#include "backend/shared_format.h" /* checkpoints, document flags, key length */

#define SHELF_FORMAT_VERSION 8u

#define SHELF_MAGIC_MANIFEST "SHLFMANI"
#define SHELF_MAGIC_DICT "SHLFDICT"
#define SHELF_MAGIC_POST "SHLFPOST"
#define SHELF_MAGIC_POS "SHLFPOS_"
#define SHELF_MAGIC_DOCS "SHLFDOCS"
#define SHELF_MAGIC_STORE "SHLFSTOR"
#define SHELF_MAGIC_DELS "SHLFDELS"
#define SHELF_MAGIC_WORDS "SHLFWORD"
#define SHELF_MAGIC_COLS "SHLFCOLS"

/* A segment's five files, by extension ("<dir>/seg_NNNNNN.<ext>", segpath.h). */
#define SHELF_EXT_DICT "dict"
#define SHELF_EXT_POST "post"
#define SHELF_EXT_POS "pos"
#define SHELF_EXT_DOCS "docs"
#define SHELF_EXT_STORE "store"
/* and the optional written-words list (words.h), which older segments lack */
#define SHELF_EXT_WORDS "words"
#define SHELF_WORDS_BLOCK_ENTRIES 32
#define SHELF_WORDS_TRAILER_BYTES 24
/* and the optional filter columns (doccols.h), which older segments lack */
#define SHELF_EXT_COLS "cols"

#define SHELF_HEADER_BYTES 16
#define SHELF_FOOTER_BYTES 16
#define SHELF_END_MAGIC 0x444E4553u /* "SEND" read as little-endian u32 */

#define SHELF_DICT_BLOCK_ENTRIES 32
#define SHELF_DICT_TRAILER_BYTES 32
#define SHELF_SKIP_ENTRY_BYTES 24
#define SHELF_DOC_RECORD_BYTES 56
#define SHELF_DOCS_TRAILER_BYTES 64
#define SHELF_STORE_BLOCK_TARGET (16 * 1024)
#define SHELF_STORE_TRAILER_BYTES 16
#define SHELF_STORE_ZSTD_LEVEL 1 /* fastest: the store is written once per document */

#endif
