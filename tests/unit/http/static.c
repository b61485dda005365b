/* Tests of src/http/static.c: the web console's path check, mapping and types,
   and the router's fallback that sends unmatched GETs to it. */
#include "gz.h"

#include "http/router.h"
#include "http/static.h"
#include "t.h"

static void expect(const char *path, const char *rel, bool vendor, bool shell)
{
    struct static_file f;

    ck_assert_msg(static_resolve(path, &f) == 0, "%s refused", path);
    ck_assert_str_eq(f.rel, rel);
    ck_assert_int_eq(f.vendor, vendor);
    ck_assert_int_eq(f.shell, shell);
}

static void refused(const char *path)
{
    struct static_file f;

    ck_assert_msg(static_resolve(path, &f) == -1, "%s served as %s", path, f.rel);
}

START_TEST(maps_console_portal_and_vendor)
{
    expect("/", "index.html", false, true);
    expect("/index.html", "index.html", false, false);
    expect("/inbox", "index.html", false, true);
    expect("/cases/20261124-000001", "index.html", false, true);
    expect("/public", "public/index.html", false, true);
    expect("/public/", "public/index.html", false, true);
    expect("/public/track/20261124-000001", "public/index.html", false, true);
    expect("/app/main.js", "app/main.js", false, false);
    expect("/i18n/zh.json", "i18n/zh.json", false, false);
    expect("/public/portal.js", "public/portal.js", false, false);
    expect("/vendor/leaflet/leaflet.js", "node_modules/leaflet/dist/leaflet.js", true, false);
    expect("/vendor/leaflet/images/layers.png", "node_modules/leaflet/dist/images/layers.png", true,
           false);
    expect("/vendor/markercluster/MarkerCluster.css",
           "node_modules/leaflet.markercluster/dist/MarkerCluster.css", true, false);
    expect("/vendor/echarts/echarts.min.js", "node_modules/echarts/dist/echarts.min.js", true,
           false);
}
END_TEST

START_TEST(refuses_traversal_and_unlisted)
{
    static const char *const bad[] = {
        "",
        "relative",
        "/../etc/passwd",
        "/app/../package.json",
        "/app/..",
        "/app//main.js",
        "/.git/config",
        "/app/.hidden.js",
        "/package.json",
        "/package-lock.json",
        "/node_modules/leaflet/package.json",
        "/vendor/leaflet/../../package.json",
        "/vendor/leaflet/",
        "/vendor/tslib/tslib.js",
        "/vendor/leafletx/a.js",
        "/app/%2e%2e/x.js",
        "/app/a b.js",
        "/app/main.js\\..",
        "/app/x.exe",
        "/api/v1/health",
        "/api",
        "/open311/v2/services.json",
        "/secret.html",
        "/nothing-here",
        "/app",
    };

    for (size_t i = 0; i < GZ_ARRAY_LEN(bad); i++)
        refused(bad[i]);
    refused(NULL);
}
END_TEST

START_TEST(long_paths_are_refused)
{
    char path[STATIC_PATH_MAX * 2];

    memset(path, 'a', sizeof(path) - 1);
    path[0] = '/';
    path[sizeof(path) - 1] = '\0';
    refused(path);
}
END_TEST

START_TEST(safe_paths_and_types)
{
    ck_assert(static_path_safe("app/main.js"));
    ck_assert(!static_path_safe("app/"));
    ck_assert(!static_path_safe("/app"));
    ck_assert(!static_path_safe("app/../x"));
    ck_assert(!static_path_safe("app/\xe4\xb8\x9c.js"));
    ck_assert_str_eq(static_content_type("a/b.js"), "text/javascript; charset=utf-8");
    ck_assert_str_eq(static_content_type("index.html"), "text/html; charset=utf-8");
    ck_assert_str_eq(static_content_type("x.png"), "image/png");
    ck_assert_ptr_null(static_content_type("x.sh"));
    ck_assert_ptr_null(static_content_type("a.dir/noext"));
}
END_TEST

static void api(struct http_req *r, void *a)
{
    (void)r, (void)a;
}
static void web(struct http_req *r, void *a)
{
    (void)r, (void)a;
}

START_TEST(router_fallback_takes_unmatched_gets)
{
    struct router *r = router_new();
    struct route_match m;

    ck_assert_int_eq(router_add(r, "POST", "/api/v1/cases", api), 0);
    ck_assert_int_eq(router_match(r, "GET", "/inbox", &m), ROUTER_NO_PATH);
    router_fallback(r, web);
    ck_assert_int_eq(router_match(r, "GET", "/inbox", &m), ROUTER_FOUND);
    ck_assert_ptr_eq(m.fn, web);
    ck_assert_int_eq(router_match(r, "HEAD", "/", &m), ROUTER_FOUND);
    ck_assert_int_eq(router_match(r, "POST", "/inbox", &m), ROUTER_NO_PATH);
    /* a path an API route has keeps its 405 */
    ck_assert_int_eq(router_match(r, "GET", "/api/v1/cases", &m), ROUTER_NO_METHOD);
    router_free(r);
}
END_TEST

Suite *suite_http_static(void)
{
    Suite *s = suite_create("http_static");
    TCase *tc = tcase_create("static");

    tcase_add_test(tc, maps_console_portal_and_vendor);
    tcase_add_test(tc, refuses_traversal_and_unlisted);
    tcase_add_test(tc, long_paths_are_refused);
    tcase_add_test(tc, safe_paths_and_types);
    tcase_add_test(tc, router_fallback_takes_unmatched_gets);
    suite_add_tcase(s, tc);
    return s;
}
