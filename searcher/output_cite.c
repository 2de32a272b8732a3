/*
 * output_cite.c - the citation forms (--cite, --cite-format): every passage
 * of every hit as a ready-to-paste quotation (present/cite.h: the whole
 * sentence or sentences), then where it comes from; see output.h.
 *
 *   plain:    “quote” (Author, Title, Date, path, line L)
 *             “quote” (Author, Title, Date, path, p. N, § Section)   (paged)
 *             “quote” (Author, Title, Date, path, § Section, ¶ N)
 *                       (paragraph-cited: DOCX, ODT, EPUB; "¶ N" alone
 *                        before the first heading)
 *   markdown: > “quote”
 *             >
 *             > — Author, *Title*, Date, `path`, line L, § Section   (or p. N when paged)
 *             (then a blank line)
 *   json:     {"quote", "title", "author" and "date" (when known), "path",
 *              "page" and "page_label" (paged only), "end_page" and
 *              "end_page_label" (only when the quote ends on a later page),
 *              "paragraph" (paragraph-cited only), "line", "column", "start", "end", "section"}, one per line
 * Author and Date (YYYY, YYYY-MM or YYYY-MM-DD) appear only when the
 * source names them (PDF metadata, HTML <meta>, Markdown front matter).
 * The reference-manager forms (csl-json, bibtex) are in output_cite_ref.c.
 *
 * A quotation that runs on to the next page names both: pp. 12–13 (an en
 * dash; pp. iv–v with labels).  In plain and markdown every run of white
 * space in the quote (a line break, the break at a page start) is one
 * space; json's "quote" is the stored bytes [start, end) as they are.
 *
 * A paged document (PDF) is cited by page, not line: p. N is the label
 * printed on the page where the PDF defines one ("iv", "12"), else the
 * physical page number; the section follows when one is known ("§" left
 * out when none).  Line numbers of a page are ours, not the PDF's, so only
 * the JSON form (and the text form's --context) still gives them.
 *
 * A quote that had to be cut (not whole sentences) is marked with "…" at
 * both ends.  Citations have no header, footer or error of their own: the
 * notes, the count and failures are shown as in text (output_text.h),
 * but json shows no label of a --queries line and no error on stdout.
 * GET /api/cite writes its "citation" and "quote" with these rows.
 */
#include "output_quote.h"
#include "output_text.h"

#include "present/cite.h"
#include "present/place.h"
#include "util/json.h"

#include <stdlib.h>

/* "p. iv" or "pp. 12–13" (paged), "§ Findings, ¶ 4" (paragraph-cited), or
 * "line 12". */
static void put_place(FILE *out, const output_hit *h, const shelf_passage *p, const shelf_quote *q)
{
    if (q->page)
        output_put_pages(out, h->layout, q->page, q->end_page);
    else if (q->paragraph)
        output_put_paragraph(out, h, p->section_start, p->section_len, q->paragraph);
    else
        fprintf(out, "line %zu", q->line);
}

/* ", § Section" after the place, unless the place named it already. */
static void put_section(FILE *out, const output_hit *h, const shelf_passage *p, const shelf_quote *q)
{
    if (p->section_len && !q->paragraph)
        fprintf(out, ", § %.*s", (int)p->section_len, h->text + p->section_start);
}

/* “quote”, with "…" inside the marks when the quote is cut. */
static void put_quoted(FILE *out, const output_hit *h, const shelf_quote *q)
{
    size_t n = 0;
    char *flat = output_flat_quote(h, q, &n);
    fputs("“", out);
    if (flat)
        fwrite(flat, 1, n, out); /* the text may hold a NUL byte */
    fputs("”", out);
    free(flat);
}

/* ---- author and date around the title (each only when known) ---- */

static void put_author_before(FILE *out, const output_hit *h)
{
    if (h->author_len)
        fprintf(out, "%.*s, ", (int)h->author_len, h->author);
}

static void put_date_after(FILE *out, const output_hit *h)
{
    if (h->date_len)
        fprintf(out, ", %.*s", (int)h->date_len, h->date);
}

static void put_plain(FILE *out, const output_hit *h, const shelf_passage *p, const shelf_quote *q,
                      bool first)
{
    put_quoted(out, h, q);
    fputs(" (", out);
    put_author_before(out, h);
    fprintf(out, "%.*s", (int)h->title_len, h->title);
    put_date_after(out, h);
    fprintf(out, ", %.*s, ", (int)h->path_len, h->path);
    put_place(out, h, p, q);
    if (q->page)
        put_section(out, h, p, q);
    fputs(")\n", out);
}

static void put_markdown(FILE *out, const output_hit *h, const shelf_passage *p, const shelf_quote *q,
                         bool first)
{
    fputs("> ", out);
    put_quoted(out, h, q);
    fputs("\n>\n> — ", out);
    put_author_before(out, h);
    fprintf(out, "*%.*s*", (int)h->title_len, h->title);
    put_date_after(out, h);
    fprintf(out, ", `%.*s`, ", (int)h->path_len, h->path);
    put_place(out, h, p, q);
    put_section(out, h, p, q);
    fputs("\n\n", out);
}

static void put_json(FILE *out, const output_hit *h, const shelf_passage *p, const shelf_quote *q,
                     bool first)
{
    fputs("{\"quote\":", out);
    shelf_json_string(out, h->text + q->start, q->end - q->start);
    fputs(",\"title\":", out);
    shelf_json_string(out, h->title, h->title_len);
    output_put_json_byline(out, h->author, h->author_len, h->date, h->date_len);
    fputs(",\"path\":", out);
    shelf_json_string(out, h->path, h->path_len);
    if (q->page) {
        fputc(',', out);
        output_put_json_page(out, h->layout, q->page);
        output_put_json_end_page(out, h->layout, q->page, q->end_page);
    }
    if (q->paragraph)
        fprintf(out, ",\"paragraph\":%zu", q->paragraph);
    fprintf(out, ",\"line\":%zu,\"column\":%zu,\"start\":%zu,\"end\":%zu,\"section\":", q->line,
            q->column, q->start, q->end);
    shelf_json_string(out, h->text + p->section_start, p->section_len);
    fputs("}\n", out);
}

static void plain_hit(FILE *out, const output_style *st, const output_hit *h, size_t shown)
{
    output_each_quote(out, h, shown, put_plain);
}

static void markdown_hit(FILE *out, const output_style *st, const output_hit *h, size_t shown)
{
    output_each_quote(out, h, shown, put_markdown);
}

static void json_hit(FILE *out, const output_style *st, const output_hit *h, size_t shown)
{
    output_each_quote(out, h, shown, put_json);
}

const output_form output_cite_plain_form = {
    .name = "cite-plain",
    .cite_style = "plain",
    .header = output_text_header,
    .hit = plain_hit,
    .footer = output_cite_no_footer,
    .count = output_text_count,
    .error = output_text_error,
};

const output_form output_cite_markdown_form = {
    .name = "cite-markdown",
    .cite_style = "markdown",
    .header = output_text_header,
    .hit = markdown_hit,
    .footer = output_cite_no_footer,
    .count = output_text_count,
    .error = output_text_error,
};

const output_form output_cite_json_form = {
    .name = "cite-json",
    .cite_style = "json",
    .header = output_text_notes,
    .hit = json_hit,
    .footer = output_cite_no_footer,
    .count = output_text_count,
    .error = output_no_error,
};
