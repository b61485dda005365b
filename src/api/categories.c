/*
 * categories.c - /api/v1/categories: the shared taxonomy.
 *   GET   /api/v1/categories          ?prefix=01 &active=true|false
 *   POST  /api/v1/categories          root admin
 *   GET   /api/v1/categories/{code}
 *   PATCH /api/v1/categories/{code}   root admin; the code itself never changes
 */
#include "gz.h"

#include <stdio.h>

#include "api/api_util.h"
#include "api/views.h"
#include "io/parse.h"
#include "util/json.h"

static const char *const category_keys[] = {
    "code",          "name",         "name_en", "respond_limit",
    "resolve_limit", "urgent_limit", "kind",    "claimable",
    "kb_answer",     "active",       NULL};

/* Check the body, the caller's right, apply and store; create or update. */
static void put_category(struct http_req *r, struct app *app, bool create)
{
    struct principal p;
    struct category c;
    char loc[64];
    struct gz_err err = {0};
    json_t *body;

    if (api_principal(r, app, &p) || !(body = api_body(r)))
        return;
    category_init(&c);
    if (!api_root_admin(app, &p)) {
        api_forbidden(r, "change the taxonomy");
        goto out;
    }
    if (!create && store_category_get(app->store, http_param(r, "code"), &c, &err))
        goto fail;
    if (json_check_keys(body, category_keys, &err))
        goto fail;
    if (!create && json_object_get(body, "code") &&
        (!json_is_string(json_object_get(body, "code")) ||
         strcmp(json_string_value(json_object_get(body, "code")), c.code) != 0)) {
        gz_fail(&err, GZ_EINVAL, "code", "a category's code cannot change");
        goto fail;
    }
    if (create && !json_object_get(body, "code")) {
        gz_fail(&err, GZ_EINVAL, "code", "code is required");
        goto fail;
    }
    if (parse_category(body, &c, &err) || category_validate(&c, &err))
        goto fail;
    if ((create ? store_category_create : store_category_update)(app->store, &c, &err))
        goto fail;
    if (create) {
        snprintf(loc, sizeof(loc), "/api/v1/categories/%s", c.code);
        http_add_header(r, "Location", loc);
    }
    http_reply_json(r, create ? 201 : 200, view_category(&c));
    goto out;
fail:
    api_fail(r, &err);
out:
    category_release(&c);
    json_decref(body);
}

static void post_category(struct http_req *r, void *app)
{
    put_category(r, app, true);
}

static void patch_category(struct http_req *r, void *app)
{
    put_category(r, app, false);
}

static void get_category(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct category c;
    struct gz_err err = {0};

    if (api_principal(r, app, &p))
        return;
    if (store_category_get(app->store, http_param(r, "code"), &c, &err)) {
        api_fail(r, &err);
        return;
    }
    http_reply_json(r, 200, view_category(&c));
    category_release(&c);
}

struct list_ctx {
    json_t *items;
    char last[CATEGORY_CODE_MAX + 1];
};

static int add_category(void *arg, const struct category *c)
{
    struct list_ctx *l = arg;

    json_array_append_new(l->items, view_category(c));
    snprintf(l->last, sizeof(l->last), "%s", c->code);
    return 0;
}

static void list_categories(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct store_page pg;
    struct list_ctx l = {json_array(), ""};
    struct gz_err err = {0};
    const char *prefix = http_query(r, "prefix"), *active = http_query(r, "active");
    char after[CATEGORY_CODE_MAX + 1];
    int act = -1;

    if (api_principal(r, app, &p) || api_page(r, &pg, after, sizeof(after)))
        goto out;
    if (active) {
        act = strcmp(active, "true") == 0 ? 1 : strcmp(active, "false") == 0 ? 0 : -2;
        if (act == -2) {
            http_reply_error(r, 400, "bad_request", "active", "active must be true or false");
            goto out;
        }
    }
    if (store_category_list(app->store, prefix ? prefix : "", act, &pg, add_category, &l, &err)) {
        api_fail(r, &err);
        goto out;
    }
    http_reply_json(r, 200,
                    api_list(l.items, json_array_size(l.items) == (size_t)pg.limit
                                          ? api_cursor_code(l.last)
                                          : NULL));
    return;
out:
    json_decref(l.items);
}

int api_categories_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/categories", list_categories) ||
           router_add(r, "POST", "/api/v1/categories", post_category) ||
           router_add(r, "GET", "/api/v1/categories/{code}", get_category) ||
           router_add(r, "PATCH", "/api/v1/categories/{code}", patch_category);
}
