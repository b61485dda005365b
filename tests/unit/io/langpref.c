/* Tests of src/io/langpref.c: Accept-Language. */
#include "gz.h"

#include "io/langpref.h"
#include "t.h"

static const char *const langs[] = {"zh", "en"};

static int pick(const char *s)
{
    return langpref_pick(s, langs, 2);
}

START_TEST(picks_the_preferred_language)
{
    ck_assert_int_eq(pick("en"), 1);
    ck_assert_int_eq(pick("zh-CN"), 0);
    ck_assert_int_eq(pick("zh_TW"), 0);
    ck_assert_int_eq(pick("EN-us"), 1);
    ck_assert_int_eq(pick("zh-CN,zh;q=0.9,en;q=0.8"), 0);
    ck_assert_int_eq(pick("fr-FR, en;q=0.5, zh;q=0.4"), 1);
    ck_assert_int_eq(pick("zh;q=0.2, en;q=0.7"), 1);
    ck_assert_int_eq(pick("en;q=0.5, zh;q=0.5"), 1); /* a tie: the first */
    ck_assert_int_eq(pick("*"), 0);
    ck_assert_int_eq(pick("en;q=0, *;q=0.1"), 0);
}
END_TEST

START_TEST(names_none_or_malformed)
{
    ck_assert_int_eq(pick(NULL), -1);
    ck_assert_int_eq(pick(""), -1);
    ck_assert_int_eq(pick("fr, de"), -1);
    ck_assert_int_eq(pick("en;q=0"), -1);
    ck_assert_int_eq(pick("english"), -1);
    ck_assert_int_eq(pick("e1n"), -1);
    ck_assert_int_eq(pick(",,,;;;=q"), -1);
    ck_assert_int_eq(pick("en;q=abc, zh;q=0.1"), 0); /* a bad q counts as 0 */
}
END_TEST

Suite *suite_io_langpref(void)
{
    Suite *s = suite_create("io/langpref");
    TCase *tc = tcase_create("langpref");

    tcase_add_test(tc, picks_the_preferred_language);
    tcase_add_test(tc, names_none_or_malformed);
    suite_add_tcase(s, tc);
    return s;
}
