/*
 * Tests of src/core/kpi.c and kpi_config.c: every indicator of DESIGN §6
 * computed by hand on small cases, null denominators, co-units, merged and
 * invalid cases, taking a case back, role facts from events, histograms,
 * the composite score, ranking ties and the settings.
 */
#include "gz.h"

#include <math.h>
#include <stdlib.h>

#include "core/kpi.h"
#include "core/period.h"
#include "t.h"

#define H 3600
#define DAY 86400
/* 2026-11-02 00:00 UTC, a Monday; tests run on UTC days */
#define T0 1793577600

static const struct kpi_limits lim = {30 * 60, 2 * H, 24 * H};

struct sum {
    int64_t unit;
    int basis;
    int64_t from, to;
    struct kpi_counts c;
    struct kpi_hist h;
    size_t entries;
};

static int sum_counts(void *ctx, int64_t unit, int basis, int64_t day, const struct kpi_counts *c)
{
    struct sum *s = ctx;

    s->entries++;
    if (unit == s->unit && basis == s->basis && day >= s->from && day < s->to)
        kpi_counts_add(&s->c, c);
    return 0;
}

static int sum_hist(void *ctx, int64_t unit, int basis, int64_t day, int metric, int bin, int64_t n)
{
    struct sum *s = ctx;

    s->entries++;
    if (unit == s->unit && basis == s->basis && day >= s->from && day < s->to)
        kpi_hist_add(&s->h, metric, bin, n);
    return 0;
}

/* The sums of one unit and basis over [from, to) days. */
static struct sum total(const struct kpi_acc *a, int64_t unit, int basis, int64_t from, int64_t to)
{
    struct sum s;

    memset(&s, 0, sizeof(s));
    s.unit = unit;
    s.basis = basis;
    s.from = from;
    s.to = to;
    ck_assert_int_eq(kpi_acc_each(a, sum_counts, &s), 0);
    ck_assert_int_eq(kpi_acc_each_hist(a, sum_hist, &s), 0);
    return s;
}

static struct kpi_case dispatched_case(int64_t lead, int64_t at)
{
    struct kpi_case c;

    memset(&c, 0, sizeof(c));
    c.status = CASE_DISPATCHED;
    c.lead_unit_id = lead;
    c.created_at = at - 600;
    c.dispatched_at = at;
    c.respond_by = at + 2 * H;
    c.resolve_by = at + 4 * DAY;
    c.contacted = c.solved = -1;
    c.area[2] = 50; /* a street */
    return c;
}

static void close_case(struct kpi_case *c, int64_t at, int contacted, int solved,
                       enum satisfaction sat)
{
    c->status = CASE_CLOSED;
    c->closed_at = at;
    c->contacted = contacted;
    c->solved = solved;
    c->satisfaction = sat;
}

static void add(struct kpi_acc *a, const struct kpi_case *c)
{
    ck_assert_int_eq(kpi_case_facts(a, c, 1, &lim), 0);
}

static void assert_rate(const struct kpi_counts *c, enum kpi_indicator i, double want)
{
    double got = kpi_rate(c, i);

    if (isnan(want))
        ck_assert_msg(isnan(got), "%s: want null, got %g", kpi_indicator_name(i), got);
    else
        ck_assert_msg(fabs(got - want) < 1e-12, "%s: want %g, got %g", kpi_indicator_name(i), want,
                      got);
}

/* Three cases with unit 10 as lead in the first week of November (see each). */
static void three_cases(struct kpi_acc *a)
{
    struct kpi_case c;

    /* A: accepted in time, replied in 5 h, closed in time: contacted, solved, satisfied;
       unit 11 was a co-unit */
    c = dispatched_case(10, T0 + 1 * H);
    c.accepted_at = T0 + 2 * H;
    c.resolved_at = T0 + 6 * H;
    c.n_parties = 1;
    c.parties[0] = (struct kpi_party){11, KPI_PARTY_CO, false, T0 + H, 0, 0, 0, false};
    close_case(&c, T0 + DAY, 1, 1, SAT_SATISFIED);
    add(a, &c);
    /* B: accepted in time, reworked once, closed after its deadline: not contacted, solved,
       basic */
    c = dispatched_case(10, T0 + DAY);
    c.accepted_at = T0 + DAY + H;
    c.resolved_at = T0 + 3 * DAY;
    c.rework_count = 1;
    close_case(&c, T0 + 6 * DAY, 0, 1, SAT_BASIC);
    add(a, &c);
    /* C: never accepted, still open, due within the week */
    c = dispatched_case(10, T0 + 2 * DAY);
    add(a, &c);
}

START_TEST(indicators_by_hand)
{
    struct kpi_acc *a = kpi_acc_new();
    struct kpi_config cfg;
    struct sum s;
    int64_t d0 = T0 / DAY;

    setenv("TZ", "UTC", 1);
    tzset();
    three_cases(a);
    s = total(a, 10, KPI_LEAD, d0, d0 + 7);
    ck_assert_int_eq(s.c.v[KPI_C_dispatched], 3);
    ck_assert_int_eq(s.c.v[KPI_C_rated], 2);
    assert_rate(&s.c, KPI_RESPONSE, 0.5);      /* contacted 1 of 2 rated */
    assert_rate(&s.c, KPI_RESOLUTION, 1.0);    /* solved 2 of 2 */
    assert_rate(&s.c, KPI_SATISFACTION, 0.95); /* (1 + 0.9 x 1) / 2 */
    assert_rate(&s.c, KPI_CLOSURE, 2.0 / 3.0); /* A, B, C due in the week; A, B closed */
    assert_rate(&s.c, KPI_ONTIME_CLOSURE, 1.0 / 3.0);
    assert_rate(&s.c, KPI_REWORK, 0.5); /* B of A, B */
    assert_rate(&s.c, KPI_JOINT, 1.0 / 3.0);
    assert_rate(&s.c, KPI_RETURN, NAN); /* no dispatch events counted */
    assert_rate(&s.c, KPI_WHISTLE, NAN);
    assert_rate(&s.c, KPI_FIRST_CONTACT, NAN); /* the lead basis counts no intake */
    ck_assert(fabs(kpi_mean_handling(&s.c) - (5.0 * H + 2.0 * DAY) / 2.0) < 1e-9);
    kpi_config_default(&cfg);
    /* 100 x (0.10 x 0.5 + 0.50 x 1 + 0.40 x 0.95) */
    ck_assert(fabs(kpi_score(&s.c, &cfg) - 93.0) < 1e-9);
    /* the co-unit's own columns: A only */
    s = total(a, 11, KPI_CO, d0, d0 + 7);
    ck_assert_int_eq(s.c.v[KPI_C_dispatched], 1);
    assert_rate(&s.c, KPI_SATISFACTION, 1.0);
    s = total(a, 11, KPI_LEAD, d0, d0 + 7);
    ck_assert_int_eq(s.c.v[KPI_C_dispatched], 0);
    /* the street and the whole platform see all three as received */
    s = total(a, 50, KPI_AREA, d0, d0 + 7);
    ck_assert_int_eq(s.c.v[KPI_C_received], 3);
    assert_rate(&s.c, KPI_FIRST_CONTACT, 0.0);
    s = total(a, KPI_CITY, KPI_AREA, d0, d0 + 7);
    ck_assert_int_eq(s.c.v[KPI_C_dispatched], 3);
    kpi_acc_free(a);
}
END_TEST

START_TEST(null_denominators)
{
    struct kpi_acc *a = kpi_acc_new();
    struct kpi_case c = dispatched_case(20, T0 + H);
    struct kpi_config cfg;
    struct sum s;
    int64_t d0 = T0 / DAY;

    setenv("TZ", "UTC", 1);
    tzset();
    kpi_config_default(&cfg);
    /* nothing at all: every rate is null, and so is the score */
    s = total(a, 20, KPI_LEAD, d0, d0 + 7);
    for (int i = 0; i < KPI_NINDICATORS; i++)
        assert_rate(&s.c, (enum kpi_indicator)i, NAN);
    ck_assert(isnan(kpi_mean_handling(&s.c)));
    ck_assert(isnan(kpi_score(&s.c, &cfg)));
    /* dispatched, accepted late, no revisit: response falls back to acceptance in time */
    c.accepted_at = c.respond_by + 1;
    add(a, &c);
    c = dispatched_case(20, T0 + 2 * H);
    c.accepted_at = c.respond_by; /* on the dot is in time */
    add(a, &c);
    s = total(a, 20, KPI_LEAD, d0, d0 + 7);
    assert_rate(&s.c, KPI_RESPONSE, 0.5);
    assert_rate(&s.c, KPI_RESOLUTION, NAN);
    ck_assert(isnan(kpi_score(&s.c, &cfg)));
    kpi_acc_free(a);
}
END_TEST

START_TEST(merged_invalid_and_take_back)
{
    struct kpi_acc *a = kpi_acc_new();
    struct kpi_case c = dispatched_case(30, T0 + H), m;
    struct sum s;

    setenv("TZ", "UTC", 1);
    tzset();
    m = c;
    m.status = CASE_MERGED; /* its parent counts for it */
    add(a, &m);
    m.status = CASE_INVALID;
    add(a, &m);
    ck_assert_uint_eq(total(a, 30, KPI_LEAD, 0, 100000).entries, 0);
    /* add, take back: nothing is left */
    c.accepted_at = T0 + 2 * H;
    c.resolved_at = T0 + 3 * H;
    close_case(&c, T0 + 4 * H, 1, 1, SAT_SATISFIED);
    add(a, &c);
    ck_assert_int_eq(kpi_case_facts(a, &c, -1, &lim), 0);
    s = total(a, 30, KPI_LEAD, 0, 100000);
    ck_assert_uint_eq(s.entries, 0);
    kpi_acc_free(a);
}
END_TEST

START_TEST(period_edges_in_the_zone)
{
    /* closed at 23:30 local on Oct 31 in Shanghai counts for October, even though it is
       already Nov 1 for nobody: the edge is local midnight */
    struct kpi_acc *a = kpi_acc_new();
    struct kpi_case c = dispatched_case(40, 1793462400 - 5 * DAY);
    struct period oct, nov;
    struct gz_err err = {0};
    struct sum s;

    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    ck_assert_int_eq(period_parse("2026-10", 1, "period", &oct, &err), 0);
    ck_assert_int_eq(period_parse("2026-11", 1, "period", &nov, &err), 0);
    c.accepted_at = c.dispatched_at + 60;
    c.resolved_at = c.dispatched_at + 120;
    close_case(&c, 1793462400 - 1800, 1, 1, SAT_SATISFIED); /* 23:30 on Oct 31 */
    add(a, &c);
    c = dispatched_case(41, 1793462400 - 5 * DAY);
    c.accepted_at = c.dispatched_at + 60;
    c.resolved_at = c.dispatched_at + 120;
    close_case(&c, 1793462400, 1, 1, SAT_SATISFIED); /* 00:00 on Nov 1 */
    add(a, &c);
    s = total(a, 40, KPI_LEAD, oct.from, oct.to);
    ck_assert_int_eq(s.c.v[KPI_C_closed], 1);
    s = total(a, 40, KPI_LEAD, nov.from, nov.to);
    ck_assert_int_eq(s.c.v[KPI_C_closed], 0);
    s = total(a, 41, KPI_LEAD, nov.from, nov.to);
    ck_assert_int_eq(s.c.v[KPI_C_closed], 1);
    kpi_acc_free(a);
}
END_TEST

START_TEST(whistles_and_claims)
{
    struct kpi_acc *a = kpi_acc_new();
    struct kpi_case c = dispatched_case(10, T0 + H);
    struct sum s;

    setenv("TZ", "UTC", 1);
    tzset();
    c.n_parties = 3;
    c.parties[0] = (struct kpi_party){60, KPI_PARTY_WHISTLED, false, T0 + H, T0 + H + 600, 0, 0, false};
    c.parties[1] = (struct kpi_party){61, KPI_PARTY_WHISTLED, false, T0 + H, T0 + 3 * H, 0, 0, false};
    c.parties[2] = (struct kpi_party){62, KPI_PARTY_CLAIMANT, true, T0 + H, 0, 0, 0, false};
    add(a, &c);
    s = total(a, 60, KPI_LEAD, 0, 100000);
    assert_rate(&s.c, KPI_WHISTLE, 1.0);
    s = total(a, 61, KPI_LEAD, 0, 100000);
    assert_rate(&s.c, KPI_WHISTLE, 0.0);
    s = total(a, KPI_CITY, KPI_AREA, 0, 100000);
    assert_rate(&s.c, KPI_WHISTLE, 0.5);
    ck_assert_int_eq(s.c.v[KPI_C_claims_done], 1);
    kpi_acc_free(a);
}
END_TEST

struct roles {
    int64_t account;
    struct kpi_role_counts c;
};

static int sum_roles(void *ctx, int64_t account, int64_t day, const struct kpi_role_counts *c)
{
    struct roles *r = ctx;

    (void)day;
    if (account == r->account)
        kpi_role_counts_add(&r->c, c);
    return 0;
}

static struct kpi_role_counts role_total(const struct kpi_acc *a, int64_t account)
{
    struct roles r;

    memset(&r, 0, sizeof(r));
    r.account = account;
    ck_assert_int_eq(kpi_acc_each_role(a, sum_roles, &r), 0);
    return r.c;
}

START_TEST(roles_from_events)
{
    struct kpi_acc *a = kpi_acc_new();
    struct kpi_event e = {0};
    struct kpi_role_counts r;
    struct sum s;

    setenv("TZ", "UTC", 1);
    tzset();
    /* operator 1 takes in two cases with a category, dispatcher 2 keeps one, changes one;
       the second case is dispatched late and returned by unit 10 */
    e = (struct kpi_event){.kind = KPI_EV_CREATED, .at = T0, .actor = 1, .intake_has_class = true};
    ck_assert_int_eq(kpi_event_facts(a, &e, &lim), 0);
    ck_assert_int_eq(kpi_event_facts(a, &e, &lim), 0);
    e = (struct kpi_event){.kind = KPI_EV_DISPATCH,
                           .at = T0 + H,
                           .actor = 2,
                           .unit_id = 10,
                           .case_created = T0,
                           .intake_actor = 1,
                           .intake_has_class = true,
                           .class_kept = true,
                           .first_dispatch = true};
    ck_assert_int_eq(kpi_event_facts(a, &e, &lim), 0);
    e.at = T0 + 3 * H;
    e.class_kept = false;
    ck_assert_int_eq(kpi_event_facts(a, &e, &lim), 0);
    e = (struct kpi_event){
        .kind = KPI_EV_RETURN, .at = T0 + 4 * H, .actor = 5, .unit_id = 10, .dispatcher = 2};
    ck_assert_int_eq(kpi_event_facts(a, &e, &lim), 0);
    e = (struct kpi_event){.kind = KPI_EV_VERIFY,
                           .at = T0 + 30 * H,
                           .actor = 3,
                           .replied_at = T0 + 2 * H,
                           .pass = true};
    ck_assert_int_eq(kpi_event_facts(a, &e, &lim), 0);
    r = role_total(a, 1);
    ck_assert_int_eq(r.v[KPI_R_taken_in], 2);
    ck_assert(fabs(kpi_role_rate(&r, KPI_CLASS_ACCURACY) - 0.5) < 1e-12);
    ck_assert(fabs(kpi_role_rate(&r, KPI_ANSWERED_SHARE)) < 1e-12);
    r = role_total(a, 2);
    ck_assert(fabs(kpi_role_rate(&r, KPI_ONTIME_DISPATCH) - 0.5) < 1e-12);
    ck_assert(fabs(kpi_role_rate(&r, KPI_ACCURATE_DISPATCH) - 0.5) < 1e-12);
    r = role_total(a, 3);
    ck_assert(fabs(kpi_role_rate(&r, KPI_ONTIME_VERIFY)) < 1e-12); /* 28 h after the reply */
    ck_assert_int_eq(r.v[KPI_R_verify_passed], 1);
    r = role_total(a, 4);
    ck_assert(isnan(kpi_role_rate(&r, KPI_ACCURATE_DISPATCH)));
    s = total(a, 10, KPI_LEAD, 0, 100000);
    assert_rate(&s.c, KPI_RETURN, 0.5);
    kpi_acc_free(a);
}
END_TEST

START_TEST(histogram_quantiles)
{
    int64_t bins[KPI_BINS] = {0};
    double q;

    ck_assert(isnan(kpi_quantile(bins, 0.9)));
    ck_assert_int_eq(kpi_bin(0), 0);
    ck_assert_int_eq(kpi_bin(59), 0);
    ck_assert_int_eq(kpi_bin(60), 1);
    ck_assert_int_eq(kpi_bin(120), 3);
    ck_assert_int_eq(kpi_bin(INT64_MAX), KPI_BINS - 1);
    /* ten replies after an hour, ninety after ten minutes: the median is about ten minutes,
       p90 and above about an hour, each within a quarter octave */
    bins[kpi_bin(3600)] += 10;
    bins[kpi_bin(600)] += 90;
    q = kpi_quantile(bins, 0.5);
    ck_assert_msg(fabs(log2(q / 600)) <= 0.5, "median %g", q);
    q = kpi_quantile(bins, 0.95);
    ck_assert_msg(fabs(log2(q / 3600)) <= 0.5, "p95 %g", q);
    q = kpi_quantile(bins, 0.9);
    ck_assert_msg(fabs(log2(q / 600)) <= 0.5, "p90 %g", q); /* the 90th of 100 is still 600 */
}
END_TEST

START_TEST(ranking_ties)
{
    struct kpi_rank_item it[] = {
        {90.0, 10, "b", 0, 0}, {95.0, 1, "a", 1, 0},  {90.0, 10, "a", 2, 0},
        {90.0, 12, "c", 3, 0}, {NAN, 100, "z", 4, 0}, {80.0, 3, "d", 5, 0},
    };

    kpi_rank(it, GZ_ARRAY_LEN(it));
    ck_assert_uint_eq(it[0].index, 1);
    ck_assert_int_eq(it[0].rank, 1);
    ck_assert_uint_eq(it[1].index, 3); /* the same score, more cases */
    ck_assert_int_eq(it[1].rank, 2);
    ck_assert_uint_eq(it[2].index, 2); /* score and volume tie: same rank, by code */
    ck_assert_int_eq(it[2].rank, 3);
    ck_assert_uint_eq(it[3].index, 0);
    ck_assert_int_eq(it[3].rank, 3);
    ck_assert_int_eq(it[4].rank, 5);
    ck_assert_uint_eq(it[5].index, 4); /* unranked last */
    ck_assert_int_eq(it[5].rank, 0);
}
END_TEST

static int apply(struct kpi_config *c, const char *json, struct gz_err *err)
{
    json_t *o = json_loads(json, 0, NULL);
    int rc;

    ck_assert_ptr_nonnull(o);
    rc = kpi_config_apply(c, o, err);
    json_decref(o);
    return rc;
}

START_TEST(settings)
{
    struct kpi_config c, back;
    struct gz_err err = {0};
    json_t *j;

    kpi_config_default(&c);
    ck_assert_int_eq(apply(&c,
                           "{\"period_start_day\": 19, \"flag_below\": null,"
                           " \"weights\": {\"ontime_closure_rate\": 0.5,"
                           " \"closure_rate\": 0.5}}",
                           &err),
                     0);
    ck_assert_int_eq(c.start_day, 19);
    ck_assert(isnan(c.flag_below));
    ck_assert_uint_eq(c.n_weights, 2);
    /* written and read back, the same */
    j = kpi_config_json(&c);
    kpi_config_default(&back);
    ck_assert_int_eq(kpi_config_apply(&back, j, &err), 0);
    json_decref(j);
    ck_assert_int_eq(back.start_day, 19);
    ck_assert_uint_eq(back.n_weights, 2);
    ck_assert(isnan(back.flag_below));
    /* refusals name the member and change nothing */
    ck_assert_int_eq(apply(&c, "{\"weights\": {\"response_rate\": 0.5}}", &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "weights");
    ck_assert_int_eq(apply(&c, "{\"weights\": {\"speed\": 1}}", &err), GZ_EINVAL);
    ck_assert_int_eq(apply(&c, "{\"period_start_day\": 29}", &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "period_start_day");
    ck_assert_int_eq(apply(&c, "{\"hotspot_p\": 0}", &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "hotspot_p");
    ck_assert_int_eq(apply(&c, "{\"colour\": 1}", &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "colour");
    ck_assert_int_eq(c.start_day, 19);
}
END_TEST

Suite *suite_core_kpi(void)
{
    Suite *s = suite_create("core/kpi");
    TCase *tc = tcase_create("kpi");

    tcase_add_test(tc, indicators_by_hand);
    tcase_add_test(tc, null_denominators);
    tcase_add_test(tc, merged_invalid_and_take_back);
    tcase_add_test(tc, period_edges_in_the_zone);
    tcase_add_test(tc, whistles_and_claims);
    tcase_add_test(tc, roles_from_events);
    tcase_add_test(tc, histogram_quantiles);
    tcase_add_test(tc, ranking_ties);
    tcase_add_test(tc, settings);
    suite_add_tcase(s, tc);
    return s;
}
