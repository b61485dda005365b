/* kpi_req.c - permissions and query parameters of the performance handlers (see kpi_req.h). */
#include "gz.h"

#include "api/kpi_json.h"
#include "api/kpi_req.h"
#include "util/text.h"

int kpi_need_staff(struct http_req *r, const struct principal *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->m[i].role != ROLE_RESIDENT)
            return 0;
    api_forbidden(r, "read performance figures");
    return -1;
}

bool kpi_platform_role(struct app *app, const struct principal *p, unsigned roles)
{
    for (size_t i = 0; i < p->n; i++) {
        int64_t chain[2];
        size_t n = 0;
        struct gz_err err;
        if (!(roles & (1u << p->m[i].role)) && p->m[i].role != ROLE_ADMIN)
            continue;
        if (!store_unit_chain(app->store, p->m[i].unit_id, chain, 2, &n, &err) && n == 1)
            return true;
    }
    return false;
}

int kpi_q_period(struct http_req *r, const char *name, const struct kpi_config *cfg,
                 struct period *out)
{
    const char *v = http_query(r, name);
    struct gz_err err = {0};

    if (!v) {
        http_reply_error(r, 400, "bad_request", name, "%s is required (e.g. 2026-11)", name);
        return -1;
    }
    if (period_parse(v, cfg->start_day, name, out, &err)) {
        api_fail(r, &err);
        return -1;
    }
    return 0;
}

int kpi_q_kind(struct http_req *r, const char *name, enum unit_kind dflt, enum unit_kind *out)
{
    const char *v = http_query(r, name);
    int k = v ? unit_kind_parse(v) : (int)dflt;

    if (k < 0 || k == UNIT_CITY) {
        http_reply_error(r, 400, "bad_request", name,
                         "%s must be a kind of unit below the city (street, department, ...)",
                         name);
        return -1;
    }
    *out = (enum unit_kind)k;
    return 0;
}

int kpi_q_int(struct http_req *r, const char *name, long long min, long long max, long long dflt,
              long long *out)
{
    const char *v = http_query(r, name);

    *out = dflt;
    if (v && !text_parse_i64(v, min, max, out)) {
        http_reply_error(r, 400, "bad_request", name, "%s must be an integer from %lld to %lld",
                         name, min, max);
        return -1;
    }
    return 0;
}

int kpi_unit_ref(struct http_req *r, struct app *app, const char *value, const char *field,
                 bool path, struct unit *u)
{
    struct gz_err err = {0};
    long long id;
    int rc;

    if (!value || !*value) {
        http_reply_error(r, 400, "bad_request", field, "%s is required", field);
        return -1;
    }
    rc = text_parse_i64(value, 1, INT64_MAX, &id)
             ? store_unit_get(app->store, id, u, NULL, &err)
             : store_unit_get_by_code(app->store, value, u, NULL, &err);
    if (!rc)
        return 0;
    if (rc == GZ_ENOTFOUND)
        http_reply_error(r, path ? 404 : 400, path ? "not_found" : "bad_request", field,
                         "no unit %s", value);
    else
        api_fail(r, &err);
    return -1;
}

int kpi_begin(struct http_req *r, struct app *app, struct kpi_config *cfg)
{
    struct gz_err err = {0};

    if (kpi_prepare(app, cfg, &err)) {
        api_fail(r, &err);
        return -1;
    }
    return 0;
}
