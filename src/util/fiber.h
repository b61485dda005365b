/*
 * fiber.h - handlers that wait without holding their thread.
 *
 * A fiber runs a function on its own stack, on the thread that calls
 * fiber_run, until the function returns or parks (fiber_park, from inside).
 * A parked fiber continues when its owner calls fiber_run again, on the same
 * thread. Whoever the fiber waits for calls fiber_wake, from any thread,
 * which calls the owner's wake function: the owner then arranges for
 * fiber_run to be called (the HTTP server resumes the connection).
 *
 * The HTTP server runs the handlers of routes that may park in fibers; the
 * store's writer queue parks the fiber of a write instead of blocking its
 * thread (sq_write). So a few threads carry many writes waiting for their
 * group commit.
 *
 * Rules for code that may park: hold no lock across the call that parks
 * (another fiber on the same thread may want it), and keep stack use under
 * FIBER_STACK.
 */
#ifndef GZ_FIBER_H
#define GZ_FIBER_H

#include <stdbool.h>
#include <stddef.h>

#define FIBER_STACK (512u << 10)

struct fiber;

typedef void (*fiber_fn)(void *arg);
typedef void (*fiber_wake_fn)(void *ctx);

/* A fiber that will run fn(arg); NULL when out of memory. */
struct fiber *fiber_new(fiber_fn fn, void *arg, fiber_wake_fn wake, void *wake_ctx);
/* Run f on this thread until fn returns (true) or parks (false). */
bool fiber_run(struct fiber *f);
/* Free a fiber that has finished or never ran. */
void fiber_free(struct fiber *f);
/* The fiber running on this thread, NULL outside any. */
struct fiber *fiber_current(void);
/* Inside a fiber: give the thread back to fiber_run's caller. */
void fiber_park(void);
/* The parked (or parking) fiber's wait is over: call its owner's wake function. */
void fiber_wake(struct fiber *f);

#endif
