/*
 * store_sqlite.c - the SQLite backend's ops table and its open/close.
 * Connections, migrations and the writer live in sq_db.c; the operations in
 * store_sqlite_org.c (units, categories) and store_sqlite_auth.c (accounts).
 */
#include "gz.h"

#include "store/sq.h"
#include "store/store_sqlite.h"

static void sqo_close(struct store *s)
{
    sq_close((struct sqstore *)s);
}

static int sqo_schema_version(struct store *s)
{
    return ((struct sqstore *)s)->version;
}

static const struct store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sqo_close,
    .schema_version = sqo_schema_version,
    .search_behind = sq_index_behind,
    .unit_create = sqo_unit_create,
    .unit_update = sqo_unit_update,
    .unit_get = sqo_unit_get,
    .unit_list = sqo_unit_list,
    .unit_chain = sqo_unit_chain,
    .unit_import = sqo_unit_import,
    .category_put = sqo_category_put,
    .category_get = sqo_category_get,
    .category_list = sqo_category_list,
    .category_import = sqo_category_import,
    .account_create = sqo_account_create,
    .account_update = sqo_account_update,
    .account_get = sqo_account_get,
    .account_list = sqo_account_list,
    .membership_create = sqo_membership_create,
    .membership_delete = sqo_membership_delete,
    .membership_get = sqo_membership_get,
    .membership_list = sqo_membership_list,
    .token_create = sqo_token_create,
    .token_delete = sqo_token_delete,
    .token_purge = sqo_token_purge,
    .principal_load = sqo_principal_load,
    .recent_cases = sqo_recent_cases,
    .model_put = sqo_model_put,
    .model_latest = sqo_model_latest,
    .training_cases = sqo_training_cases,
    .route_put = sqo_route_put,
    .case_add_reporter = sqo_case_add_reporter,
    .route_import = sqo_route_import,
    .route_delete = sqo_route_delete,
    .route_get = sqo_route_get,
    .route_list = sqo_route_list,
    .setting_get = sqo_setting_get,
    .setting_set = sqo_setting_set,
    .calendar_import = sqo_calendar_import,
    .calendar_load = sqo_calendar_load,
    .calendar_set = sqo_calendar_set,
    .case_create = sqo_case_create,
    .case_get = sqo_case_get,
    .case_update = sqo_case_update,
    .case_events = sqo_case_events,
    .events_walk = sqo_events_walk,
    .case_units = sqo_case_units,
    .case_due = sqo_case_due,
    .case_list = sqo_case_list,
    .client_create = sqo_client_create,
    .client_update = sqo_client_update,
    .client_rekey = sqo_client_rekey,
    .client_revoke = sqo_client_revoke,
    .client_get = sqo_client_get,
    .client_list = sqo_client_list,
    .o311_extra_put = sqo_o311_extra_put,
    .o311_extra_get = sqo_o311_extra_get,
    .o311_token = sqo_o311_token,
    .o311_requests = sqo_o311_requests,
    .category_attrs_get = sqo_category_attrs_get,
    .category_attrs_set = sqo_category_attrs_set,
    .category_attrs_codes = sqo_category_attrs_codes,
    .kpi_sync = sqo_kpi_sync,
    .kpi_units = sqo_kpi_units,
    .kpi_days = sqo_kpi_days,
    .kpi_hist = sqo_kpi_hist,
    .kpi_roles = sqo_kpi_roles,
    .kpi_each = sqo_kpi_each,
    .kpi_flag = sqo_kpi_flag,
    .kpi_flags = sqo_kpi_flags,
    .hot_cases = sqo_hot_cases,
    .top_categories = sqo_top_categories,
    .hotspot_case = sqo_hotspot_case,
    .kb_search = sqo_kb_search,
    .kb_put = sqo_kb_put,
    .kb_get = sqo_kb_get,
    .kb_delete = sqo_kb_delete,
    .kb_import = sqo_kb_import,
    .attachment_add = sqo_attachment_add,
    .attachment_get = sqo_attachment_get,
    .attachment_list = sqo_attachment_list,
    .client_access_add = sqo_client_access_add,
    .client_access_list = sqo_client_access_list,
    .whistle_due = sqo_whistle_due,
    .unit_profile_get = sqo_unit_profile_get,
    .unit_profile_put = sqo_unit_profile_put,
    .claims_open = sqo_claims_open,
    .account_claims = sqo_account_claims,
    .webhook_put = sqo_webhook_put,
    .webhook_delete = sqo_webhook_delete,
    .webhook_get = sqo_webhook_get,
    .webhook_list = sqo_webhook_list,
    .outbox_list = sqo_outbox_list,
    .outbox_retry = sqo_outbox_retry,
    .outbox_due = sqo_outbox_due,
    .outbox_finish = sqo_outbox_finish,
    .outbox_next = sqo_outbox_next,
    .on_commit = sqo_on_commit,
    .off_commit = sqo_off_commit,
    .events_after = sqo_events_after,
    .events_head = sqo_events_head,
};

struct store *store_sqlite_open(const char *path, const struct store_options *opt,
                                struct gz_err *err)
{
    struct sqstore *s = sq_open(path, opt, err);

    if (!s)
        return NULL;
    s->base.ops = &sqlite_ops;
    return &s->base;
}

int store_sqlite_latest(void)
{
    return sq_migrations_count;
}
