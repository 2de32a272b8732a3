/*
 * listen_addr.h - the address `searcher --serve` listens on: "HOST:PORT",
 * "[IPV6]:PORT" or ":PORT" (loopback), HOST a numeric address or a name
 * that resolves (the first address is used).  The socket is opened, bound
 * and listening before the server starts, so a busy port is reported with
 * a clear message and port 0 picks a free one (the real port is returned).
 *
 * The default is SERVE_DEFAULT_LISTEN: loopback.  Any other address is used
 * only when the user names it; `loopback` says which it is, so the caller
 * can warn and so the server can refuse foreign Host headers (DNS
 * rebinding) on a loopback listener.
 */
#ifndef SHELF_LISTEN_ADDR_H
#define SHELF_LISTEN_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#define SERVE_DEFAULT_LISTEN "127.0.0.1:8080"

typedef struct listen_addr {
    int fd;            /* listening socket (the caller closes it) */
    int family;        /* AF_INET or AF_INET6 */
    char host[64];     /* numeric form of the bound address */
    unsigned port;     /* the bound port (the real one when 0 was asked) */
    bool loopback;     /* 127.0.0.0/8 or ::1 */
} listen_addr;

/* Split spec into host and port.  0, or -1 with msg filled. */
int listen_split(const char *spec, char *host, size_t host_size, unsigned *port, char *msg,
                 size_t msg_size);

/* Open a listening socket for spec.  0, or -1 with msg filled. */
int listen_open(const char *spec, listen_addr *out, char *msg, size_t msg_size);

#endif
