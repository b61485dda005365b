/* Tests of src/util/vec.c: room grows by doubling, keeps what is there, refuses overflow. */
#include "gz.h"

#include <stdint.h>

#include "t.h"
#include "util/vec.h"

START_TEST(grows_and_keeps)
{
    int *v = NULL;
    size_t cap = 0;

    for (int i = 0; i < 1000; i++) {
        ck_assert_int_eq(vec_reserve((void **)&v, &cap, (size_t)i + 1, sizeof(*v)), 0);
        ck_assert_uint_ge(cap, (size_t)i + 1);
        v[i] = i;
    }
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(v[i], i);
    ck_assert_uint_eq(cap, 1024);
    ck_assert_int_eq(vec_reserve((void **)&v, &cap, 10, sizeof(*v)), 0); /* room enough */
    ck_assert_uint_eq(cap, 1024);
    free(v);
}
END_TEST

START_TEST(refuses_overflow)
{
    int *v = NULL;
    size_t cap = 0;

    ck_assert_int_eq(vec_reserve((void **)&v, &cap, SIZE_MAX / 2, sizeof(*v)), GZ_ENOMEM);
    ck_assert_ptr_null(v);
    ck_assert_uint_eq(cap, 0);
}
END_TEST

Suite *suite_util_vec(void)
{
    Suite *s = suite_create("util/vec");
    TCase *tc = tcase_create("vec");

    tcase_add_test(tc, grows_and_keeps);
    tcase_add_test(tc, refuses_overflow);
    suite_add_tcase(s, tc);
    return s;
}
