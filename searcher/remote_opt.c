/* remote_opt.c - reading --remote and --remote-timeout; see remote_opt.h. */
#include "remote_opt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMEOUT_MAX_MS 3600000.0

void remote_opt_init(remote_opt *r)
{
    *r = (remote_opt){0};
    r->set.timeout_ms = SHELF_REMOTE_TIMEOUT_MS;
    r->set.connect_ms = SHELF_REMOTE_CONNECT_MS;
}

static int refuse(const char *item, size_t len, const char *why)
{
    fprintf(stderr, "searcher: --remote '%.*s': %s (give HOST:PORT, e.g. 127.0.0.1:6000)\n",
            (int)len, item, why);
    return -1;
}

/* One HOST:PORT ("[V6ADDR]:PORT" too) of len bytes into r. */
static int add_one(remote_opt *r, const char *item, size_t len)
{
    const char *colon = NULL;
    for (size_t i = 0; i < len; i++)
        if (item[i] == ':')
            colon = item + i;
    if (!colon || colon == item)
        return refuse(item, len, colon ? "no host" : "no port");
    const char *host = item;
    size_t host_len = (size_t)(colon - item);
    if (host_len >= 2 && host[0] == '[' && host[host_len - 1] == ']') {
        host++;
        host_len -= 2;
    }
    char digits[8];
    size_t port_len = (size_t)(item + len - colon - 1);
    if (host_len == 0 || port_len == 0 || port_len >= sizeof digits)
        return refuse(item, len, host_len == 0 ? "no host" : "bad port");
    memcpy(digits, colon + 1, port_len);
    digits[port_len] = '\0';
    char *end;
    errno = 0;
    unsigned long port = strtoul(digits, &end, 10);
    if (*end || digits[0] < '0' || digits[0] > '9' || port < 1 || port > 65535)
        return refuse(item, len, "the port must be a number from 1 to 65535");
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 4;
        shelf_remote *grown = realloc(r->list, cap * sizeof *grown);
        if (!grown)
            return refuse(item, len, "out of memory");
        r->list = grown;
        r->cap = cap;
    }
    char *name = strndup(host, host_len);
    if (!name)
        return refuse(item, len, "out of memory");
    r->list[r->count++] = (shelf_remote){name, (unsigned)port};
    r->set.list = r->list;
    r->set.count = r->count;
    return 0;
}

int remote_opt_add(remote_opt *r, const char *value)
{
    const char *p = value;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (add_one(r, p, len) != 0)
            return -1;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

int remote_opt_timeout(remote_opt *r, const char *value)
{
    char *end;
    errno = 0;
    double seconds = strtod(value, &end);
    if (errno || end == value || *end || !(seconds > 0) || seconds * 1000 > TIMEOUT_MAX_MS) {
        fprintf(stderr, "searcher: --remote-timeout takes seconds, more than 0 and at most 3600, "
                        "not '%s'\n", value);
        return -1;
    }
    unsigned ms = (unsigned)(seconds * 1000 + 0.5);
    r->set.timeout_ms = ms ? ms : 1;
    r->set.connect_ms = r->set.timeout_ms;
    return 0;
}

void remote_opt_free(remote_opt *r)
{
    for (size_t i = 0; i < r->count; i++)
        free((char *)r->list[i].host);
    free(r->list);
    remote_opt_init(r);
}
