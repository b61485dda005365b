/*
 * store_impl.h - what a storage backend provides: an ops table that store.c
 * dispatches to. Backends embed `struct store` as their first member.
 */
#ifndef GZ_STORE_IMPL_H
#define GZ_STORE_IMPL_H

#include "store/store.h"

struct store_ops {
    const char *name;
    void (*close)(struct store *s);
    int (*schema_version)(struct store *s);
    int64_t (*search_behind)(struct store *s);

    int (*unit_create)(struct store *, struct unit *, const char *, struct gz_err *);
    int (*unit_update)(struct store *, struct unit *, const char *, struct gz_err *);
    int (*unit_get)(struct store *, int64_t, const char *, struct unit *, char *, struct gz_err *);
    int (*unit_list)(struct store *, const struct unit_filter *, const struct store_page *,
                     store_unit_fn, void *, struct gz_err *);
    int (*unit_chain)(struct store *, int64_t, int64_t *, size_t, size_t *, struct gz_err *);
    int (*unit_import)(struct store *, struct unit *, char (*)[GZ_MAX_CODE + 1], size_t,
                       store_progress_fn, void *, size_t *, struct gz_err *);

    int (*category_put)(struct store *, const struct category *, bool create, struct gz_err *);
    int (*category_get)(struct store *, const char *, struct category *, struct gz_err *);
    int (*category_list)(struct store *, const char *, int, const struct store_page *,
                         store_category_fn, void *, struct gz_err *);
    int (*category_import)(struct store *, struct category *, size_t, store_progress_fn, void *,
                           size_t *, struct gz_err *);

    int (*account_create)(struct store *, struct account *, const char *, struct gz_err *);
    int (*account_update)(struct store *, const struct account *, const char *, struct gz_err *);
    int (*account_get)(struct store *, int64_t, const char *, struct account *, char *,
                       struct gz_err *);
    int (*account_list)(struct store *, const struct store_page *, store_account_fn, void *,
                        struct gz_err *);
    int (*membership_create)(struct store *, struct membership *, struct gz_err *);
    int (*membership_delete)(struct store *, int64_t, struct gz_err *);
    int (*membership_get)(struct store *, int64_t, struct membership *, struct gz_err *);
    int (*membership_list)(struct store *, int64_t, int64_t, store_membership_fn, void *,
                           struct gz_err *);
    int (*token_create)(struct store *, const char *, int64_t, int64_t, struct gz_err *);
    int (*token_delete)(struct store *, const char *, struct gz_err *);
    int (*token_purge)(struct store *, int64_t, struct gz_err *);
    int (*principal_load)(struct store *, const char *, int64_t, struct principal *,
                          struct gz_err *);
    int (*setting_get)(struct store *s, const char *key, char *out, size_t size,
                       struct gz_err *err);
    int (*setting_set)(struct store *s, const char *key, const char *value, struct gz_err *err);
    int (*calendar_import)(struct store *s, const char *csv, size_t len, size_t *count,
                           struct gz_err *err);
    int (*calendar_load)(struct store *s, struct calendar *cal, struct gz_err *err);
    int (*calendar_set)(struct store *s, const char *day, enum cal_day_kind kind,
                        struct gz_err *err);
    int (*case_create)(struct store *s, struct case_rec *c, struct store_intake *in,
                       struct gz_err *err);
    int (*case_get)(struct store *s, const char *number, int64_t id, struct case_rec *out,
                    struct gz_err *err);
    int (*case_update)(struct store *s, const char *number, const char *other_number,
                       store_case_fn fn, void *ctx, struct case_rec *out, struct gz_err *err);
    int (*case_events)(struct store *s, int64_t case_id, store_event_fn fn, void *ctx,
                       struct gz_err *err);
    int (*events_walk)(struct store *s, store_event_fn fn, void *ctx, struct gz_err *err);
    int (*case_units)(struct store *s, int64_t case_id, int64_t *units, size_t max, size_t *n,
                      struct gz_err *err);
    int (*case_due)(struct store *s, int64_t now, store_number_fn fn, void *ctx,
                    struct gz_err *err);
    int (*case_list)(struct store *s, const struct case_filter *f, const struct case_cursor *after,
                     int limit, store_case_list_fn fn, void *ctx, struct gz_err *err);
    int (*route_put)(struct store *s, struct route_rule *r, bool create, struct gz_err *err);
    int (*case_add_reporter)(struct store *s, const char *number, const struct case_reporter *r,
                             struct event *ev, struct case_rec *out, struct gz_err *err);
    int (*route_import)(struct store *s, struct route_rule *rules, size_t n, size_t *bad,
                        struct gz_err *err);
    int (*route_delete)(struct store *s, int64_t id, struct gz_err *err);
    int (*route_get)(struct store *s, int64_t id, struct route_rule *out, struct gz_err *err);
    int (*route_list)(struct store *s, bool active_only, store_route_fn fn, void *ctx,
                      struct gz_err *err);
    int (*model_put)(struct store *s, const char *kind, const void *bytes, size_t len, int64_t docs,
                     const char *note, int64_t *id, struct gz_err *err);
    int (*model_latest)(struct store *s, const char *kind, void **bytes, size_t *len, int64_t *id,
                        struct gz_err *err);
    int (*training_cases)(struct store *s, store_training_fn fn, void *ctx, struct gz_err *err);
    int (*recent_cases)(struct store *s, int64_t since, store_recent_fn fn, void *ctx,
                        struct gz_err *err);
    /* Open311 GeoReport v2 */
    int (*client_create)(struct store *s, struct api_client *c, const char *key_hash,
                         struct gz_err *err);
    int (*client_update)(struct store *s, const struct api_client *c, struct gz_err *err);
    int (*client_rekey)(struct store *s, int64_t id, const char *key_hash, struct gz_err *err);
    int (*client_revoke)(struct store *s, int64_t id, int64_t now, struct gz_err *err);
    int (*client_get)(struct store *s, int64_t id, const char *key_hash, struct api_client *out,
                      struct gz_err *err);
    int (*client_list)(struct store *s, store_client_fn fn, void *ctx, struct gz_err *err);
    int (*o311_extra_put)(struct store *s, const struct o311_extra *x, struct gz_err *err);
    int (*o311_extra_get)(struct store *s, int64_t case_id, struct o311_extra_rec *out,
                          struct gz_err *err);
    int (*o311_token)(struct store *s, const char *token, char *number, size_t size,
                      struct gz_err *err);
    int (*o311_requests)(struct store *s, const struct o311_filter *f, store_o311_fn fn, void *ctx,
                         struct gz_err *err);
    int (*category_attrs_get)(struct store *s, const char *code, char **json, struct gz_err *err);
    int (*category_attrs_set)(struct store *s, const char *code, const char *json,
                              struct gz_err *err);
    int (*category_attrs_codes)(struct store *s, store_code_fn fn, void *ctx, struct gz_err *err);
    int (*kpi_sync)(struct store *s, const char *zone, const struct kpi_limits *lim, bool rebuild,
                    struct gz_err *err);
    int (*kpi_units)(struct store *s, int basis, int64_t from, int64_t to, store_kpi_unit_fn fn,
                     void *ctx, struct gz_err *err);
    int (*kpi_days)(struct store *s, int64_t unit_id, int basis, int64_t from, int64_t to,
                    store_kpi_day_fn fn, void *ctx, struct gz_err *err);
    int (*kpi_hist)(struct store *s, int64_t unit_id, int basis, int64_t from, int64_t to,
                    store_kpi_hist_fn fn, void *ctx, struct gz_err *err);
    int (*kpi_roles)(struct store *s, int64_t from, int64_t to, store_kpi_role_fn fn, void *ctx,
                     struct gz_err *err);
    int (*kpi_each)(struct store *s, kpi_counts_fn counts, kpi_hist_fn hist, kpi_role_fn roles,
                    void *ctx, struct gz_err *err);
    int (*kpi_flag)(struct store *s, struct kpi_flag *f, struct event *ev, bool *created,
                    struct gz_err *err);
    int (*kpi_flags)(struct store *s, const char *period, store_kpi_flag_fn fn, void *ctx,
                     struct gz_err *err);
    int (*hot_cases)(struct store *s, int64_t from, int64_t to, const char *prefix, store_hot_fn fn,
                     void *ctx, struct gz_err *err);
    int (*top_categories)(struct store *s, int level, int depth, int64_t from, int64_t to,
                          store_top_fn fn, void *ctx, struct gz_err *err);
    int (*hotspot_case)(struct store *s, const char *hotspot, int64_t *case_id, bool put,
                        struct gz_err *err);
    /* the knowledge base */
    int (*kb_search)(struct store *s, const struct kb_filter *f, int offset, int limit,
                     store_kb_fn fn, void *ctx, struct gz_err *err);
    int (*kb_put)(struct store *s, struct kb_entry *e, bool create, int expect_version,
                  struct gz_err *err);
    int (*kb_get)(struct store *s, int64_t id, struct kb_entry *out, struct gz_err *err);
    int (*kb_delete)(struct store *s, int64_t id, struct gz_err *err);
    int (*kb_import)(struct store *s, struct kb_entry *entries, size_t n, size_t *bad,
                     struct gz_err *err);
    /* attachments */
    int (*attachment_add)(struct store *s, const char *number, struct attachment *a,
                          store_attach_fn fn, void *ctx, struct gz_err *err);
    int (*attachment_get)(struct store *s, int64_t id, struct attachment *out, struct gz_err *err);
    int (*attachment_list)(struct store *s, int64_t case_id, store_attachment_fn fn, void *ctx,
                           struct gz_err *err);
    int (*client_access_add)(struct store *s, struct client_access *a, struct gz_err *err);
    int (*client_access_list)(struct store *s, int64_t client_id, int64_t before, int limit,
                              store_access_fn fn, void *ctx, struct gz_err *err);
    int (*whistle_due)(struct store *s, int64_t now, store_number_fn fn, void *ctx,
                       struct gz_err *err);
    int (*unit_profile_get)(struct store *s, int64_t unit_id, struct claim_profile *out,
                            struct gz_err *err);
    int (*unit_profile_put)(struct store *s, int64_t unit_id, const struct claim_profile *p,
                            struct gz_err *err);
    int (*claims_open)(struct store *s, const struct claim_query *q, store_claim_fn fn, void *ctx,
                       struct gz_err *err);
    int (*account_claims)(struct store *s, int64_t account_id, struct claim_stats *out,
                          store_claim_item_fn fn, void *ctx, struct gz_err *err);
    int (*webhook_put)(struct store *s, struct webhook *w, bool create, struct gz_err *err);
    int (*webhook_delete)(struct store *s, int64_t id, struct gz_err *err);
    int (*webhook_get)(struct store *s, int64_t id, struct webhook *out, struct gz_err *err);
    int (*webhook_list)(struct store *s, const struct store_page *pg, store_webhook_fn fn,
                        void *ctx, struct gz_err *err);
    int (*outbox_list)(struct store *s, int64_t webhook_id, enum outbox_state state,
                       const struct store_page *pg, store_outbox_fn fn, void *ctx,
                       struct gz_err *err);
    int (*outbox_retry)(struct store *s, int64_t webhook_id, int64_t id, int64_t now_ms,
                        struct gz_err *err);
    int (*outbox_due)(struct store *s, int64_t now_ms, const int64_t *skip, size_t n_skip,
                      size_t max, store_outbox_item_fn fn, void *ctx, struct gz_err *err);
    int (*outbox_finish)(struct store *s, const struct outbox_result *r, size_t n,
                         struct gz_err *err);
    int (*outbox_next)(struct store *s, int64_t *next_ms, struct gz_err *err);
    int (*on_commit)(struct store *s, store_commit_fn fn, void *ctx, struct gz_err *err);
    void (*off_commit)(struct store *s, store_commit_fn fn, void *ctx);
    int (*events_after)(struct store *s, int64_t after, int limit, store_stream_fn fn, void *ctx,
                        struct gz_err *err);
    int (*events_head)(struct store *s, int64_t *id, struct gz_err *err);
};

struct store {
    const struct store_ops *ops;
};

/* Backends. */
struct store *store_sqlite_open(const char *path, const struct store_options *opt,
                                struct gz_err *err);
int store_sqlite_latest(void);

#endif
