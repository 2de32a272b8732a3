/*
 * helper/main.c - shelf-helper: work that must not run inside the indexer
 * or the server, done in a process of its own that may crash, hang or be
 * killed without harm.  The indexer and the searcher start it
 * (util/sandbox.h); it is not for people.  Two jobs:
 *
 *     shelf-helper HEADROOM read FORMAT PATH    < the file's bytes
 *         reads one untrusted file (poppler for PDF; libzip and libxml2 for
 *         DOCX, ODT and EPUB; extract/isolated.h).  FORMAT names a row of
 *         the readers table with a read_in_helper; PATH is the file's name,
 *         for messages only.
 *     shelf-helper 0 serve
 *         the same reading, file after file: each request on standard
 *         input (a socket) is "read FORMAT PATH" with the bytes, each
 *         answer goes back on it (sandbox.h, shelf_sandbox_child_serve);
 *         the indexer's readers keep one running.
 *     shelf-helper HEADROOM probe DIR
 *         opens the index in DIR and reads a little of it
 *         (engine/probe.h; libxapian can crash on a damaged table).
 *
 * HEADROOM caps its address space (sandbox.h).  The answer goes to
 * standard output as shelf_sandbox_child_send frames it.  Exit codes: 0
 * answered, 1 the work failed without an answer (out of memory, a write
 * error), 2 bad arguments or an unknown format.
 */
#include <stdio.h>
#include <string.h>

#include "engine/probe.h"
#include "extract/readers.h"
#include "util/buf.h"
#include "util/sandbox.h"

#define EXIT_ANSWERED 0
#define EXIT_FAILED 1
#define EXIT_USAGE 2

static int answer(int rc, shelf_buf *wire)
{
    if (rc == SHELF_OK)
        rc = shelf_sandbox_child_send(wire);
    shelf_buf_free(wire);
    return rc == SHELF_OK ? EXIT_ANSWERED : EXIT_FAILED;
}

static int probe(const char *dir)
{
    shelf_err err = {0};
    int code = shelf_engine_probe(dir, &err);
    shelf_buf wire = SHELF_BUF_INIT;
    return answer(shelf_probe_encode(code, &err, &wire), &wire);
}

static int read_file(const char *format, const char *path)
{
    const shelf_reader *reader = shelf_reader_of_name(format);
    if (!reader || !reader->read_in_helper) {
        fprintf(stderr, "shelf-helper: no reader of '%s' runs here\n", format);
        return EXIT_USAGE;
    }
    shelf_buf scratch = SHELF_BUF_INIT;
    shelf_buf wire = SHELF_BUF_INIT;
    const void *data;
    size_t len;
    int rc = shelf_sandbox_child_input(&data, &len, &scratch);
    if (rc == SHELF_OK)
        rc = reader->read_in_helper(path, data, len, &wire);
    shelf_buf_free(&scratch);
    return answer(rc, &wire);
}

/* One request of serve: "read FORMAT PATH". */
static int serve_one(int argc, char **argv, const void *data, size_t len, shelf_buf *answer)
{
    if (argc != 3 || strcmp(argv[0], "read") != 0)
        return SHELF_EINVAL;
    const shelf_reader *reader = shelf_reader_of_name(argv[1]);
    if (!reader || !reader->read_in_helper)
        return SHELF_EINVAL;
    return reader->read_in_helper(argv[2], data, len, answer);
}

int main(int argc, char **argv)
{
    if (shelf_sandbox_child_begin(argc, argv) == SHELF_OK) {
        if (argc == 3 && strcmp(argv[2], "serve") == 0)
            return shelf_sandbox_child_serve(serve_one);
        if (argc == 5 && strcmp(argv[2], "read") == 0)
            return read_file(argv[3], argv[4]);
        if (argc == 4 && strcmp(argv[2], "probe") == 0)
            return probe(argv[3]);
    }
    fprintf(stderr, "usage: shelf-helper HEADROOM read FORMAT PATH < FILE\n"
                    "       shelf-helper 0 serve\n"
                    "       shelf-helper HEADROOM probe DIR\n"
                    "(started by shelf-indexer and shelf-searcher, not by hand)\n");
    return EXIT_USAGE;
}
