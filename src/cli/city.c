/*
 * city.c - commands about the city's record: its calendar, the audit chain
 * (verify) and the escalation sweep.
 */
#include "gz.h"

#include "cli/cli.h"
#include "core/calendar.h"
#include "jobs/sweeper.h"
#include "store/store.h"
#include "util/timeutil.h"

struct calendar *cli_load_calendar(struct store *s)
{
    char tz[64] = "Asia/Shanghai", hours[128];
    struct gz_err err = {0};
    struct cal_hours h;
    struct calendar *cal;

    if (store_setting_get(s, "timezone", tz, sizeof(tz), &err) && err.code != GZ_ENOTFOUND)
        goto fail;
    cal = cal_new(tz, &err);
    if (!cal)
        goto fail;
    if (store_setting_get(s, "working_hours", hours, sizeof(hours), &err) == 0) {
        if (cal_hours_parse(hours, &h, &err)) {
            cal_free(cal);
            goto fail;
        }
        cal_set_hours(cal, &h);
    }
    if (store_calendar_load(s, cal, &err)) {
        cal_free(cal);
        goto fail;
    }
    return cal;
fail:
    fprintf(stderr, "gongzhi: the city's calendar: %s\n", err.msg);
    return NULL;
}

struct walk {
    long long n;
    char prev[AUDIT_HASH_HEX + 1];
    int64_t expect_id;
    int64_t bad;
    const char *why;
};

static int check_event(void *ctx, const struct event *e)
{
    struct walk *w = ctx;

    if (e->id != w->expect_id)
        w->why = "an event is missing before it";
    else if (strcmp(e->prev_hash, w->prev) != 0)
        w->why = "its prev_hash does not match the event before it";
    else if (!audit_check(e))
        w->why = "its content does not match its hash";
    if (w->why) {
        w->bad = e->id;
        return 1;
    }
    memcpy(w->prev, e->hash, sizeof(w->prev));
    w->expect_id++;
    w->n++;
    return 0;
}

/* The newest events were cut off when the walk ends before the recorded head. */
static int check_head(struct store *s, const struct walk *w)
{
    char head[AUDIT_HASH_HEX + 32], want[AUDIT_HASH_HEX + 32];
    struct gz_err err = {0};

    if (store_setting_get(s, "audit_head", head, sizeof(head), &err))
        return w->n > 0 && err.code != GZ_ENOTFOUND ? -1 : (w->n > 0);
    snprintf(want, sizeof(want), "%lld %s", w->n, w->prev);
    return strcmp(head, want) != 0;
}

int cmd_verify(const struct cli_opts *o)
{
    struct walk w = {0, "", 1, 0, NULL};
    struct gz_err err = {0};
    int code = 0;
    struct store *s = cli_open_store(o, &code);

    if (!s)
        return code;
    memcpy(w.prev, audit_genesis, sizeof(w.prev));
    if (store_events_walk(s, check_event, &w, &err)) {
        fprintf(stderr, "gongzhi: verify: %s\n", err.msg);
        code = 1;
    } else if (w.why) {
        printf("bad event %lld: %s (%lld events before it verified)\n", (long long)w.bad, w.why,
               w.n);
        code = 1;
    } else if (check_head(s, &w)) {
        printf("bad event %lld: the chain ends before its recorded head (%lld events verified)\n",
               (long long)w.expect_id, w.n);
        code = 1;
    } else {
        printf("ok %lld events\n", w.n);
    }
    store_close(s);
    return code;
}

int cmd_sweep(const struct cli_opts *o)
{
    struct gz_err err = {0};
    int code = 0, given = 0;
    struct store *s = cli_open_store(o, &code);

    if (!s)
        return code;
    if (sweeper_run(s, time_now(), &given, &err)) {
        fprintf(stderr, "gongzhi: sweep: %s\n", err.msg);
        code = 1;
    } else {
        printf("sweep: %d escalations\n", given);
    }
    store_close(s);
    return code;
}

/* Settings a running city may change; the rest (zone, hours) are set by init. */
static const char *const config_keys[] = {"auto_dispatch_threshold", "attachment_max_bytes", NULL};

static int config_check(const char *key, const char *value)
{
    char *end;
    double t;

    if (strcmp(key, "auto_dispatch_threshold") == 0) {
        t = strtod(value, &end);
        if (end != value && !*end && t >= 0 && t <= 1)
            return 0;
        fprintf(stderr, "gongzhi: auto_dispatch_threshold must be a probability from 0 to 1\n");
        return -1;
    }
    if (strcmp(key, "attachment_max_bytes") == 0) {
        unsigned long long n = strtoull(value, &end, 10);
        if (end != value && !*end && n >= 1 && n <= GZ_MAX_ATTACHMENT_CEIL)
            return 0;
        fprintf(stderr, "gongzhi: attachment_max_bytes must be a byte count from 1 to %u\n",
                GZ_MAX_ATTACHMENT_CEIL);
        return -1;
    }
    fprintf(stderr,
            "gongzhi: unknown setting %s (settings: auto_dispatch_threshold,"
            " attachment_max_bytes)\n",
            key);
    return -1;
}

static void config_print(struct store *s, const char *key)
{
    char v[256];
    struct gz_err err = {0};

    if (store_setting_get(s, key, v, sizeof(v), &err) == 0)
        printf("%s = %s\n", key, v);
    else
        printf("%s (default)\n", key);
}

/* gongzhi config [KEY [VALUE]]: show or change a setting; serve reads them at start. */
int cmd_config(const struct cli_opts *o)
{
    struct gz_err err = {0};
    int code = 0;
    struct store *s;

    if (o->argc > 2) {
        fprintf(stderr, "gongzhi: config takes a key and a value\n");
        return EXIT_USAGE;
    }
    if (o->argc == 2 && config_check(o->argv[0], o->argv[1]))
        return EXIT_USAGE;
    if (!(s = cli_open_store(o, &code)))
        return code;
    if (o->argc == 2 && store_setting_set(s, o->argv[0], o->argv[1], &err)) {
        fprintf(stderr, "gongzhi: config: %s\n", err.msg);
        code = 1;
    } else if (o->argc >= 1) {
        config_print(s, o->argv[0]);
    } else {
        for (size_t i = 0; config_keys[i]; i++)
            config_print(s, config_keys[i]);
    }
    store_close(s);
    return code;
}
