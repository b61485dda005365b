/*
 * api.h - the JSON API: one file per resource turns HTTP + JSON into store
 * and core calls and back. `struct app` is what every handler shares.
 */
#ifndef GZ_API_H
#define GZ_API_H

#include <stdint.h>

struct blobs;
struct calendar;
struct classifier;
struct dedup;
struct o311;
struct places;
struct rulebook;
struct router;
struct store;
struct stream_hub;
struct throttle;

struct app {
    struct store *store;
    struct throttle *login_fails;
    /* the city's working calendar: read-only; a change swaps in a copy (api/calendar.c) */
    struct calendar *_Atomic cal;
    struct places *places;  /* jurisdictions, for locating points */
    struct classifier *clf; /* the newest trained category model; NULL before any training */
    struct dedup *dedup;    /* recent open cases with a point, for duplicate candidates */
    struct rulebook *rules; /* the responsibility matrix and the unit tree, for routing */
    double auto_threshold;  /* the classifier's certainty for automatic dispatch */
    struct o311 *o311;      /* Open311 settings and request quotas (NULL: defaults, no quotas) */
    double started;         /* monotonic seconds */
    const char *web_root;   /* the web console's files (NULL: none served) */
    struct blobs *blobs;    /* attachment files beside the database (NULL: none kept) */
    struct stream_hub *hub; /* the live event stream (NULL: not serving) */
};

/* Register every route of the API on r. */
int api_register(struct router *r);

/* Per-resource registration (each file's one public function). */
int api_health_routes(struct router *r);
int api_auth_routes(struct router *r);
int api_units_routes(struct router *r);
int api_categories_routes(struct router *r);
int api_accounts_routes(struct router *r);
int api_cases_routes(struct router *r);
int api_case_query_routes(struct router *r);
int api_routes_routes(struct router *r);
int api_locate_routes(struct router *r);
int api_open311_routes(struct router *r);
int api_open311_admin_routes(struct router *r);
int api_clients_routes(struct router *r);
int api_kpi_routes(struct router *r);
int api_effectiveness_routes(struct router *r);
int api_hotspots_routes(struct router *r);
int api_web_routes(struct router *r);
int api_suggest_routes(struct router *r);
int api_public_routes(struct router *r);
int api_kb_routes(struct router *r);
int api_attachments_routes(struct router *r);
/* GET /api/v1/cases/export.csv|.json (case_query.c), ahead of /cases/{number} */
int api_case_export_routes(struct router *r);
int api_joint_routes(struct router *r);
int api_calendar_routes(struct router *r);
/* Free the calendars a change replaced (at close, when no request runs). */
void api_calendar_retired_free(void);
int api_webhooks_routes(struct router *r);
int api_stream_routes(struct router *r);

#endif
