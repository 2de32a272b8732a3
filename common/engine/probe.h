/*
 * probe.h - reading a little of everything a request reads from an index
 * (the document count, the first body term and its frequency, the first
 * live document), to find out whether opening it is safe.
 *
 * The searcher runs this in shelf-helper (`shelf-helper HEADROOM probe
 * DIR`, searcher/xapian_probe.h) before it opens a Xapian generation
 * itself: libxapian 1.4 can crash on a damaged table, and a crash in the
 * helper costs nothing.  The helper answers with shelf_probe_encode's
 * bytes; the searcher reads them back with shelf_probe_decode.
 */
#ifndef SHELF_PROBE_H
#define SHELF_PROBE_H

#include <stdbool.h>

#include "util/buf.h"
#include "util/error.h"

/* SHELF_OK when the index in dir opened and each read succeeded; else the
 * first error. */
int shelf_engine_probe(const char *dir, shelf_err *err);

/* The answer: code (i32 little-endian, a SHELF_E* value or SHELF_OK) then
 * the message's bytes. */
int shelf_probe_encode(int code, const shelf_err *err, shelf_buf *wire);

/* Reads an answer back into *code and err; false when it is malformed. */
bool shelf_probe_decode(const shelf_buf *wire, int *code, shelf_err *err);

#endif
