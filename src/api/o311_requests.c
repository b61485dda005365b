/*
 * o311_requests.c - GET requests and requests/{id}: the public face of the
 * cases, every channel's, newest first.
 *
 *   service_request_id=a,b   these requests (overrides every other argument)
 *   service_code=a,b         categories (exact codes)
 *   start_date, end_date     requested_datetime in [start, end], W3C; by default the
 *                            90 days up to now, and never a span of more than 90 days
 *   status=open,closed       open: every state but closed, merged and invalid
 *   page, page_size          the common extension: pages of 1..1000 (default 1000, the
 *                            spec's default limit), from 1
 *   extensions=true          adds extended_attributes (our detailed status, channel,
 *                            category path, milestones) and notes (the public timeline)
 *
 * A request shows what anyone may know: never the reporter's name, phone,
 * email, device or account, and of the timeline only public events, and of
 * those only their kind, time and public text (status_notes is the last
 * public reply). Fields are built from a whitelist, not filtered from a
 * fuller view, so a new case field cannot leak by default.
 */
#include "gz.h"

#include "api/o311.h"
#include "core/w3cdate.h"
#include "util/text.h"
#include "util/timeutil.h"

#define ID_MAX 32 /* bytes of one service_request_id */

static json_t *opt_str(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *time_json(int64_t t)
{
    char s[W3C_DATE_MAX];

    if (!t)
        return json_null();
    w3c_format(t, s, sizeof(s));
    return json_string(s);
}

static json_t *coord(const struct case_rec *c, bool lat)
{
    return c->lat == CASE_NO_COORD ? json_null() : json_real(lat ? c->lat : c->lon);
}

/* ---- extensions ---- */

/* What a public event says, by kind: the public text where it has one, else a fixed line. */
static const char *note_text(const struct o311_req *q, const char *kind, const json_t *body)
{
    static const char *const lines[][3] = {
        {"created", "Request received", "已受理"},
        {"dispatch", "Sent to the responsible unit", "已派遣至责任单位"},
        {"redispatch", "Sent to another unit", "已改派"},
        {"accept", "Accepted by the responsible unit", "责任单位已接收"},
        {"verify", "The work was checked on site", "已现场核查"},
        {"revisit", "The reporter was asked about the result", "已回访"},
        {"reopen", "Reopened", "已重新办理"},
        {"close", "Closed", "已办结"},
        {"merge", "Merged into another request", "已合并至其他诉求"},
        {"invalidate", "Closed as not actionable", "已作废"},
        {"park", "Put on hold", "已挂账"},
        {"unpark", "Back in progress", "已恢复办理"},
        {"metoo", "Reported again by someone else", "有人再次反映"},
    };
    const json_t *text = json_object_get(body, "text");

    if (json_is_string(text) &&
        (strcmp(kind, "reply") == 0 || strcmp(kind, "answer") == 0 || strcmp(kind, "comment") == 0))
        return json_string_value(text);
    for (size_t i = 0; i < GZ_ARRAY_LEN(lines); i++)
        if (strcmp(lines[i][0], kind) == 0)
            return lines[i][q->en ? 1 : 2];
    return kind;
}

struct notes_ctx {
    const struct o311_req *q;
    json_t *notes;
};

static int add_note(void *arg, const struct event *e)
{
    struct notes_ctx *x = arg;
    json_t *body;

    if (e->internal)
        return 0;
    body = json_loads(e->body ? e->body : "{}", 0, NULL);
    json_array_append_new(x->notes,
                          json_pack("{s:o, s:s, s:s}", "datetime", time_json(e->at), "type",
                                    e->kind, "description", note_text(x->q, e->kind, body)));
    json_decref(body);
    return 0;
}

static json_t *notes_json(const struct o311_req *q, int64_t case_id)
{
    struct notes_ctx x = {q, json_array()};
    struct gz_err err = {0};

    if (store_case_events(q->app->store, case_id, add_note, &x, &err))
        json_array_clear(x.notes);
    return x.notes;
}

/* The categories from the top down to code, as [{service_code, service_name}]. */
static json_t *category_path(const struct o311_req *q, const char *code)
{
    json_t *path = json_array();
    char prefix[CATEGORY_CODE_MAX + 1];
    size_t len = strlen(code);

    for (size_t n = 2; n <= len && n < sizeof(prefix); n += 2) {
        struct category c;
        struct gz_err err = {0};
        memcpy(prefix, code, n);
        prefix[n] = '\0';
        if (store_category_get(q->app->store, prefix, &c, &err))
            continue;
        json_array_append_new(path, json_pack("{s:s, s:s}", "service_code", c.code, "service_name",
                                              o311_name(q, c.name, c.name_en)));
        category_release(&c);
    }
    return path;
}

static void add_extensions(const struct o311_req *q, const struct case_rec *c, json_t *o)
{
    json_object_set_new(
        o, "extended_attributes",
        json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:i}", "status", case_status_name(c->status),
                  "channel", case_channel_name(c->channel), "priority",
                  c->priority == PRIORITY_URGENT ? "urgent" : "normal", "category_path",
                  category_path(q, c->category), "dispatched_datetime", time_json(c->dispatched_at),
                  "resolved_datetime", time_json(c->resolved_at), "closed_datetime",
                  time_json(c->closed_at), "reports", c->metoo + 1));
    json_object_set_new(o, "notes", notes_json(q, c->id));
}

/* Our own photo's path made absolute with the scheme and host of base_url (when set). */
static json_t *media_json(const struct o311_req *q, const char *media)
{
    const char *host, *end;
    char url[600];

    if (!media || media[0] != '/' || !q->set.base_url[0])
        return opt_str(media);
    host = strstr(q->set.base_url, "://");
    end = host ? strchr(host + 3, '/') : NULL;
    snprintf(url, sizeof(url), "%.*s%s",
             (int)(end ? (size_t)(end - q->set.base_url) : strlen(q->set.base_url)),
             q->set.base_url, media);
    return json_string(url);
}

json_t *o311_request_json(const struct o311_req *q, const struct o311_row *row, bool extensions)
{
    const struct case_rec *c = row->c;
    json_t *o = json_pack(
        "{s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:n, s:o, s:o, s:o, s:o, s:o, s:n, s:o, s:o, s:o}",
        "service_request_id", c->number, "status", case_is_open(c->status) ? "open" : "closed",
        "status_notes", opt_str(c->reply), "service_name",
        opt_str(o311_name(q, row->service_name, row->service_name_en)), "service_code",
        opt_str(c->category), "description", c->text ? c->text : "", "agency_responsible",
        opt_str(o311_name(q, row->agency, row->agency_en)), "service_notice", "requested_datetime",
        time_json(c->created_at), "updated_datetime", time_json(row->updated_at),
        "expected_datetime", time_json(c->resolve_by), "address", opt_str(c->address), "address_id",
        opt_str(row->address_id), "zipcode", "lat", coord(c, true), "long", coord(c, false),
        "media_url", media_json(q, row->media_url));

    if (o && extensions)
        add_extensions(q, c, o);
    return o;
}

/* ---- the lists ---- */

struct list_ctx {
    const struct o311_req *q;
    bool extensions;
    json_t *items;
};

static int add_row(void *arg, const struct o311_row *row)
{
    struct list_ctx *l = arg;

    json_array_append_new(l->items, o311_request_json(l->q, row, l->extensions));
    return 0;
}

static void run(struct http_req *r, const struct o311_req *q, const struct o311_filter *f,
                bool extensions, const char *single)
{
    struct list_ctx l = {q, extensions, json_array()};
    struct gz_err err = {0};

    if (store_o311_requests(q->app->store, f, add_row, &l, &err)) {
        json_decref(l.items);
        o311_fail_err(r, q->fmt, &err);
    } else if (single && !json_array_size(l.items)) {
        json_decref(l.items);
        o311_fail(r, q->fmt, 404, "service_request_id: %.32s not found", single);
    } else {
        o311_reply(r, q->fmt, 200, "service_requests", l.items);
    }
}

static int status_arg(struct http_req *r, const struct o311_req *q, int *status)
{
    const char *items[4];
    size_t n = 0;
    unsigned mask = 0;

    if (o311_list(r, q, "status", 16, items, GZ_ARRAY_LEN(items), &n))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(items[i], "open") && strcmp(items[i], "closed")) {
            o311_fail(r, q->fmt, 400, "status: \"%.16s\" is neither open nor closed", items[i]);
            return -1;
        }
        mask |= strcmp(items[i], "open") == 0 ? 1u : 2u;
    }
    *status = mask == 1 ? 1 : mask == 2 ? 2 : 0;
    return 0;
}

static int codes_arg(struct http_req *r, const struct o311_req *q, struct o311_filter *f)
{
    const char **codes = http_alloc(r, O311_MAX_LIST * sizeof(*codes));

    if (!codes ||
        o311_list(r, q, "service_code", CATEGORY_CODE_MAX, codes, O311_MAX_LIST, &f->n_codes))
        return codes ? -1 : (o311_fail(r, q->fmt, 500, "out of memory"), -1);
    for (size_t i = 0; i < f->n_codes; i++)
        if (!category_code_valid(codes[i])) {
            o311_fail(r, q->fmt, 400, "service_code: \"%s\" is not a service code", codes[i]);
            return -1;
        }
    f->codes = codes;
    return 0;
}

/* start_date and end_date: 90 days up to now by default, and no longer span. */
static int dates_arg(struct http_req *r, const struct o311_req *q, struct o311_filter *f)
{
    bool has_start, has_end;

    if (o311_time(r, q, "start_date", &f->from, &has_start) ||
        o311_time(r, q, "end_date", &f->to, &has_end))
        return -1;
    if (!has_end)
        f->to = has_start ? f->from + O311_SPAN_S : time_now();
    if (!has_start)
        f->from = f->to - O311_SPAN_S;
    if (f->to < f->from) {
        o311_fail(r, q->fmt, 400, "end_date: must not be before start_date");
        return -1;
    }
    if (f->to - f->from > O311_SPAN_S) {
        o311_fail(r, q->fmt, 400,
                  "end_date: start_date to end_date may not span more than 90 days");
        return -1;
    }
    return 0;
}

static int page_args(struct http_req *r, const struct o311_req *q, struct o311_filter *f)
{
    long long page, size;

    if (o311_int(r, q, "page", 1, 1000000, 1, &page) ||
        o311_int(r, q, "page_size", 1, O311_MAX_PAGE, O311_MAX_PAGE, &size))
        return -1;
    f->limit = (int)size;
    f->offset = (page - 1) * size;
    return 0;
}

void o311_get_requests(struct http_req *r, struct o311_req *q)
{
    struct o311_filter f = {0};
    const char **ids = http_alloc(r, O311_MAX_LIST * sizeof(*ids));
    bool extensions;

    if (!ids) {
        o311_fail(r, q->fmt, 500, "out of memory");
        return;
    }
    if (o311_list(r, q, "service_request_id", ID_MAX, ids, O311_MAX_LIST, &f.n_numbers) ||
        o311_flag(r, q, "extensions", &extensions) || page_args(r, q, &f))
        return;
    f.numbers = ids;
    if (!f.n_numbers && (codes_arg(r, q, &f) || dates_arg(r, q, &f) || status_arg(r, q, &f.status)))
        return;
    run(r, q, &f, extensions, NULL);
}

void o311_get_request(struct http_req *r, struct o311_req *q, const char *id)
{
    const char *ids[1] = {id};
    struct o311_filter f = {.numbers = ids, .n_numbers = 1, .limit = 1};
    bool extensions;

    if (strlen(id) > ID_MAX) {
        o311_fail(r, q->fmt, 404, "service_request_id: %.32s... not found", id);
        return;
    }
    if (o311_flag(r, q, "extensions", &extensions))
        return;
    run(r, q, &f, extensions, id);
}
