/* parse.c - JSON to domain structs (see parse.h). */
#include "gz.h"

#include <stdlib.h>

#include "io/parse.h"
#include "util/json.h"

static int parse_kind(const json_t *o, struct unit *u, struct gz_err *err)
{
    char kind[32];
    int rc = json_get_str(o, "kind", kind, sizeof(kind), false, err), k;

    if (rc)
        return rc < 0 ? rc : 0;
    k = unit_kind_parse(kind);
    if (k < 0)
        return gz_fail(err, GZ_EINVAL, "kind",
                       "kind must be one of city, district, street, community, grid, department, "
                       "party, mass_org, enterprise, social_org, volunteer_team");
    u->kind = (enum unit_kind)k;
    return 0;
}

static int parse_parent(const json_t *o, struct unit *u, char *parent_code, struct gz_err *err)
{
    const json_t *v = json_object_get(o, "parent");

    if (!v)
        return 0;
    parent_code[0] = '\0';
    if (json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0)) {
        u->parent_id = 0;
        return 0;
    }
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        u->parent_id = json_integer_value(v);
        return 0;
    }
    if (json_is_string(v) && json_string_length(v) <= GZ_MAX_CODE) {
        memcpy(parent_code, json_string_value(v), json_string_length(v) + 1);
        u->parent_id = 0;
        return 0;
    }
    return gz_fail(err, GZ_EINVAL, "parent", "parent must be a unit code, a unit id or null");
}

static int parse_geometry(const json_t *o, struct unit *u, struct gz_err *err)
{
    const json_t *v = json_object_get(o, "jurisdiction");
    char *text;

    if (!v)
        return 0;
    if (json_is_object(v) && json_is_object(json_object_get(v, "geometry")))
        v = json_object_get(v, "geometry"); /* a whole Feature is fine too */
    text = json_is_null(v) ? NULL : json_dumps(v, JSON_COMPACT);
    if (!json_is_null(v) && !text)
        return gz_fail(err, GZ_EINVAL, "jurisdiction", "jurisdiction must be a GeoJSON geometry");
    free(u->jurisdiction);
    u->jurisdiction = text;
    return text ? unit_check_geometry(text, err) : 0;
}

int parse_unit(const json_t *o, struct unit *u, char *parent_code, struct gz_err *err)
{
    int rc = 0;

    if (json_get_str(o, "code", u->code, sizeof(u->code), false, err) < 0 ||
        json_get_str(o, "name", u->name, sizeof(u->name), false, err) < 0 ||
        json_get_str(o, "name_en", u->name_en, sizeof(u->name_en), false, err) < 0 ||
        json_get_str(o, "contact", u->contact, sizeof(u->contact), false, err) < 0 ||
        json_get_bool(o, "active", &u->active, err) < 0)
        return err->code;
    rc = parse_kind(o, u, err);
    if (!rc)
        rc = parse_parent(o, u, parent_code, err);
    if (!rc)
        rc = parse_geometry(o, u, err);
    return rc;
}

static int parse_limit(const json_t *o, const char *key, struct tlimit *l, struct gz_err *err)
{
    const json_t *v = json_object_get(o, key), *amount, *unit;
    int u;

    if (!v)
        return 0;
    if (json_is_null(v)) {
        l->amount = 0;
        return 0;
    }
    if (json_is_string(v)) {
        if (tlimit_parse(json_string_value(v), l))
            goto bad;
        return 0;
    }
    amount = json_object_get(v, "amount");
    unit = json_object_get(v, "unit");
    u = json_is_string(unit) ? limit_unit_parse(json_string_value(unit)) : -1;
    if (!json_is_integer(amount) || json_integer_value(amount) <= 0 ||
        json_integer_value(amount) > 10000 || u < 0)
        goto bad;
    l->amount = (int)json_integer_value(amount);
    l->unit = (enum limit_unit)u;
    return 0;
bad:
    return gz_fail(err, GZ_EINVAL, key,
                   "%s must be {\"amount\": N, \"unit\": \"hours|work_hours|workdays\"}, "
                   "\"N unit\" or null",
                   key);
}

int parse_category(const json_t *o, struct category *c, struct gz_err *err)
{
    char kind[16];
    int rc;

    if (json_get_str(o, "code", c->code, sizeof(c->code), false, err) < 0 ||
        json_get_str(o, "name", c->name, sizeof(c->name), false, err) < 0 ||
        json_get_str(o, "name_en", c->name_en, sizeof(c->name_en), false, err) < 0 ||
        json_get_bool(o, "claimable", &c->claimable, err) < 0 ||
        json_get_bool(o, "active", &c->active, err) < 0 ||
        json_get_strdup(o, "kb_answer", &c->kb_answer, GZ_MAX_KB_ANSWER, false, err) < 0 ||
        parse_limit(o, "respond_limit", &c->respond, err) ||
        parse_limit(o, "resolve_limit", &c->resolve, err) ||
        parse_limit(o, "urgent_limit", &c->urgent, err))
        return err->code;
    rc = json_get_str(o, "kind", kind, sizeof(kind), false, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        int k = category_kind_parse(kind);
        if (k < 0)
            return gz_fail(err, GZ_EINVAL, "kind", "kind must be event or component");
        c->kind = (enum category_kind)k;
    }
    return 0;
}

int parse_account(const json_t *o, struct account *a, struct gz_err *err)
{
    if (json_get_str(o, "login", a->login, sizeof(a->login), false, err) < 0 ||
        json_get_str(o, "name", a->name, sizeof(a->name), false, err) < 0 ||
        json_get_str(o, "phone", a->phone, sizeof(a->phone), false, err) < 0 ||
        json_get_bool(o, "active", &a->active, err) < 0)
        return err->code;
    return 0;
}
