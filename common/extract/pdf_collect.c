/*
 * pdf_collect.c - the poppler side of the PDF reader: what runs in the
 * sandboxed child.  Opens the PDF, and writes into the result (format in
 * pdf.c's header) the metadata, every page's size, label and lines, and
 * the outline.
 *
 * Lines.  poppler_page_get_text gives a page's text in reading order, one
 * line per '\n'; poppler_page_get_text_layout gives one rectangle per
 * character of that same text ('\n' included, as an empty rectangle at the
 * line's end), and poppler_page_get_text_attributes ranges of character
 * offsets into it with a font name and size.  A line's box is the union of
 * its characters' rectangles (when the counts disagree, boxes are left
 * zero); its font is the (name, size) pair covering most of its
 * characters.  Lines of white space only are left out.  poppler's text
 * leaves out the space where a PDF moves on to the next word instead of
 * setting one (table columns, tab stops, a number before a title:
 * "R-helpThe", "1Introduction"), so a space is put between two characters
 * that are not white space when the gap between their rectangles is more
 * than WORD_GAP_SHARE of the taller one's height (a word space is about a
 * third of an em, kerning a few hundredths).
 *
 * Bold: the font name (subset prefix "ABCDEF+" dropped) contains Bold,
 * Black, Heavy or Demi in any case (Semibold, Demibold included), ends in
 * "-B", ",B", "-BI" or ",BI", or is a TeX bold font: CMBX..., CMB<digit>...
 * (Computer Modern), SFBX... (cm-super).
 *
 * Outline: depth first, at most SHELF_PDF_MAX_OUTLINE entries and
 * SHELF_PDF_MAX_OUTLINE_DEPTH levels; a named destination is resolved with
 * poppler_document_find_dest; its top (PDF coordinates, from the bottom)
 * becomes y = page height - top, clamped to the page; no page or no top
 * known: page 0, y -1.
 *
 * Nothing poppler allocates needs to outlive the child, but pages and
 * outline actions are released as we go so that memory stays bounded on
 * long documents.
 */
#include "extract/pdfwire.h"

#include <glib.h>
#include <math.h>
#include <poppler.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"

#define FONTS_PER_LINE 8 /* distinct fonts tallied per line; others are not counted */
#define WORD_GAP_SHARE 0.25 /* a gap this share of the character height parts words */

/* ---- writing the result ---- */

static int put_bytes32(shelf_buf *b, const char *s, size_t n)
{
    if (n > UINT32_MAX)
        return SHELF_ENOMEM;
    if (shelf_buf_put_u32le(b, (uint32_t)n) != SHELF_OK)
        return SHELF_ENOMEM;
    return shelf_buf_append(b, s, n);
}

static int put_string(shelf_buf *b, const char *s)
{
    return put_bytes32(b, s ? s : "", s ? strlen(s) : 0);
}

static int put_f32(shelf_buf *b, double v)
{
    float f = (float)v;
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return shelf_buf_put_u32le(b, bits);
}

static void patch_u32(shelf_buf *b, size_t at, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        b->data[at + (size_t)k] = (uint8_t)(v >> (8 * k));
}

static int encode_damaged(shelf_buf *body, const char *reason)
{
    shelf_buf_reset(body);
    if (shelf_buf_put_u8(body, SHELF_PDF_RESULT_DAMAGED) != SHELF_OK)
        return SHELF_ENOMEM;
    return put_string(body, reason);
}

/* ---- fonts ---- */

static bool has_prefix_digit(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(name, prefix, n) == 0 && name[n] >= '0' && name[n] <= '9';
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* Does s contain word, ignoring ASCII case? */
static bool contains_nocase(const char *s, const char *word)
{
    size_t m = strlen(word);
    for (; *s; s++)
        if (strncasecmp(s, word, m) == 0)
            return true;
    return false;
}

static bool is_bold_font(const char *name)
{
    if (!name)
        return false;
    const char *plus = strchr(name, '+');
    if (plus && plus - name <= 6)
        name = plus + 1;
    static const char *const weights[] = {"bold", "black", "heavy", "demi"};
    for (size_t i = 0; i < sizeof weights / sizeof *weights; i++)
        if (contains_nocase(name, weights[i]))
            return true;
    size_t n = strlen(name);
    if (ends_with(name, n, "-B") || ends_with(name, n, ",B") || ends_with(name, n, "-BI") ||
        ends_with(name, n, ",BI"))
        return true;
    return strncmp(name, "CMBX", 4) == 0 || has_prefix_digit(name, "CMB") ||
           strncmp(name, "SFBX", 4) == 0;
}

/* ---- one page's lines ---- */

/* The characters of one line: [c0, c1) in characters, [b0, b1) in bytes. */
typedef struct line_span {
    size_t c0, c1, b0, b1;
} line_span;

typedef struct font_tally {
    const PopplerTextAttributes *font[FONTS_PER_LINE];
    size_t count[FONTS_PER_LINE];
    size_t n;
} font_tally;

static bool same_font(const PopplerTextAttributes *a, const PopplerTextAttributes *b)
{
    return a->font_size == b->font_size && g_strcmp0(a->font_name, b->font_name) == 0;
}

static void tally_add(font_tally *t, const PopplerTextAttributes *a, size_t count)
{
    for (size_t i = 0; i < t->n; i++)
        if (same_font(t->font[i], a)) {
            t->count[i] += count;
            return;
        }
    if (t->n < FONTS_PER_LINE) {
        t->font[t->n] = a;
        t->count[t->n++] = count;
    }
}

/* The font covering most of [c0, c1); *attrs walks forward through the
 * page's ranges (sorted by offset), so a page costs one pass over them. */
static const PopplerTextAttributes *dominant_font(GList **attrs, size_t c0, size_t c1)
{
    while (*attrs && ((PopplerTextAttributes *)(*attrs)->data)->end_index >= 0 &&
           (size_t)((PopplerTextAttributes *)(*attrs)->data)->end_index < c0)
        *attrs = (*attrs)->next;
    font_tally t = {.n = 0};
    for (GList *l = *attrs; l; l = l->next) {
        const PopplerTextAttributes *a = l->data;
        if (a->start_index < 0 || (size_t)a->start_index >= c1)
            break;
        size_t from = (size_t)a->start_index > c0 ? (size_t)a->start_index : c0;
        size_t to = a->end_index < 0 ? from : (size_t)a->end_index + 1;
        if (to > c1)
            to = c1;
        if (to > from)
            tally_add(&t, a, to - from);
    }
    size_t best = 0;
    for (size_t i = 1; i < t.n; i++)
        if (t.count[i] > t.count[best])
            best = i;
    return t.n ? t.font[best] : NULL;
}

/* The union of the rectangles of [c0, c1), as x0 y0 x1 y1; zeros when
 * there are none. */
static void line_box(const PopplerRectangle *rects, size_t nrects, size_t c0, size_t c1,
                     double box[4])
{
    box[0] = box[1] = box[2] = box[3] = 0;
    bool any = false;
    for (size_t c = c0; c < c1 && c < nrects; c++) {
        const PopplerRectangle *r = &rects[c];
        double x0 = r->x1 < r->x2 ? r->x1 : r->x2, x1 = r->x1 < r->x2 ? r->x2 : r->x1;
        double y0 = r->y1 < r->y2 ? r->y1 : r->y2, y1 = r->y1 < r->y2 ? r->y2 : r->y1;
        if (!any || x0 < box[0])
            box[0] = x0;
        if (!any || y0 < box[1])
            box[1] = y0;
        if (!any || x1 > box[2])
            box[2] = x1;
        if (!any || y1 > box[3])
            box[3] = y1;
        any = true;
    }
}

static bool is_blank_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f')
            return false;
    return true;
}

/* What one page's lines are made from. */
typedef struct page_text {
    const char *text;
    size_t len;
    PopplerRectangle *rects; /* NULL when they do not match the text */
    size_t nrects;
    GList *attrs; /* the walk position in the attribute ranges */
} page_text;

static bool is_space_char(int32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0;
}

/* Do a and b (one after the other on a line) stand apart like two words? */
static bool word_gap(const PopplerRectangle *a, const PopplerRectangle *b)
{
    double ha = fabs(a->y2 - a->y1), hb = fabs(b->y2 - b->y1);
    double height = ha > hb ? ha : hb;
    double gap = fmin(b->x1, b->x2) - fmax(a->x1, a->x2);
    return height > 0 && gap > WORD_GAP_SHARE * height;
}

/* The line's text as str, with a space put between two characters that
 * stand apart (rule in the header). */
static int put_line_text(shelf_buf *b, const page_text *pt, const line_span *s)
{
    size_t mark = b->len, i = s->b0, c = s->c0;
    int32_t prev = ' ';
    if (shelf_buf_put_u32le(b, 0) != SHELF_OK)
        return SHELF_ENOMEM;
    while (i < s->b1) {
        int32_t cp;
        size_t k = shelf_utf8_decode((const uint8_t *)pt->text, s->b1, i, &cp);
        bool apart = pt->rects && c > s->c0 && c < pt->nrects && !is_space_char(prev) &&
                     !is_space_char(cp) && word_gap(&pt->rects[c - 1], &pt->rects[c]);
        if ((apart && shelf_buf_put_u8(b, ' ') != SHELF_OK) ||
            shelf_buf_append(b, pt->text + i, k) != SHELF_OK)
            return SHELF_ENOMEM;
        prev = cp;
        i += k;
        c++;
    }
    size_t n = b->len - mark - 4;
    if (n > UINT32_MAX)
        return SHELF_ENOMEM;
    patch_u32(b, mark, (uint32_t)n);
    return SHELF_OK;
}

static int put_line(shelf_buf *b, page_text *pt, const line_span *s)
{
    double box[4] = {0, 0, 0, 0};
    if (pt->rects)
        line_box(pt->rects, pt->nrects, s->c0, s->c1, box);
    const PopplerTextAttributes *font = dominant_font(&pt->attrs, s->c0, s->c1);
    if (put_line_text(b, pt, s) != SHELF_OK)
        return SHELF_ENOMEM;
    for (int k = 0; k < 4; k++)
        if (put_f32(b, box[k]) != SHELF_OK)
            return SHELF_ENOMEM;
    if (put_f32(b, font ? font->font_size : 0) != SHELF_OK)
        return SHELF_ENOMEM;
    return shelf_buf_put_u8(b, font && is_bold_font(font->font_name) ? 1 : 0);
}

/* Split the text at '\n' and write each line that is not blank; the count
 * of lines written into *nlines.  The last allowed line takes the rest. */
static int put_lines(shelf_buf *b, page_text *pt, uint32_t *nlines)
{
    line_span s = {0, 0, 0, 0};
    size_t c = 0, i = 0;
    *nlines = 0;
    while (i <= pt->len) {
        bool last_allowed = *nlines + 1 >= SHELF_PDF_MAX_LINES_PER_PAGE;
        bool end = i == pt->len || (pt->text[i] == '\n' && !last_allowed);
        if (end) {
            s.c1 = c;
            s.b1 = i;
            if (!is_blank_text(pt->text + s.b0, s.b1 - s.b0)) {
                if (put_line(b, pt, &s) != SHELF_OK)
                    return SHELF_ENOMEM;
                (*nlines)++;
            }
            if (i == pt->len)
                break;
            s.c0 = c + 1;
            s.b0 = i + 1;
        }
        int32_t cp;
        i += shelf_utf8_decode((const uint8_t *)pt->text, pt->len, i, &cp);
        c++;
    }
    return SHELF_OK;
}

static size_t count_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; c++) {
        int32_t cp;
        i += shelf_utf8_decode((const uint8_t *)s, n, i, &cp);
    }
    return c;
}

/* One page: width, height, label, lines.  False when the body would pass
 * limit or memory ran out. */
static bool put_page(PopplerPage *page, shelf_buf *b, size_t limit, double *height)
{
    double w = 0, h = 0;
    if (page)
        poppler_page_get_size(page, &w, &h);
    *height = h;
    char *label = page ? poppler_page_get_label(page) : NULL;
    page_text pt = {.text = page ? poppler_page_get_text(page) : NULL};
    pt.len = pt.text ? strlen(pt.text) : 0;
    guint nrects = 0;
    if (pt.len > 0 && poppler_page_get_text_layout(page, &pt.rects, &nrects) &&
        nrects != count_chars(pt.text, pt.len)) {
        g_free(pt.rects);
        pt.rects = NULL;
    }
    pt.nrects = nrects;
    GList *attrs = pt.len > 0 ? poppler_page_get_text_attributes(page) : NULL;
    pt.attrs = attrs;
    size_t llen = label ? strlen(label) : 0;
    size_t mark = 0;
    uint32_t nlines = 0;
    bool ok = pt.len <= limit && llen <= limit - pt.len && b->len <= limit - pt.len - llen &&
              put_f32(b, w) == SHELF_OK && put_f32(b, h) == SHELF_OK &&
              put_bytes32(b, label ? label : "", llen) == SHELF_OK &&
              (mark = b->len, shelf_buf_put_u32le(b, 0) == SHELF_OK) &&
              put_lines(b, &pt, &nlines) == SHELF_OK && b->len <= limit;
    if (ok)
        patch_u32(b, mark, nlines);
    poppler_page_free_text_attributes(attrs);
    g_free(pt.rects);
    g_free((char *)pt.text);
    g_free(label);
    return ok;
}

/* ---- the outline ---- */

typedef struct outline_walk {
    PopplerDocument *doc;
    const double *heights; /* of each page */
    uint32_t npages;
    shelf_buf *b;
    uint32_t count;
} outline_walk;

static bool dest_has_top(const PopplerDest *d)
{
    switch (d->type) {
    case POPPLER_DEST_XYZ:
    case POPPLER_DEST_FITH:
    case POPPLER_DEST_FITR:
    case POPPLER_DEST_FITBH:
        return d->change_top;
    default:
        return false;
    }
}

/* Where an outline entry's action leads: 1-based page (0 unknown) and y
 * from the page's top (-1 unknown). */
static void entry_place(outline_walk *w, PopplerAction *action, uint32_t *page, double *y)
{
    *page = 0;
    *y = -1;
    if (!action || action->type != POPPLER_ACTION_GOTO_DEST || !action->goto_dest.dest)
        return;
    PopplerDest *dest = action->goto_dest.dest, *named = NULL;
    if (dest->type == POPPLER_DEST_NAMED) {
        named = dest->named_dest ? poppler_document_find_dest(w->doc, dest->named_dest) : NULL;
        dest = named;
    }
    if (dest && dest->page_num >= 1 && (uint32_t)dest->page_num <= w->npages) {
        *page = (uint32_t)dest->page_num;
        double height = w->heights[*page - 1];
        if (dest_has_top(dest)) {
            double top = height - dest->top;
            *y = top < 0 ? 0 : top > height ? height : top;
        }
    }
    if (named)
        poppler_dest_free(named);
}

static int put_entry(outline_walk *w, PopplerIndexIter *it, uint32_t level)
{
    PopplerAction *action = poppler_index_iter_get_action(it);
    uint32_t page;
    double y;
    entry_place(w, action, &page, &y);
    const char *title = action ? action->any.title : NULL;
    int rc = put_string(w->b, title);
    if (rc == SHELF_OK)
        rc = shelf_buf_put_u32le(w->b, level);
    if (rc == SHELF_OK)
        rc = shelf_buf_put_u32le(w->b, page);
    if (rc == SHELF_OK)
        rc = put_f32(w->b, y);
    if (action)
        poppler_action_free(action);
    w->count++;
    return rc;
}

static int walk_outline(outline_walk *w, PopplerIndexIter *it, uint32_t level)
{
    do {
        if (w->count >= SHELF_PDF_MAX_OUTLINE)
            return SHELF_OK;
        if (put_entry(w, it, level) != SHELF_OK)
            return SHELF_ENOMEM;
        PopplerIndexIter *child = level < SHELF_PDF_MAX_OUTLINE_DEPTH
                                      ? poppler_index_iter_get_child(it)
                                      : NULL;
        int rc = child ? walk_outline(w, child, level + 1) : SHELF_OK;
        if (child)
            poppler_index_iter_free(child);
        if (rc != SHELF_OK)
            return rc;
    } while (poppler_index_iter_next(it));
    return SHELF_OK;
}

static int put_outline(outline_walk *w)
{
    size_t mark = w->b->len;
    if (shelf_buf_put_u32le(w->b, 0) != SHELF_OK)
        return SHELF_ENOMEM;
    PopplerIndexIter *it = poppler_index_iter_new(w->doc);
    int rc = it ? walk_outline(w, it, 1) : SHELF_OK;
    if (it)
        poppler_index_iter_free(it);
    if (rc == SHELF_OK)
        patch_u32(w->b, mark, w->count);
    return rc;
}

/* ---- the document ---- */

/* CreationDate as "YYYY-MM-DD" in the time zone the PDF wrote it in, or
 * "" when there is none. */
static void creation_date(PopplerDocument *doc, char out[11])
{
    out[0] = '\0';
    GDateTime *dt = poppler_document_get_creation_date_time(doc);
    if (!dt)
        return;
    int y = g_date_time_get_year(dt);
    if (y >= 1 && y <= 9999) {
        gchar *s = g_date_time_format(dt, "%Y-%m-%d");
        if (s && strlen(s) == 10)
            memcpy(out, s, 11);
        g_free(s);
    }
    g_date_time_unref(dt);
}

static int put_metadata(PopplerDocument *doc, shelf_buf *b)
{
    char *title = poppler_document_get_title(doc), *author = poppler_document_get_author(doc);
    char date[11];
    creation_date(doc, date);
    int rc = put_string(b, title);
    if (rc == SHELF_OK)
        rc = put_string(b, author);
    if (rc == SHELF_OK)
        rc = put_string(b, date);
    g_free(title);
    g_free(author);
    return rc;
}

/* The pages, then the outline; false when the body would pass limit. */
static bool put_pages_and_outline(PopplerDocument *doc, shelf_buf *b, size_t limit, int *rc)
{
    int n = poppler_document_get_n_pages(doc);
    uint32_t npages = n > 0 ? (uint32_t)n : 0;
    double *heights = calloc(npages ? npages : 1, sizeof *heights);
    *rc = heights ? shelf_buf_put_u32le(b, npages) : SHELF_ENOMEM;
    bool ok = *rc == SHELF_OK;
    for (uint32_t i = 0; ok && i < npages; i++) {
        PopplerPage *page = poppler_document_get_page(doc, (int)i);
        ok = put_page(page, b, limit, &heights[i]);
        if (page)
            g_object_unref(page);
    }
    if (ok) {
        outline_walk w = {doc, heights, npages, b, 0};
        *rc = put_outline(&w);
        ok = *rc == SHELF_OK && b->len <= limit;
    }
    free(heights);
    return ok;
}

/* Why poppler could not open the file, in words that follow "damaged PDF: ". */
static const char *damage_reason(GError *gerr)
{
    if (!gerr || !gerr->message || !*gerr->message)
        return "cannot be opened";
    if (g_error_matches(gerr, POPPLER_ERROR, POPPLER_ERROR_DAMAGED))
        return "the file structure is broken"; /* poppler: "PDF document is damaged" */
    if (gerr->message[0] >= 'A' && gerr->message[0] <= 'Z')
        gerr->message[0] = (char)(gerr->message[0] - 'A' + 'a');
    return gerr->message;
}

/* What an opened document holds, encoded into body. */
static int collect_document(PopplerDocument *doc, size_t limit, shelf_buf *body)
{
    if (shelf_buf_put_u8(body, SHELF_PDF_RESULT_OK) != SHELF_OK ||
        put_metadata(doc, body) != SHELF_OK)
        return SHELF_ENOMEM;
    int rc = SHELF_OK;
    if (!put_pages_and_outline(doc, body, limit, &rc))
        return rc != SHELF_OK ? rc : encode_damaged(body, "extracted text too large");
    return SHELF_OK;
}

/* Everything poppler made is released: the helper that runs this reads
 * file after file (util/sandbox.h, kept helpers). */
int shelf_pdf_collect(const char *data, size_t len, size_t limit, shelf_buf *body)
{
    GError *gerr = NULL;
    GBytes *bytes = g_bytes_new_static(data, len);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    int rc;
    if (doc)
        rc = collect_document(doc, limit, body);
    else if (gerr && g_error_matches(gerr, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
        rc = shelf_buf_put_u8(body, SHELF_PDF_RESULT_ENCRYPTED);
    else
        rc = encode_damaged(body, damage_reason(gerr));
    if (doc)
        g_object_unref(doc);
    g_bytes_unref(bytes);
    g_clear_error(&gerr);
    return rc;
}

int shelf_pdf_read_in_helper(const char *path, const char *data, size_t len, shelf_buf *wire)
{
    (void)path;
    return shelf_pdf_collect(data, len, shelf_pdf_result_limit(len), wire);
}
