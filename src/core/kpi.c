/*
 * kpi.c - facts, indicators, score and ranking of DESIGN §6 (see kpi.h).
 *
 * The accumulator is three open-addressing hash tables keyed by three
 * integers (unit or account, day, basis/metric/bin), each value a fixed
 * block of counters. It serves both the incremental update of the stored
 * sums (a handful of cases at a time, each taken back and added again) and
 * the full recomputation (every case once).
 */
#include "gz.h"

#include <math.h>

#include "core/kpi.h"
#include "core/period.h"
#include "util/json.h"

#define KPI_NAME_C(n) #n,
const char *const kpi_counter_names[KPI_NCOUNTERS] = {KPI_COUNTERS(KPI_NAME_C)};
const char *const kpi_role_counter_names[KPI_NROLE_COUNTERS] = {KPI_ROLE_COUNTERS(KPI_NAME_C)};
#undef KPI_NAME_C

const char *const kpi_metric_names[KPI_NMETRICS] = {"handling", "intake_to_dispatch",
                                                    "dispatch_to_response", "response_to_reply"};

/* ---- histograms ---- */

int kpi_bin(int64_t seconds)
{
    int b;

    if (seconds < 60)
        return 0;
    b = 1 + (int)floor(2.0 * log2((double)seconds / 60.0));
    return b < 1 ? 1 : b >= KPI_BINS ? KPI_BINS - 1 : b;
}

/* Bin b >= 1 holds [60 * 2^((b-1)/2), 60 * 2^(b/2)). */
static double bin_lo(int b)
{
    return b == 0 ? 0.0 : 60.0 * pow(2.0, (b - 1) / 2.0);
}

static double bin_hi(int b)
{
    return b == 0 ? 60.0 : 60.0 * pow(2.0, b / 2.0);
}

double kpi_quantile(const int64_t bins[KPI_BINS], double q)
{
    int64_t total = 0, before = 0, rank;
    double frac;

    for (int b = 0; b < KPI_BINS; b++)
        total += bins[b];
    if (total <= 0)
        return NAN;
    rank = (int64_t)ceil(q * (double)total);
    rank = rank < 1 ? 1 : rank;
    for (int b = 0; b < KPI_BINS; b++) {
        if (before + bins[b] < rank) {
            before += bins[b];
            continue;
        }
        /* the rank's place inside its bin, spread evenly (linearly in the first bin,
           geometrically in the others, whose widths grow geometrically) */
        frac = ((double)(rank - before) - 0.5) / (double)bins[b];
        if (b == 0)
            return bin_hi(0) * frac;
        return bin_lo(b) * pow(bin_hi(b) / bin_lo(b), frac);
    }
    return NAN;
}

/* ---- the accumulator ---- */

struct kkey {
    int64_t a, b, c;
    bool used;
};

struct kmap {
    size_t cap, n, vsize;
    struct kkey *keys;
    unsigned char *vals;
};

struct kpi_acc {
    struct kmap counts, hist, roles;
};

static uint64_t khash(int64_t a, int64_t b, int64_t c)
{
    uint64_t h = (uint64_t)a * 0x9E3779B97F4A7C15u;

    h ^= (uint64_t)b + 0x7F4A7C159E3779B9u + (h << 6) + (h >> 2);
    h ^= (uint64_t)c * 0xC2B2AE3D27D4EB4Fu + (h << 6) + (h >> 2);
    h ^= h >> 31;
    return h * 0xBF58476D1CE4E5B9u;
}

static void kmap_release(struct kmap *m)
{
    free(m->keys);
    free(m->vals);
}

static size_t kmap_find(const struct kmap *m, int64_t a, int64_t b, int64_t c)
{
    size_t i = khash(a, b, c) & (m->cap - 1);

    while (m->keys[i].used && (m->keys[i].a != a || m->keys[i].b != b || m->keys[i].c != c))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int kmap_grow(struct kmap *m)
{
    struct kmap g = {m->cap ? m->cap * 2 : 256, 0, m->vsize, NULL, NULL};

    g.keys = calloc(g.cap, sizeof(*g.keys));
    g.vals = calloc(g.cap, g.vsize);
    if (!g.keys || !g.vals) {
        kmap_release(&g);
        return GZ_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        size_t k;
        if (!m->keys[i].used)
            continue;
        k = kmap_find(&g, m->keys[i].a, m->keys[i].b, m->keys[i].c);
        g.keys[k] = m->keys[i];
        memcpy(g.vals + k * g.vsize, m->vals + i * m->vsize, m->vsize);
        g.n++;
    }
    kmap_release(m);
    *m = g;
    return 0;
}

/* The value block of a key, created zeroed; NULL when out of memory. */
static int64_t *kmap_at(struct kmap *m, int64_t a, int64_t b, int64_t c)
{
    size_t i;

    if ((m->n + 1) * 2 > m->cap && kmap_grow(m))
        return NULL;
    i = kmap_find(m, a, b, c);
    if (!m->keys[i].used) {
        m->keys[i] = (struct kkey){a, b, c, true};
        m->n++;
    }
    return (int64_t *)(void *)(m->vals + i * m->vsize);
}

static bool all_zero(const int64_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i])
            return false;
    return true;
}

struct kpi_acc *kpi_acc_new(void)
{
    struct kpi_acc *a = calloc(1, sizeof(*a));

    if (!a)
        return NULL;
    a->counts.vsize = sizeof(struct kpi_counts);
    a->hist.vsize = KPI_BINS * sizeof(int64_t);
    a->roles.vsize = sizeof(struct kpi_role_counts);
    return a;
}

void kpi_acc_free(struct kpi_acc *a)
{
    if (!a)
        return;
    kmap_release(&a->counts);
    kmap_release(&a->hist);
    kmap_release(&a->roles);
    free(a);
}

size_t kpi_acc_entries(const struct kpi_acc *a)
{
    return a->counts.n + a->hist.n + a->roles.n;
}

int kpi_acc_each(const struct kpi_acc *a, kpi_counts_fn fn, void *ctx)
{
    const struct kmap *m = &a->counts;
    int rc;

    for (size_t i = 0; i < m->cap; i++) {
        const struct kpi_counts *v = (const void *)(m->vals + i * m->vsize);
        if (!m->keys[i].used || all_zero(v->v, KPI_NCOUNTERS))
            continue;
        rc = fn(ctx, m->keys[i].a, (int)m->keys[i].c, m->keys[i].b, v);
        if (rc)
            return rc;
    }
    return 0;
}

int kpi_acc_each_hist_row(const struct kpi_acc *a, kpi_hist_row_fn fn, void *ctx)
{
    const struct kmap *m = &a->hist;
    int rc;

    for (size_t i = 0; i < m->cap; i++) {
        const int64_t *bins = (const void *)(m->vals + i * m->vsize);
        int64_t c = m->keys[i].c;
        if (!m->keys[i].used || all_zero(bins, KPI_BINS))
            continue;
        rc = fn(ctx, m->keys[i].a, (int)(c >> 8), m->keys[i].b, (int)(c & 0xff), bins);
        if (rc)
            return rc;
    }
    return 0;
}

struct bins_walk {
    kpi_hist_fn fn;
    void *ctx;
};

static int each_bin(void *ctx, int64_t unit, int basis, int64_t day, int metric,
                    const int64_t *bins)
{
    struct bins_walk *w = ctx;
    int rc;

    for (int b = 0; b < KPI_BINS; b++)
        if (bins[b] && (rc = w->fn(w->ctx, unit, basis, day, metric, b, bins[b])) != 0)
            return rc;
    return 0;
}

int kpi_acc_each_hist(const struct kpi_acc *a, kpi_hist_fn fn, void *ctx)
{
    struct bins_walk w = {fn, ctx};

    return kpi_acc_each_hist_row(a, each_bin, &w);
}

int kpi_acc_each_role(const struct kpi_acc *a, kpi_role_fn fn, void *ctx)
{
    const struct kmap *m = &a->roles;
    int rc;

    for (size_t i = 0; i < m->cap; i++) {
        const struct kpi_role_counts *v = (const void *)(m->vals + i * m->vsize);
        if (!m->keys[i].used || all_zero(v->v, KPI_NROLE_COUNTERS))
            continue;
        rc = fn(ctx, m->keys[i].a, m->keys[i].b, v);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- facts of a case ---- */

/* One unit the case counts for, and how (level: of an area unit, 0 otherwise). */
struct target {
    int64_t unit;
    int basis;
    int level;
};

/* Adds into one target, remembering the first allocation failure. A case has a handful of
   moments, each counted for several units: their local days are worked out once. */
#define ADDER_DAYS 8
struct adder {
    struct kpi_acc *acc;
    int sign;
    int rc;
    size_t n;
    int64_t at[ADDER_DAYS], day[ADDER_DAYS];
};

static int64_t ad_day(struct adder *ad, int64_t at)
{
    size_t i;

    for (i = 0; i < ad->n; i++)
        if (ad->at[i] == at)
            return ad->day[i];
    i = ad->n < ADDER_DAYS ? ad->n++ : (size_t)(at & (ADDER_DAYS - 1));
    ad->at[i] = at;
    ad->day[i] = day_of(at);
    return ad->day[i];
}

static void add(struct adder *ad, const struct target *t, int64_t at, enum kpi_counter k, int64_t v)
{
    int64_t *vals;

    if (!v)
        return;
    vals = kmap_at(&ad->acc->counts, t->unit, ad_day(ad, at), t->basis);
    if (!vals) {
        ad->rc = GZ_ENOMEM;
        return;
    }
    vals[k] += ad->sign * v;
}

static void add_hist(struct adder *ad, const struct target *t, int64_t at, enum kpi_metric m,
                     int64_t from, int64_t to)
{
    int64_t *n;

    /* co-units do not act on the case: their durations are the lead's; communities and grids
       are too many to keep histograms for (means only) */
    if (t->basis == KPI_CO || t->level > KPI_HIST_LEVEL || !from || !to)
        return;
    n = kmap_at(&ad->acc->hist, t->unit, ad_day(ad, at), ((int64_t)t->basis << 8) | m);
    if (!n) {
        ad->rc = GZ_ENOMEM;
        return;
    }
    n[kpi_bin(to > from ? to - from : 0)] += ad->sign;
}

/* The moment a whistled unit had to report by. */
static int64_t report_due(const struct kpi_party *p, const struct kpi_limits *lim)
{
    return p->report_by ? p->report_by : p->asked_at + lim->whistle_s;
}

/* A whistled unit let go before it was due, without reporting, is not held to it. */
static bool excused(const struct kpi_party *p, const struct kpi_limits *lim)
{
    return p->role == KPI_PARTY_WHISTLED && p->released_at && !p->reported_at &&
           p->released_at <= report_due(p, lim);
}

/* Co-units of dispatch, whistled units held to their report, claimants still on it. */
static bool is_co(const struct kpi_case *c, const struct kpi_party *p, const struct kpi_limits *lim)
{
    if (p->unit_id == c->lead_unit_id)
        return false;
    switch (p->role) {
    case KPI_PARTY_CO: return true;
    case KPI_PARTY_WHISTLED: return !excused(p, lim);
    case KPI_PARTY_CLAIMANT: return !p->dropped;
    default: return false;
    }
}

static bool has_co(const struct kpi_case *c, const struct kpi_limits *lim)
{
    for (size_t i = 0; i < c->n_parties; i++)
        if (is_co(c, &c->parties[i], lim))
            return true;
    return false;
}

/* The facts of the case's handling, for its lead, a co-unit or an area. */
static void handling_facts(struct adder *ad, const struct kpi_case *c, const struct target *t,
                           const struct kpi_limits *lim)
{
    bool ontime = c->accepted_at && (!c->respond_by || c->accepted_at <= c->respond_by);
    bool closed = c->status == CASE_CLOSED && c->closed_at;

    add(ad, t, c->dispatched_at, KPI_C_dispatched, 1);
    add(ad, t, c->dispatched_at, KPI_C_accepted_ontime, ontime);
    add(ad, t, c->dispatched_at, KPI_C_joint, has_co(c, lim));
    add_hist(ad, t, c->dispatched_at, KPI_M_TO_DISPATCH, c->created_at, c->dispatched_at);
    add_hist(ad, t, c->dispatched_at, KPI_M_TO_RESPONSE, c->dispatched_at, c->accepted_at);
    if (c->resolve_by) {
        add(ad, t, c->resolve_by, KPI_C_due, 1);
        add(ad, t, c->resolve_by, KPI_C_due_closed, closed);
        add(ad, t, c->resolve_by, KPI_C_due_closed_ontime, closed && c->closed_at <= c->resolve_by);
    }
    if (c->resolved_at) {
        int64_t took = c->resolved_at > c->dispatched_at ? c->resolved_at - c->dispatched_at : 0;
        add(ad, t, c->resolved_at, KPI_C_resolved, 1);
        add(ad, t, c->resolved_at, KPI_C_reworked, c->rework_count > 0);
        add(ad, t, c->resolved_at, KPI_C_handling_n, 1);
        add(ad, t, c->resolved_at, KPI_C_handling_s, took);
        add_hist(ad, t, c->resolved_at, KPI_M_HANDLING, c->dispatched_at, c->resolved_at);
        if (c->accepted_at && c->accepted_at <= c->resolved_at)
            add_hist(ad, t, c->resolved_at, KPI_M_TO_REPLY, c->accepted_at, c->resolved_at);
    }
}

static void closing_facts(struct adder *ad, const struct kpi_case *c, const struct target *t)
{
    bool rated = c->satisfaction != SAT_NONE;

    add(ad, t, c->closed_at, KPI_C_closed, 1);
    add(ad, t, c->closed_at, KPI_C_rated, rated);
    add(ad, t, c->closed_at, KPI_C_contacted, rated && c->contacted == 1);
    add(ad, t, c->closed_at, KPI_C_solved, rated && c->solved == 1);
    add(ad, t, c->closed_at, KPI_C_satisfied, rated && c->satisfaction == SAT_SATISFIED);
    add(ad, t, c->closed_at, KPI_C_basic, rated && c->satisfaction == SAT_BASIC);
}

static void party_facts(struct adder *ad, const struct kpi_case *c, const struct kpi_party *p,
                        const struct target *t, const struct kpi_limits *lim)
{
    bool in_time = p->reported_at && p->reported_at <= report_due(p, lim);

    (void)c;
    if (!p->asked_at || excused(p, lim) || (p->role == KPI_PARTY_CLAIMANT && p->dropped))
        return;
    if (p->role == KPI_PARTY_WHISTLED) {
        add(ad, t, p->asked_at, KPI_C_whistled, 1);
        add(ad, t, p->asked_at, KPI_C_whistle_ok, in_time);
    } else if (p->role == KPI_PARTY_CLAIMANT) {
        add(ad, t, p->asked_at, KPI_C_claims, 1);
        add(ad, t, p->asked_at, KPI_C_claims_done, p->done);
    }
}

/* lead, co-units, then the areas and the whole platform; returns how many */
static size_t case_targets(const struct kpi_case *c, struct target *t, const struct kpi_limits *lim)
{
    size_t n = 0;

    if (c->lead_unit_id)
        t[n++] = (struct target){c->lead_unit_id, KPI_LEAD, 0};
    for (size_t i = 0; i < c->n_parties && i < KPI_MAX_PARTIES; i++)
        if (is_co(c, &c->parties[i], lim))
            t[n++] = (struct target){c->parties[i].unit_id, KPI_CO, 0};
    for (int level = 1; level <= 4; level++)
        if (c->area[level])
            t[n++] = (struct target){c->area[level], KPI_AREA, level};
    t[n++] = (struct target){KPI_CITY, KPI_AREA, 0};
    return n;
}

int kpi_case_facts(struct kpi_acc *a, const struct kpi_case *c, int sign,
                   const struct kpi_limits *lim)
{
    struct target t[KPI_MAX_PARTIES + 6];
    struct adder ad = {.acc = a, .sign = sign};
    bool dispatched = c->lead_unit_id && c->dispatched_at;
    size_t n;

    if (c->status == CASE_MERGED || c->status == CASE_INVALID)
        return 0;
    n = case_targets(c, t, lim);
    for (size_t i = 0; i < n; i++) {
        if (t[i].basis == KPI_AREA) {
            add(&ad, &t[i], c->created_at, KPI_C_received, 1);
            add(&ad, &t[i], c->created_at, KPI_C_answered,
                c->status == CASE_CLOSED && !c->dispatched_at);
        }
        if (dispatched)
            handling_facts(&ad, c, &t[i], lim);
        if (c->status == CASE_CLOSED && c->closed_at && (t[i].basis == KPI_AREA || dispatched))
            closing_facts(&ad, c, &t[i]);
    }
    for (size_t p = 0; p < c->n_parties && p < KPI_MAX_PARTIES; p++) {
        struct target own = {c->parties[p].unit_id, KPI_LEAD, 0};
        party_facts(&ad, c, &c->parties[p], &own, lim);
        for (size_t i = 0; i < n; i++)
            if (t[i].basis == KPI_AREA)
                party_facts(&ad, c, &c->parties[p], &t[i], lim);
    }
    return ad.rc;
}

/* ---- facts of an event ---- */

static int role_add(struct kpi_acc *a, int64_t account, int64_t at, enum kpi_role_counter k,
                    int64_t v)
{
    int64_t *vals;

    if (!account || !v)
        return 0;
    vals = kmap_at(&a->roles, account, day_of(at), 0);
    if (!vals)
        return GZ_ENOMEM;
    vals[k] += v;
    return 0;
}

static int dispatch_facts(struct kpi_acc *a, const struct kpi_event *e,
                          const struct kpi_limits *lim)
{
    struct adder ad = {.acc = a, .sign = 1};
    struct target t = {e->unit_id, KPI_LEAD, 0};
    bool ontime = e->case_created && e->at - e->case_created <= lim->dispatch_s;
    int rc;

    if (e->unit_id)
        add(&ad, &t, e->at, KPI_C_dispatches, 1);
    rc = ad.rc || role_add(a, e->actor, e->at, KPI_R_dispatches, 1);
    if (!rc && e->first_dispatch)
        rc = role_add(a, e->actor, e->at, KPI_R_first_dispatches, 1) ||
             role_add(a, e->actor, e->at, KPI_R_first_ontime, ontime);
    if (!rc && e->first_dispatch && e->intake_has_class)
        rc = role_add(a, e->intake_actor, e->at, KPI_R_class_checked, 1) ||
             role_add(a, e->intake_actor, e->at, KPI_R_class_kept, e->class_kept);
    return rc ? GZ_ENOMEM : 0;
}

int kpi_event_facts(struct kpi_acc *a, const struct kpi_event *e, const struct kpi_limits *lim)
{
    struct adder ad = {.acc = a, .sign = 1};
    struct target t = {e->unit_id, KPI_LEAD, 0};
    bool ontime;

    switch (e->kind) {
    case KPI_EV_CREATED:
        return role_add(a, e->actor, e->at, KPI_R_taken_in, 1) ||
                       role_add(a, e->actor, e->at, KPI_R_with_category, e->intake_has_class)
                   ? GZ_ENOMEM
                   : 0;
    case KPI_EV_ANSWER: return role_add(a, e->actor, e->at, KPI_R_answered, 1);
    case KPI_EV_DISPATCH:
    case KPI_EV_REDISPATCH: return dispatch_facts(a, e, lim);
    case KPI_EV_RETURN:
        if (e->unit_id)
            add(&ad, &t, e->at, KPI_C_returns, 1);
        return ad.rc ? ad.rc : role_add(a, e->dispatcher, e->at, KPI_R_returned, 1);
    case KPI_EV_VERIFY:
        ontime = e->replied_at && e->at - e->replied_at <= lim->verify_s;
        return role_add(a, e->actor, e->at, KPI_R_verifications, 1) ||
                       role_add(a, e->actor, e->at, KPI_R_verify_ontime, ontime) ||
                       role_add(a, e->actor, e->at, KPI_R_verify_passed, e->pass)
                   ? GZ_ENOMEM
                   : 0;
    default: return 0;
    }
}

void kpi_counts_add(struct kpi_counts *sum, const struct kpi_counts *c)
{
    for (int i = 0; i < KPI_NCOUNTERS; i++)
        sum->v[i] += c->v[i];
}

void kpi_role_counts_add(struct kpi_role_counts *sum, const struct kpi_role_counts *c)
{
    for (int i = 0; i < KPI_NROLE_COUNTERS; i++)
        sum->v[i] += c->v[i];
}

void kpi_hist_add(struct kpi_hist *sum, int metric, int bin, int64_t n)
{
    if (metric >= 0 && metric < KPI_NMETRICS && bin >= 0 && bin < KPI_BINS)
        sum->n[metric][bin] += n;
}

/* ---- indicators ---- */

static const char *const indicator_names[KPI_NINDICATORS] = {
    "response_rate",       "resolution_rate",     "satisfaction_rate", "closure_rate",
    "ontime_closure_rate", "rework_rate",         "return_rate",       "whistle_report_rate",
    "joint_share",         "first_contact_share",
};

const char *kpi_indicator_name(enum kpi_indicator i)
{
    return (unsigned)i < KPI_NINDICATORS ? indicator_names[i] : "unknown";
}

int kpi_indicator_parse(const char *s)
{
    for (int i = 0; i < KPI_NINDICATORS; i++)
        if (strcmp(s, indicator_names[i]) == 0)
            return i;
    return -1;
}

static double ratio(double num, int64_t den)
{
    return den > 0 ? num / (double)den : NAN;
}

double kpi_rate(const struct kpi_counts *c, enum kpi_indicator i)
{
    const int64_t *v = c->v;

    switch (i) {
    case KPI_RESPONSE:
        /* DESIGN §6: from the revisits; without any, the acceptances in time */
        return v[KPI_C_rated] ? ratio((double)v[KPI_C_contacted], v[KPI_C_rated])
                              : ratio((double)v[KPI_C_accepted_ontime], v[KPI_C_dispatched]);
    case KPI_RESOLUTION: return ratio((double)v[KPI_C_solved], v[KPI_C_rated]);
    case KPI_SATISFACTION:
        return ratio((double)v[KPI_C_satisfied] + 0.9 * (double)v[KPI_C_basic], v[KPI_C_rated]);
    case KPI_CLOSURE: return ratio((double)v[KPI_C_due_closed], v[KPI_C_due]);
    case KPI_ONTIME_CLOSURE: return ratio((double)v[KPI_C_due_closed_ontime], v[KPI_C_due]);
    case KPI_REWORK: return ratio((double)v[KPI_C_reworked], v[KPI_C_resolved]);
    case KPI_RETURN: return ratio((double)v[KPI_C_returns], v[KPI_C_dispatches]);
    case KPI_WHISTLE: return ratio((double)v[KPI_C_whistle_ok], v[KPI_C_whistled]);
    case KPI_JOINT: return ratio((double)v[KPI_C_joint], v[KPI_C_dispatched]);
    case KPI_FIRST_CONTACT: return ratio((double)v[KPI_C_answered], v[KPI_C_received]);
    default: return NAN;
    }
}

double kpi_mean_handling(const struct kpi_counts *c)
{
    return ratio((double)c->v[KPI_C_handling_s], c->v[KPI_C_handling_n]);
}

static const char *const role_indicator_names[KPI_NROLE_INDICATORS] = {
    "answered_share",         "classification_accuracy",  "ontime_dispatch_rate",
    "accurate_dispatch_rate", "ontime_verification_rate",
};

const char *kpi_role_indicator_name(enum kpi_role_indicator i)
{
    return (unsigned)i < KPI_NROLE_INDICATORS ? role_indicator_names[i] : "unknown";
}

double kpi_role_rate(const struct kpi_role_counts *c, enum kpi_role_indicator i)
{
    const int64_t *v = c->v;

    switch (i) {
    case KPI_ANSWERED_SHARE: return ratio((double)v[KPI_R_answered], v[KPI_R_taken_in]);
    case KPI_CLASS_ACCURACY: return ratio((double)v[KPI_R_class_kept], v[KPI_R_class_checked]);
    case KPI_ONTIME_DISPATCH:
        return ratio((double)v[KPI_R_first_ontime], v[KPI_R_first_dispatches]);
    case KPI_ACCURATE_DISPATCH:
        return ratio((double)(v[KPI_R_dispatches] - v[KPI_R_returned]), v[KPI_R_dispatches]);
    case KPI_ONTIME_VERIFY: return ratio((double)v[KPI_R_verify_ontime], v[KPI_R_verifications]);
    default: return NAN;
    }
}

double kpi_score(const struct kpi_counts *c, const struct kpi_config *cfg)
{
    double sum = 0.0;

    for (size_t i = 0; i < cfg->n_weights; i++) {
        double r;
        if (cfg->weights[i].weight <= 0.0)
            continue;
        r = kpi_rate(c, cfg->weights[i].indicator);
        if (isnan(r))
            return NAN;
        sum += cfg->weights[i].weight * r;
    }
    return cfg->n_weights ? 100.0 * sum : NAN;
}

/* ---- ranking ---- */

static int rank_cmp(const void *pa, const void *pb)
{
    const struct kpi_rank_item *a = pa, *b = pb;

    if (isnan(a->score) != isnan(b->score))
        return isnan(a->score) ? 1 : -1;
    if (!isnan(a->score) && a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->volume != b->volume)
        return a->volume > b->volume ? -1 : 1;
    return strcmp(a->code ? a->code : "", b->code ? b->code : "");
}

void kpi_rank(struct kpi_rank_item *items, size_t n)
{
    if (n > 1)
        qsort(items, n, sizeof(*items), rank_cmp);
    for (size_t i = 0; i < n; i++) {
        if (isnan(items[i].score))
            items[i].rank = 0;
        else if (i > 0 && items[i].score == items[i - 1].score &&
                 items[i].volume == items[i - 1].volume)
            items[i].rank = items[i - 1].rank;
        else
            items[i].rank = (int)i + 1;
    }
}
