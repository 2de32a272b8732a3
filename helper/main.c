/*
 * helper/main.c - shelf-helper: work that must not run inside the indexer
 * or the server, done in a process of its own that may crash, hang or be
 * killed without harm.  The indexer and the searcher start it
 * (util/sandbox.h); it is not for people.  Two jobs:
 *
 *     shelf-helper 0 serve
 *         reads untrusted files (poppler for PDF; libzip and libxml2 for
 *         DOCX, ODT and EPUB; extract/isolated.h), file after file: each
 *         request on standard input (a socket) is "read FORMAT PATH" with
 *         the file's bytes and its memory headroom, each answer goes back on
 *         it (sandbox.h, shelf_sandbox_child_serve).  FORMAT names a row of
 *         the readers table that is sandboxed (its half: helper_halves.h);
 *         PATH is the file's name, for messages only.  Each of the
 *         indexer's reading threads keeps one running.
 *     shelf-helper HEADROOM probe DIR
 *         opens the index in DIR and reads a little of it
 *         (engine/probe.h; libxapian can crash on a damaged table); HEADROOM
 *         caps its address space, and the answer goes to standard output.
 *
 * Answers are framed as shelf_sandbox_child_send frames them.  Exit codes:
 * 0 answered (serve: the parent hung up), 1 the work failed without an
 * answer (out of memory, a write error, a request that is not "read" of a
 * known format), 2 bad arguments.
 */
#include <stdio.h>
#include <string.h>

#include "engine/probe.h"
#include "extract/helper_halves.h"
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

/* One request of serve: "read FORMAT PATH". */
static int serve_one(int argc, char **argv, const void *data, size_t len, shelf_buf *answer)
{
    if (argc != 3 || strcmp(argv[0], "read") != 0)
        return SHELF_EINVAL;
    const shelf_reader *reader = shelf_reader_of_name(argv[1]);
    shelf_helper_half read = reader ? shelf_helper_half_of(reader->info->format) : NULL;
    if (!read)
        return SHELF_EINVAL;
    return read(argv[2], data, len, answer);
}

int main(int argc, char **argv)
{
    if (shelf_sandbox_child_begin(argc, argv) == SHELF_OK) {
        if (argc == 3 && strcmp(argv[2], "serve") == 0)
            return shelf_sandbox_child_serve(serve_one);
        if (argc == 4 && strcmp(argv[2], "probe") == 0)
            return probe(argv[3]);
    }
    fprintf(stderr, "usage: shelf-helper 0 serve\n"
                    "       shelf-helper HEADROOM probe DIR\n"
                    "(started by shelf-indexer and shelf-searcher, not by hand)\n");
    return EXIT_USAGE;
}
