/* Tests of src/util/strset.c: membership by bytes, duplicates, growth, values. */
#include "gz.h"

#include "t.h"
#include "util/strset.h"

START_TEST(adds_and_finds)
{
    struct strset *s = strset_new();

    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(strset_add(s, "垃圾", strlen("垃圾")), 0);
    ck_assert_int_eq(strset_add(s, "垃圾", strlen("垃圾")), 0);
    ck_assert_int_eq(strset_add(s, "ab\0c", 4), 0); /* bytes, not C strings */
    ck_assert_uint_eq(strset_count(s), 2);
    ck_assert(strset_has(s, "垃圾", strlen("垃圾")));
    ck_assert(strset_has(s, "ab\0c", 4));
    ck_assert(!strset_has(s, "ab", 2));
    ck_assert(!strset_has(s, "垃", strlen("垃")));
    ck_assert(!strset_has(s, "", 0));
    ck_assert_int_eq(strset_add(s, "", 0), 0);
    ck_assert(strset_has(s, "", 0));
    strset_free(s);
    strset_free(NULL);
}
END_TEST

START_TEST(grows_keeping_every_member)
{
    struct strset *s = strset_new();
    char k[32];

    for (int i = 0; i < 20000; i++) {
        int n = snprintf(k, sizeof(k), "t%d", i);
        ck_assert_int_eq(strset_add(s, k, (size_t)n), 0);
    }
    ck_assert_uint_eq(strset_count(s), 20000);
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(k, sizeof(k), "t%d", i);
        ck_assert(strset_has(s, k, (size_t)n));
        n = snprintf(k, sizeof(k), "u%d", i);
        ck_assert(!strset_has(s, k, (size_t)n));
    }
    strset_free(s);
}
END_TEST

START_TEST(values_survive_growth_and_adds)
{
    struct strset *s = strset_new();
    char k[32];

    ck_assert_uint_eq(strset_value(s, "a", 1), 0); /* absent */
    ck_assert_int_eq(strset_add(s, "a", 1), 0);
    ck_assert_uint_eq(strset_value(s, "a", 1), 0); /* there, without a value */
    ck_assert_int_eq(strset_put(s, "a", 1, 7), 0);
    ck_assert_int_eq(strset_add(s, "a", 1), 0); /* adding again keeps the value */
    ck_assert_uint_eq(strset_value(s, "a", 1), 7);
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(k, sizeof(k), "t%d", i);
        ck_assert_int_eq(strset_put(s, k, (size_t)n, (size_t)i + 1), 0);
    }
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(k, sizeof(k), "t%d", i);
        ck_assert_uint_eq(strset_value(s, k, (size_t)n), (size_t)i + 1);
    }
    ck_assert_uint_eq(strset_value(s, "a", 1), 7);
    ck_assert_uint_eq(strset_count(s), 5001);
    strset_free(s);
}
END_TEST

Suite *suite_util_strset(void)
{
    Suite *s = suite_create("util/strset");
    TCase *tc = tcase_create("strset");

    tcase_add_test(tc, adds_and_finds);
    tcase_add_test(tc, grows_keeping_every_member);
    tcase_add_test(tc, values_survive_growth_and_adds);
    suite_add_tcase(s, tc);
    return s;
}
