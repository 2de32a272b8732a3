/*
 * xapian_probe.h - try a Xapian database in a child process before the
 * server opens it.
 *
 * libxapian 1.4 can crash (SIGSEGV) on a damaged table, and a crash in the
 * server would end every request.  So before `searcher --serve` opens a
 * Xapian generation (at start-up and on each reload), a forked child opens
 * it and reads a little of everything a request reads: the document count,
 * a term and its frequency, one document's data.  Only when that child
 * exits cleanly does the server open the generation itself.
 *
 * Caveats: the child is forked from a multithreaded server and calls
 * libxapian; it touches nothing the other threads hold (no stdio, none of
 * our locks) and leaves with _exit() right after.  The probe reads only a
 * part of the tables, and a damaged generation can still be swapped in
 * between the probe and the server's own open, so a request on a damaged
 * database may still crash inside libxapian; the probe closes the common
 * case of a damaged commit appearing under a running server.
 */
#ifndef SHELF_XAPIAN_PROBE_H
#define SHELF_XAPIAN_PROBE_H

#include "util/error.h"

/* SHELF_OK when the probe of the Xapian index in index_dir passed;
 * otherwise SHELF_ECORRUPT (or the child's own error code) with a message
 * saying what happened ("damaged Xapian table (opening it crashed with
 * SIGSEGV): DIR", the child's error, a timeout). */
int xapian_probe(const char *index_dir, unsigned budget_ms, shelf_err *err);

#endif
