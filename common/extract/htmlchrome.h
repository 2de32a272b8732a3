/*
 * htmlchrome.h - parts of a generated HTML page that are its generator's
 * furniture, not its text: left out of the visible text (html.c) so that
 * they are never indexed, quoted or made part of a section heading:
 * permalink markers and navigation; and headings that are bylines.
 *
 * A permalink marker: an <a> whose href starts with '#', whose class list
 * holds one of headerlink (Sphinx, MkDocs), hash-link (Docusaurus), anchor
 * (rustdoc, Asciidoctor, GitHub) or anchorjs-link (AnchorJS), and whose
 * text holds no ASCII letter or digit ("¶", "§", "#", nothing).  Browsers
 * show it only on hover, beside a heading or a definition; a writer copying
 * "5.1. New packages" from a Sphinx page does not get "¶".  A link of that
 * class whose text has a letter or digit (a heading written as its own
 * link) is text, and stays.
 *
 * Navigation: a <nav> element, an element whose role is navigation or
 * doc-toc (ARIA; Sphinx marks its sidebar and its related-pages bar so),
 * or whose class list holds toc, navheader, navfooter, list-of-tables,
 * list-of-figures, list-of-examples (DocBook XSL's tables of contents and
 * Prev/Next bars), toctree-wrapper (Sphinx's contents on index pages) or
 * nav-panel (Texinfo's Next/Previous/Up line).  Its entries repeat the
 * titles of other sections; a writer searching for a topic must get the
 * section's own text, not a contents line naming it.  A page holding
 * nothing but navigation keeps it (html.c reads it again with this rule
 * off).
 *
 * Invariants: reads only the parsed tree; allocates nothing that outlives
 * a call; never prints.
 */
#ifndef SHELF_HTMLCHROME_H
#define SHELF_HTMLCHROME_H

#include <stdbool.h>

#include <libxml/tree.h>

/* Is element a permalink marker (above)? */
bool shelf_html_is_permalink(const xmlNode *element);

/* Is element navigation (above)? */
bool shelf_html_is_navigation(const xmlNode *element);

/* Is element a heading element (h1-h6) that names a person, not a
 * section: class author, editor, corpauthor or othercredit (DocBook XSL
 * sets a book's authors on its title page as <h3 class="author">)?  Its
 * text stays, as a paragraph; the passages after it are not cited under
 * the author's name. */
bool shelf_html_is_byline_heading(const xmlNode *element);

#endif
