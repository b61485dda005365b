/*
 * units.c - /api/v1/units: the organisation.
 *   GET   /api/v1/units            ?kind= &parent= (code or id) &roots=true &active= &geometry=true
 *   POST  /api/v1/units            admin over the parent (a root unit: root admin)
 *   GET   /api/v1/units/{id|code}  with its jurisdiction
 *   PATCH /api/v1/units/{id|code}  admin over the unit, and over the new parent when it moves
 * Any signed-in account may read the organisation.
 */
#include "gz.h"

#include <stdio.h>

#include "api/api_util.h"
#include "api/views.h"
#include "io/parse.h"
#include "svc/places.h"
#include "svc/rulebook.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"

static const char *const unit_keys[] = {"code",    "name",   "name_en",      "kind", "parent",
                                        "contact", "active", "jurisdiction", NULL};

/* Load the unit named by {id}: digits are an id, anything else a code. */
static int load_unit(struct http_req *r, struct app *app, struct unit *u, char *pc,
                     struct gz_err *err)
{
    const char *key = http_param(r, "id");
    long long id;

    if (text_parse_i64(key, 1, INT64_MAX, &id))
        return store_unit_get(app->store, id, u, pc, err);
    return store_unit_get_by_code(app->store, key, u, pc, err);
}

/* Read back what the store holds (times, parent code) into u. */
static int reload(struct app *app, struct unit *u, char *pc, struct gz_err *err)
{
    int64_t id = u->id;

    unit_release(u);
    return store_unit_get(app->store, id, u, pc, err);
}

/* A unit changed: locate against the new jurisdictions from now on. */
static void places_changed(struct app *app)
{
    struct gz_err err = {0};

    if (app->places && places_rebuild(app->places, &err))
        log_warn("the jurisdiction index kept its old state: %s", err.msg);
    if (app->rules && rulebook_reload(app->rules, &err))
        log_warn("routing kept the old unit tree: %s", err.msg);
}

static bool may_manage(struct app *app, const struct principal *p, int64_t parent_id,
                       const char *parent_code)
{
    struct unit parent;
    struct gz_err err;
    int rc;

    if (!(parent_code && *parent_code) && !parent_id)
        return api_root_admin(app, p);
    rc = parent_code && *parent_code
             ? store_unit_get_by_code(app->store, parent_code, &parent, NULL, &err)
             : store_unit_get(app->store, parent_id, &parent, NULL, &err);
    if (rc)
        return api_root_admin(app,
                              p); /* a root admin hears from the store which parent is missing */
    parent_id = parent.id;
    unit_release(&parent);
    return api_role_over(app, p, ROLE_ADMIN, parent_id);
}

static void post_unit(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct unit u;
    char pc[GZ_MAX_CODE + 1] = "", parent_code[GZ_MAX_CODE + 1] = "";
    struct gz_err err = {0};
    json_t *body;

    if (api_principal(r, app, &p) || !(body = api_body(r)))
        return;
    unit_init(&u);
    u.kind = UNIT_KIND_COUNT;
    if (json_check_keys(body, unit_keys, &err) || parse_unit(body, &u, parent_code, &err))
        goto fail;
    if (u.kind == UNIT_KIND_COUNT) {
        gz_fail(&err, GZ_EINVAL, "kind", "kind is required");
        goto fail;
    }
    if (unit_validate(&u, &err))
        goto fail;
    if (!may_manage(app, &p, u.parent_id, parent_code)) {
        api_forbidden(r, "create units here");
        goto out;
    }
    if (store_unit_create(app->store, &u, parent_code, &err) || reload(app, &u, pc, &err))
        goto fail;
    places_changed(app);
    {
        char loc[GZ_MAX_CODE + 32];
        snprintf(loc, sizeof(loc), "/api/v1/units/%lld", (long long)u.id);
        http_add_header(r, "Location", loc);
    }
    http_reply_json(r, 201, view_unit(&u, pc, true));
    goto out;
fail:
    api_fail(r, &err);
out:
    unit_release(&u);
    json_decref(body);
}

static void get_unit(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct unit u;
    char pc[GZ_MAX_CODE + 1];
    struct gz_err err = {0};

    if (api_principal(r, app, &p))
        return;
    if (load_unit(r, app, &u, pc, &err)) {
        api_fail(r, &err);
        return;
    }
    http_reply_json(r, 200, view_unit(&u, pc, true));
    unit_release(&u);
}

static void patch_unit(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct unit u;
    char pc[GZ_MAX_CODE + 1] = "", parent_code[GZ_MAX_CODE + 1] = "";
    struct gz_err err = {0};
    int64_t old_parent;
    json_t *body;

    if (api_principal(r, app, &p) || !(body = api_body(r)))
        return;
    unit_init(&u);
    if (load_unit(r, app, &u, pc, &err))
        goto fail;
    old_parent = u.parent_id;
    if (!api_role_over(app, &p, ROLE_ADMIN, u.id)) {
        api_forbidden(r, "change this unit");
        goto out;
    }
    if (json_check_keys(body, unit_keys, &err) || parse_unit(body, &u, parent_code, &err) ||
        unit_validate(&u, &err))
        goto fail;
    if ((parent_code[0] || u.parent_id != old_parent) &&
        !may_manage(app, &p, u.parent_id, parent_code)) {
        api_forbidden(r, "move units there");
        goto out;
    }
    if (store_unit_update(app->store, &u, parent_code, &err) || reload(app, &u, pc, &err))
        goto fail;
    places_changed(app);
    http_reply_json(r, 200, view_unit(&u, pc, true));
    goto out;
fail:
    api_fail(r, &err);
out:
    unit_release(&u);
    json_decref(body);
}

struct list_ctx {
    json_t *items;
    int64_t last;
    bool geometry;
};

static int add_unit(void *arg, const struct unit *u, const char *pc)
{
    struct list_ctx *c = arg;

    json_array_append_new(c->items, view_unit(u, pc, c->geometry));
    c->last = u->id;
    return 0;
}

static int query_bool(struct http_req *r, const char *name, int *out)
{
    const char *v = http_query(r, name);

    if (!v)
        return 0;
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = 1;
    else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = 0;
    else {
        http_reply_error(r, 400, "bad_request", name, "%s must be true or false", name);
        return -1;
    }
    return 0;
}

/* Read the list filters; on failure answer and return nonzero. */
static int unit_filter_from(struct http_req *r, struct app *app, struct unit_filter *f)
{
    const char *kind = http_query(r, "kind"), *parent = http_query(r, "parent");
    int roots = 0, geometry = 0;
    struct gz_err err = {0};
    long long id;

    f->kind = -1;
    f->active = -1;
    if (query_bool(r, "roots", &roots) || query_bool(r, "active", &f->active) ||
        query_bool(r, "geometry", &geometry))
        return -1;
    f->roots = roots;
    f->with_geometry = geometry;
    if (kind && (f->kind = unit_kind_parse(kind)) < 0) {
        http_reply_error(r, 400, "bad_request", "kind", "unknown unit kind %s", kind);
        return -1;
    }
    if (!parent)
        return 0;
    if (text_parse_i64(parent, 1, INT64_MAX, &id)) {
        f->parent_id = id;
        return 0;
    }
    struct unit u;
    if (store_unit_get_by_code(app->store, parent, &u, NULL, &err)) {
        gz_fail(&err, GZ_EBADREQ, "parent", "no unit with code %s", parent);
        api_fail(r, &err);
        return -1;
    }
    f->parent_id = u.id;
    unit_release(&u);
    return 0;
}

static void list_units(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct unit_filter f = {0};
    struct store_page pg;
    struct list_ctx c = {json_array(), 0, false};
    struct gz_err err = {0};
    json_t *next = NULL;

    if (api_principal(r, app, &p) || unit_filter_from(r, app, &f) || api_page(r, &pg, NULL, 0))
        goto out;
    c.geometry = f.with_geometry;
    if (store_unit_list(app->store, &f, &pg, add_unit, &c, &err)) {
        api_fail(r, &err);
        goto out;
    }
    if (json_array_size(c.items) == (size_t)pg.limit)
        next = api_cursor_id(c.last);
    http_reply_json(r, 200, api_list(c.items, next));
    return;
out:
    json_decref(c.items);
}

int api_units_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/units", list_units) ||
           router_add(r, "POST", "/api/v1/units", post_unit) ||
           router_add(r, "GET", "/api/v1/units/{id}", get_unit) ||
           router_add(r, "PATCH", "/api/v1/units/{id}", patch_unit);
}
