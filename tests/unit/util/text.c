/* Tests of src/util/text.c: UTF-8, codes, phones, integers. */
#include "gz.h"

#include "t.h"
#include "util/text.h"

START_TEST(utf8_valid_and_invalid)
{
    ck_assert(text_utf8_valid("东城区 abc", strlen("东城区 abc")));
    ck_assert(text_utf8_valid("\xF0\x9F\x98\x80", 4));  /* emoji */
    ck_assert(!text_utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
    ck_assert(!text_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    ck_assert(!text_utf8_valid("\xE4\xB8", 2));         /* truncated */
    ck_assert(!text_utf8_valid("\xF5\x80\x80\x80", 4)); /* above U+10FFFF */
    ck_assert(!text_utf8_valid("a\0b", 3));             /* NUL inside */
    ck_assert_uint_eq(text_utf8_len("东城区ab"), 5);
}
END_TEST

START_TEST(copy_truncates_on_char_boundary)
{
    char out[5];

    ck_assert(!text_copy(out, sizeof(out), "东城")); /* 6 bytes into 5 */
    ck_assert_str_eq(out, "东");
    ck_assert(text_copy(out, sizeof(out), "abcd"));
    ck_assert_str_eq(out, "abcd");
}
END_TEST

START_TEST(codes_phones_integers)
{
    long long v;

    ck_assert(text_is_code("W01", 64));
    ck_assert(text_is_code("D-PWDx", 64));
    ck_assert(!text_is_code("", 64));
    ck_assert(!text_is_code("-x", 64));
    ck_assert(!text_is_code("a b", 64));
    ck_assert(!text_is_code("东城", 64));
    ck_assert(text_is_phone("13812345678"));
    ck_assert(text_is_phone("+1 617-555-0100"));
    ck_assert(!text_is_phone("1234"));
    ck_assert(!text_is_phone("12345abc"));
    ck_assert(text_parse_i64("42", 0, 100, &v) && v == 42);
    ck_assert(!text_parse_i64("42x", 0, 100, &v));
    ck_assert(!text_parse_i64(" 42", 0, 100, &v));
    ck_assert(!text_parse_i64("101", 0, 100, &v));
    ck_assert(!text_parse_i64("99999999999999999999", 0, INT64_MAX, &v));
}
END_TEST

START_TEST(hash_is_fnv1a)
{
    /* the published FNV-1a 64 test vectors */
    ck_assert_uint_eq(text_hash("", 0), 0xcbf29ce484222325ULL);
    ck_assert_uint_eq(text_hash("a", 1), 0xaf63dc4c8601ec8cULL);
    ck_assert_uint_eq(text_hash("foobar", 6), 0x85944171f73967e8ULL);
    ck_assert_uint_ne(text_hash("垃圾", strlen("垃圾")), text_hash("圾垃", strlen("圾垃")));
}
END_TEST

Suite *suite_util_text(void)
{
    Suite *s = suite_create("util/text");
    TCase *tc = tcase_create("text");

    tcase_add_test(tc, utf8_valid_and_invalid);
    tcase_add_test(tc, copy_truncates_on_char_boundary);
    tcase_add_test(tc, codes_phones_integers);
    tcase_add_test(tc, hash_is_fnv1a);
    suite_add_tcase(s, tc);
    return s;
}
