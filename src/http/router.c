/*
 * router.c - a small table router: routes are few (tens), so a linear scan
 * over pre-split patterns is faster than anything cleverer, and obvious.
 * Captured values are percent-decoded; a value that decodes to a NUL or
 * does not fit is not a match.
 */
#include "gz.h"

#include <stdlib.h>

#include "http/router.h"

struct route {
    char method[8];
    size_t nseg;
    char *seg[ROUTER_MAX_SEGMENTS];
    http_handler_fn fn;
    http_upload_fn upload;
    bool parks;
};

struct router {
    size_t n, cap;
    struct route *routes;
    http_handler_fn fallback;
};

struct router *router_new(void)
{
    return calloc(1, sizeof(struct router));
}

void router_free(struct router *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < r->routes[i].nseg; k++)
            free(r->routes[i].seg[k]);
    free(r->routes);
    free(r);
}

/*
 * Find the segments of "/a/b/c" without copying: seg[i] points at the start
 * of each, ending at the next '/' or NUL. Returns the count, or -1 when the
 * path does not start with '/' or has too many segments. A trailing slash
 * adds no segment.
 */
static int split(const char *path, const char **seg, size_t max)
{
    size_t n = 0;
    const char *p = path;

    if (*p != '/')
        return -1;
    while (*p == '/') {
        const char *start = ++p;
        while (*p && *p != '/')
            p++;
        if (p == start && !*p)
            break;
        if (n == max)
            return -1;
        seg[n++] = start;
    }
    return (int)n;
}

int router_add(struct router *r, const char *method, const char *pattern, http_handler_fn fn)
{
    const char *seg[ROUTER_MAX_SEGMENTS];
    struct route *rt;
    int n;

    if (strlen(method) >= sizeof(rt->method))
        return -1;
    n = split(pattern, seg, ROUTER_MAX_SEGMENTS);
    if (n < 0)
        return -1;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        struct route *nr = realloc(r->routes, cap * sizeof(*nr));
        if (!nr)
            return -1;
        r->routes = nr;
        r->cap = cap;
    }
    rt = &r->routes[r->n];
    memset(rt, 0, sizeof(*rt));
    memcpy(rt->method, method, strlen(method) + 1);
    rt->fn = fn;
    for (int i = 0; i < n; i++) {
        size_t len = strcspn(seg[i], "/");
        rt->seg[i] = strndup(seg[i], len);
        if (!rt->seg[i])
            return -1;
    }
    rt->nseg = (size_t)n;
    r->n++;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode src[0..n) into dst[size]; false on bad escapes, NULs or overflow. */
static bool decode(const char *src, size_t n, char *dst, size_t size)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        char c = src[i];
        if (c == '%') {
            int hi = i + 2 < n ? hexval(src[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(src[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return false;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (k + 1 >= size)
            return false;
        dst[k++] = c;
    }
    dst[k] = '\0';
    return true;
}

static bool match_route(const struct route *rt, const char **seg, size_t nseg,
                        struct route_match *m)
{
    if (rt->nseg != nseg)
        return false;
    m->n = 0;
    for (size_t i = 0; i < nseg; i++) {
        const char *p = rt->seg[i];
        size_t len = strcspn(seg[i], "/");
        if (p[0] == '{') {
            if (len == 0 || m->n == ROUTER_MAX_PARAMS ||
                !decode(seg[i], len, m->values[m->n], sizeof(m->values[0])))
                return false;
            m->names[m->n++] = p;
        } else if (strlen(p) != len || memcmp(p, seg[i], len) != 0) {
            return false;
        }
    }
    return true;
}

static void add_allow(struct route_match *m, const char *method)
{
    size_t len = strlen(m->allow);

    if (strstr(m->allow, method))
        return;
    snprintf(m->allow + len, sizeof(m->allow) - len, "%s%s", len ? ", " : "", method);
}

enum router_result router_match(const struct router *r, const char *method, const char *path,
                                struct route_match *m)
{
    const char *seg[ROUTER_MAX_SEGMENTS];
    bool path_seen = false;
    int n;

    memset(m, 0, sizeof(*m));
    n = split(path, seg, ROUTER_MAX_SEGMENTS);
    if (n < 0)
        return ROUTER_NO_PATH;
    for (size_t i = 0; i < r->n; i++) {
        const struct route *rt = &r->routes[i];
        if (!match_route(rt, seg, (size_t)n, m))
            continue;
        if (strcmp(rt->method, method) == 0) {
            m->fn = rt->fn;
            m->upload = rt->upload;
            m->parks = rt->parks;
            m->allow[0] = '\0';
            return ROUTER_FOUND;
        }
        path_seen = true;
        add_allow(m, rt->method);
    }
    m->n = 0;
    if (!path_seen && r->fallback && (!strcmp(method, "GET") || !strcmp(method, "HEAD"))) {
        m->fn = r->fallback;
        return ROUTER_FOUND;
    }
    return path_seen ? ROUTER_NO_METHOD : ROUTER_NO_PATH;
}

void router_fallback(struct router *r, http_handler_fn fn)
{
    r->fallback = fn;
}

int router_add_parking(struct router *r, const char *method, const char *pattern,
                       http_handler_fn fn)
{
    if (router_add(r, method, pattern, fn))
        return -1;
    r->routes[r->n - 1].parks = true;
    return 0;
}

int router_add_upload(struct router *r, const char *method, const char *pattern, http_handler_fn fn,
                      http_upload_fn begin)
{
    if (router_add(r, method, pattern, fn))
        return -1;
    r->routes[r->n - 1].upload = begin;
    return 0;
}
