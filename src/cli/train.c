/*
 * train.c - `gongzhi train [FILE.csv]`: learn the category classifier from
 * closed cases (their final category) or from a labelled CSV (columns text,
 * category, and optionally address), report its accuracy on a held-out
 * fifth, then learn from everything and keep it in the database as the
 * newest model version, which `serve` loads at start.
 */
#include "gz.h"

#include "cli/cli.h"
#include "core/classify.h"
#include "io/csvread.h"
#include "io/import.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/timeutil.h"

#define TRAIN_MIN_DOCS 10

struct example {
    char *text;
    char label[CLF_LABEL_MAX];
};

struct examples {
    size_t n, cap;
    struct example *v;
};

static void examples_release(struct examples *x)
{
    for (size_t i = 0; i < x->n; i++)
        free(x->v[i].text);
    free(x->v);
}

/* Text and address together: where a problem is says much about what it is. */
static int add_example(struct examples *x, const char *text, const char *address, const char *label)
{
    if (!text || !label || !category_code_valid(label))
        return 0; /* not a usable example: skipped */
    if (x->n == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 1024;
        struct example *v = realloc(x->v, cap * sizeof(*v));
        if (!v)
            return GZ_ENOMEM;
        x->v = v;
        x->cap = cap;
    }
    if (!(x->v[x->n].text = clf_document(text, address)))
        return GZ_ENOMEM;
    snprintf(x->v[x->n].label, CLF_LABEL_MAX, "%s", label);
    x->n++;
    return 0;
}

static int from_case(void *ctx, const char *text, const char *address, const char *category)
{
    return add_example(ctx, text, address, category) != 0;
}

static int from_row(void *ctx, const struct csv_row *row, struct gz_err *err)
{
    if (add_example(ctx, csv_field(row, "text"), csv_field(row, "address"),
                    csv_field(row, "category")))
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    return 0;
}

static int load_examples(struct store *s, const char *path, struct examples *x, struct gz_err *err)
{
    static const char *const required[] = {"text", "category", NULL};
    char *text = NULL;
    size_t len = 0, bad = 0;
    int rc;

    if (!path)
        return store_training_cases(s, from_case, x, err);
    rc = import_read_file(path, &text, &len, err);
    if (!rc)
        rc = csv_read(text, len, required, from_row, x, &bad, err);
    free(text);
    return rc;
}

/* Learn from the examples whose index % 5 != `skip` (all of them when skip < 0). */
static struct classifier *learn(const struct examples *x, int skip, struct gz_err *err)
{
    struct clf_trainer *t = clf_trainer_new(CLF_DEFAULT_HASH_BITS, err);
    struct classifier *c = NULL;
    bool ok = t != NULL;

    for (size_t i = 0; ok && i < x->n; i++)
        if ((int)(i % 5) != skip)
            ok = clf_trainer_add(t, x->v[i].text, x->v[i].label, err) == 0;
    if (ok)
        c = clf_trainer_finish(t, err);
    clf_trainer_free(t);
    return c;
}

static void report(const struct classifier *c, const struct examples *x)
{
    size_t tested = 0, top1 = 0, top3 = 0;

    for (size_t i = 0; i < x->n; i += 5) {
        struct clf_guess g[3];
        size_t n = 0;
        if (clf_predict(c, x->v[i].text, g, 3, &n))
            continue;
        tested++;
        for (size_t k = 0; k < n; k++)
            if (strcmp(g[k].label, x->v[i].label) == 0) {
                top1 += k == 0;
                top3++;
            }
    }
    printf("held-out fifth: %zu cases, top-1 %.3f, top-3 %.3f\n", tested,
           tested ? (double)top1 / tested : 0, tested ? (double)top3 / tested : 0);
}

static int train_and_keep(struct store *s, const struct examples *x, struct gz_err *err)
{
    struct classifier *c = learn(x, 0, err);
    struct buf b;
    int64_t id = 0;
    double t0 = time_mono();
    int rc;

    if (!c)
        return err->code ? err->code : GZ_EIO;
    report(c, x);
    clf_free(c);
    c = learn(x, -1, err);
    if (!c)
        return err->code ? err->code : GZ_EIO;
    buf_init(&b, 1u << 30);
    rc = clf_save(c, &b);
    if (!rc)
        rc = store_model_put(s, "classifier", b.p, b.len, (int64_t)x->n, "", &id, err);
    if (!rc)
        printf("model version %lld: %zu classes from %zu cases, %zu bytes, trained in %.1f s\n",
               (long long)id, clf_classes(c), x->n, b.len, time_mono() - t0);
    buf_release(&b);
    clf_free(c);
    return rc;
}

int cmd_train(const struct cli_opts *o)
{
    struct examples x = {0};
    struct gz_err err = {0};
    int code = 0;
    struct store *s;

    if (o->argc > 1) {
        fprintf(stderr, "usage: gongzhi train [FILE.csv] [--db FILE]\n");
        return EXIT_USAGE;
    }
    s = cli_open_store(o, &code);
    if (!s)
        return code;
    if (load_examples(s, o->argc ? o->argv[0] : NULL, &x, &err)) {
        fprintf(stderr, "gongzhi: train: %s\n", err.msg);
        code = 1;
    } else if (x.n < TRAIN_MIN_DOCS) {
        fprintf(stderr, "gongzhi: train: %zu usable cases; at least %d are needed\n", x.n,
                TRAIN_MIN_DOCS);
        code = 1;
    } else if (train_and_keep(s, &x, &err)) {
        fprintf(stderr, "gongzhi: train: %s\n", err.msg);
        code = 1;
    }
    examples_release(&x);
    store_close(s);
    return code;
}
