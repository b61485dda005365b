/* Tests of src/core/audit.c: sealing, checking, and tampering detected. */
#include "gz.h"

#include <jansson.h>

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

/* A random JSON value of the kinds event bodies hold, depth-limited. */
static json_t *random_value(unsigned *seed, int depth)
{
    static const char *const words[] = {"派往城管", "a\"b", "back\\slash", "tab\tnew\nline",
                                        "\x01ctl",  "é",    "🚧 emoji",     "",
                                        "/slash",   "<tag>"};
    int k = depth > 2 ? rand_r(seed) % 5 : rand_r(seed) % 7;

    switch (k) {
    case 0: return json_integer((json_int_t)rand_r(seed) * (rand_r(seed) % 2 ? -1 : 1));
    case 1: return json_real((double)rand_r(seed) / ((double)rand_r(seed) + 1.0) - 0.5);
    case 2: return json_string(words[rand_r(seed) % GZ_ARRAY_LEN(words)]);
    case 3: return rand_r(seed) % 2 ? json_true() : json_null();
    case 4: return json_real(0.1 * (rand_r(seed) % 100));
    case 5: {
        json_t *a = json_array();
        for (int i = rand_r(seed) % 4; i > 0; i--)
            json_array_append_new(a, random_value(seed, depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (int i = rand_r(seed) % 5; i > 0; i--)
            json_object_set_new(o, words[rand_r(seed) % GZ_ARRAY_LEN(words)],
                                random_value(seed, depth + 1));
        return o;
    }
    }
}

/*
 * A body set by audit_set_body is sealed without being parsed again (the
 * envelope is written by hand): the hash must be the general path's, byte for
 * byte, for any body, so that verify (which parses what is stored) agrees.
 */
START_TEST(fast_seal_equals_general_seal)
{
    unsigned seed = 20261125;

    for (int i = 0; i < 3000; i++) {
        struct event e = make(), f;
        json_t *body = json_object();
        for (int k = rand_r(&seed) % 6; k > 0; k--) {
            char key[16];
            snprintf(key, sizeof(key), "k%d", rand_r(&seed) % 9);
            json_object_set_new(body, key, random_value(&seed, 0));
        }
        e.id = rand_r(&seed);
        e.case_id = i % 3 ? rand_r(&seed) : 0;
        e.actor_unit_id = i % 2 ? rand_r(&seed) : 0;
        e.internal = i % 5 == 0;
        snprintf(e.kind, sizeof(e.kind), "%s", i % 4 ? "supervise" : "approve_extension");
        audit_set_body(&e, body);
        ck_assert(e.body_canonical);
        f = e;
        f.body = strdup(e.body);
        f.body_canonical = false; /* as read back from the store */
        ck_assert_int_eq(audit_seal(&e), 0);
        ck_assert_int_eq(audit_seal(&f), 0);
        ck_assert_msg(strcmp(e.hash, f.hash) == 0, "body %s", e.body);
        ck_assert(audit_check(&f));
        event_release(&e);
        event_release(&f);
    }
}
END_TEST

/* Up to three random members, keys `prefix` and a digit, into part and into all. */
static void add_random(json_t *part, json_t *all, char prefix, unsigned *seed)
{
    for (int k = rand_r(seed) % 4; k > 0; k--) {
        char key[16];
        json_t *v = random_value(seed, 0);
        snprintf(key, sizeof(key), "%c%d", prefix, rand_r(seed) % 9);
        json_object_set(part, key, v);
        json_object_set_new(all, key, v);
    }
}

/*
 * A body joined from two canonical texts (every key of the first before every
 * key of the second) is the canonical text of their union, byte for byte.
 */
START_TEST(joined_body_is_the_union_canonical)
{
    unsigned seed = 1125;

    for (int i = 0; i < 2000; i++) {
        json_t *first = json_object(), *rest = json_object(), *all = json_object();
        struct event e = make(), f = make();
        char *a, *b;

        add_random(first, all, 'a', &seed);
        add_random(rest, all, 'b', &seed);
        a = audit_canonical(first);
        b = audit_canonical(rest);
        ck_assert_int_eq(audit_set_body_joined(&e, a, b), 0);
        audit_set_body(&f, all);
        ck_assert_str_eq(e.body, f.body);
        ck_assert(e.body_canonical);
        free(a);
        free(b);
        json_decref(first);
        json_decref(rest);
        event_release(&e);
        event_release(&f);
    }
    {
        struct event e = make();
        json_t *n = json_integer(1);
        ck_assert_int_eq(audit_set_body_joined(&e, "[]", "{}"), GZ_EINVAL);
        ck_assert_int_eq(audit_set_body_joined(&e, "{}", NULL), GZ_EINVAL);
        ck_assert_int_eq(audit_set_body_joined(&e, "{}", "{}"), 0);
        ck_assert_str_eq(e.body, "{}");
        ck_assert_ptr_null(audit_canonical(n));
        json_decref(n);
        event_release(&e);
    }
}
END_TEST

Suite *suite_core_audit(void)
{
    Suite *s = suite_create("core/audit");
    TCase *tc = tcase_create("audit");

    tcase_add_test(tc, seal_and_check);
    tcase_add_test(tc, tampering_breaks_the_hash);
    tcase_add_test(tc, fast_seal_equals_general_seal);
    tcase_add_test(tc, joined_body_is_the_union_canonical);
    suite_add_tcase(s, tc);
    return s;
}
