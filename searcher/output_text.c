/*
 * output_text.c - the text form, for people; see output.h.
 *
 * Per hit: rank, title and score; then per passage the place
 * (path:line:column, the form editors open; "path, p. N" for paged formats
 * such as PDF, N the page's printed label where the PDF defines one, since
 * a reader of the PDF cannot check our line numbers; "path, pp. 12–13" for
 * a passage that runs on to the next page; "path  § Section, ¶ N" for the
 * paragraph-cited formats DOCX, ODT and EPUB), its section, and the passage
 * on one line with white space shown as single spaces, cuts as "…" and
 * matches between the highlight markers - or, with --context N, the lines
 * around it, numbered within their pages.  With
 * --explain, one line per scored term.  Then a footer saying how many
 * documents matched.  Colour (dim, bold) only when the style asks for it.
 */
#include "output_text.h"

#include "present/place.h"
#include "extract/textnav.h"
#include "util/visible.h"

#include <stdbool.h>
#include <string.h>

static const char *dim(const output_style *st) { return st->color ? "\033[2m" : ""; }
static const char *bold(const output_style *st) { return st->color ? "\033[1m" : ""; }
static const char *reset(const output_style *st) { return st->color ? "\033[0m" : ""; }

void output_put_flat(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!shelf_is_space(s[i])) {
            fputc(s[i], out);
            continue;
        }
        while (i + 1 < n && shelf_is_space(s[i + 1]))
            i++;
        fputc(' ', out);
    }
}

void output_put_pages(FILE *out, const shelf_layout *layout, size_t page, size_t end_page)
{
    char first[SHELF_PAGE_NAME_BYTES], last[SHELF_PAGE_NAME_BYTES];
    shelf_page_name(layout, page, first);
    if (end_page && end_page != page)
        fprintf(out, "pp. %s–%s", first, shelf_page_name(layout, end_page, last));
    else
        fprintf(out, "p. %s", first);
}

void output_put_paragraph(FILE *out, const output_hit *h, size_t section_start, size_t section_len,
                          size_t paragraph)
{
    if (section_len)
        fprintf(out, "§ %.*s, ", (int)section_len, h->text + section_start);
    fprintf(out, "¶ %zu", paragraph);
}

static void put_passage(FILE *out, const output_style *st, const output_hit *h, const shelf_passage *p)
{
    fputs("    ", out);
    if (p->cut_before)
        fputs("…", out);
    size_t at = p->start;
    for (size_t i = 0; i < p->nhighlights; i++) {
        size_t from = p->start + p->highlights[i].from, to = p->start + p->highlights[i].to;
        output_put_flat(out, h->text + at, from - at);
        fputs(st->mark_open, out);
        output_put_flat(out, h->text + from, to - from);
        fputs(st->mark_close, out);
        at = to;
    }
    output_put_flat(out, h->text + at, p->end - at);
    if (p->cut_after)
        fputs("…", out);
    fputc('\n', out);
}

/* Walking a document's lines, page by page when paged: [at, end) is the
 * current line (cut at a page start that falls inside a line). */
typedef struct line_walk {
    const output_hit *h;
    size_t page, line; /* page 0: unpaged; line within the page, from 1 */
    size_t at, end, next;
} line_walk;

static void walk_line(line_walk *w)
{
    const shelf_layout *l = w->h->layout;
    w->end = shelf_line_end(w->h->text, w->h->len, w->at);
    w->next = w->end + 1;
    if (w->page && w->page < l->npages) {
        size_t next_page = (size_t)shelf_layout_page_start(l, w->page + 1);
        if (w->end >= next_page)
            w->end = w->next = next_page;
    }
}

/* To the next line; false at the text's end. */
static bool walk_next(line_walk *w)
{
    if (w->next >= w->h->len)
        return false;
    w->at = w->next;
    w->line++;
    if (w->page && w->page < w->h->layout->npages &&
        w->at >= (size_t)shelf_layout_page_start(w->h->layout, w->page + 1)) {
        w->page++;
        w->line = 1;
    }
    walk_line(w);
    return true;
}

/* The number shown for the text line starting at offset at: its source
 * line when the layout maps the text to a source file, else the line. */
static size_t shown_line_number(const output_hit *h, size_t at, size_t line)
{
    size_t source_line, ignored;
    if (shelf_source_line_column(h->text, h->layout, at, &source_line, &ignored))
        return source_line;
    return line;
}

/* Lines around the passage, numbered as cited: within their page when paged
 * (not before its first page's start nor past its last page's end; a
 * passage that runs on to the next page shows both, the new page announced
 * by a line "— p. N —"); by source line when the text has a source map
 * (HTML, Markdown: never paged). */
static void put_context(FILE *out, const output_style *st, const output_hit *h, const shelf_passage *p)
{
    size_t start_line = p->line, end_line = p->end_line; /* lines of the text */
    if (!p->page) {
        start_line = shelf_text_line_of(h->text, h->layout, p->start);
        end_line = p->end > p->start ? shelf_text_line_of(h->text, h->layout, p->end - 1)
                                     : start_line;
    }
    size_t first = start_line > st->context ? start_line - st->context : 1;
    size_t last = end_line + st->context;
    size_t end_page = p->end_page ? p->end_page : p->page;
    line_walk w = {h, p->page, 1, 0, 0, 0};
    if (p->page)
        w.at = (size_t)shelf_layout_page_start(h->layout, p->page);
    walk_line(&w);
    do {
        if (w.page > end_page || (w.page == end_page && w.line > last))
            break;
        char name[SHELF_PAGE_NAME_BYTES];
        if (w.page != p->page && w.line == 1)
            fprintf(out, "    %s  — p. %s —%s\n", dim(st),
                    shelf_page_name(h->layout, w.page, name), reset(st));
        if (w.page == p->page && w.line < first)
            continue;
        int inside = (w.page > p->page || w.line >= start_line) &&
                     (w.page < end_page || w.line <= end_line);
        fprintf(out, "    %s%c %6zu | ", dim(st), inside ? '>' : ' ',
                p->page ? w.line : shown_line_number(h, w.at, w.line));
        fwrite(h->text + w.at, 1, w.end - w.at, out);
        fprintf(out, "%s\n", reset(st));
    } while (walk_next(&w));
}

static void put_place(FILE *out, const output_style *st, const output_hit *h, const shelf_passage *p)
{
    fprintf(out, "    %s", dim(st));
    shelf_put_visible(out, h->path, h->path_len);
    if (p->page) {
        fputs(", ", out);
        output_put_pages(out, h->layout, p->page, p->end_page);
        fputs(reset(st), out);
    } else if (p->paragraph) {
        fprintf(out, "%s  ", reset(st));
        output_put_paragraph(out, h, p->section_start, p->section_len, p->paragraph);
        fputc('\n', out);
        return;
    } else {
        fprintf(out, ":%zu:%zu%s", p->line, p->column, reset(st));
    }
    if (p->section_len)
        fprintf(out, "  § %.*s", (int)p->section_len, h->text + p->section_start);
    fputc('\n', out);
}

static void put_explain(FILE *out, const output_style *st, const shelf_explain *ex)
{
    for (size_t i = 0; i < ex->count; i++) {
        const shelf_explain_term *t = &ex->terms[i];
        fprintf(out, "    %s%-6s %-20s tf=%u title_tf=%u df=%llu idf=%.4f norm=%.4f "
                     "title_norm=%.4f -> %.4f%s\n",
                dim(st), t->kind, t->text, t->tf_body, t->tf_title, (unsigned long long)t->df,
                t->idf, t->norm_body, t->norm_title, t->score, reset(st));
    }
}

void output_text_notes(FILE *out, const output_style *st, const query_result *qr)
{
    if (qr->notes && *qr->notes)
        fprintf(stderr, "note: %s", qr->notes);
    /* Advice for the person, like the notes: stdout stays the answer. */
    if (qr->suggestion) {
        fputs("did you mean: ", stderr);
        shelf_put_visible(stderr, qr->suggestion, strlen(qr->suggestion));
        fputc('\n', stderr);
    }
}

/* "line N: QUERY" (bold on a terminal), the label of a --queries line. */
static void put_label(FILE *out, const output_style *st, size_t line, const char *query)
{
    fprintf(out, "%sline %zu: ", st ? bold(st) : "", line);
    shelf_put_visible(out, query, strlen(query));
    fprintf(out, "%s\n", st ? reset(st) : "");
}

void output_text_header(FILE *out, const output_style *st, const query_result *qr)
{
    if (qr->line)
        put_label(out, st, qr->line, qr->query);
    output_text_notes(out, st, qr);
}

static void text_hit(FILE *out, const output_style *st, const output_hit *h, size_t shown)
{
    fprintf(out, "%2zu. %s", h->rank, bold(st));
    shelf_put_visible(out, h->title, h->title_len);
    fprintf(out, "%s  %s(%.4f)%s", reset(st), dim(st), h->score, reset(st));
    if (h->shard)
        fprintf(out, "  %s[%s]%s", dim(st), h->shard, reset(st));
    fputc('\n', out);
    for (size_t i = 0; i < h->passages.count; i++) {
        const shelf_passage *p = &h->passages.at[i];
        put_place(out, st, h, p);
        if (st->context)
            put_context(out, st, h, p);
        else
            put_passage(out, st, h, p);
    }
    for (size_t i = 0; i < h->ndups; i++) { /* the same content elsewhere */
        fprintf(out, "    %salso: ", dim(st));
        shelf_put_visible(out, h->dup_paths[i], strlen(h->dup_paths[i]));
        fprintf(out, "%s\n", reset(st));
    }
    if (h->explain)
        put_explain(out, st, h->explain);
}

static void text_footer(FILE *out, const output_style *st, const query_result *qr, size_t shown)
{
    unsigned long long total = qr->results->total;
    if (total == 0)
        fprintf(out, "no documents match %s\n", qr->query);
    else if (shown == 0)
        fprintf(out, "%llu matching documents; none after offset %zu\n", total, st->offset);
    else
        fprintf(out, "%s%zu-%zu of %s%llu matching documents%s\n", dim(st), st->offset + 1,
                st->offset + shown, qr->results->total_exact ? "" : "≥ ", total, reset(st));
}

void output_text_count(FILE *out, const query_result *qr)
{
    if (qr->line)
        put_label(out, NULL, qr->line, qr->query);
    fprintf(out, "%llu\n", (unsigned long long)qr->results->total);
}

void output_text_error(FILE *out, const output_error *e)
{
    /* stdout stays for answers (the caller says what failed on stderr),
     * but a --queries line gets its block */
    if (!e->line || !e->query)
        return;
    put_label(out, NULL, e->line, e->query);
    fprintf(out, "error: %s\n", e->message);
}

void output_no_error(FILE *out, const output_error *e)
{
}

const output_form output_text_form = {
    .name = "text",
    .header = output_text_header,
    .hit = text_hit,
    .footer = text_footer,
    .count = output_text_count,
    .error = output_text_error,
};
