/*
 * kb.c - the knowledge base over HTTP (core/kb.h).
 *   GET    /api/v1/kb          ?q= &category= &kind=answer|policy &lang=zh|en &active=
 *                              &current=true &limit= &cursor=      staff
 *   POST   /api/v1/kb          admins and supervisors of a root unit
 *   GET    /api/v1/kb/{id}     staff
 *   PATCH  /api/v1/kb/{id}     as POST; "version" in the body must match when given
 *   DELETE /api/v1/kb/{id}     as POST
 *   GET    /api/v1/public/kb   ?q= &category= &lang= &limit= &cursor=   anyone: the policy
 *                              entries in force (entries hold no personal data)
 * Lists are ranked (category fit, then relevance, then newest), so their
 * cursor is an offset into the ranking. The answer action's use of entries
 * (api_kb_answer) lives here too, so cases.c only asks.
 */
#include "gz.h"

#include "api/api_util.h"
#include "api/kb.h"
#include "api/kpi_req.h"
#include "io/kbfile.h"
#include "util/json.h"
#include "util/text.h"
#include "util/timeutil.h"

static json_t *keywords_view(const struct kb_entry *e)
{
    json_t *a = json_array();

    for (size_t i = 0; i < e->n_keywords; i++)
        json_array_append_new(a, json_string(e->keywords[i]));
    return a;
}

/* An entry as every endpoint shows it; the public one leaves out what is the staff's. */
static json_t *view_kb(const struct kb_entry *e, bool staff)
{
    json_t *o = json_pack(
        "{s:I, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:i, s:o}", "id",
        (json_int_t)e->id, "kind", kb_kind_name(e->kind), "category", json_str_or_null(e->category),
        "title", e->title, "title_en", e->title_en, "body", e->body ? e->body : "", "body_en",
        json_str_or_null(e->body_en), "keywords", keywords_view(e), "source_url",
        json_str_or_null(e->source_url), "valid_from", api_time(e->valid_from), "valid_to",
        api_time(e->valid_to), "version", e->version, "updated_at", api_time(e->updated_at));

    if (staff) {
        json_object_set_new(o, "ref", json_str_or_null(e->ref));
        json_object_set_new(o, "active", json_boolean(e->active));
        json_object_set_new(o, "current", json_boolean(kb_entry_current(e, time_now())));
        json_object_set_new(o, "created_at", api_time(e->created_at));
    }
    return o;
}

/* ---- rights ---- */

/* Anyone with a role but resident's reads the knowledge base. */
static int need_staff(struct http_req *r, const struct principal *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->m[i].role != ROLE_RESIDENT)
            return 0;
    api_forbidden(r, "read the knowledge base");
    return -1;
}

/*
 * The knowledge base is the platform's: its admins and the supervisors of a
 * root unit (the hotline centre's quality team) keep it.
 */
static int check_caller(struct http_req *r, struct app *app, bool write)
{
    struct principal p;

    if (api_principal(r, app, &p))
        return -1;
    if (!write)
        return need_staff(r, &p);
    if (!kpi_platform_role(app, &p, 1u << ROLE_SUPERVISOR)) {
        api_forbidden(r, "change the knowledge base");
        return -1;
    }
    return 0;
}

static int64_t path_id(struct http_req *r)
{
    long long id;

    return text_parse_i64(http_param(r, "id"), 1, INT64_MAX, &id) ? id : 0;
}

/* ---- writing ---- */

static const char *const put_also[] = {"version", NULL};

static void put_kb(struct http_req *r, struct app *app, bool create)
{
    struct kb_entry e;
    struct gz_err err = {0};
    int64_t version = 0;
    char loc[64];
    json_t *body;

    if (check_caller(r, app, true) || !(body = api_body(r)))
        return;
    kb_entry_init(&e);
    if (!create && !(e.id = path_id(r)))
        gz_fail(&err, GZ_ENOTFOUND, "id", "entry not found");
    if (err.code || (!create && store_kb_get(app->store, e.id, &e, &err)) ||
        kbfile_parse_object(body, &e, put_also, &err) ||
        json_get_int(body, "version", 1, INT32_MAX, &version, false, &err) < 0 ||
        kb_entry_validate(&e, &err) || store_kb_put(app->store, &e, create, (int)version, &err)) {
        api_fail(r, &err);
    } else {
        snprintf(loc, sizeof(loc), "/api/v1/kb/%lld", (long long)e.id);
        if (create)
            http_add_header(r, "Location", loc);
        http_reply_json(r, create ? 201 : 200, view_kb(&e, true));
    }
    kb_entry_release(&e);
    json_decref(body);
}

static void post_kb(struct http_req *r, void *app)
{
    put_kb(r, app, true);
}

static void patch_kb(struct http_req *r, void *app)
{
    put_kb(r, app, false);
}

static void delete_kb(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct gz_err err = {0};
    int64_t id = path_id(r);

    if (check_caller(r, app, true))
        return;
    if (!id)
        gz_fail(&err, GZ_ENOTFOUND, "id", "entry not found");
    if (err.code || store_kb_delete(app->store, id, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
}

/* ---- reading ---- */

static void get_kb(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct kb_entry e;
    struct gz_err err = {0};
    int64_t id = path_id(r);

    kb_entry_init(&e);
    if (check_caller(r, app, false))
        return;
    if (!id)
        gz_fail(&err, GZ_ENOTFOUND, "id", "entry not found");
    if (err.code || store_kb_get(app->store, id, &e, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 200, view_kb(&e, true));
    kb_entry_release(&e);
}

/* An enumerated query parameter: -1 when absent; answers 400 when unknown. */
static int q_enum(struct http_req *r, const char *name, int (*parse)(const char *), int *out)
{
    const char *v = http_query(r, name);

    *out = -1;
    if (!v || !*v)
        return 0;
    *out = parse(v);
    if (*out >= 0)
        return 0;
    http_reply_error(r, 400, "bad_request", name, "%s has no value %s", name, v);
    return -1;
}

static int parse_bool_word(const char *s)
{
    return strcmp(s, "true") == 0 ? 1 : strcmp(s, "false") == 0 ? 0 : -1;
}

/* q, category, kind, lang, active, current into f. */
static int list_filter(struct http_req *r, struct kb_filter *f)
{
    const char *q = http_query(r, "q"), *cat = http_query(r, "category");
    int current;

    memset(f, 0, sizeof(*f));
    f->now = time_now();
    f->q = q && *q ? q : NULL;
    f->category = cat && *cat ? cat : NULL;
    if (f->q &&
        (!text_utf8_valid(f->q, strlen(f->q)) || text_utf8_len(f->q) > GZ_MAX_QUERY_CHARS)) {
        http_reply_error(r, 400, "bad_request", "q", "q must be UTF-8 of at most %d characters",
                         GZ_MAX_QUERY_CHARS);
        return -1;
    }
    if (f->category && !category_code_valid(f->category)) {
        http_reply_error(r, 400, "bad_request", "category", "category must be a category code");
        return -1;
    }
    if (q_enum(r, "kind", kb_kind_parse, &f->kind) || q_enum(r, "lang", kb_lang_parse, &f->lang) ||
        q_enum(r, "active", parse_bool_word, &f->active) ||
        q_enum(r, "current", parse_bool_word, &current))
        return -1;
    f->current = current == 1;
    return 0;
}

struct list_ctx {
    json_t *items;
    int limit;
    bool staff, more;
};

static int add_entry(void *arg, const struct kb_entry *e)
{
    struct list_ctx *l = arg;

    if ((int)json_array_size(l->items) == l->limit) {
        l->more = true;
        return 1;
    }
    json_array_append_new(l->items, view_kb(e, l->staff));
    return 0;
}

static void list_with(struct http_req *r, struct app *app, const struct kb_filter *f,
                      const struct store_page *pg, bool staff)
{
    struct list_ctx l = {json_array(), pg->limit, staff, false};
    struct gz_err err = {0};
    int64_t offset = pg->after_id;

    if (offset > INT32_MAX - GZ_MAX_PAGE - 1 ||
        store_kb_search(app->store, f, (int)offset, pg->limit + 1, add_entry, &l, &err)) {
        if (!err.code)
            gz_fail(&err, GZ_EBADREQ, "cursor", "cursor is not one this server gave out");
        json_decref(l.items);
        api_fail(r, &err);
        return;
    }
    http_reply_json(r, 200, api_list(l.items, l.more ? api_cursor_id(offset + pg->limit) : NULL));
}

static void list_kb(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct store_page pg;
    struct kb_filter f;

    if (check_caller(r, app, false) || api_page(r, &pg, NULL, 0) || list_filter(r, &f))
        return;
    list_with(r, app, &f, &pg, true);
}

/* The portal: policy entries in force, whoever asks. */
static void list_public(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct store_page pg;
    struct kb_filter f;

    if (api_page(r, &pg, NULL, 0) || list_filter(r, &f))
        return;
    f.kind = KB_POLICY;
    f.active = 1;
    f.current = true;
    list_with(r, app, &f, &pg, false);
}

/* ---- the answer action ---- */

static int answer_lang(const json_t *body, const struct case_rec *c, enum kb_lang *lang,
                       struct gz_err *err)
{
    const json_t *v = json_object_get(body, "lang");
    int l;

    *lang = kb_lang_of(c->text);
    if (!v)
        return 0;
    if (!json_is_string(v) || (l = kb_lang_parse(json_string_value(v))) < 0)
        return gz_fail(err, GZ_EINVAL, "lang", "lang must be zh or en");
    *lang = (enum kb_lang)l;
    return 0;
}

/* The entry the operator names: it must exist (422) and be in force (409). */
static int named_entry(struct app *app, const json_t *v, struct kb_entry *e, struct gz_err *err)
{
    struct gz_err e2 = {0};

    if (!json_is_integer(v) || json_integer_value(v) < 1)
        return gz_fail(err, GZ_EINVAL, "kb_entry", "kb_entry must be an entry id");
    if (store_kb_get(app->store, json_integer_value(v), e, &e2))
        return e2.code == GZ_ENOTFOUND
                   ? gz_fail(err, GZ_EINVAL, "kb_entry", "no knowledge-base entry %lld",
                             (long long)json_integer_value(v))
                   : gz_fail(err, e2.code, "kb_entry", "%s", e2.msg);
    return kb_entry_usable(e, time_now(), err);
}

/* Without text or entry: the category's own answer, else its answer entry (cited). */
static int category_answer(struct app *app, const struct case_rec *c, char **text,
                           struct kb_entry *e)
{
    struct category cat;
    struct gz_err err = {0};

    if (!c->category[0] || store_category_get(app->store, c->category, &cat, &err))
        return 0;
    *text = cat.kb_answer && *cat.kb_answer ? cat.kb_answer : NULL;
    if (*text)
        cat.kb_answer = NULL;
    category_release(&cat);
    if (*text || store_kb_answer_for(app->store, c->category, time_now(), e, &err))
        return 0;
    return 1;
}

int api_kb_answer(struct app *app, const json_t *body, const struct case_rec *c, char **text,
                  json_t **cite, struct gz_err *err)
{
    const json_t *v = json_object_get(body, "kb_entry");
    struct kb_entry e;
    enum kb_lang lang;
    int rc = answer_lang(body, c, &lang, err), cited = 0;

    kb_entry_init(&e);
    if (!rc && v && !json_is_null(v))
        cited = (rc = named_entry(app, v, &e, err)) == 0;
    else if (!rc && !*text)
        cited = category_answer(app, c, text, &e);
    if (cited) {
        *cite = kb_entry_cite(&e, lang);
        if (!*text && !(*text = strdup(kb_entry_body(&e, lang))))
            rc = gz_fail(err, GZ_ENOMEM, "", "out of memory");
    }
    kb_entry_release(&e);
    return rc;
}

int api_kb_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/kb", list_kb) ||
           router_add(r, "POST", "/api/v1/kb", post_kb) ||
           router_add(r, "GET", "/api/v1/kb/{id}", get_kb) ||
           router_add(r, "PATCH", "/api/v1/kb/{id}", patch_kb) ||
           router_add(r, "DELETE", "/api/v1/kb/{id}", delete_kb) ||
           router_add(r, "GET", "/api/v1/public/kb", list_public);
}
