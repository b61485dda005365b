/*
 * t.h - shared declarations of the unit tests (Check). Each file under
 * tests/unit mirrors a file under src and exports one suite.
 */
#ifndef GZ_T_H
#define GZ_T_H

#include <check.h>

Suite *suite_util_text(void);
Suite *suite_util_buf(void);
Suite *suite_util_strset(void);
Suite *suite_util_timeutil(void);
Suite *suite_util_fiber(void);
Suite *suite_util_sha256(void);
Suite *suite_util_json(void);
Suite *suite_util_vec(void);
Suite *suite_core_unit(void);
Suite *suite_core_taxonomy(void);
Suite *suite_core_account(void);
Suite *suite_core_throttle(void);
Suite *suite_core_calendar(void);
Suite *suite_core_audit(void);
Suite *suite_core_workflow(void);
Suite *suite_core_route(void);
Suite *suite_core_dedup(void);
Suite *suite_core_geo(void);
Suite *suite_core_classify(void);
Suite *suite_http_router(void);
Suite *suite_store_migrate(void);
Suite *suite_store_org(void);
Suite *suite_store_auth(void);
Suite *suite_store_cases(void);
Suite *suite_store_case_query(void);
Suite *suite_io_import(void);
Suite *suite_core_period(void);
Suite *suite_core_kpi(void);
Suite *suite_core_hexbin(void);
Suite *suite_core_hotspot(void);
Suite *suite_store_kpi(void);
Suite *suite_io_boston311(void);
Suite *suite_svc_rulebook(void);
Suite *suite_io_form(void);
Suite *suite_io_langpref(void);
Suite *suite_core_w3cdate(void);
Suite *suite_core_attrdef(void);
Suite *suite_store_open311(void);
Suite *suite_http_static(void);
Suite *suite_core_kb(void);
Suite *suite_store_kb(void);
Suite *suite_io_kbfile(void);
Suite *suite_io_image(void);
Suite *suite_core_attach(void);
Suite *suite_svc_blobs(void);
Suite *suite_store_attach(void);
Suite *suite_core_scope(void);
Suite *suite_core_joint(void);
Suite *suite_store_joint(void);
Suite *suite_core_webhook(void);
Suite *suite_store_outbox(void);
Suite *suite_store_sq_index(void);

/* A fresh temporary directory for this test (removed by the OS later); path[256]. */
void t_tmpdir(char *path, size_t size);

#endif
