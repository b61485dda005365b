/* Tests of src/core/taxonomy.c: codes, limits, validation. */
#include "gz.h"

#include <stdlib.h>

#include "core/taxonomy.h"
#include "t.h"

START_TEST(codes)
{
    ck_assert(category_code_valid("01"));
    ck_assert(category_code_valid("0103"));
    ck_assert(category_code_valid("01030201"));
    ck_assert(!category_code_valid("1"));
    ck_assert(!category_code_valid("001"));
    ck_assert(!category_code_valid("00"));
    ck_assert(!category_code_valid("0100"));
    ck_assert(!category_code_valid("0103020101"));
    ck_assert(!category_code_valid("0a"));
    ck_assert_int_eq(category_depth("0103"), 2);
}
END_TEST

START_TEST(limits_parse_and_format)
{
    struct tlimit l;
    char out[32];

    ck_assert_int_eq(tlimit_parse("4 work_hours", &l), 0);
    ck_assert_int_eq(l.amount, 4);
    ck_assert_int_eq(l.unit, LIMIT_WORK_HOURS);
    tlimit_format(&l, out, sizeof(out));
    ck_assert_str_eq(out, "4 work_hours");
    ck_assert_int_eq(tlimit_parse("  ", &l), 0);
    ck_assert_int_eq(l.amount, 0);
    ck_assert_int_eq(tlimit_parse("7 days", &l), GZ_EINVAL);
    ck_assert_int_eq(tlimit_parse("-1 hours", &l), GZ_EINVAL);
    ck_assert_int_eq(tlimit_parse("0 hours", &l), GZ_EINVAL);
    ck_assert_int_eq(tlimit_parse("7 workdays x", &l), GZ_EINVAL);
    ck_assert_int_eq(tlimit_parse("261 workdays", &l), GZ_EINVAL);
    ck_assert_int_eq(tlimit_parse("4294967297 hours", &l), GZ_EINVAL); /* no wrap-around */
    ck_assert_int_eq(tlimit_parse("21474836484 work_hours", &l), GZ_EINVAL);
}
END_TEST

START_TEST(validate_sets_parent)
{
    struct category c;
    struct gz_err err = {0};

    category_init(&c);
    snprintf(c.code, sizeof(c.code), "0103");
    snprintf(c.name, sizeof(c.name), "暴露垃圾");
    c.resolve.amount = 4;
    c.resolve.unit = LIMIT_WORK_HOURS;
    ck_assert_int_eq(category_validate(&c, &err), 0);
    ck_assert_str_eq(c.parent_code, "01");
    c.name[0] = '\0';
    ck_assert_int_eq(category_validate(&c, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "name");
    snprintf(c.name, sizeof(c.name), "x");
    c.respond.amount = 100000;
    ck_assert_int_eq(category_validate(&c, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "respond_limit");
    c.respond.amount = 0;
    c.kb_answer = strdup("\xFF");
    ck_assert_int_eq(category_validate(&c, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "kb_answer");
    category_release(&c);
}
END_TEST

Suite *suite_core_taxonomy(void)
{
    Suite *s = suite_create("core/taxonomy");
    TCase *tc = tcase_create("taxonomy");

    tcase_add_test(tc, codes);
    tcase_add_test(tc, limits_parse_and_format);
    tcase_add_test(tc, validate_sets_parent);
    suite_add_tcase(s, tc);
    return s;
}
