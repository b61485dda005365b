/*
 * unit.h - organisations (DESIGN §1): territorial units form the
 * city > district > street > community > grid hierarchy (a city may skip a
 * level: levels are data), and functional units (departments, party
 * organisations, enterprises, ...) hang below any unit.
 */
#ifndef GZ_UNIT_H
#define GZ_UNIT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/limits.h"

struct gz_err;

enum unit_kind {
    UNIT_CITY,
    UNIT_DISTRICT,
    UNIT_STREET,
    UNIT_COMMUNITY,
    UNIT_GRID,
    UNIT_DEPARTMENT,
    UNIT_PARTY,
    UNIT_MASS_ORG,
    UNIT_ENTERPRISE,
    UNIT_SOCIAL_ORG,
    UNIT_VOLUNTEER_TEAM,
    UNIT_KIND_COUNT
};

struct unit {
    int64_t id;
    char code[GZ_MAX_CODE + 1];
    char name[GZ_MAX_NAME];
    char name_en[GZ_MAX_NAME];
    enum unit_kind kind;
    int64_t parent_id; /* 0 = root */
    char contact[GZ_MAX_CONTACT];
    bool active;
    char *jurisdiction;    /* GeoJSON geometry text, heap, NULL when none or not loaded */
    bool has_jurisdiction; /* set by the store even when the text is not loaded */
    int64_t created_at;
    int64_t updated_at;
};

/* Zero a unit (active by default). */
void unit_init(struct unit *u);
/* Free the heap parts and zero it again. */
void unit_release(struct unit *u);
/* Deep-copy src into dst (dst must be released or fresh). */
int unit_copy(struct unit *dst, const struct unit *src) __attribute__((warn_unused_result));

const char *unit_kind_name(enum unit_kind kind);
/* Parse a kind name; -1 when unknown. */
int unit_kind_parse(const char *s);
/* Territorial kinds have a level: city 0 ... grid 4; others -1. */
int unit_kind_level(enum unit_kind kind);

/* Check the fields that do not need the database: code, names, kind, contact. */
int unit_validate(const struct unit *u, struct gz_err *err) __attribute__((warn_unused_result));
/*
 * May a unit of kind `child` sit under a unit of kind `parent`? Territorial
 * units must sit under a higher territorial level (skipping is fine);
 * functional units may sit under anything; a city has no parent.
 */
int unit_check_parent(enum unit_kind child, const enum unit_kind *parent, struct gz_err *err)
    __attribute__((warn_unused_result));
/*
 * Check that a jurisdiction is a GeoJSON Polygon or MultiPolygon with numeric
 * lon/lat positions in range and closed rings of >= 4 positions. Deeper
 * validity (self-intersection) is repaired by the geo module.
 */
int unit_check_geometry(const char *geojson, struct gz_err *err)
    __attribute__((warn_unused_result));

#endif
