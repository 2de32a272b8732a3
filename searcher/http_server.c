/* http_server.c - libmicrohttpd glue, request checks and routing; see http_server.h. */
#include "http_server.h"

#include "api.h"
#include "conn_watch.h"
#include "http_head.h"
#include "http_params.h"
#include "http_reply.h"
#include "serve_limits.h"
#include "util/deadline.h"
#include "web_assets.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define PAGE_CSP "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; " \
                 "object-src 'none'"
#define API_CSP "default-src 'none'; frame-ancestors 'none'"
/* An original file (GET /api/file): a sandbox gives it an opaque origin, so
 * a hostile indexed HTML file can neither run script nor reach the API;
 * inline styles only, nothing loaded.  PDFs are not sandboxed (browsers
 * refuse to show them so): see README "Security". */
#define FILE_CSP_SANDBOX "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
#define FILE_CSP_PDF "frame-ancestors 'none'"

struct http_server {
    struct MHD_Daemon *daemon;
    conn_watch *watch;
    http_config cfg;
};

/* Per request: the raw request target, as sent. */
typedef struct req_state {
    size_t uri_len;
    char *path;  /* the target up to '?', at most SERVE_URI_MAX bytes */
    bool headers_seen; /* the handler's first call is over */
} req_state;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    req_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->uri_len = strlen(uri);
    size_t n = strcspn(uri, "?");
    st->path = strndup(uri, n < SERVE_URI_MAX ? n : SERVE_URI_MAX);
    if (!st->path) {
        free(st);
        return NULL;
    }
    return st;
}

static conn_entry *entry_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    http_server *s = cls;
    req_state *st = *con_cls;
    if (st)
        free(st->path);
    free(st);
    *con_cls = NULL;
    conn_entry *e = entry_of(c);
    if (e)
        cw_request_done(s->watch, e);
}

/* Every connection is known to the watch from its opening to its closing. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    http_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        cw_close(s->watch, *socket_context);
        *socket_context = NULL;
        return;
    }
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!info)
        return;
    *socket_context = cw_open(s->watch, info->connect_fd);
    if (!*socket_context) /* out of memory: not watched, so not kept */
        shutdown(info->connect_fd, SHUT_RDWR);
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
    fputs("searcher: http: ", stderr);
    vfprintf(stderr, fmt, ap);
}

/* ---- checks ---- */

static bool has_body(struct MHD_Connection *c)
{
    const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    return te || (len && strspn(len, "0") != strlen(len));
}

/* The host part of a Host header: "[::1]:80" -> "::1", "a:80" -> "a". */
static int host_part(const char *host, char *out, size_t size)
{
    const char *start = host, *end;
    if (*host == '[') {
        start = host + 1;
        end = strchr(start, ']');
        if (!end)
            return -1;
    } else {
        end = host + strcspn(host, ":");
    }
    size_t n = (size_t)(end - start);
    if (n == 0 || n >= size)
        return -1;
    memcpy(out, start, n);
    out[n] = '\0';
    return 0;
}

static bool loopback_name(const char *host)
{
    char name[256];
    if (host_part(host, name, sizeof name) != 0)
        return false;
    if (strcasecmp(name, "localhost") == 0)
        return true;
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, name, &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    return inet_pton(AF_INET6, name, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

static bool host_allowed(const http_server *s, struct MHD_Connection *c)
{
    if (!s->cfg.loopback)
        return true;
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    return !host || loopback_name(host);
}

/* ---- routing ---- */

typedef void (*api_route)(api_request *rq, reply *r);

static api_route find_route(const char *path)
{
    static const struct {
        const char *path;
        api_route fn;
    } routes[] = {{"/healthz", api_health}, {"/api/search", api_search},
                  {"/api/types", api_types},
                  {"/api/doc", api_doc},    {"/api/cite", api_cite},
                  {"/api/file", api_file}};
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++)
        if (strcmp(path, routes[i].path) == 0)
            return routes[i].fn;
    return NULL;
}

/* Run the route on a lease; true when a remote shard was lost under it
 * (r is then the 502 naming it, unless retry: then r is untouched). */
static bool run_leased(http_server *s, api_request *rq, api_route fn, reply *r, bool retry)
{
    snap_lease lease;
    shelf_err err = {0};
    int rc = snap_acquire(s->cfg.holder, &lease, &err);
    if (rc != SHELF_OK) {
        reply_error(r, rc == SNAP_UNREACHABLE ? 503 : 500, "%s", err.msg);
        return false;
    }
    reply mine = {0};
    rq->lease = &lease;
    fn(rq, retry ? &mine : r);
    const char *lost = snap_lease_lost(&lease);
    if (retry && !lost) {
        reply_free(r);
        *r = mine;
    } else if (retry) {
        reply_free(&mine);
    } else if (lost) { /* whatever the route made of it: a shard failed under it */
        reply_error(r, 502, "%s", lost);
    }
    snap_release(s->cfg.holder, &lease);
    return lost != NULL;
}

/* A shard lost during the request (most often a connection its server
 * closed while idle) is reconnected and the request run once more. */
static void run_api(http_server *s, struct MHD_Connection *c, api_route fn, reply *r)
{
    api_request rq = {.conn = c, .limit_seconds = s->cfg.request_seconds};
    clock_gettime(CLOCK_MONOTONIC, &rq.started);
    rq.deadline_ns = shelf_deadline_after(s->cfg.request_seconds);
    if (run_leased(s, &rq, fn, r, true))
        run_leased(s, &rq, fn, r, false);
}

/* Steps 0-3, decided from the headers alone: true with r filled. */
static bool refuse_early(struct MHD_Connection *c, const req_state *st, const char *method,
                         const char *url, const char *version, reply *r)
{
    const char *why;
    if (!st)
        reply_error(r, 500, "out of memory");
    else if ((why = head_ambiguity(c, method, url, version, st->uri_len)))
        reply_error(r, 400, "malformed request: %s", why);
    else if (st->uri_len > SERVE_URI_MAX)
        reply_error(r, 414, "request target too long: %zu bytes (the limit is %d)", st->uri_len,
                    SERVE_URI_MAX);
    else if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        reply_error(r, 405, "method %s not allowed: use GET", method);
        r->allow = "GET, HEAD";
    } else if (has_body(c))
        reply_error(r, 413, "requests take no body");
    else
        return false;
    return true;
}

/* Steps 4 and 5. */
static void route(http_server *s, struct MHD_Connection *c, const req_state *st, reply *r)
{
    web_asset asset;
    api_route fn;
    if (!host_allowed(s, c))
        reply_error(r, 403, "this server answers only requests addressed to a loopback name "
                            "(localhost, 127.0.0.1, [::1])");
    else if ((fn = find_route(st->path)))
        run_api(s, c, fn, r);
    else if (web_asset_find(st->path, &asset) == 0)
        *r = (reply){.status = 200, .type = asset.type, .page = true, .static_body = asset.data,
                     .len = asset.len};
    else
        reply_error(r, 404, "not found: %s", st->path);
}

/* ---- responses ---- */

static const char *csp_of(const reply *r)
{
    if (r->file)
        return r->file->sandbox ? FILE_CSP_SANDBOX : FILE_CSP_PDF;
    return r->page ? PAGE_CSP : API_CSP;
}

/* The headers of an original file: how to show it and which bytes these are. */
static void add_file_headers(struct MHD_Response *resp, const reply_file *f)
{
    char range[96];
    MHD_add_response_header(resp, "Content-Disposition", f->disposition);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    if (f->partial) {
        snprintf(range, sizeof range, "bytes %llu-%llu/%llu", (unsigned long long)f->offset,
                 (unsigned long long)(f->offset + f->len - 1), (unsigned long long)f->size);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, range);
    }
}

static void add_headers(struct MHD_Response *resp, const reply *r)
{
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type ? r->type : JSON_TYPE);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(resp, "Content-Security-Policy", csp_of(r));
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, r->page ? "no-cache" : "no-store");
    if (r->allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->file)
        add_file_headers(resp, r->file);
    if (r->content_range[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, r->content_range);
}

static enum MHD_Result send_reply(struct MHD_Connection *c, reply *r)
{
    struct MHD_Response *resp;
    if (r->file) {
        /* libmicrohttpd reads the descriptor as it sends, and closes it */
        resp = MHD_create_response_from_fd_at_offset64(r->file->len, r->file->fd, r->file->offset);
        if (resp)
            r->file->fd = -1;
    } else if (r->body) {
        resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
        if (resp)
            r->body = NULL; /* the response owns it now */
    } else {
        resp = MHD_create_response_from_buffer(r->len, (void *)r->static_body, MHD_RESPMEM_PERSISTENT);
    }
    if (!resp)
        return MHD_NO; /* out of memory: libmicrohttpd closes the connection */
    add_headers(resp, r);
    enum MHD_Result ret = MHD_queue_response(c, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    http_server *s = cls;
    req_state *st = *con_cls;
    reply r = {0};
    conn_entry *e = entry_of(c);
    if (!e || cw_refused(e))
        return MHD_NO; /* past the cap: already answered 503 */
    if (!st || !st->headers_seen)
        cw_head_received(s->watch, e);
    /* A request refused from its headers is answered at once (the
     * connection is then closed); any other is answered on the second call,
     * once libmicrohttpd has the whole request, so the connection stays
     * open for the next one. */
    if (!refuse_early(c, st, method, url, version, &r)) {
        if (!st->headers_seen) {
            st->headers_seen = true;
            return MHD_YES;
        }
        if (*upload_data_size) { /* not announced by the headers: ignored */
            *upload_data_size = 0;
            return MHD_YES;
        }
        route(s, c, st, &r);
    }
    enum MHD_Result ret = send_reply(c, &r);
    reply_free(&r);
    return ret;
}

/* ---- the daemon ---- */

int http_start(http_server **out, const http_config *cfg, char *msg, size_t msg_size)
{
    http_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(msg, msg_size, "out of memory");
        close(cfg->listen_fd);
        return -1;
    }
    s->cfg = *cfg;
    if (cw_start(&s->watch, cfg->max_connections, SERVE_HEADER_TIMEOUT_S, SERVE_EVICT_AFTER_S,
                 msg, msg_size) != 0) {
        close(cfg->listen_fd);
        free(s);
        return -1;
    }
    /* epoll (or poll), never select(): descriptors past FD_SETSIZE work. */
    unsigned poller = MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL : MHD_USE_POLL;
    unsigned flags = poller | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
                     (cfg->family == AF_INET6 ? MHD_USE_IPv6 : 0);
    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, on_log, s,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)cfg->listen_fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads,
        MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections + SERVE_CONNECTIONS_SPARE,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)SERVE_IDLE_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_CONNECTION_MEMORY,
        MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
        MHD_OPTION_UNESCAPE_CALLBACK, param_unescape, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(msg, msg_size, "libmicrohttpd could not start its threads");
        cw_stop(s->watch);
        close(cfg->listen_fd);
        free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void http_stop(http_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->daemon);
    cw_stop(s->watch);
    free(s);
}
