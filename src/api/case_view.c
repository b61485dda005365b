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
    char phone[GZ_MAX_PHONE + 8], name[sizeof(c->reporter_name)];

    if (full) {
        json_object_set_new(o, "reporter_name", json_str_or_null(c->reporter_name));
        json_object_set_new(o, "reporter_phone", json_str_or_null(c->reporter_phone));
        return;
    }
    account_mask_name(c->reporter_name, name, sizeof(name));
    account_mask_phone(c->reporter_phone, phone, sizeof(phone));
    json_object_set_new(o, "reporter_name", json_str_or_null(name));
    json_object_set_new(o, "reporter_phone", json_str_or_null(phone));
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
    if (p->client || sees_all(app, p))
        return 0; /* a client sees its scope (case_filter.scope), not its account's units */
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

    if (p->client)
        return api_case_in_scope(app, &p->client->scope, c);
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

enum pii_access api_case_pii(struct app *app, const struct principal *p, const struct case_rec *c)
{
    (void)app;
    if (c->intake_account_id && c->intake_account_id == p->account_id)
        return PII_OWN;
    if (c->reporter_account_id && c->reporter_account_id == p->account_id)
        return PII_OWN;
    if (p->client)
        return scope_field_allowed(&p->client->scope, "reporter_name") ||
                       scope_field_allowed(&p->client->scope, "reporter_phone")
                   ? PII_RECORDED
                   : PII_MASKED;
    for (size_t i = 0; i < p->n; i++)
        if (p->m[i].role == ROLE_ADMIN)
            return PII_RECORDED;
    return PII_MASKED;
}

bool api_case_full_pii(struct app *app, const struct principal *p, const struct case_rec *c)
{
    return api_case_pii(app, p, c) == PII_OWN;
}

bool api_sees_pii_reads(const struct principal *p)
{
    if (p->client)
        return false;
    for (size_t i = 0; i < p->n; i++)
        if (p->m[i].role == ROLE_ADMIN || p->m[i].role == ROLE_SUPERVISOR)
            return true;
    return false;
}

/* ---- the record of unmasked reads ---- */

struct pii_read {
    const struct principal *p;
    json_t *body;
};

static int pii_fn(void *ctx, struct case_rec *c, struct case_rec *other, struct event *ev,
                  struct event *other_ev, struct gz_err *err)
{
    struct pii_read *x = ctx;

    (void)c, (void)other, (void)other_ev, (void)err;
    snprintf(ev->kind, sizeof(ev->kind), "pii_read");
    ev->actor_account_id = x->p->account_id;
    ev->at = time_now();
    ev->internal = true;
    ev->body = json_dumps(x->body, JSON_COMPACT | JSON_SORT_KEYS);
    return ev->body ? 0 : gz_fail(err, GZ_ENOMEM, "", "out of memory");
}

#define PII_REASON_MAX 200 /* bytes */

/* ?reason=, else X-Access-Reason, else the purpose; NULL after answering 400. */
static const char *read_reason(struct http_req *r, const char *purpose)
{
    const char *why = http_query(r, "reason");

    if (!why || !*why)
        why = http_header(r, "X-Access-Reason");
    if (!why || !*why)
        return purpose;
    if (strlen(why) > PII_REASON_MAX || !text_utf8_valid(why, strlen(why)) ||
        strpbrk(why, "\r\n\t")) {
        http_reply_error(r, 400, "bad_request", "reason", "reason must be one line of at most %d bytes",
                         PII_REASON_MAX);
        return NULL;
    }
    return why;
}

int api_pii_read(struct http_req *r, struct app *app, const struct principal *p,
                 const struct case_rec *c, const char *purpose, json_t *fields)
{
    const char *why = NULL;
    char endpoint[300];
    struct pii_read x = {p, NULL};
    struct case_rec out;
    struct gz_err err = {0};
    int rc = 0;

    if (!json_array_size(fields)) {
        json_decref(fields);
        return 0;
    }
    why = read_reason(r, purpose);
    if (!why) {
        json_decref(fields);
        return -1;
    }
    snprintf(endpoint, sizeof(endpoint), "%s %s", http_method(r), http_path(r));
    x.body = json_pack("{s:o, s:s, s:s}", "fields", fields, "reason", why, "endpoint", endpoint);
    if (p->client)
        json_object_set_new(x.body, "client_id", json_integer(p->client->id));
    case_init(&out);
    if (store_case_update(app->store, c->number, NULL, pii_fn, &x, &out, &err)) {
        api_fail(r, &err);
        rc = -1;
    }
    case_release(&out);
    json_decref(x.body);
    return rc;
}

int api_case_read_pii(struct http_req *r, struct app *app, const struct principal *p,
                      const struct case_rec *c, const char *purpose, bool *full)
{
    enum pii_access how = api_case_pii(app, p, c);
    json_t *fields;

    *full = how != PII_MASKED;
    if (how != PII_RECORDED)
        return 0;
    fields = json_array();
    if (c->reporter_name[0] && (!p->client || scope_field_allowed(&p->client->scope, "reporter_name")))
        json_array_append_new(fields, json_string("reporter_name"));
    if (c->reporter_phone[0] &&
        (!p->client || scope_field_allowed(&p->client->scope, "reporter_phone")))
        json_array_append_new(fields, json_string("reporter_phone"));
    return api_pii_read(r, app, p, c, purpose, fields);
}

/* ---- API client scopes ---- */

/* Append unit and its ancestors to ids (up to cap). */
static size_t add_chain(struct app *app, int64_t unit, int64_t *ids, size_t n, size_t cap)
{
    size_t k = 0;
    struct gz_err err;

    if (!unit || n >= cap || store_unit_chain(app->store, unit, ids + n, cap - n, &k, &err))
        return n;
    return n + k;
}

bool api_case_in_scope(struct app *app, const struct api_scope *sc, const struct case_rec *c)
{
    int64_t ids[512], parties[32];
    size_t n = 0, np = 0;
    struct gz_err err;

    if (!scope_may_read(sc) || !scope_category_in(sc, c->category))
        return false;
    if (!sc->n_areas)
        return true;
    for (int level = 1; level < 5; level++)
        n = add_chain(app, c->area[level], ids, n, GZ_ARRAY_LEN(ids));
    if (!store_case_units(app->store, c->id, parties, GZ_ARRAY_LEN(parties), &np, &err))
        for (size_t i = 0; i < np; i++)
            n = add_chain(app, parties[i], ids, n, GZ_ARRAY_LEN(ids));
    return scope_area_in(sc, ids, n);
}

void api_view_scope(json_t *view, const struct principal *p)
{
    const char *key;
    json_t *v, *tmp;

    if (!p->client)
        return;
    json_object_foreach_safe(view, tmp, key, v)
    {
        if (!scope_field_allowed(&p->client->scope, key))
            json_object_del(view, key);
    }
}
