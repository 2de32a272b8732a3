/*
 * progname.h - the names the two programs are called by, for what they
 * print about themselves (--help, --version) and for commands a message
 * tells the user to run ("recover with: indexer --index DIR --rebuild");
 * and the folder the program was run from.
 *
 * The build tree has `indexer` and `searcher`; installed, they are
 * `shelf-indexer` and `shelf-searcher` (Debian's sphinxsearch already has an
 * `indexer`).  A program learns which from its argv[0]: the part of its
 * file name before its role ("shelf-" in "shelf-searcher") is put before
 * the other program's role too.  A file name that does not end with the
 * role gives the plain names.
 *
 * Invariant: shelf_progname_set is called at most once, by main() before
 * any other thread starts; until then the names are "indexer" and
 * "searcher" (what library tests see) and the program's own is "shelf".
 * Reading is safe from any thread.
 */
#ifndef SHELF_UTIL_PROGNAME_H
#define SHELF_UTIL_PROGNAME_H

#include <stdbool.h>
#include <stddef.h>

/* Record the program's names from argv[0] and its role, "indexer" or
 * "searcher". */
void shelf_progname_set(const char *argv0, const char *role);

/* The running program's name: argv[0]'s file name when it ends with the
 * role, else the role ("shelf-searcher", "searcher"). */
const char *shelf_progname(void);

/* The names to give in commands: "shelf-indexer" beside "shelf-searcher",
 * "indexer" beside "searcher". */
const char *shelf_indexer_name(void);
const char *shelf_searcher_name(void);

/* The folder of the running program's file (/proc/self/exe), where the
 * files installed with it are looked for relative to: "PREFIX/bin" for
 * PREFIX/bin/shelf-indexer.  False when it cannot be read or does not fit
 * in size bytes. */
bool shelf_program_folder(char *out, size_t size);

#endif
