/*
 * Tests of src/store/store_sqlite_cases.c: numbering per day, idempotent
 * intake, changes decided inside the transaction, the chained timeline,
 * what the sweeper is told, and the append-only events table.
 */
#include "gz.h"

#include <pthread.h>
#include <sqlite3.h>

#include "core/workflow.h"
#include "jobs/sweeper.h"
#include "store/store.h"
#include "t.h"

static struct store *fresh(char *path, size_t size)
{
    char dir[256];
    struct gz_err err = {0};
    struct store *s;
    struct unit u;

    t_tmpdir(dir, sizeof(dir));
    snprintf(path, size, "%s/t.db", dir);
    s = store_open(path, NULL, &err);
    ck_assert_ptr_nonnull(s);
    unit_init(&u);
    snprintf(u.code, sizeof(u.code), "city");
    snprintf(u.name, sizeof(u.name), "City");
    u.kind = UNIT_CITY;
    ck_assert_int_eq(store_unit_create(s, &u, NULL, &err), 0);
    return s;
}

static int64_t intake(struct store *s, const char *day, const char *text, const char *key,
                      char *number, bool *replayed)
{
    struct case_rec c;
    struct event ev;
    struct store_intake in = {0};
    struct gz_err err = {0};
    int64_t id;

    case_init(&c);
    event_init(&ev);
    c.text = strdup(text);
    c.created_at = 1774936800;
    snprintf(ev.kind, sizeof(ev.kind), "created");
    ev.body = strdup("{}");
    in.day = day;
    in.ev = &ev;
    in.idem_key = key;
    in.idem_account = 1;
    ck_assert_int_eq(store_case_create(s, &c, &in, &err), 0);
    *replayed = in.replayed;
    id = c.id;
    if (number)
        snprintf(number, CASE_NUMBER_LEN + 1, "%s", c.number);
    case_release(&c);
    event_release(&ev);
    return id;
}

START_TEST(numbers_and_idempotency)
{
    char path[300], n1[16], n2[16], n3[16];
    struct store *s = fresh(path, sizeof(path));
    bool replayed;
    int64_t a = intake(s, "20260331", "一", NULL, n1, &replayed);

    intake(s, "20260331", "二", NULL, n2, &replayed);
    intake(s, "20260401", "三", NULL, n3, &replayed);
    ck_assert_str_eq(n1, "20260331-000001");
    ck_assert_str_eq(n2, "20260331-000002");
    ck_assert_str_eq(n3, "20260401-000001");
    ck_assert(!replayed);
    ck_assert_int_eq(intake(s, "20260331", "四", "key-1", NULL, &replayed),
                     intake(s, "20260331", "四", "key-1", NULL, &replayed));
    ck_assert(replayed);
    ck_assert_int_ne(a, 0);
    store_close(s);
}
END_TEST

struct count {
    int n;
    char kinds[256];
};

static int add_kind(void *ctx, const struct event *e)
{
    struct count *c = ctx;
    size_t len = strlen(c->kinds);

    c->n++;
    snprintf(c->kinds + len, sizeof(c->kinds) - len, "%s%s", len ? "," : "", e->kind);
    return 0;
}

static int dispatch_fn(void *ctx, struct case_rec *c, struct case_rec *other, struct event *ev,
                       struct event *oev, struct gz_err *err)
{
    return wf_apply(c, other, ctx, ev, oev, err);
}

START_TEST(update_writes_row_event_and_units)
{
    char path[300], number[16];
    struct store *s = fresh(path, sizeof(path));
    struct gz_err err = {0};
    struct calendar *cal = cal_new("Asia/Shanghai", &err);
    struct sla_limits l;
    struct case_rec out, got;
    struct count cnt = {0, ""};
    int64_t units[4];
    size_t n;
    bool replayed;
    int64_t id = intake(s, "20260331", "路灯不亮", NULL, number, &replayed);
    struct wf_input in = {
        .action = ACT_DISPATCH, .unit_id = 1, .cal = cal, .limits = &l, .now = 1774936800};

    sla_defaults(&l);
    ck_assert_int_eq(store_case_update(s, number, NULL, dispatch_fn, &in, &out, &err), 0);
    ck_assert_int_eq(out.status, CASE_DISPATCHED);
    case_release(&out);
    /* the same action again is refused inside the transaction and changes nothing */
    ck_assert_int_eq(store_case_update(s, number, NULL, dispatch_fn, &in, &out, &err),
                     GZ_ECONFLICT);
    ck_assert_int_eq(store_case_get(s, number, 0, &got, &err), 0);
    ck_assert_int_eq(got.status, CASE_DISPATCHED);
    ck_assert_int_eq(got.lead_unit_id, 1);
    ck_assert_int_gt(got.resolve_by, got.dispatched_at);
    case_release(&got);
    ck_assert_int_eq(store_case_units(s, id, units, 4, &n, &err), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(store_case_events(s, id, add_kind, &cnt, &err), 0);
    ck_assert_str_eq(cnt.kinds, "created,dispatch");
    /* the sweeper: nothing at dispatch time, the respond reminder later, never twice */
    int given = 0;
    ck_assert_int_eq(sweeper_run(s, 1774936800, &given, &err), 0);
    ck_assert_int_eq(given, 0);
    ck_assert_int_eq(sweeper_run(s, 1774936800 + 40 * 86400, &given, &err), 0);
    ck_assert_int_eq(given, 2); /* both supervisions (each standing for its reminder) */
    ck_assert_int_eq(sweeper_run(s, 1774936800 + 40 * 86400, &given, &err), 0);
    ck_assert_int_eq(given, 0);
    cal_free(cal);
    store_close(s);
}
END_TEST

/* More cases due than one batch holds: one run still gives every escalation. */
START_TEST(sweep_drains_more_than_a_batch)
{
    char path[300], number[16];
    struct store *s = fresh(path, sizeof(path));
    struct gz_err err = {0};
    struct calendar *cal = cal_new("Asia/Shanghai", &err);
    struct sla_limits l;
    struct case_rec out;
    bool replayed;
    int given = 0;
    struct wf_input in = {
        .action = ACT_DISPATCH, .unit_id = 1, .cal = cal, .limits = &l, .now = 1774936800};

    sla_defaults(&l);
    for (int i = 0; i < 5; i++) {
        intake(s, "20260331", "路灯不亮", NULL, number, &replayed);
        ck_assert_int_eq(store_case_update(s, number, NULL, dispatch_fn, &in, &out, &err), 0);
        case_release(&out);
    }
    ck_assert_int_eq(sweeper_run_batched(s, 1774936800 + 40 * 86400, 2, &given, &err), 0);
    ck_assert_int_eq(given, 10); /* two supervisions each */
    ck_assert_int_eq(sweeper_run_batched(s, 1774936800 + 40 * 86400, 2, &given, &err), 0);
    ck_assert_int_eq(given, 0);
    cal_free(cal);
    store_close(s);
}
END_TEST

static int check_chain(void *ctx, const struct event *e)
{
    int *bad = ctx;

    if (!audit_check(e))
        *bad = (int)e->id;
    return 0;
}

START_TEST(events_chain_and_are_append_only)
{
    char path[300];
    struct store *s = fresh(path, sizeof(path));
    struct gz_err err = {0};
    sqlite3 *db;
    bool replayed;
    int bad = 0;

    for (int i = 0; i < 5; i++)
        intake(s, "20260331", "噪音扰民", NULL, NULL, &replayed);
    ck_assert_int_eq(store_events_walk(s, check_chain, &bad, &err), 0);
    ck_assert_int_eq(bad, 0);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE events SET at = at + 1 WHERE id = 3", 0, 0, 0),
                     SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM events WHERE id = 3", 0, 0, 0), SQLITE_OK);
    sqlite3_close(db);
    store_close(s);
}
END_TEST

static int db_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int v = -1;

    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* The links as well as the seals: each event's prev_hash is the hash before it. */
struct links {
    int64_t id;
    char hash[AUDIT_HASH_HEX + 1];
    int bad;
};

static int check_links(void *ctx, const struct event *e)
{
    struct links *l = ctx;

    if (!audit_check(e) || e->id != l->id + 1 || strcmp(e->prev_hash, l->hash) != 0)
        l->bad = (int)e->id;
    l->id = e->id;
    memcpy(l->hash, e->hash, sizeof(l->hash));
    return 0;
}

/* An intake whose created event is appended and then undone: its co-unit does not exist. */
static int intake_undone(struct store *s, int64_t lead)
{
    struct case_rec c;
    struct event ev, then;
    struct store_intake in = {0};
    struct gz_err err = {0};
    int rc;

    case_init(&c);
    event_init(&ev);
    event_init(&then);
    c.text = strdup("undone");
    c.lead_unit_id = lead;
    c.co_units[c.n_co++] = 999999;
    c.units_changed = true;
    snprintf(ev.kind, sizeof(ev.kind), "created");
    ev.body = strdup("{}");
    snprintf(then.kind, sizeof(then.kind), "dispatch");
    then.body = strdup("{}");
    in.day = "20260331";
    in.ev = &ev;
    in.then_ev = &then;
    rc = store_case_create(s, &c, &in, &err);
    case_release(&c);
    event_release(&ev);
    event_release(&then);
    return rc;
}

struct undo_ctx {
    struct store *s;
    int64_t lead;
    int failed;
};

static void *undo_thread(void *arg)
{
    struct undo_ctx *u = arg;
    bool replayed;

    for (int i = 0; i < 20; i++) {
        if (i % 2 && intake_undone(u->s, u->lead) != 0)
            u->failed++;
        else if (i % 2 == 0)
            intake(u->s, "20260331", "噪音扰民", NULL, NULL, &replayed);
    }
    return NULL;
}

/*
 * Jobs that fail after appending events and taking case numbers share groups
 * with jobs that do not: the chain the group commits has no gap and no stale
 * link, its head setting names the last event, and the numbers kept run on.
 */
START_TEST(undone_jobs_leave_the_chain_whole)
{
    char path[300], head[128], want[128];
    struct store *s = fresh(path, sizeof(path));
    struct undo_ctx ctx[8];
    pthread_t th[8];
    struct links l = {.id = 0};
    struct gz_err err = {0};

    memcpy(l.hash, audit_genesis, sizeof(l.hash));
    for (int i = 0; i < 8; i++) {
        ctx[i] = (struct undo_ctx){s, 1, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, undo_thread, &ctx[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(ctx[i].failed, 10);
    }
    ck_assert_int_eq(store_events_walk(s, check_links, &l, &err), 0);
    ck_assert_int_eq(l.bad, 0);
    ck_assert_int_eq(l.id, 80);
    ck_assert_int_eq(store_setting_get(s, "audit_head", head, sizeof(head), &err), 0);
    snprintf(want, sizeof(want), "%lld %s", (long long)l.id, l.hash);
    ck_assert_str_eq(head, want);
    store_close(s);
    /* the numbers of the 80 cases kept are 1..80: the undone took none */
    ck_assert_int_eq(db_int(path, "SELECT count(DISTINCT number) FROM cases"), 80);
    ck_assert_int_eq(db_int(path, "SELECT max(substr(number, 10) + 0) FROM cases"), 80);
    ck_assert_int_eq(db_int(path, "SELECT last FROM case_seq WHERE day = '20260331'"), 80);
}
END_TEST

Suite *suite_store_cases(void)
{
    Suite *s = suite_create("store/cases");
    TCase *tc = tcase_create("cases");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, numbers_and_idempotency);
    tcase_add_test(tc, update_writes_row_event_and_units);
    tcase_add_test(tc, sweep_drains_more_than_a_batch);
    tcase_add_test(tc, events_chain_and_are_append_only);
    tcase_add_test(tc, undone_jobs_leave_the_chain_whole);
    suite_add_tcase(s, tc);
    return s;
}
