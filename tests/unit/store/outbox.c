/*
 * Tests of src/store/store_sqlite_outbox.c: outbox rows written with each
 * event for the webhooks that may see it (subtree of a party, root units,
 * clients' public events, kinds, active), the delivery states, retries, and
 * the commit listeners.
 */
#include "gz.h"

#include "store/store.h"
#include "t.h"
#include "util/timeutil.h"

struct city {
    struct store *s;
    int64_t city, dist, st, d1;
    struct api_client client;
};

static int64_t add_unit(struct store *s, const char *code, enum unit_kind kind, const char *parent)
{
    struct unit u;
    struct gz_err err = {0};

    unit_init(&u);
    snprintf(u.code, sizeof(u.code), "%s", code);
    snprintf(u.name, sizeof(u.name), "unit %s", code);
    u.kind = kind;
    ck_assert_int_eq(store_unit_create(s, &u, parent, &err), 0);
    return u.id;
}

static void fresh(struct city *c)
{
    char dir[256], path[300];
    struct gz_err err = {0};

    t_tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/t.db", dir);
    c->s = store_open(path, NULL, &err);
    ck_assert_ptr_nonnull(c->s);
    c->city = add_unit(c->s, "city", UNIT_CITY, NULL);
    c->dist = add_unit(c->s, "dist", UNIT_DISTRICT, "city");
    c->st = add_unit(c->s, "st", UNIT_STREET, "dist");
    c->d1 = add_unit(c->s, "d1", UNIT_DEPARTMENT, "city");
    api_client_init(&c->client);
    snprintf(c->client.name, sizeof(c->client.name), "CRM");
    ck_assert_int_eq(store_client_create(c->s, &c->client, "hash-1", &err), 0);
}

static int64_t hook(struct city *c, int64_t unit, int64_t client, const char *kinds, bool active)
{
    struct webhook w;
    struct gz_err err = {0};

    webhook_init(&w);
    w.unit_id = unit;
    w.client_id = client;
    w.active = active;
    snprintf(w.url, sizeof(w.url), "http://127.0.0.1:9/h");
    snprintf(w.secret, sizeof(w.secret), "0123456789abcdef");
    snprintf(w.kinds, sizeof(w.kinds), "%s", kinds);
    ck_assert_int_eq(store_webhook_create(c->s, &w, &err), 0);
    return w.id;
}

static int64_t intake(struct city *c, int64_t intake_account, char *number)
{
    struct case_rec cr;
    struct event ev;
    struct store_intake in = {0};
    struct gz_err err = {0};
    int64_t id;

    case_init(&cr);
    event_init(&ev);
    cr.text = strdup("text");
    cr.intake_account_id = intake_account;
    snprintf(ev.kind, sizeof(ev.kind), "created");
    ev.body = strdup("{}");
    in.day = "20260331";
    in.ev = &ev;
    ck_assert_int_eq(store_case_create(c->s, &cr, &in, &err), 0);
    id = cr.id;
    snprintf(number, CASE_NUMBER_LEN + 1, "%s", cr.number);
    case_release(&cr);
    event_release(&ev);
    return id;
}

struct change {
    int64_t lead;
    const char *kind;
    bool internal;
};

static int change_fn(void *ctx, struct case_rec *c, struct case_rec *other, struct event *ev,
                     struct event *oev, struct gz_err *err)
{
    struct change *x = ctx;

    (void)other, (void)oev, (void)err;
    if (x->lead) {
        c->lead_unit_id = x->lead;
        c->units_changed = true;
    }
    snprintf(ev->kind, sizeof(ev->kind), "%s", x->kind);
    ev->internal = x->internal;
    ev->body = strdup("{\"note\":\"n\"}");
    return 0;
}

static void change(struct city *c, const char *number, int64_t lead, const char *kind,
                   bool internal)
{
    struct change x = {lead, kind, internal};
    struct case_rec out;
    struct gz_err err = {0};

    case_init(&out);
    ck_assert_int_eq(store_case_update(c->s, number, NULL, change_fn, &x, &out, &err), 0);
    case_release(&out);
}

struct rows {
    int n;
    char seen[512];
};

static int add_row(void *ctx, const struct outbox_row *r)
{
    struct rows *x = ctx;
    size_t len = strlen(x->seen);

    x->n++;
    snprintf(x->seen + len, sizeof(x->seen) - len, "%s%s", len ? "," : "", r->kind);
    return 0;
}

/* The kinds queued for webhook h (newest first), in state st. */
static struct rows rows_of(struct city *c, int64_t h, enum outbox_state st)
{
    struct rows x = {0, ""};
    struct gz_err err = {0};

    ck_assert_int_eq(store_outbox_list(c->s, h, st, NULL, add_row, &x, &err), 0);
    return x;
}

START_TEST(queued_for_who_may_see)
{
    struct city c;
    char n1[16], n2[16];
    int64_t root, dist, d1, off, cl;

    fresh(&c);
    root = hook(&c, c.city, 0, "", true);
    dist = hook(&c, c.dist, 0, "", true);
    d1 = hook(&c, c.d1, 0, ",dispatch,", true);
    off = hook(&c, c.city, 0, "", false);
    cl = hook(&c, 0, c.client.id, "", true);
    intake(&c, 0, n1);
    change(&c, n1, c.st, "dispatch", false); /* st is below dist: dist's webhook sees it */
    change(&c, n1, 0, "comment", true);      /* internal: not for clients */
    intake(&c, c.client.account_id, n2);     /* the client's own report */
    change(&c, n2, c.d1, "dispatch", false);
    change(&c, n2, 0, "comment", true);
    ck_assert_str_eq(rows_of(&c, root, OUTBOX_ANY).seen,
                     "comment,dispatch,created,comment,dispatch,created");
    ck_assert_str_eq(rows_of(&c, dist, OUTBOX_ANY).seen, "comment,dispatch");
    ck_assert_str_eq(rows_of(&c, d1, OUTBOX_ANY).seen, "dispatch"); /* kinds: dispatch only */
    ck_assert_int_eq(rows_of(&c, off, OUTBOX_ANY).n, 0);
    ck_assert_str_eq(rows_of(&c, cl, OUTBOX_ANY).seen, "dispatch,created");
    store_close(c.s);
}
END_TEST

struct due {
    int n;
    int64_t ids[16];
    char number[16];
    bool internal_note;
};

static int add_due(void *ctx, struct outbox_item *it)
{
    struct due *x = ctx;

    x->ids[x->n++] = it->row.id;
    snprintf(x->number, sizeof(x->number), "%s", it->number);
    ck_assert_str_eq(it->hook.secret, "0123456789abcdef");
    ck_assert_ptr_nonnull(it->ev.body);
    return 0;
}

START_TEST(states_and_retries)
{
    struct city c;
    char n1[16];
    struct due d = {0};
    struct gz_err err = {0};
    int64_t h, now = time_wall_ms(), next = 0;
    struct outbox_result r[3];

    fresh(&c);
    ck_assert_int_eq(store_outbox_next(c.s, &next, &err), 0);
    ck_assert_int_eq(next, 0);
    h = hook(&c, c.city, 0, "", true);
    intake(&c, 0, n1);
    change(&c, n1, c.d1, "dispatch", false);
    change(&c, n1, 0, "accept", false);
    ck_assert_int_eq(store_outbox_next(c.s, &next, &err), 0);
    ck_assert(next > 0 && next <= time_wall_ms());
    /* in flight rows are left out */
    ck_assert_int_eq(store_outbox_due(c.s, now + 1000, NULL, 0, 2, add_due, &d, &err), 0);
    ck_assert_int_eq(d.n, 2);
    ck_assert_str_eq(d.number, n1);
    ck_assert_int_eq(store_outbox_due(c.s, now + 1000, d.ids, 2, 10, add_due, &d, &err), 0);
    ck_assert_int_eq(d.n, 3);
    memset(r, 0, sizeof(r));
    for (int i = 0; i < 3; i++) {
        r[i].id = d.ids[i];
        r[i].attempts = 1;
        r[i].at_ms = now;
        r[i].done = i; /* again later, delivered, dead */
        r[i].next_at = now + 60000;
        r[i].status = i == 1 ? 200 : 500;
    }
    ck_assert_int_eq(store_outbox_finish(c.s, r, 3, &err), 0);
    ck_assert_int_eq(rows_of(&c, h, OUTBOX_PENDING).n, 1);
    ck_assert_int_eq(rows_of(&c, h, OUTBOX_FAILED).n, 1);
    ck_assert_int_eq(rows_of(&c, h, OUTBOX_DONE).n, 1);
    ck_assert_int_eq(rows_of(&c, h, OUTBOX_DEAD).n, 1);
    d.n = 0;
    ck_assert_int_eq(store_outbox_due(c.s, now + 1000, NULL, 0, 10, add_due, &d, &err), 0);
    ck_assert_int_eq(d.n, 0); /* the failed one waits a minute */
    ck_assert_int_eq(store_outbox_next(c.s, &next, &err), 0);
    ck_assert_int_eq(next, now + 60000);
    /* retry: the dead one comes back, the delivered one refuses, others' ids are unknown */
    ck_assert_int_eq(store_outbox_retry(c.s, h, r[2].id, now, &err), 0);
    ck_assert_int_eq(rows_of(&c, h, OUTBOX_DEAD).n, 0);
    ck_assert_int_eq(store_outbox_retry(c.s, h, r[1].id, now, &err), GZ_ECONFLICT);
    ck_assert_int_eq(store_outbox_retry(c.s, h + 1, r[2].id, now, &err), GZ_ENOTFOUND);
    ck_assert_int_eq(store_outbox_due(c.s, now + 1000, NULL, 0, 10, add_due, &d, &err), 0);
    ck_assert_int_eq(d.n, 1);
    /* a delete takes its deliveries along */
    ck_assert_int_eq(store_webhook_delete(c.s, h, &err), 0);
    ck_assert_int_eq(rows_of(&c, h, OUTBOX_ANY).n, 0);
    ck_assert_int_eq(store_webhook_delete(c.s, h, &err), GZ_ENOTFOUND);
    store_close(c.s);
}
END_TEST

struct heard {
    int calls, outbox;
    int64_t last;
};

static void listener(void *ctx, int64_t last, bool outbox)
{
    struct heard *x = ctx;

    x->calls++;
    x->outbox += outbox;
    x->last = last;
}

START_TEST(commit_listeners)
{
    struct city c;
    struct heard x = {0};
    struct gz_err err = {0};
    char n1[16];
    int64_t head = 0;

    fresh(&c);
    ck_assert_int_eq(store_on_commit(c.s, listener, &x, &err), 0);
    intake(&c, 0, n1);
    ck_assert_int_eq(x.calls, 1);
    ck_assert_int_eq(x.outbox, 0); /* no webhook: nothing queued */
    ck_assert_int_eq(store_events_head(c.s, &head, &err), 0);
    ck_assert_int_eq(x.last, head);
    hook(&c, c.city, 0, "", true);
    ck_assert_int_eq(x.calls, 1); /* no event appended */
    change(&c, n1, 0, "comment", false);
    ck_assert_int_eq(x.calls, 2);
    ck_assert_int_eq(x.outbox, 1);
    ck_assert_int_eq(x.last, head + 1);
    store_off_commit(c.s, listener, &x);
    change(&c, n1, 0, "comment", false);
    ck_assert_int_eq(x.calls, 2);
    store_close(c.s);
}
END_TEST

Suite *suite_store_outbox(void)
{
    Suite *s = suite_create("store/outbox");
    TCase *tc = tcase_create("outbox");

    tcase_add_test(tc, queued_for_who_may_see);
    tcase_add_test(tc, states_and_retries);
    tcase_add_test(tc, commit_listeners);
    suite_add_tcase(s, tc);
    return s;
}
