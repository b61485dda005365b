/*
 * static.h - which file under the web root a request path names, and its
 * content type. Pure functions (no I/O), so the path check can be unit-tested
 * and fuzzed: whatever the path, the answer is a relative path made only of
 * safe characters, with no "..", no hidden segment, inside a whitelisted
 * folder of the web root (app/, css/, i18n/, img/, public/, the top-level
 * index.html) or of a whitelisted npm package's dist/ folder (vendor/NAME/).
 */
#ifndef GZ_STATIC_H
#define GZ_STATIC_H

#include <stdbool.h>
#include <stddef.h>

#define STATIC_PATH_MAX 512

struct static_file {
    char rel[STATIC_PATH_MAX]; /* relative to the web root */
    bool vendor;               /* a pinned third-party file: cache it long */
    bool shell;                /* an index.html standing for a client-side route */
};

/*
 * Map a request path ("/", "/inbox", "/app/main.js", "/vendor/leaflet/leaflet.js",
 * "/public/track/2026…") to the file to serve. Paths without an extension in
 * their last segment under the console's screens (/intake, /cases/…, …) get
 * its index.html, under /public/ the portal's; other such paths are 404s. -1 when the path may not
 * be served: unsafe characters, "..", hidden segments, the API's prefixes, anything outside the
 * whitelist.
 */
int static_resolve(const char *path, struct static_file *out);

/* Does every segment of rel consist of [A-Za-z0-9._~-], not start with '.', and not be empty? */
bool static_path_safe(const char *rel);

/* The Content-Type for a file name by its extension; NULL when the type is not served. */
const char *static_content_type(const char *name);

#endif
