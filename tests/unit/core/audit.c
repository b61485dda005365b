/* Tests of src/core/audit.c: sealing, checking, and tampering detected. */
#include "gz.h"

#include "core/audit.h"
#include "t.h"

static struct event make(void)
{
    struct event e;

    event_init(&e);
    e.id = 7;
    e.case_id = 3;
    snprintf(e.kind, sizeof(e.kind), "dispatch");
    e.actor_account_id = 2;
    e.at = 1764000000;
    e.body = strdup("{\"lead_unit_id\":5,\"note\":\"派往城管\"}");
    memcpy(e.prev_hash, audit_genesis, sizeof(audit_genesis));
    return e;
}

START_TEST(seal_and_check)
{
    struct event e = make(), f = make();

    ck_assert_int_eq(audit_seal(&e), 0);
    ck_assert_uint_eq(strlen(e.hash), 64);
    ck_assert(audit_check(&e));
    ck_assert_int_eq(audit_seal(&f), 0);
    ck_assert_str_eq(e.hash, f.hash); /* deterministic */
    /* key order and spacing of the stored body do not matter: the form is canonical */
    free(f.body);
    f.body = strdup("{ \"note\": \"派往城管\", \"lead_unit_id\": 5 }");
    ck_assert(audit_check(&f));
    event_release(&e);
    event_release(&f);
}
END_TEST

START_TEST(tampering_breaks_the_hash)
{
    struct event e = make();

    ck_assert_int_eq(audit_seal(&e), 0);
    e.at++;
    ck_assert(!audit_check(&e));
    e.at--;
    e.internal = true;
    ck_assert(!audit_check(&e));
    e.internal = false;
    free(e.body);
    e.body = strdup("{\"lead_unit_id\":6,\"note\":\"派往城管\"}");
    ck_assert(!audit_check(&e));
    free(e.body);
    e.body = strdup("[1]");
    ck_assert(!audit_check(&e));
    ck_assert_int_eq(audit_seal(&e), GZ_EINVAL);
    event_release(&e);
}
END_TEST

Suite *suite_core_audit(void)
{
    Suite *s = suite_create("core/audit");
    TCase *tc = tcase_create("audit");

    tcase_add_test(tc, seal_and_check);
    tcase_add_test(tc, tampering_breaks_the_hash);
    suite_add_tcase(s, tc);
    return s;
}
