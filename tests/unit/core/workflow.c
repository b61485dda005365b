/*
 * Tests of src/core/workflow.c and src/core/sla.c: every action against
 * every state, the paths of the loop, deadlines and escalations.
 */
#include "gz.h"

#include "core/workflow.h"
#include "t.h"

/* Which states allow which action (the DESIGN §4 diagram, written out independently). */
static const char *const legal[ACT_COUNT] = {
    [ACT_DISPATCH] = "received returned",
    [ACT_REDISPATCH] = "dispatched accepted returned",
    [ACT_ACCEPT] = "dispatched",
    [ACT_RETURN] = "dispatched accepted",
    [ACT_REPLY] = "accepted",
    [ACT_VERIFY] = "resolved",
    [ACT_REVISIT] = "resolved verified",
    [ACT_REOPEN] = "resolved verified closed",
    [ACT_CLOSE] = "resolved verified",
    [ACT_ANSWER] = "received",
    [ACT_MERGE] = "received dispatched accepted returned",
    [ACT_INVALIDATE] = "received returned",
    [ACT_PARK] = "dispatched accepted returned",
    [ACT_UNPARK] = "parked",
    [ACT_EXTEND] = "dispatched accepted",
    [ACT_APPROVE_EXTENSION] = "",
    [ACT_REFUSE_EXTENSION] = "",
    [ACT_COMMENT] =
        "received dispatched accepted returned resolved verified closed merged invalid parked",
    /* a case with no category, not claimable and no party but its lead (see core/joint.c) */
    [ACT_WHISTLE] = "dispatched accepted",
    [ACT_REPORT] = "",
    [ACT_CO_REPLY] = "",
    [ACT_RELEASE] = "",
    [ACT_MARK_CLAIMABLE] = "",
    [ACT_CLAIM] = "",
    [ACT_UNCLAIM] = "",
    [ACT_COMPLETE] = "",
};

static bool in_list(const char *list, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

START_TEST(state_table)
{
    struct case_rec c;

    case_init(&c);
    for (int s = 0; s < CASE_STATUS_COUNT; s++) {
        c.status = (enum case_status)s;
        unsigned mask = wf_allowed(&c);
        for (int a = 0; a < ACT_COUNT; a++) {
            bool want = in_list(legal[a], case_status_name((enum case_status)s));
            ck_assert_msg(((mask >> a) & 1) == want, "%s in %s: got %d", wf_action_name(a),
                          case_status_name(s), (mask >> a) & 1);
        }
    }
    c.status = CASE_ACCEPTED;
    c.extension = EXT_REQUESTED;
    ck_assert(wf_allowed(&c) & (1u << ACT_APPROVE_EXTENSION));
    ck_assert(!(wf_allowed(&c) & (1u << ACT_EXTEND)));
}
END_TEST

struct fixture {
    struct calendar *cal;
    struct sla_limits limits;
    struct case_rec c;
    struct event ev;
};

static void setup(struct fixture *f)
{
    struct gz_err err = {0};

    f->cal = cal_new("Asia/Shanghai", &err);
    ck_assert_ptr_nonnull(f->cal);
    sla_defaults(&f->limits);
    f->limits.resolve = (struct tlimit){4, LIMIT_WORK_HOURS};
    case_init(&f->c);
    f->c.id = 1;
    f->c.text = strdup("路边垃圾");
    snprintf(f->c.category, sizeof(f->c.category), "0102");
    event_init(&f->ev);
}

static void teardown(struct fixture *f)
{
    case_release(&f->c);
    event_release(&f->ev);
    cal_free(f->cal);
}

static int act(struct fixture *f, enum case_action a, struct wf_input *in, struct gz_err *err)
{
    in->action = a;
    in->cal = f->cal;
    in->limits = &f->limits;
    if (!in->now)
        in->now = 1774936800; /* 2026-03-31 14:00 Shanghai, a Tuesday */
    event_release(&f->ev);
    return wf_apply(&f->c, NULL, in, &f->ev, NULL, err);
}

START_TEST(happy_path_and_rework)
{
    struct fixture f;
    struct gz_err err = {0};
    struct wf_input in = {.unit_id = 9, .contacted = -1, .solved = -1};

    setup(&f);
    ck_assert_int_eq(act(&f, ACT_DISPATCH, &in, &err), 0);
    ck_assert_int_eq(f.c.status, CASE_DISPATCHED);
    ck_assert_int_eq(f.c.lead_unit_id, 9);
    ck_assert(f.c.units_changed);
    /* 14:00 + 4 working hours = 17:30 + 30 min next morning = Wed 09:00 */
    ck_assert_int_eq(f.c.resolve_by, 1774936800 + 19 * 3600);
    ck_assert_str_eq(f.ev.kind, "dispatch");
    ck_assert_int_eq(act(&f, ACT_REPLY, &in, &err), GZ_ECONFLICT);
    ck_assert_str_eq(err.field, "action");
    ck_assert_int_eq(act(&f, ACT_ACCEPT, &(struct wf_input){0}, &err), 0);
    ck_assert_int_eq(act(&f, ACT_REPLY, &(struct wf_input){0}, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "text");
    ck_assert_int_eq(act(&f, ACT_REPLY, &(struct wf_input){.text = "已清理"}, &err), 0);
    ck_assert_int_eq(f.c.status, CASE_RESOLVED);
    ck_assert_int_eq(act(&f, ACT_VERIFY, &(struct wf_input){.pass = false}, &err), 0);
    ck_assert_int_eq(f.c.status, CASE_ACCEPTED);
    ck_assert_int_eq(f.c.rework_count, 1);
    ck_assert_int_eq(act(&f, ACT_REPLY, &(struct wf_input){.text = "再次清理"}, &err), 0);
    ck_assert_int_eq(act(&f, ACT_VERIFY, &(struct wf_input){.pass = true}, &err), 0);
    in = (struct wf_input){.contacted = 1, .solved = 1, .satisfaction = SAT_UNSATISFIED};
    ck_assert_int_eq(act(&f, ACT_REVISIT, &in, &err), 0);
    ck_assert_int_eq(f.c.status, CASE_ACCEPTED); /* unsatisfied: back to the unit */
    ck_assert_int_eq(f.c.rework_count, 2);
    ck_assert_int_eq(act(&f, ACT_REPLY, &(struct wf_input){.text = "第三次"}, &err), 0);
    in = (struct wf_input){.contacted = 1, .solved = 1, .satisfaction = SAT_BASIC};
    ck_assert_int_eq(act(&f, ACT_REVISIT, &in, &err), 0);
    ck_assert_int_eq(f.c.status, CASE_RESOLVED);
    ck_assert_int_eq(act(&f, ACT_CLOSE, &(struct wf_input){0}, &err), 0);
    ck_assert_int_eq(f.c.status, CASE_CLOSED);
    ck_assert_int_eq(act(&f, ACT_REVISIT, &in, &err), GZ_ECONFLICT);
    teardown(&f);
}
END_TEST

START_TEST(return_park_extend)
{
    struct fixture f;
    struct gz_err err = {0};
    struct wf_input in = {.unit_id = 9};
    int64_t before;

    setup(&f);
    ck_assert_int_eq(act(&f, ACT_DISPATCH, &in, &err), 0);
    ck_assert_int_eq(act(&f, ACT_RETURN, &(struct wf_input){0}, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "reason");
    ck_assert_int_eq(act(&f, ACT_RETURN, &(struct wf_input){.reason = "非本单位职责"}, &err), 0);
    ck_assert_int_eq(f.c.status, CASE_RETURNED);
    ck_assert(f.ev.internal);
    in.unit_id = 10;
    ck_assert_int_eq(act(&f, ACT_DISPATCH, &in, &err), 0);
    ck_assert_int_eq(act(&f, ACT_PARK, &(struct wf_input){.reason = "冬季无法施工"}, &err), 0);
    ck_assert_int_eq(f.c.status, CASE_PARKED);
    ck_assert_int_eq(act(&f, ACT_ACCEPT, &(struct wf_input){0}, &err), GZ_ECONFLICT);
    ck_assert_int_eq(act(&f, ACT_UNPARK, &(struct wf_input){0}, &err), 0);
    ck_assert_int_eq(f.c.status, CASE_DISPATCHED);
    in = (struct wf_input){.reason = "需要采购", .extension = {2, LIMIT_WORKDAYS}};
    ck_assert_int_eq(act(&f, ACT_EXTEND, &in, &err), 0);
    ck_assert_int_eq(act(&f, ACT_EXTEND, &in, &err), GZ_ECONFLICT); /* once */
    before = f.c.resolve_by;
    f.c.escalated = ESC_REMIND_RESOLVE | ESC_SUPERVISE_RESOLVE;
    ck_assert_int_eq(act(&f, ACT_APPROVE_EXTENSION, &(struct wf_input){0}, &err), 0);
    ck_assert_int_eq(f.c.resolve_by, before + 2 * 86400); /* Wed 09:00 -> Fri 09:00 */
    ck_assert_int_eq(f.c.escalated, 0);
    ck_assert_int_eq(act(&f, ACT_REFUSE_EXTENSION, &(struct wf_input){.reason = "x"}, &err),
                     GZ_ECONFLICT);
    teardown(&f);
}
END_TEST

START_TEST(merge_answer_invalidate)
{
    struct fixture f;
    struct case_rec parent;
    struct event pev;
    struct gz_err err = {0};
    struct wf_input in = {.action = ACT_MERGE, .now = 1};

    setup(&f);
    case_init(&parent);
    event_init(&pev);
    parent.id = 2;
    snprintf(parent.number, sizeof(parent.number), "20260331-000002");
    ck_assert_int_eq(wf_apply(&f.c, &f.c, &in, &f.ev, &pev, &err), GZ_EINVAL); /* itself */
    ck_assert_str_eq(err.field, "into");
    parent.status = CASE_CLOSED;
    ck_assert_int_eq(wf_apply(&f.c, &parent, &in, &f.ev, &pev, &err), GZ_EINVAL);
    parent.status = CASE_DISPATCHED;
    ck_assert_int_eq(wf_apply(&f.c, &parent, &in, &f.ev, &pev, &err), 0);
    ck_assert_int_eq(f.c.status, CASE_MERGED);
    ck_assert_int_eq(f.c.parent_id, 2);
    ck_assert_int_eq(parent.metoo, 1);
    ck_assert_str_eq(pev.kind, "metoo");
    event_release(&pev);
    case_release(&parent);
    teardown(&f);

    setup(&f);
    ck_assert_int_eq(act(&f, ACT_ANSWER, &(struct wf_input){.text = "请拨打12345"}, &err), 0);
    ck_assert_int_eq(f.c.status, CASE_CLOSED);
    teardown(&f);
    setup(&f);
    ck_assert_int_eq(act(&f, ACT_INVALIDATE, &(struct wf_input){.reason = "骚扰电话"}, &err), 0);
    ck_assert_int_eq(f.c.status, CASE_INVALID);
    teardown(&f);
}
END_TEST

START_TEST(escalations_once_each)
{
    struct fixture f;
    struct gz_err err = {0};
    int64_t t0 = 1774936800;

    setup(&f);
    ck_assert_int_eq(act(&f, ACT_DISPATCH, &(struct wf_input){.unit_id = 9, .now = t0}, &err), 0);
    ck_assert_int_eq(sla_due(&f.c, t0), SLA_NONE);
    /* 80 % of 1 workday (450 min) = 360 min of work: 14:00 -> 17:30 (210) -> Wed 11:00 */
    ck_assert_int_eq(f.c.remind_respond_at, t0 + 21 * 3600);
    ck_assert_int_eq(sla_due(&f.c, f.c.remind_resolve_at), SLA_REMIND_RESOLVE);
    f.c.escalated |= sla_bit(SLA_REMIND_RESOLVE);
    ck_assert_int_eq(sla_due(&f.c, f.c.remind_resolve_at), SLA_NONE);
    /* long after: supervision of the response comes first and stands for its reminder */
    ck_assert_int_eq(sla_due(&f.c, t0 + 30 * 86400), SLA_SUPERVISE_RESPOND);
    f.c.escalated |= sla_bit(SLA_SUPERVISE_RESPOND);
    ck_assert_int_eq(sla_due(&f.c, t0 + 30 * 86400), SLA_SUPERVISE_RESOLVE);
    f.c.escalated |= sla_bit(SLA_SUPERVISE_RESOLVE);
    ck_assert_int_eq(sla_due(&f.c, t0 + 30 * 86400), SLA_NONE);
    teardown(&f);
}
END_TEST

START_TEST(urgent_limits)
{
    struct fixture f;
    struct gz_err err = {0};
    int64_t t0 = 1774936800;

    setup(&f);
    f.c.priority = PRIORITY_URGENT;
    ck_assert_int_eq(act(&f, ACT_DISPATCH, &(struct wf_input){.unit_id = 9, .now = t0}, &err), 0);
    ck_assert_int_eq(f.c.resolve_by, t0 + 2 * 3600);
    ck_assert_int_le(f.c.respond_by, f.c.resolve_by);
    teardown(&f);
}
END_TEST

/* An answer citing a knowledge-base entry carries the citation in its event. */
START_TEST(answer_cites_entry)
{
    struct fixture f;
    struct gz_err err = {0};
    json_t *cite = json_pack("{s:i, s:i, s:s}", "id", 4, "version", 2, "title", "投放时间");
    json_t *body;

    setup(&f);
    ck_assert_int_eq(act(&f, ACT_ANSWER, &(struct wf_input){.text = "每天7点", .kb_cite = cite},
                         &err),
                     0);
    ck_assert_int_eq(f.c.status, CASE_CLOSED);
    ck_assert_str_eq(f.c.reply, "每天7点");
    body = json_loads(f.ev.body, 0, NULL);
    ck_assert(json_equal(json_object_get(body, "kb_entry"), cite));
    json_decref(body);
    json_decref(cite);
    teardown(&f);
}
END_TEST

Suite *suite_core_workflow(void)
{
    Suite *s = suite_create("core/workflow");
    TCase *tc = tcase_create("workflow");

    tcase_add_test(tc, state_table);
    tcase_add_test(tc, happy_path_and_rework);
    tcase_add_test(tc, return_park_extend);
    tcase_add_test(tc, merge_answer_invalidate);
    tcase_add_test(tc, escalations_once_each);
    tcase_add_test(tc, urgent_limits);
    tcase_add_test(tc, answer_cites_entry);
    suite_add_tcase(s, tc);
    return s;
}
