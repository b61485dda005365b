/*
 * attachments.c - evidence photos over HTTP.
 *   POST /api/v1/cases/{number}/attachments?stage=S   a photo: the raw image as the body, or
 *                                                     multipart/form-data with a part "file"
 *                                                     (and optionally a field "stage")
 *   GET  /api/v1/cases/{number}/attachments           the case's photos the caller may see
 *   GET  /api/v1/attachments/{id}                     the original, to who may see it
 *   GET  /public/attachments/{id}                     a public stage's photo, without GPS
 *
 * The body never passes through memory: the server spools it to a file
 * (http/upload.c) up to `attachment_max_bytes`; here it is typed by content
 * (libmagic), checked as an image, hashed, kept by svc/blobs (durable before
 * the row) and recorded with its `attachment` event in one transaction.
 *
 * Who may add a photo, by stage (admins over the unit concerned may too):
 *   intake    the reporter, whoever took the report in, an operator    case open
 *   reply     a handler of the lead unit or of a co-unit                accepted, resolved
 *   verify    a grid worker or a supervisor                            resolved, verified
 *   complete  a member of a unit that claimed the case                 case open
 * A caller who may not see the case gets 404; the wrong role 403; the right
 * role at the wrong time 409 with the case's status. Residents (the
 * reporter) see the photos of public stages only, as on the timeline.
 */
#include "gz.h"

#include <sys/mman.h>
#include <unistd.h>

#include "api/attachments.h"
#include "api/case_view.h"
#include "core/attach.h"
#include "core/joint.h"
#include "io/image.h"
#include "svc/blobs.h"
#include "util/text.h"
#include "util/timeutil.h"

#define ATT_SETTING "attachment_max_bytes"

/* ---- who sees what ---- */

static bool sees_internal(const struct principal *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->m[i].role != ROLE_RESIDENT)
            return true;
    return false;
}

static bool may_see(const struct principal *p, const struct attachment *a)
{
    return att_stage_public(a->stage) || sees_internal(p);
}

static json_t *att_json(const struct attachment *a)
{
    char url[64], pub[64];

    snprintf(url, sizeof(url), "/api/v1/attachments/%lld", (long long)a->id);
    snprintf(pub, sizeof(pub), "/public/attachments/%lld", (long long)a->id);
    return json_pack(
        "{s:I, s:s, s:s, s:I, s:o, s:o, s:s, s:o, s:o, s:o, s:s, s:o}", "id", (json_int_t)a->id,
        "stage", att_stage_name(a->stage), "mime", a->mime, "bytes", (json_int_t)a->bytes, "width",
        a->width ? json_integer(a->width) : json_null(), "height",
        a->height ? json_integer(a->height) : json_null(), "sha256", a->sha256, "uploaded_by",
        a->uploaded_by ? json_integer(a->uploaded_by) : json_null(), "unit_id",
        a->unit_id ? json_integer(a->unit_id) : json_null(), "at", api_time(a->at), "url", url,
        "public_url", att_stage_public(a->stage) ? json_string(pub) : json_null());
}

struct list_ctx {
    const struct principal *p;
    json_t *items;
};

static int add_item(void *arg, const struct attachment *a)
{
    struct list_ctx *x = arg;

    if (may_see(x->p, a))
        json_array_append_new(x->items, att_json(a));
    return 0;
}

json_t *api_case_attachments(struct app *app, const struct principal *p, const struct case_rec *c)
{
    struct list_ctx x = {p, json_array()};
    struct gz_err err = {0};

    if (store_attachment_list(app->store, c->id, add_item, &x, &err))
        json_array_clear(x.items);
    return x.items;
}

/* The case named in the path, if p may see it; otherwise answered (404). */
static int visible_case(struct http_req *r, struct app *app, const struct principal *p,
                        struct case_rec *c)
{
    struct gz_err err = {0};

    if (store_case_get(app->store, http_param(r, "number"), 0, c, &err)) {
        api_fail(r, &err);
        return -1;
    }
    if (!api_case_visible(app, p, c)) {
        case_release(c);
        http_reply_error(r, 404, "not_found", "number", "case %s not found",
                         http_param(r, "number"));
        return -1;
    }
    return 0;
}

static void get_list(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct case_rec c;

    if (api_principal(r, app, &p) || visible_case(r, app, &p, &c))
        return;
    http_reply_json(
        r, 200,
        json_pack("{s:s, s:o}", "number", c.number, "items", api_case_attachments(app, &p, &c)));
    case_release(&c);
}

/* ---- the upload's rights ---- */

/* The unit of a membership of p in unit or above it (any role), 0 when none. */
static int64_t member_over(struct app *app, const struct principal *p, int64_t unit)
{
    int64_t chain[64];
    size_t n = 0;
    struct gz_err err;

    if (store_unit_chain(app->store, unit, chain, GZ_ARRAY_LEN(chain), &n, &err))
        return 0;
    for (size_t i = 0; i < p->n; i++)
        for (size_t k = 0; k < n; k++)
            if (p->m[i].unit_id == chain[k] &&
                (k == 0 || p->m[i].role == ROLE_ADMIN || p->m[i].role == ROLE_SUPERVISOR))
                return unit;
    return 0;
}

/* The first unit where p holds a role of `roles` (or admin); 0 when none. */
static int64_t role_unit(const struct principal *p, unsigned roles)
{
    for (size_t i = 0; i < p->n; i++)
        if ((roles & (1u << p->m[i].role)) || p->m[i].role == ROLE_ADMIN)
            return p->m[i].unit_id;
    return 0;
}

static int64_t reply_unit(struct app *app, const struct principal *p, const struct case_rec *c)
{
    if (c->lead_unit_id && api_role_over(app, p, ROLE_HANDLER, c->lead_unit_id))
        return c->lead_unit_id;
    for (size_t i = 0; i < c->n_co; i++)
        if (api_role_over(app, p, ROLE_HANDLER, c->co_units[i]))
            return c->co_units[i];
    return 0;
}

/* A member of a unit claiming the case, or that completed it (the parties loaded with it). */
static int64_t complete_unit(struct app *app, const struct principal *p, const struct case_rec *c)
{
    for (size_t i = 0; i < c->n_parties; i++) {
        const struct case_party *pt = &c->parties[i];
        if (pt->role == PARTY_CLAIMANT && (pt->state == PS_CLAIMED || pt->state == PS_DONE) &&
            member_over(app, p, pt->unit_id))
            return pt->unit_id;
    }
    return 0;
}

/*
 * May p add a photo of stage s to c? 0 with *unit (the unit p acts for, 0
 * for a reporter), or GZ_EFORBIDDEN / GZ_ECONFLICT in err.
 */
static int upload_rights(struct app *app, const struct principal *p, const struct case_rec *c,
                         enum att_stage s, int64_t *unit, struct gz_err *err)
{
    bool own = c->reporter_account_id == p->account_id || c->intake_account_id == p->account_id;

    *unit = 0;
    switch (s) {
    case ATT_INTAKE: *unit = role_unit(p, 1u << ROLE_OPERATOR); break;
    case ATT_REPLY: *unit = reply_unit(app, p, c); break;
    case ATT_VERIFY:
        *unit = role_unit(p, (1u << ROLE_GRID_WORKER) | (1u << ROLE_SUPERVISOR));
        break;
    default: *unit = complete_unit(app, p, c); break;
    }
    if (!*unit && !(s == ATT_INTAKE && own))
        return gz_fail(err, GZ_EFORBIDDEN, "stage", "your roles do not allow you to add %s photos",
                       att_stage_name(s));
    if (!att_stage_open(s, c->status))
        return gz_fail(err, GZ_ECONFLICT, "stage", "%s photos are not taken while the case is %s",
                       att_stage_name(s), case_status_name(c->status));
    return 0;
}

static void reply_refused(struct http_req *r, const struct case_rec *c, const struct gz_err *err)
{
    if (err->code != GZ_ECONFLICT) {
        api_fail(r, err);
        return;
    }
    http_reply_json(r, 409,
                    json_pack("{s:{s:s, s:s, s:s}, s:s}", "error", "code", "conflict", "message",
                              err->msg, "field", err->field, "status",
                              case_status_name(c->status)));
}

/* ---- the upload ---- */

size_t api_attachment_limit(struct app *app)
{
    char v[32];
    struct gz_err err = {0};
    char *end;
    unsigned long long n;

    if (store_setting_get(app->store, ATT_SETTING, v, sizeof(v), &err))
        return GZ_MAX_ATTACHMENT;
    n = strtoull(v, &end, 10);
    return end == v || *end || !n || n > GZ_MAX_ATTACHMENT_CEIL ? GZ_MAX_ATTACHMENT : (size_t)n;
}

/* Before the body: only a signed-in caller may send one, of at most the configured size. */
static size_t upload_begin(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;

    if (api_principal(r, app, &p))
        return 0;
    if (!app->blobs) {
        http_reply_error(r, 500, "internal", "file", "this server keeps no files");
        return 0;
    }
    return api_attachment_limit(app);
}

static int parse_stage(struct http_req *r, enum att_stage *s, struct gz_err *err)
{
    const char *v = http_query(r, "stage");
    int st;

    if (!v)
        v = http_form_field(r, "stage");
    if (!v || !*v)
        return gz_fail(err, GZ_EBADREQ, "stage",
                       "stage is required: intake, reply, verify or complete");
    st = att_stage_parse(v);
    if (st < 0)
        return gz_fail(err, GZ_EINVAL, "stage",
                       "unknown stage %.40s: intake, reply, verify or complete", v);
    *s = (enum att_stage)st;
    return 0;
}

/* The spooled photo, mapped: typed by content, checked, hashed, sized. */
struct photo {
    const char *path;
    int fd;
    size_t len;
    void *map;
    enum img_type type;
    struct img_info info;
    char sha[ATT_SHA_HEX + 1];
};

static int photo_check(struct http_req *r, struct photo *ph, struct gz_err *err)
{
    char found[64] = "";

    ph->path = http_upload(r, &ph->fd, &ph->len);
    if (!ph->path)
        return gz_fail(err, GZ_EBADREQ, "file", "the form has no file part (name it \"file\")");
    if (!ph->len)
        return gz_fail(err, GZ_EBADREQ, "file", "the file is empty");
    ph->map = mmap(NULL, ph->len, PROT_READ, MAP_PRIVATE, ph->fd, 0);
    if (ph->map == MAP_FAILED) {
        ph->map = NULL;
        return gz_fail(err, GZ_EIO, "file", "the upload cannot be read");
    }
    if (img_sniff(ph->map, ph->len, &ph->type, found, sizeof(found), err))
        return err->code;
    if (ph->type == IMG_NONE)
        return gz_fail(err, GZ_EMEDIA, "file",
                       "the file is %s by its content; send a JPEG, PNG or WebP photo", found);
    if (img_inspect(ph->type, ph->map, ph->len, &ph->info, err)) {
        char why[sizeof(err->msg)];
        snprintf(why, sizeof(why), "%s", err->msg);
        return gz_fail(err, GZ_EMEDIA, "file", "%s", why);
    }
    blobs_hash(ph->map, ph->len, ph->sha);
    return 0;
}

struct add_ctx {
    const struct principal *p;
    enum att_stage stage;
};

/* Inside the writer: the case may have moved since the check; the event names the photo. */
static int add_fn(void *arg, const struct case_rec *c, struct attachment *a, struct event *ev,
                  struct gz_err *err)
{
    struct add_ctx *x = arg;
    json_t *body;

    if (!att_stage_open(x->stage, c->status))
        return gz_fail(err, GZ_ECONFLICT, "stage", "%s photos are not taken while the case is %s",
                       att_stage_name(x->stage), case_status_name(c->status));
    snprintf(ev->kind, sizeof(ev->kind), "attachment");
    ev->actor_account_id = x->p->account_id;
    ev->actor_unit_id = a->unit_id;
    ev->at = a->at;
    ev->internal = !att_stage_public(x->stage);
    body = json_pack("{s:I, s:s, s:s, s:I}", "attachment_id", (json_int_t)a->id, "stage",
                     att_stage_name(x->stage), "mime", a->mime, "bytes", (json_int_t)a->bytes);
    ev->body = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(body);
    return ev->body ? 0 : gz_fail(err, GZ_ENOMEM, "", "out of memory");
}

/* Keep the bytes (durable first), then the row and its event. */
static int photo_store(struct http_req *r, struct app *app, const struct principal *p,
                       struct photo *ph, struct attachment *a, struct gz_err *err)
{
    struct add_ctx x = {p, a->stage};
    bool existed, moved;

    if (blobs_put(app->blobs, ph->path, ph->fd, ph->sha, &existed, &moved, err))
        return err->code;
    if (moved)
        http_upload_keep(r);
    memcpy(a->sha256, ph->sha, sizeof(a->sha256));
    snprintf(a->mime, sizeof(a->mime), "%s", img_mime(ph->type));
    a->bytes = (int64_t)ph->len;
    a->width = ph->info.width;
    a->height = ph->info.height;
    a->uploaded_by = p->account_id;
    a->at = time_now();
    return store_attachment_add(app->store, http_param(r, "number"), a, add_fn, &x, err);
}

static void reply_created(struct http_req *r, const struct attachment *a)
{
    char loc[64];

    snprintf(loc, sizeof(loc), "/api/v1/attachments/%lld", (long long)a->id);
    http_add_header(r, "Location", loc);
    http_reply_json(r, 201, att_json(a));
}

int api_attachment_take(struct http_req *r, struct app *app, const struct principal *p,
                        struct attachment *a, struct gz_err *err)
{
    struct photo ph = {0};
    int rc = photo_check(r, &ph, err) || photo_store(r, app, p, &ph, a, err);

    if (ph.map)
        munmap(ph.map, ph.len);
    return rc ? (err->code ? err->code : GZ_EIO) : 0;
}

struct count_ctx {
    enum att_stage stage;
    int n;
};

static int count_item(void *arg, const struct attachment *a)
{
    struct count_ctx *x = arg;

    x->n += a->stage == x->stage;
    return 0;
}

int api_attachment_count(struct app *app, int64_t case_id, enum att_stage s)
{
    struct count_ctx x = {s, 0};
    struct gz_err err = {0};

    return store_attachment_list(app->store, case_id, count_item, &x, &err) ? -1 : x.n;
}

static void post_attachment(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct case_rec c;
    struct attachment a = {0};
    struct gz_err err = {0};

    if (api_principal(r, app, &p) || visible_case(r, app, &p, &c))
        return;
    if (parse_stage(r, &a.stage, &err) || upload_rights(app, &p, &c, a.stage, &a.unit_id, &err) ||
        api_attachment_take(r, app, &p, &a, &err))
        reply_refused(r, &c, &err);
    else
        reply_created(r, &a);
    case_release(&c);
}

/* ---- serving ---- */

static int64_t path_id(struct http_req *r)
{
    const char *v = http_param(r, "id");
    long long id = 0;

    return v && text_parse_i64(v, 1, INT64_MAX, &id) ? (int64_t)id : 0;
}

/* 304 when the client holds this version already. */
static bool not_modified(struct http_req *r, const char *etag)
{
    const char *inm = http_header(r, "If-None-Match");

    http_add_header(r, "ETag", etag);
    if (!inm || strcmp(inm, etag) != 0)
        return false;
    http_reply(r, 304, "application/octet-stream", NULL, 0);
    return true;
}

static void get_attachment(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct attachment a;
    struct case_rec c;
    struct gz_err err = {0};
    char etag[ATT_SHA_HEX + 3];
    int fd;
    size_t len;

    if (api_principal(r, app, &p))
        return;
    case_init(&c);
    if (store_attachment_get(app->store, path_id(r), &a, &err) ||
        store_case_get(app->store, NULL, a.case_id, &c, &err) || !api_case_visible(app, &p, &c) ||
        !may_see(&p, &a)) {
        http_reply_error(r, 404, "not_found", "id", "attachment %s not found", http_param(r, "id"));
        goto out;
    }
    snprintf(etag, sizeof(etag), "\"%s\"", a.sha256);
    http_add_header(r, "Cache-Control", "private");
    if (not_modified(r, etag))
        goto out;
    if (blobs_open_file(app->blobs, a.sha256, &fd, &len, &err))
        api_fail(r, &err);
    else
        http_reply_fd(r, 200, img_mime(img_type_of(a.mime)), fd, len);
out:
    case_release(&c);
}

/* The public copy: read, stripped of GPS, answered from memory. */
static int public_copy(struct app *app, const struct attachment *a, uint8_t **out, size_t *n,
                       struct gz_err *err)
{
    int fd;
    size_t len;
    void *map;
    int rc;

    if (blobs_open_file(app->blobs, a->sha256, &fd, &len, err))
        return err->code;
    map = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    close(fd);
    if (map == MAP_FAILED)
        return gz_fail(err, GZ_EIO, "id", "the attachment's file cannot be read");
    rc = img_strip(img_type_of(a->mime), map, len, out, n, err);
    munmap(map, len);
    return rc;
}

/*
 * GET /public/attachments/{id}: no sign-in. Photos of public stages only,
 * never of a case found invalid (spam, out of scope); every other case is
 * public as in Open311 (NEEDSWORK: a per-case "not public" flag, DESIGN §3).
 */
static void get_public(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct attachment a;
    struct case_rec c;
    struct gz_err err = {0};
    char etag[ATT_SHA_HEX + 12];
    uint8_t *out = NULL;
    size_t n = 0;

    case_init(&c);
    if (!app->blobs || store_attachment_get(app->store, path_id(r), &a, &err) ||
        !att_stage_public(a.stage) || store_case_get(app->store, NULL, a.case_id, &c, &err) ||
        c.status == CASE_INVALID) {
        http_reply_error(r, 404, "not_found", "id", "attachment %s not found", http_param(r, "id"));
        goto out;
    }
    snprintf(etag, sizeof(etag), "\"%s-public\"", a.sha256);
    http_add_header(r, "Cache-Control", "public, max-age=86400");
    if (not_modified(r, etag))
        goto out;
    if (public_copy(app, &a, &out, &n, &err))
        http_reply_error(r, 500, "internal", "id", "the attachment cannot be served");
    else
        http_reply(r, 200, img_mime(img_type_of(a.mime)), (char *)out, n);
out:
    case_release(&c);
}

/* ---- the photos an action names ---- */

static int photo_of(struct app *app, const struct case_rec *c, enum att_stage s, const json_t *v,
                    struct gz_err *err)
{
    json_int_t id = json_is_integer(v) ? json_integer_value(v) : 0;
    struct attachment a = {0};
    struct gz_err e = {0};

    if (id < 1)
        return gz_fail(err, GZ_EINVAL, "photos",
                       "each photo is an attachment id (from POST /cases/{number}/attachments)");
    if (store_attachment_get(app->store, id, &a, &e) && e.code != GZ_ENOTFOUND) {
        *err = e;
        return err->code;
    }
    if (e.code || a.case_id != c->id || a.stage != s)
        return gz_fail(err, GZ_EINVAL, "photos", "attachment %lld is no %s photo of case %s",
                       (long long)id, att_stage_name(s), c->number);
    return 0;
}

int api_action_photos(struct app *app, const struct case_rec *c, enum att_stage s,
                      const json_t *photos, struct gz_err *err)
{
    const json_t *v;
    size_t i;

    if (!json_is_array(photos) || json_array_size(photos) > ATT_MAX_REFS)
        return gz_fail(err, GZ_EINVAL, "photos",
                       "photos must be a list of at most %d attachment ids", ATT_MAX_REFS);
    json_array_foreach(photos, i, v) {
        if (photo_of(app, c, s, v, err))
            return err->code;
    }
    return 0;
}

int api_attachments_routes(struct router *r)
{
    return router_add_upload(r, "POST", "/api/v1/cases/{number}/attachments", post_attachment,
                             upload_begin) ||
           router_add(r, "GET", "/api/v1/cases/{number}/attachments", get_list) ||
           router_add(r, "GET", "/api/v1/attachments/{id}", get_attachment) ||
           router_add(r, "GET", "/public/attachments/{id}", get_public);
}
