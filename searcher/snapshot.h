/*
 * snapshot.h - the index as the server sees it: one open engine at a time
 * (a "snapshot" of one committed generation), shared by concurrent
 * requests, replaced when the indexer commits.
 *
 * Invariants:
 * - A request works on one snapshot from start to end: snap_acquire gives it
 *   a lease on the current snapshot and snap_release returns it; everything
 *   the request reads (search, documents, stored text) comes through the
 *   lease, so its answer is consistent even if a commit lands meanwhile.
 * - A snapshot is reference counted: the holder owns one reference while it
 *   is current, each lease one more; the engine is closed when the last
 *   reference goes, i.e. after the last request that used it.
 * - Engines hold per-call buffers and are not thread-safe, and neither are
 *   analyzers (the stemmer's state).  A lease therefore carries its own
 *   (engine, analyzer) pair, a "worker", taken from the snapshot's pool:
 *   on the native backend a worker's engine is a cheap
 *   shelf_engine_borrow() over the snapshot's shared, read-only index, and
 *   the pool grows to the number of concurrent requests; on the Xapian
 *   backend the pool has a single worker over the one database handle, so
 *   Xapian requests are served one at a time.
 * - A new generation is noticed with one stat() per acquire: of MANIFEST
 *   (native; every commit renames a new one into place) or of
 *   xapian/iamglass (Xapian; rewritten by every commit).  When the file's
 *   identity changed, one request (the others do not wait) opens the new
 *   index and swaps it in for later requests.  A failed open keeps the old
 *   snapshot and is reported once per identity.
 * - A remote shard that fails (its server went away, a network timeout)
 *   leaves its Xapian connection dead for good: the request that met the
 *   failure answers it (snap_lease_lost), its release marks the snapshot
 *   lost, and the next snap_acquire opens every part anew (one request at
 *   a time; a failed try is retried after 250 ms, doubling up to 2 s, and
 *   requests meanwhile fail at once with SNAP_UNREACHABLE and the last
 *   failure's message).  Leases already taken on the lost snapshot keep
 *   it until released.
 * - A Xapian generation (at start-up and on every reload) is first opened
 *   and probed in a child process (xapian_probe.h): when libxapian crashes
 *   on a damaged table there, the open fails and the server lives on.
 */
#ifndef SHELF_SNAPSHOT_H
#define SHELF_SNAPSHOT_H

#include <stdint.h>

#include "analysis/analyzer.h"
#include "engine/engine.h"
#include "util/error.h"

typedef struct snap_holder snap_holder;
typedef struct snapshot snapshot;
typedef struct snap_worker snap_worker;

/* snap_acquire: a lost remote shard is still unreachable (not an error code
 * of util/error.h: those are negative). */
#define SNAP_UNREACHABLE 1

typedef struct snap_lease {
    shelf_engine *engine;     /* for this request only */
    shelf_analyzer *analyzer; /* the index's language */
    uint64_t generation;      /* native: the manifest's (several: their sum); Xapian: 0 */
    uint64_t serial;          /* 1 for the first snapshot, +1 per reload */
    shelf_backend backend;
    snapshot *snap;           /* private */
    snap_worker *worker;      /* private */
} snap_lease;

/* Open the indexes in dirs as one collection (flags as shelf_engine_open;
 * shelf_engine_open_set), with the remote Xapian shards in remotes when not
 * NULL and not empty (shelf_engine_open_remotes; the caller keeps them for
 * the holder's life; n may then be 0).  A commit to any folder is noticed
 * by its own stamp and reopens the set; remote shards are not watched. */
int snap_holder_open(snap_holder **out, const char *const *dirs, size_t n,
                     const shelf_remotes *remotes, unsigned flags,
                     shelf_err *err);
/* Every lease must have been released. */
void snap_holder_close(snap_holder *h);

/* A lease on the current snapshot (reloading first when a commit landed).
 * SNAP_UNREACHABLE (err naming HOST:PORT) when a remote shard was lost and
 * could not be reached again yet. */
int snap_acquire(snap_holder *h, snap_lease *out, shelf_err *err);
/* NULL, or why a remote shard was lost during this lease (a network error
 * or timeout; the message names HOST:PORT): the request's answer is then
 * that failure, and releasing the lease marks its snapshot lost. */
const char *snap_lease_lost(const snap_lease *lease);
void snap_release(snap_holder *h, snap_lease *lease);

#endif
