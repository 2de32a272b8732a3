/* listen_addr.c - parsing, resolving and binding the listen address; see listen_addr.h. */
#include "listen_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LISTEN_BACKLOG 1024 /* a burst of new connections (wrk -c1000) is not dropped */

static int parse_port(const char *s, unsigned *port)
{
    if (*s == '\0' || strlen(s) > 5)
        return -1;
    unsigned v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v > 65535)
        return -1;
    *port = v;
    return 0;
}

int listen_split(const char *spec, char *host, size_t host_size, unsigned *port, char *msg,
                 size_t msg_size)
{
    const char *colon = strrchr(spec, ':');
    const char *host_start = spec, *host_end = colon;
    if (!colon) {
        snprintf(msg, msg_size, "--listen wants HOST:PORT (for example 127.0.0.1:8080), got '%s'", spec);
        return -1;
    }
    if (spec[0] == '[') { /* [v6]:port */
        const char *close = strchr(spec, ']');
        if (!close || close + 1 != colon) {
            snprintf(msg, msg_size, "--listen: unbalanced brackets in '%s'", spec);
            return -1;
        }
        host_start = spec + 1;
        host_end = close;
    }
    size_t n = (size_t)(host_end - host_start);
    if (n == 0) {
        host_start = "127.0.0.1";
        n = strlen(host_start);
    }
    if (n >= host_size) {
        snprintf(msg, msg_size, "--listen: host name too long in '%s'", spec);
        return -1;
    }
    memcpy(host, host_start, n);
    host[n] = '\0';
    if (parse_port(colon + 1, port) != 0) {
        snprintf(msg, msg_size, "--listen: '%s' is not a port number (0 to 65535)", colon + 1);
        return -1;
    }
    return 0;
}

static bool is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
}

/* Bind and listen on one resolved address; fd or -1 (errno set). */
static int bind_one(const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ai->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* Fill out's host, port and loopback from the bound socket. */
static int describe(listen_addr *out, char *msg, size_t msg_size)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(out->fd, (struct sockaddr *)&ss, &len) != 0) {
        snprintf(msg, msg_size, "getsockname: %s", strerror(errno));
        return -1;
    }
    out->family = ss.ss_family;
    out->loopback = is_loopback((struct sockaddr *)&ss);
    if (ss.ss_family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &in->sin_addr, out->host, sizeof out->host);
        out->port = ntohs(in->sin_port);
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, out->host, sizeof out->host);
        out->port = ntohs(in6->sin6_port);
    }
    return 0;
}

int listen_open(const char *spec, listen_addr *out, char *msg, size_t msg_size)
{
    char host[256], port_text[8];
    unsigned port;
    if (listen_split(spec, host, sizeof host, &port, msg, msg_size) != 0)
        return -1;
    snprintf(port_text, sizeof port_text, "%u", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host, port_text, &hints, &res);
    if (gai != 0) {
        snprintf(msg, msg_size, "cannot resolve '%s': %s", host, gai_strerror(gai));
        return -1;
    }
    out->fd = bind_one(res);
    int saved = errno;
    freeaddrinfo(res);
    if (out->fd < 0) {
        snprintf(msg, msg_size, "cannot listen on %s: %s", spec, strerror(saved));
        return -1;
    }
    if (describe(out, msg, msg_size) != 0) {
        close(out->fd);
        return -1;
    }
    return 0;
}
