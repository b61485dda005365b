/* Tests of src/core/scope.c: API client scopes and their stored form. */
#include "gz.h"

#include "core/scope.h"
#include "t.h"

START_TEST(defaults_open_nothing_natively)
{
    struct api_scope s;

    scope_init(&s);
    ck_assert(!scope_may_read(&s));
    ck_assert(!scope_may_write(&s));
    ck_assert(scope_category_in(&s, "0101"));
    ck_assert(scope_category_in(&s, ""));
    ck_assert(scope_area_in(&s, NULL, 0));
    ck_assert(scope_field_allowed(&s, "status"));
    ck_assert(!scope_field_allowed(&s, "reporter_phone")); /* "*" is never personal data */
}
END_TEST

START_TEST(access_levels)
{
    struct api_scope s;

    scope_init(&s);
    s.access = SCOPE_READ;
    ck_assert(scope_may_read(&s) && !scope_may_write(&s));
    s.access = SCOPE_WRITE;
    ck_assert(scope_may_read(&s) && scope_may_write(&s));
    ck_assert_int_eq(scope_access_parse("write"), SCOPE_WRITE);
    ck_assert_int_eq(scope_access_parse("all"), -1);
    ck_assert_str_eq(scope_access_name(SCOPE_READ), "read");
}
END_TEST

START_TEST(categories_are_prefixes)
{
    struct api_scope s;
    struct gz_err err = {0};

    scope_init(&s);
    ck_assert_int_eq(scope_add_category(&s, "01", &err), 0);
    ck_assert_int_eq(scope_add_category(&s, "0302", &err), 0);
    ck_assert_int_eq(scope_add_category(&s, "01", &err), 0); /* once */
    ck_assert_uint_eq(s.n_cats, 2);
    ck_assert(scope_category_in(&s, "01"));
    ck_assert(scope_category_in(&s, "010203"));
    ck_assert(scope_category_in(&s, "030201"));
    ck_assert(!scope_category_in(&s, "0301"));
    ck_assert(!scope_category_in(&s, "02"));
    ck_assert(!scope_category_in(&s, "")); /* unclassified: not known to be the client's */
    ck_assert(!scope_category_in(&s, NULL));
    ck_assert_int_eq(scope_add_category(&s, "1", &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "categories");
    ck_assert_int_eq(scope_add_category(&s, "01x", &err), GZ_EINVAL);
}
END_TEST

START_TEST(areas_match_any_ancestor)
{
    struct api_scope s;
    struct gz_err err = {0};
    int64_t chain_in[] = {40, 12, 3, 1}, chain_out[] = {41, 13, 1};

    scope_init(&s);
    ck_assert_int_eq(scope_add_area(&s, 12, &err), 0);
    ck_assert(scope_area_in(&s, chain_in, 4));
    ck_assert(!scope_area_in(&s, chain_out, 3));
    ck_assert(!scope_area_in(&s, NULL, 0)); /* an unlocated case with no party */
    ck_assert_int_eq(scope_add_area(&s, 0, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "areas");
    for (int i = 0; i < SCOPE_MAX_ITEMS - 1; i++)
        ck_assert_int_eq(scope_add_area(&s, 100 + i, &err), 0);
    ck_assert_int_eq(scope_add_area(&s, 999, &err), GZ_EINVAL);
}
END_TEST

START_TEST(fields_and_personal_data)
{
    struct api_scope s;
    struct gz_err err = {0};

    scope_init(&s);
    s.n_fields = 0;
    ck_assert(scope_field_allowed(&s, "number")); /* always */
    ck_assert(!scope_field_allowed(&s, "status"));
    ck_assert_int_eq(scope_add_field(&s, "status", &err), 0);
    ck_assert_int_eq(scope_add_field(&s, "reporter_phone", &err), 0);
    ck_assert(scope_field_allowed(&s, "status"));
    ck_assert(!scope_field_allowed(&s, "text"));
    ck_assert(scope_field_allowed(&s, "reporter_phone"));
    ck_assert(!scope_field_allowed(&s, "reporter_name"));
    ck_assert(scope_field_is_pii("reporter_name"));
    ck_assert(!scope_field_is_pii("address"));
    ck_assert_int_eq(scope_add_field(&s, "password", &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "fields");
}
END_TEST

START_TEST(stored_form_round_trips)
{
    struct api_scope s, back;
    struct gz_err err = {0};
    char cats[SCOPE_TEXT_MAX], areas[SCOPE_TEXT_MAX], fields[SCOPE_TEXT_MAX];

    scope_init(&s);
    s.access = SCOPE_WRITE;
    ck_assert_int_eq(scope_add_category(&s, "01", &err), 0);
    ck_assert_int_eq(scope_add_category(&s, "0302", &err), 0);
    ck_assert_int_eq(scope_add_area(&s, 7, &err), 0);
    ck_assert_int_eq(scope_add_area(&s, 12345678901LL, &err), 0);
    ck_assert_int_eq(scope_add_field(&s, "reporter_name", &err), 0);
    scope_format(&s, cats, areas, fields);
    ck_assert_str_eq(cats, "01,0302");
    ck_assert_str_eq(areas, "7,12345678901");
    ck_assert_str_eq(fields, "*,reporter_name");
    ck_assert_int_eq(scope_parse(&back, "write", cats, areas, fields, &err), 0);
    ck_assert_int_eq(memcmp(&s, &back, sizeof(s)), 0);
    ck_assert_int_eq(scope_parse(&back, "read", "", "", "", &err), 0);
    ck_assert_uint_eq(back.n_cats + back.n_areas + back.n_fields, 0);
}
END_TEST

START_TEST(bad_stored_forms_are_refused)
{
    struct api_scope s;
    struct gz_err err = {0};

    ck_assert_int_eq(scope_parse(&s, "maybe", "", "", "*", &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "access");
    ck_assert_int_eq(scope_parse(&s, "read", "01,,02", "", "*", &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "categories");
    ck_assert_int_eq(scope_parse(&s, "read", "01,", "", "*", &err), GZ_EINVAL);
    ck_assert_int_eq(scope_parse(&s, "read", "", "7,x", "*", &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "areas");
    ck_assert_int_eq(scope_parse(&s, "read", "", "", "*,nope", &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "fields");
}
END_TEST

Suite *suite_core_scope(void)
{
    Suite *s = suite_create("core/scope");
    TCase *tc = tcase_create("scope");

    tcase_add_test(tc, defaults_open_nothing_natively);
    tcase_add_test(tc, access_levels);
    tcase_add_test(tc, categories_are_prefixes);
    tcase_add_test(tc, areas_match_any_ancestor);
    tcase_add_test(tc, fields_and_personal_data);
    tcase_add_test(tc, stored_form_round_trips);
    tcase_add_test(tc, bad_stored_forms_are_refused);
    suite_add_tcase(s, tc);
    return s;
}
