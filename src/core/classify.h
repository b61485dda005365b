/*
 * classify.h - the category classifier of intake (DESIGN.md §5 step 2): a
 * linear model over hashed character 1-3-grams of the text (so Chinese needs
 * no word segmentation) plus its ASCII words - logistic regression by
 * default, or naive Bayes. Pure computation: the caller reads the training
 * texts and stores the saved model (a blob).
 *
 * Measured (bench/clf_bench.c, Boston 311 2015, 158 types, 80/20 split,
 * title + address as text): logistic top-1 0.967, top-3 0.991, log-loss
 * 0.12, 6 s to train on 77,600 texts; multinomial naive Bayes 0.960 / 0.988 /
 * 0.18 in 0.4 s; complement naive Bayes 0.88 / 0.93. 150,000-230,000
 * predictions/s on one core, 1.3 MB saved.
 *
 *   trainer = clf_trainer_new(0, &err);
 *   clf_trainer_add(trainer, "小区门口垃圾堆积", "0101", &err); ...
 *   model = clf_trainer_finish(trainer, &err); clf_trainer_free(trainer);
 *   clf_predict(model, text, guesses, 3, &n);   (any number of threads at once)
 *   clf_save(model, &blob); ... model = clf_load(blob.p, blob.len, &err);
 *
 * A model is immutable once built, so concurrent clf_predict calls need no lock.
 */
#ifndef GZ_CLASSIFY_H
#define GZ_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct gz_err;

#define CLF_LABEL_MAX 16         /* a label's buffer with its NUL: category codes (8 digits) fit */
#define CLF_MAX_CLASSES 4000     /* distinct labels of one model */
#define CLF_MIN_HASH_BITS 10     /* feature buckets: 2^hash_bits */
#define CLF_MAX_HASH_BITS 22     /* 16 MB of bucket offsets when loaded */
#define CLF_DEFAULT_HASH_BITS 20 /* room for Chinese n-grams (Boston: same accuracy at 18..22) */
#define CLF_MAX_TEXT 4096        /* bytes of a text that are looked at; the rest is ignored */
#define CLF_MAX_ENTRIES (1u << 26) /* (bucket, class) pairs a trainer or a model may hold */
#define CLF_LOGISTIC_MAX_FEATURES (1u << 26) /* of texts kept for logistic regression, 4 B each */
#define CLF_FORMAT_VERSION 1                 /* of the blob written by clf_save */

/* The default (0) is the most accurate measured. */
enum clf_kind {
    CLF_LOGISTIC = 0,    /* logistic regression (SGD) on the (feature, class) pairs seen */
    CLF_MULTINOMIAL = 1, /* multinomial naive Bayes, smoothing and temperature tuned */
    CLF_COMPLEMENT = 2,  /* complement naive Bayes (Rennie et al. 2003) */
};

/* How a trainer learns; zero fields take the defaults (clf_trainer_new). */
struct clf_params {
    int hash_bits;      /* CLF_MIN_HASH_BITS..CLF_MAX_HASH_BITS; 0: CLF_DEFAULT_HASH_BITS */
    enum clf_kind kind; /* CLF_LOGISTIC */
    double alpha;       /* naive Bayes: additive smoothing > 0; 0: chosen on held-out texts */
    double scale;       /* naive Bayes: likelihood temperature > 0; 0: fitted on held-out texts */
};

/* One answer of clf_predict: a label and its posterior probability. */
struct clf_guess {
    char label[CLF_LABEL_MAX];
    double p;
};

struct clf_trainer;
struct classifier;

/*
 * A trainer with default parameters and 2^hash_bits feature buckets (0: the
 * default). NULL with err set when hash_bits is out of range or memory is short.
 */
struct clf_trainer *clf_trainer_new(int hash_bits, struct gz_err *err)
    __attribute__((warn_unused_result));
/* The same with every parameter given; p may be NULL (all defaults). */
struct clf_trainer *clf_trainer_new_params(const struct clf_params *p, struct gz_err *err)
    __attribute__((warn_unused_result));
/*
 * Learn one labelled text (UTF-8; invalid bytes are tolerated). label: 1 to
 * CLF_LABEL_MAX - 1 bytes, no control characters. GZ_EINVAL for a bad label,
 * GZ_ELIMIT past CLF_MAX_CLASSES labels, GZ_ETOOBIG past CLF_MAX_ENTRIES,
 * GZ_ENOMEM; the trainer stays usable (the text is then not learnt).
 * Logistic regression keeps every text's features (4 bytes each) until
 * finish; past CLF_LOGISTIC_MAX_FEATURES, texts only count, not fit.
 */
int clf_trainer_add(struct clf_trainer *t, const char *text, const char *label, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Texts learnt so far. */
size_t clf_trainer_docs(const struct clf_trainer *t);
/*
 * Build the model from everything added. Logistic regression: 4 or more
 * passes of SGD (at least 1,000 steps) over the kept texts. Naive Bayes:
 * every 8th text (up to 2,000) was kept aside to choose the smoothing and fit
 * the temperature by log-loss (when the params leave them 0 and at least 100
 * were kept), then learnt as well. Once only: the trainer then refuses adds.
 * NULL with err set when nothing was learnt.
 */
struct classifier *clf_trainer_finish(struct clf_trainer *t, struct gz_err *err)
    __attribute__((warn_unused_result));
void clf_trainer_free(struct clf_trainer *t);

/*
 * The top min(max, classes) labels for text, most probable first, with their
 * posterior probabilities (they sum to at most 1); *n is how many were written.
 * Only the first CLF_MAX_TEXT bytes count. An empty text answers the prior
 * (the training label frequencies, Laplace-smoothed). Thread-safe.
 */
int clf_predict(const struct classifier *c, const char *text, struct clf_guess *out, size_t max,
                size_t *n);

/*
 * What the classifier reads of a case: its text, then its address (where a
 * problem is says much about what it is), cut at CLF_MAX_TEXT bytes. Heap;
 * NULL when memory is short. Training and prediction must both use it.
 */
char *clf_document(const char *text, const char *address);

/* Number of labels, and label i (0 <= i < classes). */
size_t clf_classes(const struct classifier *c);
const char *clf_label(const struct classifier *c, size_t i);

/* What a model is made of, for logs and the CLI. */
struct clf_info {
    int hash_bits;
    enum clf_kind kind;
    double alpha; /* naive Bayes: the smoothing; logistic: the learning rate */
    double scale; /* naive Bayes: the likelihood temperature; logistic: 1 */
    size_t classes, buckets_used, entries;
    size_t saved_size; /* bytes clf_save appends */
    size_t memory;     /* bytes held when loaded */
};
void clf_get_info(const struct classifier *c, struct clf_info *info);

/*
 * Append the model to out as a versioned, little-endian blob (GZ_ETOOBIG
 * when out's maximum is too small):
 *   "GZCLF", u8 format version (1), u8 feature scheme (1), u8 hash_bits,
 *   u8 kind (enum clf_kind), 3 zero bytes, u32 classes C, u32 used buckets U, u32 entries E,
 *   f32 scale, f32 alpha (32 bytes so far);
 *   C labels of CLF_LABEL_MAX bytes (NUL-padded), f32 log prior[C],
 *   f32 per-feature class term[C]; U x (u32 bucket, u16 entries in it),
 *   buckets ascending; u16 class[E] (ascending within a bucket), f32 weight[E] (non-zero);
 *   u64 FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3) of all
 *   bytes before it.
 */
int clf_save(const struct classifier *c, struct buf *out) __attribute__((warn_unused_result));
/*
 * A model from a blob written by clf_save. Every field is checked (sizes,
 * ranges, order, finite numbers, checksum), so a damaged or hostile blob is
 * an error (GZ_EINVAL; GZ_ESCHEMA for another format version), never a crash.
 */
struct classifier *clf_load(const void *data, size_t len, struct gz_err *err)
    __attribute__((warn_unused_result));
void clf_free(struct classifier *c);

#endif
