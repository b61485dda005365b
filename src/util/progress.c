/* progress.c - terminal progress bar (see progress.h). */
#include "gz.h"

#include <stdio.h>
#include <unistd.h>

#include "util/progress.h"

void progress_init(struct progress *p, const char *label)
{
    p->label = label;
    p->tty = isatty(STDERR_FILENO);
    p->last_pct = -1;
}

void progress_update(struct progress *p, size_t done, size_t total)
{
    int pct = total ? (int)(done * 100 / total) : 100, width = 30, fill;
    char bar[32];

    if (pct == p->last_pct)
        return;
    if (!p->tty && pct != 100 && pct / 25 == p->last_pct / 25 && p->last_pct >= 0)
        return; /* plain output: a line every quarter */
    p->last_pct = pct;
    if (!p->tty) {
        fprintf(stderr, "%s: %zu/%zu (%d%%)\n", p->label, done, total, pct);
        return;
    }
    fill = pct * width / 100;
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r%s [%s] %3d%% %zu/%zu%s", p->label, bar, pct, done, total,
            pct == 100 ? "\n" : "");
    fflush(stderr);
}

void progress_cb(void *ctx, size_t done, size_t total)
{
    progress_update(ctx, done, total);
}
