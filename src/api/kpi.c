/*
 * kpi.c - performance of units and roles (DESIGN §6).
 *   GET  /api/v1/kpi?period=2026-11&level=street&basis=lead|area   the ranking
 *   GET  /api/v1/kpi/units/{id}?from=2025-12&to=2026-11&by=month&basis=   a unit's trend
 *        (a root unit: the whole platform)
 *   GET  /api/v1/kpi/roles?period=&role=operator|dispatcher|grid_worker
 *   GET  /api/v1/kpi/config, PUT /api/v1/kpi/config               the city's settings
 *   POST /api/v1/kpi/flags {period, level, basis}                 flag units under the threshold
 *   GET  /api/v1/kpi/flags?period=                                the flags the caller may see
 * Staff (any role but resident) read rankings and trends; supervisors and
 * admins of a root unit read the roles and flag; root admins change the
 * settings. A flag is an event on the chain, seen by the unit's parent.
 */
#include "gz.h"

#include <math.h>

#include "api/kpi_json.h"
#include "api/kpi_req.h"
#include "util/json.h"
#include "util/timeutil.h"

#define PLATFORM_READERS ((1u << ROLE_SUPERVISOR) | (1u << ROLE_DISPATCHER))

/* basis= (default: area for territorial levels, lead for the others); area needs a territory. */
static int q_basis(struct http_req *r, enum unit_kind kind, int *basis)
{
    const char *v = http_query(r, "basis");

    *basis = v ? kpi_basis_parse(v) : kpi_default_basis(kind);
    if (*basis < 0 || *basis == KPI_CO) {
        http_reply_error(r, 400, "bad_request", "basis", "basis must be lead or area");
        return -1;
    }
    if (*basis == KPI_AREA && unit_kind_level(kind) < 1) {
        http_reply_error(r, 400, "bad_request", "basis",
                         "area counts the cases in a territory: %s is not one",
                         unit_kind_name(kind));
        return -1;
    }
    return 0;
}

static void reply_doc(struct http_req *r, json_t *doc, const struct gz_err *err)
{
    if (doc)
        http_reply_json(r, 200, doc);
    else
        api_fail(r, err);
}

static void get_ranking(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct kpi_config cfg;
    struct period per;
    enum unit_kind level;
    struct gz_err err = {0};
    int basis;

    if (api_principal(r, app, &p) || kpi_need_staff(r, &p) || kpi_begin(r, app, &cfg) ||
        kpi_q_period(r, "period", &cfg, &per) || kpi_q_kind(r, "level", UNIT_STREET, &level) ||
        q_basis(r, level, &basis))
        return;
    reply_doc(r, kpi_ranking(app, &cfg, &per, level, basis, &err), &err);
}

static void get_trend(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct kpi_config cfg;
    struct period first, last, tmp;
    struct unit u;
    struct gz_err err = {0};
    const char *by = http_query(r, "by");
    int kind = by ? period_kind_parse(by) : PERIOD_MONTH, basis;

    if (api_principal(r, app, &p) || kpi_need_staff(r, &p) || kpi_begin(r, app, &cfg) ||
        kpi_unit_ref(r, app, http_param(r, "id"), "id", true, &u))
        return;
    if (kind < 0) {
        http_reply_error(r, 400, "bad_request", "by", "by must be day, week, month or year");
    } else if (!kpi_q_period(r, "from", &cfg, &tmp) && !q_basis(r, u.kind, &basis)) {
        if (!u.parent_id) { /* a root unit: the whole platform */
            u.id = KPI_CITY;
            basis = KPI_AREA;
        }
        period_at((enum period_kind)kind, tmp.from, cfg.start_day, &first);
        if (!kpi_q_period(r, "to", &cfg, &tmp)) {
            period_at((enum period_kind)kind, tmp.to - 1, cfg.start_day, &last);
            if (last.from < first.from)
                http_reply_error(r, 400, "bad_request", "to", "to is before from");
            else
                reply_doc(r, kpi_trend(app, &cfg, &u, basis, &first, &last, &err), &err);
        }
    }
    unit_release(&u);
}

/* ---- roles ---- */

struct roles_ctx {
    struct app *app;
    json_t *items;
    int want; /* a role, or -1 */
};

static int collect_role(void *ctx, const struct membership *m)
{
    unsigned *mask = ctx;

    *mask |= 1u << m->role;
    return 0;
}

static json_t *role_figures(const struct kpi_role_counts *c)
{
    const int64_t *v = c->v;

    return json_pack(
        "{s:{s:I, s:I, s:o, s:I, s:o}, s:{s:I, s:I, s:o, s:I, s:o}, s:{s:I, s:I, s:o}}", "operator",
        "taken_in", (json_int_t)v[KPI_R_taken_in], "answered", (json_int_t)v[KPI_R_answered],
        "answered_share", kpi_num(kpi_role_rate(c, KPI_ANSWERED_SHARE)), "classified",
        (json_int_t)v[KPI_R_class_checked], "classification_accuracy",
        kpi_num(kpi_role_rate(c, KPI_CLASS_ACCURACY)), "dispatcher", "dispatches",
        (json_int_t)v[KPI_R_dispatches], "first_dispatches", (json_int_t)v[KPI_R_first_dispatches],
        "ontime_dispatch_rate", kpi_num(kpi_role_rate(c, KPI_ONTIME_DISPATCH)), "returned",
        (json_int_t)v[KPI_R_returned], "accurate_dispatch_rate",
        kpi_num(kpi_role_rate(c, KPI_ACCURATE_DISPATCH)), "verifier", "verifications",
        (json_int_t)v[KPI_R_verifications], "passed", (json_int_t)v[KPI_R_verify_passed],
        "ontime_verification_rate", kpi_num(kpi_role_rate(c, KPI_ONTIME_VERIFY)));
}

static int add_role_row(void *arg, int64_t account_id, const struct kpi_role_counts *c)
{
    static const int staff[] = {ROLE_OPERATOR, ROLE_DISPATCHER, ROLE_GRID_WORKER, ROLE_SUPERVISOR,
                                ROLE_ADMIN};
    struct roles_ctx *x = arg;
    struct account a;
    struct gz_err err;
    unsigned mask = 0;
    json_t *roles;

    if (store_account_get(x->app->store, account_id, &a, &err) ||
        store_membership_list(x->app->store, account_id, 0, collect_role, &mask, &err))
        return 0;
    /* staff only: residents' own reports are nobody's performance */
    if (!(mask & ~(1u << ROLE_RESIDENT)) || (x->want >= 0 && !(mask & (1u << x->want))))
        return 0;
    roles = json_array();
    for (size_t i = 0; i < GZ_ARRAY_LEN(staff); i++)
        if (mask & (1u << staff[i]))
            json_array_append_new(roles, json_string(role_name((enum role)staff[i])));
    json_array_append_new(x->items, json_pack("{s:{s:I, s:s, s:s}, s:o, s:o}", "account", "id",
                                              (json_int_t)a.id, "login", a.login, "name", a.name,
                                              "roles", roles, "figures", role_figures(c)));
    return 0;
}

static void get_roles(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct kpi_config cfg;
    struct period per;
    struct gz_err err = {0};
    const char *role = http_query(r, "role");
    struct roles_ctx x = {app, NULL, role ? role_parse(role) : -1};

    if (api_principal(r, app, &p))
        return;
    if (!kpi_platform_role(app, &p, PLATFORM_READERS)) {
        api_forbidden(r, "read the figures of other staff");
        return;
    }
    if (role && (x.want < 0 || x.want == ROLE_RESIDENT)) {
        http_reply_error(r, 400, "bad_request", "role", "role must be a staff role");
        return;
    }
    if (kpi_begin(r, app, &cfg) || kpi_q_period(r, "period", &cfg, &per))
        return;
    x.items = json_array();
    if (store_kpi_roles(app->store, per.from, per.to, add_role_row, &x, &err)) {
        json_decref(x.items);
        api_fail(r, &err);
        return;
    }
    http_reply_json(r, 200,
                    json_pack("{s:o, s:o, s:o}", "period", kpi_period_json(&per), "limits",
                              kpi_config_json(&cfg), "items", x.items));
}

/* ---- settings ---- */

static void get_config(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct kpi_config cfg;
    struct gz_err err = {0};

    if (api_principal(r, app, &p) || kpi_need_staff(r, &p))
        return;
    if (kpi_config_load(app->store, &cfg, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 200, kpi_config_json(&cfg));
}

static void put_config(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct kpi_config cfg;
    struct gz_err err = {0};
    json_t *body;

    if (api_principal(r, app, &p))
        return;
    if (!api_root_admin(app, &p)) {
        api_forbidden(r, "change the city's assessment settings");
        return;
    }
    if (!(body = api_body(r)))
        return;
    if (kpi_config_load(app->store, &cfg, &err) || kpi_config_apply(&cfg, body, &err) ||
        kpi_config_store(app->store, &cfg, &err) || kpi_prepare(app, &cfg, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 200, kpi_config_json(&cfg));
    json_decref(body);
}

/* ---- flags ---- */

struct flag_req {
    struct period per;
    enum unit_kind level;
    int basis;
};

static int parse_flag_req(const json_t *body, const struct kpi_config *cfg, struct flag_req *f,
                          struct gz_err *err)
{
    static const char *const keys[] = {"period", "level", "basis", NULL};
    char period[48], level[32] = "street", basis[16] = "";
    int k;

    if (json_check_keys(body, keys, err) ||
        json_get_str(body, "period", period, sizeof(period), true, err) ||
        json_get_str(body, "level", level, sizeof(level), false, err) < 0 ||
        json_get_str(body, "basis", basis, sizeof(basis), false, err) < 0)
        return err->code ? err->code : GZ_EINVAL;
    if (period_parse(period, cfg->start_day, "period", &f->per, err)) {
        char msg[sizeof(err->msg)];
        snprintf(msg, sizeof(msg), "%s", err->msg);
        return gz_fail(err, GZ_EINVAL, "period", "%s", msg);
    }
    k = unit_kind_parse(level);
    if (k <= UNIT_CITY)
        return gz_fail(err, GZ_EINVAL, "level", "level must be a kind of unit below the city");
    f->level = (enum unit_kind)k;
    f->basis = basis[0] ? kpi_basis_parse(basis) : kpi_default_basis(f->level);
    if (f->basis < 0 || f->basis == KPI_CO ||
        (f->basis == KPI_AREA && unit_kind_level(f->level) < 1))
        return gz_fail(err, GZ_EINVAL, "basis", "basis must be lead, or area for a territory");
    return 0;
}

/* Flag one ranked unit; appends {unit, score, rank, event_id, created} to out. */
static int flag_one(struct app *app, const struct principal *p, const struct flag_req *f,
                    const json_t *item, const struct kpi_config *cfg, json_t *out,
                    struct gz_err *err)
{
    const json_t *unit = json_object_get(item, "unit");
    json_t *body;
    struct kpi_flag fl = {0};
    struct event ev;
    bool created;
    int rc;

    fl.unit_id = json_integer_value(json_object_get(unit, "id"));
    snprintf(fl.period, sizeof(fl.period), "%s", f->per.name);
    fl.basis = f->basis;
    fl.score = json_real_value(json_object_get(item, "score"));
    event_init(&ev);
    snprintf(ev.kind, sizeof(ev.kind), "kpi_flag");
    ev.actor_account_id = p->account_id;
    ev.at = time_now();
    ev.internal = true;
    body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:f, s:f, s:O}", "unit_id", (json_int_t)fl.unit_id,
                     "unit_code", json_string_value(json_object_get(unit, "code")), "period",
                     fl.period, "level", unit_kind_name(f->level), "basis",
                     kpi_basis_name(f->basis), "score", fl.score, "threshold", cfg->flag_below,
                     "rank", json_object_get(item, "rank"));
    ev.body = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(body);
    rc = store_kpi_flag(app->store, &fl, &ev, &created, err);
    event_release(&ev);
    if (!rc)
        json_array_append_new(
            out, json_pack("{s:O, s:f, s:O, s:o, s:b}", "unit", unit, "score", fl.score, "rank",
                           json_object_get(item, "rank"), "event_id",
                           created ? json_integer(fl.event_id) : json_null(), "created", created));
    return rc;
}

static void post_flags(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct kpi_config cfg;
    struct flag_req f;
    struct gz_err err = {0};
    json_t *body, *doc = NULL, *out = json_array(), *item;
    size_t i;

    if (api_principal(r, app, &p) || !(body = api_body(r)))
        goto done;
    if (!kpi_platform_role(app, &p, 1u << ROLE_SUPERVISOR))
        api_forbidden(r, "flag units for supervision");
    else if (kpi_prepare(app, &cfg, &err) || parse_flag_req(body, &cfg, &f, &err) ||
             !(doc = kpi_ranking(app, &cfg, &f.per, f.level, f.basis, &err)))
        api_fail(r, &err);
    json_array_foreach(doc ? json_object_get(doc, "items") : NULL, i, item) {
        if (json_is_true(json_object_get(item, "flagged")) &&
            flag_one(app, &p, &f, item, &cfg, out, &err))
            break;
    }
    if (doc && err.code)
        api_fail(r, &err);
    else if (doc)
        http_reply_json(r, 200,
                        json_pack("{s:O, s:s, s:o, s:O}", "period", json_object_get(doc, "period"),
                                  "basis", kpi_basis_name(f.basis), "flag_below",
                                  kpi_num(cfg.flag_below), "items", out));
    json_decref(body);
done:
    json_decref(doc);
    json_decref(out);
}

struct flags_ctx {
    struct app *app;
    const struct principal *p;
    bool all;
    json_t *items;
};

/* A flag is seen by supervisors and admins over the flagged unit's parent. */
static bool sees_flag(struct flags_ctx *x, int64_t unit_id)
{
    struct unit u;
    struct gz_err err;
    bool ok;

    if (x->all)
        return true;
    if (store_unit_get(x->app->store, unit_id, &u, NULL, &err))
        return false;
    ok = u.parent_id && (api_role_over(x->app, x->p, ROLE_SUPERVISOR, u.parent_id) ||
                         api_role_over(x->app, x->p, ROLE_ADMIN, u.parent_id));
    unit_release(&u);
    return ok;
}

static int add_flag(void *arg, const struct kpi_flag *f)
{
    struct flags_ctx *x = arg;

    if (sees_flag(x, f->unit_id))
        json_array_append_new(x->items,
                              json_pack("{s:I, s:s, s:s, s:f, s:I, s:o}", "unit_id",
                                        (json_int_t)f->unit_id, "period", f->period, "basis",
                                        kpi_basis_name(f->basis), "score", f->score, "event_id",
                                        (json_int_t)f->event_id, "at", api_time(f->at)));
    return 0;
}

static void get_flags(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct gz_err err = {0};
    struct flags_ctx x = {app, &p, false, NULL};

    if (api_principal(r, app, &p) || kpi_need_staff(r, &p))
        return;
    x.all = kpi_platform_role(app, &p, 1u << ROLE_SUPERVISOR);
    x.items = json_array();
    if (store_kpi_flags(app->store, http_query(r, "period"), add_flag, &x, &err)) {
        json_decref(x.items);
        api_fail(r, &err);
        return;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", x.items));
}

int api_kpi_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/kpi", get_ranking) ||
           router_add(r, "GET", "/api/v1/kpi/roles", get_roles) ||
           router_add(r, "GET", "/api/v1/kpi/config", get_config) ||
           router_add(r, "PUT", "/api/v1/kpi/config", put_config) ||
           router_add(r, "GET", "/api/v1/kpi/flags", get_flags) ||
           router_add(r, "POST", "/api/v1/kpi/flags", post_flags) ||
           router_add(r, "GET", "/api/v1/kpi/units/{id}", get_trend);
}
