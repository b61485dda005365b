/*
 * Tests of src/core/geo.c: inside/outside, edges and vertices, holes,
 * MultiPolygons, repair of invalid rings, the chain of levels, ties between
 * units of one level, errors, concurrent lookups, and the real Boston wards
 * and precincts of data/demo/boston.geojson.
 *
 * Coordinates in the synthetic cases are written (x, y) = (lon, lat), as in
 * GeoJSON; at() swaps them into geo_locate's (lat, lon).
 */
#include "gz.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>

#include "core/geo.h"
#include "core/unit.h"
#include "t.h"

#define BOSTON "data/demo/boston.geojson"

/* The GeoJSON Polygon of the box [x0, x1] x [y0, y1] into buf. */
static const char *box(char *buf, size_t size, double x0, double y0, double x1, double y1)
{
    snprintf(buf, size,
             "{\"type\":\"Polygon\",\"coordinates\":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}",
             x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
    return buf;
}

/* Add a unit that must be accepted; returns whether it was repaired. */
static bool add(struct geo_index *g, int64_t id, int level, const char *geojson)
{
    struct gz_err err = {0};
    bool repaired = true;
    int rc = geo_add(g, id, level, geojson, &repaired, &err);

    ck_assert_msg(rc == 0, "unit %lld: %s", (long long)id, err.msg);
    return repaired;
}

static void add_box(struct geo_index *g, int64_t id, int level, double x0, double y0, double x1,
                    double y1)
{
    char buf[512];

    ck_assert(!add(g, id, level, box(buf, sizeof(buf), x0, y0, x1, y1)));
}

static struct geo_index *fresh(void)
{
    struct gz_err err = {0};
    struct geo_index *g = geo_new(&err);

    ck_assert_msg(g != NULL, "%s", err.msg);
    return g;
}

static void build(struct geo_index *g)
{
    struct gz_err err = {0};

    ck_assert_msg(geo_build(g, &err) == 0, "%s", err.msg);
}

/* Locate (x, y) = (lon, lat). */
static int at(const struct geo_index *g, double x, double y, int64_t ids[GEO_LEVELS])
{
    return geo_locate(g, y, x, ids);
}

/* The unit found at level `level` for (x, y), 0 when none. */
static int64_t unit_at(const struct geo_index *g, double x, double y, int level)
{
    int64_t ids[GEO_LEVELS];

    ck_assert_int_ge(at(g, x, y, ids), 0);
    return ids[level];
}

START_TEST(inside_and_outside)
{
    struct geo_index *g = fresh();
    int64_t ids[GEO_LEVELS];

    add_box(g, 1, 3, 0, 0, 10, 10);
    build(g);
    ck_assert_uint_eq(geo_count(g), 1);
    ck_assert_int_eq(at(g, 5, 5, ids), 1);
    ck_assert_int_eq(ids[3], 1);
    ck_assert(ids[0] == 0 && ids[1] == 0 && ids[2] == 0 && ids[4] == 0);
    ck_assert_int_eq(at(g, 11, 5, ids), 0);
    for (int l = 0; l < GEO_LEVELS; l++)
        ck_assert(ids[l] == 0);
    ck_assert_int_eq(at(g, 5, -0.001, ids), 0);
    geo_free(g);
}
END_TEST

/* The boundary belongs to the unit: edges and vertices are inside (geo.h). */
START_TEST(edges_and_vertices_are_inside)
{
    struct geo_index *g = fresh();

    add_box(g, 1, 3, 0, 0, 10, 10);
    build(g);
    ck_assert_int_eq(unit_at(g, 10, 5, 3), 1);  /* right edge */
    ck_assert_int_eq(unit_at(g, 5, 0, 3), 1);   /* bottom edge */
    ck_assert_int_eq(unit_at(g, 0, 0, 3), 1);   /* vertex */
    ck_assert_int_eq(unit_at(g, 10, 10, 3), 1); /* vertex */
    ck_assert_int_eq(unit_at(g, 10.000001, 5, 3), 0);
    ck_assert_int_eq(unit_at(g, -1e-9, -1e-9, 3), 0);
    geo_free(g);
}
END_TEST

START_TEST(holes_are_outside)
{
    struct geo_index *g = fresh();

    add(g, 1, 3,
        "{\"type\":\"Polygon\",\"coordinates\":["
        "[[0,0],[10,0],[10,10],[0,10],[0,0]],"
        "[[4,4],[4,6],[6,6],[6,4],[4,4]]]}");
    build(g);
    ck_assert_int_eq(unit_at(g, 5, 5, 3), 0); /* in the hole */
    ck_assert_int_eq(unit_at(g, 5.9, 4.1, 3), 0);
    ck_assert_int_eq(unit_at(g, 4, 5, 3), 1); /* on the hole's ring: boundary */
    ck_assert_int_eq(unit_at(g, 2, 2, 3), 1);
    ck_assert_int_eq(unit_at(g, 3.9, 5, 3), 1);
    geo_free(g);
}
END_TEST

START_TEST(multipolygons)
{
    struct geo_index *g = fresh();
    double lat, lon;

    add(g, 8, 2,
        "{\"type\":\"MultiPolygon\",\"coordinates\":["
        "[[[0,0],[1,0],[1,1],[0,1],[0,0]]],"
        "[[[5,5],[6,5],[6,6],[5,6],[5,5]]]]}");
    build(g);
    ck_assert_int_eq(unit_at(g, 0.5, 0.5, 2), 8);
    ck_assert_int_eq(unit_at(g, 5.5, 5.5, 2), 8);
    ck_assert_int_eq(unit_at(g, 3, 3, 2), 0); /* between the parts, inside the envelope */
    ck_assert_int_eq(geo_unit_point(g, 8, &lat, &lon), 0);
    ck_assert_int_eq(unit_at(g, lon, lat, 2), 8);
    geo_free(g);
}
END_TEST

/* A bow-tie crosses itself: repaired into its two triangles. */
START_TEST(bow_tie_is_repaired)
{
    struct geo_index *g = fresh();
    double lat, lon;

    ck_assert(add(g, 2, 3,
                  "{\"type\":\"Polygon\",\"coordinates\":"
                  "[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}"));
    build(g);
    ck_assert_int_eq(unit_at(g, 2, 5, 3), 2); /* left lobe */
    ck_assert_int_eq(unit_at(g, 8, 5, 3), 2); /* right lobe */
    ck_assert_int_eq(unit_at(g, 5, 8, 3), 0);
    ck_assert_int_eq(unit_at(g, 5, 2, 3), 0);
    ck_assert_int_eq(geo_unit_point(g, 2, &lat, &lon), 0);
    ck_assert_int_eq(unit_at(g, lon, lat, 3), 2);
    geo_free(g);
}
END_TEST

/*
 * The Boston quirk: a ring that touches itself at a vertex, enclosing an
 * inverted hole (the triangle (5,10) (7,5) (3,5)); repaired, the triangle is
 * a hole.
 */
START_TEST(self_touching_ring_is_repaired)
{
    struct geo_index *g = fresh();
    struct gz_err err = {0};
    bool repaired = false;

    ck_assert_int_eq(geo_add(g, 3, 3,
                             "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[10,0],[10,10],[5,10],"
                             "[7,5],[3,5],[5,10],[0,10],[0,0]]]}",
                             &repaired, &err),
                     0);
    ck_assert(repaired);
    add_box(g, 4, 3, 20, 20, 30, 30); /* a valid neighbour is not flagged */
    build(g);
    ck_assert_int_eq(unit_at(g, 5, 6, 3), 0);
    ck_assert_int_eq(unit_at(g, 5, 9, 3), 0);
    ck_assert_int_eq(unit_at(g, 1, 1, 3), 3);
    ck_assert_int_eq(unit_at(g, 2, 8, 3), 3);
    ck_assert_int_eq(unit_at(g, 9, 9, 3), 3);
    geo_free(g);
}
END_TEST

/* district ⊃ street ⊃ community ⊃ grid: the chain, and how far it goes. */
static struct geo_index *nested(unsigned replicas)
{
    struct geo_index *g = fresh();

    geo_set_replicas(g, replicas);
    add_box(g, 40, 4, 0, 0, 10, 10);
    add_box(g, 10, 1, 0, 0, 100, 80);
    add_box(g, 30, 3, 0, 0, 25, 25);
    add_box(g, 20, 2, 0, 0, 50, 50);
    add_box(g, 21, 2, 50, 0, 100, 50); /* its sibling street, sharing the edge x = 50 */
    build(g);
    return g;
}

START_TEST(nested_levels_give_the_chain)
{
    struct geo_index *g = nested(1);
    int64_t ids[GEO_LEVELS];

    ck_assert_int_eq(at(g, 5, 5, ids), 4);
    ck_assert(ids[0] == 0 && ids[1] == 10 && ids[2] == 20 && ids[3] == 30 && ids[4] == 40);
    ck_assert_int_eq(at(g, 30, 30, ids), 2);
    ck_assert(ids[1] == 10 && ids[2] == 20 && ids[3] == 0 && ids[4] == 0);
    ck_assert_int_eq(at(g, 75, 75, ids), 1);
    ck_assert(ids[1] == 10 && ids[2] == 0);
    ck_assert_int_eq(at(g, 60, 10, ids), 2);
    ck_assert(ids[1] == 10 && ids[2] == 21);
    geo_free(g);
}
END_TEST

START_TEST(far_away_is_unlocated)
{
    struct geo_index *g = nested(1);
    int64_t ids[GEO_LEVELS] = {1, 2, 3, 4, 5};

    ck_assert_int_eq(geo_locate(g, -45.0, 170.0, ids), 0);
    for (int l = 0; l < GEO_LEVELS; l++)
        ck_assert(ids[l] == 0);
    ck_assert_int_eq(geo_locate(g, 90.0, -180.0, ids), 0);
    geo_free(g);
}
END_TEST

/* Same level, several units: smallest area wins, then smallest id, in any insertion order. */
static void check_ties(const struct geo_index *g)
{
    ck_assert_int_eq(unit_at(g, 2, 2, 3), 7);     /* only A */
    ck_assert_int_eq(unit_at(g, 12, 12, 3), 3);   /* only B */
    ck_assert_int_eq(unit_at(g, 5.5, 5.5, 3), 3); /* A and B overlap, same area: id 3 < 7 */
    ck_assert_int_eq(unit_at(g, 7, 7, 3), 9);     /* C, the smallest, inside both */
    ck_assert_int_eq(unit_at(g, 30, 5, 3), 4);    /* shared edge: E is smaller than D */
    ck_assert_int_eq(unit_at(g, 50, 5, 3), 1);    /* shared edge, same area: id 1 < 2 */
    ck_assert_int_eq(unit_at(g, 50, 10, 3), 1);   /* shared vertex */
}

START_TEST(overlaps_pick_deterministically)
{
    struct {
        int64_t id;
        double x0, y0, x1, y1;
    } u[] = {
        {7, 0, 0, 10, 10},  /* A */
        {3, 5, 5, 15, 15},  /* B: same area as A */
        {9, 6, 6, 9, 9},    /* C */
        {5, 20, 0, 30, 10}, /* D */
        {4, 30, 0, 35, 10}, /* E */
        {2, 40, 0, 50, 10}, /* F */
        {1, 50, 0, 60, 10}, /* G: same area as F */
    };
    struct geo_index *g = fresh(), *h = fresh();
    size_t n = GZ_ARRAY_LEN(u);

    for (size_t i = 0; i < n; i++) {
        add_box(g, u[i].id, 3, u[i].x0, u[i].y0, u[i].x1, u[i].y1);
        add_box(h, u[n - 1 - i].id, 3, u[n - 1 - i].x0, u[n - 1 - i].y0, u[n - 1 - i].x1,
                u[n - 1 - i].y1);
    }
    build(g);
    build(h);
    check_ties(g);
    check_ties(h);
    geo_free(g);
    geo_free(h);
}
END_TEST

static void expect_add_error(struct geo_index *g, int64_t id, int level, const char *geojson,
                             int code, const char *field)
{
    struct gz_err err = {0};
    bool repaired = true;

    ck_assert_int_eq(geo_add(g, id, level, geojson, &repaired, &err), code);
    ck_assert_str_eq(err.field, field);
    ck_assert(!repaired);
}

START_TEST(bad_input_is_refused)
{
    struct geo_index *g = fresh();
    struct gz_err err = {0};
    char sq[512];
    int64_t ids[GEO_LEVELS];
    double lat, lon;

    box(sq, sizeof(sq), 0, 0, 1, 1);
    expect_add_error(g, 1, 3, "{\"type\":\"Polygon\"", GZ_EINVAL, "jurisdiction");
    expect_add_error(g, 1, 3, "not json", GZ_EINVAL, "jurisdiction");
    expect_add_error(g, 1, 3, "{\"type\":\"Point\",\"coordinates\":[1,2]}", GZ_EINVAL,
                     "jurisdiction");
    expect_add_error(g, 1, 3, "{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}", GZ_EINVAL,
                     "jurisdiction");
    expect_add_error(g, 1, 3, "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}",
                     GZ_EINVAL, "jurisdiction"); /* 3 positions */
    expect_add_error(g, 1, 3, "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[2,2],[0,0]]]}",
                     GZ_EINVAL, "jurisdiction"); /* no area, even repaired */
    expect_add_error(g, 1, 3, NULL, GZ_EINVAL, "jurisdiction");
    expect_add_error(g, 0, 3, sq, GZ_EINVAL, "unit_id");
    expect_add_error(g, 1, 5, sq, GZ_EINVAL, "level");
    expect_add_error(g, 1, -1, sq, GZ_EINVAL, "level");
    ck_assert_int_eq(geo_count(g), 0);
    ck_assert_int_eq(geo_locate(g, 0.5, 0.5, ids), GZ_EINVAL); /* not built */
    ck_assert_int_eq(geo_add(g, 1, 3, sq, NULL, &err), 0);
    build(g);
    expect_add_error(g, 2, 3, sq, GZ_ECONFLICT, "");
    ck_assert_int_eq(geo_build(g, &err), GZ_ECONFLICT);
    ck_assert_int_eq(geo_locate(g, NAN, 0.5, ids), GZ_EINVAL);
    ck_assert_int_eq(geo_locate(g, 0.5, INFINITY, ids), GZ_EINVAL);
    ck_assert_int_eq(geo_locate(g, 91, 0.5, ids), GZ_EINVAL);
    ck_assert_int_eq(geo_locate(g, 0.5, -180.5, ids), GZ_EINVAL);
    ck_assert_int_eq(geo_locate(g, 0.5, 0.5, ids), 1);
    ck_assert_int_eq(geo_unit_point(g, 2, &lat, &lon), GZ_ENOTFOUND);
    geo_free(g);
    geo_free(NULL);
}
END_TEST

START_TEST(duplicate_ids_and_empty_index)
{
    struct geo_index *g = fresh();
    struct gz_err err = {0};
    int64_t ids[GEO_LEVELS];

    add_box(g, 5, 3, 0, 0, 1, 1);
    add_box(g, 5, 2, 0, 0, 2, 2);
    ck_assert_int_eq(geo_build(g, &err), GZ_ECONFLICT);
    ck_assert_str_eq(err.field, "unit_id");
    geo_free(g);

    g = fresh();
    build(g);
    ck_assert_int_eq(geo_locate(g, 0.5, 0.5, ids), 0);
    geo_free(g);
}
END_TEST

/* Many threads on one index, fewer replicas than threads: every answer right. */
#define T_THREADS 4
#define T_LOOKUPS 20000

struct worker {
    const struct geo_index *g;
    unsigned seed;
    int wrong;
};

/* 1 when (x, y) is in [0, x1] x [0, y1]. */
static int in_box(double x, double y, double x1, double y1)
{
    return x >= 0 && x <= x1 && y >= 0 && y <= y1;
}

static void *worker_run(void *arg)
{
    struct worker *w = arg;
    int64_t ids[GEO_LEVELS];

    for (int i = 0; i < T_LOOKUPS; i++) {
        double x, y;
        int n;

        w->seed = w->seed * 1103515245u + 12345u;
        x = (double)(w->seed >> 8 & 0xFFFF) / 65535.0 * 120 - 10; /* -10 .. 110 */
        w->seed = w->seed * 1103515245u + 12345u;
        y = (double)(w->seed >> 8 & 0xFFFF) / 65535.0 * 100 - 10; /* -10 .. 90 */
        n = at(w->g, x, y, ids);
        if (n != in_box(x, y, 100, 80) + in_box(x, y, 100, 50) + in_box(x, y, 25, 25) +
                     in_box(x, y, 10, 10)) /* the levels of nested() */
            w->wrong++;
        else if (n >= 2 && ids[2] != (x <= 50 ? 20 : 21))
            w->wrong++;
    }
    return NULL;
}

START_TEST(concurrent_lookups)
{
    struct geo_index *g = nested(2);
    pthread_t th[T_THREADS];
    struct worker w[T_THREADS];

    for (int t = 0; t < T_THREADS; t++) {
        w[t] = (struct worker){.g = g, .seed = 17u * (unsigned)t + 1};
        ck_assert_int_eq(pthread_create(&th[t], NULL, worker_run, &w[t]), 0);
    }
    for (int t = 0; t < T_THREADS; t++) {
        ck_assert_int_eq(pthread_join(th[t], NULL), 0);
        ck_assert_int_eq(w[t].wrong, 0);
    }
    geo_free(g);
}
END_TEST

/* ---- Boston ----------------------------------------------------------- */

struct boston_unit {
    int64_t id, parent_id;
    int level;
    char code[16];
};

struct boston {
    struct geo_index *g;
    struct boston_unit u[400];
    size_t n;
    int repaired;
};

static int64_t boston_id(const struct boston *b, const char *code)
{
    for (size_t i = 0; i < b->n; i++)
        if (!strcmp(b->u[i].code, code))
            return b->u[i].id;
    return 0;
}

/* The wards (street) and precincts (community) of boston.geojson; id = feature number + 1. */
static void boston_load(struct boston *b)
{
    json_error_t jerr;
    json_t *doc = json_load_file(BOSTON, 0, &jerr), *f;
    size_t i;
    char parents[400][16];

    ck_assert_msg(doc != NULL, "%s: %s", BOSTON, jerr.text);
    b->g = fresh();
    json_array_foreach(json_object_get(doc, "features"), i, f) {
        const json_t *p = json_object_get(f, "properties"), *geom = json_object_get(f, "geometry");
        const char *kind = json_string_value(json_object_get(p, "kind"));
        const char *parent = json_string_value(json_object_get(p, "parent_code"));
        int k = kind ? unit_kind_parse(kind) : -1;
        struct boston_unit *u = &b->u[b->n];
        char *text;

        if (k != UNIT_STREET && k != UNIT_COMMUNITY)
            continue;
        ck_assert_uint_lt(b->n, GZ_ARRAY_LEN(b->u));
        u->id = (int64_t)i + 1;
        u->level = unit_kind_level((enum unit_kind)k);
        snprintf(u->code, sizeof(u->code), "%s", json_string_value(json_object_get(p, "code")));
        snprintf(parents[b->n], sizeof(parents[b->n]), "%s", parent ? parent : "");
        text = json_dumps(geom, JSON_COMPACT);
        ck_assert_ptr_nonnull(text);
        b->repaired += add(b->g, u->id, u->level, text);
        free(text);
        b->n++;
    }
    json_decref(doc);
    for (i = 0; i < b->n; i++)
        b->u[i].parent_id = boston_id(b, parents[i]);
    build(b->g);
}

START_TEST(boston_every_unit_locates_back)
{
    static struct boston b;
    int wards = 0, precincts = 0, parent_ok = 0;

    boston_load(&b);
    for (size_t i = 0; i < b.n; i++) {
        int64_t ids[GEO_LEVELS];
        double lat, lon;

        wards += b.u[i].level == 2;
        precincts += b.u[i].level == 3;
        ck_assert_int_eq(geo_unit_point(b.g, b.u[i].id, &lat, &lon), 0);
        ck_assert(lat > 42.2 && lat < 42.4 && lon > -71.2 && lon < -70.9);
        ck_assert_int_ge(geo_locate(b.g, lat, lon, ids), 1);
        ck_assert_msg(ids[b.u[i].level] == b.u[i].id, "%s: its point (%f, %f) locates to %lld",
                      b.u[i].code, lat, lon, (long long)ids[b.u[i].level]);
        if (b.u[i].level != 3)
            continue;
        if (!strcmp(b.u[i].code, "P0115")) /* the Harbor Islands: outside every ward polygon */
            ck_assert_int_eq(ids[2], 0);
        else
            parent_ok += ids[2] == b.u[i].parent_id;
    }
    ck_assert_int_eq(wards, 22);
    ck_assert_int_eq(precincts, 255);
    ck_assert_int_gt(b.repaired, 0); /* the data's self-touching rings (README) */
    /*
     * Wards and precincts come from different files, yet each precinct's
     * point lies in its own ward, but for ward 1's precinct 15, the Harbor
     * Islands, which boston_wards.geojson leaves out.
     */
    ck_assert_int_eq(parent_ok, precincts - 1);
    geo_free(b.g);
}
END_TEST

/* Addresses of 311 requests of 2015 and the ward/precinct the city recorded for them. */
START_TEST(boston_known_addresses)
{
    static struct boston b;
    struct {
        double lat, lon;
        const char *ward, *precinct;
    } known[] = {
        {42.3574, -71.0648, "W05", "P0503"}, /* 33 Beacon St */
        {42.3474, -71.0944, "W05", "P0502"}, /* 145-151 Ipswich St */
    };

    boston_load(&b);
    for (size_t i = 0; i < GZ_ARRAY_LEN(known); i++) {
        int64_t ids[GEO_LEVELS];

        ck_assert_int_eq(geo_locate(b.g, known[i].lat, known[i].lon, ids), 2);
        ck_assert_int_eq(ids[2], boston_id(&b, known[i].ward));
        ck_assert_int_eq(ids[3], boston_id(&b, known[i].precinct));
    }
    geo_free(b.g);
}
END_TEST

Suite *suite_core_geo(void)
{
    Suite *s = suite_create("core/geo");
    TCase *tc = tcase_create("geo");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, inside_and_outside);
    tcase_add_test(tc, edges_and_vertices_are_inside);
    tcase_add_test(tc, holes_are_outside);
    tcase_add_test(tc, multipolygons);
    tcase_add_test(tc, bow_tie_is_repaired);
    tcase_add_test(tc, self_touching_ring_is_repaired);
    tcase_add_test(tc, nested_levels_give_the_chain);
    tcase_add_test(tc, far_away_is_unlocated);
    tcase_add_test(tc, overlaps_pick_deterministically);
    tcase_add_test(tc, bad_input_is_refused);
    tcase_add_test(tc, duplicate_ids_and_empty_index);
    tcase_add_test(tc, concurrent_lookups);
    tcase_add_test(tc, boston_every_unit_locates_back);
    tcase_add_test(tc, boston_known_addresses);
    suite_add_tcase(s, tc);
    return s;
}
