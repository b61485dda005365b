/*
 * store_sqlite_hot.c - what proactive governance reads from SQLite (the cases
 * of a time window for hotspot counts, the month's categories per area), the
 * proactive case of each hotspot, and the supervision flags of units whose
 * score fell short (each flag an event on the audit chain).
 */
#include "gz.h"

#include "store/sq_case.h"
#include "store/store_sqlite.h"
#include "util/timeutil.h"

/* Sorts after every code made of valid UTF-8: the upper bound of a prefix range. */
#define CODE_PREFIX_END "\xF4\x8F\xBF\xBF"

static int64_t col_i64(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

/* ---- flags ---- */

struct flag_job {
    struct kpi_flag *f;
    struct event *ev;
    bool *created;
};

static int job_flag(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char ins[] = "INSERT INTO kpi_flags(unit_id, period, basis, score, event_id, at)"
                              " VALUES(?1, ?2, ?3, ?4, 0, ?5) ON CONFLICT DO NOTHING";
    static const char upd[] = "UPDATE kpi_flags SET event_id = ?4 WHERE unit_id = ?1"
                              " AND period = ?2 AND basis = ?3";
    struct flag_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, ins, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, j->f->unit_id);
    sq_bind_text(st, 2, j->f->period);
    sqlite3_bind_int(st, 3, j->f->basis);
    sqlite3_bind_double(st, 4, j->f->score);
    sqlite3_bind_int64(st, 5, j->f->at);
    rc = sq_step_done(c, st, err);
    *j->created = !rc && sqlite3_changes(c->db) == 1;
    if (rc || !*j->created)
        return rc;
    rc = sq_event_append(c, j->ev, err);
    if (rc || !(st = sq_stmt(c, upd, err)))
        return rc ? rc : GZ_EIO;
    sqlite3_bind_int64(st, 1, j->f->unit_id);
    sq_bind_text(st, 2, j->f->period);
    sqlite3_bind_int(st, 3, j->f->basis);
    sqlite3_bind_int64(st, 4, j->ev->id);
    j->f->event_id = j->ev->id;
    return sq_step_done(c, st, err);
}

int sqo_kpi_flag(struct store *s, struct kpi_flag *f, struct event *ev, bool *created,
                 struct gz_err *err)
{
    struct flag_job j = {f, ev, created};

    *created = false;
    if (!f->at)
        f->at = time_now();
    return sq_write((struct sqstore *)s, job_flag, &j, err);
}

int sqo_kpi_flags(struct store *s, const char *period, store_kpi_flag_fn fn, void *ctx,
                  struct gz_err *err)
{
    static const char sql[] = "SELECT unit_id, period, basis, score, event_id, at FROM kpi_flags"
                              " WHERE ?1 IS NULL OR period = ?1 ORDER BY period, unit_id, basis";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, period);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct kpi_flag f = {0};
        f.unit_id = sqlite3_column_int64(st, 0);
        sq_col_text(st, 1, f.period, sizeof(f.period));
        f.basis = sqlite3_column_int(st, 2);
        f.score = sqlite3_column_double(st, 3);
        f.event_id = sqlite3_column_int64(st, 4);
        f.at = sqlite3_column_int64(st, 5);
        if (fn(ctx, &f)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

/* ---- cases of a window ---- */

static void hot_from_row(sqlite3_stmt *st, struct hot_case *h)
{
    memset(h, 0, sizeof(*h));
    h->id = sqlite3_column_int64(st, 0);
    sq_col_text(st, 1, h->number, sizeof(h->number));
    h->created_at = sqlite3_column_int64(st, 2);
    h->lat = h->lon = CASE_NO_COORD;
    if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
        h->lat = sqlite3_column_double(st, 3);
        h->lon = sqlite3_column_double(st, 4);
    }
    sq_col_text(st, 5, h->category, sizeof(h->category));
    for (int level = 1; level <= 4; level++)
        h->area[level] = col_i64(st, 5 + level);
}

int sqo_hot_cases(struct store *s, int64_t from, int64_t to, const char *prefix, store_hot_fn fn,
                  void *ctx, struct gz_err *err)
{
    static const char sql[] =
        "SELECT id, number, created_at, lat, lon, category_code, district_id, street_id,"
        " community_id, grid_id FROM cases WHERE created_at >= ?1 AND created_at < ?2"
        " AND status NOT IN ('merged', 'invalid') AND channel <> 'proactive'"
        " AND (?3 = '' OR (category_code >= ?3 AND category_code < ?3 || ?4))"
        " ORDER BY created_at, id";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    struct hot_case h;
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    sq_bind_text(st, 3, prefix ? prefix : "");
    sq_bind_text(st, 4, CODE_PREFIX_END);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        hot_from_row(st, &h);
        if (fn(ctx, &h)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_top_categories(struct store *s, int level, int depth, int64_t from, int64_t to,
                       store_top_fn fn, void *ctx, struct gz_err *err)
{
#define TOP_SQL(col)                                                                               \
    "SELECT " col ", substr(category_code, 1, 2 * ?3), count(*) FROM cases"                        \
    " WHERE created_at >= ?1 AND created_at < ?2 AND status NOT IN ('merged', 'invalid')"          \
    " AND channel <> 'proactive' AND category_code IS NOT NULL AND " col                           \
    " IS NOT NULL GROUP BY 1, 2"
    static const char *const sql[] = {TOP_SQL("district_id"), TOP_SQL("district_id"),
                                      TOP_SQL("street_id"), TOP_SQL("community_id"),
                                      TOP_SQL("grid_id")};
#undef TOP_SQL
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st;
    int rc;

    if (level < 1 || level > 4)
        return gz_fail(err, GZ_EINVAL, "level", "level must be a territorial level");
    if (!(st = sq_read_begin(sq, sql[level], &c, err)))
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    sqlite3_bind_int(st, 3, depth);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
               sqlite3_column_int64(st, 2))) {
            rc = SQLITE_DONE;
            break;
        }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

/* ---- the proactive case of a hotspot ---- */

struct hot_job {
    const char *hotspot;
    int64_t case_id;
};

static int job_hot_put(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] = "INSERT INTO hotspot_cases(hotspot, case_id, created_at)"
                              " VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING";
    struct hot_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, sql, err);

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, j->hotspot);
    sqlite3_bind_int64(st, 2, j->case_id);
    sqlite3_bind_int64(st, 3, time_now());
    return sq_step_done(c, st, err);
}

int sqo_hotspot_case(struct store *s, const char *hotspot, int64_t *case_id, bool put,
                     struct gz_err *err)
{
    static const char sql[] = "SELECT case_id FROM hotspot_cases WHERE hotspot = ?1";
    struct sqstore *sq = (struct sqstore *)s;
    struct hot_job j = {hotspot, put ? *case_id : 0};
    struct sqconn *c;
    sqlite3_stmt *st;
    int rc;

    if (put)
        return sq_write(sq, job_hot_put, &j, err);
    if (!(st = sq_read_begin(sq, sql, &c, err)))
        return GZ_EIO;
    sq_bind_text(st, 1, hotspot);
    rc = sqlite3_step(st);
    *case_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}
