/*
 * xapian_probe.h - try a Xapian database in a child process before the
 * server opens it.
 *
 * libxapian 1.4 can crash (SIGSEGV) on a damaged table, and a crash in the
 * server would end every request.  So before `searcher --serve` opens a
 * Xapian generation (at start-up and on each reload), shelf-helper opens
 * it and reads a little of everything a request reads (engine/probe.h):
 * the document count, a term and its frequency, one document's data.  Only
 * when that helper answers that all went well does the server open the
 * generation itself.  The helper is a program started afresh, not a fork of
 * the server: a child forked from a multithreaded process inherits the
 * locks its other threads held at that instant and can hang on them.
 *
 * Caveats: the probe reads only a part of the tables, and a damaged generation can still be swapped in
 * between the probe and the server's own open, so a request on a damaged
 * database may still crash inside libxapian; the probe closes the common
 * case of a damaged commit appearing under a running server.
 */
#ifndef SHELF_XAPIAN_PROBE_H
#define SHELF_XAPIAN_PROBE_H

#include "util/error.h"

/* SHELF_OK when the probe of the Xapian index in index_dir passed;
 * otherwise SHELF_ECORRUPT (or the probe's own error code) with a message
 * saying what happened ("damaged Xapian table (opening it crashed with
 * SIGSEGV): DIR", the probe's error, a timeout), SHELF_ENOTFOUND when the
 * helper program is missing, SHELF_EIO when it cannot be started. */
int xapian_probe(const char *index_dir, unsigned budget_ms, shelf_err *err);

#endif
