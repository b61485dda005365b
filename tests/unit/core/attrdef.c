/* Tests of src/core/attrdef.c: service attribute definitions and answers. */
#include "gz.h"

#include "core/attrdef.h"
#include "t.h"

static json_t *defs_of(const char *text)
{
    json_t *in = json_loads(text, 0, NULL), *out;
    struct gz_err err = {0};

    ck_assert_ptr_nonnull(in);
    out = attrdef_normalise(in, &err);
    json_decref(in);
    ck_assert_msg(out != NULL, "refused: %s (%s)", err.msg, err.field);
    return out;
}

static void refused_def(const char *text, const char *field)
{
    json_t *in = json_loads(text, 0, NULL);
    struct gz_err err = {0};

    ck_assert_ptr_nonnull(in);
    ck_assert_ptr_null(attrdef_normalise(in, &err));
    ck_assert_int_eq(err.code, GZ_EINVAL);
    ck_assert_str_eq(err.field, field);
    json_decref(in);
}

static const char *const vehicle =
    "[{\"code\":\"COLOR\",\"datatype\":\"string\",\"description\":\"Colour?\",\"order\":3},"
    " {\"code\":\"MAKE\",\"datatype\":\"singlevaluelist\",\"required\":true,\"order\":1,"
    "  \"description\":\"Make?\",\"values\":[{\"key\":\"123\",\"name\":\"Ford\"},"
    "  {\"key\":\"124\",\"name\":\"Chrysler\"}]},"
    " {\"code\":\"SEEN\",\"datatype\":\"datetime\",\"description\":\"When?\",\"order\":2},"
    " {\"code\":\"TAGS\",\"datatype\":\"multivaluelist\",\"description\":\"Tags\",\"order\":4,"
    "  \"values\":[{\"key\":\"a\",\"name\":\"A\"},{\"key\":\"b\",\"name\":\"B\"}]},"
    " {\"code\":\"N\",\"datatype\":\"number\",\"description\":\"How many?\",\"order\":5},"
    " {\"code\":\"INFO\",\"datatype\":\"text\",\"variable\":false,\"description\":\"Note\","
    "  \"order\":6}]";

START_TEST(normalises_definitions)
{
    json_t *d = defs_of(vehicle), *first = json_array_get(d, 0);

    ck_assert_uint_eq(json_array_size(d), 6);
    ck_assert_str_eq(json_string_value(json_object_get(first, "code")), "MAKE"); /* by order */
    ck_assert(json_is_true(json_object_get(first, "variable")));
    ck_assert(json_is_null(json_object_get(first, "datatype_description")));
    ck_assert_uint_eq(json_array_size(json_object_get(first, "values")), 2);
    ck_assert_ptr_null(json_object_get(json_array_get(d, 1), "values")); /* not a list */
    json_decref(d);
    d = defs_of("[{\"code\":\"X\",\"datatype\":\"text\",\"description\":\"x\"}]");
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(d, 0), "order")), 1);
    json_decref(d);
}
END_TEST

START_TEST(refuses_bad_definitions)
{
    refused_def("{}", "attributes");
    refused_def("[1]", "attributes[0].code");
    refused_def("[{\"code\":\"a b\",\"datatype\":\"text\",\"description\":\"x\"}]",
                "attributes[0].code");
    refused_def("[{\"code\":\"A\",\"datatype\":\"blob\",\"description\":\"x\"}]",
                "attributes[0].datatype");
    refused_def("[{\"code\":\"A\",\"datatype\":\"text\"}]", "attributes[0].description");
    refused_def("[{\"code\":\"A\",\"datatype\":\"singlevaluelist\",\"description\":\"x\"}]",
                "attributes[0].values");
    refused_def("[{\"code\":\"A\",\"datatype\":\"text\",\"description\":\"x\","
                "\"values\":[{\"key\":\"1\",\"name\":\"one\"}]}]",
                "attributes[0].values");
    refused_def("[{\"code\":\"A\",\"datatype\":\"singlevaluelist\",\"description\":\"x\","
                "\"values\":[{\"key\":\"1\",\"name\":\"one\"},{\"key\":\"1\",\"name\":\"uno\"}]}]",
                "attributes[0].values[1].key");
    refused_def("[{\"code\":\"A\",\"datatype\":\"text\",\"description\":\"x\"},"
                "{\"code\":\"A\",\"datatype\":\"text\",\"description\":\"y\"}]",
                "attributes");
    refused_def("[{\"code\":\"A\",\"datatype\":\"text\",\"description\":\"x\",\"order\":1},"
                "{\"code\":\"B\",\"datatype\":\"text\",\"description\":\"y\",\"order\":1}]",
                "attributes");
    refused_def("[{\"code\":\"A\",\"datatype\":\"text\",\"description\":\"x\",\"colour\":1}]",
                "attributes[0].colour");
    refused_def("[{\"code\":\"A\",\"datatype\":\"text\",\"description\":\"x\","
                "\"variable\":false,\"required\":true}]",
                "attributes[0].required");
}
END_TEST

START_TEST(reads_field_names)
{
    char code[ATTR_CODE_MAX + 1];
    bool multi = true;

    ck_assert(attrdef_field("attribute[MAKE]", code, sizeof(code), &multi));
    ck_assert_str_eq(code, "MAKE");
    ck_assert(!multi);
    ck_assert(attrdef_field("attribute[TAGS][]", code, sizeof(code), &multi));
    ck_assert(multi);
    ck_assert(!attrdef_field("attribute[]", code, sizeof(code), &multi));
    ck_assert(!attrdef_field("attribute[A]x", code, sizeof(code), &multi));
    ck_assert(!attrdef_field("attribute[A", code, sizeof(code), &multi));
    ck_assert(!attrdef_field("attributes[A]", code, sizeof(code), &multi));
    ck_assert(!attrdef_field("attribute[A][0]", code, sizeof(code), &multi));
}
END_TEST

static int check(const json_t *d, const struct attr_answer *a, size_t n, json_t **out,
                 struct gz_err *err)
{
    memset(err, 0, sizeof(*err));
    return attrdef_check(d, a, n, out, err);
}

START_TEST(checks_answers)
{
    json_t *d = defs_of(vehicle), *out = NULL;
    struct gz_err err;
    const struct attr_answer good[] = {
        {"MAKE", "123", false}, {"SEEN", "2026-11-24T08:00:00+08:00", false},
        {"TAGS", "a", true},    {"TAGS", "b", true},
        {"N", "2.5", false},    {"COLOR", "", false},
    };

    ck_assert_int_eq(check(d, good, GZ_ARRAY_LEN(good), &out, &err), 0);
    ck_assert_str_eq(json_string_value(json_object_get(out, "MAKE")), "123");
    ck_assert_uint_eq(json_array_size(json_object_get(out, "TAGS")), 2);
    ck_assert_ptr_null(json_object_get(out, "COLOR")); /* empty = not answered */
    json_decref(out);
    json_decref(d);
}
END_TEST

static void refused_answer(const json_t *d, struct attr_answer a, const char *field)
{
    const struct attr_answer both[] = {{"MAKE", "124", false}, a};
    json_t *out = NULL;
    struct gz_err err;

    ck_assert_int_eq(check(d, both, 2, &out, &err), GZ_EINVAL);
    ck_assert_ptr_null(out);
    ck_assert_str_eq(err.field, field);
}

START_TEST(refuses_bad_answers)
{
    json_t *d = defs_of(vehicle), *out = NULL;
    struct gz_err err;

    refused_answer(d, (struct attr_answer){"NOPE", "1", false}, "attribute[NOPE]");
    refused_answer(d, (struct attr_answer){"MAKE", "123", false}, "attribute[MAKE]"); /* twice */
    refused_answer(d, (struct attr_answer){"SEEN", "yesterday", false}, "attribute[SEEN]");
    refused_answer(d, (struct attr_answer){"N", "12abc", false}, "attribute[N]");
    refused_answer(d, (struct attr_answer){"N", "nan", false}, "attribute[N]");
    refused_answer(d, (struct attr_answer){"TAGS", "c", true}, "attribute[TAGS]");
    refused_answer(d, (struct attr_answer){"COLOR", "red\nblue", false}, "attribute[COLOR]");
    refused_answer(d, (struct attr_answer){"INFO", "x", false}, "attribute[INFO]");
    /* MAKE is required */
    ck_assert_int_eq(check(d, NULL, 0, &out, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "attribute[MAKE]");
    json_decref(d);
}
END_TEST

Suite *suite_core_attrdef(void)
{
    Suite *s = suite_create("core/attrdef");
    TCase *tc = tcase_create("attrdef");

    tcase_add_test(tc, normalises_definitions);
    tcase_add_test(tc, refuses_bad_definitions);
    tcase_add_test(tc, reads_field_names);
    tcase_add_test(tc, checks_answers);
    tcase_add_test(tc, refuses_bad_answers);
    suite_add_tcase(s, tc);
    return s;
}
