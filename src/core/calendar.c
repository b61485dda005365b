/*
 * calendar.c - the city's working calendar and deadline arithmetic (see
 * calendar.h).
 *
 * DESIGN
 *
 * Working time is a set of instants: those whose local wall clock reads a
 * minute inside a working segment of a date that is worked. Every
 * computation here is a walk over that set in UTC order, so deadlines and
 * minute counts agree with each other and with a minute-by-minute count,
 * on every day including the 23- and 25-hour days of daylight saving.
 * Consequences of that one definition:
 *   - a deadline that lands exactly on a segment end is that end (12:00,
 *     not 13:30);
 *   - a segment starting inside a spring-forward gap starts at the
 *     transition, the next moment that exists; one spanning a fall-back
 *     hour counts the repeated wall time twice, as the clock shows it.
 *
 * Time zone: the process TZ variable, set by cal_new (setenv + tzset), and
 * localtime_r afterwards. One process serves one city; cal_new must run
 * before threads start, and a second calendar in another zone replaces the
 * zone of the first. After that everything is read-only and thread-safe.
 *
 * The walk splits time into periods of constant UTC offset. It probes the
 * offset a week ahead and bisects when it changed, so it assumes no zone
 * changes its offset and back within a week (true of every DST rule).
 *
 * Dates are kept as day numbers (days since 1970-01-01); overrides are a
 * sorted array of (day, kind), a few dozen entries a year.
 */
#include "gz.h"

#include <unistd.h>

#include "core/calendar.h"

#define CAL_TZ_MAX 64
#define CAL_DEFAULT_TZ "Asia/Shanghai"
#define CAL_DEFAULT_HOURS "08:30-12:00,13:30-17:30"
#define CAL_DAY 86400
#define CAL_PROBE_STEP (7 * CAL_DAY)
/* A deadline walk gives up after this long without a workday ... */
#define CAL_IDLE_DAYS 400
/* ... or this long in all (far beyond any limit tlimit_parse accepts). */
#define CAL_HORIZON ((int64_t)50 * 366 * CAL_DAY)
/* Instants we convert: years 1 to 9999. */
#define CAL_T_MIN (-62135596800LL)
#define CAL_T_MAX 253402300799LL

struct override {
    int32_t day;
    int32_t kind;
};

struct calendar {
    char tz[CAL_TZ_MAX];
    struct cal_hours hours;
    int day_minutes;
    size_t n, cap;
    struct override *days; /* sorted by day, no CAL_DEFAULT entries */
};

/* ---- dates ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
    int64_t yy = y - (m <= 2);
    int64_t era = floor_div(yy, 400);
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

static bool date_valid(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
        return false;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

/* 0 = Sunday; day 0 was a Thursday. */
static int weekday(int64_t day)
{
    return (int)(((day + 4) % 7 + 7) % 7);
}

/* Index of `day` in c->days, or of where it would go (*found false). */
static size_t override_find(const struct calendar *c, int64_t day, bool *found)
{
    size_t lo = 0, hi = c->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (c->days[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < c->n && c->days[lo].day == day;
    return lo;
}

static bool day_worked(const struct calendar *c, int64_t day)
{
    bool found;
    size_t i = override_find(c, day, &found);
    int wd;

    if (found)
        return c->days[i].kind == CAL_WORKDAY;
    wd = weekday(day);
    return wd != 0 && wd != 6;
}

/* ---- lifecycle ---- */

/* An IANA name we can hand to TZ: no absolute paths, no "..", a zoneinfo file. */
static bool tz_valid(const char *tz)
{
    const char *dir = getenv("TZDIR");
    char path[512];
    size_t n = strlen(tz);

    if (n == 0 || n >= CAL_TZ_MAX || tz[0] == '/' || strstr(tz, ".."))
        return false;
    for (const char *p = tz; *p; p++) {
        bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= '0' && *p <= '9') || strchr("/_+-", *p);
        if (!ok)
            return false;
    }
    snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
    return access(path, R_OK) == 0;
}

struct calendar *cal_new(const char *tz, struct gz_err *err)
{
    struct calendar *c;
    struct cal_hours h;

    if (!tz || !*tz)
        tz = CAL_DEFAULT_TZ;
    if (!tz_valid(tz)) {
        gz_fail(err, GZ_EINVAL, "timezone", "unknown time zone \"%.64s\"", tz);
        return NULL;
    }
    c = calloc(1, sizeof(*c));
    if (!c) {
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        return NULL;
    }
    snprintf(c->tz, sizeof(c->tz), "%s", tz);
    if (cal_hours_parse(CAL_DEFAULT_HOURS, &h, err) == 0)
        cal_set_hours(c, &h);
    /* The process zone: see DESIGN above (one city per process, before threads). */
    setenv("TZ", c->tz, 1);
    tzset();
    return c;
}

struct calendar *cal_new_plain(void)
{
    struct calendar *c = calloc(1, sizeof(*c));
    struct cal_hours h;

    if (c && cal_hours_parse(CAL_DEFAULT_HOURS, &h, NULL) == 0)
        cal_set_hours(c, &h);
    return c;
}

/* The civil date of a day number (inverse of days_from_civil; Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = floor_div(z, 146097);
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int cal_each_override(const struct calendar *c,
                      int (*fn)(void *ctx, int year, int month, int day, enum cal_day_kind kind),
                      void *ctx)
{
    for (size_t i = 0; i < c->n; i++) {
        int y, m, d, rc;
        civil_from_days(c->days[i].day, &y, &m, &d);
        rc = fn(ctx, y, m, d, (enum cal_day_kind)c->days[i].kind);
        if (rc)
            return rc;
    }
    return 0;
}

void cal_free(struct calendar *c)
{
    if (!c)
        return;
    free(c->days);
    free(c);
}

static int override_reserve(struct calendar *c, size_t want);

struct calendar *cal_copy(const struct calendar *c)
{
    struct calendar *k = calloc(1, sizeof(*k));

    if (!k)
        return NULL;
    *k = *c;
    k->days = NULL;
    k->cap = 0;
    if (c->n && override_reserve(k, c->n)) {
        free(k);
        return NULL;
    }
    if (c->n)
        memcpy(k->days, c->days, c->n * sizeof(c->days[0]));
    return k;
}

const char *cal_tz(const struct calendar *c)
{
    return c->tz;
}

/* ---- working hours ---- */

/* "HH:MM" (hour of one or two digits) at *p; minutes after midnight, or -1. */
static int parse_hhmm(const char **p)
{
    const char *s = *p;
    int h = 0, digits = 0;

    while (*s >= '0' && *s <= '9' && digits < 2) {
        h = h * 10 + (*s++ - '0');
        digits++;
    }
    if (digits == 0 || *s != ':' || s[1] < '0' || s[1] > '5' || s[2] < '0' || s[2] > '9')
        return -1;
    *p = s + 3;
    h = h * 60 + (s[1] - '0') * 10 + (s[2] - '0');
    return h <= 24 * 60 ? h : -1;
}

static void skip_blanks(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

/* One "HH:MM-HH:MM" at *p into h->seg[h->n]. */
static int parse_segment(const char **p, struct cal_hours *h, struct gz_err *err)
{
    int start, end;

    skip_blanks(p);
    start = parse_hhmm(p);
    if (start < 0 || **p != '-')
        return gz_fail(err, GZ_EINVAL, "working_hours", "expected HH:MM-HH:MM");
    (*p)++;
    end = parse_hhmm(p);
    if (end < 0)
        return gz_fail(err, GZ_EINVAL, "working_hours", "expected HH:MM-HH:MM");
    if (start >= end)
        return gz_fail(err, GZ_EINVAL, "working_hours", "a segment must end after it starts");
    if (h->n > 0 && start < h->seg[h->n - 1].end)
        return gz_fail(err, GZ_EINVAL, "working_hours", "segments must be ascending and disjoint");
    if (h->n == CAL_MAX_SEGMENTS)
        return gz_fail(err, GZ_EINVAL, "working_hours", "at most %d segments", CAL_MAX_SEGMENTS);
    h->seg[h->n].start = start;
    h->seg[h->n].end = end;
    h->n++;
    skip_blanks(p);
    return 0;
}

int cal_hours_parse(const char *s, struct cal_hours *out, struct gz_err *err)
{
    struct cal_hours h = {0};
    int rc;

    if (!s)
        return gz_fail(err, GZ_EINVAL, "working_hours", "missing");
    for (;;) {
        rc = parse_segment(&s, &h, err);
        if (rc)
            return rc;
        if (*s == '\0')
            break;
        if (*s++ != ',')
            return gz_fail(err, GZ_EINVAL, "working_hours", "expected ',' between segments");
    }
    *out = h;
    return 0;
}

void cal_set_hours(struct calendar *c, const struct cal_hours *h)
{
    int sum = 0;

    c->hours = *h;
    for (int i = 0; i < h->n; i++)
        sum += h->seg[i].end - h->seg[i].start;
    c->day_minutes = sum;
}

int cal_day_minutes(const struct calendar *c)
{
    return c->day_minutes;
}

/* ---- overrides ---- */

/* Make room for `want` overrides. */
static int override_reserve(struct calendar *c, size_t want)
{
    size_t cap = c->cap ? c->cap : 64;
    struct override *d;

    if (want <= c->cap)
        return 0;
    if (want > CAL_MAX_OVERRIDES)
        return GZ_ETOOBIG;
    while (cap < want)
        cap *= 2;
    d = realloc(c->days, cap * sizeof(*d));
    if (!d)
        return GZ_ENOMEM;
    c->days = d;
    c->cap = cap;
    return 0;
}

int cal_set_day(struct calendar *c, int year, int month, int day, enum cal_day_kind kind)
{
    int64_t dn;
    bool found;
    size_t i;
    int rc;

    if (!date_valid(year, month, day) || (int)kind < CAL_DEFAULT || (int)kind > CAL_WORKDAY)
        return GZ_EINVAL;
    dn = days_from_civil(year, month, day);
    i = override_find(c, dn, &found);
    if (found && kind == CAL_DEFAULT) {
        memmove(&c->days[i], &c->days[i + 1], (c->n - i - 1) * sizeof(c->days[0]));
        c->n--;
    } else if (found) {
        c->days[i].kind = kind;
    } else if (kind != CAL_DEFAULT) {
        rc = override_reserve(c, c->n + 1);
        if (rc)
            return rc;
        memmove(&c->days[i + 1], &c->days[i], (c->n - i) * sizeof(c->days[0]));
        c->days[i] = (struct override){.day = (int32_t)dn, .kind = kind};
        c->n++;
    }
    return 0;
}

bool cal_is_workday(const struct calendar *c, int year, int month, int day)
{
    if (!date_valid(year, month, day))
        return false;
    return day_worked(c, days_from_civil(year, month, day));
}

/* ---- the walk over working time ---- */

static int64_t gmtoff_at(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!localtime_r(&tt, &tm))
        return 0;
    return tm.tm_gmtoff;
}

/* End (exclusive) of the constant-offset period holding u, at most a probe step ahead. */
static int64_t period_end(int64_t u, int64_t off)
{
    int64_t lo = u, hi = u + CAL_PROBE_STEP;

    if (gmtoff_at(hi) == off)
        return hi;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;

        if (gmtoff_at(mid) == off)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

/*
 * Constant-offset periods found by earlier walks, per thread, each grown
 * while the next probe finds the same offset; so a walk over weeks asks
 * localtime_r nothing once its thread has walked there. Keyed by the TZ
 * variable's string: cal_new (or a test) setting another zone drops them.
 */
#define CAL_SPANS 4
struct span {
    int64_t lo, hi, off;
};
static _Thread_local struct {
    const char *tz;
    int next;
    struct span s[CAL_SPANS];
} spans;

static void spans_check_zone(void)
{
    const char *tz = getenv("TZ");

    if (tz != spans.tz) {
        memset(&spans, 0, sizeof(spans));
        spans.tz = tz;
    }
}

/* The UTC offset at u and the end (exclusive) of the period holding it. */
static int64_t zone_period(int64_t u, int64_t *end)
{
    struct span *s = spans.s;
    int64_t off;

    for (int i = 0; i < CAL_SPANS; i++)
        if (s[i].lo <= u && u < s[i].hi) {
            *end = s[i].hi;
            return s[i].off;
        }
    off = gmtoff_at(u);
    *end = period_end(u, off);
    for (int i = 0; i < CAL_SPANS; i++)
        if (s[i].lo < s[i].hi && s[i].hi == u && s[i].off == off) {
            s[i].hi = *end;
            return off;
        }
    s[spans.next] = (struct span){u, *end, off};
    spans.next = (spans.next + 1) % CAL_SPANS;
    return off;
}

/*
 * A walk: working seconds counted so far, and the targets it looks for
 * (ascending), each with the instant it was reached (INT64_MAX until then).
 */
struct walk {
    int64_t got;
    int n, reached;
    int64_t need[CAL_TARGETS];
    int64_t at[CAL_TARGETS];
    int idle; /* consecutive dates without a workday */
};

/*
 * Count working time on local date `day` within wall seconds [w, wend) of a
 * period with offset `off`. Returns true when every target is reached.
 */
static bool walk_day(const struct calendar *c, struct walk *wk, int64_t day, int64_t w,
                     int64_t wend, int64_t off)
{
    int64_t d0 = day * CAL_DAY;

    if (!day_worked(c, day)) {
        wk->idle++;
        return false;
    }
    wk->idle = 0;
    for (int i = 0; i < c->hours.n; i++) {
        int64_t a = d0 + (int64_t)c->hours.seg[i].start * 60;
        int64_t b = d0 + (int64_t)c->hours.seg[i].end * 60;

        a = a > w ? a : w;
        b = b < wend ? b : wend;
        if (a >= b)
            continue;
        for (; wk->reached < wk->n && wk->need[wk->reached] - wk->got <= b - a; wk->reached++)
            wk->at[wk->reached] = a + (wk->need[wk->reached] - wk->got) - off;
        if (wk->reached == wk->n)
            return true;
        wk->got += b - a;
    }
    return false;
}

/* Walk the working time in UTC [from, to) until every target is reached. */
static void walk(const struct calendar *c, struct walk *wk, int64_t from, int64_t to,
                 bool give_up_idle)
{
    int64_t u = from;

    spans_check_zone();
    while (u < to) {
        int64_t pend, off = zone_period(u, &pend);
        int64_t w, wend;

        pend = pend < to ? pend : to;
        for (w = u + off, wend = pend + off; w < wend;) {
            int64_t day = floor_div(w, CAL_DAY);
            int64_t dend = (day + 1) * CAL_DAY;

            dend = dend < wend ? dend : wend;
            if (walk_day(c, wk, day, w, dend, off))
                return;
            if (give_up_idle && wk->idle > CAL_IDLE_DAYS)
                return;
            w = dend;
        }
        u = pend;
    }
}

/* Working seconds a working-kind limit stands for, or -1 on overflow. */
static int64_t limit_seconds(const struct calendar *c, const struct tlimit *limit, int permille)
{
    int64_t per = limit->unit == LIMIT_WORKDAYS ? c->day_minutes : 60;
    int64_t minutes;

    if (__builtin_mul_overflow((int64_t)limit->amount, per, &minutes) ||
        __builtin_mul_overflow(minutes, (int64_t)permille, &minutes))
        return -1;
    minutes /= 1000;
    return minutes > CAL_HORIZON / 60 ? -1 : minutes * 60;
}

static int64_t clock_deadline(int64_t start, const struct tlimit *limit, int permille)
{
    int64_t s, r;

    if (__builtin_mul_overflow((int64_t)limit->amount, (int64_t)3600 * permille, &s) ||
        __builtin_add_overflow(start, s / 1000, &r))
        return INT64_MAX;
    return r;
}

/* The deadline when it needs no walk (true), else the working seconds to walk for. */
static bool deadline_unwalked(const struct calendar *c, int64_t start, const struct tlimit *limit,
                              int permille, int64_t *at, int64_t *need)
{
    /* Callers never pass unset limits; a zero or negative one costs no time. */
    if (limit->amount <= 0 || permille <= 0) {
        *at = start;
        return true;
    }
    if (limit->unit == LIMIT_HOURS) {
        *at = clock_deadline(start, limit, permille);
        return true;
    }
    *need = limit_seconds(c, limit, permille);
    if (*need == 0)
        *at = start;
    else if (*need < 0 || c->day_minutes == 0 || start < CAL_T_MIN || start > CAL_T_MAX)
        *at = INT64_MAX;
    else
        return false;
    return true;
}

void cal_deadlines(const struct calendar *c, int64_t start, const struct tlimit *limit,
                   const int *permille, int n, int64_t *out)
{
    struct walk wk = {.n = 0};
    int slot[CAL_TARGETS];

    n = n < CAL_TARGETS ? n : CAL_TARGETS;
    for (int i = 0; i < n; i++) {
        int64_t need;

        slot[i] = -1;
        if (deadline_unwalked(c, start, limit, permille[i], &out[i], &need))
            continue;
        slot[i] = wk.n;
        wk.need[wk.n] = need;
        wk.at[wk.n++] = INT64_MAX;
    }
    if (wk.n)
        walk(c, &wk, start, start + CAL_HORIZON, true);
    for (int i = 0; i < n; i++)
        if (slot[i] >= 0)
            out[i] = wk.at[slot[i]];
}

int64_t cal_deadline(const struct calendar *c, int64_t start, const struct tlimit *limit,
                     int permille)
{
    int64_t at;

    cal_deadlines(c, start, limit, &permille, 1, &at);
    return at;
}

int64_t cal_work_minutes(const struct calendar *c, int64_t from, int64_t to)
{
    struct walk wk = {.n = 1, .need = {INT64_MAX}, .at = {INT64_MAX}};

    if (to <= from || c->day_minutes == 0)
        return 0;
    from = from > CAL_T_MIN ? from : CAL_T_MIN;
    to = to < CAL_T_MAX ? to : CAL_T_MAX;
    walk(c, &wk, from, to, false);
    return wk.got / 60;
}

/* ---- CSV ---- */

struct field {
    const char *p;
    size_t n;
};

/* Field `idx` of line [p, end): split on commas, blanks and one pair of quotes trimmed. */
static struct field csv_field(const char *p, const char *end, int idx)
{
    struct field f;
    const char *q;

    for (; idx > 0 && p < end; idx--) {
        q = memchr(p, ',', (size_t)(end - p));
        p = q ? q + 1 : end;
    }
    q = memchr(p, ',', (size_t)(end - p));
    q = q ? q : end;
    while (p < q && (*p == ' ' || *p == '\t'))
        p++;
    while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
        q--;
    if (q - p >= 2 && *p == '"' && q[-1] == '"') {
        p++;
        q--;
    }
    f.p = p;
    f.n = (size_t)(q - p);
    return f;
}

static bool field_is(struct field f, const char *s)
{
    return f.n == strlen(s) && strncasecmp(f.p, s, f.n) == 0;
}

static int two_digits(const char *p)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return -1;
    return (p[0] - '0') * 10 + (p[1] - '0');
}

/* "YYYY-MM-DD" to a day number, or -1 when it is not a date we accept. */
static int64_t parse_date(struct field f)
{
    int hi, lo, m, d;

    if (f.n != 10 || f.p[4] != '-' || f.p[7] != '-')
        return -1;
    hi = two_digits(f.p);
    lo = two_digits(f.p + 2);
    m = two_digits(f.p + 5);
    d = two_digits(f.p + 8);
    if (hi < 0 || lo < 0 || m < 0 || d < 0 || !date_valid(hi * 100 + lo, m, d))
        return -1;
    return days_from_civil(hi * 100 + lo, m, d);
}

int cal_date_parse(const char *s, int *year, int *month, int *day)
{
    int64_t dn = parse_date((struct field){s, strlen(s)});

    if (dn < 0)
        return -1;
    civil_from_days(dn, year, month, day);
    return 0;
}

/* Overrides read from a file before any is applied, so a bad file changes nothing. */
struct csv_day {
    int32_t day;
    int32_t kind;
    int line;
};

struct csv_days {
    size_t n, cap;
    struct csv_day *v;
};

static int csv_days_push(struct csv_days *cd, int64_t day, int kind, int line)
{
    if (cd->n == cd->cap) {
        size_t cap = cd->cap ? cd->cap * 2 : 64;
        struct csv_day *v;

        if (cd->n >= CAL_MAX_OVERRIDES)
            return GZ_ETOOBIG;
        v = realloc(cd->v, cap * sizeof(*v));
        if (!v)
            return GZ_ENOMEM;
        cd->v = v;
        cd->cap = cap;
    }
    cd->v[cd->n++] = (struct csv_day){.day = (int32_t)day, .kind = kind, .line = line};
    return 0;
}

/* One data line; returns 0 or a GZ_E* code with err filled. */
static int csv_line(struct csv_days *cd, const char *p, const char *end, int line,
                    struct gz_err *err)
{
    struct field kf = csv_field(p, end, 1);
    int64_t day = parse_date(csv_field(p, end, 0));
    int kind, rc;

    if (day < 0)
        return gz_fail(err, GZ_EINVAL, "date", "line %d: expected a date YYYY-MM-DD", line);
    if (field_is(kf, "holiday"))
        kind = CAL_HOLIDAY;
    else if (field_is(kf, "workday"))
        kind = CAL_WORKDAY;
    else
        return gz_fail(err, GZ_EINVAL, "kind", "line %d: kind must be holiday or workday", line);
    rc = csv_days_push(cd, day, kind, line);
    if (rc)
        return gz_fail(err, rc, "calendar", "line %d: too many days", line);
    return 0;
}

static int csv_day_cmp(const void *a, const void *b)
{
    const struct csv_day *x = a, *y = b;

    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* Sort by date; a date listed twice is an error on its second line. */
static int csv_days_sort(struct csv_days *cd, int *line, struct gz_err *err)
{
    if (cd->n > 1)
        qsort(cd->v, cd->n, sizeof(cd->v[0]), csv_day_cmp);
    for (size_t i = 1; i < cd->n; i++) {
        if (cd->v[i].day == cd->v[i - 1].day) {
            *line = cd->v[i].line;
            return gz_fail(err, GZ_EINVAL, "date", "line %d: date already on line %d",
                           cd->v[i].line, cd->v[i - 1].line);
        }
    }
    return 0;
}

static bool blank(const char *p, const char *end)
{
    for (; p < end; p++) {
        if (*p != ' ' && *p != '\t')
            return false;
    }
    return true;
}

/* Split text into lines (BOM, CRLF tolerated), check the header, collect the days. */
static int csv_parse(struct csv_days *cd, const char *text, size_t len, int *line,
                     struct gz_err *err)
{
    const char *p = text, *end = text + len;
    bool header = false;
    int rc;

    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    for (*line = 1; p < end; (*line)++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;

        if (le > p && le[-1] == '\r')
            le--;
        if (blank(p, le)) {
            p = next;
            continue;
        }
        if (!header) {
            if (!field_is(csv_field(p, le, 0), "date") || !field_is(csv_field(p, le, 1), "kind"))
                return gz_fail(err, GZ_EINVAL, "calendar",
                               "line %d: expected the header date,kind[,occasion]", *line);
            header = true;
        } else {
            rc = csv_line(cd, p, le, *line, err);
            if (rc)
                return rc;
        }
        p = next;
    }
    if (!header)
        return gz_fail(err, GZ_EINVAL, "calendar", "line %d: no header date,kind[,occasion]",
                       *line);
    return 0;
}

/* Merge the days in; room is made first so that nothing fails half-way. */
static int cal_apply(struct calendar *c, const struct csv_days *cd, struct gz_err *err)
{
    int rc = override_reserve(c, c->n + cd->n);

    if (rc)
        return gz_fail(err, rc, "calendar", "too many days");
    for (size_t i = 0; i < cd->n; i++) {
        bool found;
        size_t at = override_find(c, cd->v[i].day, &found);

        if (!found) {
            memmove(&c->days[at + 1], &c->days[at], (c->n - at) * sizeof(c->days[0]));
            c->n++;
        }
        c->days[at] = (struct override){.day = cd->v[i].day, .kind = cd->v[i].kind};
    }
    return 0;
}

int cal_load_csv(struct calendar *c, const char *text, size_t len, int *line, struct gz_err *err)
{
    struct csv_days cd = {0};
    int where = 0;
    int rc;

    rc = csv_parse(&cd, text, len, &where, err);
    if (rc)
        goto out;
    rc = csv_days_sort(&cd, &where, err);
    if (rc)
        goto out;
    where = 0;
    rc = cal_apply(c, &cd, err);
out:
    if (line)
        *line = rc ? where : 0;
    free(cd.v);
    return rc;
}
