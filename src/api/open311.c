/*
 * open311.c - Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2)
 * under /open311/v2/, each resource as .json or .xml:
 *   GET  discovery              the endpoint, its formats, where to get a key
 *   GET  services               one service per leaf category (service_code = category code)
 *   GET  services/{code}        its attribute definitions
 *   POST requests               a report: intake on channel open311 (api_key required)
 *   GET  requests               public lists of requests (o311_requests.c)
 *   GET  requests/{id}          one request (id = the case number)
 *   GET  tokens/{token}         the request a token names
 * Errors are the spec's list of {code, description}, in the requested
 * format: 400, 403 (api_key), 404, and 429 with Retry-After past a quota.
 * Names follow locale=zh|en or Accept-Language. Nothing personal (reporter
 * name, phone, email, device, account) is ever in a GET answer.
 */
#include "gz.h"

#include "api/o311.h"
#include "core/attrdef.h"
#include "core/w3cdate.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timeutil.h"

/* "services.json" -> "services", O311_JSON; false without a known extension. */
static bool split_ext(const char *file, char *name, size_t size, enum o311_fmt *fmt)
{
    const char *dot = strrchr(file, '.');
    size_t len = dot ? (size_t)(dot - file) : 0;

    *fmt = O311_XML; /* the spec's required format answers what has none */
    if (!dot || len == 0 || len >= size)
        return false;
    if (strcmp(dot, ".json") == 0)
        *fmt = O311_JSON;
    else if (strcmp(dot, ".xml") != 0)
        return false;
    memcpy(name, file, len);
    name[len] = '\0';
    return true;
}

static json_t *time_json(int64_t t)
{
    char s[W3C_DATE_MAX];

    if (!t)
        return json_null();
    w3c_format(t, s, sizeof(s));
    return json_string(s);
}

/* ---- discovery ---- */

static json_t *base_url(struct http_req *r, const struct o311_req *q)
{
    const char *host = http_header(r, "Host");
    char url[512];

    if (q->set.base_url[0])
        return json_string(q->set.base_url);
    snprintf(url, sizeof(url), "http://%.300s/open311/v2", host ? host : "localhost");
    return json_string(text_utf8_valid(url, strlen(url)) ? url : "/open311/v2");
}

static void get_discovery(struct http_req *r, struct o311_req *q)
{
    json_t *changeset = time_json(q->set.changeset);

    o311_reply(r, q->fmt, 200, "discovery",
               json_pack("{s:O, s:s, s:s, s:[{s:s, s:o, s:O, s:s, s:[s, s]}]}", "changeset",
                         changeset, "contact", q->set.contact, "key_service", q->set.key_service,
                         "endpoints", "specification", O311_SPEC, "url", base_url(r, q),
                         "changeset", changeset, "type", "production", "formats", "text/xml",
                         "application/json"));
    json_decref(changeset);
}

/* ---- services ---- */

struct service_list {
    struct category *cats;
    size_t n, cap;
    char last[CATEGORY_CODE_MAX + 1];
    json_t *with_attrs; /* {code: true} */
};

static int add_cat(void *arg, const struct category *c)
{
    struct service_list *l = arg;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        struct category *more = realloc(l->cats, cap * sizeof(*more));
        if (!more)
            return 1;
        l->cats = more;
        l->cap = cap;
    }
    if (category_copy(&l->cats[l->n], c))
        return 1;
    l->n++;
    snprintf(l->last, sizeof(l->last), "%s", c->code);
    return 0;
}

static int add_attr_code(void *arg, const char *code)
{
    json_object_set_new(arg, code, json_true());
    return 0;
}

/* Every active category in code order (parents before their children), and which ask more. */
static int load_services(struct app *app, struct service_list *l, struct gz_err *err)
{
    struct store_page pg = {0, NULL, GZ_MAX_PAGE};
    size_t before;

    l->with_attrs = json_object();
    do {
        before = l->n;
        pg.after_code = l->n ? l->last : NULL;
        if (store_category_list(app->store, "", 1, &pg, add_cat, l, err))
            return err->code;
    } while (l->n - before == (size_t)pg.limit);
    return store_category_attrs_codes(app->store, add_attr_code, l->with_attrs, err);
}

static void services_release(struct service_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        category_release(&l->cats[i]);
    free(l->cats);
    json_decref(l->with_attrs);
}

static const struct category *find_cat(const struct service_list *l, const char *code)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->cats[i].code, code) == 0)
            return &l->cats[i];
    return NULL;
}

#define MAX_KEYWORDS 16

struct keywords {
    const char *words[MAX_KEYWORDS];
    size_t n;
};

/* A keyword once, never the service's own name. */
static void add_keyword(struct keywords *k, const char *word, const char *name)
{
    if (!word || !*word || strcmp(word, name) == 0 || k->n == MAX_KEYWORDS)
        return;
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->words[i], word) == 0)
            return;
    k->words[k->n++] = word;
}

/*
 * Keywords: the name in the other language, then the names of each
 * ancestor; the description: the path from the top category down.
 */
static int describe(const struct o311_req *q, const struct service_list *l,
                    const struct category *c, struct buf *keywords, struct buf *path)
{
    const char *name = o311_name(q, c->name, c->name_en);
    char code[CATEGORY_CODE_MAX + 1];
    struct keywords k = {{0}, 0};
    size_t len = strlen(c->code);

    add_keyword(&k, q->en ? c->name : c->name_en, name);
    for (size_t n = 2; n < len; n += 2) {
        const struct category *up;
        memcpy(code, c->code, n);
        code[n] = '\0';
        up = find_cat(l, code);
        if (!up)
            continue;
        add_keyword(&k, up->name, name);
        add_keyword(&k, up->name_en, name);
        if (buf_adds(path, o311_name(q, up->name, up->name_en)) || buf_adds(path, " › "))
            return -1;
    }
    for (size_t i = 0; i < k.n; i++)
        if (buf_addf(keywords, "%s%s", i ? ", " : "", k.words[i]))
            return -1;
    return buf_adds(path, name);
}

static json_t *service_json(const struct o311_req *q, const struct service_list *l,
                            const struct category *c)
{
    const struct category *parent = c->parent_code[0] ? find_cat(l, c->parent_code) : NULL;
    struct buf keywords, path;
    json_t *o;

    buf_init(&keywords, 4096);
    buf_init(&path, 4096);
    if (describe(q, l, c, &keywords, &path))
        log_warn("open311: service %s: keywords or description cut short", c->code);
    o = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code", c->code, "service_name",
                  o311_name(q, c->name, c->name_en), "description", buf_str(&path), "metadata",
                  json_object_get(l->with_attrs, c->code) != NULL, "type",
                  q->set.batch ? "batch" : "realtime", "keywords", buf_str(&keywords), "group",
                  parent ? o311_name(q, parent->name, parent->name_en) : "");
    buf_release(&keywords);
    buf_release(&path);
    return o;
}

/* A category that another active category sits under is a group, not a service. */
static bool is_leaf(const struct service_list *l, size_t i)
{
    size_t n = strlen(l->cats[i].code);

    return i + 1 == l->n || strncmp(l->cats[i + 1].code, l->cats[i].code, n) != 0;
}

static void get_services(struct http_req *r, struct o311_req *q)
{
    struct service_list l = {0};
    struct gz_err err = {0};
    json_t *out;

    if (load_services(q->app, &l, &err)) {
        services_release(&l);
        o311_fail_err(r, q->fmt, &err);
        return;
    }
    out = json_array();
    for (size_t i = 0; i < l.n; i++)
        if (is_leaf(&l, i))
            json_array_append_new(out, service_json(q, &l, &l.cats[i]));
    services_release(&l);
    o311_reply(r, q->fmt, 200, "services", out);
}

/* ---- one service's definition ---- */

static void get_definition(struct http_req *r, struct o311_req *q, const char *code)
{
    struct category c;
    struct gz_err err = {0};
    char *json = NULL;
    json_t *attrs = NULL;

    if (!category_code_valid(code) || store_category_get(q->app->store, code, &c, &err)) {
        o311_fail(r, q->fmt, 404, "service_code: %.32s not found", code);
        return;
    }
    if (!c.active || store_category_attrs_get(q->app->store, code, &json, &err)) {
        category_release(&c);
        if (err.code)
            o311_fail_err(r, q->fmt, &err);
        else
            o311_fail(r, q->fmt, 404, "service_code: %s is no longer offered", code);
        return;
    }
    category_release(&c);
    attrs = json ? json_loads(json, 0, NULL) : NULL;
    free(json);
    o311_reply(
        r, q->fmt, 200, "service_definition",
        json_pack("{s:s, s:o}", "service_code", code, "attributes", attrs ? attrs : json_array()));
}

/* ---- tokens ---- */

static void get_token(struct http_req *r, struct o311_req *q, const char *token)
{
    char number[CASE_NUMBER_LEN + 1];
    struct gz_err err = {0};

    if (strlen(token) > 64 ||
        store_o311_token(q->app->store, token, number, sizeof(number), &err)) {
        if (err.code && err.code != GZ_ENOTFOUND)
            o311_fail_err(r, q->fmt, &err);
        else
            o311_fail(r, q->fmt, 404, "token: %.64s not found", token);
        return;
    }
    o311_reply(r, q->fmt, 200, "service_requests",
               json_pack("[{s:s, s:s}]", "service_request_id", number, "token", token));
}

/* ---- routing ---- */

static void top(struct http_req *r, void *arg)
{
    struct app *app = arg;
    const char *file = http_param(r, "file");
    bool post = strcmp(http_method(r), "POST") == 0;
    char name[32];
    enum o311_fmt fmt;
    struct o311_req q;

    if (!split_ext(file, name, sizeof(name), &fmt) ||
        (strcmp(name, "discovery") && strcmp(name, "services") && strcmp(name, "requests"))) {
        o311_fail(r, fmt, 404, "no such resource: %.64s (add .json or .xml)", file);
        return;
    }
    if (post && strcmp(name, "requests") != 0) {
        http_add_header(r, "Allow", "GET");
        o311_fail(r, fmt, 405, "%s takes GET only", file);
        return;
    }
    if (post) {
        o311_post_request(r, app, fmt);
        return;
    }
    if (o311_begin(r, app, fmt, NULL, false, &q))
        return;
    if (strcmp(name, "discovery") == 0)
        get_discovery(r, &q);
    else if (strcmp(name, "services") == 0)
        get_services(r, &q);
    else
        o311_get_requests(r, &q);
}

static void sub(struct http_req *r, void *arg)
{
    struct app *app = arg;
    const char *area = http_param(r, "area");
    char id[128];
    enum o311_fmt fmt;
    struct o311_req q;

    if (!split_ext(http_param(r, "file"), id, sizeof(id), &fmt) ||
        (strcmp(area, "services") && strcmp(area, "requests") && strcmp(area, "tokens"))) {
        o311_fail(r, fmt, 404, "no such resource: %.32s/%.64s (add .json or .xml)", area,
                  http_param(r, "file"));
        return;
    }
    if (o311_begin(r, app, fmt, NULL, false, &q))
        return;
    if (strcmp(area, "services") == 0)
        get_definition(r, &q, id);
    else if (strcmp(area, "requests") == 0)
        o311_get_request(r, &q, id);
    else
        get_token(r, &q, id);
}

int api_open311_routes(struct router *r)
{
    return router_add(r, "GET", "/open311/v2/{file}", top) ||
           router_add_parking(r, "POST", "/open311/v2/{file}", top) ||
           router_add(r, "GET", "/open311/v2/{area}/{file}", sub);
}
