/* Tests of src/core/period.c: civil days, local day edges in the city's zone, period names. */
#include "gz.h"

#include <stdlib.h>

#include "core/period.h"
#include "t.h"

static void zone(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static int64_t D(int y, int m, int d)
{
    return day_from_civil(y, m, d);
}

START_TEST(civil_days)
{
    int y, m, d;

    ck_assert_int_eq(D(1970, 1, 1), 0);
    ck_assert_int_eq(D(2000, 3, 1), 11017);
    ck_assert_int_eq(D(1969, 12, 31), -1);
    day_to_civil(D(2024, 2, 29), &y, &m, &d);
    ck_assert_int_eq(y * 10000 + m * 100 + d, 20240229);
    ck_assert_int_eq(day_weekday(D(2026, 11, 24)), 2); /* a Tuesday */
    ck_assert_int_eq(day_weekday(D(1970, 1, 1)), 4);
    ck_assert_int_eq(day_weekday(D(1969, 12, 29)), 1);
}
END_TEST

START_TEST(local_day_edges)
{
    /* 2026-11-01 00:00 in Shanghai is 2026-10-31 16:00 UTC */
    int64_t t = 1793462400;

    zone("Asia/Shanghai");
    ck_assert_int_eq(day_of(t), D(2026, 11, 1));
    ck_assert_int_eq(day_of(t - 1), D(2026, 10, 31));
    ck_assert_int_eq(day_start(D(2026, 11, 1)), t);
    zone("UTC");
    ck_assert_int_eq(day_of(t), D(2026, 10, 31));
    /* New York: the day clocks spring forward has 23 hours */
    zone("America/New_York");
    ck_assert_int_eq(day_start(D(2015, 3, 9)) - day_start(D(2015, 3, 8)), 23 * 3600);
    ck_assert_int_eq(day_start(D(2015, 11, 2)) - day_start(D(2015, 11, 1)), 25 * 3600);
    ck_assert_int_eq(day_of(day_start(D(2015, 3, 9)) - 1), D(2015, 3, 8));
}
END_TEST

START_TEST(months_and_start_day)
{
    struct period p, q;
    struct gz_err err = {0};

    ck_assert_int_eq(period_parse("2026-11", 1, "period", &p, &err), 0);
    ck_assert_int_eq(p.kind, PERIOD_MONTH);
    ck_assert_int_eq(p.from, D(2026, 11, 1));
    ck_assert_int_eq(p.to, D(2026, 12, 1));
    ck_assert_str_eq(p.name, "2026-11");
    /* Beijing counts from the 19th: November is Oct 19 .. Nov 18 */
    ck_assert_int_eq(period_parse("2026-11", 19, "period", &p, &err), 0);
    ck_assert_int_eq(p.from, D(2026, 10, 19));
    ck_assert_int_eq(p.to, D(2026, 11, 19));
    ck_assert_int_eq(period_parse("2026-01", 19, "period", &p, &err), 0);
    ck_assert_int_eq(p.from, D(2025, 12, 19));
    period_at(PERIOD_MONTH, D(2026, 11, 19), 19, &q);
    ck_assert_str_eq(q.name, "2026-12");
    period_at(PERIOD_MONTH, D(2026, 11, 18), 19, &q);
    ck_assert_str_eq(q.name, "2026-11");
    period_at(PERIOD_MONTH, D(2026, 12, 25), 19, &q);
    ck_assert_str_eq(q.name, "2027-01");
    period_prev(&p, &q);
    ck_assert_str_eq(q.name, "2025-12");
    ck_assert_int_eq(q.to, p.from);
    period_next(&p, &q);
    ck_assert_str_eq(q.name, "2026-02");
    ck_assert_int_eq(q.from, p.to);
    ck_assert_int_eq(period_parse("2026", 19, "period", &p, &err), 0);
    ck_assert_int_eq(p.from, D(2025, 12, 19));
    ck_assert_int_eq(p.to, D(2026, 12, 19));
    period_at(PERIOD_YEAR, D(2026, 12, 20), 19, &q);
    ck_assert_str_eq(q.name, "2027");
}
END_TEST

START_TEST(weeks_and_days)
{
    struct period p, q;
    struct gz_err err = {0};

    ck_assert_int_eq(period_parse("2026-W01", 1, "period", &p, &err), 0);
    ck_assert_int_eq(p.from, D(2025, 12, 29));
    ck_assert_int_eq(p.to, D(2026, 1, 5));
    ck_assert_int_eq(period_parse("2020-W53", 1, "period", &p, &err), 0);
    ck_assert_int_eq(p.from, D(2020, 12, 28));
    period_at(PERIOD_WEEK, D(2021, 1, 3), 1, &q);
    ck_assert_str_eq(q.name, "2020-W53");
    period_at(PERIOD_WEEK, D(2026, 11, 24), 1, &q);
    ck_assert_str_eq(q.name, "2026-W48");
    period_next(&q, &p);
    ck_assert_str_eq(p.name, "2026-W49");
    ck_assert_int_eq(period_parse("2026-11-05", 19, "period", &p, &err), 0);
    ck_assert_int_eq(p.kind, PERIOD_DAY);
    ck_assert_int_eq(p.from, D(2026, 11, 5));
    ck_assert_int_eq(p.to - p.from, 1);
    ck_assert_int_eq(period_parse("2024-02-29", 1, "period", &p, &err), 0);
}
END_TEST

START_TEST(bad_names)
{
    static const char *const bad[] = {"",           "2026-13", "2026-00",   "2021-W53",
                                      "2026-W00",   "2026-W1", "26-11",     "2026-11-31",
                                      "2025-02-29", "1969",    "2026-11-5", "2026/11",
                                      "2026-11 ",   "x026",    "2026-W5a",  "20261"};
    struct period p;

    for (size_t i = 0; i < GZ_ARRAY_LEN(bad); i++) {
        struct gz_err err = {0};
        ck_assert_msg(period_parse(bad[i], 1, "period", &p, &err) == GZ_EBADREQ, "%s", bad[i]);
        ck_assert_str_eq(err.field, "period");
    }
    ck_assert_int_eq(period_kind_parse("week"), PERIOD_WEEK);
    ck_assert_int_eq(period_kind_parse("fortnight"), -1);
}
END_TEST

Suite *suite_core_period(void)
{
    Suite *s = suite_create("core/period");
    TCase *tc = tcase_create("period");

    tcase_add_test(tc, civil_days);
    tcase_add_test(tc, local_day_edges);
    tcase_add_test(tc, months_and_start_day);
    tcase_add_test(tc, weeks_and_days);
    tcase_add_test(tc, bad_names);
    suite_add_tcase(s, tc);
    return s;
}
