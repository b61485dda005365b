/* Tests of src/core/hexbin.c: cells are hexagons of the width asked, stable, reversible. */
#include "gz.h"

#include <math.h>

#include "core/hexbin.h"
#include "t.h"

#define EARTH_R 6371008.8
#define DEG (M_PI / 180.0)

static double metres(double lat1, double lon1, double lat2, double lon2)
{
    double dy = (lat2 - lat1) * DEG * EARTH_R;
    double dx = (lon2 - lon1) * DEG * EARTH_R * cos((lat1 + lat2) / 2 * DEG);

    return sqrt(dx * dx + dy * dy);
}

START_TEST(cells_are_the_width_asked)
{
    struct hexgrid g;
    struct hexcell c, n;
    double lat, lon, lat2, lon2, clat[6], clon[6];

    hex_init(&g, 42.33, 250.0);
    c = hex_of(&g, 42.3601, -71.0589); /* Boston City Hall */
    hex_center(&g, c, &lat, &lon);
    ck_assert(metres(lat, lon, 42.3601, -71.0589) <= 250.0 / sqrt(3.0) + 0.01);
    n = hex_of(&g, lat, lon);
    ck_assert(n.q == c.q && n.r == c.r);
    /* the neighbour east is one width away, centre to centre */
    n = (struct hexcell){c.q + 1, c.r};
    hex_center(&g, n, &lat2, &lon2);
    ck_assert_msg(fabs(metres(lat, lon, lat2, lon2) - 250.0) < 2.0, "%g",
                  metres(lat, lon, lat2, lon2));
    n = (struct hexcell){c.q, c.r + 1};
    hex_center(&g, n, &lat2, &lon2);
    ck_assert(fabs(metres(lat, lon, lat2, lon2) - 250.0) < 2.0);
    hex_corners(&g, c, clat, clon);
    for (int i = 0; i < 6; i++)
        ck_assert(fabs(metres(lat, lon, clat[i], clon[i]) - 250.0 / sqrt(3.0)) < 1.5);
    /* points 60 m from the centre stay in the cell, 200 m away leave it */
    ck_assert(hex_of(&g, lat + 60.0 / (EARTH_R * DEG), lon).q == c.q);
    n = hex_of(&g, lat + 200.0 / (EARTH_R * DEG), lon);
    ck_assert(n.q != c.q || n.r != c.r);
}
END_TEST

START_TEST(keys_round_trip)
{
    struct hexcell cells[] = {{0, 0}, {-1, 5}, {123456, -654321}, {INT32_MIN, INT32_MAX}};

    for (size_t i = 0; i < GZ_ARRAY_LEN(cells); i++) {
        struct hexcell c = hex_unkey(hex_key(cells[i]));
        ck_assert(c.q == cells[i].q && c.r == cells[i].r);
    }
    ck_assert(hex_key(cells[1]) != hex_key((struct hexcell){5, -1}));
}
END_TEST

Suite *suite_core_hexbin(void)
{
    Suite *s = suite_create("core/hexbin");
    TCase *tc = tcase_create("hexbin");

    tcase_add_test(tc, cells_are_the_width_asked);
    tcase_add_test(tc, keys_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
