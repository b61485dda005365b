/*
 * sweeper.c - the escalation sweep (see sweeper.h). The store names the
 * cases with something due; each escalation is then decided again on the
 * case as it is inside the writer's transaction, so a sweep racing an
 * accept or another sweep gives nothing twice.
 */
#include "gz.h"

#include <jansson.h>
#include <pthread.h>

#include "core/joint.h"
#include "core/sla.h"
#include "jobs/sweeper.h"
#include "store/store.h"
#include "util/log.h"
#include "util/timeutil.h"

#define SWEEP_BATCH 10000

struct numbers {
    size_t n, cap;
    char (*v)[CASE_NUMBER_LEN + 1];
};

static int collect(void *ctx, const char *number)
{
    struct numbers *ns = ctx;

    if (ns->n < ns->cap)
        snprintf(ns->v[ns->n++], CASE_NUMBER_LEN + 1, "%s", number);
    return 0;
}

struct escalate {
    struct store *s;
    int64_t now;
};

static json_t *addressees(struct store *s, int64_t lead)
{
    int64_t chain[2];
    size_t n = 0;
    struct gz_err err;
    json_t *to = json_array();

    if (lead && !store_unit_chain(s, lead, chain, 2, &n, &err))
        for (size_t i = 0; i < n; i++)
            json_array_append_new(to, json_integer(chain[i]));
    return to;
}

static int escalate_fn(void *ctx, struct case_rec *c, struct case_rec *other, struct event *ev,
                       struct event *other_ev, struct gz_err *err)
{
    struct escalate *x = ctx;
    enum sla_escalation e = sla_due(c, x->now);
    bool respond = e == SLA_REMIND_RESPOND || e == SLA_SUPERVISE_RESPOND;
    json_t *body;

    (void)other, (void)other_ev;
    if (e == SLA_NONE)
        return gz_fail(err, GZ_ENOTFOUND, "", "nothing due");
    c->escalated |= sla_bit(e);
    snprintf(ev->kind, sizeof(ev->kind), "%s", sla_kind(e));
    ev->at = x->now;
    ev->internal = true;
    body = json_pack("{s:s, s:I, s:o}", "deadline", sla_deadline_name(e), "due_at",
                     (json_int_t)(respond ? c->respond_by : c->resolve_by), "to",
                     addressees(x->s, c->lead_unit_id));
    ev->body = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(body);
    return 0;
}

/*
 * A whistled unit that let its report-by pass (吹哨报到): supervised once,
 * to its parent, one event per unit; its late report still counts against
 * the whistle report rate (the KPI compares reported_at with report_by).
 */
static int late_report_fn(void *ctx, struct case_rec *c, struct case_rec *other, struct event *ev,
                          struct event *other_ev, struct gz_err *err)
{
    struct escalate *x = ctx;
    struct case_party *p = joint_late_report(c, x->now);
    int64_t chain[2];
    size_t n = 0;
    json_t *to = json_array(), *body;

    (void)other, (void)other_ev;
    if (!p) {
        json_decref(to);
        return gz_fail(err, GZ_ENOTFOUND, "", "nothing due");
    }
    p->escalated = true;
    p->changed = c->joint_changed = true;
    if (!store_unit_chain(x->s, p->unit_id, chain, 2, &n, err) && n == 2)
        json_array_append_new(to, json_integer(chain[1]));
    snprintf(ev->kind, sizeof(ev->kind), "supervise");
    ev->at = x->now;
    ev->internal = true;
    body = json_pack("{s:s, s:I, s:I, s:o}", "deadline", "report", "unit_id",
                     (json_int_t)p->unit_id, "due_at", (json_int_t)p->report_by, "to", to);
    ev->body = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(body);
    return 0;
}

/* One kind of sweep: which cases are due, and the escalation given to each, at most `per_case`
 * times. */
struct sweep_kind {
    int (*due)(struct store *s, int64_t now, store_number_fn fn, void *ctx, struct gz_err *err);
    store_case_fn escalate;
    int per_case;
};

static const struct sweep_kind deadlines = {store_case_due, escalate_fn, 4};
static const struct sweep_kind late_whistles = {store_whistle_due, late_report_fn,
                                                JOINT_MAX_PARTIES};

/* One batch of due cases; *full says whether the batch was full. */
static int sweep_batch(const struct sweep_kind *k, struct escalate *x, struct numbers *ns,
                       int *given, bool *full, struct gz_err *err)
{
    int rc;

    ns->n = 0;
    rc = k->due(x->s, x->now, collect, ns, err);
    *full = ns->n == ns->cap;
    for (size_t i = 0; !rc && i < ns->n; i++)
        /* stop at the first refusal: nothing more is due */
        for (int j = 0; j < k->per_case; j++) {
            struct case_rec out;
            struct gz_err e2 = {0};
            case_init(&out);
            if (store_case_update(x->s, ns->v[i], NULL, k->escalate, x, &out, &e2))
                break;
            case_release(&out);
            ++*given;
        }
    return rc;
}

/* Batch after batch until one is not full: a full batch may leave more behind it. A batch
 * that gave nothing would only repeat itself. */
static int sweep(const struct sweep_kind *k, struct escalate *x, struct numbers *ns, int *given,
                 struct gz_err *err)
{
    bool full = true;
    int rc = 0;

    while (!rc && full) {
        int before = *given;
        rc = sweep_batch(k, x, ns, given, &full, err);
        full = full && *given > before;
    }
    return rc;
}

int sweeper_run(struct store *s, int64_t now, int *given, struct gz_err *err)
{
    return sweeper_run_batched(s, now, SWEEP_BATCH, given, err);
}

int sweeper_run_batched(struct store *s, int64_t now, size_t batch, int *given, struct gz_err *err)
{
    struct numbers ns = {0, batch, calloc(batch, sizeof(*ns.v))};
    struct escalate x = {s, now};
    int rc;

    *given = 0;
    if (!ns.v)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    rc = sweep(&deadlines, &x, &ns, given, err);
    if (!rc)
        rc = sweep(&late_whistles, &x, &ns, given, err);
    free(ns.v);
    return rc;
}

struct sweeper {
    struct store *s;
    int period;
    bool stop;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
};

static void *sweeper_main(void *arg)
{
    struct sweeper *w = arg;
    struct timespec until;

    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        struct gz_err err = {0};
        int given = 0;
        pthread_mutex_unlock(&w->lock);
        if (sweeper_run(w->s, time_now(), &given, &err))
            log_warn("sweep failed: %s", err.msg);
        else if (given)
            log_info("sweep: %d escalations", given);
        pthread_mutex_lock(&w->lock);
        until = time_deadline(w->period);
        while (!w->stop && pthread_cond_timedwait(&w->wake, &w->lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct sweeper *sweeper_start(struct store *s, int period_s)
{
    struct sweeper *w = calloc(1, sizeof(*w));

    if (!w)
        return NULL;
    w->s = s;
    w->period = period_s > 0 ? period_s : 60;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    if (pthread_create(&w->thread, NULL, sweeper_main, w) != 0) {
        free(w);
        return NULL;
    }
    return w;
}

void sweeper_stop(struct sweeper *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
