/* cite.c - whole-sentence quotations; see cite.h. */
#include "present/cite.h"
#include "present/pagespan.h"
#include "extract/paragraphs.h"
#include "present/place.h"
#include "extract/textnav.h"

void shelf_quote_of(const char *text, size_t len, const shelf_layout *layout, const shelf_passage *p,
                    shelf_quote *q)
{
    bool by_lines = shelf_one_paragraph_per_line(text, len, layout);
    size_t first = p->start, last = p->end;
    if (p->nhighlights) {
        first = p->start + p->highlights[0].from;
        last = p->start + p->highlights[p->nhighlights - 1].to;
    }
    size_t para_start = shelf_paragraph_start(text, first, by_lines);
    size_t para_end = shelf_paragraph_end(text, len, last > first ? last - 1 : first, by_lines);
    shelf_paged_paragraph para;
    shelf_paged_paragraph_init(&para, text, layout, para_start, para_end);
    q->start = shelf_sentence_start_paged(&para, first);
    q->end = shelf_sentence_end_paged(&para, last > first ? last - 1 : last);
    q->whole_sentences = 1;
    if (q->end - q->start > SHELF_QUOTE_MAX_BYTES || q->end <= q->start) {
        q->start = p->start;
        q->end = p->end;
        q->whole_sentences = 0;
    }
    size_t ignored;
    shelf_line_column_of(text, layout, q->start, &ignored, &q->column);
    shelf_page_line_of(text, layout, q->start, &q->page, &q->line);
    q->end_page = shelf_last_page_of(layout, q->start, q->end);
    q->paragraph = shelf_paragraph_number(text, len, layout, q->start);
}
