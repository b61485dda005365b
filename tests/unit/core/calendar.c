/*
 * Tests of src/core/calendar.c: working hours, overrides, CSV, and deadline
 * arithmetic in Shanghai (no DST, 调休 weekends) and New York (DST), checked
 * by hand and against a minute-by-minute reference that shares no code with
 * the implementation. Check forks each test, so the TZ each one sets stays
 * in that test.
 */
#include "gz.h"

#include <stdlib.h>

#include "core/calendar.h"
#include "t.h"

#define CN_2026 "data/calendar/cn-2026.csv"
#define US_2015 "data/calendar/us-boston-2015.csv"

/* ---- helpers ---- */

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *text = malloc(1 << 16);

    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(text);
    *len = fread(text, 1, (1 << 16) - 1, f);
    text[*len] = '\0';
    fclose(f);
    return text;
}

static struct calendar *cal_with(const char *tz, const char *path)
{
    struct gz_err err = {0};
    struct calendar *c = cal_new(tz, &err);
    size_t len;
    char *text;
    int line = -1;

    ck_assert_msg(c != NULL, "cal_new(%s): %s", tz, err.msg);
    if (path) {
        text = read_text(path, &len);
        ck_assert_msg(cal_load_csv(c, text, len, &line, &err) == 0, "%s: %s", path, err.msg);
        ck_assert_int_eq(line, 0);
        free(text);
    }
    return c;
}

/* Local "YYYY-MM-DD HH:MM[:SS]" to UTC seconds (the process TZ; never a DST gap here). */
static int64_t at(const char *s)
{
    struct tm tm = {0};
    int sec = 0;
    int n = sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                   &tm.tm_min, &sec);

    ck_assert_msg(n >= 5, "bad time %s", s);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

/* UTC seconds to local "YYYY-MM-DD HH:MM:SS" in a static buffer. */
static const char *show(int64_t t)
{
    static char out[64];
    time_t tt = (time_t)t;
    struct tm tm;

    if (t == INT64_MAX)
        return "never";
    ck_assert_ptr_nonnull(localtime_r(&tt, &tm));
    strftime(out, sizeof(out), "%Y-%m-%d %H:%M:%S %Z", &tm);
    return out;
}

static int64_t dl(const struct calendar *c, const char *start, int amount, enum limit_unit u,
                  int permille)
{
    struct tlimit l = {.amount = amount, .unit = u};

    return cal_deadline(c, at(start), &l, permille);
}

/* Deadline as a local time string, for readable failures. */
#define ck_deadline(c, start, amount, unit, expect)                                                \
    ck_assert_str_eq(show(dl((c), (start), (amount), (unit), 1000)), (expect))

/* ---- working hours ---- */

START_TEST(hours_parse)
{
    struct cal_hours h;
    struct gz_err err = {0};

    ck_assert_int_eq(cal_hours_parse("08:30-12:00,13:30-17:30", &h, &err), 0);
    ck_assert_int_eq(h.n, 2);
    ck_assert_int_eq(h.seg[0].start, 510);
    ck_assert_int_eq(h.seg[1].end, 1050);
    ck_assert_int_eq(cal_hours_parse("00:00-24:00", &h, &err), 0);
    ck_assert_int_eq(h.seg[0].end, 1440);
    ck_assert_int_eq(cal_hours_parse("8:00-9:00, 10:00-11:00,12:00-13:00,14:00-15:00", &h, &err),
                     0);
    ck_assert_int_eq(h.n, 4);

    static const char *const bad[] = {
        "",
        "08:30",
        "08:30-12:00,11:00-13:00", /* overlap */
        "13:30-17:30,08:30-12:00", /* descending */
        "12:00-08:30",             /* backwards */
        "08:30-08:30",             /* empty */
        "08:30-25:00",
        "08:60-09:00",
        "24:00-24:30",
        "abc",
        "08:30-12:00,",
        "08:30-12:00;13:30-17:30",
        "08:30-12:00x",
        "1:00-2:00,3:00-4:00,5:00-6:00,7:00-8:00,9:00-10:00", /* too many */
        "123:00-124:00",
    };
    for (size_t i = 0; i < GZ_ARRAY_LEN(bad); i++) {
        gz_err_clear(&err);
        ck_assert_msg(cal_hours_parse(bad[i], &h, &err) == GZ_EINVAL, "accepted \"%s\"", bad[i]);
        ck_assert_str_eq(err.field, "working_hours");
    }
}
END_TEST

START_TEST(new_and_days)
{
    struct gz_err err = {0};
    struct calendar *c = cal_new("Asia/Shanghai", &err);
    struct cal_hours h;

    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(cal_tz(c), "Asia/Shanghai");
    ck_assert_int_eq(cal_day_minutes(c), 450);
    ck_assert(cal_is_workday(c, 2026, 3, 2));  /* Monday */
    ck_assert(!cal_is_workday(c, 2026, 3, 7)); /* Saturday */
    ck_assert(!cal_is_workday(c, 2026, 2, 30));
    ck_assert_int_eq(cal_set_day(c, 2026, 3, 7, CAL_WORKDAY), 0);
    ck_assert_int_eq(cal_set_day(c, 2026, 3, 2, CAL_HOLIDAY), 0);
    ck_assert(cal_is_workday(c, 2026, 3, 7));
    ck_assert(!cal_is_workday(c, 2026, 3, 2));
    ck_assert_int_eq(cal_set_day(c, 2026, 3, 2, CAL_DEFAULT), 0);
    ck_assert(cal_is_workday(c, 2026, 3, 2));
    ck_assert_int_eq(cal_set_day(c, 2026, 2, 29, CAL_HOLIDAY), GZ_EINVAL);
    ck_assert_int_eq(cal_set_day(c, 2026, 13, 1, CAL_HOLIDAY), GZ_EINVAL);
    ck_assert_int_eq(cal_hours_parse("09:00-17:00", &h, &err), 0);
    cal_set_hours(c, &h);
    ck_assert_int_eq(cal_day_minutes(c), 480);
    cal_free(c);
    cal_free(NULL);

    ck_assert_ptr_null(cal_new("Mars/Olympus_Mons", &err));
    ck_assert_str_eq(err.field, "timezone");
    ck_assert_ptr_null(cal_new("../../etc/passwd", &err));
    ck_assert_ptr_null(cal_new("/usr/share/zoneinfo/UTC", &err));
    ck_assert_ptr_null(cal_new("Asia/Shanghai;rm", &err));
    c = cal_new(NULL, &err);
    ck_assert_str_eq(cal_tz(c), "Asia/Shanghai");
    cal_free(c);
}
END_TEST

/* A copy is independent of its original; dates parse strictly. */
START_TEST(copy_and_date_parse)
{
    struct gz_err err = {0};
    struct calendar *c = cal_new("Asia/Shanghai", &err), *k;
    int y, m, d;

    ck_assert_int_eq(cal_set_day(c, 2026, 3, 7, CAL_WORKDAY), 0);
    k = cal_copy(c);
    ck_assert_ptr_nonnull(k);
    ck_assert_str_eq(cal_tz(k), "Asia/Shanghai");
    ck_assert_int_eq(cal_day_minutes(k), cal_day_minutes(c));
    ck_assert(cal_is_workday(k, 2026, 3, 7));
    ck_assert_int_eq(cal_set_day(k, 2026, 3, 2, CAL_HOLIDAY), 0);
    ck_assert(!cal_is_workday(k, 2026, 3, 2));
    ck_assert(cal_is_workday(c, 2026, 3, 2)); /* the original is untouched */
    cal_free(c);
    ck_assert(cal_is_workday(k, 2026, 3, 7)); /* and the copy outlives it */
    cal_free(k);

    ck_assert_int_eq(cal_date_parse("2028-02-29", &y, &m, &d), 0);
    ck_assert(y == 2028 && m == 2 && d == 29);
    ck_assert_int_eq(cal_date_parse("2026-02-29", &y, &m, &d), -1);
    ck_assert_int_eq(cal_date_parse("2026-1-05", &y, &m, &d), -1);
    ck_assert_int_eq(cal_date_parse("2026-01-05x", &y, &m, &d), -1);
    ck_assert_int_eq(cal_date_parse("", &y, &m, &d), -1);
    ck_assert_int_eq(cal_date_parse("3026-01-05", &y, &m, &d), -1);
}
END_TEST

/* ---- CSV ---- */

START_TEST(csv_shipped_files)
{
    struct calendar *c = cal_with("Asia/Shanghai", CN_2026);

    ck_assert(!cal_is_workday(c, 2026, 10, 1));
    ck_assert(cal_is_workday(c, 2026, 10, 10));
    ck_assert(!cal_is_workday(c, 2026, 10, 11));
    ck_assert(cal_is_workday(c, 2026, 1, 4));
    ck_assert(cal_is_workday(c, 2026, 2, 14));
    ck_assert(!cal_is_workday(c, 2026, 2, 23));
    /* 39 overrides: count the weekday holidays and weekend workdays of the year. */
    int holidays = 0, workdays = 0;
    for (int m = 1; m <= 12; m++) {
        for (int d = 1; d <= 31; d++) {
            struct tm tm = {.tm_year = 126, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
            time_t t = mktime(&tm);

            if (tm.tm_mon != m - 1 || t == (time_t)-1)
                continue;
            bool weekend = tm.tm_wday == 0 || tm.tm_wday == 6;
            holidays += !weekend && !cal_is_workday(c, 2026, m, d);
            workdays += weekend && cal_is_workday(c, 2026, m, d);
        }
    }
    ck_assert_int_eq(holidays, 19);
    ck_assert_int_eq(workdays, 6);
    cal_free(c);

    c = cal_with("America/New_York", US_2015);
    ck_assert(!cal_is_workday(c, 2015, 4, 20));
    ck_assert(!cal_is_workday(c, 2015, 11, 26));
    ck_assert(cal_is_workday(c, 2015, 11, 27));
    cal_free(c);
}
END_TEST

START_TEST(csv_errors)
{
    struct gz_err err = {0};
    struct calendar *c = cal_with("Asia/Shanghai", NULL);
    int line = 0;
    static const char bom[] = "\xEF\xBB\xBF"
                              "date,kind,occasion\r\n"
                              "2026-10-01,holiday,\"国庆节, National Day\"\r\n"
                              "\r\n"
                              "2026-10-10 , workday \r\n";
    static const char badkind[] = "date,kind\n2026-10-01,holiday\n2026-10-02,vacation\n";
    static const char baddate[] = "date,kind\n2026-02-30,holiday\n";
    static const char dup[] = "date,kind\n2026-10-01,holiday\n2026-10-02,holiday\n"
                              "2026-10-01,workday\n";
    static const char nohead[] = "2026-10-01,holiday\n";

    ck_assert_int_eq(cal_load_csv(c, bom, sizeof(bom) - 1, &line, &err), 0);
    ck_assert(!cal_is_workday(c, 2026, 10, 1));
    ck_assert(cal_is_workday(c, 2026, 10, 10));

    ck_assert_int_eq(cal_load_csv(c, badkind, sizeof(badkind) - 1, &line, &err), GZ_EINVAL);
    ck_assert_int_eq(line, 3);
    ck_assert_str_eq(err.field, "kind");
    ck_assert(strstr(err.msg, "line 3") != NULL);
    ck_assert(cal_is_workday(c, 2026, 10, 2)); /* a bad file changes nothing */

    ck_assert_int_eq(cal_load_csv(c, baddate, sizeof(baddate) - 1, &line, &err), GZ_EINVAL);
    ck_assert_int_eq(line, 2);
    ck_assert_str_eq(err.field, "date");
    ck_assert_int_eq(cal_load_csv(c, dup, sizeof(dup) - 1, &line, &err), GZ_EINVAL);
    ck_assert_int_eq(line, 4);
    ck_assert_int_eq(cal_load_csv(c, nohead, sizeof(nohead) - 1, &line, &err), GZ_EINVAL);
    ck_assert_int_eq(line, 1);
    ck_assert_int_eq(cal_load_csv(c, "", 0, &line, &err), GZ_EINVAL);
    ck_assert_int_eq(cal_load_csv(c, "date,kind\n2026-1", 16, &line, &err), GZ_EINVAL);
    ck_assert_int_eq(line, 2);
    cal_free(c);
}
END_TEST

/* ---- deadlines by hand, Shanghai, no overrides (2026-03-02 is a Monday) ---- */

START_TEST(plain_work_hours)
{
    struct calendar *c = cal_with("Asia/Shanghai", NULL);

    ck_deadline(c, "2026-03-02 10:00", 2, LIMIT_WORK_HOURS, "2026-03-02 12:00:00 CST");
    ck_deadline(c, "2026-03-02 11:00", 2, LIMIT_WORK_HOURS, "2026-03-02 14:30:00 CST");
    ck_deadline(c, "2026-03-02 17:00", 1, LIMIT_WORK_HOURS, "2026-03-03 09:00:00 CST");
    ck_deadline(c, "2026-03-02 17:30", 1, LIMIT_WORK_HOURS, "2026-03-03 09:30:00 CST");
    ck_deadline(c, "2026-03-06 17:00", 1, LIMIT_WORK_HOURS, "2026-03-09 09:00:00 CST");
    ck_deadline(c, "2026-03-02 07:00", 1, LIMIT_WORK_HOURS, "2026-03-02 09:30:00 CST");
    ck_deadline(c, "2026-03-02 12:30", 1, LIMIT_WORK_HOURS, "2026-03-02 14:30:00 CST");
    ck_deadline(c, "2026-03-02 10:00:17", 1, LIMIT_WORK_HOURS, "2026-03-02 11:00:17 CST");
    ck_deadline(c, "2026-03-02 11:59:30", 1, LIMIT_WORK_HOURS, "2026-03-02 14:29:30 CST");
    ck_deadline(c, "2026-03-07 10:00", 4, LIMIT_WORK_HOURS, "2026-03-09 14:00:00 CST");
    /* 80 % of 4 working hours is 192 minutes. */
    ck_assert_str_eq(show(dl(c, "2026-03-02 08:30", 4, LIMIT_WORK_HOURS, 800)),
                     "2026-03-02 11:42:00 CST");
    /* An unset or zero-scaled limit costs nothing. */
    ck_assert_int_eq(dl(c, "2026-03-02 10:00", 0, LIMIT_WORK_HOURS, 1000), at("2026-03-02 10:00"));
    ck_assert_int_eq(dl(c, "2026-03-07 10:00", 1, LIMIT_WORK_HOURS, 0), at("2026-03-07 10:00"));
    cal_free(c);
}
END_TEST

START_TEST(plain_workdays_and_hours)
{
    struct calendar *c = cal_with("Asia/Shanghai", NULL);

    ck_deadline(c, "2026-03-02 10:00", 1, LIMIT_WORKDAYS, "2026-03-03 10:00:00 CST");
    ck_deadline(c, "2026-03-06 10:00", 1, LIMIT_WORKDAYS, "2026-03-09 10:00:00 CST");
    /* Saturday: the clock waits for Monday 08:30, then runs one full day. */
    ck_deadline(c, "2026-03-07 10:00", 1, LIMIT_WORKDAYS, "2026-03-09 17:30:00 CST");
    /* A day's end is that day's end, not the next morning. */
    ck_deadline(c, "2026-03-02 08:30", 1, LIMIT_WORKDAYS, "2026-03-02 17:30:00 CST");
    ck_deadline(c, "2026-03-02 10:00", 7, LIMIT_WORKDAYS, "2026-03-11 10:00:00 CST");
    ck_deadline(c, "2026-03-02 12:45", 1, LIMIT_WORKDAYS, "2026-03-03 12:00:00 CST");
    ck_deadline(c, "2026-03-02 10:00", 15, LIMIT_WORKDAYS, "2026-03-23 10:00:00 CST");
    ck_deadline(c, "2026-03-02 10:00", 260, LIMIT_WORKDAYS, "2027-03-01 10:00:00 CST");
    ck_deadline(c, "2026-03-06 10:00", 24, LIMIT_HOURS, "2026-03-07 10:00:00 CST");
    ck_deadline(c, "2026-03-06 10:00", 72, LIMIT_HOURS, "2026-03-09 10:00:00 CST");
    ck_assert_int_eq(dl(c, "2026-03-06 10:00", 2, LIMIT_HOURS, 800), at("2026-03-06 10:00") + 5760);
    ck_assert_int_eq(cal_work_minutes(c, at("2026-03-02 00:00"), at("2026-03-09 00:00")), 2250);
    ck_assert_int_eq(cal_work_minutes(c, at("2026-03-02 11:59:30"), at("2026-03-02 13:31")), 1);
    ck_assert_int_eq(cal_work_minutes(c, at("2026-03-02 12:00"), at("2026-03-02 11:00")), 0);
    cal_free(c);
}
END_TEST

START_TEST(no_workday_ever)
{
    struct calendar *c = cal_with("Asia/Shanghai", NULL);
    struct tlimit l = {.amount = 1, .unit = LIMIT_WORK_HOURS};

    /* Two years off: the walk gives up after a year without a workday. */
    for (int y = 2026; y <= 2027; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int d = 1; d <= 31; d++)
                if (cal_set_day(c, y, m, d, CAL_HOLIDAY) != 0)
                    continue; /* no such date (Feb 30) */
        }
    }
    ck_assert_int_eq(cal_deadline(c, at("2026-01-01 09:00"), &l, 1000), INT64_MAX);
    l.unit = LIMIT_HOURS;
    ck_assert_int_eq(cal_deadline(c, at("2026-01-01 09:00"), &l, 1000), at("2026-01-01 10:00"));
    cal_free(c);
}
END_TEST

/* ---- deadlines by hand, Shanghai with the 2026 holidays ---- */

START_TEST(cn_2026_holidays)
{
    struct calendar *c = cal_with("Asia/Shanghai", CN_2026);

    /* National Day: Oct 1-7 off, Sun Sep 20 and Sat Oct 10 worked; Mid-Autumn Sep 25-27. */
    ck_deadline(c, "2026-09-30 16:00", 1, LIMIT_WORKDAYS, "2026-10-08 16:00:00 CST");
    ck_deadline(c, "2026-09-30 16:00", 3, LIMIT_WORKDAYS, "2026-10-10 16:00:00 CST");
    ck_deadline(c, "2026-09-28 09:00", 7, LIMIT_WORKDAYS, "2026-10-13 09:00:00 CST");
    ck_deadline(c, "2026-09-30 17:00", 1, LIMIT_WORK_HOURS, "2026-10-08 09:00:00 CST");
    ck_deadline(c, "2026-09-18 10:00", 1, LIMIT_WORKDAYS, "2026-09-20 10:00:00 CST");
    ck_deadline(c, "2026-09-24 10:00", 1, LIMIT_WORKDAYS, "2026-09-28 10:00:00 CST");
    /* Spring Festival: Feb 15-23 off, Sat Feb 14 and Sat Feb 28 worked. */
    ck_deadline(c, "2026-02-13 10:00", 1, LIMIT_WORKDAYS, "2026-02-14 10:00:00 CST");
    ck_deadline(c, "2026-02-13 10:00", 2, LIMIT_WORKDAYS, "2026-02-24 10:00:00 CST");
    ck_deadline(c, "2026-02-27 10:00", 1, LIMIT_WORKDAYS, "2026-02-28 10:00:00 CST");
    ck_deadline(c, "2026-02-14 17:00", 4, LIMIT_WORK_HOURS, "2026-02-24 12:00:00 CST");
    /* New Year: Jan 1-3 off, Sun Jan 4 worked; across the year end. */
    ck_deadline(c, "2025-12-31 10:00", 1, LIMIT_WORKDAYS, "2026-01-04 10:00:00 CST");
    ck_deadline(c, "2025-12-31 10:00", 2, LIMIT_WORKDAYS, "2026-01-05 10:00:00 CST");
    ck_deadline(c, "2025-12-31 16:00", 4, LIMIT_WORK_HOURS, "2026-01-04 11:00:00 CST");
    /* Month ends: Labour Day May 1-5 off, Sat May 9 worked; Qingming Apr 4-6. */
    ck_deadline(c, "2026-04-30 10:00", 1, LIMIT_WORKDAYS, "2026-05-06 10:00:00 CST");
    ck_deadline(c, "2026-04-30 10:00", 4, LIMIT_WORKDAYS, "2026-05-09 10:00:00 CST");
    ck_deadline(c, "2026-04-03 10:00", 1, LIMIT_WORKDAYS, "2026-04-07 10:00:00 CST");
    ck_deadline(c, "2026-06-30 17:00", 1, LIMIT_WORK_HOURS, "2026-07-01 09:00:00 CST");
    ck_deadline(c, "2026-12-31 17:00", 1, LIMIT_WORK_HOURS, "2027-01-01 09:00:00 CST");
    /* Clock hours ignore holidays. */
    ck_deadline(c, "2026-09-30 16:00", 24, LIMIT_HOURS, "2026-10-01 16:00:00 CST");
    ck_assert_int_eq(cal_work_minutes(c, at("2026-09-30 00:00"), at("2026-10-09 00:00")), 900);
    cal_free(c);
}
END_TEST

/* ---- New York: daylight saving and the Boston holidays ---- */

START_TEST(ny_dst)
{
    struct calendar *c = cal_with("America/New_York", US_2015);

    /* Spring forward on Sun 2015-03-08: 72 clock hours show as 73 on the wall. */
    ck_deadline(c, "2015-03-06 17:00", 72, LIMIT_HOURS, "2015-03-09 18:00:00 EDT");
    ck_deadline(c, "2015-03-07 12:00", 24, LIMIT_HOURS, "2015-03-08 13:00:00 EDT");
    ck_assert_int_eq(dl(c, "2015-03-07 12:00", 24, LIMIT_HOURS, 1000) - at("2015-03-07 12:00"),
                     86400);
    ck_deadline(c, "2015-03-06 17:00", 1, LIMIT_WORK_HOURS, "2015-03-09 09:00:00 EDT");
    ck_deadline(c, "2015-03-06 10:00", 1, LIMIT_WORKDAYS, "2015-03-09 10:00:00 EDT");
    ck_assert_int_eq(cal_work_minutes(c, at("2015-03-06 08:00"), at("2015-03-09 12:00")), 660);
    /* Fall back on Sun 2015-11-01. */
    ck_deadline(c, "2015-10-31 12:00", 24, LIMIT_HOURS, "2015-11-01 11:00:00 EST");
    ck_deadline(c, "2015-10-30 16:00", 2, LIMIT_WORK_HOURS, "2015-11-02 09:00:00 EST");
    ck_deadline(c, "2015-10-30 10:00", 1, LIMIT_WORKDAYS, "2015-11-02 10:00:00 EST");
    /* Evacuation Day Tue Mar 17, Patriots' Day Mon Apr 20, Thanksgiving Thu Nov 26. */
    ck_deadline(c, "2015-03-16 16:00", 2, LIMIT_WORK_HOURS, "2015-03-18 09:00:00 EDT");
    ck_deadline(c, "2015-04-17 10:00", 1, LIMIT_WORKDAYS, "2015-04-21 10:00:00 EDT");
    ck_deadline(c, "2015-04-17 10:00", 1, LIMIT_WORK_HOURS, "2015-04-17 11:00:00 EDT");
    ck_deadline(c, "2015-11-25 17:00", 1, LIMIT_WORK_HOURS, "2015-11-27 09:00:00 EST");
    cal_free(c);
}
END_TEST

/* Working time on the 23- and 25-hour days themselves, with odd hours. */
START_TEST(ny_dst_odd_hours)
{
    struct calendar *c = cal_with("America/New_York", NULL);
    struct cal_hours h;
    struct gz_err err = {0};

    ck_assert_int_eq(cal_set_day(c, 2015, 3, 8, CAL_WORKDAY), 0);
    ck_assert_int_eq(cal_set_day(c, 2015, 11, 1, CAL_WORKDAY), 0);
    ck_assert_int_eq(cal_hours_parse("00:00-24:00", &h, &err), 0);
    cal_set_hours(c, &h);
    ck_assert_int_eq(cal_work_minutes(c, at("2015-03-08 00:00"), at("2015-03-09 00:00")), 1380);
    ck_assert_int_eq(cal_work_minutes(c, at("2015-11-01 00:00"), at("2015-11-02 00:00")), 1500);
    /* 01:30-02:30 is 30 minutes when 02:00 is skipped, 90 when 01:00-02:00 is repeated. */
    ck_assert_int_eq(cal_hours_parse("01:30-02:30", &h, &err), 0);
    cal_set_hours(c, &h);
    ck_assert_int_eq(cal_work_minutes(c, at("2015-03-08 00:00"), at("2015-03-09 00:00")), 30);
    ck_assert_int_eq(cal_work_minutes(c, at("2015-11-01 00:00"), at("2015-11-02 00:00")), 90);
    ck_deadline(c, "2015-03-08 01:45", 1, LIMIT_WORK_HOURS, "2015-03-09 02:15:00 EDT");
    ck_deadline(c, "2015-11-01 00:30", 1, LIMIT_WORK_HOURS, "2015-11-01 02:00:00 EST");
    /* A segment that starts in the gap starts when the clock jumps. */
    ck_assert_int_eq(cal_hours_parse("02:30-04:00", &h, &err), 0);
    cal_set_hours(c, &h);
    ck_assert_int_eq(cal_work_minutes(c, at("2015-03-08 00:00"), at("2015-03-09 00:00")), 60);
    ck_deadline(c, "2015-03-08 00:00", 1, LIMIT_WORK_HOURS, "2015-03-08 04:00:00 EDT");
    cal_free(c);
}
END_TEST

/* ---- the minute-by-minute reference ---- */

struct ref_day {
    int y, m, d;
    bool worked;
};

struct ref {
    int nseg;
    int seg[CAL_MAX_SEGMENTS][2];
    int ndays;
    struct ref_day days[128];
    int last_key; /* one-entry cache of ref_date_worked */
    bool last_worked;
    int64_t blk; /* the quarter hour of UTC in blk_tm */
    struct tm blk_tm;
};

static void ref_init(struct ref *r, const char *path)
{
    char buf[256], kind[16];
    FILE *f;

    memset(r, 0, sizeof(*r));
    r->blk = INT64_MIN;
    r->nseg = 2;
    r->seg[0][0] = 8 * 60 + 30;
    r->seg[0][1] = 12 * 60;
    r->seg[1][0] = 13 * 60 + 30;
    r->seg[1][1] = 17 * 60 + 30;
    if (!path)
        return;
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(buf, sizeof(buf), f)) {
        struct ref_day *d = &r->days[r->ndays];

        if (sscanf(buf, "%d-%d-%d,%15[a-z]", &d->y, &d->m, &d->d, kind) != 4)
            continue;
        d->worked = strcmp(kind, "workday") == 0;
        r->ndays++;
    }
    fclose(f);
}

/* Is local date tm worked? The last answer is kept, as minutes come in date order. */
static bool ref_date_worked(struct ref *r, const struct tm *tm)
{
    int key = (tm->tm_year + 1900) * 10000 + (tm->tm_mon + 1) * 100 + tm->tm_mday;
    bool worked = tm->tm_wday != 0 && tm->tm_wday != 6;

    if (key == r->last_key)
        return r->last_worked;
    for (int i = 0; i < r->ndays; i++) {
        const struct ref_day *d = &r->days[i];

        if (d->y * 10000 + d->m * 100 + d->d == key)
            worked = d->worked;
    }
    r->last_key = key;
    r->last_worked = worked;
    return worked;
}

/*
 * Is the wall-clock minute holding instant t worked? localtime_r once per
 * quarter hour of UTC: offsets and changes of clock of the zones tested fall
 * on quarter hours, so the wall clock moves with UTC inside one.
 */
static bool ref_works(struct ref *r, int64_t t)
{
    int64_t blk = t / 900 - (t % 900 < 0);
    int mod;

    if (blk != r->blk) {
        time_t tt = (time_t)(blk * 900);

        /* No ck_assert in this loop: Check records every assertion through a file. */
        if (!localtime_r(&tt, &r->blk_tm))
            return false;
        r->blk = blk;
    }
    mod = r->blk_tm.tm_hour * 60 + r->blk_tm.tm_min + (int)((t - blk * 900) / 60);
    for (int i = 0; i < r->nseg; i++) {
        if (mod >= r->seg[i][0] && mod < r->seg[i][1])
            return ref_date_worked(r, &r->blk_tm);
    }
    return false;
}

/* Working seconds in [from, to), or the instant `need` seconds are reached (*done). */
static int64_t ref_walk(struct ref *r, int64_t from, int64_t to, int64_t need, bool *done)
{
    int64_t got = 0;

    *done = false;
    for (int64_t t = from; t < to;) {
        int64_t next = t - ((t % 60) + 60) % 60 + 60;
        int64_t chunk = (next < to ? next : to) - t;

        if (ref_works(r, t)) {
            if (got + chunk >= need) {
                *done = true;
                return t + (need - got);
            }
            got += chunk;
        }
        t = next;
    }
    return got;
}

static int64_t ref_deadline(struct ref *r, int day_minutes, int64_t start, const struct tlimit *l,
                            int permille)
{
    int64_t minutes;
    bool done;
    int64_t t;

    if (l->unit == LIMIT_HOURS)
        return start + (int64_t)l->amount * 3600 * permille / 1000;
    minutes = (int64_t)l->amount * (l->unit == LIMIT_WORKDAYS ? day_minutes : 60);
    minutes = minutes * permille / 1000;
    t = ref_walk(r, start, start + 90 * 86400, minutes * 60, &done);
    return done ? t : INT64_MAX;
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void random_limit(uint64_t *seed, struct tlimit *l, int *permille)
{
    switch (rng_next(seed) % 3) {
    case 0:
        *l = (struct tlimit){.amount = 1 + (int)(rng_next(seed) % 40), .unit = LIMIT_WORK_HOURS};
        break;
    case 1:
        *l = (struct tlimit){.amount = 1 + (int)(rng_next(seed) % 15), .unit = LIMIT_WORKDAYS};
        break;
    default:
        *l = (struct tlimit){.amount = 1 + (int)(rng_next(seed) % 72), .unit = LIMIT_HOURS};
        break;
    }
    *permille = rng_next(seed) % 2 ? 1000 : 800;
}

/* cal_deadlines gives, in one walk, what cal_deadline gives for each fraction. */
static void check_in_one_walk(const struct calendar *c, int64_t start, const struct tlimit *l,
                              int i)
{
    static const int fractions[3] = {500, 800, 1000};
    int64_t got[3];

    cal_deadlines(c, start, l, fractions, 3, got);
    for (int k = 0; k < 3; k++)
        if (got[k] != cal_deadline(c, start, l, fractions[k]))
            ck_abort_msg("case %d: x%d in one walk: %s", i, fractions[k], show(got[k]));
}

/* n random starts in [from, from + span) against the reference. */
static void compare_deadlines(const struct calendar *c, struct ref *r, uint64_t seed, int n,
                              int64_t from, int64_t span)
{
    for (int i = 0; i < n; i++) {
        int64_t start = from + (int64_t)(rng_next(&seed) % (uint64_t)span);
        struct tlimit l;
        int permille;
        int64_t got, want;

        random_limit(&seed, &l, &permille);
        got = cal_deadline(c, start, &l, permille);
        want = ref_deadline(r, cal_day_minutes(c), start, &l, permille);
        check_in_one_walk(c, start, &l, i);
        if (got != want) {
            char a[64], w[64];

            snprintf(a, sizeof(a), "%s", show(start));
            snprintf(w, sizeof(w), "%s", show(want));
            ck_abort_msg("case %d: %s + %d %s x%d: got %s, want %s (%+lld s)", i, a, l.amount,
                         limit_unit_name(l.unit), permille, show(got), w, (long long)(got - want));
        }
    }
}

static void compare_minutes(const struct calendar *c, struct ref *r, uint64_t seed, int n,
                            int64_t from, int64_t span)
{
    for (int i = 0; i < n; i++) {
        int64_t a = from + (int64_t)(rng_next(&seed) % (uint64_t)span);
        int64_t b = a + (int64_t)(rng_next(&seed) % (10 * 86400));
        bool done;
        int64_t want = ref_walk(r, a, b, INT64_MAX, &done) / 60;

        int64_t got = cal_work_minutes(c, a, b);

        if (got != want)
            ck_abort_msg("case %d: [%lld, %lld): got %lld, want %lld", i, (long long)a,
                         (long long)b, (long long)got, (long long)want);
    }
}

START_TEST(random_shanghai_2026)
{
    struct calendar *c = cal_with("Asia/Shanghai", CN_2026);
    struct ref r;

    ref_init(&r, CN_2026);
    ck_assert_int_eq(r.ndays, 39);
    compare_deadlines(c, &r, 0x2026, 3000, at("2026-01-01 00:00"), 365 * 86400);
    compare_minutes(c, &r, 0x12345, 500, at("2026-01-01 00:00"), 365 * 86400);
    cal_free(c);
}
END_TEST

START_TEST(random_new_york_2015)
{
    struct calendar *c = cal_with("America/New_York", US_2015);
    struct ref r;

    ref_init(&r, US_2015);
    ck_assert_int_eq(r.ndays, 13);
    compare_deadlines(c, &r, 0x2015, 1000, at("2015-01-01 00:00"), 365 * 86400);
    /* Dense around both changes of clock. */
    compare_deadlines(c, &r, 0x38, 300, at("2015-03-01 00:00"), 10 * 86400);
    compare_deadlines(c, &r, 0x111, 300, at("2015-10-25 00:00"), 10 * 86400);
    compare_minutes(c, &r, 0x54321, 500, at("2015-01-01 00:00"), 365 * 86400);
    cal_free(c);
}
END_TEST

/* The offsets a walk learned in one zone are not used in the next. */
START_TEST(zone_change_drops_offsets)
{
    struct calendar *c = cal_with("Asia/Shanghai", CN_2026);
    struct tlimit l = {.amount = 3, .unit = LIMIT_WORKDAYS};
    int64_t start = at("2015-03-05 10:00");
    int64_t shanghai = cal_deadline(c, start, &l, 1000);
    struct ref r;

    cal_free(c);
    c = cal_with("America/New_York", US_2015);
    ref_init(&r, US_2015);
    ck_assert_int_ne(cal_deadline(c, start, &l, 1000), shanghai);
    ck_assert_int_eq(cal_deadline(c, start, &l, 1000),
                     ref_deadline(&r, cal_day_minutes(c), start, &l, 1000));
    cal_free(c);
}
END_TEST

/* Hours that straddle the changes of clock, on worked Sundays. */
START_TEST(random_new_york_odd_hours)
{
    struct calendar *c = cal_with("America/New_York", US_2015);
    struct gz_err err = {0};
    struct cal_hours h;
    struct ref r;

    ref_init(&r, US_2015);
    ck_assert_int_eq(cal_hours_parse("00:15-01:40,01:50-02:30,06:00-07:00,22:00-24:00", &h, &err),
                     0);
    cal_set_hours(c, &h);
    r.nseg = h.n;
    for (int i = 0; i < h.n; i++) {
        r.seg[i][0] = h.seg[i].start;
        r.seg[i][1] = h.seg[i].end;
    }
    ck_assert_int_eq(cal_set_day(c, 2015, 3, 8, CAL_WORKDAY), 0);
    ck_assert_int_eq(cal_set_day(c, 2015, 11, 1, CAL_WORKDAY), 0);
    r.days[r.ndays++] = (struct ref_day){2015, 3, 8, true};
    r.days[r.ndays++] = (struct ref_day){2015, 11, 1, true};
    compare_deadlines(c, &r, 0x99, 300, at("2015-03-05 00:00"), 5 * 86400);
    compare_deadlines(c, &r, 0x77, 300, at("2015-10-29 00:00"), 5 * 86400);
    compare_minutes(c, &r, 0x55, 300, at("2015-03-01 00:00"), 10 * 86400);
    compare_minutes(c, &r, 0x66, 300, at("2015-10-25 00:00"), 10 * 86400);
    cal_free(c);
}
END_TEST

Suite *suite_core_calendar(void)
{
    Suite *s = suite_create("core/calendar");
    TCase *tc = tcase_create("calendar");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, hours_parse);
    tcase_add_test(tc, new_and_days);
    tcase_add_test(tc, copy_and_date_parse);
    tcase_add_test(tc, csv_shipped_files);
    tcase_add_test(tc, csv_errors);
    tcase_add_test(tc, plain_work_hours);
    tcase_add_test(tc, plain_workdays_and_hours);
    tcase_add_test(tc, no_workday_ever);
    tcase_add_test(tc, cn_2026_holidays);
    tcase_add_test(tc, ny_dst);
    tcase_add_test(tc, ny_dst_odd_hours);
    tcase_add_test(tc, random_shanghai_2026);
    tcase_add_test(tc, random_new_york_2015);
    tcase_add_test(tc, random_new_york_odd_hours);
    tcase_add_test(tc, zone_change_drops_offsets);
    suite_add_tcase(s, tc);
    return s;
}
