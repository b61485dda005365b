/*
 * workflow.c - the closed loop as tables and one small function per action.
 *
 *   received ─► dispatched ─► accepted ─► resolved ─► verified ─► closed
 *      │            │  ▲          ▲           │           │
 *      │            ▼  │redispatch│ rework    └─ unsolved, unsatisfied, failed verify
 *      │         returned ────────┘
 *      ├─► closed (answered at intake)   ├─► merged   └─► invalid
 *   dispatched/accepted/returned ─► parked ─► back where it was
 *
 * The state table says what each status allows; a few actions also look at
 * the extension state. Every applied action fills exactly one event for the
 * case (a merge one more for its parent).
 */
#include "gz.h"

#include <jansson.h>

#include "core/joint.h"
#include "core/workflow.h"
#include "util/text.h"

#define R(role) (1u << (role))
#define S(status) (1u << (status))
#define ALL_ROLES ((1u << ROLE_COUNT) - 1)
/* who acts for a unit in joint handling: its handlers, dispatchers and supervisors */
#define WORKERS (R(ROLE_HANDLER) | R(ROLE_DISPATCHER) | R(ROLE_SUPERVISOR))
/* while a case is being worked on, its parties act on their own parts */
#define JOINT_STATES (S(CASE_DISPATCHED) | S(CASE_ACCEPTED) | S(CASE_RETURNED) | S(CASE_PARKED))
/* what a whistled unit that has neither replied nor been released holds up */
#define HELD_BY_PENDING ((1u << ACT_REPLY) | (1u << ACT_COMPLETE) | (1u << ACT_CLOSE))

struct rule {
    const char *name;
    unsigned roles;
    enum wf_scope scope;
    unsigned states;
    bool internal; /* the event is internal (not shown on public views) */
};

static const struct rule rules[ACT_COUNT] = {
    [ACT_DISPATCH] = {"dispatch", R(ROLE_DISPATCHER), WF_SCOPE_TARGET,
                      S(CASE_RECEIVED) | S(CASE_RETURNED), false},
    [ACT_REDISPATCH] = {"redispatch", R(ROLE_DISPATCHER), WF_SCOPE_TARGET,
                        S(CASE_DISPATCHED) | S(CASE_ACCEPTED) | S(CASE_RETURNED), false},
    [ACT_ACCEPT] = {"accept", R(ROLE_HANDLER), WF_SCOPE_LEAD, S(CASE_DISPATCHED), false},
    [ACT_RETURN] = {"return", R(ROLE_HANDLER), WF_SCOPE_LEAD, S(CASE_DISPATCHED) | S(CASE_ACCEPTED),
                    true},
    [ACT_REPLY] = {"reply", R(ROLE_HANDLER), WF_SCOPE_LEAD, S(CASE_ACCEPTED), false},
    /* NEEDSWORK: grid workers should verify only in their grid once cases are located */
    [ACT_VERIFY] = {"verify", R(ROLE_GRID_WORKER) | R(ROLE_SUPERVISOR), WF_SCOPE_ANY,
                    S(CASE_RESOLVED), false},
    [ACT_REVISIT] = {"revisit", R(ROLE_OPERATOR), WF_SCOPE_ANY, S(CASE_RESOLVED) | S(CASE_VERIFIED),
                     false},
    [ACT_REOPEN] = {"reopen", R(ROLE_SUPERVISOR) | R(ROLE_DISPATCHER), WF_SCOPE_ANY,
                    S(CASE_RESOLVED) | S(CASE_VERIFIED) | S(CASE_CLOSED), false},
    [ACT_CLOSE] = {"close", R(ROLE_OPERATOR) | R(ROLE_DISPATCHER) | R(ROLE_SUPERVISOR),
                   WF_SCOPE_ANY, S(CASE_RESOLVED) | S(CASE_VERIFIED), false},
    [ACT_ANSWER] = {"answer", R(ROLE_OPERATOR), WF_SCOPE_ANY, S(CASE_RECEIVED), false},
    [ACT_MERGE] = {"merge", R(ROLE_OPERATOR) | R(ROLE_DISPATCHER), WF_SCOPE_ANY,
                   S(CASE_RECEIVED) | S(CASE_DISPATCHED) | S(CASE_ACCEPTED) | S(CASE_RETURNED),
                   false},
    [ACT_INVALIDATE] = {"invalidate", R(ROLE_OPERATOR) | R(ROLE_DISPATCHER) | R(ROLE_SUPERVISOR),
                        WF_SCOPE_ANY, S(CASE_RECEIVED) | S(CASE_RETURNED), false},
    [ACT_PARK] = {"park", R(ROLE_SUPERVISOR), WF_SCOPE_LEAD,
                  S(CASE_DISPATCHED) | S(CASE_ACCEPTED) | S(CASE_RETURNED), false},
    [ACT_UNPARK] = {"unpark", R(ROLE_SUPERVISOR), WF_SCOPE_LEAD, S(CASE_PARKED), false},
    [ACT_EXTEND] = {"extend", R(ROLE_HANDLER), WF_SCOPE_LEAD, S(CASE_DISPATCHED) | S(CASE_ACCEPTED),
                    true},
    [ACT_APPROVE_EXTENSION] = {"approve_extension", R(ROLE_SUPERVISOR), WF_SCOPE_LEAD,
                               S(CASE_DISPATCHED) | S(CASE_ACCEPTED) | S(CASE_RETURNED), true},
    [ACT_REFUSE_EXTENSION] = {"refuse_extension", R(ROLE_SUPERVISOR), WF_SCOPE_LEAD,
                              S(CASE_DISPATCHED) | S(CASE_ACCEPTED) | S(CASE_RETURNED), true},
    [ACT_COMMENT] = {"comment", ALL_ROLES, WF_SCOPE_ANY, (1u << CASE_STATUS_COUNT) - 1, false},
    [ACT_WHISTLE] = {"whistle", WORKERS, WF_SCOPE_WHISTLE, S(CASE_DISPATCHED) | S(CASE_ACCEPTED),
                     true},
    [ACT_REPORT] = {"report", WORKERS, WF_SCOPE_PARTY, JOINT_STATES, true},
    [ACT_CO_REPLY] = {"co_reply", R(ROLE_HANDLER) | R(ROLE_SUPERVISOR), WF_SCOPE_PARTY,
                      JOINT_STATES, true},
    [ACT_RELEASE] = {"release", WORKERS, WF_SCOPE_WHISTLER, JOINT_STATES, true},
    [ACT_MARK_CLAIMABLE] = {"mark_claimable", R(ROLE_DISPATCHER), WF_SCOPE_ANY,
                            S(CASE_RECEIVED) | S(CASE_DISPATCHED) | S(CASE_ACCEPTED) |
                                S(CASE_RETURNED),
                            true},
    [ACT_CLAIM] = {"claim", R(ROLE_HANDLER) | R(ROLE_SUPERVISOR), WF_SCOPE_CLAIM,
                   S(CASE_RECEIVED) | S(CASE_DISPATCHED) | S(CASE_ACCEPTED), false},
    [ACT_UNCLAIM] = {"unclaim", R(ROLE_HANDLER) | R(ROLE_SUPERVISOR), WF_SCOPE_PARTY, JOINT_STATES,
                     true},
    [ACT_COMPLETE] = {"complete", R(ROLE_HANDLER) | R(ROLE_SUPERVISOR), WF_SCOPE_PARTY,
                      S(CASE_ACCEPTED), false},
};

const char *wf_action_name(enum case_action a)
{
    return (unsigned)a < ACT_COUNT ? rules[a].name : "unknown";
}

int wf_action_parse(const char *s)
{
    for (int i = 0; i < ACT_COUNT; i++)
        if (strcmp(s, rules[i].name) == 0)
            return i;
    return -1;
}

unsigned wf_roles(enum case_action a)
{
    return rules[a].roles;
}

enum wf_scope wf_scope(enum case_action a)
{
    return rules[a].scope;
}

unsigned wf_allowed(const struct case_rec *c)
{
    unsigned mask = 0;

    for (int a = 0; a < ACT_COUNT; a++)
        if (rules[a].states & S(c->status))
            mask |= 1u << a;
    if (c->extension != EXT_NONE)
        mask &= ~(1u << ACT_EXTEND);
    if (c->extension != EXT_REQUESTED)
        mask &= ~((1u << ACT_APPROVE_EXTENSION) | (1u << ACT_REFUSE_EXTENSION));
    for (int a = ACT_WHISTLE; a < ACT_COUNT; a++)
        if ((mask & (1u << a)) && !joint_case_allows(c, a))
            mask &= ~(1u << a);
    if (joint_pending_units(c, NULL, 0))
        mask &= ~HELD_BY_PENDING;
    return mask;
}

int wf_refuse(const struct case_rec *c, enum case_action a, struct gz_err *err)
{
    int64_t ids[JOINT_MAX_PARTIES];
    size_t n = joint_pending_units(c, ids, JOINT_MAX_PARTIES);
    char list[JOINT_MAX_PARTIES * 21 + 1] = "";
    size_t len = 0;

    if ((unsigned)a >= ACT_COUNT)
        return gz_fail(err, GZ_EINVAL, "action", "unknown action");
    if (!n || !(HELD_BY_PENDING & (1u << a)) || !(rules[a].states & S(c->status)))
        return gz_fail(err, GZ_ECONFLICT, "action", "%s is not allowed while the case is %s",
                       rules[a].name, case_status_name(c->status));
    for (size_t i = 0; i < n && len < sizeof(list) - 22; i++)
        len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%lld", i ? ", " : "",
                                (long long)ids[i]);
    return gz_fail(err, GZ_ECONFLICT, "action",
                   "%s must wait: whistled unit%s %s %s neither replied nor been released",
                   rules[a].name, n > 1 ? "s" : "", list, n > 1 ? "have" : "has");
}

/* ---- inputs ---- */

static int need_text(const char *field, const char *s, struct gz_err *err)
{
    if (!s || strspn(s, " \t\r\n") == strlen(s))
        return gz_fail(err, GZ_EINVAL, field, "%s is required", field);
    if (!text_utf8_valid(s, strlen(s)))
        return gz_fail(err, GZ_EINVAL, field, "%s is not valid UTF-8", field);
    if (text_utf8_len(s) > WF_TEXT_MAX)
        return gz_fail(err, GZ_EINVAL, field, "%s is longer than %d characters", field,
                       WF_TEXT_MAX);
    return 0;
}

static int opt_text(const char *field, const char *s, struct gz_err *err)
{
    return s && *s ? need_text(field, s, err) : 0;
}

int wf_need_text(const char *field, const char *s, struct gz_err *err)
{
    return need_text(field, s, err);
}

/* ---- events ---- */

static void event_fill(struct event *ev, const struct wf_input *in, const char *kind, json_t *body,
                       bool internal)
{
    snprintf(ev->kind, sizeof(ev->kind), "%s", kind);
    ev->actor_account_id = in->actor_account_id;
    ev->actor_unit_id = in->actor_unit_id;
    ev->at = in->now;
    ev->internal = internal;
    if (in->note && *in->note)
        json_object_set_new(body, "note", json_string(in->note));
    if (in->decided_by)
        json_object_set(body, "decided_by", (json_t *)in->decided_by);
    audit_set_body(ev, body);
}

static json_t *units_json(const struct case_rec *c)
{
    json_t *co = json_array();

    for (size_t i = 0; i < c->n_co; i++)
        json_array_append_new(co, json_integer(c->co_units[i]));
    return json_pack("{s:I, s:o}", "lead_unit_id", (json_int_t)c->lead_unit_id, "co_unit_ids", co);
}

static json_t *deadlines_json(const struct case_rec *c, json_t *o)
{
    json_object_set_new(o, "respond_by", json_integer(c->respond_by));
    json_object_set_new(o, "resolve_by", json_integer(c->resolve_by));
    return o;
}

/* ---- actions ---- */

static int do_dispatch(struct case_rec *c, const struct wf_input *in, json_t **body,
                       struct gz_err *err)
{
    if (!in->unit_id)
        return gz_fail(err, GZ_EINVAL, "unit", "unit (the lead unit) is required");
    if (!in->limits || !in->cal)
        return gz_fail(err, GZ_EINVAL, "category", "the case needs a category before dispatch");
    for (size_t i = 0; i < in->n_co; i++)
        if (in->co_units[i] == in->unit_id)
            return gz_fail(err, GZ_EINVAL, "co_units", "the lead unit cannot also be a co-unit");
    if (in->action == ACT_REDISPATCH && in->unit_id == c->lead_unit_id &&
        c->status != CASE_RETURNED)
        return gz_fail(err, GZ_EINVAL, "unit", "the case is already with this unit");
    for (size_t i = 0; i < in->n_co; i++)
        for (size_t k = 0; k < i; k++)
            if (in->co_units[i] == in->co_units[k])
                return gz_fail(err, GZ_EINVAL, "co_units", "a co-unit is named twice");
    if (in->unit_id != c->lead_unit_id) {
        c->extension = EXT_NONE;
        c->extension_limit.amount = 0;
    }
    if (in->category[0] && strcmp(in->category, c->category) != 0) {
        snprintf(c->category, sizeof(c->category), "%s", in->category);
        c->category_by_operator = true;
    }
    c->lead_unit_id = in->unit_id;
    c->n_co = in->n_co;
    memcpy(c->co_units, in->co_units, sizeof(c->co_units));
    c->units_changed = true;
    c->status = CASE_DISPATCHED;
    c->accepted_at = 0;
    sla_start(c, in->limits, in->cal, in->now);
    *body = deadlines_json(c, units_json(c));
    json_object_set_new(*body, "category", json_string(c->category));
    return 0;
}

static int do_accept(struct case_rec *c, const struct wf_input *in, json_t **body,
                     struct gz_err *err)
{
    (void)err;
    c->status = CASE_ACCEPTED;
    c->accepted_at = in->now;
    *body = json_pack("{s:b}", "on_time", !c->respond_by || in->now <= c->respond_by);
    return 0;
}

static int do_return(struct case_rec *c, const struct wf_input *in, json_t **body,
                     struct gz_err *err)
{
    int rc = need_text("reason", in->reason, err);

    if (rc)
        return rc;
    c->status = CASE_RETURNED;
    *body = json_pack("{s:s, s:I}", "reason", in->reason, "unit_id", (json_int_t)c->lead_unit_id);
    return 0;
}

static int do_reply(struct case_rec *c, const struct wf_input *in, json_t **body,
                    struct gz_err *err)
{
    int rc = need_text("text", in->text, err);

    if (!rc)
        rc = opt_text("note", in->note, err);
    if (rc)
        return rc;
    free(c->reply);
    c->reply = strdup(in->text);
    c->status = CASE_RESOLVED;
    c->resolved_at = in->now;
    *body = json_pack("{s:s, s:b}", "text", in->text, "on_time",
                      !c->resolve_by || in->now <= c->resolve_by);
    if (in->photos)
        json_object_set(*body, "photos", (json_t *)in->photos);
    return 0;
}

/* Back to the unit: a failed verification, an unsolved or unsatisfied rating, a reopen. */
static void rework(struct case_rec *c)
{
    c->status = CASE_ACCEPTED;
    c->rework_count++;
    c->resolved_at = c->verified_at = c->closed_at = 0;
}

static int do_verify(struct case_rec *c, const struct wf_input *in, json_t **body,
                     struct gz_err *err)
{
    int rc = opt_text("note", in->note, err);

    if (rc)
        return rc;
    if (in->pass) {
        c->status = CASE_VERIFIED;
        c->verified_at = in->now;
    } else {
        rework(c);
    }
    *body = json_pack("{s:b}", "pass", in->pass);
    if (in->photos)
        json_object_set(*body, "photos", (json_t *)in->photos);
    return 0;
}

static int do_revisit(struct case_rec *c, const struct wf_input *in, json_t **body,
                      struct gz_err *err)
{
    bool again;

    if (in->contacted < 0)
        return gz_fail(err, GZ_EINVAL, "contacted", "contacted (true or false) is required");
    if (in->solved < 0)
        return gz_fail(err, GZ_EINVAL, "solved", "solved (true or false) is required");
    if (in->satisfaction == SAT_NONE)
        return gz_fail(err, GZ_EINVAL, "satisfaction",
                       "satisfaction must be satisfied, basic or unsatisfied");
    c->contacted = in->contacted;
    c->solved = in->solved;
    c->satisfaction = in->satisfaction;
    again = !in->solved || in->satisfaction == SAT_UNSATISFIED;
    if (again)
        rework(c);
    *body = json_pack("{s:b, s:b, s:s, s:b}", "contacted", in->contacted, "solved", in->solved,
                      "satisfaction", satisfaction_name(in->satisfaction), "rework", again);
    return 0;
}

static int do_reopen(struct case_rec *c, const struct wf_input *in, json_t **body,
                     struct gz_err *err)
{
    int rc = need_text("reason", in->reason, err);

    if (rc)
        return rc;
    rework(c);
    *body = json_pack("{s:s}", "reason", in->reason);
    return 0;
}

static int do_close(struct case_rec *c, const struct wf_input *in, json_t **body,
                    struct gz_err *err)
{
    (void)err;
    c->status = CASE_CLOSED;
    c->closed_at = in->now;
    *body = json_pack("{s:b}", "rated", c->satisfaction != SAT_NONE);
    return 0;
}

static int do_answer(struct case_rec *c, const struct wf_input *in, json_t **body,
                     struct gz_err *err)
{
    int rc = need_text("text", in->text, err);

    if (rc)
        return rc;
    free(c->reply);
    c->reply = strdup(in->text);
    c->status = CASE_CLOSED;
    c->resolved_at = c->closed_at = in->now;
    *body = json_pack("{s:s}", "text", in->text);
    if (in->kb_cite)
        json_object_set_new(*body, "kb_entry", json_deep_copy(in->kb_cite));
    return 0;
}

static int do_invalidate(struct case_rec *c, const struct wf_input *in, json_t **body,
                         struct gz_err *err)
{
    int rc = need_text("reason", in->reason, err);

    if (rc)
        return rc;
    c->status = CASE_INVALID;
    c->closed_at = in->now;
    *body = json_pack("{s:s}", "reason", in->reason);
    return 0;
}

static int do_park(struct case_rec *c, const struct wf_input *in, json_t **body, struct gz_err *err)
{
    int rc = need_text("reason", in->reason, err);

    if (rc)
        return rc;
    c->parked_from = c->status;
    c->status = CASE_PARKED;
    c->parked_at = in->now;
    *body = json_pack("{s:s, s:s}", "reason", in->reason, "from", case_status_name(c->parked_from));
    return 0;
}

static int do_unpark(struct case_rec *c, const struct wf_input *in, json_t **body,
                     struct gz_err *err)
{
    int64_t held = in->now > c->parked_at ? in->now - c->parked_at : 0;

    (void)err;
    /* the clock stood still while parked: every deadline moves by the time held */
    sla_shift(c, held);
    c->status = c->parked_from;
    c->parked_at = 0;
    *body = json_pack("{s:s}", "to", case_status_name(c->status));
    return 0;
}

static int do_extend(struct case_rec *c, const struct wf_input *in, json_t **body,
                     struct gz_err *err)
{
    char limit[32];
    int rc = need_text("reason", in->reason, err);

    if (rc)
        return rc;
    if (in->extension.amount <= 0)
        return gz_fail(err, GZ_EINVAL, "extension", "extension (e.g. \"5 workdays\") is required");
    c->extension = EXT_REQUESTED;
    c->extension_limit = in->extension;
    tlimit_format(&in->extension, limit, sizeof(limit));
    *body = json_pack("{s:s, s:s}", "reason", in->reason, "extension", limit);
    return 0;
}

static int do_decide_extension(struct case_rec *c, const struct wf_input *in, json_t **body,
                               struct gz_err *err)
{
    bool approve = in->action == ACT_APPROVE_EXTENSION;
    int rc = approve ? opt_text("reason", in->reason, err) : need_text("reason", in->reason, err);

    if (rc)
        return rc;
    if (approve && !in->cal)
        return gz_fail(err, GZ_EIO, "", "no calendar");
    c->extension = approve ? EXT_APPROVED : EXT_REFUSED;
    if (approve && c->resolve_by)
        sla_extend(c, &c->extension_limit, in->cal);
    *body = deadlines_json(c, json_object());
    if (in->reason && *in->reason)
        json_object_set_new(*body, "reason", json_string(in->reason));
    return 0;
}

static int do_comment(struct case_rec *c, const struct wf_input *in, json_t **body,
                      struct gz_err *err)
{
    int rc = need_text("text", in->text, err);

    (void)c;
    if (rc)
        return rc;
    *body = json_pack("{s:s}", "text", in->text);
    return 0;
}

static int do_merge(struct case_rec *c, struct case_rec *parent, const struct wf_input *in,
                    json_t **body, struct event *pev, struct gz_err *err)
{
    if (!parent)
        return gz_fail(err, GZ_EINVAL, "into", "into (the parent case number) is required");
    if (parent->id == c->id)
        return gz_fail(err, GZ_EINVAL, "into", "a case cannot be merged into itself");
    if (!case_is_open(parent->status) || parent->status == CASE_PARKED)
        return gz_fail(err, GZ_EINVAL, "into", "case %s is %s: merge into an open case",
                       parent->number, case_status_name(parent->status));
    c->status = CASE_MERGED;
    c->parent_id = parent->id;
    c->closed_at = in->now;
    parent->metoo += 1 + c->metoo;
    *body = json_pack("{s:s}", "into", parent->number);
    event_fill(pev, in, "metoo",
               json_pack("{s:s, s:i}", "merged", c->number, "metoo", parent->metoo), false);
    return 0;
}

typedef int (*action_fn)(struct case_rec *, const struct wf_input *, json_t **, struct gz_err *);

static const action_fn actions[ACT_COUNT] = {
    [ACT_DISPATCH] = do_dispatch,
    [ACT_REDISPATCH] = do_dispatch,
    [ACT_ACCEPT] = do_accept,
    [ACT_RETURN] = do_return,
    [ACT_REPLY] = do_reply,
    [ACT_VERIFY] = do_verify,
    [ACT_REVISIT] = do_revisit,
    [ACT_REOPEN] = do_reopen,
    [ACT_CLOSE] = do_close,
    [ACT_ANSWER] = do_answer,
    [ACT_INVALIDATE] = do_invalidate,
    [ACT_PARK] = do_park,
    [ACT_UNPARK] = do_unpark,
    [ACT_EXTEND] = do_extend,
    [ACT_APPROVE_EXTENSION] = do_decide_extension,
    [ACT_REFUSE_EXTENSION] = do_decide_extension,
    [ACT_COMMENT] = do_comment,
    [ACT_WHISTLE] = joint_whistle,
    [ACT_REPORT] = joint_report,
    [ACT_CO_REPLY] = joint_co_reply,
    [ACT_RELEASE] = joint_release,
    [ACT_MARK_CLAIMABLE] = joint_mark_claimable,
    [ACT_CLAIM] = joint_claim,
    [ACT_UNCLAIM] = joint_unclaim,
    [ACT_COMPLETE] = joint_complete,
};

int wf_apply(struct case_rec *c, struct case_rec *other, const struct wf_input *in,
             struct event *ev, struct event *other_ev, struct gz_err *err)
{
    json_t *body = NULL;
    bool internal;
    int rc;

    if ((unsigned)in->action >= ACT_COUNT)
        return gz_fail(err, GZ_EINVAL, "action", "unknown action");
    if (!(wf_allowed(c) & (1u << in->action)))
        return wf_refuse(c, in->action, err);
    rc = opt_text("note", in->note, err);
    if (!rc)
        rc = in->action == ACT_MERGE ? do_merge(c, other, in, &body, other_ev, err)
                                     : actions[in->action](c, in, &body, err);
    if (rc) {
        json_decref(body);
        return rc;
    }
    internal = rules[in->action].internal || (in->action == ACT_COMMENT && in->internal);
    event_fill(ev, in, rules[in->action].name, body, internal);
    return 0;
}
