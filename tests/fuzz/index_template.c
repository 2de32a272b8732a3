/* index_template.c - the fuzz targets' small real index; see
 * index_template.h. */
#include "index_template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract.h"
#include "fuzz.h"
#include "backend/native/format.h"
#include "engine/writer.h"

#define WHO "index template"
#define SLICE_BYTES 3000
#define SHORT_SLICE_BYTES 1500
#define PAGES 3
#define HEADINGS 2
#define MEMORY_BUDGET (1u << 20)
#define PATH_MAX_BYTES 4096

const char *const fuzz_template_files[] = {
    "MANIFEST",         "seg_000001.dict",       "seg_000001.post", "seg_000001.pos",
    "seg_000001.docs",  "seg_000001.store",      "seg_000001.000002.del",
    "seg_000002.dict",  "seg_000002.post",       "seg_000002.pos",  "seg_000002.docs",
    "seg_000002.store",
};
const size_t fuzz_template_file_count = sizeof fuzz_template_files / sizeof *fuzz_template_files;

typedef struct source {
    char *data;
    size_t len;
} source;

static source read_corpus(const char *name)
{
    char path[PATH_MAX_BYTES];
    snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, name);
    FILE *f = fopen(path, "rb");
    fuzz_require(f != NULL, WHO, "cannot open a corpus file");
    source s = {NULL, 0};
    size_t cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (s.len + n > cap) {
            cap = 2 * (s.len + n);
            s.data = realloc(s.data, cap);
            fuzz_require(s.data != NULL, WHO, "out of memory");
        }
        memcpy(s.data + s.len, chunk, n);
        s.len += n;
    }
    fclose(f);
    return s;
}

/* Length of the longest run of whole lines of s within limit bytes. */
static size_t whole_lines(const source *s, size_t limit)
{
    size_t end = 0;
    for (size_t i = 0; i < s->len && i < limit; i++)
        if (s->data[i] == '\n')
            end = i + 1;
    return end;
}

/* Start of the line following offset at (the text's length when none). */
static size_t next_line(const char *text, size_t len, size_t at)
{
    while (at < len && text[at] != '\n')
        at++;
    return at < len ? at + 1 : len;
}

static void add_doc(shelf_indexwriter *w, const char *path, const char *text, size_t len,
                    const shelf_layout *layout, shelf_format format)
{
    size_t title_len;
    const char *title = shelf_title_of(text, len, path, &title_len);
    shelf_doc_input in = {.path = path, .title = title, .title_len = title_len, .text = text,
                          .text_len = len, .size = len, .mtime_ns = 0, .hash = len,
                          .layout = layout,
                          .flags = (uint32_t)format << SHELF_DOC_FORMAT_SHIFT};
    shelf_err err = {0};
    if (shelf_indexwriter_add(w, &in, NULL, &err) != SHELF_OK)
        fuzz_fail(WHO, err.msg);
}

/* Headings: the first HEADINGS non-empty lines. */
static void add_structured(shelf_indexwriter *w, const source *s)
{
    size_t len = whole_lines(s, SLICE_BYTES);
    shelf_layout l = SHELF_LAYOUT_INIT;
    l.structured = true;
    size_t at = 0;
    for (int h = 0; h < HEADINGS && at < len; h++) {
        size_t end = next_line(s->data, len, at);
        size_t text_end = end > at && s->data[end - 1] == '\n' ? end - 1 : end;
        if (text_end > at)
            fuzz_require(shelf_layout_add_heading(&l, at, (uint32_t)(text_end - at), 1 + h) ==
                             SHELF_OK, WHO, "out of memory");
        at = end;
    }
    add_doc(w, "notes.md", s->data, len, &l, SHELF_FORMAT_MARKDOWN);
    shelf_layout_free(&l);
}

/* PAGES pages starting at line starts near equal shares of the text. */
static void add_paged(shelf_indexwriter *w, const source *s)
{
    size_t len = whole_lines(s, SLICE_BYTES);
    shelf_layout l = SHELF_LAYOUT_INIT;
    uint64_t last = 0;
    fuzz_require(shelf_layout_add_page(&l, 0) == SHELF_OK, WHO, "out of memory");
    for (size_t p = 1; p < PAGES; p++) {
        size_t start = next_line(s->data, len, p * len / PAGES);
        if (start > last && start < len) {
            fuzz_require(shelf_layout_add_page(&l, start) == SHELF_OK, WHO, "out of memory");
            last = start;
        }
    }
    add_doc(w, "report.pdf", s->data, len, &l, SHELF_FORMAT_PDF);
    shelf_layout_free(&l);
}

static shelf_indexwriter *open_writer(const char *dir)
{
    shelf_writer_opts o = {.language = "english", .memory_budget = MEMORY_BUDGET};
    shelf_err err = {0};
    shelf_indexwriter *w = shelf_indexwriter_open(dir, &o, &err);
    if (!w)
        fuzz_fail(WHO, err.msg);
    return w;
}

static void commit(shelf_indexwriter *w)
{
    shelf_err err = {0};
    if (shelf_indexwriter_commit(w, NULL, &err) != SHELF_OK)
        fuzz_fail(WHO, err.msg);
    shelf_indexwriter_free(w);
}

static void check_files(const char *dir)
{
    char path[PATH_MAX_BYTES];
    for (size_t i = 0; i < fuzz_template_file_count; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, fuzz_template_files[i]);
        FILE *f = fopen(path, "rb");
        fuzz_require(f != NULL, WHO, "a template file is missing (index layout changed?)");
        fclose(f);
    }
}

void fuzz_template_build(const char *dir)
{
    source overview = read_corpus("nato-overview.txt");
    source diplomacy = read_corpus("military-diplomacy-in-nato.txt");
    source command = read_corpus("nato-command-defense-policy-alignment.txt");
    shelf_indexwriter *w = open_writer(dir);
    add_doc(w, "overview.txt", overview.data, overview.len, NULL, SHELF_FORMAT_TEXT);
    add_structured(w, &diplomacy);
    add_paged(w, &command);
    commit(w);
    w = open_writer(dir);
    add_doc(w, "overview.txt", overview.data, whole_lines(&overview, SHORT_SLICE_BYTES), NULL,
            SHELF_FORMAT_TEXT);
    commit(w);
    check_files(dir);
    free(overview.data);
    free(diplomacy.data);
    free(command.data);
}

const char *fuzz_template_dir(void)
{
    static char dir[PATH_MAX_BYTES];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s/template", fuzz_scratch_dir());
        fuzz_template_build(dir);
    }
    return dir;
}
