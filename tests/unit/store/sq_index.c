/*
 * Tests of src/store/sq_index.c, the case search index in its own file: a
 * case is found by a search started after its intake; the file is rebuilt
 * when missing, when made for another database, and cut back when it holds
 * cases the database lost; a file migrated from the schema that kept the
 * index inside the database is indexed anew.
 */
#include "gz.h"

#include <sqlite3.h>
#include <unistd.h>

#include "core/case.h"
#include "store/store.h"
#include "t.h"

static void db_path(char *path, size_t size)
{
    char dir[256];

    t_tmpdir(dir, sizeof(dir));
    snprintf(path, size, "%s/t.db", dir);
}

static struct store *open_at(const char *path, int max_version)
{
    struct store_options opt = {.max_version = max_version};
    struct gz_err err = {0};
    struct store *s = store_open(path, &opt, &err);

    ck_assert_msg(s != NULL, "open %s: %s", path, err.msg);
    return s;
}

static int64_t add_case(struct store *s, const char *text, const char *address)
{
    struct gz_err err = {0};
    struct case_rec c;
    struct event ev;
    struct store_intake in = {.day = "20261125", .ev = &ev};
    int64_t id;

    case_init(&c);
    event_init(&ev);
    c.text = strdup(text);
    c.address = address ? strdup(address) : NULL;
    c.channel = CHANNEL_HOTLINE;
    c.created_at = 1795000000;
    snprintf(ev.kind, sizeof(ev.kind), "created");
    ev.body = strdup("{}");
    ck_assert_int_eq(store_case_create(s, &c, &in, &err), 0);
    id = c.id;
    case_release(&c);
    event_release(&ev);
    return id;
}

static int count_one(void *ctx, const struct case_rec *c)
{
    (void)c;
    ++*(int *)ctx;
    return 0;
}

static int hits(struct store *s, const char *q)
{
    struct case_filter f = {.q = q};
    struct gz_err err = {0};
    int n = 0;

    ck_assert_int_eq(store_case_list(s, &f, NULL, 100, count_one, &n, &err), 0);
    return n;
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[8192];
    size_t n;

    ck_assert_ptr_nonnull(in);
    ck_assert_ptr_nonnull(out);
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
    fclose(in);
    ck_assert_int_eq(fclose(out), 0);
}

/* Remove a database file with its WAL and shared-memory files. */
static void remove_db(const char *path)
{
    char p[400];

    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

START_TEST(found_right_after_intake)
{
    char path[300];
    struct store *s;

    db_path(path, sizeof(path));
    s = open_at(path, 0);
    /* every search starts after the intake before it was acknowledged */
    for (int i = 0; i < 50; i++) {
        char text[64];
        snprintf(text, sizeof(text), "路灯不亮 编号%03d", i);
        add_case(s, text, i % 2 ? "朝阳路1号" : NULL);
        snprintf(text, sizeof(text), "编号%03d", i);
        ck_assert_int_eq(hits(s, text), 1);
    }
    ck_assert_int_eq(hits(s, "路灯"), 50);
    ck_assert_int_eq(hits(s, "灯"), 50);
    ck_assert_int_eq(hits(s, "朝阳路"), 25);
    store_close(s);
}
END_TEST

START_TEST(missing_file_is_rebuilt)
{
    char path[300], idx[320];
    struct store *s;

    db_path(path, sizeof(path));
    s = open_at(path, 0);
    add_case(s, "井盖松动 噪音很大", NULL);
    add_case(s, "垃圾清运不及时", "西城区");
    store_close(s);
    snprintf(idx, sizeof(idx), "%s.search", path);
    ck_assert_int_eq(access(idx, F_OK), 0);
    remove_db(idx);

    s = open_at(path, 0);
    ck_assert_int_eq(hits(s, "噪音"), 1);
    ck_assert_int_eq(hits(s, "西城区"), 1);
    ck_assert_int_eq(hits(s, "垃圾清运"), 1);
    store_close(s);
}
END_TEST

START_TEST(file_of_another_database_is_rebuilt)
{
    char a[300], b[300], ai[320], bi[320];
    struct store *s;

    db_path(a, sizeof(a));
    db_path(b, sizeof(b));
    s = open_at(a, 0);
    add_case(s, "占道经营 油烟扰民", NULL);
    store_close(s);
    s = open_at(b, 0);
    add_case(s, "树木倒伏 压住车辆", NULL);
    store_close(s);
    /* b's index put beside a: its terms must not answer a's searches */
    snprintf(ai, sizeof(ai), "%s.search", a);
    snprintf(bi, sizeof(bi), "%s.search", b);
    remove_db(ai);
    copy_file(bi, ai);

    s = open_at(a, 0);
    ck_assert_int_eq(hits(s, "树木"), 0);
    ck_assert_int_eq(hits(s, "油烟"), 1);
    store_close(s);
}
END_TEST

/* A power loss can cost the database its last commits while the index kept them. */
START_TEST(index_ahead_of_database_is_cut_back)
{
    char path[300], saved[320], idx[320];
    struct store *s;

    db_path(path, sizeof(path));
    snprintf(saved, sizeof(saved), "%s.saved", path);
    snprintf(idx, sizeof(idx), "%s.search", path);
    s = open_at(path, 0);
    add_case(s, "第一件 路面塌陷", NULL);
    store_close(s); /* checkpointed: the database is one file now */
    copy_file(path, saved);
    s = open_at(path, 0);
    add_case(s, "第二件 消防通道堵塞", NULL);
    ck_assert_int_eq(hits(s, "消防通道"), 1); /* indexed */
    store_close(s);
    /* the database as it was before the second case; the index as it is */
    remove_db(path);
    copy_file(saved, path);

    s = open_at(path, 0);
    ck_assert_int_eq(hits(s, "消防通道"), 0);
    add_case(s, "第二件 噪音扰民", NULL); /* takes the lost case's id */
    ck_assert_int_eq(hits(s, "消防通道"), 0);
    ck_assert_int_eq(hits(s, "噪音扰民"), 1);
    ck_assert_int_eq(hits(s, "第二件"), 1);
    store_close(s);
}
END_TEST

START_TEST(migrated_database_is_indexed)
{
    char path[300];
    struct store *s;

    db_path(path, sizeof(path));
    s = open_at(path, store_schema_latest() - 1);
    add_case(s, "旧库里的案件 下水道堵塞", "东城区");
    store_close(s);

    s = open_at(path, 0);
    ck_assert_int_eq(store_schema_version(s), store_schema_latest());
    ck_assert_int_eq(hits(s, "下水道"), 1);
    ck_assert_int_eq(hits(s, "东城"), 1);
    add_case(s, "新案件 下水道返味", NULL);
    ck_assert_int_eq(hits(s, "下水道"), 2);
    store_close(s);
}
END_TEST

Suite *suite_store_sq_index(void)
{
    Suite *s = suite_create("store/sq_index");
    TCase *tc = tcase_create("search index file");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, found_right_after_intake);
    tcase_add_test(tc, missing_file_is_rebuilt);
    tcase_add_test(tc, file_of_another_database_is_rebuilt);
    tcase_add_test(tc, index_ahead_of_database_is_cut_back);
    tcase_add_test(tc, migrated_database_is_indexed);
    suite_add_tcase(s, tc);
    return s;
}
