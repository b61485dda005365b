/* Tests of src/core/dedup.c: limits, category subtree, scores, cells, a brute-force cross-check. */
#include "gz.h"

#include <math.h>
#include <pthread.h>

#include "core/dedup.h"
#include "t.h"

#define DAY 86400
#define T0 1700000000      /* 2023-11-14 */
#define M_DEG 111195.07973 /* metres per degree of latitude, as dedup.c measures */
#define BJ_LAT 39.9
#define BJ_LON 116.4

/* The point dn metres north and de metres east of (lat, lon). */
static void offset(double lat, double lon, double dn, double de, double *olat, double *olon)
{
    *olat = lat + dn / M_DEG;
    *olon = lon + de / (M_DEG * cos((lat + *olat) * 0.5 * M_PI / 180.0));
}

static struct dedup *fresh(void)
{
    struct dedup *d = dedup_new(DEDUP_DEFAULT_RADIUS_M, DEDUP_DEFAULT_WINDOW_S);

    ck_assert_ptr_nonnull(d);
    return d;
}

static size_t find_at(struct dedup *d, double dn, double de, int64_t at, const char *cat,
                      const char *text, struct dedup_hit *out, size_t max)
{
    double lat, lon;

    offset(BJ_LAT, BJ_LON, dn, de, &lat, &lon);
    return dedup_find(d, lat, lon, at, cat, text, out, max);
}

START_TEST(near_identical_text_scores_high)
{
    struct dedup *d = fresh();
    struct dedup_hit h[4];

    ck_assert_int_eq(dedup_add(d, 7, "20260331-000007", BJ_LAT, BJ_LON, T0, "0101",
                               "小区东门口的垃圾桶满了，好几天没人清理，臭味很大"),
                     0);
    ck_assert_uint_eq(find_at(d, 0, 50, T0 + DAY, "0102",
                              "小区东门口垃圾桶满了好几天都没人清理，臭味很大！", h, 4),
                      1);
    ck_assert_int_eq(h[0].case_id, 7);
    ck_assert_str_eq(h[0].label, "20260331-000007"); /* given back: no lookup needed */
    ck_assert_double_eq_tol(h[0].distance_m, 50.0, 0.01);
    ck_assert_int_eq(h[0].age_s, DAY);
    ck_assert_double_gt(h[0].text_sim, 0.7);
    ck_assert_double_gt(h[0].score, 0.75);
    ck_assert_double_ge(h[0].score, DEDUP_THRESHOLD);
    ck_assert_double_eq_tol(
        h[0].score, 0.5 * h[0].text_sim + 0.3 * (1 - 50.0 / 150) + 0.2 * (1 - 1.0 / 14), 1e-6);
    /* the same place and day with an unrelated text: a hit, but not a likely duplicate */
    ck_assert_uint_eq(find_at(d, 0, 50, T0 + DAY, "0102", "路灯不亮", h, 4), 1);
    ck_assert_double_eq(h[0].text_sim, 0.0);
    ck_assert_double_lt(h[0].score, DEDUP_THRESHOLD);
    dedup_free(d);
}
END_TEST

START_TEST(radius_edge)
{
    struct dedup *d = fresh();
    struct dedup_hit h[4];

    ck_assert_int_eq(
        dedup_add(d, 1, "a label longer than a case number", BJ_LAT, BJ_LON, T0, "01", "垃圾"), 0);
    ck_assert_uint_eq(find_at(d, 0, 160, T0, "01", "垃圾", h, 4), 0);
    ck_assert_uint_eq(find_at(d, -160, 0, T0, "01", "垃圾", h, 4), 0);
    ck_assert_uint_eq(find_at(d, 110, 110, T0, "01", "垃圾", h, 4), 0); /* 155.6 m */
    ck_assert_uint_eq(find_at(d, 0, 149, T0, "01", "垃圾", h, 4), 1);
    ck_assert_uint_eq(find_at(d, -149, 0, T0, "01", "垃圾", h, 4), 1);
    ck_assert_uint_eq(find_at(d, 100, -100, T0, "01", "垃圾", h, 4), 1); /* 141.4 m */
    ck_assert_double_eq_tol(h[0].distance_m, 141.42, 0.01);
    ck_assert_str_eq(h[0].label, "a label longer "); /* cut to DEDUP_LABEL_MAX bytes */
    dedup_free(d);
}
END_TEST

START_TEST(window_edge)
{
    struct dedup *d = fresh();
    struct dedup_hit h[4];

    ck_assert_int_eq(dedup_add(d, 1, NULL, BJ_LAT, BJ_LON, T0, "01", "垃圾"), 0);
    ck_assert_uint_eq(find_at(d, 0, 0, T0 + 15 * DAY, "01", "垃圾", h, 4), 0);
    ck_assert_uint_eq(find_at(d, 0, 0, T0 + 14 * DAY + 1, "01", "垃圾", h, 4), 0);
    ck_assert_uint_eq(find_at(d, 0, 0, T0 + 14 * DAY, "01", "垃圾", h, 4), 1);
    ck_assert_int_eq(h[0].age_s, 14 * DAY);
    ck_assert_double_eq_tol(h[0].score, 0.5 + 0.3 + 0.0, 1e-9);
    /* a report dated before the case (an import) counts the same way */
    ck_assert_uint_eq(find_at(d, 0, 0, T0 - 14 * DAY, "01", "垃圾", h, 4), 1);
    ck_assert_uint_eq(find_at(d, 0, 0, T0 - 14 * DAY - 1, "01", "垃圾", h, 4), 0);
    ck_assert_uint_eq(find_at(d, 0, 0, INT64_MIN, "01", "垃圾", h, 4), 0); /* no overflow */
    dedup_free(d);
}
END_TEST

START_TEST(category_subtree)
{
    struct dedup *d = fresh();
    struct dedup_hit h[4];

    ck_assert_int_eq(dedup_add(d, 1, NULL, BJ_LAT, BJ_LON, T0, "0103", "井盖缺失"), 0);
    ck_assert_uint_eq(find_at(d, 10, 0, T0, "02", "井盖缺失", h, 4), 0);
    ck_assert_uint_eq(find_at(d, 10, 0, T0, "0203", "井盖缺失", h, 4), 0);
    ck_assert_uint_eq(find_at(d, 10, 0, T0, "01", "井盖缺失", h, 4), 1);
    ck_assert_uint_eq(find_at(d, 10, 0, T0, "010504", "井盖缺失", h, 4), 1);
    ck_assert_uint_eq(find_at(d, 10, 0, T0, "", "井盖缺失", h, 4), 1);
    ck_assert_uint_eq(find_at(d, 10, 0, T0, NULL, "井盖缺失", h, 4), 1);
    /* an indexed case of unknown category matches any */
    ck_assert_int_eq(dedup_add(d, 2, NULL, BJ_LAT, BJ_LON, T0, "", "井盖缺失"), 0);
    ck_assert_uint_eq(find_at(d, 10, 0, T0, "02", "井盖缺失", h, 4), 1);
    ck_assert_int_eq(h[0].case_id, 2);
    dedup_free(d);
}
END_TEST

/*
 * Entries stepped through a few cells at several latitudes (60 degrees
 * included, where a cell spans twice the longitude), each queried from
 * 32 directions at 0.9..1.1 radius: a hit exactly when the distance allows.
 */
START_TEST(cell_borders)
{
    const double lats[] = {0.0, 39.9, 60.0, -60.0, 75.3};
    struct dedup *d = dedup_new(100.0, DAY);
    struct dedup_hit h[2];
    int hits = 0, misses = 0;

    ck_assert_ptr_nonnull(d);
    for (size_t li = 0; li < GZ_ARRAY_LEN(lats); li++) {
        for (int step = 0; step < 40; step++) {
            double lat, lon;
            offset(lats[li], 10.0, step * 100.0 / 7, step * 100.0 / 9, &lat, &lon);
            ck_assert_int_eq(dedup_add(d, 1, NULL, lat, lon, T0, "", "x"), 0);
            for (int k = 0; k < 32; k++) {
                double r = 90.0 + (k % 5) * 5.0, a = k * M_PI / 16, qlat, qlon;
                bool want;
                offset(lat, lon, r * sin(a), r * cos(a), &qlat, &qlon);
                want = dedup_distance_m(qlat, qlon, lat, lon) <= 100.0;
                ck_assert_uint_eq(dedup_find(d, qlat, qlon, T0, "", "", h, 2), want);
                if (want)
                    hits++;
                else
                    misses++;
            }
        }
    }
    ck_assert_uint_eq(dedup_count(d), 1);
    ck_assert_int_gt(hits, 2000);
    ck_assert_int_gt(misses, 1000);
    dedup_free(d);
}
END_TEST

START_TEST(remove_replace_expire)
{
    struct dedup *d = fresh();
    struct dedup_hit h[8];

    ck_assert_int_eq(dedup_add(d, 1, NULL, BJ_LAT, BJ_LON, T0, "01", "a"), 0);
    ck_assert_int_eq(dedup_add(d, 2, NULL, BJ_LAT, BJ_LON, T0 + 5 * DAY, "01", "b"), 0);
    ck_assert_int_eq(dedup_add(d, 3, NULL, BJ_LAT, BJ_LON, T0 + 10 * DAY, "01", "c"), 0);
    ck_assert_uint_eq(dedup_count(d), 3);
    ck_assert_uint_eq(find_at(d, 0, 0, T0 + 10 * DAY, "01", "", h, 8), 3);
    dedup_remove(d, 2);
    dedup_remove(d, 2);
    dedup_remove(d, 99);
    ck_assert_uint_eq(dedup_count(d), 2);
    ck_assert_uint_eq(find_at(d, 0, 0, T0 + 10 * DAY, "01", "", h, 8), 2);
    /* replacing moves case 3 1 km away: found there, not here */
    ck_assert_int_eq(dedup_add(d, 3, NULL, BJ_LAT + 0.01, BJ_LON, T0 + 10 * DAY, "01", "c"), 0);
    ck_assert_uint_eq(dedup_count(d), 2);
    ck_assert_uint_eq(find_at(d, 0, 0, T0 + 10 * DAY, "01", "", h, 8), 1);
    ck_assert_int_eq(h[0].case_id, 1);
    ck_assert_uint_eq(find_at(d, 1111.95, 0, T0 + 10 * DAY, "01", "", h, 8), 1);
    ck_assert_int_eq(h[0].case_id, 3);
    /* at T0 + 14 days case 1 can still be a hit; a second later it cannot */
    dedup_expire(d, T0 + 14 * DAY);
    ck_assert_uint_eq(dedup_count(d), 2);
    dedup_expire(d, T0 + 14 * DAY + 1);
    ck_assert_uint_eq(dedup_count(d), 1);
    ck_assert_uint_eq(find_at(d, 0, 0, T0 + 10 * DAY, "01", "", h, 8), 0);
    dedup_expire(d, T0 + 100 * DAY);
    ck_assert_uint_eq(dedup_count(d), 0);
    ck_assert_int_eq(dedup_add(d, 4, NULL, BJ_LAT, BJ_LON, T0, "01", "d"), 0);
    ck_assert_uint_eq(find_at(d, 0, 0, T0, "01", "", h, 8), 1);
    dedup_free(d);
}
END_TEST

START_TEST(bad_input)
{
    struct dedup *d = fresh();
    struct dedup_hit h[2];

    ck_assert_ptr_null(dedup_new(0.5, DAY));
    ck_assert_ptr_null(dedup_new(NAN, DAY));
    ck_assert_ptr_null(dedup_new(150, 0));
    ck_assert_int_eq(dedup_add(d, 1, NULL, BJ_LAT, BJ_LON, T0, "01", "a"), 0);
    ck_assert_int_eq(dedup_add(d, 1, NULL, 999.0, 999.0, T0, "01", "a"), GZ_EINVAL);
    ck_assert_uint_eq(dedup_count(d), 0); /* an error leaves the id absent */
    ck_assert_int_eq(dedup_add(d, 2, NULL, NAN, BJ_LON, T0, "01", "a"), GZ_EINVAL);
    ck_assert_int_eq(dedup_add(d, 3, NULL, BJ_LAT, 180.5, T0, "01", "a"), GZ_EINVAL);
    ck_assert_int_eq(dedup_add(d, 4, NULL, BJ_LAT, BJ_LON, T0, NULL, NULL), 0);
    ck_assert_int_eq(dedup_add(d, 5, NULL, BJ_LAT, BJ_LON, T0, "0", "\xff\xfe"), 0);
    ck_assert_uint_eq(dedup_find(d, 999.0, 999.0, T0, "", "a", h, 2), 0);
    ck_assert_uint_eq(dedup_find(d, BJ_LAT, BJ_LON, T0, "", "a", h, 0), 0);
    ck_assert_uint_eq(dedup_find(d, BJ_LAT, BJ_LON, T0, "09", NULL, h, 2), 2);
    /* the poles: a query there looks at whole rows, and still answers */
    ck_assert_int_eq(dedup_add(d, 6, NULL, 90.0, 0.0, T0, "", "a"), 0);
    ck_assert_int_eq(dedup_add(d, 7, NULL, 89.9995, -179.0, T0, "", "a"), 0);
    ck_assert_uint_eq(dedup_find(d, 90.0, -180.0, T0, "", "a", h, 2), 2);
    ck_assert_uint_eq(dedup_find(d, -90.0, 0.0, T0, "", "a", h, 2), 0);
    dedup_free(d);
}
END_TEST

START_TEST(jaccard_values)
{
    ck_assert_double_eq(dedup_text_similarity("垃圾很多", "垃圾很多"), 1.0);
    ck_assert_double_eq(dedup_text_similarity("垃圾很多", "路灯不亮"), 0.0);
    ck_assert_double_eq(dedup_text_similarity("垃圾很多", "垃圾很臭"), 2.0 / 4);
    ck_assert_double_eq(dedup_text_similarity("垃圾", "垃圾垃圾"),
                        1.0 / 2); /* {垃圾} vs {垃圾,圾垃} */
    ck_assert_double_eq(dedup_text_similarity("路灯坏了", "路灯不亮了"), 1.0 / 6);
    /* punctuation, spaces, case and fullwidth forms do not count */
    ck_assert_double_eq(dedup_text_similarity("垃圾，很多！", " 垃圾很多 "), 1.0);
    ck_assert_double_eq(dedup_text_similarity("No Parking", "noparking"), 1.0);
    ck_assert_double_eq(dedup_text_similarity("ＡＢＣ１２", "abc12"), 1.0);
    ck_assert_double_eq(dedup_text_similarity("「噪音」扰民。", "噪音扰民"), 1.0);
    ck_assert_double_eq(dedup_text_similarity("ab", "abc"), 1.0 / 2);
    /* no bigram at all: no evidence */
    ck_assert_double_eq(dedup_text_similarity("", ""), 0.0);
    ck_assert_double_eq(dedup_text_similarity("垃", "垃"), 0.0);
    ck_assert_double_eq(dedup_text_similarity(NULL, "垃圾"), 0.0);
    /* characters beyond the BMP (hashed) and malformed bytes (dropped) */
    ck_assert_double_eq(dedup_text_similarity("\xF0\x9F\x9A\xAE垃圾", "\xF0\x9F\x9A\xAE垃圾"), 1.0);
    ck_assert_double_eq(dedup_text_similarity("垃\xff圾", "垃圾"), 1.0);
}
END_TEST

START_TEST(long_text_is_capped)
{
    char a[6000], b[6000];
    size_t n = 0;

    /* 1500 distinct-ish CJK characters: only the first 513 count, so b differs after them */
    for (int i = 0; i < 1500; i++) {
        unsigned cp = 0x4E00 + (unsigned)i;
        a[n] = (char)(0xE0 | (cp >> 12));
        a[n + 1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        a[n + 2] = (char)(0x80 | (cp & 0x3F));
        n += 3;
    }
    a[n] = '\0';
    memcpy(b, a, n + 1);
    memset(b + 3 * 600, 'x', 3 * 100); /* past the cap */
    ck_assert_double_eq(dedup_text_similarity(a, b), 1.0);
    memset(b + 3 * 100, 'x', 3 * 100);
    ck_assert_double_lt(dedup_text_similarity(a, b), 0.9);
}
END_TEST

START_TEST(ordering_by_score)
{
    struct dedup *d = fresh();
    struct dedup_hit h[8], top[2];
    size_t n;

    ck_assert_int_eq(dedup_add(d, 1, NULL, BJ_LAT, BJ_LON, T0, "01", "路灯不亮"), 0);
    ck_assert_int_eq(dedup_add(d, 2, NULL, BJ_LAT + 0.0005, BJ_LON, T0, "01", "垃圾很多"), 0);
    ck_assert_int_eq(dedup_add(d, 3, NULL, BJ_LAT, BJ_LON + 0.001, T0, "01", "垃圾很臭"), 0);
    ck_assert_int_eq(dedup_add(d, 4, NULL, BJ_LAT, BJ_LON, T0 - 3 * DAY, "01", "垃圾很多"), 0);
    ck_assert_int_eq(dedup_add(d, 5, NULL, BJ_LAT, BJ_LON, T0, "01", "垃圾很多"), 0);
    n = dedup_find(d, BJ_LAT, BJ_LON, T0, "01", "垃圾很多", h, 8);
    ck_assert_uint_eq(n, 5);
    ck_assert_int_eq(h[0].case_id, 5); /* the same text, place and time: 1 */
    ck_assert_double_eq_tol(h[0].score, 1.0, 1e-12);
    ck_assert_int_eq(h[1].case_id, 4); /* 3 days older */
    ck_assert_int_eq(h[2].case_id, 2); /* 55.6 m away */
    ck_assert_int_eq(h[3].case_id, 3); /* half the bigrams, 85 m away */
    ck_assert_int_eq(h[4].case_id, 1); /* no shared text */
    for (size_t i = 1; i < n; i++)
        ck_assert_double_ge(h[i - 1].score, h[i].score);
    /* a short answer keeps the best */
    ck_assert_uint_eq(dedup_find(d, BJ_LAT, BJ_LON, T0, "01", "垃圾很多", top, 2), 2);
    ck_assert_int_eq(top[0].case_id, 5);
    ck_assert_int_eq(top[1].case_id, 4);
    dedup_free(d);
}
END_TEST

/* ---- against a brute-force scan ---- */

#define RND_N 10000
#define RND_Q 200

struct rnd_case {
    int64_t id, at;
    double lat, lon;
    const char *cat;
    char text[160];
    bool gone;
};

static uint64_t rnd_state;

static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

static double rnd_unit(void)
{
    return (double)(rnd() >> 11) / 9007199254740992.0;
}

static const char *const rnd_cats[] = {"", "01", "0101", "0102", "02", "0203", "03"};
static const char *const rnd_words[] = {"小区", "门口", "垃圾", "很多", "路灯", "不亮", "井盖",
                                        "缺失", "噪音", "扰民", "占道", "经营", "漏水", "积水",
                                        "树木", "倒伏", "车辆", "乱停", "，",   "了"};

static void rnd_text(char *out, size_t size)
{
    size_t n = 0, words = 1 + rnd() % 8;

    out[0] = '\0';
    for (size_t i = 0; i < words; i++) {
        const char *w = rnd_words[rnd() % GZ_ARRAY_LEN(rnd_words)];
        size_t k = strlen(w);
        if (n + k + 1 > size)
            break;
        memcpy(out + n, w, k + 1);
        n += k;
    }
}

static int hit_order(const void *pa, const void *pb)
{
    const struct dedup_hit *a = pa, *b = pb;

    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->distance_m != b->distance_m)
        return a->distance_m < b->distance_m ? -1 : 1;
    return (a->case_id > b->case_id) - (a->case_id < b->case_id);
}

static bool cat_match(const char *a, const char *b)
{
    return !a[0] || !b[0] || (a[0] == b[0] && a[1] == b[1]);
}

static size_t brute(const struct rnd_case *cs, double radius, int64_t window,
                    const struct rnd_case *q, struct dedup_hit *out)
{
    size_t n = 0;

    for (size_t i = 0; i < RND_N; i++) {
        const struct rnd_case *c = &cs[i];
        int64_t age = llabs(q->at - c->at);
        double dist = dedup_distance_m(q->lat, q->lon, c->lat, c->lon);
        if (c->gone || age > window || dist > radius || !cat_match(q->cat, c->cat))
            continue;
        out[n].case_id = c->id;
        out[n].distance_m = dist;
        out[n].age_s = age;
        out[n].text_sim = dedup_text_similarity(q->text, c->text);
        out[n].score = dedup_score(out[n].text_sim, dist, age, radius, window);
        n++;
    }
    qsort(out, n, sizeof(*out), hit_order);
    return n;
}

static void check_same(const struct dedup_hit *a, size_t na, const struct dedup_hit *b, size_t nb)
{
    ck_assert_uint_eq(na, nb);
    for (size_t i = 0; i < na; i++) {
        ck_assert_int_eq(a[i].case_id, b[i].case_id);
        ck_assert_double_eq(a[i].distance_m, b[i].distance_m);
        ck_assert_int_eq(a[i].age_s, b[i].age_s);
        ck_assert_double_eq(a[i].text_sim, b[i].text_sim);
        ck_assert_double_eq(a[i].score, b[i].score);
    }
}

/* 10,000 cases in a box of box_m metres around (lat, lon) over 30 days; 200 queries. */
static void random_vs_brute(double lat0, double lon0, double box_m, double radius)
{
    const int64_t window = 14 * DAY, now = T0 + 30 * DAY;
    struct rnd_case *cs = calloc(RND_N, sizeof(*cs));
    struct dedup_hit *got = calloc(RND_N, sizeof(*got)), *want = calloc(RND_N, sizeof(*want));
    struct dedup *d = dedup_new(radius, window);
    size_t total = 0;

    ck_assert_ptr_nonnull(cs);
    ck_assert_ptr_nonnull(got);
    ck_assert_ptr_nonnull(want);
    ck_assert_ptr_nonnull(d);
    rnd_state = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < RND_N; i++) {
        struct rnd_case *c = &cs[i];
        c->id = (int64_t)(i * 7919 + 1);
        c->at = T0 + (int64_t)(rnd() % (30 * DAY));
        offset(lat0, lon0, box_m * rnd_unit(), box_m * rnd_unit(), &c->lat, &c->lon);
        c->cat = rnd_cats[rnd() % GZ_ARRAY_LEN(rnd_cats)];
        rnd_text(c->text, sizeof(c->text));
        ck_assert_int_eq(dedup_add(d, c->id, NULL, c->lat, c->lon, c->at, c->cat, c->text), 0);
    }
    /* some close, some expire */
    for (size_t i = 0; i < RND_N; i += 7) {
        cs[i].gone = true;
        dedup_remove(d, cs[i].id);
    }
    dedup_expire(d, now - DAY);
    for (size_t i = 0; i < RND_N; i++)
        if (cs[i].at < now - DAY - window)
            cs[i].gone = true;
    for (int k = 0; k < RND_Q; k++) {
        struct rnd_case q = {.at = now - (int64_t)(rnd() % (3 * DAY))};
        size_t n, m;
        offset(lat0, lon0, box_m * rnd_unit(), box_m * rnd_unit(), &q.lat, &q.lon);
        q.cat = rnd_cats[rnd() % GZ_ARRAY_LEN(rnd_cats)];
        rnd_text(q.text, sizeof(q.text));
        n = dedup_find(d, q.lat, q.lon, q.at, q.cat, q.text, got, RND_N);
        m = brute(cs, radius, window, &q, want);
        check_same(got, n, want, m);
        n = dedup_find(d, q.lat, q.lon, q.at, q.cat, q.text, got, 5);
        check_same(got, n, want, m < 5 ? m : 5);
        total += m;
    }
    ck_assert_uint_gt(total, 5 * RND_Q); /* the queries did find things */
    dedup_free(d);
    free(cs);
    free(got);
    free(want);
}

START_TEST(random_matches_brute_force)
{
    random_vs_brute(BJ_LAT, BJ_LON, 4000.0, 150.0);
}
END_TEST

START_TEST(random_matches_brute_force_north)
{
    random_vs_brute(60.17, 24.94, 3000.0, 120.0); /* Helsinki, another radius */
}
END_TEST

/* ---- threads ---- */

struct worker {
    struct dedup *d;
    int64_t base;
    int rc;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct dedup_hit h[8];

    for (int i = 0; i < 2000 && !w->rc; i++) {
        double lat = BJ_LAT + (i % 50) * 0.0003, lon = BJ_LON + (i / 50) * 0.0003;
        w->rc = dedup_add(w->d, w->base + i, NULL, lat, lon, T0 + i, "01", "垃圾很多没人管");
        (void)dedup_find(w->d, lat, lon, T0 + i, "01", "垃圾很多", h, 8);
        if (i % 3 == 0)
            dedup_remove(w->d, w->base + i);
    }
    return NULL;
}

START_TEST(concurrent_add_find)
{
    struct dedup *d = fresh();
    struct worker w[4];
    pthread_t th[4];
    size_t expect = 0;

    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){.d = d, .base = (int64_t)i * 100000};
        ck_assert_int_eq(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
        ck_assert_int_eq(w[i].rc, 0);
        expect += 2000 - 667;
    }
    ck_assert_uint_eq(dedup_count(d), expect);
    ck_assert_uint_gt(dedup_memory(d), expect * 64);
    dedup_free(d);
}
END_TEST

Suite *suite_core_dedup(void)
{
    Suite *s = suite_create("core/dedup");
    TCase *tc = tcase_create("dedup");

    tcase_add_test(tc, near_identical_text_scores_high);
    tcase_add_test(tc, radius_edge);
    tcase_add_test(tc, window_edge);
    tcase_add_test(tc, category_subtree);
    tcase_add_test(tc, cell_borders);
    tcase_add_test(tc, remove_replace_expire);
    tcase_add_test(tc, bad_input);
    tcase_add_test(tc, jaccard_values);
    tcase_add_test(tc, long_text_is_capped);
    tcase_add_test(tc, ordering_by_score);
    tcase_add_test(tc, random_matches_brute_force);
    tcase_add_test(tc, random_matches_brute_force_north);
    tcase_add_test(tc, concurrent_add_find);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
