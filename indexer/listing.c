/* listing.c - indexer --list and --check; see listing.h. */
#include "listing.h"
#include "backend/shared_format.h"
#include "engine/backends.h"
#include "engine/engine.h"
#include "engine/index_check.h"
#include "engine/roots.h"
#include "extract/extract.h"
#include "util/canonpath.h"
#include "util/sandbox.h"
#include "util/visible.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void format_time(int64_t ns, char *out, size_t size)
{
    time_t secs = (time_t)(ns / 1000000000);
    struct tm tm;
    if (!gmtime_r(&secs, &tm) || strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, size, "?");
}

/* "pdf", "html", "text, converted from windows-1252", ... */
static void describe_format(uint32_t flags, char *out, size_t size)
{
    shelf_format f = (shelf_format)((flags >> SHELF_DOC_FORMAT_SHIFT) & SHELF_DOC_FIELD_MASK);
    shelf_encoding e = (shelf_encoding)((flags >> SHELF_DOC_ENCODING_SHIFT) & SHELF_DOC_FIELD_MASK);
    if (e == SHELF_ENC_UTF8)
        snprintf(out, size, "%s", shelf_format_name(f));
    else
        snprintf(out, size, "%s, converted from %s", shelf_format_name(f), shelf_encoding_name(e));
}

/* A stored path as shown: relative to the current folder when under it. */
static void put_path(const char *cwd, const char *path, size_t len)
{
    size_t skip = cwd ? shelf_path_from(path, len, cwd) : 0;
    shelf_put_visible(stdout, path + skip, len - skip);
}

static int print_doc(void *ctx, const shelf_docview *m)
{
    const char *cwd = ctx;
    char when[32], format[96];
    format_time(m->mtime_ns, when, sizeof when);
    describe_format(m->flags, format, sizeof format);
    printf("%u\t%llu\t%s\t", m->length, (unsigned long long)m->size, when);
    put_path(cwd, m->path, m->path_len);
    putchar('\t');
    shelf_put_visible(stdout, m->title, m->title_len);
    printf("\t%s%s\t", format,
           (m->flags & SHELF_DOC_FLAG_INVALID_UTF8) ? " (invalid UTF-8 bytes)" : "");
    /* author and date last (empty when unknown), so the columns before them
     * stay where scripts expect them */
    shelf_put_visible(stdout, m->author, m->author_len);
    putchar('\t');
    shelf_put_visible(stdout, m->date, m->date_len);
    putchar('\n');
    return 0;
}

int list_documents(const char *index_dir)
{
    shelf_err err = {0};
    shelf_engine *e;
    if (shelf_engine_open(&e, index_dir, 0, &err) != SHELF_OK) {
        fprintf(stderr, "indexer: %s\n", err.msg);
        return 2;
    }
    char cwd[PATH_MAX];
    int rc = shelf_engine_each_doc(e, print_doc, getcwd(cwd, sizeof cwd) ? cwd : NULL, &err);
    shelf_engine_close(e);
    if (rc != SHELF_OK) {
        fprintf(stderr, "indexer: %s\n", err.msg);
        return 2;
    }
    return 0;
}

/* The last line of every "index is damaged" report: how to recover. */
static void say_recovery(const char *dir)
{
    char command[1024];
    shelf_recovery_command(dir, command, sizeof command);
    fprintf(stderr, "indexer: recover with: %s\n", command);
}

typedef struct check_job {
    const shelf_backend_row *row;
    const char *dir;
} check_job;

static void print_check(const shelf_backend_row *row, const char *dir, const shelf_check_summary *c)
{
    if (!c->segmented) {
        printf("index %s: OK (%s, language %s)\n  documents  %llu\n  tokens     %llu\n", dir,
               row->label, c->language, (unsigned long long)c->documents,
               (unsigned long long)c->tokens);
        return;
    }
    printf("index %s: OK (%s, format version %u, generation %llu, language %s)\n", dir, row->label,
           c->format_version, (unsigned long long)c->generation, c->language);
    printf("  segments   %llu\n  documents  %llu\n  deleted    %llu\n  tokens     %llu\n"
           "  terms      %llu\n  postings   %llu\n  positions  %llu\n  bytes      %llu\n",
           (unsigned long long)c->segments, (unsigned long long)c->documents,
           (unsigned long long)c->deleted, (unsigned long long)c->tokens,
           (unsigned long long)c->terms, (unsigned long long)c->postings,
           (unsigned long long)c->positions, (unsigned long long)c->bytes);
}

static int check_here(const check_job *job)
{
    shelf_err err = {0};
    static shelf_check_summary summary; /* large (the backend's report) */
    if (shelf_check_index(job->row, job->dir, &summary, &err) != SHELF_OK) {
        fprintf(stderr, "indexer: check failed: %s%s\n", err.msg, summary.report);
        if (err.code == SHELF_ECORRUPT || err.code == SHELF_EVERSION)
            say_recovery(job->dir);
        return 2;
    }
    shelf_roots roots;
    int rc = shelf_roots_read(job->dir, &roots, &err);
    if (rc != SHELF_OK && rc != SHELF_ENOTFOUND) {
        fprintf(stderr, "indexer: check failed: %s\n", err.msg);
        say_recovery(job->dir);
        return 2;
    }
    print_check(job->row, job->dir, &summary);
    if (rc == SHELF_OK)
        printf("  roots      %zu\n", roots.count);
    else
        printf("  roots      none recorded\n");
    shelf_roots_free(&roots);
    return 0;
}

static int check_child(void *ctx)
{
    int rc = check_here(ctx);
    fflush(stdout);
    fflush(stderr);
    return rc;
}

/* A backend whose library can crash on a damaged index (the row says
 * crash_prone: libxapian 1.4 on a damaged table) is checked in a child
 * process, so that the crash ends in exit 2 with a message, not in ours. */
static int check_in_child(const check_job *job)
{
    fflush(stdout);
    fflush(stderr);
    shelf_sandbox_result r;
    shelf_err err = {0};
    if (shelf_sandbox_run(check_child, (void *)job, 0, &r, &err) != SHELF_OK) {
        fprintf(stderr, "indexer: check failed: %s\n", err.msg);
        return 2;
    }
    if (r.end == SHELF_SANDBOX_EXITED)
        return r.status;
    char name[32];
    fprintf(stderr, "indexer: check failed: damaged %s table (the check crashed with %s): %s\n",
            job->row->label,
            r.end == SHELF_SANDBOX_SIGNALED ? shelf_signal_name(r.status, name, sizeof name) : "a timeout",
            job->dir);
    say_recovery(job->dir);
    return 2;
}

int check_index(const char *index_dir)
{
    shelf_err err = {0};
    check_job job = {NULL, index_dir};
    if (shelf_backend_detect(index_dir, &job.row, &err) != SHELF_OK) {
        fprintf(stderr, "indexer: check failed: %s\n", err.msg);
        return 2;
    }
    return job.row->crash_prone ? check_in_child(&job) : check_here(&job);
}
