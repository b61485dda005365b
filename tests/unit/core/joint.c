/*
 * Tests of src/core/joint.c through the workflow: whistle, report, co_reply
 * and release with the close rule; claims (matching, claim of a received
 * case, unclaim, complete); the sweeper's pick of a late report; and the
 * KPI's reading of whistled units and claimants (src/core/kpi.c).
 */
#include "gz.h"

#include <math.h>

#include "core/joint.h"
#include "core/kpi.h"
#include "core/workflow.h"
#include "t.h"

#define T0 1774936800 /* 2026-03-31 14:00 Shanghai, a Tuesday */
#define LEAD 9
#define STREET 20

struct fx {
    struct calendar *cal;
    struct sla_limits limits;
    struct case_rec c;
    struct event ev;
    struct gz_err err;
};

static void setup(struct fx *f)
{
    memset(f, 0, sizeof(*f));
    f->cal = cal_new("Asia/Shanghai", &f->err);
    ck_assert_ptr_nonnull(f->cal);
    sla_defaults(&f->limits);
    case_init(&f->c);
    f->c.id = 1;
    f->c.text = strdup("占道经营");
    snprintf(f->c.category, sizeof(f->c.category), "0501");
    event_init(&f->ev);
}

static void teardown(struct fx *f)
{
    case_release(&f->c);
    event_release(&f->ev);
    cal_free(f->cal);
}

static int act(struct fx *f, enum case_action a, struct wf_input in)
{
    in.action = a;
    in.cal = f->cal;
    in.limits = &f->limits;
    if (!in.now)
        in.now = T0;
    if (!in.report_window)
        in.report_window = 1800;
    event_release(&f->ev);
    memset(&f->err, 0, sizeof(f->err));
    return wf_apply(&f->c, NULL, &in, &f->ev, NULL, &f->err);
}

static void accepted(struct fx *f)
{
    ck_assert_int_eq(act(f, ACT_DISPATCH, (struct wf_input){.unit_id = LEAD}), 0);
    ck_assert_int_eq(act(f, ACT_ACCEPT, (struct wf_input){0}), 0);
}

static bool allowed(const struct fx *f, enum case_action a)
{
    return wf_allowed(&f->c) & (1u << a);
}

START_TEST(whistle_report_reply_release)
{
    struct fx f;
    struct wf_input w = {.n_units = 2, .units = {31, 32}, .actor_unit_id = STREET};

    setup(&f);
    ck_assert_int_eq(act(&f, ACT_WHISTLE, w), GZ_ECONFLICT); /* received */
    accepted(&f);
    ck_assert(allowed(&f, ACT_WHISTLE));
    ck_assert(!allowed(&f, ACT_REPORT));
    ck_assert_int_eq(act(&f, ACT_WHISTLE, (struct wf_input){.actor_unit_id = STREET}), GZ_EINVAL);
    ck_assert_str_eq(f.err.field, "units");
    ck_assert_int_eq(act(&f, ACT_WHISTLE, (struct wf_input){.n_units = 1, .units = {LEAD}}),
                     GZ_EINVAL);
    ck_assert_int_eq(act(&f, ACT_WHISTLE, (struct wf_input){.n_units = 2, .units = {31, 31}}),
                     GZ_EINVAL);
    ck_assert_int_eq(
        act(&f, ACT_WHISTLE, (struct wf_input){.n_units = 1, .units = {31}, .report_by = T0 - 1}),
        GZ_EINVAL);
    ck_assert_str_eq(f.err.field, "report_by");
    ck_assert_int_eq(act(&f, ACT_WHISTLE, w), 0);
    ck_assert_str_eq(f.ev.kind, "whistle");
    ck_assert(f.ev.internal);
    ck_assert(f.c.joint_changed);
    ck_assert_uint_eq(f.c.n_parties, 2);
    ck_assert_int_eq(f.c.parties[0].report_by, T0 + 1800);
    ck_assert_int_eq(f.c.parties[1].by_unit_id, STREET);
    ck_assert(f.c.parties[0].changed);
    ck_assert_int_eq(act(&f, ACT_WHISTLE, (struct wf_input){.n_units = 1, .units = {32}}),
                     GZ_EINVAL); /* already party */
    /* the close rule: pending units hold reply, complete and close */
    ck_assert(!allowed(&f, ACT_REPLY));
    ck_assert(allowed(&f, ACT_REPORT));
    ck_assert(!allowed(&f, ACT_CO_REPLY));
    ck_assert_int_eq(act(&f, ACT_REPLY, (struct wf_input){.text = "ok"}), GZ_ECONFLICT);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "31, 32"));
    ck_assert(joint_party_allows(&f.c, ACT_REPORT, 31));
    ck_assert(!joint_party_allows(&f.c, ACT_REPORT, LEAD));
    /* report needs the person in charge; a reply needs the report first */
    ck_assert_int_eq(act(&f, ACT_REPORT, (struct wf_input){.unit_id = 31}), GZ_EINVAL);
    ck_assert_str_eq(f.err.field, "person");
    ck_assert_int_eq(act(&f, ACT_CO_REPLY, (struct wf_input){.unit_id = 31, .text = "x"}),
                     GZ_ECONFLICT);
    ck_assert_int_eq(
        act(&f, ACT_REPORT, (struct wf_input){.unit_id = 31, .person = "张三", .now = T0 + 600}),
        0);
    ck_assert_int_eq(joint_party(&f.c, 31)->state, PS_REPORTED);
    ck_assert_ptr_nonnull(strstr(f.ev.body, "\"on_time\":true"));
    ck_assert_int_eq(act(&f, ACT_REPORT, (struct wf_input){.unit_id = 31, .person = "x"}),
                     GZ_ECONFLICT);
    ck_assert_int_eq(act(&f, ACT_CO_REPLY, (struct wf_input){.unit_id = 31, .text = "已到场"}), 0);
    ck_assert_int_eq(f.c.status, CASE_ACCEPTED); /* a co-unit's reply does not resolve */
    ck_assert_str_eq(joint_party(&f.c, 31)->reply, "已到场");
    ck_assert_int_eq(act(&f, ACT_RELEASE, (struct wf_input){.unit_id = 31}), GZ_ECONFLICT);
    ck_assert_int_eq(act(&f, ACT_RELEASE, (struct wf_input){0}), GZ_EINVAL);
    ck_assert_int_eq(act(&f, ACT_RELEASE, (struct wf_input){.unit_id = 32, .reason = "不需要"}), 0);
    ck_assert_int_eq(joint_pending_units(&f.c, NULL, 0), 0);
    ck_assert(allowed(&f, ACT_REPLY));
    ck_assert_int_eq(act(&f, ACT_REPLY, (struct wf_input){.text = "联合处置完毕"}), 0);
    ck_assert_int_eq(f.c.status, CASE_RESOLVED);
    teardown(&f);
}
END_TEST

START_TEST(late_reports)
{
    struct fx f;

    setup(&f);
    accepted(&f);
    ck_assert_int_eq(act(&f, ACT_WHISTLE, (struct wf_input){.n_units = 3, .units = {31, 32, 33}}),
                     0);
    ck_assert_ptr_null(joint_late_report(&f.c, T0 + 1800)); /* due, not late yet */
    ck_assert_ptr_eq(joint_late_report(&f.c, T0 + 1801), joint_party(&f.c, 31));
    joint_party(&f.c, 31)->escalated = true; /* what the sweeper does */
    ck_assert_int_eq(
        act(&f, ACT_REPORT, (struct wf_input){.unit_id = 32, .person = "p", .now = T0 + 3600}), 0);
    ck_assert_ptr_nonnull(strstr(f.ev.body, "\"on_time\":false"));
    ck_assert_int_eq(act(&f, ACT_RELEASE, (struct wf_input){.unit_id = 33}), 0);
    ck_assert_ptr_null(joint_late_report(&f.c, T0 + 86400));
    teardown(&f);
}
END_TEST

START_TEST(claim_matching)
{
    struct case_rec c;
    struct claim_profile p = {.n_prefixes = 1, .prefixes = {"05"}, .n_areas = 1, .areas = {7}};

    case_init(&c);
    snprintf(c.category, sizeof(c.category), "0501");
    c.area[3] = 7;
    ck_assert(joint_claim_matches(&c, &p));
    snprintf(p.prefixes[0], sizeof(p.prefixes[0]), "06"); /* wrong capability */
    ck_assert(!joint_claim_matches(&c, &p));
    snprintf(p.prefixes[0], sizeof(p.prefixes[0]), "050101"); /* narrower than the case */
    ck_assert(!joint_claim_matches(&c, &p));
    snprintf(p.prefixes[0], sizeof(p.prefixes[0]), "0501");
    p.areas[0] = 8; /* outside its area */
    ck_assert(!joint_claim_matches(&c, &p));
    p.everywhere = true;
    ck_assert(joint_claim_matches(&c, &p));
    c.category[0] = '\0';
    ck_assert(!joint_claim_matches(&c, &p));
    ck_assert(joint_outside_kind(UNIT_VOLUNTEER_TEAM) && joint_outside_kind(UNIT_PARTY));
    ck_assert(!joint_outside_kind(UNIT_DEPARTMENT) && !joint_outside_kind(UNIT_STREET));
    ck_assert(joint_whistle_kind(UNIT_COMMUNITY) && !joint_whistle_kind(UNIT_DISTRICT));
    case_release(&c);
}
END_TEST

START_TEST(claim_unclaim_complete)
{
    struct fx f;

    setup(&f);
    ck_assert(!allowed(&f, ACT_CLAIM)); /* not claimable */
    f.c.category_claimable = true;
    ck_assert(allowed(&f, ACT_CLAIM));
    ck_assert_int_eq(act(&f, ACT_CLAIM, (struct wf_input){.unit_id = 40}), GZ_ECONFLICT);
    ck_assert_ptr_nonnull(strstr(f.err.msg, "no place")); /* nobody would answer for it */
    f.c.area[2] = 21;
    f.c.area[3] = 22;
    ck_assert_int_eq(act(&f, ACT_CLAIM, (struct wf_input){.unit_id = 40, .actor_account_id = 5}),
                     0);
    ck_assert_int_eq(f.c.status, CASE_ACCEPTED);
    ck_assert_int_eq(f.c.lead_unit_id, 22); /* its community */
    ck_assert(f.c.units_changed);
    ck_assert_int_eq(f.c.dispatched_at, T0);
    ck_assert_int_eq(f.c.accepted_at, T0);
    ck_assert(f.c.resolve_by > T0);
    ck_assert(!f.ev.internal);
    ck_assert_int_eq(joint_claimant(&f.c)->account_id, 5);
    ck_assert(!allowed(&f, ACT_CLAIM)); /* one claimant at a time */
    ck_assert_int_eq(act(&f, ACT_CLAIM, (struct wf_input){.unit_id = 41}), GZ_ECONFLICT);
    ck_assert_int_eq(act(&f, ACT_UNCLAIM, (struct wf_input){.unit_id = 40}), 0);
    ck_assert_int_eq(f.c.status, CASE_ACCEPTED);
    ck_assert_ptr_null(joint_claimant(&f.c));
    ck_assert_int_eq(act(&f, ACT_COMPLETE, (struct wf_input){.unit_id = 40, .text = "x"}),
                     GZ_ECONFLICT);
    ck_assert_int_eq(act(&f, ACT_CLAIM, (struct wf_input){.unit_id = 22}), GZ_EINVAL); /* lead */
    ck_assert_int_eq(act(&f, ACT_CLAIM, (struct wf_input){.unit_id = 40, .now = T0 + 60}), 0);
    ck_assert_uint_eq(f.c.n_parties, 1); /* the same row, claimed anew */
    ck_assert_int_eq(
        act(&f, ACT_COMPLETE, (struct wf_input){.unit_id = 40, .hours = 2000, .text = "x"}),
        GZ_EINVAL);
    ck_assert_str_eq(f.err.field, "hours");
    ck_assert_int_eq(act(&f, ACT_COMPLETE,
                         (struct wf_input){
                             .unit_id = 40, .hours = 1.5, .text = "已完成", .actor_account_id = 6}),
                     0);
    ck_assert_int_eq(f.c.status, CASE_RESOLVED);
    ck_assert_str_eq(f.c.reply, "已完成");
    ck_assert_int_eq(joint_party(&f.c, 40)->state, PS_DONE);
    ck_assert_int_eq(joint_party(&f.c, 40)->done_by, 6);
    ck_assert(fabs(joint_party(&f.c, 40)->hours - 1.5) < 1e-9);
    teardown(&f);
}
END_TEST

START_TEST(mark_claimable)
{
    struct fx f;

    setup(&f);
    ck_assert(!joint_claimable(&f.c));
    ck_assert_int_eq(act(&f, ACT_MARK_CLAIMABLE, (struct wf_input){.claimable = 1}), 0);
    ck_assert(joint_claimable(&f.c) && f.c.joint_changed);
    f.c.category_claimable = true;
    ck_assert_int_eq(act(&f, ACT_MARK_CLAIMABLE, (struct wf_input){.claimable = 0}), 0);
    ck_assert(!joint_claimable(&f.c)); /* the case's own flag wins over its category's */
    f.c.category[0] = '\0';
    ck_assert(!allowed(&f, ACT_MARK_CLAIMABLE));
    teardown(&f);
}
END_TEST

struct summer {
    int64_t unit;
    int basis;
    enum kpi_counter k;
    int64_t total;
};

static int summer_fn(void *ctx, int64_t unit, int basis, int64_t day, const struct kpi_counts *c)
{
    struct summer *s = ctx;

    (void)day;
    if (unit == s->unit && basis == s->basis)
        s->total += c->v[s->k];
    return 0;
}

static int64_t sum_unit(struct kpi_acc *a, int64_t unit, int basis, enum kpi_counter k)
{
    struct summer s = {unit, basis, k, 0};

    ck_assert_int_eq(kpi_acc_each(a, summer_fn, &s), 0);
    return s.total;
}

START_TEST(kpi_reads_parties)
{
    struct kpi_acc *a = kpi_acc_new();
    struct kpi_limits lim = {.whistle_s = 1800, .dispatch_s = 7200, .verify_s = 86400};
    struct kpi_case c = {.status = CASE_ACCEPTED,
                         .lead_unit_id = LEAD,
                         .created_at = T0,
                         .dispatched_at = T0,
                         .contacted = -1,
                         .solved = -1,
                         .n_parties = 5};

    /* reported in time by its own report_by (longer than the city's limit) */
    c.parties[0] =
        (struct kpi_party){31, KPI_PARTY_WHISTLED, false, T0, T0 + 3000, T0 + 3600, 0, false};
    /* late */
    c.parties[1] =
        (struct kpi_party){32, KPI_PARTY_WHISTLED, false, T0, T0 + 4000, T0 + 3600, 0, false};
    /* released before it was due, never reported: excused, not a co-unit */
    c.parties[2] =
        (struct kpi_party){33, KPI_PARTY_WHISTLED, false, T0, 0, T0 + 3600, T0 + 60, false};
    /* a claimant that completed, and one that gave the case back */
    c.parties[3] = (struct kpi_party){40, KPI_PARTY_CLAIMANT, true, T0, 0, 0, 0, false};
    c.parties[4] = (struct kpi_party){41, KPI_PARTY_CLAIMANT, false, T0, 0, 0, 0, true};
    ck_assert_int_eq(kpi_case_facts(a, &c, 1, &lim), 0);
    ck_assert_int_eq(sum_unit(a, 31, KPI_LEAD, KPI_C_whistle_ok), 1);
    ck_assert_int_eq(sum_unit(a, 32, KPI_LEAD, KPI_C_whistled), 1);
    ck_assert_int_eq(sum_unit(a, 32, KPI_LEAD, KPI_C_whistle_ok), 0);
    ck_assert_int_eq(sum_unit(a, 33, KPI_LEAD, KPI_C_whistled), 0);
    ck_assert_int_eq(sum_unit(a, KPI_CITY, KPI_AREA, KPI_C_whistled), 2);
    ck_assert_int_eq(sum_unit(a, KPI_CITY, KPI_AREA, KPI_C_whistle_ok), 1);
    ck_assert_int_eq(sum_unit(a, 40, KPI_LEAD, KPI_C_claims_done), 1);
    ck_assert_int_eq(sum_unit(a, 41, KPI_LEAD, KPI_C_claims), 0);
    /* co-unit columns: whistled (not excused) and the claimant still on it */
    ck_assert_int_eq(sum_unit(a, 31, KPI_CO, KPI_C_dispatched), 1);
    ck_assert_int_eq(sum_unit(a, 32, KPI_CO, KPI_C_dispatched), 1);
    ck_assert_int_eq(sum_unit(a, 33, KPI_CO, KPI_C_dispatched), 0);
    ck_assert_int_eq(sum_unit(a, 40, KPI_CO, KPI_C_dispatched), 1);
    ck_assert_int_eq(sum_unit(a, 41, KPI_CO, KPI_C_dispatched), 0);
    ck_assert_int_eq(sum_unit(a, LEAD, KPI_LEAD, KPI_C_joint), 1);
    kpi_acc_free(a);
}
END_TEST

Suite *suite_core_joint(void)
{
    Suite *s = suite_create("core/joint");
    TCase *tc = tcase_create("joint");

    tcase_add_test(tc, whistle_report_reply_release);
    tcase_add_test(tc, late_reports);
    tcase_add_test(tc, claim_matching);
    tcase_add_test(tc, claim_unclaim_complete);
    tcase_add_test(tc, mark_claimable);
    tcase_add_test(tc, kpi_reads_parties);
    suite_add_tcase(s, tc);
    return s;
}
