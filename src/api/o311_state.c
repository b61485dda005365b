/*
 * o311_state.c - what Open311 keeps while the server runs: the city's
 * Open311 settings (read from the store at start, replaced whole by the
 * admin API under a lock, copied out per request) and two quota tables,
 * per API key and per client address (core/throttle, a fixed window of a
 * minute; a shared slot only makes two keys share a quota).
 */
#include "gz.h"

#include <libxml/parser.h>
#include <pthread.h>

#include "api/o311.h"
#include "core/throttle.h"
#include "util/text.h"
#include "util/timeutil.h"

#define O311_QUOTA_SLOTS 8192

struct o311 {
    pthread_mutex_t lock;
    struct o311_settings set;
    struct throttle *per_key, *per_ip;
};

static const char *const key_names[] = {
    "open311.jurisdiction_id", "open311.contact", "open311.key_service", "open311.base_url",
    "open311.ip_rate_per_min", "open311.type",    "open311.changeset",
};

static void defaults(struct o311_settings *set)
{
    memset(set, 0, sizeof(*set));
    snprintf(set->contact, sizeof(set->contact), "%s",
             "Questions about this API: the city's 12345 / 311 service centre.");
    snprintf(set->key_service, sizeof(set->key_service), "%s",
             "API keys are issued to client systems by the platform's administrators.");
    set->ip_rate_per_min = O311_DEFAULT_IP_RATE;
}

/* One stored setting into its field. */
static void apply(struct o311_settings *set, size_t i, const char *v)
{
    long long n;

    switch (i) {
    case 0: text_copy(set->jurisdiction_id, sizeof(set->jurisdiction_id), v); break;
    case 1: text_copy(set->contact, sizeof(set->contact), v); break;
    case 2: text_copy(set->key_service, sizeof(set->key_service), v); break;
    case 3: text_copy(set->base_url, sizeof(set->base_url), v); break;
    case 4:
        if (text_parse_i64(v, 0, APICLIENT_MAX_RATE, &n))
            set->ip_rate_per_min = (int)n;
        break;
    case 5: set->batch = strcmp(v, "batch") == 0; break;
    default:
        if (text_parse_i64(v, 0, INT64_MAX, &n))
            set->changeset = n;
        break;
    }
}

/* One field as the text stored for it. */
static void field_text(const struct o311_settings *set, size_t i, char *out, size_t size)
{
    switch (i) {
    case 0: snprintf(out, size, "%s", set->jurisdiction_id); break;
    case 1: snprintf(out, size, "%s", set->contact); break;
    case 2: snprintf(out, size, "%s", set->key_service); break;
    case 3: snprintf(out, size, "%s", set->base_url); break;
    case 4: snprintf(out, size, "%d", set->ip_rate_per_min); break;
    case 5: snprintf(out, size, "%s", set->batch ? "batch" : "realtime"); break;
    default: snprintf(out, size, "%lld", (long long)set->changeset); break;
    }
}

static int load(struct store *s, struct o311_settings *set, struct gz_err *err)
{
    char v[600];

    defaults(set);
    for (size_t i = 0; i < GZ_ARRAY_LEN(key_names); i++) {
        int rc = store_setting_get(s, key_names[i], v, sizeof(v), err);
        if (rc == GZ_ENOTFOUND)
            continue;
        if (rc)
            return rc;
        apply(set, i, v);
    }
    gz_err_clear(err);
    return 0;
}

struct o311 *o311_new(struct store *s, struct gz_err *err)
{
    struct o311 *o = calloc(1, sizeof(*o));

    xmlInitParser(); /* libxml2's globals, once, before the threads */
    if (!o) {
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        return NULL;
    }
    pthread_mutex_init(&o->lock, NULL);
    o->per_key = throttle_new(O311_QUOTA_SLOTS, 0, O311_WINDOW_S);
    o->per_ip = throttle_new(O311_QUOTA_SLOTS, 0, O311_WINDOW_S);
    if (!o->per_key || !o->per_ip || load(s, &o->set, err)) {
        if (!err->code)
            gz_fail(err, GZ_ENOMEM, "", "out of memory");
        o311_free(o);
        return NULL;
    }
    /* never configured: clients refresh their caches once per start, which is harmless */
    if (!o->set.changeset)
        o->set.changeset = time_now();
    return o;
}

void o311_free(struct o311 *o)
{
    if (!o)
        return;
    throttle_free(o->per_key);
    throttle_free(o->per_ip);
    pthread_mutex_destroy(&o->lock);
    free(o);
    xmlCleanupParser();
}

void o311_settings_get(const struct o311 *o, struct o311_settings *out)
{
    if (!o) {
        defaults(out);
        return;
    }
    pthread_mutex_lock((pthread_mutex_t *)&o->lock);
    *out = o->set;
    pthread_mutex_unlock((pthread_mutex_t *)&o->lock);
}

int o311_settings_put(struct o311 *o, struct store *s, const struct o311_settings *set,
                      struct gz_err *err)
{
    char v[600];

    for (size_t i = 0; i < GZ_ARRAY_LEN(key_names); i++) {
        int rc;
        field_text(set, i, v, sizeof(v));
        rc = store_setting_set(s, key_names[i], v, err);
        if (rc)
            return rc;
    }
    if (o) {
        pthread_mutex_lock(&o->lock);
        o->set = *set;
        pthread_mutex_unlock(&o->lock);
    }
    return 0;
}

int o311_changed(struct o311 *o, struct store *s, struct gz_err *err)
{
    struct o311_settings set;

    o311_settings_get(o, &set);
    set.changeset = time_now();
    return o311_settings_put(o, s, &set, err);
}

int o311_take_key(struct o311 *o, const struct api_client *c, int64_t now)
{
    char key[32];

    if (!o)
        return 0;
    snprintf(key, sizeof(key), "client:%lld", (long long)c->id);
    return throttle_take(o->per_key, key, c->rate_per_min, now);
}

int o311_take_ip(struct o311 *o, const char *peer, int per_min, int64_t now)
{
    return o ? throttle_take(o->per_ip, peer, per_min, now) : 0;
}
