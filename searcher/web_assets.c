/* web_assets.c - looking up the embedded page's files; see web_assets.h. */
#include "web_assets.h"

#include <string.h>

static const char *type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return "application/octet-stream";
    if (strcmp(dot, ".html") == 0)
        return "text/html; charset=utf-8";
    if (strcmp(dot, ".css") == 0)
        return "text/css; charset=utf-8";
    if (strcmp(dot, ".js") == 0)
        return "text/javascript; charset=utf-8";
    if (strcmp(dot, ".svg") == 0)
        return "image/svg+xml";
    return "application/octet-stream";
}

int web_asset_find(const char *path, web_asset *out)
{
    if (strcmp(path, "/") == 0)
        path = "/index.html";
    for (const web_asset_bytes *a = web_asset_table; a->path; a++) {
        if (strcmp(a->path, path) != 0)
            continue;
        *out = (web_asset){a->data, a->len, type_of(a->path), strcmp(type_of(a->path), type_of(".html")) == 0};
        return 0;
    }
    return -1;
}
