/*
 * store_sqlite.h - the SQLite backend's operations, shared between its files
 * and gathered into one ops table in store_sqlite.c.
 */
#ifndef GZ_STORE_SQLITE_H
#define GZ_STORE_SQLITE_H

#include "store/store_impl.h"

int sqo_unit_create(struct store *, struct unit *, const char *, struct gz_err *);
int sqo_unit_update(struct store *, struct unit *, const char *, struct gz_err *);
int sqo_unit_get(struct store *, int64_t, const char *, struct unit *, char *, struct gz_err *);
int sqo_unit_list(struct store *, const struct unit_filter *, const struct store_page *,
                  store_unit_fn, void *, struct gz_err *);
int sqo_unit_chain(struct store *, int64_t, int64_t *, size_t, size_t *, struct gz_err *);
int sqo_unit_import(struct store *, struct unit *, char (*)[GZ_MAX_CODE + 1], size_t,
                    store_progress_fn, void *, size_t *, struct gz_err *);
int sqo_category_put(struct store *, const struct category *, bool, struct gz_err *);
int sqo_category_get(struct store *, const char *, struct category *, struct gz_err *);
int sqo_category_list(struct store *, const char *, int, const struct store_page *,
                      store_category_fn, void *, struct gz_err *);
int sqo_category_import(struct store *, struct category *, size_t, store_progress_fn, void *,
                        size_t *, struct gz_err *);

int sqo_account_create(struct store *, struct account *, const char *, struct gz_err *);
int sqo_account_update(struct store *, const struct account *, const char *, struct gz_err *);
int sqo_account_get(struct store *, int64_t, const char *, struct account *, char *,
                    struct gz_err *);
int sqo_account_list(struct store *, const struct store_page *, store_account_fn, void *,
                     struct gz_err *);
int sqo_membership_create(struct store *, struct membership *, struct gz_err *);
int sqo_membership_delete(struct store *, int64_t, struct gz_err *);
int sqo_membership_get(struct store *, int64_t, struct membership *, struct gz_err *);
int sqo_membership_list(struct store *, int64_t, int64_t, store_membership_fn, void *,
                        struct gz_err *);
int sqo_token_create(struct store *, const char *, int64_t, int64_t, struct gz_err *);
int sqo_token_delete(struct store *, const char *, struct gz_err *);
int sqo_token_purge(struct store *, int64_t, struct gz_err *);
int sqo_principal_load(struct store *, const char *, int64_t, struct principal *, struct gz_err *);
int sqo_setting_get(struct store *s, const char *key, char *out, size_t size, struct gz_err *err);
int sqo_setting_set(struct store *s, const char *key, const char *value, struct gz_err *err);
int sqo_calendar_import(struct store *s, const char *csv, size_t len, size_t *count,
                        struct gz_err *err);
int sqo_calendar_load(struct store *s, struct calendar *cal, struct gz_err *err);
int sqo_calendar_set(struct store *s, const char *day, enum cal_day_kind kind, struct gz_err *err);
int sqo_case_create(struct store *s, struct case_rec *c, struct store_intake *in,
                    struct gz_err *err);
int sqo_case_get(struct store *s, const char *number, int64_t id, struct case_rec *out,
                 struct gz_err *err);
int sqo_case_update(struct store *s, const char *number, const char *other_number, store_case_fn fn,
                    void *ctx, struct case_rec *out, struct gz_err *err);
int sqo_case_events(struct store *s, int64_t case_id, store_event_fn fn, void *ctx,
                    struct gz_err *err);
int sqo_events_walk(struct store *s, store_event_fn fn, void *ctx, struct gz_err *err);
int sqo_case_units(struct store *s, int64_t case_id, int64_t *units, size_t max, size_t *n,
                   struct gz_err *err);
int sqo_case_due(struct store *s, int64_t now, store_number_fn fn, void *ctx, struct gz_err *err);
int sqo_case_list(struct store *s, const struct case_filter *f, const struct case_cursor *after,
                  int limit, store_case_list_fn fn, void *ctx, struct gz_err *err);
int sqo_route_put(struct store *s, struct route_rule *r, bool create, struct gz_err *err);
int sqo_case_add_reporter(struct store *s, const char *number, const struct case_reporter *r,
                          struct event *ev, struct case_rec *out, struct gz_err *err);
int sqo_route_import(struct store *s, struct route_rule *rules, size_t n, size_t *bad,
                     struct gz_err *err);
int sqo_route_delete(struct store *s, int64_t id, struct gz_err *err);
int sqo_route_get(struct store *s, int64_t id, struct route_rule *out, struct gz_err *err);
int sqo_route_list(struct store *s, bool active_only, store_route_fn fn, void *ctx,
                   struct gz_err *err);
int sqo_model_put(struct store *s, const char *kind, const void *bytes, size_t len, int64_t docs,
                  const char *note, int64_t *id, struct gz_err *err);
int sqo_model_latest(struct store *s, const char *kind, void **bytes, size_t *len, int64_t *id,
                     struct gz_err *err);
int sqo_training_cases(struct store *s, store_training_fn fn, void *ctx, struct gz_err *err);
int sqo_recent_cases(struct store *s, int64_t since, store_recent_fn fn, void *ctx,
                     struct gz_err *err);

/* Open311 GeoReport v2 (store_sqlite_clients.c, store_sqlite_open311.c) */
int sqo_client_create(struct store *s, struct api_client *c, const char *key_hash,
                      struct gz_err *err);
int sqo_client_update(struct store *s, const struct api_client *c, struct gz_err *err);
int sqo_client_rekey(struct store *s, int64_t id, const char *key_hash, struct gz_err *err);
int sqo_client_revoke(struct store *s, int64_t id, int64_t now, struct gz_err *err);
int sqo_client_get(struct store *s, int64_t id, const char *key_hash, struct api_client *out,
                   struct gz_err *err);
int sqo_client_list(struct store *s, store_client_fn fn, void *ctx, struct gz_err *err);
int sqo_o311_extra_put(struct store *s, const struct o311_extra *x, struct gz_err *err);
int sqo_o311_extra_get(struct store *s, int64_t case_id, struct o311_extra_rec *out,
                       struct gz_err *err);
int sqo_o311_token(struct store *s, const char *token, char *number, size_t size,
                   struct gz_err *err);
int sqo_o311_requests(struct store *s, const struct o311_filter *f, store_o311_fn fn, void *ctx,
                      struct gz_err *err);
int sqo_category_attrs_get(struct store *s, const char *code, char **json, struct gz_err *err);
int sqo_category_attrs_set(struct store *s, const char *code, const char *json, struct gz_err *err);
int sqo_category_attrs_codes(struct store *s, store_code_fn fn, void *ctx, struct gz_err *err);
int sqo_kpi_sync(struct store *s, const char *zone, const struct kpi_limits *lim, bool rebuild,
                 struct gz_err *err);
int sqo_kpi_units(struct store *s, int basis, int64_t from, int64_t to, store_kpi_unit_fn fn,
                  void *ctx, struct gz_err *err);
int sqo_kpi_days(struct store *s, int64_t unit_id, int basis, int64_t from, int64_t to,
                 store_kpi_day_fn fn, void *ctx, struct gz_err *err);
int sqo_kpi_hist(struct store *s, int64_t unit_id, int basis, int64_t from, int64_t to,
                 store_kpi_hist_fn fn, void *ctx, struct gz_err *err);
int sqo_kpi_roles(struct store *s, int64_t from, int64_t to, store_kpi_role_fn fn, void *ctx,
                  struct gz_err *err);
int sqo_kpi_each(struct store *s, kpi_counts_fn counts, kpi_hist_fn hist, kpi_role_fn roles,
                 void *ctx, struct gz_err *err);
int sqo_kpi_flag(struct store *s, struct kpi_flag *f, struct event *ev, bool *created,
                 struct gz_err *err);
int sqo_kpi_flags(struct store *s, const char *period, store_kpi_flag_fn fn, void *ctx,
                  struct gz_err *err);
int sqo_hot_cases(struct store *s, int64_t from, int64_t to, const char *prefix, store_hot_fn fn,
                  void *ctx, struct gz_err *err);
int sqo_top_categories(struct store *s, int level, int depth, int64_t from, int64_t to,
                       store_top_fn fn, void *ctx, struct gz_err *err);
int sqo_hotspot_case(struct store *s, const char *hotspot, int64_t *case_id, bool put,
                     struct gz_err *err);
/* attachments (store_sqlite_attach.c) */
int sqo_attachment_add(struct store *s, const char *number, struct attachment *a,
                       store_attach_fn fn, void *ctx, struct gz_err *err);
int sqo_attachment_get(struct store *s, int64_t id, struct attachment *out, struct gz_err *err);
int sqo_attachment_list(struct store *s, int64_t case_id, store_attachment_fn fn, void *ctx,
                        struct gz_err *err);

/* the knowledge base (store_sqlite_kb.c) */
int sqo_kb_search(struct store *s, const struct kb_filter *f, int offset, int limit, store_kb_fn fn,
                  void *ctx, struct gz_err *err);
int sqo_kb_put(struct store *s, struct kb_entry *e, bool create, int expect_version,
               struct gz_err *err);
int sqo_kb_get(struct store *s, int64_t id, struct kb_entry *out, struct gz_err *err);
int sqo_kb_delete(struct store *s, int64_t id, struct gz_err *err);
int sqo_kb_import(struct store *s, struct kb_entry *entries, size_t n, size_t *bad,
                  struct gz_err *err);

/* API client access records (store_sqlite_clients.c) */
int sqo_client_access_add(struct store *s, struct client_access *a, struct gz_err *err);
int sqo_client_access_list(struct store *s, int64_t client_id, int64_t before, int limit,
                           store_access_fn fn, void *ctx, struct gz_err *err);

int sqo_whistle_due(struct store *s, int64_t now, store_number_fn fn, void *ctx,
                    struct gz_err *err);
int sqo_unit_profile_get(struct store *s, int64_t unit_id, struct claim_profile *out,
                         struct gz_err *err);
int sqo_unit_profile_put(struct store *s, int64_t unit_id, const struct claim_profile *p,
                         struct gz_err *err);
int sqo_claims_open(struct store *s, const struct claim_query *q, store_claim_fn fn, void *ctx,
                    struct gz_err *err);
int sqo_account_claims(struct store *s, int64_t account_id, struct claim_stats *out,
                       store_claim_item_fn fn, void *ctx, struct gz_err *err);

int sqo_webhook_put(struct store *s, struct webhook *w, bool create, struct gz_err *err);
int sqo_webhook_delete(struct store *s, int64_t id, struct gz_err *err);
int sqo_webhook_get(struct store *s, int64_t id, struct webhook *out, struct gz_err *err);
int sqo_webhook_list(struct store *s, const struct store_page *pg, store_webhook_fn fn, void *ctx,
                     struct gz_err *err);
int sqo_outbox_list(struct store *s, int64_t webhook_id, enum outbox_state state,
                    const struct store_page *pg, store_outbox_fn fn, void *ctx, struct gz_err *err);
int sqo_outbox_retry(struct store *s, int64_t webhook_id, int64_t id, int64_t now_ms,
                     struct gz_err *err);
int sqo_outbox_due(struct store *s, int64_t now_ms, const int64_t *skip, size_t n_skip, size_t max,
                   store_outbox_item_fn fn, void *ctx, struct gz_err *err);
int sqo_outbox_finish(struct store *s, const struct outbox_result *r, size_t n, struct gz_err *err);
int sqo_outbox_next(struct store *s, int64_t *next_ms, struct gz_err *err);
int sqo_on_commit(struct store *s, store_commit_fn fn, void *ctx, struct gz_err *err);
void sqo_off_commit(struct store *s, store_commit_fn fn, void *ctx);
int sqo_events_after(struct store *s, int64_t after, int limit, store_stream_fn fn, void *ctx,
                     struct gz_err *err);
int sqo_events_head(struct store *s, int64_t *id, struct gz_err *err);

#endif
