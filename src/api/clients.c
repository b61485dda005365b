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
 *   GET    /api/v1/open311/clients/{id}/access   its access records, newest first
 * A key is 32 random bytes as hex, shown only in the answer that makes it;
 * the store keeps its SHA-256, as for bearer tokens. rate_limit is requests
 * per minute for the key (0: no limit).
 *
 * Scopes (core/scope.h): `access` none (Open311 only, the default), read or
 * write opens the case endpoints of the native API to the key, limited to
 * `categories` (code prefixes), `areas` (units, by id or code: their
 * subtrees) and `fields` (case fields; "*" = all but personal data, which
 * must be named: reporter_name, reporter_phone).
 */
#include "gz.h"

#include "api/o311.h"
#include "core/scope.h"
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

    json_t *cats = json_array(), *areas = json_array(), *fields = json_array();

    for (size_t i = 0; i < c->scope.n_cats; i++)
        json_array_append_new(cats, json_string(c->scope.cats[i]));
    for (size_t i = 0; i < c->scope.n_areas; i++)
        json_array_append_new(areas, json_integer(c->scope.areas[i]));
    for (size_t i = 0; i < c->scope.n_fields; i++)
        json_array_append_new(fields, json_string(c->scope.fields[i]));
    json_object_set_new(o, "access", json_string(scope_access_name(c->scope.access)));
    json_object_set_new(o, "categories", cats);
    json_object_set_new(o, "areas", areas);
    json_object_set_new(o, "fields", fields);
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

/* One item of a scope list: a unit (id or code) for areas, else a string. */
static int add_item(struct app *app, const char *key, const json_t *it, struct api_scope *sc,
                    struct gz_err *err)
{
    int64_t unit;

    if (strcmp(key, "areas") == 0) {
        unit = api_unit_ref(app, it, key, err);
        return unit ? scope_add_area(sc, unit, err) : GZ_EINVAL;
    }
    if (!json_is_string(it))
        return gz_fail(err, GZ_EINVAL, key, "%s must be a list of strings", key);
    if (strcmp(key, "categories") == 0)
        return scope_add_category(sc, json_string_value(it), err);
    return scope_add_field(sc, json_string_value(it), err);
}

/* The list body[key] replaces the scope's; absent: unchanged. */
static int parse_list(struct app *app, const json_t *body, const char *key, struct api_scope *sc,
                      struct gz_err *err)
{
    const json_t *v = json_object_get(body, key), *it;
    size_t i;

    if (!v)
        return 0;
    if (!json_is_array(v) || json_array_size(v) > SCOPE_MAX_ITEMS)
        return gz_fail(err, GZ_EINVAL, key, "%s must be a list of at most %d", key,
                       SCOPE_MAX_ITEMS);
    if (strcmp(key, "categories") == 0)
        sc->n_cats = 0;
    else if (strcmp(key, "areas") == 0)
        sc->n_areas = 0;
    else
        sc->n_fields = 0;
    json_array_foreach(v, i, it) {
        if (add_item(app, key, it, sc, err))
            return err->code ? err->code : GZ_EINVAL;
    }
    return 0;
}

static int parse_scope(struct app *app, const json_t *body, struct api_scope *sc,
                       struct gz_err *err)
{
    char access[16] = "";
    int a;

    if (json_get_str(body, "access", access, sizeof(access), false, err) < 0)
        return err->code;
    if (access[0]) {
        if ((a = scope_access_parse(access)) < 0)
            return gz_fail(err, GZ_EINVAL, "access", "access must be none, read or write");
        sc->access = (enum scope_access)a;
    }
    if (parse_list(app, body, "categories", sc, err) || parse_list(app, body, "areas", sc, err) ||
        parse_list(app, body, "fields", sc, err))
        return err->code;
    return 0;
}

static int parse_client(struct app *app, const json_t *body, struct api_client *c,
                        struct gz_err *err)
{
    static const char *const keys[] = {"name",       "contact", "rate_limit", "access",
                                       "categories", "areas",   "fields",     NULL};
    int64_t rate = c->rate_per_min;

    if (json_check_keys(body, keys, err) ||
        json_get_str(body, "name", c->name, sizeof(c->name), false, err) < 0 ||
        json_get_str(body, "contact", c->contact, sizeof(c->contact), false, err) < 0 ||
        json_get_int(body, "rate_limit", 0, APICLIENT_MAX_RATE, &rate, false, err) < 0 ||
        parse_scope(app, body, &c->scope, err))
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
    if (err.code || parse_client(app, body, &c, &err)) {
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
    if (parse_client(app, body, &c, &err) || store_client_update(app->store, &c, &err))
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

/* ---- access records ---- */

static int add_access(void *arg, const struct client_access *a)
{
    json_t *cases = json_array();
    const char *p = a->cases;

    while (p && *p) {
        size_t n = strcspn(p, ",");
        json_array_append_new(cases, json_stringn(p, n));
        p += n + (p[n] == ',');
    }
    json_array_append_new(arg, json_pack("{s:I, s:I, s:o, s:s, s:s, s:i, s:i, s:o}", "id",
                                         (json_int_t)a->id, "client_id", (json_int_t)a->client_id,
                                         "at", api_time(a->at), "method", a->method, "path",
                                         a->path, "status", a->status, "n_cases", a->n_cases,
                                         "cases", cases));
    return 0;
}

/* GET .../clients/{id}/access?limit=&cursor=: what the client read, newest first. */
static void list_access(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct api_client c;
    struct store_page pg;
    struct gz_err err = {0};
    json_t *items, *last;
    size_t n;

    if (load_client(r, app, &c) || api_page(r, &pg, NULL, 0))
        return;
    items = json_array();
    if (store_client_access_list(app->store, c.id, pg.after_id, pg.limit, add_access, items,
                                 &err)) {
        json_decref(items);
        api_fail(r, &err);
        return;
    }
    n = json_array_size(items);
    last = n ? json_object_get(json_array_get(items, n - 1), "id") : NULL;
    http_reply_json(r, 200,
                    api_list(items, n == (size_t)pg.limit && last
                                        ? api_cursor_id(json_integer_value(last))
                                        : NULL));
}

int api_clients_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/open311/clients", list_clients) ||
           router_add(r, "POST", "/api/v1/open311/clients", post_client) ||
           router_add(r, "GET", "/api/v1/open311/clients/{id}", get_client) ||
           router_add(r, "PATCH", "/api/v1/open311/clients/{id}", patch_client) ||
           router_add(r, "DELETE", "/api/v1/open311/clients/{id}", delete_client) ||
           router_add(r, "POST", "/api/v1/open311/clients/{id}/key", post_key) ||
           router_add(r, "GET", "/api/v1/open311/clients/{id}/access", list_access);
}
