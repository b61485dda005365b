/*
 * hotspots.c - proactive governance over HTTP (DESIGN §7).
 *   GET  /api/v1/hotspots?week=2026-W47&grid=hex|district|street|community|grid
 *                        &depth=0..4&category=&min_count=&p=&limit=
 *   GET  /api/v1/hotspots/recurring?until=2026-11-30&days=30&category=
 *   GET  /api/v1/hotspots/top?period=2026-11&level=district&depth=2&n=5
 *   GET  /api/v1/hotspots/{id}             one hotspot, flagged or not
 *   POST /api/v1/hotspots/{id}/case        open a proactive case for it (once)
 * Hotspots list cases of every unit, so only those who see every case
 * (operators, dispatchers, supervisors and admins of a root unit) read them;
 * dispatchers and supervisors open proactive cases. The case goes through
 * the intake pipeline like any report: located, routed and dispatched by the
 * responsibility matrix when a rule decides, else left for the dispatcher.
 */
#include "gz.h"

#include <math.h>

#include "api/case_view.h"
#include "api/hotspots.h"
#include "api/kpi_json.h"
#include "api/kpi_req.h"
#include "core/hexbin.h"
#include "svc/intake.h"
#include "util/json.h"
#include "util/timeutil.h"

#define HOT_LIMIT_MAX 500

/* Signed in and sees every case; -1 after answering. */
static int need_reader(struct http_req *r, struct app *app, struct principal *p)
{
    int64_t *units;
    size_t n;

    if (api_principal(r, app, p) || api_case_visibility(r, app, p, &units, &n))
        return -1;
    if (units) {
        api_forbidden(r, "read hotspots (they list the cases of every unit)");
        return -1;
    }
    return 0;
}

static int q_grid(struct http_req *r, int *grid)
{
    const char *v = http_query(r, "grid");
    int k = v ? unit_kind_parse(v) : -1;

    if (!v || strcmp(v, "hex") == 0) {
        *grid = HOT_HEX;
        return 0;
    }
    if (k < 0 || unit_kind_level((enum unit_kind)k) < 1) {
        http_reply_error(r, 400, "bad_request", "grid",
                         "grid must be hex, district, street, community or grid");
        return -1;
    }
    *grid = unit_kind_level((enum unit_kind)k);
    return 0;
}

static int q_category(struct http_req *r, char *out)
{
    const char *v = http_query(r, "category");

    out[0] = '\0';
    if (!v || !*v)
        return 0;
    if (!category_code_valid(v)) {
        http_reply_error(r, 400, "bad_request", "category",
                         "category must be a category code (2 to 8 digits)");
        return -1;
    }
    snprintf(out, CATEGORY_CODE_MAX + 1, "%s", v);
    return 0;
}

static int q_p(struct http_req *r, double dflt, double *out)
{
    const char *v = http_query(r, "p");
    char *end;

    *out = dflt;
    if (!v)
        return 0;
    *out = strtod(v, &end);
    if (end == v || *end || !(*out > 0.0 && *out <= 0.5)) {
        http_reply_error(r, 400, "bad_request", "p", "p must be a probability in (0, 0.5]");
        return -1;
    }
    return 0;
}

/* week= (default: the week running now) */
static int q_week(struct http_req *r, const struct kpi_config *cfg, struct period *w)
{
    if (!http_query(r, "week")) {
        period_at(PERIOD_WEEK, day_of(time_now()), cfg->start_day, w);
        return 0;
    }
    if (kpi_q_period(r, "week", cfg, w))
        return -1;
    if (w->kind != PERIOD_WEEK) {
        http_reply_error(r, 400, "bad_request", "week", "week must be an ISO week (2026-W47)");
        return -1;
    }
    return 0;
}

static void get_hotspots(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct kpi_config cfg;
    struct hot_query q;
    struct gz_err err = {0};
    long long depth, min, limit;
    json_t *doc;

    memset(&q, 0, sizeof(q));
    if (need_reader(r, app, &p) || kpi_begin(r, app, &cfg) || q_week(r, &cfg, &q.week) ||
        q_grid(r, &q.grid) || q_category(r, q.category) ||
        kpi_q_int(r, "depth", 0, GZ_CATEGORY_DEPTH, 2, &depth) ||
        kpi_q_int(r, "min_count", 1, 100000, cfg.hot_min_count, &min) ||
        kpi_q_int(r, "limit", 1, HOT_LIMIT_MAX, 50, &limit) || q_p(r, cfg.hot_p, &q.p))
        return;
    q.depth = (int)depth;
    q.min_count = (int)min;
    q.limit = (size_t)limit;
    doc = hotspot_list(app, &cfg, &q, &err);
    if (doc)
        http_reply_json(r, 200, doc);
    else
        api_fail(r, &err);
}

static void get_recurring(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct kpi_config cfg;
    struct period until;
    char cat[CATEGORY_CODE_MAX + 1];
    struct gz_err err = {0};
    long long days;
    json_t *doc;

    if (need_reader(r, app, &p) || kpi_begin(r, app, &cfg) || q_category(r, cat) ||
        kpi_q_int(r, "days", 1, 366, cfg.recur_days, &days))
        return;
    if (http_query(r, "until")) {
        if (kpi_q_period(r, "until", &cfg, &until))
            return;
    } else {
        period_at(PERIOD_DAY, day_of(time_now()), 1, &until);
    }
    doc = hotspot_recurring(app, &cfg, until.to, (int)days, cat, &err);
    if (doc)
        http_reply_json(r, 200, doc);
    else
        api_fail(r, &err);
}

static void get_top(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct kpi_config cfg;
    struct period per;
    enum unit_kind level;
    struct gz_err err = {0};
    long long depth, n;
    json_t *doc;

    if (need_reader(r, app, &p) || kpi_begin(r, app, &cfg) ||
        kpi_q_period(r, "period", &cfg, &per) || kpi_q_kind(r, "level", UNIT_DISTRICT, &level) ||
        kpi_q_int(r, "depth", 1, GZ_CATEGORY_DEPTH, 2, &depth) || kpi_q_int(r, "n", 1, 50, 5, &n))
        return;
    if (unit_kind_level(level) < 1) {
        http_reply_error(r, 400, "bad_request", "level", "level must be a territorial level");
        return;
    }
    doc = hotspot_top(app, &per, unit_kind_level(level), (int)depth, (int)n, &err);
    if (doc)
        http_reply_json(r, 200, doc);
    else
        api_fail(r, &err);
}

static int path_id(struct http_req *r, struct hot_id *id)
{
    struct gz_err err = {0};

    if (hot_id_parse(http_param(r, "id"), id, &err)) {
        api_fail(r, &err);
        return -1;
    }
    return 0;
}

static void get_hotspot(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct kpi_config cfg;
    struct hot_id id;
    struct gz_err err = {0};
    json_t *doc;

    if (need_reader(r, app, &p) || path_id(r, &id) || kpi_begin(r, app, &cfg))
        return;
    doc = hotspot_get(app, &cfg, &id, &err);
    if (doc)
        http_reply_json(r, 200, doc);
    else
        api_fail(r, &err);
}

/* ---- the proactive case ---- */

/* Where a hotspot is, in words. */
static void place_words(FILE *f, const json_t *place)
{
    const json_t *unit = json_object_get(place, "unit");

    if (unit)
        fprintf(f, "%s (%s)", json_string_value(json_object_get(unit, "name")),
                json_string_value(json_object_get(unit, "code")));
    else
        fprintf(f, "the cell around %.5f, %.5f",
                json_real_value(json_object_get(json_object_get(place, "center"), "lat")),
                json_real_value(json_object_get(json_object_get(place, "center"), "lon")));
}

/* What the case says: how many reports, where, in which week, and which. */
static char *proactive_text(const json_t *h, const char *week)
{
    const json_t *cat = json_object_get(h, "category"), *cases = json_object_get(h, "cases"), *v;
    const char *name = json_string_value(json_object_get(cat, "name"));
    char *text = NULL;
    size_t len = 0, i;
    FILE *f = open_memstream(&text, &len);

    if (!f)
        return NULL;
    fprintf(f, "主动治理 / proactive: %lld reports of %s in ",
            (long long)json_integer_value(json_object_get(h, "count")), name ? name : "any kind");
    place_words(f, json_object_get(h, "place"));
    fprintf(f, " during %s (trailing mean %.1f a week). Reports:", week,
            json_real_value(json_object_get(h, "baseline")));
    json_array_foreach(cases, i, v)
        fprintf(f, " %s", json_string_value(v));
    fclose(f);
    return text;
}

/* A point for the case: the cell's centre, or the mean of the reports' points. */
static void proactive_point(struct app *app, const json_t *h, struct case_rec *c)
{
    const json_t *place = json_object_get(h, "place"), *v;
    double lat = 0, lon = 0;
    size_t i, n = 0;

    if (strcmp(json_string_value(json_object_get(place, "kind")), "hex") == 0) {
        c->lat = json_real_value(json_object_get(json_object_get(place, "center"), "lat"));
        c->lon = json_real_value(json_object_get(json_object_get(place, "center"), "lon"));
        return;
    }
    json_array_foreach(json_object_get(h, "cases"), i, v) {
        struct case_rec one;
        struct gz_err err;
        if (store_case_get(app->store, json_string_value(v), 0, &one, &err))
            continue;
        if (one.lat != CASE_NO_COORD) {
            lat += one.lat;
            lon += one.lon;
            n++;
        }
        case_release(&one);
    }
    if (n) {
        c->lat = lat / (double)n;
        c->lon = lon / (double)n;
    }
}

static int open_case(struct app *app, const struct principal *p, const char *name, const char *week,
                     const json_t *h, struct case_rec *c, struct intake_out *out,
                     struct gz_err *err)
{
    const char *cat = json_string_value(json_object_get(json_object_get(h, "category"), "code"));
    struct intake_deps deps;
    struct category known;
    char key[HOT_ID_MAX + 16];

    c->channel = CHANNEL_PROACTIVE;
    c->text = proactive_text(h, week);
    if (!c->text)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    snprintf(c->external_id, sizeof(c->external_id), "%s", name);
    if (cat && store_category_get(app->store, cat, &known, err) == 0) {
        snprintf(c->category, sizeof(c->category), "%s", cat);
        c->category_by_operator = true; /* the hotspot's category is decided, not guessed */
        category_release(&known);
    }
    proactive_point(app, h, c);
    c->intake_account_id = p->account_id;
    api_intake_deps(app, &deps);
    snprintf(key, sizeof(key), "hotspot:%s", name);
    return intake_submit(&deps, c, p->account_id, key, false, out, err);
}

static void post_case(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct kpi_config cfg;
    struct hot_id id;
    struct case_rec c;
    struct intake_out out = {0};
    struct gz_err err = {0};
    const char *name = http_param(r, "id");
    int64_t existing = 0;
    char loc[64];
    json_t *h = NULL;

    case_init(&c);
    if (need_reader(r, app, &p) || path_id(r, &id) || kpi_begin(r, app, &cfg))
        goto done;
    if (!kpi_platform_role(app, &p, (1u << ROLE_DISPATCHER) | (1u << ROLE_SUPERVISOR))) {
        api_forbidden(r, "open proactive cases");
        goto done;
    }
    if (store_hotspot_case_get(app->store, name, &existing, &err) ||
        (existing && store_case_get(app->store, NULL, existing, &c, &err)) ||
        (!existing && !(h = hotspot_get(app, &cfg, &id, &err)))) {
        api_fail(r, &err);
        goto done;
    }
    if (!existing && json_integer_value(json_object_get(h, "count")) == 0) {
        http_reply_error(r, 404, "not_found", "id", "hotspot %s has no case in its week", name);
        goto done;
    }
    if (!existing && (open_case(app, &p, name, id.week, h, &c, &out, &err) ||
                      store_hotspot_case_put(app->store, name, c.id, &err))) {
        api_fail(r, &err);
        goto done;
    }
    snprintf(loc, sizeof(loc), "/api/v1/cases/%s", c.number);
    http_add_header(r, "Location", loc);
    http_reply_json(r, existing || out.replayed ? 200 : 201,
                    json_pack("{s:s, s:s, s:s, s:o, s:o, s:b, s:O}", "hotspot", name, "number",
                              c.number, "status", case_status_name(c.status), "category",
                              json_str_or_null(c.category), "lead_unit_id",
                              c.lead_unit_id ? json_integer(c.lead_unit_id) : json_null(),
                              "dispatched", c.status == CASE_DISPATCHED, "route",
                              out.route ? out.route : json_null()));
done:
    intake_out_release(&out);
    json_decref(h);
    case_release(&c);
}

int api_hotspots_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/hotspots", get_hotspots) ||
           router_add(r, "GET", "/api/v1/hotspots/recurring", get_recurring) ||
           router_add(r, "GET", "/api/v1/hotspots/top", get_top) ||
           router_add(r, "GET", "/api/v1/hotspots/{id}", get_hotspot) ||
           router_add(r, "POST", "/api/v1/hotspots/{id}/case", post_case);
}
