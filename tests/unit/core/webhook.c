/* Tests of src/core/webhook.c: URLs, secrets, the kinds list, signatures, the retry
   schedule and the stream's resume point. */
#include "gz.h"

#include "core/webhook.h"
#include "t.h"

START_TEST(urls_and_secrets)
{
    struct gz_err err = {0};
    char s[WEBHOOK_SECRET_MAX + 1];

    ck_assert_int_eq(webhook_url_check("https://example.org/hook?x=1", &err), 0);
    ck_assert_int_eq(webhook_url_check("http://127.0.0.1:8080/", &err), 0);
    ck_assert_int_eq(webhook_url_check("ftp://example.org/", &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "url");
    ck_assert_int_eq(webhook_url_check("http://", &err), GZ_EINVAL);
    ck_assert_int_eq(webhook_url_check("http:///path", &err), GZ_EINVAL);
    ck_assert_int_eq(webhook_url_check("http://a b/", &err), GZ_EINVAL);
    ck_assert_int_eq(webhook_url_check("http://a\n/", &err), GZ_EINVAL);
    ck_assert_int_eq(webhook_url_check("", &err), GZ_EINVAL);
    ck_assert_int_eq(webhook_secret_check("0123456789abcdef", &err), 0);
    ck_assert_int_eq(webhook_secret_check("short", &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "secret");
    ck_assert_int_eq(webhook_secret_check("0123456789 abcdef", &err), GZ_EINVAL);
    webhook_secret_new(s);
    ck_assert_int_eq((int)strlen(s), 70);
    ck_assert(strncmp(s, "whsec_", 6) == 0);
    ck_assert_int_eq(webhook_secret_check(s, &err), 0);
}
END_TEST

START_TEST(kinds_list)
{
    char k[WEBHOOK_KINDS_MAX + 1];
    struct gz_err err = {0};

    ck_assert_int_eq(
        webhook_kinds_parse(" created, dispatch ,created", k, sizeof(k), "kinds", &err), 0);
    ck_assert_str_eq(k, ",created,dispatch,");
    ck_assert(webhook_kinds_match(k, "dispatch"));
    ck_assert(webhook_kinds_match(k, "created"));
    ck_assert(!webhook_kinds_match(k, "patch"));
    ck_assert(!webhook_kinds_match(k, "create"));
    for (int i = 0; i < 4; i++) {
        static const char *const all[] = {"", "all", " * ", NULL};
        ck_assert_int_eq(webhook_kinds_parse(all[i], k, sizeof(k), "kinds", &err), 0);
        ck_assert_str_eq(k, "");
        ck_assert(webhook_kinds_match(k, "anything"));
    }
    ck_assert_int_eq(webhook_kinds_parse("a,,b", k, sizeof(k), "kinds", &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "kinds");
    ck_assert_int_eq(webhook_kinds_parse("Bad", k, sizeof(k), "kinds", &err), GZ_EINVAL);
    ck_assert_int_eq(webhook_kinds_parse("a,", k, sizeof(k), "kinds", &err), GZ_EINVAL);
    ck_assert_int_eq(
        webhook_kinds_parse("x23456789012345678901234567890123", k, sizeof(k), "kinds", &err),
        GZ_EINVAL);
    /* a full list refuses more */
    ck_assert_int_eq(webhook_kinds_parse("aaaa,bbbb", k, 11, "kinds", &err), GZ_EINVAL);
    ck_assert_int_eq(webhook_kinds_parse("aaaa,bbbb", k, 12, "kinds", &err), 0);
    ck_assert_str_eq(k, ",aaaa,bbbb,");
}
END_TEST

/* HMAC-SHA256 of "1700000000.{}" keyed "test-secret-0123456789" (Python's hmac module). */
START_TEST(signature)
{
    static const char secret[] = "test-secret-0123456789";
    char sig[WEBHOOK_SIG_MAX];

    webhook_sign(secret, 1700000000, "{}", 2, sig);
    ck_assert_str_eq(sig, "t=1700000000,v1="
                          "76ca751eaeca6221fd3aad4b025e775b7748ec5cf1b0240cf1c3b8e872e513d7");
    ck_assert(webhook_verify(secret, sig, "{}", 2));
    ck_assert(!webhook_verify(secret, sig, "{ }", 3));
    ck_assert(!webhook_verify("another-secret-0123", sig, "{}", 2));
    ck_assert(!webhook_verify(
        secret, "t=1700000001,v1=76ca751eaeca6221fd3aad4b025e775b7748ec5cf1b0240cf1c3b8e872e513d7",
        "{}", 2));
    ck_assert(!webhook_verify(secret, "v1=00", "{}", 2));
    ck_assert(!webhook_verify(secret, "t=1,v1=zz", "{}", 2));
    ck_assert(!webhook_verify(secret, NULL, "{}", 2));
}
END_TEST

START_TEST(backoff_schedule)
{
    struct webhook_policy p;

    webhook_policy_default(&p);
    ck_assert_int_eq(p.max_attempts, 10);
    p.base_ms = 1000;
    p.cap_ms = 60000;
    /* equal jitter: half the exponential step, plus up to the other half */
    ck_assert_int_eq(webhook_backoff_ms(&p, 1, 0.0), 500);
    ck_assert_int_eq(webhook_backoff_ms(&p, 1, 0.999999), 999);
    ck_assert_int_eq(webhook_backoff_ms(&p, 2, 0.0), 1000);
    ck_assert_int_eq(webhook_backoff_ms(&p, 3, 0.5), 3000);
    ck_assert_int_eq(webhook_backoff_ms(&p, 7, 0.0), 30000);
    ck_assert_int_eq(webhook_backoff_ms(&p, 8, 0.0), 30000);    /* capped at 60 s */
    ck_assert_int_eq(webhook_backoff_ms(&p, 1000, 1.5), 30000); /* bad jitter counts as 0 */
    for (int a = 1; a < 40; a++) {
        int64_t lo = webhook_backoff_ms(&p, a, 0.0), hi = webhook_backoff_ms(&p, a, 0.99);
        ck_assert(lo <= hi && hi <= p.cap_ms && lo >= p.base_ms / 2);
        ck_assert(webhook_backoff_ms(&p, a + 1, 0.0) >= lo);
    }
    p.max_attempts = 3;
    ck_assert(!webhook_is_dead(&p, 2));
    ck_assert(webhook_is_dead(&p, 3));
}
END_TEST

START_TEST(last_event_id)
{
    int64_t v = -1;

    ck_assert(sse_last_id_parse(NULL, &v) && v == 0);
    ck_assert(sse_last_id_parse("", &v) && v == 0);
    ck_assert(sse_last_id_parse(" 42 ", &v) && v == 42);
    ck_assert(sse_last_id_parse("9223372036854775798", &v) && v == INT64_C(9223372036854775798));
    ck_assert(!sse_last_id_parse("9223372036854775808", &v));
    ck_assert(!sse_last_id_parse("99999999999999999999999", &v));
    ck_assert(!sse_last_id_parse("-1", &v));
    ck_assert(!sse_last_id_parse("12abc", &v));
    ck_assert(!sse_last_id_parse("1 2", &v));
    ck_assert(!sse_last_id_parse("abc", &v));
}
END_TEST

Suite *suite_core_webhook(void)
{
    Suite *s = suite_create("core/webhook");
    TCase *tc = tcase_create("webhook");

    tcase_add_test(tc, urls_and_secrets);
    tcase_add_test(tc, kinds_list);
    tcase_add_test(tc, signature);
    tcase_add_test(tc, backoff_schedule);
    tcase_add_test(tc, last_event_id);
    suite_add_tcase(s, tc);
    return s;
}
