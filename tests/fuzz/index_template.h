/*
 * index_template.h - a small real index made from corpus/, the same bytes
 * every time, for the fuzz targets that read index files (fuzz_index.c
 * overwrites one of its files with the input; fuzz_query.c plans and
 * searches against it) and for tools/fuzz.sh's seeds.
 *
 * Contents (english analyzer, every modification time 0):
 *   commit 1, segment 1:
 *     doc 0  "overview.txt"   corpus/nato-overview.txt, plain text;
 *     doc 1  "notes.md"       the first ~3 KB of corpus/military-diplomacy-
 *                             in-nato.txt as a structured document whose
 *                             first two non-empty lines are headings;
 *     doc 2  "report.pdf"     the first ~3 KB of corpus/nato-command-defense-
 *                             policy-alignment.txt in three pages cut at
 *                             line starts;
 *   commit 2, segment 2: "overview.txt" again with its first ~1.5 KB only,
 *     which deletes doc 0 of segment 1 (a deletions file).
 * Slices are cut at line ends, so every file holds valid UTF-8 text.
 */
#ifndef SHELF_FUZZ_INDEX_TEMPLATE_H
#define SHELF_FUZZ_INDEX_TEMPLATE_H

#include <stddef.h>

/* The template's files, in the order the index target's first byte picks
 * them. */
extern const char *const fuzz_template_files[];
extern const size_t fuzz_template_file_count;

/* Build the template in dir (which must not exist yet).  Aborts on any
 * failure, naming it. */
void fuzz_template_build(const char *dir);

/* The template of this process, built on first use under the scratch
 * folder; read-only for its users. */
const char *fuzz_template_dir(void);

#endif
