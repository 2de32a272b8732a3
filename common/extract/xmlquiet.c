/* xmlquiet.c - libxml2 initialised once and silenced; see xmlquiet.h. */
#include "extract/xmlquiet.h"

#include <pthread.h>

#include <libxml/parser.h>

static pthread_once_t parser_once = PTHREAD_ONCE_INIT;

static void init_parser(void)
{
    xmlInitParser();
}

static void ignore_generic_error(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void ignore_structured_error(void *ctx, xmlErrorPtr error)
{
    (void)ctx;
    (void)error;
}

void shelf_xml_quiet_begin(shelf_xml_quiet *saved)
{
    pthread_once(&parser_once, init_parser);
    saved->generic = xmlGenericError;
    saved->generic_ctx = xmlGenericErrorContext;
    saved->structured = xmlStructuredError;
    saved->structured_ctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, ignore_generic_error);
    xmlSetStructuredErrorFunc(NULL, ignore_structured_error);
}

void shelf_xml_quiet_end(const shelf_xml_quiet *saved)
{
    xmlSetGenericErrorFunc(saved->generic_ctx, saved->generic);
    xmlSetStructuredErrorFunc(saved->structured_ctx, saved->structured);
    xmlResetLastError();
}
