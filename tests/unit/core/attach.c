/* Tests of src/core/attach.c: stage names, which are public, when each takes photos. */
#include "gz.h"

#include "core/attach.h"
#include "t.h"

START_TEST(stages_round_trip)
{
    for (int s = 0; s < ATT_STAGE_COUNT; s++)
        ck_assert_int_eq(att_stage_parse(att_stage_name((enum att_stage)s)), s);
    ck_assert_int_eq(att_stage_parse("complete"), ATT_COMPLETE);
    ck_assert_int_eq(att_stage_parse("before"), -1);
    ck_assert_int_eq(att_stage_parse(NULL), -1);
    ck_assert(att_stage_public(ATT_INTAKE) && att_stage_public(ATT_REPLY));
    ck_assert(att_stage_public(ATT_COMPLETE) && !att_stage_public(ATT_VERIFY));
    ck_assert(!att_stage_public(ATT_STAGE_COUNT));
}
END_TEST

START_TEST(stages_follow_the_loop)
{
    ck_assert(att_stage_open(ATT_INTAKE, CASE_RECEIVED));
    ck_assert(att_stage_open(ATT_INTAKE, CASE_PARKED));
    ck_assert(!att_stage_open(ATT_INTAKE, CASE_CLOSED));
    ck_assert(!att_stage_open(ATT_INTAKE, CASE_MERGED));
    ck_assert(!att_stage_open(ATT_REPLY, CASE_DISPATCHED));
    ck_assert(att_stage_open(ATT_REPLY, CASE_ACCEPTED));
    ck_assert(att_stage_open(ATT_REPLY, CASE_RESOLVED));
    ck_assert(!att_stage_open(ATT_REPLY, CASE_VERIFIED));
    ck_assert(!att_stage_open(ATT_VERIFY, CASE_ACCEPTED));
    ck_assert(att_stage_open(ATT_VERIFY, CASE_RESOLVED));
    ck_assert(att_stage_open(ATT_VERIFY, CASE_VERIFIED));
    ck_assert(att_stage_open(ATT_COMPLETE, CASE_ACCEPTED));
    ck_assert(!att_stage_open(ATT_COMPLETE, CASE_INVALID));
    ck_assert(!att_stage_open(ATT_STAGE_COUNT, CASE_RECEIVED));
}
END_TEST

START_TEST(hashes_are_checked_before_paths)
{
    ck_assert(att_sha_valid("fb2ebe60a17aadc5025f0f67b0de959c102a7fd0abb0729c5fb78f93b5cfcd45"));
    ck_assert(!att_sha_valid("FB2EBE60A17AADC5025F0F67B0DE959C102A7FD0ABB0729C5FB78F93B5CFCD45"));
    ck_assert(!att_sha_valid("../../etc/passwd"));
    ck_assert(!att_sha_valid("fb2e"));
    ck_assert(!att_sha_valid(""));
}
END_TEST

Suite *suite_core_attach(void)
{
    Suite *s = suite_create("core/attach");
    TCase *tc = tcase_create("attach");

    tcase_add_test(tc, stages_round_trip);
    tcase_add_test(tc, stages_follow_the_loop);
    tcase_add_test(tc, hashes_are_checked_before_paths);
    suite_add_tcase(s, tc);
    return s;
}
