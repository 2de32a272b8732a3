/*
 * serve_client.h - a `searcher --serve` process and a raw HTTP/1.1 client
 * for the tests that talk to it over a real socket (test_serve.c,
 * test_serve_file.c, test_multi_index.c).
 * Requests are sent as written, so hostile ones can be; every answer is
 * read until the server closes the connection ("Connection: close").
 *
 * These call cmocka's failure functions: use them inside a running test or
 * a group's setup.
 */
#ifndef SHELF_TEST_SERVE_CLIENT_H
#define SHELF_TEST_SERVE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct sc_server {
    pid_t pid;
    unsigned port;
    char *err_path; /* its stderr */
} sc_server;

/* SEARCHER_BIN --serve --index idx --listen 127.0.0.1:0, its stderr in
 * scratch/; waits until it says where it listens (fails the test if it
 * exits or says nothing in 60 s). */
void sc_start(sc_server *s, const char *idx, const char *scratch);
/* The same with several indexes searched as one (at most 16). */
void sc_start_many(sc_server *s, const char *const *idx, size_t n, const char *scratch);
/* SEARCHER_BIN --serve --listen 127.0.0.1:0 followed by args[0..nargs)
 * (at most SC_MAX_ARGS), likewise. */
#define SC_MAX_ARGS 32
void sc_start_args(sc_server *s, const char *const *args, size_t nargs, const char *scratch);
/* SIGTERM; 0 when it exited with 0 and its stderr holds no sanitizer
 * report, else -1 (it is killed when it does not stop in 30 s). */
int sc_stop(sc_server *s);
/* Whether the server's stderr holds no sanitizer report (one is printed). */
bool sc_sanitizer_clean(const sc_server *s);

typedef struct sc_resp {
    int status;    /* 0: no answer */
    char *head;    /* status line and headers */
    char *body;    /* NUL appended, not counted */
    size_t body_len;
} sc_resp;

/* Sends the request bytes as they are; the answer in r (status 0: none). */
void sc_send(const sc_server *s, const char *request, size_t n, sc_resp *r);
/* method target HTTP/1.1 with a loopback Host, Connection: close and
 * extra_headers (each ending in CRLF; may be NULL). */
void sc_request(const sc_server *s, const char *method, const char *target,
                const char *extra_headers, sc_resp *r);
void sc_resp_free(sc_resp *r);

/* A header's value (case-insensitive name), malloc'd, or NULL. */
char *sc_header(const sc_resp *r, const char *name);
/* Fails the test unless the header holds want. */
void sc_expect_header(const sc_resp *r, const char *name, const char *want);

/* s percent-encoded but for unreserved characters; malloc'd. */
char *sc_enc(const char *s);

#endif
