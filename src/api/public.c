/*
 * public.c - what the public portal needs beyond Open311's public reads
 * (a case by number, the open cases on a map: /open311/v2/requests):
 *   POST /api/v1/public/reports      a resident's report, without an account
 *   POST /api/v1/public/reports/{number}/attachments?token=   a photo with that report
 *   GET  /api/v1/public/reports/{number}/attachments   a case's public photos (id, stage,
 *                                    time, the GPS-free URL; none of a case found invalid)
 *   GET  /api/v1/public/leaderboard  ?period=2026-11&level=street: the ranking
 *   GET  /api/v1/public/units        ?kind=street: territorial units and their jurisdictions
 *                                    (for the portal's map; no contacts)
 *   GET  /api/v1/public/city         the city's time zone (dates are shown in it) and the
 *                                    map tile URL (setting web.tile_url; null: no tiles)
 * No sign-in, so nothing personal goes out: the report's answer is its number
 * and status; the leaderboard is unit names and the three rates.
 * Reports are channel `web`, taken in by the platform (no actor account) through
 * the intake pipeline like any other; a resident may leave a name and phone
 * for the callback (stored, shown to staff as usual, never on a public
 * endpoint). Each client address may send PUBLIC_REPORTS_PER_HOUR reports an
 * hour (429 with Retry-After past it); an Idempotency-Key makes a retry safe.
 *
 * A photo goes with a report in a second request (the body is spooled like any
 * upload, api/attachments.c). Case numbers are sequential, so the report's
 * answer carries a `photo_token`: an HMAC of the number under a key made at
 * start (a restart ends the tokens; the photo goes right after the report). It
 * admits at most PUBLIC_PHOTOS photos of stage intake on a web case within
 * PUBLIC_PHOTO_WINDOW of its intake, and each counts against the address's
 * hourly throttle like a report.
 */
#include "gz.h"

#include <pthread.h>
#include <sodium.h>

#include "api/attachments.h"
#include "api/kpi_json.h"
#include "api/kpi_req.h"
#include "core/throttle.h"
#include "util/json.h"
#include "util/timeutil.h"

#define PUBLIC_REPORTS_PER_HOUR 20
#define PUBLIC_THROTTLE_SLOTS 4096
#define PUBLIC_PHOTOS 3
#define PUBLIC_PHOTO_WINDOW 3600 /* seconds after the report */

static struct throttle *per_ip;
static pthread_once_t per_ip_once = PTHREAD_ONCE_INIT;

static unsigned char photo_key[crypto_auth_KEYBYTES];

/* One table for the process: it outlives every request, and the OS frees it at exit. */
static void per_ip_init(void)
{
    per_ip = throttle_new(PUBLIC_THROTTLE_SLOTS, 0, 3600);
    crypto_auth_keygen(photo_key);
}

/* The hex HMAC of a case number: what lets the reporter's browser add photos. */
static void photo_token(const char *number, char hex[2 * crypto_auth_BYTES + 1])
{
    unsigned char mac[crypto_auth_BYTES];

    pthread_once(&per_ip_once, per_ip_init);
    crypto_auth(mac, (const unsigned char *)number, strlen(number), photo_key);
    sodium_bin2hex(hex, 2 * crypto_auth_BYTES + 1, mac, sizeof(mac));
}

static bool photo_token_ok(const char *number, const char *hex)
{
    unsigned char mac[crypto_auth_BYTES];
    size_t n = 0;

    if (!hex || strlen(hex) != 2 * crypto_auth_BYTES ||
        sodium_hex2bin(mac, sizeof(mac), hex, strlen(hex), NULL, &n, NULL) || n != sizeof(mac))
        return false;
    pthread_once(&per_ip_once, per_ip_init);
    return crypto_auth_verify(mac, (const unsigned char *)number, strlen(number), photo_key) == 0;
}

static const char *const report_keys[] = {"text", "lat",   "lon",      "address",
                                          "name", "phone", "category", NULL};

static int coord(const json_t *body, const char *key, double limit, double *out, struct gz_err *err)
{
    const json_t *v = json_object_get(body, key);

    if (!v || json_is_null(v))
        return 0;
    if (!json_is_number(v) || json_number_value(v) < -limit || json_number_value(v) > limit)
        return gz_fail(err, GZ_EINVAL, key, "%s must be a number from -%g to %g", key, limit,
                       limit);
    *out = json_number_value(v);
    return 0;
}

static int parse_report(struct app *app, const json_t *body, struct case_rec *c, struct gz_err *err)
{
    struct category cat;

    if (json_check_keys(body, report_keys, err) ||
        json_get_strdup(body, "text", &c->text, 4 * CASE_MAX_TEXT_CHARS, true, err) < 0 ||
        json_get_strdup(body, "address", &c->address, 2000, false, err) < 0 ||
        json_get_str(body, "name", c->reporter_name, sizeof(c->reporter_name), false, err) < 0 ||
        json_get_str(body, "phone", c->reporter_phone, sizeof(c->reporter_phone), false, err) < 0 ||
        json_get_str(body, "category", c->category, sizeof(c->category), false, err) < 0 ||
        coord(body, "lat", 90, &c->lat, err) || coord(body, "lon", 180, &c->lon, err))
        return err->code ? err->code : GZ_EINVAL;
    if ((c->lat == CASE_NO_COORD) != (c->lon == CASE_NO_COORD))
        return gz_fail(err, GZ_EINVAL, c->lat == CASE_NO_COORD ? "lat" : "lon",
                       "lat and lon go together");
    if (c->category[0]) {
        if (store_category_get(app->store, c->category, &cat, err))
            return gz_fail(err, GZ_EINVAL, "category", "unknown category %s", c->category);
        category_release(&cat);
    }
    c->channel = CHANNEL_WEB;
    return case_validate_intake(c, err);
}

static int throttled(struct http_req *r)
{
    char retry[16];
    int wait;

    pthread_once(&per_ip_once, per_ip_init);
    wait = per_ip ? throttle_take(per_ip, http_peer(r), PUBLIC_REPORTS_PER_HOUR, time_now()) : 0;
    if (!wait)
        return 0;
    snprintf(retry, sizeof(retry), "%d", wait);
    http_add_header(r, "Retry-After", retry);
    http_reply_error(r, 429, "too_many_requests", "",
                     "too many reports from this address; "
                     "try again in %d s",
                     wait);
    return -1;
}

static void reply_report(struct http_req *r, const struct case_rec *c)
{
    char tok[2 * crypto_auth_BYTES + 1];

    photo_token(c->number, tok);
    http_reply_json(r, 201,
                    json_pack("{s:s, s:s, s:o, s:s}", "number", c->number, "status",
                              case_status_name(c->status), "created_at", api_time(c->created_at),
                              "photo_token", tok));
}

static void post_report(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct case_rec c;
    struct intake_deps deps;
    struct intake_out o = {0};
    struct gz_err err = {0};
    const char *key = http_header(r, "Idempotency-Key");
    json_t *body;

    if (throttled(r) || !(body = api_body(r)))
        return;
    case_init(&c);
    api_intake_deps(app, &deps);
    if (key && (!*key || strlen(key) > 128))
        gz_fail(&err, GZ_EBADREQ, "Idempotency-Key", "Idempotency-Key must be 1-128 bytes");
    else if (!parse_report(app, body, &c, &err) &&
             intake_submit(&deps, &c, 0, key, false, &o, &err) && !err.code)
        gz_fail(&err, GZ_EIO, "", "the report could not be taken in");
    if (err.code)
        api_fail(r, &err);
    else
        reply_report(r, &c);
    intake_out_release(&o);
    case_release(&c);
    json_decref(body);
}

/* Before the photo's body: a token that opens the report (a wrong one costs the address no
   report), within the address's throttle, and of at most the upload limit. */
static size_t photo_begin(struct http_req *r, void *arg)
{
    struct app *app = arg;

    if (!photo_token_ok(http_param(r, "number"), http_query(r, "token"))) {
        http_reply_error(r, 403, "forbidden", "token", "the token does not open this report");
        return 0;
    }
    if (throttled(r))
        return 0;
    if (!app->blobs) {
        http_reply_error(r, 500, "internal", "file", "this server keeps no files");
        return 0;
    }
    return api_attachment_limit(app);
}

/* The case may take a resident's photo: its token, a web report, recent, still open. */
static int photo_case(struct http_req *r, struct app *app, struct case_rec *c, struct gz_err *err)
{
    const char *number = http_param(r, "number");

    if (!photo_token_ok(number, http_query(r, "token")))
        return gz_fail(err, GZ_EFORBIDDEN, "token", "the token does not open this report");
    if (store_case_get(app->store, number, 0, c, err))
        return err->code;
    if (c->channel != CHANNEL_WEB || c->intake_account_id || c->reporter_account_id ||
        time_now() - c->created_at > PUBLIC_PHOTO_WINDOW || !att_stage_open(ATT_INTAKE, c->status))
        return gz_fail(err, GZ_ECONFLICT, "number",
                       "photos go with a report within an hour of it, while it is open");
    if (api_attachment_count(app, c->id, ATT_INTAKE) >= PUBLIC_PHOTOS)
        return gz_fail(err, GZ_ECONFLICT, "file", "a report takes at most %d photos",
                       PUBLIC_PHOTOS);
    return 0;
}

/* POST /api/v1/public/reports/{number}/attachments?token=: the platform takes it in. */
static void post_photo(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p = {0};
    struct case_rec c;
    struct attachment a = {.stage = ATT_INTAKE};
    struct gz_err err = {0};
    char url[64];

    case_init(&c);
    if (photo_case(r, app, &c, &err) || api_attachment_take(r, app, &p, &a, &err)) {
        api_fail(r, &err);
    } else {
        snprintf(url, sizeof(url), "/public/attachments/%lld", (long long)a.id);
        http_reply_json(r, 201,
                        json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)a.id, "stage", "intake",
                                  "mime", a.mime, "public_url", url));
    }
    case_release(&c);
}

static int add_public_photo(void *arg, const struct attachment *a)
{
    char url[64];

    if (!att_stage_public(a->stage))
        return 0;
    snprintf(url, sizeof(url), "/public/attachments/%lld", (long long)a->id);
    json_array_append_new(arg, json_pack("{s:I, s:s, s:o, s:s}", "id", (json_int_t)a->id, "stage",
                                         att_stage_name(a->stage), "at", api_time(a->at),
                                         "public_url", url));
    return 0;
}

/* GET /api/v1/public/reports/{number}/attachments: what /public/attachments/{id} serves. */
static void get_photos(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct case_rec c;
    struct gz_err err = {0};
    json_t *items = json_array();

    case_init(&c);
    if (store_case_get(app->store, http_param(r, "number"), 0, &c, &err))
        api_fail(r, &err);
    else if (c.status != CASE_INVALID &&
             store_attachment_list(app->store, c.id, add_public_photo, items, &err))
        api_fail(r, &err);
    else
        http_reply_json(r, 200, json_pack("{s:s, s:O}", "number", c.number, "items", items));
    json_decref(items);
    case_release(&c);
}

/* The ranking with only what a resident needs: no counts that could single out a case. */
static json_t *public_items(const json_t *ranking)
{
    static const char *const rates[] = {"response_rate", "resolution_rate", "satisfaction_rate"};
    json_t *out = json_array(), *it;
    size_t i;

    json_array_foreach(json_object_get(ranking, "items"), i, it) {
        json_t *ind = json_object_get(it, "indicators"), *pub = json_object();
        for (size_t k = 0; k < GZ_ARRAY_LEN(rates); k++) {
            json_t *v = json_object_get(ind, rates[k]);
            json_object_set(pub, rates[k], v ? v : json_null());
        }
        json_array_append_new(out,
                              json_pack("{s:O, s:O, s:O, s:o}", "rank", json_object_get(it, "rank"),
                                        "unit", json_object_get(it, "unit"), "score",
                                        json_object_get(it, "score"), "indicators", pub));
    }
    return out;
}

static void get_leaderboard(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct kpi_config cfg;
    struct period per;
    enum unit_kind level;
    struct gz_err err = {0};
    json_t *doc;

    if (kpi_begin(r, app, &cfg) || kpi_q_period(r, "period", &cfg, &per) ||
        kpi_q_kind(r, "level", UNIT_STREET, &level))
        return;
    doc = kpi_ranking(app, &cfg, &per, level, kpi_default_basis(level), &err);
    if (!doc)
        return api_fail(r, &err);
    http_reply_json(r, 200,
                    json_pack("{s:O, s:O, s:o}", "period", json_object_get(doc, "period"), "level",
                              json_object_get(doc, "level"), "items", public_items(doc)));
    json_decref(doc);
}

static json_t *setting_or_null(struct store *s, const char *key)
{
    char v[512];
    struct gz_err err = {0};

    if (store_setting_get(s, key, v, sizeof(v), &err) || !v[0])
        return json_null();
    return json_string(v);
}

static void get_city(struct http_req *r, void *arg)
{
    struct app *app = arg;
    json_t *tz = setting_or_null(app->store, "timezone");

    if (json_is_null(tz)) {
        json_decref(tz);
        tz = json_string("Asia/Shanghai");
    }
    http_reply_json(r, 200,
                    json_pack("{s:o, s:o}", "timezone", tz, "tile_url",
                              setting_or_null(app->store, "web.tile_url")));
}

struct pub_units {
    json_t *items;
    int64_t last;
};

static int add_pub_unit(void *arg, const struct unit *u, const char *pc)
{
    struct pub_units *c = arg;
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)u->id, "code", u->code,
                  "name", u->name, "name_en", u->name_en, "kind", unit_kind_name(u->kind),
                  "parent_id", u->parent_id ? json_integer(u->parent_id) : json_null());

    (void)pc;
    if (u->jurisdiction)
        json_object_set_new(o, "jurisdiction", json_loads(u->jurisdiction, 0, NULL));
    json_array_append_new(c->items, o);
    c->last = u->id;
    return 0;
}

static void get_units(struct http_req *r, void *arg)
{
    struct app *app = arg;
    const char *kind = http_query(r, "kind");
    struct unit_filter f = {.kind = -1, .active = 1, .with_geometry = true};
    struct store_page pg;
    struct pub_units c = {NULL, 0};
    struct gz_err err = {0};

    f.kind = kind ? unit_kind_parse(kind) : UNIT_STREET;
    if (f.kind < 0 || unit_kind_level(f.kind) < 0)
        return http_reply_error(r, 400, "bad_request", "kind",
                                "kind must be a territorial unit kind (city ... grid)");
    if (api_page(r, &pg, NULL, 0))
        return;
    c.items = json_array();
    if (store_unit_list(app->store, &f, &pg, add_pub_unit, &c, &err)) {
        json_decref(c.items);
        return api_fail(r, &err);
    }
    http_reply_json(r, 200,
                    api_list(c.items, json_array_size(c.items) == (size_t)pg.limit
                                          ? api_cursor_id(c.last)
                                          : json_null()));
}

int api_public_routes(struct router *r)
{
    return router_add(r, "POST", "/api/v1/public/reports", post_report) ||
           router_add_upload(r, "POST", "/api/v1/public/reports/{number}/attachments", post_photo,
                             photo_begin) ||
           router_add(r, "GET", "/api/v1/public/reports/{number}/attachments", get_photos) ||
           router_add(r, "GET", "/api/v1/public/leaderboard", get_leaderboard) ||
           router_add(r, "GET", "/api/v1/public/city", get_city) ||
           router_add(r, "GET", "/api/v1/public/units", get_units);
}
