/* Tests of src/http/router.c: params, 404, 405 with Allow, decoding. */
#include "gz.h"

#include "http/router.h"
#include "t.h"

static void h1(struct http_req *r, void *a)
{
    (void)r, (void)a;
}
static void h2(struct http_req *r, void *a)
{
    (void)r, (void)a;
}

START_TEST(matches_and_captures)
{
    struct router *r = router_new();
    struct route_match m;

    ck_assert_int_eq(router_add(r, "GET", "/api/v1/units", h1), 0);
    ck_assert_int_eq(router_add(r, "GET", "/api/v1/units/{id}", h2), 0);
    ck_assert_int_eq(router_add(r, "PATCH", "/api/v1/units/{id}", h1), 0);
    ck_assert_int_eq(router_match(r, "GET", "/api/v1/units", &m), ROUTER_FOUND);
    ck_assert_ptr_eq(m.fn, h1);
    ck_assert_int_eq(router_match(r, "GET", "/api/v1/units/", &m), ROUTER_FOUND);
    ck_assert_int_eq(router_match(r, "GET", "/api/v1/units/W01", &m), ROUTER_FOUND);
    ck_assert_ptr_eq(m.fn, h2);
    ck_assert_uint_eq(m.n, 1);
    ck_assert_str_eq(m.values[0], "W01");
    ck_assert_int_eq(router_match(r, "GET", "/api/v1/units/%E4%B8%9C", &m), ROUTER_FOUND);
    ck_assert_str_eq(m.values[0], "东");
    ck_assert_int_eq(router_match(r, "GET", "/api/v1/units/%00", &m), ROUTER_NO_PATH);
    ck_assert_int_eq(router_match(r, "GET", "/api/v1/units/%4", &m), ROUTER_NO_PATH);
    ck_assert_int_eq(router_match(r, "GET", "/api/v1/nothing", &m), ROUTER_NO_PATH);
    ck_assert_int_eq(router_match(r, "GET", "relative", &m), ROUTER_NO_PATH);
    ck_assert_int_eq(router_match(r, "DELETE", "/api/v1/units/3", &m), ROUTER_NO_METHOD);
    ck_assert_str_eq(m.allow, "GET, PATCH");
    router_free(r);
}
END_TEST

Suite *suite_http_router(void)
{
    Suite *s = suite_create("http/router");
    TCase *tc = tcase_create("router");

    tcase_add_test(tc, matches_and_captures);
    suite_add_tcase(s, tc);
    return s;
}
