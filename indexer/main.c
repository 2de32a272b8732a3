/*
 * main.c - the indexer command: options, the walk over the given paths, the
 * progress bar and summary, and exit codes.  All indexing work is done by the
 * library in common/; this file only decides what to show.
 *
 * Exit codes: 0 everything indexed; 1 finished, but some files were skipped
 * or unreadable; 2 usage error or failure (the index is left as it was).
 */
#include "analysis/analyzer.h"
#include "extract/extract.h"
#include "index/index.h"
#include "index/indexwriter.h"
#include "progress.h"
#include "walk.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { EXIT_DONE = 0, EXIT_SKIPPED = 1, EXIT_FAILED = 2 };

typedef struct options {
    const char *index_dir;
    const char *language;
    size_t memory_mb;
    int check;
    int quiet;
    char **paths;
    size_t path_count;
} options;

typedef struct run_state {
    const options *opt;
    shelf_indexwriter *writer;
    progress bar;
    uint64_t files, bytes, tokens, invalid_bytes, cut_tokens;
    uint64_t skipped, ignored;
    int failed;
    shelf_err err;
} run_state;

static void usage(FILE *out)
{
    fprintf(out,
"Usage: indexer [OPTIONS] [PATH...]\n"
"       indexer --check [DIR]\n"
"\n"
"Index the .txt and .md files under each PATH (a file or a folder, walked\n"
"recursively; hidden entries skipped, symlink loops detected) into an index\n"
"folder that `searcher` reads.  With no PATH, indexes the sample shelf\n"
"(the project's corpus/ folder).  Running it again rebuilds the index; the\n"
"old index stays readable until the new one is committed.\n"
"\n"
"Options:\n"
"  --index DIR       index folder (default ./index)\n"
"  --language NAME   stemming language (default english); `none` for no\n"
"                    stemming; `--language list` shows the choices\n"
"  --memory MB       memory for postings before spilling sorted runs to\n"
"                    disk (default 256)\n"
"  --check [DIR]     verify every checksum and invariant of an index\n"
"                    (DIR, else --index) and print its statistics\n"
"  -q, --quiet       no progress bar and no summary\n"
"  -h, --help        this help\n"
"\n"
"Text rules: invalid UTF-8 bytes act as word separators (warned per file);\n"
"empty and binary files are skipped with a message; terms longer than 64\n"
"bytes are cut to 64 bytes at a character boundary and counted.\n"
"\n"
"Exit status: 0 all indexed; 1 done, but some files were skipped or\n"
"unreadable; 2 usage error or failure (index left as it was).\n");
}

static const char *default_corpus(void)
{
    static const char *const candidates[] = {SHELF_SOURCE_CORPUS, SHELF_INSTALLED_CORPUS};
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
        struct stat st;
        if (stat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode))
            return candidates[i];
    }
    return NULL;
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

static int parse_options(int argc, char **argv, options *opt)
{
    static const struct option longopts[] = {
        {"index", required_argument, NULL, 'i'}, {"language", required_argument, NULL, 'l'},
        {"memory", required_argument, NULL, 'm'}, {"check", no_argument, NULL, 'c'},
        {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    *opt = (options){.index_dir = "index", .language = "english", .memory_mb = 256};
    int c;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'i': opt->index_dir = optarg; break;
        case 'l': opt->language = optarg; break;
        case 'm':
            if (parse_size(optarg, &opt->memory_mb) != 0) {
                fprintf(stderr, "indexer: --memory wants a number of megabytes, got '%s'\n", optarg);
                return -1;
            }
            break;
        case 'c': opt->check = 1; break;
        case 'q': opt->quiet = 1; break;
        case 'h': usage(stdout); exit(EXIT_DONE);
        default:
            fprintf(stderr, "Try 'indexer --help'.\n");
            return -1;
        }
    }
    opt->paths = argv + optind;
    opt->path_count = (size_t)(argc - optind);
    return 0;
}

static void strip_trailing_slashes(char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        path[--n] = '\0';
}

/* ---- --check ---- */

static int run_check(const options *opt)
{
    const char *dir = opt->path_count ? opt->paths[0] : opt->index_dir;
    shelf_err err = {0};
    shelf_index *idx;
    if (shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, &err) != SHELF_OK) {
        fprintf(stderr, "indexer: check failed: %s\n", err.msg);
        return EXIT_FAILED;
    }
    shelf_check_report r;
    int rc = shelf_index_check(idx, &r, &err);
    if (rc != SHELF_OK) {
        fprintf(stderr, "indexer: check failed: %s\n", err.msg);
        shelf_index_close(idx);
        return EXIT_FAILED;
    }
    printf("index %s: OK (format version %u, generation %llu, language %s)\n", dir,
           SHELF_FORMAT_VERSION, (unsigned long long)shelf_index_generation(idx),
           shelf_index_language(idx));
    printf("  segments   %llu\n  documents  %llu\n  tokens     %llu\n  terms      %llu\n"
           "  postings   %llu\n  positions  %llu\n  bytes      %llu\n",
           (unsigned long long)r.segments, (unsigned long long)r.documents,
           (unsigned long long)r.tokens, (unsigned long long)r.terms,
           (unsigned long long)r.postings, (unsigned long long)r.positions,
           (unsigned long long)r.bytes);
    shelf_index_close(idx);
    return EXIT_DONE;
}

/* ---- indexing ---- */

static void warn(run_state *st, const char *fmt, const char *a, const char *b)
{
    progress_clear(&st->bar);
    fprintf(stderr, "indexer: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
}

static void on_problem(void *ctx, const char *path, const char *reason)
{
    run_state *st = ctx;
    st->skipped++;
    warn(st, "skipped %s: %s", path, reason);
}

static int on_file(void *ctx, const char *path)
{
    run_state *st = ctx;
    if (!shelf_extract_supported(path)) {
        st->ignored++;
        return 0;
    }
    shelf_extracted ex;
    shelf_err err = {0};
    int rc = shelf_extract_file(path, &ex, &err);
    if (rc == SHELF_ESKIP || rc == SHELF_EIO) {
        st->skipped++;
        warn(st, "skipped %s%s", err.msg, "");
        return 0;
    }
    if (rc != SHELF_OK) {
        st->err = err;
        st->failed = 1;
        return 1;
    }
    shelf_doc_input doc = {.path = path, .title = ex.title, .title_len = ex.title_len,
                           .text = ex.text, .text_len = ex.len, .size = ex.size,
                           .mtime_ns = ex.mtime_ns, .hash = ex.hash};
    shelf_doc_report rep;
    rc = shelf_indexwriter_add(st->writer, &doc, &rep, &st->err);
    shelf_extracted_free(&ex);
    if (rc != SHELF_OK) {
        st->failed = 1;
        return 1;
    }
    if (rep.invalid_bytes) {
        char count[32];
        snprintf(count, sizeof count, "%llu", (unsigned long long)rep.invalid_bytes);
        warn(st, "warning: %s: %s invalid UTF-8 bytes treated as separators", path, count);
    }
    st->files++;
    st->bytes += doc.size;
    st->tokens += rep.tokens;
    st->invalid_bytes += rep.invalid_bytes;
    st->cut_tokens += rep.cut_tokens;
    progress_update(&st->bar, st->files, st->bytes);
    return 0;
}

/* Pre-pass for the progress bar: how many supported files and bytes. */
typedef struct totals {
    uint64_t files, bytes;
} totals;

static int count_file(void *ctx, const char *path)
{
    totals *t = ctx;
    struct stat st;
    if (shelf_extract_supported(path) && stat(path, &st) == 0) {
        t->files++;
        t->bytes += (uint64_t)st.st_size;
    }
    return 0;
}

static void ignore_problem(void *ctx, const char *path, const char *reason) {}

static void print_summary(const run_state *st, const shelf_segment_summary *s, double seconds)
{
    double mb = (double)st->bytes / 1e6;
    fprintf(stderr,
            "indexed %llu documents, %llu tokens, %llu unique terms; %.2f MB in %.2f s (%.1f MB/s); "
            "index %s is %.2f MB",
            (unsigned long long)s->doc_count, (unsigned long long)st->tokens,
            (unsigned long long)s->term_count, mb, seconds, seconds > 0 ? mb / seconds : 0,
            st->opt->index_dir, (double)s->bytes / 1e6);
    fprintf(stderr, "; skipped %llu", (unsigned long long)st->skipped);
    if (st->ignored)
        fprintf(stderr, "; ignored %llu (not .txt/.md)", (unsigned long long)st->ignored);
    if (st->cut_tokens)
        fprintf(stderr, "; %llu terms cut to 64 bytes", (unsigned long long)st->cut_tokens);
    if (st->invalid_bytes)
        fprintf(stderr, "; %llu invalid UTF-8 bytes", (unsigned long long)st->invalid_bytes);
    fputc('\n', stderr);
}

static int run_index(options *opt)
{
    char *fallback[1];
    if (opt->path_count == 0) {
        const char *corpus = default_corpus();
        if (!corpus) {
            fprintf(stderr, "indexer: no PATH given and the sample corpus/ was not found\n");
            return EXIT_FAILED;
        }
        fallback[0] = (char *)corpus;
        opt->paths = fallback;
        opt->path_count = 1;
    }
    for (size_t i = 0; i < opt->path_count; i++)
        strip_trailing_slashes(opt->paths[i]);
    run_state st = {.opt = opt};
    st.writer = shelf_indexwriter_open(opt->index_dir, opt->language, opt->memory_mb << 20, &st.err);
    if (!st.writer) {
        fprintf(stderr, "indexer: %s\n", st.err.msg);
        return EXIT_FAILED;
    }
    double started = progress_now();
    if (!opt->quiet && isatty(STDERR_FILENO)) {
        totals t = {0};
        walk_callbacks counter = {count_file, ignore_problem, &t};
        walk_paths(opt->paths, opt->path_count, &counter);
        progress_start(&st.bar, t.files, t.bytes);
    }
    walk_callbacks cb = {on_file, on_problem, &st};
    walk_paths(opt->paths, opt->path_count, &cb);
    progress_clear(&st.bar);
    shelf_segment_summary summary;
    if (!st.failed && st.files == 0) {
        fprintf(stderr, "indexer: nothing to index: no readable .txt or .md files under the given paths; "
                        "index %s left as it was\n", opt->index_dir);
        shelf_indexwriter_free(st.writer);
        return EXIT_FAILED;
    }
    if (!st.failed && shelf_indexwriter_commit(st.writer, &summary, &st.err) != SHELF_OK)
        st.failed = 1;
    shelf_indexwriter_free(st.writer);
    if (st.failed) {
        fprintf(stderr, "indexer: %s\nindexer: index %s left as it was\n", st.err.msg, opt->index_dir);
        return EXIT_FAILED;
    }
    if (!opt->quiet)
        print_summary(&st, &summary, progress_now() - started);
    return st.skipped ? EXIT_SKIPPED : EXIT_DONE;
}

static int list_languages(void)
{
    char names[1024];
    shelf_analyzer_languages(names, sizeof names);
    printf("%s\n", names);
    return EXIT_DONE;
}

int main(int argc, char **argv)
{
    options opt;
    if (parse_options(argc, argv, &opt) != 0)
        return EXIT_FAILED;
    if (strcmp(opt.language, "list") == 0)
        return list_languages();
    if (opt.check)
        return run_check(&opt);
    return run_index(&opt);
}
