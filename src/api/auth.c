/*
 * auth.c - sign in and out.
 * POST /api/v1/auth/login {login, password} -> {token, expires_at, account}
 * POST /api/v1/auth/logout (the presented token ends)
 * GET  /api/v1/me -> the caller's account and memberships
 * Unknown logins cost as much time as wrong passwords, and repeated failures
 * for one login answer 429 for a while.
 */
#include "gz.h"

#include <stdio.h>
#include <strings.h>

#include "api/api_util.h"
#include "api/views.h"
#include "core/throttle.h"
#include "util/json.h"
#include "util/timeutil.h"

static int check_login(struct app *app, const char *login, const char *password, struct account *a,
                       struct gz_err *err)
{
    char hash[AUTH_HASH_MAX];
    struct gz_err lookup;

    if (store_account_get_login(app->store, login, a, hash, &lookup)) {
        auth_password_burn(password);
        return gz_fail(err, GZ_EAUTH, "password", "wrong login or password");
    }
    if (!auth_password_verify(hash, password) || !a->active)
        return gz_fail(err, GZ_EAUTH, "password", "wrong login or password");
    return 0;
}

static void post_login(struct http_req *r, void *arg)
{
    static const char *const keys[] = {"login", "password", NULL};
    struct app *app = arg;
    char login[GZ_MAX_CODE + 1] = "", password[GZ_MAX_PASSWORD + 1] = "";
    char token[AUTH_TOKEN_CHARS + 1], hash[AUTH_TOKEN_HASH_CHARS + 1], retry[16];
    struct gz_err err = {0};
    struct account a;
    json_t *body = api_body(r);
    int64_t now = time_now(), expires = now + GZ_TOKEN_TTL_S;
    int wait;

    if (!body)
        return;
    if (json_check_keys(body, keys, &err) ||
        json_get_str(body, "login", login, sizeof(login), true, &err) < 0 ||
        json_get_str(body, "password", password, sizeof(password), true, &err) < 0)
        goto fail;
    wait = throttle_wait(app->login_fails, login, now);
    if (wait > 0) {
        snprintf(retry, sizeof(retry), "%d", wait);
        http_add_header(r, "Retry-After", retry);
        gz_fail(&err, GZ_ELIMIT, "login", "too many failed attempts; try again in %d s", wait);
        goto fail;
    }
    if (check_login(app, login, password, &a, &err)) {
        throttle_fail(app->login_fails, login, now);
        goto fail;
    }
    throttle_reset(app->login_fails, login);
    auth_token_new(token, hash);
    if (store_token_create(app->store, hash, a.id, expires, &err))
        goto fail;
    http_reply_json(r, 200,
                    json_pack("{s:s, s:s, s:o, s:o}", "token", token, "token_type", "Bearer",
                              "expires_at", api_time(expires), "account", view_account(&a, true)));
    json_decref(body);
    return;
fail:
    json_decref(body);
    api_fail(r, &err);
}

static void post_logout(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    char hash[AUTH_TOKEN_HASH_CHARS + 1];
    struct gz_err err = {0};

    if (api_principal(r, app, &p))
        return;
    if (!auth_token_hash(http_header(r, "Authorization") + 7, hash) ||
        store_token_delete(app->store, hash, &err)) {
        api_fail(r, &err);
        return;
    }
    http_reply_json(r, 200, json_pack("{s:b}", "logged_out", 1));
}

static void get_me(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct account a;
    struct gz_err err = {0};
    json_t *ms;

    if (api_principal(r, app, &p))
        return;
    if (store_account_get(app->store, p.account_id, &a, &err)) {
        api_fail(r, &err);
        return;
    }
    ms = json_array();
    for (size_t i = 0; i < p.n; i++)
        json_array_append_new(ms, json_pack("{s:I, s:s}", "unit_id", (json_int_t)p.m[i].unit_id,
                                            "role", role_name(p.m[i].role)));
    http_reply_json(r, 200,
                    json_pack("{s:o, s:o}", "account", view_account(&a, true), "memberships", ms));
}

int api_auth_routes(struct router *r)
{
    return router_add(r, "POST", "/api/v1/auth/login", post_login) ||
           router_add(r, "POST", "/api/v1/auth/logout", post_logout) ||
           router_add(r, "GET", "/api/v1/me", get_me);
}
