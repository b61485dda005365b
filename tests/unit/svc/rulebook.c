/*
 * Tests of src/svc/rulebook.c: the place of a unit from the cached tree,
 * decisions by the cached rules, and a reload after a change.
 */
#include "gz.h"

#include "store/store.h"
#include "svc/rulebook.h"
#include "t.h"

static struct store *S;
static int64_t city, dist, street, comm, dept, dept2;

static int64_t add(const char *code, enum unit_kind kind, const char *parent)
{
    struct gz_err err = {0};
    struct unit u;

    unit_init(&u);
    snprintf(u.code, sizeof(u.code), "%s", code);
    snprintf(u.name, sizeof(u.name), "%s", code);
    u.kind = kind;
    ck_assert_int_eq(store_unit_create(S, &u, parent, &err), 0);
    return u.id;
}

static void setup(void)
{
    char dir[256], path[300];
    struct gz_err err = {0};

    t_tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/t.db", dir);
    ck_assert_ptr_nonnull(S = store_open(path, NULL, &err));
    city = add("city", UNIT_CITY, NULL);
    dist = add("d", UNIT_DISTRICT, "city");
    street = add("s", UNIT_STREET, "d");
    comm = add("c", UNIT_COMMUNITY, "s");
    dept = add("cg", UNIT_DEPARTMENT, "city");
    dept2 = add("sw", UNIT_DEPARTMENT, "city");
}

static void teardown(void)
{
    store_close(S);
}

static int64_t rule(const char *prefix, int64_t area, int64_t lead)
{
    struct gz_err err = {0};
    struct route_rule r = {
        .lead_kind = -1, .active = true, .area_unit_id = area, .lead_unit_id = lead};

    snprintf(r.prefix, sizeof(r.prefix), "%s", prefix);
    ck_assert_int_eq(store_route_put(S, &r, true, &err), 0);
    return r.id;
}

START_TEST(test_place_from_the_tree)
{
    struct gz_err err = {0};
    struct rulebook *rb = rulebook_new(S, &err);
    struct route_place p;

    ck_assert_ptr_nonnull(rb);
    rulebook_place(rb, comm, &p);
    ck_assert_int_eq(p.n, 4); /* city, district, street, community: root first */
    ck_assert_int_eq(p.unit_id[0], city);
    ck_assert_int_eq(p.unit_id[3], comm);
    ck_assert_int_eq(p.kind[2], UNIT_STREET);
    rulebook_place(rb, dept, &p); /* a department is no place below the city */
    ck_assert_int_eq(p.n, 1);
    rulebook_place(rb, 0, &p);
    ck_assert_int_eq(p.n, 0);
    rulebook_place(rb, 99999, &p);
    ck_assert_int_eq(p.n, 0);
    rulebook_free(rb);
}
END_TEST

START_TEST(test_decide_and_reload)
{
    struct gz_err err = {0};
    struct rulebook *rb;
    struct route_decision d;
    struct route_rule copy;
    int64_t id = rule("01", 0, dept);

    ck_assert_ptr_nonnull(rb = rulebook_new(S, &err));
    ck_assert_int_eq(rulebook_count(rb), 1);
    rulebook_decide(rb, "0101", comm, &d, &copy);
    ck_assert_int_eq(d.source, ROUTE_RULE);
    ck_assert_int_eq(d.lead_unit_id, dept);
    ck_assert_ptr_eq(d.rule, &copy);
    ck_assert_int_eq(copy.id, id);
    rulebook_decide(rb, "0201", comm, &d, &copy); /* no rule: the street (属地) */
    ck_assert_int_eq(d.source, ROUTE_STREET);
    ck_assert_int_eq(d.lead_unit_id, street);
    /* a deeper area for the same prefix counts only after a reload */
    rule("01", street, dept2);
    rulebook_decide(rb, "0101", comm, &d, &copy);
    ck_assert_int_eq(d.lead_unit_id, dept);
    ck_assert_int_eq(rulebook_reload(rb, &err), 0);
    rulebook_decide(rb, "0101", comm, &d, &copy);
    ck_assert_int_eq(d.lead_unit_id, dept2);
    ck_assert_int_eq(d.candidates, 2);
    rulebook_decide(rb, "0101", 0, &d, &copy); /* nowhere: the rule for anywhere */
    ck_assert_int_eq(d.lead_unit_id, dept);
    rulebook_free(rb);
}
END_TEST

Suite *suite_svc_rulebook(void)
{
    Suite *s = suite_create("svc/rulebook");
    TCase *tc = tcase_create("rulebook");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_place_from_the_tree);
    tcase_add_test(tc, test_decide_and_reload);
    suite_add_tcase(s, tc);
    return s;
}
