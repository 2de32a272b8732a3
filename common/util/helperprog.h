/*
 * helperprog.h - finding shelf-helper, the program that runs the readers
 * of untrusted files (PDF, DOCX, ODT, EPUB) in a process of its own
 * (util/sandbox.h, extract/isolated.h).
 *
 * Where it is looked for, first found wins:
 *   1. $SHELF_HELPER, when set (a packager's or a test's override; it must
 *      name an executable file, or nothing else is tried);
 *   2. beside the running program (the build tree: build/indexer and
 *      build/shelf-helper);
 *   3. PREFIX/libexec/shelf/shelf-helper for a program in PREFIX/bin (an
 *      installed copy, wherever the prefix was moved);
 *   4. the build tree it was compiled in (SHELF_BUILD_HELPER: the test
 *      programs in build/tests);
 *   5. the libexec folder it was configured to be installed in
 *      (SHELF_INSTALLED_HELPER).
 */
#ifndef SHELF_HELPERPROG_H
#define SHELF_HELPERPROG_H

#include <stddef.h>

#include "util/error.h"

#define SHELF_HELPER_NAME "shelf-helper"

/* The helper's path into out.  SHELF_ENOTFOUND ("cannot find the helper
 * program shelf-helper (looked beside PROGRAM and in LIBEXEC; is the
 * installation complete?)", or "$SHELF_HELPER (PATH) is not an executable
 * file") when none is found: a setup problem, not a problem of the file
 * being read, so callers stop rather than skip the file. */
int shelf_helper_path(char *out, size_t size, shelf_err *err);

#endif
