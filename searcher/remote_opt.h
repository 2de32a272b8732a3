/*
 * remote_opt.h - the searcher's `--remote HOST:PORT[,HOST:PORT...]`
 * (repeatable) and `--remote-timeout SECONDS`: the remote Xapian shards,
 * served by xapian-tcpsrv, to search together with (or instead of) the
 * --index folder (backend/remotes.h; engine.h shelf_engine_open_remotes).
 *
 * Invariant: set.list points at list and set.count == count; every host
 * is a malloc'd non-empty string, every port in 1..65535.
 */
#ifndef REMOTE_OPT_H
#define REMOTE_OPT_H

#include "backend/remotes.h"

typedef struct remote_opt {
    shelf_remote *list;
    size_t count, cap;
    shelf_remotes set; /* what the engine is handed */
} remote_opt;

/* Defaults: no shard, the default timeouts. */
void remote_opt_init(remote_opt *r);
/* Add the shards of one --remote value; prints the problem and returns -1
 * on a malformed one. */
int remote_opt_add(remote_opt *r, const char *value);
/* --remote-timeout SECONDS (> 0, at most an hour): bounds both connecting
 * and every operation on a shard; prints and returns -1 when refused. */
int remote_opt_timeout(remote_opt *r, const char *value);
void remote_opt_free(remote_opt *r);

#endif
