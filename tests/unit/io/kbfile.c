/*
 * Tests of src/io/kbfile.c: entries from JSON objects and files and from
 * CSV, members applied only when present, null clearing, each bad record
 * named by its index or line and field.
 */
#include "gz.h"

#include "io/kbfile.h"
#include "t.h"

START_TEST(object_members)
{
    struct kb_entry e;
    struct gz_err err = {0};
    json_t *o = json_loads("{\"kind\":\"policy\",\"category\":\"0103\",\"title\":\"标题\","
                           "\"body\":\"正文\",\"keywords\":[\"甲\",\"乙\"],"
                           "\"valid_from\":\"2026-01-01T00:00:00Z\",\"active\":false}",
                           0, NULL);
    static const char *const also[] = {"version", NULL};

    kb_entry_init(&e);
    ck_assert_int_eq(kbfile_parse_object(o, &e, NULL, &err), 0);
    ck_assert_int_eq(e.kind, KB_POLICY);
    ck_assert_str_eq(e.category, "0103");
    ck_assert_int_eq(e.n_keywords, 2);
    ck_assert_str_eq(e.keywords[1], "乙");
    ck_assert_int_eq(e.valid_from, 1767225600);
    ck_assert(!e.active);
    json_decref(o);
    /* a partial change: only what is present, null clears */
    o = json_loads("{\"category\":null,\"body_en\":\"text\",\"version\":3}", 0, NULL);
    ck_assert_int_eq(kbfile_parse_object(o, &e, NULL, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "version");
    ck_assert_int_eq(kbfile_parse_object(o, &e, also, &err), 0);
    ck_assert_str_eq(e.category, "");
    ck_assert_str_eq(e.body_en, "text");
    ck_assert_str_eq(e.title, "标题");
    json_decref(o);
    o = json_loads("{\"valid_to\":\"soon\"}", 0, NULL);
    ck_assert_int_eq(kbfile_parse_object(o, &e, NULL, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "valid_to");
    json_decref(o);
    o = json_loads("{\"keywords\":[1]}", 0, NULL);
    ck_assert_int_eq(kbfile_parse_object(o, &e, NULL, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "keywords");
    json_decref(o);
    kb_entry_release(&e);
}
END_TEST

START_TEST(json_file)
{
    static const char ok[] = "{\"entries\":[{\"title\":\"一\",\"body\":\"1\"},"
                             "{\"title_en\":\"Two\",\"body_en\":\"2\",\"ref\":\"two\"}]}";
    static const char bad[] = "[{\"title\":\"一\",\"body\":\"1\"},{\"title\":\"二\"}]";
    struct kbfile f;
    struct gz_err err = {0};
    size_t at = 0;

    ck_assert_int_eq(kbfile_parse_json(ok, strlen(ok), &f, &at, &err), 0);
    ck_assert_int_eq(f.n, 2);
    ck_assert_str_eq(f.entries[1].ref, "two");
    kbfile_release(&f);
    ck_assert_int_eq(kbfile_parse_json(bad, strlen(bad), &f, &at, &err), GZ_EINVAL);
    ck_assert_int_eq(at, 1);
    ck_assert_str_eq(err.field, "body");
    ck_assert_int_eq(kbfile_parse_json("{}", 2, &f, &at, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "entries");
    ck_assert_int_eq(kbfile_parse_json("[", 1, &f, &at, &err), GZ_EINVAL);
    ck_assert_int_eq(kbfile_parse_json("[3]", 3, &f, &at, &err), GZ_EINVAL);
    ck_assert_int_eq(f.n, 0);
}
END_TEST

START_TEST(csv_file)
{
    static const char ok[] = "title,body,kind,category,keywords,active,valid_to\r\n"
                             "垃圾投放,\"每天7点, 到9点\",answer,01, 垃圾 ;投放;; ,true,\r\n"
                             "噪声,夜间禁止,policy,,,0,2027-01-01\r\n";
    static const char bad[] = "title,body,category\n好,好,01\n坏,坏,1\n";
    struct kbfile f;
    struct gz_err err = {0};
    size_t at = 0;

    ck_assert_int_eq(kbfile_parse_csv(ok, strlen(ok), &f, &at, &err), 0);
    ck_assert_int_eq(f.n, 2);
    ck_assert_str_eq(f.entries[0].body, "每天7点, 到9点");
    ck_assert_int_eq(f.entries[0].n_keywords, 2);
    ck_assert_str_eq(f.entries[0].keywords[0], "垃圾");
    ck_assert_str_eq(f.entries[0].keywords[1], "投放");
    ck_assert(f.entries[0].active);
    ck_assert_int_eq(f.entries[1].kind, KB_POLICY);
    ck_assert(!f.entries[1].active);
    ck_assert_int_gt(f.entries[1].valid_to, 0);
    kbfile_release(&f);
    ck_assert_int_eq(kbfile_parse_csv(bad, strlen(bad), &f, &at, &err), GZ_EINVAL);
    ck_assert_int_eq(at, 3);
    ck_assert_str_eq(err.field, "category");
    ck_assert_int_eq(kbfile_parse_csv("kind\nanswer\n", 12, &f, &at, &err), GZ_EINVAL);
}
END_TEST

Suite *suite_io_kbfile(void)
{
    Suite *s = suite_create("io/kbfile");
    TCase *tc = tcase_create("kbfile");

    tcase_add_test(tc, object_members);
    tcase_add_test(tc, json_file);
    tcase_add_test(tc, csv_file);
    suite_add_tcase(s, tc);
    return s;
}
