/* serve.c - starting, running and stopping the server; see serve.h. */
#include "serve.h"

#include "http_server.h"
#include "index_hint.h"
#include "listen_addr.h"
#include "serve_limits.h"
#include "snapshot.h"
#include "engine/engine.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned pool_size(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < SERVE_THREADS_MIN)
        return SERVE_THREADS_MIN;
    return cpus > SERVE_THREADS_MAX ? SERVE_THREADS_MAX : (unsigned)cpus;
}

/* Raise the descriptor limit to its hard limit, then fit the connection
 * cap (and libmicrohttpd's spare above it) within it. */
static unsigned connection_cap(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return SERVE_CONNECTIONS_MAX;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    rlim_t overhead = SERVE_FDS_RESERVED + SERVE_CONNECTIONS_SPARE;
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= SERVE_CONNECTIONS_MAX + overhead)
        return SERVE_CONNECTIONS_MAX;
    if (rl.rlim_cur < overhead + 16)
        return 16;
    return (unsigned)(rl.rlim_cur - overhead);
}

/* The first folder that holds no index (for the hint). */
static const char *missing_dir(const serve_config *cfg)
{
    shelf_backend backend;
    for (size_t i = 0; i < cfg->nindexes; i++)
        if (shelf_engine_detect(cfg->index_dirs[i], &backend, NULL) != SHELF_OK)
            return cfg->index_dirs[i];
    return cfg->index_dirs[0];
}

static int open_index(const serve_config *cfg, snap_holder **holder)
{
    shelf_err err = {0};
    int rc = snap_holder_open(holder, cfg->index_dirs, cfg->nindexes, cfg->remotes,
                              cfg->open_flags, &err);
    if (rc == SHELF_OK)
        return 0;
    if (rc == SHELF_ENOTFOUND && cfg->nindexes && !(cfg->remotes && cfg->remotes->count))
        index_hint_not_found(stderr, missing_dir(cfg), err.msg);
    else
        fprintf(stderr, "searcher: %s\n", err.msg);
    return -1;
}

/* Signals are taken by sigwait() in the main thread only: blocked here,
 * before the server's threads start, so they inherit the mask. */
static void block_stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void say_serving(const serve_config *cfg, const listen_addr *la, const http_config *hc)
{
    const char *open = la->family == AF_INET6 ? "[" : "", *close = la->family == AF_INET6 ? "]" : "";
    fputs("searcher: serving ", stderr);
    for (size_t i = 0; i < cfg->nindexes; i++)
        fprintf(stderr, "%s%s", i ? (i + 1 < cfg->nindexes ? ", " : " and ") : "", cfg->index_dirs[i]);
    if (cfg->remotes && cfg->remotes->count)
        fprintf(stderr, "%sremote shards", cfg->nindexes ? " with " : "");
    fprintf(stderr, " at http://%s%s%s:%u/ (%u threads, %u connections; Ctrl-C stops)\n", open,
            la->host, close, la->port, hc->threads, hc->max_connections);
    if (!la->loopback)
        fprintf(stderr, "searcher: warning: %s is not a loopback address: anyone who can reach "
                        "it can read every document of the index\n", la->host);
    fflush(stderr);
}

int serve_main(const serve_config *cfg)
{
    snap_holder *holder;
    if (open_index(cfg, &holder) != 0)
        return 2;
    listen_addr la;
    char msg[512];
    if (listen_open(cfg->listen, &la, msg, sizeof msg) != 0) {
        fprintf(stderr, "searcher: %s\n", msg);
        snap_holder_close(holder);
        return 2;
    }
    sigset_t stop;
    block_stop_signals(&stop);
    http_config hc = {holder, la.fd, la.family, la.loopback, pool_size(), cfg->request_seconds,
                      connection_cap()};
    http_server *server;
    if (http_start(&server, &hc, msg, sizeof msg) != 0) {
        fprintf(stderr, "searcher: %s\n", msg);
        snap_holder_close(holder);
        return 2;
    }
    say_serving(cfg, &la, &hc);
    int signo = 0;
    sigwait(&stop, &signo);
    fprintf(stderr, "searcher: %s received, stopping\n", signo == SIGINT ? "SIGINT" : "SIGTERM");
    http_stop(server);
    snap_holder_close(holder);
    fprintf(stderr, "searcher: stopped\n");
    return 0;
}
