/*
 * listing.h - `indexer --list`: one line per live document of an index:
 * body tokens, size in bytes, modification time (UTC), path and title,
 * separated by tabs, in index order.  Returns an exit code.
 */
#ifndef SHELF_LISTING_H
#define SHELF_LISTING_H

int list_documents(const char *index_dir);

#endif
