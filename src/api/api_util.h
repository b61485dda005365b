/*
 * api_util.h - what every handler needs: the request body as JSON, the
 * caller's identity and rights, errors mapped to statuses, pages and times.
 */
#ifndef GZ_API_UTIL_H
#define GZ_API_UTIL_H

#include <jansson.h>

#include "api/api.h"
#include "core/auth.h"
#include "http/server.h"
#include "store/store.h"
#include "svc/intake.h"

/* Parse the body as a JSON object; on failure answer 400/415 and return NULL. */
json_t *api_body(struct http_req *r);
/* Who is calling; on failure answer 401 and return nonzero. */
int api_principal(struct http_req *r, struct app *app, struct principal *p);
/* Answer an error from a gz_err, with the status its code maps to. */
void api_fail(struct http_req *r, const struct gz_err *err);
/* The HTTP status for a GZ_E* code. */
int api_status(int code);
/* 403 with a message. */
void api_forbidden(struct http_req *r, const char *what);
/* Does p hold role (or admin) over unit_id (the unit or an ancestor)? */
bool api_role_over(struct app *app, const struct principal *p, enum role role, int64_t unit_id);
/* Is p an admin of a root unit (platform-wide administration)? */
bool api_root_admin(struct app *app, const struct principal *p);

/*
 * Read ?limit= and ?cursor=; on failure answer 400 and return nonzero.
 * Lists keyed by code pass code_buf (the cursor must be a code cursor),
 * lists keyed by id pass NULL.
 */
int api_page(struct http_req *r, struct store_page *pg, char *code_buf, size_t code_size);
/* Encode an opaque cursor for the next page (id or code). */
json_t *api_cursor_id(int64_t id);
json_t *api_cursor_code(const char *code);
/* {"items": items, "next_cursor": next} */
json_t *api_list(json_t *items, json_t *next);
/* RFC 3339 string of a time. */
json_t *api_time(int64_t t);
/* An active unit given as an id or a code; 0 with err naming `field` when there is none. */
int64_t api_unit_ref(struct app *app, const json_t *v, const char *field, struct gz_err *err);
/* A required coordinate query parameter within ±limit; answers 400 naming it when bad. */
int api_coord(struct http_req *r, const char *name, double limit, double *out);
/* RFC 3339 with Z or an offset, or YYYY-MM-DD (local midnight in the process's zone). */
bool api_parse_time(const char *s, int64_t *out);
/* The intake pipeline's parts, from the app. */
void api_intake_deps(struct app *app, struct intake_deps *d);

/*
 * API clients on the native API (access.c). api_caller is api_principal for
 * the endpoints a client system may use too: a person's bearer token, or a
 * client's key (Authorization: ApiKey <key>, or X-Api-Key) within its scope
 * (403 when its access is none, or it only reads and this is a write).
 */
int api_caller(struct http_req *r, struct app *app, struct principal *p);
/* The client key the request carries, or NULL. */
const char *api_client_key(struct http_req *r);
/* Note that a client was answered case `number` (nothing for people). */
void api_access_note(const struct principal *p, const char *number);
/* After answering: a client's access record (method, path, status, the cases noted). */
void api_access_done(struct http_req *r, struct app *app, const struct principal *p);

#endif
