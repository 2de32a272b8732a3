/*
 * test_output_forms.c - the searcher's table of output forms
 * (searcher/output.h): every row is complete, every name the help lists
 * finds its row, unknown names find none, and the rows write what the
 * command line and the HTTP API promise (a citation, a JSON error, a count).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "support.h"

/* What fn writes, as a malloc'd string. */
typedef void write_fn(FILE *out, const void *ctx);

static char *written(write_fn *fn, const void *ctx)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    assert_non_null(f);
    fn(f, ctx);
    assert_int_equal(fclose(f), 0);
    return s;
}

static void test_every_row_is_complete(void **state)
{
    size_t n = output_form_count(), cites = 0;
    assert_true(n >= 5);
    for (size_t i = 0; i < n; i++) {
        const output_form *f = output_form_at(i);
        assert_non_null(f);
        assert_non_null(f->name);
        assert_non_null(f->header);
        assert_non_null(f->hit);
        assert_non_null(f->footer);
        assert_non_null(f->count);
        assert_non_null(f->error);
        assert_ptr_equal(output_form_named(f->name), f);
        if (f->cite_style) {
            assert_ptr_equal(output_cite_form(f->cite_style), f);
            cites++;
        }
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(output_form_at(j)->name, f->name);
    }
    assert_int_equal(cites, 5);
    assert_null(output_form_at(n));
}

/* The --cite-format line of `searcher --help`, e.g.
 * "plain (default), markdown or json": each name finds its row. */
static void test_help_names_find_rows(void **state)
{
    char *out = NULL;
    int rc = ts_run(SEARCHER_BIN " --help", &out, NULL);
    assert_int_equal(rc, 0);
    char *line = strstr(out, "--cite-format F");
    assert_non_null(line);
    line += strlen("--cite-format F");
    line[strcspn(line, "\n")] = '\0';
    size_t found = 0;
    for (char *w = strtok(line, " ,"); w; w = strtok(NULL, " ,")) {
        if (strcmp(w, "or") == 0)
            continue;
        if (strcmp(w, "(default)") == 0) {
            assert_true(found > 0);
            continue;
        }
        const output_form *f = output_cite_form(w);
        assert_non_null(f);
        assert_string_equal(f->cite_style, w);
        if (found == 0)
            assert_ptr_equal(f, output_cite_default());
        found++;
    }
    assert_int_equal(found, 5);
    free(out);
    assert_non_null(output_form_named("text"));
    assert_non_null(output_form_named("json"));
}

static void test_unknown_names_fail(void **state)
{
    assert_null(output_form_named("xml"));
    assert_null(output_form_named(""));
    assert_null(output_form_named("plain"));  /* a --cite-format name, not a row's */
    assert_null(output_cite_form("html"));
    assert_null(output_cite_form(""));
    assert_null(output_cite_form("text"));    /* a row, but not a citation */
    assert_null(output_cite_form("cite-plain"));
}

static void test_style_list(void **state)
{
    char buf[64];
    output_cite_styles(buf, sizeof buf, false);
    assert_string_equal(buf, "plain, markdown, json, csl-json or bibtex");
    output_cite_styles(buf, sizeof buf, true);
    assert_string_equal(buf, "plain (default), markdown, json, csl-json or bibtex");
    output_cite_styles(buf, 8, true);
    assert_string_equal(buf, "plain (");
}

static void write_errors(FILE *out, const void *ctx)
{
    const output_form *json = ctx;
    json->error(out, &(output_error){"a (", "unclosed", 3, 0, 0});
    json->error(out, &(output_error){"a (", "unclosed", 3, 400, 0});
    json->error(out, &(output_error){.message = "gone", .status = 404});
}

static void write_counts(FILE *out, const void *ctx)
{
    shelf_results res = {.total = 42};
    query_result qr = {.query = "nato \"x\"", .results = &res};
    for (size_t i = 0; i < output_form_count(); i++)
        output_form_at(i)->count(out, &qr);
}

/* What --queries FILE shows for its line 3: a count, then a failure. */
static void write_labelled(FILE *out, const void *ctx)
{
    const output_form *form = ctx;
    shelf_results res = {.total = 7};
    query_result qr = {.query = "nato", .results = &res, .line = 3};
    form->count(out, &qr);
    form->error(out, &(output_error){"a (", "unclosed", 3, 0, 4});
}

static void test_json_error_and_counts(void **state)
{
    char *s = written(write_errors, output_form_named("json"));
    assert_string_equal(s, "{\"query\":\"a (\",\"error\":\"unclosed\",\"column\":3}\n"
                           "{\"query\":\"a (\",\"error\":\"unclosed\",\"column\":3,\"status\":400}\n"
                           "{\"error\":\"gone\",\"status\":404}\n");
    free(s);
    s = written(write_counts, NULL);
    assert_string_equal(s, "42\n{\"query\":\"nato \\\"x\\\"\",\"total\":42}\n42\n42\n42\n42\n42\n");
    free(s);
}

static void write_error_only(FILE *out, const void *ctx)
{
    const output_form *form = ctx;
    form->error(out, &(output_error){"a (", "unclosed", 3, 0, 4});
}

/* Each --queries line is labelled: "line" in JSON, a "line N: QUERY"
 * block in text (errors too, so no line is left without an answer). */
static void test_queries_lines_are_labelled(void **state)
{
    char *s = written(write_labelled, output_form_named("json"));
    assert_string_equal(s, "{\"line\":3,\"query\":\"nato\",\"total\":7}\n"
                           "{\"line\":4,\"query\":\"a (\",\"error\":\"unclosed\",\"column\":3}\n");
    free(s);
    s = written(write_labelled, output_form_named("text"));
    assert_string_equal(s, "line 3: nato\n7\nline 4: a (\nerror: unclosed\n");
    free(s);
    /* Machine-readable citations stay parseable: no error line */
    static const char *const machine[] = {"json", "csl-json", "bibtex"};
    for (size_t i = 0; i < 3; i++) {
        s = written(write_error_only, output_cite_form(machine[i]));
        assert_string_equal(s, "");
        free(s);
    }
}

static const char DOC[] = "Intro line.\nThe alliance\tholds. Next one.\n";

static void write_cite(FILE *out, const void *ctx)
{
    shelf_passage p = {.start = 12, .end = 31, .line = 2, .column = 1, .end_line = 2};
    output_hit h = {.rank = 1, .path = "a/doc.txt", .path_len = 9, .title = "Doc", .title_len = 3,
                    .text = DOC, .len = sizeof DOC - 1, .passages = {&p, 1}};
    ((const output_form *)ctx)->hit(out, &(output_style){0}, &h, 0);
}

static void test_citation_rows(void **state)
{
    char *s = written(write_cite, output_cite_form("plain"));
    assert_string_equal(s, "“The alliance holds.” (Doc, a/doc.txt, line 2)\n");
    free(s);
    s = written(write_cite, output_cite_form("markdown"));
    assert_string_equal(s, "> “The alliance holds.”\n>\n> — *Doc*, `a/doc.txt`, line 2\n\n");
    free(s);
    s = written(write_cite, output_cite_form("json"));
    assert_string_equal(s, "{\"quote\":\"The alliance\\tholds.\",\"title\":\"Doc\",\"path\":\"a/doc.txt\","
                           "\"line\":2,\"column\":1,\"start\":12,\"end\":31,\"section\":\"\"}\n");
    free(s);
}

/* A PDF-like text of three pages labelled iv, v, 1: the sentence "The
 * phrase ... appears." runs on from page iv to page v (pages joined by a
 * single line break); a line on page iv ends in spaces before its break. */
static const char PAGED[] = "Intro line.  \nThe phrase blue carbon  \n"
                            "credits appears here.\tEnd.\n\nLast page text.\n";

static void paged_layout(shelf_layout *l)
{
    size_t v = strstr(PAGED, "credits") - PAGED, one = strstr(PAGED, "Last") - PAGED;
    assert_int_equal(shelf_layout_add_page(l, 0), SHELF_OK);
    assert_int_equal(shelf_layout_add_page(l, v), SHELF_OK);
    assert_int_equal(shelf_layout_add_page(l, one), SHELF_OK);
    assert_int_equal(shelf_layout_add_label(l, "iv", 2), SHELF_OK);
    assert_int_equal(shelf_layout_add_label(l, "v", 1), SHELF_OK);
    assert_int_equal(shelf_layout_add_label(l, "1", 1), SHELF_OK);
}

typedef struct paged_case {
    const output_form *form;
    output_style style;
    bool one_page; /* the passage "Last page text." instead */
} paged_case;

static void write_paged(FILE *out, const void *ctx)
{
    const paged_case *c = ctx;
    shelf_layout l = SHELF_LAYOUT_INIT;
    paged_layout(&l);
    size_t start = strstr(PAGED, "The phrase") - PAGED;
    size_t end = strstr(PAGED, "here.") + 5 - PAGED;
    shelf_highlight h = {strstr(PAGED, "carbon") - PAGED - start, strstr(PAGED, "carbon") + 6 - PAGED - start};
    shelf_passage p = {.start = start, .end = end, .page = 1, .line = 2, .column = 1,
                       .end_page = 2, .end_line = 1, .highlights = &h, .nhighlights = 1};
    if (c->one_page) {
        p = (shelf_passage){.start = strstr(PAGED, "Last") - PAGED, .page = 3, .line = 1,
                            .column = 1, .end_page = 3, .end_line = 1};
        p.end = p.start + strlen("Last page text.");
    }
    output_hit hit = {.rank = 1, .path = "a/doc.pdf", .path_len = 9, .title = "Doc", .title_len = 3,
                      .text = PAGED, .len = sizeof PAGED - 1, .layout = &l, .passages = {&p, 1}};
    c->form->hit(out, &c->style, &hit, 0);
    shelf_layout_free(&l);
}

static char *paged_written(const char *form, bool cite, output_style style, bool one_page)
{
    paged_case c = {cite ? output_cite_form(form) : output_form_named(form), style, one_page};
    assert_non_null(c.form);
    return written(write_paged, &c);
}

/* A quotation across a page start names both pages (pp. iv–v), reads with
 * single spaces where the lines and the page broke, and JSON gains
 * end_page and end_page_label; on one page nothing changes. */
static void test_citation_across_pages(void **state)
{
    output_style plain_style = {.mark_open = "[[", .mark_close = "]]"};
    char *s = paged_written("plain", true, plain_style, false);
    assert_string_equal(s, "“The phrase blue carbon credits appears here.” (Doc, a/doc.pdf, pp. iv–v)\n");
    free(s);
    s = paged_written("markdown", true, plain_style, false);
    assert_string_equal(s, "> “The phrase blue carbon credits appears here.”\n>\n"
                           "> — *Doc*, `a/doc.pdf`, pp. iv–v\n\n");
    free(s);
    s = paged_written("json", true, plain_style, false);
    assert_non_null(strstr(s, "\"page\":1,\"page_label\":\"iv\",\"end_page\":2,\"end_page_label\":\"v\","
                              "\"line\":2"));
    free(s);
    s = paged_written("plain", true, plain_style, true);
    assert_string_equal(s, "“Last page text.” (Doc, a/doc.pdf, p. 1)\n");
    free(s);
    s = paged_written("json", true, plain_style, true);
    assert_null(strstr(s, "end_page"));
    free(s);
}

/* The text form's place and passage, the JSON snippet, and --context, for
 * a passage across a page start. */
static void test_snippet_across_pages(void **state)
{
    output_style st = {.mark_open = "[[", .mark_close = "]]"};
    char *s = paged_written("text", false, st, false);
    assert_non_null(strstr(s, "    a/doc.pdf, pp. iv–v\n"));
    assert_non_null(strstr(s, "    The phrase blue [[carbon]] credits appears here.\n"));
    free(s);
    s = paged_written("json", false, st, false);
    assert_non_null(strstr(s, "{\"page\":1,\"page_label\":\"iv\",\"end_page\":2,"
                              "\"end_page_label\":\"v\",\"line\":2,"));
    free(s);
    s = paged_written("json", false, st, true);
    assert_non_null(strstr(s, "{\"page\":3,\"page_label\":\"1\",\"line\":1,"));
    assert_null(strstr(s, "end_page"));
    free(s);
    st.context = 1;
    s = paged_written("text", false, st, false);
    assert_non_null(strstr(s, "    a/doc.pdf, pp. iv–v\n"
                              "           1 | Intro line.  \n"
                              "    >      2 | The phrase blue carbon  \n"
                              "      — p. v —\n"
                              "    >      1 | credits appears here.\tEnd.\n"
                              "           2 | \n"));
    assert_null(strstr(s, "Last page"));
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_is_complete),
        cmocka_unit_test(test_help_names_find_rows),
        cmocka_unit_test(test_unknown_names_fail),
        cmocka_unit_test(test_style_list),
        cmocka_unit_test(test_json_error_and_counts),
        cmocka_unit_test(test_queries_lines_are_labelled),
        cmocka_unit_test(test_citation_rows),
        cmocka_unit_test(test_citation_across_pages),
        cmocka_unit_test(test_snippet_across_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
