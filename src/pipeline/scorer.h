/* scorer - the streaming scoring pass as stages, and the interface its
 * consumers see.
 *
 *   read     one record at a time from the input (src/io/csv_reader.h);
 *            with account features or account rules a first pass counts
 *            the leads per account, over a spooled copy when the input is
 *            not a regular file (stdin, a FIFO, /dev/stdin, <(...))
 *   encode   the model's columns to the linear predictor (rejecting a row
 *            whose predictor is not finite), the rules sheet's evaluation,
 *            an existing rule score column
 *   predict  probability, score and tier
 *   hand     every row, scored or rejected, to each consumer in turn
 *
 * The scorer knows nothing of what the consumers do with a row: the
 * writer (score_writer.c), the comparison and the drift accumulators
 * (score_run.c) are composed by lsc_score() (score_run.c).
 */
#ifndef LSC_SRC_SCORER_H
#define LSC_SRC_SCORER_H

#include <stddef.h>

#include "csv_reader.h"
#include "derive.h"
#include "events.h"
#include "leadscore/rules.h"
#include "leadscore/score.h"
#include "model_def.h"

/* What the scorer learnt from the header and the options: lent to the
 * consumers for the whole run. */
struct lsc_scorer {
    const struct lsc_model *m; /* NULL: rules only */
    const struct lsc_score_options *o;
    struct lsc_rules *rules;   /* o->rules */
    const char *file;          /* the input's name, for messages */
    double hot, warm;          /* the model's tier cut-offs */
    size_t nfields;            /* of the header */
    size_t rule_col;           /* --rule-score-column field, SIZE_MAX if none */
    size_t label_col;          /* --label field, SIZE_MAX if none */
    size_t *col_of;            /* model column -> input field */
    size_t *id_of;             /* id column -> input field */
    const char **id_names;     /* per id column */
    char **id_owned;           /* per id column: the input's spelling when
                                  --id matched it ignoring case, or NULL */
    size_t n_ids;
    struct lsc_strings na;
    long as_of;                /* day number for "days since" features */
    const char *date_format;   /* of their dates: o->date_format, else the
                                  model's, else NULL (ISO) */
    struct derive_counts accounts; /* leads per account key (first pass) */
    char *key;                 /* scratch for an account key */
    size_t key_cap;
    /* the reference the batch's leads add to (the model's "accounts"), NULL:
     * the batch alone; lent */
    const struct lsc_accounts *ref;
    size_t ref_id_field;       /* the input field of ref's lead ids, SIZE_MAX: none */
    int ref_id_missing;        /* ref keeps ids, but the input lacks their column */
    size_t recognised;         /* batch rows ref already counts (not added) */
    const struct lsc_accounts *rules_ref; /* what the rules count against */
    char *lead;                /* scratch for a lead's key in ref */
    size_t lead_cap;
    /* activity-log features (event_features.h): the log (lent by the
     * caller, set before lsc_scorer_run; NULL: none), and per model column
     * the log's type and window index; after the pass, the log's leads no
     * input row had */
    const struct lsc_events *events;
    size_t *ev_type, *ev_window;
    size_t events_unmatched;
    char input_sha256[65];     /* of the input, once the pass has ended */
    char icase_notes[512];     /* columns named on the command line that
                                  matched ignoring case, for a note */
    size_t *text_of;           /* input fields whose text the model, the rules or
                                  the label compare: checked to be UTF-8 */
    char **text_names;         /* their header names */
    char **field_names;        /* every header name (trimmed), nfields of them */
    size_t n_text;
    int looks_utf8;            /* decoded with o->encoding, but reads as UTF-8
                                  (lsc_csv_reader_looks_utf8), once the pass
                                  has ended */
};

/* One row as the consumers get it (lent for the call). */
struct lsc_scored_row {
    size_t row;                    /* 1-based data row */
    const struct csv_record *rec;
    int ragged;                    /* a field count unlike the header's */
    int ok;                        /* not rejected */
    const char *reason;            /* when !ok: why */
    /* with a model and ok */
    double probability;
    int score;
    const char *tier;
    const double *contrib;         /* per model column, with o->reasons */
    const double *values;          /* per model column: the drift value */
    /* rules: a sheet's result, or the rule score column */
    const struct lsc_rule_result *rule; /* NULL: no sheet or not evaluated */
    int has_rule_score;
    double rule_score;             /* finite when has_rule_score */
    const char *rule_tier;
    const char *rule_text;         /* the column's text (rule score column) */
    size_t rule_text_len;
};

struct lsc_row_consumer {
    void *ctx;
    /* called once the header is mapped (optional) */
    enum lsc_status (*begin)(void *ctx, const struct lsc_scorer *s, struct lsc_error *err);
    enum lsc_status (*row)(void *ctx, const struct lsc_scorer *s, const struct lsc_scored_row *r,
                           struct lsc_error *err);
};

/* Runs the pass: reads o->input, fills sum's counts and means and hands
 * every row to the n consumers in order; a consumer's error stops it.
 * s is initialised by this call, all but s->events, which the caller sets
 * first (lsc_scorer_fini afterwards, also after a failure). Errors: those of the reader, the rules and the consumers,
 * LSC_ERR_DATA for a header that lacks a column or repeats one. */
enum lsc_status lsc_scorer_run(struct lsc_scorer *s, const struct lsc_model *m,
                               const struct lsc_score_options *o,
                               const struct lsc_row_consumer *consumers, size_t n,
                               struct lsc_score_summary *sum, struct lsc_error *err);
void lsc_scorer_fini(struct lsc_scorer *s);

/* The as-of date of o as a day number (today, UTC, when not given). */
long lsc_scorer_as_of(const struct lsc_score_options *o);
/* The same date as YYYY-MM-DD into buf (size >= 11). */
void lsc_scorer_as_of_text(const struct lsc_score_options *o, char *buf, size_t size);

/* The activity log a model with activity-log features is scored with
 * (score_events.c) into *use: NULL when m has none; the sheet's (o->rules,
 * read once for both by lsc_score_add_rule_events) when it serves the
 * model, else read here into *owned (the caller frees it). Notes what was
 * read and warns about bad times and types the log lacks through log.
 * Errors: LSC_ERR_USAGE without o->events (or with it, for a model without
 * such features), those of events.h. */
enum lsc_status lsc_score_events_load(const struct lsc_model *m, const struct lsc_score_options *o,
                                      long as_of, const struct lsc_log *log,
                                      const struct lsc_events **use, struct lsc_events **owned,
                                      struct lsc_error *err);
/* Where the run's account counts came from, into buf (the text of
 * lsc_score_summary.account_counts; "" when nothing counted accounts). */
void lsc_scorer_account_note(const struct lsc_scorer *s, char *buf, size_t size);

/* The writer of the scores (CSV or JSON Lines) and the rejects file, on
 * streams of the caller's output set (either may be NULL). */
struct lsc_score_writer;
enum lsc_status lsc_score_writer_new(struct lsc_score_writer **out, FILE *scores,
                                     FILE *rejects, const struct lsc_score_options *o,
                                     struct lsc_error *err);
struct lsc_row_consumer lsc_score_writer_consumer(struct lsc_score_writer *w);
/* Reports a failed write. */
enum lsc_status lsc_score_writer_finish(struct lsc_score_writer *w, struct lsc_error *err);
void lsc_score_writer_free(struct lsc_score_writer *w);

#endif
