/* Tests of src/util/sha256.c: the standard's test vectors, one part or two. */
#include "gz.h"

#include "t.h"
#include "util/sha256.h"

START_TEST(known_answers)
{
    char hex[SHA256_HEX + 1];
    unsigned char a[SHA256_BYTES], b[SHA256_BYTES];
    const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

    sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_hex("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex(msg, strlen(msg), hex);
    ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* two parts hash as their concatenation */
    sha256_two(msg, 10, msg + 10, strlen(msg) - 10, a);
    sha256_two(msg, strlen(msg), NULL, 0, b);
    ck_assert_mem_eq(a, b, SHA256_BYTES);
}
END_TEST

Suite *suite_util_sha256(void)
{
    Suite *s = suite_create("util/sha256");
    TCase *tc = tcase_create("sha256");

    tcase_add_test(tc, known_answers);
    suite_add_tcase(s, tc);
    return s;
}
