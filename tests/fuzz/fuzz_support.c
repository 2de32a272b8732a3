/* fuzz_support.c - the scratch folder, failure reports and shared checks of
 * the fuzz targets; see fuzz.h. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "fuzz.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/utf8.h"
#include "util/buf.h"

#define REMOVE_FD_LIMIT 16

static char scratch[4096];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void fuzz_remove_tree(const char *path)
{
    nftw(path, remove_entry, REMOVE_FD_LIMIT, FTW_DEPTH | FTW_PHYS);
}

static void remove_scratch(void)
{
    if (scratch[0])
        fuzz_remove_tree(scratch);
    scratch[0] = '\0';
}

const char *fuzz_scratch_dir(void)
{
    if (scratch[0])
        return scratch;
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    int n = snprintf(scratch, sizeof scratch, "%s/shelf-fuzz-XXXXXX", tmp);
    if (n < 0 || (size_t)n >= sizeof scratch || !mkdtemp(scratch)) {
        scratch[0] = '\0';
        fuzz_fail("support", "cannot create a scratch folder");
    }
    atexit(remove_scratch);
    return scratch;
}

void fuzz_write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fuzz_fail("support", path);
    bool ok = (n == 0 || fwrite(data, 1, n, f) == n);
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        fuzz_fail("support", path);
}

_Noreturn void fuzz_fail(const char *target, const char *what)
{
    fprintf(stderr, "fuzz check failed (%s): %s\n", target, what);
    fflush(stderr);
    abort();
}

void fuzz_require(bool ok, const char *target, const char *what)
{
    if (!ok)
        fuzz_fail(target, what);
}

bool fuzz_utf8_valid(const char *text, size_t len)
{
    const uint8_t *t = (const uint8_t *)text;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        i += shelf_utf8_decode(t, len, i, &cp);
        if (cp == SHELF_UTF8_INVALID)
            return false;
    }
    return true;
}

bool *fuzz_utf8_boundaries(const char *text, size_t len)
{
    bool *at = calloc(len + 1, sizeof *at);
    if (!at)
        fuzz_fail("support", "out of memory");
    const uint8_t *t = (const uint8_t *)text;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        at[i] = true;
        i += shelf_utf8_decode(t, len, i, &cp);
    }
    at[len] = true;
    return at;
}

static void check_pages(const char *target, const shelf_layout *l, size_t len)
{
    for (size_t i = 0; i < l->npages; i++) {
        fuzz_require(l->pages[i] <= len, target, "page start past the text");
        if (i == 0)
            fuzz_require(l->pages[0] == 0, target, "first page does not start at 0");
        else
            fuzz_require(l->pages[i] > l->pages[i - 1], target, "page starts not ascending");
    }
}

static void check_headings(const char *target, const shelf_layout *l, size_t len, bool disjoint)
{
    for (size_t i = 0; i < l->nheadings; i++) {
        const shelf_heading *h = &l->headings[i];
        fuzz_require(h->start <= len && h->len <= len - h->start, target,
                     "heading outside the text");
        fuzz_require(h->level >= 1 && h->level <= SHELF_HEADING_MAX_LEVEL, target,
                     "heading level out of 1..6");
        if (i > 0) {
            const shelf_heading *p = &l->headings[i - 1];
            fuzz_require(h->start > p->start, target, "heading starts not ascending");
            fuzz_require(!disjoint || h->start >= p->start + p->len, target, "headings overlap");
        }
    }
}

static void check_anchors(const char *target, const shelf_layout *l, size_t len)
{
    for (size_t i = 0; i < l->nanchors; i++) {
        const shelf_source_anchor *a = &l->anchors[i];
        fuzz_require(a->text_offset < len, target, "source anchor past the text");
        fuzz_require(a->line >= 1 && a->column >= 1, target, "source anchor line or column 0");
        fuzz_require(i == 0 || a->text_offset > l->anchors[i - 1].text_offset, target,
                     "source anchors not ascending");
    }
}

static bool same_anchors(const shelf_layout *a, const shelf_layout *b)
{
    if (a->nanchors != b->nanchors)
        return false;
    for (size_t i = 0; i < a->nanchors; i++) {
        const shelf_source_anchor *x = &a->anchors[i], *y = &b->anchors[i];
        if (x->text_offset != y->text_offset || x->line != y->line || x->column != y->column ||
            x->pinned != y->pinned)
            return false;
    }
    return true;
}

static bool same_layout(const shelf_layout *a, const shelf_layout *b)
{
    if (!same_anchors(a, b))
        return false;
    if (a->structured != b->structured || a->npages != b->npages ||
        a->nheadings != b->nheadings)
        return false;
    for (size_t i = 0; i < a->npages; i++)
        if (a->pages[i] != b->pages[i])
            return false;
    if (a->nlabels != b->nlabels)
        return false;
    for (size_t page = 1; page <= a->nlabels; page++) {
        const char *la = shelf_layout_page_label(a, page), *lb = shelf_layout_page_label(b, page);
        if ((la == NULL) != (lb == NULL) || (la && strcmp(la, lb) != 0))
            return false;
    }
    for (size_t i = 0; i < a->nheadings; i++)
        if (a->headings[i].start != b->headings[i].start ||
            a->headings[i].len != b->headings[i].len ||
            a->headings[i].level != b->headings[i].level)
            return false;
    return true;
}

static void check_round_trip(const char *target, const shelf_layout *l, size_t len)
{
    shelf_buf enc = SHELF_BUF_INIT;
    shelf_layout back = SHELF_LAYOUT_INIT;
    fuzz_require(shelf_layout_encode(&enc, l) == 0, target, "layout does not encode");
    const uint8_t *p = enc.data;
    fuzz_require(shelf_layout_decode(&p, enc.data + enc.len, len, &back) == 0, target,
                 "encoded layout does not decode");
    fuzz_require(p == enc.data + enc.len, target, "layout decode left bytes over");
    fuzz_require(same_layout(l, &back), target, "layout changed through encode/decode");
    shelf_layout_free(&back);
    shelf_buf_free(&enc);
}

void fuzz_check_layout(const char *target, const shelf_layout *l, size_t len)
{
    check_pages(target, l, len);
    check_headings(target, l, len, true);
    check_anchors(target, l, len);
    check_round_trip(target, l, len);
}

void fuzz_check_decoded_layout(const char *target, const shelf_layout *l, size_t len)
{
    check_pages(target, l, len);
    check_headings(target, l, len, false);
    check_anchors(target, l, len);
    check_round_trip(target, l, len);
}

char *fuzz_copy(const uint8_t *data, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        fuzz_fail("support", "out of memory");
    if (n)
        memcpy(s, data, n);
    s[n] = '\0';
    return s;
}
