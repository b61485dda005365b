/*
 * Tests of src/store/store_sqlite_clients.c and store_sqlite_open311.c:
 * client systems and their keys, the extras of GeoReport reports and their
 * tokens, request lists, and service attributes.
 */
#include "gz.h"

#include "store/store.h"
#include "t.h"

#define T0 1774936800 /* 2026-03-31T06:00:00Z */

static struct store *fresh(void)
{
    char dir[256], path[300];
    struct gz_err err = {0};
    struct store *s;
    struct category cat;

    t_tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/t.db", dir);
    s = store_open(path, NULL, &err);
    ck_assert_ptr_nonnull(s);
    for (int i = 0; i < 3; i++) {
        static const char *const codes[] = {"01", "0101", "0102"};
        category_init(&cat);
        snprintf(cat.code, sizeof(cat.code), "%s", codes[i]);
        snprintf(cat.name, sizeof(cat.name), "类别%d", i);
        ck_assert_int_eq(category_validate(&cat, &err), 0);
        ck_assert_int_eq(store_category_create(s, &cat, &err), 0);
    }
    return s;
}

static struct api_client new_client(struct store *s, const char *name, const char *hash)
{
    struct api_client c;
    struct gz_err err = {0};

    api_client_init(&c);
    snprintf(c.name, sizeof(c.name), "%s", name);
    c.rate_per_min = 60;
    ck_assert_int_eq(store_client_create(s, &c, hash, &err), 0);
    ck_assert_int_gt(c.id, 0);
    ck_assert_int_gt(c.account_id, 0);
    return c;
}

START_TEST(clients_and_keys)
{
    struct store *s = fresh();
    struct api_client a = new_client(s, "City app", "aaaa"), b = new_client(s, "CRM", "bbbb"), got;
    struct account acct;
    struct gz_err err = {0};

    ck_assert_int_eq(store_client_by_key(s, "bbbb", &got, &err), 0);
    ck_assert_int_eq(got.id, b.id);
    ck_assert_str_eq(got.name, "CRM");
    ck_assert_int_eq(got.rate_per_min, 60);
    ck_assert_int_eq(store_client_by_key(s, "cccc", &got, &err), GZ_EAUTH);
    /* its account: named after it, a login no person can take */
    ck_assert_int_eq(store_account_get(s, a.account_id, &acct, &err), 0);
    ck_assert_str_eq(acct.name, "City app");
    ck_assert_str_eq(acct.login, "open311:1");
    /* a new key replaces the old one */
    ck_assert_int_eq(store_client_rekey(s, a.id, "a2a2", &err), 0);
    ck_assert_int_eq(store_client_by_key(s, "aaaa", &got, &err), GZ_EAUTH);
    ck_assert_int_eq(store_client_by_key(s, "a2a2", &got, &err), 0);
    /* revoked: the key stops working, the row and the account stay, inactive */
    ck_assert_int_eq(store_client_revoke(s, a.id, T0, &err), 0);
    ck_assert_int_eq(store_client_by_key(s, "a2a2", &got, &err), GZ_EAUTH);
    ck_assert_int_eq(store_client_get(s, a.id, &got, &err), 0);
    ck_assert(!got.active);
    ck_assert_int_eq(got.revoked_at, T0);
    ck_assert_int_eq(store_account_get(s, a.account_id, &acct, &err), 0);
    ck_assert(!acct.active);
    ck_assert_int_eq(store_client_rekey(s, a.id, "a3a3", &err), GZ_ENOTFOUND);
    ck_assert_int_eq(store_client_get(s, 99, &got, &err), GZ_ENOTFOUND);
    /* a key hash is unique */
    api_client_init(&got);
    snprintf(got.name, sizeof(got.name), "again");
    ck_assert_int_eq(store_client_create(s, &got, "bbbb", &err), GZ_ECONFLICT);
    store_close(s);
}
END_TEST

static int add_rec(void *ctx, const struct client_access *a)
{
    char *out = ctx;
    size_t n = strlen(out);

    snprintf(out + n, 512 - n, "%lld %s %s %d %d [%s];", (long long)a->client_id, a->method,
             a->path, a->status, a->n_cases, a->cases);
    return 0;
}

START_TEST(scopes_and_access_records)
{
    struct store *s = fresh();
    struct api_client a = new_client(s, "Dept system", "dddd"), got;
    struct client_access rec = {0};
    struct gz_err err = {0};
    char out[512] = "";

    ck_assert_int_eq(a.scope.access, SCOPE_NONE); /* Open311 only, as before scopes */
    ck_assert_int_eq(store_client_get(s, a.id, &got, &err), 0);
    ck_assert_int_eq(got.scope.access, SCOPE_NONE);
    ck_assert_str_eq(got.scope.fields[0], "*");
    a.scope.access = SCOPE_WRITE;
    ck_assert_int_eq(scope_add_category(&a.scope, "0101", &err), 0);
    ck_assert_int_eq(scope_add_area(&a.scope, 42, &err), 0);
    ck_assert_int_eq(scope_add_field(&a.scope, "reporter_phone", &err), 0);
    ck_assert_int_eq(store_client_update(s, &a, &err), 0);
    ck_assert_int_eq(store_client_by_key(s, "dddd", &got, &err), 0);
    ck_assert_int_eq(memcmp(&got.scope, &a.scope, sizeof(a.scope)), 0);
    /* records, newest first, per client or all, paged by id */
    rec = (struct client_access){.client_id = a.id, .at = T0, .status = 200, .n_cases = 2,
                                 .cases = "20260331-000001,20260331-000002"};
    snprintf(rec.method, sizeof(rec.method), "GET");
    snprintf(rec.path, sizeof(rec.path), "/api/v1/cases");
    ck_assert_int_eq(store_client_access_add(s, &rec, &err), 0);
    ck_assert_int_gt(rec.id, 0);
    rec.status = 404, rec.n_cases = 0, rec.cases = NULL;
    ck_assert_int_eq(store_client_access_add(s, &rec, &err), 0);
    ck_assert_int_eq(store_client_access_list(s, a.id, 0, 10, add_rec, out, &err), 0);
    ck_assert_str_eq(out, "1 GET /api/v1/cases 404 0 [];"
                          "1 GET /api/v1/cases 200 2 [20260331-000001,20260331-000002];");
    out[0] = '\0';
    ck_assert_int_eq(store_client_access_list(s, a.id, rec.id, 10, add_rec, out, &err), 0);
    ck_assert_str_eq(out, "1 GET /api/v1/cases 200 2 [20260331-000001,20260331-000002];");
    out[0] = '\0';
    ck_assert_int_eq(store_client_access_list(s, a.id + 1, 0, 10, add_rec, out, &err), 0);
    ck_assert_str_eq(out, "");
    store_close(s);
}
END_TEST

static int64_t add_case(struct store *s, const char *category, int64_t at, char *number)
{
    struct case_rec c;
    struct event ev;
    struct gz_err err = {0};
    char day[16];
    struct store_intake in = {.day = day, .ev = &ev};
    int64_t id;

    case_init(&c);
    event_init(&ev);
    c.text = strdup("路灯不亮");
    c.channel = CHANNEL_OPEN311;
    c.created_at = at;
    snprintf(c.category, sizeof(c.category), "%s", category);
    snprintf(ev.kind, sizeof(ev.kind), "created");
    ev.at = at;
    ev.body = strdup("{}");
    snprintf(day, sizeof(day), "2026%04lld", (long long)(at / 86400 % 10000));
    ck_assert_int_eq(store_case_create(s, &c, &in, &err), 0);
    id = c.id;
    snprintf(number, CASE_NUMBER_LEN + 1, "%s", c.number);
    case_release(&c);
    event_release(&ev);
    return id;
}

struct seen {
    int n;
    char numbers[8][CASE_NUMBER_LEN + 1];
    char media[64];
};

static int collect(void *ctx, const struct o311_row *r)
{
    struct seen *x = ctx;

    if (x->n < 8)
        snprintf(x->numbers[x->n], sizeof(x->numbers[0]), "%s", r->c->number);
    if (r->media_url)
        snprintf(x->media, sizeof(x->media), "%s", r->media_url);
    ck_assert_int_ge(r->updated_at, r->c->created_at);
    x->n++;
    return 0;
}

static struct seen list(struct store *s, struct o311_filter f)
{
    struct seen x = {0};
    struct gz_err err = {0};

    if (!f.limit)
        f.limit = 100;
    ck_assert_int_eq(store_o311_requests(s, &f, collect, &x, &err), 0);
    return x;
}

START_TEST(extras_tokens_and_lists)
{
    struct store *s = fresh();
    struct api_client a = new_client(s, "app", "aaaa");
    char n1[16], n2[16], n3[16], number[16];
    int64_t c1 = add_case(s, "0101", T0, n1);
    struct o311_extra x = {c1,
                           a.id,
                           "tok-1",
                           "me@example.org",
                           "dev",
                           "acct-9",
                           "https://example.org/1.jpg",
                           "A-17",
                           "{\"MAKE\":\"123\"}"};
    struct o311_extra_rec rec;
    struct gz_err err = {0};
    const char *const codes[] = {"0102"}, *const numbers[] = {n3, "20990101-000001", n1};
    struct seen got;

    add_case(s, "0102", T0 + 60, n2);
    add_case(s, "0101", T0 + 120, n3);
    ck_assert_int_eq(store_o311_extra_put(s, &x, &err), 0);
    ck_assert_int_eq(store_o311_extra_put(s, &x, &err), 0); /* a replay changes nothing */
    ck_assert_int_eq(store_o311_token(s, "tok-1", number, sizeof(number), &err), 0);
    ck_assert_str_eq(number, n1);
    ck_assert_int_eq(store_o311_token(s, "tok-2", number, sizeof(number), &err), GZ_ENOTFOUND);
    ck_assert_int_eq(store_o311_extra_get(s, c1, &rec, &err), 0);
    ck_assert_str_eq(rec.email, "me@example.org");
    ck_assert_str_eq(rec.attributes, "{\"MAKE\":\"123\"}");
    o311_extra_rec_release(&rec);

    got = list(s, (struct o311_filter){.from = T0, .to = T0 + 3600});
    ck_assert_int_eq(got.n, 3);
    ck_assert_str_eq(got.numbers[0], n3); /* newest first */
    ck_assert_str_eq(got.media, "https://example.org/1.jpg");
    ck_assert_int_eq(list(s, (struct o311_filter){.from = T0 + 1, .to = T0 + 3600}).n, 2);
    got = list(s, (struct o311_filter){.codes = codes, .n_codes = 1, .from = T0, .to = T0 + 60});
    ck_assert_int_eq(got.n, 1);
    ck_assert_str_eq(got.numbers[0], n2);
    got = list(s, (struct o311_filter){.numbers = numbers, .n_numbers = 3});
    ck_assert_int_eq(got.n, 2);
    ck_assert_int_eq(list(s, (struct o311_filter){.from = T0, .to = T0 + 3600, .status = 2}).n, 0);
    ck_assert_int_eq(list(s, (struct o311_filter){.from = T0, .to = T0 + 3600, .status = 1}).n, 3);
    got = list(s, (struct o311_filter){.from = T0, .to = T0 + 3600, .limit = 1, .offset = 1});
    ck_assert_int_eq(got.n, 1);
    ck_assert_str_eq(got.numbers[0], n2);
    store_close(s);
}
END_TEST

static int count_code(void *ctx, const char *code)
{
    (void)code;
    (*(int *)ctx)++;
    return 0;
}

START_TEST(service_attributes)
{
    struct store *s = fresh();
    struct gz_err err = {0};
    char *json = NULL;
    int n = 0;

    ck_assert_int_eq(store_category_attrs_get(s, "0101", &json, &err), 0);
    ck_assert_ptr_null(json);
    ck_assert_int_eq(store_category_attrs_set(s, "0101", "[]", &err), 0);
    ck_assert_int_eq(store_category_attrs_get(s, "0101", &json, &err), 0);
    ck_assert_str_eq(json, "[]");
    free(json);
    ck_assert_int_eq(store_category_attrs_codes(s, count_code, &n, &err), 0);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(store_category_attrs_set(s, "0101", NULL, &err), 0);
    ck_assert_int_eq(store_category_attrs_set(s, "09", "[]", &err), GZ_ENOTFOUND);
    ck_assert_int_eq(store_category_attrs_get(s, "09", &json, &err), GZ_ENOTFOUND);
    store_close(s);
}
END_TEST

Suite *suite_store_open311(void)
{
    Suite *s = suite_create("store/open311");
    TCase *tc = tcase_create("open311");

    tcase_add_test(tc, clients_and_keys);
    tcase_add_test(tc, extras_tokens_and_lists);
    tcase_add_test(tc, service_attributes);
    tcase_add_test(tc, scopes_and_access_records);
    suite_add_tcase(s, tc);
    return s;
}
