/*
 * Tests of src/io/import.c: GeoJSON units and CSV/JSON categories parse,
 * store in one transaction, and a bad record anywhere writes nothing.
 */
#include "gz.h"

#include "io/import.h"
#include "store/store.h"
#include "t.h"

static const char good_units[] =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"zh\",\"name\":\"示例市\",\"kind\":\"city\"},"
    "\"geometry\":null},"
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"s1\",\"name\":\"和平街道\",\"name_en\":"
    "\"Heping\","
    "\"kind\":\"street\",\"parent_code\":\"zh\"},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":"
    "[[[116.3,39.9],[116.4,39.9],[116.4,40.0],[116.3,39.9]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"c1\",\"name\":\"一社区\",\"kind\":"
    "\"community\","
    "\"parent_code\":\"s1\"},\"geometry\":null}]}";

static struct store *fresh(char *dir, size_t size)
{
    char path[300];
    struct gz_err err = {0};
    struct store *s;

    t_tmpdir(dir, size);
    snprintf(path, sizeof(path), "%s/t.db", dir);
    s = store_open(path, NULL, &err);
    ck_assert_ptr_nonnull(s);
    return s;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static int count_unit(void *ctx, const struct unit *u, const char *pc)
{
    (void)u, (void)pc;
    ++*(int *)ctx;
    return 0;
}

static int units_in(struct store *s)
{
    struct unit_filter f = {.kind = -1, .active = -1};
    struct store_page pg = {.limit = 1000};
    struct gz_err err = {0};
    int n = 0;

    ck_assert_int_eq(store_unit_list(s, &f, &pg, count_unit, &n, &err), 0);
    return n;
}

START_TEST(units_good_file)
{
    char dir[256], path[300];
    struct store *s = fresh(dir, sizeof(dir));
    struct gz_err err = {0};
    struct unit u;
    char pc[GZ_MAX_CODE + 1];
    size_t n;

    snprintf(path, sizeof(path), "%s/u.geojson", dir);
    write_file(path, good_units);
    ck_assert_int_eq(import_file(s, "units", path, &n, &err), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(store_unit_get_by_code(s, "s1", &u, pc, &err), 0);
    ck_assert_str_eq(pc, "zh");
    ck_assert_str_eq(u.name_en, "Heping");
    ck_assert_ptr_nonnull(u.jurisdiction);
    unit_release(&u);
    /* importing again updates in place */
    ck_assert_int_eq(import_file(s, "units", path, &n, &err), 0);
    ck_assert_int_eq(units_in(s), 3);
    store_close(s);
}
END_TEST

START_TEST(units_bad_feature_writes_nothing)
{
    char dir[256], path[300], text[4096];
    struct store *s = fresh(dir, sizeof(dir));
    struct gz_err err = {0};
    size_t n;

    snprintf(path, sizeof(path), "%s/u.geojson", dir);
    /* the third feature's parent does not exist: only the store can tell */
    snprintf(text, sizeof(text), "%.*s\"nope\"},\"geometry\":null}]}",
             (int)(strstr(good_units, "\"s1\"},\"geometry\":null}]}") - good_units), good_units);
    write_file(path, text);
    ck_assert_int_ne(import_file(s, "units", path, &n, &err), 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "feature 2"));
    ck_assert_int_eq(units_in(s), 0);
    /* a feature that fails parsing */
    write_file(path, "{\"type\":\"FeatureCollection\",\"features\":[{\"properties\":"
                     "{\"code\":\"x\",\"name\":\"x\",\"kind\":\"planet\"}}]}");
    ck_assert_int_eq(import_file(s, "units", path, &n, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "kind");
    ck_assert_ptr_nonnull(strstr(err.msg, "feature 0"));
    write_file(path, "[1,2");
    ck_assert_int_eq(import_file(s, "units", path, &n, &err), GZ_EINVAL);
    ck_assert_int_eq(units_in(s), 0);
    store_close(s);
}
END_TEST

static const char good_csv[] =
    "code,name,name_en,respond_limit,resolve_limit,urgent_limit,kind,claimable,kb_answer\n"
    "0101,暴露垃圾,Exposed garbage,2 work_hours,4 work_hours,2 hours,event,false,\n"
    "01,市容环境,City appearance,,7 workdays,,event,false,\n"
    "12,咨询建议,Consultation,,,,event,false,\"请拨打12345, 或登录网站\"\n";

static int count_cat(void *ctx, const struct category *c)
{
    (void)c;
    ++*(int *)ctx;
    return 0;
}

static int cats_in(struct store *s)
{
    struct store_page pg = {.limit = 1000};
    struct gz_err err = {0};
    int n = 0;

    ck_assert_int_eq(store_category_list(s, "", -1, &pg, count_cat, &n, &err), 0);
    return n;
}

START_TEST(categories_csv_and_json)
{
    char dir[256], path[300];
    struct store *s = fresh(dir, sizeof(dir));
    struct gz_err err = {0};
    struct category c;
    size_t n;

    snprintf(path, sizeof(path), "%s/c.csv", dir);
    write_file(path, good_csv); /* child before parent: the store orders by depth */
    ck_assert_int_eq(import_file(s, "categories", path, &n, &err), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(store_category_get(s, "12", &c, &err), 0);
    ck_assert_str_eq(c.kb_answer, "请拨打12345, 或登录网站");
    category_release(&c);
    snprintf(path, sizeof(path), "%s/c.json", dir);
    write_file(path, "[{\"code\":\"02\",\"name\":\"公用设施\",\"resolve_limit\":\"24 hours\"}]");
    ck_assert_int_eq(import_file(s, "categories", path, &n, &err), 0);
    ck_assert_int_eq(cats_in(s), 4);
    store_close(s);
}
END_TEST

START_TEST(categories_bad_row_writes_nothing)
{
    char dir[256], path[300], text[2048];
    struct store *s = fresh(dir, sizeof(dir));
    struct gz_err err = {0};
    size_t n;

    snprintf(path, sizeof(path), "%s/c.csv", dir);
    snprintf(text, sizeof(text), "%s0102,x,x,3 fortnights,,,event,false,\n", good_csv);
    write_file(path, text);
    ck_assert_int_eq(import_file(s, "categories", path, &n, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "respond_limit");
    ck_assert_ptr_nonnull(strstr(err.msg, "line 5"));
    ck_assert_int_eq(cats_in(s), 0);
    snprintf(text, sizeof(text), "%s0901,orphan,x,,,,event,false,\n", good_csv);
    write_file(path, text);
    ck_assert_int_ne(import_file(s, "categories", path, &n, &err), 0);
    ck_assert_int_eq(cats_in(s), 0);
    write_file(path, "code,name\n01,\"unterminated\n");
    ck_assert_int_ne(import_file(s, "categories", path, &n, &err), 0);
    write_file(path, "nocode,name\n01,x\n");
    ck_assert_int_eq(import_file(s, "categories", path, &n, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "code");
    ck_assert_int_eq(cats_in(s), 0);
    store_close(s);
}
END_TEST

START_TEST(shipped_data_imports)
{
    char dir[256];
    struct store *s = fresh(dir, sizeof(dir));
    struct gz_err err = {0};
    size_t n;

    ck_assert_int_eq(import_file(s, "categories", "data/taxonomy/zh-default.csv", &n, &err), 0);
    ck_assert_uint_ge(n, 70);
    ck_assert_int_eq(import_file(s, "units", "data/demo/boston.geojson", &n, &err), 0);
    ck_assert_uint_eq(n, 1 + 22 + 255 + 17);
    ck_assert_int_eq(import_file(s, "units", "data/demo/zh-sample.geojson", &n, &err), 0);
    store_close(s);
}
END_TEST

Suite *suite_io_import(void)
{
    Suite *s = suite_create("io/import");
    TCase *tc = tcase_create("import");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, units_good_file);
    tcase_add_test(tc, units_bad_feature_writes_nothing);
    tcase_add_test(tc, categories_csv_and_json);
    tcase_add_test(tc, categories_bad_row_writes_nothing);
    tcase_add_test(tc, shipped_data_imports);
    suite_add_tcase(s, tc);
    return s;
}
