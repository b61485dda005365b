/* Tests of src/core/unit.c: kinds, levels, field and geometry checks. */
#include "gz.h"

#include <stdlib.h>

#include "core/unit.h"
#include "t.h"

static struct unit make(const char *code, const char *name, enum unit_kind kind)
{
    struct unit u;

    unit_init(&u);
    snprintf(u.code, sizeof(u.code), "%s", code);
    snprintf(u.name, sizeof(u.name), "%s", name);
    u.kind = kind;
    return u;
}

START_TEST(kinds_round_trip)
{
    for (int k = 0; k < UNIT_KIND_COUNT; k++)
        ck_assert_int_eq(unit_kind_parse(unit_kind_name((enum unit_kind)k)), k);
    ck_assert_int_eq(unit_kind_parse("planet"), -1);
    ck_assert_int_eq(unit_kind_level(UNIT_STREET), 2);
    ck_assert_int_eq(unit_kind_level(UNIT_DEPARTMENT), -1);
}
END_TEST

START_TEST(validate_fields)
{
    struct gz_err err = {0};
    struct unit u = make("W01", "第1选区", UNIT_STREET);

    ck_assert_int_eq(unit_validate(&u, &err), 0);
    u = make("", "x", UNIT_STREET);
    ck_assert_int_eq(unit_validate(&u, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "code");
    u = make("a b", "x", UNIT_STREET);
    ck_assert_int_eq(unit_validate(&u, &err), GZ_EINVAL);
    u = make("ok", "", UNIT_STREET);
    ck_assert_int_eq(unit_validate(&u, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "name");
    u = make("ok", "\xC0\xAF", UNIT_STREET);
    ck_assert_int_eq(unit_validate(&u, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "name");
    u = make("ok", "x", UNIT_KIND_COUNT);
    ck_assert_int_eq(unit_validate(&u, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "kind");
}
END_TEST

START_TEST(parent_levels)
{
    struct gz_err err = {0};
    enum unit_kind city = UNIT_CITY, street = UNIT_STREET, community = UNIT_COMMUNITY,
                   dept = UNIT_DEPARTMENT;

    ck_assert_int_eq(unit_check_parent(UNIT_CITY, NULL, &err), 0);
    ck_assert_int_eq(unit_check_parent(UNIT_CITY, &city, &err), GZ_EINVAL);
    ck_assert_int_eq(unit_check_parent(UNIT_COMMUNITY, &street, &err), 0);
    ck_assert_int_eq(unit_check_parent(UNIT_STREET, &city, &err), 0); /* skips district */
    ck_assert_int_eq(unit_check_parent(UNIT_STREET, &community, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "parent");
    ck_assert_int_eq(unit_check_parent(UNIT_STREET, &dept, &err), GZ_EINVAL);
    ck_assert_int_eq(unit_check_parent(UNIT_DEPARTMENT, &community, &err), 0);
    ck_assert_int_eq(unit_check_parent(UNIT_VOLUNTEER_TEAM, &dept, &err), 0);
}
END_TEST

START_TEST(geometry_checks)
{
    struct gz_err err = {0};

    ck_assert_int_eq(unit_check_geometry("{\"type\":\"Polygon\",\"coordinates\":"
                                         "[[[0,0],[1,0],[1,1],[0,0]]]}",
                                         &err),
                     0);
    ck_assert_int_eq(unit_check_geometry("{\"type\":\"MultiPolygon\",\"coordinates\":"
                                         "[[[[0,0],[1,0],[1,1],[0,0]]],"
                                         "[[[2,2],[3,2],[3,3],[2,2]]]]}",
                                         &err),
                     0);
    /* unclosed ring */
    ck_assert_int_eq(unit_check_geometry("{\"type\":\"Polygon\",\"coordinates\":"
                                         "[[[0,0],[1,0],[1,1],[0,1]]]}",
                                         &err),
                     GZ_EINVAL);
    ck_assert_str_eq(err.field, "jurisdiction");
    /* latitude out of range */
    ck_assert_int_eq(unit_check_geometry("{\"type\":\"Polygon\",\"coordinates\":"
                                         "[[[0,91],[1,0],[1,1],[0,91]]]}",
                                         &err),
                     GZ_EINVAL);
    ck_assert_int_eq(unit_check_geometry("{\"type\":\"Point\",\"coordinates\":[0,0]}", &err),
                     GZ_EINVAL);
    ck_assert_int_eq(unit_check_geometry("not json", &err), GZ_EINVAL);
    ck_assert_int_eq(unit_check_geometry("{\"type\":\"Polygon\",\"coordinates\":[]}", &err),
                     GZ_EINVAL);
}
END_TEST

START_TEST(copy_is_deep)
{
    struct unit a = make("x", "y", UNIT_GRID), b;

    a.jurisdiction = strdup("{}");
    ck_assert_int_eq(unit_copy(&b, &a), 0);
    ck_assert_ptr_ne(a.jurisdiction, b.jurisdiction);
    ck_assert_str_eq(b.jurisdiction, "{}");
    unit_release(&a);
    unit_release(&b);
    ck_assert_ptr_null(b.jurisdiction);
}
END_TEST

Suite *suite_core_unit(void)
{
    Suite *s = suite_create("core/unit");
    TCase *tc = tcase_create("unit");

    tcase_add_test(tc, kinds_round_trip);
    tcase_add_test(tc, validate_fields);
    tcase_add_test(tc, parent_levels);
    tcase_add_test(tc, geometry_checks);
    tcase_add_test(tc, copy_is_deep);
    suite_add_tcase(s, tc);
    return s;
}
