/*
 * unit.c - organisation rules that need no storage: kinds, levels, field and
 * geometry checks. The store enforces uniqueness and that parents exist.
 */
#include "gz.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "core/unit.h"
#include "util/text.h"

static const char *const kind_names[UNIT_KIND_COUNT] = {
    "city",  "district", "street",     "community",  "grid",           "department",
    "party", "mass_org", "enterprise", "social_org", "volunteer_team",
};

void unit_init(struct unit *u)
{
    memset(u, 0, sizeof(*u));
    u->active = true;
}

void unit_release(struct unit *u)
{
    free(u->jurisdiction);
    unit_init(u);
}

int unit_copy(struct unit *dst, const struct unit *src)
{
    *dst = *src;
    if (!src->jurisdiction)
        return 0;
    dst->jurisdiction = strdup(src->jurisdiction);
    return dst->jurisdiction ? 0 : GZ_ENOMEM;
}

const char *unit_kind_name(enum unit_kind kind)
{
    return (unsigned)kind < UNIT_KIND_COUNT ? kind_names[kind] : "unknown";
}

int unit_kind_parse(const char *s)
{
    for (int i = 0; i < UNIT_KIND_COUNT; i++)
        if (strcmp(s, kind_names[i]) == 0)
            return i;
    return -1;
}

int unit_kind_level(enum unit_kind kind)
{
    return kind <= UNIT_GRID ? (int)kind : -1;
}

static int check_name(const char *field, const char *s, bool required, struct gz_err *err)
{
    if (required && !*s)
        return gz_fail(err, GZ_EINVAL, field, "%s is required", field);
    if (!text_utf8_valid(s, strlen(s)))
        return gz_fail(err, GZ_EINVAL, field, "%s is not valid UTF-8", field);
    return 0;
}

int unit_validate(const struct unit *u, struct gz_err *err)
{
    int rc;

    if (!text_is_code(u->code, GZ_MAX_CODE))
        return gz_fail(err, GZ_EINVAL, "code", "code must be 1-%d characters of A-Z a-z 0-9 _ . -",
                       GZ_MAX_CODE);
    rc = check_name("name", u->name, true, err);
    if (!rc)
        rc = check_name("name_en", u->name_en, false, err);
    if (!rc)
        rc = check_name("contact", u->contact, false, err);
    if (rc)
        return rc;
    if ((unsigned)u->kind >= UNIT_KIND_COUNT)
        return gz_fail(err, GZ_EINVAL, "kind", "unknown unit kind");
    if (u->jurisdiction)
        return unit_check_geometry(u->jurisdiction, err);
    return 0;
}

int unit_check_parent(enum unit_kind child, const enum unit_kind *parent, struct gz_err *err)
{
    int cl = unit_kind_level(child);

    if (child == UNIT_CITY && parent)
        return gz_fail(err, GZ_EINVAL, "parent", "a city has no parent unit");
    if (!parent)
        return 0;
    if (cl < 0)
        return 0;
    if (unit_kind_level(*parent) < 0 || unit_kind_level(*parent) >= cl)
        return gz_fail(err, GZ_EINVAL, "parent",
                       "a %s must sit under a higher territorial level, not a %s",
                       unit_kind_name(child), unit_kind_name(*parent));
    return 0;
}

static bool check_position(const json_t *pos)
{
    const json_t *lon = json_array_get(pos, 0), *lat = json_array_get(pos, 1);

    if (!json_is_number(lon) || !json_is_number(lat))
        return false;
    return fabs(json_number_value(lon)) <= 180.0 && fabs(json_number_value(lat)) <= 90.0;
}

static bool check_ring(const json_t *ring)
{
    size_t n = json_array_size(ring), i;
    const json_t *pos;

    if (n < 4)
        return false;
    json_array_foreach(ring, i, pos) {
        if (!check_position(pos))
            return false;
    }
    return json_equal(json_array_get(ring, 0), json_array_get(ring, n - 1));
}

static bool check_polygon(const json_t *rings)
{
    size_t i;
    const json_t *ring;

    if (!json_is_array(rings) || json_array_size(rings) == 0)
        return false;
    json_array_foreach(rings, i, ring) {
        if (!check_ring(ring))
            return false;
    }
    return true;
}

static int check_geometry_json(const json_t *g, struct gz_err *err)
{
    const char *type = json_string_value(json_object_get(g, "type"));
    const json_t *coords = json_object_get(g, "coordinates"), *poly;
    size_t i;

    if (!type || !json_is_array(coords))
        return gz_fail(err, GZ_EINVAL, "jurisdiction", "jurisdiction needs type and coordinates");
    if (strcmp(type, "Polygon") == 0) {
        if (!check_polygon(coords))
            return gz_fail(err, GZ_EINVAL, "jurisdiction",
                           "polygon rings need >= 4 closed lon/lat positions");
        return 0;
    }
    if (strcmp(type, "MultiPolygon") != 0 || json_array_size(coords) == 0)
        return gz_fail(err, GZ_EINVAL, "jurisdiction",
                       "jurisdiction must be a Polygon or MultiPolygon");
    json_array_foreach(coords, i, poly) {
        if (!check_polygon(poly))
            return gz_fail(err, GZ_EINVAL, "jurisdiction",
                           "polygon %zu: rings need >= 4 closed lon/lat positions", i);
    }
    return 0;
}

int unit_check_geometry(const char *geojson, struct gz_err *err)
{
    json_error_t jerr;
    json_t *g;
    int rc;

    if (strlen(geojson) > GZ_MAX_GEOJSON)
        return gz_fail(err, GZ_EINVAL, "jurisdiction", "jurisdiction is larger than %u bytes",
                       GZ_MAX_GEOJSON);
    g = json_loads(geojson, 0, &jerr);
    if (!g)
        return gz_fail(err, GZ_EINVAL, "jurisdiction", "jurisdiction is not JSON: %s", jerr.text);
    rc = check_geometry_json(g, err);
    json_decref(g);
    return rc;
}
