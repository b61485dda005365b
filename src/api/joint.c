/*
 * joint.c - joint handling over HTTP (see joint.h). The rules are
 * core/joint.c's; this file decides through which of the caller's units an
 * action is taken:
 *   whistle   a handler, dispatcher or supervisor of a street or community
 *             that leads the case, or whose territory contains the case or its lead;
 *   report, co_reply   one of the whistled unit's own (its subtree's) people;
 *   release   the people of the unit that whistled;
 *   claim     a handler or supervisor of an outside unit (party, mass_org,
 *             enterprise, social_org, volunteer_team) whose capabilities (category
 *             prefixes) and area (declared units, else its nearest territorial
 *             ancestor) match the case;
 *   unclaim, complete  the claimant's people.
 * Admins may act for any unit they are admin over.
 */
#include "gz.h"

#include <math.h>

#include "api/case_view.h"
#include "api/joint.h"
#include "api/kpi_json.h"
#include "core/dedup.h"
#include "core/w3cdate.h"
#include "util/json.h"
#include "util/text.h"
#include "util/timeutil.h"

#define CLAIMS_RADIUS_M 3000.0
#define CLAIMS_RADIUS_MAX 50000.0

bool api_joint_scope(enum case_action a)
{
    enum wf_scope s = wf_scope(a);

    return s == WF_SCOPE_WHISTLE || s == WF_SCOPE_PARTY || s == WF_SCOPE_WHISTLER ||
           s == WF_SCOPE_CLAIM;
}

static bool has_role(const struct principal *p, size_t i, unsigned roles)
{
    return (roles & (1u << p->m[i].role)) || p->m[i].role == ROLE_ADMIN;
}

static int unit_kind_of(struct app *app, int64_t id)
{
    struct unit u;
    struct gz_err err;
    int kind;

    if (!id || store_unit_get(app->store, id, &u, NULL, &err))
        return -1;
    kind = (int)u.kind;
    unit_release(&u);
    return kind;
}

static bool in_chain(const int64_t *chain, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (chain[i] == id)
            return true;
    return false;
}

/* The membership unit of p giving a role in `roles` over unit_id (0 when none). */
static int64_t over(struct app *app, const struct principal *p, unsigned roles, int64_t unit_id)
{
    int64_t chain[64];
    size_t n = 0;
    struct gz_err err;

    if (!unit_id || store_unit_chain(app->store, unit_id, chain, GZ_ARRAY_LEN(chain), &n, &err))
        return 0;
    for (size_t i = 0; i < p->n; i++)
        if (has_role(p, i, roles) && in_chain(chain, n, p->m[i].unit_id))
            return p->m[i].unit_id;
    return 0;
}

/* ---- whistle ---- */

static int64_t whistle_unit(struct app *app, const struct principal *p, const struct case_rec *c)
{
    unsigned roles = wf_roles(ACT_WHISTLE);
    int64_t lead[64], place[64];
    size_t nl = 0, np = 0;
    int64_t deepest = 0;
    struct gz_err err;

    for (int level = 4; level >= 1 && !deepest; level--)
        deepest = c->area[level];
    if (c->lead_unit_id && store_unit_chain(app->store, c->lead_unit_id, lead, 64, &nl, &err))
        nl = 0;
    if (deepest && store_unit_chain(app->store, deepest, place, 64, &np, &err))
        np = 0;
    for (size_t i = 0; i < p->n; i++) {
        int64_t u = p->m[i].unit_id;
        bool covers = in_chain(lead, nl, u) || in_chain(place, np, u);
        if (!has_role(p, i, roles) || !covers)
            continue;
        if (p->m[i].role == ROLE_ADMIN || joint_whistle_kind((enum unit_kind)unit_kind_of(app, u)))
            return u;
    }
    return 0;
}

/* ---- the parties' own actions ---- */

static bool party_role_fits(enum case_action a, const struct case_party *pt)
{
    if (a == ACT_UNCLAIM || a == ACT_COMPLETE)
        return pt->role == PARTY_CLAIMANT;
    return pt->role == PARTY_WHISTLED;
}

static int64_t party_unit(struct app *app, const struct principal *p, const struct case_rec *c,
                          struct wf_input *in, bool strict)
{
    int64_t fallback = 0, fallback_party = 0;

    for (size_t i = 0; i < c->n_parties; i++) {
        const struct case_party *pt = &c->parties[i];
        int64_t target = in->action == ACT_RELEASE ? pt->by_unit_id : pt->unit_id;
        int64_t via;
        if (!party_role_fits(in->action, pt) || (in->unit_id && in->unit_id != pt->unit_id))
            continue;
        if (!(via = over(app, p, wf_roles(in->action), target)))
            continue;
        if (joint_party_allows(c, in->action, pt->unit_id)) {
            in->unit_id = pt->unit_id;
            return via;
        }
        if (!fallback) {
            fallback = via;
            fallback_party = pt->unit_id;
        }
    }
    if (strict || !fallback)
        return 0;
    /* the caller's party is in the wrong state: the workflow answers 409 */
    in->unit_id = fallback_party;
    return fallback;
}

/* ---- claims ---- */

/* The nearest territorial unit at or above unit_id's parent (0 when none). */
static int64_t home_area(struct app *app, int64_t unit_id, bool *everywhere)
{
    int64_t chain[64];
    size_t n = 0;
    struct gz_err err;

    if (store_unit_chain(app->store, unit_id, chain, 64, &n, &err))
        return 0;
    for (size_t i = 1; i < n; i++) {
        int kind = unit_kind_of(app, chain[i]);
        if (kind == UNIT_CITY)
            *everywhere = true;
        if (kind >= 0 && unit_kind_level((enum unit_kind)kind) >= 0)
            return chain[i];
    }
    return 0;
}

/* What unit_id takes on: its declared profile, its home when it declares no area. */
static int claim_profile_of(struct app *app, int64_t unit_id, struct claim_profile *pr)
{
    struct gz_err err;

    if (store_unit_profile_get(app->store, unit_id, pr, &err))
        return -1;
    for (size_t i = 0; i < pr->n_areas; i++)
        if (unit_kind_of(app, pr->areas[i]) == UNIT_CITY)
            pr->everywhere = true;
    if (!pr->n_areas) {
        int64_t home = home_area(app, unit_id, &pr->everywhere);
        if (home)
            pr->areas[pr->n_areas++] = home;
    }
    return 0;
}

static bool outside_unit(struct app *app, int64_t id)
{
    int kind = unit_kind_of(app, id);

    return kind >= 0 && joint_outside_kind((enum unit_kind)kind);
}

static bool unit_matches(struct app *app, int64_t unit_id, const struct case_rec *c)
{
    struct claim_profile pr;

    return outside_unit(app, unit_id) && !claim_profile_of(app, unit_id, &pr) &&
           joint_claim_matches(c, &pr);
}

static int64_t claim_unit(struct app *app, const struct principal *p, const struct case_rec *c,
                          struct wf_input *in)
{
    unsigned roles = wf_roles(ACT_CLAIM);

    if (in->unit_id)
        return unit_matches(app, in->unit_id, c) ? over(app, p, roles, in->unit_id) : 0;
    for (size_t i = 0; i < p->n; i++)
        if (has_role(p, i, roles) && unit_matches(app, p->m[i].unit_id, c)) {
            in->unit_id = p->m[i].unit_id;
            return p->m[i].unit_id;
        }
    return 0;
}

bool api_joint_may_claim(struct app *app, const struct principal *p, const struct case_rec *c)
{
    struct wf_input in = {.action = ACT_CLAIM};

    /* a claim already taken is then a 409 to the units it would match, not a 404 */
    return joint_claimable(c) && case_is_open(c->status) && claim_unit(app, p, c, &in) != 0;
}

int64_t api_joint_may_act(struct app *app, const struct principal *p, const struct case_rec *c,
                          struct wf_input *in, bool strict)
{
    switch (wf_scope(in->action)) {
    case WF_SCOPE_WHISTLE: return whistle_unit(app, p, c);
    case WF_SCOPE_PARTY:
    case WF_SCOPE_WHISTLER: return party_unit(app, p, c, in, strict);
    case WF_SCOPE_CLAIM: return claim_unit(app, p, c, in);
    default: return 0;
    }
}

/* ---- the fields of joint actions ---- */

static int parse_whistle_units(struct app *app, const json_t *body, struct wf_input *in,
                               struct gz_err *err)
{
    const json_t *v, *units = json_object_get(body, "units");
    size_t i;

    if (!units)
        return 0;
    if (!json_is_array(units) || json_array_size(units) > JOINT_MAX_WHISTLE)
        return gz_fail(err, GZ_EINVAL, "units", "units must be a list of at most %d units",
                       JOINT_MAX_WHISTLE);
    json_array_foreach(units, i, v) {
        in->units[i] = api_unit_ref(app, v, "units", err);
        if (!in->units[i])
            return GZ_EINVAL;
    }
    in->n_units = json_array_size(units);
    return 0;
}

static int parse_report_by(struct app *app, const json_t *body, struct wf_input *in,
                           struct gz_err *err)
{
    const json_t *by = json_object_get(body, "report_by");
    struct kpi_config cfg;
    int64_t minutes = 0;

    if (json_get_int(body, "minutes", 1, JOINT_MAX_WINDOW / 60, &minutes, false, err) < 0)
        return err->code;
    if (by && (!json_is_string(by) || !w3c_parse(json_string_value(by), &in->report_by)))
        return gz_fail(err, GZ_EINVAL, "report_by", "report_by must be an RFC 3339 time");
    if (by && minutes)
        return gz_fail(err, GZ_EINVAL, "minutes", "give report_by or minutes, not both");
    if (minutes) {
        in->report_window = minutes * 60;
        return 0;
    }
    /* the city's whistle limit (PUT /kpi/config whistle_limit_minutes, default 30) */
    if (kpi_config_load(app->store, &cfg, err))
        return err->code;
    in->report_window = cfg.limits.whistle_s;
    return 0;
}

static int parse_complete(const json_t *body, struct wf_input *in, struct gz_err *err)
{
    const json_t *hours = json_object_get(body, "hours");

    in->hours = -1;
    if (hours && !json_is_null(hours)) {
        if (!json_is_number(hours) || json_number_value(hours) < 0 ||
            json_number_value(hours) > JOINT_MAX_HOURS)
            return gz_fail(err, GZ_EINVAL, "hours", "hours must be a number from 0 to %g",
                           JOINT_MAX_HOURS);
        in->hours = json_number_value(hours);
    }
    /* photos: checked against the case's attachments with reply's and verify's (cases.c) */
    return 0;
}

int api_joint_parse(struct app *app, const json_t *body, const struct case_rec *c,
                    struct wf_input *in, struct sla_limits *limits, struct gz_err *err)
{
    const json_t *unit = json_object_get(body, "unit");
    bool claimable = true;

    if (unit && !json_is_null(unit) && !(in->unit_id = api_unit_ref(app, unit, "unit", err)))
        return err->code;
    const json_t *person = json_object_get(body, "person");

    if (json_get_bool(body, "claimable", &claimable, err) < 0)
        return err->code;
    in->claimable = claimable;
    if (person && !json_is_string(person) && !json_is_null(person))
        return gz_fail(err, GZ_EINVAL, "person", "person must be a string");
    in->person = json_string_value(person);
    switch (in->action) {
    case ACT_WHISTLE:
        return parse_whistle_units(app, body, in, err) || parse_report_by(app, body, in, err)
                   ? err->code
                   : 0;
    case ACT_COMPLETE: return parse_complete(body, in, err);
    case ACT_CLAIM:
        /* a claim of a received case starts the clock as a dispatch would */
        if (c->category[0] && !intake_limits(app->store, c->category, limits, err))
            in->limits = limits;
        return 0;
    default: return 0;
    }
}

/* ---- views ---- */

static json_t *opt_time(int64_t t)
{
    return t ? api_time(t) : json_null();
}

static json_t *party_json(const struct case_party *p)
{
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "unit_id", (json_int_t)p->unit_id, "code",
                  p->unit_code, "name", p->unit_name, "role", party_role_name(p->role), "state",
                  party_state_name(p->state), "asked_at", opt_time(p->asked_at));

    if (p->role == PARTY_WHISTLED) {
        json_object_set_new(o, "by_unit_id", json_integer(p->by_unit_id));
        json_object_set_new(o, "report_by", opt_time(p->report_by));
        json_object_set_new(o, "reported_at", opt_time(p->reported_at));
        json_object_set_new(o, "on_time",
                            p->reported_at ? json_boolean(p->reported_at <= p->report_by)
                                           : json_null());
        json_object_set_new(o, "person", json_str_or_null(p->person));
        json_object_set_new(o, "replied_at", opt_time(p->replied_at));
        json_object_set_new(o, "released_at", opt_time(p->released_at));
        json_object_set_new(o, "escalated", json_boolean(p->escalated));
        json_object_set_new(o, "pending", json_boolean(joint_pending(p)));
    }
    if (p->role == PARTY_CLAIMANT) {
        json_object_set_new(o, "claimed_by",
                            p->account_id ? json_integer(p->account_id) : json_null());
        json_object_set_new(o, "done_at", opt_time(p->done_at));
        json_object_set_new(o, "hours", json_real(p->hours));
    }
    if (p->role == PARTY_WHISTLED || p->role == PARTY_CLAIMANT)
        json_object_set_new(o, "reply", json_str_or_null(p->reply));
    return o;
}

json_t *api_joint_units_json(const struct case_rec *c)
{
    json_t *a = json_array();

    for (size_t i = 0; i < c->n_parties; i++)
        json_array_append_new(a, party_json(&c->parties[i]));
    return a;
}

json_t *api_joint_pending_json(const struct case_rec *c)
{
    int64_t ids[JOINT_MAX_PARTIES];
    size_t n = joint_pending_units(c, ids, JOINT_MAX_PARTIES);
    json_t *a;

    if (!n)
        return NULL;
    a = json_array();
    for (size_t i = 0; i < n && i < JOINT_MAX_PARTIES; i++)
        json_array_append_new(a, json_integer(ids[i]));
    return a;
}

/* ---- GET /api/v1/cases/{number}/units ---- */

static void get_case_units(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct case_rec c;
    struct gz_err err = {0};

    if (api_principal(r, app, &p))
        return;
    if (store_case_get(app->store, http_param(r, "number"), 0, &c, &err)) {
        api_fail(r, &err);
        return;
    }
    if (!api_case_visible(app, &p, &c))
        http_reply_error(r, 404, "not_found", "number", "case %s not found", c.number);
    else
        http_reply_json(r, 200,
                        json_pack("{s:s, s:s, s:o, s:b, s:o}", "number", c.number, "status",
                                  case_status_name(c.status), "lead_unit_id",
                                  c.lead_unit_id ? json_integer(c.lead_unit_id) : json_null(),
                                  "claimable", joint_claimable(&c), "items",
                                  api_joint_units_json(&c)));
    case_release(&c);
}

/* ---- /api/v1/units/{id}/capabilities ---- */

static int path_unit(struct http_req *r, struct app *app, struct unit *u)
{
    const char *key = http_param(r, "id");
    struct gz_err err = {0};
    long long id;
    int rc = text_parse_i64(key, 1, INT64_MAX, &id)
                 ? store_unit_get(app->store, id, u, NULL, &err)
                 : store_unit_get_by_code(app->store, key, u, NULL, &err);

    if (rc)
        api_fail(r, &err);
    return rc;
}

static json_t *profile_json(const struct claim_profile *pr, const struct claim_profile *eff)
{
    json_t *cats = json_array(), *areas = json_array(), *serves = json_array();

    for (size_t i = 0; i < pr->n_prefixes; i++)
        json_array_append_new(cats, json_string(pr->prefixes[i]));
    for (size_t i = 0; i < pr->n_areas; i++)
        json_array_append_new(areas, json_integer(pr->areas[i]));
    for (size_t i = 0; i < eff->n_areas; i++)
        json_array_append_new(serves, json_integer(eff->areas[i]));
    return json_pack("{s:o, s:o, s:o, s:b}", "categories", cats, "areas", areas, "serves", serves,
                     "everywhere", eff->everywhere);
}

static void reply_profile(struct http_req *r, struct app *app, const struct unit *u)
{
    struct claim_profile pr, eff;
    struct gz_err err = {0};

    if (store_unit_profile_get(app->store, u->id, &pr, &err) ||
        claim_profile_of(app, u->id, &eff)) {
        api_fail(r, err.code ? &err : &(struct gz_err){GZ_EIO, "", "cannot read the profile"});
        return;
    }
    json_t *o = profile_json(&pr, &eff);
    json_object_set_new(o, "unit_id", json_integer(u->id));
    json_object_set_new(o, "kind", json_string(unit_kind_name(u->kind)));
    http_reply_json(r, 200, o);
}

static void get_capabilities(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct unit u;

    if (api_principal(r, app, &p) || path_unit(r, app, &u))
        return;
    reply_profile(r, app, &u);
    unit_release(&u);
}

static int parse_prefixes(const json_t *body, struct claim_profile *pr, struct gz_err *err)
{
    const json_t *cats = json_object_get(body, "categories"), *v;
    size_t i;

    if (!json_is_array(cats) || json_array_size(cats) > JOINT_MAX_CAPS)
        return gz_fail(err, GZ_EINVAL, "categories",
                       "categories must be a list of at most %d category prefixes", JOINT_MAX_CAPS);
    json_array_foreach(cats, i, v) {
        const char *s = json_string_value(v);
        if (!s || !*s || strlen(s) > CATEGORY_CODE_MAX || strspn(s, "0123456789") != strlen(s) ||
            strlen(s) % 2)
            return gz_fail(err, GZ_EINVAL, "categories",
                           "a category prefix is 2, 4, ... digits (like 01 or 0103)");
        text_copy(pr->prefixes[pr->n_prefixes++], CATEGORY_CODE_MAX + 1, s);
    }
    return 0;
}

static int parse_areas(struct app *app, const json_t *body, struct claim_profile *pr,
                       struct gz_err *err)
{
    const json_t *areas = json_object_get(body, "areas"), *v;
    size_t i;

    if (!areas)
        return 0;
    if (!json_is_array(areas) || json_array_size(areas) > JOINT_MAX_AREAS)
        return gz_fail(err, GZ_EINVAL, "areas", "areas must be a list of at most %d units",
                       JOINT_MAX_AREAS);
    json_array_foreach(areas, i, v) {
        int64_t id = api_unit_ref(app, v, "areas", err);
        int kind = unit_kind_of(app, id);
        if (!id)
            return GZ_EINVAL;
        if (kind < 0 || unit_kind_level((enum unit_kind)kind) < 0)
            return gz_fail(err, GZ_EINVAL, "areas",
                           "areas are territorial units (city, district, street, community, grid)");
        pr->areas[pr->n_areas++] = id;
    }
    return 0;
}

static void put_capabilities(struct http_req *r, void *arg)
{
    static const char *const keys[] = {"categories", "areas", NULL};
    struct app *app = arg;
    struct principal p;
    struct claim_profile pr = {0};
    struct unit u;
    struct gz_err err = {0};
    json_t *body;

    if (api_principal(r, app, &p) || !(body = api_body(r)))
        return;
    if (path_unit(r, app, &u)) {
        json_decref(body);
        return;
    }
    if (!api_role_over(app, &p, ROLE_ADMIN, u.id))
        api_forbidden(r, "declare what this unit takes on");
    else if (!joint_outside_kind(u.kind))
        http_reply_error(r, 422, "invalid", "kind",
                         "only party, mass_org, enterprise, social_org and volunteer_team units "
                         "claim cases");
    else if (json_check_keys(body, keys, &err) || parse_prefixes(body, &pr, &err) ||
             parse_areas(app, body, &pr, &err) ||
             store_unit_profile_put(app->store, u.id, &pr, &err))
        api_fail(r, &err);
    else
        reply_profile(r, app, &u);
    unit_release(&u);
    json_decref(body);
}

/* ---- GET /api/v1/claims/open ---- */

struct open_ctx {
    struct app *app;
    json_t *items;
    int64_t unit_id;
    const struct claim_query *q;
    const struct claim_profile *pr;
    int limit;
};

static bool listed(const json_t *items, const char *number)
{
    size_t i;
    const json_t *v;

    json_array_foreach(items, i, v) {
        if (strcmp(json_string_value(json_object_get(v, "number")), number) == 0)
            return true;
    }
    return false;
}

/* The task, never the reporter: no name, phone, account or channel. */
static int add_open(void *arg, const struct case_rec *c)
{
    struct open_ctx *x = arg;
    double d = 0;
    char text[600];
    json_t *o;

    if (!joint_claim_matches(c, x->pr) || listed(x->items, c->number))
        return 0;
    if (x->q->near) {
        if (c->lat == CASE_NO_COORD)
            return 0;
        d = dedup_distance_m(x->q->lat, x->q->lon, c->lat, c->lon);
        if (d > x->q->radius_m)
            return 0;
    }
    text_copy(text, sizeof(text), c->text ? c->text : "");
    o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:I}", "number", c->number,
                  "status", case_status_name(c->status), "category", c->category, "text", text,
                  "address", json_str_or_null(c->address), "lat",
                  c->lat == CASE_NO_COORD ? json_null() : json_real(c->lat), "lon",
                  c->lat == CASE_NO_COORD ? json_null() : json_real(c->lon), "created_at",
                  api_time(c->created_at), "resolve_by", opt_time(c->resolve_by), "unit_id",
                  (json_int_t)x->unit_id);
    json_object_set_new(o, "distance_m", x->q->near ? json_real(round(d)) : json_null());
    json_array_append_new(x->items, o);
    return json_array_size(x->items) >= (size_t)x->limit;
}

static int parse_near(struct http_req *r, struct claim_query *q)
{
    const char *near = http_query(r, "near"), *radius = http_query(r, "radius");
    char *end;

    q->radius_m = CLAIMS_RADIUS_M;
    if (!near)
        return 0;
    q->lat = strtod(near, &end);
    if (end == near || *end != ',' || fabs(q->lat) > 90)
        goto bad;
    near = end + 1;
    q->lon = strtod(near, &end);
    if (end == near || *end || fabs(q->lon) > 180 || isnan(q->lat) || isnan(q->lon))
        goto bad;
    q->near = true;
    if (radius) {
        q->radius_m = strtod(radius, &end);
        if (end == radius || *end || !(q->radius_m >= 1 && q->radius_m <= CLAIMS_RADIUS_MAX)) {
            http_reply_error(r, 400, "bad_request", "radius", "radius must be 1 to %.0f metres",
                             CLAIMS_RADIUS_MAX);
            return -1;
        }
    }
    return 0;
bad:
    http_reply_error(r, 400, "bad_request", "near", "near must be lat,lon (e.g. 39.91,116.40)");
    return -1;
}

/* The units p claims for: outside units with a handler or supervisor (admin: ?unit=). */
static size_t claim_units(struct app *app, const struct principal *p, int64_t only, int64_t *out)
{
    size_t n = 0;

    if (only)
        return over(app, p, wf_roles(ACT_CLAIM), only) && outside_unit(app, only)
                   ? (out[0] = only, 1)
                   : 0;
    for (size_t i = 0; i < p->n && n < AUTH_MAX_MEMBERSHIPS; i++)
        if (has_role(p, i, wf_roles(ACT_CLAIM)) && outside_unit(app, p->m[i].unit_id))
            out[n++] = p->m[i].unit_id;
    return n;
}

static int open_for_unit(struct app *app, struct open_ctx *x, struct claim_query *q,
                         struct gz_err *err)
{
    struct claim_profile pr;

    if (claim_profile_of(app, x->unit_id, &pr))
        return gz_fail(err, GZ_EIO, "", "cannot read the unit's capabilities");
    if (!pr.n_prefixes || (!pr.n_areas && !pr.everywhere))
        return 0;
    q->profile = &pr;
    x->pr = &pr;
    /* read more than asked: the radius and the profile's checks in C may drop some */
    q->limit = x->limit * 4 + 100;
    return store_claims_open(app->store, q, add_open, x, err);
}

static int64_t query_unit(struct app *app, const char *v, struct gz_err *err)
{
    long long id;
    json_t *ref = text_parse_i64(v, 1, INT64_MAX, &id) ? json_integer(id) : json_string(v);
    int64_t unit = ref ? api_unit_ref(app, ref, "unit", err) : 0;

    json_decref(ref);
    if (!unit)
        err->code = GZ_EBADREQ;
    return unit;
}

static void get_claims_open(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct claim_query q = {0};
    struct open_ctx x = {app, NULL, 0, &q, NULL, 50};
    int64_t units[AUTH_MAX_MEMBERSHIPS], only = 0;
    const char *unit = http_query(r, "unit");
    struct gz_err err = {0};
    long long limit = 50;
    size_t n;

    if (api_principal(r, app, &p) || parse_near(r, &q))
        return;
    if (http_query(r, "limit") && !text_parse_i64(http_query(r, "limit"), 1, 500, &limit)) {
        http_reply_error(r, 400, "bad_request", "limit", "limit must be 1 to 500");
        return;
    }
    if (unit && !(only = query_unit(app, unit, &err))) {
        api_fail(r, &err);
        return;
    }
    x.limit = (int)limit;
    n = claim_units(app, &p, only, units);
    if (!n) {
        api_forbidden(r, "list claims (members of party, mass_org, enterprise, social_org and "
                         "volunteer_team units do)");
        return;
    }
    x.items = json_array();
    for (size_t i = 0; i < n && json_array_size(x.items) < (size_t)x.limit; i++) {
        x.unit_id = units[i];
        if (open_for_unit(app, &x, &q, &err)) {
            json_decref(x.items);
            api_fail(r, &err);
            return;
        }
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", x.items));
}

/* ---- GET /api/v1/accounts/{id}/claims ---- */

static int add_item(void *arg, const struct claim_item *it)
{
    json_array_append_new(
        arg,
        json_pack("{s:s, s:I, s:s, s:o, s:o, s:f, s:o, s:o}", "number", it->number, "unit_id",
                  (json_int_t)it->unit_id, "state", party_state_name(it->state), "claimed_at",
                  opt_time(it->claimed_at), "done_at", opt_time(it->done_at), "hours", it->hours,
                  "claimed_by", it->claimed_by ? json_integer(it->claimed_by) : json_null(),
                  "done_by", it->done_by ? json_integer(it->done_by) : json_null()));
    return 0;
}

/* The account itself, and admins and supervisors, who answer for people's work. */
static bool may_read_claims(const struct principal *p, int64_t id)
{
    return p->account_id == id || auth_has_role(p, ROLE_ADMIN) || auth_has_role(p, ROLE_SUPERVISOR);
}

static void get_account_claims(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct claim_stats st;
    struct gz_err err = {0};
    long long id;
    json_t *items;

    if (api_principal(r, app, &p))
        return;
    if (!text_parse_i64(http_param(r, "id"), 1, INT64_MAX, &id)) {
        http_reply_error(r, 404, "not_found", "id", "ids are positive integers");
        return;
    }
    if (!may_read_claims(&p, id)) {
        api_forbidden(r, "read this account's claims");
        return;
    }
    items = json_array();
    if (store_account_claims(app->store, id, &st, add_item, items, &err)) {
        json_decref(items);
        api_fail(r, &err);
        return;
    }
    http_reply_json(r, 200,
                    json_pack("{s:I, s:I, s:I, s:I, s:f, s:o}", "account_id", (json_int_t)id,
                              "claimed", (json_int_t)st.claimed, "working", (json_int_t)st.working,
                              "completed", (json_int_t)st.completed, "hours", st.hours, "items",
                              items));
}

int api_joint_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/cases/{number}/units", get_case_units) ||
           router_add(r, "GET", "/api/v1/units/{id}/capabilities", get_capabilities) ||
           router_add(r, "PUT", "/api/v1/units/{id}/capabilities", put_capabilities) ||
           router_add(r, "GET", "/api/v1/claims/open", get_claims_open) ||
           router_add(r, "GET", "/api/v1/accounts/{id}/claims", get_account_claims);
}
