/*
 * store_bench.c - the store's intake ceiling, without HTTP.
 *
 *   store_bench DB SECONDS THREADS...
 *
 * For each thread count: THREADS threads call store_case_create in a loop
 * for SECONDS (a hotline case of ~100 Chinese characters with its created
 * event, as intake writes it), on a fresh database DB-<threads> (removed
 * afterwards). Prints cases/s and the mean number of cases a commit carried,
 * so the figure can be read against the HTTP intake of bench/run: what the
 * writer alone can take is the most HTTP intake can reach.
 *
 * Build (bench/run): gcc -O2 ... -Isrc bench/store_bench.c build/rel/libgongzhi.a $(make
 * print-libs)
 */
#include "gz.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "core/case.h"
#include "store/store.h"
#include "util/log.h"
#include "util/timeutil.h"

static const char text[] =
    "小区东门外的人行道上堆放了大量建筑垃圾，已经好几天没有人清理，晚上路灯也不亮，"
    "老人和孩子经过时很容易绊倒，希望有关部门尽快派人清运垃圾并修好路灯，谢谢。"
    "另外附近的下水道井盖松动，车辆经过时噪音很大。";

struct run {
    struct store *s;
    double until;
    atomic_long done, failed;
};

static void *worker(void *arg)
{
    struct run *r = arg;

    while (time_mono() < r->until) {
        struct case_rec c;
        struct event ev;
        struct store_intake in = {.day = "20261125", .ev = &ev};
        struct gz_err err = {0};

        case_init(&c);
        c.channel = CHANNEL_HOTLINE;
        c.text = strdup(text);
        c.created_at = time_now();
        event_init(&ev);
        snprintf(ev.kind, sizeof(ev.kind), "created");
        ev.at = c.created_at;
        ev.body = strdup("{\"channel\":\"hotline\"}");
        if (store_case_create(r->s, &c, &in, &err))
            atomic_fetch_add(&r->failed, 1);
        else
            atomic_fetch_add(&r->done, 1);
        event_release(&ev);
        case_release(&c);
    }
    return NULL;
}

static int run_one(const char *base, int threads, int secs)
{
    static const char *const sfx[] = {"", "-wal", "-shm", ".search", ".search-wal", ".search-shm"};
    char path[512];
    struct store_options opt = {0};
    struct gz_err err = {0};
    struct run r = {0};
    pthread_t t[256];
    double t0;

    snprintf(path, sizeof(path), "%s-%d", base, threads);
    if (!(r.s = store_open(path, &opt, &err))) {
        fprintf(stderr, "store_bench: %s: %s\n", path, err.msg);
        return 1;
    }
    t0 = time_mono();
    r.until = t0 + secs;
    for (int i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, worker, &r);
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    t0 = time_mono() - t0;
    printf("store: %d threads: %.0f cases/s (%ld cases, %ld failed, %.1f s)\n", threads,
           (double)atomic_load(&r.done) / t0, atomic_load(&r.done), atomic_load(&r.failed), t0);
    store_close(r.s);
    for (size_t i = 0; i < GZ_ARRAY_LEN(sfx); i++) {
        char f[600];
        snprintf(f, sizeof(f), "%s%s", path, sfx[i]);
        unlink(f);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int secs, rc = 0;

    if (argc < 4 || (secs = (int)strtol(argv[2], NULL, 10)) <= 0) {
        fprintf(stderr, "usage: store_bench DB SECONDS THREADS...\n");
        return 2;
    }
    log_set_level(LOG_WARN);
    for (int i = 3; i < argc && !rc; i++) {
        int n = (int)strtol(argv[i], NULL, 10);
        if (n < 1 || n > 256)
            return 2;
        rc = run_one(argv[1], n, secs);
    }
    return rc;
}
