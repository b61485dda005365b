/*
 * clients.c - the client systems that may report through Open311, and
 * their API keys (root admins only: a key reports on behalf of the city's
 * residents).
 *   GET    /api/v1/open311/clients
 *   POST   /api/v1/open311/clients             {name, contact, rate_limit} -> api_key (once)
 *   GET    /api/v1/open311/clients/{id}
 *   PATCH  /api/v1/open311/clients/{id}        {name, contact, rate_limit}
 *   DELETE /api/v1/open311/clients/{id}        revoke: the key stops working at once
 *   POST   /api/v1/open311/clients/{id}/key    a new key; the old one stops working
 * A key is 32 random bytes as hex, shown only in the answer that makes it;
 * the store keeps its SHA-256, as for bearer tokens. rate_limit is requests
 * per minute for the key (0: no limit).
 */
#include "gz.h"

#include "api/o311.h"
#include "util/json.h"
#include "util/text.h"
#include "util/timeutil.h"

static json_t *view_client(const struct api_client *c, const char *key)
{
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:i, s:b, s:I, s:o, s:o}", "id", (json_int_t)c->id, "name",
                  c->name, "contact", c->contact, "rate_limit", c->rate_per_min, "active",
                  c->active, "account_id", (json_int_t)c->account_id, "created_at",
                  api_time(c->created_at), "revoked_at", api_time(c->revoked_at));

    if (key)
        json_object_set_new(o, "api_key", json_string(key));
    return o;
}

/* The caller, if a root admin; otherwise answers 401/403 and returns nonzero. */
static int admin_only(struct http_req *r, struct app *app)
{
    struct principal p;

    if (api_principal(r, app, &p))
        return -1;
    if (!api_root_admin(app, &p)) {
        api_forbidden(r, "manage Open311 client systems");
        return -1;
    }
    return 0;
}

static int parse_client(const json_t *body, struct api_client *c, struct gz_err *err)
{
    static const char *const keys[] = {"name", "contact", "rate_limit", NULL};
    int64_t rate = c->rate_per_min;

    if (json_check_keys(body, keys, err) ||
        json_get_str(body, "name", c->name, sizeof(c->name), false, err) < 0 ||
        json_get_str(body, "contact", c->contact, sizeof(c->contact), false, err) < 0 ||
        json_get_int(body, "rate_limit", 0, APICLIENT_MAX_RATE, &rate, false, err) < 0)
        return err->code ? err->code : GZ_EINVAL;
    c->rate_per_min = (int)rate;
    return api_client_validate(c, err);
}

static int client_id(struct http_req *r, int64_t *id)
{
    long long v;

    if (!text_parse_i64(http_param(r, "id"), 1, INT64_MAX, &v)) {
        http_reply_error(r, 404, "not_found", "id", "no client %s", http_param(r, "id"));
        return -1;
    }
    *id = v;
    return 0;
}

static void post_client(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct api_client c;
    char key[AUTH_TOKEN_CHARS + 1], hash[AUTH_TOKEN_HASH_CHARS + 1], loc[64];
    struct gz_err err = {0};
    json_t *body;

    if (admin_only(r, app) || !(body = api_body(r)))
        return;
    api_client_init(&c);
    if (!json_object_get(body, "name"))
        gz_fail(&err, GZ_EINVAL, "name", "name is required");
    if (err.code || parse_client(body, &c, &err)) {
        json_decref(body);
        api_fail(r, &err);
        return;
    }
    json_decref(body);
    auth_token_new(key, hash);
    if (store_client_create(app->store, &c, hash, &err)) {
        api_fail(r, &err);
        return;
    }
    snprintf(loc, sizeof(loc), "/api/v1/open311/clients/%lld", (long long)c.id);
    http_add_header(r, "Location", loc);
    http_reply_json(r, 201, view_client(&c, key));
}

static int add_client(void *arg, const struct api_client *c)
{
    json_array_append_new(arg, view_client(c, NULL));
    return 0;
}

static void list_clients(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct gz_err err = {0};
    json_t *items;

    if (admin_only(r, app))
        return;
    items = json_array();
    if (store_client_list(app->store, add_client, items, &err)) {
        json_decref(items);
        api_fail(r, &err);
        return;
    }
    http_reply_json(r, 200, api_list(items, NULL));
}

/* The client named in the path, for a root admin; nonzero after answering. */
static int load_client(struct http_req *r, struct app *app, struct api_client *c)
{
    struct gz_err err = {0};
    int64_t id;

    if (admin_only(r, app) || client_id(r, &id))
        return -1;
    if (store_client_get(app->store, id, c, &err)) {
        api_fail(r, &err);
        return -1;
    }
    return 0;
}

static void get_client(struct http_req *r, void *arg)
{
    struct api_client c;

    if (!load_client(r, arg, &c))
        http_reply_json(r, 200, view_client(&c, NULL));
}

static void patch_client(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct api_client c;
    struct gz_err err = {0};
    json_t *body;

    if (load_client(r, app, &c) || !(body = api_body(r)))
        return;
    if (parse_client(body, &c, &err) || store_client_update(app->store, &c, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 200, view_client(&c, NULL));
    json_decref(body);
}

static void delete_client(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct api_client c;
    struct gz_err err = {0};

    if (load_client(r, app, &c))
        return;
    if (store_client_revoke(app->store, c.id, time_now(), &err) ||
        store_client_get(app->store, c.id, &c, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 200, view_client(&c, NULL));
}

static void post_key(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct api_client c;
    char key[AUTH_TOKEN_CHARS + 1], hash[AUTH_TOKEN_HASH_CHARS + 1];
    struct gz_err err = {0};

    if (load_client(r, app, &c))
        return;
    if (!c.active) {
        http_reply_error(r, 409, "conflict", "id", "client %lld is revoked", (long long)c.id);
        return;
    }
    auth_token_new(key, hash);
    if (store_client_rekey(app->store, c.id, hash, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 200, view_client(&c, key));
}

int api_clients_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/open311/clients", list_clients) ||
           router_add(r, "POST", "/api/v1/open311/clients", post_client) ||
           router_add(r, "GET", "/api/v1/open311/clients/{id}", get_client) ||
           router_add(r, "PATCH", "/api/v1/open311/clients/{id}", patch_client) ||
           router_add(r, "DELETE", "/api/v1/open311/clients/{id}", delete_client) ||
           router_add(r, "POST", "/api/v1/open311/clients/{id}/key", post_key);
}
