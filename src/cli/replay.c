/*
 * replay.c - `gongzhi import cases --format boston311 FILE.csv[.gz]`: a
 * city's recorded year through the pipeline (svc/replay), with the report
 * of how the pipeline agrees with the record. The classifier is learnt from
 * four rows in five and kept as the newest model; the fifth measures it.
 */
#include "gz.h"

#include "api/api.h"
#include "api/api_util.h"
#include "cli/cli.h"
#include "core/classify.h"
#include "io/csvread.h"
#include "io/import.h"
#include "store/store.h"
#include "svc/replay.h"
#include "util/buf.h"
#include "util/progress.h"
#include "util/timeutil.h"

static int add_row(void *ctx, const struct csv_row *row, struct gz_err *err)
{
    struct replay_rows *rows = ctx;
    struct gz_err e = {0};
    char why[96];

    (void)err;
    if (rows->n == rows->cap) {
        size_t cap = rows->cap ? 2 * rows->cap : 4096;
        struct b311_row *v = realloc(rows->v, cap * sizeof(*v));
        if (!v)
            return gz_fail(err, GZ_ENOMEM, "", "out of memory");
        rows->v = v;
        rows->cap = cap;
    }
    if (b311_parse(row, &rows->v[rows->n], &e) == 0) {
        rows->n++;
        return 0;
    }
    snprintf(why, sizeof(why), "%.24s: %.64s", e.field, e.msg);
    replay_reject(rows, why); /* a bad row is counted, not fatal: the year goes on */
    return 0;
}

static int read_rows(const char *path, struct replay_rows *rows, struct gz_err *err)
{
    char *text = NULL;
    size_t len = 0, bad = 0;
    int rc = import_read_file(path, &text, &len, err);

    if (!rc && (rc = csv_read(text, len, b311_columns, add_row, rows, &bad, err))) {
        struct gz_err e = *err;
        gz_fail(err, rc, e.field, "line %zu: %s", bad, e.msg);
    }
    free(text);
    return rc;
}

/* Learn from the training rows, keep it as the newest version, use it from now on. */
static int learn(struct replay *rp, struct app *app, struct gz_err *err)
{
    double t0 = time_mono();
    struct classifier *c = replay_train(rp, err);
    struct buf b;
    int64_t id = 0;
    int rc;

    if (!c)
        return err->code ? err->code : GZ_EIO;
    buf_init(&b, 1u << 30);
    rc = clf_save(c, &b);
    if (!rc)
        rc = store_model_put(app->store, "classifier", b.p, b.len, 0, "boston311 replay", &id, err);
    buf_release(&b);
    if (rc) {
        clf_free(c);
        return rc;
    }
    printf("classifier version %lld: %zu categories, trained in %.1f s\n", (long long)id,
           clf_classes(c), time_mono() - t0);
    clf_free(app->clf);
    app->clf = c;
    return 0;
}

static double pct(size_t a, size_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void print_report(const struct replay_rows *rows, const struct replay_report *r,
                         double threshold)
{
    printf("rows %zu: imported %zu, rejected %zu, already imported %zu\n", r->rows, r->imported,
           r->rejected, r->already);
    for (size_t i = 0; i < REPLAY_REASONS && rows->reasons[i].n; i++)
        printf("  rejected %zu: %s\n", rows->reasons[i].n, rows->reasons[i].why);
    printf("located %zu of %zu with a point (%.1f %%); %zu had none (City Hall default or empty)\n",
           r->located, r->with_point, pct(r->located, r->with_point), r->imported - r->with_point);
    printf("ward agreement %.2f %% (%zu of %zu), precinct agreement %.2f %% (%zu of %zu)\n",
           pct(r->ward_agree, r->ward_known), r->ward_agree, r->ward_known,
           pct(r->precinct_agree, r->precinct_known), r->precinct_agree, r->precinct_known);
    printf("automatic dispatch %zu (%.1f %%), agreeing with Department %.2f %%; %zu dispatched as "
           "recorded\n",
           r->auto_dispatched, pct(r->auto_dispatched, r->imported),
           pct(r->auto_agree, r->auto_dispatched), r->record_dispatched);
    printf("classification on the held-out fifth (%zu): top-1 %.2f %%, top-3 %.2f %%; "
           "p >= %.2f on %.1f %% of them, %.2f %% right\n",
           r->held_out, pct(r->top1, r->held_out), pct(r->top3, r->held_out), threshold,
           pct(r->certain, r->held_out), pct(r->certain_right, r->certain));
    printf("duplicates: %zu flagged likely, %zu recorded as duplicates; precision %.1f %%, "
           "recall %.1f %%\n",
           r->dup_flagged, r->dup_truth, pct(r->dup_hit, r->dup_flagged),
           pct(r->dup_hit, r->dup_truth));
    for (int t = 5; t < REPLAY_SCORE_BINS; t++) {
        size_t flagged = 0, hit = 0;
        for (int b = t; b < REPLAY_SCORE_BINS; b++)
            flagged += r->dup_bins[b][0], hit += r->dup_bins[b][1];
        printf("  score >= 0.%d: %zu flagged, precision %.1f %%, recall %.1f %%\n", t, flagged,
               pct(hit, flagged), pct(hit, r->dup_truth));
    }
    printf("closed %zu (%zu closed before they opened: closed at opening)\n", r->closed,
           r->closed_before_open);
    printf("replayed in %.1f s\n", r->seconds);
}

static int replay_file(struct app *app, const char *path, struct gz_err *err)
{
    struct replay_rows rows = {0};
    struct replay_report rep;
    struct intake_deps deps;
    struct replay *rp = NULL;
    struct progress bar;
    size_t added = 0;
    double t0 = time_mono();
    int rc = read_rows(path, &rows, err);

    api_intake_deps(app, &deps);
    if (!rc && !(rp = replay_new(&deps, &rows, err)))
        rc = err->code;
    if (!rc)
        rc = learn(rp, app, err);
    if (!rc) {
        api_intake_deps(app, &deps); /* with the new model */
        replay_use(rp, &deps);
        rc = replay_derive_rules(rp, &added, err);
    }
    if (!rc && added)
        printf("responsibility matrix: %zu rules derived from the training rows\n", added);
    progress_init(&bar, "replay");
    if (!rc)
        rc = replay_run(rp, progress_cb, &bar, &rep, err);
    if (!rc) {
        rep.seconds = time_mono() - t0;
        print_report(&rows, &rep, app->auto_threshold);
    }
    replay_free(rp);
    replay_rows_release(&rows);
    return rc;
}

int cli_import_cases(const struct cli_opts *o)
{
    struct gz_err err = {0};
    struct app app;
    struct store *s;
    int code = 0;

    if (!o->format || strcmp(o->format, "boston311") != 0) {
        fprintf(stderr, "gongzhi: import cases needs --format boston311\n");
        return EXIT_USAGE;
    }
    if (!(s = cli_open_store(o, &code)))
        return code;
    if (cli_app_open(s, &app)) {
        store_close(s);
        return 1;
    }
    if (replay_file(&app, o->argv[1], &err)) {
        fprintf(stderr, "gongzhi: import cases: %s: %s (field %s)\n", o->argv[1], err.msg,
                err.field[0] ? err.field : "-");
        code = 1;
    }
    cli_app_close(&app);
    store_close(s);
    return code;
}
