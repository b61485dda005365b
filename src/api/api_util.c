/*
 * api_util.c - shared handler plumbing (see api_util.h). Every error answer
 * goes through api_fail or http_reply_error, so every 4xx has a JSON body
 * naming the field.
 */
#include "gz.h"

#include <sodium.h>
#include <stdio.h>
#include <strings.h>

#include "api/api_util.h"
#include "util/text.h"
#include "util/timeutil.h"

int api_status(int code)
{
    switch (code) {
    case GZ_EINVAL: return 422;
    case GZ_EBADREQ: return 400;
    case GZ_ENOTFOUND: return 404;
    case GZ_ECONFLICT: return 409;
    case GZ_EAUTH: return 401;
    case GZ_EFORBIDDEN: return 403;
    case GZ_ETOOBIG: return 413;
    case GZ_ELIMIT: return 429;
    case GZ_EMEDIA: return 415;
    default: return 500;
    }
}

void api_fail(struct http_req *r, const struct gz_err *err)
{
    int status = api_status(err->code);

    if (status == 401)
        http_add_header(r, "WWW-Authenticate", "Bearer");
    http_reply_error(r, status, gz_errname(err->code), err->field, "%s",
                     status == 500 ? "internal error" : err->msg);
}

void api_forbidden(struct http_req *r, const char *what)
{
    http_reply_error(r, 403, "forbidden", "", "your roles do not allow you to %s", what);
}

static bool is_json_type(const char *ct)
{
    size_t n = strlen("application/json");

    return ct && strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';');
}

json_t *api_body(struct http_req *r)
{
    size_t len;
    const char *body = http_body(r, &len);
    json_error_t jerr;
    json_t *j;

    if (!is_json_type(http_header(r, "Content-Type"))) {
        http_reply_error(r, 415, "unsupported_media_type", "Content-Type",
                         "send the body as application/json");
        return NULL;
    }
    j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        http_reply_error(r, 400, "bad_json", "body", "malformed JSON at line %d column %d: %s",
                         jerr.line, jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        http_reply_error(r, 400, "bad_json", "body", "the body must be a JSON object");
        return NULL;
    }
    return j;
}

int api_principal(struct http_req *r, struct app *app, struct principal *p)
{
    const char *h = http_header(r, "Authorization");
    char hash[AUTH_TOKEN_HASH_CHARS + 1];
    struct gz_err err = {0};
    int rc;

    if (api_client_key(r)) {
        http_reply_error(r, 403, "forbidden", "Authorization",
                         "an API client's key opens only the case endpoints");
        return -1;
    }
    if (!h || strncasecmp(h, "Bearer ", 7) != 0 || !auth_token_hash(h + 7, hash)) {
        gz_fail(&err, GZ_EAUTH, "Authorization",
                "send Authorization: Bearer <token> from /api/v1/auth/login");
        api_fail(r, &err);
        return -1;
    }
    rc = store_principal_load(app->store, hash, time_now(), p, &err);
    if (rc)
        api_fail(r, &err);
    return rc;
}

bool api_role_over(struct app *app, const struct principal *p, enum role role, int64_t unit_id)
{
    int64_t chain[64];
    size_t n = 0;
    struct gz_err err;

    if (!auth_has_role(p, role))
        return false;
    if (store_unit_chain(app->store, unit_id, chain, GZ_ARRAY_LEN(chain), &n, &err))
        return false;
    return auth_has_role_over(p, role, chain, n);
}

bool api_root_admin(struct app *app, const struct principal *p)
{
    for (size_t i = 0; i < p->n; i++) {
        int64_t chain[2];
        size_t n = 0;
        struct gz_err err;
        if (p->m[i].role != ROLE_ADMIN)
            continue;
        if (!store_unit_chain(app->store, p->m[i].unit_id, chain, 2, &n, &err) && n == 1)
            return true;
    }
    return false;
}

int api_page(struct http_req *r, struct store_page *pg, char *code_buf, size_t code_size)
{
    const char *limit = http_query(r, "limit"), *cursor = http_query(r, "cursor");
    unsigned char raw[128];
    size_t len = 0;
    long long v;

    memset(pg, 0, sizeof(*pg));
    pg->limit = GZ_DEFAULT_PAGE;
    if (limit) {
        if (!text_parse_i64(limit, 1, GZ_MAX_PAGE, &v)) {
            http_reply_error(r, 400, "bad_request", "limit", "limit must be 1 to %d", GZ_MAX_PAGE);
            return -1;
        }
        pg->limit = (int)v;
    }
    if (!cursor || !*cursor)
        return 0;
    if (sodium_base642bin(raw, sizeof(raw) - 1, cursor, strlen(cursor), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        len < 3 || raw[1] != ':')
        goto bad;
    raw[len] = '\0';
    if (raw[0] == 'i' && !code_buf && text_parse_i64((char *)raw + 2, 0, INT64_MAX, &v)) {
        pg->after_id = v;
        return 0;
    }
    if (raw[0] == 'c' && code_buf && len - 2 < code_size) {
        memcpy(code_buf, raw + 2, len - 1);
        pg->after_code = code_buf;
        return 0;
    }
bad:
    http_reply_error(r, 400, "bad_request", "cursor", "cursor is not one this server gave out");
    return -1;
}

static json_t *cursor_of(const char *raw)
{
    char out[256];

    sodium_bin2base64(out, sizeof(out), (const unsigned char *)raw, strlen(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return json_string(out);
}

json_t *api_cursor_id(int64_t id)
{
    char raw[32];

    snprintf(raw, sizeof(raw), "i:%lld", (long long)id);
    return cursor_of(raw);
}

json_t *api_cursor_code(const char *code)
{
    char raw[128];

    snprintf(raw, sizeof(raw), "c:%s", code);
    return cursor_of(raw);
}

json_t *api_list(json_t *items, json_t *next)
{
    return json_pack("{s:o, s:o}", "items", items, "next_cursor", next ? next : json_null());
}

json_t *api_time(int64_t t)
{
    char s[32];

    if (!t)
        return json_null();
    time_rfc3339(t, s, sizeof(s));
    return json_string(s);
}

/* A unit given as an id or a code; 0 with err naming `field` when there is none. */
int64_t api_unit_ref(struct app *app, const json_t *v, const char *field, struct gz_err *err)
{
    struct unit u;
    int64_t id;
    int rc;

    if (json_is_integer(v))
        rc = store_unit_get(app->store, json_integer_value(v), &u, NULL, err);
    else if (json_is_string(v))
        rc = store_unit_get_by_code(app->store, json_string_value(v), &u, NULL, err);
    else
        return gz_fail(err, GZ_EINVAL, field, "%s must be a unit id or code", field), 0;
    if (rc)
        return gz_fail(err, GZ_EINVAL, field, "no such unit"), 0;
    if (!u.active) {
        gz_fail(err, GZ_EINVAL, field, "unit %s is inactive", u.code);
        unit_release(&u);
        return 0;
    }
    id = u.id;
    unit_release(&u);
    return id;
}

void api_intake_deps(struct app *app, struct intake_deps *d)
{
    *d = (struct intake_deps){.store = app->store,
                              .cal = app->cal,
                              .places = app->places,
                              .clf = app->clf,
                              .dedup = app->dedup,
                              .rules = app->rules,
                              .auto_threshold = app->auto_threshold};
}
