/* http_params.c - checked query-string parameters; see http_params.h. */
#include "http_params.h"

#include <microhttpd.h>
#include <string.h>

#include "util/percent.h"

size_t param_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    size_t out = 0;
    for (size_t in = 0; s[in]; in++) {
        int byte = shelf_percent_byte(s + in);
        if (byte >= 0) {
            s[out++] = (char)byte;
            in += 2;
        } else {
            s[out++] = s[in] == '+' ? ' ' : s[in];
        }
    }
    s[out] = '\0';
    return out;
}

int param_text(struct MHD_Connection *c, const char *name, size_t max, const char **value,
               size_t *len, reply *r)
{
    const char *v = NULL;
    size_t n = 0;
    if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, name, strlen(name), &v, &n) != MHD_YES)
        return 0;
    if (!v) { /* "?name" without "=": an empty value */
        v = "";
        n = 0;
    }
    if (memchr(v, '\0', n)) {
        reply_error(r, 400, "parameter %s holds a NUL byte", name);
        return -1;
    }
    if (n > max) {
        reply_error(r, 413, "parameter %s is too long: %zu bytes (the limit is %zu)", name, n, max);
        return -1;
    }
    *value = v;
    *len = n;
    return 1;
}

int param_required(struct MHD_Connection *c, const char *name, size_t max, const char **value,
                   size_t *len, reply *r)
{
    int got = param_text(c, name, max, value, len, r);
    if (got == 0) {
        reply_error(r, 400, "missing parameter %s", name);
        return -1;
    }
    return got;
}

/* Decimal digits only, no sign, no spaces; -1 when not such a number or too big. */
static int parse_whole(const char *s, size_t n, size_t *out)
{
    if (n == 0 || n > 9)
        return -1;
    size_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

int param_count(struct MHD_Connection *c, const char *name, size_t lo, size_t hi, size_t def,
                size_t *out, reply *r)
{
    const char *v;
    size_t n;
    int got = param_text(c, name, 32, &v, &n, r);
    if (got < 0)
        return -1;
    if (got == 0) {
        *out = def;
        return 0;
    }
    size_t x;
    if (parse_whole(v, n, &x) != 0 || x < lo || x > hi) {
        reply_error(r, 400, "parameter %s wants a whole number from %zu to %zu", name, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

int param_choice(struct MHD_Connection *c, const char *name, const char *const *choices, reply *r)
{
    const char *v;
    size_t n;
    int got = param_text(c, name, 32, &v, &n, r);
    if (got <= 0)
        return got < 0 ? -1 : 0;
    for (int i = 0; choices[i]; i++)
        if (strcmp(v, choices[i]) == 0)
            return i;
    char list[256] = "";
    for (int i = 0; choices[i]; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, choices[i], sizeof list - strlen(list) - 1);
    }
    reply_error(r, 400, "parameter %s wants one of: %s", name, list);
    return -1;
}
