/*
 * test_page_labels.c - printed page labels, from the PDF to the citation.
 *
 * tests/data/labels.pdf (made by pdflatex from labels.tex next to it, so no
 * LaTeX is needed here) has front matter numbered i, ii and a body numbered
 * 1, 2: physical pages 1..4 print "i", "ii", "1", "2".  Checked:
 *   - the layout: labels and their stored form (round trip, damage refused,
 *     labels dropped when each is its physical number, kept as compact as
 *     a layout without labels);
 *   - the PDF reader keeps each page's label exactly as poppler reads it;
 *   - on both backends: JSON snippets carry the physical "page" and its
 *     "page_label"; --cite, markdown and text cite the printed label and no
 *     line number; the JSON citation carries both;
 *   - an index of the previous format version (4) is refused with a message
 *     that says how to rebuild it, and `indexer --rebuild` replaces it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <poppler.h>

#include "extract/extract.h"
#include "extract/layout.h"
#include "json_reader.h"
#include "present/place.h"
#include "support.h"
#include "support_run.h"
#include "util/error.h"

#define LABELS_PDF TEST_DATA_DIR "/labels.pdf"
#define BUDGET_MS 20000

static const char *const printed[] = {"i", "ii", "1", "2"};
/* A word found only on each physical page. */
static const char *const word_on_page[] = {"frontispiece", "acknowledgement", "zeppelin",
                                           "quasar"};

static char *g_src;

/* ---- the layout ---- */

static void add_pages(shelf_layout *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(shelf_layout_add_page(l, i * 10), SHELF_OK);
}

static void add_labels(shelf_layout *l, const char *const *labels, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(shelf_layout_add_label(l, labels[i], strlen(labels[i])), SHELF_OK);
}

static void test_labels_round_trip(void **state)
{
    shelf_layout l = SHELF_LAYOUT_INIT, back = SHELF_LAYOUT_INIT;
    add_pages(&l, 4);
    add_labels(&l, printed, 4);
    shelf_layout_drop_physical_labels(&l);
    assert_int_equal(l.nlabels, 4);
    shelf_buf b = SHELF_BUF_INIT;
    assert_int_equal(shelf_layout_encode(&b, &l), SHELF_OK);
    const uint8_t *p = b.data;
    assert_int_equal(shelf_layout_decode(&p, b.data + b.len, 100, &back), 0);
    assert_ptr_equal(p, b.data + b.len);
    for (size_t page = 1; page <= 4; page++)
        assert_string_equal(shelf_layout_page_label(&back, page), printed[page - 1]);
    assert_null(shelf_layout_page_label(&back, 5));
    assert_null(shelf_layout_page_label(&back, 0));
    char name[SHELF_PAGE_NAME_BYTES];
    assert_string_equal(shelf_page_name(&back, 2, name), "ii");
    for (size_t cut = 0; cut < b.len; cut++) {
        p = b.data;
        assert_int_equal(shelf_layout_decode(&p, b.data + cut, 100, &back), -1);
        assert_int_equal(back.nlabels, 0);
    }
    shelf_buf_free(&b);
    shelf_layout_free(&l);
    shelf_layout_free(&back);
}

/* Labels that are the physical numbers are not kept, and the layout then
 * encodes byte for byte as one that never had labels. */
static void test_physical_labels_dropped(void **state)
{
    static const char *const physical[] = {"1", "2", "3"};
    shelf_layout l = SHELF_LAYOUT_INIT, plain = SHELF_LAYOUT_INIT;
    add_pages(&l, 3);
    add_pages(&plain, 3);
    add_labels(&l, physical, 3);
    shelf_layout_drop_physical_labels(&l);
    assert_int_equal(l.nlabels, 0);
    assert_null(shelf_layout_page_label(&l, 1));
    char name[SHELF_PAGE_NAME_BYTES];
    assert_string_equal(shelf_page_name(&l, 3, name), "3");
    assert_string_equal(shelf_page_name(NULL, 7, name), "7");
    shelf_buf a = SHELF_BUF_INIT, b = SHELF_BUF_INIT;
    assert_int_equal(shelf_layout_encode(&a, &l), SHELF_OK);
    assert_int_equal(shelf_layout_encode(&b, &plain), SHELF_OK);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    shelf_buf_free(&a);
    shelf_buf_free(&b);
    shelf_layout_free(&l);
    shelf_layout_free(&plain);
}

static void test_bad_labels_refused(void **state)
{
    shelf_layout l = SHELF_LAYOUT_INIT, back = SHELF_LAYOUT_INIT;
    assert_int_equal(shelf_layout_add_label(&l, "a\nb", 3), SHELF_EINVAL);
    assert_int_equal(shelf_layout_add_label(&l, "\xff", 1), SHELF_EINVAL);
    char longer[SHELF_PAGE_LABEL_MAX_BYTES + 1];
    memset(longer, 'x', sizeof longer);
    assert_int_equal(shelf_layout_add_label(&l, longer, sizeof longer), SHELF_EINVAL);
    assert_int_equal(l.nlabels, 0);
    /* labelled flag on an unpaged layout; a label with a control byte */
    static const uint8_t unpaged[] = {2, 0, 0};
    static const uint8_t control[] = {2, 1, 0, 0, 1, 7};
    const uint8_t *p = unpaged;
    assert_int_equal(shelf_layout_decode(&p, p + sizeof unpaged, 10, &back), -1);
    p = control;
    assert_int_equal(shelf_layout_decode(&p, p + sizeof control, 10, &back), -1);
    shelf_layout_free(&l);
    shelf_layout_free(&back);
}

/* ---- the PDF reader ---- */

static char *poppler_label(PopplerDocument *doc, int index)
{
    PopplerPage *page = poppler_document_get_page(doc, index);
    assert_non_null(page);
    char *label = poppler_page_get_label(page);
    g_object_unref(page);
    return label;
}

static void test_pdf_labels_as_poppler_reads_them(void **state)
{
    size_t len;
    char *pdf = ts_read_file(LABELS_PDF, &len);
    assert_non_null(pdf);
    shelf_doctext d;
    shelf_err err = {0};
    assert_int_equal(shelf_extract_pdf("labels.pdf", pdf, len, BUDGET_MS, &d, &err), SHELF_OK);
    assert_int_equal(d.layout.npages, 4);
    assert_int_equal(d.layout.nlabels, 4);
    GBytes *bytes = g_bytes_new_static(pdf, len);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, NULL);
    assert_non_null(doc);
    for (size_t page = 1; page <= 4; page++) {
        char *label = poppler_label(doc, (int)page - 1);
        assert_string_equal(label, printed[page - 1]);
        assert_string_equal(shelf_layout_page_label(&d.layout, page), label);
        g_free(label);
        size_t at = (size_t)(strstr(d.text, word_on_page[page - 1]) - d.text);
        assert_int_equal(shelf_layout_page_of(&d.layout, at), page);
    }
    g_object_unref(doc);
    g_bytes_unref(bytes);
    shelf_doctext_free(&d);
    free(pdf);
}

/* ---- citations, end to end ---- */

static const jv *first_snippet(const jv *v)
{
    const jv *hits = jget_type(v, "hits", J_ARR);
    if (hits->n == 0)
        fail_msg("no hits");
    const jv *snippets = jget_type(&hits->kids[0], "snippets", J_ARR);
    if (snippets->n == 0)
        fail_msg("no snippets");
    return &snippets->kids[0];
}

/* The section of each page's passage: the body's numbered headings start
 * pages whose printed number is the heading's own (1 Introduction on p. 1),
 * which must not make them running heads. */
static const char *const section_of_page[] = {"Preface", "Preface", "1 Introduction",
                                              "2 Results"};

static void check_page(const char *idx, size_t page)
{
    const char *word = word_on_page[page - 1], *label = printed[page - 1];
    jv v;
    char *out = ts_run_ok("'%s' --index '%s' --json %s", SEARCHER_BIN, idx, word);
    assert_true(json_parse(out, strlen(out), &v));
    const jv *s = first_snippet(&v);
    assert_int_equal(jget_type(s, "page", J_NUM)->num, page);
    assert_string_equal(jget_type(s, "page_label", J_STR)->s, label);
    assert_string_equal(jget_type(s, "section", J_STR)->s, section_of_page[page - 1]);
    jv_free(&v);
    free(out);
    char *want = ts_strf("labels.pdf, p. %s", label);
    out = ts_run_ok("'%s' --index '%s' --cite %s", SEARCHER_BIN, idx, word);
    ts_expect_in(out, want, "--cite");
    if (strstr(out, "line "))
        fail_msg("--cite of a PDF names a line: %s", out);
    free(out);
    out = ts_run_ok("'%s' --index '%s' --cite-format markdown %s", SEARCHER_BIN, idx, word);
    char *md = ts_strf("`, p. %s", label);
    ts_expect_in(out, md, "markdown");
    free(md);
    free(out);
    out = ts_run_ok("'%s' --index '%s' %s", SEARCHER_BIN, idx, word);
    ts_expect_in(out, want, "the text form");
    free(out);
    out = ts_run_ok("'%s' --index '%s' --cite-format json %s", SEARCHER_BIN, idx, word);
    assert_true(json_parse(out, strlen(out), &v));
    assert_int_equal(jget_type(&v, "page", J_NUM)->num, page);
    assert_string_equal(jget_type(&v, "page_label", J_STR)->s, label);
    jv_free(&v);
    free(out);
    free(want);
}

static void check_backend(const char *backend)
{
    char *idx = ts_strf("%s/idx-%s", ts_tmp, backend);
    free(ts_run_ok("'%s' --quiet --backend %s --index '%s' '%s'", INDEXER_BIN, backend, idx, g_src));
    for (size_t page = 1; page <= 4; page++)
        check_page(idx, page);
    free(idx);
}

static void test_native_cites_printed_pages(void **state)
{
    check_backend("native");
}

static void test_xapian_cites_printed_pages(void **state)
{
    check_backend("xapian");
}

/* Make a native index look as if an older program wrote it: every index
 * file carries its format version in header bytes 8..11. */
static void set_manifest_version(const char *idx, uint32_t version)
{
    char *path = ts_strf("%s/MANIFEST", idx);
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    uint8_t le[4] = {(uint8_t)version, (uint8_t)(version >> 8), (uint8_t)(version >> 16),
                     (uint8_t)(version >> 24)};
    assert_int_equal(fseek(f, 8, SEEK_SET), 0);
    assert_int_equal(fwrite(le, 1, 4, f), 4);
    fclose(f);
    free(path);
}

static void test_older_index_refused_then_rebuilt(void **state)
{
    char *idx = ts_strf("%s/idx-old", ts_tmp);
    free(ts_run_ok("'%s' --quiet --index '%s' '%s'", INDEXER_BIN, idx, g_src));
    set_manifest_version(idx, 4);
    char *cmd = ts_strf("'%s' --index '%s' zeppelin", SEARCHER_BIN, idx);
    char *out = NULL, *err = NULL;
    assert_int_equal(ts_run(cmd, &out, &err), 2);
    ts_expect_in(err, "index format version 4 is older than this program's", "the searcher's error");
    char *how = ts_strf("`indexer --rebuild --index %s PATH...`", idx);
    ts_expect_in(err, how, "the searcher's error");
    free(out);
    free(err);
    free(ts_run_ok("'%s' --quiet --rebuild --index '%s' '%s'", INDEXER_BIN, idx, g_src));
    check_page(idx, 3);
    free(how);
    free(cmd);
    free(idx);
}

static int setup(void **state)
{
    ts_setup_tmp(state);
    g_src = ts_strf("%s/src", ts_tmp);
    free(ts_run_ok("mkdir -p '%s'", g_src));
    return ts_copy_into(g_src, "labels.pdf", LABELS_PDF);
}

static int teardown(void **state)
{
    ts_teardown_tmp(state);
    free(g_src);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_round_trip),
        cmocka_unit_test(test_physical_labels_dropped),
        cmocka_unit_test(test_bad_labels_refused),
        cmocka_unit_test(test_pdf_labels_as_poppler_reads_them),
        cmocka_unit_test(test_native_cites_printed_pages),
        cmocka_unit_test(test_xapian_cites_printed_pages),
        cmocka_unit_test(test_older_index_refused_then_rebuilt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
