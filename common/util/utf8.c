/*
 * utf8.c - strict bounds-checked UTF-8 decoding and encoding; see utf8.h.
 *
 * The decoder follows Unicode table 3-7: the lead byte fixes the sequence
 * length and the allowed range of the second byte (which is what excludes
 * overlongs, surrogates and values above U+10FFFF); every later byte must be
 * a plain continuation byte 80..BF.  Each byte is checked against len before
 * it is read.
 */
#include "util/utf8.h"

#include <stdbool.h>

/* The shape of a well-formed sequence that starts with a given lead byte. */
typedef struct utf8_lead_rule {
    size_t length;       /* total bytes, 0 when the byte cannot lead */
    uint8_t second_min;  /* allowed range of the second byte          */
    uint8_t second_max;
    uint8_t payload_mask; /* bits of the lead byte that carry the value */
} utf8_lead_rule;

static utf8_lead_rule lead_rule(uint8_t lead)
{
    utf8_lead_rule none = {0, 0, 0, 0};
    if (lead < 0xC2)
        return none; /* continuation bytes and the overlong leads C0, C1 */
    if (lead <= 0xDF)
        return (utf8_lead_rule){2, 0x80, 0xBF, 0x1F};
    if (lead == 0xE0)
        return (utf8_lead_rule){3, 0xA0, 0xBF, 0x0F}; /* no overlongs   */
    if (lead == 0xED)
        return (utf8_lead_rule){3, 0x80, 0x9F, 0x0F}; /* no surrogates  */
    if (lead <= 0xEF)
        return (utf8_lead_rule){3, 0x80, 0xBF, 0x0F};
    if (lead == 0xF0)
        return (utf8_lead_rule){4, 0x90, 0xBF, 0x07}; /* no overlongs   */
    if (lead <= 0xF3)
        return (utf8_lead_rule){4, 0x80, 0xBF, 0x07};
    if (lead == 0xF4)
        return (utf8_lead_rule){4, 0x80, 0x8F, 0x07}; /* <= U+10FFFF    */
    return none;                                      /* F5..FF         */
}

size_t shelf_utf8_decode(const uint8_t *text, size_t len, size_t pos, int32_t *cp)
{
    uint8_t lead = text[pos];
    if (lead < 0x80) {
        *cp = lead;
        return 1;
    }
    *cp = SHELF_UTF8_INVALID;
    utf8_lead_rule rule = lead_rule(lead);
    if (rule.length == 0 || len - pos < rule.length)
        return 1;
    uint8_t second = text[pos + 1];
    if (second < rule.second_min || second > rule.second_max)
        return 1;
    int32_t value = ((int32_t)(lead & rule.payload_mask) << 6) | (second & 0x3F);
    for (size_t i = 2; i < rule.length; i++) {
        uint8_t next = text[pos + i];
        if (!shelf_utf8_is_continuation(next))
            return 1;
        value = (value << 6) | (next & 0x3F);
    }
    *cp = value;
    return rule.length;
}

size_t shelf_utf8_length(int32_t cp)
{
    if (cp < 0x80)
        return 1;
    if (cp < 0x800)
        return 2;
    if (cp < 0x10000)
        return 3;
    return 4;
}

size_t shelf_utf8_encode(int32_t cp, uint8_t *out)
{
    uint32_t value = (uint32_t)cp;
    size_t n = shelf_utf8_length(cp);
    if (n == 1) {
        out[0] = (uint8_t)value;
        return 1;
    }
    static const uint8_t lead_marker[5] = {0, 0, 0xC0, 0xE0, 0xF0};
    for (size_t i = n - 1; i > 0; i--) {
        out[i] = (uint8_t)(0x80 | (value & 0x3F));
        value >>= 6;
    }
    out[0] = (uint8_t)(lead_marker[n] | value);
    return n;
}

size_t shelf_utf8_prefix_within(const uint8_t *text, size_t len, size_t limit)
{
    if (len <= limit)
        return len;
    size_t cut = limit;
    while (cut > 0 && shelf_utf8_is_continuation(text[cut]))
        cut--;
    return cut;
}

bool shelf_utf8_valid(const char *text, size_t len)
{
    const uint8_t *b = (const uint8_t *)text;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        i += shelf_utf8_decode(b, len, i, &cp);
        if (cp == SHELF_UTF8_INVALID)
            return false;
    }
    return true;
}
