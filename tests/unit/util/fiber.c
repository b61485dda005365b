/*
 * Tests of src/util/fiber.c: a fiber runs until it parks or returns; a
 * woken fiber goes on where it parked, on its own stack, interleaved with
 * others on the same thread; stacks are reused; writes from fibers to the
 * store park them and wake them once committed (sq_write).
 */
#include "gz.h"

#include <pthread.h>
#include <stdatomic.h>

#include "store/store.h"
#include "t.h"
#include "util/fiber.h"

struct counter {
    int steps;
    int woken;
    struct fiber *self;
};

static void wake_count(void *ctx)
{
    struct counter *c = ctx;

    c->woken++;
}

/* Parks three times, keeping a local across each park. */
static void three_parks(void *arg)
{
    struct counter *c = arg;
    char mark[4096];

    memset(mark, 'x', sizeof(mark));
    c->self = fiber_current();
    for (int i = 0; i < 3; i++) {
        c->steps++;
        fiber_park();
        ck_assert_int_eq(mark[i * 1000], 'x');
    }
    c->steps++;
}

START_TEST(runs_parks_and_goes_on)
{
    struct counter a = {0}, b = {0};
    struct fiber *fa = fiber_new(three_parks, &a, wake_count, &a);
    struct fiber *fb = fiber_new(three_parks, &b, wake_count, &b);

    ck_assert_ptr_nonnull(fa);
    ck_assert_ptr_nonnull(fb);
    ck_assert_ptr_null(fiber_current());
    for (int i = 0; i < 3; i++) {
        ck_assert(!fiber_run(fa));
        ck_assert(!fiber_run(fb));
        ck_assert_int_eq(a.steps, i + 1);
        ck_assert_int_eq(b.steps, i + 1);
        ck_assert_ptr_null(fiber_current());
        fiber_wake(fa);
    }
    ck_assert_ptr_eq(a.self, fa);
    ck_assert_ptr_eq(b.self, fb);
    ck_assert_int_eq(a.woken, 3);
    ck_assert(fiber_run(fa));
    ck_assert(fiber_run(fb));
    ck_assert_int_eq(a.steps, 4);
    fiber_free(fa);
    fiber_free(fb);
}
END_TEST

static void deep(int n)
{
    volatile char frame[1024];

    frame[0] = (char)n;
    if (n > 0)
        deep(n - 1);
    (void)frame[0];
}

static void use_stack(void *arg)
{
    int *kb = arg;

    deep(*kb);
}

/* A stack returned is handed out again, and holds what a handler may need. */
START_TEST(stacks_are_reused)
{
    int kb = 200;

    for (int i = 0; i < 100; i++) {
        struct fiber *f = fiber_new(use_stack, &kb, wake_count, NULL);
        ck_assert_ptr_nonnull(f);
        ck_assert(fiber_run(f));
        fiber_free(f);
    }
}
END_TEST

/* ---- writes from fibers ---- */

struct writer_ctx {
    struct store *s;
    atomic_int woken;
    int rc;
};

static void wake_flag(void *ctx)
{
    atomic_fetch_add(&((struct writer_ctx *)ctx)->woken, 1);
}

static void write_setting(void *arg)
{
    struct writer_ctx *w = arg;
    struct gz_err err = {0};

    w->rc = store_setting_set(w->s, "fiber.test", "1", &err);
}

/* The write parks its fiber; the writer thread wakes it once the group has committed. */
START_TEST(store_write_parks_until_committed)
{
    char dir[256], path[300], v[16];
    struct gz_err err = {0};
    struct writer_ctx w = {0};
    struct fiber *f;

    t_tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/f.db", dir);
    w.s = store_open(path, NULL, &err);
    ck_assert_ptr_nonnull(w.s);
    w.rc = -1;
    f = fiber_new(write_setting, &w, wake_flag, &w);
    ck_assert(!fiber_run(f));
    while (atomic_load(&w.woken) == 0)
        ;
    ck_assert(fiber_run(f));
    fiber_free(f);
    ck_assert_int_eq(w.rc, 0);
    ck_assert_int_eq(store_setting_get(w.s, "fiber.test", v, sizeof(v), &err), 0);
    ck_assert_str_eq(v, "1");
    store_close(w.s);
}
END_TEST

Suite *suite_util_fiber(void)
{
    Suite *s = suite_create("util/fiber");
    TCase *tc = tcase_create("fiber");

    tcase_add_test(tc, runs_parks_and_goes_on);
    tcase_add_test(tc, stacks_are_reused);
    tcase_add_test(tc, store_write_parks_until_committed);
    suite_add_tcase(s, tc);
    return s;
}
