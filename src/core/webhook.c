/*
 * webhook.c - webhook rules (see webhook.h): URL and secret checks, the kinds
 * list, HMAC-SHA256 signatures (libsodium) and the retry schedule.
 */
#include "gz.h"

#include <ctype.h>
#include <errno.h>
#include <sodium.h>

#include "core/webhook.h"

void webhook_init(struct webhook *w)
{
    memset(w, 0, sizeof(*w));
    w->active = true;
}

static bool has_bad_char(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return true;
    return false;
}

int webhook_url_check(const char *url, struct gz_err *err)
{
    const char *host;
    size_t n = url ? strlen(url) : 0;

    if (!n)
        return gz_fail(err, GZ_EINVAL, "url", "url is required");
    if (n > WEBHOOK_URL_MAX)
        return gz_fail(err, GZ_EINVAL, "url", "url is longer than %d bytes", WEBHOOK_URL_MAX);
    if (strncmp(url, "http://", 7) == 0)
        host = url + 7;
    else if (strncmp(url, "https://", 8) == 0)
        host = url + 8;
    else
        return gz_fail(err, GZ_EINVAL, "url", "url must start with http:// or https://");
    if (!*host || *host == '/' || *host == ':' || *host == '?' || *host == '#')
        return gz_fail(err, GZ_EINVAL, "url", "url has no host");
    if (has_bad_char(url))
        return gz_fail(err, GZ_EINVAL, "url", "url holds spaces or control characters");
    return 0;
}

int webhook_secret_check(const char *secret, struct gz_err *err)
{
    size_t n = strlen(secret);

    if (n < WEBHOOK_SECRET_MIN || n > WEBHOOK_SECRET_MAX)
        return gz_fail(err, GZ_EINVAL, "secret", "secret must be %d to %d characters",
                       WEBHOOK_SECRET_MIN, WEBHOOK_SECRET_MAX);
    for (const char *p = secret; *p; p++)
        if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
            return gz_fail(err, GZ_EINVAL, "secret", "secret must be printable ASCII");
    return 0;
}

void webhook_secret_new(char *out)
{
    unsigned char raw[32];

    randombytes_buf(raw, sizeof(raw));
    memcpy(out, "whsec_", 6);
    sodium_bin2hex(out + 6, WEBHOOK_SECRET_MAX + 1 - 6, raw, sizeof(raw));
}

static bool kind_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

int webhook_kinds_add(char *out, size_t size, const char *kind, size_t len, const char *field,
                      struct gz_err *err)
{
    char item[WEBHOOK_KIND_MAX + 3];
    size_t have = strlen(out);

    if (len == 0 || len > WEBHOOK_KIND_MAX)
        return gz_fail(err, GZ_EINVAL, field, "an event kind has 1 to %d characters",
                       WEBHOOK_KIND_MAX);
    for (size_t i = 0; i < len; i++)
        if (!kind_char((unsigned char)kind[i]))
            return gz_fail(err, GZ_EINVAL, field,
                           "event kinds are lower-case letters, digits and _");
    snprintf(item, sizeof(item), ",%.*s,", (int)len, kind);
    if (have && strstr(out, item))
        return 0;
    if (have + len + (have ? 1 : 2) >= size)
        return gz_fail(err, GZ_EINVAL, field, "too many event kinds");
    /* the list ends with ','; add "kind," after it (or ",kind," to an empty list) */
    memcpy(out + have, have ? item + 1 : item, len + (have ? 1 : 2));
    out[have + len + (have ? 1 : 2)] = '\0';
    return 0;
}

static bool is_all(const char *s, size_t n)
{
    return n == 0 || (n == 1 && s[0] == '*') || (n == 3 && memcmp(s, "all", 3) == 0);
}

int webhook_kinds_parse(const char *list, char *out, size_t size, const char *field,
                        struct gz_err *err)
{
    const char *p = list ? list : "";
    size_t n;

    out[0] = '\0';
    while (isspace((unsigned char)*p))
        p++;
    n = strlen(p);
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    if (is_all(p, n))
        return 0;
    for (;;) {
        const char *start, *end = p + strcspn(p, ",");
        start = p;
        while (start < end && isspace((unsigned char)*start))
            start++;
        while (end > start && isspace((unsigned char)end[-1]))
            end--;
        if (webhook_kinds_add(out, size, start, (size_t)(end - start), field, err))
            return err->code;
        p += strcspn(p, ",");
        if (!*p)
            return 0;
        p++;
    }
}

bool webhook_kinds_match(const char *kinds, const char *kind)
{
    size_t n = strlen(kind);
    const char *p = kinds;

    if (!kinds || !*kinds)
        return true;
    while ((p = strstr(p, kind)) != NULL) {
        if (p > kinds && p[-1] == ',' && p[n] == ',')
            return true;
        p++;
    }
    return false;
}

static void hmac(const char *secret, int64_t t, const char *body, size_t len,
                 unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
    crypto_auth_hmacsha256_state st;
    char ts[24];
    int n = snprintf(ts, sizeof(ts), "%lld.", (long long)t);

    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (unsigned long long)n);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(&st, sizeof(st));
}

void webhook_sign(const char *secret, int64_t t, const char *body, size_t len, char *out)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char hex[2 * crypto_auth_hmacsha256_BYTES + 1];

    hmac(secret, t, body, len, mac);
    sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
    snprintf(out, WEBHOOK_SIG_MAX, "t=%lld,v1=%s", (long long)t, hex);
}

bool webhook_verify(const char *secret, const char *header, const char *body, size_t len)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES], got[crypto_auth_hmacsha256_BYTES];
    const char *v1;
    char *end;
    long long t;
    size_t bin = 0;

    if (!header || strncmp(header, "t=", 2) != 0)
        return false;
    errno = 0;
    t = strtoll(header + 2, &end, 10);
    if (errno || end == header + 2 || strncmp(end, ",v1=", 4) != 0)
        return false;
    v1 = end + 4;
    if (strlen(v1) != 2 * sizeof(got) ||
        sodium_hex2bin(got, sizeof(got), v1, strlen(v1), NULL, &bin, NULL) || bin != sizeof(got))
        return false;
    hmac(secret, t, body, len, mac);
    return sodium_memcmp(mac, got, sizeof(mac)) == 0;
}

void webhook_policy_default(struct webhook_policy *p)
{
    p->max_attempts = WEBHOOK_DEFAULT_ATTEMPTS;
    p->base_ms = WEBHOOK_DEFAULT_BASE_MS;
    p->cap_ms = WEBHOOK_DEFAULT_CAP_MS;
    p->timeout_ms = WEBHOOK_DEFAULT_TIMEOUT_MS;
}

int64_t webhook_backoff_ms(const struct webhook_policy *p, int attempts, double jitter)
{
    int64_t d = p->base_ms > 0 ? p->base_ms : 1;

    for (int i = 1; i < attempts && d < p->cap_ms; i++)
        d *= 2;
    if (d > p->cap_ms)
        d = p->cap_ms;
    if (!(jitter >= 0) || jitter >= 1)
        jitter = 0;
    return d / 2 + (int64_t)(jitter * (double)(d - d / 2));
}

bool webhook_is_dead(const struct webhook_policy *p, int attempts)
{
    return attempts >= p->max_attempts;
}

bool sse_last_id_parse(const char *s, int64_t *out)
{
    unsigned long long v = 0;
    const char *p = s ? s : "";

    *out = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p)
        return true;
    if (!isdigit((unsigned char)*p))
        return false;
    for (; isdigit((unsigned char)*p); p++) {
        if (v > (unsigned long long)(INT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (unsigned)(*p - '0');
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p)
        return false;
    *out = (int64_t)v;
    return true;
}
