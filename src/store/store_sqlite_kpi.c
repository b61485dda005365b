/*
 * store_sqlite_kpi.c - the performance sums on SQLite (schema 009_kpi.sql).
 *
 * Counting runs on the writer, in chunks (one job each, so other writes
 * interleave): a chunk takes up to KPI_CHUNK changed cases from kpi_dirty
 * (each with the state it was counted with and its state now) and up to
 * KPI_CHUNK events above the watermark, lets core/kpi.c say what they count
 * for, and adds the differences to kpi_facts, kpi_hist and kpi_role_facts.
 * The zone and limits the sums were counted with sit in settings
 * ('kpi.zone', 'kpi.limits'); when they differ from the caller's, the sums
 * are emptied and every case is marked as never counted (a full recount).
 *
 * The SQL that lists every counter is built once from the counter lists of
 * kpi.h (the columns of 009_kpi.sql are in the same order).
 */
#include "gz.h"

#include <jansson.h>
#include <pthread.h>

#include "store/sq_case.h"
#include "store/store_sqlite.h"
#include "util/timeutil.h"

#define KPI_CHUNK 20000
#define SQL_MAX 4096

/* ---- SQL built from the counter lists ---- */

static struct {
    char facts_upsert[SQL_MAX], roles_upsert[SQL_MAX];
    char units_sum[SQL_MAX], days[SQL_MAX], roles_sum[SQL_MAX];
    char facts_all[SQL_MAX], roles_all[SQL_MAX];
} q;
static pthread_once_t q_once = PTHREAD_ONCE_INIT;

/* Append tmpl to dst[SQL_MAX], each '@' in it replaced by name. */
static void cat(char *dst, const char *tmpl, const char *name)
{
    size_t n = strlen(dst);

    for (const char *p = tmpl; *p && n + 1 < SQL_MAX; p++) {
        if (*p != '@') {
            dst[n++] = *p;
            continue;
        }
        for (const char *s = name; *s && n + 1 < SQL_MAX; s++)
            dst[n++] = *s;
    }
    dst[n] = '\0';
}

/* The template for each name, joined by ", ". */
static void cat_list(char *dst, const char *const *names, int n, const char *tmpl)
{
    for (int i = 0; i < n; i++) {
        if (i)
            cat(dst, ", ", "");
        cat(dst, tmpl, names[i]);
    }
}

static void build_upsert(char *dst, const char *table, const char *keys, int nkeys,
                         const char *const *names, int n)
{
    char num[16];

    dst[0] = '\0';
    cat(dst, "INSERT INTO @(", table);
    cat(dst, "@, ", keys);
    cat_list(dst, names, n, "@");
    cat(dst, ") VALUES(", "");
    for (int i = 0; i < nkeys + n; i++) {
        snprintf(num, sizeof(num), "%s?%d", i ? ", " : "", i + 1);
        cat(dst, num, "");
    }
    cat(dst, ") ON CONFLICT(@) DO UPDATE SET ", keys);
    cat_list(dst, names, n, "@ = @ + excluded.@");
}

/* "SELECT head, <each counter as tmpl> FROM tail" */
static void build_select(char *dst, const char *head, const char *const *names, int n,
                         const char *tmpl, const char *tail)
{
    dst[0] = '\0';
    cat(dst, "SELECT @, ", head);
    cat_list(dst, names, n, tmpl);
    cat(dst, " FROM @", tail);
}

static void build_sql(void)
{
    const char *const *c = kpi_counter_names, *const *r = kpi_role_counter_names;

    build_upsert(q.facts_upsert, "kpi_facts", "unit_id, basis, day", 3, c, KPI_NCOUNTERS);
    build_upsert(q.roles_upsert, "kpi_role_facts", "account_id, day", 2, r, KPI_NROLE_COUNTERS);
    build_select(q.units_sum, "unit_id", c, KPI_NCOUNTERS, "sum(@)",
                 "kpi_facts WHERE basis = ?1 AND day >= ?2 AND day < ?3 GROUP BY unit_id");
    build_select(q.days, "day", c, KPI_NCOUNTERS, "@",
                 "kpi_facts WHERE unit_id = ?1 AND basis = ?2 AND day >= ?3 AND day < ?4"
                 " ORDER BY day");
    build_select(q.roles_sum, "account_id", r, KPI_NROLE_COUNTERS, "sum(@)",
                 "kpi_role_facts WHERE day >= ?1 AND day < ?2 GROUP BY account_id");
    build_select(q.facts_all, "unit_id, basis, day", c, KPI_NCOUNTERS, "@", "kpi_facts");
    build_select(q.roles_all, "account_id, day", r, KPI_NROLE_COUNTERS, "@", "kpi_role_facts");
}

static const struct kpi_counts *counts_from(sqlite3_stmt *st, int col, struct kpi_counts *out)
{
    for (int i = 0; i < KPI_NCOUNTERS; i++)
        out->v[i] = sqlite3_column_int64(st, col + i);
    return out;
}

static const struct kpi_role_counts *roles_from(sqlite3_stmt *st, int col,
                                                struct kpi_role_counts *out)
{
    for (int i = 0; i < KPI_NROLE_COUNTERS; i++)
        out->v[i] = sqlite3_column_int64(st, col + i);
    return out;
}

/* ---- settings the sums depend on ---- */

/* Empty the sums and mark every case as never counted. */
static int reset(struct sqconn *c, const char *zone, const char *limits, struct gz_err *err)
{
    int rc = sq_exec(c,
                     "DELETE FROM kpi_facts; DELETE FROM kpi_hist; DELETE FROM kpi_role_facts;"
                     " DELETE FROM kpi_dirty;"
                     " INSERT INTO kpi_dirty(case_id, present) SELECT id, 0 FROM cases;",
                     err);

    if (!rc)
        rc = sq_setting_write(c, "kpi.events", "0", err);
    if (!rc)
        rc = sq_setting_write(c, "kpi.zone", zone, err);
    if (!rc)
        rc = sq_setting_write(c, "kpi.limits", limits, err);
    return rc;
}

static int check_basis(struct sqconn *c, const char *zone, const struct kpi_limits *lim,
                       bool rebuild, struct gz_err *err)
{
    char have_zone[128], have_limits[96], limits[96];
    int rc = sq_setting_read(c, "kpi.zone", have_zone, sizeof(have_zone), err);

    if (!rc)
        rc = sq_setting_read(c, "kpi.limits", have_limits, sizeof(have_limits), err);
    if (rc)
        return rc;
    kpi_limits_key(lim, limits, sizeof(limits));
    if (rebuild || strcmp(have_zone, zone) != 0 || strcmp(have_limits, limits) != 0)
        return reset(c, zone, limits, err);
    return 0;
}

/* ---- changed cases ---- */

#define KPI_CASE_COLS(p)                                                                           \
    p "status, " p "lead_unit_id, " p "created_at, " p "dispatched_at, " p "accepted_at, " p       \
      "resolved_at, " p "closed_at, " p "respond_by, " p "resolve_by, " p "contacted, " p          \
      "solved, " p "satisfaction, " p "rework_count, " p "district_id, " p "street_id, " p         \
      "community_id, " p "grid_id"
#define KPI_NCASE_COLS 17
#define PARTIES_OF(id)                                                                             \
    "(SELECT json_group_array(json_array(unit_id, role, state, asked_at, reported_at, report_by,"  \
    " released_at)) FROM case_units u WHERE u.case_id = " id ")"

static int64_t col_i64(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

static int col_tri(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int(st, i);
}

static int col_enum(sqlite3_stmt *st, int i, int (*parse)(const char *), int dflt)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    int v = s ? parse(s) : -1;

    return v < 0 ? dflt : v;
}

static void party_from_json(const json_t *a, struct kpi_party *p)
{
    const char *role = json_string_value(json_array_get(a, 1));
    const char *state = json_string_value(json_array_get(a, 2));

    p->unit_id = json_integer_value(json_array_get(a, 0));
    p->role = !role                           ? KPI_PARTY_OTHER
              : strcmp(role, "co") == 0       ? KPI_PARTY_CO
              : strcmp(role, "whistled") == 0 ? KPI_PARTY_WHISTLED
              : strcmp(role, "claimant") == 0 ? KPI_PARTY_CLAIMANT
                                              : KPI_PARTY_OTHER;
    p->done = state && (strcmp(state, "done") == 0 || strcmp(state, "completed") == 0);
    p->dropped = state && strcmp(state, "unclaimed") == 0;
    p->asked_at = json_integer_value(json_array_get(a, 3));
    p->reported_at = json_integer_value(json_array_get(a, 4));
    /* snapshots from before migration 010 have five elements: these read as 0 */
    p->report_by = json_integer_value(json_array_get(a, 5));
    p->released_at = json_integer_value(json_array_get(a, 6));
}

static void parties_from(sqlite3_stmt *st, int col, struct kpi_case *kc)
{
    const char *text = (const char *)sqlite3_column_text(st, col);
    json_t *arr, *v;
    size_t i;

    kc->n_parties = 0;
    if (!text || strcmp(text, "[]") == 0)
        return;
    arr = json_loads(text, 0, NULL);
    json_array_foreach(arr, i, v) {
        if (kc->n_parties < KPI_MAX_PARTIES && json_is_array(v))
            party_from_json(v, &kc->parties[kc->n_parties++]);
    }
    json_decref(arr);
}

/* A kpi_case from KPI_CASE_COLS starting at col, its parties at pcol. */
static void case_from(sqlite3_stmt *st, int col, int pcol, struct kpi_case *kc)
{
    memset(kc, 0, sizeof(*kc));
    kc->status = (enum case_status)col_enum(st, col, case_status_parse, CASE_RECEIVED);
    kc->lead_unit_id = col_i64(st, col + 1);
    kc->created_at = col_i64(st, col + 2);
    kc->dispatched_at = col_i64(st, col + 3);
    kc->accepted_at = col_i64(st, col + 4);
    kc->resolved_at = col_i64(st, col + 5);
    kc->closed_at = col_i64(st, col + 6);
    kc->respond_by = col_i64(st, col + 7);
    kc->resolve_by = col_i64(st, col + 8);
    kc->contacted = col_tri(st, col + 9);
    kc->solved = col_tri(st, col + 10);
    kc->satisfaction = (enum satisfaction)col_enum(st, col + 11, satisfaction_parse, SAT_NONE);
    kc->rework_count = sqlite3_column_int(st, col + 12);
    for (int level = 1; level <= 4; level++)
        kc->area[level] = col_i64(st, col + 12 + level);
    parties_from(st, pcol, kc);
}

/* Take back up to KPI_CHUNK changed cases as counted and add them as they are. */
static int count_cases(struct sqconn *c, struct kpi_acc *acc, const struct kpi_limits *lim,
                       size_t *n, struct gz_err *err)
{
    static const char sql[] =
        "SELECT d.case_id, d.present, " KPI_CASE_COLS("d.") ", d.parties, c.id, " KPI_CASE_COLS(
            "c.") ", " PARTIES_OF("d.case_id") " FROM kpi_dirty d LEFT JOIN cases c ON c.id = "
                                               "d.case_id ORDER BY d.case_id LIMIT ?1";
    static const char del[] = "DELETE FROM kpi_dirty WHERE case_id <= ?1";
    const int now_col = 2 + KPI_NCASE_COLS + 2;
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    struct kpi_case kc;
    int64_t last = 0;
    int rc = 0, step;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int(st, 1, KPI_CHUNK);
    for (*n = 0; !rc && (step = sqlite3_step(st)) == SQLITE_ROW; (*n)++) {
        last = sqlite3_column_int64(st, 0);
        if (sqlite3_column_int(st, 1)) {
            case_from(st, 2, 2 + KPI_NCASE_COLS, &kc);
            rc = kpi_case_facts(acc, &kc, -1, lim);
        }
        if (!rc && sqlite3_column_type(st, now_col - 1) != SQLITE_NULL) {
            case_from(st, now_col, now_col + KPI_NCASE_COLS, &kc);
            rc = kpi_case_facts(acc, &kc, 1, lim);
        }
    }
    sq_done(st);
    if (rc)
        return gz_fail(err, rc, "", "out of memory while counting");
    if (!*n)
        return 0;
    if (!(st = sq_stmt(c, del, err)))
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, last);
    return sq_step_done(c, st, err);
}

/* ---- events ---- */

struct ev_lookup {
    struct sqconn *c;
    int64_t case_id, id;
};

/* The last event of `kind` ('dispatch' covers redispatch) before e: column 0 or 0. */
static int64_t before(const struct ev_lookup *l, bool dispatch, struct gz_err *err)
{
    static const char disp[] = "SELECT actor_account_id FROM events WHERE case_id = ?1 AND id < ?2"
                               " AND kind IN ('dispatch', 'redispatch') ORDER BY id DESC LIMIT 1";
    static const char reply[] = "SELECT at FROM events WHERE case_id = ?1 AND id < ?2"
                                " AND kind = 'reply' ORDER BY id DESC LIMIT 1";
    sqlite3_stmt *st = sq_stmt(l->c, dispatch ? disp : reply, err);
    int64_t v = -1;

    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, l->case_id);
    sqlite3_bind_int64(st, 2, l->id);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = col_i64(st, 0);
    sq_done(st);
    return v;
}

static enum kpi_event_kind ev_kind(const char *k)
{
    static const char *const names[] = {"created",    "answer", "dispatch",
                                        "redispatch", "return", "verify"};

    for (size_t i = 0; i < GZ_ARRAY_LEN(names); i++)
        if (strcmp(k, names[i]) == 0)
            return (enum kpi_event_kind)i;
    return KPI_EV_OTHER;
}

/* What the event's neighbours in its case's timeline say about it. */
static void ev_context(const struct ev_lookup *l, const json_t *body, const char *intake_class,
                       struct kpi_event *e, struct gz_err *err)
{
    const char *cat = json_string_value(json_object_get(body, "category"));
    int64_t prev;

    switch (e->kind) {
    case KPI_EV_DISPATCH:
    case KPI_EV_REDISPATCH:
        e->unit_id = json_integer_value(json_object_get(body, "lead_unit_id"));
        e->first_dispatch = e->kind == KPI_EV_DISPATCH && before(l, true, err) < 0;
        e->class_kept = intake_class && cat && strcmp(cat, intake_class) == 0;
        break;
    case KPI_EV_RETURN:
        e->unit_id = json_integer_value(json_object_get(body, "unit_id"));
        prev = before(l, true, err);
        e->dispatcher = prev > 0 ? prev : 0;
        break;
    case KPI_EV_VERIFY:
        e->pass = json_is_true(json_object_get(body, "pass"));
        prev = before(l, false, err);
        e->replied_at = prev > 0 ? prev : 0;
        break;
    default: break;
    }
}

static int count_event(struct sqconn *c, sqlite3_stmt *st, struct kpi_acc *acc,
                       const struct kpi_limits *lim, struct gz_err *err)
{
    struct kpi_event e = {0};
    struct ev_lookup l = {c, col_i64(st, 4), sqlite3_column_int64(st, 0)};
    const char *intake_class = (const char *)sqlite3_column_text(st, 8);
    json_t *body;
    int rc;

    e.kind = ev_kind((const char *)sqlite3_column_text(st, 1));
    if (e.kind == KPI_EV_OTHER || !l.case_id)
        return 0;
    e.at = sqlite3_column_int64(st, 2);
    e.actor = col_i64(st, 3);
    e.case_created = col_i64(st, 6);
    e.intake_actor = col_i64(st, 7);
    e.intake_has_class = intake_class != NULL;
    body = json_loads((const char *)sqlite3_column_text(st, 5), 0, NULL);
    ev_context(&l, body, intake_class, &e, err);
    json_decref(body);
    rc = kpi_event_facts(acc, &e, lim);
    return rc ? gz_fail(err, rc, "", "out of memory while counting") : 0;
}

/* Add up to KPI_CHUNK events above the watermark and move it. */
static int count_events(struct sqconn *c, struct kpi_acc *acc, const struct kpi_limits *lim,
                        size_t *n, struct gz_err *err)
{
    static const char sql[] =
        "SELECT e.id, e.kind, e.at, e.actor_account_id, e.case_id, e.body, c.created_at,"
        " c.intake_account_id, k.category FROM events e LEFT JOIN cases c ON c.id = e.case_id"
        " LEFT JOIN kpi_intake_class k ON k.case_id = e.case_id WHERE e.id > ?1"
        " ORDER BY e.id LIMIT ?2";
    char mark[32];
    int64_t last;
    sqlite3_stmt *st;
    int rc = sq_setting_read(c, "kpi.events", mark, sizeof(mark), err), step;

    if (rc)
        return rc;
    last = strtoll(mark, NULL, 10);
    if (!(st = sq_stmt(c, sql, err)))
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, last);
    sqlite3_bind_int(st, 2, KPI_CHUNK);
    for (*n = 0; !rc && (step = sqlite3_step(st)) == SQLITE_ROW; (*n)++) {
        last = sqlite3_column_int64(st, 0);
        rc = count_event(c, st, acc, lim, err);
    }
    sq_done(st);
    if (rc || !*n)
        return rc;
    snprintf(mark, sizeof(mark), "%lld", (long long)last);
    return sq_setting_write(c, "kpi.events", mark, err);
}

/* ---- writing the differences ---- */

struct writer {
    struct sqconn *c;
    struct gz_err *err;
};

static int write_counts(void *ctx, int64_t unit, int basis, int64_t day, const struct kpi_counts *v)
{
    struct writer *w = ctx;
    sqlite3_stmt *st = sq_stmt(w->c, q.facts_upsert, w->err);

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, unit);
    sqlite3_bind_int(st, 2, basis);
    sqlite3_bind_int64(st, 3, day);
    for (int i = 0; i < KPI_NCOUNTERS; i++)
        sqlite3_bind_int64(st, 4 + i, v->v[i]);
    return sq_step_done(w->c, st, w->err);
}

/* ---- histograms packed as (bin u8, count i32 LE) records ---- */

#define HIST_REC 5

static void hist_decode(const unsigned char *p, int len, int64_t *bins)
{
    for (int i = 0; i + HIST_REC <= len; i += HIST_REC) {
        uint32_t u = (uint32_t)p[i + 1] | (uint32_t)p[i + 2] << 8 | (uint32_t)p[i + 3] << 16 |
                     (uint32_t)p[i + 4] << 24;
        if (p[i] < KPI_BINS)
            bins[p[i]] += (int32_t)u;
    }
}

static int hist_encode(const int64_t *bins, unsigned char *out)
{
    int n = 0;

    for (int b = 0; b < KPI_BINS; b++) {
        uint32_t u = (uint32_t)(int32_t)bins[b];
        if (!bins[b])
            continue;
        out[n] = (unsigned char)b;
        out[n + 1] = (unsigned char)u;
        out[n + 2] = (unsigned char)(u >> 8);
        out[n + 3] = (unsigned char)(u >> 16);
        out[n + 4] = (unsigned char)(u >> 24);
        n += HIST_REC;
    }
    return n;
}

/* Call fn(ctx, key, metric, bin, n) for each non-zero bin of the blob at column col. */
static int hist_each_bin(sqlite3_stmt *st, int col, int64_t key, int metric, store_kpi_hist_fn fn,
                         void *ctx)
{
    int64_t bins[KPI_BINS] = {0};
    int rc;

    hist_decode(sqlite3_column_blob(st, col), sqlite3_column_bytes(st, col), bins);
    for (int b = 0; b < KPI_BINS; b++)
        if (bins[b] && (rc = fn(ctx, key, metric, b, bins[b])) != 0)
            return rc;
    return 0;
}

static int write_hist(void *ctx, int64_t unit, int basis, int64_t day, int metric,
                      const int64_t *add)
{
    static const char get[] = "SELECT bins FROM kpi_hist WHERE unit_id = ?1 AND basis = ?2"
                              " AND day = ?3 AND metric = ?4";
    static const char put[] =
        "INSERT INTO kpi_hist(unit_id, basis, day, metric, bins) VALUES(?1, ?2, ?3, ?4, ?5)"
        " ON CONFLICT(unit_id, basis, day, metric) DO UPDATE SET bins = excluded.bins";
    struct writer *w = ctx;
    int64_t bins[KPI_BINS] = {0};
    unsigned char blob[KPI_BINS * HIST_REC];
    sqlite3_stmt *st = sq_stmt(w->c, get, w->err);
    int rc;

    if (!st)
        return GZ_EIO;
    for (int pass = 0; pass < 2; pass++) {
        sqlite3_bind_int64(st, 1, unit);
        sqlite3_bind_int(st, 2, basis);
        sqlite3_bind_int64(st, 3, day);
        sqlite3_bind_int(st, 4, metric);
        if (pass == 1) {
            sqlite3_bind_blob(st, 5, blob, hist_encode(bins, blob), SQLITE_STATIC);
            return sq_step_done(w->c, st, w->err);
        }
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            hist_decode(sqlite3_column_blob(st, 0), sqlite3_column_bytes(st, 0), bins);
        sq_done(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return sq_fail(w->c, rc, w->err);
        for (int b = 0; b < KPI_BINS; b++)
            bins[b] += add[b];
        if (!(st = sq_stmt(w->c, put, w->err)))
            return GZ_EIO;
    }
    return 0;
}

static int write_roles(void *ctx, int64_t account, int64_t day, const struct kpi_role_counts *v)
{
    struct writer *w = ctx;
    sqlite3_stmt *st = sq_stmt(w->c, q.roles_upsert, w->err);

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, account);
    sqlite3_bind_int64(st, 2, day);
    for (int i = 0; i < KPI_NROLE_COUNTERS; i++)
        sqlite3_bind_int64(st, 3 + i, v->v[i]);
    return sq_step_done(w->c, st, w->err);
}

struct sync_job {
    const char *zone;
    const struct kpi_limits *lim;
    bool rebuild;
    bool more; /* out: another chunk is waiting */
};

static int job_sync(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct sync_job *j = arg;
    struct writer w = {c, err};
    struct kpi_acc *acc = kpi_acc_new();
    size_t ncases = 0, nevents = 0;
    int rc = acc ? check_basis(c, j->zone, j->lim, j->rebuild, err)
                 : gz_fail(err, GZ_ENOMEM, "", "out of memory");

    if (!rc)
        rc = count_cases(c, acc, j->lim, &ncases, err);
    if (!rc)
        rc = count_events(c, acc, j->lim, &nevents, err);
    if (!rc)
        rc = kpi_acc_each(acc, write_counts, &w);
    if (!rc)
        rc = kpi_acc_each_hist_row(acc, write_hist, &w);
    if (!rc)
        rc = kpi_acc_each_role(acc, write_roles, &w);
    kpi_acc_free(acc);
    j->more = ncases == KPI_CHUNK || nevents == KPI_CHUNK;
    return rc;
}

int sqo_kpi_sync(struct store *s, const char *zone, const struct kpi_limits *lim, bool rebuild,
                 struct gz_err *err)
{
    struct sync_job j = {zone ? zone : "", lim, rebuild, false};
    int rc;

    pthread_once(&q_once, build_sql);
    do {
        rc = sq_write((struct sqstore *)s, job_sync, &j, err);
        j.rebuild = false;
    } while (!rc && j.more);
    return rc;
}

/* ---- reading the sums ---- */

/* Each row's key (column 0) and sums (from column 1) to fn, until it returns nonzero. */
static int counts_rows(struct sqconn *c, sqlite3_stmt *st,
                       int (*fn)(void *ctx, int64_t key, const struct kpi_counts *v), void *ctx,
                       struct gz_err *err)
{
    struct kpi_counts v;
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, sqlite3_column_int64(st, 0), counts_from(st, 1, &v)))
            return 0;
    return sq_step_result(c, rc, err);
}

int sqo_kpi_units(struct store *s, int basis, int64_t from, int64_t to, store_kpi_unit_fn fn,
                  void *ctx, struct gz_err *err)
{
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st;
    int rc;

    pthread_once(&q_once, build_sql);
    if (!(st = sq_read_begin(sq, q.units_sum, &c, err)))
        return GZ_EIO;
    sqlite3_bind_int(st, 1, basis);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    rc = counts_rows(c, st, fn, ctx, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_kpi_days(struct store *s, int64_t unit_id, int basis, int64_t from, int64_t to,
                 store_kpi_day_fn fn, void *ctx, struct gz_err *err)
{
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st;
    int rc;

    pthread_once(&q_once, build_sql);
    if (!(st = sq_read_begin(sq, q.days, &c, err)))
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, unit_id);
    sqlite3_bind_int(st, 2, basis);
    sqlite3_bind_int64(st, 3, from);
    sqlite3_bind_int64(st, 4, to);
    rc = counts_rows(c, st, fn, ctx, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_kpi_hist(struct store *s, int64_t unit_id, int basis, int64_t from, int64_t to,
                 store_kpi_hist_fn fn, void *ctx, struct gz_err *err)
{
    static const char by_unit[] = "SELECT unit_id, metric, bins FROM kpi_hist WHERE basis = ?2"
                                  " AND day >= ?3 AND day < ?4 AND ?1 < 0";
    static const char by_day[] = "SELECT day, metric, bins FROM kpi_hist WHERE unit_id = ?1"
                                 " AND basis = ?2 AND day >= ?3 AND day < ?4";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, unit_id < 0 ? by_unit : by_day, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, unit_id);
    sqlite3_bind_int(st, 2, basis);
    sqlite3_bind_int64(st, 3, from);
    sqlite3_bind_int64(st, 4, to);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (hist_each_bin(st, 2, sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1), fn, ctx)) {
            rc = SQLITE_DONE;
            break;
        }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_kpi_roles(struct store *s, int64_t from, int64_t to, store_kpi_role_fn fn, void *ctx,
                  struct gz_err *err)
{
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    struct kpi_role_counts v;
    sqlite3_stmt *st;
    int rc;

    pthread_once(&q_once, build_sql);
    if (!(st = sq_read_begin(sq, q.roles_sum, &c, err)))
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, sqlite3_column_int64(st, 0), roles_from(st, 1, &v))) {
            rc = SQLITE_DONE;
            break;
        }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

/* The bins of one kpi_hist row (unit, basis, day, metric, bins) to a kpi_hist_fn. */
static int each_bin(sqlite3_stmt *st, kpi_hist_fn fn, void *ctx, int64_t unit, int basis)
{
    int64_t bins[KPI_BINS] = {0}, day = sqlite3_column_int64(st, 2);
    int metric = sqlite3_column_int(st, 3), rc;

    hist_decode(sqlite3_column_blob(st, 4), sqlite3_column_bytes(st, 4), bins);
    for (int b = 0; b < KPI_BINS; b++)
        if (bins[b] && (rc = fn(ctx, unit, basis, day, metric, b, bins[b])) != 0)
            return rc;
    return 0;
}

/* One table of kpi_each: 0 = facts, 1 = hist, 2 = roles. */
static int each_table(struct sqconn *c, int table, kpi_counts_fn counts, kpi_hist_fn hist,
                      kpi_role_fn roles, void *ctx, struct gz_err *err)
{
    static const char hist_all[] = "SELECT unit_id, basis, day, metric, bins FROM kpi_hist";
    const char *sql = table == 0 ? q.facts_all : table == 1 ? hist_all : q.roles_all;
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    struct kpi_counts v;
    struct kpi_role_counts r;
    int rc, stop = 0;

    if (!st)
        return GZ_EIO;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t a = sqlite3_column_int64(st, 0), b = sqlite3_column_int64(st, 1);
        if (table == 0)
            stop = counts(ctx, a, (int)b, sqlite3_column_int64(st, 2), counts_from(st, 3, &v));
        else if (table == 1)
            stop = each_bin(st, hist, ctx, a, (int)b);
        else
            stop = roles(ctx, a, b, roles_from(st, 2, &r));
    }
    rc = stop ? 0 : sq_step_result(c, rc, err);
    sq_done(st);
    return rc;
}

int sqo_kpi_each(struct store *s, kpi_counts_fn counts, kpi_hist_fn hist, kpi_role_fn roles,
                 void *ctx, struct gz_err *err)
{
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    int rc = 0;

    pthread_once(&q_once, build_sql);
    if (!(c = sq_reader(sq, err)))
        return GZ_EIO;
    if (counts)
        rc = each_table(c, 0, counts, hist, roles, ctx, err);
    if (!rc && hist)
        rc = each_table(c, 1, counts, hist, roles, ctx, err);
    if (!rc && roles)
        rc = each_table(c, 2, counts, hist, roles, ctx, err);
    sq_reader_put(sq, c);
    return rc;
}
