/* Tests of src/io/form.c: form-encoded bodies. */
#include "gz.h"

#include "io/form.h"
#include "t.h"

START_TEST(decodes_pairs_in_order)
{
    static const char body[] =
        "api_key=xyz&service_code=001&address_string=1234+5th+street"
        "&email=smit333%40sfgov.edu&attribute[A][]=1&attribute%5BA%5D%5B%5D=2"
        "&flag&&description=%E5%9E%83%E5%9C%BE";
    struct form f;
    struct gz_err err = {0};

    ck_assert_int_eq(form_parse(body, strlen(body), FORM_MAX_PAIRS, &f, &err), 0);
    ck_assert_uint_eq(f.n, 8);
    ck_assert_str_eq(form_get(&f, "address_string"), "1234 5th street");
    ck_assert_str_eq(form_get(&f, "email"), "smit333@sfgov.edu");
    ck_assert_uint_eq(form_count(&f, "attribute[A][]"), 2);
    ck_assert_str_eq(f.pairs[5].value, "2");
    ck_assert_str_eq(form_get(&f, "flag"), "");
    ck_assert_str_eq(form_get(&f, "description"), "垃圾");
    ck_assert_ptr_null(form_get(&f, "missing"));
    form_release(&f);
}
END_TEST

START_TEST(empty_body_has_no_pairs)
{
    struct form f;
    struct gz_err err = {0};

    ck_assert_int_eq(form_parse("", 0, FORM_MAX_PAIRS, &f, &err), 0);
    ck_assert_uint_eq(f.n, 0);
    form_release(&f);
}
END_TEST

static void refused(const char *body, const char *field)
{
    struct form f;
    struct gz_err err = {0};

    ck_assert_int_eq(form_parse(body, strlen(body), 4, &f, &err), GZ_EBADREQ);
    ck_assert_str_eq(err.field, field);
    form_release(&f);
}

START_TEST(malformed_bodies_name_the_field)
{
    refused("a=%4", "a");
    refused("a=%zz", "a");
    refused("a=%00b", "a");
    refused("a=%FF", "a");                  /* not UTF-8 */
    refused("=value", "body");              /* no name */
    refused("%G1=x", "body");               /* bad escape in a name */
    refused("a=1&b=2&c=3&d=4&e=5", "body"); /* more than max pairs */
}
END_TEST

START_TEST(percent_at_the_end_of_a_segment)
{
    struct form f;
    struct gz_err err = {0};

    /* the escape must not borrow the '&' of the next pair */
    ck_assert_int_eq(form_parse("a=%4&b=1", 8, 4, &f, &err), GZ_EBADREQ);
    form_release(&f);
    ck_assert_int_eq(form_parse("a=%41&b=%42", 11, 4, &f, &err), 0);
    ck_assert_str_eq(form_get(&f, "a"), "A");
    ck_assert_str_eq(form_get(&f, "b"), "B");
    form_release(&f);
}
END_TEST

Suite *suite_io_form(void)
{
    Suite *s = suite_create("io/form");
    TCase *tc = tcase_create("form");

    tcase_add_test(tc, decodes_pairs_in_order);
    tcase_add_test(tc, empty_body_has_no_pairs);
    tcase_add_test(tc, malformed_bodies_name_the_field);
    tcase_add_test(tc, percent_at_the_end_of_a_segment);
    suite_add_tcase(s, tc);
    return s;
}
