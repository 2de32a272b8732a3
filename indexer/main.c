/*
 * main.c - the indexer command: options, the walk over the given paths, the
 * progress bar and summary, and exit codes.  All indexing work is done by the
 * library in common/; this file only decides what to do and what to show.
 *
 * Exit codes: 0 the batch was committed (files skipped are warned about
 * and counted); 1 files were skipped under --strict, or --remove matched
 * nothing; 2 usage error or failure (the index is left as it was).
 *
 * Paths: each PATH is walked as given (tidied) and stored canonical
 * (runpaths.h); the PATHs of every committed run are remembered in the
 * index's ROOTS (engine/roots.h) and walked again by a run given none.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "analysis/analyzer.h"
#include "extract/extract.h"
#include "backend/native/format.h" /* SHELF_FORMAT_VERSION, for --version */
#include "backend/shared_format.h"
#include "engine/backends.h"
#include "engine/roots.h"
#include "engine/writer.h"
#include "filter.h"
#include "listing.h"
#include "pipeline.h"
#include "progress.h"
#include "runpaths.h"
#include "sample_shelf.h"
#include "util/canonpath.h"
#include "util/progname.h"
#include "util/visible.h"
#include "walk.h"
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_DONE = 0, EXIT_SKIPPED = 1, EXIT_FAILED = 2 };

typedef enum mode { MODE_INDEX, MODE_CHECK, MODE_LIST, MODE_REMOVE, MODE_OPTIMIZE, MODE_ROOTS,
                    MODE_FORGET } mode;

typedef struct options {
    const char *index_dir;
    const char *language; /* NULL: keep the index's */
    const char *backend;  /* NULL: the folder's own, native when new */
    size_t memory_mb;
    mode mode;
    const char *mode_option; /* the option that chose mode ("--list"), NULL for indexing */
    int quiet, rebuild, prune, wait, strict;
    int watch;         /* --watch: stay running and index changes (watch.h) */
    double watch_delay; /* --watch-delay: quiet seconds before a batch */
    bool lock_held;    /* --watch holds the writer lock across its writers */
    walk_links links; /* symlinks met in folders: skipped unless --follow */
    unsigned threads;
    shelf_merge_policy merge_policy;
    file_filter filter;
    char **paths;
    size_t path_count;
} options;

/* A file the walk found, waiting to be asked about (--threads): its folder
 * descriptor and name stay valid until the walk's next leaving_dir call. */
typedef struct pending_file {
    char *path; /* owned */
    int dirfd;
    const char *name;
    bool via_link;
    int fd;              /* open already (owned), or -1 */
    struct stat fd_stat; /* fd's fstat, when it is open */
    uint64_t size;
    int64_t mtime_ns;
} pending_file;

/* --threads: files are asked about in batches of up to this many, so the
 * walk takes the writer lock once per batch, not once per file.  On a
 * fresh index the pending files are open already, so their batch is
 * smaller: with the pipeline's window the run holds at most
 * PIPELINE_WINDOW + PENDING_OPEN_MAX files open, well under the usual
 * limit of 1024 descriptors. */
#define PENDING_MAX 256
#define PENDING_OPEN_MAX 64

typedef struct run_state {
    const options *opt;
    const run_paths *paths; /* the PATHs walked, and how their files are stored */
    shelf_indexwriter *writer;
    pipeline *pipe; /* --threads: reading and analysis on worker threads */
    pending_file pending[PENDING_MAX];
    size_t pending_count;
    shelf_readbuf buf; /* one thread: the reading buffer reused for every file */
    progress bar;
    uint64_t files, bytes, tokens, invalid_bytes, cut_tokens;
    uint64_t unchanged, skipped, ignored;
    uint64_t links_skipped, links_outside; /* symlinks not followed */
    int failed;
    bool (*should_stop)(void); /* --watch: a signal asks to stop (NULL: never) */
    bool stopped;              /* the walk was stopped for it: nothing is committed */
    bool fresh;                /* the index had no documents: every file is read */
    char index_canon[PATH_MAX]; /* the index folder, never walked into ("" unknown) */
    shelf_err err;
} run_state;

/* --help: the programs named as they were called (util/progname.h), so the
 * installed shelf-indexer says shelf-indexer. */
static void usage(FILE *out)
{
    const char *me = shelf_progname();
    fprintf(out,
"Usage: %s [OPTIONS] [PATH...]      index or update\n"
"       %s --watch [PATH...]        index, then index changes as they happen\n"
"       %s --remove PATH...         delete documents\n"
"       %s --list                   list indexed documents\n"
"       %s --optimize               merge everything into one segment\n"
"       %s --check [DIR]            verify an index\n"
"       %s --roots                  the folders the index was built from\n"
"       %s --forget PATH...         drop folders and their documents\n"
"\n"
"Index the documents under each PATH (a file or a folder, walked\n"
"recursively; hidden entries and symlinks inside folders skipped) into an\n"
"index folder that `%s` reads: plain text (.txt, .text, no extension),\n",
            me, me, me, me, me, me, me, me, shelf_searcher_name());
    fputs(
"Markdown (.md, .markdown), HTML (.html, .htm, .xhtml), PDF (.pdf), Word\n"
"(.docx), OpenDocument text (.odt) and EPUB (.epub); the format is\n"
"recognised from the content first.  Paths are stored absolute,\n"
"symlinks resolved, so each file is one document however it is named.\n"
"The index remembers its PATHs: a run with no PATH indexes them again (a new\n"
"index made with no PATH gets the sample shelf: the source tree's corpus/,\n"
"or share/shelf/corpus where the program is installed).\n"
"\n"
"On an existing index a run is incremental: new files are added, files whose\n"
"size or modification time changed are re-read and replaced if their content\n"
"changed, unchanged files cost one stat, and documents whose files are gone\n"
"from under the given PATHs are removed (unless --no-prune).  Searches keep\n"
"working during a run and see its changes once it commits.\n"
"\n"
"Options:\n"
"  --index DIR          index folder (default ./index)\n"
"  --backend B          native (default) or xapian: a Xapian database in DIR/xapian,\n"
"                       read by the same searcher; the folder's own backend is kept\n"
"  --language NAME      stemming language for a new index (default english);\n"
"                       `none` for no stemming; `--language list` shows them\n"
"  --rebuild            start the index afresh from the given PATHs (else the\n"
"                       remembered ones); also recovers a damaged index\n"
"  --no-prune           keep documents whose files no longer exist\n"
"  --remove PATH...     delete the documents of these files or folders\n"
"  --list               list indexed documents (tokens, size, modified, path, title)\n"
"  --roots              list the folders the index remembers (also --list --roots)\n"
"  --forget PATH...     forget these remembered folders and delete their documents\n"
"  --strict             exit 1 when a file was skipped (default: warn, exit 0)\n"
"  --optimize           merge all segments into one, dropping deleted documents\n"
"  --merge-policy P     tiered (default: merge 8 segments of similar size) or none\n"
"  --threads N          read and analyse files on N threads while one thread\n"
"                       writes the index (default: the processors this process\n"
"                       may run on, at most 8; 1: everything on one thread)\n"
"  --memory MB          memory for postings before spilling sorted runs to\n"
"                       disk (default 256)\n"
"  --include GLOB       read only files matching GLOB (repeatable; a GLOB with\n"
"                       '/' matches the path, otherwise the file name)\n"
"  --exclude GLOB       skip files and folders matching GLOB (repeatable)\n"
"  --follow             follow symlinks met in folders, to targets inside the\n"
"                       given PATHs only (default: such links are skipped and\n"
"                       counted; a PATH that is a symlink is always followed)\n"
"  --follow-outside     follow symlinks met in folders wherever they lead\n"
"  --wait               wait for another indexer's lock instead of failing\n"
"  --watch              after indexing, stay running and index files as they\n"
"                       are added, changed, moved or deleted (inotify), in\n"
"                       small batches; SIGINT or SIGTERM stops it (exit 0)\n"
"  --watch-delay S      with --watch: commit a batch after S seconds without\n"
"                       changes (default 1; at most 10 x S under a stream)\n"
"  --check [DIR]        verify every checksum and invariant of an index\n"
"                       (DIR, else --index) and print its statistics\n"
"  -q, --quiet          no progress bar and no summary\n"
"  --version            the program's version and its index format\n"
"  -h, --help           this help\n"
"\n"
"Text rules: UTF-16 with a byte-order mark and Windows-1252 text are\n"
"converted to UTF-8 (shown by --list); stray invalid UTF-8 bytes act as word\n"
"separators (warned per file); empty and binary files, encrypted and\n"
"image-only PDFs are skipped with a message; terms longer than 64 bytes are\n"
"cut to 64 bytes at a character boundary and counted.\n"
"\n"
"Exit status: 0 the batch was committed (skipped files are warned about and\n"
"counted); 1 files were skipped under --strict, or --remove matched nothing;\n"
"2 usage error or failure (index left as it was).  --watch exits 0 when\n"
"stopped by SIGINT or SIGTERM (a batch in progress is rolled back), 2 when a\n"
"batch fails.\n",
          out);
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v == 0 || v > (1ull << 20))
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_seconds(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || !(v >= 0.01 && v <= 3600))
        return -1;
    *out = v;
    return 0;
}

static int parse_policy(const char *s, shelf_merge_policy *out)
{
    if (strcmp(s, "tiered") == 0)
        *out = SHELF_MERGE_TIERED;
    else if (strcmp(s, "none") == 0)
        *out = SHELF_MERGE_NONE;
    else
        return -1;
    return 0;
}

/* One mode a run: a second mode option is refused, naming both.  `--list
 * --roots` (either order) is the listing of roots. */
static int set_mode(options *opt, mode m, const char *name)
{
    if (opt->mode == MODE_INDEX || opt->mode == m) {
        opt->mode = m;
        opt->mode_option = name;
        return 0;
    }
    if ((opt->mode == MODE_LIST && m == MODE_ROOTS) || (opt->mode == MODE_ROOTS && m == MODE_LIST)) {
        opt->mode = MODE_ROOTS;
        return 0;
    }
    fprintf(stderr, "indexer: %s and %s cannot be used together\n", opt->mode_option, name);
    return -1;
}

/* Options that only make sense when indexing, refused with another mode. */
static int check_combination(const options *opt)
{
    if (opt->watch_delay > 0 && !opt->watch) {
        fprintf(stderr, "indexer: --watch-delay needs --watch\n");
        return -1;
    }
    if ((opt->mode == MODE_REMOVE || opt->mode == MODE_FORGET) && opt->path_count == 0) {
        fprintf(stderr, "indexer: %s needs at least one PATH\n", opt->mode_option);
        return -1;
    }
    if (opt->mode == MODE_INDEX)
        return 0;
    if (opt->watch) {
        fprintf(stderr, "indexer: %s and --watch cannot be used together\n", opt->mode_option);
        return -1;
    }
    if (opt->mode == MODE_REMOVE || opt->mode == MODE_FORGET) {
        if (!opt->rebuild)
            return 0;
        fprintf(stderr, "indexer: %s and --rebuild cannot be used together\n", opt->mode_option);
        return -1;
    }
    const char *indexing_only = opt->rebuild ? "--rebuild" : opt->strict ? "--strict"
                                : !opt->prune ? "--no-prune" : NULL;
    if (indexing_only) {
        fprintf(stderr, "indexer: %s and %s cannot be used together\n", opt->mode_option,
                indexing_only);
        return -1;
    }
    if (opt->path_count > (opt->mode == MODE_CHECK ? 1u : 0u)) {
        fprintf(stderr, "indexer: %s takes no PATH (got '%s')\n", opt->mode_option,
                opt->paths[opt->mode == MODE_CHECK ? 1 : 0]);
        return -1;
    }
    return 0;
}

/* --threads by default: the processors this process may run on (its CPU
 * affinity), at most DEFAULT_THREADS_MAX; the index does not depend on it. */
#define DEFAULT_THREADS_MAX 8

static unsigned default_threads(void)
{
    cpu_set_t cpus;
    int n = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus) : 1;
    return n < 1 ? 1 : n > DEFAULT_THREADS_MAX ? DEFAULT_THREADS_MAX : (unsigned)n;
}

static int parse_options(int argc, char **argv, options *opt)
{
    enum { O_INDEX = 256, O_LANGUAGE, O_MEMORY, O_CHECK, O_REBUILD, O_NOPRUNE, O_REMOVE, O_LIST,
           O_OPTIMIZE, O_POLICY, O_WAIT, O_BACKEND, O_THREADS, O_INCLUDE, O_EXCLUDE,
           O_FOLLOW, O_FOLLOW_OUTSIDE, O_ROOTS, O_FORGET, O_STRICT, O_VERSION, O_WATCH,
           O_WATCH_DELAY };
    static const struct option longopts[] = {
        {"index", required_argument, NULL, O_INDEX}, {"language", required_argument, NULL, O_LANGUAGE},
        {"memory", required_argument, NULL, O_MEMORY}, {"check", no_argument, NULL, O_CHECK},
        {"rebuild", no_argument, NULL, O_REBUILD}, {"no-prune", no_argument, NULL, O_NOPRUNE},
        {"remove", no_argument, NULL, O_REMOVE}, {"list", no_argument, NULL, O_LIST},
        {"optimize", no_argument, NULL, O_OPTIMIZE}, {"merge-policy", required_argument, NULL, O_POLICY},
        {"wait", no_argument, NULL, O_WAIT}, {"quiet", no_argument, NULL, 'q'},
        {"backend", required_argument, NULL, O_BACKEND},
        {"threads", required_argument, NULL, O_THREADS},
        {"include", required_argument, NULL, O_INCLUDE},
        {"exclude", required_argument, NULL, O_EXCLUDE},
        {"follow", no_argument, NULL, O_FOLLOW},
        {"follow-outside", no_argument, NULL, O_FOLLOW_OUTSIDE},
        {"roots", no_argument, NULL, O_ROOTS}, {"forget", no_argument, NULL, O_FORGET},
        {"strict", no_argument, NULL, O_STRICT}, {"version", no_argument, NULL, O_VERSION},
        {"watch", no_argument, NULL, O_WATCH},
        {"watch-delay", required_argument, NULL, O_WATCH_DELAY},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    *opt = (options){.index_dir = "index", .memory_mb = 256, .prune = 1, .threads = default_threads(),
                     .merge_policy = SHELF_MERGE_TIERED};
    int c, rc = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case O_INDEX: opt->index_dir = optarg; break;
        case O_LANGUAGE: opt->language = optarg; break;
        case O_MEMORY:
            if (parse_size(optarg, &opt->memory_mb) != 0) {
                fprintf(stderr, "indexer: --memory wants a number of megabytes, got '%s'\n", optarg);
                return -1;
            }
            break;
        case O_CHECK: rc = set_mode(opt, MODE_CHECK, "--check"); break;
        case O_REBUILD: opt->rebuild = 1; break;
        case O_NOPRUNE: opt->prune = 0; break;
        case O_STRICT: opt->strict = 1; break;
        case O_REMOVE: rc = set_mode(opt, MODE_REMOVE, "--remove"); break;
        case O_LIST: rc = set_mode(opt, MODE_LIST, "--list"); break;
        case O_OPTIMIZE: rc = set_mode(opt, MODE_OPTIMIZE, "--optimize"); break;
        case O_ROOTS: rc = set_mode(opt, MODE_ROOTS, "--roots"); break;
        case O_FORGET: rc = set_mode(opt, MODE_FORGET, "--forget"); break;
        case O_POLICY:
            if (parse_policy(optarg, &opt->merge_policy) != 0) {
                fprintf(stderr, "indexer: --merge-policy wants tiered or none, got '%s'\n", optarg);
                return -1;
            }
            break;
        case O_WAIT: opt->wait = 1; break;
        case O_WATCH: opt->watch = 1; break;
        case O_WATCH_DELAY:
            if (parse_seconds(optarg, &opt->watch_delay) != 0) {
                fprintf(stderr, "indexer: --watch-delay wants seconds from 0.01 to 3600, got '%s'\n",
                        optarg);
                return -1;
            }
            break;
        case O_FOLLOW:
            if (opt->links == WALK_LINKS_SKIP)
                opt->links = WALK_LINKS_INSIDE;
            break;
        case O_FOLLOW_OUTSIDE: opt->links = WALK_LINKS_ANY; break;
        case O_BACKEND: opt->backend = optarg; break;
        case O_THREADS: {
            size_t n;
            if (parse_size(optarg, &n) != 0 || n > 64) {
                fprintf(stderr, "indexer: --threads wants 1 to 64, got '%s'\n", optarg);
                return -1;
            }
            opt->threads = (unsigned)n;
            break;
        }
        case O_INCLUDE:
        case O_EXCLUDE:
            if ((c == O_INCLUDE ? filter_include : filter_exclude)(&opt->filter, optarg) != 0) {
                fprintf(stderr, "indexer: out of memory\n");
                return -1;
            }
            break;
        case 'q': opt->quiet = 1; break;
        case 'h': usage(stdout); exit(EXIT_DONE);
        case O_VERSION:
            printf("%s (shelf) %s\nindex format %u\n", shelf_progname(), SHELF_VERSION,
                   SHELF_FORMAT_VERSION);
            exit(EXIT_DONE);
        default:
            fprintf(stderr, "Try '%s --help'.\n", shelf_progname());
            return -1;
        }
    }
    if (rc != 0)
        return -1;
    opt->paths = argv + optind;
    opt->path_count = (size_t)(argc - optind);
    return check_combination(opt);
}

/* ---- the writer, with --wait ---- */

/* A damaged index: what, then the command that recovers. */
static void say_damaged(const options *opt, const char *what)
{
    char command[1024];
    shelf_recovery_command(opt->index_dir, command, sizeof command);
    fprintf(stderr, "indexer: %s; recover with: %s\n", what, command);
}

/* Why a writing run failed, that it changed nothing, and for a damaged index
 * how to get a sound one back. */
static void say_failed(const options *opt, const shelf_err *err)
{
    fprintf(stderr, "indexer: %s\nindexer: index %s left as it was\n", err->msg, opt->index_dir);
    if (err->code == SHELF_ECORRUPT)
        say_damaged(opt, "the index is damaged and nothing is built on damaged files");
}

static shelf_indexwriter *open_writer(const options *opt, shelf_err *err)
{
    shelf_writer_opts wo = {.language = opt->language, .memory_budget = opt->memory_mb << 20,
                            .rebuild = opt->rebuild, .backend = opt->backend,
                            .threads = opt->threads, .lock_held = opt->lock_held};
    shelf_indexwriter *w = shelf_indexwriter_open(opt->index_dir, &wo, err);
    if (w || err->code != SHELF_ELOCKED || !opt->wait)
        return w;
    fprintf(stderr, "indexer: %s; waiting for it to finish\n", err->msg);
    wo.wait = true; /* the kernel wakes us when the lock is free */
    return shelf_indexwriter_open(opt->index_dir, &wo, err);
}

/* ---- indexing ---- */

/* One warning line; a newline or other control character in a file name
 * is shown escaped (util/visible.h) so it cannot split the line. */
static void warn(run_state *st, const char *fmt, const char *a, const char *b)
{
    char line[2 * SHELF_ERR_MAX + 4096];
    snprintf(line, sizeof line, fmt, a, b);
    progress_clear(&st->bar);
    fputs("indexer: ", stderr);
    shelf_put_visible(stderr, line, strlen(line));
    fputc('\n', stderr);
}

static void on_link_skipped(void *ctx, const char *path, bool outside)
{
    run_state *st = ctx;
    if (outside)
        st->links_outside++;
    else
        st->links_skipped++;
}

static void on_problem(void *ctx, const char *path, const char *reason)
{
    run_state *st = ctx;
    st->skipped++;
    warn(st, "skipped %s: %s", path, reason);
}

static int index_file(run_state *st, const char *path, const char *stored, shelf_extracted *ex,
                      const shelf_analyzed *an)
{
    shelf_doc_input doc = {.path = stored, .title = ex->title, .title_len = ex->title_len,
                           .text = ex->text, .text_len = ex->len, .size = ex->size,
                           .mtime_ns = ex->mtime_ns, .hash = ex->hash, .layout = &ex->layout,
                           .author = ex->author, .date = ex->date,
                           .flags = (uint32_t)ex->format << SHELF_DOC_FORMAT_SHIFT |
                                    (uint32_t)ex->encoding << SHELF_DOC_ENCODING_SHIFT};
    shelf_doc_report rep;
    int rc = an ? shelf_indexwriter_add_analyzed(st->writer, &doc, an, &rep, &st->err)
                : shelf_indexwriter_add(st->writer, &doc, &rep, &st->err);
    if (rc != SHELF_OK) {
        st->failed = 1;
        return 1;
    }
    if (ex->truncated) {
        char what[96];
        snprintf(what, sizeof what, "only the first %zu MiB of %.1f MiB indexed",
                 SHELF_MAX_TEXT_BYTES >> 20, (double)ex->size / (1 << 20));
        warn(st, "warning: %s: %s", path, what);
    }
    if (rep.invalid_bytes) {
        char count[32];
        snprintf(count, sizeof count, "%llu", (unsigned long long)rep.invalid_bytes);
        warn(st, "warning: %s: %s invalid UTF-8 bytes treated as separators", path, count);
    }
    st->tokens += rep.tokens;
    st->invalid_bytes += rep.invalid_bytes;
    st->cut_tokens += rep.cut_tokens;
    return 0;
}

/* A file read (and perhaps analysed): add it unless its content is the
 * indexed one.  Returns nonzero to stop the run. */
static int consume(void *ctx, const char *path, int rc, const shelf_err *err, shelf_extracted *ex,
                   const shelf_analyzed *an)
{
    run_state *st = ctx;
    if (rc == SHELF_ESKIP || rc == SHELF_EIO) {
        st->skipped++;
        warn(st, "skipped %s%s", err->msg, "");
        return 0;
    }
    if (rc != SHELF_OK) {
        st->err = *err;
        st->failed = 1;
        return 1;
    }
    int stop = 0;
    char buf[PATH_MAX];
    const char *stored = run_paths_stored(st->paths, path, buf, sizeof buf);
    if (st->pipe) /* what is in flight counts against --memory */
        shelf_indexwriter_note_outside(st->writer, pipeline_held(st->pipe));
    if (shelf_indexwriter_same_content(st->writer, stored, ex->hash))
        st->unchanged++;
    else
        stop = index_file(st, path, stored, ex, an);
    st->files++;
    st->bytes += ex->size;
    progress_update(&st->bar, st->files, st->bytes);
    return stop;
}

static int64_t mtime_of(const struct stat *sb)
{
    return (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
}

/* Does the file need reading?  (Unchanged files cost the walk's stat.)
 * With --threads the caller holds the writer lock. */
static bool needs_reading(run_state *st, const char *path, uint64_t size, int64_t mtime_ns)
{
    char buf[PATH_MAX];
    const char *stored = run_paths_stored(st->paths, path, buf, sizeof buf);
    shelf_source_state state = shelf_indexwriter_probe(st->writer, stored, size, mtime_ns);
    if (state == SHELF_SOURCE_SAME)
        st->unchanged++;
    return state != SHELF_SOURCE_SAME;
}

/* --threads: ask about the pending files under one hold of the writer lock,
 * then queue those that need reading, in walk order. */
static int flush_pending(void *ctx)
{
    run_state *st = ctx;
    if (!st->pipe || st->pending_count == 0)
        return 0;
    bool wanted[PENDING_MAX];
    pipeline_lock(st->pipe);
    for (size_t i = 0; i < st->pending_count; i++) {
        const pending_file *f = &st->pending[i];
        wanted[i] = needs_reading(st, f->path, f->size, f->mtime_ns);
    }
    pipeline_unlock(st->pipe);
    int stop = 0;
    for (size_t i = 0; i < st->pending_count; i++) {
        pending_file *f = &st->pending[i];
        pipeline_source src = {f->dirfd, f->name, f->via_link, f->fd, &f->fd_stat};
        if (wanted[i] && !stop) {
            stop = pipeline_submit(st->pipe, f->path, &src, f->size);
            continue;
        }
        if (f->fd >= 0)
            close(f->fd);
        free(f->path);
    }
    st->pending_count = 0;
    return stop;
}

/* A file the walk handed over unstatted (a fresh index): open it and stat
 * the descriptor, the one path lookup the file costs.  False (nothing
 * open) when either fails or it is no longer a regular file: the caller
 * then stats it by name, as the walk would have, and goes the usual way
 * (a file that cannot be opened is reported when it is opened again). */
static bool open_and_stat(const walk_file *f, int *fd, struct stat *sb)
{
    shelf_err err;
    if (shelf_source_open(f->dirfd, f->name, f->path, false, fd, &err) != SHELF_OK)
        return false;
    if (fstat(*fd, sb) == 0 && S_ISREG(sb->st_mode))
        return true;
    close(*fd);
    *fd = -1;
    return false;
}

/* The stat of a walked file: the walk's, or (unstatted) that of the
 * descriptor open_and_stat opened (*fd >= 0), or one by name (*fd -1).
 * NULL, reported, when there is none. */
static const struct stat *stat_walked(run_state *st, const walk_file *f, int *fd, struct stat *sb)
{
    *fd = -1;
    if (f->st)
        return f->st;
    if (open_and_stat(f, fd, sb))
        return sb;
    if (fstatat(f->dirfd, f->name, sb, AT_SYMLINK_NOFOLLOW) != 0) {
        on_problem(st, f->path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(sb->st_mode)) {
        on_problem(st, f->path, "not a regular file or folder");
        return NULL;
    }
    return sb;
}

static int on_file(void *ctx, const walk_file *f)
{
    run_state *st = ctx;
    if (st->should_stop && st->should_stop()) {
        st->stopped = true;
        return 1;
    }
    if (!filter_wants_file(&st->opt->filter, f->path)) {
        st->ignored++;
        return 0;
    }
    struct stat own;
    int fd;
    const struct stat *sb = stat_walked(st, f, &fd, &own);
    if (!sb)
        return 0;
    const struct stat *fd_stat = fd >= 0 ? sb : NULL; /* the stat of the open fd */
    uint64_t size = (uint64_t)sb->st_size;
    if (st->pipe) {
        char *copy = strdup(f->path);
        if (!copy) {
            if (fd >= 0)
                close(fd);
            shelf_errf(&st->err, SHELF_ENOMEM, "out of memory");
            st->failed = 1;
            return 1;
        }
        pending_file *p = &st->pending[st->pending_count++];
        *p = (pending_file){copy, f->dirfd, f->name, f->via_link, fd, .size = size,
                            .mtime_ns = mtime_of(sb)};
        if (fd_stat)
            p->fd_stat = *fd_stat;
        size_t batch = st->fresh ? PENDING_OPEN_MAX : PENDING_MAX;
        return st->pending_count == batch ? flush_pending(st) : 0;
    }
    if (!needs_reading(st, f->path, size, mtime_of(sb))) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    shelf_extracted ex;
    shelf_err err = {0};
    int rc = SHELF_OK;
    if (fd < 0)
        rc = shelf_source_open(f->dirfd, f->name, f->path, f->via_link, &fd, &err);
    if (rc == SHELF_OK)
        rc = shelf_extract_fd_statted(fd, fd_stat, f->path, &st->buf, &ex, &err);
    else
        memset(&ex, 0, sizeof ex);
    int stop = consume(st, f->path, rc, &err, &ex, NULL);
    if (rc == SHELF_OK)
        shelf_extracted_free(&ex);
    return stop;
}

/* Pre-pass for the progress bar: how many supported files and bytes. */
typedef struct totals {
    const file_filter *filter;
    uint64_t files, bytes;
} totals;

static int count_file(void *ctx, const walk_file *f)
{
    totals *t = ctx;
    if (filter_wants_file(t->filter, f->path)) {
        t->files++;
        t->bytes += (uint64_t)f->st->st_size;
    }
    return 0;
}

static void ignore_problem(void *ctx, const char *path, const char *reason) {}

/* Folders the filters leave out are not entered, nor the index folder
 * itself when it lies under a PATH (its LOCK and MANIFEST are no documents,
 * and under --watch each commit would be a change). */
static bool wanted_dir(void *ctx, const char *path)
{
    const run_state *st = ctx;
    char buf[PATH_MAX];
    if (st->index_canon[0] &&
        strcmp(run_paths_stored(st->paths, path, buf, sizeof buf), st->index_canon) == 0)
        return false;
    return filter_wants_dir(&st->opt->filter, path);
}

/* Once the writer has made the index folder: its canonical path. */
static void note_index_folder(run_state *st)
{
    shelf_err err = {0};
    if (shelf_canonical_path(st->opt->index_dir, st->index_canon, sizeof st->index_canon, &err) != SHELF_OK)
        st->index_canon[0] = '\0';
}

static bool wanted_dir_of_filter(void *ctx, const char *path)
{
    const totals *t = ctx;
    return filter_wants_dir(t->filter, path);
}

/* Bytes of the files directly in dir and in its sub-folders (the Xapian
 * backend keeps its database one level down). */
static uint64_t folder_bytes(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    uint64_t total = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[PATH_MAX];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode) && depth > 0)
            total += folder_bytes(path, depth - 1);
        else if (S_ISREG(sb.st_mode))
            total += (uint64_t)sb.st_size;
    }
    if (d)
        closedir(d);
    return total;
}

/* The sorted runs the inverter spilled for --memory, when it spilled any:
 * their bytes, and the bytes written again combining them on the way. */
static void print_runs(const shelf_segment_summary *s)
{
    if (!s->runs)
        return;
    fprintf(stderr, " (%u sorted runs spilled for --memory, %.1f MB", s->runs, (double)s->run_bytes / 1e6);
    if (s->run_merges)
        fprintf(stderr, ", %.1f MB more combining them", (double)s->run_merge_bytes / 1e6);
    fputc(')', stderr);
}

static void print_summary(const run_state *st, const shelf_commit_summary *c, unsigned merges,
                          double seconds)
{
    double mb = (double)st->bytes / 1e6;
    fprintf(stderr, "added %llu, updated %llu, unchanged %llu, removed %llu documents",
            (unsigned long long)c->added, (unsigned long long)c->updated,
            (unsigned long long)st->unchanged, (unsigned long long)c->removed);
    fprintf(stderr, "; %llu tokens", (unsigned long long)st->tokens);
    if (c->segment.term_count)
        fprintf(stderr, ", %llu unique terms in the new segment", (unsigned long long)c->segment.term_count);
    print_runs(&c->segment);
    fprintf(stderr, "; read %.2f MB in %.2f s (%.1f MB/s)", mb, seconds, seconds > 0 ? mb / seconds : 0);
    if (c->committed && c->generation)
        fprintf(stderr, "; index %s at generation %llu", st->opt->index_dir,
                (unsigned long long)c->generation);
    else if (c->committed)
        fprintf(stderr, "; index %s committed", st->opt->index_dir);
    else
        fprintf(stderr, "; index %s unchanged", st->opt->index_dir);
    fprintf(stderr, " (%.2f MB)", (double)folder_bytes(st->opt->index_dir, 1) / 1e6);
    if (merges)
        fprintf(stderr, "; %u merges", merges);
    fprintf(stderr, "; skipped %llu", (unsigned long long)st->skipped);
    if (st->ignored)
        fprintf(stderr, "; ignored %llu (other file types or --include/--exclude)",
                (unsigned long long)st->ignored);
    if (st->links_skipped)
        fprintf(stderr, "; %llu symlinks skipped (use --follow)", (unsigned long long)st->links_skipped);
    if (st->links_outside)
        fprintf(stderr, "; %llu symlinks to outside the given paths skipped (use --follow-outside)",
                (unsigned long long)st->links_outside);
    if (st->cut_tokens)
        fprintf(stderr, "; %llu terms cut to 64 bytes", (unsigned long long)st->cut_tokens);
    if (st->invalid_bytes)
        fprintf(stderr, "; %llu invalid UTF-8 bytes", (unsigned long long)st->invalid_bytes);
    fputc('\n', stderr);
}

/* ---- which PATHs a run walks ---- */

/* The index's remembered roots: SHELF_OK, SHELF_ENOTFOUND (none kept) or
 * SHELF_ECORRUPT (said, with the recovery command, unless quiet). */
static int read_roots(const options *opt, shelf_roots *roots, bool quiet)
{
    shelf_err err = {0};
    int rc = shelf_roots_read(opt->index_dir, roots, &err);
    if (!quiet && rc != SHELF_OK && rc != SHELF_ENOTFOUND) {
        fprintf(stderr, "indexer: %s\n", err.msg);
        say_damaged(opt, "the index's list of folders is damaged");
    }
    return rc;
}

static bool index_exists(const options *opt)
{
    const shelf_backend_row *row;
    return shelf_backend_detect(opt->index_dir, &row, NULL) == SHELF_OK;
}

static int add_paths(run_paths *rp, char *const *paths, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        shelf_err err = {0};
        if (run_paths_add(rp, paths[i], &err) != SHELF_OK) {
            fprintf(stderr, "indexer: %s\n", err.msg);
            return -1;
        }
    }
    return 0;
}

/* An existing index without ROOTS was made before paths were stored
 * canonical: its documents are under the spellings they were given, so an
 * incremental run would add a second copy of each.  It is rebuilt once. */
static void say_old_index(const options *opt)
{
    fprintf(stderr, "indexer: %s records no folders: it was made by an older indexer that "
                    "stored paths as given; rebuild it once with: %s --index %s --rebuild "
                    "PATH...\n", opt->index_dir, shelf_indexer_name(), opt->index_dir);
}

/* Fill rp with what this run walks: the PATHs given; else the remembered
 * roots; else, for a new index, the sample shelf. */
static int choose_paths(const options *opt, const shelf_roots *roots, int roots_rc, run_paths *rp)
{
    bool exists = index_exists(opt);
    if (opt->path_count) {
        if (exists && !opt->rebuild && roots_rc == SHELF_ENOTFOUND) {
            say_old_index(opt);
            return -1;
        }
        return add_paths(rp, opt->paths, opt->path_count);
    }
    if (roots_rc == SHELF_OK && roots->count)
        return add_paths(rp, roots->paths, roots->count);
    if (exists && roots_rc == SHELF_ENOTFOUND) {
        say_old_index(opt);
        return -1;
    }
    if (exists) {
        fprintf(stderr, "indexer: %s records no folders; give the PATHs to index\n", opt->index_dir);
        return -1;
    }
    char corpus[PATH_MAX];
    if (sample_shelf_find(corpus, sizeof corpus) != 0) {
        fprintf(stderr, "indexer: no PATH given and the sample shelf (corpus/) was not found\n");
        return -1;
    }
    char *slot[1] = {corpus};
    return add_paths(rp, slot, 1);
}

/* Just before the commit: the roots become the old ones (none on a
 * rebuild) and this run's PATHs that exist.  Written first, so that an
 * index with a MANIFEST always has its ROOTS (a crash in between leaves a
 * root whose documents the next run adds); an index without ROOTS is then
 * surely one made before roots were kept. */
static int remember_roots(const options *opt, shelf_roots *roots, const run_paths *rp)
{
    if (opt->rebuild)
        shelf_roots_free(roots);
    for (size_t i = 0; i < rp->count; i++) {
        struct stat sb;
        if (stat(rp->canon[i], &sb) != 0)
            continue;
        int rc = shelf_roots_add(roots, rp->canon[i]);
        if (rc == SHELF_EINVAL)
            fprintf(stderr, "indexer: warning: %s holds a line break; not remembered\n", rp->given[i]);
        else if (rc != SHELF_OK)
            return rc;
    }
    shelf_err err = {0};
    if (shelf_roots_write(opt->index_dir, roots, &err) != SHELF_OK) {
        fprintf(stderr, "indexer: %s\nindexer: index %s left as it was\n", err.msg, opt->index_dir);
        return err.code;
    }
    return SHELF_OK;
}

/* Walk these paths (files or folders) and index what needs it; the bar
 * only when asked (not in --watch batches). */
static void walk_list(run_state *st, char *const *paths, size_t count, bool bar)
{
    const options *opt = st->opt;
    if (bar && !opt->quiet && isatty(STDERR_FILENO)) {
        totals t = {.filter = &opt->filter};
        walk_callbacks counter = {count_file, ignore_problem, wanted_dir_of_filter, &t, NULL, NULL, false};
        walk_paths(paths, count, &counter, opt->links);
        progress_start(&st->bar, t.files, t.bytes);
    }
    if (opt->threads > 1) {
        st->pipe = pipeline_start(opt->threads, shelf_indexwriter_language(st->writer), consume, st);
    }
    walk_callbacks cb = {on_file, on_problem, wanted_dir, st, on_link_skipped, flush_pending,
                         .files_unstatted = st->fresh};
    walk_paths(paths, count, &cb, opt->links);
    for (size_t i = 0; i < st->pending_count; i++) /* left by a stop */
        free(st->pending[i].path);
    st->pending_count = 0;
    if (st->pipe)
        pipeline_finish(st->pipe);
    st->pipe = NULL;
    shelf_readbuf_free(&st->buf);
    progress_clear(&st->bar);
}

static void walk_all(run_state *st)
{
    walk_list(st, st->paths->given, st->paths->count, true);
}

static int finish_run(run_state *st, double started, shelf_roots *roots)
{
    const options *opt = st->opt;
    shelf_commit_summary summary = {0};
    unsigned merges = 0;
    uint64_t pruned = 0;
    if (st->stopped) {
        fprintf(stderr, "indexer: stopped by a signal before committing; index %s left as it was\n",
                opt->index_dir);
        return EXIT_DONE;
    }
    if (!st->failed && opt->prune &&
        shelf_indexwriter_prune(st->writer, st->paths->canon, st->paths->count, &pruned, &st->err) != SHELF_OK)
        st->failed = 1;
    if (!st->failed && st->files == 0 && st->unchanged == 0 && pruned == 0 && opt->watch) {
        if (!opt->quiet)
            fprintf(stderr, "indexer: nothing to index yet under the given paths\n");
        return remember_roots(opt, roots, st->paths) == SHELF_OK ? EXIT_DONE : EXIT_FAILED;
    }
    if (!st->failed && st->files == 0 && st->unchanged == 0 && pruned == 0) {
        fprintf(stderr, "indexer: nothing to index: no readable documents under the given "
                        "paths; index %s left as it was\n", opt->index_dir);
        return EXIT_FAILED;
    }
    if (!st->failed && remember_roots(opt, roots, st->paths) != SHELF_OK)
        return EXIT_FAILED;
    if (!st->failed && shelf_indexwriter_commit(st->writer, &summary, &st->err) != SHELF_OK)
        st->failed = 1;
    if (st->failed) {
        say_failed(opt, &st->err);
        return EXIT_FAILED;
    }
    if (shelf_indexwriter_merge(st->writer, opt->merge_policy, &merges, &st->err) != SHELF_OK) {
        fprintf(stderr, "indexer: the batch is committed, but merging failed: %s\n", st->err.msg);
        if (st->err.code == SHELF_ECORRUPT)
            say_damaged(opt, "the index is damaged");
        return EXIT_FAILED;
    }
    if (!opt->quiet)
        print_summary(st, &summary, merges, progress_now() - started);
    return st->skipped && opt->strict ? EXIT_SKIPPED : EXIT_DONE;
}

/* The roots and PATHs of a run; 0, or -1 (said). */
static int prepare_run(const options *opt, shelf_roots *roots, run_paths *rp)
{
    bool replacing = opt->rebuild && opt->path_count; /* the old roots do not matter */
    int roots_rc = read_roots(opt, roots, replacing);
    if (roots_rc != SHELF_OK && roots_rc != SHELF_ENOTFOUND && !replacing)
        return -1;
    return choose_paths(opt, roots, roots_rc, rp);
}

/* One indexing run over rp: walk, prune, commit, merge. */
static int index_once(const options *opt, shelf_roots *roots, const run_paths *rp,
                      bool (*should_stop)(void))
{
    run_state st = {.opt = opt, .paths = rp, .should_stop = should_stop};
    st.fresh = opt->rebuild || !index_exists(opt);
    st.writer = open_writer(opt, &st.err);
    if (!st.writer) {
        say_failed(opt, &st.err);
        return EXIT_FAILED;
    }
    note_index_folder(&st);
    double started = progress_now();
    walk_all(&st);
    int rc = finish_run(&st, started, roots);
    shelf_indexwriter_free(st.writer);
    return rc;
}

static int run_index(options *opt)
{
    shelf_roots roots = {0};
    run_paths rp = {0};
    int rc = EXIT_FAILED;
    if (prepare_run(opt, &roots, &rp) == 0)
        rc = index_once(opt, &roots, &rp, NULL);
    run_paths_free(&rp);
    shelf_roots_free(&roots);
    return rc;
}

/* ---- --watch ---- */

typedef struct watch_session {
    const options *opt;
    const run_paths *paths;
} watch_session;

/* Delete the documents of the paths that are gone; 0, or nonzero on a
 * failure (in st->err). */
static int remove_gone(run_state *st, const watch_batch *b)
{
    for (size_t i = 0; i < b->gone_count; i++) {
        char buf[PATH_MAX];
        uint64_t n = 0;
        const char *stored = run_paths_stored(st->paths, b->gone[i], buf, sizeof buf);
        if (shelf_indexwriter_remove(st->writer, stored, &n, &st->err) != SHELF_OK)
            return 1;
    }
    return 0;
}

static void print_batch(const run_state *st, const shelf_commit_summary *c, unsigned merges,
                        double seconds)
{
    if (c->generation) /* the Xapian backend counts none */
        fprintf(stderr, "indexer: watch: committed generation %llu: ", (unsigned long long)c->generation);
    else
        fputs("indexer: watch: committed: ", stderr);
    fprintf(stderr, "added %llu, updated %llu, removed %llu documents; skipped %llu",
            (unsigned long long)c->added,
            (unsigned long long)c->updated, (unsigned long long)c->removed,
            (unsigned long long)st->skipped);
    if (merges)
        fprintf(stderr, "; %u merges", merges);
    fprintf(stderr, "; %.3f s\n", seconds);
}

/* Commit a batch's walk and removals, then merge by the policy. */
static watch_result commit_batch(run_state *st, double started)
{
    const options *opt = st->opt;
    shelf_commit_summary summary = {0};
    unsigned merges = 0;
    if (st->stopped) {
        fprintf(stderr, "indexer: stopped by a signal during a batch; its changes are rolled "
                        "back (index %s keeps its last commit)\n", opt->index_dir);
        return WATCH_STOPPED;
    }
    if (st->failed || shelf_indexwriter_commit(st->writer, &summary, &st->err) != SHELF_OK) {
        say_failed(opt, &st->err);
        return WATCH_FAILED;
    }
    if (summary.committed &&
        shelf_indexwriter_merge(st->writer, opt->merge_policy, &merges, &st->err) != SHELF_OK) {
        fprintf(stderr, "indexer: the batch is committed, but merging failed: %s\n", st->err.msg);
        return WATCH_FAILED;
    }
    if (summary.committed && !opt->quiet)
        print_batch(st, &summary, merges, progress_now() - started);
    return WATCH_OK;
}

static watch_result watch_batch_run(void *ctx, const watch_batch *b)
{
    const watch_session *ws = ctx;
    run_state st = {.opt = ws->opt, .paths = ws->paths, .should_stop = watch_stop_requested};
    double started = progress_now(); /* opening the index is part of the batch */
    st.writer = open_writer(ws->opt, &st.err);
    if (!st.writer) {
        say_failed(ws->opt, &st.err);
        return WATCH_FAILED;
    }
    note_index_folder(&st);
    if (b->rescan)
        walk_list(&st, ws->paths->given, ws->paths->count, false);
    else
        walk_list(&st, b->present, b->present_count, false);
    uint64_t pruned = 0;
    if (!st.failed && !st.stopped && remove_gone(&st, b) != 0)
        st.failed = 1;
    if (!st.failed && !st.stopped && b->rescan && ws->opt->prune &&
        shelf_indexwriter_prune(st.writer, ws->paths->canon, ws->paths->count, &pruned, &st.err) != SHELF_OK)
        st.failed = 1;
    watch_result rc = commit_batch(&st, started);
    shelf_indexwriter_free(st.writer);
    return rc;
}

/* The writer lock for the whole session (engine/writer.h), with --wait. */
static int lock_session(const options *opt, shelf_lock *lock)
{
    shelf_err err = {0};
    int rc = shelf_indexwriter_lock(opt->index_dir, false, lock, &err);
    if (rc == SHELF_ELOCKED && opt->wait) {
        fprintf(stderr, "indexer: %s; waiting for it to finish\n", err.msg);
        rc = shelf_indexwriter_lock(opt->index_dir, true, lock, &err);
    }
    if (rc != SHELF_OK)
        say_failed(opt, &err);
    return rc;
}

/* Watch rp's PATHs, run the catch-up run, then batches until a signal. */
static int watch_paths(options *opt, shelf_roots *roots, const run_paths *rp)
{
    watch_session ws = {opt, rp};
    watch_config cfg = {.roots = rp->given, .root_count = rp->count, .filter = &opt->filter,
                        .index_dir = opt->index_dir,
                        .links = opt->links, .delay = opt->watch_delay > 0 ? opt->watch_delay : 1.0,
                        .quiet = opt->quiet != 0, .run_batch = watch_batch_run, .ctx = &ws};
    watcher *w = watch_open(&cfg);
    if (!w)
        return EXIT_FAILED;
    int rc = index_once(opt, roots, rp, watch_stop_requested);
    if (rc != EXIT_FAILED && watch_stop_requested()) {
        rc = EXIT_DONE;
    } else if (rc != EXIT_FAILED) {
        opt->rebuild = 0; /* batches build on the catch-up run */
        rc = watch_loop(w);
    }
    watch_close(w);
    return rc;
}

/* --watch: under one writer lock, the catch-up run, then batches until a
 * signal.  Exit 0 when stopped by SIGINT or SIGTERM, 2 on a failure. */
static int run_watch(options *opt)
{
    shelf_lock lock = {-1};
    if (watch_block_signals() != 0) {
        fprintf(stderr, "indexer: cannot block SIGINT and SIGTERM\n");
        return EXIT_FAILED;
    }
    if (lock_session(opt, &lock) != SHELF_OK)
        return EXIT_FAILED;
    opt->lock_held = true;
    shelf_roots roots = {0};
    run_paths rp = {0};
    int rc = EXIT_FAILED;
    if (prepare_run(opt, &roots, &rp) == 0)
        rc = watch_paths(opt, &roots, &rp);
    run_paths_free(&rp);
    shelf_roots_free(&roots);
    shelf_lock_release(&lock);
    return rc;
}

/* ---- --remove, --forget and --optimize ---- */

/* Delete the documents of path: its canonical spelling, and for an index
 * made before paths were stored canonical, its spelling as given. */
static int remove_path(shelf_indexwriter *w, char *path, uint64_t *n, shelf_err *err)
{
    char canon[PATH_MAX];
    int rc = shelf_canonical_path(path, canon, sizeof canon, err);
    if (rc == SHELF_OK)
        rc = shelf_indexwriter_remove(w, canon, n, err);
    tidy_path(path);
    if (rc == SHELF_OK && *n == 0 && strcmp(path, canon) != 0)
        rc = shelf_indexwriter_remove(w, path, n, err);
    return rc;
}

static int run_remove(options *opt)
{
    shelf_err err = {0};
    shelf_indexwriter *w = open_writer(opt, &err);
    if (!w) {
        say_failed(opt, &err);
        return EXIT_FAILED;
    }
    uint64_t total = 0;
    int rc = SHELF_OK;
    for (size_t i = 0; i < opt->path_count && rc == SHELF_OK; i++) {
        uint64_t n = 0;
        rc = remove_path(w, opt->paths[i], &n, &err);
        if (rc == SHELF_OK && n == 0)
            fprintf(stderr, "indexer: %s: no such document in the index\n", opt->paths[i]);
        total += n;
    }
    unsigned merges = 0;
    if (rc == SHELF_OK)
        rc = shelf_indexwriter_commit(w, NULL, &err);
    if (rc == SHELF_OK)
        rc = shelf_indexwriter_merge(w, opt->merge_policy, &merges, &err);
    shelf_indexwriter_free(w);
    if (rc != SHELF_OK) {
        say_failed(opt, &err);
        return EXIT_FAILED;
    }
    if (!opt->quiet)
        fprintf(stderr, "removed %llu documents from %s\n", (unsigned long long)total, opt->index_dir);
    return total ? EXIT_DONE : EXIT_SKIPPED;
}

/* Drop each PATH from the remembered roots and delete its documents; a
 * PATH that is not a root is refused before anything changes. */
static int forget_roots(const options *opt, shelf_roots *roots, shelf_indexwriter *w,
                        uint64_t *total, shelf_err *err)
{
    for (size_t i = 0; i < opt->path_count; i++) {
        char canon[PATH_MAX];
        int rc = shelf_canonical_path(opt->paths[i], canon, sizeof canon, err);
        if (rc != SHELF_OK)
            return rc;
        if (!shelf_roots_remove(roots, canon))
            return shelf_errf(err, SHELF_EINVAL, "%s is not one of the folders %s remembers "
                              "(see %s --index %s --roots)", opt->paths[i], opt->index_dir,
                              shelf_indexer_name(), opt->index_dir);
        uint64_t n = 0;
        rc = shelf_indexwriter_remove(w, canon, &n, err);
        if (rc != SHELF_OK)
            return rc;
        *total += n;
    }
    return SHELF_OK;
}

static int run_forget(options *opt)
{
    shelf_roots roots = {0};
    int roots_rc = read_roots(opt, &roots, false);
    if (roots_rc == SHELF_ENOTFOUND)
        fprintf(stderr, "indexer: %s records no folders\n", opt->index_dir);
    if (roots_rc != SHELF_OK)
        return EXIT_FAILED;
    shelf_err err = {0};
    uint64_t total = 0;
    unsigned merges = 0;
    shelf_indexwriter *w = open_writer(opt, &err);
    int rc = w ? forget_roots(opt, &roots, w, &total, &err) : err.code;
    if (rc == SHELF_OK)
        rc = shelf_indexwriter_commit(w, NULL, &err);
    if (rc == SHELF_OK)
        rc = shelf_roots_write(opt->index_dir, &roots, &err);
    if (rc == SHELF_OK)
        rc = shelf_indexwriter_merge(w, opt->merge_policy, &merges, &err);
    shelf_indexwriter_free(w);
    shelf_roots_free(&roots);
    if (rc != SHELF_OK) {
        say_failed(opt, &err);
        return EXIT_FAILED;
    }
    if (!opt->quiet)
        fprintf(stderr, "forgot %zu folders and removed their %llu documents from %s\n",
                opt->path_count, (unsigned long long)total, opt->index_dir);
    return EXIT_DONE;
}

/* --roots: the remembered folders, one a line. */
static int list_roots(const options *opt)
{
    shelf_roots roots = {0};
    int rc = read_roots(opt, &roots, false);
    if (rc == SHELF_ENOTFOUND && !index_exists(opt)) {
        fprintf(stderr, "indexer: %s: no index here\n", opt->index_dir);
        return EXIT_FAILED;
    }
    if (rc != SHELF_OK && rc != SHELF_ENOTFOUND)
        return EXIT_FAILED;
    for (size_t i = 0; i < roots.count; i++) {
        shelf_put_visible(stdout, roots.paths[i], strlen(roots.paths[i]));
        putchar('\n');
    }
    shelf_roots_free(&roots);
    return EXIT_DONE;
}

static int run_optimize(options *opt)
{
    shelf_err err = {0};
    shelf_indexwriter *w = open_writer(opt, &err);
    if (!w) {
        say_failed(opt, &err);
        return EXIT_FAILED;
    }
    unsigned merges = 0;
    int rc = shelf_indexwriter_merge(w, SHELF_MERGE_ALL, &merges, &err);
    shelf_indexwriter_free(w);
    if (rc != SHELF_OK) {
        say_failed(opt, &err);
        return EXIT_FAILED;
    }
    if (!opt->quiet)
        fprintf(stderr, merges ? "index %s merged into one segment\n" : "index %s already optimal\n",
                opt->index_dir);
    return EXIT_DONE;
}

static int list_languages(void)
{
    char names[1024];
    shelf_analyzer_languages(names, sizeof names);
    printf("%s\n", names);
    return EXIT_DONE;
}

/* glibc keeps up to 32 MiB (its default, raised as large blocks are freed)
 * of freed memory at the top of the heap instead of giving it back, which
 * `--memory` cannot see: the inverter frees its table at every spill.  A
 * fixed 1 MiB threshold returns it: peak RSS 107 -> 88 MiB with --memory 64
 * on test_memory_budget's shelf.
 *
 * Fixing the trim threshold also fixes the mmap threshold, at glibc's
 * 128 KiB unless set: every block above it is mapped on allocation and
 * unmapped on free, so a document's analysis buffers of a few hundred KiB
 * were mapped, zero-filled page by page (a fault each) and unmapped again
 * (a TLB flush on every other thread) for each large document.  Blocks up
 * to 512 KiB come from the heap and are reused: on the kernel docs with two
 * threads 23,000 -> 18,400 page faults and about 8% less time, 3 MiB more
 * resident. */
#define RETURN_THRESHOLD (1 << 20)
#define MAP_THRESHOLD (512 << 10)
static void return_freed_memory(void)
{
    mallopt(M_TRIM_THRESHOLD, RETURN_THRESHOLD);
    mallopt(M_MMAP_THRESHOLD, MAP_THRESHOLD);
}

int main(int argc, char **argv)
{
    return_freed_memory();
    shelf_progname_set(argv[0], "indexer");
    options opt;
    if (parse_options(argc, argv, &opt) != 0)
        return EXIT_FAILED;
    int rc;
    if (opt.language && strcmp(opt.language, "list") == 0)
        rc = list_languages();
    else if (opt.mode == MODE_CHECK)
        rc = check_index(opt.path_count ? opt.paths[0] : opt.index_dir);
    else if (opt.mode == MODE_LIST)
        rc = list_documents(opt.index_dir);
    else if (opt.mode == MODE_REMOVE)
        rc = run_remove(&opt);
    else if (opt.mode == MODE_OPTIMIZE)
        rc = run_optimize(&opt);
    else if (opt.mode == MODE_ROOTS)
        rc = list_roots(&opt);
    else if (opt.mode == MODE_FORGET)
        rc = run_forget(&opt);
    else if (opt.watch)
        rc = run_watch(&opt);
    else
        rc = run_index(&opt);
    filter_free(&opt.filter);
    return rc;
}
