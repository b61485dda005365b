/*
 * joint.c - the parties of a case and the actions between them (see joint.h).
 *
 * Invariants: a unit is party to a case once (one case_units row); only the
 * actions here change a whistled unit's or a claimant's row, and each marks
 * what it changed; one claimant at a time works on a case.
 */
#include "gz.h"

#include <math.h>

#include "core/joint.h"
#include "core/sla.h"
#include "core/workflow.h"
#include "util/text.h"

static const char *const role_names[PARTY_ROLE_COUNT] = {"lead", "co", "whistled", "claimant"};
static const char *const state_names[PS_COUNT] = {"asked",   "reported",  "replied", "released",
                                                  "claimed", "unclaimed", "done"};

static int parse_name(const char *s, const char *const *names, int n)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

const char *party_role_name(enum party_role r)
{
    return (unsigned)r < PARTY_ROLE_COUNT ? role_names[r] : "unknown";
}

int party_role_parse(const char *s)
{
    return parse_name(s, role_names, PARTY_ROLE_COUNT);
}

const char *party_state_name(enum party_state s)
{
    return (unsigned)s < PS_COUNT ? state_names[s] : "unknown";
}

int party_state_parse(const char *s)
{
    return parse_name(s, state_names, PS_COUNT);
}

void joint_parties_free(struct case_party *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++)
        free(p[i].reply);
    free(p);
}

struct case_party *joint_party(const struct case_rec *c, int64_t unit_id)
{
    for (size_t i = 0; i < c->n_parties; i++)
        if (c->parties[i].unit_id == unit_id)
            return &c->parties[i];
    return NULL;
}

bool joint_claimable(const struct case_rec *c)
{
    return c->claimable < 0 ? c->category_claimable : c->claimable == 1;
}

bool joint_pending(const struct case_party *p)
{
    return p->role == PARTY_WHISTLED && (p->state == PS_ASKED || p->state == PS_REPORTED);
}

size_t joint_pending_units(const struct case_rec *c, int64_t *ids, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < c->n_parties; i++)
        if (joint_pending(&c->parties[i])) {
            if (n < max)
                ids[n] = c->parties[i].unit_id;
            n++;
        }
    return n;
}

struct case_party *joint_claimant(const struct case_rec *c)
{
    for (size_t i = 0; i < c->n_parties; i++)
        if (c->parties[i].role == PARTY_CLAIMANT && c->parties[i].state == PS_CLAIMED)
            return &c->parties[i];
    return NULL;
}

bool joint_party_allows(const struct case_rec *c, int action, int64_t unit_id)
{
    const struct case_party *p = joint_party(c, unit_id);

    if (!p)
        return false;
    switch (action) {
    case ACT_REPORT: return p->role == PARTY_WHISTLED && p->state == PS_ASKED;
    case ACT_CO_REPLY: return p->role == PARTY_WHISTLED && p->state == PS_REPORTED;
    case ACT_RELEASE: return joint_pending(p);
    case ACT_UNCLAIM:
    case ACT_COMPLETE: return p->role == PARTY_CLAIMANT && p->state == PS_CLAIMED;
    default: return false;
    }
}

bool joint_case_allows(const struct case_rec *c, int action)
{
    switch (action) {
    case ACT_WHISTLE: return c->n_parties < JOINT_MAX_PARTIES;
    case ACT_MARK_CLAIMABLE: return c->category[0] != '\0';
    case ACT_CLAIM:
        return c->category[0] && joint_claimable(c) && !joint_claimant(c) &&
               c->n_parties < JOINT_MAX_PARTIES;
    default: break;
    }
    for (size_t i = 0; i < c->n_parties; i++)
        if (joint_party_allows(c, action, c->parties[i].unit_id))
            return true;
    return false;
}

bool joint_outside_kind(enum unit_kind k)
{
    return k == UNIT_PARTY || k == UNIT_MASS_ORG || k == UNIT_ENTERPRISE || k == UNIT_SOCIAL_ORG ||
           k == UNIT_VOLUNTEER_TEAM;
}

bool joint_whistle_kind(enum unit_kind k)
{
    return k == UNIT_STREET || k == UNIT_COMMUNITY;
}

bool joint_claim_matches(const struct case_rec *c, const struct claim_profile *p)
{
    bool cap = false, area = p->everywhere;

    for (size_t i = 0; !cap && i < p->n_prefixes; i++)
        cap = strncmp(c->category, p->prefixes[i], strlen(p->prefixes[i])) == 0;
    for (size_t i = 0; !area && i < p->n_areas; i++)
        for (int level = 1; level <= 4; level++)
            area = area || (c->area[level] && c->area[level] == p->areas[i]);
    return c->category[0] && cap && area;
}

int64_t joint_claim_lead(const struct case_rec *c)
{
    if (c->lead_unit_id)
        return c->lead_unit_id;
    for (int level = 3; level >= 1; level--)
        if (c->area[level])
            return c->area[level];
    return 0;
}

/* ---- changes ---- */

/* A new party at the end of the array (the caller checked there is room). */
static struct case_party *party_add(struct case_rec *c, int64_t unit_id, enum party_role role,
                                    enum party_state state, int64_t now, struct gz_err *err)
{
    struct case_party *p, *grown;

    if (c->n_parties >= JOINT_MAX_PARTIES) {
        gz_fail(err, GZ_ECONFLICT, "units", "a case has at most %d units", JOINT_MAX_PARTIES);
        return NULL;
    }
    grown = realloc(c->parties, (c->n_parties + 1) * sizeof(*grown));
    if (!grown) {
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        return NULL;
    }
    c->parties = grown;
    p = &c->parties[c->n_parties++];
    memset(p, 0, sizeof(*p));
    p->unit_id = unit_id;
    p->role = role;
    p->state = state;
    p->asked_at = now;
    p->changed = true;
    c->joint_changed = true;
    return p;
}

static json_t *ids_json(const int64_t *ids, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer(ids[i]));
    return a;
}

static int whistle_check(const struct case_rec *c, const struct wf_input *in, int64_t by,
                         struct gz_err *err)
{
    if (!in->n_units)
        return gz_fail(err, GZ_EINVAL, "units", "units (the units to summon) are required");
    if (c->n_parties + in->n_units > JOINT_MAX_PARTIES)
        return gz_fail(err, GZ_EINVAL, "units", "a case has at most %d units", JOINT_MAX_PARTIES);
    if (by <= in->now || by > in->now + JOINT_MAX_WINDOW)
        return gz_fail(err, GZ_EINVAL, "report_by",
                       "report_by must be after now and within 7 days");
    for (size_t i = 0; i < in->n_units; i++) {
        if (in->units[i] == in->actor_unit_id)
            return gz_fail(err, GZ_EINVAL, "units", "a unit cannot summon itself");
        if (joint_party(c, in->units[i]) || in->units[i] == c->lead_unit_id)
            return gz_fail(err, GZ_EINVAL, "units", "unit %lld is already party to the case",
                           (long long)in->units[i]);
        for (size_t k = 0; k < i; k++)
            if (in->units[k] == in->units[i])
                return gz_fail(err, GZ_EINVAL, "units", "a unit is named twice");
    }
    return 0;
}

int joint_whistle(struct case_rec *c, const struct wf_input *in, json_t **body, struct gz_err *err)
{
    int64_t by = in->report_by ? in->report_by : in->now + in->report_window;
    int rc = whistle_check(c, in, by, err);

    if (!rc && in->reason && *in->reason)
        rc = wf_need_text("reason", in->reason, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < in->n_units; i++) {
        struct case_party *p = party_add(c, in->units[i], PARTY_WHISTLED, PS_ASKED, in->now, err);
        if (!p)
            return err->code;
        p->report_by = by;
        p->by_unit_id = in->actor_unit_id;
    }
    *body = json_pack("{s:o, s:I, s:I}", "units", ids_json(in->units, in->n_units), "report_by",
                      (json_int_t)by, "by_unit_id", (json_int_t)in->actor_unit_id);
    if (in->reason && *in->reason)
        json_object_set_new(*body, "reason", json_string(in->reason));
    return 0;
}

/* The party the action names, in the state it needs (GZ_ECONFLICT otherwise). */
static struct case_party *acting_party(struct case_rec *c, const struct wf_input *in,
                                       struct gz_err *err)
{
    struct case_party *p = joint_party(c, in->unit_id);

    if (!p) {
        gz_fail(err, GZ_EINVAL, "unit", "unit %lld is not party to the case",
                (long long)in->unit_id);
        return NULL;
    }
    if (!joint_party_allows(c, in->action, in->unit_id)) {
        gz_fail(err, GZ_ECONFLICT, "action", "%s is not allowed: unit %lld is %s %s",
                wf_action_name(in->action), (long long)p->unit_id, party_role_name(p->role),
                party_state_name(p->state));
        return NULL;
    }
    p->changed = true;
    c->joint_changed = true;
    return p;
}

int joint_report(struct case_rec *c, const struct wf_input *in, json_t **body, struct gz_err *err)
{
    struct case_party *p;
    int rc = wf_need_text("person", in->person, err);

    if (rc)
        return rc;
    if (strlen(in->person) >= GZ_MAX_NAME)
        return gz_fail(err, GZ_EINVAL, "person", "person is longer than %d bytes", GZ_MAX_NAME - 1);
    if (!(p = acting_party(c, in, err)))
        return err->code;
    p->state = PS_REPORTED;
    p->reported_at = in->now;
    p->account_id = in->actor_account_id;
    text_copy(p->person, sizeof(p->person), in->person);
    *body =
        json_pack("{s:I, s:s, s:b, s:I}", "unit_id", (json_int_t)p->unit_id, "person", in->person,
                  "on_time", in->now <= p->report_by, "report_by", (json_int_t)p->report_by);
    return 0;
}

int joint_co_reply(struct case_rec *c, const struct wf_input *in, json_t **body, struct gz_err *err)
{
    struct case_party *p;
    int rc = wf_need_text("text", in->text, err);

    if (rc)
        return rc;
    if (!(p = acting_party(c, in, err)))
        return err->code;
    p->state = PS_REPLIED;
    p->replied_at = in->now;
    free(p->reply);
    p->reply = strdup(in->text);
    if (!p->reply)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    *body = json_pack("{s:I, s:s}", "unit_id", (json_int_t)p->unit_id, "text", in->text);
    return 0;
}

int joint_release(struct case_rec *c, const struct wf_input *in, json_t **body, struct gz_err *err)
{
    struct case_party *p;
    int rc = in->reason && *in->reason ? wf_need_text("reason", in->reason, err) : 0;

    if (rc)
        return rc;
    if (!in->unit_id)
        return gz_fail(err, GZ_EINVAL, "unit", "unit (the whistled unit to release) is required");
    if (!(p = acting_party(c, in, err)))
        return err->code;
    p->state = PS_RELEASED;
    p->released_at = in->now;
    *body =
        json_pack("{s:I, s:b}", "unit_id", (json_int_t)p->unit_id, "reported", p->reported_at != 0);
    if (in->reason && *in->reason)
        json_object_set_new(*body, "reason", json_string(in->reason));
    return 0;
}

int joint_mark_claimable(struct case_rec *c, const struct wf_input *in, json_t **body,
                         struct gz_err *err)
{
    (void)err;
    c->claimable = in->claimable ? 1 : 0;
    c->joint_changed = true;
    *body = json_pack("{s:b}", "claimable", c->claimable == 1);
    return 0;
}

/*
 * A claim of a case nobody handles yet is its response: the case's own
 * territory (community, else street, district) answers for it as lead and
 * the clock starts as at dispatch; a dispatched case counts as accepted.
 */
static int claim_takes_over(struct case_rec *c, const struct wf_input *in, struct gz_err *err)
{
    if (c->status == CASE_RECEIVED) {
        int64_t lead = joint_claim_lead(c);
        if (!lead)
            return gz_fail(err, GZ_ECONFLICT, "action",
                           "the case has no place: a dispatcher must dispatch it first");
        if (!in->limits || !in->cal)
            return gz_fail(err, GZ_EINVAL, "category", "the case needs a category to be claimed");
        c->lead_unit_id = lead;
        c->units_changed = true;
        sla_start(c, in->limits, in->cal, in->now);
    }
    if (c->status == CASE_RECEIVED || c->status == CASE_DISPATCHED) {
        c->status = CASE_ACCEPTED;
        c->accepted_at = in->now;
    }
    return 0;
}

int joint_claim(struct case_rec *c, const struct wf_input *in, json_t **body, struct gz_err *err)
{
    struct case_party *p;
    bool had = false;
    int rc;

    if (!in->unit_id)
        return gz_fail(err, GZ_EINVAL, "unit", "unit (the claiming unit) is required");
    p = joint_party(c, in->unit_id);
    if (p && p->role != PARTY_CLAIMANT)
        return gz_fail(err, GZ_EINVAL, "unit", "unit %lld is already %s on the case",
                       (long long)in->unit_id, party_role_name(p->role));
    if (in->unit_id == c->lead_unit_id)
        return gz_fail(err, GZ_EINVAL, "unit", "the lead unit cannot claim its own case");
    rc = claim_takes_over(c, in, err);
    if (rc)
        return rc;
    had = p != NULL;
    if (!p && !(p = party_add(c, in->unit_id, PARTY_CLAIMANT, PS_CLAIMED, in->now, err)))
        return err->code;
    /* a unit that gave the case back may take it again: its claim starts anew */
    p->state = PS_CLAIMED;
    p->asked_at = in->now;
    p->account_id = in->actor_account_id;
    p->done_at = p->done_by = 0;
    p->changed = c->joint_changed = true;
    *body =
        json_pack("{s:I, s:I, s:s, s:b}", "unit_id", (json_int_t)p->unit_id, "lead_unit_id",
                  (json_int_t)c->lead_unit_id, "status", case_status_name(c->status), "again", had);
    return 0;
}

int joint_unclaim(struct case_rec *c, const struct wf_input *in, json_t **body, struct gz_err *err)
{
    struct case_party *p;
    int rc = in->reason && *in->reason ? wf_need_text("reason", in->reason, err) : 0;

    if (rc)
        return rc;
    if (!(p = acting_party(c, in, err)))
        return err->code;
    p->state = PS_UNCLAIMED;
    *body = json_pack("{s:I}", "unit_id", (json_int_t)p->unit_id);
    if (in->reason && *in->reason)
        json_object_set_new(*body, "reason", json_string(in->reason));
    return 0;
}

/* The claimant's work resolves the case, for verification like a reply. */
int joint_complete(struct case_rec *c, const struct wf_input *in, json_t **body, struct gz_err *err)
{
    struct case_party *p;
    int rc = wf_need_text("text", in->text, err);

    if (rc)
        return rc;
    if (in->hours > JOINT_MAX_HOURS || isnan(in->hours))
        return gz_fail(err, GZ_EINVAL, "hours", "hours must be from 0 to %g", JOINT_MAX_HOURS);
    if (!(p = acting_party(c, in, err)))
        return err->code;
    p->state = PS_DONE;
    p->done_at = in->now;
    p->done_by = in->actor_account_id;
    p->hours = in->hours > 0 ? in->hours : 0;
    free(p->reply);
    free(c->reply);
    p->reply = strdup(in->text);
    c->reply = strdup(in->text);
    if (!p->reply || !c->reply)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    c->status = CASE_RESOLVED;
    c->resolved_at = in->now;
    *body = json_pack("{s:I, s:s, s:f, s:b}", "unit_id", (json_int_t)p->unit_id, "text", in->text,
                      "hours", p->hours, "on_time", !c->resolve_by || in->now <= c->resolve_by);
    if (in->photos)
        json_object_set(*body, "photos", (json_t *)in->photos);
    return 0;
}

struct case_party *joint_late_report(const struct case_rec *c, int64_t now)
{
    if (!case_is_open(c->status))
        return NULL;
    for (size_t i = 0; i < c->n_parties; i++) {
        struct case_party *p = &c->parties[i];
        if (p->role == PARTY_WHISTLED && p->state == PS_ASKED && !p->escalated && p->report_by &&
            p->report_by < now)
            return p;
    }
    return NULL;
}
