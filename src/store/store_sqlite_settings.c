/*
 * store_sqlite_settings.c - city configuration (key/value) and the calendar
 * overrides on SQLite.
 */
#include "gz.h"

#include "store/sq.h"
#include "store/store_sqlite.h"

int sq_setting_read(struct sqconn *c, const char *key, char *out, size_t size, struct gz_err *err)
{
    return sq_key_read(c, "SELECT value FROM settings WHERE key = ?1", key, out, size, err);
}

int sq_setting_write(struct sqconn *c, const char *key, const char *value, struct gz_err *err)
{
    return sq_key_write(c,
                        "INSERT INTO settings(key, value) VALUES(?1, ?2)"
                        " ON CONFLICT(key) DO UPDATE SET value = ?2",
                        key, value, err);
}

int sqo_setting_get(struct store *s, const char *key, char *out, size_t size, struct gz_err *err)
{
    static const char sql[] = "SELECT value FROM settings WHERE key = ?1";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, key);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        sq_col_text(st, 0, out, size);
    else if (rc == SQLITE_DONE)
        rc = gz_fail(err, GZ_ENOTFOUND, key, "setting %s is not set", key);
    rc = rc < 0 ? rc : sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

struct setting_job {
    const char *key;
    const char *value;
};

static int job_setting_set(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct setting_job *j = arg;

    return sq_setting_write(c, j->key, j->value, err);
}

int sqo_setting_set(struct store *s, const char *key, const char *value, struct gz_err *err)
{
    struct setting_job j = {key, value};

    return sq_write((struct sqstore *)s, job_setting_set, &j, err);
}

struct cal_job {
    struct sqconn *c;
    struct gz_err *err;
    int last_year;
    size_t count;
};

static int put_day(struct sqconn *c, const char *day, const char *kind, struct gz_err *err)
{
    return sq_key_write(c,
                        "INSERT INTO calendar(day, kind) VALUES(?1, ?2)"
                        " ON CONFLICT(day) DO UPDATE SET kind = ?2",
                        day, kind, err);
}

/* A year named by the file loses its old overrides first, so a corrected file replaces them. */
static int clear_year(struct sqconn *c, int year, struct gz_err *err)
{
    static const char sql[] = "DELETE FROM calendar WHERE day >= ?1 AND day < ?2";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    char from[24], to[24];

    if (!st)
        return GZ_EIO;
    snprintf(from, sizeof(from), "%04d-01-01", year);
    snprintf(to, sizeof(to), "%04d-01-01", year + 1);
    sq_bind_text(st, 1, from);
    sq_bind_text(st, 2, to);
    return sq_step_done(c, st, err);
}

static int store_day(void *ctx, int y, int m, int d, enum cal_day_kind kind)
{
    struct cal_job *j = ctx;
    char day[40];
    int rc = 0;

    if (y != j->last_year) {
        rc = clear_year(j->c, y, j->err);
        j->last_year = y;
    }
    snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, d);
    if (!rc)
        rc = put_day(j->c, day, kind == CAL_WORKDAY ? "workday" : "holiday", j->err);
    j->count++;
    return rc;
}

static int count_day(void *ctx, int y, int m, int d, enum cal_day_kind kind)
{
    (void)y, (void)m, (void)d, (void)kind;
    ++*(size_t *)ctx;
    return 0;
}

static int job_calendar_import(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct calendar *cal = arg;
    struct cal_job j = {c, err, 0, 0};
    int rc = cal_each_override(cal, store_day, &j);

    return rc;
}

struct day_job {
    const char *day;
    enum cal_day_kind kind;
};

static int job_calendar_set(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] = "DELETE FROM calendar WHERE day = ?1";
    struct day_job *j = arg;
    sqlite3_stmt *st;

    if (j->kind != CAL_DEFAULT)
        return put_day(c, j->day, j->kind == CAL_WORKDAY ? "workday" : "holiday", err);
    if (!(st = sq_stmt(c, sql, err)))
        return GZ_EIO;
    sq_bind_text(st, 1, j->day);
    return sq_step_done(c, st, err);
}

int sqo_calendar_set(struct store *s, const char *day, enum cal_day_kind kind, struct gz_err *err)
{
    struct day_job j = {day, kind};

    return sq_write((struct sqstore *)s, job_calendar_set, &j, err);
}

int sqo_calendar_import(struct store *s, const char *csv, size_t len, size_t *count,
                        struct gz_err *err)
{
    struct calendar *cal = cal_new_plain();
    int line = 0, rc;

    if (!cal)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    rc = cal_load_csv(cal, csv, len, &line, err);
    if (!rc)
        rc = sq_write((struct sqstore *)s, job_calendar_import, cal, err);
    *count = 0;
    if (!rc)
        cal_each_override(cal, count_day, count);
    cal_free(cal);
    return rc;
}

int sqo_calendar_load(struct store *s, struct calendar *cal, struct gz_err *err)
{
    static const char sql[] = "SELECT day, kind FROM calendar ORDER BY day";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc, bad = 0;

    if (!st)
        return GZ_EIO;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *day = (const char *)sqlite3_column_text(st, 0);
        const char *kind = (const char *)sqlite3_column_text(st, 1);
        int y, m, d;
        if (sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
            cal_set_day(cal, y, m, d, strcmp(kind, "workday") == 0 ? CAL_WORKDAY : CAL_HOLIDAY)) {
            bad = gz_fail(err, GZ_EIO, "calendar", "bad stored calendar day %s", day);
            break;
        }
    }
    rc = bad ? bad : sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}
