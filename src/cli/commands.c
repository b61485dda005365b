/*
 * commands.c - init, serve and import: open the store, do the one thing,
 * close it cleanly.
 */
#include "gz.h"

#include <glob.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "api/api.h"
#include "api/open311.h"
#include "api/stream.h"
#include "cli/cli.h"
#include "core/calendar.h"
#include "core/classify.h"
#include "core/dedup.h"
#include "core/throttle.h"
#include "http/server.h"
#include "io/import.h"
#include "jobs/outbox.h"
#include "jobs/sweeper.h"
#include "store/store.h"
#include "svc/blobs.h"
#include "svc/intake.h"
#include "svc/places.h"
#include "svc/rulebook.h"
#include "util/log.h"
#include "util/timeutil.h"

struct store *cli_open_store(const struct cli_opts *o, int *code)
{
    struct store_options opt = {.sync_full = o->sync_full};
    struct gz_err err = {0};
    struct store *s = store_open(o->db, &opt, &err);

    if (!s) {
        fprintf(stderr, "gongzhi: %s: %s\n", o->db, err.msg);
        *code = err.code == GZ_ESCHEMA ? EXIT_SCHEMA : 1;
    }
    return s;
}

/* The newest trained classifier, or NULL (intake then suggests no category). */
static struct classifier *load_classifier(struct store *s)
{
    struct gz_err err = {0};
    struct classifier *c = NULL;
    void *bytes = NULL;
    size_t len = 0;
    int64_t id = 0;

    if (store_model_latest(s, "classifier", &bytes, &len, &id, &err) == 0) {
        c = clf_load(bytes, len, &err);
        if (c)
            log_info("classifier version %lld: %zu categories", (long long)id, clf_classes(c));
        else
            log_warn("classifier version %lld cannot be used: %s", (long long)id, err.msg);
    }
    free(bytes);
    return c;
}

static int add_recent(void *ctx, const struct case_rec *c)
{
    return dedup_add(ctx, c->id, c->number, c->lat, c->lon, c->created_at, c->category, c->text) ==
           GZ_ENOMEM;
}

/* The duplicate index: open cases with a point from the last window (14 days). */
static struct dedup *load_recent(struct store *s)
{
    struct dedup *d = dedup_new(DEDUP_DEFAULT_RADIUS_M, DEDUP_DEFAULT_WINDOW_S);
    struct gz_err err = {0};

    if (d && store_recent_cases(s, time_now() - DEDUP_DEFAULT_WINDOW_S, add_recent, d, &err))
        log_warn("duplicate search starts empty: %s", err.msg);
    return d;
}

/* The certainty the classifier needs for an automatic dispatch (setting auto_dispatch_threshold).
 */
static double auto_threshold(struct store *s)
{
    char v[32];
    struct gz_err err = {0};
    char *end;
    double t;

    if (store_setting_get(s, "auto_dispatch_threshold", v, sizeof(v), &err))
        return INTAKE_AUTO_THRESHOLD;
    t = strtod(v, &end);
    if (end == v || *end || !(t >= 0)) {
        log_warn("auto_dispatch_threshold %s is not a probability; using %.2f", v,
                 INTAKE_AUTO_THRESHOLD);
        return INTAKE_AUTO_THRESHOLD;
    }
    return t;
}

int cli_app_open(struct store *s, struct app *app)
{
    struct gz_err err = {0};

    memset(app, 0, sizeof(*app));
    app->store = s;
    app->started = time_mono();
    app->cal = cli_load_calendar(s); /* sets the process zone: before any thread starts */
    if (!app->cal)
        return -1;
    app->places = places_new(s, &err);
    if (app->places)
        app->rules = rulebook_new(s, &err);
    if (!app->places || !app->rules) {
        fprintf(stderr, "gongzhi: jurisdictions and rules: %s\n", err.msg);
        cli_app_close(app);
        return -1;
    }
    app->clf = load_classifier(s);
    app->dedup = load_recent(s);
    app->auto_threshold = auto_threshold(s);
    app->o311 = o311_new(s, &err);
    if (!app->o311) {
        fprintf(stderr, "gongzhi: open311: %s\n", err.msg);
        cli_app_close(app);
        return -1;
    }
    return 0;
}

void cli_app_close(struct app *app)
{
    places_free(app->places);
    rulebook_free(app->rules);
    clf_free(app->clf);
    dedup_free(app->dedup);
    o311_free(app->o311);
    cal_free(app->cal);
    api_calendar_retired_free();
    memset(app, 0, sizeof(*app));
}

/* Block the stop signals in every thread, so only sigwait below sees them. */
static void block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Attachment files beside the database; uploads are spooled next to them. */
static int serve_files(struct app *app, struct http_config *cfg, const char *db)
{
    struct gz_err err = {0};

    app->blobs = blobs_open(db, &err);
    if (!app->blobs) {
        fprintf(stderr, "gongzhi: attachments: %s\n", err.msg);
        return -1;
    }
    cfg->upload_dir = blobs_tmp_dir(app->blobs);
    return 0;
}

/* The live stream's hub and the webhook deliveries (GONGZHI_WEBHOOK_*,
   GONGZHI_STREAM_HEARTBEAT_S and GONGZHI_STREAM_BATCH_MS tune them). */
static int serve_events(struct store *s, struct app *app, struct outbox **hooks, struct gz_err *err)
{
    struct outbox_opts oo;
    const char *beat = getenv("GONGZHI_STREAM_HEARTBEAT_S");
    const char *batch = getenv("GONGZHI_STREAM_BATCH_MS");

    app->hub = stream_hub_new(s, beat ? (int)strtol(beat, NULL, 10) : 0,
                              batch ? (int)strtol(batch, NULL, 10) : -1, err);
    if (!app->hub)
        return -1;
    outbox_opts_from_env(&oo);
    oo.render = api_event_json;
    *hooks = outbox_start(s, &oo, err);
    return *hooks ? 0 : -1;
}

int cli_serve_store(struct store *s, const struct cli_opts *o)
{
    struct app app;
    struct http_config cfg = {.bind = o->bind, .port = o->port, .threads = o->threads};
    struct router *r = router_new();
    struct http_server *srv = NULL;
    struct sweeper *sweep = NULL;
    struct outbox *hooks = NULL;
    struct gz_err err = {0};
    sigset_t set;
    int sig = 0, rc = 1;
    char *web = NULL;

    if (cli_app_open(s, &app))
        goto out_router;
    app.web_root = web = cli_web_root(o->web);
    if (serve_files(&app, &cfg, o->db))
        goto out;
    block_signals(&set);
    app.login_fails = throttle_new(4096, GZ_LOGIN_FAILS_MAX, GZ_LOGIN_FAILS_WINDOW_S);
    if (!r || !app.login_fails || api_register(r)) {
        fprintf(stderr, "gongzhi: cannot set up the routes\n");
        goto out;
    }
    if (store_token_purge(s, time_now(), &err) < 0)
        log_warn("could not purge expired tokens: %s", err.msg);
    if (serve_events(s, &app, &hooks, &err)) {
        fprintf(stderr, "gongzhi: %s\n", err.msg);
        goto out;
    }
    srv = http_server_start(&cfg, r, &app, &err);
    if (!srv) {
        fprintf(stderr, "gongzhi: %s\n", err.msg);
        goto out;
    }
    sweep = sweeper_start(s, 60);
    printf("gongzhi %s serving http://%s:%d/ (database %s, schema %d)\n", GZ_VERSION, o->bind,
           http_server_port(srv), o->db, store_schema_version(s));
    if (web)
        printf("web console http://%s:%d/ and public portal http://%s:%d/public/ (from %s)\n",
               o->bind, http_server_port(srv), o->bind, http_server_port(srv), web);
    fflush(stdout);
    sigwait(&set, &sig);
    log_info("signal %d: finishing in-flight requests", sig);
    rc = 0;
out:
    stream_hub_close(app.hub); /* streams end before the server stops */
    http_server_stop(srv);
    stream_hub_free(app.hub);
    outbox_stop(hooks);
    sweeper_stop(sweep);
    router_free(r);
    throttle_free(app.login_fails);
    blobs_free(app.blobs);
    cli_app_close(&app);
    free(web);
    return rc;
out_router:
    router_free(r);
    return rc;
}

int cmd_serve(const struct cli_opts *o)
{
    struct store *s;
    int code = 0;

    if (access(o->db, F_OK) != 0) {
        fprintf(stderr, "gongzhi: %s does not exist; create it with gongzhi init --db %s\n", o->db,
                o->db);
        return 1;
    }
    s = cli_open_store(o, &code);
    if (!s)
        return code;
    code = cli_serve_store(s, o);
    store_close(s);
    return code;
}

/* The first admin: login admin, password from GONGZHI_ADMIN_PASSWORD or random. */
static int create_admin(struct store *s, int64_t unit_id, struct gz_err *err)
{
    const char *env = getenv("GONGZHI_ADMIN_PASSWORD");
    char pw[64], hash[AUTH_HASH_MAX];
    struct account a;
    struct membership m = {0};
    unsigned char raw[12];

    if (env) {
        snprintf(pw, sizeof(pw), "%s", env);
    } else {
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2base64(pw, sizeof(pw), raw, sizeof(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    }
    account_init(&a);
    snprintf(a.login, sizeof(a.login), "admin");
    snprintf(a.name, sizeof(a.name), "Administrator");
    if (account_check_password(a.login, pw, err) || auth_password_hash(pw, hash) ||
        store_account_create(s, &a, hash, err))
        return err->code ? err->code : GZ_EIO;
    m.account_id = a.id;
    m.unit_id = unit_id;
    m.role = ROLE_ADMIN;
    if (store_membership_create(s, &m, err))
        return err->code;
    printf("created account admin with password %s\n", env ? "(from GONGZHI_ADMIN_PASSWORD)" : pw);
    return 0;
}

static int init_root(struct store *s, const char *city, struct gz_err *err)
{
    struct unit u;
    struct account a;
    int rc;

    if (store_account_get_login(s, "admin", &a, NULL, err) == 0)
        return 0; /* initialised before */
    unit_init(&u);
    if (store_unit_get_by_code(s, "city", &u, NULL, err) != 0) {
        u.kind = UNIT_CITY;
        snprintf(u.code, sizeof(u.code), "city");
        snprintf(u.name, sizeof(u.name), "%s", city ? city : "City");
        rc = unit_validate(&u, err);
        if (rc || (rc = store_unit_create(s, &u, NULL, err)) != 0)
            return rc;
        printf("created root unit city (%s)\n", u.name);
    }
    rc = create_admin(s, u.id, err);
    unit_release(&u);
    return rc;
}

/* A city on China's clock gets the shipped official holiday calendars (data/calendar/cn-*.csv). */
static int init_calendars(struct store *s, const struct cli_opts *o, struct gz_err *err)
{
    char pattern[1024];
    glob_t g;
    size_t count;
    int rc = 0;

    if (o->timezone && strcmp(o->timezone, "Asia/Shanghai") != 0)
        return 0;
    snprintf(pattern, sizeof(pattern), "%s/calendar/cn-*.csv", o->data);
    if (glob(pattern, 0, NULL, &g) != 0)
        return 0;
    for (size_t i = 0; !rc && i < g.gl_pathc; i++) {
        rc = import_file(s, "calendar", g.gl_pathv[i], &count, err);
        if (!rc)
            printf("calendar: %zu days from %s\n", count, g.gl_pathv[i]);
    }
    globfree(&g);
    return rc;
}

int cmd_init(const struct cli_opts *o)
{
    struct gz_err err = {0};
    int code = 0;
    struct store *s = cli_open_store(o, &code);

    if (!s)
        return code;
    if (o->timezone) {
        struct calendar *cal = cal_new(o->timezone, &err); /* checks the zone exists */
        code = !cal || store_setting_set(s, "timezone", o->timezone, &err);
        cal_free(cal);
    }
    if (!code && o->working_hours) {
        struct cal_hours h;
        code = cal_hours_parse(o->working_hours, &h, &err) ||
               store_setting_set(s, "working_hours", o->working_hours, &err);
    }
    if (!code && init_calendars(s, o, &err))
        code = 1;
    if (code) {
        fprintf(stderr, "gongzhi: init: %s\n", err.msg);
    } else if (init_root(s, o->city, &err)) {
        fprintf(stderr, "gongzhi: init: %s%s%s\n", err.field, err.field[0] ? ": " : "", err.msg);
        code = 1;
    } else {
        printf("database %s ready (schema %d)\n", o->db, store_schema_version(s));
    }
    store_close(s);
    return code;
}

int cmd_import(const struct cli_opts *o)
{
    struct gz_err err = {0};
    struct store *s;
    size_t count = 0;
    double t0 = time_mono();
    int code = 0;

    if (o->argc == 2 && strcmp(o->argv[0], "cases") == 0)
        return cli_import_cases(o);
    if (o->argc != 2 || (strcmp(o->argv[0], "units") && strcmp(o->argv[0], "categories") &&
                         strcmp(o->argv[0], "calendar") && strcmp(o->argv[0], "routes") &&
                         strcmp(o->argv[0], "kb"))) {
        fprintf(stderr, "usage: gongzhi import units FILE.geojson | categories FILE.csv|FILE.json"
                        " | calendar FILE.csv | routes FILE.csv | kb FILE.json|FILE.csv"
                        " | cases --format boston311 FILE.csv.gz\n");
        return EXIT_USAGE;
    }
    s = cli_open_store(o, &code);
    if (!s)
        return code;
    if (import_file(s, o->argv[0], o->argv[1], &count, &err)) {
        fprintf(stderr, "gongzhi: import %s: %s: %s (field %s); nothing was written\n", o->argv[0],
                o->argv[1], err.msg, err.field[0] ? err.field : "-");
        code = 1;
    } else {
        printf("imported %zu %s from %s in %.2f s\n", count, o->argv[0], o->argv[1],
               time_mono() - t0);
    }
    store_close(s);
    return code;
}
