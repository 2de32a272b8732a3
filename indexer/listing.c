/* listing.c - indexer --list and --check; see listing.h. */
#include "listing.h"
#include "engine/engine.h"
#include "extract/extract.h"
#include "backend/native/format.h"
#include "backend/native/index.h"
#include "util/sandbox.h"
#include "util/visible.h"
#include "backend/xapian/xapian_c.h"

#include <limits.h>
#include <stdio.h>
#include <time.h>

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

static int print_doc(void *ctx, const shelf_docview *m)
{
    char when[32], format[96];
    format_time(m->mtime_ns, when, sizeof when);
    describe_format(m->flags, format, sizeof format);
    printf("%u\t%llu\t%s\t", m->length, (unsigned long long)m->size, when);
    shelf_put_visible(stdout, m->path, m->path_len);
    putchar('\t');
    shelf_put_visible(stdout, m->title, m->title_len);
    printf("\t%s%s\n", format,
           (m->flags & SHELF_DOC_FLAG_INVALID_UTF8) ? " (invalid UTF-8 bytes)" : "");
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
    int rc = shelf_engine_each_doc(e, print_doc, NULL, &err);
    shelf_engine_close(e);
    if (rc != SHELF_OK) {
        fprintf(stderr, "indexer: %s\n", err.msg);
        return 2;
    }
    return 0;
}

static int check_native(const char *dir)
{
    shelf_err err = {0};
    shelf_index *idx;
    if (shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, &err) != SHELF_OK) {
        fprintf(stderr, "indexer: check failed: %s\n", err.msg);
        return 2;
    }
    shelf_check_report r;
    int rc = shelf_index_check(idx, &r, &err);
    if (rc != SHELF_OK) {
        fprintf(stderr, "indexer: check failed: %s\n", err.msg);
        shelf_index_close(idx);
        return 2;
    }
    printf("index %s: OK (native, format version %u, generation %llu, language %s)\n", dir,
           SHELF_FORMAT_VERSION, (unsigned long long)shelf_index_generation(idx),
           shelf_index_language(idx));
    printf("  segments   %llu\n  documents  %llu\n  deleted    %llu\n  tokens     %llu\n"
           "  terms      %llu\n  postings   %llu\n  positions  %llu\n  bytes      %llu\n",
           (unsigned long long)r.segments, (unsigned long long)r.documents,
           (unsigned long long)(shelf_index_numbered(idx) - r.documents),
           (unsigned long long)r.tokens, (unsigned long long)r.terms,
           (unsigned long long)r.postings, (unsigned long long)r.positions,
           (unsigned long long)r.bytes);
    shelf_index_close(idx);
    return 0;
}

typedef struct doc_tally {
    unsigned long long docs, tokens;
} doc_tally;

static int tally_doc(void *ctx, const shelf_docview *m)
{
    doc_tally *t = ctx;
    t->docs++;
    t->tokens += m->length;
    return 0;
}

static int check_xapian_here(const char *dir)
{
    char path[PATH_MAX], report[4096];
    snprintf(path, sizeof path, "%s/%s", dir, SHELF_XAPIAN_SUBDIR);
    shelf_err err = {0};
    uint64_t errors = 0;
    if (shelf_xdb_check(path, report, sizeof report, &errors, &err) != SHELF_OK || errors) {
        fprintf(stderr, "indexer: check failed: %s: %s%s\n", path,
                errors ? "Xapian's check found errors\n" : err.msg, errors ? report : "");
        return 2;
    }
    shelf_engine *e;
    doc_tally t = {0};
    int rc = shelf_engine_open(&e, dir, 0, &err);
    if (rc == SHELF_OK)
        rc = shelf_engine_each_doc(e, tally_doc, &t, &err);
    if (rc != SHELF_OK) {
        fprintf(stderr, "indexer: check failed: %s\n", err.msg);
        shelf_engine_close(e);
        return 2;
    }
    printf("index %s: OK (Xapian, language %s)\n  documents  %llu\n  tokens     %llu\n", dir,
           shelf_engine_language(e), t.docs, t.tokens);
    shelf_engine_close(e);
    return 0;
}

static int check_xapian_child(void *ctx)
{
    int rc = check_xapian_here(ctx);
    fflush(stdout);
    fflush(stderr);
    return rc;
}

/* Xapian's check and our reading of its documents run in a child process:
 * libxapian 1.4 can crash on a damaged table, and that must end in exit 2
 * with a message, not in our crash. */
static int check_xapian(const char *dir)
{
    fflush(stdout);
    fflush(stderr);
    shelf_sandbox_result r;
    shelf_err err = {0};
    if (shelf_sandbox_run(check_xapian_child, (void *)dir, 0, &r, &err) != SHELF_OK) {
        fprintf(stderr, "indexer: check failed: %s\n", err.msg);
        return 2;
    }
    if (r.end == SHELF_SANDBOX_EXITED)
        return r.status;
    char name[32];
    fprintf(stderr, "indexer: check failed: damaged Xapian table (the check crashed with %s): %s\n",
            r.end == SHELF_SANDBOX_SIGNALED ? shelf_signal_name(r.status, name, sizeof name) : "a timeout",
            dir);
    return 2;
}

int check_index(const char *index_dir)
{
    shelf_backend backend;
    shelf_err err = {0};
    if (shelf_engine_detect(index_dir, &backend, &err) != SHELF_OK) {
        fprintf(stderr, "indexer: check failed: %s\n", err.msg);
        return 2;
    }
    return backend == SHELF_BACKEND_NATIVE ? check_native(index_dir) : check_xapian(index_dir);
}
