/*
 * fuzz_router.c - router_match on fuzzed method and path, against the route
 * table of the API; then router_add of a fuzzed pattern and a match on it.
 * Input: "METHOD\nPATH[\nPATTERN]" (missing parts are empty strings).
 * Invariants checked: a found route has a handler and its captured values are
 * NUL-terminated; a 405 names at least one allowed method.
 */
#include "gz.h"

#include "fuzz.h"
#include "http/router.h"

static void handler_a(struct http_req *req, void *app)
{
    (void)req;
    (void)app;
}

static const struct {
    const char *method, *pattern;
} routes[] = {
    {"GET", "/api/v1/health"},
    {"POST", "/api/v1/auth/login"},
    {"POST", "/api/v1/auth/logout"},
    {"GET", "/api/v1/me"},
    {"GET", "/api/v1/units"},
    {"POST", "/api/v1/units"},
    {"GET", "/api/v1/units/{id}"},
    {"PATCH", "/api/v1/units/{id}"},
    {"GET", "/api/v1/categories"},
    {"POST", "/api/v1/categories"},
    {"GET", "/api/v1/categories/{code}"},
    {"PATCH", "/api/v1/categories/{code}"},
    {"GET", "/api/v1/accounts"},
    {"POST", "/api/v1/accounts"},
    {"GET", "/api/v1/accounts/{id}"},
    {"PATCH", "/api/v1/accounts/{id}"},
    {"GET", "/api/v1/memberships"},
    {"POST", "/api/v1/memberships"},
    {"DELETE", "/api/v1/memberships/{id}"},
    {"GET", "/api/v1/units/{id}/members/{account}/roles/{role}"},
};

static struct router *api_router(void)
{
    struct router *r = router_new();

    FUZZ_CHECK(r);
    for (size_t i = 0; i < GZ_ARRAY_LEN(routes); i++)
        FUZZ_CHECK(router_add(r, routes[i].method, routes[i].pattern, handler_a) == 0);
    return r;
}

static void check_match(const struct router *r, const char *method, const char *path)
{
    struct route_match m;
    enum router_result res = router_match(r, method, path, &m);

    FUZZ_CHECK(res == ROUTER_FOUND || res == ROUTER_NO_PATH || res == ROUTER_NO_METHOD);
    FUZZ_CHECK(memchr(m.allow, '\0', sizeof(m.allow)));
    if (res == ROUTER_FOUND) {
        FUZZ_CHECK(m.fn == handler_a);
        FUZZ_CHECK(m.n <= ROUTER_MAX_PARAMS);
        for (size_t i = 0; i < m.n; i++) {
            FUZZ_CHECK(m.names[i] && m.names[i][0] == '{');
            FUZZ_CHECK(memchr(m.values[i], '\0', sizeof(m.values[i])));
            FUZZ_CHECK(m.values[i][0] != '\0');
        }
    } else if (res == ROUTER_NO_METHOD) {
        FUZZ_CHECK(m.allow[0] != '\0');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct router *api;
    char *buf = fuzz_strndup(data, size);
    const char *method = buf, *path = "", *pattern = NULL;
    char *nl;
    struct router *r;

    if (!api)
        api = api_router(); /* built once; the fuzzer process keeps it */
    nl = strchr(buf, '\n');
    if (nl) {
        *nl = '\0';
        path = nl + 1;
        nl = strchr(nl + 1, '\n');
        if (nl) {
            *nl = '\0';
            pattern = nl + 1;
        }
    }
    check_match(api, method, path);
    if (pattern) {
        r = router_new();
        FUZZ_CHECK(r);
        if (router_add(r, method, pattern, handler_a) == 0) {
            check_match(r, method, path);
            check_match(r, method, pattern); /* the pattern as a path */
        }
        router_free(r);
    }
    free(buf);
    return 0;
}
