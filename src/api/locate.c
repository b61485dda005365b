/*
 * locate.c - GET /api/v1/locate?lat=…&lon=…: the chain of territorial units
 * containing a point, deepest last; "located": false outside all of them.
 */
#include "gz.h"

#include <math.h>

#include "api/api_util.h"
#include "svc/places.h"
#include "util/json.h"

/* A coordinate parameter; answers 400 naming it and returns nonzero when bad. */
int api_coord(struct http_req *r, const char *name, double limit, double *out)
{
    const char *v = http_query(r, name);
    char *end;

    if (!v || !*v) {
        http_reply_error(r, 400, "bad_request", name, "%s is required", name);
        return -1;
    }
    *out = strtod(v, &end);
    if (*end || !isfinite(*out) || fabs(*out) > limit) {
        http_reply_error(r, 400, "bad_request", name, "%s must be a number from -%g to %g", name,
                         limit, limit);
        return -1;
    }
    return 0;
}

static void get_locate(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    int64_t ids[GEO_LEVELS];
    double lat, lon;
    json_t *units;
    int n;

    if (api_principal(r, app, &p) || api_coord(r, "lat", 90, &lat) ||
        api_coord(r, "lon", 180, &lon))
        return;
    n = places_locate(app->places, lat, lon, ids);
    units = json_array();
    for (int level = 0; level < GEO_LEVELS; level++) {
        struct unit u;
        struct gz_err err = {0};
        if (!ids[level] || store_unit_get(app->store, ids[level], &u, NULL, &err))
            continue;
        json_array_append_new(units, json_pack("{s:i, s:I, s:s, s:s, s:s, s:s}", "level", level,
                                               "id", (json_int_t)u.id, "code", u.code, "kind",
                                               unit_kind_name(u.kind), "name", u.name, "name_en",
                                               u.name_en));
        unit_release(&u);
    }
    http_reply_json(r, 200,
                    json_pack("{s:f, s:f, s:b, s:o}", "lat", lat, "lon", lon, "located", n > 0,
                              "units", units));
}

int api_locate_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/locate", get_locate);
}
