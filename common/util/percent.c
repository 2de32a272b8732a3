/* percent.c - percent escapes; see percent.h. */
#include "util/percent.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int shelf_percent_byte(const char *s)
{
    int hi = s[0] == '%' ? hex_value(s[1]) : -1;
    int lo = hi >= 0 ? hex_value(s[2]) : -1;
    return lo >= 0 ? hi * 16 + lo : -1;
}
