/* Tests of src/core/w3cdate.c: W3C date-times. */
#include "gz.h"

#include <stdlib.h>
#include <time.h>

#include "core/w3cdate.h"
#include "t.h"

static void zone(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static int64_t parsed(const char *s)
{
    int64_t t = -1;

    ck_assert_msg(w3c_parse(s, &t), "%s was refused", s);
    return t;
}

START_TEST(reads_every_form)
{
    zone("America/New_York");
    ck_assert_int_eq(parsed("1994-11-05T13:15:30Z"), 784041330);
    ck_assert_int_eq(parsed("1994-11-05T08:15:30-05:00"), 784041330);
    ck_assert_int_eq(parsed("1994-11-05T21:15:30+08:00"), 784041330);
    ck_assert_int_eq(parsed("1994-11-05T13:15:30.45Z"), 784041330);
    ck_assert_int_eq(parsed("1994-11-05T13:15Z"), 784041300);
    ck_assert_int_eq(parsed("1994-11-05t13:15:30z"), 784041330);
    /* a '+' decoded to a space on its way through a query string */
    ck_assert_int_eq(parsed("1994-11-05T21:15:30 08:00"), 784041330);
    /* dates alone: the first second in the city's zone */
    ck_assert_int_eq(parsed("1994-11-05"), 784011600);
    ck_assert_int_eq(parsed("1994-11"), 783666000);
    ck_assert_int_eq(parsed("1994"), 757400400);
}
END_TEST

START_TEST(refuses_what_is_not_w3c)
{
    static const char *const bad[] = {
        "",
        "94-11-05",
        "1994-11-05T13:15:30",
        "1994-11-05 13:15:30Z",
        "1994-13-01",
        "1994-02-30",
        "1994-11-05T24:00:00Z",
        "1994-11-05T13:60Z",
        "1994-11-05T13:15:30+0800",
        "1994-11-05T13:15:30+24:00",
        "1994-11-05T13:15:30.Z",
        "1994-11-05T13:15.5Z",
        "1994-11-05Z",
        "1994-1-5",
        "1969-12-31T23:59:59Z",
        "1994-11-05T13:15:30Zjunk",
        "now",
    };
    int64_t t;

    zone("UTC");
    for (size_t i = 0; i < GZ_ARRAY_LEN(bad); i++)
        ck_assert_msg(!w3c_parse(bad[i], &t), "%s was accepted", bad[i]);
    ck_assert(!w3c_parse(NULL, &t));
}
END_TEST

START_TEST(formats_with_the_city_offset)
{
    char s[W3C_DATE_MAX];

    zone("America/New_York");
    w3c_format(784041330, s, sizeof(s));
    ck_assert_str_eq(s, "1994-11-05T08:15:30-05:00");
    zone("Asia/Shanghai");
    w3c_format(784041330, s, sizeof(s));
    ck_assert_str_eq(s, "1994-11-05T21:15:30+08:00");
    ck_assert_int_eq(parsed(s), 784041330);
    zone("UTC");
    w3c_format(784041330, s, sizeof(s));
    ck_assert_str_eq(s, "1994-11-05T13:15:30Z");
    zone("Asia/Kolkata");
    w3c_format(784041330, s, sizeof(s));
    ck_assert_str_eq(s, "1994-11-05T18:45:30+05:30");
    ck_assert_int_eq(parsed(s), 784041330);
}
END_TEST

Suite *suite_core_w3cdate(void)
{
    Suite *s = suite_create("core/w3cdate");
    TCase *tc = tcase_create("w3cdate");

    tcase_add_test(tc, reads_every_form);
    tcase_add_test(tc, refuses_what_is_not_w3c);
    tcase_add_test(tc, formats_with_the_city_offset);
    suite_add_tcase(s, tc);
    return s;
}
