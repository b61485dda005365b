/* Tests of src/util/json.c: joining two objects' texts. */
#include "gz.h"

#include "t.h"
#include "util/json.h"

static void joins_to(const char *a, const char *b, const char *want)
{
    char *got = json_text_join(a, b);

    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(text_join)
{
    joins_to("{\"a\":1}", "{\"b\":[2]}", "{\"a\":1,\"b\":[2]}");
    joins_to("{}", "{\"b\":2}", "{\"b\":2}");
    joins_to("{\"a\":1}", "{}", "{\"a\":1}");
    joins_to("{}", "{}", "{}");
    ck_assert_ptr_null(json_text_join("[]", "{}"));
    ck_assert_ptr_null(json_text_join("{}", NULL));
    ck_assert_ptr_null(json_text_join("{", "{}"));
}
END_TEST

Suite *suite_util_json(void)
{
    Suite *s = suite_create("util/json");
    TCase *tc = tcase_create("json");

    tcase_add_test(tc, text_join);
    suite_add_tcase(s, tc);
    return s;
}
