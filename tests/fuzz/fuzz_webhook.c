/*
 * fuzz_webhook.c - what the webhooks and the event stream parse by hand: the
 * kinds list (?kinds=, a webhook's "kinds" string), the resume point
 * (Last-Event-ID), a signature header, a webhook URL and secret. A parsed
 * kinds list parses back to itself and matches each of its names; a
 * signature made for the input verifies and a changed body does not.
 */
#include "gz.h"

#include <stdlib.h>

#include "core/webhook.h"
#include "fuzz.h"

static void kinds(const char *s)
{
    char k[WEBHOOK_KINDS_MAX + 1], again[WEBHOOK_KINDS_MAX + 1], list[WEBHOOK_KINDS_MAX + 1];
    struct gz_err err = {0};
    size_t n;

    if (webhook_kinds_parse(s, k, sizeof(k), "kinds", &err))
        return;
    FUZZ_CHECK(!k[0] || (k[0] == ',' && k[strlen(k) - 1] == ','));
    /* ",a,b," -> "a,b" parses back to the same list */
    n = strlen(k);
    if (n < 2)
        return;
    memcpy(list, k + 1, n - 2);
    list[n - 2] = '\0';
    FUZZ_CHECK(webhook_kinds_parse(list, again, sizeof(again), "kinds", &err) == 0);
    FUZZ_CHECK(strcmp(k, again) == 0);
    for (char *p = list, *end; *p; p = *end ? end + 1 : end) {
        end = p + strcspn(p, ",");
        char save = *end;
        *end = '\0';
        FUZZ_CHECK(webhook_kinds_match(k, p));
        *end = save;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char secret[] = "fuzz-secret-0123456789";
    char *s = fuzz_strndup(data, size), sig[WEBHOOK_SIG_MAX];
    struct gz_err err = {0};
    int64_t id;

    kinds(s);
    if (sse_last_id_parse(s, &id))
        FUZZ_CHECK(id >= 0);
    (void)webhook_verify(secret, s, "{}", 2);
    if (webhook_url_check(s, &err) == 0)
        FUZZ_CHECK(strncmp(s, "http", 4) == 0);
    if (webhook_secret_check(s, &err) == 0)
        FUZZ_CHECK(strlen(s) >= WEBHOOK_SECRET_MIN);
    webhook_sign(secret, 1700000000, s, strlen(s), sig);
    FUZZ_CHECK(webhook_verify(secret, sig, s, strlen(s)));
    FUZZ_CHECK(!webhook_verify(secret, sig, "x", 1) || strcmp(s, "x") == 0);
    free(s);
    return 0;
}
