/*
 * accounts.c - accounts and their roles.
 *   GET   /api/v1/accounts            any admin
 *   POST  /api/v1/accounts            any admin; {login, name, phone, password}
 *   GET   /api/v1/accounts/{id}       an admin, or the account itself
 *   PATCH /api/v1/accounts/{id}       an admin; the account itself may change name,
 *                                     phone and password (with current_password)
 *   GET   /api/v1/memberships         ?account= &unit=; admins, or one's own
 *   POST  /api/v1/memberships         {account_id, unit (id or code), role}; admin over the unit
 *   DELETE /api/v1/memberships/{id}   admin over the unit
 * "An admin" of an account is a root admin, or an admin whose units cover
 * every unit the account has a role in: a street's admin manages the
 * street's people, never the city's admin. Phones are shown whole only to
 * the account itself and to its admins.
 */
#include "gz.h"

#include <stdio.h>

#include "api/api_util.h"
#include "api/views.h"
#include "io/parse.h"
#include "util/json.h"
#include "util/text.h"

static const char *const account_keys[] = {
    "login", "name", "phone", "active", "password", "current_password", NULL};

struct scope_ctx {
    struct app *app;
    const struct principal *p;
    bool ok;
};

static int check_scope(void *arg, const struct membership *m)
{
    struct scope_ctx *c = arg;

    c->ok = c->ok && api_role_over(c->app, c->p, ROLE_ADMIN, m->unit_id);
    return !c->ok;
}

/* May p administer account `id` (see the file comment)? */
static bool may_admin(struct app *app, const struct principal *p, int64_t id)
{
    struct scope_ctx c = {app, p, true};
    struct gz_err err;

    if (api_root_admin(app, p))
        return true;
    if (!auth_has_role(p, ROLE_ADMIN))
        return false;
    return !store_membership_list(app->store, id, 0, check_scope, &c, &err) && c.ok;
}

static int64_t path_id(struct http_req *r, struct gz_err *err)
{
    long long id;

    if (!text_parse_i64(http_param(r, "id"), 1, INT64_MAX, &id))
        return gz_fail(err, GZ_ENOTFOUND, "id", "ids are positive integers");
    return id;
}

/* Hash a new password after checking it; "" when the body has none. */
static int new_password(const json_t *body, const char *login, char *hash, bool required,
                        struct gz_err *err)
{
    char pw[GZ_MAX_PASSWORD + 1];
    int rc = json_get_str(body, "password", pw, sizeof(pw), required, err);

    hash[0] = '\0';
    if (rc)
        return rc < 0 ? rc : 0;
    rc = account_check_password(login, pw, err);
    if (!rc && auth_password_hash(pw, hash))
        rc = gz_fail(err, GZ_ENOMEM, "password", "could not hash the password");
    return rc;
}

static void post_account(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct account a;
    char hash[AUTH_HASH_MAX];
    struct gz_err err = {0};
    json_t *body;

    if (api_principal(r, app, &p) || !(body = api_body(r)))
        return;
    account_init(&a);
    if (!auth_has_role(&p, ROLE_ADMIN)) {
        api_forbidden(r, "create accounts");
        goto out;
    }
    if (json_check_keys(body, account_keys, &err) || parse_account(body, &a, &err) ||
        account_validate(&a, &err) || new_password(body, a.login, hash, true, &err) ||
        store_account_create(app->store, &a, hash, &err)) {
        api_fail(r, &err);
        goto out;
    }
    http_reply_json(r, 201, view_account(&a, true));
out:
    json_decref(body);
}

static void get_account(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct account a;
    struct gz_err err = {0};
    int64_t id;

    if (api_principal(r, app, &p))
        return;
    id = path_id(r, &err);
    if (id > 0 && id != p.account_id && !may_admin(app, &p, id)) {
        api_forbidden(r, "see this account");
        return;
    }
    if (id < 0 || store_account_get(app->store, id, &a, &err)) {
        api_fail(r, &err);
        return;
    }
    http_reply_json(r, 200, view_account(&a, true));
}

/* The account itself must prove it knows its password to set a new one. */
static int check_current(struct app *app, const json_t *body, const struct account *a,
                         struct gz_err *err)
{
    char cur[GZ_MAX_PASSWORD + 1] = "", hash[AUTH_HASH_MAX];
    struct account tmp;

    if (json_get_str(body, "current_password", cur, sizeof(cur), true, err) < 0)
        return err->code;
    if (store_account_get_login(app->store, a->login, &tmp, hash, err) ||
        !auth_password_verify(hash, cur))
        return gz_fail(err, GZ_EFORBIDDEN, "current_password", "current_password is wrong");
    return 0;
}

static int apply_patch(struct app *app, const json_t *body, struct account *a, bool admin,
                       char *hash, struct gz_err *err)
{
    struct account upd = *a;

    if (json_check_keys(body, account_keys, err) || parse_account(body, &upd, err))
        return err->code;
    if (strcmp(upd.login, a->login) != 0)
        return gz_fail(err, GZ_EINVAL, "login", "a login cannot change");
    if (!admin && upd.active != a->active)
        return gz_fail(err, GZ_EFORBIDDEN, "active", "only an admin may (de)activate accounts");
    if (account_validate(&upd, err))
        return err->code;
    if (json_object_get(body, "password") && !admin && check_current(app, body, a, err))
        return err->code;
    if (new_password(body, a->login, hash, false, err))
        return err->code;
    *a = upd;
    return 0;
}

static void patch_account(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct account a;
    char hash[AUTH_HASH_MAX];
    struct gz_err err = {0};
    bool admin;
    int64_t id;
    json_t *body;

    if (api_principal(r, app, &p) || !(body = api_body(r)))
        return;
    id = path_id(r, &err);
    admin = id > 0 && may_admin(app, &p, id);
    if (id > 0 && id != p.account_id && !admin) {
        api_forbidden(r, "change this account");
        goto out;
    }
    if (id < 0 || store_account_get(app->store, id, &a, &err) ||
        apply_patch(app, body, &a, admin, hash, &err) ||
        store_account_update(app->store, &a, hash[0] ? hash : NULL, &err)) {
        api_fail(r, &err);
        goto out;
    }
    http_reply_json(r, 200, view_account(&a, true));
out:
    json_decref(body);
}

struct list_ctx {
    json_t *items;
    int64_t last;
    bool full;
};

static int add_account(void *arg, const struct account *a)
{
    struct list_ctx *l = arg;

    json_array_append_new(l->items, view_account(a, l->full));
    l->last = a->id;
    return 0;
}

static void list_accounts(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct store_page pg;
    struct list_ctx l = {json_array(), 0, false};
    struct gz_err err = {0};

    if (api_principal(r, app, &p) || api_page(r, &pg, NULL, 0))
        goto out;
    if (!auth_has_role(&p, ROLE_ADMIN)) {
        api_forbidden(r, "list accounts");
        goto out;
    }
    l.full = api_root_admin(app, &p);
    if (store_account_list(app->store, &pg, add_account, &l, &err)) {
        api_fail(r, &err);
        goto out;
    }
    http_reply_json(r, 200,
                    api_list(l.items, json_array_size(l.items) == (size_t)pg.limit
                                          ? api_cursor_id(l.last)
                                          : NULL));
    return;
out:
    json_decref(l.items);
}

/* ---- memberships ---- */

static int membership_unit(struct app *app, const json_t *body, int64_t *unit_id,
                           struct gz_err *err)
{
    const json_t *v = json_object_get(body, "unit");
    struct unit u;

    if (json_is_integer(v) && json_integer_value(v) > 0) {
        *unit_id = json_integer_value(v);
        return 0;
    }
    if (!json_is_string(v))
        return gz_fail(err, GZ_EINVAL, "unit", "unit (a unit id or code) is required");
    if (store_unit_get_by_code(app->store, json_string_value(v), &u, NULL, err))
        return gz_fail(err, GZ_EINVAL, "unit", "no unit with code %s", json_string_value(v));
    *unit_id = u.id;
    unit_release(&u);
    return 0;
}

static int parse_membership(struct app *app, const json_t *body, struct membership *m,
                            struct gz_err *err)
{
    static const char *const keys[] = {"account_id", "unit", "role", NULL};
    char role[32];
    int64_t account_id;
    int k;

    if (json_check_keys(body, keys, err) ||
        json_get_int(body, "account_id", 1, INT64_MAX, &account_id, true, err) ||
        json_get_str(body, "role", role, sizeof(role), true, err) ||
        membership_unit(app, body, &m->unit_id, err))
        return err->code;
    k = role_parse(role);
    if (k < 0)
        return gz_fail(err, GZ_EINVAL, "role",
                       "role must be resident, operator, dispatcher, handler, grid_worker, "
                       "supervisor or admin");
    m->account_id = account_id;
    m->role = (enum role)k;
    return 0;
}

static void post_membership(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct membership m = {0};
    struct gz_err err = {0};
    json_t *body;

    if (api_principal(r, app, &p) || !(body = api_body(r)))
        return;
    if (parse_membership(app, body, &m, &err))
        api_fail(r, &err);
    else if (!api_role_over(app, &p, ROLE_ADMIN, m.unit_id))
        api_forbidden(r, "give roles in this unit");
    else if (store_membership_create(app->store, &m, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 201, view_membership(&m));
    json_decref(body);
}

static void delete_membership(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct membership m;
    struct gz_err err = {0};
    int64_t id;

    if (api_principal(r, app, &p))
        return;
    id = path_id(r, &err);
    if (id < 0 || store_membership_get(app->store, id, &m, &err))
        api_fail(r, &err);
    else if (!api_role_over(app, &p, ROLE_ADMIN, m.unit_id))
        api_forbidden(r, "take roles away in this unit");
    else if (store_membership_delete(app->store, id, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
}

static int add_membership(void *arg, const struct membership *m)
{
    json_array_append_new(arg, view_membership(m));
    return 0;
}

static void list_memberships(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct gz_err err = {0};
    const char *acc = http_query(r, "account"), *unit = http_query(r, "unit");
    long long account_id = 0, unit_id = 0;
    json_t *items;

    if (api_principal(r, app, &p))
        return;
    if ((acc && !text_parse_i64(acc, 1, INT64_MAX, &account_id)) ||
        (unit && !text_parse_i64(unit, 1, INT64_MAX, &unit_id))) {
        http_reply_error(r, 400, "bad_request", acc ? "account" : "unit",
                         "ids are positive integers");
        return;
    }
    if (!auth_has_role(&p, ROLE_ADMIN)) {
        if (account_id && account_id != p.account_id) {
            api_forbidden(r, "see other accounts' roles");
            return;
        }
        account_id = p.account_id;
    }
    items = json_array();
    if (store_membership_list(app->store, account_id, unit_id, add_membership, items, &err)) {
        json_decref(items);
        api_fail(r, &err);
        return;
    }
    http_reply_json(r, 200, api_list(items, NULL));
}

int api_accounts_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/accounts", list_accounts) ||
           router_add(r, "POST", "/api/v1/accounts", post_account) ||
           router_add(r, "GET", "/api/v1/accounts/{id}", get_account) ||
           router_add(r, "PATCH", "/api/v1/accounts/{id}", patch_account) ||
           router_add(r, "GET", "/api/v1/memberships", list_memberships) ||
           router_add(r, "POST", "/api/v1/memberships", post_membership) ||
           router_add(r, "DELETE", "/api/v1/memberships/{id}", delete_membership);
}
