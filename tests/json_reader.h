/*
 * json_reader.h - a strict JSON parser for tests: it rejects anything that
 * is not valid JSON in valid UTF-8, so tests can trust what the binaries'
 * --json output says.
 */
#ifndef SHELF_TEST_JSON_READER_H
#define SHELF_TEST_JSON_READER_H

#include <stdbool.h>
#include <stddef.h>

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct jv {
    int t;
    double num;
    bool boolean;
    char *s; /* J_STR: decoded, NUL-terminated (may hold NULs: slen) */
    size_t slen;
    struct jv *kids; /* J_ARR items, J_OBJ values */
    char **keys;     /* J_OBJ */
    size_t n;
} jv;

/* Parse exactly one JSON value spanning s[0..len) (white space around it
 * allowed); false if anything is not valid JSON. */
bool json_parse(const char *s, size_t len, jv *out);
void jv_free(jv *v);
/* Member of an object, or NULL. */
const jv *jget(const jv *obj, const char *key);
/* Member of an object with this type; fails the running cmocka test if absent. */
const jv *jget_type(const jv *obj, const char *key, int type);

#endif
