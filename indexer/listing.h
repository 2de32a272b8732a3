/*
 * listing.h - `indexer --list` and `indexer --check`, for either backend.
 *
 * --list prints one line per live document: body tokens, size in bytes,
 * modification time (UTC), path and title, separated by tabs (native: in
 * index order; Xapian: by path).
 * --check verifies an index: native, every checksum and invariant
 * (index.h); Xapian, Xapian's own check of the database and a decode of
 * every document's data.  Both print statistics.  They return exit codes.
 */
#ifndef SHELF_LISTING_H
#define SHELF_LISTING_H

int list_documents(const char *index_dir);
int check_index(const char *index_dir);

#endif
