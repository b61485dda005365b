/*
 * store.h - the storage interface. Everything that speaks SQL lives below
 * this header; callers see domain structs and callbacks only. A store is
 * opened from a URL ("sqlite:PATH", or a plain path); the backend behind it
 * fills a `struct store_ops` (store_impl.h), so a PostgreSQL backend can
 * join the SQLite one without callers changing.
 *
 * Threading: every function may be called from any thread. Writes are queued
 * to one writer that commits many of them per transaction (group commit);
 * each returns after its transaction is durable as configured.
 */
#ifndef GZ_STORE_H
#define GZ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/account.h"
#include "core/apiclient.h"
#include "core/attach.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/case.h"
#include "core/joint.h"
#include "core/kb.h"
#include "core/kpi.h"
#include "core/route.h"
#include "core/taxonomy.h"
#include "core/unit.h"

struct gz_err;
struct store;

struct store_options {
    int max_version; /* 0 = the newest this binary knows; tests use lower to build old files */
    bool sync_full;  /* fsync every commit (power-loss safe) instead of WAL's NORMAL */
};

/* Open (creating and migrating as needed). GZ_ESCHEMA when the file is newer than we are. */
struct store *store_open(const char *url, const struct store_options *opt, struct gz_err *err);
/* Finish queued writes and close every connection. NULL is fine. */
void store_close(struct store *s);
/* Schema version of the open database, and the newest this binary knows. */
int store_schema_version(struct store *s);
/* Cases acknowledged but not yet in the search index (it follows intake, a burst later). */
int64_t store_search_behind(struct store *s);
int store_schema_latest(void);

/* A page of a keyset-paginated list: items after `after` (id or code), at most `limit`. */
struct store_page {
    int64_t after_id;
    const char *after_code;
    int limit;
};

/* List callbacks: return nonzero to stop early. */
typedef int (*store_unit_fn)(void *ctx, const struct unit *u, const char *parent_code);
typedef int (*store_category_fn)(void *ctx, const struct category *c);
typedef int (*store_account_fn)(void *ctx, const struct account *a);
typedef int (*store_membership_fn)(void *ctx, const struct membership *m);
/* Import progress: called with done and total counts. */
typedef void (*store_progress_fn)(void *ctx, size_t done, size_t total);

struct unit_filter {
    int kind;           /* -1 = any */
    int64_t parent_id;  /* 0 = any; see roots */
    bool roots;         /* only units without a parent */
    int active;         /* -1 any, 0, 1 */
    bool with_geometry; /* fill jurisdiction (costly for lists) */
};

/* ---- units ---- */
/* Create; u->id is filled. parent_code (or u->parent_id) names the parent. */
int store_unit_create(struct store *s, struct unit *u, const char *parent_code, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Replace the editable fields of unit u->id (code, names, kind, parent, contact, active,
 * jurisdiction). */
int store_unit_update(struct store *s, struct unit *u, const char *parent_code, struct gz_err *err)
    __attribute__((warn_unused_result));
int store_unit_get(struct store *s, int64_t id, struct unit *out, char *parent_code,
                   struct gz_err *err) __attribute__((warn_unused_result));
int store_unit_get_by_code(struct store *s, const char *code, struct unit *out, char *parent_code,
                           struct gz_err *err) __attribute__((warn_unused_result));
int store_unit_list(struct store *s, const struct unit_filter *f, const struct store_page *pg,
                    store_unit_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));
/*
 * Every unit the filter keeps, in id order, page by page; fn returning
 * nonzero stops the walk and is returned (store errors: their code in err).
 */
int store_unit_each(struct store *s, const struct unit_filter *f, store_unit_fn fn, void *ctx,
                    struct gz_err *err) __attribute__((warn_unused_result));
/* Ancestry of a unit: chain[0] = id, then parents up to the root; *n set. */
int store_unit_chain(struct store *s, int64_t id, int64_t *chain, size_t max, size_t *n,
                     struct gz_err *err) __attribute__((warn_unused_result));
/*
 * Import units in one transaction, parents first as ordered by the caller;
 * an existing code is updated. parent_codes[i] may be "" (root or keep).
 * On error nothing is written, *bad_index is the failing item and err names its field.
 */
int store_unit_import(struct store *s, struct unit *units, char (*parent_codes)[GZ_MAX_CODE + 1],
                      size_t n, store_progress_fn progress, void *pctx, size_t *bad_index,
                      struct gz_err *err) __attribute__((warn_unused_result));

/* ---- categories ---- */
int store_category_create(struct store *s, const struct category *c, struct gz_err *err)
    __attribute__((warn_unused_result));
int store_category_update(struct store *s, const struct category *c, struct gz_err *err)
    __attribute__((warn_unused_result));
int store_category_get(struct store *s, const char *code, struct category *out, struct gz_err *err)
    __attribute__((warn_unused_result));
/* List in code order; prefix "" = all; active -1 any. */
int store_category_list(struct store *s, const char *prefix, int active,
                        const struct store_page *pg, store_category_fn fn, void *ctx,
                        struct gz_err *err) __attribute__((warn_unused_result));
/* Import (upsert) in one transaction, parents first (the store orders by depth, stably). */
int store_category_import(struct store *s, struct category *cats, size_t n,
                          store_progress_fn progress, void *pctx, size_t *bad_index,
                          struct gz_err *err) __attribute__((warn_unused_result));

/* ---- accounts, memberships, tokens ---- */
int store_account_create(struct store *s, struct account *a, const char *pw_hash,
                         struct gz_err *err) __attribute__((warn_unused_result));
/* Update name, phone, active; and the password hash when pw_hash is not NULL. */
int store_account_update(struct store *s, const struct account *a, const char *pw_hash,
                         struct gz_err *err) __attribute__((warn_unused_result));
int store_account_get(struct store *s, int64_t id, struct account *out, struct gz_err *err)
    __attribute__((warn_unused_result));
/* By login, with the password hash (pw_hash[AUTH_HASH_MAX]). */
int store_account_get_login(struct store *s, const char *login, struct account *out, char *pw_hash,
                            struct gz_err *err) __attribute__((warn_unused_result));
int store_account_list(struct store *s, const struct store_page *pg, store_account_fn fn, void *ctx,
                       struct gz_err *err) __attribute__((warn_unused_result));

int store_membership_create(struct store *s, struct membership *m, struct gz_err *err)
    __attribute__((warn_unused_result));
int store_membership_delete(struct store *s, int64_t id, struct gz_err *err)
    __attribute__((warn_unused_result));
int store_membership_get(struct store *s, int64_t id, struct membership *out, struct gz_err *err)
    __attribute__((warn_unused_result));
/* By account (unit_id 0) or by unit (account_id 0). */
int store_membership_list(struct store *s, int64_t account_id, int64_t unit_id,
                          store_membership_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));

int store_token_create(struct store *s, const char *hash, int64_t account_id, int64_t expires_at,
                       struct gz_err *err) __attribute__((warn_unused_result));
int store_token_delete(struct store *s, const char *hash, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Delete tokens expired before now; returns the count or an error. */
int store_token_purge(struct store *s, int64_t now, struct gz_err *err);
/*
 * The principal behind a token hash, valid at `now`: account (active) and
 * memberships. GZ_EAUTH when unknown, expired or the account is inactive.
 */
int store_principal_load(struct store *s, const char *token_hash, int64_t now,
                         struct principal *out, struct gz_err *err)
    __attribute__((warn_unused_result));

/* ---- settings (city configuration: time zone, working hours) ---- */
/* GZ_ENOTFOUND when unset. */
int store_setting_get(struct store *s, const char *key, char *out, size_t size, struct gz_err *err)
    __attribute__((warn_unused_result));
int store_setting_set(struct store *s, const char *key, const char *value, struct gz_err *err)
    __attribute__((warn_unused_result));

/* ---- calendar ---- */
/* Replace the overrides of the years present in the CSV text ("date,kind,occasion"). */
int store_calendar_import(struct store *s, const char *csv, size_t len, size_t *count,
                          struct gz_err *err) __attribute__((warn_unused_result));
/* Apply every stored override to cal. */
/* Override one local day ("2026-10-01") as holiday or workday; CAL_DEFAULT removes it. */
int store_calendar_set(struct store *s, const char *day, enum cal_day_kind kind, struct gz_err *err)
    __attribute__((warn_unused_result));
int store_calendar_load(struct store *s, struct calendar *cal, struct gz_err *err)
    __attribute__((warn_unused_result));

/* ---- cases ---- */
typedef int (*store_case_fn)(void *ctx, struct case_rec *c, struct case_rec *other,
                             struct event *ev, struct event *other_ev, struct gz_err *err);

/* What goes with a new case into its transaction. */
struct store_intake {
    const char *day;      /* local day "20261124": the number's prefix */
    struct event *ev;     /* the created event, sealed into the chain */
    const char *idem_key; /* NULL: none */
    int64_t idem_account;
    /* optional: the new case's first change (automatic dispatch), already made to
       it: its event follows the created event, in the same transaction */
    struct event *then_ev;
    bool replayed; /* out: the key was used before; c->id names the first case */
};
/*
 * Intake: give the case the next number of the day, insert it with its
 * event(s) in one transaction. With an idempotency key already used by the
 * same account, nothing is written.
 */
int store_case_create(struct store *s, struct case_rec *c, struct store_intake *in,
                      struct gz_err *err) __attribute__((warn_unused_result));
/* By number, or by id when number is NULL. */
int store_case_get(struct store *s, const char *number, int64_t id, struct case_rec *out,
                   struct gz_err *err) __attribute__((warn_unused_result));

/*
 * A change decided on the freshest state: fn runs inside the writer's
 * transaction on the case (and on `other`, the second case of a merge, when
 * other_number is given), changes them and fills the event(s) to append;
 * the store writes the rows and the events (ev; other_ev when its kind is
 * set) or nothing. out receives the case as written.
 */
int store_case_update(struct store *s, const char *number, const char *other_number,
                      store_case_fn fn, void *ctx, struct case_rec *out, struct gz_err *err)
    __attribute__((warn_unused_result));

/* A further reporter of an open case ("me too"). */
struct case_reporter {
    int64_t account_id;
    char name[GZ_MAX_NAME];
    char phone[GZ_MAX_PHONE + 1];
    enum case_channel channel;
    int64_t at;
};
/*
 * Add a reporter to open case `number`: metoo + 1, the reporter kept, event
 * ev appended, in one transaction; GZ_ECONFLICT when the case is not open.
 */
int store_case_add_reporter(struct store *s, const char *number, const struct case_reporter *r,
                            struct event *ev, struct case_rec *out, struct gz_err *err)
    __attribute__((warn_unused_result));

typedef int (*store_event_fn)(void *ctx, const struct event *e);
/* The timeline of one case, oldest first. */
int store_case_events(struct store *s, int64_t case_id, store_event_fn fn, void *ctx,
                      struct gz_err *err) __attribute__((warn_unused_result));
/* Every event in chain order (for verification). */
int store_events_walk(struct store *s, store_event_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));

/* Units party to a case (lead first, then co-units). */
int store_case_units(struct store *s, int64_t case_id, int64_t *units, size_t max, size_t *n,
                     struct gz_err *err) __attribute__((warn_unused_result));

/* Numbers of open cases with an escalation due at `now` not yet given. */
typedef int (*store_number_fn)(void *ctx, const char *number);
int store_case_due(struct store *s, int64_t now, store_number_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));

/* Case lists: see store_case_list in store_cases_query (filters, search, pages). */
struct case_filter {
    unsigned status_mask;             /* bit per enum case_status; 0 = any */
    int64_t unit_id;                  /* party to the case (lead or co); 0 = any */
    bool subtree;                     /* unit_id and every unit below it */
    const char *category;             /* code prefix; NULL = any */
    unsigned channel_mask;            /* bit per enum case_channel; 0 = any */
    int64_t created_from, created_to; /* [from, to); 0 = open */
    int64_t dispatched_from, dispatched_to;
    bool overdue; /* with the unit (dispatched, accepted) and past resolve_by,
                     or past respond_by before accepting, at now */
    int64_t now;
    bool bbox; /* lat/lon inside [south, north] x [west, east] */
    double south, west, north, east;
    const char *q;      /* full text over text and address; NULL = none */
    bool sort_deadline; /* by resolve_by (cases without one last), else by created_at */
    bool descending;
    /* visibility: when visible_units is non-NULL, only cases with a party in
       one of these units or their subtrees */
    const int64_t *visible_units;
    size_t n_visible;
    int64_t viewer_account_id; /* with visible_units: also the cases it reported or took in */
    /* an API client's scope (NULL: none): its category prefixes (any one), and its areas: a
       party to the case, or the place, in one of their subtrees */
    const struct api_scope *scope;
};

/* Keyset position: the sort key and id of the last case of the previous page. */
struct case_cursor {
    bool set;
    int64_t key;
    int64_t id;
};

typedef int (*store_case_list_fn)(void *ctx, const struct case_rec *c);
int store_case_list(struct store *s, const struct case_filter *f, const struct case_cursor *after,
                    int limit, store_case_list_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));

/* ---- the responsibility matrix ---- */
/* Create (r->id filled) or update r->id; a second active rule for the same prefix and area is
   GZ_ECONFLICT (a tie). */
int store_route_put(struct store *s, struct route_rule *r, bool create, struct gz_err *err)
    __attribute__((warn_unused_result));
int store_route_delete(struct store *s, int64_t id, struct gz_err *err)
    __attribute__((warn_unused_result));
int store_route_get(struct store *s, int64_t id, struct route_rule *out, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Import rules in one transaction; a rule for an existing (prefix, area) replaces it. */
int store_route_import(struct store *s, struct route_rule *rules, size_t n, size_t *bad,
                       struct gz_err *err) __attribute__((warn_unused_result));
typedef int (*store_route_fn)(void *ctx, const struct route_rule *r);
/* Every rule (or only the active ones) in id order. */
int store_route_list(struct store *s, bool active_only, store_route_fn fn, void *ctx,
                     struct gz_err *err) __attribute__((warn_unused_result));

/* ---- learnt models ---- */
/* Keep a new version of a model of `kind` ("classifier"); *id is its version. */
int store_model_put(struct store *s, const char *kind, const void *bytes, size_t len, int64_t docs,
                    const char *note, int64_t *id, struct gz_err *err)
    __attribute__((warn_unused_result));
/* The newest model of `kind` (*bytes malloc'd, the caller frees); GZ_ENOTFOUND when none. */
int store_model_latest(struct store *s, const char *kind, void **bytes, size_t *len, int64_t *id,
                       struct gz_err *err) __attribute__((warn_unused_result));
/* Closed cases with their final category, for training: text, address (may be NULL), category. */
typedef int (*store_training_fn)(void *ctx, const char *text, const char *address,
                                 const char *category);
int store_training_cases(struct store *s, store_training_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));

/* Open cases created since `since` with a point, oldest first (the duplicate index at start). */
typedef int (*store_recent_fn)(void *ctx, const struct case_rec *c);
int store_recent_cases(struct store *s, int64_t since, store_recent_fn fn, void *ctx,
                       struct gz_err *err) __attribute__((warn_unused_result));

/* ---- Open311 GeoReport v2 ---- */
/*
 * A client system and the SHA-256 (hex) of its new key; creates its account
 * with it (c->id, c->account_id, c->created_at filled).
 */
int store_client_create(struct store *s, struct api_client *c, const char *key_hash,
                        struct gz_err *err) __attribute__((warn_unused_result));
/* Name, contact and rate of client c->id. */
int store_client_update(struct store *s, const struct api_client *c, struct gz_err *err)
    __attribute__((warn_unused_result));
/* A new key for an active client (the old one stops working). */
int store_client_rekey(struct store *s, int64_t id, const char *key_hash, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Revoke: the key stops working and the client's account is deactivated; kept for the record. */
int store_client_revoke(struct store *s, int64_t id, int64_t now, struct gz_err *err)
    __attribute__((warn_unused_result));
int store_client_get(struct store *s, int64_t id, struct api_client *out, struct gz_err *err)
    __attribute__((warn_unused_result));
/* The active client whose key hashes to key_hash; GZ_EAUTH when there is none. */
int store_client_by_key(struct store *s, const char *key_hash, struct api_client *out,
                        struct gz_err *err) __attribute__((warn_unused_result));
typedef int (*store_client_fn)(void *ctx, const struct api_client *c);
int store_client_list(struct store *s, store_client_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));

/* What a GeoReport report brings beside its case (NULL or "" for what it lacks). */
struct o311_extra {
    int64_t case_id;
    int64_t client_id;
    const char *token;                           /* names the report for tokens/{token} */
    const char *email, *device_id, *account_ref; /* personal: never published */
    const char *media_url, *address_id;
    const char *attributes; /* JSON of the attribute answers */
};
/* Keep x; a second put for the same case (a replayed intake) changes nothing. */
int store_o311_extra_put(struct store *s, const struct o311_extra *x, struct gz_err *err)
    __attribute__((warn_unused_result));
/* The same, read back (heap strings, NULL when absent); GZ_ENOTFOUND when the case has none. */
struct o311_extra_rec {
    int64_t case_id, client_id;
    char *token, *email, *device_id, *account_ref, *media_url, *address_id, *attributes;
};
int store_o311_extra_get(struct store *s, int64_t case_id, struct o311_extra_rec *out,
                         struct gz_err *err) __attribute__((warn_unused_result));
void o311_extra_rec_release(struct o311_extra_rec *x);
/* The number of the case a token names; GZ_ENOTFOUND when none. */
int store_o311_token(struct store *s, const char *token, char *number, size_t size,
                     struct gz_err *err) __attribute__((warn_unused_result));

/* GeoReport request lists: by numbers (which override the rest), or by time and codes. */
struct o311_filter {
    const char *const *numbers;
    size_t n_numbers;
    const char *const *codes; /* exact category codes */
    size_t n_codes;
    int64_t from, to; /* created_at in [from, to] */
    int status;       /* 0 any, 1 open, 2 closed (closed, merged, invalid) */
    int limit;
    int64_t offset;
};
/* One request: the case, and the names and references GeoReport shows with it. */
struct o311_row {
    const struct case_rec *c;
    const char *service_name, *service_name_en; /* the category's (NULL without one) */
    const char *agency, *agency_en;             /* the lead unit's (NULL before dispatch) */
    const char *media_url, *address_id;         /* NULL unless given through Open311 */
    /* media_url: without one from Open311, the path ("/public/attachments/ID") of the case's
       first photo of a public stage */
    int64_t updated_at; /* the newest event */
};
typedef int (*store_o311_fn)(void *ctx, const struct o311_row *r);
/* Newest first. */
int store_o311_requests(struct store *s, const struct o311_filter *f, store_o311_fn fn, void *ctx,
                        struct gz_err *err) __attribute__((warn_unused_result));

/* A category's service attributes as normalised JSON (core/attrdef.h); *json NULL for none. */
int store_category_attrs_get(struct store *s, const char *code, char **json, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Replace them (json NULL removes them). */
int store_category_attrs_set(struct store *s, const char *code, const char *json,
                             struct gz_err *err) __attribute__((warn_unused_result));
typedef int (*store_code_fn)(void *ctx, const char *code);
/* The codes of the categories that define attributes, in code order. */
int store_category_attrs_codes(struct store *s, store_code_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));
/* ---- performance (DESIGN §6, core/kpi.h) and proactive governance (§7) ---- */
/*
 * Bring the stored sums up to date: every case changed since the last call
 * is taken back as it was counted and added as it is now, and every event
 * since then is added. Days are local days of `zone` (which must be the
 * process's TZ); sums counted with another zone or other limits are thrown
 * away and everything is counted again (as store_kpi_rebuild does).
 */
int store_kpi_sync(struct store *s, const char *zone, const struct kpi_limits *lim,
                   struct gz_err *err) __attribute__((warn_unused_result));
/* Forget the sums and count every case and event again. */
int store_kpi_rebuild(struct store *s, const char *zone, const struct kpi_limits *lim,
                      struct gz_err *err) __attribute__((warn_unused_result));
/* Sums per unit of one basis over local days [from, to). */
typedef int (*store_kpi_unit_fn)(void *ctx, int64_t unit_id, const struct kpi_counts *c);
int store_kpi_units(struct store *s, int basis, int64_t from, int64_t to, store_kpi_unit_fn fn,
                    void *ctx, struct gz_err *err) __attribute__((warn_unused_result));
/* One unit's sums day by day over [from, to), oldest first (days without facts are skipped). */
typedef int (*store_kpi_day_fn)(void *ctx, int64_t day, const struct kpi_counts *c);
int store_kpi_days(struct store *s, int64_t unit_id, int basis, int64_t from, int64_t to,
                   store_kpi_day_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Duration histograms: per unit summed over [from, to), or one unit's per day (key = day). */
typedef int (*store_kpi_hist_fn)(void *ctx, int64_t key, int metric, int bin, int64_t n);
int store_kpi_hist_units(struct store *s, int basis, int64_t from, int64_t to, store_kpi_hist_fn fn,
                         void *ctx, struct gz_err *err) __attribute__((warn_unused_result));
int store_kpi_hist_days(struct store *s, int64_t unit_id, int basis, int64_t from, int64_t to,
                        store_kpi_hist_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Role sums per account over [from, to). */
typedef int (*store_kpi_role_fn)(void *ctx, int64_t account_id, const struct kpi_role_counts *c);
int store_kpi_roles(struct store *s, int64_t from, int64_t to, store_kpi_role_fn fn, void *ctx,
                    struct gz_err *err) __attribute__((warn_unused_result));
/* Every stored row (tests compare the incremental sums with a recount). */
int store_kpi_each(struct store *s, kpi_counts_fn counts, kpi_hist_fn hist, kpi_role_fn roles,
                   void *ctx, struct gz_err *err) __attribute__((warn_unused_result));

/* A unit flagged for supervision in a period (its event is on the chain). */
struct kpi_flag {
    int64_t unit_id;
    char period[40];
    int basis;
    double score;
    int64_t event_id;
    int64_t at;
};
/* Flag f->unit_id once per period and basis with event ev; *created false when it was already. */
int store_kpi_flag(struct store *s, struct kpi_flag *f, struct event *ev, bool *created,
                   struct gz_err *err) __attribute__((warn_unused_result));
/* Flags of a period (NULL: all), by period then unit. */
typedef int (*store_kpi_flag_fn)(void *ctx, const struct kpi_flag *f);
int store_kpi_flags(struct store *s, const char *period, store_kpi_flag_fn fn, void *ctx,
                    struct gz_err *err) __attribute__((warn_unused_result));

/* A case as hotspot detection sees it. */
struct hot_case {
    int64_t id;
    char number[CASE_NUMBER_LEN + 1];
    int64_t created_at;
    double lat, lon; /* CASE_NO_COORD when none */
    char category[CATEGORY_CODE_MAX + 1];
    int64_t area[5]; /* by unit_kind_level, 0 = none */
};
/* Reports taken in during [from, to), neither merged nor invalid nor opened by the platform
   (proactive), whose category starts with `prefix` ("" = any), oldest first. */
typedef int (*store_hot_fn)(void *ctx, const struct hot_case *c);
int store_hot_cases(struct store *s, int64_t from, int64_t to, const char *prefix, store_hot_fn fn,
                    void *ctx, struct gz_err *err) __attribute__((warn_unused_result));
/* Cases taken in during [from, to) per unit of territorial `level` (1..4) and category prefix of
   `depth` levels, neither merged nor invalid. */
typedef int (*store_top_fn)(void *ctx, int64_t unit_id, const char *category, int64_t n);
int store_top_categories(struct store *s, int level, int depth, int64_t from, int64_t to,
                         store_top_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));
/* The proactive case opened from a hotspot: *case_id 0 when none. */
int store_hotspot_case_get(struct store *s, const char *hotspot, int64_t *case_id,
                           struct gz_err *err) __attribute__((warn_unused_result));
int store_hotspot_case_put(struct store *s, const char *hotspot, int64_t case_id,
                           struct gz_err *err) __attribute__((warn_unused_result));

/* ---- the knowledge base (core/kb.h) ---- */
struct kb_filter {
    const char *q;        /* words ANDed, each a substring of a title, body or keyword */
    const char *similar;  /* a text (a case's): entries sharing its words, best first */
    const char *category; /* a code: entries of it and of its ancestors (they apply), then
                             those below it unless `applying`; NULL = any */
    bool applying;
    int kind;     /* -1 any, else enum kb_kind */
    int lang;     /* -1 any, else enum kb_lang: entries in that language, q matched in it */
    int active;   /* -1 any, 0, 1 */
    bool current; /* only entries active and valid at now */
    int64_t now;
};
typedef int (*store_kb_fn)(void *ctx, const struct kb_entry *e);
/*
 * Entries the filter keeps, ranked: by how their category fits (the code
 * itself, its ancestors nearest first, then below it), then by relevance to
 * q or similar (bm25 over both indexes), then newest first; rows
 * [offset, offset + limit). Bad search text is GZ_EINVAL naming "q".
 */
int store_kb_search(struct store *s, const struct kb_filter *f, int offset, int limit,
                    store_kb_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));
/*
 * Create (id, version 1 and times filled) or change e->id (version + 1);
 * expect_version > 0 must be the stored version (GZ_ECONFLICT naming
 * "version" otherwise). A ref already taken is GZ_ECONFLICT naming "ref".
 */
int store_kb_put(struct store *s, struct kb_entry *e, bool create, int expect_version,
                 struct gz_err *err) __attribute__((warn_unused_result));
int store_kb_get(struct store *s, int64_t id, struct kb_entry *out, struct gz_err *err)
    __attribute__((warn_unused_result));
int store_kb_delete(struct store *s, int64_t id, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Store entries in one transaction; one whose ref exists replaces it (version + 1). */
int store_kb_import(struct store *s, struct kb_entry *entries, size_t n, size_t *bad,
                    struct gz_err *err) __attribute__((warn_unused_result));
/* The answer for a category now: the current answer entry of the deepest applying
   category, newest first; GZ_ENOTFOUND when there is none. */
int store_kb_answer_for(struct store *s, const char *category, int64_t now, struct kb_entry *out,
                        struct gz_err *err) __attribute__((warn_unused_result));
/* Up to max current entries for an intake: those applying to its category (the deepest
   first), then those most like its text (text NULL: none). */
int store_kb_suggest(struct store *s, const char *category, const char *text, int64_t now, int max,
                     store_kb_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));
/* ---- attachments (evidence photos; the bytes are svc/blobs') ---- */
/*
 * Inside the writer, on the case as it is now: check that a (its id already
 * chosen) may be added and fill its event; nonzero refuses (nothing written).
 */
typedef int (*store_attach_fn)(void *ctx, const struct case_rec *c, struct attachment *a,
                               struct event *ev, struct gz_err *err);
/*
 * Add attachment a to case `number`: fn decides, then the event and the row
 * are written in one transaction (a->id, a->case_id, a->event_id filled).
 */
int store_attachment_add(struct store *s, const char *number, struct attachment *a,
                         store_attach_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));
int store_attachment_get(struct store *s, int64_t id, struct attachment *out, struct gz_err *err)
    __attribute__((warn_unused_result));
typedef int (*store_attachment_fn)(void *ctx, const struct attachment *a);
/* A case's attachments, oldest first. */
int store_attachment_list(struct store *s, int64_t case_id, store_attachment_fn fn, void *ctx,
                          struct gz_err *err) __attribute__((warn_unused_result));
/* ---- API client access records (DESIGN §8: every read through a client is attributable) ---- */
struct client_access {
    int64_t id, client_id, at;
    char method[8];
    char path[256];
    int status;
    int n_cases;
    const char *cases; /* the case numbers answered, comma-separated ("" none) */
};
int store_client_access_add(struct store *s, struct client_access *a, struct gz_err *err)
    __attribute__((warn_unused_result));
/* A client's records (0: every client's), newest first, below id `before` (0: from the top). */
typedef int (*store_access_fn)(void *ctx, const struct client_access *a);
int store_client_access_list(struct store *s, int64_t client_id, int64_t before, int limit,
                             store_access_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));

/* ---- joint handling (core/joint.h): parties load and save with their case ---- */
/* Numbers of open cases with a whistled unit past its report-by, not reported, released or
   escalated yet. */
int store_whistle_due(struct store *s, int64_t now, store_number_fn fn, void *ctx,
                      struct gz_err *err) __attribute__((warn_unused_result));
/* What an outside unit declared it takes on (everywhere is never set: the caller decides). */
int store_unit_profile_get(struct store *s, int64_t unit_id, struct claim_profile *out,
                           struct gz_err *err) __attribute__((warn_unused_result));
/* Replace it; GZ_EINVAL (field "areas") when an area does not exist. */
int store_unit_profile_put(struct store *s, int64_t unit_id, const struct claim_profile *p,
                           struct gz_err *err) __attribute__((warn_unused_result));
struct claim_query {
    const struct claim_profile *profile;
    bool near; /* only cases in the box around (lat, lon) of half-side radius_m */
    double lat, lon, radius_m;
    int limit;
};
/* Open claimable cases nobody works on under a claim, matching the profile, newest first. */
typedef int (*store_claim_fn)(void *ctx, const struct case_rec *c);
int store_claims_open(struct store *s, const struct claim_query *q, store_claim_fn fn, void *ctx,
                      struct gz_err *err) __attribute__((warn_unused_result));
/* An account's claims: made (claimed_by), completed (done_by) with volunteer hours. */
struct claim_stats {
    int64_t claimed, working, completed;
    double hours;
};
struct claim_item {
    char number[CASE_NUMBER_LEN + 1];
    int64_t unit_id;
    enum party_state state;
    int64_t claimed_at, done_at, claimed_by, done_by;
    double hours;
};
typedef int (*store_claim_item_fn)(void *ctx, const struct claim_item *it);
/* The counts, then (fn not NULL) the newest 100 claims it made or completed. */
int store_account_claims(struct store *s, int64_t account_id, struct claim_stats *out,
                         store_claim_item_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));

/* ---- webhooks, their outbox and the event stream (core/webhook.h) ---- */
#include "core/webhook.h"

/* Create (w->id set; its secret as given) or change a webhook (url, kinds, active, secret). */
int store_webhook_create(struct store *s, struct webhook *w, struct gz_err *err)
    __attribute__((warn_unused_result));
int store_webhook_update(struct store *s, const struct webhook *w, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Remove a webhook and its deliveries. */
int store_webhook_delete(struct store *s, int64_t id, struct gz_err *err)
    __attribute__((warn_unused_result));
int store_webhook_get(struct store *s, int64_t id, struct webhook *out, struct gz_err *err)
    __attribute__((warn_unused_result));
typedef int (*store_webhook_fn)(void *ctx, const struct webhook *w);
/* Every webhook in id order, after pg->after_id. */
int store_webhook_list(struct store *s, const struct store_page *pg, store_webhook_fn fn, void *ctx,
                       struct gz_err *err) __attribute__((warn_unused_result));

/* A delivery's state: pending (not yet delivered; failed = pending after a failure), dead, done. */
enum outbox_state { OUTBOX_PENDING, OUTBOX_FAILED, OUTBOX_DEAD, OUTBOX_DONE, OUTBOX_ANY };
struct outbox_row {
    int64_t id, event_id, webhook_id;
    int attempts;
    int64_t next_at; /* epoch ms */
    int done;        /* 0 pending, 1 delivered, 2 dead */
    int64_t last_at; /* epoch ms, 0 before the first attempt */
    int last_status;
    char last_error[160];
    char kind[AUDIT_KIND_MAX];
};
typedef int (*store_outbox_fn)(void *ctx, const struct outbox_row *r);
/* A webhook's deliveries in a state, newest first (pg->after_id: ids below it). */
int store_outbox_list(struct store *s, int64_t webhook_id, enum outbox_state state,
                      const struct store_page *pg, store_outbox_fn fn, void *ctx,
                      struct gz_err *err) __attribute__((warn_unused_result));
/* Try a delivery again now with a fresh set of attempts; GZ_ECONFLICT when it was delivered. */
int store_outbox_retry(struct store *s, int64_t webhook_id, int64_t id, int64_t now_ms,
                       struct gz_err *err) __attribute__((warn_unused_result));

/* What the delivery job sends: the row, its webhook and its event (with the case's number). */
struct outbox_item {
    struct outbox_row row;
    struct webhook hook;
    struct event ev;
    char number[CASE_NUMBER_LEN + 1];
};
/* fn may take it->ev.body (setting it NULL); the rest is freed when fn returns. */
typedef int (*store_outbox_item_fn)(void *ctx, struct outbox_item *it);
/* Up to max pending deliveries of active webhooks due at now_ms, the ids in skip left out. */
int store_outbox_due(struct store *s, int64_t now_ms, const int64_t *skip, size_t n_skip,
                     size_t max, store_outbox_item_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));
/* An attempt's outcome: done 1 (delivered), 2 (dead) or 0 (again at next_at). */
struct outbox_result {
    int64_t id;
    int attempts;
    int done;
    int64_t at_ms, next_at;
    int status;
    char error[160];
};
int store_outbox_finish(struct store *s, const struct outbox_result *r, size_t n,
                        struct gz_err *err) __attribute__((warn_unused_result));
/* When the next pending delivery is due (epoch ms; rows of inactive webhooks count), 0 when
   none is. */
int store_outbox_next(struct store *s, int64_t *next_ms, struct gz_err *err)
    __attribute__((warn_unused_result));

/*
 * Call fn(ctx, last_event_id, outbox) on the writer thread after each commit
 * that appended events (last_event_id: the highest; a hint, read the events)
 * or outbox rows (outbox true). fn must only wake someone. Up to 4.
 */
typedef void (*store_commit_fn)(void *ctx, int64_t last_event_id, bool outbox);
int store_on_commit(struct store *s, store_commit_fn fn, void *ctx, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Stop calling it; once this returns, fn is not running and will not be called. */
void store_off_commit(struct store *s, store_commit_fn fn, void *ctx);

/* An event as the stream sees it: with its case's number, reporter and parties. */
#define STREAM_MAX_UNITS 16
struct stream_event {
    struct event ev;
    char number[CASE_NUMBER_LEN + 1];
    int64_t reporter_account_id, intake_account_id;
    size_t n_units;
    int64_t units[STREAM_MAX_UNITS]; /* the units party to the case now */
};
/* fn may take e->ev.body (setting it NULL); the rest is freed when fn returns. */
typedef int (*store_stream_fn)(void *ctx, struct stream_event *e);
/* Events with id > after, in id order, at most limit. */
int store_events_after(struct store *s, int64_t after, int limit, store_stream_fn fn, void *ctx,
                       struct gz_err *err) __attribute__((warn_unused_result));
/* The newest event's id (0 for none). */
int store_events_head(struct store *s, int64_t *id, struct gz_err *err)
    __attribute__((warn_unused_result));

#endif
