/* Tests of src/core/account.c and src/core/auth.c: accounts, passwords, tokens, roles. */
#include "gz.h"

#include "core/account.h"
#include "core/auth.h"
#include "t.h"

START_TEST(account_fields)
{
    struct account a;
    struct gz_err err = {0};

    account_init(&a);
    snprintf(a.login, sizeof(a.login), "zhang.san");
    snprintf(a.name, sizeof(a.name), "张三");
    snprintf(a.phone, sizeof(a.phone), "13812345678");
    ck_assert_int_eq(account_validate(&a, &err), 0);
    snprintf(a.phone, sizeof(a.phone), "call me");
    ck_assert_int_eq(account_validate(&a, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "phone");
    snprintf(a.login, sizeof(a.login), "张三");
    ck_assert_int_eq(account_validate(&a, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "login");
}
END_TEST

START_TEST(passwords)
{
    struct gz_err err = {0};
    char hash[AUTH_HASH_MAX];

    ck_assert_int_eq(account_check_password("bob", "short", &err), GZ_EINVAL);
    ck_assert_int_eq(account_check_password("bob", "aaaaaaaaaa", &err), GZ_EINVAL);
    ck_assert_int_eq(account_check_password("bobbobbob", "bobbobbob", &err), GZ_EINVAL);
    ck_assert_int_eq(account_check_password("bob", "correct horse", &err), 0);
    ck_assert_int_eq(auth_password_hash("correct horse", hash), 0);
    ck_assert(strncmp(hash, "$argon2id$", 10) == 0);
    ck_assert(auth_password_verify(hash, "correct horse"));
    ck_assert(!auth_password_verify(hash, "correct horsf"));
}
END_TEST

START_TEST(tokens)
{
    char tok[AUTH_TOKEN_CHARS + 1], hash[AUTH_TOKEN_HASH_CHARS + 1],
        again[AUTH_TOKEN_HASH_CHARS + 1];

    auth_token_new(tok, hash);
    ck_assert_uint_eq(strlen(tok), 64);
    ck_assert(auth_token_hash(tok, again));
    ck_assert_str_eq(hash, again);
    ck_assert_str_ne(tok, hash); /* only the hash is stored */
    ck_assert(!auth_token_hash("abc", again));
    tok[3] = 'z';
    ck_assert(!auth_token_hash(tok, again));
}
END_TEST

START_TEST(roles_over_units)
{
    struct principal p = {.account_id = 1, .n = 2};
    int64_t chain_c[] = {7, 3, 1}; /* community 7 in street 3 in city 1 */
    int64_t chain_d[] = {9, 1};

    p.m[0].role = ROLE_HANDLER;
    p.m[0].unit_id = 9;
    p.m[1].role = ROLE_ADMIN;
    p.m[1].unit_id = 3;
    ck_assert(auth_has_role(&p, ROLE_HANDLER));
    ck_assert(auth_has_role(&p, ROLE_SUPERVISOR)); /* admin covers every role */
    ck_assert(auth_has_role_over(&p, ROLE_ADMIN, chain_c, 3));
    ck_assert(!auth_has_role_over(&p, ROLE_ADMIN, chain_d, 2));
    ck_assert(auth_has_role_over(&p, ROLE_HANDLER, chain_d, 2));
    ck_assert(!auth_is_root_admin(&p, (int64_t[]){1}, 1));
    for (int r = 0; r < ROLE_COUNT; r++)
        ck_assert_int_eq(role_parse(role_name((enum role)r)), r);
}
END_TEST

START_TEST(phone_masking)
{
    char out[40];

    account_mask_phone("13812345678", out, sizeof(out));
    ck_assert_str_eq(out, "138****5678");
    account_mask_phone("", out, sizeof(out));
    ck_assert_str_eq(out, "");
    account_mask_phone("12345", out, sizeof(out));
    ck_assert_str_eq(out, "****");
}
END_TEST

START_TEST(mask_name)
{
    char out[40], tiny[3];

    account_mask_name("赵六", out, sizeof(out));
    ck_assert_str_eq(out, "赵*");
    account_mask_name("欧阳娜娜", out, sizeof(out));
    ck_assert_str_eq(out, "欧***");
    account_mask_name("Lei Li", out, sizeof(out));
    ck_assert_str_eq(out, "L*****");
    account_mask_name("张", out, sizeof(out)); /* one character alone would be the name */
    ck_assert_str_eq(out, "*");
    account_mask_name("", out, sizeof(out));
    ck_assert_str_eq(out, "");
    account_mask_name("Bartholomew Montgomery", out, sizeof(out));
    ck_assert_str_eq(out, "B********");
    account_mask_name("赵六", tiny, sizeof(tiny)); /* too small for the first character */
    ck_assert_str_eq(tiny, "*");
}
END_TEST

Suite *suite_core_account(void)
{
    Suite *s = suite_create("core/account");
    TCase *tc = tcase_create("account");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, account_fields);
    tcase_add_test(tc, passwords);
    tcase_add_test(tc, mask_name);
    tcase_add_test(tc, tokens);
    tcase_add_test(tc, roles_over_units);
    tcase_add_test(tc, phone_masking);
    suite_add_tcase(s, tc);
    return s;
}
