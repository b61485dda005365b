/*
 * kpi_bench.c - performance at city scale (issue 7): a generator of synthetic
 * cases with Boston's distributions, and the timings of what the platform
 * authority reads.
 *
 *   kpi_bench gen DB N BOSTON.csv.gz   add N cases over 2025-2026 to DB (a `gongzhi demo`
 *                                      database: Boston's units, taxonomy and zone)
 *   kpi_bench time DB                  count them, then time the readings
 *
 * gen draws each case from a real Boston 2015 row (so category, department,
 * place, channel and how long it took come together, as in the city), a day
 * of 2025-2026 by Boston's day-of-year profile and an hour by its hour-of-week
 * profile, and jitters the point by up to ~30 m. Lifecycle: dispatched a few
 * minutes after intake, accepted within hours, replied and closed after the
 * row's own duration (open when the row never closed), resolve_by after the
 * row's TARGET_DT span (7 days when it has none); 60 % of closed cases rated
 * (80 % satisfied, 15 % basic, 5 % unsatisfied; contacted 95 %, solved 90 %),
 * 3 % reworked once. Rows are written straight into SQLite (50,000 per
 * transaction) without events or full-text rows: those are not what the
 * figures read. The performance triggers still mark every case, so the first
 * count is a full one.
 *
 * time opens the store as `gongzhi serve` does and prints: the first count
 * (all cases), the month's ranking of every department (lead), ward (street)
 * and precinct (community), the largest department's 24-month trend, the
 * hotspot scan of a week (hexagons and wards), the platform's effectiveness,
 * the count after 10,000 changed cases, the database size and peak RSS.
 */
#include "gz.h"

#include <math.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "api/hotspots.h"
#include "api/kpi_json.h"
#include "cli/cli.h"
#include "core/calendar.h"
#include "core/period.h"
#include "io/boston311.h"
#include "io/csvread.h"
#include "io/import.h"
#include "store/store.h"

#define BATCH 50000
#define YEAR0 2025
#define DAYS (365 + 365)
#define RUNS 5

/* ---- the Boston sample ---- */

struct sample {
    char category[CATEGORY_CODE_MAX + 1];
    int64_t dept, ward, precinct;
    int channel;
    double lat, lon;
    int64_t took, target; /* seconds; took -1: never closed */
};

struct gen {
    sqlite3 *db;
    struct sample *s;
    size_t n, cap;
    double doy[366], how[168]; /* cumulative weights: day of year, hour of week */
    uint64_t rng;
};

static uint64_t rnd(struct gen *g)
{
    g->rng ^= g->rng << 13;
    g->rng ^= g->rng >> 7;
    g->rng ^= g->rng << 17;
    return g->rng;
}

static double unif(struct gen *g)
{
    return (double)(rnd(g) >> 11) / 9007199254740992.0;
}

static int64_t lookup(sqlite3 *db, const char *sql, const char *a, const char *b)
{
    sqlite3_stmt *st;
    int64_t v = 0;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* REASON > TYPE to the category code of the demo's Boston taxonomy (90 > reason > type). */
static bool category_of(sqlite3 *db, const struct b311_row *r, char *out)
{
    static const char sql[] =
        "SELECT t.code FROM categories t JOIN categories p ON p.code = t.parent_code"
        " WHERE t.code LIKE '90____' AND p.name_en = ?1 AND t.name_en = ?2";
    sqlite3_stmt *st;
    bool ok = false;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, r->reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->type, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(out, CATEGORY_CODE_MAX + 1, "%s", (const char *)sqlite3_column_text(st, 0));
        ok = true;
    }
    sqlite3_finalize(st);
    return ok;
}

static void profile(struct gen *g, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    localtime_r(&tt, &tm);
    g->doy[tm.tm_yday < 365 ? tm.tm_yday : 364] += 1;
    g->how[tm.tm_wday * 24 + tm.tm_hour] += 1;
}

static int add_row(void *ctx, const struct csv_row *row, struct gz_err *err)
{
    struct gen *g = ctx;
    struct b311_row r;
    struct sample s = {0};
    char code[16];

    b311_init(&r);
    if (b311_parse(row, &r, err) || !category_of(g->db, &r, s.category))
        goto out;
    s.dept = lookup(g->db, "SELECT id FROM units WHERE code = ?1", r.dept, NULL);
    snprintf(code, sizeof(code), "W%02d", r.ward);
    s.ward = r.ward ? lookup(g->db, "SELECT id FROM units WHERE code = ?1", code, NULL) : 0;
    snprintf(code, sizeof(code), "P%02d%02d", r.ward, r.precinct);
    s.precinct = r.precinct ? lookup(g->db, "SELECT id FROM units WHERE code = ?1", code, NULL) : 0;
    s.channel = r.channel;
    s.lat = r.lat;
    s.lon = r.lon;
    s.took = r.closed && r.closed_at >= r.open_at ? r.closed_at - r.open_at : -1;
    s.target = r.target_at > r.open_at ? r.target_at - r.open_at : 7 * 86400;
    if (!s.dept)
        goto out;
    profile(g, r.open_at);
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 4096;
        g->s = realloc(g->s, g->cap * sizeof(*g->s));
        if (!g->s)
            return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    }
    g->s[g->n++] = s;
out:
    b311_release(&r);
    err->code = 0;
    return 0;
}

static void cumulate(double *w, int n)
{
    for (int i = 1; i < n; i++)
        w[i] += w[i - 1];
}

static int pick(const double *cum, int n, double u)
{
    int lo = 0, hi = n - 1;

    u *= cum[n - 1];
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (cum[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- writing cases ---- */

static const char insert_sql[] =
    "INSERT INTO cases(number, channel, text, lat, lon, category_code, category_source, status,"
    " lead_unit_id, created_at, dispatched_at, accepted_at, resolved_at, closed_at, respond_by,"
    " resolve_by, contacted, solved, satisfaction, rework_count, street_id, community_id, located)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'operator', ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
    " ?17, ?18, ?19, ?20, ?21, ?22)";

static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* A moment of local day `day` (of the two years) by the hour-of-week profile. */
static int64_t moment(struct gen *g, int day)
{
    struct tm tm = {0};
    int64_t midnight;
    int wday, hour, tries = 0;

    tm.tm_year = YEAR0 - 1900;
    tm.tm_mday = 1 + day;
    tm.tm_isdst = -1;
    midnight = (int64_t)mktime(&tm);
    wday = tm.tm_wday;
    do { /* an hour of this weekday, by the profile */
        hour = pick(g->how, 168, unif(g)) % 24;
    } while (pick(g->how, 168, unif(g)) / 24 != wday && ++tries < 3);
    return midnight + hour * 3600 + (int64_t)(unif(g) * 3600);
}

static void rating(struct gen *g, sqlite3_stmt *st)
{
    double u = unif(g);

    sqlite3_bind_int(st, 16, unif(g) < 0.95);
    sqlite3_bind_int(st, 17, unif(g) < 0.90);
    sqlite3_bind_text(st, 18,
                      u < 0.80   ? "satisfied"
                      : u < 0.95 ? "basic"
                                 : "unsatisfied",
                      -1, SQLITE_STATIC);
}

static void bind_case(struct gen *g, sqlite3_stmt *st, const struct sample *s, int64_t created,
                      int64_t now)
{
    int64_t disp = created + 60 + (int64_t)(unif(g) * 1200);
    int64_t acc = disp + (int64_t)(unif(g) * unif(g) * 2 * 86400);
    int64_t done = created + (s->took > 0 ? s->took : 0);
    bool closed = s->took >= 0 && created + s->took + 600 <= now;
    const char *status;

    if (done < acc)
        done = acc;
    status = closed ? "closed" : acc <= now ? "accepted" : "dispatched";
    sqlite3_bind_text(st, 2, case_channel_name((enum case_channel)s->channel), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, "synthetic", -1, SQLITE_STATIC);
    if (s->lat != CASE_NO_COORD) {
        sqlite3_bind_double(st, 4, s->lat + (unif(g) - 0.5) * 0.0005);
        sqlite3_bind_double(st, 5, s->lon + (unif(g) - 0.5) * 0.0007);
    }
    sqlite3_bind_text(st, 6, s->category, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, s->dept);
    sqlite3_bind_int64(st, 9, created);
    sqlite3_bind_int64(st, 10, disp);
    bind_opt(st, 11, acc <= now ? acc : 0);
    bind_opt(st, 12, closed ? done : 0);
    bind_opt(st, 13, closed ? done + 300 : 0);
    sqlite3_bind_int64(st, 14, disp + 86400);
    sqlite3_bind_int64(st, 15, created + s->target);
    if (closed && unif(g) < 0.6)
        rating(g, st);
    sqlite3_bind_int(st, 19, unif(g) < 0.03);
    bind_opt(st, 20, s->ward);
    bind_opt(st, 21, s->precinct);
    if (s->lat != CASE_NO_COORD)
        sqlite3_bind_int(st, 22, s->ward != 0);
}

static int moment_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* The cases of one day, in time order (ids grow with time, as in a real city). */
static int write_day(struct gen *g, sqlite3_stmt *st, int day, int64_t count, int64_t now,
                     int64_t *written)
{
    static int64_t seq[DAYS + 8]; /* numbers given per local day */
    int64_t *at = malloc((size_t)(count ? count : 1) * sizeof(*at)), local;
    int64_t first = day_from_civil(YEAR0, 1, 1);
    char number[64];
    int y, m, d;

    if (!at)
        return -1;
    for (int64_t i = 0; i < count; i++)
        at[i] = moment(g, day);
    qsort(at, (size_t)count, sizeof(*at), moment_cmp);
    for (int64_t i = 0; i < count; i++) {
        if (*written % BATCH == 0)
            sqlite3_exec(g->db, *written ? "COMMIT; BEGIN" : "BEGIN", NULL, NULL, NULL);
        local = day_of(at[i]);
        day_to_civil(local, &y, &m, &d);
        snprintf(number, sizeof(number), "%04d%02d%02d-%06lld", y, m, d,
                 (long long)++seq[(local - first + DAYS + 8) % (DAYS + 8)]);
        sqlite3_bind_text(st, 1, number, -1, SQLITE_TRANSIENT);
        bind_case(g, st, &g->s[rnd(g) % g->n], at[i], now);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "insert: %s\n", sqlite3_errmsg(g->db));
            free(at);
            return -1;
        }
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        ++*written;
    }
    free(at);
    return 0;
}

static int write_cases(struct gen *g, int64_t n)
{
    sqlite3_stmt *st;
    struct tm end = {.tm_year = YEAR0 + 2 - 1900, .tm_mday = 1, .tm_isdst = -1};
    int64_t now = (int64_t)mktime(&end), written = 0, left = n;
    double total = g->doy[364] * 2, share;
    int rc = 0;

    if (sqlite3_prepare_v2(g->db, insert_sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    /* each day its share of the cases by Boston's day-of-year profile, in day order */
    for (int day = 0; !rc && day < DAYS; day++) {
        int doy = day % 365;
        share = (g->doy[doy] - (doy ? g->doy[doy - 1] : 0)) / total;
        int64_t count = day == DAYS - 1 ? left : llround(share * (double)n);
        count = count > left ? left : count;
        rc = write_day(g, st, day, count, now, &written);
        left -= count;
    }
    sqlite3_exec(g->db, "COMMIT", NULL, NULL, NULL);
    sqlite3_finalize(st);
    return rc;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int gen(const char *db, int64_t n, const char *boston)
{
    struct gen g = {.rng = 0x9E3779B97F4A7C15u};
    struct gz_err err = {0};
    struct calendar *cal = cal_new("America/New_York", &err);
    char *text = NULL;
    size_t len = 0, bad = 0;
    double t0 = now_s();
    int rc;

    if (!cal || sqlite3_open(db, &g.db) != SQLITE_OK)
        return 1;
    sqlite3_exec(g.db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-400000",
                 NULL, NULL, NULL);
    if (import_read_file(boston, &text, &len, &err) ||
        csv_read(text, len, b311_columns, add_row, &g, &bad, &err) || !g.n) {
        fprintf(stderr, "kpi_bench: %s: %s (line %zu)\n", boston, err.msg, bad);
        return 1;
    }
    free(text);
    cumulate(g.doy, 366);
    cumulate(g.how, 168);
    printf("sample: %zu Boston rows (%.1f s)\n", g.n, now_s() - t0);
    t0 = now_s();
    rc = write_cases(&g, n);
    printf("generated %lld cases in %.1f s (%.0f cases/s)\n", (long long)n, now_s() - t0,
           (double)n / (now_s() - t0));
    sqlite3_exec(g.db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    sqlite3_close(g.db);
    free(g.s);
    cal_free(cal);
    return rc ? 1 : 0;
}

/* ---- timings ---- */

static double best = 0;

/* Run fn RUNS times; print the median. */
static void timed(const char *what, const char *target, json_t *(*fn)(void *), void *ctx)
{
    double t[RUNS];

    for (int i = 0; i < RUNS; i++) {
        double t0 = now_s();
        json_t *doc = fn(ctx);
        t[i] = now_s() - t0;
        if (!doc) {
            printf("%-48s FAILED\n", what);
            return;
        }
        json_decref(doc);
    }
    for (int i = 1; i < RUNS; i++) /* insertion sort of five */
        for (int k = i; k > 0 && t[k] < t[k - 1]; k--) {
            double x = t[k];
            t[k] = t[k - 1];
            t[k - 1] = x;
        }
    best = t[0];
    printf("%-48s %9.1f ms (median of %d; best %.1f)   target %s\n", what, t[RUNS / 2] * 1e3, RUNS,
           best * 1e3, target);
}

struct run {
    struct app *app;
    struct kpi_config cfg;
    struct period month, first, week;
    enum unit_kind level;
    int basis;
    struct unit big;
    int grid;
    struct gz_err err;
};

static json_t *do_ranking(void *ctx)
{
    struct run *r = ctx;

    return kpi_ranking(r->app, &r->cfg, &r->month, r->level, r->basis, &r->err);
}

static json_t *do_trend(void *ctx)
{
    struct run *r = ctx;

    return kpi_trend(r->app, &r->cfg, &r->big, KPI_LEAD, &r->first, &r->month, &r->err);
}

static json_t *do_hotspots(void *ctx)
{
    struct run *r = ctx;
    struct hot_query q = {.week = r->week,
                          .grid = r->grid,
                          .depth = 2,
                          .min_count = r->cfg.hot_min_count,
                          .p = r->cfg.hot_p,
                          .limit = 50};

    return hotspot_list(r->app, &r->cfg, &q, &r->err);
}

static json_t *do_effect(void *ctx)
{
    struct run *r = ctx;

    return kpi_effectiveness(r->app, &r->cfg, &r->month, NULL, &r->err);
}

/* The department with the most cases in the month (the heaviest trend). */
static void biggest(struct run *r)
{
    json_t *doc, *it, *top = NULL;
    size_t i;

    r->level = UNIT_DEPARTMENT;
    r->basis = KPI_LEAD;
    doc = do_ranking(r);
    json_array_foreach(json_object_get(doc, "items"), i, it) {
        if (!top || json_integer_value(json_object_get(it, "volume")) >
                        json_integer_value(json_object_get(top, "volume")))
            top = it;
    }
    unit_init(&r->big);
    r->big.id = json_integer_value(json_object_get(json_object_get(top, "unit"), "id"));
    if (store_unit_get(r->app->store, r->big.id, &r->big, NULL, &r->err))
        snprintf(r->big.code, sizeof(r->big.code), "?");
    printf("largest department: %s, %lld cases dispatched in %s\n", r->big.code,
           (long long)json_integer_value(json_object_get(top, "volume")), r->month.name);
    json_decref(doc);
}

static void sync_timed(struct run *r, const char *what)
{
    double t0 = now_s();

    if (store_kpi_sync(r->app->store, cal_tz(r->app->cal), &r->cfg.limits, &r->err))
        printf("%s: FAILED %s\n", what, r->err.msg);
    else
        printf("%-48s %9.1f s\n", what, now_s() - t0);
}

static void change_cases(const char *db, int n)
{
    sqlite3 *h;
    char sql[256];

    if (sqlite3_open(db, &h) != SQLITE_OK)
        return;
    sqlite3_busy_timeout(h, 10000);
    snprintf(sql, sizeof(sql),
             "UPDATE cases SET rework_count = rework_count + 1 WHERE id IN"
             " (SELECT id FROM cases ORDER BY random() LIMIT %d)",
             n);
    sqlite3_exec(h, sql, NULL, NULL, NULL);
    sqlite3_close(h);
}

static void timings(struct run *r, const char *db)
{
    struct stat st;
    struct rusage ru;
    char wal[1024];
    int64_t size = 0;

    r->level = UNIT_DEPARTMENT, r->basis = KPI_LEAD;
    timed("month's ranking, 17 departments (lead)", "< 1 s", do_ranking, r);
    r->level = UNIT_STREET, r->basis = KPI_AREA;
    timed("month's ranking, 22 wards (area)", "< 1 s", do_ranking, r);
    r->level = UNIT_COMMUNITY, r->basis = KPI_AREA;
    timed("month's ranking, 255 precincts (area)", "< 1 s", do_ranking, r);
    timed("largest department's 24-month trend", "< 100 ms", do_trend, r);
    r->grid = HOT_HEX;
    timed("hotspot scan of a week, 250 m hexagons", "< 2 s", do_hotspots, r);
    r->grid = 2;
    timed("hotspot scan of a week, wards", "< 2 s", do_hotspots, r);
    timed("effectiveness, whole platform", "", do_effect, r);
    change_cases(db, 10000);
    sync_timed(r, "count after 10,000 cases changed");
    if (stat(db, &st) == 0)
        size += st.st_size;
    snprintf(wal, sizeof(wal), "%s-wal", db);
    if (stat(wal, &st) == 0)
        size += st.st_size;
    getrusage(RUSAGE_SELF, &ru);
    printf("database %.2f GB; peak RSS %.1f MB\n", (double)size / 1e9, ru.ru_maxrss / 1024.0);
}

static int time_all(const char *db)
{
    struct gz_err err = {0};
    struct app app = {0};
    struct run r = {.app = &app};

    app.store = store_open(db, NULL, &err);
    if (!app.store || !(app.cal = cli_load_calendar(app.store))) {
        fprintf(stderr, "kpi_bench: %s: %s\n", db, err.msg);
        return 1;
    }
    if (kpi_config_load(app.store, &r.cfg, &err))
        return 1;
    if (period_parse("2026-11", r.cfg.start_day, "period", &r.month, &err) ||
        period_parse("2026-W46", r.cfg.start_day, "period", &r.week, &err))
        return 1;
    r.first = r.month;
    for (int i = 1; i < 24; i++)
        period_prev(&r.first, &r.first);
    sync_timed(&r, "first count (every case)");
    sync_timed(&r, "count with nothing changed");
    biggest(&r);
    timings(&r, db);
    unit_release(&r.big);
    cal_free(app.cal);
    store_close(app.store);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "gen") == 0)
        return gen(argv[2], strtoll(argv[3], NULL, 10), argv[4]);
    if (argc == 3 && strcmp(argv[1], "time") == 0)
        return time_all(argv[2]);
    fprintf(stderr, "usage: kpi_bench gen DB N BOSTON.csv.gz | kpi_bench time DB\n");
    return 2;
}
