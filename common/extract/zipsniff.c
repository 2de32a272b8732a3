/* zipsniff.c - zip formats recognised by their first bytes; see zipsniff.h. */
#include "extract/zipsniff.h"

#include <stdint.h>
#include <string.h>

#define LOCAL_HEADER_BYTES 30

static unsigned u16_at(const char *p)
{
    return (unsigned)(uint8_t)p[0] | (unsigned)(uint8_t)p[1] << 8;
}

bool shelf_zip_signature(const char *data, size_t len)
{
    return len >= 4 && memcmp(data, "PK\3\4", 4) == 0;
}

bool shelf_zip_mimetype_is(const char *data, size_t len, const char *media_type)
{
    static const char name[] = "mimetype";
    if (!shelf_zip_signature(data, len) || len < LOCAL_HEADER_BYTES)
        return false;
    unsigned method = u16_at(data + 8), name_len = u16_at(data + 26), extra = u16_at(data + 28);
    size_t at = LOCAL_HEADER_BYTES + name_len + extra, n = strlen(media_type);
    if (len < at || len - at < n || method != 0 || name_len != sizeof name - 1 ||
        memcmp(data + LOCAL_HEADER_BYTES, name, name_len) != 0)
        return false;
    uint32_t size = (uint32_t)u16_at(data + 18) | (uint32_t)u16_at(data + 20) << 16;
    return size == n && memcmp(data + at, media_type, n) == 0;
}

bool shelf_zip_names_member(const char *data, size_t len, const char *name)
{
    if (!shelf_zip_signature(data, len))
        return false;
    size_t window = len < SHELF_ZIP_SNIFF_BYTES ? len : SHELF_ZIP_SNIFF_BYTES;
    size_t n = strlen(name);
    for (const char *p = data; (size_t)(p - data) + n <= window;) {
        const char *hit = memchr(p, name[0], window - (size_t)(p - data));
        if (!hit || (size_t)(hit - data) + n > window)
            return false;
        if (memcmp(hit, name, n) == 0)
            return true;
        p = hit + 1;
    }
    return false;
}
