/*
 * replay.c - the recorded year through the pipeline (see replay.h). The
 * replay acts as the platform (actor 0); a step the city's staff took is
 * written with the unit that took it.
 */
#include "gz.h"

#include <math.h>
#include <pthread.h>

#include "core/classify.h"
#include "core/dedup.h"
#include "core/workflow.h"
#include "store/store.h"
#include "svc/replay.h"
#include "svc/rulebook.h"

#define MAX_CATS 4096
#define MAX_UNITS 65536

struct slot {
    char code[CATEGORY_CODE_MAX + 1]; /* REASON › TYPE; "" when the row was refused */
    int cat;                          /* its index in replay.cats */
    int64_t dept_id;
    int64_t case_id;
    char number[CASE_NUMBER_LEN + 1];
};

struct cat {
    char code[CATEGORY_CODE_MAX + 1];
    char name_en[GZ_MAX_NAME];
};

struct unit_code {
    int64_t id;
    char code[GZ_MAX_CODE + 1];
};

struct replay {
    struct intake_deps d;
    pthread_mutex_t lock; /* rows->reasons, from the workers */
    struct replay_rows *rows;
    struct slot *slots;
    struct cat *cats;
    size_t n_cats;
    struct unit_code *units; /* id order */
    size_t n_units;
};

void replay_rows_release(struct replay_rows *r)
{
    for (size_t i = 0; i < r->n; i++)
        b311_release(&r->v[i]);
    free(r->v);
    memset(r, 0, sizeof(*r));
}

void replay_reject(struct replay_rows *r, const char *why)
{
    size_t i;

    r->rejected++;
    for (i = 0; i < REPLAY_REASONS && r->reasons[i].n; i++)
        if (strcmp(r->reasons[i].why, why) == 0)
            break;
    if (i == REPLAY_REASONS)
        i = REPLAY_REASONS - 1; /* the last line gathers the rarest */
    if (!r->reasons[i].n)
        snprintf(r->reasons[i].why, sizeof(r->reasons[i].why), "%s", why);
    r->reasons[i].n++;
}

bool replay_held_out(const struct b311_row *row)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a: the same split on every machine */

    for (const char *p = row->id; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return h % REPLAY_HOLDOUT == 0;
}

/* ---- the maps ---- */

static int add_cat(void *ctx, const struct category *c)
{
    struct replay *rp = ctx;

    if (rp->n_cats == MAX_CATS)
        return 1;
    snprintf(rp->cats[rp->n_cats].code, sizeof(rp->cats->code), "%s", c->code);
    snprintf(rp->cats[rp->n_cats].name_en, sizeof(rp->cats->name_en), "%s", c->name_en);
    rp->n_cats++;
    return 0;
}

static int add_unit(void *ctx, const struct unit *u, const char *pc)
{
    struct replay *rp = ctx;

    (void)pc;
    if (rp->n_units == MAX_UNITS)
        return 1;
    rp->units[rp->n_units].id = u->id;
    snprintf(rp->units[rp->n_units].code, sizeof(rp->units->code), "%s", u->code);
    rp->n_units++;
    return 0;
}

static int load_maps(struct replay *rp, struct gz_err *err)
{
    struct store_page pg = {.limit = MAX_CATS};
    struct unit_filter uf = {.kind = -1, .active = -1};
    size_t before;

    if (store_category_list(rp->d.store, "90", 1, &pg, add_cat, rp, err))
        return err->code;
    pg.limit = 500;
    do {
        before = rp->n_units;
        pg.after_id = before ? rp->units[before - 1].id : 0;
        if (store_unit_list(rp->d.store, &uf, &pg, add_unit, rp, err))
            return err->code;
    } while (rp->n_units - before == (size_t)pg.limit);
    return 0;
}

/* The child of `parent` named `name` (index in cats), -1 when none. */
static int cat_index(const struct replay *rp, const char *parent, const char *name)
{
    size_t depth = strlen(parent) + 2;

    for (size_t i = 0; i < rp->n_cats; i++)
        if (strlen(rp->cats[i].code) == depth &&
            strncmp(rp->cats[i].code, parent, depth - 2) == 0 &&
            strcmp(rp->cats[i].name_en, name) == 0)
            return (int)i;
    return -1;
}

static int64_t unit_id(const struct replay *rp, const char *code)
{
    for (size_t i = 0; i < rp->n_units; i++)
        if (strcmp(rp->units[i].code, code) == 0)
            return rp->units[i].id;
    return 0;
}

static const char *unit_code(const struct replay *rp, int64_t id)
{
    size_t lo = 0, hi = rp->n_units;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rp->units[mid].id == id)
            return rp->units[mid].code;
        if (rp->units[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return "";
}

/* The row's category and unit, or why it cannot be replayed. */
static bool map_row(const struct replay *rp, const struct b311_row *row, struct slot *s, char *why,
                    size_t size)
{
    int reason = cat_index(rp, "90", row->reason);

    if (reason < 0)
        snprintf(why, size, "REASON not in the taxonomy: %.60s", row->reason);
    else if ((s->cat = cat_index(rp, rp->cats[reason].code, row->type)) < 0)
        snprintf(why, size, "TYPE not in the taxonomy: %.60s", row->type);
    else if (!(s->dept_id = unit_id(rp, row->dept)))
        snprintf(why, size, "Department not a unit: %s", row->dept);
    else
        return snprintf(s->code, sizeof(s->code), "%s", rp->cats[s->cat].code), true;
    return false;
}

struct replay *replay_new(const struct intake_deps *d, struct replay_rows *rows, struct gz_err *err)
{
    struct replay *rp = calloc(1, sizeof(*rp));

    if (!rp || !(rp->slots = calloc(rows->n ? rows->n : 1, sizeof(*rp->slots))) ||
        !(rp->cats = calloc(MAX_CATS, sizeof(*rp->cats))) ||
        !(rp->units = calloc(MAX_UNITS, sizeof(*rp->units)))) {
        replay_free(rp);
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        return NULL;
    }
    rp->d = *d;
    rp->rows = rows;
    pthread_mutex_init(&rp->lock, NULL);
    if (load_maps(rp, err)) {
        replay_free(rp);
        return NULL;
    }
    if (!rp->n_cats) {
        replay_free(rp);
        gz_fail(err, GZ_EINVAL, "categories",
                "no Boston taxonomy (category 90): import data/taxonomy/boston.csv first");
        return NULL;
    }
    for (size_t i = 0; i < rows->n; i++) {
        char why[96];
        if (!map_row(rp, &rows->v[i], &rp->slots[i], why, sizeof(why))) {
            rp->slots[i].code[0] = '\0';
            replay_reject(rows, why);
        }
    }
    return rp;
}

void replay_use(struct replay *rp, const struct intake_deps *d)
{
    rp->d = *d;
}

void replay_free(struct replay *rp)
{
    if (!rp)
        return;
    free(rp->slots);
    free(rp->cats);
    free(rp->units);
    pthread_mutex_destroy(&rp->lock);
    free(rp);
}

/* ---- learning ---- */

struct classifier *replay_train(struct replay *rp, struct gz_err *err)
{
    struct clf_trainer *t = clf_trainer_new(CLF_DEFAULT_HASH_BITS, err);
    struct classifier *c = NULL;
    bool ok = t != NULL;

    for (size_t i = 0; ok && i < rp->rows->n; i++) {
        const struct b311_row *row = &rp->rows->v[i];
        char *doc;
        if (!rp->slots[i].code[0] || replay_held_out(row))
            continue;
        if (!(doc = clf_document(row->title, row->location)))
            ok = gz_fail(err, GZ_ENOMEM, "", "out of memory") == 0;
        else
            ok = clf_trainer_add(t, doc, rp->slots[i].code, err) == 0;
        free(doc);
    }
    if (ok)
        c = clf_trainer_finish(t, err);
    clf_trainer_free(t);
    return c;
}

/* ---- the responsibility matrix from the record ---- */

static int find_ours(void *ctx, const struct route_rule *r)
{
    if (strncmp(r->prefix, "90", 2) == 0)
        *(bool *)ctx = true;
    return 0;
}

#define MAX_DEPTS 64

struct tally {
    size_t *n; /* [cat][dept] */
    int64_t depts[MAX_DEPTS];
    size_t n_depts;
};

static int dept_index(struct tally *t, int64_t id)
{
    for (size_t i = 0; i < t->n_depts; i++)
        if (t->depts[i] == id)
            return (int)i;
    if (t->n_depts == MAX_DEPTS)
        return -1;
    t->depts[t->n_depts] = id;
    return (int)t->n_depts++;
}

/* The unit that handled most training rows of category i, 0 when none did. */
static int64_t majority(const struct tally *t, size_t i)
{
    size_t best = 0;
    int64_t id = 0;

    for (size_t k = 0; k < t->n_depts; k++)
        if (t->n[i * MAX_DEPTS + k] > best) {
            best = t->n[i * MAX_DEPTS + k];
            id = t->depts[k];
        }
    return id;
}

static int put_rule(struct replay *rp, const char *prefix, int64_t lead, size_t *added,
                    struct gz_err *err)
{
    struct route_rule r = {.lead_kind = -1, .active = true, .lead_unit_id = lead};

    snprintf(r.prefix, sizeof(r.prefix), "%s", prefix);
    if (store_route_put(rp->d.store, &r, true, err))
        return err->code;
    ++*added;
    return 0;
}

/* One rule for a reason whose types all went to one unit, else one per type. */
static int rules_of_reason(struct replay *rp, const struct tally *t, size_t reason, size_t *added,
                           struct gz_err *err)
{
    const char *code = rp->cats[reason].code;
    int64_t one = 0;
    bool same = true;

    for (size_t i = 0; i < rp->n_cats; i++) {
        int64_t m;
        if (strlen(rp->cats[i].code) != 6 || strncmp(rp->cats[i].code, code, 4) != 0 ||
            !(m = majority(t, i)))
            continue;
        same = same && (!one || one == m);
        one = one ? one : m;
    }
    if (!one)
        return 0;
    if (same)
        return put_rule(rp, code, one, added, err);
    for (size_t i = 0; i < rp->n_cats; i++) {
        int64_t m;
        if (strlen(rp->cats[i].code) == 6 && strncmp(rp->cats[i].code, code, 4) == 0 &&
            (m = majority(t, i)) && put_rule(rp, rp->cats[i].code, m, added, err))
            return err->code;
    }
    return 0;
}

int replay_derive_rules(struct replay *rp, size_t *added, struct gz_err *err)
{
    struct tally t = {0};
    bool ours = false;
    int rc = 0;

    *added = 0;
    if (store_route_list(rp->d.store, true, find_ours, &ours, err))
        return err->code;
    if (ours)
        return 0; /* the city's own matrix stands */
    if (!(t.n = calloc(rp->n_cats * MAX_DEPTS, sizeof(*t.n))))
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < rp->rows->n; i++) {
        int k;
        if (rp->slots[i].code[0] && !replay_held_out(&rp->rows->v[i]) &&
            (k = dept_index(&t, rp->slots[i].dept_id)) >= 0)
            t.n[(size_t)rp->slots[i].cat * MAX_DEPTS + (size_t)k]++;
    }
    for (size_t i = 0; !rc && i < rp->n_cats; i++)
        if (strlen(rp->cats[i].code) == 4)
            rc = rules_of_reason(rp, &t, i, added, err);
    free(t.n);
    if (!rc && rp->d.rules)
        rc = rulebook_reload(rp->d.rules, err);
    return rc;
}

/* ---- the year ---- */

struct event_at {
    int64_t at;
    uint32_t row;
    uint8_t close; /* opens before closes at the same second */
};

static int by_time(const void *a, const void *b)
{
    const struct event_at *x = a, *y = b;

    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if (x->close != y->close)
        return x->close - y->close;
    return x->row < y->row ? -1 : x->row > y->row;
}

static struct event_at *timeline(struct replay *rp, size_t *n, struct replay_report *rep)
{
    struct event_at *ev = malloc(2 * (rp->rows->n ? rp->rows->n : 1) * sizeof(*ev));

    *n = 0;
    if (!ev)
        return NULL;
    for (size_t i = 0; i < rp->rows->n; i++) {
        const struct b311_row *row = &rp->rows->v[i];
        if (!rp->slots[i].code[0])
            continue;
        ev[(*n)++] = (struct event_at){row->open_at, (uint32_t)i, 0};
        if (!row->closed)
            continue;
        /* a record that closes before it opens closes as it opens */
        rep->closed_before_open += row->closed_at < row->open_at;
        ev[(*n)++] = (struct event_at){
            row->closed_at < row->open_at ? row->open_at : row->closed_at, (uint32_t)i, 1};
    }
    qsort(ev, *n, sizeof(*ev), by_time);
    return ev;
}

static int step_fn(void *ctx, struct case_rec *c, struct case_rec *other, struct event *ev,
                   struct event *other_ev, struct gz_err *err)
{
    (void)other, (void)other_ev;
    return wf_apply(c, NULL, ctx, ev, NULL, err);
}

static int step(struct replay *rp, const char *number, struct wf_input *in, struct gz_err *err)
{
    struct case_rec out;
    int rc;

    case_init(&out);
    rc = store_case_update(rp->d.store, number, NULL, step_fn, in, &out, err);
    case_release(&out);
    return rc;
}

/* The city's dispatcher sent it to the record's Department. */
static int dispatch_by_record(struct replay *rp, const struct slot *s, int64_t at,
                              struct gz_err *err)
{
    struct sla_limits limits;
    json_t *why = json_pack("{s:s}", "by", "record");
    struct wf_input in = {.action = ACT_DISPATCH,
                          .unit_id = s->dept_id,
                          .limits = &limits,
                          .cal = rp->d.cal,
                          .now = at,
                          .decided_by = why};
    int rc = intake_limits(rp->d.store, s->code, &limits, err);

    if (!rc)
        rc = step(rp, s->number, &in, err);
    json_decref(why);
    return rc;
}

static bool says_duplicate(const char *closure)
{
    return closure && (strstr(closure, "uplicate") || strstr(closure, "UPLICATE"));
}

/* The best candidate's score, 0 when there is none. */
static double best_score(const json_t *dups)
{
    size_t i;
    const json_t *v;
    double best = 0;

    json_array_foreach(dups, i, v) {
        double sc = json_real_value(json_object_get(v, "score"));
        best = sc > best ? sc : best;
    }
    return best;
}

static void duplicate_agreement(const struct b311_row *row, const json_t *dups,
                                struct replay_report *rep)
{
    bool truth = says_duplicate(row->closure);
    double best = dups ? best_score(dups) : 0;
    int b = (int)(best * REPLAY_SCORE_BINS);

    rep->dup_truth += truth;
    if (best >= DEDUP_THRESHOLD) {
        rep->dup_flagged++;
        rep->dup_hit += truth;
    }
    if (best > 0) {
        b = b >= REPLAY_SCORE_BINS ? REPLAY_SCORE_BINS - 1 : b;
        rep->dup_bins[b][0]++;
        rep->dup_bins[b][1] += truth;
    }
}

/* The classifier on a held-out row, as the pipeline would run it without the category. */
static void classify_held_out(struct replay *rp, const struct b311_row *row, const struct slot *s,
                              struct replay_report *rep)
{
    struct clf_guess g[3];
    size_t n = 0;
    char *doc;

    if (!rp->d.clf || !replay_held_out(row) || !(doc = clf_document(row->title, row->location)))
        return;
    if (clf_predict(rp->d.clf, doc, g, 3, &n) == 0 && n) {
        rep->held_out++;
        rep->top1 += strcmp(g[0].label, s->code) == 0;
        for (size_t k = 0; k < n; k++)
            rep->top3 += strcmp(g[k].label, s->code) == 0;
        if (g[0].p >= rp->d.auto_threshold) {
            rep->certain++;
            rep->certain_right += strcmp(g[0].label, s->code) == 0;
        }
    }
    free(doc);
}

static void place_agreement(struct replay *rp, const struct b311_row *row, const struct case_rec *c,
                            struct replay_report *rep)
{
    char code[16];

    if (c->lat == CASE_NO_COORD)
        return;
    rep->with_point++;
    if (c->located != 1)
        return;
    rep->located++;
    if (row->ward) {
        snprintf(code, sizeof(code), "W%02d", row->ward);
        rep->ward_known++;
        rep->ward_agree += strcmp(unit_code(rp, c->area[2]), code) == 0;
    }
    if (row->precinct) {
        snprintf(code, sizeof(code), "P%02d%02d", row->ward, row->precinct);
        rep->precinct_known++;
        rep->precinct_agree += strcmp(unit_code(rp, c->area[3]), code) == 0;
    }
}

static void fill_case(const struct b311_row *row, const struct slot *s, struct case_rec *c)
{
    case_init(c);
    c->channel = row->channel;
    c->text = strdup(row->title);
    c->address = row->location ? strdup(row->location) : NULL;
    c->lat = row->lat;
    c->lon = row->lon;
    snprintf(c->category, sizeof(c->category), "%s", s->code);
    c->category_by_operator = true;
    snprintf(c->external_id, sizeof(c->external_id), "%s", row->id);
    c->created_at = row->open_at;
}

static int open_row(struct replay *rp, size_t i, struct replay_report *rep, struct gz_err *err)
{
    const struct b311_row *row = &rp->rows->v[i];
    struct slot *s = &rp->slots[i];
    struct intake_out out = {0};
    struct case_rec c;
    char key[64];
    int rc;

    fill_case(row, s, &c);
    /* the record's id keys the intake: a second replay of the file skips what is in */
    snprintf(key, sizeof(key), "boston311:%s", row->id);
    rc = case_validate_intake(&c, err);
    if (!rc)
        rc = intake_submit(&rp->d, &c, 0, key, false, &out, err);
    if (rc || out.replayed) {
        rep->already += out.replayed;
        intake_out_release(&out);
        case_release(&c);
        return rc;
    }
    classify_held_out(rp, row, s, rep);
    rep->imported++;
    s->case_id = c.id;
    snprintf(s->number, sizeof(s->number), "%s", c.number);
    place_agreement(rp, row, &c, rep);
    duplicate_agreement(row, out.duplicates, rep);
    if (out.dispatched) {
        rep->auto_dispatched++;
        rep->auto_agree += c.lead_unit_id == s->dept_id;
    } else if ((rc = dispatch_by_record(rp, s, row->open_at, err)) == 0) {
        rep->record_dispatched++;
    }
    intake_out_release(&out);
    case_release(&c);
    return rc;
}

/* The unit accepts, replies with the record's closure and the case closes. */
static int close_row(struct replay *rp, size_t i, int64_t at, struct replay_report *rep,
                     struct gz_err *err)
{
    const struct b311_row *row = &rp->rows->v[i];
    struct slot *s = &rp->slots[i];
    static const enum case_action acts[] = {ACT_ACCEPT, ACT_REPLY, ACT_CLOSE};
    int rc = 0;

    if (!s->case_id)
        return 0;
    for (size_t k = 0; !rc && k < GZ_ARRAY_LEN(acts); k++) {
        struct wf_input in = {.action = acts[k],
                              .text = row->closure ? row->closure : "Case closed.",
                              .cal = rp->d.cal,
                              .now = at,
                              .actor_unit_id = k < 2 ? s->dept_id : 0};
        rc = step(rp, s->number, &in, err);
    }
    if (!rc)
        rep->closed++;
    if (rp->d.dedup)
        dedup_remove(rp->d.dedup, s->case_id);
    return rc;
}

/*
 * Workers. One thread replaying alone waits for each commit, so every step
 * is a transaction of its own and the WAL takes each changed page again and
 * again. Workers let the store's group commit batch them. A row's events
 * all go to one worker, in order, and so do all rows of one ~1 km cell: a
 * report and the open cases it may duplicate meet in time order, as they
 * would arriving one by one. Queues are short, so no worker runs more than
 * REPLAY_WORKERS * (REPLAY_QUEUE + 1) events ahead of another.
 */
#define REPLAY_WORKERS 16
#define REPLAY_QUEUE 4

struct worker {
    struct replay *rp;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct event_at q[REPLAY_QUEUE];
    size_t head, count;
    bool done;
    struct replay_report rep;
    struct gz_err err; /* the first failure of the store: the run stops */
};

static void reject_row(struct replay *rp, const char *why)
{
    pthread_mutex_lock(&rp->lock);
    replay_reject(rp->rows, why);
    pthread_mutex_unlock(&rp->lock);
}

static void run_event(struct worker *w, const struct event_at *ev)
{
    struct gz_err e = {0};
    int rc;

    if (w->err.code)
        return;
    rc = ev->close ? close_row(w->rp, ev->row, ev->at, &w->rep, &e)
                   : open_row(w->rp, ev->row, &w->rep, &e);
    if (rc == GZ_EIO || rc == GZ_ENOMEM)
        gz_fail(&w->err, rc, e.field, "row %s: %s", w->rp->rows->v[ev->row].id, e.msg);
    else if (rc && !ev->close)
        reject_row(w->rp, e.msg);
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct event_at ev;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->count && !w->done)
            pthread_cond_wait(&w->cond, &w->lock);
        if (!w->count)
            break;
        ev = w->q[w->head];
        pthread_mutex_unlock(&w->lock);
        run_event(w, &ev);
        pthread_mutex_lock(&w->lock);
        w->head = (w->head + 1) % REPLAY_QUEUE;
        w->count--;
        pthread_cond_broadcast(&w->cond);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static void push(struct worker *w, const struct event_at *ev)
{
    pthread_mutex_lock(&w->lock);
    while (w->count == REPLAY_QUEUE)
        pthread_cond_wait(&w->cond, &w->lock);
    w->q[(w->head + w->count) % REPLAY_QUEUE] = *ev;
    w->count++;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

static void report_add(struct replay_report *to, const struct replay_report *r)
{
#define ADD(f) to->f += r->f
    ADD(imported), ADD(already), ADD(with_point), ADD(located), ADD(ward_known);
    ADD(ward_agree), ADD(precinct_known), ADD(precinct_agree), ADD(auto_dispatched);
    ADD(auto_agree), ADD(record_dispatched), ADD(held_out), ADD(top1), ADD(top3), ADD(certain);
    ADD(certain_right), ADD(dup_truth), ADD(dup_flagged), ADD(dup_hit), ADD(closed);
#undef ADD
    for (int b = 0; b < REPLAY_SCORE_BINS; b++)
        to->dup_bins[b][0] += r->dup_bins[b][0], to->dup_bins[b][1] += r->dup_bins[b][1];
}

/* The worker of a row: by its ~1 km cell, or by the row without a point. */
static size_t worker_of(const struct b311_row *row, size_t i)
{
    uint64_t h;

    if (row->lat == CASE_NO_COORD)
        return i % REPLAY_WORKERS;
    h = (uint64_t)(int64_t)floor(row->lat * 100) * 73856093u ^
        (uint64_t)(int64_t)floor(row->lon * 100) * 19349663u;
    return (size_t)(h % REPLAY_WORKERS);
}

static int start_workers(struct replay *rp, struct worker *w)
{
    for (size_t i = 0; i < REPLAY_WORKERS; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].rp = rp;
        pthread_mutex_init(&w[i].lock, NULL);
        pthread_cond_init(&w[i].cond, NULL);
        if (pthread_create(&w[i].thread, NULL, work, &w[i])) {
            for (size_t k = 0; k <= i; k++)
                w[k].done = true;
            return -1;
        }
    }
    return 0;
}

/* Let every worker finish its queue; gather their figures and the first failure. */
static int stop_workers(struct worker *w, size_t started, struct replay_report *rep,
                        struct gz_err *err)
{
    int rc = 0;

    for (size_t i = 0; i < started; i++) {
        pthread_mutex_lock(&w[i].lock);
        w[i].done = true;
        pthread_cond_broadcast(&w[i].cond);
        pthread_mutex_unlock(&w[i].lock);
        pthread_join(w[i].thread, NULL);
        report_add(rep, &w[i].rep);
        if (!rc && w[i].err.code) {
            *err = w[i].err;
            rc = err->code;
        }
        pthread_mutex_destroy(&w[i].lock);
        pthread_cond_destroy(&w[i].cond);
    }
    return rc;
}

int replay_run(struct replay *rp, void (*progress)(void *, size_t, size_t), void *ctx,
               struct replay_report *rep, struct gz_err *err)
{
    struct worker w[REPLAY_WORKERS];
    struct event_at *ev;
    size_t n = 0;
    int64_t day = 0;
    int rc;

    memset(rep, 0, sizeof(*rep));
    if (!(ev = timeline(rp, &n, rep)))
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    if (start_workers(rp, w)) {
        free(ev);
        return gz_fail(err, GZ_ENOMEM, "", "cannot start the replay's threads");
    }
    for (size_t k = 0; k < n; k++) {
        if (rp->d.dedup && ev[k].at / 86400 != day) {
            day = ev[k].at / 86400;
            dedup_expire(rp->d.dedup, ev[k].at);
        }
        push(&w[worker_of(&rp->rows->v[ev[k].row], ev[k].row)], &ev[k]);
        if (progress && (k % 1024 == 0 || k + 1 == n))
            progress(ctx, k + 1, n);
    }
    free(ev);
    rc = stop_workers(w, REPLAY_WORKERS, rep, err);
    rep->rejected = rp->rows->rejected;
    rep->rows = rep->imported + rep->already + rep->rejected;
    return rc;
}
