/*
 * Tests of src/core/hotspot.c: the Poisson tail against known values, a
 * planted spike found and a flat series left alone, the minimum count,
 * recurring locations, and hotspot names.
 */
#include "gz.h"

#include <math.h>

#include "core/hotspot.h"
#include "t.h"

static void near(double got, double want, double rel)
{
    ck_assert_msg(fabs(got - want) <= rel * want, "got %.10g, want %.10g", got, want);
}

START_TEST(poisson_tail)
{
    near(hot_poisson_tail(1, 1.0), 1.0 - exp(-1.0), 1e-12);
    near(hot_poisson_tail(5, 1.0), 0.00365984682734371, 1e-9);
    near(hot_poisson_tail(10, 2.0), 4.649807501316e-05, 1e-8);
    near(hot_poisson_tail(3, 10.0), 0.997230604284, 1e-9);
    ck_assert(hot_poisson_tail(60, 20.0) > 0.0 && hot_poisson_tail(60, 20.0) < 1e-9);
    ck_assert(hot_poisson_tail(0, 3.0) == 1.0);
    ck_assert(hot_poisson_tail(1, 0.0) == 0.0);
}
END_TEST

static struct hot_counter *series(const int *weeks, int n, int64_t space, const char *cat)
{
    struct hot_counter *h = hot_counter_new(n - 1);

    for (int w = 0; w < n; w++)
        for (int k = 0; k < weeks[w]; k++)
            ck_assert_int_eq(hot_count(h, space, cat, w), 0);
    return h;
}

START_TEST(planted_spike_is_found)
{
    static const int spike[] = {2, 3, 1, 2, 2, 3, 2, 1, 12};
    static const int flat[] = {5, 4, 6, 5, 5, 6, 4, 5, 6};
    struct hot_flag f[4];
    size_t n;
    struct hot_counter *h = series(spike, 9, 77, "0101");

    ck_assert_int_eq(hot_detect(h, 5, 0.01, f, 4, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(f[0].space, 77);
    ck_assert_str_eq(f[0].category, "0101");
    ck_assert_int_eq(f[0].count, 12);
    near(f[0].baseline, 2.0, 1e-12);
    ck_assert(f[0].p < 1e-5);
    hot_counter_free(h);
    h = series(flat, 9, 78, "0101");
    ck_assert_int_eq(hot_detect(h, 5, 0.01, f, 4, &n), 0);
    ck_assert_uint_eq(n, 0);
    hot_eval(h, 78, "0101", 5, 0.01, &f[0]);
    ck_assert_int_eq(f[0].count, 6);
    ck_assert(!f[0].flagged && f[0].p > 0.2);
    hot_eval(h, 79, "0101", 5, 0.01, &f[0]);
    ck_assert_int_eq(f[0].count, 0);
    hot_counter_free(h);
}
END_TEST

START_TEST(minimum_count_and_new_places)
{
    static const int fresh[] = {0, 0, 0, 0, 0, 0, 0, 0, 4};
    struct hot_flag f[2];
    size_t n;
    struct hot_counter *h = series(fresh, 9, 5, "");

    ck_assert_int_eq(hot_detect(h, 5, 0.01, f, 2, &n), 0);
    ck_assert_uint_eq(n, 0); /* improbable (p = 0) but under the minimum */
    ck_assert_int_eq(hot_detect(h, 4, 0.01, f, 2, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(f[0].category, "");
    ck_assert(f[0].p == 0.0);
    hot_counter_free(h);
}
END_TEST

struct clusters {
    size_t n, sizes[8];
    double lat[8];
};

static int on_cluster(void *ctx, const size_t *members, size_t n, double lat, double lon)
{
    struct clusters *c = ctx;

    (void)members, (void)lon;
    if (c->n < 8) {
        c->sizes[c->n] = n;
        c->lat[c->n] = lat;
    }
    c->n++;
    return 0;
}

START_TEST(recurring_locations)
{
    /* four reports within ~30 m, two of them again 40 m further, one far away */
    struct recur_point pts[] = {
        {31.2300, 121.4700}, {31.2301, 121.4701}, {31.2302, 121.4700},
        {31.2300, 121.4702}, {31.2306, 121.4700}, {31.2500, 121.5000},
    };
    struct clusters c = {0};

    ck_assert_int_eq(recur_find(pts, GZ_ARRAY_LEN(pts), 50.0, 3, on_cluster, &c), 0);
    ck_assert_uint_eq(c.n, 1);
    ck_assert_uint_ge(c.sizes[0], 4);
    ck_assert(fabs(c.lat[0] - 31.2301) < 0.0005);
    memset(&c, 0, sizeof(c));
    ck_assert_int_eq(recur_find(pts, 2, 50.0, 3, on_cluster, &c), 0);
    ck_assert_uint_eq(c.n, 0);
    ck_assert_int_eq(recur_find(pts, 0, 50.0, 3, on_cluster, &c), 0);
}
END_TEST

START_TEST(names)
{
    static const char *const bad[] = {"",
                                      "hex:2026-W47:0101:1",
                                      "hex:2026-W47:0101:1:2:3",
                                      "hex:2026-W47:010:1:2",
                                      "hex::0101:1:2",
                                      "hex:2026-W47:0101:x:2",
                                      "hex:2026-W47:0101:99999999999:2",
                                      "street:2026-W47:0101:0",
                                      "street:2026-W47:0101:-4",
                                      "city:2026-W47:0101:1",
                                      "department:2026-W47:0101:1",
                                      "street:2026-W47:0101:1:2",
                                      "street:2026-W47:0101:",
                                      "hex:2026-W47:0101:1:2:"};
    struct hot_id id;
    struct gz_err err = {0};
    char out[HOT_ID_MAX];

    ck_assert_int_eq(hot_id_parse("hex:2026-W47:0101:123:-45", &id, &err), 0);
    ck_assert_int_eq(id.grid, HOT_HEX);
    ck_assert_int_eq(id.q, 123);
    ck_assert_int_eq(id.r, -45);
    ck_assert_str_eq(id.week, "2026-W47");
    hot_id_format(&id, out, sizeof(out));
    ck_assert_str_eq(out, "hex:2026-W47:0101:123:-45");
    ck_assert_int_eq(hot_id_parse("community:2026-W01::17", &id, &err), 0);
    ck_assert_int_eq(id.grid, 3);
    ck_assert_int_eq(id.unit_id, 17);
    ck_assert_str_eq(id.category, "");
    hot_id_format(&id, out, sizeof(out));
    ck_assert_str_eq(out, "community:2026-W01::17");
    for (size_t i = 0; i < GZ_ARRAY_LEN(bad); i++) {
        ck_assert_msg(hot_id_parse(bad[i], &id, &err) == GZ_EBADREQ, "%s", bad[i]);
        ck_assert_str_eq(err.field, "id");
    }
}
END_TEST

Suite *suite_core_hotspot(void)
{
    Suite *s = suite_create("core/hotspot");
    TCase *tc = tcase_create("hotspot");

    tcase_add_test(tc, poisson_tail);
    tcase_add_test(tc, planted_spike_is_found);
    tcase_add_test(tc, minimum_count_and_new_places);
    tcase_add_test(tc, recurring_locations);
    tcase_add_test(tc, names);
    suite_add_tcase(s, tc);
    return s;
}
