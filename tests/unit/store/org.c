/*
 * Tests of src/store/store_sqlite_org.c: units (hierarchy rules, cycles,
 * lists, group-committed concurrent writes) and categories.
 */
#include "gz.h"

#include <pthread.h>
#include <unistd.h>

#include "store/store.h"
#include "t.h"

static char path[300];

static struct store *fresh(void)
{
    char dir[256];
    struct gz_err err = {0};
    struct store *s;

    t_tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/t.db", dir);
    s = store_open(path, NULL, &err);
    ck_assert_ptr_nonnull(s);
    return s;
}

static int64_t add(struct store *s, const char *code, enum unit_kind kind, const char *parent,
                   int expect)
{
    struct gz_err err = {0};
    struct unit u;
    int64_t id;

    unit_init(&u);
    snprintf(u.code, sizeof(u.code), "%s", code);
    snprintf(u.name, sizeof(u.name), "单位 %s", code);
    u.kind = kind;
    ck_assert_int_eq(store_unit_create(s, &u, parent, &err), expect);
    id = u.id;
    unit_release(&u);
    return id;
}

START_TEST(hierarchy_rules)
{
    struct store *s = fresh();
    struct gz_err err = {0};
    int64_t city = add(s, "city", UNIT_CITY, NULL, 0), chain[8];
    int64_t st = add(s, "s1", UNIT_STREET, "city", 0); /* skips the district level */
    int64_t co = add(s, "c1", UNIT_COMMUNITY, "s1", 0);
    size_t n;

    add(s, "bad", UNIT_STREET, "c1", GZ_EINVAL);      /* street under community */
    add(s, "orphan", UNIT_STREET, "nope", GZ_EINVAL); /* missing parent */
    add(s, "c1", UNIT_COMMUNITY, "s1", GZ_ECONFLICT); /* duplicate code */
    add(s, "dept", UNIT_DEPARTMENT, "c1", 0);
    ck_assert_int_eq(store_unit_chain(s, co, chain, 8, &n, &err), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(chain[0], co);
    ck_assert_int_eq(chain[1], st);
    ck_assert_int_eq(chain[2], city);
    store_close(s);
}
END_TEST

START_TEST(no_cycles_and_kind_changes_checked)
{
    struct store *s = fresh();
    struct gz_err err = {0};
    struct unit u;

    add(s, "city", UNIT_CITY, NULL, 0);
    add(s, "d1", UNIT_DISTRICT, "city", 0);
    add(s, "s1", UNIT_STREET, "d1", 0);
    add(s, "dep", UNIT_DEPARTMENT, "d1", 0);
    add(s, "team", UNIT_VOLUNTEER_TEAM, "dep", 0);
    /* a department may not move under its own volunteer team */
    ck_assert_int_eq(store_unit_get_by_code(s, "dep", &u, NULL, &err), 0);
    ck_assert_int_eq(store_unit_update(s, &u, "team", &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "parent");
    unit_release(&u);
    /* a district with a street below may not become a community */
    ck_assert_int_eq(store_unit_get_by_code(s, "d1", &u, NULL, &err), 0);
    u.kind = UNIT_COMMUNITY;
    ck_assert_int_eq(store_unit_update(s, &u, NULL, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "kind");
    unit_release(&u);
    store_close(s);
}
END_TEST

static int count_unit(void *ctx, const struct unit *u, const char *pc)
{
    (void)u, (void)pc;
    ++*(int *)ctx;
    return 0;
}

struct writer_arg {
    struct store *s;
    int base;
};

static void *writer(void *arg)
{
    struct writer_arg *w = arg;
    char code[16];

    for (int i = 0; i < 50; i++) {
        snprintf(code, sizeof(code), "g%d-%d", w->base, i);
        add(w->s, code, UNIT_GRID, "city", 0);
    }
    return NULL;
}

START_TEST(concurrent_writes_all_land)
{
    struct store *s = fresh();
    struct unit_filter f = {.kind = UNIT_GRID, .active = -1};
    struct store_page pg = {.limit = 1000};
    struct gz_err err = {0};
    struct writer_arg args[8];
    pthread_t th[8];
    int n = 0;

    add(s, "city", UNIT_CITY, NULL, 0);
    for (int i = 0; i < 8; i++) {
        args[i] = (struct writer_arg){s, i};
        pthread_create(&th[i], NULL, writer, &args[i]);
    }
    for (int i = 0; i < 8; i++)
        pthread_join(th[i], NULL);
    ck_assert_int_eq(store_unit_list(s, &f, &pg, count_unit, &n, &err), 0);
    ck_assert_int_eq(n, 400);
    store_close(s);
}
END_TEST

START_TEST(list_pages_by_id)
{
    struct store *s = fresh();
    struct unit_filter f = {.kind = -1, .active = -1};
    struct store_page pg = {.limit = 2};
    struct gz_err err = {0};
    int n = 0;

    add(s, "city", UNIT_CITY, NULL, 0);
    add(s, "a", UNIT_STREET, "city", 0);
    add(s, "b", UNIT_STREET, "city", 0);
    ck_assert_int_eq(store_unit_list(s, &f, &pg, count_unit, &n, &err), 0);
    ck_assert_int_eq(n, 2);
    pg.after_id = 2;
    n = 0;
    ck_assert_int_eq(store_unit_list(s, &f, &pg, count_unit, &n, &err), 0);
    ck_assert_int_eq(n, 1);
    f.roots = true;
    pg.after_id = 0;
    n = 0;
    ck_assert_int_eq(store_unit_list(s, &f, &pg, count_unit, &n, &err), 0);
    ck_assert_int_eq(n, 1);
    store_close(s);
}
END_TEST

static struct category cat(const char *code, const char *name)
{
    struct category c;

    category_init(&c);
    snprintf(c.code, sizeof(c.code), "%s", code);
    snprintf(c.name, sizeof(c.name), "%s", name);
    category_derive_parent(&c);
    return c;
}

START_TEST(categories_crud)
{
    struct store *s = fresh();
    struct gz_err err = {0};
    struct category top = cat("01", "市容环境"), child = cat("0101", "暴露垃圾"), got;
    struct category orphan = cat("0901", "x");

    child.resolve = (struct tlimit){4, LIMIT_WORK_HOURS};
    ck_assert_int_eq(store_category_create(s, &top, &err), 0);
    ck_assert_int_eq(store_category_create(s, &child, &err), 0);
    ck_assert_int_eq(store_category_create(s, &child, &err), GZ_ECONFLICT);
    ck_assert_str_eq(err.field, "code");
    ck_assert_int_eq(store_category_create(s, &orphan, &err), GZ_EINVAL);
    ck_assert_int_eq(store_category_get(s, "0101", &got, &err), 0);
    ck_assert_str_eq(got.name, "暴露垃圾");
    ck_assert_str_eq(got.parent_code, "01");
    ck_assert_int_eq(got.resolve.amount, 4);
    ck_assert_int_eq(got.resolve.unit, LIMIT_WORK_HOURS);
    category_release(&got);
    snprintf(child.name, sizeof(child.name), "暴露垃圾2");
    ck_assert_int_eq(store_category_update(s, &child, &err), 0);
    ck_assert_int_eq(store_category_update(s, &orphan, &err), GZ_ENOTFOUND);
    ck_assert_int_eq(store_category_get(s, "0101", &got, &err), 0);
    ck_assert_str_eq(got.name, "暴露垃圾2");
    category_release(&got);
    store_close(s);
}
END_TEST

/*
 * Chains and categories are cached: a change in this process shows at the
 * next read, another process's within a second; a chain cut short by the
 * caller's room is never taken for a whole one.
 */
START_TEST(cached_chains_and_categories_follow_changes)
{
    struct store *s = fresh(), *other;
    struct gz_err err = {0};
    struct category c = cat("02", "街面秩序"), got;
    int64_t chain[8], d2, s1;
    struct unit u;
    size_t n;

    add(s, "city", UNIT_CITY, NULL, 0);
    add(s, "d1", UNIT_DISTRICT, "city", 0);
    d2 = add(s, "d2", UNIT_DISTRICT, "city", 0);
    s1 = add(s, "s1", UNIT_STREET, "d1", 0);
    ck_assert_int_eq(store_unit_chain(s, s1, chain, 2, &n, &err), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(store_unit_chain(s, s1, chain, 8, &n, &err), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(store_unit_get_by_code(s, "s1", &u, NULL, &err), 0);
    ck_assert_int_eq(store_unit_update(s, &u, "d2", &err), 0);
    unit_release(&u);
    ck_assert_int_eq(store_unit_chain(s, s1, chain, 8, &n, &err), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(chain[1], d2);

    c.kb_answer = strdup("每天七点到九点投放。");
    ck_assert_int_eq(store_category_create(s, &c, &err), 0);
    for (int i = 0; i < 2; i++) { /* a hit hands out its own copy */
        ck_assert_int_eq(store_category_get(s, "02", &got, &err), 0);
        ck_assert_str_eq(got.kb_answer, "每天七点到九点投放。");
        category_release(&got);
    }
    other = store_open(path, NULL, &err); /* as another process would */
    ck_assert_ptr_nonnull(other);
    snprintf(c.name, sizeof(c.name), "街面秩序管理");
    ck_assert_int_eq(store_category_update(other, &c, &err), 0);
    store_close(other);
    sleep(2);
    ck_assert_int_eq(store_category_get(s, "02", &got, &err), 0);
    ck_assert_str_eq(got.name, "街面秩序管理");
    category_release(&got);
    category_release(&c);
    store_close(s);
}
END_TEST

Suite *suite_store_org(void)
{
    Suite *s = suite_create("store/org");
    TCase *tc = tcase_create("org");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, hierarchy_rules);
    tcase_add_test(tc, no_cycles_and_kind_changes_checked);
    tcase_add_test(tc, concurrent_writes_all_land);
    tcase_add_test(tc, list_pages_by_id);
    tcase_add_test(tc, categories_crud);
    tcase_add_test(tc, cached_chains_and_categories_follow_changes);
    suite_add_tcase(s, tc);
    return s;
}
