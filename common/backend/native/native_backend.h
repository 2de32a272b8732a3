/*
 * native_backend.h - the native backend's row of the backend table
 * (backend.h): its reader operations (engine_native.c), its writer
 * operations (native_writer_ops.c over indexwriter.h) and its check
 * (native_check.c).  A folder is native when it holds a MANIFEST.
 */
#ifndef SHELF_NATIVE_BACKEND_H
#define SHELF_NATIVE_BACKEND_H

#include "backend/backend.h"

extern const shelf_reader_ops shelf_native_ops;
extern const shelf_writer_ops shelf_native_writer_ops;
extern const shelf_backend_row shelf_native_backend;

/* Verify every checksum and invariant of the native index in dir. */
int shelf_native_check(const char *dir, shelf_check_summary *out, shelf_err *err);

#endif
