/*
 * pdf.c - the text, title and page layout of a PDF, read with poppler-glib
 * in a child process.
 *
 * Isolation.  Poppler parses untrusted bytes and can crash, hang or run away
 * with memory on a damaged file.  So shelf_extract_pdf() forks (no exec) and
 * the child does all the poppler work on the inherited copy of `data`: it
 * sends stdout and stderr to /dev/null (library code never prints; glib and
 * poppler do), disables core dumps, caps its address space at what it
 * started with + 1 GiB + 2 x the result limit (not under AddressSanitizer),
 * opens the document, and writes one length-prefixed result to a pipe, then
 * leaves with _exit() (never exit(): no atexit handlers, no stdio flush, no
 * ASan leak check in the child, and it never returns into the caller).  The
 * parent never calls poppler or glib, so no poppler state or lock is ever
 * shared with a child (each child initialises poppler afresh: ~15 ms).
 *
 * The result on the pipe (integers little-endian):
 *   body_len:u64, then body_len bytes of body:
 *   kind:u8 = RESULT_OK:        title_len:u32 title  npages:u32
 *                               npages x (len:u32 text)   (raw poppler text)
 *           | RESULT_ENCRYPTED
 *           | RESULT_DAMAGED:   len:u32 reason
 * The parent accepts at most 64 x the input size + 1 MiB of body (the child
 * stops at the same bound): a longer one is "damaged PDF: extracted text too
 * large"; a truncated or malformed result, a non-zero exit or a death by a
 * signal is "PDF reader crashed (damaged PDF?)".
 *
 * Errors, all SHELF_ESKIP with a message that starts with the path:
 * "encrypted PDF (needs a password)" (an empty user password opens fine),
 * "damaged PDF: <reason>", "no text layer (image-only PDF?)", "PDF took
 * longer than N s to read (skipped)", "PDF reader crashed (damaged PDF?)";
 * SHELF_EIO when no pipe or process can be made, SHELF_ENOMEM.  On error
 * *out holds nothing.
 *
 * The budget.  The parent waits at most budget_ms of wall-clock time from
 * the fork (0 means no limit), reading the pipe as data arrives (so a large
 * result cannot dead-lock on a full pipe) with poll() in slices of at most
 * WAIT_SLICE_MS; on each idle slice it also checks whether the child is gone
 * (another process forked at the wrong moment may hold a copy of the pipe's
 * write end, so end-of-file alone is not trusted).  Over budget the child is
 * killed with SIGKILL and reaped, and the file is skipped.  Forks made here
 * are serialised by a mutex, so concurrent extractions in other threads
 * never inherit each other's write ends.  Every child is reaped before
 * returning; no pipe end outlives the call.
 *
 * The text (built by the parent from the raw page texts):
 *   - each page is normalised: CRLF and CR become LF; C0 controls other
 *     than tab and LF (form feeds included) and DEL become spaces; invalid
 *     UTF-8 bytes become U+FFFD; white space at the end of each line is
 *     removed (indentation is kept); runs of blank lines become one blank
 *     line; blank lines at the start and end of the page are removed;
 *   - pages are joined so that each starts a new paragraph: a page with text
 *     is followed by exactly one blank line ("\n\n") unless it is the last
 *     page; an empty page is a single "\n" (so every page owns at least one
 *     byte and the page starts stay strictly ascending: each empty page adds
 *     one extra blank line between its neighbours);
 *   - layout.pages[i] is the byte offset where page i+1 begins (the first is
 *     0); layout.structured is false (sections come from the plain-text
 *     heading rule).
 * A document whose pages are all empty is skipped ("no text layer").  The
 * title is the metadata title with controls turned to spaces and outer
 * white space trimmed, or NULL when that leaves nothing.  The text is valid
 * UTF-8 and NUL-terminated; encoding is SHELF_ENC_UTF8.
 */
#define _GNU_SOURCE /* pipe2 */
#include "extract/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <poppler.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"

#if defined(__SANITIZE_ADDRESS__)
#define SHELF_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SHELF_UNDER_ASAN 1
#endif
#endif

#define WAIT_SLICE_MS 100
#define RESULT_GROWTH 64                  /* body bytes allowed per input byte */
#define RESULT_SLACK ((size_t)1 << 20)    /* plus this much */
#define HEADER_BYTES 8                    /* body_len:u64 */
#define CHILD_MEMORY_HEADROOM ((size_t)1 << 30) /* address space for poppler */
#define CHILD_EXIT_OK 0
#define CHILD_EXIT_FAIL 1

enum result_kind { RESULT_OK = 0, RESULT_ENCRYPTED = 1, RESULT_DAMAGED = 2 };

static pthread_mutex_t fork_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t result_limit(size_t input_len)
{
    if (input_len > (SIZE_MAX - RESULT_SLACK) / RESULT_GROWTH)
        return SIZE_MAX;
    return input_len * RESULT_GROWTH + RESULT_SLACK;
}

/* ------------------------------------------------------------------------
 * The child: parse with poppler, write the result, _exit.
 * ------------------------------------------------------------------------ */

static int put_bytes32(shelf_buf *b, const char *s, size_t n)
{
    if (n > UINT32_MAX)
        return SHELF_ENOMEM;
    if (shelf_buf_put_u32le(b, (uint32_t)n) != SHELF_OK)
        return SHELF_ENOMEM;
    return shelf_buf_append(b, s, n);
}

static void encode_damaged(shelf_buf *body, const char *reason)
{
    shelf_buf_reset(body);
    if (shelf_buf_put_u8(body, RESULT_DAMAGED) != SHELF_OK ||
        put_bytes32(body, reason, strlen(reason)) != SHELF_OK)
        _exit(CHILD_EXIT_FAIL);
}

/* The page count and each page's raw text into body; false when the body
 * would exceed limit or memory runs out. */
static bool encode_pages(PopplerDocument *doc, shelf_buf *body, size_t limit)
{
    int n = poppler_document_get_n_pages(doc);
    if (shelf_buf_put_u32le(body, (uint32_t)(n > 0 ? n : 0)) != SHELF_OK)
        return false;
    for (int i = 0; i < n; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        char *text = page ? poppler_page_get_text(page) : NULL;
        size_t tlen = text ? strlen(text) : 0;
        bool ok = tlen <= limit && body->len <= limit - tlen &&
                  put_bytes32(body, text ? text : "", tlen) == SHELF_OK;
        g_free(text);
        if (page)
            g_object_unref(page);
        if (!ok)
            return false;
    }
    return true;
}

/* Why poppler could not open the file, in words that follow "damaged PDF: ". */
static const char *damage_reason(GError *gerr)
{
    if (!gerr || !gerr->message || !*gerr->message)
        return "cannot be opened";
    if (g_error_matches(gerr, POPPLER_ERROR, POPPLER_ERROR_DAMAGED))
        return "the file structure is broken"; /* poppler: "PDF document is damaged" */
    if (gerr->message[0] >= 'A' && gerr->message[0] <= 'Z')
        gerr->message[0] = (char)(gerr->message[0] - 'A' + 'a');
    return gerr->message;
}

static void encode_document(const char *data, size_t len, shelf_buf *body)
{
    GError *gerr = NULL;
    GBytes *bytes = g_bytes_new_static(data, len);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    if (!doc) {
        if (gerr && g_error_matches(gerr, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED)) {
            if (shelf_buf_put_u8(body, RESULT_ENCRYPTED) != SHELF_OK)
                _exit(CHILD_EXIT_FAIL);
        } else {
            encode_damaged(body, damage_reason(gerr));
        }
        return; /* the child exits next: nothing to free */
    }
    char *title = poppler_document_get_title(doc);
    if (shelf_buf_put_u8(body, RESULT_OK) != SHELF_OK ||
        put_bytes32(body, title ? title : "", title ? strlen(title) : 0) != SHELF_OK)
        _exit(CHILD_EXIT_FAIL);
    if (!encode_pages(doc, body, result_limit(len)))
        encode_damaged(body, "extracted text too large");
}

static bool write_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

static void silence_output(void)
{
    int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
        _exit(CHILD_EXIT_FAIL);
    if (fd > STDERR_FILENO)
        close(fd);
}

#ifndef SHELF_UNDER_ASAN
/* The child's address space as it starts (a copy of the parent's), or 0. */
static size_t current_address_space(void)
{
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    unsigned long long pages = strtoull(buf, NULL, 10);
    long page_size = sysconf(_SC_PAGESIZE);
    if (page_size <= 0 || pages > SIZE_MAX / (size_t)page_size)
        return 0;
    return (size_t)pages * (size_t)page_size;
}
#endif

/* No core files, and a cap on the memory poppler may take on top of what
 * the child starts with, so a decompression bomb ends in a failed
 * allocation (reported as a crash) rather than in the OOM killer.  Not
 * under AddressSanitizer, whose shadow memory needs a huge address space. */
static void limit_resources(size_t input_len)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
#ifndef SHELF_UNDER_ASAN
    size_t base = current_address_space();
    size_t extra = result_limit(input_len);
    if (base == 0 || base > SIZE_MAX - CHILD_MEMORY_HEADROOM ||
        extra > (SIZE_MAX - base - CHILD_MEMORY_HEADROOM) / 2)
        return;
    size_t cap = base + CHILD_MEMORY_HEADROOM + 2 * extra;
    struct rlimit as = {cap, cap};
    setrlimit(RLIMIT_AS, &as);
#endif
}

static _Noreturn void child_main(int wfd, const char *data, size_t len)
{
    limit_resources(len);
    silence_output();
    shelf_buf body = SHELF_BUF_INIT;
    encode_document(data, len, &body);
    shelf_buf header = SHELF_BUF_INIT;
    if (shelf_buf_put_u64le(&header, body.len) != SHELF_OK ||
        !write_all(wfd, header.data, header.len) || !write_all(wfd, body.data, body.len))
        _exit(CHILD_EXIT_FAIL);
    _exit(CHILD_EXIT_OK);
}

/* ------------------------------------------------------------------------
 * The parent: fork, collect the result within the budget, reap.
 * ------------------------------------------------------------------------ */

typedef struct collector {
    uint8_t header[HEADER_BYTES];
    size_t header_got;
    uint8_t *body;
    size_t body_len, body_got;
    size_t limit;
    bool eof;       /* the pipe reported end-of-file */
    bool too_large; /* the announced body exceeds limit */
} collector;

static uint64_t get_u64le(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static bool collector_complete(const collector *c)
{
    return c->header_got == HEADER_BYTES && c->body && c->body_got == c->body_len;
}

static bool collector_done(const collector *c)
{
    return c->eof || c->too_large || collector_complete(c);
}

/* Where the next bytes go, after the header has been read and checked.
 * Returns NULL when nothing more is wanted; *room receives the space. */
static uint8_t *collector_space(collector *c, size_t *room)
{
    if (c->header_got < HEADER_BYTES) {
        *room = HEADER_BYTES - c->header_got;
        return c->header + c->header_got;
    }
    if (!c->body) {
        uint64_t n = get_u64le(c->header);
        if (n > c->limit) {
            c->too_large = true;
            return NULL;
        }
        c->body_len = (size_t)n;
        c->body = malloc(c->body_len ? c->body_len : 1);
        if (!c->body)
            return NULL;
    }
    *room = c->body_len - c->body_got;
    return *room ? c->body + c->body_got : NULL;
}

static void collector_advance(collector *c, size_t n)
{
    if (c->header_got < HEADER_BYTES)
        c->header_got += n;
    else
        c->body_got += n;
}

/* Read whatever the (non-blocking) pipe holds now.  SHELF_OK or
 * SHELF_ENOMEM. */
static int collect_available(int fd, collector *c)
{
    while (!collector_done(c)) {
        size_t room;
        uint8_t *dst = collector_space(c, &room);
        if (!dst)
            return c->too_large || collector_complete(c) ? SHELF_OK : SHELF_ENOMEM;
        ssize_t n = read(fd, dst, room);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return SHELF_OK;
        if (n <= 0) {
            c->eof = true; /* end of file, or a read error treated as one */
            return SHELF_OK;
        }
        collector_advance(c, (size_t)n);
    }
    return SHELF_OK;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* waitpid without EINTR; true when the child was reaped (status valid) or
 * is already gone (ECHILD: SIGCHLD ignored; *status then reads as a crash
 * unless the result was complete). */
static bool reap(pid_t pid, int *status, bool block)
{
    for (;;) {
        pid_t r = waitpid(pid, status, block ? 0 : WNOHANG);
        if (r == pid)
            return true;
        if (r == 0)
            return false;
        if (errno == EINTR)
            continue;
        *status = -1;
        return true;
    }
}

typedef enum wait_outcome { WAIT_FINISHED, WAIT_OVER_BUDGET, WAIT_NOMEM } wait_outcome;

/* Collect the child's result until the pipe is done (complete, too large or
 * at end of file) or the child is gone, within the budget.  Sets *reaped
 * (and *status) when it found the child gone; otherwise the caller reaps. */
static wait_outcome collect_from_child(pid_t pid, int fd, int64_t deadline, collector *c,
                                       bool *reaped, int *status)
{
    while (!collector_done(c)) {
        int slice = WAIT_SLICE_MS;
        if (deadline >= 0) {
            int64_t left = deadline - now_ms();
            if (left <= 0)
                return WAIT_OVER_BUDGET;
            if (left < slice)
                slice = (int)left;
        }
        struct pollfd pfd = {fd, POLLIN, 0};
        int r = poll(&pfd, 1, slice);
        if (r < 0 && errno != EINTR)
            return WAIT_NOMEM; /* poll's only real failure */
        if (r > 0 && collect_available(fd, c) != SHELF_OK)
            return WAIT_NOMEM;
        if (r == 0 && reap(pid, status, false)) {
            *reaped = true; /* whatever it wrote is in the pipe now */
            if (collect_available(fd, c) != SHELF_OK)
                return WAIT_NOMEM;
            return WAIT_FINISHED;
        }
    }
    return WAIT_FINISHED;
}

static void kill_and_reap(pid_t pid)
{
    int status;
    kill(pid, SIGKILL);
    reap(pid, &status, true);
}

/* In the child: close every descriptor but stdio and the result pipe, so
 * that it holds nothing of the parent's, in particular not the index's
 * writer lock (an open-file-description lock lives while any copy of its
 * descriptor is open: a child outliving a killed indexer would keep it). */
static void close_inherited(int keep)
{
    if (keep > 3)
        close_range(3, (unsigned)keep - 1, 0);
    close_range((unsigned)keep + 1, ~0u, 0);
}

/* Fork the reader; *rfd receives the parent's (non-blocking) read end. */
static int start_child(const char *path, const char *data, size_t len, pid_t *pid, int *rfd,
                       shelf_err *err)
{
    int fds[2];
    pthread_mutex_lock(&fork_lock);
    if (pipe2(fds, O_CLOEXEC) != 0) {
        int e = errno;
        pthread_mutex_unlock(&fork_lock);
        return shelf_errno(err, e, "%s: cannot create a pipe for the PDF reader", path);
    }
    int fl = fcntl(fds[0], F_GETFL); /* the read end only: the child writes blocking */
    if (fl < 0 || fcntl(fds[0], F_SETFL, fl | O_NONBLOCK) != 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        pthread_mutex_unlock(&fork_lock);
        return shelf_errno(err, e, "%s: cannot set up a pipe for the PDF reader", path);
    }
    *pid = fork();
    if (*pid == 0) {
        close(fds[0]);
        close_inherited(fds[1]);
        child_main(fds[1], data, len);
    }
    int e = errno;
    close(fds[1]);
    pthread_mutex_unlock(&fork_lock);
    if (*pid < 0) {
        close(fds[0]);
        return shelf_errno(err, e, "%s: cannot start the PDF reader", path);
    }
    *rfd = fds[0];
    return SHELF_OK;
}

/* Run the reader on data.  On SHELF_OK *body (malloc'd) holds the child's
 * complete result body of *body_len bytes. */
static int run_reader(const char *path, const char *data, size_t len, unsigned budget_ms,
                      uint8_t **body, size_t *body_len, shelf_err *err)
{
    int64_t deadline = budget_ms ? now_ms() + (int64_t)budget_ms : -1;
    pid_t pid = -1;
    int fd = -1;
    int rc = start_child(path, data, len, &pid, &fd, err);
    if (rc != SHELF_OK)
        return rc;
    collector c = {.limit = result_limit(len)};
    bool reaped = false;
    int status = 0;
    wait_outcome w = collect_from_child(pid, fd, deadline, &c, &reaped, &status);
    close(fd);
    if (w != WAIT_FINISHED) {
        if (!reaped)
            kill_and_reap(pid);
        free(c.body);
        if (w == WAIT_NOMEM)
            return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the PDF", path);
        return shelf_errf(err, SHELF_ESKIP, "%s: PDF took longer than %g s to read (skipped)",
                          path, budget_ms / 1000.0);
    }
    if (!reaped) {
        if (!collector_complete(&c))
            kill(pid, SIGKILL); /* gave up on it (end of file, too large): no waiting */
        reap(pid, &status, true);
    }
    if (c.too_large) {
        free(c.body);
        return shelf_errf(err, SHELF_ESKIP, "%s: damaged PDF: extracted text too large", path);
    }
    bool exited_ok = status == -1 || (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_EXIT_OK);
    if (!collector_complete(&c) || !exited_ok) {
        free(c.body);
        return shelf_errf(err, SHELF_ESKIP, "%s: PDF reader crashed (damaged PDF?)", path);
    }
    *body = c.body;
    *body_len = c.body_len;
    return SHELF_OK;
}

/* ------------------------------------------------------------------------
 * Decoding the result and building the text.
 * ------------------------------------------------------------------------ */

typedef struct reader {
    const uint8_t *p, *end;
} reader;

static bool read_u8(reader *r, uint8_t *v)
{
    if (r->p == r->end)
        return false;
    *v = *r->p++;
    return true;
}

static bool read_u32(reader *r, uint32_t *v)
{
    if (r->end - r->p < 4)
        return false;
    *v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
         (uint32_t)r->p[3] << 24;
    r->p += 4;
    return true;
}

static bool read_bytes32(reader *r, const char **s, size_t *n)
{
    uint32_t len;
    if (!read_u32(r, &len) || (size_t)(r->end - r->p) < len)
        return false;
    *s = (const char *)r->p;
    *n = len;
    r->p += len;
    return true;
}

/* Length of the valid UTF-8 sequence at s (n > 0 bytes), or 0 if invalid. */
static size_t utf8_valid_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong forms */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

static bool is_control(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7F;
}

/* Copy one character from s[*i] to dst (which has room for 4 bytes):
 * valid UTF-8 as is, an invalid byte as U+FFFD.  Returns bytes written. */
static size_t copy_char(const char *s, size_t n, size_t *i, char *dst)
{
    size_t k = utf8_valid_len((const unsigned char *)s + *i, n - *i);
    if (k == 0) {
        memcpy(dst, "\xEF\xBF\xBD", 3);
        *i += 1;
        return 3;
    }
    memcpy(dst, s + *i, k);
    *i += k;
    return k;
}

/* Append the normalised text of one page (rules in the header) at dst,
 * which has room for 3 * n bytes.  Returns the bytes written. */
static size_t normalise_page(const char *s, size_t n, char *dst)
{
    size_t o = 0, i = 0;
    size_t newlines = 0;        /* line ends since the last text written */
    size_t ws_start = 0, ws_len = 0; /* pending white space run in s */
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r' || c == '\n') {
            i += (c == '\r' && i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
            ws_len = 0; /* trailing white space: dropped */
            if (o > 0)
                newlines++;
            continue;
        }
        if (c == ' ' || c == '\t' || is_control(c)) {
            if (ws_len == 0)
                ws_start = i;
            ws_len++;
            i++;
            continue;
        }
        for (size_t k = newlines > 2 ? 2 : newlines; k > 0; k--) /* one blank line at most */
            dst[o++] = '\n';
        newlines = 0;
        for (size_t k = 0; k < ws_len; k++)
            dst[o++] = s[ws_start + k] == '\t' ? '\t' : ' ';
        ws_len = 0;
        o += copy_char(s, n, &i, dst + o);
    }
    return o;
}

/* The pages of an OK result, joined (rules in the header), into out. */
static int build_text(const char *path, reader *r, size_t body_len, shelf_doctext *out,
                      shelf_err *err)
{
    uint32_t npages;
    if (!read_u32(r, &npages) || npages > (size_t)(r->end - r->p) / 4)
        return shelf_errf(err, SHELF_ESKIP, "%s: PDF reader crashed (damaged PDF?)", path);
    if (npages == 0)
        return shelf_errf(err, SHELF_ESKIP, "%s: damaged PDF: no pages", path);
    if (body_len > (SIZE_MAX - 1) / 4)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the PDF", path);
    size_t cap = body_len * 3 + (size_t)npages * 2 + 1; /* see normalise_page */
    out->text = malloc(cap);
    if (!out->text)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the PDF", path);
    size_t len = 0;
    bool any_text = false;
    for (uint32_t p = 0; p < npages; p++) {
        const char *s;
        size_t n;
        if (!read_bytes32(r, &s, &n))
            return shelf_errf(err, SHELF_ESKIP, "%s: PDF reader crashed (damaged PDF?)", path);
        if (shelf_layout_add_page(&out->layout, len) != SHELF_OK)
            return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the PDF", path);
        size_t wrote = normalise_page(s, n, out->text + len);
        len += wrote;
        any_text |= wrote > 0;
        if (wrote == 0)
            out->text[len++] = '\n';
        else if (p + 1 < npages) {
            out->text[len++] = '\n';
            out->text[len++] = '\n';
        }
    }
    if (!any_text)
        return shelf_errf(err, SHELF_ESKIP, "%s: no text layer (image-only PDF?)", path);
    out->text[len] = '\0';
    out->len = len;
    char *shrunk = realloc(out->text, len + 1);
    if (shrunk)
        out->text = shrunk;
    return SHELF_OK;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Titles that PDF producers write when the author gave none: such a title
 * says nothing about the document, so the first line is used instead. */
static bool is_placeholder_title(const char *t, size_t n)
{
    static const char *const placeholders[] = {"untitled", "enscript output", "title",
                                               "document", "microsoft word"};
    for (size_t i = 0; i < sizeof placeholders / sizeof *placeholders; i++) {
        size_t m = strlen(placeholders[i]);
        if (n >= m && strncasecmp(t, placeholders[i], m) == 0 &&
            (n == m || strncmp(t + m, " -", 2) == 0))
            return true;
    }
    return false;
}

/* The metadata title: controls to spaces, invalid UTF-8 to U+FFFD, outer
 * white space trimmed; NULL when empty or a producer's placeholder
 * ("Untitled", "Enscript Output", "Microsoft Word - draft.docx"). */
static int build_title(const char *path, const char *s, size_t n, shelf_doctext *out,
                       shelf_err *err)
{
    char *t = malloc(n * 3 + 1);
    if (!t)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the PDF", path);
    size_t o = 0, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F) {
            t[o++] = ' ';
            i++;
        } else {
            o += copy_char(s, n, &i, t + o);
        }
    }
    size_t a = 0;
    while (a < o && is_blank(t[a]))
        a++;
    while (o > a && is_blank(t[o - 1]))
        o--;
    if (o == a || is_placeholder_title(t + a, o - a)) {
        free(t);
        return SHELF_OK;
    }
    memmove(t, t + a, o - a);
    t[o - a] = '\0';
    out->title = t;
    out->title_len = o - a;
    return SHELF_OK;
}

static int decode_result(const char *path, const uint8_t *body, size_t body_len,
                         shelf_doctext *out, shelf_err *err)
{
    reader r = {body, body + body_len};
    uint8_t kind;
    const char *s;
    size_t n;
    if (!read_u8(&r, &kind))
        return shelf_errf(err, SHELF_ESKIP, "%s: PDF reader crashed (damaged PDF?)", path);
    if (kind == RESULT_ENCRYPTED)
        return shelf_errf(err, SHELF_ESKIP, "%s: encrypted PDF (needs a password)", path);
    if (kind == RESULT_DAMAGED && read_bytes32(&r, &s, &n)) {
        size_t shown = n > 200 ? 200 : n;
        return shelf_errf(err, SHELF_ESKIP, "%s: damaged PDF: %.*s", path, (int)shown, s);
    }
    if (kind != RESULT_OK || !read_bytes32(&r, &s, &n))
        return shelf_errf(err, SHELF_ESKIP, "%s: PDF reader crashed (damaged PDF?)", path);
    int rc = build_title(path, s, n, out, err);
    return rc != SHELF_OK ? rc : build_text(path, &r, body_len, out, err);
}

int shelf_extract_pdf(const char *path, const char *data, size_t len, unsigned budget_ms,
                      shelf_doctext *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    uint8_t *body = NULL;
    size_t body_len = 0;
    int rc = run_reader(path, data, len, budget_ms, &body, &body_len, err);
    if (rc != SHELF_OK)
        return rc;
    out->layout = (shelf_layout)SHELF_LAYOUT_INIT;
    out->encoding = SHELF_ENC_UTF8;
    rc = decode_result(path, body, body_len, out, err);
    free(body);
    if (rc != SHELF_OK)
        shelf_doctext_free(out);
    return rc;
}
