/*
 * fiber.c - fibers on ucontext (see fiber.h).
 *
 * Stacks are mapped with a guard page below them, so an overflow faults
 * instead of writing over the heap, and kept in a per-thread pool: a fresh
 * mapping would cost the request its system calls and page faults again.
 * Under AddressSanitizer every switch is announced to it, so it follows the
 * stack in use.
 */
#include "gz.h"

#include <pthread.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "util/fiber.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define FIBER_ASAN 1
#else
#define FIBER_ASAN 0
#endif

#define POOL_MAX 16 /* stacks kept per thread (a handler touches ~100 KB of one) */

struct fiber {
    ucontext_t ctx;
    char *map; /* guard page, then the stack */
    size_t map_len;
    char *stack; /* past the guard page: FIBER_STACK bytes */
    fiber_fn fn;
    void *arg;
    fiber_wake_fn wake;
    void *wake_ctx;
    bool done;
    struct fiber *next; /* in the pool */
};

/* What a thread knows: the fiber it runs, the context fiber_run left, its pool. */
struct runner {
    struct fiber *cur;
    ucontext_t back;
    struct fiber *pool;
    int pooled;
    const void *stack_bottom; /* the thread's own stack, for AddressSanitizer */
    size_t stack_size;
};

static _Thread_local struct runner *me;
static pthread_key_t pool_key;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void unmap(struct fiber *f)
{
    munmap(f->map, f->map_len);
    free(f);
}

static void runner_free(void *arg)
{
    struct runner *r = arg;
    struct fiber *f;

    while ((f = r->pool) != NULL) {
        r->pool = f->next;
        unmap(f);
    }
    free(r);
}

static void pool_key_init(void)
{
    pthread_key_create(&pool_key, runner_free);
}

static struct runner *runner(void)
{
    if (!me) {
        pthread_once(&pool_once, pool_key_init);
        me = calloc(1, sizeof(*me));
        if (me)
            pthread_setspecific(pool_key, me);
    }
    return me;
}

/* ---- AddressSanitizer's view of the switches ---- */

static void switch_begin(void **fake, const void *bottom, size_t size)
{
#if FIBER_ASAN
    __sanitizer_start_switch_fiber(fake, bottom, size);
#else
    (void)fake, (void)bottom, (void)size;
#endif
}

static void switch_end(void *fake, const void **bottom, size_t *size)
{
#if FIBER_ASAN
    __sanitizer_finish_switch_fiber(fake, bottom, size);
#else
    (void)fake, (void)bottom, (void)size;
#endif
}

/* ---- the fiber's side ---- */

static void entry(void)
{
    struct runner *r = me;
    struct fiber *f = r->cur;

    switch_end(NULL, &r->stack_bottom, &r->stack_size);
    f->fn(f->arg);
    f->done = true;
    switch_begin(NULL, r->stack_bottom, r->stack_size); /* NULL: this stack is left for good */
    setcontext(&r->back);
}

void fiber_park(void)
{
    struct runner *r = me;
    struct fiber *f = r->cur;
    void *fake = NULL;

    switch_begin(&fake, r->stack_bottom, r->stack_size);
    swapcontext(&f->ctx, &r->back);
    switch_end(fake, NULL, NULL);
}

/* ---- the owner's side ---- */

static struct fiber *fiber_take(struct runner *r)
{
    long page = sysconf(_SC_PAGESIZE);
    struct fiber *f = r->pool;

    if (f) {
        r->pool = f->next;
        r->pooled--;
        return f;
    }
    if (!(f = calloc(1, sizeof(*f))))
        return NULL;
    f->map_len = FIBER_STACK + (size_t)page;
    f->map = mmap(NULL, f->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                  -1, 0);
    if (f->map == MAP_FAILED) {
        free(f);
        return NULL;
    }
    mprotect(f->map, (size_t)page, PROT_NONE);
    f->stack = f->map + page;
    return f;
}

/* Apart, and never inlined: getcontext returns twice as far as the compiler knows (it does
   not here: the context only ever starts at entry), and would have it warn for the caller's
   variables. */
__attribute__((noinline)) static void context_of(ucontext_t *ctx)
{
    getcontext(ctx);
}

struct fiber *fiber_new(fiber_fn fn, void *arg, fiber_wake_fn wake, void *wake_ctx)
{
    struct runner *r = runner();
    struct fiber *f = r ? fiber_take(r) : NULL;

    if (!f)
        return NULL;
    f->fn = fn;
    f->arg = arg;
    f->wake = wake;
    f->wake_ctx = wake_ctx;
    f->done = false;
    f->next = NULL;
    context_of(&f->ctx);
    f->ctx.uc_stack.ss_sp = f->stack;
    f->ctx.uc_stack.ss_size = FIBER_STACK;
    f->ctx.uc_link = NULL;
    makecontext(&f->ctx, entry, 0);
    return f;
}

bool fiber_run(struct fiber *f)
{
    struct runner *r = runner();
    void *fake = NULL;

    r->cur = f;
    switch_begin(&fake, f->stack, FIBER_STACK);
    swapcontext(&r->back, &f->ctx);
    switch_end(fake, NULL, NULL);
    r->cur = NULL;
    return f->done;
}

void fiber_free(struct fiber *f)
{
    struct runner *r = runner();

    if (!f)
        return;
    if (!r || r->pooled >= POOL_MAX) {
        unmap(f);
        return;
    }
    f->next = r->pool;
    r->pool = f;
    r->pooled++;
}

struct fiber *fiber_current(void)
{
    return me ? me->cur : NULL;
}

void fiber_wake(struct fiber *f)
{
    f->wake(f->wake_ctx);
}
