/*
 * intake.c - the intake pipeline (see intake.h). Everything it decides goes
 * into the created event, so the timeline says why a case went where it
 * went; an automatic dispatch is a second event in the same transaction,
 * by the platform (actor 0), naming the rule and the category's source.
 */
#include "gz.h"

#include <time.h>

#include "core/classify.h"
#include "core/dedup.h"
#include "core/workflow.h"
#include "store/store.h"
#include "svc/intake.h"
#include "svc/places.h"
#include "svc/rulebook.h"
#include "util/log.h"
#include "util/timeutil.h"

#define DUP_MAX 5

int intake_limits(struct store *s, const char *code, struct sla_limits *l, struct gz_err *err)
{
    char cur[CATEGORY_CODE_MAX + 1];
    struct category cat;
    struct sla_limits d;

    memset(l, 0, sizeof(*l));
    snprintf(cur, sizeof(cur), "%s", code);
    if (store_category_get(s, cur, &cat, err))
        return gz_fail(err, GZ_EINVAL, "category", "unknown category %s", code);
    /* the leaf's limits first, then each ancestor's for what is still unset */
    for (;;) {
        sla_inherit(l, &cat);
        category_release(&cat);
        cur[strlen(cur) >= 2 ? strlen(cur) - 2 : 0] = '\0';
        if (!cur[0] || store_category_get(s, cur, &cat, err))
            break;
    }
    sla_defaults(&d);
    sla_inherit(l,
                &(struct category){.respond = d.respond, .resolve = d.resolve, .urgent = d.urgent});
    return 0;
}

/* Step 1: the unit of each level containing the point; returns the deepest (0: none). */
static int64_t locate(const struct intake_deps *d, struct case_rec *c)
{
    int64_t ids[GEO_LEVELS], deepest = 0;

    if (c->lat == CASE_NO_COORD || !d->places)
        return 0;
    c->located = places_locate(d->places, c->lat, c->lon, ids) > 0;
    for (int level = 1; level < GEO_LEVELS; level++) {
        c->area[level] = ids[level];
        if (ids[level])
            deepest = ids[level];
    }
    return deepest ? deepest : ids[0];
}

/* Step 2: the classifier's top three, unless an operator chose the category. */
static json_t *suggest(const struct intake_deps *d, const struct case_rec *c, struct clf_guess *top)
{
    struct clf_guess g[3];
    size_t n = 0;
    json_t *out;
    char *doc;
    int rc;

    top->label[0] = '\0';
    top->p = 0;
    if (!d->clf || c->category[0] || !(doc = clf_document(c->text, c->address)))
        return NULL;
    rc = clf_predict(d->clf, doc, g, 3, &n);
    free(doc);
    if (rc || !n)
        return NULL;
    *top = g[0];
    out = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, json_pack("{s:s, s:f}", "category", g[i].label, "p", g[i].p));
    return out;
}

/*
 * Step 3: open cases nearby, recent and alike. The reporter can then say
 * "me too" or an operator merges; nothing is merged automatically.
 */
static json_t *duplicates(const struct intake_deps *d, const struct case_rec *c)
{
    struct dedup_hit hits[DUP_MAX];
    size_t n;
    json_t *out;

    if (!d->dedup || c->lat == CASE_NO_COORD)
        return NULL;
    n = dedup_find(d->dedup, c->lat, c->lon, c->created_at, c->category, c->text, hits, DUP_MAX);
    if (!n)
        return NULL;
    out = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, json_pack("{s:s, s:f, s:f, s:I, s:f, s:b}", "number",
                                             hits[i].label, "score", hits[i].score, "distance_m",
                                             hits[i].distance_m, "age_s", (json_int_t)hits[i].age_s,
                                             "text_similarity", hits[i].text_sim, "likely",
                                             hits[i].score >= DEDUP_THRESHOLD));
    return out;
}

/* What steps 4 and 5 decided, for the event and the answer. */
struct plan {
    struct route_decision route;
    struct route_rule rule;
    const char *category_source; /* "operator", "classifier" or NULL (uncertain) */
    double p;                    /* the classifier's probability */
    bool dispatch;
    const char *held; /* why not dispatched automatically, or NULL */
    struct sla_limits limits;
    const struct calendar *cal;
    json_t *decided_by;
};

/*
 * Is the category certain enough to act on? The operator's always is; the
 * classifier's first guess when its probability reaches the threshold and it
 * names a category that exists.
 */
static void settle_category(const struct intake_deps *d, struct case_rec *c,
                            const struct clf_guess *top, struct plan *pl)
{
    struct category cat;
    struct gz_err err;

    if (c->category[0]) {
        pl->category_source = "operator";
        return;
    }
    if (!top->label[0] || top->p < d->auto_threshold ||
        store_category_get(d->store, top->label, &cat, &err))
        return;
    if (cat.active) {
        snprintf(c->category, sizeof(c->category), "%s", top->label);
        c->category_by_operator = false;
        pl->category_source = "classifier";
        pl->p = top->p;
    }
    category_release(&cat);
}

/*
 * Would an operator rather answer it? A category with a knowledge-base
 * answer is answered: its own kb_answer, or an answer entry in force for it
 * or for a category above it.
 */
static bool answerable(struct store *s, const char *code, int64_t now)
{
    struct category cat;
    struct kb_entry e;
    struct gz_err err;
    bool kb;

    kb_entry_init(&e);
    if (store_category_get(s, code, &cat, &err))
        return false;
    kb = cat.kb_answer && *cat.kb_answer;
    category_release(&cat);
    if (!kb && store_kb_answer_for(s, code, now, &e, &err) == 0)
        kb = true;
    kb_entry_release(&e);
    return kb;
}

static int add_kb(void *ctx, const struct kb_entry *e)
{
    json_array_append_new(ctx, json_pack("{s:I, s:s, s:o, s:s, s:s, s:i}", "id", (json_int_t)e->id,
                                         "kind", kb_kind_name(e->kind), "category",
                                         e->category[0] ? json_string(e->category) : json_null(),
                                         "title", e->title, "title_en", e->title_en, "version",
                                         e->version));
    return 0;
}

/* Entries the operator may answer with: by the case's category, then by its text. */
static json_t *kb_suggestions(const struct intake_deps *d, const struct case_rec *c)
{
    json_t *out;
    struct gz_err err = {0};

    if (!d->kb_suggest)
        return NULL;
    out = json_array();
    if (store_kb_suggest(d->store, c->category, c->text, c->created_at, INTAKE_KB_MAX, add_kb, out,
                         &err))
        log_warn("knowledge-base suggestions: %s", err.msg);
    if (!json_array_size(out)) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static const char *hold_reason(const struct intake_deps *d, const struct case_rec *c,
                               const struct plan *pl, bool hold)
{
    if (hold)
        return "held at intake";
    if (!pl->category_source)
        return "category uncertain";
    if (pl->route.source != ROUTE_RULE)
        return "no rule of the responsibility matrix applies";
    if (answerable(d->store, c->category, c->created_at))
        return "the category has a knowledge-base answer";
    return NULL;
}

/* Steps 4 and 5: the route, and whether the platform dispatches by itself. */
static void plan_route(const struct intake_deps *d, struct case_rec *c, int64_t place, bool hold,
                       struct plan *pl)
{
    struct gz_err err = {0};

    rulebook_decide(d->rules, c->category, place, &pl->route, &pl->rule);
    pl->held = hold_reason(d, c, pl, hold);
    if (!pl->held && intake_limits(d->store, c->category, &pl->limits, &err))
        pl->held = "the category has no limits";
    pl->dispatch = !pl->held;
    pl->cal = d->cal;
    if (!pl->dispatch)
        return;
    pl->decided_by = json_pack("{s:s, s:I, s:s}", "by", "rule", "rule_id", (json_int_t)pl->rule.id,
                               "category_source", pl->category_source);
    if (pl->p > 0) {
        json_object_set_new(pl->decided_by, "p", json_real(pl->p));
        json_object_set_new(pl->decided_by, "threshold", json_real(d->auto_threshold));
    }
}

static json_t *co_ids(const struct route_decision *r)
{
    json_t *a = json_array();

    for (size_t i = 0; i < r->n_co; i++)
        json_array_append_new(a, json_integer(r->co_units[i]));
    return a;
}

static json_t *route_json(const struct plan *pl)
{
    const struct route_decision *r = &pl->route;
    json_t *o = json_pack(
        "{s:s, s:o, s:o, s:I, s:b}", "source", route_source_name(r->source), "lead_unit_id",
        r->lead_unit_id ? json_integer(r->lead_unit_id) : json_null(), "co_unit_ids", co_ids(r),
        "candidates", (json_int_t)r->candidates, "dispatched", pl->dispatch);

    if (r->rule)
        json_object_set_new(o, "rule_id", json_integer(r->rule->id));
    if (pl->held)
        json_object_set_new(o, "held", json_string(pl->held));
    return o;
}

/*
 * The created event: the channel, and what the pipeline found. What it found
 * is written once (out->found) for the event and the answer alike; its keys
 * all sort after "channel", so the two texts join into the canonical body.
 */
static int created_body(const struct case_rec *c, struct intake_out *out, struct event *ev)
{
    json_t *found = json_object(),
           *head = json_pack("{s:s}", "channel", case_channel_name(c->channel));
    char *head_text;
    int rc;

    if (out->suggested)
        json_object_set(found, "suggested_categories", out->suggested);
    if (out->duplicates)
        json_object_set(found, "duplicate_candidates", out->duplicates);
    if (out->route)
        json_object_set(found, "route", out->route);
    head_text = audit_canonical(head);
    out->found = audit_canonical(found);
    rc = audit_set_body_joined(ev, head_text, out->found);
    free(head_text);
    json_decref(head);
    json_decref(found);
    return rc;
}

/* The automatic dispatch, made to the new case before it is stored: nothing in the database
 * bears on a case nobody has seen yet, so the writer only writes it. */
static int auto_dispatch(const struct plan *pl, struct case_rec *c, struct event *ev,
                         struct gz_err *err)
{
    struct wf_input in = {.action = ACT_DISPATCH,
                          .unit_id = pl->route.lead_unit_id,
                          .n_co = pl->route.n_co,
                          .limits = &pl->limits,
                          .cal = pl->cal,
                          .now = c->created_at,
                          .decided_by = pl->decided_by};

    memcpy(in.co_units, pl->route.co_units, sizeof(in.co_units));
    return wf_apply(c, NULL, &in, ev, NULL, err);
}

/* "YYYYMMDD" of t in the city's zone (the process TZ, set from the calendar). */
static void local_day(int64_t t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    localtime_r(&tt, &tm);
    strftime(out, size, "%Y%m%d", &tm);
}

static int store_it(const struct intake_deps *d, struct case_rec *c, int64_t actor,
                    const char *idem_key, struct plan *pl, struct intake_out *out,
                    struct gz_err *err)
{
    char day[16];
    struct event ev, dispatch_ev;
    struct store_intake in = {.day = day, .ev = &ev, .idem_key = idem_key, .idem_account = actor};
    int rc = 0;

    local_day(c->created_at, day, sizeof(day));
    event_init(&ev);
    event_init(&dispatch_ev);
    snprintf(ev.kind, sizeof(ev.kind), "created");
    ev.actor_account_id = actor;
    ev.at = c->created_at;
    rc = created_body(c, out, &ev); /* the case as received, before the dispatch */
    if (rc)
        gz_fail(err, rc, "", "out of memory");
    else if (pl->dispatch) {
        rc = auto_dispatch(pl, c, &dispatch_ev, err);
        in.then_ev = &dispatch_ev;
    }
    if (!rc)
        rc = store_case_create(d->store, c, &in, err);
    event_release(&ev);
    event_release(&dispatch_ev);
    out->replayed = in.replayed;
    out->dispatched = !rc && !in.replayed && pl->dispatch;
    return rc;
}

int intake_submit(const struct intake_deps *d, struct case_rec *c, int64_t actor,
                  const char *idem_key, bool hold, struct intake_out *out, struct gz_err *err)
{
    struct clf_guess top;
    struct plan pl = {0};
    int64_t place;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!c->created_at)
        c->created_at = time_now();
    place = locate(d, c);
    out->suggested = suggest(d, c, &top);
    settle_category(d, c, &top, &pl);
    out->duplicates = duplicates(d, c);
    if (d->rules) {
        plan_route(d, c, place, hold, &pl);
        out->route = route_json(&pl);
    }
    rc = store_it(d, c, actor, idem_key, &pl, out, err);
    if (!rc && !out->replayed)
        out->kb = kb_suggestions(d, c);
    json_decref(pl.decided_by);
    if (rc || out->replayed)
        return rc;
    if (d->dedup && c->lat != CASE_NO_COORD &&
        dedup_add(d->dedup, c->id, c->number, c->lat, c->lon, c->created_at, c->category, c->text))
        log_warn("case %s: not in the duplicate index", c->number);
    return 0;
}

void intake_out_release(struct intake_out *out)
{
    json_decref(out->suggested);
    json_decref(out->duplicates);
    json_decref(out->route);
    json_decref(out->kb);
    free(out->found);
    memset(out, 0, sizeof(*out));
}
