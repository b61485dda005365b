/*
 * store.c - picks a backend from the URL and forwards each call through the
 * backend's ops table (git's refs backends work the same way).
 */
#include "gz.h"

#include "store/store_impl.h"

struct store *store_open(const char *url, const struct store_options *opt, struct gz_err *err)
{
    static const struct store_options defaults = {0};

    if (!opt)
        opt = &defaults;
    if (strncmp(url, "sqlite:", 7) == 0)
        return store_sqlite_open(url + 7, opt, err);
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
        gz_fail(err, GZ_EINVAL, "db", "the PostgreSQL backend is not built in yet");
        return NULL;
    }
    return store_sqlite_open(url, opt, err);
}

void store_close(struct store *s)
{
    if (s)
        s->ops->close(s);
}

int store_schema_version(struct store *s)
{
    return s->ops->schema_version(s);
}
int64_t store_search_behind(struct store *s)
{
    return s->ops->search_behind(s);
}

int store_schema_latest(void)
{
    return store_sqlite_latest();
}

int store_unit_create(struct store *s, struct unit *u, const char *pc, struct gz_err *err)
{
    return s->ops->unit_create(s, u, pc, err);
}

int store_unit_update(struct store *s, struct unit *u, const char *pc, struct gz_err *err)
{
    return s->ops->unit_update(s, u, pc, err);
}

int store_unit_get(struct store *s, int64_t id, struct unit *out, char *pc, struct gz_err *err)
{
    return s->ops->unit_get(s, id, NULL, out, pc, err);
}

int store_unit_get_by_code(struct store *s, const char *code, struct unit *out, char *pc,
                           struct gz_err *err)
{
    return s->ops->unit_get(s, 0, code, out, pc, err);
}

int store_unit_list(struct store *s, const struct unit_filter *f, const struct store_page *pg,
                    store_unit_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->unit_list(s, f, pg, fn, ctx, err);
}

int store_unit_chain(struct store *s, int64_t id, int64_t *chain, size_t max, size_t *n,
                     struct gz_err *err)
{
    return s->ops->unit_chain(s, id, chain, max, n, err);
}

int store_unit_import(struct store *s, struct unit *units, char (*pcs)[GZ_MAX_CODE + 1], size_t n,
                      store_progress_fn progress, void *pctx, size_t *bad, struct gz_err *err)
{
    return s->ops->unit_import(s, units, pcs, n, progress, pctx, bad, err);
}

int store_category_create(struct store *s, const struct category *c, struct gz_err *err)
{
    return s->ops->category_put(s, c, true, err);
}

int store_category_update(struct store *s, const struct category *c, struct gz_err *err)
{
    return s->ops->category_put(s, c, false, err);
}

int store_category_get(struct store *s, const char *code, struct category *out, struct gz_err *err)
{
    return s->ops->category_get(s, code, out, err);
}

int store_category_list(struct store *s, const char *prefix, int active,
                        const struct store_page *pg, store_category_fn fn, void *ctx,
                        struct gz_err *err)
{
    return s->ops->category_list(s, prefix, active, pg, fn, ctx, err);
}

int store_category_import(struct store *s, struct category *cats, size_t n,
                          store_progress_fn progress, void *pctx, size_t *bad, struct gz_err *err)
{
    return s->ops->category_import(s, cats, n, progress, pctx, bad, err);
}

int store_account_create(struct store *s, struct account *a, const char *pw, struct gz_err *err)
{
    return s->ops->account_create(s, a, pw, err);
}

int store_account_update(struct store *s, const struct account *a, const char *pw,
                         struct gz_err *err)
{
    return s->ops->account_update(s, a, pw, err);
}

int store_account_get(struct store *s, int64_t id, struct account *out, struct gz_err *err)
{
    return s->ops->account_get(s, id, NULL, out, NULL, err);
}

int store_account_get_login(struct store *s, const char *login, struct account *out, char *pw,
                            struct gz_err *err)
{
    return s->ops->account_get(s, 0, login, out, pw, err);
}

int store_account_list(struct store *s, const struct store_page *pg, store_account_fn fn, void *ctx,
                       struct gz_err *err)
{
    return s->ops->account_list(s, pg, fn, ctx, err);
}

int store_membership_create(struct store *s, struct membership *m, struct gz_err *err)
{
    return s->ops->membership_create(s, m, err);
}

int store_membership_delete(struct store *s, int64_t id, struct gz_err *err)
{
    return s->ops->membership_delete(s, id, err);
}

int store_membership_get(struct store *s, int64_t id, struct membership *out, struct gz_err *err)
{
    return s->ops->membership_get(s, id, out, err);
}

int store_membership_list(struct store *s, int64_t account_id, int64_t unit_id,
                          store_membership_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->membership_list(s, account_id, unit_id, fn, ctx, err);
}

int store_token_create(struct store *s, const char *hash, int64_t account_id, int64_t expires_at,
                       struct gz_err *err)
{
    return s->ops->token_create(s, hash, account_id, expires_at, err);
}

int store_token_delete(struct store *s, const char *hash, struct gz_err *err)
{
    return s->ops->token_delete(s, hash, err);
}

int store_token_purge(struct store *s, int64_t now, struct gz_err *err)
{
    return s->ops->token_purge(s, now, err);
}

int store_principal_load(struct store *s, const char *hash, int64_t now, struct principal *out,
                         struct gz_err *err)
{
    return s->ops->principal_load(s, hash, now, out, err);
}

int store_setting_get(struct store *s, const char *key, char *out, size_t size, struct gz_err *err)
{
    return s->ops->setting_get(s, key, out, size, err);
}

int store_setting_set(struct store *s, const char *key, const char *value, struct gz_err *err)
{
    return s->ops->setting_set(s, key, value, err);
}

int store_calendar_import(struct store *s, const char *csv, size_t len, size_t *count,
                          struct gz_err *err)
{
    return s->ops->calendar_import(s, csv, len, count, err);
}

int store_calendar_set(struct store *s, const char *day, enum cal_day_kind kind, struct gz_err *err)
{
    return s->ops->calendar_set(s, day, kind, err);
}

int store_calendar_load(struct store *s, struct calendar *cal, struct gz_err *err)
{
    return s->ops->calendar_load(s, cal, err);
}

int store_case_create(struct store *s, struct case_rec *c, struct store_intake *in,
                      struct gz_err *err)
{
    return s->ops->case_create(s, c, in, err);
}

int store_case_get(struct store *s, const char *number, int64_t id, struct case_rec *out,
                   struct gz_err *err)
{
    return s->ops->case_get(s, number, id, out, err);
}

int store_case_update(struct store *s, const char *number, const char *other_number,
                      store_case_fn fn, void *ctx, struct case_rec *out, struct gz_err *err)
{
    return s->ops->case_update(s, number, other_number, fn, ctx, out, err);
}

int store_case_events(struct store *s, int64_t case_id, store_event_fn fn, void *ctx,
                      struct gz_err *err)
{
    return s->ops->case_events(s, case_id, fn, ctx, err);
}

int store_events_walk(struct store *s, store_event_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->events_walk(s, fn, ctx, err);
}

int store_case_units(struct store *s, int64_t case_id, int64_t *units, size_t max, size_t *n,
                     struct gz_err *err)
{
    return s->ops->case_units(s, case_id, units, max, n, err);
}

int store_case_due(struct store *s, int64_t now, store_number_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->case_due(s, now, fn, ctx, err);
}

int store_case_list(struct store *s, const struct case_filter *f, const struct case_cursor *after,
                    int limit, store_case_list_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->case_list(s, f, after, limit, fn, ctx, err);
}

int store_route_put(struct store *s, struct route_rule *r, bool create, struct gz_err *err)
{
    return s->ops->route_put(s, r, create, err);
}

int store_route_delete(struct store *s, int64_t id, struct gz_err *err)
{
    return s->ops->route_delete(s, id, err);
}

int store_route_get(struct store *s, int64_t id, struct route_rule *out, struct gz_err *err)
{
    return s->ops->route_get(s, id, out, err);
}

int store_route_list(struct store *s, bool active_only, store_route_fn fn, void *ctx,
                     struct gz_err *err)
{
    return s->ops->route_list(s, active_only, fn, ctx, err);
}

int store_route_import(struct store *s, struct route_rule *rules, size_t n, size_t *bad,
                       struct gz_err *err)
{
    return s->ops->route_import(s, rules, n, bad, err);
}

int store_case_add_reporter(struct store *s, const char *number, const struct case_reporter *r,
                            struct event *ev, struct case_rec *out, struct gz_err *err)
{
    return s->ops->case_add_reporter(s, number, r, ev, out, err);
}

int store_model_put(struct store *s, const char *kind, const void *bytes, size_t len, int64_t docs,
                    const char *note, int64_t *id, struct gz_err *err)
{
    return s->ops->model_put(s, kind, bytes, len, docs, note, id, err);
}

int store_model_latest(struct store *s, const char *kind, void **bytes, size_t *len, int64_t *id,
                       struct gz_err *err)
{
    return s->ops->model_latest(s, kind, bytes, len, id, err);
}

int store_training_cases(struct store *s, store_training_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->training_cases(s, fn, ctx, err);
}

int store_recent_cases(struct store *s, int64_t since, store_recent_fn fn, void *ctx,
                       struct gz_err *err)
{
    return s->ops->recent_cases(s, since, fn, ctx, err);
}

struct unit_walk {
    store_unit_fn fn;
    void *ctx;
    int64_t last;
    int seen, stop;
};

static int walk_one(void *ctx, const struct unit *u, const char *parent_code)
{
    struct unit_walk *w = ctx;

    w->last = u->id;
    w->seen++;
    return w->stop = w->fn(w->ctx, u, parent_code);
}

int store_unit_each(struct store *s, const struct unit_filter *f, store_unit_fn fn, void *ctx,
                    struct gz_err *err)
{
    struct store_page pg = {.limit = 500};
    struct unit_walk w = {fn, ctx, 0, 0, 0};
    int rc;

    do {
        w.seen = 0;
        if ((rc = store_unit_list(s, f, &pg, walk_one, &w, err)))
            return rc;
        pg.after_id = w.last;
    } while (w.seen == pg.limit && !w.stop);
    return w.stop;
}

/* ---- Open311 GeoReport v2 ---- */

int store_client_create(struct store *s, struct api_client *c, const char *key_hash,
                        struct gz_err *err)
{
    return s->ops->client_create(s, c, key_hash, err);
}

int store_client_update(struct store *s, const struct api_client *c, struct gz_err *err)
{
    return s->ops->client_update(s, c, err);
}

int store_client_rekey(struct store *s, int64_t id, const char *key_hash, struct gz_err *err)
{
    return s->ops->client_rekey(s, id, key_hash, err);
}

int store_client_revoke(struct store *s, int64_t id, int64_t now, struct gz_err *err)
{
    return s->ops->client_revoke(s, id, now, err);
}

int store_client_get(struct store *s, int64_t id, struct api_client *out, struct gz_err *err)
{
    return s->ops->client_get(s, id, NULL, out, err);
}

int store_client_by_key(struct store *s, const char *key_hash, struct api_client *out,
                        struct gz_err *err)
{
    return s->ops->client_get(s, 0, key_hash, out, err);
}

int store_client_list(struct store *s, store_client_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->client_list(s, fn, ctx, err);
}

int store_o311_extra_put(struct store *s, const struct o311_extra *x, struct gz_err *err)
{
    return s->ops->o311_extra_put(s, x, err);
}

int store_o311_extra_get(struct store *s, int64_t case_id, struct o311_extra_rec *out,
                         struct gz_err *err)
{
    return s->ops->o311_extra_get(s, case_id, out, err);
}

void o311_extra_rec_release(struct o311_extra_rec *x)
{
    free(x->token);
    free(x->email);
    free(x->device_id);
    free(x->account_ref);
    free(x->media_url);
    free(x->address_id);
    free(x->attributes);
    memset(x, 0, sizeof(*x));
}

int store_o311_token(struct store *s, const char *token, char *number, size_t size,
                     struct gz_err *err)
{
    return s->ops->o311_token(s, token, number, size, err);
}

int store_o311_requests(struct store *s, const struct o311_filter *f, store_o311_fn fn, void *ctx,
                        struct gz_err *err)
{
    return s->ops->o311_requests(s, f, fn, ctx, err);
}

int store_category_attrs_get(struct store *s, const char *code, char **json, struct gz_err *err)
{
    return s->ops->category_attrs_get(s, code, json, err);
}

int store_category_attrs_set(struct store *s, const char *code, const char *json,
                             struct gz_err *err)
{
    return s->ops->category_attrs_set(s, code, json, err);
}

int store_category_attrs_codes(struct store *s, store_code_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->category_attrs_codes(s, fn, ctx, err);
}

int store_kpi_sync(struct store *s, const char *zone, const struct kpi_limits *lim,
                   struct gz_err *err)
{
    return s->ops->kpi_sync(s, zone, lim, false, err);
}

int store_kpi_rebuild(struct store *s, const char *zone, const struct kpi_limits *lim,
                      struct gz_err *err)
{
    return s->ops->kpi_sync(s, zone, lim, true, err);
}

int store_kpi_units(struct store *s, int basis, int64_t from, int64_t to, store_kpi_unit_fn fn,
                    void *ctx, struct gz_err *err)
{
    return s->ops->kpi_units(s, basis, from, to, fn, ctx, err);
}

int store_kpi_days(struct store *s, int64_t unit_id, int basis, int64_t from, int64_t to,
                   store_kpi_day_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->kpi_days(s, unit_id, basis, from, to, fn, ctx, err);
}

int store_kpi_hist_units(struct store *s, int basis, int64_t from, int64_t to, store_kpi_hist_fn fn,
                         void *ctx, struct gz_err *err)
{
    return s->ops->kpi_hist(s, -1, basis, from, to, fn, ctx, err);
}

int store_kpi_hist_days(struct store *s, int64_t unit_id, int basis, int64_t from, int64_t to,
                        store_kpi_hist_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->kpi_hist(s, unit_id, basis, from, to, fn, ctx, err);
}

int store_kpi_roles(struct store *s, int64_t from, int64_t to, store_kpi_role_fn fn, void *ctx,
                    struct gz_err *err)
{
    return s->ops->kpi_roles(s, from, to, fn, ctx, err);
}

int store_kpi_each(struct store *s, kpi_counts_fn counts, kpi_hist_fn hist, kpi_role_fn roles,
                   void *ctx, struct gz_err *err)
{
    return s->ops->kpi_each(s, counts, hist, roles, ctx, err);
}

int store_kpi_flag(struct store *s, struct kpi_flag *f, struct event *ev, bool *created,
                   struct gz_err *err)
{
    return s->ops->kpi_flag(s, f, ev, created, err);
}

int store_kpi_flags(struct store *s, const char *period, store_kpi_flag_fn fn, void *ctx,
                    struct gz_err *err)
{
    return s->ops->kpi_flags(s, period, fn, ctx, err);
}

int store_hot_cases(struct store *s, int64_t from, int64_t to, const char *prefix, store_hot_fn fn,
                    void *ctx, struct gz_err *err)
{
    return s->ops->hot_cases(s, from, to, prefix, fn, ctx, err);
}

int store_top_categories(struct store *s, int level, int depth, int64_t from, int64_t to,
                         store_top_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->top_categories(s, level, depth, from, to, fn, ctx, err);
}

int store_hotspot_case_get(struct store *s, const char *hotspot, int64_t *case_id,
                           struct gz_err *err)
{
    return s->ops->hotspot_case(s, hotspot, case_id, false, err);
}

int store_hotspot_case_put(struct store *s, const char *hotspot, int64_t case_id,
                           struct gz_err *err)
{
    return s->ops->hotspot_case(s, hotspot, &case_id, true, err);
}

/* ---- the knowledge base ---- */

int store_kb_search(struct store *s, const struct kb_filter *f, int offset, int limit,
                    store_kb_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->kb_search(s, f, offset, limit, fn, ctx, err);
}

int store_kb_put(struct store *s, struct kb_entry *e, bool create, int expect_version,
                 struct gz_err *err)
{
    return s->ops->kb_put(s, e, create, expect_version, err);
}

int store_kb_get(struct store *s, int64_t id, struct kb_entry *out, struct gz_err *err)
{
    return s->ops->kb_get(s, id, out, err);
}

int store_kb_delete(struct store *s, int64_t id, struct gz_err *err)
{
    return s->ops->kb_delete(s, id, err);
}

int store_kb_import(struct store *s, struct kb_entry *entries, size_t n, size_t *bad,
                    struct gz_err *err)
{
    return s->ops->kb_import(s, entries, n, bad, err);
}

static int kb_keep_first(void *ctx, const struct kb_entry *e)
{
    return kb_entry_copy(ctx, e) ? -1 : 1;
}

int store_kb_answer_for(struct store *s, const char *category, int64_t now, struct kb_entry *out,
                        struct gz_err *err)
{
    struct kb_filter f = {.category = category,
                          .applying = true,
                          .kind = KB_ANSWER,
                          .lang = -1,
                          .active = 1,
                          .current = true,
                          .now = now};
    int rc;

    kb_entry_init(out);
    if (!category || !*category)
        return gz_fail(err, GZ_ENOTFOUND, "category", "no knowledge-base answer");
    rc = store_kb_search(s, &f, 0, 1, kb_keep_first, out, err);
    if (rc)
        return rc;
    return out->id ? 0 : gz_fail(err, GZ_ENOTFOUND, "category", "no knowledge-base answer");
}

struct kb_suggest_ctx {
    store_kb_fn fn;
    void *ctx;
    int64_t seen[16];
    int n, max;
};

static int kb_suggest_one(void *arg, const struct kb_entry *e)
{
    struct kb_suggest_ctx *x = arg;

    for (int i = 0; i < x->n; i++)
        if (x->seen[i] == e->id)
            return 0;
    if (x->n >= x->max)
        return 1;
    x->seen[x->n++] = e->id;
    return x->fn(x->ctx, e);
}

int store_kb_suggest(struct store *s, const char *category, const char *text, int64_t now, int max,
                     store_kb_fn fn, void *ctx, struct gz_err *err)
{
    struct kb_suggest_ctx x = {.fn = fn, .ctx = ctx, .max = max < 16 ? max : 16};
    struct kb_filter f = {.category = category,
                          .applying = true,
                          .kind = -1,
                          .lang = -1,
                          .active = 1,
                          .current = true,
                          .now = now};
    int rc = 0;

    if (category && *category)
        rc = store_kb_search(s, &f, 0, x.max, kb_suggest_one, &x, err);
    if (!rc && x.n < x.max && text && *text) {
        f.category = NULL;
        f.similar = text;
        rc = store_kb_search(s, &f, 0, 2 * x.max, kb_suggest_one, &x, err);
    }
    return rc < 0 ? rc : 0;
}

int store_attachment_add(struct store *s, const char *number, struct attachment *a,
                         store_attach_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->attachment_add(s, number, a, fn, ctx, err);
}

int store_attachment_get(struct store *s, int64_t id, struct attachment *out, struct gz_err *err)
{
    return s->ops->attachment_get(s, id, out, err);
}

int store_attachment_list(struct store *s, int64_t case_id, store_attachment_fn fn, void *ctx,
                          struct gz_err *err)
{
    return s->ops->attachment_list(s, case_id, fn, ctx, err);
}

int store_client_access_add(struct store *s, struct client_access *a, struct gz_err *err)
{
    return s->ops->client_access_add(s, a, err);
}

int store_client_access_list(struct store *s, int64_t client_id, int64_t before, int limit,
                             store_access_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->client_access_list(s, client_id, before, limit, fn, ctx, err);
}

int store_whistle_due(struct store *s, int64_t now, store_number_fn fn, void *ctx,
                      struct gz_err *err)
{
    return s->ops->whistle_due(s, now, fn, ctx, err);
}

int store_unit_profile_get(struct store *s, int64_t unit_id, struct claim_profile *out,
                           struct gz_err *err)
{
    return s->ops->unit_profile_get(s, unit_id, out, err);
}

int store_unit_profile_put(struct store *s, int64_t unit_id, const struct claim_profile *p,
                           struct gz_err *err)
{
    return s->ops->unit_profile_put(s, unit_id, p, err);
}

int store_claims_open(struct store *s, const struct claim_query *q, store_claim_fn fn, void *ctx,
                      struct gz_err *err)
{
    return s->ops->claims_open(s, q, fn, ctx, err);
}

int store_account_claims(struct store *s, int64_t account_id, struct claim_stats *out,
                         store_claim_item_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->account_claims(s, account_id, out, fn, ctx, err);
}

int store_webhook_create(struct store *s, struct webhook *w, struct gz_err *err)
{
    return s->ops->webhook_put(s, w, true, err);
}

int store_webhook_update(struct store *s, const struct webhook *w, struct gz_err *err)
{
    return s->ops->webhook_put(s, (struct webhook *)w, false, err);
}

int store_webhook_delete(struct store *s, int64_t id, struct gz_err *err)
{
    return s->ops->webhook_delete(s, id, err);
}

int store_webhook_get(struct store *s, int64_t id, struct webhook *out, struct gz_err *err)
{
    return s->ops->webhook_get(s, id, out, err);
}

int store_webhook_list(struct store *s, const struct store_page *pg, store_webhook_fn fn, void *ctx,
                       struct gz_err *err)
{
    return s->ops->webhook_list(s, pg, fn, ctx, err);
}

int store_outbox_list(struct store *s, int64_t webhook_id, enum outbox_state state,
                      const struct store_page *pg, store_outbox_fn fn, void *ctx,
                      struct gz_err *err)
{
    return s->ops->outbox_list(s, webhook_id, state, pg, fn, ctx, err);
}

int store_outbox_retry(struct store *s, int64_t webhook_id, int64_t id, int64_t now_ms,
                       struct gz_err *err)
{
    return s->ops->outbox_retry(s, webhook_id, id, now_ms, err);
}

int store_outbox_due(struct store *s, int64_t now_ms, const int64_t *skip, size_t n_skip,
                     size_t max, store_outbox_item_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->outbox_due(s, now_ms, skip, n_skip, max, fn, ctx, err);
}

int store_outbox_finish(struct store *s, const struct outbox_result *r, size_t n,
                        struct gz_err *err)
{
    return s->ops->outbox_finish(s, r, n, err);
}

int store_outbox_next(struct store *s, int64_t *next_ms, struct gz_err *err)
{
    return s->ops->outbox_next(s, next_ms, err);
}

int store_on_commit(struct store *s, store_commit_fn fn, void *ctx, struct gz_err *err)
{
    return s->ops->on_commit(s, fn, ctx, err);
}

int store_events_after(struct store *s, int64_t after, int limit, store_stream_fn fn, void *ctx,
                       struct gz_err *err)
{
    return s->ops->events_after(s, after, limit, fn, ctx, err);
}

int store_events_head(struct store *s, int64_t *id, struct gz_err *err)
{
    return s->ops->events_head(s, id, err);
}

void store_off_commit(struct store *s, store_commit_fn fn, void *ctx)
{
    s->ops->off_commit(s, fn, ctx);
}
