/*
 * Tests of src/io/boston311.c: times in the city's zone, the ward and
 * precinct formats, the City Hall point, channels, departments and errors.
 */
#include "gz.h"

#include <stdlib.h>

#include "io/boston311.h"
#include "io/csvread.h"
#include "t.h"

#define HEADER                                                                                     \
    "CASE_ENQUIRY_ID,OPEN_DT,TARGET_DT,CLOSED_DT,OnTime_Status,CASE_STATUS,CLOSURE_REASON,"        \
    "CASE_TITLE,REASON,TYPE,Department,Location,ward,precinct,LATITUDE,LONGITUDE,Source\n"

static void setup(void)
{
    setenv("TZ", "America/New_York", 1);
    tzset();
}

struct got {
    struct b311_row row;
    struct gz_err err;
    int rc;
};

static int one(void *ctx, const struct csv_row *row, struct gz_err *err)
{
    struct got *g = ctx;

    (void)err;
    g->rc = b311_parse(row, &g->row, &g->err);
    return 0;
}

static struct got parse(const char *line)
{
    char text[2048];
    struct got g = {.rc = -1};
    struct gz_err err = {0};
    size_t bad = 0;

    snprintf(text, sizeof(text), HEADER "%s\n", line);
    ck_assert_int_eq(csv_read(text, strlen(text), b311_columns, one, &g, &bad, &err), 0);
    return g;
}

START_TEST(test_times_in_the_city_zone)
{
    int64_t t;

    ck_assert(b311_time("01/01/2015 12:20:09 AM", &t));
    ck_assert_int_eq(t, 1420089609); /* 05:20:09 UTC: EST */
    ck_assert(b311_time("07/04/2015 12:00:00 PM", &t));
    ck_assert_int_eq(t, 1436025600);                    /* 16:00 UTC: EDT */
    ck_assert(b311_time("03/08/2015 03:30:00 AM", &t)); /* the first hour of DST */
    ck_assert(!b311_time("02/31/2015 01:00:00 AM", &t));
    ck_assert(!b311_time("13/01/2015 01:00:00 AM", &t));
    ck_assert(!b311_time("01/01/2015 13:00:00 PM", &t));
    ck_assert(!b311_time("01/01/2015 01:00:00", &t));
    ck_assert(!b311_time("2015-01-01T01:00:00", &t));
    ck_assert(!b311_time("", &t));
}
END_TEST

START_TEST(test_ward_and_precinct_formats)
{
    int w = 0, p = 0;

    ck_assert_int_eq(b311_ward("Ward 5"), 5);
    ck_assert_int_eq(b311_ward("05"), 5);
    ck_assert_int_eq(b311_ward("22"), 22);
    ck_assert_int_eq(b311_ward(""), 0);
    ck_assert_int_eq(b311_ward("Ward x"), 0);
    ck_assert(b311_precinct("503.0", &w, &p) && w == 5 && p == 3);
    ck_assert(b311_precinct("1002.0", &w, &p) && w == 10 && p == 2);
    ck_assert(b311_precinct("0113", &w, &p) && w == 1 && p == 13);
    ck_assert(!b311_precinct("0113A", &w, &p));
    ck_assert(!b311_precinct("500.0", &w, &p));
    ck_assert(!b311_precinct("", &w, &p));
    ck_assert(!b311_precinct("12", &w, &p));
}
END_TEST

START_TEST(test_a_row)
{
    struct got g = parse("101001240735,01/01/2015 12:25:23 AM,01/16/2015 08:30:00 AM,01/02/2015 "
                         "04:17:43 PM,ONTIME,Closed,Case Closed Duplicate,PRINTED,Street Lights,"
                         "Street Light Outages,PWDx,145 Ipswich St,Ward 5,502.0,42.3474,-71.0944,"
                         "Citizens Connect App");

    ck_assert_int_eq(g.rc, 0);
    ck_assert_str_eq(g.row.id, "101001240735");
    ck_assert(g.row.closed && g.row.ontime && g.row.closed_at > g.row.open_at);
    ck_assert_str_eq(g.row.reason, "Street Lights");
    ck_assert_str_eq(g.row.type, "Street Light Outages");
    ck_assert_str_eq(g.row.dept, "D-PWDx");
    ck_assert_int_eq(g.row.channel, CHANNEL_APP);
    ck_assert_int_eq(g.row.ward, 5);
    ck_assert_int_eq(g.row.precinct, 2);
    ck_assert_double_eq_tol(g.row.lat, 42.3474, 1e-9);
    ck_assert_str_eq(g.row.title, "PRINTED");
    ck_assert_str_eq(g.row.location, "145 Ipswich St");
    ck_assert_str_eq(g.row.closure, "Case Closed Duplicate");
    b311_release(&g.row);
}
END_TEST

START_TEST(test_quirks)
{
    /* City Hall is no location; an empty title takes the type; "No Q" has no space as a code */
    struct got g = parse("1,01/01/2015 12:25:23 AM,,,OVERDUE,Open,,,Notification,Notification,"
                         "No Q,,,,42.3594,-71.0587,Maximo Integration");

    ck_assert_int_eq(g.rc, 0);
    ck_assert(g.row.lat == CASE_NO_COORD && g.row.lon == CASE_NO_COORD);
    ck_assert_str_eq(g.row.title, "Notification");
    ck_assert_str_eq(g.row.dept, "D-No_Q");
    ck_assert_int_eq(g.row.channel, CHANNEL_IMPORT);
    ck_assert(!g.row.closed && !g.row.ontime && g.row.closed_at == 0);
    ck_assert(g.row.location == NULL && g.row.ward == 0 && g.row.precinct == 0);
    b311_release(&g.row);
    /* a precinct of another ward than the record's ward is not believed */
    g = parse("2,01/01/2015 12:25:23 AM,,,,Open,,t,R,T,ISD,,Ward 3,502.0,,,Twitter");
    ck_assert_int_eq(g.rc, 0);
    ck_assert_int_eq(g.row.ward, 3);
    ck_assert_int_eq(g.row.precinct, 0);
    ck_assert_int_eq(g.row.channel, CHANNEL_WEB);
    b311_release(&g.row);
}
END_TEST

START_TEST(test_errors_name_the_column)
{
    static const struct {
        const char *line, *field;
    } bad[] = {
        {"1,yesterday,,,,Open,,t,R,T,ISD,,,,,,Twitter", "OPEN_DT"},
        {"1,01/01/2015 12:25:23 AM,,,,Closed,,t,R,T,ISD,,,,,,Twitter", "CLOSED_DT"},
        {"1,01/01/2015 12:25:23 AM,,,,Open,,t,R,T,ISD,,,,,,Fax", "Source"},
        {"1,01/01/2015 12:25:23 AM,,,,Open,,t,,T,ISD,,,,,,Twitter", "REASON"},
        {"1,01/01/2015 12:25:23 AM,,,,Open,,t,R,T,,,,,,,Twitter", "Department"},
        {"1,01/01/2015 12:25:23 AM,,,,Open,,t,R,T,ISD,,,,91,1,Twitter", "LATITUDE"},
        {"1,01/01/2015 12:25:23 AM,,,,Open,,t,R,T,ISD,,,,1,x,Twitter", "LONGITUDE"},
        {",01/01/2015 12:25:23 AM,,,,Open,,t,R,T,ISD,,,,,,Twitter", "CASE_ENQUIRY_ID"},
    };

    for (size_t i = 0; i < GZ_ARRAY_LEN(bad); i++) {
        struct got g = parse(bad[i].line);
        ck_assert_msg(g.rc != 0, "%s", bad[i].line);
        ck_assert_str_eq(g.err.field, bad[i].field);
    }
}
END_TEST

Suite *suite_io_boston311(void)
{
    Suite *s = suite_create("io/boston311");
    TCase *tc = tcase_create("boston311");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_times_in_the_city_zone);
    tcase_add_test(tc, test_ward_and_precinct_formats);
    tcase_add_test(tc, test_a_row);
    tcase_add_test(tc, test_quirks);
    tcase_add_test(tc, test_errors_name_the_column);
    suite_add_tcase(s, tc);
    return s;
}
