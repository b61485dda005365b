/*
 * calendar.c - the working calendar over HTTP (DESIGN §4: holidays and the
 * weekend days made workdays, 调休).
 *   GET /api/v1/calendar?year=2026      anyone signed in: the zone, the
 *                                       minutes of a working day, the year's overrides
 *   PUT /api/v1/calendar/{YYYY-MM-DD}   root admins: {"kind": "holiday" | "workday" | "default"}
 * The running calendar is read by every request without a lock, so a change
 * is made on a copy, stored, and swapped in; the replaced calendar may still
 * be in a request's hands, so it is kept until the process closes.
 */
#include "gz.h"

#include <pthread.h>

#include "api/api_util.h"
#include "core/calendar.h"
#include "store/store.h"
#include "util/json.h"

static pthread_mutex_t swap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct calendar **retired;
static size_t n_retired;

void api_calendar_retired_free(void)
{
    pthread_mutex_lock(&swap_lock);
    for (size_t i = 0; i < n_retired; i++)
        cal_free(retired[i]);
    free(retired);
    retired = NULL;
    n_retired = 0;
    pthread_mutex_unlock(&swap_lock);
}

static const char *const kind_names[] = {"default", "holiday", "workday"};

struct year_days {
    int year;
    json_t *days;
};

static int add_day(void *ctx, int y, int m, int d, enum cal_day_kind kind)
{
    struct year_days *x = ctx;
    char date[16];

    if (y != x->year)
        return 0;
    snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
    json_array_append_new(x->days, json_pack("{s:s, s:s}", "date", date, "kind", kind_names[kind]));
    return 0;
}

static void get_calendar(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    const struct calendar *cal;
    const char *q = http_query(r, "year");
    struct year_days x = {0, NULL};
    char *end = NULL;
    time_t now = time(NULL);
    struct tm tm;

    if (api_principal(r, app, &p))
        return;
    x.year = localtime_r(&now, &tm) ? tm.tm_year + 1900 : 2026;
    if (q) {
        long v = strtol(q, &end, 10);
        if (end == q || *end || v < 1900 || v > 2999) {
            http_reply_error(r, 400, "bad_request", "year", "year must be 1900-2999");
            return;
        }
        x.year = (int)v;
    }
    cal = app->cal;
    x.days = json_array();
    cal_each_override(cal, add_day, &x);
    http_reply_json(r, 200,
                    json_pack("{s:s, s:i, s:i, s:o}", "timezone", cal_tz(cal), "day_minutes",
                              cal_day_minutes(cal), "year", x.year, "days", x.days));
}

static int parse_kind(const json_t *body, enum cal_day_kind *kind, struct gz_err *err)
{
    static const char *const keys[] = {"kind", NULL};
    char name[16];

    if (json_check_keys(body, keys, err) ||
        json_get_str(body, "kind", name, sizeof(name), true, err) < 0)
        return err->code ? err->code : GZ_EINVAL;
    for (size_t i = 0; i < GZ_ARRAY_LEN(kind_names); i++)
        if (!strcmp(name, kind_names[i])) {
            *kind = (enum cal_day_kind)i;
            return 0;
        }
    return gz_fail(err, GZ_EINVAL, "kind", "kind must be holiday, workday or default");
}

/* Store the day, then swap in a copy of the running calendar that has it. */
static int change_day(struct app *app, const char *date, int ymd[3], enum cal_day_kind kind,
                      struct gz_err *err)
{
    struct calendar *next, *old, **more;
    int rc;

    pthread_mutex_lock(&swap_lock);
    old = app->cal;
    more = realloc(retired, (n_retired + 1) * sizeof(*retired));
    if (more)
        retired = more;
    next = more ? cal_copy(old) : NULL;
    if (!next)
        rc = gz_fail(err, GZ_ENOMEM, "", "out of memory");
    else if ((rc = cal_set_day(next, ymd[0], ymd[1], ymd[2], kind)) ||
             (rc = store_calendar_set(app->store, date, kind, err))) {
        if (!err->code)
            gz_fail(err, rc, "date", "the calendar could not take %s", date);
        cal_free(next);
    } else {
        retired[n_retired++] = old;
        app->cal = next;
    }
    pthread_mutex_unlock(&swap_lock);
    return rc;
}

static void put_day(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    const char *date = http_param(r, "date");
    enum cal_day_kind kind = CAL_DEFAULT;
    struct gz_err err = {0};
    int ymd[3];
    json_t *body;

    if (api_principal(r, app, &p))
        return;
    if (!api_root_admin(app, &p)) {
        api_forbidden(r, "change the working calendar (root admins)");
        return;
    }
    if (cal_date_parse(date, &ymd[0], &ymd[1], &ymd[2])) {
        http_reply_error(r, 400, "bad_request", "date", "the date must be YYYY-MM-DD (1900-2999)");
        return;
    }
    if (!(body = api_body(r)))
        return;
    if (parse_kind(body, &kind, &err) || change_day(app, date, ymd, kind, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 200, json_pack("{s:s, s:s}", "date", date, "kind", kind_names[kind]));
    json_decref(body);
}

int api_calendar_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/calendar", get_calendar) ||
           router_add(r, "PUT", "/api/v1/calendar/{date}", put_day);
}
