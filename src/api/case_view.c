/* case_view.c - case JSON and case visibility (see case_view.h). */
#include "gz.h"

#include "api/case_view.h"
#include "api/joint.h"
#include "core/workflow.h"
#include "util/json.h"
#include "util/text.h"
#include "util/timeutil.h"

static json_t *coords(const struct case_rec *c, bool lat)
{
    if (c->lat == CASE_NO_COORD)
        return json_null();
    return json_real(lat ? c->lat : c->lon);
}

static void add_pii(json_t *o, const struct case_rec *c, bool full)
{
    char masked[GZ_MAX_PHONE + 8];

    if (full) {
        json_object_set_new(o, "reporter_name", json_str_or_null(c->reporter_name));
        json_object_set_new(o, "reporter_phone", json_str_or_null(c->reporter_phone));
        return;
    }
    account_mask_phone(c->reporter_phone, masked, sizeof(masked));
    json_object_set_new(o, "reporter_phone", json_str_or_null(masked));
}

static bool overdue(const struct case_rec *c)
{
    int64_t now = time_now();
    bool waiting = c->status == CASE_DISPATCHED || c->status == CASE_ACCEPTED;

    return waiting && ((c->resolve_by && now > c->resolve_by) ||
                       (!c->accepted_at && c->respond_by && now > c->respond_by));
}

json_t *view_case_summary(const struct case_rec *c, bool full_pii)
{
    char text[600];
    json_t *o;

    text_copy(text, sizeof(text), c->text ? c->text : "");
    o = json_pack(
        "{s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b}", "number",
        c->number, "status", case_status_name(c->status), "channel", case_channel_name(c->channel),
        "category", json_str_or_null(c->category), "priority",
        c->priority == PRIORITY_URGENT ? "urgent" : "normal", "text", text, "address",
        json_str_or_null(c->address), "lat", coords(c, true), "lon", coords(c, false),
        "lead_unit_id", c->lead_unit_id ? json_integer(c->lead_unit_id) : json_null(), "created_at",
        api_time(c->created_at), "dispatched_at", api_time(c->dispatched_at), "respond_by",
        api_time(c->respond_by), "resolve_by", api_time(c->resolve_by), "overdue", overdue(c));
    add_pii(o, c, full_pii);
    return o;
}

static json_t *allowed_json(unsigned allowed)
{
    json_t *a = json_array();

    for (int i = 0; i < ACT_COUNT; i++)
        if (allowed & (1u << i))
            json_array_append_new(a, json_string(wf_action_name((enum case_action)i)));
    return a;
}

static json_t *rating_json(const struct case_rec *c)
{
    if (c->satisfaction == SAT_NONE)
        return json_null();
    return json_pack("{s:b, s:b, s:s}", "contacted", c->contacted == 1, "solved", c->solved == 1,
                     "satisfaction", satisfaction_name(c->satisfaction));
}

static json_t *opt_id(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

/* located: null without a point, false outside every jurisdiction (the dispatcher places it) */
static json_t *place_json(const struct case_rec *c)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "located",
                     c->located < 0 ? json_null() : json_boolean(c->located), "district_id",
                     opt_id(c->area[1]), "street_id", opt_id(c->area[2]), "community_id",
                     opt_id(c->area[3]), "grid_id", opt_id(c->area[4]));
}

json_t *view_case(const struct case_rec *c, bool full_pii, unsigned allowed)
{
    json_t *o = view_case_summary(c, full_pii), *co = json_array();
    char ext[32];

    for (size_t i = 0; i < c->n_co; i++)
        json_array_append_new(co, json_integer(c->co_units[i]));
    tlimit_format(&c->extension_limit, ext, sizeof(ext));
    json_object_set_new(o, "text", json_string(c->text ? c->text : ""));
    json_object_set_new(o, "id", json_integer(c->id));
    json_object_set_new(o, "external_id", json_str_or_null(c->external_id));
    json_object_set_new(o, "co_unit_ids", co);
    json_object_set_new(o, "category_source",
                        c->category[0] ? json_string(c->category_by_operator ? "operator" : "auto")
                                       : json_null());
    json_object_set_new(o, "accepted_at", api_time(c->accepted_at));
    json_object_set_new(o, "resolved_at", api_time(c->resolved_at));
    json_object_set_new(o, "verified_at", api_time(c->verified_at));
    json_object_set_new(o, "closed_at", api_time(c->closed_at));
    json_object_set_new(o, "reply", json_str_or_null(c->reply));
    json_object_set_new(o, "rating", rating_json(c));
    json_object_set_new(o, "rework_count", json_integer(c->rework_count));
    json_object_set_new(o, "metoo", json_integer(c->metoo));
    json_object_set_new(o, "extension",
                        json_pack("{s:s, s:o}", "state", extension_name(c->extension), "asked",
                                  json_str_or_null(ext)));
    if (c->status == CASE_PARKED)
        json_object_set_new(o, "parked_from", json_string(case_status_name(c->parked_from)));
    json_object_set_new(o, "place", place_json(c));
    json_object_set_new(o, "allowed_actions", allowed_json(allowed));
    json_object_set_new(o, "claimable", json_boolean(joint_claimable(c)));
    json_object_set_new(o, "units", api_joint_units_json(c));
    return o;
}

json_t *view_event(const struct event *e, bool internal)
{
    json_t *body = json_loads(e->body ? e->body : "{}", 0, NULL);

    const char *key;
    json_t *v;

    if (!internal)
        json_object_del(body, "note");
    /* stored as epoch seconds (they are hashed as stored); shown like every other time */
    json_object_foreach(body, key, v) {
        size_t n = strlen(key);
        if (json_is_integer(v) && n > 3 &&
            (!strcmp(key + n - 3, "_by") || !strcmp(key + n - 3, "_at")))
            json_object_set_new(body, key, api_time(json_integer_value(v)));
    }
    return json_pack(
        "{s:I, s:s, s:o, s:o, s:o, s:s, s:o, s:s}", "id", (json_int_t)e->id, "kind", e->kind, "at",
        api_time(e->at), "actor_account_id",
        e->actor_account_id ? json_integer(e->actor_account_id) : json_null(), "actor_unit_id",
        e->actor_unit_id ? json_integer(e->actor_unit_id) : json_null(), "visibility",
        e->internal ? "internal" : "public", "body", body ? body : json_object(), "hash", e->hash);
}

/*
 * Operators, dispatchers and supervisors of a root unit, and root admins, see
 * every case. So do grid workers anywhere, who verify cases of every unit on
 * their streets. NEEDSWORK: limit them to their grid's cases once cases are
 * located.
 */
static bool sees_all(struct app *app, const struct principal *p)
{
    for (size_t i = 0; i < p->n; i++) {
        enum role r = p->m[i].role;
        int64_t chain[2];
        size_t n = 0;
        struct gz_err err;
        if (r == ROLE_GRID_WORKER)
            return true;
        if (r != ROLE_OPERATOR && r != ROLE_DISPATCHER && r != ROLE_SUPERVISOR && r != ROLE_ADMIN)
            continue;
        if (!store_unit_chain(app->store, p->m[i].unit_id, chain, 2, &n, &err) && n == 1)
            return true;
    }
    return false;
}

int api_case_visibility(struct http_req *r, struct app *app, const struct principal *p,
                        int64_t **units, size_t *n)
{
    *units = NULL;
    *n = 0;
    if (sees_all(app, p))
        return 0;
    *units = http_alloc(r, (p->n ? p->n : 1) * sizeof(int64_t));
    if (!*units) {
        http_reply_error(r, 500, "internal", "", "out of memory");
        return -1;
    }
    /* with no unit, the caller still sees what they reported or took in */
    for (size_t i = 0; i < p->n; i++)
        if (p->m[i].role != ROLE_RESIDENT)
            (*units)[(*n)++] = p->m[i].unit_id;
    return 0;
}

bool api_case_visible(struct app *app, const struct principal *p, const struct case_rec *c)
{
    int64_t parties[32];
    size_t n = 0;
    struct gz_err err;

    if ((c->reporter_account_id && c->reporter_account_id == p->account_id) ||
        (c->intake_account_id && c->intake_account_id == p->account_id))
        return true;
    if (sees_all(app, p))
        return true;
    if (store_case_units(app->store, c->id, parties, GZ_ARRAY_LEN(parties), &n, &err))
        return false;
    for (size_t i = 0; i < n; i++) {
        int64_t chain[64];
        size_t k = 0;
        if (store_unit_chain(app->store, parties[i], chain, GZ_ARRAY_LEN(chain), &k, &err))
            continue;
        for (size_t m = 0; m < p->n; m++)
            for (size_t j = 0; j < k; j++)
                if (p->m[m].role != ROLE_RESIDENT && p->m[m].unit_id == chain[j])
                    return true;
    }
    return false;
}

bool api_case_full_pii(struct app *app, const struct principal *p, const struct case_rec *c)
{
    (void)app;
    if (c->intake_account_id && c->intake_account_id == p->account_id)
        return true;
    if (c->reporter_account_id && c->reporter_account_id == p->account_id)
        return true;
    for (size_t i = 0; i < p->n; i++)
        if (p->m[i].role == ROLE_ADMIN)
            return true;
    return false;
}
