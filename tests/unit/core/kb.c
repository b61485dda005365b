/*
 * Tests of src/core/kb.c: validation naming each bad field, whether an
 * entry may be cited now, how a category fits, the language of a text and
 * the body and citation an answer takes.
 */
#include "gz.h"

#include "core/kb.h"
#include "t.h"

static void entry(struct kb_entry *e)
{
    kb_entry_init(e);
    e->id = 7;
    e->version = 3;
    snprintf(e->title, sizeof(e->title), "垃圾分类投放时间");
    e->body = strdup("每天7点到9点投放。");
}

static void expect_bad(struct kb_entry *e, const char *field)
{
    struct gz_err err = {0};

    ck_assert_int_eq(kb_entry_validate(e, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, field);
    kb_entry_release(e);
}

START_TEST(validate_fields)
{
    struct kb_entry e;
    struct gz_err err = {0};

    entry(&e);
    ck_assert_int_eq(kb_entry_validate(&e, &err), 0);
    e.n_keywords = 2;
    snprintf(e.keywords[0], sizeof(e.keywords[0]), "垃圾");
    snprintf(e.keywords[1], sizeof(e.keywords[1]), "分类");
    snprintf(e.category, sizeof(e.category), "0103");
    snprintf(e.source_url, sizeof(e.source_url), "https://example.org/x");
    e.valid_from = 100;
    e.valid_to = 200;
    ck_assert_int_eq(kb_entry_validate(&e, &err), 0);
    kb_entry_release(&e);

    entry(&e);
    e.kind = KB_KIND_COUNT;
    expect_bad(&e, "kind");
    entry(&e);
    snprintf(e.category, sizeof(e.category), "013");
    expect_bad(&e, "category");
    entry(&e);
    snprintf(e.ref, sizeof(e.ref), "a b");
    expect_bad(&e, "ref");
    entry(&e);
    free(e.body);
    e.body = NULL;
    expect_bad(&e, "body");
    entry(&e);
    snprintf(e.title_en, sizeof(e.title_en), "Sorting");
    expect_bad(&e, "body_en");
    entry(&e);
    e.title[0] = '\0';
    free(e.body);
    e.body = NULL;
    expect_bad(&e, "title");
    entry(&e);
    snprintf(e.title, sizeof(e.title), "two\nlines");
    expect_bad(&e, "title");
    entry(&e);
    e.n_keywords = 2;
    snprintf(e.keywords[0], sizeof(e.keywords[0]), "a");
    snprintf(e.keywords[1], sizeof(e.keywords[1]), "a");
    expect_bad(&e, "keywords");
    entry(&e);
    snprintf(e.source_url, sizeof(e.source_url), "javascript:alert(1)");
    expect_bad(&e, "source_url");
    entry(&e);
    snprintf(e.source_url, sizeof(e.source_url), "https://");
    expect_bad(&e, "source_url");
    entry(&e);
    e.valid_from = 200;
    e.valid_to = 200;
    expect_bad(&e, "valid_to");
    entry(&e);
    free(e.body);
    e.body = strdup("\xff");
    expect_bad(&e, "body");
}
END_TEST

START_TEST(usable_now)
{
    struct kb_entry e;
    struct gz_err err = {0};

    entry(&e);
    ck_assert_int_eq(kb_entry_usable(&e, 150, &err), 0);
    e.valid_from = 100;
    e.valid_to = 200;
    ck_assert(kb_entry_current(&e, 100));
    ck_assert_int_eq(kb_entry_usable(&e, 99, &err), GZ_ECONFLICT);
    ck_assert_str_eq(err.field, "kb_entry");
    ck_assert_ptr_nonnull(strstr(err.msg, "not valid yet"));
    ck_assert_int_eq(kb_entry_usable(&e, 200, &err), GZ_ECONFLICT);
    ck_assert_ptr_nonnull(strstr(err.msg, "expired"));
    ck_assert(!kb_entry_current(&e, 200));
    e.active = false;
    ck_assert_int_eq(kb_entry_usable(&e, 150, &err), GZ_ECONFLICT);
    ck_assert_ptr_nonnull(strstr(err.msg, "inactive"));
    kb_entry_release(&e);
}
END_TEST

START_TEST(category_fit)
{
    ck_assert_int_eq(kb_category_fit("0103", "0103"), 0);
    ck_assert_int_eq(kb_category_fit("01", "0103"), 1);
    ck_assert_int_eq(kb_category_fit("01", "010302"), 2);
    ck_assert_int_eq(kb_category_fit("010302", "0103"), -1); /* below */
    ck_assert_int_eq(kb_category_fit("02", "0103"), -1);
    ck_assert_int_eq(kb_category_fit("", "0103"), -1);
    ck_assert_int_eq(kb_category_fit("0", "0103"), -1);
}
END_TEST

START_TEST(languages_and_citation)
{
    struct kb_entry e;
    struct kb_entry copy;
    json_t *cite;

    ck_assert_int_eq(kb_lang_of("路灯不亮"), KB_ZH);
    ck_assert_int_eq(kb_lang_of("the lamp at 中山路 is out"), KB_ZH);
    ck_assert_int_eq(kb_lang_of("Streetlight out"), KB_EN);
    ck_assert_int_eq(kb_lang_of("café ½"), KB_EN);
    ck_assert_int_eq(kb_lang_of(NULL), KB_EN);
    entry(&e);
    /* no English body: the Chinese one */
    ck_assert_str_eq(kb_entry_body(&e, KB_EN), e.body);
    cite = kb_entry_cite(&e, KB_EN);
    ck_assert_str_eq(json_string_value(json_object_get(cite, "lang")), "zh");
    ck_assert_int_eq(json_integer_value(json_object_get(cite, "version")), 3);
    json_decref(cite);
    snprintf(e.title_en, sizeof(e.title_en), "Sorting times");
    e.body_en = strdup("7 to 9 am.");
    ck_assert_str_eq(kb_entry_body(&e, KB_EN), "7 to 9 am.");
    ck_assert_str_eq(kb_entry_body(&e, KB_ZH), e.body);
    cite = kb_entry_cite(&e, KB_EN);
    ck_assert_str_eq(json_string_value(json_object_get(cite, "title")), "Sorting times");
    ck_assert_int_eq(json_integer_value(json_object_get(cite, "id")), 7);
    json_decref(cite);
    ck_assert_int_eq(kb_entry_copy(&copy, &e), 0);
    ck_assert_ptr_ne(copy.body, e.body);
    ck_assert_str_eq(copy.body_en, e.body_en);
    kb_entry_release(&copy);
    kb_entry_release(&e);
    ck_assert_int_eq(kb_kind_parse("policy"), KB_POLICY);
    ck_assert_int_eq(kb_kind_parse("faq"), -1);
    ck_assert_str_eq(kb_lang_name(KB_EN), "en");
    ck_assert_int_eq(kb_lang_parse("fr"), -1);
}
END_TEST

Suite *suite_core_kb(void)
{
    Suite *s = suite_create("core/kb");
    TCase *tc = tcase_create("kb");

    tcase_add_test(tc, validate_fields);
    tcase_add_test(tc, usable_now);
    tcase_add_test(tc, category_fit);
    tcase_add_test(tc, languages_and_citation);
    suite_add_tcase(s, tc);
    return s;
}
