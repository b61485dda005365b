/*
 * Tests of src/store/store_sqlite_case_query.c: every filter of
 * store_case_list, full-text search with 1-, 2- and 3+-character words in
 * Chinese and English, keyset pages in every order, and visibility by unit
 * subtree.
 */
#include "gz.h"

#include "store/store.h"
#include "t.h"

#define T0 1774936800 /* 2026-03-31T06:00:00Z */
#define H 3600

enum { CITY, D1, D2, S1, S2, S3, N_UNITS };
static const char *const unit_codes[N_UNITS] = {"city", "d1", "d2", "s1", "s2", "s3"};

struct spec {
    const char *text, *address;
    enum case_channel channel;
    enum case_status status;
    const char *category;
    int lead, co; /* unit index, -1 = none */
    int64_t created, dispatched, accepted, respond_by, resolve_by;
    double lat, lon;
};

#define NC CASE_NO_COORD
static const struct spec specs[] = {
    {"小区门口垃圾堆积很久没人清理", "朝阳路1号", CHANNEL_HOTLINE, CASE_DISPATCHED, "0101", S1, -1,
     T0 + H, T0 + 2 * H, 0, T0 + 3 * H, T0 + 50 * H, 39.91, 116.40},
    {"夜间施工噪音扰民严重", "建设路8号", CHANNEL_WEB, CASE_ACCEPTED, "0201", S2, S3, T0 + 2 * H,
     T0 + 3 * H, T0 + 4 * H, T0 + 5 * H, T0 + 10 * H, 39.95, 116.45},
    {"Big pothole on Main Street", NULL, CHANNEL_APP, CASE_RECEIVED, "02", -1, -1, T0 + 3 * H, 0, 0,
     0, 0, 40.5, 117.0},
    {"路灯不亮", "幸福路12号", CHANNEL_HOTLINE, CASE_CLOSED, "0102", S3, -1, T0 + 4 * H, T0 + 5 * H,
     T0 + 6 * H, T0 + 6 * H, T0 + 20 * H, NC, NC},
    {"广场舞噪声太大", "人民广场", CHANNEL_GRID, CASE_RETURNED, "0201", S1, -1, T0 + 5 * H,
     T0 + 6 * H, 0, T0 + 7 * H, 0, 39.92, 116.60},
    {"垃圾桶满了 POTHOLES nearby", NULL, CHANNEL_OPEN311, CASE_RESOLVED, "0101", S2, -1, T0 + 6 * H,
     T0 + 7 * H, T0 + 8 * H, T0 + 8 * H, T0 + 200 * H, NC, NC},
};
#define N_SPECS ((int)GZ_ARRAY_LEN(specs))
#define ALL ((1u << N_SPECS) - 1)
#define B(i) (1u << (i))

static struct store *S;
static int64_t unit_ids[N_UNITS];
static int64_t case_ids[128];
static int n_cases;

static void add_unit(int i, enum unit_kind kind, int parent)
{
    struct gz_err err = {0};
    struct unit u;

    unit_init(&u);
    snprintf(u.code, sizeof(u.code), "%s", unit_codes[i]);
    snprintf(u.name, sizeof(u.name), "单位 %s", unit_codes[i]);
    u.kind = kind;
    ck_assert_int_eq(store_unit_create(S, &u, parent < 0 ? NULL : unit_codes[parent], &err), 0);
    unit_ids[i] = u.id;
    unit_release(&u);
}

static void add_category(const char *code)
{
    struct gz_err err = {0};
    struct category c;

    category_init(&c);
    snprintf(c.code, sizeof(c.code), "%s", code);
    snprintf(c.name, sizeof(c.name), "类别 %s", code);
    category_derive_parent(&c);
    ck_assert_int_eq(store_category_create(S, &c, &err), 0);
    category_release(&c);
}

/* What store_case_update writes: the spec's workflow fields. */
static void apply_spec(const struct spec *sp, struct case_rec *c)
{
    c->status = sp->status;
    snprintf(c->category, sizeof(c->category), "%s", sp->category ? sp->category : "");
    c->lead_unit_id = sp->lead >= 0 ? unit_ids[sp->lead] : 0;
    c->n_co = sp->co >= 0;
    c->co_units[0] = sp->co >= 0 ? unit_ids[sp->co] : 0;
    c->units_changed = true;
    c->dispatched_at = sp->dispatched;
    c->accepted_at = sp->accepted;
    c->respond_by = sp->respond_by;
    c->resolve_by = sp->resolve_by;
}

static void add_case(const struct spec *sp)
{
    struct gz_err err = {0};
    struct case_rec c;
    struct event ev, no_event;
    struct store_intake in = {.day = "20260331", .ev = &ev, .then_ev = &no_event};

    case_init(&c);
    event_init(&ev);
    event_init(&no_event);
    c.text = strdup(sp->text);
    c.address = sp->address ? strdup(sp->address) : NULL;
    c.channel = sp->channel;
    c.lat = sp->lat;
    c.lon = sp->lon;
    c.created_at = sp->created;
    snprintf(ev.kind, sizeof(ev.kind), "created");
    ev.body = strdup("{}");
    /* the spec's state comes with the intake, as an automatic dispatch's would */
    apply_spec(sp, &c);
    ck_assert_int_eq(store_case_create(S, &c, &in, &err), 0);
    ck_assert_int_lt(n_cases, (int)GZ_ARRAY_LEN(case_ids));
    case_ids[n_cases++] = c.id;
    case_release(&c);
    event_release(&ev);
    event_release(&no_event);
}

static void setup(void)
{
    char dir[256], path[300];
    struct gz_err err = {0};
    const char *const cats[] = {"01", "0101", "0102", "02", "0201"};

    t_tmpdir(dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/t.db", dir);
    S = store_open(path, NULL, &err);
    ck_assert_ptr_nonnull(S);
    add_unit(CITY, UNIT_CITY, -1);
    add_unit(D1, UNIT_DISTRICT, CITY);
    add_unit(D2, UNIT_DISTRICT, CITY);
    add_unit(S1, UNIT_STREET, D1);
    add_unit(S2, UNIT_STREET, D1);
    add_unit(S3, UNIT_STREET, D2);
    for (size_t i = 0; i < GZ_ARRAY_LEN(cats); i++)
        add_category(cats[i]);
    n_cases = 0;
    for (int i = 0; i < N_SPECS; i++)
        add_case(&specs[i]);
}

static void teardown(void)
{
    store_close(S);
    S = NULL;
}

/* ---- helpers ---- */

struct found {
    unsigned mask;
    int n;
};

static int mark(void *ctx, const struct case_rec *c)
{
    struct found *f = ctx;

    for (int i = 0; i < n_cases; i++)
        if (case_ids[i] == c->id)
            f->mask |= 1u << i;
    f->n++;
    return 0;
}

/* The spec indexes (bits) of the cases f selects. */
static unsigned found(const struct case_filter *f)
{
    struct found r = {0, 0};
    struct gz_err err = {0};

    ck_assert_int_eq(store_case_list(S, f, NULL, 100, mark, &r, &err), 0);
    ck_assert_int_eq(r.n, __builtin_popcount(r.mask)); /* no case twice */
    return r.mask;
}

static unsigned search(const char *q)
{
    struct case_filter f = {.q = q};

    return found(&f);
}

/* ---- filters ---- */

START_TEST(status_channel_category)
{
    struct case_filter f = {0};

    ck_assert_uint_eq(found(&f), ALL);
    f.status_mask = B(CASE_DISPATCHED) | B(CASE_ACCEPTED);
    ck_assert_uint_eq(found(&f), B(0) | B(1));
    f.status_mask = B(CASE_MERGED);
    ck_assert_uint_eq(found(&f), 0);
    f = (struct case_filter){.channel_mask = B(CHANNEL_HOTLINE)};
    ck_assert_uint_eq(found(&f), B(0) | B(3));
    f.channel_mask |= B(CHANNEL_OPEN311);
    ck_assert_uint_eq(found(&f), B(0) | B(3) | B(5));
    f = (struct case_filter){.category = "01"};
    ck_assert_uint_eq(found(&f), B(0) | B(3) | B(5));
    f.category = "0101";
    ck_assert_uint_eq(found(&f), B(0) | B(5));
    f.category = "02";
    ck_assert_uint_eq(found(&f), B(1) | B(2) | B(4));
    f.category = "0";
    ck_assert_uint_eq(found(&f), ALL);
    f.category = "03";
    ck_assert_uint_eq(found(&f), 0);
    f.category = "";
    ck_assert_uint_eq(found(&f), ALL);
}
END_TEST

START_TEST(units_and_subtrees)
{
    struct case_filter f = {.unit_id = unit_ids[S1]};

    ck_assert_uint_eq(found(&f), B(0) | B(4));
    f.unit_id = unit_ids[S3]; /* lead of 3, co-unit of 1 */
    ck_assert_uint_eq(found(&f), B(1) | B(3));
    f.unit_id = unit_ids[D1]; /* no case names the district itself */
    ck_assert_uint_eq(found(&f), 0);
    f.subtree = true;
    ck_assert_uint_eq(found(&f), B(0) | B(1) | B(4) | B(5));
    f.unit_id = unit_ids[D2];
    ck_assert_uint_eq(found(&f), B(1) | B(3));
    f.unit_id = unit_ids[CITY];
    ck_assert_uint_eq(found(&f), ALL & ~B(2));
    f.status_mask = B(CASE_CLOSED);
    ck_assert_uint_eq(found(&f), B(3));
}
END_TEST

START_TEST(time_ranges_and_overdue)
{
    struct case_filter f = {.created_from = T0 + 2 * H, .created_to = T0 + 4 * H};

    ck_assert_uint_eq(found(&f), B(1) | B(2));
    f = (struct case_filter){.created_from = T0 + 5 * H};
    ck_assert_uint_eq(found(&f), B(4) | B(5));
    f = (struct case_filter){.created_to = T0 + H + 1};
    ck_assert_uint_eq(found(&f), B(0));
    f = (struct case_filter){.dispatched_from = T0 + 3 * H, .dispatched_to = T0 + 6 * H};
    ck_assert_uint_eq(found(&f), B(1) | B(3));
    f = (struct case_filter){.dispatched_to = T0 + 3 * H};
    ck_assert_uint_eq(found(&f), B(0));
    /* long after: 0 and 1 past resolve_by; 4 returned (the dispatcher's now); 3 closed */
    f = (struct case_filter){.overdue = true, .now = T0 + 100 * H};
    ck_assert_uint_eq(found(&f), B(0) | B(1));
    /* early: only the unaccepted one past respond_by */
    f.now = T0 + 8 * H;
    ck_assert_uint_eq(found(&f), B(0));
    f.now = T0 + H;
    ck_assert_uint_eq(found(&f), 0);
}
END_TEST

START_TEST(bbox)
{
    struct case_filter f = {
        .bbox = true, .west = 116.3, .south = 39.9, .east = 116.5, .north = 40.0};

    ck_assert_uint_eq(found(&f), B(0) | B(1));
    f.east = 116.7;
    ck_assert_uint_eq(found(&f), B(0) | B(1) | B(4));
    f.north = 41;
    f.east = 117.5;
    ck_assert_uint_eq(found(&f), B(0) | B(1) | B(2) | B(4));
    /* across the antimeridian: west > east */
    f = (struct case_filter){.bbox = true, .west = 116.5, .south = 39, .east = -170, .north = 41};
    ck_assert_uint_eq(found(&f), B(2) | B(4));
}
END_TEST

START_TEST(visibility)
{
    int64_t vis[2];
    struct case_filter f = {.visible_units = vis};

    vis[0] = unit_ids[S1];
    f.n_visible = 1;
    ck_assert_uint_eq(found(&f), B(0) | B(4));
    vis[0] = unit_ids[D2];
    ck_assert_uint_eq(found(&f), B(1) | B(3));
    vis[1] = unit_ids[S1];
    f.n_visible = 2;
    ck_assert_uint_eq(found(&f), B(0) | B(1) | B(3) | B(4));
    vis[0] = unit_ids[CITY];
    f.n_visible = 1;
    ck_assert_uint_eq(found(&f), ALL & ~B(2));
    f.n_visible = 0; /* a list of no units: nothing */
    ck_assert_uint_eq(found(&f), 0);
    /* with other filters: s2's cases a d2 member may see */
    vis[0] = unit_ids[D2];
    f.n_visible = 1;
    f.unit_id = unit_ids[S2];
    ck_assert_uint_eq(found(&f), B(1));
    f.unit_id = unit_ids[D1];
    f.subtree = true;
    f.q = "噪音";
    ck_assert_uint_eq(found(&f), B(1));
}
END_TEST

/* An API client's scope: category prefixes (any) and areas (a party in a subtree), ANDed. */
START_TEST(client_scope)
{
    struct api_scope sc;
    struct gz_err err = {0};
    struct case_filter f = {.scope = &sc};
    int64_t vis[1] = {0};

    scope_init(&sc);
    ck_assert_uint_eq(found(&f), ALL); /* no limits */
    ck_assert_int_eq(scope_add_category(&sc, "0101", &err), 0);
    ck_assert_uint_eq(found(&f), B(0) | B(5));
    ck_assert_int_eq(scope_add_category(&sc, "02", &err), 0);
    ck_assert_uint_eq(found(&f), B(0) | B(1) | B(2) | B(4) | B(5));
    ck_assert_int_eq(scope_add_area(&sc, unit_ids[D2], &err), 0);
    ck_assert_uint_eq(found(&f), B(1)); /* s3 (under d2) is its co-unit */
    sc.n_cats = 0;
    ck_assert_uint_eq(found(&f), B(1) | B(3));
    ck_assert_int_eq(scope_add_area(&sc, unit_ids[S1], &err), 0);
    ck_assert_uint_eq(found(&f), B(0) | B(1) | B(3) | B(4));
    /* with the other unit filters (each its own CTE) */
    f.unit_id = unit_ids[D1];
    f.subtree = true;
    ck_assert_uint_eq(found(&f), B(0) | B(1) | B(4));
    vis[0] = unit_ids[S2];
    f.visible_units = vis;
    f.n_visible = 1;
    ck_assert_uint_eq(found(&f), B(1));
    f = (struct case_filter){.scope = &sc, .category = "01", .q = "路灯"};
    ck_assert_uint_eq(found(&f), B(3));
}
END_TEST

/* ---- search ---- */

START_TEST(search_words)
{
    struct case_filter f = {0};
    struct gz_err err = {0};
    struct found r = {0, 0};

    ck_assert_uint_eq(search("垃圾"), B(0) | B(5)); /* 2 characters: grams */
    ck_assert_uint_eq(search("噪"), B(1) | B(4));   /* 1 character */
    ck_assert_uint_eq(search("噪音扰民"), B(1));    /* 3+: trigram substring */
    ck_assert_uint_eq(search("扰民严重"), B(1));
    ck_assert_uint_eq(search("pothole"), B(2) | B(5)); /* POTHOLES too */
    ck_assert_uint_eq(search("POTHOLE"), B(2) | B(5));
    ck_assert_uint_eq(search("B"), B(2) | B(5));     /* Big, nearby */
    ck_assert_uint_eq(search("垃圾 pothole"), B(5)); /* words are ANDed */
    ck_assert_uint_eq(search("噪　施工"), B(1));     /* ideographic space */
    ck_assert_uint_eq(search("幸福路"), B(3));       /* the address too */
    ck_assert_uint_eq(search("幸福"), B(3));
    ck_assert_uint_eq(search("暴雨内涝"), 0);
    ck_assert_uint_eq(search("\"噪音"), 0);  /* quotes are literal */
    ck_assert_uint_eq(search("  \t "), ALL); /* white space only: no search */
    f.q = "噪音";
    f.status_mask = B(CASE_ACCEPTED);
    ck_assert_uint_eq(found(&f), B(1));
    f.q = "\xff\xfe";
    ck_assert_int_eq(store_case_list(S, &f, NULL, 10, mark, &r, &err), GZ_EINVAL);
    ck_assert_str_eq(err.field, "q");
}
END_TEST

/* ---- pages ---- */

struct walk {
    bool deadline;
    int64_t keys[128], ids[128];
    int n, page;
};

static int64_t key_of(const struct walk *w, const struct case_rec *c)
{
    if (!w->deadline)
        return c->created_at;
    return c->resolve_by ? c->resolve_by : INT64_MAX;
}

static int collect(void *ctx, const struct case_rec *c)
{
    struct walk *w = ctx;

    ck_assert_int_lt(w->n, 128);
    w->keys[w->n] = key_of(w, c);
    w->ids[w->n++] = c->id;
    w->page++;
    return 0;
}

/* Page through everything f selects, `size` at a time; check order and no repeats. */
static int walk_all(struct case_filter *f, int size, struct walk *w)
{
    struct case_cursor cur = {0};
    struct gz_err err = {0};

    memset(w, 0, sizeof(*w));
    w->deadline = f->sort_deadline;
    for (int pages = 0; pages < 200; pages++) {
        w->page = 0;
        ck_assert_int_eq(store_case_list(S, f, &cur, size, collect, w, &err), 0);
        if (w->page < size)
            break;
        cur = (struct case_cursor){true, w->keys[w->n - 1], w->ids[w->n - 1]};
    }
    for (int i = 1; i < w->n; i++) {
        bool before = w->keys[i - 1] < w->keys[i] ||
                      (w->keys[i - 1] == w->keys[i] && w->ids[i - 1] < w->ids[i]);
        ck_assert_msg(f->descending ? !before : before, "out of order at %d", i);
        for (int j = 0; j < i; j++)
            ck_assert_int_ne(w->ids[i], w->ids[j]);
    }
    return w->n;
}

/*
 * BATCH more cases whose created_at tie in threes and deadlines in twos, a
 * quarter without one. Enough that, with pages of one, every condition
 * counts as broad in the store's plan (40 rows per page item), while pages
 * of 5 keep them narrow: both forms of each condition get walked.
 */
#define BATCH 60
static void add_batch(void)
{
    char text[64];

    for (int i = 0; i < BATCH; i++) {
        struct spec sp = {text,
                          NULL,
                          CHANNEL_IMPORT,
                          CASE_DISPATCHED,
                          "0102",
                          S1,
                          -1,
                          T0 + 20 * H + (i / 3) * H,
                          T0 + 21 * H,
                          0,
                          0,
                          i % 4 == 0 ? 0 : T0 + 300 * H + (i / 2) * H,
                          NC,
                          NC};
        snprintf(text, sizeof(text), "批量工单 %d", i);
        add_case(&sp);
    }
}

START_TEST(keyset_pages)
{
    struct case_filter f = {0};
    struct walk w;
    int64_t last_with_deadline = 0;

    add_batch();
    ck_assert_int_eq(walk_all(&f, 5, &w), n_cases);
    f.descending = true;
    ck_assert_int_eq(walk_all(&f, 5, &w), n_cases);
    ck_assert_int_eq(w.ids[0], case_ids[n_cases - 1]); /* newest first */
    f.sort_deadline = true;
    ck_assert_int_eq(walk_all(&f, 5, &w), n_cases);
    ck_assert_int_eq(w.keys[0], INT64_MAX); /* descending: the ones without a deadline first */
    f.descending = false;
    ck_assert_int_eq(walk_all(&f, 5, &w), n_cases);
    ck_assert_int_eq(w.keys[n_cases - 1], INT64_MAX); /* ascending: without a deadline last */
    for (int i = 0; i < n_cases && w.keys[i] != INT64_MAX; i++)
        last_with_deadline = w.keys[i];
    ck_assert_int_eq(last_with_deadline, T0 + 300 * H + (BATCH - 1) / 2 * H);
}
END_TEST

/* Each condition alone and all together, in its narrow and its broad form. */
START_TEST(pages_through_filters)
{
    int64_t city;
    struct case_filter f = {.unit_id = 0};
    struct walk w;

    add_batch();
    city = unit_ids[CITY];
    for (int size = 1; size <= 5; size += 4) {
        f = (struct case_filter){.unit_id = unit_ids[S1], .descending = size == 1};
        ck_assert_int_eq(walk_all(&f, size, &w), 2 + BATCH);
        f = (struct case_filter){.unit_id = unit_ids[D1], .subtree = true};
        ck_assert_int_eq(walk_all(&f, size, &w), 4 + BATCH);
        f = (struct case_filter){.visible_units = &unit_ids[D1], .n_visible = 1};
        ck_assert_int_eq(walk_all(&f, size, &w), 4 + BATCH);
        f = (struct case_filter){.category = "01", .sort_deadline = true};
        ck_assert_int_eq(walk_all(&f, size, &w), 3 + BATCH);
        f = (struct case_filter){.q = "批量"};
        ck_assert_int_eq(walk_all(&f, size, &w), BATCH);
        f = (struct case_filter){.q = "批量工单", .descending = true};
        ck_assert_int_eq(walk_all(&f, size, &w), BATCH);
        f = (struct case_filter){.unit_id = unit_ids[S1],
                                 .visible_units = &city,
                                 .n_visible = 1,
                                 .category = "0102",
                                 .q = "批量 工单",
                                 .sort_deadline = true};
        ck_assert_int_eq(walk_all(&f, size, &w), BATCH);
    }
}
END_TEST

static int stop_after_two(void *ctx, const struct case_rec *c)
{
    int *n = ctx;

    (void)c;
    return ++*n >= 2;
}

START_TEST(limit_and_early_stop)
{
    struct case_filter f = {0};
    struct found r = {0, 0};
    struct gz_err err = {0};
    int n = 0;

    ck_assert_int_eq(store_case_list(S, &f, NULL, 3, mark, &r, &err), 0);
    ck_assert_int_eq(r.n, 3);
    ck_assert_uint_eq(r.mask, B(0) | B(1) | B(2)); /* oldest first */
    ck_assert_int_eq(store_case_list(S, &f, NULL, 10, stop_after_two, &n, &err), 0);
    ck_assert_int_eq(n, 2);
    r = (struct found){0, 0};
    ck_assert_int_eq(store_case_list(S, &f, NULL, 0, mark, &r, &err), 0);
    ck_assert_int_eq(r.n, 0);
}
END_TEST

Suite *suite_store_case_query(void)
{
    Suite *s = suite_create("store/case_query");
    TCase *tc = tcase_create("case_query");

    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, status_channel_category);
    tcase_add_test(tc, units_and_subtrees);
    tcase_add_test(tc, time_ranges_and_overdue);
    tcase_add_test(tc, bbox);
    tcase_add_test(tc, visibility);
    tcase_add_test(tc, search_words);
    tcase_add_test(tc, keyset_pages);
    tcase_add_test(tc, pages_through_filters);
    tcase_add_test(tc, limit_and_early_stop);
    tcase_add_test(tc, client_scope);
    suite_add_tcase(s, tc);
    return s;
}
