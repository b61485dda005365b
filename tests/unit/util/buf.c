/* Tests of src/util/buf.c: growth, the hard maximum, detach. */
#include "gz.h"

#include <stdlib.h>

#include "t.h"
#include "util/buf.h"

START_TEST(grows_and_detaches)
{
    struct buf b;
    size_t len;
    char *s;

    buf_init(&b, 1 << 20);
    ck_assert_str_eq(buf_str(&b), "");
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(buf_addf(&b, "%d,", i), 0);
    ck_assert_uint_eq(b.len, strlen(buf_str(&b)));
    s = buf_detach(&b, &len);
    ck_assert_uint_eq(len, strlen(s));
    ck_assert(strncmp(s, "0,1,2,", 6) == 0);
    free(s);
    ck_assert_ptr_null(b.p);
}
END_TEST

START_TEST(refuses_past_max)
{
    struct buf b;

    buf_init(&b, 8);
    ck_assert_int_eq(buf_adds(&b, "12345678"), 0);
    ck_assert_int_eq(buf_adds(&b, "9"), GZ_ETOOBIG);
    ck_assert_int_eq(buf_addf(&b, "%s", "x"), GZ_ETOOBIG);
    ck_assert_str_eq(buf_str(&b), "12345678");
    buf_release(&b);
}
END_TEST

START_TEST(clears_and_reuses)
{
    struct buf b;
    char *before;

    buf_init(&b, 64);
    buf_clear(&b); /* nothing held yet */
    ck_assert_str_eq(buf_str(&b), "");
    ck_assert_int_eq(buf_adds(&b, "垃圾 清运"), 0);
    before = b.p;
    buf_clear(&b);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_str_eq(buf_str(&b), "");
    ck_assert_int_eq(buf_adds(&b, "ab"), 0);
    ck_assert_ptr_eq(b.p, before); /* the memory was kept */
    ck_assert_str_eq(buf_str(&b), "ab");
    buf_release(&b);
}
END_TEST

Suite *suite_util_buf(void)
{
    Suite *s = suite_create("util/buf");
    TCase *tc = tcase_create("buf");

    tcase_add_test(tc, grows_and_detaches);
    tcase_add_test(tc, refuses_past_max);
    tcase_add_test(tc, clears_and_reuses);
    suite_add_tcase(s, tc);
    return s;
}
