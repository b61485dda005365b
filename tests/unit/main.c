/*
 * main.c - runs every unit suite and prints "unit: N passed, N failed".
 * Check forks each test, so a crash fails one test, not the run.
 */
#include "gz.h"

#include <stdlib.h>

#include "core/auth.h"
#include "t.h"

void t_tmpdir(char *path, size_t size)
{
    const char *base = getenv("TMPDIR");

    snprintf(path, size, "%s/gz-unit-XXXXXX", base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(path));
}

int main(void)
{
    Suite *(*const suites[])(void) = {
        suite_util_text,     suite_util_buf,       suite_core_unit,     suite_core_taxonomy,
        suite_core_account,  suite_core_throttle,  suite_core_calendar, suite_core_audit,
        suite_core_workflow, suite_core_route,     suite_http_router,   suite_store_migrate,
        suite_store_org,     suite_store_auth,     suite_store_cases,   suite_store_case_query,
        suite_io_import,     suite_io_boston311,   suite_svc_rulebook,  suite_core_dedup,
        suite_core_geo,      suite_core_classify,  suite_io_form,       suite_io_langpref,
        suite_core_w3cdate,  suite_core_attrdef,   suite_store_open311, suite_core_period,
        suite_core_kpi,      suite_core_hexbin,    suite_core_hotspot,  suite_store_kpi,
        suite_http_static,   suite_core_kb,        suite_store_kb,      suite_io_kbfile,
        suite_io_image,      suite_core_attach,    suite_svc_blobs,     suite_store_attach,
        suite_core_scope,    suite_core_joint,     suite_store_joint,   suite_core_webhook,
        suite_store_outbox,  suite_store_sq_index, suite_util_strset,   suite_util_timeutil,
        suite_util_vec,      suite_util_fiber,     suite_util_sha256,   suite_util_json,
    };
    SRunner *sr = srunner_create(suites[0]());
    int run, failed;

    if (auth_global_init())
        return 1;
    for (size_t i = 1; i < GZ_ARRAY_LEN(suites); i++)
        srunner_add_suite(sr, suites[i]());
    srunner_run_all(sr, CK_NORMAL);
    run = srunner_ntests_run(sr);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    printf("unit: %d passed, %d failed\n", run - failed, failed);
    return failed ? 1 : 0;
}
