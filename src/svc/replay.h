/*
 * replay.h - a city's recorded year through the intake pipeline at the
 * recorded times (issue: the Boston replay). The rows are Boston 311's
 * (io/boston311); every open and close is an event in time order, so the
 * duplicate index holds exactly the cases open at each moment:
 *   open:  intake_submit with the record's category (the city's operators
 *          chose it) at OPEN_DT; the pipeline dispatches by the
 *          responsibility matrix, or the replay dispatches to the record's
 *          Department (what the city's dispatcher did);
 *   close: accept, reply (CLOSURE_REASON) and close at CLOSED_DT (at
 *          OPEN_DT when the record closes before it opens).
 * The report measures the pipeline against the record.
 */
#ifndef GZ_REPLAY_H
#define GZ_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/boston311.h"
#include "svc/intake.h"

struct classifier;

#define REPLAY_REASONS 8
#define REPLAY_SCORE_BINS 10
#define REPLAY_HOLDOUT 5 /* one row in 5 is held out of training (by CASE_ENQUIRY_ID) */

struct replay_rows {
    size_t n, cap;
    struct b311_row *v;
    /* rows refused while reading, counted by reason */
    size_t rejected;
    struct {
        char why[96];
        size_t n;
    } reasons[REPLAY_REASONS];
};

struct replay_report {
    size_t rows, imported, rejected, already;
    size_t with_point, located;
    size_t ward_known, ward_agree, precinct_known, precinct_agree;
    size_t auto_dispatched, auto_agree, record_dispatched;
    size_t held_out, top1, top3, certain, certain_right; /* classifier on held-out rows */
    size_t dup_truth, dup_flagged, dup_hit;              /* CLOSURE_REASON says duplicate */
    size_t dup_bins[REPLAY_SCORE_BINS][2]; /* by the best candidate's score: rows, duplicates */
    size_t closed, closed_before_open;
    size_t rules_derived;
    double seconds;
};

void replay_rows_release(struct replay_rows *r);
/* Count a refused row under its reason. */
void replay_reject(struct replay_rows *r, const char *why);
/* Is row i held out of training? */
bool replay_held_out(const struct b311_row *row);

/*
 * Map REASON › TYPE to category codes and Department to unit ids (from the
 * store); rows that map to nothing are refused with the reason. Fills
 * per-row codes kept inside the replay.
 */
struct replay;
struct replay *replay_new(const struct intake_deps *d, struct replay_rows *rows,
                          struct gz_err *err);
void replay_free(struct replay *rp);
/* Run with these parts from now on (after learning a new classifier). */
void replay_use(struct replay *rp, const struct intake_deps *d);
/* Learn the classifier from the rows not held out; the caller keeps and frees it. */
struct classifier *replay_train(struct replay *rp, struct gz_err *err);
/*
 * With no rule for the record's categories yet, derive the matrix from the
 * training rows: each type to the Department that handled most of them
 * (one rule per reason when all its types agree). Returns rules added.
 */
int replay_derive_rules(struct replay *rp, size_t *added, struct gz_err *err)
    __attribute__((warn_unused_result));
/* Run the year; progress(ctx, done, total) when given. */
int replay_run(struct replay *rp, void (*progress)(void *, size_t, size_t), void *ctx,
               struct replay_report *rep, struct gz_err *err) __attribute__((warn_unused_result));

#endif
