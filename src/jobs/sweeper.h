/*
 * sweeper.h - escalations (DESIGN §4): at 80 % of the way to a deadline a
 * reminder (催办), past it supervision (督办), each an event addressed to the
 * lead unit and its parent. Each is given once: the case row records it in
 * the same transaction as the event, so a restart never repeats one.
 */
#ifndef GZ_SWEEPER_H
#define GZ_SWEEPER_H

#include <stddef.h>
#include <stdint.h>

struct gz_err;
struct store;
struct sweeper;

/* Give every escalation due at `now`; *given counts the events written. */
int sweeper_run(struct store *s, int64_t now, int *given, struct gz_err *err)
    __attribute__((warn_unused_result));
/* The same, holding at most `batch` (>= 1) case numbers in memory at a time. */
int sweeper_run_batched(struct store *s, int64_t now, size_t batch, int *given, struct gz_err *err)
    __attribute__((warn_unused_result));

/* A thread that sweeps at start and then every `period_s` seconds. */
struct sweeper *sweeper_start(struct store *s, int period_s);
/* Stop it (waits for a sweep in progress). NULL is fine. */
void sweeper_stop(struct sweeper *w);

#endif
