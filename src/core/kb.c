/*
 * kb.c - knowledge-base entries without storage (see kb.h). An entry has a
 * title and a body in at least one language, each language whole (a title
 * with its body); Chinese is the platform's first language, so an English
 * answer falls back to the Chinese body when it has none.
 */
#include "gz.h"

#include <strings.h>

#include "core/kb.h"
#include "util/text.h"

static const char *const kind_names[KB_KIND_COUNT] = {"answer", "policy"};
static const char *const lang_names[KB_LANG_COUNT] = {"zh", "en"};

void kb_entry_init(struct kb_entry *e)
{
    memset(e, 0, sizeof(*e));
    e->active = true;
    e->kind = KB_ANSWER;
}

void kb_entry_release(struct kb_entry *e)
{
    free(e->body);
    free(e->body_en);
    kb_entry_init(e);
}

int kb_entry_copy(struct kb_entry *dst, const struct kb_entry *src)
{
    *dst = *src;
    dst->body = src->body ? strdup(src->body) : NULL;
    dst->body_en = src->body_en ? strdup(src->body_en) : NULL;
    if ((src->body && !dst->body) || (src->body_en && !dst->body_en)) {
        kb_entry_release(dst);
        return GZ_ENOMEM;
    }
    return 0;
}

const char *kb_kind_name(enum kb_kind k)
{
    return (unsigned)k < KB_KIND_COUNT ? kind_names[k] : "unknown";
}

int kb_kind_parse(const char *s)
{
    for (int i = 0; i < KB_KIND_COUNT; i++)
        if (strcmp(s, kind_names[i]) == 0)
            return i;
    return -1;
}

const char *kb_lang_name(enum kb_lang l)
{
    return (unsigned)l < KB_LANG_COUNT ? lang_names[l] : "zh";
}

int kb_lang_parse(const char *s)
{
    for (int i = 0; i < KB_LANG_COUNT; i++)
        if (strcmp(s, lang_names[i]) == 0)
            return i;
    return -1;
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            return true;
    return false;
}

/* A one-line text: valid UTF-8 of at most max bytes, no control characters. */
static int check_line(const char *field, const char *s, size_t max, struct gz_err *err)
{
    size_t n = strlen(s);

    if (n > max || !text_utf8_valid(s, n) || has_control(s))
        return gz_fail(err, GZ_EINVAL, field,
                       "%s must be one line of valid UTF-8, at most %zu bytes", field, max);
    return 0;
}

static int check_body(const char *field, const char *s, struct gz_err *err)
{
    size_t n = s ? strlen(s) : 0;

    if (n > GZ_MAX_KB_BODY || !text_utf8_valid(s ? s : "", n))
        return gz_fail(err, GZ_EINVAL, field, "%s must be valid UTF-8 of at most %d bytes", field,
                       GZ_MAX_KB_BODY);
    return 0;
}

static bool empty(const char *s)
{
    return !s || !*s;
}

/* Each language whole: its title with its body; at least one language. */
static int check_languages(const struct kb_entry *e, struct gz_err *err)
{
    if (empty(e->title) != empty(e->body))
        return gz_fail(err, GZ_EINVAL, empty(e->title) ? "title" : "body",
                       "title and body go together");
    if (empty(e->title_en) != empty(e->body_en))
        return gz_fail(err, GZ_EINVAL, empty(e->title_en) ? "title_en" : "body_en",
                       "title_en and body_en go together");
    if (empty(e->title) && empty(e->title_en))
        return gz_fail(err, GZ_EINVAL, "title", "title and body are required (or their _en)");
    return 0;
}

static int check_keywords(const struct kb_entry *e, struct gz_err *err)
{
    if (e->n_keywords > GZ_MAX_KB_KEYWORDS)
        return gz_fail(err, GZ_EINVAL, "keywords", "at most %d keywords", GZ_MAX_KB_KEYWORDS);
    for (size_t i = 0; i < e->n_keywords; i++) {
        if (!e->keywords[i][0] || check_line("keywords", e->keywords[i], GZ_MAX_KB_KEYWORD, err))
            return gz_fail(err, GZ_EINVAL, "keywords",
                           "keywords must be non-empty lines of at most %d bytes",
                           GZ_MAX_KB_KEYWORD);
        for (size_t j = 0; j < i; j++)
            if (strcmp(e->keywords[i], e->keywords[j]) == 0)
                return gz_fail(err, GZ_EINVAL, "keywords", "keyword %s appears twice",
                               e->keywords[i]);
    }
    return 0;
}

static int check_url(const char *url, struct gz_err *err)
{
    if (!*url)
        return 0;
    if (check_line("source_url", url, GZ_MAX_URL, err) || strchr(url, ' ') ||
        (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0) ||
        !url[strncasecmp(url, "https://", 8) == 0 ? 8 : 7])
        return gz_fail(err, GZ_EINVAL, "source_url", "source_url must be an http(s) URL");
    return 0;
}

static int check_scalars(const struct kb_entry *e, struct gz_err *err)
{
    if ((unsigned)e->kind >= KB_KIND_COUNT)
        return gz_fail(err, GZ_EINVAL, "kind", "kind must be answer or policy");
    if (e->ref[0] && !text_is_code(e->ref, GZ_MAX_CODE))
        return gz_fail(err, GZ_EINVAL, "ref", "ref must be letters, digits, _ . - (1-%d)",
                       GZ_MAX_CODE);
    if (e->category[0] && !category_code_valid(e->category))
        return gz_fail(err, GZ_EINVAL, "category", "category must be a category code or null");
    if (e->valid_from < 0 || e->valid_to < 0)
        return gz_fail(err, GZ_EINVAL, e->valid_from < 0 ? "valid_from" : "valid_to",
                       "times must be after 1970");
    if (e->valid_from && e->valid_to && e->valid_to <= e->valid_from)
        return gz_fail(err, GZ_EINVAL, "valid_to", "valid_to must come after valid_from");
    return 0;
}

int kb_entry_validate(const struct kb_entry *e, struct gz_err *err)
{
    int rc = check_scalars(e, err);

    if (!rc)
        rc = check_line("title", e->title, GZ_MAX_NAME - 1, err);
    if (!rc)
        rc = check_line("title_en", e->title_en, GZ_MAX_NAME - 1, err);
    if (!rc)
        rc = check_body("body", e->body, err);
    if (!rc)
        rc = check_body("body_en", e->body_en, err);
    if (!rc)
        rc = check_languages(e, err);
    if (!rc)
        rc = check_keywords(e, err);
    if (!rc)
        rc = check_url(e->source_url, err);
    return rc;
}

bool kb_entry_current(const struct kb_entry *e, int64_t now)
{
    return e->active && (!e->valid_from || now >= e->valid_from) &&
           (!e->valid_to || now < e->valid_to);
}

int kb_entry_usable(const struct kb_entry *e, int64_t now, struct gz_err *err)
{
    if (!e->active)
        return gz_fail(err, GZ_ECONFLICT, "kb_entry", "knowledge-base entry %lld is inactive",
                       (long long)e->id);
    if (e->valid_from && now < e->valid_from)
        return gz_fail(err, GZ_ECONFLICT, "kb_entry", "knowledge-base entry %lld is not valid yet",
                       (long long)e->id);
    if (e->valid_to && now >= e->valid_to)
        return gz_fail(err, GZ_ECONFLICT, "kb_entry", "knowledge-base entry %lld has expired",
                       (long long)e->id);
    return 0;
}

int kb_category_fit(const char *entry_code, const char *code)
{
    size_t a = strlen(entry_code), b = strlen(code);

    if (!a || a > b || a % 2 || strncmp(entry_code, code, a) != 0)
        return -1;
    return (int)((b - a) / 2);
}

/* CJK Unified Ideographs (U+4E00-U+9FFF) and Extension A (U+3400-U+4DBF): 3 bytes E3..E9. */
static bool cjk_at(const unsigned char *s)
{
    unsigned cp;

    if (s[0] < 0xE3 || s[0] > 0xE9 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
        return false;
    cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF);
}

enum kb_lang kb_lang_of(const char *text)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");

    for (; *s; s++)
        if (cjk_at(s))
            return KB_ZH;
    return KB_EN;
}

const char *kb_entry_body(const struct kb_entry *e, enum kb_lang lang)
{
    if ((lang == KB_EN && !empty(e->body_en)) || empty(e->body))
        return e->body_en ? e->body_en : "";
    return e->body;
}

const char *kb_entry_title(const struct kb_entry *e, enum kb_lang lang)
{
    if ((lang == KB_EN && e->title_en[0]) || !e->title[0])
        return e->title_en;
    return e->title;
}

json_t *kb_entry_cite(const struct kb_entry *e, enum kb_lang lang)
{
    enum kb_lang used = (lang == KB_EN && !empty(e->body_en)) || empty(e->body) ? KB_EN : KB_ZH;

    return json_pack("{s:I, s:i, s:s, s:s}", "id", (json_int_t)e->id, "version", e->version,
                     "title", kb_entry_title(e, used), "lang", kb_lang_name(used));
}
