/* http_reply.c - JSON bodies and errors (written by the "json" output
 * form, output.h); see http_reply.h. */
#include "http_reply.h"

#include "output.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

static const char OUT_OF_MEMORY[] = "{\"error\":\"out of memory\",\"status\":500}\n";

static void reply_out_of_memory(reply *r)
{
    reply_free(r);
    *r = (reply){.status = 500, .type = JSON_TYPE,
                 .static_body = (const unsigned char *)OUT_OF_MEMORY,
                 .len = sizeof OUT_OF_MEMORY - 1};
}

FILE *jbody_open(jbody *b)
{
    *b = (jbody){0};
    b->f = open_memstream(&b->data, &b->len);
    return b->f;
}

void reply_json(reply *r, unsigned status, jbody *b)
{
    int bad = !b->f || ferror(b->f);
    if (b->f && fclose(b->f) != 0)
        bad = 1;
    if (bad) {
        free(b->data);
        reply_out_of_memory(r);
        return;
    }
    reply_free(r);
    *r = (reply){.status = status, .type = JSON_TYPE, .body = b->data, .len = b->len};
}

/* e as the JSON form writes errors, with e->status as the reply's. */
static void reply_error_object(reply *r, const output_error *e)
{
    jbody b;
    FILE *f = jbody_open(&b);
    if (f)
        output_form_named("json")->error(f, e);
    reply_json(r, e->status, &b);
}

void reply_error(reply *r, unsigned status, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    reply_error_object(r, &(output_error){.message = message, .status = status});
}

void reply_query_error(reply *r, const char *query, const char *message, int column)
{
    reply_error_object(r, &(output_error){query, message, column, 400, 0});
}

void reply_free(reply *r)
{
    free(r->body);
    if (r->file) {
        if (r->file->fd >= 0)
            close(r->file->fd);
        free(r->file->disposition);
        free(r->file);
    }
    *r = (reply){0};
}
