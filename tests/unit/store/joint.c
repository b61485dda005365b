/*
 * Tests of src/store/store_sqlite_joint.c: parties written and read back
 * with their case, the sweeper's question (late reports, once), declared
 * capabilities and areas, the claimable cases a profile matches, and an
 * account's claims.
 */
#include "gz.h"

#include "core/joint.h"
#include "core/workflow.h"
#include "jobs/sweeper.h"
#include "store/store.h"
#include "t.h"

#define T0 1774936800

static int64_t unit(struct store *s, const char *code, enum unit_kind kind, const char *parent)
{
    struct gz_err err = {0};
    struct unit u;
    int64_t id;

    unit_init(&u);
    snprintf(u.code, sizeof(u.code), "%s", code);
    snprintf(u.name, sizeof(u.name), "%s", code);
    u.kind = kind;
    ck_assert_int_eq(store_unit_create(s, &u, parent, &err), 0);
    id = u.id;
    unit_release(&u);
    return id;
}

static struct store *fresh(void)
{
    char dir[256], path[300];
    struct gz_err err = {0};
    struct category cat;
    struct store *s;

    t_tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/t.db", dir);
    s = store_open(path, NULL, &err);
    ck_assert_ptr_nonnull(s);
    unit(s, "city", UNIT_CITY, NULL);         /* 1 */
    unit(s, "st", UNIT_STREET, "city");       /* 2 */
    unit(s, "d1", UNIT_DEPARTMENT, "city");   /* 3 */
    unit(s, "d2", UNIT_DEPARTMENT, "city");   /* 4 */
    unit(s, "vt", UNIT_VOLUNTEER_TEAM, "st"); /* 5 */
    category_init(&cat);
    snprintf(cat.code, sizeof(cat.code), "05");
    snprintf(cat.name, sizeof(cat.name), "帮扶");
    cat.claimable = true;
    ck_assert_int_eq(store_category_create(s, &cat, &err), 0);
    category_release(&cat);
    return s;
}

static void intake(struct store *s, char *number)
{
    struct case_rec c;
    struct event ev;
    struct store_intake in = {0};
    struct gz_err err = {0};

    case_init(&c);
    event_init(&ev);
    c.text = strdup("帮老人买菜");
    c.created_at = T0;
    snprintf(c.category, sizeof(c.category), "05");
    c.area[2] = 2;
    snprintf(ev.kind, sizeof(ev.kind), "created");
    ev.body = strdup("{}");
    in.day = "20260331";
    in.ev = &ev;
    ck_assert_int_eq(store_case_create(s, &c, &in, &err), 0);
    snprintf(number, CASE_NUMBER_LEN + 1, "%s", c.number);
    case_release(&c);
    event_release(&ev);
}

struct step {
    struct wf_input in;
    struct calendar *cal;
    struct sla_limits limits;
};

static int step_fn(void *ctx, struct case_rec *c, struct case_rec *other, struct event *ev,
                   struct event *other_ev, struct gz_err *err)
{
    struct step *x = ctx;

    x->in.cal = x->cal;
    x->in.limits = &x->limits;
    return wf_apply(c, other, &x->in, ev, other_ev, err);
}

static int apply(struct store *s, const char *number, struct wf_input in, struct case_rec *out)
{
    struct gz_err err = {0};
    struct step x;
    int rc;

    memset(&x, 0, sizeof(x));
    x.in = in;
    x.cal = cal_new("Asia/Shanghai", &err);
    sla_defaults(&x.limits);
    if (!x.in.now)
        x.in.now = T0;
    if (!x.in.report_window)
        x.in.report_window = 1800;
    case_init(out);
    rc = store_case_update(s, number, NULL, step_fn, &x, out, &err);
    cal_free(x.cal);
    return rc;
}

START_TEST(parties_round_trip_and_sweep)
{
    struct store *s = fresh();
    struct case_rec c;
    struct gz_err err = {0};
    char n[16];
    int given = 0;

    intake(s, n);
    ck_assert_int_eq(apply(s, n, (struct wf_input){.action = ACT_DISPATCH, .unit_id = 2}, &c), 0);
    case_release(&c);
    ck_assert_int_eq(
        apply(s, n,
              (struct wf_input){
                  .action = ACT_WHISTLE, .n_units = 2, .units = {3, 4}, .actor_unit_id = 2},
              &c),
        0);
    ck_assert_uint_eq(c.n_parties, 3); /* read back after the write */
    case_release(&c);
    ck_assert_int_eq(
        apply(s, n,
              (struct wf_input){
                  .action = ACT_REPORT, .unit_id = 3, .person = "王", .actor_account_id = 7},
              &c),
        0);
    case_release(&c);
    ck_assert_int_eq(store_case_get(s, n, 0, &c, &err), 0);
    ck_assert_uint_eq(c.n_parties, 3);
    ck_assert_int_eq(c.parties[0].role, PARTY_LEAD);
    ck_assert_str_eq(joint_party(&c, 3)->person, "王");
    ck_assert_int_eq(joint_party(&c, 3)->account_id, 7);
    ck_assert_int_eq(joint_party(&c, 3)->reported_at, T0);
    ck_assert_str_eq(joint_party(&c, 4)->unit_code, "d2");
    ck_assert_int_eq(joint_party(&c, 4)->report_by, T0 + 1800);
    ck_assert_int_eq(joint_party(&c, 4)->by_unit_id, 2);
    ck_assert(c.category_claimable);
    case_release(&c);
    /* only d2 is late, and only once */
    ck_assert_int_eq(sweeper_run(s, T0 + 1800, &given, &err), 0);
    ck_assert_int_eq(given, 0);
    ck_assert_int_eq(sweeper_run(s, T0 + 1801, &given, &err), 0);
    ck_assert_int_eq(given, 1);
    ck_assert_int_eq(sweeper_run(s, T0 + 7200, &given, &err), 0);
    ck_assert_int_eq(given, 0);
    ck_assert_int_eq(store_case_get(s, n, 0, &c, &err), 0);
    ck_assert(joint_party(&c, 4)->escalated);
    ck_assert(!joint_party(&c, 3)->escalated);
    case_release(&c);
    store_close(s);
}
END_TEST

static int count_fn(void *ctx, const struct case_rec *c)
{
    (void)c;
    ++*(int *)ctx;
    return 0;
}

static int open_claims(struct store *s, const struct claim_profile *p)
{
    struct claim_query q = {.profile = p, .limit = 10};
    struct gz_err err = {0};
    int n = 0;

    ck_assert_int_eq(store_claims_open(s, &q, count_fn, &n, &err), 0);
    return n;
}

static int item_fn(void *ctx, const struct claim_item *it)
{
    (void)it;
    ++*(int *)ctx;
    return 0;
}

START_TEST(profiles_claims_and_stats)
{
    struct store *s = fresh();
    struct claim_profile p = {
        .n_prefixes = 2, .prefixes = {"05", "0601"}, .n_areas = 1, .areas = {2}};
    struct claim_profile got, bad = {.n_areas = 1, .areas = {999}};
    struct claim_stats st;
    struct case_rec c;
    struct gz_err err = {0};
    char n[16];
    int items = 0;

    ck_assert_int_eq(store_unit_profile_put(s, 5, &p, &err), 0);
    ck_assert_int_eq(store_unit_profile_get(s, 5, &got, &err), 0);
    ck_assert_uint_eq(got.n_prefixes, 2);
    ck_assert_str_eq(got.prefixes[1], "0601");
    ck_assert_int_eq(got.areas[0], 2);
    ck_assert_int_eq(store_unit_profile_put(s, 5, &bad, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "areas");
    ck_assert_int_eq(store_unit_profile_get(s, 5, &got, &err), 0); /* unchanged */
    ck_assert_uint_eq(got.n_areas, 1);
    intake(s, n);
    ck_assert_int_eq(open_claims(s, &p), 1);
    p.areas[0] = 3;
    ck_assert_int_eq(open_claims(s, &p), 0); /* outside the area */
    p.everywhere = true;
    ck_assert_int_eq(open_claims(s, &p), 1);
    snprintf(p.prefixes[0], sizeof(p.prefixes[0]), "06"); /* wrong capability */
    ck_assert_int_eq(open_claims(s, &p), 0);
    snprintf(p.prefixes[0], sizeof(p.prefixes[0]), "05");
    ck_assert_int_eq(
        apply(s, n, (struct wf_input){.action = ACT_CLAIM, .unit_id = 5, .actor_account_id = 8},
              &c),
        0);
    ck_assert_int_eq(c.status, CASE_ACCEPTED);
    ck_assert_int_eq(c.lead_unit_id, 2);
    case_release(&c);
    ck_assert_int_eq(open_claims(s, &p), 0); /* taken */
    ck_assert_int_eq(apply(s, n,
                           (struct wf_input){.action = ACT_COMPLETE,
                                             .unit_id = 5,
                                             .text = "ok",
                                             .hours = 3,
                                             .actor_account_id = 9},
                           &c),
                     0);
    case_release(&c);
    ck_assert_int_eq(store_account_claims(s, 8, &st, item_fn, &items, &err), 0);
    ck_assert_int_eq(st.claimed, 1);
    ck_assert_int_eq(st.completed, 0);
    ck_assert_int_eq(items, 1);
    ck_assert_int_eq(store_account_claims(s, 9, &st, NULL, NULL, &err), 0);
    ck_assert_int_eq(st.completed, 1);
    ck_assert(st.hours > 2.99 && st.hours < 3.01);
    store_close(s);
}
END_TEST

Suite *suite_store_joint(void)
{
    Suite *s = suite_create("store/joint");
    TCase *tc = tcase_create("joint");

    tcase_add_test(tc, parties_round_trip_and_sweep);
    tcase_add_test(tc, profiles_claims_and_stats);
    suite_add_tcase(s, tc);
    return s;
}
