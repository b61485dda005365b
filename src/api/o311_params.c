/*
 * o311_params.c - reading GeoReport arguments, and the checks every
 * GeoReport request starts with.
 *
 * The spec's "optional" rule holds throughout: an argument given empty is
 * an argument not given. A POST's arguments come from its form body, then
 * from the query string (some clients put api_key there). Lists (status,
 * service_code, service_request_id) may be comma-separated, repeated, or
 * both. Every bad argument is a 400 whose description starts with its name.
 */
#include "gz.h"

#include "api/o311.h"
#include "core/w3cdate.h"
#include "io/form.h"
#include "io/langpref.h"
#include "util/text.h"
#include "util/timeutil.h"

const char *o311_param(struct http_req *r, const struct o311_req *q, const char *name)
{
    const char *v = q->form ? form_get(q->form, name) : NULL;

    if (!v || !*v)
        v = http_query(r, name);
    return v && *v ? v : NULL;
}

struct list_ctx {
    struct http_req *r;
    const char **out;
    size_t max, n, item_max;
    bool bad;
};

/* Split one value on commas into the list (request memory). */
static int add_items(void *arg, const char *value)
{
    struct list_ctx *l = arg;
    const char *p = value;

    while (!l->bad && *p) {
        size_t len = strcspn(p, ",");
        const char *start = p;
        char *item;
        while (len && *start == ' ')
            start++, len--;
        while (len && start[len - 1] == ' ')
            len--;
        if (len) {
            item = l->n < l->max && len <= l->item_max ? http_alloc(l->r, len + 1) : NULL;
            if (!item) {
                l->bad = true;
                break;
            }
            memcpy(item, start, len);
            item[len] = '\0';
            l->out[l->n++] = item;
        }
        p += strcspn(p, ",");
        p += *p == ',';
    }
    return l->bad;
}

int o311_list(struct http_req *r, const struct o311_req *q, const char *name, size_t item_max,
              const char **out, size_t max, size_t *n)
{
    struct list_ctx l = {r, out, max, 0, item_max, false};

    for (size_t i = 0; q->form && i < q->form->n && !l.bad; i++)
        if (strcmp(q->form->pairs[i].name, name) == 0)
            add_items(&l, q->form->pairs[i].value);
    if (!l.bad)
        http_query_each(r, name, add_items, &l);
    *n = l.n;
    if (l.bad) {
        o311_fail(r, q->fmt, 400, "%s: at most %zu values of at most %zu characters each", name,
                  max, item_max);
        return -1;
    }
    return 0;
}

int o311_time(struct http_req *r, const struct o311_req *q, const char *name, int64_t *out,
              bool *set)
{
    const char *v = o311_param(r, q, name);

    *set = false;
    if (!v)
        return 0;
    if (!w3c_parse(v, out)) {
        o311_fail(r, q->fmt, 400,
                  "%s: \"%.64s\" is not a W3C date-time with its zone, such as "
                  "2010-01-01T00:00:00Z or 2010-01-01T08:00:00+08:00",
                  name, v);
        return -1;
    }
    *set = true;
    return 0;
}

int o311_int(struct http_req *r, const struct o311_req *q, const char *name, long long min,
             long long max, long long dflt, long long *out)
{
    const char *v = o311_param(r, q, name);

    *out = dflt;
    if (v && !text_parse_i64(v, min, max, out)) {
        o311_fail(r, q->fmt, 400, "%s: must be a whole number from %lld to %lld", name, min, max);
        return -1;
    }
    return 0;
}

int o311_flag(struct http_req *r, const struct o311_req *q, const char *name, bool *out)
{
    const char *v = o311_param(r, q, name);

    *out = false;
    if (!v || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        return 0;
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0) {
        *out = true;
        return 0;
    }
    o311_fail(r, q->fmt, 400, "%s: must be true or false", name);
    return -1;
}

const char *o311_name(const struct o311_req *q, const char *name, const char *name_en)
{
    return q->en && name_en && *name_en ? name_en : name;
}

static int too_many(struct http_req *r, const struct o311_req *q, int wait, const char *who)
{
    char retry[16];

    snprintf(retry, sizeof(retry), "%d", wait);
    http_add_header(r, "Retry-After", retry);
    o311_fail(r, q->fmt, 429, "too many requests from this %s; try again in %d s", who, wait);
    return -1;
}

/* The api_key, when given: a client that may call, within its quota. */
static int check_key(struct http_req *r, struct o311_req *q, const char *key)
{
    char hash[AUTH_TOKEN_HASH_CHARS + 1];
    struct gz_err err = {0};
    int wait;

    if (!auth_token_hash(key, hash) ||
        store_client_by_key(q->app->store, hash, &q->client, &err) == GZ_EAUTH) {
        o311_fail(r, q->fmt, 403, "api_key: invalid or revoked api_key");
        return -1;
    }
    if (err.code) {
        o311_fail_err(r, q->fmt, &err);
        return -1;
    }
    q->has_client = true;
    wait = o311_take_key(q->app->o311, &q->client, time_now());
    return wait ? too_many(r, q, wait, "api_key") : 0;
}

static const char *const langs[] = {"zh", "en"};

int o311_begin(struct http_req *r, struct app *app, enum o311_fmt fmt, const struct form *form,
               bool need_key, struct o311_req *q)
{
    const char *jid, *key, *locale;
    int wait;

    memset(q, 0, sizeof(*q));
    q->app = app;
    q->fmt = fmt;
    q->form = form;
    o311_settings_get(app->o311, &q->set);
    jid = o311_param(r, q, "jurisdiction_id");
    if (q->set.jurisdiction_id[0] && jid && strcmp(jid, q->set.jurisdiction_id) != 0) {
        o311_fail(r, fmt, 404, "jurisdiction_id: %.100s not found (this endpoint serves %s)", jid,
                  q->set.jurisdiction_id);
        return -1;
    }
    locale = o311_param(r, q, "locale");
    q->en = langpref_pick(locale ? locale : http_header(r, "Accept-Language"), langs, 2) == 1;
    key = o311_param(r, q, "api_key");
    if (key)
        return check_key(r, q, key);
    if (need_key) {
        o311_fail(r, fmt, 403, "api_key: an api_key is required to submit requests");
        return -1;
    }
    wait = o311_take_ip(app->o311, http_peer(r), q->set.ip_rate_per_min, time_now());
    return wait ? too_many(r, q, wait, "address") : 0;
}
