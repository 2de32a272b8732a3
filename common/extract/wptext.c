/* wptext.c - word-processor text built paragraph by paragraph; see
 * wptext.h. */
#include "extract/wptext.h"

#include <stdlib.h>
#include <string.h>

#define EMPTY SIZE_MAX

void shelf_wptext_init(shelf_wptext *w, shelf_layout *layout)
{
    memset(w, 0, sizeof *w);
    w->layout = layout;
    w->para_start = EMPTY;
    shelf_layout_reset(layout);
    layout->structured = true;
    layout->paragraph_cited = true;
}

static void append(shelf_wptext *w, const void *s, size_t n)
{
    if (w->rc == SHELF_OK && shelf_buf_append(&w->out, s, n) != SHELF_OK)
        w->rc = SHELF_ENOMEM;
}

/* White space and control characters (ASCII) separate words. */
static bool is_blank(unsigned char c)
{
    return c <= 0x20 || c == 0x7F;
}

/* The paragraph's text ends; a heading's range goes to the layout. */
static void end_paragraph(shelf_wptext *w)
{
    size_t start = w->para_start;
    if (start != EMPTY && w->level > 0 && w->out.len - start <= UINT32_MAX && w->rc == SHELF_OK &&
        shelf_layout_add_heading(w->layout, start, (uint32_t)(w->out.len - start), w->level) !=
            SHELF_OK)
        w->rc = SHELF_ENOMEM;
    w->para_start = EMPTY;
    w->owed_space = false;
    w->owed_break = false;
}

void shelf_wptext_open(shelf_wptext *w, uint32_t level)
{
    if (w->depth > 0)
        end_paragraph(w);
    w->depth++;
    w->level = level > 6 ? 6 : level;
}

void shelf_wptext_close(shelf_wptext *w)
{
    if (w->depth == 0)
        return;
    end_paragraph(w);
    w->depth--;
    w->level = 0; /* what follows in an outer paragraph is body text */
}

/* Pays the separators owed before a visible byte. */
static void before_visible(shelf_wptext *w)
{
    if (w->para_start == EMPTY) {
        if (w->out.len > 0)
            append(w, "\n\n", 2);
        w->para_start = w->out.len;
    } else if (w->owed_break) {
        append(w, "\n", 1);
    } else if (w->owed_space) {
        append(w, " ", 1);
    }
    w->owed_space = false;
    w->owed_break = false;
}

void shelf_wptext_add(shelf_wptext *w, const char *s, size_t n)
{
    if (w->depth == 0)
        shelf_wptext_open(w, 0);
    size_t i = 0;
    while (i < n) {
        if (is_blank((unsigned char)s[i])) {
            w->owed_space = true;
            i++;
            continue;
        }
        size_t run = i;
        while (i < n && !is_blank((unsigned char)s[i]))
            i++;
        before_visible(w);
        append(w, s + run, i - run);
    }
}

void shelf_wptext_break(shelf_wptext *w)
{
    if (w->para_start == EMPTY)
        return; /* nothing before it on the paragraph: no empty line */
    if (w->level > 0)
        w->owed_space = true;
    else
        w->owed_break = true;
}

int shelf_wptext_finish(shelf_wptext *w, const char *path, const char *label, shelf_doctext *out,
                        shelf_err *err)
{
    while (w->depth > 0)
        shelf_wptext_close(w);
    if (w->rc == SHELF_OK && w->out.len == 0)
        return shelf_errf(err, SHELF_ESKIP, "%s: %s has no text", path, label);
    append(w, "", 1);
    if (w->rc != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, label);
    out->text = (char *)w->out.data;
    out->len = w->out.len - 1;
    w->out = (shelf_buf)SHELF_BUF_INIT;
    return SHELF_OK;
}

void shelf_wptext_free(shelf_wptext *w)
{
    shelf_buf_free(&w->out);
}

char *shelf_wptext_collapse(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (!c)
        return NULL;
    size_t k = 0;
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        if (is_blank((unsigned char)s[i])) {
            space = k > 0;
            continue;
        }
        if (space)
            c[k++] = ' ';
        space = false;
        c[k++] = s[i];
    }
    c[k] = '\0';
    return c;
}
