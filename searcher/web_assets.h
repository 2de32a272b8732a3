/*
 * web_assets.h - the web page of `searcher --serve`, compiled into the
 * binary (searcher/web/ turned into C arrays at build time by
 * tools/embed-asset.cmake), so the server never opens a file to answer a
 * request and nothing can be fetched from outside the index.
 *
 * Invariant: only the exact names in the table are served ("/" is
 * "/index.html"); any other path, however spelled, is not an asset.
 */
#ifndef SHELF_WEB_ASSETS_H
#define SHELF_WEB_ASSETS_H

#include <stddef.h>

/* One embedded file (the generated table ends with a NULL path). */
typedef struct web_asset_bytes {
    const char *path; /* "/index.html" */
    const unsigned char *data;
    size_t len;
} web_asset_bytes;

extern const web_asset_bytes web_asset_table[];

typedef struct web_asset {
    const unsigned char *data;
    size_t len;
    const char *type; /* Content-Type */
    int is_html;
} web_asset;

/* The asset at exactly this request path: 0 and *out, or -1. */
int web_asset_find(const char *path, web_asset *out);

#endif
