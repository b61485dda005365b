/* Tests of src/core/throttle.c: failures per key in a window. */
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

Suite *suite_core_throttle(void)
{
    Suite *s = suite_create("core/throttle");
    TCase *tc = tcase_create("throttle");

    tcase_add_test(tc, blocks_after_max_then_recovers);
    suite_add_tcase(s, tc);
    return s;
}
