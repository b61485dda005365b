/* Tests of src/util/timeutil.c: deadlines for timed waits, and sleeping. */
#include "gz.h"

#include "t.h"
#include "util/timeutil.h"

START_TEST(deadline_is_normalised_and_ahead)
{
    const double waits[] = {0, 0.1, 0.9999, 1, 1.5, 5};

    for (size_t i = 0; i < GZ_ARRAY_LEN(waits); i++) {
        struct timespec now, d = time_deadline(waits[i]);
        double ahead;
        clock_gettime(CLOCK_REALTIME, &now);
        ahead = (double)(d.tv_sec - now.tv_sec) + (double)(d.tv_nsec - now.tv_nsec) / 1e9;
        ck_assert(d.tv_nsec >= 0 && d.tv_nsec < 1000000000L);
        ck_assert_double_le(ahead, waits[i] + 1e-6);
        ck_assert_double_gt(ahead, waits[i] - 0.05);
    }
}
END_TEST

START_TEST(sleep_sleeps_that_long)
{
    double t0 = time_mono();

    time_sleep(0.02);
    ck_assert_double_ge(time_mono() - t0, 0.02);
    time_sleep(0); /* returns at once */
}
END_TEST

Suite *suite_util_timeutil(void)
{
    Suite *s = suite_create("util/timeutil");
    TCase *tc = tcase_create("timeutil");

    tcase_add_test(tc, deadline_is_normalised_and_ahead);
    tcase_add_test(tc, sleep_sleeps_that_long);
    suite_add_tcase(s, tc);
    return s;
}
