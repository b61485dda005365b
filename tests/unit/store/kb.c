/*
 * Tests of src/store/store_sqlite_kb.c: entries written, changed (versions,
 * refs), imported and deleted with their indexes, and searched: Chinese
 * substrings of 1, 2 and 3+ characters, English words in any case, one
 * language's texts, keywords, the category filter and its ranking, entries
 * in force, pages, and the answer and suggestions an intake gets.
 */
#include "gz.h"

#include <pthread.h>
#include <unistd.h>

#include "store/sq.h"
#include "store/sq_search.h"
#include "store/store.h"
#include "t.h"
#include "util/buf.h"

#define NOW 1774936800

static struct store *S;
static char S_path[300];
static int64_t ids[8];

struct spec {
    enum kb_kind kind;
    const char *category, *title, *body, *title_en, *body_en, *keyword;
    bool active;
    int64_t valid_to;
};

static const struct spec specs[] = {
    {KB_ANSWER, "01", "生活垃圾分类投放时间", "每天定时定点投放。", "Sorting times",
     "Put waste out from 7 to 9.", "垃圾分类", true, 0},
    {KB_POLICY, "0101", "垃圾分类违规处罚办法", "违反规定的责令改正。", "", NULL, "罚款", true, 0},
    {KB_POLICY, "0201", "夜间施工噪声管理", "夜间禁止施工作业。", "Night construction noise",
     "No noisy work at night.", NULL, true, 0},
    {KB_POLICY, NULL, "热线服务时间", "全天受理。", "", NULL, NULL, false, 0},
    {KB_ANSWER, "0101", "旧的投放答复", "已过期的答复。", "", NULL, NULL, true, NOW - 10},
};
#define N_SPECS ((int)GZ_ARRAY_LEN(specs))

static void fill(struct kb_entry *e, const struct spec *sp)
{
    kb_entry_init(e);
    e->kind = sp->kind;
    snprintf(e->category, sizeof(e->category), "%s", sp->category ? sp->category : "");
    snprintf(e->title, sizeof(e->title), "%s", sp->title);
    snprintf(e->title_en, sizeof(e->title_en), "%s", sp->title_en);
    e->body = strdup(sp->body);
    e->body_en = sp->body_en ? strdup(sp->body_en) : NULL;
    if (sp->keyword) {
        snprintf(e->keywords[0], sizeof(e->keywords[0]), "%s", sp->keyword);
        e->n_keywords = 1;
    }
    e->active = sp->active;
    e->valid_to = sp->valid_to;
}

static void setup(void)
{
    char dir[256], path[300];
    struct gz_err err = {0};

    t_tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/t.db", dir);
    snprintf(S_path, sizeof(S_path), "%s", path);
    S = store_open(path, NULL, &err);
    ck_assert_ptr_nonnull(S);
    for (int i = 0; i < N_SPECS; i++) {
        struct kb_entry e;
        fill(&e, &specs[i]);
        ck_assert_int_eq(kb_entry_validate(&e, &err), 0);
        ck_assert_int_eq(store_kb_put(S, &e, true, 0, &err), 0);
        ck_assert_int_eq(e.version, 1);
        ids[i] = e.id;
        kb_entry_release(&e);
    }
}

static void teardown(void)
{
    store_close(S);
}

struct got {
    int64_t id[16];
    int n;
};

static int collect(void *ctx, const struct kb_entry *e)
{
    struct got *g = ctx;

    if (g->n < 16)
        g->id[g->n++] = e->id;
    return 0;
}

static struct kb_filter any(void)
{
    return (struct kb_filter){.kind = -1, .lang = -1, .active = -1, .now = NOW};
}

/* The spec indexes f finds, in its order, as "2,0,1". */
static const char *found(const struct kb_filter *f)
{
    static char out[64];
    struct got g = {{0}, 0};
    struct gz_err err = {0};
    size_t len = 0;

    ck_assert_int_eq(store_kb_search(S, f, 0, 16, collect, &g, &err), 0);
    out[0] = '\0';
    for (int i = 0; i < g.n; i++)
        for (int k = 0; k < N_SPECS; k++)
            if (ids[k] == g.id[i])
                len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%d", i ? "," : "", k);
    return out;
}

/* The spec indexes q finds, in index order (relevance order is bm25's business). */
static const char *search(const char *q, int lang)
{
    static char out[64];
    struct kb_filter f = any();
    struct got g = {{0}, 0};
    struct gz_err err = {0};
    size_t len = 0;

    f.q = q;
    f.lang = lang;
    ck_assert_int_eq(store_kb_search(S, &f, 0, 16, collect, &g, &err), 0);
    out[0] = '\0';
    for (int k = 0; k < N_SPECS; k++)
        for (int i = 0; i < g.n; i++)
            if (ids[k] == g.id[i])
                len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%d", len ? "," : "", k);
    return out;
}

START_TEST(chinese_and_english)
{
    ck_assert_str_eq(search("罚", -1), "1");         /* 1 character */
    ck_assert_str_eq(search("投放", -1), "0,4");     /* 2 */
    ck_assert_str_eq(search("定时定点", -1), "0");   /* 4, body */
    ck_assert_str_eq(search("垃圾分类", -1), "0,1"); /* title and keyword */
    ck_assert_str_eq(search("罚款", -1), "1");       /* keyword only */
    ck_assert_str_eq(search("垃圾 罚款", -1), "1");  /* ANDed */
    ck_assert_str_eq(search("垃圾　噪声", -1), "");  /* ideographic space */
    ck_assert_str_eq(search("NOISY", -1), "2");      /* trigram, any case */
    ck_assert_str_eq(search("at", -1), "2");         /* 2 letters: grams */
    ck_assert_str_eq(search("construction night", -1), "2");
    ck_assert_str_eq(search("waste", KB_ZH), ""); /* one language */
    ck_assert_str_eq(search("定时", KB_EN), "");
    ck_assert_str_eq(search("垃圾分类", KB_EN), "0"); /* keywords serve both */
    ck_assert_str_eq(search("\"", -1), "");           /* quotes are text */
}
END_TEST

START_TEST(bad_text)
{
    struct kb_filter f = any();
    struct got g = {{0}, 0};
    struct gz_err err = {0};

    f.q = "\xff\xfe";
    ck_assert_int_eq(store_kb_search(S, &f, 0, 10, collect, &g, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "q");
}
END_TEST

START_TEST(category_ranking)
{
    struct kb_filter f = any();

    f.category = "0101";
    ck_assert_str_eq(found(&f), "4,1,0"); /* the code itself (newest first), then its parent */
    f.category = "01";
    ck_assert_str_eq(found(&f), "0,4,1"); /* itself, then below it */
    f.applying = true;
    ck_assert_str_eq(found(&f), "0");
    f.applying = false;
    f.q = "垃圾";
    ck_assert_str_eq(found(&f), "0,1");
    f.q = NULL;
    f.category = "010101";
    f.kind = KB_POLICY;
    ck_assert_str_eq(found(&f), "1");
    f = any();
    f.current = true;
    ck_assert_str_eq(found(&f), "2,1,0"); /* neither the inactive nor the expired */
    f.current = false;
    f.active = 0;
    ck_assert_str_eq(found(&f), "3");
}
END_TEST

START_TEST(answer_and_suggestions)
{
    struct kb_entry e;
    struct gz_err err = {0};
    struct got g = {{0}, 0};

    /* the expired answer of 0101 is passed over for its parent's */
    ck_assert_int_eq(store_kb_answer_for(S, "0101", NOW, &e, &err), 0);
    ck_assert_int_eq(e.id, ids[0]);
    kb_entry_release(&e);
    ck_assert_int_eq(store_kb_answer_for(S, "0101", NOW - 100, &e, &err), 0);
    ck_assert_int_eq(e.id, ids[4]);
    kb_entry_release(&e);
    ck_assert_int_eq(store_kb_answer_for(S, "0201", NOW, &e, &err), GZ_ENOTFOUND);
    kb_entry_release(&e);
    ck_assert_int_eq(store_kb_answer_for(S, "", NOW, &e, &err), GZ_ENOTFOUND);
    kb_entry_release(&e);
    ck_assert_int_eq(
        store_kb_suggest(S, "0201", "小区旁工地夜间施工，垃圾也没人清", NOW, 3, collect, &g, &err),
        0);
    ck_assert_int_eq(g.n, 3);
    ck_assert_int_eq(g.id[0], ids[2]);
    ck_assert(g.id[1] == ids[0] || g.id[1] == ids[1]);
    g.n = 0;
    ck_assert_int_eq(
        store_kb_suggest(S, NULL, "Noise from construction", NOW, 3, collect, &g, &err), 0);
    ck_assert_int_eq(g.n, 1);
    ck_assert_int_eq(g.id[0], ids[2]);
    g.n = 0;
    ck_assert_int_eq(store_kb_suggest(S, NULL, "热线", NOW, 3, collect, &g, &err), 0);
    ck_assert_int_eq(g.n, 0); /* the inactive entry is not offered */
}
END_TEST

START_TEST(versions_refs_delete)
{
    struct kb_entry e, dup;
    struct gz_err err = {0};

    ck_assert_int_eq(store_kb_get(S, ids[1], &e, &err), 0);
    ck_assert_str_eq(e.keywords[0], "罚款");
    ck_assert_ptr_null(e.body_en);
    snprintf(e.ref, sizeof(e.ref), "fines");
    free(e.body);
    e.body = strdup("新的处罚规定：罚款二百元。");
    ck_assert_int_eq(store_kb_put(S, &e, false, 1, &err), 0);
    ck_assert_int_eq(e.version, 2);
    ck_assert_int_eq(store_kb_put(S, &e, false, 1, &err), GZ_ECONFLICT);
    ck_assert_str_eq(err.field, "version");
    ck_assert_str_eq(search("二百", -1), "1"); /* reindexed */
    ck_assert_str_eq(search("责令", -1), "");
    fill(&dup, &specs[3]);
    snprintf(dup.ref, sizeof(dup.ref), "fines");
    ck_assert_int_eq(store_kb_put(S, &dup, true, 0, &err), GZ_ECONFLICT);
    ck_assert_str_eq(err.field, "ref");
    /* an import with the ref replaces it */
    dup.id = 0;
    ck_assert_int_eq(store_kb_import(S, &dup, 1, &(size_t){0}, &err), 0);
    ck_assert_int_eq(dup.id, ids[1]);
    ck_assert_int_eq(dup.version, 3);
    kb_entry_release(&dup);
    ck_assert_int_eq(store_kb_delete(S, ids[1], &err), 0);
    ck_assert_int_eq(store_kb_delete(S, ids[1], &err), GZ_ENOTFOUND);
    ck_assert_int_eq(store_kb_get(S, ids[1], &dup, &err), GZ_ENOTFOUND);
    kb_entry_release(&dup);
    ck_assert_str_eq(search("热线", -1), "3");
    e.id = ids[1];
    ck_assert_int_eq(store_kb_put(S, &e, false, 0, &err), GZ_ENOTFOUND);
    kb_entry_release(&e);
}
END_TEST

START_TEST(offset_pages)
{
    struct kb_filter f = any();
    struct got all = {{0}, 0}, page = {{0}, 0};
    struct gz_err err = {0};

    ck_assert_int_eq(store_kb_search(S, &f, 0, 16, collect, &all, &err), 0);
    ck_assert_int_eq(all.n, N_SPECS);
    for (int off = 0; off < N_SPECS; off += 2)
        ck_assert_int_eq(store_kb_search(S, &f, off, 2, collect, &page, &err), 0);
    ck_assert_int_eq(page.n, N_SPECS);
    ck_assert_mem_eq(page.id, all.id, sizeof(int64_t) * N_SPECS);
}
END_TEST

/* The ids f finds (at most 16) as "7,3,1", by the statement or from memory. */
static void ids_of(const struct kb_filter *f, bool statement, char *out, size_t size)
{
    struct got g = {{0}, 0};
    struct gz_err err = {0};
    size_t len = 0;

    ((struct sqstore *)S)->kb_statement_only = statement;
    ck_assert_int_eq(store_kb_search(S, f, 0, 16, collect, &g, &err), 0);
    ((struct sqstore *)S)->kb_statement_only = false;
    out[0] = '\0';
    for (int i = 0; i < g.n; i++)
        len += (size_t)snprintf(out + len, size - len, "%s%lld", i ? "," : "", (long long)g.id[i]);
}

/* Intake's questions answered from memory rank exactly as the statement does. */
START_TEST(memory_answers_as_the_statement)
{
    static const char *const words[] = {"垃圾",  "分类",  "投放",  "夜间施工",     "噪声",
                                        "罚款",  "热线",  "Noise", "construction", "sorting",
                                        "waste", "night", "时间",  "答复",         "put"};
    static const char *const cats[] = {NULL, "01", "0101", "010101", "0201", "02", "03"};
    unsigned seed = 7;
    int asked = 0;

    for (int round = 0; round < 400; round++) {
        char text[256] = "", a[128], b[128];
        struct kb_filter f = any();
        size_t len = 0;
        for (int w = 0; w < 1 + (int)(rand_r(&seed) % 4); w++)
            len += (size_t)snprintf(text + len, sizeof(text) - len, "%s ",
                                    words[rand_r(&seed) % GZ_ARRAY_LEN(words)]);
        f.active = 1;
        f.applying = true;
        f.current = rand_r(&seed) % 2;
        f.kind = (int)(rand_r(&seed) % 3) - 1;
        f.now = NOW + (rand_r(&seed) % 2 ? -3600 : 0);
        if (rand_r(&seed) % 2)
            f.similar = text;
        else
            f.category = cats[rand_r(&seed) % GZ_ARRAY_LEN(cats)];
        ck_assert(sq_vocab_fits(&f, 0));
        ids_of(&f, true, a, sizeof(a));
        ids_of(&f, false, b, sizeof(b));
        ck_assert_msg(strcmp(a, b) == 0, "%s / %s: statement %s, memory %s", text,
                      f.category ? f.category : "-", a, b);
        asked += a[0] != '\0';
    }
    ck_assert_int_gt(asked, 100); /* most questions found something */
}
END_TEST

/* The similarity expressions, straight: distinct bigrams of Chinese runs, words of 3+ letters. */
START_TEST(similar_terms)
{
    struct buf fts, grams;

    buf_init(&fts, 4096);
    buf_init(&grams, 4096);
    ck_assert_int_eq(
        sq_search_similar("垃圾，垃圾桶 The bins are FULL; 噪", &fts, &grams, NULL, NULL), 0);
    ck_assert_str_eq(buf_str(&grams), "\"垃圾\" OR \"圾桶\" OR \"噪\"");
    ck_assert_str_eq(buf_str(&fts), "\"bins\" OR \"full\"");
    buf_release(&fts);
    buf_release(&grams);
    buf_init(&fts, 4096);
    buf_init(&grams, 4096);
    ck_assert_int_eq(sq_search_similar("\xff", &fts, &grams, NULL, NULL), 0);
    ck_assert_int_eq(fts.len + grams.len, 0);
    buf_release(&fts);
    buf_release(&grams);
}
END_TEST

static bool keep_some(void *ctx, bool trigram, const char *term, size_t n)
{
    (void)ctx;
    return trigram ? n == 4 && memcmp(term, "full", 4) == 0 : strncmp(term, "圾桶", n) == 0;
}

/* Only the terms kept go in, and the ones left out do not count against the limit. */
START_TEST(similar_terms_kept)
{
    struct buf fts, grams, text;

    buf_init(&fts, 4096);
    buf_init(&grams, 4096);
    buf_init(&text, 1 << 16);
    for (int i = 0; i < 100; i++) /* more distinct terms than SQ_SEARCH_TERMS before the kept */
        ck_assert_int_eq(buf_addf(&text, "w%03dx ", i), 0);
    ck_assert_int_eq(buf_adds(&text, "垃圾，垃圾桶 The bins are FULL; 噪"), 0);
    ck_assert_int_eq(sq_search_similar(buf_str(&text), &fts, &grams, keep_some, NULL), 0);
    ck_assert_str_eq(buf_str(&grams), "\"圾桶\"");
    ck_assert_str_eq(buf_str(&fts), "\"full\"");
    buf_release(&fts);
    buf_release(&grams);
    buf_release(&text);
}
END_TEST

static int suggested(struct store *s, const char *text)
{
    struct got g = {{0}, 0};
    struct gz_err err = {0};

    ck_assert_int_eq(store_kb_suggest(s, NULL, text, NOW, 3, collect, &g, &err), 0);
    return g.n;
}

static int64_t add_entry(struct store *s, const char *title, const char *body)
{
    struct kb_entry e;
    struct gz_err err = {0};
    int64_t id;

    fill(&e, &(struct spec){KB_POLICY, NULL, title, body, "", NULL, NULL, true, 0});
    ck_assert_int_eq(store_kb_put(s, &e, true, 0, &err), 0);
    id = e.id;
    kb_entry_release(&e);
    return id;
}

/*
 * The vocabulary the similarity search filters with follows the base: this
 * process's change at once, another process's (another store on the file)
 * within the 2 s it is checked in.
 */
START_TEST(vocabulary_follows_changes)
{
    struct gz_err err = {0};
    struct store *other;
    int64_t id;

    ck_assert_int_eq(suggested(S, "井盖丢失"), 0); /* shares no term with the base */
    id = add_entry(S, "井盖缺失的处理", "报修后两天内补齐。");
    ck_assert_int_eq(suggested(S, "井盖丢失"), 1);
    ck_assert_int_eq(store_kb_delete(S, id, &err), 0);
    ck_assert_int_eq(suggested(S, "井盖丢失"), 0);

    other = store_open(S_path, NULL, &err);
    ck_assert_ptr_nonnull(other);
    add_entry(other, "共享单车乱停放", "由运营企业清理。");
    store_close(other);
    ck_assert_int_le(suggested(S, "单车乱停"), 1); /* not yet seen, or seen */
    sleep(3);
    ck_assert_int_eq(suggested(S, "单车乱停"), 1);
}
END_TEST

/* A snapshot held while the base changes stays whole for its holder; the next hold is new. */
START_TEST(held_snapshot_outlives_a_change)
{
    struct sqstore *sq = (struct sqstore *)S;
    struct gz_err err = {0};
    struct sqconn *c = sq_reader(sq, &err);
    struct sq_vocab *old, *now;
    struct kb_filter f = any();
    struct got g = {{0}, 0};

    ck_assert_ptr_nonnull(c);
    old = sq_vocab_hold(sq, c, &err);
    ck_assert_ptr_nonnull(old);
    add_entry(S, "井盖缺失的处理", "报修后两天内补齐。");
    now = sq_vocab_hold(sq, c, &err);
    ck_assert_ptr_nonnull(now);
    ck_assert_ptr_ne(old, now);
    f.active = 1;
    f.similar = "井盖丢失";
    ck_assert_int_eq(sq_vocab_search(old, c, &f, 16, collect, &g, &err), 0);
    ck_assert_int_eq(g.n, 0); /* the old snapshot: before the entry */
    sq_vocab_release(sq, old);
    ck_assert_int_eq(sq_vocab_search(now, c, &f, 16, collect, &g, &err), 0);
    ck_assert_int_eq(g.n, 1);
    sq_vocab_release(sq, now);
    sq_reader_put(sq, c);
}
END_TEST

struct asker {
    struct store *s;
    int found;
};

static void *ask_often(void *arg)
{
    struct asker *a = arg;

    for (int i = 0; i < 200; i++) {
        struct got g = {{0}, 0};
        struct gz_err err = {0};
        if (store_kb_suggest(a->s, i % 2 ? "0101" : NULL, "垃圾分类 井盖 noise construction", NOW,
                             3, collect, &g, &err) == 0)
            a->found += g.n > 0;
    }
    return NULL;
}

/* Questions from several threads while the base changes under them (ASan watches). */
START_TEST(questions_while_the_base_changes)
{
    pthread_t th[4];
    struct asker a[4];
    struct gz_err err = {0};

    for (int i = 0; i < 4; i++) {
        a[i] = (struct asker){S, 0};
        pthread_create(&th[i], NULL, ask_often, &a[i]);
    }
    for (int i = 0; i < 20; i++) {
        int64_t id = add_entry(S, "井盖缺失的处理", "报修后两天内补齐。");
        ck_assert_int_eq(store_kb_delete(S, id, &err), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(a[i].found, 200); /* the fixture's entries answer every time */
    }
}
END_TEST

Suite *suite_store_kb(void)
{
    Suite *s = suite_create("store/kb");
    TCase *tc = tcase_create("kb");

    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, chinese_and_english);
    tcase_add_test(tc, bad_text);
    tcase_add_test(tc, category_ranking);
    tcase_add_test(tc, answer_and_suggestions);
    tcase_add_test(tc, versions_refs_delete);
    tcase_add_test(tc, offset_pages);
    tcase_add_test(tc, memory_answers_as_the_statement);
    tcase_add_test(tc, similar_terms);
    tcase_add_test(tc, similar_terms_kept);
    tcase_add_test(tc, vocabulary_follows_changes);
    tcase_add_test(tc, held_snapshot_outlives_a_change);
    tcase_add_test(tc, questions_while_the_base_changes);
    suite_add_tcase(s, tc);
    return s;
}
