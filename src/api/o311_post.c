/*
 * o311_post.c - POST requests.json|xml: a GeoReport report becomes a case
 * on channel open311 through the intake pipeline, under the account of the
 * client system whose api_key came with it.
 *
 * The body is application/x-www-form-urlencoded UTF-8 (io/form.c: parsed
 * from the body the server has already read, so the parser is a pure
 * function with its own fuzz target; libmicrohttpd's post processor would
 * have meant feeding it inside the server's upload callback for no gain at
 * GeoReport's sizes). Arguments: service_code; lat+long, address_string or
 * address_id (one is required); description (at most 4,000 characters; the
 * service's name when empty); first_name, last_name, phone (the case's
 * reporter); email, device_id, account_id (kept apart, never published);
 * media_url; attribute[CODE] and attribute[CODE][] (checked against the
 * service's definition). Idempotency-Key is honoured as on /api/v1/cases.
 *
 * The answer names the case (service_request_id, 201), or with the city's
 * Open311 type set to batch a token (202) that tokens/{token} resolves.
 * service_notice is the category's knowledge-base answer when it has one.
 */
#include "gz.h"

#include <math.h>
#include <sodium.h>

#include "api/o311.h"
#include "core/attrdef.h"
#include "io/form.h"
#include "svc/intake.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timeutil.h"

#define DESCRIPTION_MAX_CHARS 4000 /* the spec's limit */
#define REF_MAX 128                /* address_id, device_id, account_id: bytes */
#define EMAIL_MAX 254
#define URL_MAX 2000
#define ADDRESS_MAX 2000
#define TOKEN_BYTES 16
#define IDEM_KEY_MAX 128

/* A report as read from the form, before it is a case. */
struct report {
    struct case_rec c;
    const char *email, *device_id, *account_ref, *media_url, *address_id;
    char *attributes;                /* JSON answers, heap */
    char *notice;                    /* the category's knowledge-base answer, heap */
    char token[2 * TOKEN_BYTES + 1]; /* hex */
};

static int bad(struct gz_err *err, const char *field, const char *msg)
{
    return gz_fail(err, GZ_EBADREQ, field, "%s: %s", field, msg);
}

/* A field error from a check made elsewhere, as a 400 naming the field first. */
static int as_bad_request(struct gz_err *err)
{
    struct gz_err e = *err;

    if (strncmp(e.msg, e.field, strlen(e.field)) == 0)
        return gz_fail(err, GZ_EBADREQ, e.field, "%s", e.msg);
    return gz_fail(err, GZ_EBADREQ, e.field, "%s: %s", e.field, e.msg);
}

/* ---- reading the form ---- */

static const char *const single_fields[] = {
    "api_key",        "jurisdiction_id", "service_code", "lat",         "long",
    "address_string", "address_id",      "email",        "device_id",   "account_id",
    "first_name",     "last_name",       "phone",        "description", "media_url",
};

static int no_repeats(const struct form *f, struct gz_err *err)
{
    for (size_t i = 0; i < GZ_ARRAY_LEN(single_fields); i++)
        if (form_count(f, single_fields[i]) > 1)
            return bad(err, single_fields[i], "given more than once");
    return 0;
}

/* An optional one-line reference of at most max bytes (NULL when absent). */
static int ref_arg(struct http_req *r, const struct o311_req *q, const char *name, size_t max,
                   const char **out, struct gz_err *err)
{
    const char *v = o311_param(r, q, name);

    *out = v;
    if (v && (strlen(v) > max || strpbrk(v, "\r\n\t")))
        return gz_fail(err, GZ_EBADREQ, name, "%s: one line of at most %zu bytes", name, max);
    return 0;
}

static int coord_arg(const char *v, const char *name, double limit, double *out, struct gz_err *err)
{
    char *end;

    *out = strtod(v, &end);
    if (end == v || *end || !isfinite(*out) || fabs(*out) > limit)
        return gz_fail(err, GZ_EBADREQ, name, "%s: must be a number from -%g to %g", name, limit,
                       limit);
    return 0;
}

static int location(struct http_req *r, const struct o311_req *q, struct report *rep,
                    struct gz_err *err)
{
    const char *lat = o311_param(r, q, "lat"), *lon = o311_param(r, q, "long");
    const char *addr = o311_param(r, q, "address_string");

    if (!lat != !lon)
        return bad(err, lat ? "long" : "lat", "lat and long must be given together");
    if (lat && (coord_arg(lat, "lat", 90, &rep->c.lat, err) ||
                coord_arg(lon, "long", 180, &rep->c.lon, err)))
        return err->code;
    if (ref_arg(r, q, "address_id", REF_MAX, &rep->address_id, err))
        return err->code;
    if (addr && strlen(addr) > ADDRESS_MAX)
        return bad(err, "address_string", "at most 2000 bytes");
    if (addr && !(rep->c.address = strdup(addr)))
        return gz_fail(err, GZ_ENOMEM, "address_string", "out of memory");
    if (!lat && !addr && !rep->address_id)
        return bad(err, "lat",
                   "a location is required: lat and long, address_string or address_id");
    return 0;
}

/* first_name and last_name as the reporter's name; phone without ( ) and dots. */
static int reporter(struct http_req *r, const struct o311_req *q, struct report *rep,
                    struct gz_err *err)
{
    const char *first = o311_param(r, q, "first_name"), *last = o311_param(r, q, "last_name");
    const char *phone = o311_param(r, q, "phone");
    size_t k = 0;
    int n = snprintf(rep->c.reporter_name, sizeof(rep->c.reporter_name), "%s%s%s",
                     first ? first : "", first && last ? " " : "", last ? last : "");

    if (n < 0 || (size_t)n >= sizeof(rep->c.reporter_name))
        return bad(err, "first_name", "first_name and last_name are too long");
    for (const char *p = phone; p && *p; p++) {
        if (*p == '(' || *p == ')' || *p == '.')
            continue;
        if (k + 1 >= sizeof(rep->c.reporter_phone))
            return bad(err, "phone", "too long");
        rep->c.reporter_phone[k++] = *p;
    }
    rep->c.reporter_phone[k] = '\0';
    if (k && !text_is_phone(rep->c.reporter_phone))
        return bad(err, "phone", "must be 5-20 digits, with + - ( ) . or spaces");
    return 0;
}

static int contact(struct http_req *r, const struct o311_req *q, struct report *rep,
                   struct gz_err *err)
{
    if (ref_arg(r, q, "email", EMAIL_MAX, &rep->email, err) ||
        ref_arg(r, q, "device_id", REF_MAX, &rep->device_id, err) ||
        ref_arg(r, q, "account_id", REF_MAX, &rep->account_ref, err) ||
        ref_arg(r, q, "media_url", URL_MAX, &rep->media_url, err))
        return err->code;
    if (rep->email && (!strchr(rep->email, '@') || strchr(rep->email, ' ')))
        return bad(err, "email", "not an email address");
    if (rep->media_url && strncmp(rep->media_url, "http://", 7) &&
        strncmp(rep->media_url, "https://", 8))
        return bad(err, "media_url", "must be an http or https URL");
    return 0;
}

/* The service: an active category; its name stands in for a missing description. */
static int service(struct http_req *r, const struct o311_req *q, struct report *rep,
                   struct category *cat, struct gz_err *err)
{
    const char *code = o311_param(r, q, "service_code");

    if (!code)
        return bad(err, "service_code", "required (see services.json or services.xml)");
    if (!category_code_valid(code) || store_category_get(q->app->store, code, cat, err) ||
        !cat->active)
        return gz_fail(err, GZ_ENOTFOUND, "service_code", "service_code: %.32s not found", code);
    snprintf(rep->c.category, sizeof(rep->c.category), "%s", code);
    if (cat->kb_answer)
        rep->notice = strdup(cat->kb_answer);
    return 0;
}

static int description(struct http_req *r, const struct o311_req *q, struct report *rep,
                       const struct category *cat, struct gz_err *err)
{
    const char *d = o311_param(r, q, "description");

    if (d && text_utf8_len(d) > DESCRIPTION_MAX_CHARS)
        return bad(err, "description", "at most 4000 characters");
    if (!d || strspn(d, " \t\r\n") == strlen(d))
        d = cat->name;
    rep->c.text = strdup(d);
    return rep->c.text ? 0 : gz_fail(err, GZ_ENOMEM, "description", "out of memory");
}

/* attribute[CODE] answers against the service's definition. */
static int attributes(const struct o311_req *q, struct report *rep, struct gz_err *err)
{
    struct attr_answer answers[FORM_MAX_PAIRS];
    char codes[FORM_MAX_PAIRS][ATTR_CODE_MAX + 1];
    size_t n = 0;
    char *defs_text = NULL;
    json_t *defs, *got = NULL;
    int rc;

    for (size_t i = 0; i < q->form->n; i++) {
        bool multi;
        if (!strncmp(q->form->pairs[i].name, "attribute", 9) &&
            !attrdef_field(q->form->pairs[i].name, codes[n], sizeof(codes[n]), &multi))
            return bad(err, "attribute",
                       "fields are attribute[CODE]=value or attribute[CODE][]=value");
        if (strncmp(q->form->pairs[i].name, "attribute[", 10))
            continue;
        answers[n] = (struct attr_answer){codes[n], q->form->pairs[i].value, multi};
        n++;
    }
    if (store_category_attrs_get(q->app->store, rep->c.category, &defs_text, err))
        return err->code;
    defs = json_loads(defs_text ? defs_text : "[]", 0, NULL);
    free(defs_text);
    rc = defs ? attrdef_check(defs, answers, n, &got, err)
              : gz_fail(err, GZ_EIO, "", "bad definition");
    json_decref(defs);
    if (rc)
        return as_bad_request(err);
    rep->attributes = got ? json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(got);
    return 0;
}

static int read_report(struct http_req *r, const struct o311_req *q, struct report *rep,
                       struct gz_err *err)
{
    struct category cat;
    int rc;

    category_init(&cat);
    rc = no_repeats(q->form, err);
    if (!rc)
        rc = service(r, q, rep, &cat, err);
    if (!rc && !(rc = description(r, q, rep, &cat, err)) && !(rc = location(r, q, rep, err)) &&
        !(rc = reporter(r, q, rep, err)) && !(rc = contact(r, q, rep, err)))
        rc = attributes(q, rep, err);
    category_release(&cat);
    if (rc)
        return rc;
    rep->c.channel = CHANNEL_OPEN311;
    rep->c.created_at = time_now();
    rep->c.intake_account_id = rep->c.reporter_account_id = q->client.account_id;
    return case_validate_intake(&rep->c, err) ? as_bad_request(err) : 0;
}

/* ---- intake ---- */

/*
 * The intake pipeline every channel goes through (svc/intake): locate,
 * classify (skipped: the service names the category), duplicate search,
 * route, and automatic dispatch when a rule decides.
 */
static int submit(struct app *app, struct case_rec *c, const char *idem_key, bool *replayed,
                  struct gz_err *err)
{
    struct intake_deps deps;
    struct intake_out out = {0};
    int rc;

    api_intake_deps(app, &deps);
    rc = intake_submit(&deps, c, c->intake_account_id, idem_key, false, &out, err);
    *replayed = out.replayed;
    intake_out_release(&out);
    return rc;
}

/* Keep what the case has no place for; a replayed intake answers its first token. */
static void keep_extras(const struct o311_req *q, struct report *rep, bool replayed)
{
    struct o311_extra x = {rep->c.id,      q->client.id,    rep->token,
                           rep->email,     rep->device_id,  rep->account_ref,
                           rep->media_url, rep->address_id, rep->attributes};
    struct o311_extra_rec old;
    struct gz_err err = {0};

    if (store_o311_extra_put(q->app->store, &x, &err))
        log_warn("case %s: the Open311 extras were not kept: %s", rep->c.number, err.msg);
    if (replayed && !store_o311_extra_get(q->app->store, rep->c.id, &old, &err)) {
        snprintf(rep->token, sizeof(rep->token), "%s", old.token ? old.token : "");
        o311_extra_rec_release(&old);
    }
}

static void answer(struct http_req *r, const struct o311_req *q, const struct report *rep,
                   bool replayed)
{
    char loc[96];
    json_t *o = json_pack("{s:o, s:o}", "service_notice",
                          rep->notice ? json_string(rep->notice) : json_null(), "account_id",
                          rep->account_ref ? json_string(rep->account_ref) : json_null());

    if (replayed)
        http_add_header(r, "Idempotent-Replayed", "true");
    if (q->set.batch) {
        json_object_set_new(o, "token", json_string(rep->token));
        o311_reply(r, q->fmt, 202, "service_requests", json_pack("[o]", o));
        return;
    }
    json_object_set_new(o, "service_request_id", json_string(rep->c.number));
    snprintf(loc, sizeof(loc), "/open311/v2/requests/%s.%s", rep->c.number,
             q->fmt == O311_JSON ? "json" : "xml");
    http_add_header(r, "Location", loc);
    o311_reply(r, q->fmt, 201, "service_requests", json_pack("[o]", o));
}

static bool form_type(const char *ct)
{
    static const char t[] = "application/x-www-form-urlencoded";

    return ct && strncasecmp(ct, t, sizeof(t) - 1) == 0 &&
           (ct[sizeof(t) - 1] == '\0' || ct[sizeof(t) - 1] == ';');
}

static int idem_key(struct http_req *r, const char **key, struct gz_err *err)
{
    *key = http_header(r, "Idempotency-Key");
    if (*key && (!**key || strlen(*key) > IDEM_KEY_MAX || !text_utf8_valid(*key, strlen(*key))))
        return bad(err, "Idempotency-Key", "must be 1-128 bytes");
    return 0;
}

/* A replayed intake names the first case by id: read it whole. */
static int reload(struct app *app, struct case_rec *c, struct gz_err *err)
{
    int64_t first = c->id;

    case_release(c);
    case_init(c);
    return store_case_get(app->store, NULL, first, c, err);
}

static void report_release(struct report *rep)
{
    case_release(&rep->c);
    free(rep->attributes);
    free(rep->notice);
}

void o311_post_request(struct http_req *r, struct app *app, enum o311_fmt fmt)
{
    size_t len;
    const char *body = http_body(r, &len), *key = NULL;
    struct form form;
    struct o311_req q;
    struct report rep;
    struct gz_err err = {0};
    unsigned char raw[TOKEN_BYTES];
    bool replayed = false;

    memset(&rep, 0, sizeof(rep));
    memset(&form, 0, sizeof(form));
    case_init(&rep.c);
    if (len && !form_type(http_header(r, "Content-Type"))) {
        o311_fail(r, fmt, 400, "Content-Type: send application/x-www-form-urlencoded (UTF-8)");
        goto out;
    }
    if (form_parse(body, len, FORM_MAX_PAIRS, &form, &err)) {
        o311_fail_err(r, fmt, &err);
        goto out;
    }
    if (o311_begin(r, app, fmt, &form, true, &q))
        goto out;
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(rep.token, sizeof(rep.token), raw, sizeof(raw));
    if (idem_key(r, &key, &err) || read_report(r, &q, &rep, &err) ||
        submit(app, &rep.c, key, &replayed, &err) || (replayed && reload(app, &rep.c, &err))) {
        o311_fail_err(r, fmt, &err);
        goto out;
    }
    keep_extras(&q, &rep, replayed);
    answer(r, &q, &rep, replayed);
out:
    report_release(&rep);
    form_release(&form);
}
