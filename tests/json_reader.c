/* json_reader.c - a strict JSON parser for tests; see json_reader.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_reader.h"
#include "support.h"


typedef struct jparser {
    const unsigned char *p, *end;
} jparser;

void jv_free(jv *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        jv_free(&v->kids[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->kids);
    free(v->keys);
    free(v->s);
    memset(v, 0, sizeof *v);
}

static void jskip(jparser *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

/* Length of a valid UTF-8 sequence at p (1..4) or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t need;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 4, cp = c & 0x07;
    else
        return 0;
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if ((need == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return need;
}

static int hex4(jparser *j, uint32_t *out)
{
    if (j->end - j->p < 4)
        return -1;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = j->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    j->p += 4;
    *out = v;
    return 0;
}

static void put_utf8(ts_sbuf *b, uint32_t cp)
{
    unsigned char u[4];
    size_t n;
    if (cp < 0x80)
        u[0] = (unsigned char)cp, n = 1;
    else if (cp < 0x800)
        u[0] = 0xC0 | cp >> 6, u[1] = 0x80 | (cp & 0x3F), n = 2;
    else if (cp < 0x10000)
        u[0] = 0xE0 | cp >> 12, u[1] = 0x80 | ((cp >> 6) & 0x3F), u[2] = 0x80 | (cp & 0x3F), n = 3;
    else
        u[0] = 0xF0 | cp >> 18, u[1] = 0x80 | ((cp >> 12) & 0x3F),
        u[2] = 0x80 | ((cp >> 6) & 0x3F), u[3] = 0x80 | (cp & 0x3F), n = 4;
    ts_sb_addn(b, (const char *)u, n);
}

static int jstring(jparser *j, char **out, size_t *out_len)
{
    if (j->p >= j->end || *j->p != '"')
        return -1;
    j->p++;
    ts_sbuf b = {0};
    ts_sb_addn(&b, "", 0);
    for (;;) {
        if (j->p >= j->end)
            goto bad;
        unsigned c = *j->p;
        if (c == '"') {
            j->p++;
            break;
        }
        if (c < 0x20)
            goto bad; /* raw control character */
        if (c == '\\') {
            j->p++;
            if (j->p >= j->end)
                goto bad;
            unsigned e = *j->p++;
            const char *simple = strchr("\"\\/bfnrt", (int)e);
            if (e && simple) {
                static const char map[] = "\"\\/\b\f\n\r\t";
                ts_sb_addn(&b, &map[simple - "\"\\/bfnrt"], 1);
            } else if (e == 'u') {
                uint32_t cp;
                if (hex4(j, &cp) != 0)
                    goto bad;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    goto bad;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    uint32_t lo;
                    if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u')
                        goto bad;
                    j->p += 2;
                    if (hex4(j, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
                        goto bad;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                put_utf8(&b, cp);
            } else {
                goto bad;
            }
            continue;
        }
        size_t n = utf8_len(j->p, (size_t)(j->end - j->p));
        if (n == 0)
            goto bad; /* invalid UTF-8 */
        ts_sb_addn(&b, (const char *)j->p, n);
        j->p += n;
    }
    *out_len = b.n;
    *out = ts_sb_take(&b);
    return 0;
bad:
    free(b.s);
    return -1;
}

static int jnumber(jparser *j, double *out)
{
    const unsigned char *s = j->p;
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p >= j->end)
        return -1;
    if (*j->p == '0')
        j->p++;
    else if (*j->p >= '1' && *j->p <= '9')
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    else
        return -1;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return -1;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return -1;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    char tmp[64];
    size_t n = (size_t)(j->p - s);
    if (n >= sizeof tmp)
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    *out = strtod(tmp, NULL);
    return 0;
}

static int jlit(jparser *j, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
        return -1;
    j->p += n;
    return 0;
}

static int jvalue(jparser *j, jv *v, int depth);

static int jadd(jv *v, jv *item, char *key)
{
    jv *k = realloc(v->kids, (v->n + 1) * sizeof *k);
    if (!k)
        abort();
    v->kids = k;
    if (v->t == J_OBJ) {
        char **keys = realloc(v->keys, (v->n + 1) * sizeof *keys);
        if (!keys)
            abort();
        v->keys = keys;
        keys[v->n] = key;
    }
    k[v->n++] = *item;
    return 0;
}

static int jcontainer(jparser *j, jv *v, int depth, int obj)
{
    v->t = obj ? J_OBJ : J_ARR;
    j->p++;
    jskip(j);
    if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
        j->p++;
        return 0;
    }
    for (;;) {
        char *key = NULL;
        size_t klen;
        jskip(j);
        if (obj) {
            if (jstring(j, &key, &klen) != 0)
                return -1;
            jskip(j);
            if (j->p >= j->end || *j->p != ':') {
                free(key);
                return -1;
            }
            j->p++;
        }
        jv item = {0};
        if (jvalue(j, &item, depth + 1) != 0) {
            jv_free(&item);
            free(key);
            return -1;
        }
        jadd(v, &item, key);
        jskip(j);
        if (j->p >= j->end)
            return -1;
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p == (obj ? '}' : ']')) {
            j->p++;
            return 0;
        }
        return -1;
    }
}

static int jvalue(jparser *j, jv *v, int depth)
{
    if (depth > 64)
        return -1;
    jskip(j);
    if (j->p >= j->end)
        return -1;
    switch (*j->p) {
    case '{':
        return jcontainer(j, v, depth, 1);
    case '[':
        return jcontainer(j, v, depth, 0);
    case '"':
        v->t = J_STR;
        return jstring(j, &v->s, &v->slen);
    case 't':
        v->t = J_BOOL;
        v->boolean = true;
        return jlit(j, "true");
    case 'f':
        v->t = J_BOOL;
        return jlit(j, "false");
    case 'n':
        v->t = J_NULL;
        return jlit(j, "null");
    default:
        v->t = J_NUM;
        return jnumber(j, &v->num);
    }
}

/* Parse exactly one JSON value spanning s[0..len) (white space around it
 * allowed); false if anything is not valid JSON. */
bool json_parse(const char *s, size_t len, jv *out)
{
    jparser j = {(const unsigned char *)s, (const unsigned char *)s + len};
    memset(out, 0, sizeof *out);
    if (jvalue(&j, out, 0) != 0) {
        jv_free(out);
        return false;
    }
    jskip(&j);
    if (j.p != j.end) {
        jv_free(out);
        return false;
    }
    return true;
}

const jv *jget(const jv *obj, const char *key)
{
    if (!obj || obj->t != J_OBJ)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return &obj->kids[i];
    return NULL;
}

const jv *jget_type(const jv *obj, const char *key, int type)
{
    const jv *v = jget(obj, key);
    if (!v || v->t != type)
        fail_msg("JSON: member \"%s\" missing or of the wrong type", key);
    return v;
}

