/*
 * geo_bench.c - throughput of the locate index (src/core/geo.c) on real data.
 *
 *   geo_bench [FILE.geojson] [LOOKUPS]
 *
 * Loads the territorial units of FILE (default data/demo/boston.geojson: 22
 * wards as streets, 255 precincts as communities; properties kind and code)
 * into a geo index, draws LOOKUPS (default 2,000,000) uniform random points
 * in the bounding box of all the polygons (fixed seed), and times
 * geo_locate over all of them on one thread, then on 2 threads at once
 * (each thread all the points, from a different start), then on one thread
 * over the points that located somewhere (the box holds water and
 * neighbouring towns, which are rejected faster). The points are
 * drawn before the clock starts, and each thread's first lookup (which may
 * build its replica of the index) happens before it too.
 *
 * Output (2 cores, AMD EPYC, Debian 12's GEOS 3.11):
 *   locate: 277 units (5 repaired), built in 1.4 ms; 34.1 % of the points located
 *   locate: 2508035 lookups/s on one core (target >= 500,000); 399 ns CPU a lookup
 *   locate: 4595150 lookups/s on 2 threads; 421 ns CPU a lookup (1.83x one core; load
 *           average 1.1 on 2 cores)
 *   locate: 1437770 lookups/s on one core, points inside a unit only; 695 ns CPU a lookup
 * The CPU time per lookup tells contention inside the index (it would rise
 * with 2 threads) from other processes taking the cores (wall clock only).
 * Exit status 0 when the runs took place, 1 on a setup error or when a
 * lookup failed. "Built" covers reading the geometries into the first
 * replica; GEOS prepares each geometry's index lazily, on its first lookups.
 *
 * Build (bench/run): gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Isrc bench/geo_bench.c
 *   build/rel/libgongzhi.a -ljansson -lgeos_c -lpthread -lm
 */
#include "gz.h"

#include <jansson.h>
#include <pthread.h>
#include <unistd.h>

#include "core/geo.h"
#include "core/unit.h"

#define DEFAULT_FILE "data/demo/boston.geojson"
#define DEFAULT_LOOKUPS 2000000L
#define MAX_THREADS 2

static bool lookups_failed;

struct bbox {
    double x0, y0, x1, y1;
};

struct run {
    const struct geo_index *g;
    const double *pts; /* lat, lon pairs */
    long n, start;
    long located;
    double cpu; /* this thread's CPU seconds for the timed lookups */
    int failed;
    pthread_barrier_t *go;
};

static double clock_s(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* Grow bb over every position of a GeoJSON coordinates array, at any depth. */
static void bbox_walk(const json_t *c, struct bbox *bb)
{
    size_t i;
    const json_t *v;

    if (json_array_size(c) >= 2 && json_is_number(json_array_get(c, 0))) {
        double x = json_number_value(json_array_get(c, 0));
        double y = json_number_value(json_array_get(c, 1));

        bb->x0 = x < bb->x0 ? x : bb->x0;
        bb->x1 = x > bb->x1 ? x : bb->x1;
        bb->y0 = y < bb->y0 ? y : bb->y0;
        bb->y1 = y > bb->y1 ? y : bb->y1;
        return;
    }
    json_array_foreach(c, i, v)
        bbox_walk(v, bb);
}

/* Add every territorial feature of path to g; counts into *n and *repaired. */
static int load(struct geo_index *g, const char *path, struct bbox *bb, int *n, int *repaired)
{
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr), *f;
    struct gz_err err = {0};
    size_t i;
    int rc = 0;

    if (!doc) {
        fprintf(stderr, "geo_bench: %s: %s\n", path, jerr.text);
        return -1;
    }
    json_array_foreach(json_object_get(doc, "features"), i, f) {
        const json_t *geom = json_object_get(f, "geometry");
        const char *kind =
            json_string_value(json_object_get(json_object_get(f, "properties"), "kind"));
        int k = kind ? unit_kind_parse(kind) : -1;
        int level = k < 0 ? -1 : unit_kind_level((enum unit_kind)k);
        char *text;
        bool fixed = false;

        if (level < 0 || !json_is_object(geom))
            continue;
        text = json_dumps(geom, JSON_COMPACT);
        rc = text ? geo_add(g, (int64_t)i + 1, level, text, &fixed, &err) : GZ_ENOMEM;
        free(text);
        if (rc) {
            fprintf(stderr, "geo_bench: feature %zu: %s\n", i, err.msg);
            break;
        }
        bbox_walk(json_object_get(geom, "coordinates"), bb);
        *n += 1;
        *repaired += fixed;
    }
    json_decref(doc);
    return rc;
}

static void *run_thread(void *arg)
{
    struct run *r = arg;
    int64_t ids[GEO_LEVELS];

    if (geo_locate(r->g, r->pts[0], r->pts[1], ids) < 0) /* builds this thread's replica */
        r->failed = 1;
    pthread_barrier_wait(r->go);
    r->cpu = clock_s(CLOCK_THREAD_CPUTIME_ID);
    for (long k = 0; k < r->n; k++) {
        long i = (r->start + k) % r->n;
        int found = geo_locate(r->g, r->pts[2 * i], r->pts[2 * i + 1], ids);

        if (found < 0)
            r->failed = 1;
        r->located += found > 0;
    }
    r->cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - r->cpu;
    return NULL;
}

/*
 * Run nthreads threads over the points: lookups per second of all of them
 * together (wall clock), and in *cpu_ns the CPU time per lookup.
 */
static double timed(const struct geo_index *g, const double *pts, long n, int nthreads,
                    long *located, double *cpu_ns)
{
    pthread_t th[MAX_THREADS];
    struct run runs[MAX_THREADS];
    pthread_barrier_t go;
    double t0, t1;
    int failed = 0;

    pthread_barrier_init(&go, NULL, (unsigned)nthreads + 1);
    for (int t = 0; t < nthreads; t++) {
        runs[t] = (struct run){.g = g, .pts = pts, .n = n, .start = n / nthreads * t, .go = &go};
        pthread_create(&th[t], NULL, run_thread, &runs[t]);
    }
    pthread_barrier_wait(&go);
    t0 = now();
    for (int t = 0; t < nthreads; t++)
        pthread_join(th[t], NULL);
    t1 = now();
    pthread_barrier_destroy(&go);
    *located = runs[0].located;
    *cpu_ns = 0;
    for (int t = 0; t < nthreads; t++) {
        failed |= runs[t].failed;
        *cpu_ns += runs[t].cpu * 1e9 / ((double)n * nthreads);
    }
    if (failed) {
        fprintf(stderr, "geo_bench: some lookups failed\n");
        lookups_failed = true;
    }
    return (double)n * nthreads / (t1 - t0);
}

/* The 1-minute load average: other work on the machine, which skews the 2-thread figure. */
static double load_now(void)
{
    double v = 0;
    FILE *f = fopen("/proc/loadavg", "r");

    if (f) {
        if (fscanf(f, "%lf", &v) != 1)
            v = 0;
        fclose(f);
    }
    return v;
}

/* Move the points that locate somewhere to the front of pts; how many there are. */
static long keep_located(const struct geo_index *g, double *pts, long n)
{
    int64_t ids[GEO_LEVELS];
    long k = 0;

    for (long i = 0; i < n; i++) {
        if (geo_locate(g, pts[2 * i], pts[2 * i + 1], ids) <= 0)
            continue;
        pts[2 * k] = pts[2 * i];
        pts[2 * k + 1] = pts[2 * i + 1];
        k++;
    }
    return k;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : DEFAULT_FILE;
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : DEFAULT_LOOKUPS, located = 0, inside;
    struct bbox bb = {1e9, 1e9, -1e9, -1e9};
    struct gz_err err = {0};
    struct geo_index *g = geo_new(&err);
    int units = 0, repaired = 0;
    uint64_t s = 0x9E3779B97F4A7C15ull;
    double *pts, t0, build_ms, one, two, cpu1, cpu2;

    if (!g || n < 1 || load(g, path, &bb, &units, &repaired))
        return 1;
    geo_set_replicas(g, MAX_THREADS);
    t0 = now();
    if (geo_build(g, &err)) {
        fprintf(stderr, "geo_bench: build: %s\n", err.msg);
        return 1;
    }
    build_ms = (now() - t0) * 1e3;
    pts = malloc(2 * (size_t)n * sizeof(*pts));
    if (!pts)
        return 1;
    for (long i = 0; i < 2 * n; i++) { /* xorshift64*: lat, lon in the box */
        s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
        double u = (double)((s * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;

        pts[i] = i % 2 ? bb.x0 + u * (bb.x1 - bb.x0) : bb.y0 + u * (bb.y1 - bb.y0);
    }
    one = timed(g, pts, n, 1, &located, &cpu1);
    printf("locate: %d units (%d repaired), built in %.1f ms; %.1f %% of the points located\n",
           units, repaired, build_ms, 100.0 * (double)located / (double)n);
    printf("locate: %.0f lookups/s on one core (target >= 500,000); %.0f ns CPU a lookup\n", one,
           cpu1);
    two = timed(g, pts, n, 2, &located, &cpu2);
    printf("locate: %.0f lookups/s on 2 threads; %.0f ns CPU a lookup (%.2fx one core; load "
           "average %.1f on %ld cores)\n",
           two, cpu2, two / one, load_now(), sysconf(_SC_NPROCESSORS_ONLN));
    inside = keep_located(g, pts, n);
    if (inside > 0) {
        one = timed(g, pts, inside, 1, &located, &cpu1);
        printf("locate: %.0f lookups/s on one core, points inside a unit only; %.0f ns CPU a "
               "lookup\n",
               one, cpu1);
    }
    free(pts);
    geo_free(g);
    return lookups_failed ? 1 : 0;
}
