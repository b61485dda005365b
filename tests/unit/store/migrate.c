/*
 * Tests of the migrations in src/store/sq_db.c: a fresh file gets the newest
 * schema, an older file is upgraded in place keeping its rows, a newer file
 * is refused with GZ_ESCHEMA, a foreign SQLite file is refused.
 */
#include "gz.h"

#include <sqlite3.h>

#include "store/store.h"
#include "t.h"

static void db_path(char *path, size_t size)
{
    char dir[256];

    t_tmpdir(dir, sizeof(dir));
    snprintf(path, size, "%s/t.db", dir);
}

static void exec(const char *path, const char *sql)
{
    sqlite3 *db;

    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

START_TEST(fresh_file_is_newest)
{
    char path[300];
    struct gz_err err = {0};
    struct store *s;

    db_path(path, sizeof(path));
    s = store_open(path, NULL, &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(store_schema_version(s), store_schema_latest());
    ck_assert_int_ge(store_schema_latest(), 2);
    store_close(s);
}
END_TEST

START_TEST(older_file_is_upgraded_with_its_rows)
{
    char path[300];
    struct gz_err err = {0};
    struct store_options old = {.max_version = 1};
    struct store *s;
    struct unit u;

    db_path(path, sizeof(path));
    s = store_open(path, &old, &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(store_schema_version(s), 1);
    unit_init(&u);
    snprintf(u.code, sizeof(u.code), "city");
    snprintf(u.name, sizeof(u.name), "示例市");
    u.kind = UNIT_CITY;
    ck_assert_int_eq(store_unit_create(s, &u, NULL, &err), 0);
    store_close(s);

    s = store_open(path, NULL, &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(store_schema_version(s), store_schema_latest());
    ck_assert_int_eq(store_unit_get_by_code(s, "city", &u, NULL, &err), 0);
    ck_assert_str_eq(u.name, "示例市");
    unit_release(&u);
    store_close(s);
}
END_TEST

START_TEST(newer_file_is_refused)
{
    char path[300];
    struct gz_err err = {0};
    struct store *s;

    db_path(path, sizeof(path));
    s = store_open(path, NULL, &err);
    ck_assert_ptr_nonnull(s);
    store_close(s);
    exec(path, "UPDATE schema_version SET version = 999");
    s = store_open(path, NULL, &err);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(err.code, GZ_ESCHEMA);
    ck_assert_ptr_nonnull(strstr(err.msg, "999"));
    ck_assert_ptr_nonnull(strstr(err.msg, "newer"));
}
END_TEST

START_TEST(foreign_file_is_refused)
{
    char path[300];
    struct gz_err err = {0};

    db_path(path, sizeof(path));
    exec(path, "CREATE TABLE other(x)");
    ck_assert_ptr_null(store_open(path, NULL, &err));
    ck_assert_int_eq(err.code, GZ_ESCHEMA);
}
END_TEST

START_TEST(settings_are_wal_and_foreign_keys)
{
    char path[300];
    struct gz_err err = {0};
    struct store *s;
    sqlite3 *db;
    sqlite3_stmt *st;

    db_path(path, sizeof(path));
    s = store_open(path, NULL, &err);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
    store_close(s);
}
END_TEST

Suite *suite_store_migrate(void)
{
    Suite *s = suite_create("store/migrate");
    TCase *tc = tcase_create("migrate");

    tcase_add_test(tc, fresh_file_is_newest);
    tcase_add_test(tc, older_file_is_upgraded_with_its_rows);
    tcase_add_test(tc, newer_file_is_refused);
    tcase_add_test(tc, foreign_file_is_refused);
    tcase_add_test(tc, settings_are_wal_and_foreign_keys);
    suite_add_tcase(s, tc);
    return s;
}
