/*
 * suggest.c - GET /api/v1/classify?text=…&address=…: the classifier's top
 * three categories for a text being typed, so the intake screen can offer
 * them live (the intake answer carries the same guesses once the case is
 * taken in). Staff only; {"suggestions": []} before any model is trained.
 */
#include "gz.h"

#include "api/api_util.h"
#include "api/kpi_req.h"
#include "core/classify.h"
#include "util/text.h"

#define SUGGEST_MAX 3

static json_t *guesses(struct app *app, const char *text, const char *address)
{
    struct clf_guess g[SUGGEST_MAX];
    size_t n = 0;
    json_t *out = json_array();
    char *doc;

    if (!app->clf || !(doc = clf_document(text, address)))
        return out;
    if (clf_predict(app->clf, doc, g, SUGGEST_MAX, &n))
        n = 0;
    free(doc);
    for (size_t i = 0; i < n; i++) {
        struct category c;
        struct gz_err err = {0};
        json_t *o = json_pack("{s:s, s:f}", "category", g[i].label, "p", g[i].p);
        if (store_category_get(app->store, g[i].label, &c, &err) == 0) {
            json_object_set_new(o, "name", json_string(c.name));
            json_object_set_new(o, "name_en", json_string(c.name_en));
            category_release(&c);
        }
        json_array_append_new(out, o);
    }
    return out;
}

static void get_classify(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    const char *text = http_query(r, "text"), *address = http_query(r, "address");

    if (api_principal(r, app, &p) || kpi_need_staff(r, &p))
        return;
    if (!text || !*text || !text_utf8_valid(text, strlen(text))) {
        http_reply_error(r, 400, "bad_request", "text", "text is required (UTF-8)");
        return;
    }
    if (address && !text_utf8_valid(address, strlen(address))) {
        http_reply_error(r, 400, "bad_request", "address", "address is not valid UTF-8");
        return;
    }
    http_reply_json(r, 200,
                    json_pack("{s:o, s:b}", "suggestions", guesses(app, text, address), "trained",
                              app->clf != NULL));
}

int api_suggest_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/classify", get_classify);
}
