/*
 * Tests of src/store/store_sqlite_attach.c: an attachment and its event in
 * one transaction, decided on the case inside the writer; lists, reads, and
 * the claimants the complete stage checks (now the parties loaded with the case).
 */
#include "gz.h"

#include "core/joint.h"
#include "store/store.h"
#include "t.h"

static struct store *fresh(char *number)
{
    char dir[256], path[300];
    struct gz_err err = {0};
    struct store *s;
    struct case_rec c;
    struct event ev;
    struct store_intake in = {0};

    t_tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/t.db", dir);
    ck_assert_ptr_nonnull(s = store_open(path, NULL, &err));
    case_init(&c);
    event_init(&ev);
    c.text = strdup("井盖缺失");
    c.created_at = 1774936800;
    snprintf(ev.kind, sizeof(ev.kind), "created");
    ev.body = strdup("{}");
    in.day = "20260331";
    in.ev = &ev;
    ck_assert_int_eq(store_case_create(s, &c, &in, &err), 0);
    snprintf(number, CASE_NUMBER_LEN + 1, "%s", c.number);
    case_release(&c);
    event_release(&ev);
    return s;
}

struct decide {
    int calls;
    bool refuse;
    enum case_status seen;
};

static int decide(void *ctx, const struct case_rec *c, struct attachment *a, struct event *ev,
                  struct gz_err *err)
{
    struct decide *d = ctx;
    char body[64];

    d->calls++;
    d->seen = c->status;
    if (d->refuse)
        return gz_fail(err, GZ_ECONFLICT, "stage", "no");
    snprintf(ev->kind, sizeof(ev->kind), "attachment");
    snprintf(body, sizeof(body), "{\"attachment_id\":%lld}", (long long)a->id);
    ev->body = strdup(body);
    return 0;
}

static struct attachment photo(const char *sha, enum att_stage stage)
{
    struct attachment a = {0};

    snprintf(a.sha256, sizeof(a.sha256), "%s", sha);
    snprintf(a.mime, sizeof(a.mime), "image/png");
    a.bytes = 69;
    a.width = a.height = 1;
    a.stage = stage;
    a.at = 1774937000;
    return a;
}

static int count(void *ctx, const struct attachment *a)
{
    (void)a;
    (*(int *)ctx)++;
    return 0;
}

static int count_events(void *ctx, const struct event *e)
{
    (void)e;
    (*(int *)ctx)++;
    return 0;
}

START_TEST(row_and_event_together)
{
    char number[CASE_NUMBER_LEN + 1];
    struct store *s = fresh(number);
    struct decide d = {0};
    struct gz_err err = {0};
    struct attachment a = photo("aa", ATT_INTAKE), b = photo("aa", ATT_VERIFY), got;
    struct case_rec c;
    int n = 0, events = 0;

    ck_assert_int_eq(store_attachment_add(s, number, &a, decide, &d, &err), 0);
    ck_assert_int_eq(d.calls, 1);
    ck_assert_int_eq(d.seen, CASE_RECEIVED);
    ck_assert_int_eq(a.id, 1);
    ck_assert_int_gt(a.event_id, 1);
    ck_assert_int_eq(store_attachment_add(s, number, &b, decide, &d, &err), 0);
    ck_assert_int_eq(b.id, 2);
    ck_assert_int_eq(store_attachment_get(s, 2, &got, &err), 0);
    ck_assert_str_eq(got.sha256, "aa");
    ck_assert_str_eq(got.mime, "image/png");
    ck_assert_int_eq(got.stage, ATT_VERIFY);
    ck_assert_int_eq(got.event_id, b.event_id);
    ck_assert_int_eq(got.case_id, a.case_id);
    ck_assert_int_eq(got.width, 1);
    /* refused inside the writer: nothing at all is written */
    d.refuse = true;
    b = photo("bb", ATT_REPLY);
    ck_assert_int_eq(store_attachment_add(s, number, &b, decide, &d, &err), GZ_ECONFLICT);
    ck_assert_int_eq(store_attachment_list(s, a.case_id, count, &n, &err), 0);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(store_case_events(s, a.case_id, count_events, &events, &err), 0);
    ck_assert_int_eq(events, 3); /* created + two attachments */
    ck_assert_int_eq(store_attachment_get(s, 3, &got, &err), GZ_ENOTFOUND);
    ck_assert_int_eq(store_attachment_add(s, "20990101-000001", &b, decide, &d, &err),
                     GZ_ENOTFOUND);
    ck_assert_int_eq(store_case_get(s, number, 0, &c, &err), 0);
    case_release(&c);
    store_close(s);
}
END_TEST

START_TEST(no_claimants_by_default)
{
    char number[CASE_NUMBER_LEN + 1];
    struct store *s = fresh(number);
    struct gz_err err = {0};
    struct case_rec c;

    ck_assert_int_eq(store_case_get(s, number, 0, &c, &err), 0);
    ck_assert_ptr_null(joint_claimant(&c));
    for (size_t i = 0; i < c.n_parties; i++)
        ck_assert_int_ne(c.parties[i].role, PARTY_CLAIMANT);
    case_release(&c);
    store_close(s);
}
END_TEST

Suite *suite_store_attach(void)
{
    Suite *s = suite_create("store/attach");
    TCase *tc = tcase_create("attach");

    tcase_add_test(tc, row_and_event_together);
    tcase_add_test(tc, no_claimants_by_default);
    suite_add_tcase(s, tc);
    return s;
}
