/*
 * crashpoint.h - a test hook for crash-safety tests.  The writer calls
 * shelf_crashpoint() at every step where a crash could leave a half-done
 * state (after each file is flushed, around fsyncs, renames, the manifest
 * commit and removals).  When the environment variable SHELF_CRASH_AFTER=N is
 * set, the Nth call (counted across threads) kills the process with SIGKILL,
 * exactly as a power cut or `kill -9` would; otherwise it does nothing.
 */
#ifndef SHELF_CRASHPOINT_H
#define SHELF_CRASHPOINT_H

void shelf_crashpoint(void);

#endif
