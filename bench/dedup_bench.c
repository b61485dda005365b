/*
 * dedup_bench.c - speed and memory of the duplicate finder (src/core/dedup.c).
 *
 *   dedup_bench [CASES] [QUERIES]
 *
 * Indexes CASES (default 100,000) open cases uniform in a 30 km x 30 km box
 * around Beijing, reported over the last 14 days, with synthetic hotline
 * texts of 4 to 12 phrases (~25-75 Chinese characters) and one of 24
 * categories under 8 top-level codes, radius 150 m and window 14 days (the
 * defaults). Then, on one thread, QUERIES (default 200,000) finds of up to
 * 10 hits each:
 *   random  a new report at a uniform random point of the box (most find
 *           nothing or one case: 100,000 cases in 900 km2 are ~8 per query
 *           circle before the category filter);
 *   repeat  a second report of an indexed case: 0-120 m from it, its text
 *           with a phrase swapped for another, the same category;
 * then the random queries on 2 threads at once (read lock shared), and
 * dedup_expire with nothing due and with everything due.
 *
 * Memory: dedup_memory (the bytes the index asked for) and the growth of
 * the process's resident set while indexing (allocation headers and
 * fragmentation included), each per case. The query inputs are drawn
 * before the clocks start; texts are rebuilt from phrase numbers, so they
 * do not count as index memory.
 *
 * Output:
 *   dedup: 100000 cases, 30 km box, radius 150 m, window 14 days
 *   dedup: add 812345 cases/s; memory 41.2 MB by dedup_memory (432 B/case), RSS +47.0 MB (493
 * B/case) dedup: random  612345 queries/s on one core, 1633 ns CPU a query; 0.91 hits a query
 *   ...
 * Exit status 0 when the runs took place, 1 on a setup error.
 *
 * Build (bench/run): gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -pthread
 *   -Isrc bench/dedup_bench.c src/core/dedup.c -lm
 */
#include "gz.h"

#include <math.h>
#include <pthread.h>
#include <unistd.h>

#include "core/dedup.h"

#define DEFAULT_CASES 100000L
#define DEFAULT_QUERIES 200000L
#define BOX_M 30000.0
#define LAT0 39.75
#define LON0 116.20
#define M_DEG 111195.08
#define NOW 1700000000L
#define MAX_PHRASES 12
#define MAX_HITS 10
#define THREADS 2

static const char *const phrases[] = {
    "小区门口",     "垃圾桶满了",   "好几天没人清理", "臭味很大",       "路灯不亮",
    "晚上很黑",     "存在安全隐患", "井盖缺失",       "有人差点掉下去", "噪音扰民",
    "施工到深夜",   "影响休息",     "占道经营",       "摊贩很多",       "堵塞交通",
    "车辆乱停乱放", "消防通道被占", "下水道堵塞",     "污水外溢",       "树木倒伏",
    "压到电线",     "楼道堆放杂物", "电动车充电",     "外墙脱落",       "砸到行人",
    "自来水停水",   "没有通知",     "暖气不热",       "室温只有十几度", "广告牌松动",
    "大风天很危险", "公交站牌损坏", "健身器材坏了",   "老人孩子受伤",   "油烟污染",
    "餐馆排放",     "违章建筑",     "私搭乱建",       "希望尽快处理",   "请相关部门核实",
};
static const char *const categories[] = {
    "0101", "0102", "0103", "0201", "0202", "0203", "0301", "0302", "0303", "0401", "0402", "0403",
    "0501", "0502", "0503", "0601", "0602", "0603", "0701", "0702", "0703", "0801", "0802", "0803",
};

struct rcase {
    double lat, lon;
    int64_t at;
    uint8_t cat, n;
    uint8_t ph[MAX_PHRASES];
};

struct query {
    double lat, lon;
    int64_t at;
    const char *cat;
    char text[MAX_PHRASES * 40];
};

static uint64_t rng = 0x2545F4914F6CDD1DULL;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double rnd_unit(void)
{
    return (double)(rnd() >> 11) / 9007199254740992.0;
}

static double now_s(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_bytes(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * sysconf(_SC_PAGESIZE);
}

/* The text of phrases ph[0..n) with Chinese commas between them. */
static void build_text(const uint8_t *ph, size_t n, char *out, size_t size)
{
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(out + len, size - len, "%s%s", i ? "，" : "", phrases[ph[i]]);
        if (k < 0 || (size_t)k >= size - len)
            break;
        len += (size_t)k;
    }
}

static void place(double dn, double de, double *lat, double *lon)
{
    *lat = LAT0 + dn / M_DEG;
    *lon = LON0 + de / (M_DEG * cos(*lat * M_PI / 180.0));
}

static void make_case(struct rcase *c)
{
    place(BOX_M * rnd_unit(), BOX_M * rnd_unit(), &c->lat, &c->lon);
    c->at = NOW - (int64_t)(rnd() % (uint64_t)DEDUP_DEFAULT_WINDOW_S);
    c->cat = (uint8_t)(rnd() % GZ_ARRAY_LEN(categories));
    c->n = (uint8_t)(4 + rnd() % (MAX_PHRASES - 3));
    for (size_t i = 0; i < c->n; i++)
        c->ph[i] = (uint8_t)(rnd() % GZ_ARRAY_LEN(phrases));
}

/* A new report somewhere in the box. */
static void make_random_query(struct query *q)
{
    struct rcase c;

    make_case(&c);
    q->lat = c.lat;
    q->lon = c.lon;
    q->at = NOW;
    q->cat = categories[c.cat];
    build_text(c.ph, c.n, q->text, sizeof(q->text));
}

/* A second report of case c: up to 120 m away, one phrase changed. */
static void make_repeat_query(const struct rcase *c, struct query *q)
{
    uint8_t ph[MAX_PHRASES];
    double r = 120.0 * rnd_unit(), a = 2 * M_PI * rnd_unit();

    memcpy(ph, c->ph, sizeof(ph));
    ph[rnd() % c->n] = (uint8_t)(rnd() % GZ_ARRAY_LEN(phrases));
    q->lat = c->lat + r * sin(a) / M_DEG;
    q->lon = c->lon + r * cos(a) / (M_DEG * cos(c->lat * M_PI / 180.0));
    q->at = NOW;
    q->cat = categories[c->cat];
    build_text(ph, c->n, q->text, sizeof(q->text));
}

struct run {
    struct dedup *d;
    const struct query *qs;
    size_t n, start;
    size_t hits, likely;
    double cpu_s;
};

static void *run_queries(void *arg)
{
    struct run *r = arg;
    struct dedup_hit h[MAX_HITS];
    double t0 = now_s(CLOCK_THREAD_CPUTIME_ID);

    for (size_t i = 0; i < r->n; i++) {
        const struct query *q = &r->qs[(r->start + i) % r->n];
        size_t k = dedup_find(r->d, q->lat, q->lon, q->at, q->cat, q->text, h, MAX_HITS);
        r->hits += k;
        r->likely += k && h[0].score >= DEDUP_THRESHOLD;
    }
    r->cpu_s = now_s(CLOCK_THREAD_CPUTIME_ID) - t0;
    return NULL;
}

static void report_one(const char *name, struct dedup *d, const struct query *qs, size_t n)
{
    struct run r = {.d = d, .qs = qs, .n = n};
    double t0 = now_s(CLOCK_MONOTONIC), wall;

    run_queries(&r);
    wall = now_s(CLOCK_MONOTONIC) - t0;
    printf("dedup: %-6s %.0f queries/s on one core, %.0f ns CPU a query; %.2f hits a query, "
           "%.1f %% with a likely duplicate (score >= %.2f)\n",
           name, (double)n / wall, r.cpu_s / (double)n * 1e9, (double)r.hits / (double)n,
           100.0 * (double)r.likely / (double)n, DEDUP_THRESHOLD);
}

static int report_threads(struct dedup *d, const struct query *qs, size_t n, double one_core_qps)
{
    struct run r[THREADS];
    pthread_t th[THREADS];
    double t0 = now_s(CLOCK_MONOTONIC), wall, cpu = 0;

    for (int i = 0; i < THREADS; i++) {
        r[i] = (struct run){.d = d, .qs = qs, .n = n, .start = (size_t)i * n / THREADS};
        if (pthread_create(&th[i], NULL, run_queries, &r[i])) {
            fprintf(stderr, "dedup_bench: cannot start a thread\n");
            return 1;
        }
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        cpu += r[i].cpu_s;
    }
    wall = now_s(CLOCK_MONOTONIC) - t0;
    printf("dedup: random %.0f queries/s on %d threads, %.0f ns CPU a query (%.2fx one core)\n",
           (double)(THREADS * n) / wall, THREADS, cpu / (double)(THREADS * n) * 1e9,
           (double)(THREADS * n) / wall / one_core_qps);
    return 0;
}

static double one_core_random(struct dedup *d, const struct query *qs, size_t n)
{
    struct run r = {.d = d, .qs = qs, .n = n};
    double t0 = now_s(CLOCK_MONOTONIC);

    run_queries(&r);
    return (double)n / (now_s(CLOCK_MONOTONIC) - t0);
}

static int build(struct dedup *d, struct rcase *cs, size_t n)
{
    char text[MAX_PHRASES * 40];
    long rss0 = rss_bytes();
    double t0 = now_s(CLOCK_MONOTONIC), dt;
    size_t mem;

    for (size_t i = 0; i < n; i++) {
        build_text(cs[i].ph, cs[i].n, text, sizeof(text));
        if (dedup_add(d, (int64_t)i + 1, NULL, cs[i].lat, cs[i].lon, cs[i].at,
                      categories[cs[i].cat], text)) {
            fprintf(stderr, "dedup_bench: dedup_add failed at case %zu\n", i);
            return 1;
        }
    }
    dt = now_s(CLOCK_MONOTONIC) - t0;
    mem = dedup_memory(d);
    printf("dedup: add %.0f cases/s (texts built in the loop); memory %.1f MB by dedup_memory "
           "(%.0f B/case), RSS +%.1f MB (%.0f B/case)\n",
           (double)n / dt, (double)mem / 1048576.0, (double)mem / (double)n,
           (double)(rss_bytes() - rss0) / 1048576.0, (double)(rss_bytes() - rss0) / (double)n);
    return 0;
}

static void report_expire(struct dedup *d)
{
    size_t n = dedup_count(d);
    double t0 = now_s(CLOCK_MONOTONIC), t1;

    dedup_expire(d, NOW);
    t1 = now_s(CLOCK_MONOTONIC);
    dedup_expire(d, NOW + 2 * (int64_t)DEDUP_DEFAULT_WINDOW_S);
    printf("dedup: expire %.2f ms with nothing due (%zu cases), %.2f ms dropping all %zu\n",
           (t1 - t0) * 1e3, n, (now_s(CLOCK_MONOTONIC) - t1) * 1e3, n - dedup_count(d));
}

static long arg_count(const char *s, long def)
{
    char *end;
    long v;

    if (!s)
        return def;
    v = strtol(s, &end, 10);
    return *end || v < 1 || v > 10000000 ? -1 : v;
}

int main(int argc, char **argv)
{
    long n = arg_count(argc > 1 ? argv[1] : NULL, DEFAULT_CASES);
    long nq = arg_count(argc > 2 ? argv[2] : NULL, DEFAULT_QUERIES);
    struct rcase *cs;
    struct query *rq, *pq;
    struct dedup *d;
    double qps;
    int rc = 1;

    if (n < 0 || nq < 0 || argc > 3) {
        fprintf(stderr, "usage: dedup_bench [CASES] [QUERIES]\n");
        return 1;
    }
    cs = calloc((size_t)n, sizeof(*cs));
    rq = calloc((size_t)nq, sizeof(*rq));
    pq = calloc((size_t)nq, sizeof(*pq));
    d = dedup_new(DEDUP_DEFAULT_RADIUS_M, DEDUP_DEFAULT_WINDOW_S);
    if (!cs || !rq || !pq || !d) {
        fprintf(stderr, "dedup_bench: out of memory\n");
        goto out;
    }
    for (long i = 0; i < n; i++)
        make_case(&cs[i]);
    for (long i = 0; i < nq; i++) {
        make_random_query(&rq[i]);
        make_repeat_query(&cs[rnd() % (uint64_t)n], &pq[i]);
    }
    printf("dedup: %ld cases, %.0f km box, radius %.0f m, window %d days; %ld queries, "
           "up to %d hits each\n",
           n, BOX_M / 1000, DEDUP_DEFAULT_RADIUS_M, DEDUP_DEFAULT_WINDOW_S / 86400, nq, MAX_HITS);
    if (build(d, cs, (size_t)n))
        goto out;
    report_one("random", d, rq, (size_t)nq);
    report_one("repeat", d, pq, (size_t)nq);
    qps = one_core_random(d, rq, (size_t)nq);
    if (report_threads(d, rq, (size_t)nq, qps))
        goto out;
    report_expire(d);
    rc = 0;
out:
    dedup_free(d);
    free(cs);
    free(rq);
    free(pq);
    return rc;
}
