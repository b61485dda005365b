/*
 * webhooks.c - webhooks and their deliveries.
 *   GET    /api/v1/webhooks                    the ones the caller manages
 *   POST   /api/v1/webhooks                    {unit | client, url, secret?, kinds?, active?}
 *   GET    /api/v1/webhooks/{id}
 *   PATCH  /api/v1/webhooks/{id}               {url, secret, rotate_secret, kinds, active}
 *   DELETE /api/v1/webhooks/{id}               with its deliveries
 *   GET    /api/v1/webhooks/{id}/deliveries    ?state=pending|failed|dead|done (default all)
 *   POST   /api/v1/webhooks/{id}/deliveries/{delivery}/retry
 * A unit's webhooks are managed by its supervisors and admins (and those
 * over it); an API client's by root admins and the client itself. The
 * secret is shown in the answer that sets it (generated unless given), never
 * again. Others' webhooks answer 404.
 */
#include "gz.h"

#include "api/api_util.h"
#include "util/json.h"
#include "util/text.h"
#include "util/timeutil.h"

static json_t *kinds_json(const char *kinds)
{
    json_t *a;
    const char *p = kinds;

    if (!kinds || !*kinds)
        return json_null();
    a = json_array();
    while (*p == ',' && p[1]) {
        size_t n = strcspn(p + 1, ",");
        json_array_append_new(a, json_stringn(p + 1, n));
        p += n + 1;
    }
    return a;
}

static json_t *ms_time(int64_t ms)
{
    return ms ? api_time(ms / 1000) : json_null();
}

static json_t *view_hook(const struct webhook *w, bool with_secret)
{
    json_t *o = json_pack("{s:I, s:o, s:o, s:s, s:o, s:b, s:o, s:o}", "id", (json_int_t)w->id,
                          "unit_id", w->unit_id ? json_integer(w->unit_id) : json_null(),
                          "client_id", w->client_id ? json_integer(w->client_id) : json_null(),
                          "url", w->url, "kinds", kinds_json(w->kinds), "active", w->active,
                          "created_by", w->created_by ? json_integer(w->created_by) : json_null(),
                          "created_at", api_time(w->created_at));

    if (with_secret)
        json_object_set_new(o, "secret", json_string(w->secret));
    return o;
}

/* The API client whose account is calling (0: none). */
struct find_client {
    int64_t account, client;
};

static int match_client(void *ctx, const struct api_client *c)
{
    struct find_client *f = ctx;

    if (c->active && c->account_id == f->account) {
        f->client = c->id;
        return 1;
    }
    return 0;
}

static int64_t client_of(struct app *app, int64_t account)
{
    struct find_client f = {account, 0};
    struct gz_err err;

    if (store_client_list(app->store, match_client, &f, &err) < 0)
        return 0;
    return f.client;
}

static bool may_manage(struct app *app, const struct principal *p, const struct webhook *w)
{
    if (w->unit_id)
        return api_role_over(app, p, ROLE_SUPERVISOR, w->unit_id);
    return api_root_admin(app, p) ||
           (w->client_id && client_of(app, p->account_id) == w->client_id);
}

/* kinds: an array of names, a comma-separated string, or null / "all" for every kind. */
static int parse_kinds(const json_t *body, struct webhook *w, struct gz_err *err)
{
    const json_t *k = json_object_get(body, "kinds"), *v;
    size_t i;

    if (!k)
        return 0;
    w->kinds[0] = '\0';
    if (json_is_null(k))
        return 0;
    if (json_is_string(k))
        return webhook_kinds_parse(json_string_value(k), w->kinds, sizeof(w->kinds), "kinds", err);
    if (!json_is_array(k))
        return gz_fail(err, GZ_EINVAL, "kinds", "kinds is a list of event kinds");
    json_array_foreach(k, i, v) {
        if (!json_is_string(v))
            return gz_fail(err, GZ_EINVAL, "kinds", "kinds is a list of event kinds");
        if (webhook_kinds_add(w->kinds, sizeof(w->kinds), json_string_value(v),
                              json_string_length(v), "kinds", err))
            return err->code;
    }
    return 0;
}

/* url, secret, kinds, active; the secret is generated when asked (or new and not given). */
static int parse_common(const json_t *body, struct webhook *w, bool new_secret, struct gz_err *err)
{
    int given;

    if (json_get_str(body, "url", w->url, sizeof(w->url), false, err) < 0 ||
        (given = json_get_str(body, "secret", w->secret, sizeof(w->secret), false, err)) < 0 ||
        json_get_bool(body, "active", &w->active, err) < 0 || parse_kinds(body, w, err))
        return err->code ? err->code : GZ_EINVAL;
    if (webhook_url_check(w->url, err))
        return err->code;
    if (given == 0)
        return webhook_secret_check(w->secret, err);
    if (new_secret)
        webhook_secret_new(w->secret);
    return 0;
}

static int parse_owner(struct app *app, const json_t *body, const struct principal *p,
                       struct webhook *w, struct gz_err *err)
{
    const json_t *unit = json_object_get(body, "unit"), *client = json_object_get(body, "client");
    int64_t id = 0;

    if (unit && client)
        return gz_fail(err, GZ_EINVAL, "client", "a webhook belongs to a unit or a client");
    if (unit) {
        w->unit_id = api_unit_ref(app, unit, "unit", err);
        return w->unit_id ? 0 : err->code;
    }
    if (client) {
        if (json_get_int(body, "client", 1, INT64_MAX, &id, true, err) < 0)
            return err->code;
        w->client_id = id;
        return 0;
    }
    w->client_id = client_of(app, p->account_id);
    if (!w->client_id)
        return gz_fail(err, GZ_EINVAL, "unit", "unit (or client) is required");
    return 0;
}

static void post_hook(struct http_req *r, void *arg)
{
    static const char *const keys[] = {"unit", "client", "url", "secret", "kinds", "active", NULL};
    struct app *app = arg;
    struct principal p;
    struct webhook w;
    struct gz_err err = {0};
    char loc[64];
    json_t *body;

    if (api_principal(r, app, &p) || !(body = api_body(r)))
        return;
    webhook_init(&w);
    w.created_by = p.account_id;
    if (json_check_keys(body, keys, &err) || parse_owner(app, body, &p, &w, &err) ||
        parse_common(body, &w, true, &err)) {
        json_decref(body);
        api_fail(r, &err);
        return;
    }
    json_decref(body);
    if (!may_manage(app, &p, &w)) {
        api_forbidden(r, w.unit_id ? "register webhooks for this unit (its supervisors and admins)"
                                   : "register webhooks for this client");
        return;
    }
    if (store_webhook_create(app->store, &w, &err)) {
        api_fail(r, &err);
        return;
    }
    snprintf(loc, sizeof(loc), "/api/v1/webhooks/%lld", (long long)w.id);
    http_add_header(r, "Location", loc);
    http_reply_json(r, 201, view_hook(&w, true));
}

struct hook_list {
    struct app *app;
    const struct principal *p;
    json_t *items;
    int64_t last;
    int scanned;
};

static int add_hook(void *ctx, const struct webhook *w)
{
    struct hook_list *x = ctx;

    x->last = w->id;
    x->scanned++;
    if (may_manage(x->app, x->p, w))
        json_array_append_new(x->items, view_hook(w, false));
    return 0;
}

static void list_hooks(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct store_page pg;
    struct gz_err err = {0};
    struct hook_list x = {app, &p, NULL, 0, 0};

    if (api_principal(r, app, &p) || api_page(r, &pg, NULL, 0))
        return;
    x.items = json_array();
    if (store_webhook_list(app->store, &pg, add_hook, &x, &err)) {
        json_decref(x.items);
        api_fail(r, &err);
        return;
    }
    /* a page scans `limit` webhooks and shows those the caller manages */
    http_reply_json(r, 200,
                    api_list(x.items, x.scanned == pg.limit ? api_cursor_id(x.last) : NULL));
}

/* The webhook in the path, if the caller manages it; nonzero after answering. */
static int load_hook(struct http_req *r, struct app *app, struct principal *p, struct webhook *w)
{
    struct gz_err err = {0};
    long long id;

    if (api_principal(r, app, p))
        return -1;
    if (!text_parse_i64(http_param(r, "id"), 1, INT64_MAX, &id) ||
        store_webhook_get(app->store, id, w, &err) || !may_manage(app, p, w)) {
        http_reply_error(r, 404, "not_found", "id", "no webhook %s", http_param(r, "id"));
        return -1;
    }
    return 0;
}

static void get_hook(struct http_req *r, void *arg)
{
    struct principal p;
    struct webhook w;

    if (!load_hook(r, arg, &p, &w))
        http_reply_json(r, 200, view_hook(&w, false));
}

static void patch_hook(struct http_req *r, void *arg)
{
    static const char *const keys[] = {"url", "secret", "rotate_secret", "kinds", "active", NULL};
    struct app *app = arg;
    struct principal p;
    struct webhook w;
    struct gz_err err = {0};
    bool rotate = false;
    json_t *body;

    if (load_hook(r, app, &p, &w) || !(body = api_body(r)))
        return;
    if (json_check_keys(body, keys, &err) ||
        json_get_bool(body, "rotate_secret", &rotate, &err) < 0 ||
        parse_common(body, &w, rotate, &err) || store_webhook_update(app->store, &w, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 200, view_hook(&w, rotate || json_object_get(body, "secret")));
    json_decref(body);
}

static void delete_hook(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct webhook w;
    struct gz_err err = {0};

    if (load_hook(r, app, &p, &w))
        return;
    if (store_webhook_delete(app->store, w.id, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 200, view_hook(&w, false));
}

/* ---- deliveries ---- */

static const char *state_name(const struct outbox_row *d)
{
    if (d->done == 1)
        return "done";
    if (d->done == 2)
        return "dead";
    return d->attempts ? "failed" : "pending";
}

static json_t *view_delivery(const struct outbox_row *d)
{
    return json_pack(
        "{s:I, s:I, s:s, s:s, s:i, s:o, s:o, s:o, s:o}", "id", (json_int_t)d->id, "event_id",
        (json_int_t)d->event_id, "kind", d->kind, "state", state_name(d), "attempts", d->attempts,
        "next_attempt_at", d->done ? json_null() : ms_time(d->next_at), "last_attempt_at",
        ms_time(d->last_at), "last_status", d->last_at ? json_integer(d->last_status) : json_null(),
        "last_error", json_str_or_null(d->last_error));
}

struct delivery_list {
    json_t *items;
    int64_t last;
};

static int add_delivery(void *ctx, const struct outbox_row *d)
{
    struct delivery_list *x = ctx;

    x->last = d->id;
    json_array_append_new(x->items, view_delivery(d));
    return 0;
}

static int parse_state(struct http_req *r, enum outbox_state *state)
{
    static const char *const names[] = {"pending", "failed", "dead", "done", "all"};
    const char *v = http_query(r, "state");

    *state = OUTBOX_ANY;
    if (!v)
        return 0;
    for (size_t i = 0; i < GZ_ARRAY_LEN(names); i++)
        if (strcmp(v, names[i]) == 0) {
            *state = (enum outbox_state)i;
            return 0;
        }
    http_reply_error(r, 400, "bad_request", "state", "state is pending, failed, dead, done or all");
    return -1;
}

static void list_deliveries(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct webhook w;
    struct store_page pg;
    enum outbox_state state;
    struct gz_err err = {0};
    struct delivery_list x = {NULL, 0};

    if (load_hook(r, app, &p, &w) || parse_state(r, &state) || api_page(r, &pg, NULL, 0))
        return;
    x.items = json_array();
    if (store_outbox_list(app->store, w.id, state, &pg, add_delivery, &x, &err)) {
        json_decref(x.items);
        api_fail(r, &err);
        return;
    }
    http_reply_json(r, 200,
                    api_list(x.items, (int)json_array_size(x.items) == pg.limit
                                          ? api_cursor_id(x.last)
                                          : NULL));
}

static void retry_delivery(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct webhook w;
    struct gz_err err = {0};
    long long id;

    if (load_hook(r, app, &p, &w))
        return;
    if (!text_parse_i64(http_param(r, "delivery"), 1, INT64_MAX, &id)) {
        http_reply_error(r, 404, "not_found", "delivery", "no delivery %s",
                         http_param(r, "delivery"));
        return;
    }
    if (store_outbox_retry(app->store, w.id, id, time_wall_ms(), &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 202, json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", "pending"));
}

int api_webhooks_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/webhooks", list_hooks) ||
           router_add(r, "POST", "/api/v1/webhooks", post_hook) ||
           router_add(r, "GET", "/api/v1/webhooks/{id}", get_hook) ||
           router_add(r, "PATCH", "/api/v1/webhooks/{id}", patch_hook) ||
           router_add(r, "DELETE", "/api/v1/webhooks/{id}", delete_hook) ||
           router_add(r, "GET", "/api/v1/webhooks/{id}/deliveries", list_deliveries) ||
           router_add(r, "POST", "/api/v1/webhooks/{id}/deliveries/{delivery}/retry",
                      retry_delivery);
}
