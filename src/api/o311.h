/*
 * o311.h - shared by the files of the Open311 GeoReport v2 API (open311.c,
 * o311_*.c, open311_admin.c, clients.c); not for the rest of the API.
 *
 * A GeoReport answer is built once as a jansson tree in the shape of the
 * spec's JSON (the "Spark convention": a list is an array), and written as
 * JSON or, from the same tree, as XML (o311_format.c), so the two formats
 * cannot drift apart.
 */
#ifndef GZ_O311_H
#define GZ_O311_H

#include <jansson.h>

#include "api/api_util.h"
#include "api/open311.h"
#include "core/apiclient.h"

struct form;

enum o311_fmt { O311_XML, O311_JSON };

#define O311_SPEC "http://wiki.open311.org/GeoReport_v2"
#define O311_DEFAULT_IP_RATE 600 /* unauthenticated reads per client address per minute */
#define O311_WINDOW_S 60
#define O311_MAX_LIST 200 /* service_request_id or service_code values in one query */
#define O311_MAX_PAGE 1000
#define O311_SPAN_S (90 * 86400) /* the longest start_date..end_date, and the default */

/* City settings for Open311, kept in the store's settings under "open311.*". */
struct o311_settings {
    char jurisdiction_id[128]; /* "" = not checked */
    char contact[512];
    char key_service[512];
    char base_url[256];  /* "" = http://<Host>/open311/v2 */
    int ip_rate_per_min; /* 0 = no limit */
    bool batch;          /* POST answers a token; the services say type batch */
    int64_t changeset;   /* last change of these settings or of a service definition */
};

/* One GeoReport request being answered. */
struct o311_req {
    struct app *app;
    enum o311_fmt fmt;
    bool en;                 /* English names where there are some; else the primary names */
    const struct form *form; /* POST: the body's fields, read before the query string */
    bool has_client;         /* an api_key was given, and is valid */
    struct api_client client;
    struct o311_settings set;
};

/* ---- o311_state.c: settings and quotas ---- */
void o311_settings_get(const struct o311 *o, struct o311_settings *out);
/* Store every setting and make them current. */
int o311_settings_put(struct o311 *o, struct store *s, const struct o311_settings *set,
                      struct gz_err *err) __attribute__((warn_unused_result));
/* Record that the service list or a definition changed now (discovery's changeset). */
int o311_changed(struct o311 *o, struct store *s, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Count a request against a quota; the seconds to wait when it is spent, else 0. */
int o311_take_key(struct o311 *o, const struct api_client *c, int64_t now);
int o311_take_ip(struct o311 *o, const char *peer, int per_min, int64_t now);

/* ---- o311_format.c: answers ---- */
/* Answer doc (the reference is taken): JSON as it is, or XML under the element root. */
void o311_reply(struct http_req *r, enum o311_fmt fmt, int status, const char *root, json_t *doc);
/* The spec's error list [{code, description}] with HTTP status. */
void o311_fail(struct http_req *r, enum o311_fmt fmt, int status, const char *msg, ...)
    __attribute__((format(printf, 4, 5)));
/* An error from a gz_err: 404, 403 or 400 (the spec's three), the field leading the text. */
void o311_fail_err(struct http_req *r, enum o311_fmt fmt, const struct gz_err *err);
/* doc as an XML document (malloc'd, *len set); NULL when out of memory. */
char *o311_xml(const json_t *doc, const char *root, size_t *len);

/* ---- o311_params.c: arguments ---- */
/* A parameter (the form's first, then the query's); NULL when absent or empty. */
const char *o311_param(struct http_req *r, const struct o311_req *q, const char *name);
/*
 * Every value of a list parameter, given comma-separated and/or repeated,
 * into out[max] (request memory); *n set. Answers 400 and returns nonzero
 * when there are more than max or one is empty or longer than item_max.
 */
int o311_list(struct http_req *r, const struct o311_req *q, const char *name, size_t item_max,
              const char **out, size_t max, size_t *n);
/* A W3C date-time parameter; 0 when absent (*set false), nonzero after answering 400. */
int o311_time(struct http_req *r, const struct o311_req *q, const char *name, int64_t *out,
              bool *set);
/* An integer parameter in [min, max] (dflt when absent); nonzero after answering 400. */
int o311_int(struct http_req *r, const struct o311_req *q, const char *name, long long min,
             long long max, long long dflt, long long *out);
/* A true/false parameter; nonzero after answering 400. */
int o311_flag(struct http_req *r, const struct o311_req *q, const char *name, bool *out);
/*
 * The checks every GeoReport request starts with: jurisdiction_id, the
 * api_key (required when need_key) and the quotas, the language. Fills q;
 * nonzero after answering.
 */
int o311_begin(struct http_req *r, struct app *app, enum o311_fmt fmt, const struct form *form,
               bool need_key, struct o311_req *q);
/* The name of a category or unit in q's language (the primary one when there is no English). */
const char *o311_name(const struct o311_req *q, const char *name, const char *name_en);

/* ---- the methods ---- */
void o311_get_requests(struct http_req *r, struct o311_req *q);
void o311_get_request(struct http_req *r, struct o311_req *q, const char *id);
void o311_post_request(struct http_req *r, struct app *app, enum o311_fmt fmt);
/* The public form of one request (o311_requests.c), for lists and single requests. */
json_t *o311_request_json(const struct o311_req *q, const struct o311_row *row, bool extensions);

#endif
