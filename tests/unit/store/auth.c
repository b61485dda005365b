/* Tests of src/store/store_sqlite_auth.c: accounts, memberships, tokens, principals. */
#include "gz.h"

#include <unistd.h>

#include "store/store.h"
#include "t.h"

static char path[300];

static struct store *fresh(int64_t *unit_id)
{
    char dir[256];
    struct gz_err err = {0};
    struct store *s;
    struct unit u;

    t_tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/t.db", dir);
    s = store_open(path, NULL, &err);
    ck_assert_ptr_nonnull(s);
    unit_init(&u);
    snprintf(u.code, sizeof(u.code), "city");
    snprintf(u.name, sizeof(u.name), "City");
    u.kind = UNIT_CITY;
    ck_assert_int_eq(store_unit_create(s, &u, NULL, &err), 0);
    *unit_id = u.id;
    return s;
}

static int64_t account(struct store *s, const char *login, int expect)
{
    struct account a;
    struct gz_err err = {0};

    account_init(&a);
    snprintf(a.login, sizeof(a.login), "%s", login);
    snprintf(a.name, sizeof(a.name), "Name %s", login);
    ck_assert_int_eq(store_account_create(s, &a, "$argon2id$fake", &err), expect);
    return a.id;
}

START_TEST(accounts_and_memberships)
{
    int64_t unit;
    struct store *s = fresh(&unit);
    struct gz_err err = {0};
    struct membership m = {0};
    struct account a;
    char hash[AUTH_HASH_MAX];
    int64_t id = account(s, "li.si", 0);

    account(s, "li.si", GZ_ECONFLICT);
    ck_assert_str_eq(err.field, "");
    ck_assert_int_eq(store_account_get_login(s, "li.si", &a, hash, &err), 0);
    ck_assert_str_eq(hash, "$argon2id$fake");
    m = (struct membership){.account_id = id, .unit_id = unit, .role = ROLE_DISPATCHER};
    ck_assert_int_eq(store_membership_create(s, &m, &err), 0);
    ck_assert_int_eq(store_membership_create(s, &m, &err), GZ_ECONFLICT);
    m.unit_id = 999;
    ck_assert_int_eq(store_membership_create(s, &m, &err), GZ_EINVAL);
    store_close(s);
}
END_TEST

START_TEST(tokens_and_principals)
{
    int64_t unit;
    struct store *s = fresh(&unit);
    struct gz_err err = {0};
    struct principal p;
    struct membership m;
    struct account a;
    int64_t id = account(s, "wang", 0);

    m = (struct membership){.account_id = id, .unit_id = unit, .role = ROLE_SUPERVISOR};
    ck_assert_int_eq(store_membership_create(s, &m, &err), 0);
    ck_assert_int_eq(store_token_create(s, "h1", id, 2000, &err), 0);
    ck_assert_int_eq(store_principal_load(s, "h1", 1000, &p, &err), 0);
    ck_assert_int_eq(p.account_id, id);
    ck_assert_uint_eq(p.n, 1);
    ck_assert_int_eq(p.m[0].role, ROLE_SUPERVISOR);
    ck_assert_int_eq(store_principal_load(s, "h1", 2000, &p, &err), GZ_EAUTH); /* expired */
    ck_assert_int_eq(store_principal_load(s, "nope", 1000, &p, &err), GZ_EAUTH);
    ck_assert_int_eq(store_token_purge(s, 3000, &err), 1);
    ck_assert_int_eq(store_token_create(s, "h2", id, 5000, &err), 0);
    /* deactivating the account ends its sessions */
    ck_assert_int_eq(store_account_get(s, id, &a, &err), 0);
    a.active = false;
    ck_assert_int_eq(store_account_update(s, &a, NULL, &err), 0);
    ck_assert_int_eq(store_principal_load(s, "h2", 1000, &p, &err), GZ_EAUTH);
    store_close(s);
}
END_TEST

static size_t roles(struct store *s, const char *hash, int64_t now)
{
    struct principal p;
    struct gz_err err = {0};
    int rc = store_principal_load(s, hash, now, &p, &err);

    return rc ? (size_t)-1 : p.n;
}

/*
 * Principals are cached by token; a change in this process shows at the next
 * load, another process's within a second, and a token's expiry always.
 */
START_TEST(cached_principals_follow_changes)
{
    int64_t unit, id;
    struct store *s = fresh(&unit), *other;
    struct gz_err err = {0};
    struct membership m, m2;
    struct account a;

    id = account(s, "zhao", 0);
    m = (struct membership){.account_id = id, .unit_id = unit, .role = ROLE_DISPATCHER};
    ck_assert_int_eq(store_membership_create(s, &m, &err), 0);
    ck_assert_int_eq(store_token_create(s, "h1", id, 5000, &err), 0);
    ck_assert_int_eq(roles(s, "h1", 1000), 1);
    m2 = (struct membership){.account_id = id, .unit_id = unit, .role = ROLE_SUPERVISOR};
    ck_assert_int_eq(store_membership_create(s, &m2, &err), 0);
    ck_assert_int_eq(roles(s, "h1", 1000), 2);
    ck_assert_int_eq(store_membership_delete(s, m.id, &err), 0);
    ck_assert_int_eq(roles(s, "h1", 1000), 1);
    ck_assert_int_eq(roles(s, "h1", 5000), (size_t)-1);     /* expired, though cached */
    ck_assert_int_eq(store_token_delete(s, "h1", &err), 0); /* logout */
    ck_assert_int_eq(roles(s, "h1", 1000), (size_t)-1);

    ck_assert_int_eq(store_token_create(s, "h2", id, 5000, &err), 0);
    ck_assert_int_eq(roles(s, "h2", 1000), 1);
    other = store_open(path, NULL, &err); /* as another process would */
    ck_assert_ptr_nonnull(other);
    ck_assert_int_eq(store_account_get(other, id, &a, &err), 0);
    a.active = false;
    ck_assert_int_eq(store_account_update(other, &a, NULL, &err), 0);
    store_close(other);
    sleep(2);
    ck_assert_int_eq(roles(s, "h2", 1000), (size_t)-1);
    store_close(s);
}
END_TEST

Suite *suite_store_auth(void)
{
    Suite *s = suite_create("store/auth");
    TCase *tc = tcase_create("auth");

    tcase_add_test(tc, accounts_and_memberships);
    tcase_add_test(tc, tokens_and_principals);
    tcase_add_test(tc, cached_principals_follow_changes);
    suite_add_tcase(s, tc);
    return s;
}
