/*
 * access.c - API client systems on the native API (DESIGN §8 data sharing):
 * who is calling with a key, within which scope, and the access record every
 * request of theirs leaves (client, method, path, status and the cases it was
 * answered), so each read through a client is attributable. A client's
 * principal is its own account with that account's memberships (an admin may
 * give it a role, e.g. handler of its department, for actions); what it may
 * see is its scope alone.
 */
#include "gz.h"

#include <strings.h>

#include "api/api_util.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/timeutil.h"

#define ACCESS_CASES_MAX (64u << 10) /* the case numbers of one record, bytes */

/* The request's client and the cases it was answered; `client` first (principal->client). */
struct access {
    struct api_client client;
    struct buf cases;
    int n; /* cases answered; past the buffer's bound they are counted, not named */
};

const char *api_client_key(struct http_req *r)
{
    const char *h = http_header(r, "Authorization"), *x = http_header(r, "X-Api-Key");

    if (h && strncasecmp(h, "ApiKey ", 7) == 0)
        return h + 7;
    return x;
}

static int add_membership(void *ctx, const struct membership *m)
{
    struct principal *p = ctx;

    if (p->n >= AUTH_MAX_MEMBERSHIPS)
        return 1;
    p->m[p->n].role = m->role;
    p->m[p->n].unit_id = m->unit_id;
    p->n++;
    return 0;
}

static int refuse(struct http_req *r, const char *msg)
{
    http_reply_error(r, 403, "forbidden", "Authorization", "%s", msg);
    return -1;
}

/* The client behind the key, its principal and its access record; nonzero after answering. */
static int client_principal(struct http_req *r, struct app *app, const char *key,
                            struct principal *p)
{
    char hash[AUTH_TOKEN_HASH_CHARS + 1];
    struct access *a = http_alloc(r, sizeof(*a));
    struct gz_err err = {0};

    if (!a)
        return http_reply_error(r, 500, "internal", "", "out of memory"), -1;
    if (!auth_token_hash(key, hash))
        gz_fail(&err, GZ_EAUTH, "Authorization", "the API key is malformed");
    if (err.code || store_client_by_key(app->store, hash, &a->client, &err)) {
        api_fail(r, &err);
        return -1;
    }
    if (!scope_may_read(&a->client.scope))
        return refuse(r, "this client's key opens only Open311");
    if (strcmp(http_method(r), "GET") && !scope_may_write(&a->client.scope))
        return refuse(r, "this client may only read");
    memset(p, 0, sizeof(*p));
    p->account_id = a->client.account_id;
    snprintf(p->login, sizeof(p->login), "open311:%lld", (long long)a->client.id);
    if (store_membership_list(app->store, p->account_id, 0, add_membership, p, &err)) {
        api_fail(r, &err);
        return -1;
    }
    buf_init(&a->cases, ACCESS_CASES_MAX);
    a->n = 0;
    p->client = &a->client;
    return 0;
}

int api_caller(struct http_req *r, struct app *app, struct principal *p)
{
    const char *key = api_client_key(r);

    if (key)
        return client_principal(r, app, key, p);
    return api_principal(r, app, p);
}

void api_access_note(const struct principal *p, const char *number)
{
    struct access *a = (struct access *)p->client;
    int rc;

    if (!a)
        return;
    /* past the buffer's bound a case is counted but not named */
    rc = buf_addf(&a->cases, "%s%s", a->cases.len ? "," : "", number);
    (void)rc;
    a->n++;
}

void api_access_done(struct http_req *r, struct app *app, const struct principal *p)
{
    struct access *a = (struct access *)p->client;
    struct client_access rec = {0};
    struct gz_err err = {0};

    if (!a)
        return;
    rec.client_id = a->client.id;
    rec.at = time_now();
    snprintf(rec.method, sizeof(rec.method), "%s", http_method(r));
    snprintf(rec.path, sizeof(rec.path), "%s", http_path(r));
    rec.status = http_status(r);
    rec.n_cases = a->n;
    rec.cases = a->cases.len ? buf_str(&a->cases) : "";
    if (store_client_access_add(app->store, &rec, &err))
        log_error("client %lld: access record not written: %s", (long long)a->client.id, err.msg);
    buf_release(&a->cases);
}
