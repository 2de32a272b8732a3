/*
 * htmlmeta.h - the author and date an HTML document names for itself.
 *
 * Author, from the first of these that the document has (several tags of
 * the same name are joined with "; ", in document order):
 *   <meta name="citation_author">  (Google Scholar's tags, one per author)
 *   <meta name="author">
 *   <meta name="dc.creator"> / <meta name="dcterms.creator">
 * Date, from the first of these whose content is a readable date
 * (docdate.h):
 *   <meta name="citation_publication_date">, <meta name="citation_date">,
 *   <meta property="article:published_time">,
 *   <meta name="dcterms.date">, <meta name="dc.date">, <meta name="date">,
 *   and as a fallback the first <time datetime="..."> in the document.
 * Names are matched without regard to case; a <meta> is looked up by its
 * name attribute, else its property attribute.
 *
 * Invariants: *author and *date are malloc'd or NULL (NULL: the document
 * names none, or none readable); nothing is read but the parsed tree.
 */
#ifndef SHELF_HTMLMETA_H
#define SHELF_HTMLMETA_H

#include <libxml/tree.h>

/* SHELF_OK, or SHELF_ENOMEM (*author and *date then NULL). */
int shelf_html_meta(xmlDoc *doc, char **author, char **date);

#endif
