/*
 * progress.h - a progress bar on a terminal, plain lines otherwise (logs and
 * CI stay readable). Writes to stderr.
 */
#ifndef GZ_PROGRESS_H
#define GZ_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

struct progress {
    const char *label;
    bool tty;
    int last_pct;
};

void progress_init(struct progress *p, const char *label);
/* Update with done of total; draws only when the percentage moves. */
void progress_update(struct progress *p, size_t done, size_t total);
/* Callback form for store imports: ctx is a struct progress. */
void progress_cb(void *ctx, size_t done, size_t total);

#endif
