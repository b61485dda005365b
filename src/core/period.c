/*
 * period.c - local days and assessment periods (see period.h). Civil-date
 * arithmetic on day numbers (H. Hinnant's days_from_civil), the zone only
 * where an instant meets a day (day_of, day_start).
 */
#include "gz.h"

#include <ctype.h>

#include "core/period.h"

#define YEAR_MIN 1970
#define YEAR_MAX 9999

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t day_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = floor_div(yy, 400);
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

void day_to_civil(int64_t day, int *y, int *m, int *d)
{
    int64_t z = day + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;

    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int day_weekday(int64_t day)
{
    /* 1970-01-01 was a Thursday (4) */
    int64_t w = (day + 3) % 7;

    return (int)(w < 0 ? w + 7 : w) + 1;
}

int64_t day_of(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!localtime_r(&tt, &tm))
        return floor_div(t, 86400);
    return day_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int64_t day_start(int64_t day)
{
    struct tm tm = {0};
    int y, m, d;

    day_to_civil(day, &y, &m, &d);
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

void day_format(int64_t day, char *out, size_t size)
{
    int y, m, d;

    day_to_civil(day, &y, &m, &d);
    snprintf(out, size, "%04d-%02d-%02d", y, m, d);
}

/* ---- ISO weeks ---- */

/* The Monday of ISO week 1 of year y (the week holding January 4th). */
static int64_t iso_week1(int y)
{
    int64_t jan4 = day_from_civil(y, 1, 4);

    return jan4 - (day_weekday(jan4) - 1);
}

static int iso_weeks(int y)
{
    return (int)((iso_week1(y + 1) - iso_week1(y)) / 7);
}

/* ---- building periods ---- */

static void set_month(struct period *p, int y, int m, int start_day)
{
    /* with a start day past the 1st, the month is named after the month it ends in */
    int off = start_day > 1 ? -1 : 0;
    int64_t months = (int64_t)y * 12 + (m - 1) + off;
    int fy = (int)floor_div(months, 12), fm = (int)(months - (int64_t)fy * 12) + 1;
    int ty = fm == 12 ? fy + 1 : fy, tm = fm == 12 ? 1 : fm + 1;

    p->kind = PERIOD_MONTH;
    p->from = day_from_civil(fy, fm, start_day);
    p->to = day_from_civil(ty, tm, start_day);
    snprintf(p->name, sizeof(p->name), "%04d-%02d", y, m);
}

static void set_year(struct period *p, int y, int start_day)
{
    p->kind = PERIOD_YEAR;
    p->from = start_day > 1 ? day_from_civil(y - 1, 12, start_day) : day_from_civil(y, 1, 1);
    p->to = start_day > 1 ? day_from_civil(y, 12, start_day) : day_from_civil(y + 1, 1, 1);
    snprintf(p->name, sizeof(p->name), "%04d", y);
}

static void set_week(struct period *p, int y, int w)
{
    p->kind = PERIOD_WEEK;
    p->from = iso_week1(y) + (int64_t)(w - 1) * 7;
    p->to = p->from + 7;
    snprintf(p->name, sizeof(p->name), "%04d-W%02d", y, w);
}

static void set_day(struct period *p, int64_t day)
{
    p->kind = PERIOD_DAY;
    p->from = day;
    p->to = day + 1;
    day_format(day, p->name, sizeof(p->name));
}

static int clamp_start(int start_day)
{
    return start_day < 1 ? 1 : start_day > PERIOD_START_MAX ? PERIOD_START_MAX : start_day;
}

void period_at(enum period_kind kind, int64_t day, int start_day, struct period *out)
{
    int y, m, d;

    start_day = clamp_start(start_day);
    memset(out, 0, sizeof(*out));
    out->start_day = start_day;
    day_to_civil(day, &y, &m, &d);
    switch (kind) {
    case PERIOD_DAY: set_day(out, day); break;
    case PERIOD_WEEK: {
        int64_t thursday = day - (day_weekday(day) - 1) + 3;
        int ty, tm, td;
        day_to_civil(thursday, &ty, &tm, &td);
        set_week(out, ty, (int)((thursday - day_from_civil(ty, 1, 1)) / 7) + 1);
        break;
    }
    case PERIOD_MONTH:
        if (start_day > 1 && d >= start_day) {
            y += m == 12;
            m = m == 12 ? 1 : m + 1;
        }
        set_month(out, y, m, start_day);
        break;
    case PERIOD_YEAR:
        set_year(out, start_day > 1 && m == 12 && d >= start_day ? y + 1 : y, start_day);
        break;
    }
}

void period_prev(const struct period *p, struct period *out)
{
    period_at(p->kind, p->from - 1, p->start_day, out);
}

void period_next(const struct period *p, struct period *out)
{
    period_at(p->kind, p->to, p->start_day, out);
}

/* ---- parsing ---- */

/* Exactly n digits at s; the value, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bool date_valid(int y, int m, int d)
{
    int y2, m2, d2;

    if (m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    day_to_civil(day_from_civil(y, m, d), &y2, &m2, &d2);
    return m2 == m && d2 == d;
}

static int bad(const char *field, struct gz_err *err)
{
    return gz_fail(err, GZ_EBADREQ, field,
                   "%s must be a year (2026), a month (2026-11), an ISO week (2026-W47) or a day"
                   " (2026-11-05), from 1970 to 9999",
                   field);
}

int period_parse(const char *s, int start_day, const char *field, struct period *out,
                 struct gz_err *err)
{
    size_t n = s ? strlen(s) : 0;
    int y = n >= 4 ? digits(s, 4) : -1, m, d;

    memset(out, 0, sizeof(*out));
    out->start_day = clamp_start(start_day);
    if (y < YEAR_MIN || y > YEAR_MAX || (n > 4 && s[4] != '-'))
        return bad(field, err);
    if (n == 4) {
        set_year(out, y, out->start_day);
        return 0;
    }
    if (n == 8 && s[5] == 'W') {
        int w = digits(s + 6, 2);
        if (w < 1 || w > iso_weeks(y))
            return bad(field, err);
        set_week(out, y, w);
        return 0;
    }
    m = n == 7 || n == 10 ? digits(s + 5, 2) : -1;
    if (n == 7 && m >= 1 && m <= 12) {
        set_month(out, y, m, out->start_day);
        return 0;
    }
    d = n == 10 && s[7] == '-' ? digits(s + 8, 2) : -1;
    if (n == 10 && date_valid(y, m, d)) {
        set_day(out, day_from_civil(y, m, d));
        return 0;
    }
    return bad(field, err);
}

static const char *const kind_names[] = {"day", "week", "month", "year"};

const char *period_kind_name(enum period_kind k)
{
    return (unsigned)k < GZ_ARRAY_LEN(kind_names) ? kind_names[k] : "unknown";
}

int period_kind_parse(const char *s)
{
    for (size_t i = 0; i < GZ_ARRAY_LEN(kind_names); i++)
        if (strcmp(s, kind_names[i]) == 0)
            return (int)i;
    return -1;
}
