/* Tests of src/core/throttle.c: failures per key in a window, and quotas of uses. */
#include "gz.h"

#include "core/throttle.h"
#include "t.h"

START_TEST(blocks_after_max_then_recovers)
{
    struct throttle *t = throttle_new(64, 3, 300);

    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(throttle_wait(t, "bob", 1000), 0);
        throttle_fail(t, "bob", 1000);
    }
    ck_assert_int_eq(throttle_wait(t, "bob", 1000), 300);
    ck_assert_int_eq(throttle_wait(t, "bob", 1299), 1);
    ck_assert_int_eq(throttle_wait(t, "bob", 1300), 0);
    throttle_reset(t, "bob");
    ck_assert_int_eq(throttle_wait(t, "bob", 1000), 0);
    throttle_free(t);
}
END_TEST

START_TEST(take_counts_uses_per_window)
{
    struct throttle *t = throttle_new(64, 0, 60);

    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(throttle_take(t, "key-a", 3, 1000 + i), 0);
    ck_assert_int_eq(throttle_take(t, "key-a", 3, 1010), 50); /* quota spent: wait */
    ck_assert_int_eq(throttle_take(t, "key-a", 3, 1059), 1);
    ck_assert_int_eq(throttle_take(t, "key-b", 3, 1010), 0); /* another key is apart */
    ck_assert_int_eq(throttle_take(t, "key-a", 3, 1060), 0); /* a new window */
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(throttle_take(t, "key-a", 0, 1060), 0); /* 0: no limit */
    throttle_free(t);
}
END_TEST

Suite *suite_core_throttle(void)
{
    Suite *s = suite_create("core/throttle");
    TCase *tc = tcase_create("throttle");

    tcase_add_test(tc, blocks_after_max_then_recovers);
    tcase_add_test(tc, take_counts_uses_per_window);
    suite_add_tcase(s, tc);
    return s;
}
