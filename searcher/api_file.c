/*
 * api_file.c - GET /api/file?doc=ID: the original file of an indexed
 * document, as it was indexed, for the browser to show (a PDF in its
 * viewer, `#page=N` opening the cited page).
 *
 * The ID is resolved through the index's records exactly as /api/doc does
 * (doc_find.h): only a path the index holds is ever opened, and the path
 * opened is the one read back from the document's record.  The file must
 * still be a regular file of the size and modification time recorded at
 * indexing (the indexer's own test of "unchanged"); otherwise the answer is
 * 410 with what changed, since the bytes would no longer be what the
 * search and its citations were made from.  The descriptor is handed to
 * libmicrohttpd, which streams the bytes (http_reply.h); one `Range` of
 * bytes is honoured (http_range.h); HEAD gets the headers alone.
 *
 * Answers: 200 or 206 with the file; 400/413 for a bad doc parameter; 404
 * for an ID that is not an indexed path; 410 when the file is gone or
 * changed; 416 for a range past the end; 500 when the index or the file
 * cannot be read.
 */
#include "api.h"

#include "backend/shared_format.h"
#include "doc_find.h"
#include "http_params.h"
#include "http_range.h"
#include "original_type.h"
#include "output.h"
#include "serve_limits.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What the index recorded about the document's file. */
typedef struct original {
    char *path; /* from the record */
    size_t path_len;
    uint64_t size;
    int64_t mtime_ns;
    shelf_format format;
    shelf_encoding encoding;
} original;

static int find_original(api_request *rq, original *o, reply *r)
{
    shelf_err err = {0};
    shelf_engine *e = rq->lease->engine;
    shelf_hit hit;
    if (api_find_doc(rq, &hit, r) < 0)
        return -1;
    shelf_docview v;
    int rc = shelf_engine_doc(e, &hit, &v, &err);
    if (rc != SHELF_OK) {
        reply_error(r, 500, "%s", err.msg);
        return -1;
    }
    o->path = strndup(v.path, v.path_len);
    if (!o->path) {
        reply_error(r, 500, "out of memory");
        return -1;
    }
    o->path_len = v.path_len;
    o->size = v.size;
    o->mtime_ns = v.mtime_ns;
    o->format = output_format_of(v.flags);
    o->encoding = (shelf_encoding)((v.flags >> SHELF_DOC_ENCODING_SHIFT) & SHELF_DOC_FIELD_MASK);
    return 0;
}

static int64_t mtime_ns_of(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* The file, still as indexed: its descriptor, or -1 with r filled. */
static int open_original(const original *o, struct stat *st, reply *r)
{
    /* O_NONBLOCK: a FIFO put in the file's place cannot hang the thread. */
    int fd = open(o->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR || e == ELOOP)
            reply_error(r, 410, "the file %s is no longer there (moved or deleted since it was "
                                "indexed); index the shelf again", o->path);
        else
            reply_error(r, 500, "cannot open %s: %s", o->path, strerror(e));
        return -1;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        reply_error(r, 410, "%s is no longer a regular file; index the shelf again", o->path);
        close(fd);
        return -1;
    }
    if ((uint64_t)st->st_size != o->size) {
        reply_error(r, 410, "the file %s changed since it was indexed (%llu bytes then, %llu now); "
                            "index the shelf again to open it",
                    o->path, (unsigned long long)o->size, (unsigned long long)st->st_size);
        close(fd);
        return -1;
    }
    if (mtime_ns_of(st) != o->mtime_ns) {
        reply_error(r, 410, "the file %s changed since it was indexed (modified since); "
                            "index the shelf again to open it", o->path);
        close(fd);
        return -1;
    }
    return fd;
}

/* The reply's file: the whole file or the asked range; -1 with r filled. */
static int fill_file(api_request *rq, const original *o, int fd, uint64_t size, reply *r)
{
    reply_file *f = calloc(1, sizeof *f);
    char *disposition = original_disposition(o->path, o->path_len);
    if (!f || !disposition) {
        free(f);
        free(disposition);
        close(fd);
        reply_error(r, 500, "out of memory");
        return -1;
    }
    *f = (reply_file){.fd = fd, .offset = 0, .len = size, .size = size,
                      .sandbox = original_sandboxed(o->format), .disposition = disposition};
    original_type(o->format, o->encoding, f->type);
    const char *range = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
    if (MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_RANGE))
        range = NULL; /* no validators are sent, so an If-Range never matches */
    range_kind kind = range_parse(range, size, &f->offset, &f->len);
    if (kind == RANGE_NONE) {
        close(fd);
        free(disposition);
        free(f);
        reply_error(r, 416, "range %s is outside the file's %llu bytes", range,
                    (unsigned long long)size);
        snprintf(r->content_range, sizeof r->content_range, "bytes */%llu", (unsigned long long)size);
        return -1;
    }
    f->partial = kind == RANGE_PART;
    reply_free(r);
    *r = (reply){.status = f->partial ? 206 : 200, .type = f->type, .file = f};
    return 0;
}

void api_file(api_request *rq, reply *r)
{
    original o = {0};
    if (find_original(rq, &o, r) != 0)
        return;
    struct stat st;
    int fd = open_original(&o, &st, r);
    if (fd >= 0)
        fill_file(rq, &o, fd, (uint64_t)st.st_size, r);
    free(o.path);
}
