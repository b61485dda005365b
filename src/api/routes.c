/*
 * routes.c - the responsibility matrix over HTTP.
 *   GET    /api/v1/routes              ?active=false for retired rules too
 *   POST   /api/v1/routes              root admin; {category_prefix, area, lead_unit | lead_kind,
 *                                      co_units, active}
 *   GET    /api/v1/routes/{id}
 *   PATCH  /api/v1/routes/{id}         root admin
 *   DELETE /api/v1/routes/{id}         root admin
 *   GET    /api/v1/route?category=…&unit=…   explain the decision for a case of that category at
 *                                      that unit's place (or &lat=…&lon=…: the point's place):
 *                                      which rule, why, and what the fallback would have been
 * Units are given by id or code; a tie (same prefix and area) is a 409.
 */
#include "gz.h"

#include "api/api_util.h"
#include "core/route.h"
#include "svc/places.h"
#include "svc/rulebook.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"

static const char *const route_keys[] = {"category_prefix", "area",   "lead_unit", "lead_kind",
                                         "co_units",        "active", NULL};

static json_t *view_route(const struct route_rule *r)
{
    json_t *co = json_array();

    for (size_t i = 0; i < r->n_co; i++)
        json_array_append_new(co, json_integer(r->co_units[i]));
    return json_pack(
        "{s:I, s:s, s:o, s:o, s:o, s:o, s:b}", "id", (json_int_t)r->id, "category_prefix",
        r->prefix, "area_unit_id", r->area_unit_id ? json_integer(r->area_unit_id) : json_null(),
        "lead_unit_id", r->lead_unit_id ? json_integer(r->lead_unit_id) : json_null(), "lead_kind",
        r->lead_kind >= 0 ? json_string(unit_kind_name((enum unit_kind)r->lead_kind)) : json_null(),
        "co_unit_ids", co, "active", r->active);
}

/* A unit member: absent leaves *id; null clears it; otherwise an active unit. */
static int unit_member(struct app *app, const json_t *body, const char *key, int64_t *id,
                       struct gz_err *err)
{
    const json_t *v = json_object_get(body, key);

    if (!v)
        return 0;
    if (json_is_null(v)) {
        *id = 0;
        return 0;
    }
    *id = api_unit_ref(app, v, key, err);
    return *id ? 0 : GZ_EINVAL;
}

static int parse_co(struct app *app, const json_t *body, struct route_rule *r, struct gz_err *err)
{
    const json_t *co = json_object_get(body, "co_units"), *v;
    size_t i;

    if (!co)
        return 0;
    if (!json_is_array(co) || json_array_size(co) > CASE_MAX_CO)
        return gz_fail(err, GZ_EINVAL, "co_units", "co_units must be a list of at most %d units",
                       CASE_MAX_CO);
    json_array_foreach(co, i, v) {
        r->co_units[i] = api_unit_ref(app, v, "co_units", err);
        if (!r->co_units[i])
            return GZ_EINVAL;
    }
    r->n_co = json_array_size(co);
    return 0;
}

static int parse_route(struct app *app, const json_t *body, struct route_rule *r,
                       struct gz_err *err)
{
    char kind[32];
    int rc;

    if (json_object_get(body, "lead_unit") && json_object_get(body, "lead_kind") &&
        !json_is_null(json_object_get(body, "lead_unit")) &&
        !json_is_null(json_object_get(body, "lead_kind")))
        return gz_fail(err, GZ_EINVAL, "lead", "give either lead_unit or lead_kind, not both");
    if (json_check_keys(body, route_keys, err) ||
        json_get_str(body, "category_prefix", r->prefix, sizeof(r->prefix), false, err) < 0 ||
        json_get_bool(body, "active", &r->active, err) < 0 ||
        unit_member(app, body, "area", &r->area_unit_id, err) ||
        unit_member(app, body, "lead_unit", &r->lead_unit_id, err) || parse_co(app, body, r, err))
        return err->code ? err->code : GZ_EINVAL;
    if (json_object_get(body, "lead_unit") && r->lead_unit_id)
        r->lead_kind = -1;
    rc = json_get_str(body, "lead_kind", kind, sizeof(kind), false, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        r->lead_kind = unit_kind_parse(kind);
        if (r->lead_kind < 0)
            return gz_fail(err, GZ_EINVAL, "lead_kind", "unknown unit kind %s", kind);
        r->lead_unit_id = 0;
    } else if (json_is_null(json_object_get(body, "lead_kind"))) {
        r->lead_kind = -1;
    }
    return route_rule_validate(r, err);
}

static int64_t path_id(struct http_req *r)
{
    long long id;

    return text_parse_i64(http_param(r, "id"), 1, INT64_MAX, &id) ? id : 0;
}

/* Signed in, and for changes a root admin; answers and returns nonzero otherwise. */
static int check_caller(struct http_req *r, struct app *app, bool change)
{
    struct principal p;

    if (api_principal(r, app, &p))
        return -1;
    if (change && !api_root_admin(app, &p)) {
        api_forbidden(r, "change the responsibility matrix");
        return -1;
    }
    return 0;
}

/* Intake routes by the new matrix from now on. */
static void rules_changed(struct app *app)
{
    struct gz_err err = {0};

    if (app->rules && rulebook_reload(app->rules, &err))
        log_warn("routing kept the old rules: %s", err.msg);
}

static void put_route(struct http_req *r, struct app *app, bool create)
{
    struct route_rule rule = {.lead_kind = -1, .active = true};
    struct gz_err err = {0};
    json_t *body;

    if (check_caller(r, app, true) || !(body = api_body(r)))
        return;
    if (!create && !(rule.id = path_id(r)))
        gz_fail(&err, GZ_ENOTFOUND, "id", "rule not found");
    if (err.code || (!create && store_route_get(app->store, rule.id, &rule, &err)) ||
        parse_route(app, body, &rule, &err) || store_route_put(app->store, &rule, create, &err))
        api_fail(r, &err);
    else {
        rules_changed(app);
        http_reply_json(r, create ? 201 : 200, view_route(&rule));
    }
    json_decref(body);
}

static void post_route(struct http_req *r, void *app)
{
    put_route(r, app, true);
}
static void patch_route(struct http_req *r, void *app)
{
    put_route(r, app, false);
}

static void get_route(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct route_rule rule;
    struct gz_err err = {0};

    if (check_caller(r, app, false))
        return;
    if (store_route_get(app->store, path_id(r), &rule, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 200, view_route(&rule));
}

static void delete_route(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct gz_err err = {0};
    int64_t id = path_id(r);

    if (check_caller(r, app, true))
        return;
    if (store_route_delete(app->store, id, &err)) {
        api_fail(r, &err);
        return;
    }
    rules_changed(app);
    http_reply_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
}

static int add_json(void *ctx, const struct route_rule *r)
{
    json_array_append_new(ctx, view_route(r));
    return 0;
}

static void list_routes(struct http_req *r, void *arg)
{
    struct app *app = arg;
    const char *active = http_query(r, "active");
    struct gz_err err = {0};
    json_t *items;

    if (check_caller(r, app, false))
        return;
    items = json_array();
    if (store_route_list(app->store, !active || strcmp(active, "false") != 0, add_json, items,
                         &err)) {
        json_decref(items);
        api_fail(r, &err);
        return;
    }
    http_reply_json(r, 200, api_list(items, NULL));
}

/* ---- explain ---- */

static json_t *why(const struct route_decision *d)
{
    if (d->source == ROUTE_RULE)
        return json_sprintf("rule %lld: the longest matching category prefix \"%s\", then the "
                            "deepest area, among %zu matching rules",
                            (long long)d->rule->id, d->rule->prefix, d->candidates);
    if (d->source == ROUTE_NONE)
        return json_string("no rule applies and the place has no street or district: the "
                           "dispatcher decides");
    return json_sprintf("no rule applies: the %s of the place (%s)", route_source_name(d->source),
                        d->source == ROUTE_STREET ? "属地" : "兜底");
}

static json_t *co_array(const struct route_decision *d)
{
    json_t *a = json_array();

    for (size_t i = 0; i < d->n_co; i++)
        json_array_append_new(a, json_integer(d->co_units[i]));
    return a;
}

/* The place of a point: the deepest unit containing it, with its ancestry. */
static int place_at(struct http_req *r, struct app *app, int64_t *unit_id)
{
    int64_t ids[GEO_LEVELS];
    double lat, lon;

    if (api_coord(r, "lat", 90, &lat) || api_coord(r, "lon", 180, &lon))
        return -1;
    places_locate(app->places, lat, lon, ids);
    for (int level = 0; level < GEO_LEVELS; level++)
        if (ids[level])
            *unit_id = ids[level];
    return 0;
}

static void explain(struct http_req *r, void *arg)
{
    struct app *app = arg;
    const char *category = http_query(r, "category"), *unit = http_query(r, "unit");
    struct route_rule rule;
    struct route_decision d;
    struct gz_err err = {0};
    int64_t unit_id = 0;

    if (check_caller(r, app, false))
        return;
    if (category && *category && !category_code_valid(category)) {
        http_reply_error(r, 400, "bad_request", "category", "category must be a category code");
        return;
    }
    if (unit) {
        json_t *v = json_string(unit);
        long long id;
        unit_id = text_parse_i64(unit, 1, INT64_MAX, &id) ? id : api_unit_ref(app, v, "unit", &err);
        json_decref(v);
    }
    if (unit && !unit_id) {
        http_reply_error(r, 400, "bad_request", "unit", "no active unit %s", unit);
        return;
    }
    if (!unit && (http_query(r, "lat") || http_query(r, "lon")) && place_at(r, app, &unit_id))
        return;
    rulebook_decide(app->rules, category ? category : "", unit_id, &d, &rule);
    http_reply_json(r, 200,
                    json_pack("{s:s, s:o, s:o, s:o, s:I, s:o, s:{s:s, s:o}}", "source",
                              route_source_name(d.source), "lead_unit_id",
                              d.lead_unit_id ? json_integer(d.lead_unit_id) : json_null(), "rule",
                              d.rule ? view_route(d.rule) : json_null(), "why", why(&d),
                              "candidates", (json_int_t)d.candidates, "co_unit_ids", co_array(&d),
                              "fallback", "source", route_source_name(d.fallback_source), "unit_id",
                              d.fallback_unit_id ? json_integer(d.fallback_unit_id) : json_null()));
}

int api_routes_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/routes", list_routes) ||
           router_add(r, "POST", "/api/v1/routes", post_route) ||
           router_add(r, "GET", "/api/v1/routes/{id}", get_route) ||
           router_add(r, "PATCH", "/api/v1/routes/{id}", patch_route) ||
           router_add(r, "DELETE", "/api/v1/routes/{id}", delete_route) ||
           router_add(r, "GET", "/api/v1/route", explain);
}
