/*
 * cases.c - the closed loop over HTTP.
 *   POST /api/v1/cases                    intake (Idempotency-Key honoured)
 *   GET  /api/v1/cases/{number}           one case, with the actions the caller may take now
 *   GET  /api/v1/cases/{number}/events    its timeline
 *   POST /api/v1/cases/{number}/actions   {"action": ..., fields}: one transition
 * Roles and states are the workflow's (core/workflow.c); this file checks
 * them against the caller's units, turns JSON into a wf_input and back.
 * A case the caller may not see is a 404, so numbers reveal nothing.
 */
#include "gz.h"

#include "api/attachments.h"
#include "api/case_view.h"
#include "api/joint.h"
#include "api/kb.h"
#include "core/calendar.h"
#include "core/dedup.h"
#include "core/workflow.h"
#include "svc/intake.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timeutil.h"

#define IDEM_KEY_MAX 128

/* The unit of p's membership that gives a role in `roles` over unit_id (0 when none). */
static int64_t role_unit_over(struct app *app, const struct principal *p, unsigned roles,
                              int64_t unit_id)
{
    int64_t chain[64];
    size_t n = 0;
    struct gz_err err;

    if (!unit_id || store_unit_chain(app->store, unit_id, chain, GZ_ARRAY_LEN(chain), &n, &err))
        return 0;
    for (size_t i = 0; i < p->n; i++) {
        if (!(roles & (1u << p->m[i].role)) && p->m[i].role != ROLE_ADMIN)
            continue;
        for (size_t k = 0; k < n; k++)
            if (chain[k] == p->m[i].unit_id)
                return p->m[i].unit_id;
    }
    return 0;
}

/* The unit of p's first membership with a role in `roles` (0 when none). */
static int64_t role_unit(const struct principal *p, unsigned roles)
{
    for (size_t i = 0; i < p->n; i++)
        if ((roles & (1u << p->m[i].role)) || p->m[i].role == ROLE_ADMIN)
            return p->m[i].unit_id;
    return 0;
}

/* The acting unit for action a on c by p, 0 when p may not take it (target: dispatch's unit). */
static int64_t may_act(struct app *app, const struct principal *p, enum case_action a,
                       const struct case_rec *c, int64_t target)
{
    switch (wf_scope(a)) {
    case WF_SCOPE_LEAD: return role_unit_over(app, p, wf_roles(a), c->lead_unit_id);
    case WF_SCOPE_TARGET:
        return target ? role_unit_over(app, p, wf_roles(a), target) : role_unit(p, wf_roles(a));
    case WF_SCOPE_ANY: return role_unit(p, wf_roles(a));
    default: {
        struct wf_input in = {.action = a, .unit_id = target};
        return api_joint_may_act(app, p, c, &in, true);
    }
    }
}

static unsigned allowed_for(struct app *app, const struct principal *p, const struct case_rec *c)
{
    unsigned state = wf_allowed(c), mask = 0;

    for (int a = 0; a < ACT_COUNT; a++)
        if ((state & (1u << a)) && may_act(app, p, (enum case_action)a, c, 0))
            mask |= 1u << a;
    return mask;
}

/* ---- intake ---- */

static const char *const intake_keys[] = {"channel",   "text",     "lat",  "lon",   "address",
                                          "category",  "priority", "name", "phone", "external_id",
                                          "anonymous", "hold",     NULL};

static int parse_coord(const json_t *body, const char *key, double *out, struct gz_err *err)
{
    const json_t *v = json_object_get(body, key);

    if (!v || json_is_null(v))
        return 0;
    if (!json_is_number(v))
        return gz_fail(err, GZ_EINVAL, key, "%s must be a number", key);
    *out = json_number_value(v);
    if (*out == CASE_NO_COORD)
        return gz_fail(err, GZ_EINVAL, key, "%s is out of range", key);
    return 0;
}

static int parse_enum(const json_t *body, const char *key, int (*parse)(const char *), int *out,
                      bool required, struct gz_err *err)
{
    char v[32];
    int rc = json_get_str(body, key, v, sizeof(v), required, err);

    if (rc)
        return rc < 0 ? rc : 0;
    *out = parse(v);
    if (*out < 0)
        return gz_fail(err, GZ_EINVAL, key, "unknown %s %s", key, v);
    return 0;
}

static int priority_parse(const char *s)
{
    return strcmp(s, "normal") == 0   ? PRIORITY_NORMAL
           : strcmp(s, "urgent") == 0 ? PRIORITY_URGENT
                                      : -1;
}

static int parse_intake(const json_t *body, struct case_rec *c, bool *hold, struct gz_err *err)
{
    int channel = -1, priority = PRIORITY_NORMAL;
    bool anonymous = false;

    if (json_check_keys(body, intake_keys, err) ||
        parse_enum(body, "channel", case_channel_parse, &channel, true, err) ||
        parse_enum(body, "priority", priority_parse, &priority, false, err) ||
        json_get_strdup(body, "text", &c->text, 4 * CASE_MAX_TEXT_CHARS, true, err) < 0 ||
        json_get_strdup(body, "address", &c->address, 2000, false, err) < 0 ||
        json_get_str(body, "category", c->category, sizeof(c->category), false, err) < 0 ||
        json_get_str(body, "name", c->reporter_name, sizeof(c->reporter_name), false, err) < 0 ||
        json_get_str(body, "phone", c->reporter_phone, sizeof(c->reporter_phone), false, err) < 0 ||
        json_get_str(body, "external_id", c->external_id, sizeof(c->external_id), false, err) < 0 ||
        json_get_bool(body, "anonymous", &anonymous, err) < 0 ||
        json_get_bool(body, "hold", hold, err) < 0 || parse_coord(body, "lat", &c->lat, err) ||
        parse_coord(body, "lon", &c->lon, err))
        return err->code ? err->code : GZ_EINVAL;
    c->channel = (enum case_channel)channel;
    c->priority = (enum case_priority)priority;
    if (anonymous)
        c->reporter_name[0] = c->reporter_phone[0] = '\0';
    return case_validate_intake(c, err);
}

/*
 * A client system (with write access) takes reports in under its account on
 * the channels of residents and devices; when its scope names categories, it
 * must say which of them (a department's system knows its own categories).
 */
static int client_intake(const struct principal *p, struct case_rec *c, struct gz_err *err)
{
    const struct api_scope *sc = &p->client->scope;

    if (c->channel == CHANNEL_HOTLINE || c->channel == CHANNEL_GRID ||
        c->channel == CHANNEL_PROACTIVE)
        return gz_fail(err, GZ_EFORBIDDEN, "channel", "a client system may not take %s reports",
                       case_channel_name(c->channel));
    if (!scope_category_in(sc, c->category))
        return gz_fail(err, GZ_EFORBIDDEN, "category",
                       "the category is outside this client's scope");
    return 0;
}

/* Who may take a report from which channel; the category is an operator's call. */
static int intake_rights(struct app *app, const struct principal *p, struct case_rec *c,
                         struct gz_err *err)
{
    static const unsigned need[CHANNEL_COUNT] = {
        [CHANNEL_HOTLINE] = 1u << ROLE_OPERATOR,
        [CHANNEL_GRID] = 1u << ROLE_GRID_WORKER,
        [CHANNEL_SENSOR] = 1u << ROLE_OPERATOR,
        [CHANNEL_IMPORT] = 1u << ROLE_OPERATOR,
        [CHANNEL_PROACTIVE] = (1u << ROLE_DISPATCHER) | (1u << ROLE_SUPERVISOR),
    };
    struct category cat;

    if (p->client && client_intake(p, c, err))
        return err->code;
    if (!p->client && need[c->channel] && !role_unit(p, need[c->channel]))
        return gz_fail(err, GZ_EFORBIDDEN, "channel", "your roles may not take %s reports",
                       case_channel_name(c->channel));
    if (c->category[0]) {
        if (!p->client && !role_unit(p, (1u << ROLE_OPERATOR) | (1u << ROLE_DISPATCHER)))
            return gz_fail(err, GZ_EFORBIDDEN, "category",
                           "only operators and dispatchers set the category");
        if (store_category_get(app->store, c->category, &cat, err))
            return gz_fail(err, GZ_EINVAL, "category", "unknown category %s", c->category);
        category_release(&cat);
        c->category_by_operator = true;
    }
    if (c->channel == CHANNEL_WEB || c->channel == CHANNEL_APP || c->channel == CHANNEL_OPEN311)
        c->reporter_account_id = p->account_id;
    c->intake_account_id = p->account_id;
    return 0;
}

/* The case as p may read it, with its photos: personal data whole only when `full`, an API
   client's fields. */
static json_t *case_json_with(struct app *app, const struct principal *p, const struct case_rec *c,
                              bool full, json_t *attachments)
{
    json_t *view = view_case(c, full, allowed_for(app, p, c));

    json_object_set_new(view, "attachments", attachments);
    api_view_scope(view, p);
    return view;
}

static json_t *case_json(struct app *app, const struct principal *p, const struct case_rec *c,
                         bool full)
{
    return case_json_with(app, p, c, full, api_case_attachments(app, p, c));
}

/* fresh: the case was created by this request, so it has no photos yet (no need to look) */
static void reply_intake(struct http_req *r, struct app *app, const struct principal *p,
                         const struct case_rec *c, const struct intake_out *o, bool fresh)
{
    json_t *view = case_json_with(app, p, c, api_case_full_pii(app, p, c),
                                  fresh ? json_array() : api_case_attachments(app, p, c));
    char loc[64];

    if (o->kb)
        json_object_set(view, "kb_suggestions", o->kb);
    snprintf(loc, sizeof(loc), "/api/v1/cases/%s", c->number);
    http_add_header(r, "Location", loc);
    /* what the pipeline found, as the created event holds it: not written twice */
    http_reply_json_with(r, 201, view, o->found);
}

static int idem_key(struct http_req *r, const char **key, struct gz_err *err)
{
    *key = http_header(r, "Idempotency-Key");
    if (*key && (!**key || strlen(*key) > IDEM_KEY_MAX || !text_utf8_valid(*key, strlen(*key))))
        return gz_fail(err, GZ_EBADREQ, "Idempotency-Key", "Idempotency-Key must be 1-%d bytes",
                       IDEM_KEY_MAX);
    return 0;
}

/* Compact text of a JSON object, taking the reference. */
static char *dump_body(json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

    json_decref(o);
    return s;
}

static void reply_case(struct http_req *r, struct app *app, const struct principal *p, int status,
                       const struct case_rec *c)
{
    char loc[64];

    if (status == 201) {
        snprintf(loc, sizeof(loc), "/api/v1/cases/%s", c->number);
        http_add_header(r, "Location", loc);
    }
    http_reply_json(r, status, case_json(app, p, c, api_case_full_pii(app, p, c)));
}

static void post_case(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct case_rec c;
    struct intake_deps deps;
    struct intake_out o = {0};
    struct gz_err err = {0};
    const char *key = NULL;
    bool hold = false, fresh;
    json_t *body;

    if (api_caller(r, app, &p))
        return;
    if (!(body = api_body(r)))
        goto done;
    case_init(&c);
    api_intake_deps(app, &deps);
    deps.kb_suggest = true;
    if (idem_key(r, &key, &err) || parse_intake(body, &c, &hold, &err) ||
        intake_rights(app, &p, &c, &err) ||
        intake_submit(&deps, &c, p.account_id, key, hold, &o, &err))
        goto fail;
    fresh = !o.replayed;
    if (o.replayed) {
        int64_t first = c.id;
        http_add_header(r, "Idempotent-Replayed", "true");
        case_release(&c);
        if (store_case_get(app->store, NULL, first, &c, &err))
            goto fail;
        intake_out_release(&o);
    }
    reply_intake(r, app, &p, &c, &o, fresh);
    goto out;
fail:
    api_fail(r, &err);
out:
    if (c.number[0] && http_status(r) < 300)
        api_access_note(&p, c.number);
    intake_out_release(&o);
    case_release(&c);
    json_decref(body);
done:
    api_access_done(r, app, &p);
}

/* ---- reading ---- */

/* Load the case named in the path if p may see it; otherwise answer 404. */
static int visible_case(struct http_req *r, struct app *app, const struct principal *p,
                        struct case_rec *c)
{
    struct gz_err err = {0};

    if (store_case_get(app->store, http_param(r, "number"), 0, c, &err)) {
        api_fail(r, &err);
        return -1;
    }
    if (!api_case_visible(app, p, c)) {
        case_release(c);
        http_reply_error(r, 404, "not_found", "number", "case %s not found",
                         http_param(r, "number"));
        return -1;
    }
    return 0;
}

/* An outside unit may claim a case it cannot see yet (GET /claims/open offered it). */
static int claim_or_visible(struct http_req *r, struct app *app, const struct principal *p,
                            const json_t *body, struct case_rec *c)
{
    const char *action = json_string_value(json_object_get(body, "action"));
    struct gz_err err = {0};

    if (!action || strcmp(action, "claim") != 0)
        return visible_case(r, app, p, c);
    if (store_case_get(app->store, http_param(r, "number"), 0, c, &err)) {
        api_fail(r, &err);
        return -1;
    }
    if (api_case_visible(app, p, c) || api_joint_may_claim(app, p, c))
        return 0;
    case_release(c);
    http_reply_error(r, 404, "not_found", "number", "case %s not found", http_param(r, "number"));
    return -1;
}

static void get_case(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct case_rec c;
    bool full = false;

    if (api_caller(r, app, &p))
        return;
    if (!visible_case(r, app, &p, &c)) {
        api_access_note(&p, c.number);
        if (!api_case_read_pii(r, app, &p, &c, "case view", &full))
            http_reply_json(r, 200, case_json(app, &p, &c, full));
        case_release(&c);
    }
    api_access_done(r, app, &p);
}

struct events_ctx {
    json_t *items;
    bool internal;
    bool pii_reads; /* the record of reads of personal data: admins and supervisors */
};

static int add_event(void *arg, const struct event *e)
{
    struct events_ctx *x = arg;

    if (e->internal && !x->internal)
        return 0;
    if (!x->pii_reads && strcmp(e->kind, "pii_read") == 0)
        return 0;
    json_array_append_new(x->items, view_event(e, x->internal));
    return 0;
}

static void reply_events(struct http_req *r, struct app *app, const struct principal *p,
                         const struct case_rec *c)
{
    struct events_ctx x = {NULL, false, api_sees_pii_reads(p)};
    struct gz_err err = {0};

    if (p->client && !scope_field_allowed(&p->client->scope, "events")) {
        http_reply_error(r, 403, "forbidden", "fields", "this client may not read timelines");
        return;
    }
    /* a resident following their own report sees the public timeline */
    for (size_t i = 0; i < p->n; i++)
        x.internal = x.internal || p->m[i].role != ROLE_RESIDENT;
    x.items = json_array();
    if (store_case_events(app->store, c->id, add_event, &x, &err)) {
        json_decref(x.items);
        api_fail(r, &err);
        return;
    }
    api_access_note(p, c->number);
    http_reply_json(r, 200, json_pack("{s:s, s:o}", "number", c->number, "items", x.items));
}

static void get_events(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct case_rec c;

    if (api_caller(r, app, &p))
        return;
    if (!visible_case(r, app, &p, &c)) {
        reply_events(r, app, &p, &c);
        case_release(&c);
    }
    api_access_done(r, app, &p);
}

/* ---- actions ---- */

/* clang-format off */
static const char *const action_keys[] = {
    "action",    "unit",   "co_units",     "category", "reason",    "text",       "note", "pass",
    "contacted", "solved", "satisfaction", "into",     "extension", "visibility", "kb_entry",
    "lang",
    /* joint handling (api/joint.c) */
    "units", "report_by", "minutes", "person", "hours", "photos", "claimable",
    NULL};
/* clang-format on */

struct act {
    struct wf_input in;
    struct sla_limits limits;
    char into[CASE_NUMBER_LEN + 1];
    char *reason, *text, *note;
    json_t *kb_cite; /* answer: the knowledge-base entry cited */
    bool check_lead;
    int64_t lead_seen;
};

static void act_release(struct act *a)
{
    free(a->reason);
    free(a->text);
    free(a->note);
    json_decref(a->kb_cite);
}

static int parse_units(struct app *app, const json_t *body, struct act *a, struct gz_err *err)
{
    const json_t *co = json_object_get(body, "co_units"), *v;
    size_t i;

    if (!json_object_get(body, "unit"))
        return gz_fail(err, GZ_EINVAL, "unit", "unit (the lead unit) is required");
    a->in.unit_id = api_unit_ref(app, json_object_get(body, "unit"), "unit", err);
    if (!a->in.unit_id)
        return GZ_EINVAL;
    if (!co)
        return 0;
    if (!json_is_array(co) || json_array_size(co) > CASE_MAX_CO)
        return gz_fail(err, GZ_EINVAL, "co_units", "co_units must be a list of at most %d units",
                       CASE_MAX_CO);
    json_array_foreach(co, i, v) {
        a->in.co_units[i] = api_unit_ref(app, v, "co_units", err);
        if (!a->in.co_units[i])
            return GZ_EINVAL;
    }
    a->in.n_co = json_array_size(co);
    return 0;
}

static int parse_bool_field(const json_t *body, const char *key, int *out, struct gz_err *err)
{
    bool b;
    int rc = json_get_bool(body, key, &b, err);

    if (rc < 0)
        return rc;
    *out = rc ? -1 : b;
    return 0;
}

static int parse_extension(const json_t *body, struct tlimit *l, struct gz_err *err)
{
    const json_t *v = json_object_get(body, "extension");

    if (!v)
        return 0;
    if (!json_is_string(v) || tlimit_parse(json_string_value(v), l) || l->amount <= 0)
        return gz_fail(err, GZ_EINVAL, "extension",
                       "extension must be like \"5 workdays\", \"8 work_hours\" or \"48 hours\"");
    return 0;
}

static int parse_texts(const json_t *body, struct act *a, struct gz_err *err)
{
    char vis[16] = "internal";
    int sat = SAT_NONE;

    if (json_get_strdup(body, "reason", &a->reason, 4 * WF_TEXT_MAX, false, err) < 0 ||
        json_get_strdup(body, "text", &a->text, 4 * WF_TEXT_MAX, false, err) < 0 ||
        json_get_strdup(body, "note", &a->note, 4 * WF_TEXT_MAX, false, err) < 0 ||
        json_get_str(body, "into", a->into, sizeof(a->into), false, err) < 0 ||
        json_get_str(body, "visibility", vis, sizeof(vis), false, err) < 0 ||
        parse_bool_field(body, "contacted", &a->in.contacted, err) ||
        parse_bool_field(body, "solved", &a->in.solved, err) ||
        parse_enum(body, "satisfaction", satisfaction_parse, &sat, false, err) ||
        parse_extension(body, &a->in.extension, err))
        return err->code ? err->code : GZ_EINVAL;
    if (strcmp(vis, "internal") && strcmp(vis, "public"))
        return gz_fail(err, GZ_EINVAL, "visibility", "visibility must be internal or public");
    a->in.internal = strcmp(vis, "internal") == 0;
    a->in.satisfaction = (enum satisfaction)sat;
    a->in.reason = a->reason;
    a->in.text = a->text;
    a->in.note = a->note;
    return 0;
}

/* Dispatch needs the limits of the category the case will have. */
static int parse_dispatch(struct app *app, const json_t *body, const struct case_rec *c,
                          struct act *a, struct gz_err *err)
{
    const char *cat;

    if (parse_units(app, body, a, err) ||
        json_get_str(body, "category", a->in.category, sizeof(a->in.category), false, err) < 0)
        return err->code;
    cat = a->in.category[0] ? a->in.category : c->category;
    if (!cat[0])
        return gz_fail(err, GZ_EINVAL, "category", "set the case's category to dispatch it");
    if (intake_limits(app->store, cat, &a->limits, err))
        return err->code;
    a->in.limits = &a->limits;
    return 0;
}

static int parse_action(struct app *app, const json_t *body, const struct case_rec *c,
                        struct act *a, struct gz_err *err)
{
    int action = -1;
    bool pass = false;

    if (json_check_keys(body, action_keys, err) ||
        parse_enum(body, "action", wf_action_parse, &action, true, err))
        return err->code;
    a->in.action = (enum case_action)action;
    a->in.contacted = a->in.solved = -1;
    if (parse_texts(body, a, err))
        return err->code;
    if (a->in.action == ACT_VERIFY && json_get_bool(body, "pass", &pass, err) != 0)
        return err->code ? err->code
                         : gz_fail(err, GZ_EINVAL, "pass", "pass (true or false) is required");
    a->in.pass = pass;
    if (a->in.action == ACT_DISPATCH || a->in.action == ACT_REDISPATCH)
        return parse_dispatch(app, body, c, a, err);
    if (api_joint_scope(a->in.action) || a->in.action == ACT_MARK_CLAIMABLE)
        return api_joint_parse(app, body, c, &a->in, &a->limits, err);
    return 0;
}

/* The knowledge base answers a consultation: the entry cited, or the category's answer. */
static int kb_default(struct app *app, const json_t *body, const struct case_rec *c, struct act *a,
                      struct gz_err *err)
{
    if (a->in.action != ACT_ANSWER) {
        if (json_object_get(body, "kb_entry") || json_object_get(body, "lang"))
            return gz_fail(err, GZ_EINVAL, json_object_get(body, "lang") ? "lang" : "kb_entry",
                           "kb_entry and lang go with the answer action");
        return 0;
    }
    if (api_kb_answer(app, body, c, &a->text, &a->kb_cite, err))
        return err->code;
    a->in.text = a->text;
    a->in.kb_cite = a->kb_cite;
    return 0;
}

static int act_fn(void *ctx, struct case_rec *c, struct case_rec *other, struct event *ev,
                  struct event *other_ev, struct gz_err *err)
{
    struct act *a = ctx;

    if (a->check_lead && c->lead_unit_id != a->lead_seen)
        return gz_fail(err, GZ_ECONFLICT, "action", "the case moved to another unit meanwhile");
    return wf_apply(c, other, &a->in, ev, other_ev, err);
}

/* 409: the state did not allow it; say what it is now and what is allowed. */
static void reply_conflict(struct http_req *r, struct app *app, const struct principal *p,
                           const struct gz_err *err)
{
    struct case_rec c;
    struct gz_err e2;
    json_t *allowed = json_array();

    if (store_case_get(app->store, http_param(r, "number"), 0, &c, &e2) == 0) {
        unsigned mask = allowed_for(app, p, &c);
        for (int i = 0; i < ACT_COUNT; i++)
            if (mask & (1u << i))
                json_array_append_new(allowed, json_string(wf_action_name((enum case_action)i)));
        json_t *body = json_pack("{s:{s:s, s:s, s:s}, s:s, s:o}", "error", "code", "conflict",
                                 "message", err->msg, "field", err->field, "status",
                                 case_status_name(c.status), "allowed", allowed);
        json_t *pending = api_joint_pending_json(&c);
        if (pending) /* whistled units that hold the case open */
            json_object_set_new(body, "pending_units", pending);
        http_reply_json(r, 409, body);
        case_release(&c);
        return;
    }
    json_decref(allowed);
    api_fail(r, err);
}

/*
 * May p take this action on c? The wrong role is a 403; the right role in
 * the wrong state a 409; the right role over the wrong unit a 403. The
 * reporter may add to their own case, in public, without any role.
 * Returns GZ_OK, or an error in err (GZ_EFORBIDDEN, GZ_ECONFLICT).
 */
static int check_rights(struct app *app, const struct principal *p, const struct case_rec *c,
                        struct act *a, struct gz_err *err)
{
    const char *name = wf_action_name(a->in.action);

    if (a->in.action == ACT_COMMENT && c->reporter_account_id == p->account_id && !p->n) {
        a->in.internal = false;
        free(a->note);
        a->note = NULL;
        a->in.note = NULL;
        return 0;
    }
    if (!role_unit(p, wf_roles(a->in.action)))
        return gz_fail(err, GZ_EFORBIDDEN, "action", "your roles do not allow you to %s cases",
                       name);
    if (!(wf_allowed(c) & (1u << a->in.action)))
        return wf_refuse(c, a->in.action, err);
    a->in.actor_unit_id = api_joint_scope(a->in.action)
                              ? api_joint_may_act(app, p, c, &a->in, false)
                              : may_act(app, p, a->in.action, c, a->in.unit_id);
    if (!a->in.actor_unit_id)
        return gz_fail(err, GZ_EFORBIDDEN, "action", "your roles do not allow you to %s this case",
                       name);
    return 0;
}

/* Photos go with the actions that show work: ids of the case's photos of that stage. */
static int action_photos(struct app *app, const json_t *body, const struct case_rec *c,
                         struct act *a, struct gz_err *err)
{
    const json_t *photos = json_object_get(body, "photos");
    enum case_action act = a->in.action;
    enum att_stage stage = act == ACT_REPLY    ? ATT_REPLY
                           : act == ACT_VERIFY ? ATT_VERIFY
                                               : ATT_COMPLETE;

    if (!photos || json_is_null(photos))
        return 0;
    if (act != ACT_REPLY && act != ACT_VERIFY && act != ACT_COMPLETE)
        return gz_fail(err, GZ_EINVAL, "photos", "photos go with reply, verify and complete");
    if (api_action_photos(app, c, stage, photos, err))
        return err->code;
    a->in.photos = photos;
    return 0;
}

static void action_failed(struct http_req *r, struct app *app, const struct principal *p,
                          const struct act *a, const struct gz_err *err)
{
    if (err->code == GZ_ECONFLICT)
        reply_conflict(r, app, p, err);
    else if (err->code == GZ_ENOTFOUND && strcmp(err->field, "number") == 0 && a->into[0])
        http_reply_error(r, 422, "invalid", "into", "case %s not found", a->into);
    else
        api_fail(r, err);
}

static void post_action(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct case_rec c, out;
    struct act a;
    struct gz_err err = {0};
    json_t *body = NULL;

    if (api_caller(r, app, &p))
        return;
    memset(&a, 0, sizeof(a));
    case_init(&out);
    if (!(body = api_body(r)) || claim_or_visible(r, app, &p, body, &c))
        goto out_body;
    api_access_note(&p, c.number);
    if (parse_action(app, body, &c, &a, &err) || check_rights(app, &p, &c, &a, &err) ||
        action_photos(app, body, &c, &a, &err) || kb_default(app, body, &c, &a, &err))
        goto fail;
    a.check_lead = wf_scope(a.in.action) == WF_SCOPE_LEAD;
    a.lead_seen = c.lead_unit_id;
    a.in.cal = app->cal;
    a.in.now = time_now();
    a.in.actor_account_id = p.account_id;
    if (store_case_update(app->store, c.number,
                          a.in.action == ACT_MERGE && a.into[0] ? a.into : NULL, act_fn, &a, &out,
                          &err))
        goto fail;
    if (app->dedup && !case_is_open(out.status))
        dedup_remove(app->dedup, out.id);
    reply_case(r, app, &p, 200, &out);
    goto out;
fail:
    action_failed(r, app, &p, &a, &err);
out:
    case_release(&c);
out_body:
    case_release(&out);
    act_release(&a);
    json_decref(body);
    api_access_done(r, app, &p);
}

/* ---- me too ---- */

static int parse_reporter(struct app *app, const struct principal *p, const json_t *body,
                          struct case_reporter *rep, struct gz_err *err)
{
    static const char *const keys[] = {"channel", "name", "phone", NULL};
    struct case_rec probe;
    int channel = CHANNEL_APP, rc;

    memset(rep, 0, sizeof(*rep));
    if (json_check_keys(body, keys, err) ||
        parse_enum(body, "channel", case_channel_parse, &channel, false, err) ||
        json_get_str(body, "name", rep->name, sizeof(rep->name), false, err) < 0 ||
        json_get_str(body, "phone", rep->phone, sizeof(rep->phone), false, err) < 0)
        return err->code ? err->code : GZ_EINVAL;
    /* the same rules as a first report: checked on a stand-in case */
    case_init(&probe);
    probe.channel = (enum case_channel)channel;
    probe.text = strdup("-");
    memcpy(probe.reporter_name, rep->name, sizeof(rep->name));
    memcpy(probe.reporter_phone, rep->phone, sizeof(rep->phone));
    rc = case_validate_intake(&probe, err);
    if (!rc)
        rc = intake_rights(app, p, &probe, err);
    case_release(&probe);
    rep->channel = (enum case_channel)channel;
    rep->account_id = channel == CHANNEL_HOTLINE ? 0 : p->account_id;
    rep->at = time_now();
    return rc;
}

/*
 * POST /api/v1/cases/{number}/metoo: one more person reports the same
 * problem. Anyone signed in may join an open case (intake offers the
 * candidates); they are counted and kept for the callback like the first
 * reporter, and their personal data stays out of the event.
 */
static void post_metoo(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct case_reporter rep;
    struct case_rec out;
    struct event ev;
    struct gz_err err = {0};
    json_t *body;

    if (api_principal(r, app, &p) || !(body = api_body(r)))
        return;
    case_init(&out);
    event_init(&ev);
    if (parse_reporter(app, &p, body, &rep, &err))
        goto fail;
    snprintf(ev.kind, sizeof(ev.kind), "metoo");
    ev.actor_account_id = p.account_id;
    ev.at = rep.at;
    ev.body = dump_body(json_pack("{s:s}", "channel", case_channel_name(rep.channel)));
    if (store_case_add_reporter(app->store, http_param(r, "number"), &rep, &ev, &out, &err))
        goto fail;
    if (api_case_visible(app, &p, &out))
        reply_case(r, app, &p, 200, &out);
    else
        http_reply_json(r, 200,
                        json_pack("{s:s, s:s, s:i}", "number", out.number, "status",
                                  case_status_name(out.status), "metoo", out.metoo));
    goto out;
fail:
    api_fail(r, &err);
out:
    case_release(&out);
    event_release(&ev);
    json_decref(body);
}

int api_cases_routes(struct router *r)
{
    return api_case_export_routes(r) || router_add_parking(r, "POST", "/api/v1/cases", post_case) ||
           router_add(r, "GET", "/api/v1/cases/{number}", get_case) ||
           router_add(r, "GET", "/api/v1/cases/{number}/events", get_events) ||
           router_add_parking(r, "POST", "/api/v1/cases/{number}/actions", post_action) ||
           router_add_parking(r, "POST", "/api/v1/cases/{number}/metoo", post_metoo);
}
