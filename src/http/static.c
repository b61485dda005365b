/*
 * static.c - the web console's path check and content types (see static.h).
 * A whitelist throughout: characters, top-level folders, the console's routes,
 * vendor packages and extensions; whatever is not named is not served, so a new file in web/
 * (package.json, node_modules/...) cannot leak by accident.
 */
#include "gz.h"

#include "http/static.h"

/* vendor/NAME/ -> the npm package folder that holds its distributed files */
static const struct {
    const char *name, *dir;
} vendors[] = {
    {"leaflet", "node_modules/leaflet/dist"},
    {"markercluster", "node_modules/leaflet.markercluster/dist"},
    {"echarts", "node_modules/echarts/dist"},
};

static const char *const folders[] = {"app", "css", "i18n", "img", "public"};

/* the console's client-side routes (web/app/main.js); any other path is a 404 */
static const char *const screens[] = {"login",  "intake", "dispatch", "inbox",
                                      "verify", "cases",  "admin",    "dashboard"};

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
};

static bool safe_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '~' || c == '/';
}

bool static_path_safe(const char *rel)
{
    const char *seg = rel;

    if (!*rel)
        return false;
    for (const char *p = rel;; p++) {
        if (*p == '/' || !*p) {
            if (p == seg || *seg == '.')
                return false;
            if (!*p)
                return true;
            seg = p + 1;
        } else if (!safe_char(*p)) {
            return false;
        }
    }
}

const char *static_content_type(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash : name, '.');

    if (!dot)
        return NULL;
    for (size_t i = 0; i < GZ_ARRAY_LEN(types); i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

static bool has_prefix_seg(const char *s, const char *seg)
{
    size_t n = strlen(seg);

    return strncmp(s, seg, n) == 0 && (s[n] == '/' || !s[n]);
}

static int put(struct static_file *out, const char *a, const char *b)
{
    int n = snprintf(out->rel, sizeof(out->rel), "%s%s%s", a, *b ? "/" : "", b);

    return n > 0 && (size_t)n < sizeof(out->rel) ? 0 : -1;
}

/* "vendor/NAME/REST" -> the package's dist folder + REST */
static int vendor_file(const char *rel, struct static_file *out)
{
    const char *name = rel + strlen("vendor/");

    for (size_t i = 0; i < GZ_ARRAY_LEN(vendors); i++) {
        size_t n = strlen(vendors[i].name);
        if (strncmp(name, vendors[i].name, n) == 0 && name[n] == '/' && name[n + 1]) {
            out->vendor = true;
            return put(out, vendors[i].dir, name + n + 1);
        }
    }
    return -1;
}

static bool in_list(const char *rel, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (has_prefix_seg(rel, list[i]))
            return true;
    return false;
}

/* A path without an extension: the console's or the portal's page, if it is one of theirs. */
static int shell(const char *rel, struct static_file *out)
{
    out->shell = true;
    if (has_prefix_seg(rel, "public"))
        return put(out, "public/index.html", "");
    if (!in_list(rel, screens, GZ_ARRAY_LEN(screens)))
        return -1;
    return put(out, "index.html", "");
}

int static_resolve(const char *path, struct static_file *out)
{
    char rel[STATIC_PATH_MAX];
    const char *last;
    size_t n;

    memset(out, 0, sizeof(*out));
    if (!path || path[0] != '/' || has_prefix_seg(path + 1, "api") ||
        has_prefix_seg(path + 1, "open311"))
        return -1;
    n = (size_t)snprintf(rel, sizeof(rel), "%s", path + 1);
    if (n >= sizeof(rel) - 32)
        return -1;
    if (n && rel[n - 1] == '/')
        rel[--n] = '\0'; /* "/public/" is "/public" */
    if (!n)
        return put(out, "index.html", "") == 0 ? (out->shell = true, 0) : -1;
    if (!static_path_safe(rel))
        return -1;
    if (has_prefix_seg(rel, "vendor"))
        return static_content_type(rel) ? vendor_file(rel, out) : -1;
    last = strrchr(rel, '/');
    if (!strchr(last ? last : rel, '.'))
        return shell(rel, out);
    if (!static_content_type(rel))
        return -1;
    if (!in_list(rel, folders, GZ_ARRAY_LEN(folders)) && strcmp(rel, "index.html") != 0)
        return -1;
    return put(out, rel, "");
}
