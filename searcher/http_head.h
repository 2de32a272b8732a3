/*
 * http_head.h - a request's head refused when two readers could disagree on
 * it (request smuggling, header injection), before anything else is looked
 * at (answered 400).
 *
 * libmicrohttpd 0.9.75 reads lines up to their line feed but then parses
 * them as C strings, so a NUL byte silently cuts a request target, method
 * or header value where a proxy in front would see more.  It also lets the
 * first of two Host or Content-Length headers win.  The checks here work on
 * what libmicrohttpd leaves in its read buffer once the head is complete:
 * the whole head spans REQUEST_HEADER_SIZE bytes from the method, and every
 * separator it consumed (the spaces of the request line, each colon, each
 * CR LF or LF) became a NUL.  Walking the head from part to part, any byte
 * that is neither a part nor such a separator was a NUL (or a folded
 * line) in the request.
 *
 * Refused:
 *   - a NUL byte in the method, the target, a header name or value, or
 *     between them (one just before a line feed cannot be told from a CR
 *     and is harmless: the line ends there for everyone);
 *   - a header name that is not an RFC 9110 token (e.g. "Host :" with a
 *     space before the colon), a control character other than tab in a
 *     header value (a bare CR), an obsolete folded header line;
 *   - two Host, Content-Length or Transfer-Encoding headers, or both of the
 *     last two.
 */
#ifndef SHELF_HTTP_HEAD_H
#define SHELF_HTTP_HEAD_H

#include <stddef.h>

#include <microhttpd.h>

/* NULL when the head is unambiguous, else why not (a static string).
 * url, method and version as libmicrohttpd passed them to the handler;
 * raw_target_len: strlen() of the target when the URI log callback saw it
 * (before libmicrohttpd cut and decoded it in place). */
const char *head_ambiguity(struct MHD_Connection *c, const char *method, const char *url,
                           const char *version, size_t raw_target_len);

#endif
