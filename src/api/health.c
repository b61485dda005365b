/*
 * health.c - GET /api/v1/health: version, schema, uptime, and how many
 * acknowledged cases the search index has still to take in; no auth.
 */
#include "gz.h"

#include "api/api_util.h"
#include "util/timeutil.h"

static void get_health(struct http_req *r, void *arg)
{
    struct app *app = arg;

    http_reply_json(r, 200,
                    json_pack("{s:s, s:s, s:i, s:i, s:f, s:I}", "status", "ok", "version",
                              GZ_VERSION, "schema_version", store_schema_version(app->store),
                              "schema_latest", store_schema_latest(), "uptime_s",
                              time_mono() - app->started, "search_behind",
                              (json_int_t)store_search_behind(app->store)));
}

int api_health_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/health", get_health);
}
