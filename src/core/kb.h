/*
 * kb.h - the knowledge base (知识库): standard answers to consultations and
 * policy entries, in Chinese and English, each optionally tied to a category
 * code (any level: it then applies to that category and every one below).
 * An operator answers a consultation at intake citing an entry; the rules
 * here say what a well-formed entry is, whether one may be cited now, which
 * language of it a case gets, and how closely its category fits a case's.
 * Pure: no storage.
 */
#ifndef GZ_KB_H
#define GZ_KB_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/taxonomy.h"
#include "util/limits.h"

struct gz_err;

enum kb_kind { KB_ANSWER, KB_POLICY, KB_KIND_COUNT };
enum kb_lang { KB_ZH, KB_EN, KB_LANG_COUNT };

struct kb_entry {
    int64_t id;
    char ref[GZ_MAX_CODE + 1]; /* optional stable key for imports ("" = none) */
    enum kb_kind kind;
    char category[CATEGORY_CODE_MAX + 1]; /* "" = no category */
    char title[GZ_MAX_NAME];
    char title_en[GZ_MAX_NAME];
    char *body;    /* heap, required */
    char *body_en; /* heap, NULL when none */
    size_t n_keywords;
    char keywords[GZ_MAX_KB_KEYWORDS][GZ_MAX_KB_KEYWORD + 1];
    char source_url[GZ_MAX_URL + 1];
    int64_t valid_from, valid_to; /* [from, to); 0 = open */
    bool active;
    int version; /* 1 at creation, + 1 at each change */
    int64_t created_at, updated_at;
};

void kb_entry_init(struct kb_entry *e);
void kb_entry_release(struct kb_entry *e);
int kb_entry_copy(struct kb_entry *dst, const struct kb_entry *src)
    __attribute__((warn_unused_result));

const char *kb_kind_name(enum kb_kind k);
int kb_kind_parse(const char *s); /* -1 when unknown */
const char *kb_lang_name(enum kb_lang l);
int kb_lang_parse(const char *s); /* -1 when unknown */

/* Check every field, naming the first bad one (GZ_EINVAL). */
int kb_entry_validate(const struct kb_entry *e, struct gz_err *err)
    __attribute__((warn_unused_result));
/*
 * May the entry be cited at `now`: active and inside its validity? Otherwise
 * GZ_ECONFLICT naming "kb_entry" with the reason (inactive, not yet valid,
 * expired).
 */
int kb_entry_usable(const struct kb_entry *e, int64_t now, struct gz_err *err)
    __attribute__((warn_unused_result));
bool kb_entry_current(const struct kb_entry *e, int64_t now);

/*
 * How an entry's category fits a case's (or a filter's) category `code`:
 * 0 the same, 1.. an ancestor that many levels up (the entry applies), -1
 * otherwise (none, below, or another branch).
 */
int kb_category_fit(const char *entry_code, const char *code);

/* The language of a text: Chinese when it holds a CJK ideograph, else English. */
enum kb_lang kb_lang_of(const char *text);
/* The body to answer with in lang: the English one when asked and present, else the Chinese. */
const char *kb_entry_body(const struct kb_entry *e, enum kb_lang lang);
const char *kb_entry_title(const struct kb_entry *e, enum kb_lang lang);

/* What an answer's event says of the entry it cites: {id, version, title, lang}. */
json_t *kb_entry_cite(const struct kb_entry *e, enum kb_lang lang);

#endif
