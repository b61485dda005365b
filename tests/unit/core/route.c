/* Tests of src/core/route.c: precedence, ties, lead kinds and the fallback chain. */
#include "gz.h"

#include "core/route.h"
#include "t.h"

static struct route_rule rule(int64_t id, const char *prefix, int64_t area, int64_t lead, int kind)
{
    struct route_rule r = {
        .id = id, .area_unit_id = area, .lead_unit_id = lead, .lead_kind = kind, .active = true};

    snprintf(r.prefix, sizeof(r.prefix), "%s", prefix);
    return r;
}

/* city 1 > district 2 > street 3 > community 4 */
static const struct route_place place = {
    4, {1, 2, 3, 4}, {UNIT_CITY, UNIT_DISTRICT, UNIT_STREET, UNIT_COMMUNITY}};

START_TEST(most_specific_wins)
{
    struct route_rule rules[] = {
        rule(1, "", 0, 100, -1),     /* anything anywhere */
        rule(2, "01", 0, 101, -1),   /* 01 anywhere */
        rule(3, "01", 2, 102, -1),   /* 01 in the district */
        rule(4, "0103", 0, 103, -1), /* 0103 anywhere: longer prefix beats deeper area */
        rule(5, "02", 9, 104, -1),   /* 02 in another district */
    };
    struct route_decision d;

    route_decide(rules, 5, "010301", &place, &d);
    ck_assert_int_eq(d.source, ROUTE_RULE);
    ck_assert_int_eq(d.rule->id, 4);
    ck_assert_uint_eq(d.candidates, 4);
    route_decide(rules, 5, "0102", &place, &d);
    ck_assert_int_eq(d.rule->id, 3);
    route_decide(rules, 5, "0201", &place, &d);
    ck_assert_int_eq(d.rule->id, 1); /* rule 5's area does not contain the place */
    route_decide(rules, 5, "", &place, &d);
    ck_assert_int_eq(d.rule->id, 1);
    ck_assert_int_eq(d.fallback_source, ROUTE_STREET);
    ck_assert_int_eq(d.fallback_unit_id, 3);
}
END_TEST

START_TEST(lead_kind_and_fallbacks)
{
    struct route_rule rules[] = {rule(1, "05", 0, 0, UNIT_COMMUNITY),
                                 rule(2, "06", 0, 0, UNIT_GRID)};
    struct route_place no_street = {2, {1, 2}, {UNIT_CITY, UNIT_DISTRICT}};
    struct route_place nowhere = {0, {0}, {0}};
    struct route_decision d;

    route_decide(rules, 2, "0501", &place, &d);
    ck_assert_int_eq(d.source, ROUTE_RULE);
    ck_assert_int_eq(d.lead_unit_id, 4);
    /* no grid at the place: the rule cannot name a lead, the street (属地) takes it */
    route_decide(rules, 2, "0601", &place, &d);
    ck_assert_int_eq(d.source, ROUTE_STREET);
    ck_assert_int_eq(d.lead_unit_id, 3);
    route_decide(rules, 2, "0901", &no_street, &d);
    ck_assert_int_eq(d.source, ROUTE_DISTRICT); /* 兜底 */
    ck_assert_int_eq(d.lead_unit_id, 2);
    route_decide(rules, 2, "0901", &nowhere, &d);
    ck_assert_int_eq(d.source, ROUTE_NONE);
    ck_assert_int_eq(d.lead_unit_id, 0);
}
END_TEST

START_TEST(inactive_rules_and_validation)
{
    struct route_rule r = rule(1, "01", 0, 100, -1);
    struct route_decision d;
    struct gz_err err = {0};

    r.active = false;
    route_decide(&r, 1, "0101", &place, &d);
    ck_assert_int_eq(d.source, ROUTE_STREET);
    r = rule(1, "01", 0, 100, -1);
    ck_assert_int_eq(route_rule_validate(&r, &err), 0);
    r = rule(1, "1", 0, 100, -1);
    ck_assert_int_eq(route_rule_validate(&r, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "category_prefix");
    r = rule(1, "01", 0, 100, UNIT_STREET);
    ck_assert_int_eq(route_rule_validate(&r, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "lead");
    r = rule(1, "01", 0, 0, UNIT_DEPARTMENT);
    ck_assert_int_eq(route_rule_validate(&r, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "lead_kind");
    r = rule(1, "01", 0, 100, -1);
    r.n_co = 2;
    r.co_units[0] = 7;
    r.co_units[1] = 7;
    ck_assert_int_eq(route_rule_validate(&r, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "co_units");
}
END_TEST

Suite *suite_core_route(void)
{
    Suite *s = suite_create("core/route");
    TCase *tc = tcase_create("route");

    tcase_add_test(tc, most_specific_wins);
    tcase_add_test(tc, lead_kind_and_fallbacks);
    tcase_add_test(tc, inactive_rules_and_validation);
    suite_add_tcase(s, tc);
    return s;
}
