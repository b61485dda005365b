/*
 * sq_case.h - the SQLite backend's mapping of a case row, shared by the
 * case writes (store_sqlite_cases.c) and the case lists
 * (store_sqlite_case_query.c). SQ_CASE_COLS selects from `cases c`.
 */
#ifndef GZ_SQ_CASE_H
#define GZ_SQ_CASE_H

#include "store/sq.h"

#define SQ_CASE_COLS                                                                               \
    "c.id, c.number, c.channel, c.external_id, c.text, c.address, c.lat, c.lon, c.category_code,"  \
    " c.category_source, c.priority, c.status, c.parked_from, c.lead_unit_id,"                     \
    " c.reporter_account_id, c.reporter_name, c.reporter_phone, c.intake_account_id, c.parent_id," \
    " c.metoo, c.created_at, c.dispatched_at, c.accepted_at, c.resolved_at, c.verified_at,"        \
    " c.closed_at, c.respond_by, c.resolve_by, c.remind_respond_at, c.remind_resolve_at,"          \
    " c.escalated, c.contacted, c.solved, c.satisfaction, c.rework_count, c.extension,"            \
    " c.extension_limit, c.reply, c.version, c.parked_at, c.district_id, c.street_id,"             \
    " c.community_id, c.grid_id, c.located"

/* Fill c (case_init first) from a row selected with SQ_CASE_COLS first. Co-units are not loaded. */
void sq_case_from_row(sqlite3_stmt *st, struct case_rec *c);
/* Step st (selected with SQ_CASE_COLS first), handing each case to fn until it returns nonzero. */
int sq_case_rows(struct sqconn *c, sqlite3_stmt *st,
                 int (*fn)(void *ctx, const struct case_rec *cr), void *ctx, struct gz_err *err);

/* Load the case's parties (case_units) and claimable flags into cr; co_units follow. */
int sq_parties_load(struct sqconn *c, struct case_rec *cr, struct gz_err *err);
/* Write cr's claimable flag and every party marked changed. */
int sq_parties_write(struct sqconn *c, struct case_rec *cr, struct gz_err *err);

/* Seal ev onto the end of the audit chain and insert it (writer only). */
int sq_event_append(struct sqconn *c, struct event *ev, struct gz_err *err);

/* Load a case (co-units too) by number, or by id when number is NULL, on connection c. */
int sq_case_load(struct sqconn *c, const char *number, int64_t id, struct case_rec *out,
                 struct gz_err *err);

#endif
