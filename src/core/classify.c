/*
 * classify.c - naive Bayes over hashed character n-grams (see classify.h).
 *
 * Features. The text (its first CLF_MAX_TEXT bytes) is read as UTF-8 code
 * points; an invalid byte becomes U+FFFD. Fullwidth ASCII (U+FF01..U+FF5E)
 * is folded to ASCII, ASCII letters are lower-cased, every digit becomes '0'
 * (house and room numbers say nothing about the category), and each run of
 * separators (ASCII space and punctuation, Latin-1 symbols, general and CJK
 * punctuation, U+FFFD) becomes one boundary token, which also pads both ends.
 * The features are every non-ASCII token (1-grams: a Chinese character means
 * something, a single Latin letter does not), every pair and triple of
 * consecutive tokens (2- and 3-grams; " ab" marks a word start), and every
 * ASCII alphanumeric run of two or more characters (a word). A feature's key
 * (its code points, 21 bits each; a word's FNV-1a with the top bit set) is
 * mixed (murmur3's fmix64) and the top hash_bits bits are its bucket.
 *
 * Model. For every kind, the score of class c for a text is
 *     log prior_c + scale * (L * d_c + sum over its features f of w[f][c])
 * where L counts the features whose bucket was seen in training and w[f][c]
 * is non-zero only for (bucket, class) pairs seen together. For multinomial
 * naive Bayes with additive smoothing a over the V buckets seen:
 *     log P(f|c) = log((n_fc + a) / (N_c + aV)) = log1p(n_fc / a) + (log a - log(N_c + aV))
 * so w = log1p(n_fc / a) and d_c = log a - log(N_c + aV). Complement naive
 * Bayes (minus the log-probability under all the other classes) splits the
 * same way. So the weights are kept sparse and bucket-major (CSR: off[bucket]
 * indexes class[] and weight[]), in memory proportional to what was learnt
 * rather than buckets x classes (2^20 x 158 floats = 660 MB for Boston).
 *
 * scale < 1 tempers the likelihood: naive Bayes counts overlapping n-grams
 * as independent evidence and is far too sure of itself. The trainer keeps
 * every 8th text aside, picks the smoothing and the scale with the least
 * log-loss on them, then learns them too.
 *
 * Logistic regression (the default: more accurate and better calibrated)
 * keeps the layout and the prior, sets d_c = 0 and scale = 1, and fits the
 * weights of the (bucket, class) pairs seen together by stochastic gradient
 * descent on the log-loss of the training texts, whose features it keeps.
 */
#include "gz.h"

#include <math.h>

#include "core/classify.h"
#include "util/buf.h"

#define FEATURE_SCHEME 1
#define BOUNDARY 0x20u
#define MAX_FEATURES (4 * (CLF_MAX_TEXT + 1)) /* at most 4 features per token */
#define CHUNK 256                             /* features scored at a time */
#define HEADER_SIZE 32
#define CHECKSUM_SIZE 8
#define ENTRY_SIZE 6  /* u16 class + f32 weight */
#define BUCKET_SIZE 6 /* u32 bucket + u16 count */
#define CLASS_SIZE (CLF_LABEL_MAX + 8)
#define MAX_WEIGHT 1e4   /* |prior|, |d_c|, |w| accepted by clf_load */
#define MAX_SCALE 1e3    /* scale and alpha accepted by clf_load */
#define MIN_PARAM 1e-6   /* smallest alpha and scale a trainer takes */
#define SOFTMAX_CUT 40.0 /* classes this far below the best count as 0 */
#define TUNE_EVERY 8
#define TUNE_MAX_DOCS 2000
#define TUNE_MIN_DOCS 100
#define DEFAULT_ALPHA 0.1
#define DEFAULT_SCALE 0.25
#define LR_EPOCHS 4       /* passes over the texts, at least */
#define LR_MAX_EPOCHS 50  /* few texts get more passes, up to this */
#define LR_MIN_STEPS 1000 /* ... so that there are this many steps */
#define LR_RATE 0.5       /* learning rate of pass e: LR_RATE / (1 + e) */
#define FNV_BASIS 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

/*
 * In memory, a bucket that holds more than 1/DENSE_SHARE of the classes is a
 * dense row of cpad weights (zero for the classes it never occurred with,
 * classes 0..cpad-1), added with vector instructions; the others are sparse.
 * A bucket is dense exactly when it has cpad slots. Saved, both are sparse.
 */
#define DENSE_SHARE 4
#define VEC 8 /* floats per vector (AVX; two SSE registers without it) */
_Static_assert(CLF_MAX_CLASSES % VEC == 0, "dense rows of the largest model");

struct classifier {
    int hash_bits;
    enum clf_kind kind;
    float alpha, scale;
    uint32_t nclasses, cpad;  /* cpad: nclasses rounded up to a multiple of VEC */
    uint32_t nused, nentries; /* as saved: buckets used and their non-zero weights */
    uint32_t nslots;          /* of cls[] and w[], dense rows included */
    char (*labels)[CLF_LABEL_MAX];
    float *prior;  /* log prior [C] */
    float *dterm;  /* d_c [C] */
    uint32_t *off; /* [2^hash_bits + 1]: bucket b has slots off[b]..off[b+1] */
    uint16_t *cls; /* [nslots] */
    float *w;      /* [nslots] */
};

/* ---- features ---------------------------------------------------------- */

static inline uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

/* The next code point of p[0..end); an invalid sequence is one U+FFFD byte. */
static uint32_t utf8_next(const unsigned char **pp, const unsigned char *end)
{
    const unsigned char *p = *pp;
    uint32_t c = p[0], min;
    int n;

    *pp = p + 1;
    if (c < 0x80)
        return c;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1, c &= 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2, c &= 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3, c &= 0x07, min = 0x10000;
    } else {
        return 0xFFFD;
    }
    if (end - p <= n)
        return 0xFFFD;
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0xFFFD;
        c = c << 6 | (p[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0xFFFD;
    *pp = p + n + 1;
    return c;
}

static bool is_separator(uint32_t c)
{
    return c < 0xC0 || (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x3004) ||
           (c >= 0x3008 && c <= 0x303F) || (c >= 0xFE30 && c <= 0xFE4F) ||
           (c >= 0xFF5F && c <= 0xFF65) || c == 0xFFFD;
}

/* A code point as a token: folded, or BOUNDARY for a separator. */
static uint32_t token_of(uint32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0; /* fullwidth ASCII */
    if (c >= 'A' && c <= 'Z')
        return c + ('a' - 'A');
    if (c >= '0' && c <= '9')
        return '0';
    if (c >= 'a' && c <= 'z')
        return c;
    return is_separator(c) ? BOUNDARY : c;
}

/* The feature extractor: a window of the two previous tokens over the text. */
struct fx {
    const unsigned char *p, *end;
    int bits;
    uint32_t c2, c1; /* c2 == 0: fewer than two tokens so far */
    uint64_t word;   /* FNV-1a of the current ASCII word */
    size_t wlen;
    bool done;
};

static void fx_init(struct fx *x, const char *text, int bits)
{
    size_t len = strnlen(text, CLF_MAX_TEXT);

    /* Cut at a character boundary (text[len] exists when len == CLF_MAX_TEXT). */
    if (len == CLF_MAX_TEXT)
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    x->p = (const unsigned char *)text;
    x->end = x->p + len;
    x->bits = bits;
    x->c2 = 0;
    x->c1 = BOUNDARY;
    x->word = FNV_BASIS;
    x->wlen = 0;
    x->done = false;
}

static inline uint32_t fx_bucket(const struct fx *x, uint64_t key)
{
    return (uint32_t)(mix64(key) >> (64 - x->bits));
}

/* The features that token t adds (at most 4) into out; returns how many. */
static size_t fx_token(struct fx *x, uint32_t t, uint32_t *out)
{
    size_t n = 0;

    if (t == BOUNDARY && x->c1 == BOUNDARY)
        return 0;
    if (t < 0x80 && t != BOUNDARY) {
        x->word = (x->word ^ t) * FNV_PRIME;
        x->wlen++;
    } else if (x->wlen) {
        if (x->wlen >= 2)
            out[n++] = fx_bucket(x, x->word | 1ull << 63);
        x->word = FNV_BASIS;
        x->wlen = 0;
    }
    if (t >= 0x80)
        out[n++] = fx_bucket(x, t);
    out[n++] = fx_bucket(x, x->c1 | (uint64_t)t << 21);
    if (x->c2)
        out[n++] = fx_bucket(x, x->c2 | (uint64_t)x->c1 << 21 | (uint64_t)t << 42);
    x->c2 = x->c1;
    x->c1 = t;
    return n;
}

/* Up to cap (>= 4) more feature buckets; x->done once the text is used up. */
static size_t fx_next(struct fx *x, uint32_t *out, size_t cap)
{
    size_t n = 0;

    while (n + 4 <= cap && x->p < x->end)
        n += fx_token(x, token_of(utf8_next(&x->p, x->end)), out + n);
    if (x->p >= x->end && n + 4 <= cap) {
        n += fx_token(x, BOUNDARY, out + n);
        x->done = true;
    }
    return n;
}

/* ---- scoring ----------------------------------------------------------- */

typedef float vecf __attribute__((vector_size(VEC * sizeof(float))));

/* With AVX2 where the CPU has it (chosen at load time): 15-30 % more predictions/s. */
#if defined(__x86_64__) && defined(__linux__) &&                                                   \
    (defined(__clang__) ? __clang_major__ >= 14 : __GNUC__ >= 6)
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VECTOR_CLONES
#endif

/* like[0..n) += w[0..n); n is a multiple of VEC. */
VECTOR_CLONES static void dense_add(float *like, const float *w, uint32_t n)
{
    for (uint32_t k = 0; k < n; k += VEC) {
        vecf a, b;

        memcpy(&a, like + k, sizeof(a));
        memcpy(&b, w + k, sizeof(b));
        a += b;
        memcpy(like + k, &a, sizeof(a));
    }
}

/* Add the weights of n feature buckets to like[]; returns how many were seen in training. */
static size_t accumulate(const struct classifier *c, const uint32_t *f, size_t n, float *like)
{
    size_t known = 0;

    /* The model is megabytes and each feature is a random access: fetch ahead. */
    for (size_t i = 0; i < n; i++)
        __builtin_prefetch(&c->off[f[i]]);
    for (size_t i = 0; i < n; i++) {
        uint32_t a = c->off[f[i]];

        __builtin_prefetch(&c->w[a]);
        __builtin_prefetch(&c->cls[a]);
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t a = c->off[f[i]], b = c->off[f[i] + 1];

        known += a != b;
        if (b - a == c->cpad) {
            dense_add(like, c->w + a, c->cpad);
            continue;
        }
        for (; a < b; a++)
            like[c->cls[a]] += c->w[a];
    }
    return known;
}

/* The weights of a feature list summed in like[cpad]; returns the features seen. */
static size_t like_features(const struct classifier *c, const uint32_t *f, size_t n, float *like)
{
    memset(like, 0, c->cpad * sizeof(float));
    return accumulate(c, f, n, like);
}

/* The same for a text. */
static size_t like_text(const struct classifier *c, const char *text, float *like)
{
    uint32_t f[CHUNK];
    struct fx x;
    size_t known = 0;

    memset(like, 0, c->cpad * sizeof(float));
    fx_init(&x, text, c->hash_bits);
    while (!x.done)
        known += accumulate(c, f, fx_next(&x, f, CHUNK), like);
    return known;
}

/* The log score of class k: log prior + scale * (L * d_k + summed weights). */
static inline double class_score(const struct classifier *c, const float *like, size_t known,
                                 double scale, uint32_t k)
{
    return c->prior[k] + scale * ((double)like[k] + (double)known * c->dterm[k]);
}

/* Insert class k with score s into the top list idx[0..*n) (cap max), best first. */
static void top_insert(uint16_t *idx, double *top, size_t *n, size_t max, uint16_t k, double s)
{
    size_t i = *n < max ? *n : max - 1;

    if (*n == max && s <= top[max - 1])
        return;
    while (i > 0 && top[i - 1] < s) {
        idx[i] = idx[i - 1];
        top[i] = top[i - 1];
        i--;
    }
    idx[i] = k;
    top[i] = s;
    if (*n < max)
        (*n)++;
}

int clf_predict(const struct classifier *c, const char *text, struct clf_guess *out, size_t max,
                size_t *n)
{
    double s[CLF_MAX_CLASSES], top[CLF_MAX_CLASSES], sum = 0;
    float like[CLF_MAX_CLASSES];
    uint16_t idx[CLF_MAX_CLASSES];
    size_t k = 0, known;

    *n = 0;
    if (!c || !text || !out)
        return GZ_EINVAL;
    if (max > c->nclasses)
        max = c->nclasses;
    if (max == 0)
        return 0;
    known = like_text(c, text, like);
    for (uint32_t i = 0; i < c->nclasses; i++) {
        s[i] = class_score(c, like, known, c->scale, i);
        top_insert(idx, top, &k, max, (uint16_t)i, s[i]);
    }
    for (uint32_t i = 0; i < c->nclasses; i++)
        if (s[i] - top[0] > -SOFTMAX_CUT)
            sum += exp(s[i] - top[0]);
    for (size_t i = 0; i < k; i++) {
        memcpy(out[i].label, c->labels[idx[i]], CLF_LABEL_MAX);
        out[i].p = top[i] - top[0] > -SOFTMAX_CUT ? exp(top[i] - top[0]) / sum : 0;
    }
    *n = k;
    return 0;
}

size_t clf_classes(const struct classifier *c)
{
    return c ? c->nclasses : 0;
}

const char *clf_label(const struct classifier *c, size_t i)
{
    return c && i < c->nclasses ? c->labels[i] : NULL;
}

static size_t saved_size(const struct classifier *c)
{
    return HEADER_SIZE + (size_t)c->nclasses * CLASS_SIZE + (size_t)c->nused * BUCKET_SIZE +
           (size_t)c->nentries * ENTRY_SIZE + CHECKSUM_SIZE;
}

void clf_get_info(const struct classifier *c, struct clf_info *info)
{
    info->hash_bits = c->hash_bits;
    info->kind = c->kind;
    info->alpha = c->alpha;
    info->scale = c->scale;
    info->classes = c->nclasses;
    info->buckets_used = c->nused;
    info->entries = c->nentries;
    info->saved_size = saved_size(c);
    info->memory = sizeof(*c) + (size_t)c->nclasses * CLASS_SIZE +
                   (((size_t)1 << c->hash_bits) + 1) * sizeof(uint32_t) +
                   (size_t)c->nslots * ENTRY_SIZE;
}

void clf_free(struct classifier *c)
{
    if (!c)
        return;
    free(c->labels);
    free(c->prior);
    free(c->dterm);
    free(c->off);
    free(c->cls);
    free(c->w);
    free(c);
}

/* A sparse model with its arrays allocated (off zeroed), or NULL. */
static struct classifier *model_alloc(int bits, uint32_t classes, uint32_t entries)
{
    struct classifier *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->hash_bits = bits;
    c->nclasses = classes;
    c->cpad = (classes + VEC - 1) / VEC * VEC;
    c->nentries = c->nslots = entries;
    c->labels = calloc(classes, CLF_LABEL_MAX);
    c->prior = calloc(classes, sizeof(float));
    c->dterm = calloc(classes, sizeof(float));
    c->off = calloc(((size_t)1 << bits) + 1, sizeof(uint32_t));
    c->cls = malloc(entries ? entries * sizeof(uint16_t) : 1);
    c->w = malloc(entries ? entries * sizeof(float) : 1);
    if (!c->labels || !c->prior || !c->dterm || !c->off || !c->cls || !c->w) {
        clf_free(c);
        return NULL;
    }
    return c;
}

static inline bool is_dense(const struct classifier *c, uint32_t n)
{
    return (uint64_t)n * DENSE_SHARE > c->nclasses;
}

/* Copy bucket b (sparse, slots a..e) into the new arrays at slot at; returns its slots. */
static uint32_t relay_bucket(const struct classifier *c, uint32_t a, uint32_t e, uint16_t *cls,
                             float *w, uint32_t at)
{
    if (!is_dense(c, e - a)) {
        memcpy(cls + at, c->cls + a, (e - a) * sizeof(uint16_t));
        memcpy(w + at, c->w + a, (e - a) * sizeof(float));
        return e - a;
    }
    for (uint32_t k = 0; k < c->cpad; k++) {
        cls[at + k] = (uint16_t)k;
        w[at + k] = 0;
    }
    for (; a < e; a++)
        w[at + c->cls[a]] = c->w[a];
    return c->cpad;
}

/* Re-lay a sparse model with its dense buckets as rows; GZ_ENOMEM leaves it sparse. */
static int densify(struct classifier *c)
{
    size_t nb = (size_t)1 << c->hash_bits;
    uint64_t slots = 0;
    uint32_t *off, at = 0;
    uint16_t *cls;
    float *w;

    for (size_t b = 0; b < nb; b++) {
        uint32_t n = c->off[b + 1] - c->off[b];

        slots += is_dense(c, n) ? c->cpad : n;
    }
    if (slots > UINT32_MAX)
        return GZ_ENOMEM;
    off = malloc((nb + 1) * sizeof(uint32_t));
    cls = malloc(slots ? slots * sizeof(uint16_t) : 1);
    w = malloc(slots ? slots * sizeof(float) : 1);
    if (!off || !cls || !w) {
        free(off), free(cls), free(w);
        return GZ_ENOMEM;
    }
    for (size_t b = 0; b < nb; b++) {
        off[b] = at;
        at += relay_bucket(c, c->off[b], c->off[b + 1], cls, w, at);
    }
    off[nb] = at;
    free(c->off), free(c->cls), free(c->w);
    c->off = off, c->cls = cls, c->w = w;
    c->nslots = at;
    return 0;
}

/* ---- trainer ----------------------------------------------------------- */

/*
 * (bucket, class) counts: open addressing over packed slots
 * ((bucket << CLASS_BITS | class) + 1) << COUNT_BITS | count; 0 is empty.
 */
#define CLASS_BITS 12
#define COUNT_BITS 28
#define COUNT_MAX ((1ull << COUNT_BITS) - 1)
#define LABEL_TABLE 8192 /* > 2 * CLF_MAX_CLASSES, a power of 2 */

struct counts {
    uint64_t *slot;
    size_t cap, used;
};

/* Texts as feature lists: kept aside for tuning, or kept for logistic regression. */
struct doclist {
    uint32_t *feat;
    size_t len, cap;
    size_t *end; /* [docs]: end of doc i in feat */
    uint16_t *cls;
    size_t docs, ecap, ccap;
};

struct clf_trainer {
    struct clf_params par;
    bool tune;
    char (*labels)[CLF_LABEL_MAX]; /* [CLF_MAX_CLASSES] */
    uint64_t *ndocs, *ntok;        /* per class, of the learnt (not held-out) texts */
    uint32_t nclasses;
    uint16_t label_slot[LABEL_TABLE]; /* class + 1 */
    struct counts counts;
    struct doclist held, kept;
    size_t docs;
    bool finished;
    uint32_t feat[MAX_FEATURES];
};

static uint64_t fnv1a(const void *data, size_t n, uint64_t h)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * FNV_PRIME;
    return h;
}

static bool label_valid(const char *label)
{
    size_t n = strnlen(label, CLF_LABEL_MAX);

    if (n == 0 || n == CLF_LABEL_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)label[i] < 0x20 || label[i] == 0x7F)
            return false;
    return true;
}

/* The slot of label in the label table: its class + 1, or 0 where it would go. */
static uint16_t *label_find(struct clf_trainer *t, const char *label)
{
    size_t i = fnv1a(label, strlen(label), FNV_BASIS) & (LABEL_TABLE - 1);

    while (t->label_slot[i] && strcmp(t->labels[t->label_slot[i] - 1], label) != 0)
        i = (i + 1) & (LABEL_TABLE - 1);
    return &t->label_slot[i];
}

/* 0 (tune it), or MIN_PARAM..MAX_SCALE. */
static bool param_ok(double v)
{
    return v == 0 || (v >= MIN_PARAM && v <= MAX_SCALE);
}

struct clf_trainer *clf_trainer_new_params(const struct clf_params *p, struct gz_err *err)
{
    struct clf_params par = p ? *p : (struct clf_params){0};
    struct clf_trainer *t;

    if (par.hash_bits == 0)
        par.hash_bits = CLF_DEFAULT_HASH_BITS;
    if (par.hash_bits < CLF_MIN_HASH_BITS || par.hash_bits > CLF_MAX_HASH_BITS)
        return gz_fail(err, GZ_EINVAL, "hash_bits", "hash_bits must be %d..%d", CLF_MIN_HASH_BITS,
                       CLF_MAX_HASH_BITS),
               NULL;
    if ((par.kind != CLF_LOGISTIC && par.kind != CLF_MULTINOMIAL && par.kind != CLF_COMPLEMENT) ||
        !param_ok(par.alpha) || !param_ok(par.scale))
        return gz_fail(err, GZ_EINVAL, "params", "bad classifier parameters"), NULL;
    t = calloc(1, sizeof(*t));
    if (!t)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory"), NULL;
    t->par = par;
    t->tune = par.kind != CLF_LOGISTIC && (par.alpha == 0 || par.scale == 0);
    t->labels = calloc(CLF_MAX_CLASSES, CLF_LABEL_MAX);
    t->ndocs = calloc(CLF_MAX_CLASSES, sizeof(uint64_t));
    t->ntok = calloc(CLF_MAX_CLASSES, sizeof(uint64_t));
    if (!t->labels || !t->ndocs || !t->ntok) {
        clf_trainer_free(t);
        return gz_fail(err, GZ_ENOMEM, "", "out of memory"), NULL;
    }
    return t;
}

struct clf_trainer *clf_trainer_new(int hash_bits, struct gz_err *err)
{
    struct clf_params p = {.hash_bits = hash_bits};

    return clf_trainer_new_params(&p, err);
}

void clf_trainer_free(struct clf_trainer *t)
{
    if (!t)
        return;
    free(t->labels);
    free(t->ndocs);
    free(t->ntok);
    free(t->counts.slot);
    free(t->held.feat);
    free(t->held.end);
    free(t->held.cls);
    free(t->kept.feat);
    free(t->kept.end);
    free(t->kept.cls);
    free(t);
}

size_t clf_trainer_docs(const struct clf_trainer *t)
{
    return t->docs;
}

static inline size_t counts_home(uint64_t key, size_t cap)
{
    return mix64(key) & (cap - 1);
}

/* Count one more (bucket, class); the table has room (counts_reserve). */
static void counts_inc(struct counts *m, uint32_t bucket, uint32_t cls)
{
    uint64_t key = ((uint64_t)bucket << CLASS_BITS | cls) + 1;
    size_t i = counts_home(key, m->cap);

    while (m->slot[i] && m->slot[i] >> COUNT_BITS != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->slot[i]) {
        m->slot[i] = key << COUNT_BITS;
        m->used++;
    }
    if ((m->slot[i] & COUNT_MAX) < COUNT_MAX)
        m->slot[i]++;
}

/* Room for n more keys at a load of at most 1/2. */
static int counts_reserve(struct counts *m, size_t n)
{
    size_t cap = m->cap ? m->cap : 1024;
    uint64_t *slot;

    if (m->used + n > CLF_MAX_ENTRIES)
        return GZ_ETOOBIG;
    while ((m->used + n) * 2 > cap)
        cap *= 2;
    if (cap == m->cap)
        return 0;
    slot = calloc(cap, sizeof(uint64_t));
    if (!slot)
        return GZ_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        size_t j;

        if (!m->slot[i])
            continue;
        j = counts_home(m->slot[i] >> COUNT_BITS, cap);
        while (slot[j])
            j = (j + 1) & (cap - 1);
        slot[j] = m->slot[i];
    }
    free(m->slot);
    m->slot = slot;
    m->cap = cap;
    return 0;
}

static void learn(struct clf_trainer *t, const uint32_t *f, size_t n, uint32_t cls)
{
    for (size_t i = 0; i < n; i++)
        counts_inc(&t->counts, f[i], cls);
    t->ndocs[cls]++;
    t->ntok[cls] += n;
}

/* p with room for need items of size (capacity *cap, doubled), or NULL (p unchanged). */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    size_t c = *cap ? *cap : 64;

    if (p && need <= *cap)
        return p;
    while (c < need)
        c *= 2;
    p = realloc(p, c * size);
    if (p)
        *cap = c;
    return p;
}

/* Append a text's features to a list. */
static int hold(struct doclist *h, const uint32_t *f, size_t n, uint32_t cls)
{
    void *end = grow(h->end, &h->ecap, h->docs + 1, sizeof(*h->end));
    void *cl = end ? grow(h->cls, &h->ccap, h->docs + 1, sizeof(*h->cls)) : NULL;
    void *feat;

    if (end)
        h->end = end;
    if (cl)
        h->cls = cl;
    feat = cl ? grow(h->feat, &h->cap, h->len + n, sizeof(*h->feat)) : NULL;
    if (!feat)
        return GZ_ENOMEM;
    h->feat = feat;
    memcpy(h->feat + h->len, f, n * sizeof(uint32_t));
    h->len += n;
    h->end[h->docs] = h->len;
    h->cls[h->docs++] = (uint16_t)cls;
    return 0;
}

int clf_trainer_add(struct clf_trainer *t, const char *text, const char *label, struct gz_err *err)
{
    uint16_t *slot;
    struct fx x;
    size_t n;
    uint32_t cls;
    int rc;

    if (t->finished)
        return gz_fail(err, GZ_EINVAL, "", "the trainer has finished");
    if (!text)
        return gz_fail(err, GZ_EINVAL, "text", "no text");
    if (!label || !label_valid(label))
        return gz_fail(err, GZ_EINVAL, "label", "a label has 1 to %d bytes, no control characters",
                       CLF_LABEL_MAX - 1);
    slot = label_find(t, label);
    if (!*slot && t->nclasses >= CLF_MAX_CLASSES)
        return gz_fail(err, GZ_ELIMIT, "label", "more than %d labels", CLF_MAX_CLASSES);
    cls = *slot ? *slot - 1u : t->nclasses;
    fx_init(&x, text, t->par.hash_bits);
    n = fx_next(&x, t->feat, MAX_FEATURES);
    if (t->tune && t->docs % TUNE_EVERY == TUNE_EVERY - 1 && t->held.docs < TUNE_MAX_DOCS) {
        rc = hold(&t->held, t->feat, n, cls);
    } else {
        rc = counts_reserve(&t->counts, n);
        if (!rc && t->par.kind == CLF_LOGISTIC && t->kept.len + n <= CLF_LOGISTIC_MAX_FEATURES)
            rc = hold(&t->kept, t->feat, n, cls);
        if (!rc)
            learn(t, t->feat, n, cls);
    }
    if (rc)
        return gz_fail(err, rc, "", rc == GZ_ETOOBIG ? "the model is full" : "out of memory");
    if (!*slot) {
        memcpy(t->labels[cls], label, strlen(label) + 1);
        *slot = (uint16_t)(cls + 1);
        t->nclasses++;
    }
    t->docs++;
    return 0;
}

/* ---- building a model from the counts ----------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/* The counted slots sorted by (bucket, class), or NULL. */
static uint64_t *sorted_cells(const struct counts *m)
{
    uint64_t *cells = malloc(m->used ? m->used * sizeof(uint64_t) : 1);
    size_t n = 0;

    if (!cells)
        return NULL;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slot[i])
            cells[n++] = m->slot[i];
    qsort(cells, n, sizeof(uint64_t), cmp_u64);
    return cells;
}

/* A model with the labels and the sparse layout of the cells, weights not set. */
static struct classifier *model_shape(const struct clf_trainer *t, const uint64_t *cells)
{
    size_t n = t->counts.used, nb = (size_t)1 << t->par.hash_bits;
    struct classifier *c = model_alloc(t->par.hash_bits, t->nclasses, (uint32_t)n);

    if (!c)
        return NULL;
    c->kind = t->par.kind;
    memcpy(c->labels, t->labels, (size_t)t->nclasses * CLF_LABEL_MAX);
    for (size_t i = 0; i < n; i++) {
        uint64_t key = (cells[i] >> COUNT_BITS) - 1;

        c->off[(key >> CLASS_BITS) + 1]++;
        c->cls[i] = (uint16_t)(key & ((1u << CLASS_BITS) - 1));
    }
    for (size_t b = 0; b < nb; b++) {
        c->nused += c->off[b + 1] != 0;
        c->off[b + 1] += c->off[b];
    }
    return c;
}

/* V: the buckets seen, at least 1 (so that texts without features still give finite terms). */
static double vocabulary(const struct classifier *c)
{
    return c->nused ? c->nused : 1;
}

/* Multinomial: w = log1p(n_fc / a), d_c = log a - log(N_c + aV). */
static void weights_multinomial(struct classifier *c, const struct clf_trainer *t,
                                const uint64_t *cells, double a)
{
    for (uint32_t k = 0; k < c->nclasses; k++)
        c->dterm[k] = (float)(log(a) - log((double)t->ntok[k] + a * vocabulary(c)));
    for (uint32_t i = 0; i < c->nentries; i++)
        c->w[i] = (float)log1p((double)(cells[i] & COUNT_MAX) / a);
}

/*
 * Complement: minus log P(f | not c) = log(N - N_c + aV) - log(n_f - n_fc + a)
 *   = [log(N - N_c + aV) - log(N + aV)] + [log(n_f + a) - log(n_f - n_fc + a)] + (same for all c)
 */
static void weights_complement(struct classifier *c, const struct clf_trainer *t,
                               const uint64_t *cells, double a)
{
    size_t nb = (size_t)1 << c->hash_bits;
    double total = 0;

    for (uint32_t k = 0; k < c->nclasses; k++)
        total += (double)t->ntok[k];
    for (uint32_t k = 0; k < c->nclasses; k++)
        c->dterm[k] = (float)(log(total - (double)t->ntok[k] + a * vocabulary(c)) -
                              log(total + a * vocabulary(c)));
    for (size_t b = 0; b < nb; b++) {
        double nf = 0;

        for (uint32_t i = c->off[b]; i < c->off[b + 1]; i++)
            nf += (double)(cells[i] & COUNT_MAX);
        for (uint32_t i = c->off[b]; i < c->off[b + 1]; i++)
            c->w[i] = (float)(log(nf + a) - log(nf - (double)(cells[i] & COUNT_MAX) + a));
    }
}

/* Priors (Laplace-smoothed label frequencies) and weights for smoothing a. */
static void set_weights(struct classifier *c, const struct clf_trainer *t, const uint64_t *cells,
                        double a)
{
    double docs = 0;

    for (uint32_t k = 0; k < c->nclasses; k++)
        docs += (double)t->ndocs[k];
    for (uint32_t k = 0; k < c->nclasses; k++)
        c->prior[k] = (float)log(((double)t->ndocs[k] + 1) / (docs + c->nclasses));
    c->alpha = (float)a;
    if (c->kind == CLF_COMPLEMENT)
        weights_complement(c, t, cells, a);
    else
        weights_multinomial(c, t, cells, a);
}

/*
 * Drop the weights that came out 0 from a sparse model and bound the others
 * to what clf_load accepts, so that the model is what clf_load would make of
 * its blob (and answers bit for bit the same).
 */
static void compact(struct classifier *c)
{
    size_t nb = (size_t)1 << c->hash_bits;
    uint32_t at = 0, from = 0;

    c->nused = 0;
    for (size_t b = 0; b < nb; b++) {
        uint32_t end = c->off[b + 1], start = at;

        c->off[b] = at;
        for (uint32_t i = from; i < end; i++) {
            if (c->w[i] != 0) {
                c->cls[at] = c->cls[i];
                c->w[at++] = fminf(fmaxf(c->w[i], (float)-MAX_WEIGHT), (float)MAX_WEIGHT);
            }
        }
        c->nused += at != start;
        from = end;
    }
    c->off[nb] = at;
    c->nentries = c->nslots = at;
}

/*
 * Logistic regression on the naive Bayes support: one step of stochastic
 * gradient descent on -log P(y | text) for a text, where the score of class
 * k is log prior_k + its summed weights (the prior is kept fixed, so an
 * empty text still answers it). g[] is scratch.
 */
static void sgd_step(struct classifier *c, const uint32_t *f, size_t n, uint32_t y, double rate,
                     double *g)
{
    float like[CLF_MAX_CLASSES];
    size_t known = like_features(c, f, n, like);
    double m = -INFINITY, sum = 0, step = rate / sqrt((double)n + 1);

    for (uint32_t k = 0; k < c->nclasses; k++) {
        g[k] = class_score(c, like, known, 1, k);
        m = g[k] > m ? g[k] : m;
    }
    for (uint32_t k = 0; k < c->nclasses; k++)
        sum += g[k] = exp(g[k] - m);
    for (uint32_t k = 0; k < c->nclasses; k++)
        g[k] = step * (g[k] / sum - (k == y));
    for (size_t i = 0; i < n; i++)
        for (uint32_t a = c->off[f[i]]; a < c->off[f[i] + 1]; a++)
            c->w[a] -= (float)g[c->cls[a]];
}

/* Fit the weights of a shaped model by logistic regression over the kept texts. */
static int fit_logistic(struct classifier *c, const struct clf_trainer *t)
{
    const struct doclist *h = &t->kept;
    double *g = malloc((size_t)c->nclasses * sizeof(double));
    size_t epochs = h->docs ? (LR_MIN_STEPS + h->docs - 1) / h->docs : 0;

    if (!g)
        return GZ_ENOMEM;
    epochs = epochs < LR_EPOCHS ? LR_EPOCHS : epochs > LR_MAX_EPOCHS ? LR_MAX_EPOCHS : epochs;
    memset(c->dterm, 0, (size_t)c->nclasses * sizeof(float));
    memset(c->w, 0, (size_t)c->nslots * sizeof(float));
    c->scale = 1;
    c->alpha = (float)LR_RATE;
    for (size_t e = 0; e < epochs; e++) {
        for (size_t d = 0; d < h->docs; d++) {
            size_t from = d ? h->end[d - 1] : 0;

            sgd_step(c, h->feat + from, h->end[d] - from, h->cls[d], LR_RATE / (double)(1 + e), g);
        }
    }
    free(g);
    return 0;
}

/* The model of what was learnt, or NULL (out of memory). */
static struct classifier *model_build(const struct clf_trainer *t, double alpha, double scale)
{
    uint64_t *cells = sorted_cells(&t->counts);
    struct classifier *c = cells ? model_shape(t, cells) : NULL;
    int rc = c ? 0 : GZ_ENOMEM;

    if (c) {
        set_weights(c, t, cells, alpha);
        c->scale = (float)scale;
        if (t->par.kind == CLF_LOGISTIC)
            rc = fit_logistic(c, t);
        compact(c);
    }
    free(cells);
    if (c && (rc || densify(c))) {
        clf_free(c);
        return NULL;
    }
    return c;
}

/* -log P(y | text) for the summed weights like[] of its known features; s[] is scratch. */
static double doc_nll(const struct classifier *c, const float *like, size_t known, double scale,
                      uint32_t y, double *s)
{
    double m = -INFINITY, sum = 0;

    for (uint32_t k = 0; k < c->nclasses; k++) {
        s[k] = class_score(c, like, known, scale, k);
        if (s[k] > m)
            m = s[k];
    }
    for (uint32_t k = 0; k < c->nclasses; k++)
        if (s[k] - m > -SOFTMAX_CUT)
            sum += exp(s[k] - m);
    return m + log(sum) - s[y];
}

#define TUNE_ALPHAS 5
#define TUNE_SCALES 17

/* Add the log-loss of the held-out texts under smoothing alpha for each scale. */
static void tune_loss(struct classifier *c, const struct clf_trainer *t, const double *scales,
                      size_t nscale, double *loss, double *s)
{
    const struct doclist *h = &t->held;
    float like[CLF_MAX_CLASSES];

    for (size_t d = 0; d < h->docs; d++) {
        size_t from = d ? h->end[d - 1] : 0;
        size_t known = like_features(c, h->feat + from, h->end[d] - from, like);

        for (size_t j = 0; j < nscale; j++)
            loss[j] += doc_nll(c, like, known, scales[j], h->cls[d], s);
    }
}

/* Choose alpha and scale (those the params leave 0) by log-loss on the held-out texts. */
static int tune(const struct clf_trainer *t, double *alpha, double *scale)
{
    static const double alphas[TUNE_ALPHAS] = {0.01, 0.03, 0.1, 0.3, 1.0};
    double sc[TUNE_SCALES], loss[TUNE_SCALES], best = INFINITY, *scratch;
    size_t na = t->par.alpha ? 1 : TUNE_ALPHAS, ns = t->par.scale ? 1 : TUNE_SCALES;
    uint64_t *cells = sorted_cells(&t->counts);
    struct classifier *c = cells ? model_shape(t, cells) : NULL;

    scratch = malloc((size_t)t->nclasses * sizeof(double));
    if (!c || !scratch) {
        free(cells), free(scratch), clf_free(c);
        return GZ_ENOMEM;
    }
    for (size_t j = 0; j < ns; j++)
        sc[j] = t->par.scale ? t->par.scale : pow(2, -(double)j / 2);
    for (size_t i = 0; i < na; i++) {
        double a = t->par.alpha ? t->par.alpha : alphas[i];

        set_weights(c, t, cells, a);
        memset(loss, 0, sizeof(loss));
        tune_loss(c, t, sc, ns, loss, scratch);
        for (size_t j = 0; j < ns; j++)
            if (loss[j] < best)
                best = loss[j], *alpha = a, *scale = sc[j];
    }
    free(cells), free(scratch), clf_free(c);
    return 0;
}

/* Learn the held-out texts as well. */
static int learn_held(struct clf_trainer *t)
{
    const struct doclist *h = &t->held;
    int rc = counts_reserve(&t->counts, h->len);

    if (rc)
        return rc;
    for (size_t d = 0; d < h->docs; d++) {
        size_t from = d ? h->end[d - 1] : 0;

        learn(t, h->feat + from, h->end[d] - from, h->cls[d]);
    }
    return 0;
}

struct classifier *clf_trainer_finish(struct clf_trainer *t, struct gz_err *err)
{
    double alpha = t->par.alpha ? t->par.alpha : DEFAULT_ALPHA;
    double scale = t->par.scale ? t->par.scale : DEFAULT_SCALE;
    struct classifier *c;
    int rc = 0;

    if (t->finished)
        return gz_fail(err, GZ_EINVAL, "", "the trainer has finished"), NULL;
    if (t->docs == 0)
        return gz_fail(err, GZ_EINVAL, "", "no texts to learn from"), NULL;
    t->finished = true;
    if (t->tune && t->held.docs >= TUNE_MIN_DOCS)
        rc = tune(t, &alpha, &scale);
    if (!rc)
        rc = learn_held(t);
    if (rc)
        return gz_fail(err, rc, "", rc == GZ_ETOOBIG ? "the model is full" : "out of memory"), NULL;
    c = model_build(t, alpha, scale);
    if (!c)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory"), NULL;
    return c;
}

/* ---- the blob ------------------------------------------------------------ */

static unsigned char *put_u16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    return p + 2;
}

static unsigned char *put_u32(unsigned char *p, uint32_t v)
{
    return put_u16(put_u16(p, v & 0xFFFF), v >> 16);
}

static unsigned char *put_f32(unsigned char *p, float f)
{
    uint32_t v;

    memcpy(&v, &f, sizeof(v));
    return put_u32(p, v);
}

static unsigned char *put_header(unsigned char *p, const struct classifier *c)
{
    memcpy(p, "GZCLF", 5);
    p[5] = CLF_FORMAT_VERSION;
    p[6] = FEATURE_SCHEME;
    p[7] = (unsigned char)c->hash_bits;
    p[8] = (unsigned char)c->kind;
    p[9] = p[10] = p[11] = 0;
    p = put_u32(p + 12, c->nclasses);
    p = put_u32(p, c->nused);
    p = put_u32(p, c->nentries);
    p = put_f32(p, c->scale);
    return put_f32(p, c->alpha);
}

int clf_save(const struct classifier *c, struct buf *out)
{
    size_t size = saved_size(c), nb = (size_t)1 << c->hash_bits;
    unsigned char *blob = malloc(size), *p;
    uint64_t sum;
    int rc;

    if (!blob)
        return GZ_ENOMEM;
    p = put_header(blob, c);
    memcpy(p, c->labels, (size_t)c->nclasses * CLF_LABEL_MAX);
    p += (size_t)c->nclasses * CLF_LABEL_MAX;
    for (uint32_t k = 0; k < c->nclasses; k++)
        p = put_f32(p, c->prior[k]);
    for (uint32_t k = 0; k < c->nclasses; k++)
        p = put_f32(p, c->dterm[k]);
    for (size_t b = 0; b < nb; b++) {
        uint32_t n = 0;

        for (uint32_t i = c->off[b]; i < c->off[b + 1]; i++)
            n += c->w[i] != 0;
        if (n)
            p = put_u16(put_u32(p, (uint32_t)b), n);
    }
    for (uint32_t i = 0; i < c->nslots; i++)
        if (c->w[i] != 0)
            p = put_u16(p, c->cls[i]);
    for (uint32_t i = 0; i < c->nslots; i++)
        if (c->w[i] != 0)
            p = put_f32(p, c->w[i]);
    sum = fnv1a(blob, (size_t)(p - blob), FNV_BASIS);
    p = put_u32(put_u32(p, (uint32_t)sum), (uint32_t)(sum >> 32));
    rc = buf_add(out, blob, (size_t)(p - blob));
    free(blob);
    return rc;
}

/* A bounds-checked little-endian reader. */
struct rd {
    const unsigned char *p;
    size_t len, pos;
};

static bool rd_u16(struct rd *r, uint32_t *v)
{
    if (r->len - r->pos < 2)
        return false;
    *v = r->p[r->pos] | (uint32_t)r->p[r->pos + 1] << 8;
    r->pos += 2;
    return true;
}

static bool rd_u32(struct rd *r, uint32_t *v)
{
    uint32_t lo, hi;

    if (!rd_u16(r, &lo) || !rd_u16(r, &hi))
        return false;
    *v = lo | hi << 16;
    return true;
}

/* A finite float with |f| <= max. */
static bool rd_f32(struct rd *r, float *f, double max)
{
    uint32_t v;

    if (!rd_u32(r, &v))
        return false;
    memcpy(f, &v, sizeof(*f));
    return isfinite(*f) && fabs(*f) <= max;
}

struct hdr {
    int bits, kind;
    uint32_t classes, used, entries;
    float scale, alpha;
};

static int load_header(struct rd *r, struct hdr *h, struct gz_err *err)
{
    const unsigned char *p = r->p;
    uint64_t size;

    if (r->len < HEADER_SIZE + CHECKSUM_SIZE || memcmp(p, "GZCLF", 5) != 0)
        return gz_fail(err, GZ_EINVAL, "model", "not a classifier model");
    if (p[5] != CLF_FORMAT_VERSION || p[6] != FEATURE_SCHEME)
        return gz_fail(err, GZ_ESCHEMA, "model", "classifier model format %u.%u, expected %d.%d",
                       p[5], p[6], CLF_FORMAT_VERSION, FEATURE_SCHEME);
    h->bits = p[7];
    h->kind = p[8];
    r->pos = 12;
    if (h->bits < CLF_MIN_HASH_BITS || h->bits > CLF_MAX_HASH_BITS || h->kind > CLF_COMPLEMENT ||
        p[9] || p[10] || p[11] || !rd_u32(r, &h->classes) || !rd_u32(r, &h->used) ||
        !rd_u32(r, &h->entries) || !rd_f32(r, &h->scale, MAX_SCALE) ||
        !rd_f32(r, &h->alpha, MAX_SCALE) || h->scale <= 0 || h->alpha <= 0)
        return gz_fail(err, GZ_EINVAL, "model", "bad classifier model header");
    if (h->classes == 0 || h->classes > CLF_MAX_CLASSES || h->used > (1u << h->bits) ||
        h->entries > CLF_MAX_ENTRIES || h->entries < h->used ||
        h->entries > (uint64_t)h->used * h->classes)
        return gz_fail(err, GZ_EINVAL, "model", "bad classifier model sizes");
    size = HEADER_SIZE + (uint64_t)h->classes * CLASS_SIZE + (uint64_t)h->used * BUCKET_SIZE +
           (uint64_t)h->entries * ENTRY_SIZE + CHECKSUM_SIZE;
    if (size != r->len)
        return gz_fail(err, GZ_EINVAL, "model", "classifier model of %zu bytes, expected %llu",
                       r->len, (unsigned long long)size);
    return 0;
}

static bool checksum_ok(const struct rd *r)
{
    uint64_t sum = fnv1a(r->p, r->len - CHECKSUM_SIZE, FNV_BASIS), got = 0;

    for (int i = 0; i < CHECKSUM_SIZE; i++)
        got |= (uint64_t)r->p[r->len - CHECKSUM_SIZE + i] << (8 * i);
    return sum == got;
}

static int cmp_label(const void *a, const void *b)
{
    return memcmp(a, b, CLF_LABEL_MAX);
}

/* Labels: valid, NUL-padded and distinct. */
static bool labels_ok(const struct classifier *c)
{
    char(*sorted)[CLF_LABEL_MAX];
    bool ok = true;

    for (uint32_t k = 0; k < c->nclasses && ok; k++) {
        size_t n = strnlen(c->labels[k], CLF_LABEL_MAX);

        ok = label_valid(c->labels[k]);
        for (size_t i = n; i < CLF_LABEL_MAX && ok; i++)
            ok = c->labels[k][i] == '\0';
    }
    sorted = ok ? malloc((size_t)c->nclasses * CLF_LABEL_MAX) : NULL;
    if (!sorted)
        return false;
    memcpy(sorted, c->labels, (size_t)c->nclasses * CLF_LABEL_MAX);
    qsort(sorted, c->nclasses, CLF_LABEL_MAX, cmp_label);
    for (uint32_t k = 1; k < c->nclasses && ok; k++)
        ok = memcmp(sorted[k - 1], sorted[k], CLF_LABEL_MAX) != 0;
    free(sorted);
    return ok;
}

static bool load_classes(struct rd *r, struct classifier *c)
{
    memcpy(c->labels, r->p + r->pos, (size_t)c->nclasses * CLF_LABEL_MAX);
    r->pos += (size_t)c->nclasses * CLF_LABEL_MAX;
    for (uint32_t k = 0; k < c->nclasses; k++)
        if (!rd_f32(r, &c->prior[k], MAX_WEIGHT))
            return false;
    for (uint32_t k = 0; k < c->nclasses; k++)
        if (!rd_f32(r, &c->dterm[k], MAX_WEIGHT))
            return false;
    return labels_ok(c);
}

/* Used buckets ascending, each with 1..classes entries, adding up to the entries. */
static bool load_buckets(struct rd *r, struct classifier *c)
{
    size_t nb = (size_t)1 << c->hash_bits;
    uint64_t total = 0;
    uint32_t b, n, prev = 0;

    for (uint32_t i = 0; i < c->nused; i++) {
        if (!rd_u32(r, &b) || !rd_u16(r, &n) || b >= nb || (i && b <= prev) || n == 0 ||
            n > c->nclasses)
            return false;
        c->off[b + 1] = n;
        total += n;
        prev = b;
    }
    for (size_t k = 0; k < nb; k++)
        c->off[k + 1] += c->off[k];
    return total == c->nentries;
}

/* Classes ascending within each bucket, weights finite. */
static bool load_entries(struct rd *r, struct classifier *c)
{
    size_t nb = (size_t)1 << c->hash_bits;
    uint32_t v;

    for (size_t b = 0; b < nb; b++) {
        for (uint32_t i = c->off[b]; i < c->off[b + 1]; i++) {
            if (!rd_u16(r, &v) || v >= c->nclasses || (i > c->off[b] && v <= c->cls[i - 1]))
                return false;
            c->cls[i] = (uint16_t)v;
        }
    }
    for (uint32_t i = 0; i < c->nentries; i++)
        if (!rd_f32(r, &c->w[i], MAX_WEIGHT) || c->w[i] == 0)
            return false;
    return true;
}

struct classifier *clf_load(const void *data, size_t len, struct gz_err *err)
{
    struct rd r = {data, len, 0};
    struct classifier *c;
    struct hdr h;

    if (!data)
        return gz_fail(err, GZ_EINVAL, "model", "no model"), NULL;
    if (load_header(&r, &h, err))
        return NULL;
    if (!checksum_ok(&r))
        return gz_fail(err, GZ_EINVAL, "model", "classifier model checksum mismatch"), NULL;
    c = model_alloc(h.bits, h.classes, h.entries);
    if (!c)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory"), NULL;
    c->kind = (enum clf_kind)h.kind;
    c->nused = h.used;
    c->scale = h.scale;
    c->alpha = h.alpha;
    if (!load_classes(&r, c) || !load_buckets(&r, c) || !load_entries(&r, c) ||
        r.pos != len - CHECKSUM_SIZE) {
        clf_free(c);
        return gz_fail(err, GZ_EINVAL, "model", "corrupt classifier model"), NULL;
    }
    if (densify(c)) {
        clf_free(c);
        return gz_fail(err, GZ_ENOMEM, "", "out of memory"), NULL;
    }
    return c;
}

char *clf_document(const char *text, const char *address)
{
    struct buf b;

    buf_init(&b, CLF_MAX_TEXT);
    if (buf_adds(&b, text ? text : "") == 0 && address && *address)
        (void)(buf_adds(&b, " ") || buf_adds(&b, address)); /* a cut address still helps */
    return buf_detach(&b, NULL);
}
