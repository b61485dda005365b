/*
 * Tests of src/store/store_sqlite_kpi.c: the sums kept up to date change by
 * change equal a recount from scratch on a random workload through the
 * closed loop (and a count made here straight from the cases), merged cases
 * count once, periods end at local midnight, a change of zone recounts,
 * and flags are written once per period with their event.
 */
#include "gz.h"

#include <math.h>
#include <stdlib.h>

#include "core/period.h"
#include "core/workflow.h"
#include "store/store.h"
#include "t.h"

#define T0 1793548800 /* 2026-11-02 00:00 in Shanghai */
#define H 3600
#define DAY 86400

static const struct kpi_limits lim = {30 * 60, 2 * H, 24 * H};

struct city {
    struct store *s;
    struct calendar *cal;
    struct sla_limits limits;
    int64_t city, d1, d2, d3, st1, st2;
    char path[300];
};

static int64_t add_unit(struct store *s, const char *code, enum unit_kind kind, int64_t parent)
{
    struct gz_err err = {0};
    struct unit u;
    int64_t id;

    unit_init(&u);
    snprintf(u.code, sizeof(u.code), "%s", code);
    snprintf(u.name, sizeof(u.name), "%s", code);
    u.kind = kind;
    u.parent_id = parent;
    ck_assert_int_eq(store_unit_create(s, &u, NULL, &err), 0);
    id = u.id;
    unit_release(&u);
    return id;
}

static void city_open(struct city *c)
{
    char dir[256];
    struct gz_err err = {0};
    struct category cat;

    memset(c, 0, sizeof(*c));
    t_tmpdir(dir, sizeof(dir));
    snprintf(c->path, sizeof(c->path), "%s/t.db", dir);
    c->s = store_open(c->path, NULL, &err);
    ck_assert_ptr_nonnull(c->s);
    c->cal = cal_new("Asia/Shanghai", &err); /* also the process zone */
    ck_assert_ptr_nonnull(c->cal);
    sla_defaults(&c->limits);
    c->city = add_unit(c->s, "city", UNIT_CITY, 0);
    c->d1 = add_unit(c->s, "d1", UNIT_DEPARTMENT, c->city);
    c->d2 = add_unit(c->s, "d2", UNIT_DEPARTMENT, c->city);
    c->d3 = add_unit(c->s, "d3", UNIT_DEPARTMENT, c->city);
    c->st1 = add_unit(c->s, "st1", UNIT_STREET, c->city);
    c->st2 = add_unit(c->s, "st2", UNIT_STREET, c->city);
    for (int i = 0; i < 4; i++) { /* accounts 1..4: who takes in and acts */
        struct account a;
        account_init(&a);
        snprintf(a.login, sizeof(a.login), "acct%d", i + 1);
        snprintf(a.name, sizeof(a.name), "acct%d", i + 1);
        ck_assert_int_eq(store_account_create(c->s, &a, "x", &err), 0);
    }
    category_init(&cat);
    snprintf(cat.code, sizeof(cat.code), "01");
    snprintf(cat.name, sizeof(cat.name), "市容");
    ck_assert_int_eq(store_category_create(c->s, &cat, &err), 0);
    snprintf(cat.code, sizeof(cat.code), "0101");
    ck_assert_int_eq(store_category_create(c->s, &cat, &err), 0);
}

static void city_close(struct city *c)
{
    cal_free(c->cal);
    store_close(c->s);
}

static int64_t intake(struct city *c, int64_t at, int64_t street, const char *category,
                      char *number)
{
    struct case_rec r;
    struct event ev;
    struct gz_err err = {0};
    char day[16];
    struct store_intake in = {.day = day, .ev = &ev};
    int64_t id;

    case_init(&r);
    event_init(&ev);
    r.text = strdup("路面破损");
    r.created_at = at;
    r.intake_account_id = 1;
    r.area[2] = street;
    if (category) {
        snprintf(r.category, sizeof(r.category), "%s", category);
        r.category_by_operator = true;
    }
    snprintf(ev.kind, sizeof(ev.kind), "created");
    ev.actor_account_id = 1;
    ev.at = at;
    ev.body = strdup("{}");
    snprintf(day, sizeof(day), "%lld", (long long)(20261100 + (at - T0) / DAY % 28 + 1));
    ck_assert_int_eq(store_case_create(c->s, &r, &in, &err), 0);
    snprintf(number, CASE_NUMBER_LEN + 1, "%s", r.number);
    id = r.id;
    case_release(&r);
    event_release(&ev);
    return id;
}

static int apply_fn(void *ctx, struct case_rec *c, struct case_rec *other, struct event *ev,
                    struct event *oev, struct gz_err *err)
{
    return wf_apply(c, other, ctx, ev, oev, err);
}

/* Take an action; returns the store's result (the random walk tries illegal ones too). */
static int act(struct city *c, const char *number, struct wf_input *in, const char *other)
{
    struct case_rec out;
    struct gz_err err = {0};
    int rc;

    in->cal = c->cal;
    if (!in->limits)
        in->limits = &c->limits;
    if (!in->actor_account_id)
        in->actor_account_id = 2;
    rc = store_case_update(c->s, number, other, apply_fn, in, &out, &err);
    if (!rc)
        case_release(&out);
    return rc;
}

static void sync(struct city *c)
{
    struct gz_err err = {0};

    ck_assert_msg(store_kpi_sync(c->s, "Asia/Shanghai", &lim, &err) == 0, "%s", err.msg);
}

/* ---- dumps: every stored row as a line, sorted ---- */

struct dump {
    char **lines;
    size_t n, cap;
    bool cases_only; /* leave out what events count (dispatches, returns) */
};

static void push(struct dump *d, const char *line)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 256;
        d->lines = realloc(d->lines, d->cap * sizeof(*d->lines));
        ck_assert_ptr_nonnull(d->lines);
    }
    d->lines[d->n++] = strdup(line);
}

static int dump_counts(void *ctx, int64_t unit, int basis, int64_t day,
                       const struct kpi_counts *counts)
{
    struct dump *d = ctx;
    struct kpi_counts own = *counts, *v = &own;
    char line[1024];
    size_t len;
    bool any = false;

    if (d->cases_only)
        own.v[KPI_C_dispatches] = own.v[KPI_C_returns] = 0;
    len = (size_t)snprintf(line, sizeof(line), "c %lld %d %lld", (long long)unit, basis,
                           (long long)day);
    for (int i = 0; i < KPI_NCOUNTERS; i++) {
        any = any || v->v[i];
        len += (size_t)snprintf(line + len, sizeof(line) - len, " %lld", (long long)v->v[i]);
    }
    if (any)
        push(ctx, line);
    return 0;
}

static int dump_hist(void *ctx, int64_t unit, int basis, int64_t day, int metric, int bin,
                     int64_t n)
{
    char line[128];

    snprintf(line, sizeof(line), "h %lld %d %lld %d %d %lld", (long long)unit, basis,
             (long long)day, metric, bin, (long long)n);
    if (n)
        push(ctx, line);
    return 0;
}

static int dump_roles(void *ctx, int64_t account, int64_t day, const struct kpi_role_counts *v)
{
    char line[1024];
    size_t len;
    bool any = false;

    len = (size_t)snprintf(line, sizeof(line), "r %lld %lld", (long long)account, (long long)day);
    for (int i = 0; i < KPI_NROLE_COUNTERS; i++) {
        any = any || v->v[i];
        len += (size_t)snprintf(line + len, sizeof(line) - len, " %lld", (long long)v->v[i]);
    }
    if (any)
        push(ctx, line);
    return 0;
}

static int line_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dump_sort(struct dump *d)
{
    qsort(d->lines, d->n, sizeof(*d->lines), line_cmp);
}

static void dump_stored(struct city *c, struct dump *d, bool roles)
{
    struct gz_err err = {0};

    memset(d, 0, sizeof(*d));
    d->cases_only = !roles;
    ck_assert_int_eq(
        store_kpi_each(c->s, dump_counts, dump_hist, roles ? dump_roles : NULL, d, &err), 0);
    dump_sort(d);
}

static void dump_free(struct dump *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->lines[i]);
    free(d->lines);
}

static void dump_equal(const struct dump *a, const struct dump *b)
{
    size_t i;

    for (i = 0; i < a->n && i < b->n; i++)
        ck_assert_msg(strcmp(a->lines[i], b->lines[i]) == 0, "line %zu:\n %s\n %s", i, a->lines[i],
                      b->lines[i]);
    ck_assert_msg(a->n == b->n, "%zu lines against %zu", a->n, b->n);
    ck_assert_uint_gt(a->n, 0);
}

/* A third count, made here: every case read back and fed to core/kpi.c (without the events). */
static void dump_direct(struct city *c, int64_t max_id, struct dump *d)
{
    struct kpi_acc *acc = kpi_acc_new();
    struct gz_err err = {0};

    for (int64_t id = 1; id <= max_id; id++) {
        struct case_rec r;
        struct kpi_case k;
        memset(&k, 0, sizeof(k));
        ck_assert_int_eq(store_case_get(c->s, NULL, id, &r, &err), 0);
        k.status = r.status;
        k.lead_unit_id = r.lead_unit_id;
        k.created_at = r.created_at;
        k.dispatched_at = r.dispatched_at;
        k.accepted_at = r.accepted_at;
        k.resolved_at = r.resolved_at;
        k.closed_at = r.closed_at;
        k.respond_by = r.respond_by;
        k.resolve_by = r.resolve_by;
        k.contacted = r.contacted;
        k.solved = r.solved;
        k.satisfaction = r.satisfaction;
        k.rework_count = r.rework_count;
        memcpy(k.area, r.area, sizeof(k.area));
        for (size_t i = 0; i < r.n_co; i++)
            k.parties[k.n_parties++] = (struct kpi_party){r.co_units[i], KPI_PARTY_CO, 0, 0, 0, 0, 0, false};
        ck_assert_int_eq(kpi_case_facts(acc, &k, 1, &lim), 0);
        case_release(&r);
    }
    memset(d, 0, sizeof(*d));
    ck_assert_int_eq(kpi_acc_each(acc, dump_counts, d), 0);
    ck_assert_int_eq(kpi_acc_each_hist(acc, dump_hist, d), 0);
    dump_sort(d);
    kpi_acc_free(acc);
}

/* One random step of the closed loop on a random case. */
static void random_step(struct city *c, char (*numbers)[16], int n, int64_t now)
{
    static const enum case_action acts[] = {
        ACT_DISPATCH, ACT_REDISPATCH, ACT_ACCEPT, ACT_RETURN,           ACT_REPLY, ACT_VERIFY,
        ACT_REVISIT,  ACT_REOPEN,     ACT_CLOSE,  ACT_ANSWER,           ACT_MERGE, ACT_INVALIDATE,
        ACT_PARK,     ACT_UNPARK,     ACT_EXTEND, ACT_APPROVE_EXTENSION};
    int64_t leads[] = {c->d1, c->d2, c->d3};
    struct wf_input in = {0};
    int i = rand() % n;

    in.action = acts[rand() % (int)GZ_ARRAY_LEN(acts)];
    in.now = now;
    in.actor_account_id = 2 + rand() % 3;
    in.unit_id = leads[rand() % 3];
    if (rand() % 3 == 0)
        in.co_units[in.n_co++] = leads[rand() % 3];
    if (in.n_co && in.co_units[0] == in.unit_id)
        in.n_co = 0;
    in.reason = in.text = "理由";
    in.pass = rand() % 3 != 0;
    in.contacted = rand() % 2;
    in.solved = rand() % 3 != 0;
    in.satisfaction = (enum satisfaction)(1 + rand() % 3);
    in.extension = (struct tlimit){2, LIMIT_WORKDAYS};
    act(c, numbers[i], &in, in.action == ACT_MERGE ? numbers[rand() % n] : NULL);
}

START_TEST(incremental_equals_recount)
{
    struct city c;
    char numbers[60][16];
    struct dump inc, full, direct;
    struct gz_err err = {0};
    int64_t now = T0;

    city_open(&c);
    srand(20261124);
    sync(&c); /* counting starts with an empty city */
    for (int i = 0; i < 60; i++) {
        now += rand() % (3 * H);
        intake(&c, now, i % 3 ? c.st1 : c.st2, i % 2 ? "0101" : NULL, numbers[i]);
    }
    for (int step = 0; step < 4000; step++) {
        now += rand() % H;
        random_step(&c, numbers, 60, now);
        if (rand() % 50 == 0)
            sync(&c);
    }
    sync(&c);
    dump_stored(&c, &inc, true);
    ck_assert_int_eq(store_kpi_rebuild(c.s, "Asia/Shanghai", &lim, &err), 0);
    dump_stored(&c, &full, true);
    dump_equal(&inc, &full);
    dump_free(&full);
    dump_stored(&c, &full, false);
    dump_direct(&c, 60, &direct);
    dump_equal(&full, &direct);
    dump_free(&inc);
    dump_free(&full);
    dump_free(&direct);
    city_close(&c);
}
END_TEST

struct units_sum {
    int64_t unit;
    struct kpi_counts c;
};

static int sum_unit(void *ctx, int64_t unit, const struct kpi_counts *v)
{
    struct units_sum *u = ctx;

    if (unit == u->unit)
        kpi_counts_add(&u->c, v);
    return 0;
}

static struct kpi_counts unit_sum(struct city *c, int64_t unit, int basis, const char *period,
                                  int start_day)
{
    struct units_sum u;
    struct period p;
    struct gz_err err = {0};

    memset(&u, 0, sizeof(u));
    u.unit = unit;
    ck_assert_int_eq(period_parse(period, start_day, "period", &p, &err), 0);
    ck_assert_int_eq(store_kpi_units(c->s, basis, p.from, p.to, sum_unit, &u, &err), 0);
    return u.c;
}

/* Dispatch, accept, reply, verify, revisit and close at the given times. */
static void full_loop(struct city *c, const char *n, int64_t unit, int64_t at, int sat)
{
    struct wf_input in = {.action = ACT_DISPATCH, .unit_id = unit, .now = at};

    ck_assert_int_eq(act(c, n, &in, NULL), 0);
    in = (struct wf_input){.action = ACT_ACCEPT, .now = at + 60};
    ck_assert_int_eq(act(c, n, &in, NULL), 0);
    in = (struct wf_input){.action = ACT_REPLY, .text = "好了", .now = at + 120};
    ck_assert_int_eq(act(c, n, &in, NULL), 0);
    in = (struct wf_input){.action = ACT_REVISIT,
                           .contacted = 1,
                           .solved = 1,
                           .satisfaction = (enum satisfaction)sat,
                           .now = at + 180};
    ck_assert_int_eq(act(c, n, &in, NULL), 0);
    in = (struct wf_input){.action = ACT_CLOSE, .now = at + 240};
    ck_assert_int_eq(act(c, n, &in, NULL), 0);
}

START_TEST(merged_once_and_local_periods)
{
    struct city c;
    char a[16], b[16], late[16];
    struct wf_input in = {.action = ACT_MERGE, .now = T0 + H};
    struct kpi_counts k;

    city_open(&c);
    intake(&c, T0, c.st1, "0101", a);
    intake(&c, T0 + 60, c.st1, "0101", b);
    ck_assert_int_eq(act(&c, b, &in, a), 0);
    full_loop(&c, a, c.d1, T0 + 2 * H, SAT_BASIC);
    /* closed at 23:59:00 on Nov 18 local: inside November for a city counting from the 19th,
       and inside November for one counting from the 1st */
    intake(&c, T0 + 16 * DAY + 23 * H, c.st2, "0101", late);
    full_loop(&c, late, c.d2, T0 + 16 * DAY + 23 * H + 60 * 50 - 300, SAT_SATISFIED);
    sync(&c);
    k = unit_sum(&c, c.d1, KPI_LEAD, "2026-11", 1);
    ck_assert_int_eq(k.v[KPI_C_dispatched], 1); /* the merged case is not counted again */
    ck_assert_int_eq(k.v[KPI_C_rated], 1);
    ck_assert(fabs(kpi_rate(&k, KPI_SATISFACTION) - 0.9) < 1e-12);
    k = unit_sum(&c, c.st1, KPI_AREA, "2026-11", 1);
    ck_assert_int_eq(k.v[KPI_C_received], 1);
    k = unit_sum(&c, KPI_CITY, KPI_AREA, "2026-11", 1);
    ck_assert_int_eq(k.v[KPI_C_received], 2);
    k = unit_sum(&c, c.d2, KPI_LEAD, "2026-11", 19);
    ck_assert_int_eq(k.v[KPI_C_closed], 1);
    k = unit_sum(&c, c.d2, KPI_LEAD, "2026-12", 19);
    ck_assert_int_eq(k.v[KPI_C_closed], 0);
    k = unit_sum(&c, c.d2, KPI_LEAD, "2026-11-18", 1);
    ck_assert_int_eq(k.v[KPI_C_closed], 1);
    k = unit_sum(&c, c.d2, KPI_LEAD, "2026-11-19", 1);
    ck_assert_int_eq(k.v[KPI_C_closed], 0);
    city_close(&c);
}
END_TEST

START_TEST(zone_change_recounts)
{
    struct city c;
    char n[16];
    struct gz_err err = {0};
    struct kpi_counts k;

    city_open(&c);
    /* 2026-11-02 03:00 in Shanghai is still Nov 1 in UTC */
    intake(&c, T0 + 3 * H, c.st1, NULL, n);
    sync(&c);
    k = unit_sum(&c, c.st1, KPI_AREA, "2026-11-02", 1);
    ck_assert_int_eq(k.v[KPI_C_received], 1);
    setenv("TZ", "UTC", 1);
    tzset();
    ck_assert_int_eq(store_kpi_sync(c.s, "UTC", &lim, &err), 0);
    k = unit_sum(&c, c.st1, KPI_AREA, "2026-11-01", 1);
    ck_assert_int_eq(k.v[KPI_C_received], 1);
    k = unit_sum(&c, c.st1, KPI_AREA, "2026-11-02", 1);
    ck_assert_int_eq(k.v[KPI_C_received], 0);
    city_close(&c);
}
END_TEST

struct flags {
    int n;
    struct kpi_flag last;
};

static int on_flag(void *ctx, const struct kpi_flag *f)
{
    struct flags *x = ctx;

    x->n++;
    x->last = *f;
    return 0;
}

START_TEST(flags_once_per_period)
{
    struct city c;
    struct kpi_flag f = {0};
    struct event ev;
    struct gz_err err = {0};
    struct flags x = {0};
    bool created;

    city_open(&c);
    f.unit_id = c.d1;
    snprintf(f.period, sizeof(f.period), "2026-11");
    f.score = 42.5;
    for (int i = 0; i < 2; i++) {
        event_init(&ev);
        snprintf(ev.kind, sizeof(ev.kind), "kpi_flag");
        ev.internal = true;
        ev.body = strdup("{\"period\":\"2026-11\"}");
        ck_assert_int_eq(store_kpi_flag(c.s, &f, &ev, &created, &err), 0);
        ck_assert(created == (i == 0));
        event_release(&ev);
    }
    ck_assert_int_eq(store_kpi_flags(c.s, "2026-11", on_flag, &x, &err), 0);
    ck_assert_int_eq(x.n, 1);
    ck_assert_int_eq(x.last.unit_id, c.d1);
    ck_assert_int_gt(x.last.event_id, 0);
    ck_assert(fabs(x.last.score - 42.5) < 1e-9);
    x.n = 0;
    ck_assert_int_eq(store_kpi_flags(c.s, "2026-10", on_flag, &x, &err), 0);
    ck_assert_int_eq(x.n, 0);
    city_close(&c);
}
END_TEST

Suite *suite_store_kpi(void)
{
    Suite *s = suite_create("store/kpi");
    TCase *tc = tcase_create("kpi");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, incremental_equals_recount);
    tcase_add_test(tc, merged_once_and_local_periods);
    tcase_add_test(tc, zone_change_recounts);
    tcase_add_test(tc, flags_once_per_period);
    suite_add_tcase(s, tc);
    return s;
}
