/*
 * xmlquiet.h - libxml2 set up once per process and run silently: the
 * readers that parse markup with it (html.c, zipxml.c) never let it print.
 *
 * libxml2's error handlers are per thread; shelf_xml_quiet_begin swaps in
 * handlers that drop every message and shelf_xml_quiet_end puts the
 * caller's back and clears the thread's last error, so a parse leaves the
 * thread as it found it.  Begin and end pair up on one thread.
 */
#ifndef SHELF_XMLQUIET_H
#define SHELF_XMLQUIET_H

#include <libxml/xmlerror.h>

typedef struct shelf_xml_quiet {
    xmlGenericErrorFunc generic;
    void *generic_ctx;
    xmlStructuredErrorFunc structured;
    void *structured_ctx;
} shelf_xml_quiet;

void shelf_xml_quiet_begin(shelf_xml_quiet *saved);
void shelf_xml_quiet_end(const shelf_xml_quiet *saved);

#endif
