/*
 * kpi.h - performance of units and roles (DESIGN §6): which facts each case
 * and each event counts toward, the indicators and the composite score made
 * from them, rankings, and the city's assessment settings. Pure: the store
 * feeds cases and events in and keeps the sums.
 *
 * Facts. Every figure is a sum of small counters kept per (unit, basis,
 * local day), so a period is a range of days and any period adds up the same
 * way. A case counts, while it is neither merged (its parent counts for it)
 * nor invalid, for
 *   - its lead unit (basis lead) and each co-unit (basis co): the lead is the
 *     unit the case is with now;
 *   - each territorial unit containing it (basis area: district, street,
 *     community, grid) and the whole platform (basis area, unit KPI_CITY);
 * on the day of the moment that makes each fact:
 *   created_at    received; answered (closed without ever being dispatched)   [area only]
 *   dispatched_at dispatched; accepted_ontime (accepted_at <= respond_by); joint (has co-units)
 *   closed_at     closed; rated (a revisit was recorded); contacted; solved; satisfied; basic
 *   resolve_by    due (to close in the period); due_closed; due_closed_ontime (closed_at <=
 * resolve_by) resolved_at   resolved; reworked (rework_count > 0); handling_n, handling_s (dispatch
 * to reply) A whistled unit counts whistled and whistle_ok (reported by its report_by, or within
 * the whistle limit when it has none) on the day it was asked, unless it was released before it
 * was due without reporting (excused); a claimant counts claims and claims_done, unless it gave
 * the case back; both for the unit (basis lead) and the case's areas. Whistled units (not
 * excused) and claimants (not dropped) are co-units of the case like those of dispatch. Events add,
 * for the unit they name (basis lead): dispatches (a dispatch or redispatch to it) and returns (it
 * returned a case).
 *
 * Durations (handling and the three stages intake->dispatch, dispatch->response,
 * response->reply) also go into histograms of KPI_BINS bins, two per octave from one
 * minute, from which medians and p90s are read to within a factor 2^(1/4) (under a
 * minute: to the minute). Histograms are kept for leads, districts, streets and the whole
 * platform; communities and grids, being many, get means only.
 *
 * Roles (per account and day, from events): operators take in (taken_in, with_category,
 * answered, and class_checked / class_kept: the first dispatch kept the category the
 * operator gave); dispatchers dispatch (dispatches, first_dispatches, first_ontime within
 * the dispatch limit of intake, returned: a return of the case they dispatched last);
 * grid workers and supervisors verify (verifications, verify_ontime within the verify
 * limit of the reply, verify_passed).
 */
#ifndef GZ_KPI_H
#define GZ_KPI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/case.h"

struct gz_err;

enum kpi_basis { KPI_LEAD = 0, KPI_CO = 1, KPI_AREA = 2, KPI_BASIS_COUNT };
#define KPI_CITY 0 /* unit id of the platform-wide (area) facts */

#define KPI_COUNTERS(X)                                                                            \
    X(received)                                                                                    \
    X(answered)                                                                                    \
    X(dispatched)                                                                                  \
    X(accepted_ontime)                                                                             \
    X(joint)                                                                                       \
    X(closed)                                                                                      \
    X(rated)                                                                                       \
    X(contacted)                                                                                   \
    X(solved)                                                                                      \
    X(satisfied)                                                                                   \
    X(basic)                                                                                       \
    X(due)                                                                                         \
    X(due_closed)                                                                                  \
    X(due_closed_ontime)                                                                           \
    X(resolved)                                                                                    \
    X(reworked)                                                                                    \
    X(handling_n)                                                                                  \
    X(handling_s)                                                                                  \
    X(whistled)                                                                                    \
    X(whistle_ok)                                                                                  \
    X(claims)                                                                                      \
    X(claims_done)                                                                                 \
    X(dispatches)                                                                                  \
    X(returns)

#define KPI_ROLE_COUNTERS(X)                                                                       \
    X(taken_in)                                                                                    \
    X(with_category)                                                                               \
    X(class_checked)                                                                               \
    X(class_kept)                                                                                  \
    X(answered)                                                                                    \
    X(dispatches)                                                                                  \
    X(first_dispatches)                                                                            \
    X(first_ontime)                                                                                \
    X(returned)                                                                                    \
    X(verifications)                                                                               \
    X(verify_ontime)                                                                               \
    X(verify_passed)

#define KPI_ENUM_C(n) KPI_C_##n,
#define KPI_ENUM_R(n) KPI_R_##n,
enum kpi_counter { KPI_COUNTERS(KPI_ENUM_C) KPI_NCOUNTERS };
enum kpi_role_counter { KPI_ROLE_COUNTERS(KPI_ENUM_R) KPI_NROLE_COUNTERS };
#undef KPI_ENUM_C
#undef KPI_ENUM_R

/* Column names, in counter order. */
extern const char *const kpi_counter_names[KPI_NCOUNTERS];
extern const char *const kpi_role_counter_names[KPI_NROLE_COUNTERS];

struct kpi_counts {
    int64_t v[KPI_NCOUNTERS];
};
struct kpi_role_counts {
    int64_t v[KPI_NROLE_COUNTERS];
};

enum kpi_metric {
    KPI_M_HANDLING,    /* dispatch to reply */
    KPI_M_TO_DISPATCH, /* intake to dispatch */
    KPI_M_TO_RESPONSE, /* dispatch to acceptance */
    KPI_M_TO_REPLY,    /* acceptance to reply */
    KPI_NMETRICS
};
#define KPI_BINS 64
#define KPI_HIST_LEVEL 2 /* the deepest territorial level with histograms (street) */
struct kpi_hist {
    int64_t n[KPI_NMETRICS][KPI_BINS];
};
extern const char *const kpi_metric_names[KPI_NMETRICS];

/* The bin of a duration: 0 for under a minute, then two per octave. */
int kpi_bin(int64_t seconds);
/* The q-quantile (0..1) of a histogram's durations, NAN when it is empty. */
double kpi_quantile(const int64_t bins[KPI_BINS], double q);

/* ---- what the facts are made from ---- */

enum kpi_party_role { KPI_PARTY_CO, KPI_PARTY_WHISTLED, KPI_PARTY_CLAIMANT, KPI_PARTY_OTHER };
#define KPI_MAX_PARTIES 32

struct kpi_party {
    int64_t unit_id;
    enum kpi_party_role role;
    bool done; /* a claimant finished its task */
    int64_t asked_at, reported_at;
    int64_t report_by;   /* whistled: its own deadline (0: asked_at + the whistle limit) */
    int64_t released_at; /* whistled: let go by the whistling unit */
    bool dropped;        /* a claimant that gave the case back */
};

/* A case as its facts see it (times UTC seconds, 0 = none). */
struct kpi_case {
    enum case_status status;
    int64_t lead_unit_id;
    int64_t created_at, dispatched_at, accepted_at, resolved_at, closed_at;
    int64_t respond_by, resolve_by;
    int contacted, solved; /* -1 unknown, 0, 1 */
    enum satisfaction satisfaction;
    int rework_count;
    int64_t area[5]; /* by unit_kind_level: 1 district .. 4 grid; 0 = none */
    size_t n_parties;
    struct kpi_party parties[KPI_MAX_PARTIES];
};

enum kpi_event_kind {
    KPI_EV_CREATED,
    KPI_EV_ANSWER,
    KPI_EV_DISPATCH,
    KPI_EV_REDISPATCH,
    KPI_EV_RETURN,
    KPI_EV_VERIFY,
    KPI_EV_OTHER
};

/* An event with what the store knows around it. */
struct kpi_event {
    enum kpi_event_kind kind;
    int64_t at;
    int64_t actor;         /* account */
    int64_t unit_id;       /* dispatch: the new lead; return: the returning unit */
    int64_t case_created;  /* the case's intake time */
    int64_t intake_actor;  /* who took the case in */
    bool intake_has_class; /* an operator gave the category at intake */
    bool class_kept;       /* dispatch: the category is still the intake one */
    bool first_dispatch;   /* dispatch: no dispatch of this case before */
    int64_t dispatcher;    /* return: who dispatched the case last (0 unknown) */
    int64_t replied_at;    /* verify: the reply it checks (0 unknown) */
    bool pass;             /* verify */
};

/* Limits that decide "in time" for whistles and roles (seconds). */
struct kpi_limits {
    int64_t whistle_s;
    int64_t dispatch_s;
    int64_t verify_s;
};

/* ---- sums ---- */

/*
 * An accumulator: (unit, basis, day) -> counters, (unit, basis, day, metric,
 * bin) -> count, (account, day) -> role counters. Entries whose values all
 * cancel to zero are skipped by the walks.
 */
struct kpi_acc;
struct kpi_acc *kpi_acc_new(void);
void kpi_acc_free(struct kpi_acc *a);
size_t kpi_acc_entries(const struct kpi_acc *a);

typedef int (*kpi_counts_fn)(void *ctx, int64_t unit, int basis, int64_t day,
                             const struct kpi_counts *c);
typedef int (*kpi_hist_fn)(void *ctx, int64_t unit, int basis, int64_t day, int metric, int bin,
                           int64_t n);
typedef int (*kpi_role_fn)(void *ctx, int64_t account, int64_t day,
                           const struct kpi_role_counts *c);
/* One histogram: the KPI_BINS counts of a (unit, basis, day, metric). */
typedef int (*kpi_hist_row_fn)(void *ctx, int64_t unit, int basis, int64_t day, int metric,
                               const int64_t *bins);
/* Walk the non-zero entries; a nonzero return from fn stops the walk and is returned. */
int kpi_acc_each(const struct kpi_acc *a, kpi_counts_fn fn, void *ctx);
int kpi_acc_each_hist(const struct kpi_acc *a, kpi_hist_fn fn, void *ctx); /* bin by bin */
int kpi_acc_each_hist_row(const struct kpi_acc *a, kpi_hist_row_fn fn, void *ctx);
int kpi_acc_each_role(const struct kpi_acc *a, kpi_role_fn fn, void *ctx);

/* Add (sign 1) or take back (sign -1) every fact of case c. GZ_ENOMEM. */
int kpi_case_facts(struct kpi_acc *a, const struct kpi_case *c, int sign,
                   const struct kpi_limits *lim) __attribute__((warn_unused_result));
/* Add the facts of one event (events never change, so they are only added). */
int kpi_event_facts(struct kpi_acc *a, const struct kpi_event *e, const struct kpi_limits *lim)
    __attribute__((warn_unused_result));

void kpi_counts_add(struct kpi_counts *sum, const struct kpi_counts *c);
void kpi_role_counts_add(struct kpi_role_counts *sum, const struct kpi_role_counts *c);
void kpi_hist_add(struct kpi_hist *sum, int metric, int bin, int64_t n);

/* ---- indicators ---- */

enum kpi_indicator {
    KPI_RESPONSE,       /* contacted / rated; without ratings accepted_ontime / dispatched */
    KPI_RESOLUTION,     /* solved / rated */
    KPI_SATISFACTION,   /* (satisfied + 0.9 basic) / rated */
    KPI_CLOSURE,        /* due_closed / due */
    KPI_ONTIME_CLOSURE, /* due_closed_ontime / due */
    KPI_REWORK,         /* reworked / resolved */
    KPI_RETURN,         /* returns / dispatches */
    KPI_WHISTLE,        /* whistle_ok / whistled */
    KPI_JOINT,          /* joint / dispatched */
    KPI_FIRST_CONTACT,  /* answered / received */
    KPI_NINDICATORS
};
const char *kpi_indicator_name(enum kpi_indicator i);
int kpi_indicator_parse(const char *s); /* -1 when unknown */
/* A rate in [0, 1], NAN when its denominator is 0 (shown as null, never 0). */
double kpi_rate(const struct kpi_counts *c, enum kpi_indicator i);
/* Mean dispatch-to-reply seconds, NAN without any reply. */
double kpi_mean_handling(const struct kpi_counts *c);

enum kpi_role_indicator {
    KPI_ANSWERED_SHARE,    /* answered / taken_in */
    KPI_CLASS_ACCURACY,    /* class_kept / class_checked */
    KPI_ONTIME_DISPATCH,   /* first_ontime / first_dispatches */
    KPI_ACCURATE_DISPATCH, /* (dispatches - returned) / dispatches */
    KPI_ONTIME_VERIFY,     /* verify_ontime / verifications */
    KPI_NROLE_INDICATORS
};
const char *kpi_role_indicator_name(enum kpi_role_indicator i);
double kpi_role_rate(const struct kpi_role_counts *c, enum kpi_role_indicator i);

/* ---- the city's settings ---- */

#define KPI_MAX_WEIGHTS KPI_NINDICATORS

struct kpi_config {
    int start_day; /* first day of the assessment month, 1..28 */
    size_t n_weights;
    struct {
        enum kpi_indicator indicator;
        double weight;
    } weights[KPI_MAX_WEIGHTS];
    double flag_below; /* scores under it are flagged for supervision; NAN: never */
    struct kpi_limits limits;
    /* proactive governance */
    double hex_m;          /* hexagon width across its flat sides, metres */
    int hot_weeks;         /* weeks of baseline */
    int hot_min_count;     /* fewest cases in a week to flag */
    double hot_p;          /* Poisson upper tail below which a count is improbable */
    double recur_radius_m; /* recurring locations: radius */
    int recur_days;        /* ... window */
    int recur_min;         /* ... fewest reports */
};

/* Defaults: months from the 1st; response 0.10, resolution 0.50, satisfaction 0.40; flag
   below 60; whistles 30 min, dispatch 2 h, verify 24 h; 250 m hexagons, 8 weeks, at least 5
   cases, p < 0.01; recurring: 3 reports within 50 m in 30 days. */
void kpi_config_default(struct kpi_config *c);
/* Apply the members of o onto c (a PUT of some settings); 422 naming the member. */
int kpi_config_apply(struct kpi_config *c, const json_t *o, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Every setting as JSON (what kpi_config_apply reads back). */
json_t *kpi_config_json(const struct kpi_config *c);
/* The limits as text, to tell when the stored facts were counted with others. */
void kpi_limits_key(const struct kpi_limits *l, char *out, size_t size);

/* 100 x the weighted sum of the rates; NAN when a weighted rate is null. */
double kpi_score(const struct kpi_counts *c, const struct kpi_config *cfg);

/* ---- ranking ---- */

struct kpi_rank_item {
    double score;     /* NAN: unranked */
    int64_t volume;   /* breaks ties: more cases first */
    const char *code; /* then the code, for a stable order */
    size_t index;     /* the caller's */
    int rank;         /* out: 1.., equal for equal score and volume; 0 when unranked */
};
/* Sort by score (high first), then volume, then code; unranked last. */
void kpi_rank(struct kpi_rank_item *items, size_t n);

#endif
