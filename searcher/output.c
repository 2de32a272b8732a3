/*
 * output.c - the table of output forms and finding a row in it; see
 * output.h.  Adding a form is one file defining its row plus one line
 * here; a citation row's --cite-format name then appears in --help, in the
 * option's error message and as a format of GET /api/cite by itself.
 *
 * Invariant: rows are listed in the order people see them; the first
 * citation row is the default of --cite.
 */
#include "output.h"

#include "backend/shared_format.h"

#include <string.h>

/* The rows, each defined in its form's file. */
extern const output_form output_text_form;
extern const output_form output_json_form;
extern const output_form output_cite_plain_form;
extern const output_form output_cite_markdown_form;
extern const output_form output_cite_json_form;
extern const output_form output_cite_csl_form;
extern const output_form output_cite_bibtex_form;

static const output_form *const forms[] = {
    &output_text_form,
    &output_json_form,
    &output_cite_plain_form,
    &output_cite_markdown_form,
    &output_cite_json_form,
    &output_cite_csl_form,
    &output_cite_bibtex_form,
};

#define NFORMS (sizeof forms / sizeof forms[0])

shelf_format output_format_of(uint32_t flags)
{
    return (shelf_format)((flags >> SHELF_DOC_FORMAT_SHIFT) & SHELF_DOC_FIELD_MASK);
}

size_t output_form_count(void)
{
    return NFORMS;
}

const output_form *output_form_at(size_t i)
{
    return i < NFORMS ? forms[i] : NULL;
}

const output_form *output_form_named(const char *name)
{
    for (size_t i = 0; i < NFORMS; i++)
        if (strcmp(forms[i]->name, name) == 0)
            return forms[i];
    return NULL;
}

const output_form *output_cite_form(const char *style)
{
    for (size_t i = 0; i < NFORMS; i++)
        if (forms[i]->cite_style && strcmp(forms[i]->cite_style, style) == 0)
            return forms[i];
    return NULL;
}

const output_form *output_cite_default(void)
{
    for (size_t i = 0; i < NFORMS; i++)
        if (forms[i]->cite_style)
            return forms[i];
    return NULL;
}

static void append(char *buf, size_t size, const char *s)
{
    size_t used = strlen(buf);
    if (used + 1 < size)
        strncat(buf, s, size - used - 1);
}

void output_cite_styles(char *buf, size_t size, bool mark_default)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    size_t total = 0, listed = 0;
    for (size_t i = 0; i < NFORMS; i++)
        total += forms[i]->cite_style != NULL;
    for (size_t i = 0; i < NFORMS; i++) {
        if (!forms[i]->cite_style)
            continue;
        if (listed)
            append(buf, size, listed + 1 == total ? " or " : ", ");
        append(buf, size, forms[i]->cite_style);
        if (mark_default && listed == 0)
            append(buf, size, " (default)");
        listed++;
    }
}
