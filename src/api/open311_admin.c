/*
 * open311_admin.c - configuring Open311, and what staff see of a report
 * that came through it.
 *   GET   /api/v1/open311/settings            signed in
 *   PATCH /api/v1/open311/settings            root admin: {jurisdiction_id, contact,
 *         key_service, base_url, ip_rate_limit, type: realtime|batch}
 *   GET   /api/v1/categories/{code}/attributes      signed in
 *   PUT   /api/v1/categories/{code}/attributes      root admin: {attributes: [...]}
 *         (core/attrdef.h; an empty list removes them); the service definition of
 *         /open311/v2/services/{code}
 *   GET   /api/v1/open311/requests/{number}   who may see the case: the client system,
 *         media_url, address_id, the attribute answers, and email, device_id and
 *         account_id for those who see the reporter's data whole (each such read
 *         is recorded as a pii_read event, DESIGN §8)
 */
#include "gz.h"

#include "api/case_view.h"
#include "api/o311.h"
#include "core/attrdef.h"
#include "util/json.h"
#include "util/text.h"
#include "util/timeutil.h"

/* ---- settings ---- */

static json_t *view_settings(const struct o311_settings *s)
{
    return json_pack("{s:o, s:s, s:s, s:o, s:i, s:s, s:o}", "jurisdiction_id",
                     json_str_or_null(s->jurisdiction_id), "contact", s->contact, "key_service",
                     s->key_service, "base_url", json_str_or_null(s->base_url), "ip_rate_limit",
                     s->ip_rate_per_min, "type", s->batch ? "batch" : "realtime", "changeset",
                     api_time(s->changeset));
}

static void get_settings(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct o311_settings s;

    if (api_principal(r, app, &p))
        return;
    o311_settings_get(app->o311, &s);
    http_reply_json(r, 200, view_settings(&s));
}

/* One line of printable UTF-8, or "" (null clears). */
static int setting_text(const json_t *body, const char *key, char *dst, size_t size,
                        struct gz_err *err)
{
    const json_t *v = json_object_get(body, key);

    if (v && json_is_null(v)) {
        dst[0] = '\0';
        return 0;
    }
    if (json_get_str(body, key, dst, size, false, err) < 0)
        return err->code;
    if (strpbrk(dst, "\r\n"))
        return gz_fail(err, GZ_EINVAL, key, "%s must be one line", key);
    return 0;
}

static int parse_settings(const json_t *body, struct o311_settings *s, struct gz_err *err)
{
    static const char *const keys[] = {"jurisdiction_id", "contact", "key_service", "base_url",
                                       "ip_rate_limit",   "type",    NULL};
    char type[16] = "";
    int64_t rate = s->ip_rate_per_min;

    if (json_check_keys(body, keys, err) ||
        setting_text(body, "jurisdiction_id", s->jurisdiction_id, sizeof(s->jurisdiction_id),
                     err) ||
        setting_text(body, "contact", s->contact, sizeof(s->contact), err) ||
        setting_text(body, "key_service", s->key_service, sizeof(s->key_service), err) ||
        setting_text(body, "base_url", s->base_url, sizeof(s->base_url), err) ||
        json_get_int(body, "ip_rate_limit", 0, APICLIENT_MAX_RATE, &rate, false, err) < 0 ||
        json_get_str(body, "type", type, sizeof(type), false, err) < 0)
        return err->code ? err->code : GZ_EINVAL;
    if (type[0] && strcmp(type, "realtime") && strcmp(type, "batch"))
        return gz_fail(err, GZ_EINVAL, "type", "type must be realtime or batch");
    if (type[0])
        s->batch = strcmp(type, "batch") == 0;
    if (s->base_url[0] && strncmp(s->base_url, "http://", 7) && strncmp(s->base_url, "https://", 8))
        return gz_fail(err, GZ_EINVAL, "base_url", "base_url must be an http or https URL");
    s->ip_rate_per_min = (int)rate;
    return 0;
}

static void patch_settings(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct o311_settings s;
    struct gz_err err = {0};
    json_t *body;

    if (api_principal(r, app, &p))
        return;
    if (!api_root_admin(app, &p)) {
        api_forbidden(r, "configure Open311");
        return;
    }
    if (!(body = api_body(r)))
        return;
    o311_settings_get(app->o311, &s);
    s.changeset = time_now();
    if (parse_settings(body, &s, &err) || o311_settings_put(app->o311, app->store, &s, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 200, view_settings(&s));
    json_decref(body);
}

/* ---- service attributes ---- */

static json_t *attrs_json(const char *text)
{
    json_t *a = text ? json_loads(text, 0, NULL) : NULL;

    return a ? a : json_array();
}

static void get_attrs(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct gz_err err = {0};
    char *text = NULL;

    if (api_principal(r, app, &p))
        return;
    if (store_category_attrs_get(app->store, http_param(r, "code"), &text, &err)) {
        api_fail(r, &err);
        return;
    }
    http_reply_json(
        r, 200,
        json_pack("{s:s, s:o}", "code", http_param(r, "code"), "attributes", attrs_json(text)));
    free(text);
}

static void put_attrs(struct http_req *r, void *arg)
{
    static const char *const keys[] = {"attributes", NULL};
    struct app *app = arg;
    struct principal p;
    struct gz_err err = {0};
    json_t *body, *norm = NULL;
    char *text = NULL;

    if (api_principal(r, app, &p))
        return;
    if (!api_root_admin(app, &p)) {
        api_forbidden(r, "change the taxonomy");
        return;
    }
    if (!(body = api_body(r)))
        return;
    if (!json_check_keys(body, keys, &err) &&
        (norm = attrdef_normalise(json_object_get(body, "attributes"), &err)) != NULL) {
        text = json_array_size(norm) ? json_dumps(norm, JSON_COMPACT) : NULL;
        if (!store_category_attrs_set(app->store, http_param(r, "code"), text, &err) &&
            !o311_changed(app->o311, app->store, &err))
            http_reply_json(
                r, 200, json_pack("{s:s, s:O}", "code", http_param(r, "code"), "attributes", norm));
    }
    if (err.code)
        api_fail(r, &err);
    free(text);
    json_decref(norm);
    json_decref(body);
}

/* ---- a report's extras, for staff ---- */

/* Whole for those who may; on the record unless the reader is the report's source. */
static int add_pii(struct http_req *r, struct app *app, const struct principal *p,
                   const struct case_rec *c, const struct o311_extra_rec *x, json_t *o)
{
    enum pii_access how = api_case_pii(app, p, c);

    if (how == PII_MASKED || (!x->email && !x->device_id && !x->account_ref))
        return 0;
    if (how == PII_RECORDED &&
        api_pii_read(r, app, p, c, "Open311 report view",
                     json_pack("[s, s, s]", "email", "device_id", "account_id")))
        return -1;
    json_object_set_new(o, "email", json_str_or_null(x->email));
    json_object_set_new(o, "device_id", json_str_or_null(x->device_id));
    json_object_set_new(o, "account_id", json_str_or_null(x->account_ref));
    return 0;
}

static json_t *view_extras(const struct case_rec *c, const struct o311_extra_rec *x,
                           const struct api_client *client)
{
    json_t *answers = x->attributes ? json_loads(x->attributes, 0, NULL) : NULL;

    return json_pack("{s:s, s:{s:I, s:s}, s:s, s:o, s:o, s:o}", "number", c->number, "client", "id",
                     (json_int_t)client->id, "name", client->name, "token",
                     x->token ? x->token : "", "media_url", json_str_or_null(x->media_url),
                     "address_id", json_str_or_null(x->address_id), "attributes",
                     answers ? answers : json_object());
}

static void get_extras(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct case_rec c;
    struct o311_extra_rec x = {0};
    struct api_client client;
    struct gz_err err = {0};
    json_t *o;

    if (api_principal(r, app, &p))
        return;
    if (store_case_get(app->store, http_param(r, "number"), 0, &c, &err)) {
        api_fail(r, &err);
        return;
    }
    if (!api_case_visible(app, &p, &c)) {
        http_reply_error(r, 404, "not_found", "number", "case %s not found", c.number);
    } else if (store_o311_extra_get(app->store, c.id, &x, &err) ||
               store_client_get(app->store, x.client_id, &client, &err)) {
        api_fail(r, &err);
    } else {
        o = view_extras(&c, &x, &client);
        if (add_pii(r, app, &p, &c, &x, o))
            json_decref(o);
        else
            http_reply_json(r, 200, o);
    }
    o311_extra_rec_release(&x);
    case_release(&c);
}

int api_open311_admin_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/open311/settings", get_settings) ||
           router_add(r, "PATCH", "/api/v1/open311/settings", patch_settings) ||
           router_add(r, "GET", "/api/v1/categories/{code}/attributes", get_attrs) ||
           router_add(r, "PUT", "/api/v1/categories/{code}/attributes", put_attrs) ||
           router_add(r, "GET", "/api/v1/open311/requests/{number}", get_extras);
}
