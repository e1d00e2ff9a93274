/* leadscore-score: batch-scores new leads with a saved model. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "leadscore.h"
#include "progress.h"
#include "signals.h"

#ifndef LEADSCORE_VERSION
#define LEADSCORE_VERSION "0.0.0"
#endif

static const char usage_text[] =
    "Usage: leadscore-score -m MODEL [OPTIONS] INPUT.csv\n"
    "       leadscore-score [-m MODEL] --rules SHEET.csv [OPTIONS] INPUT.csv\n"
    "\n"
    "Scores new leads (\"-\" reads stdin) with a model from leadscore-train, in one\n"
    "streaming pass. Output CSV: the id column(s), probability (6 decimals),\n"
    "score = clamp(round(100 * probability), 1, 100), tier (hot/warm/cold) and\n"
    "error (why a row could not be scored; its score is then empty).\n"
    "\n"
    "  -m, --model FILE          model file (from leadscore-train; not needed for\n"
    "                            rule scores alone: --rules or --rule-score-column)\n"
    "  -o, --output FILE         output CSV (default: stdout); written to a\n"
    "                            temporary file and renamed when complete\n"
    "  -f, --force               replace an existing output file\n"
    "      --id COL              id column(s) to copy (repeatable; default: the\n"
    "                            model's)\n"
    "      --tiers hot=N,warm=N  override the model's tier cut-offs\n"
    "      --precision N         decimals of probability, 0..17 (default 6); above\n"
    "                            6, reasons are printed with all 17 digits\n"
    "      --reasons N           add the N strongest positive and negative\n"
    "                            contributions to each lead's log-odds, e.g.\n"
    "                            \"Lead Source=Reference:+1.92\" (columns\n"
    "                            reasons_positive, reasons_negative)\n"
    "      --rejects FILE        also list rejected rows (row,line,error) there\n"
    "\n"
    "Manual rule scores (see docs/rules.md):\n"
    "      --rules SHEET         compute the rules sheet's score beside the model's:\n"
    "                            rule_score, rule_tier, rule_qualified,\n"
    "                            <dimension>_points, grade (without -m: rules only)\n"
    "      --explain-rules       add rule_reasons, the rules that fired (R3:+15;...),\n"
    "                            and for event rules rule_values (S1=3 Page Visit)\n"
    "      --as-of DATE          reference date for decay and inactivity rules and\n"
    "                            for the model's \"days since\" features\n"
    "                            (YYYY-MM-DD, or as --date-format, else as the\n"
    "                            model's date format; default today, UTC)\n"
    "      --date-format FMT     dates as FMT (e.g. %d/%m/%Y; ISO is read too): the\n"
    "                            model's \"days since\" features and the sheet's\n"
    "                            date rules (unless it declares a \"date format\"\n"
    "                            setting); default: the model's format\n"
    "      --account-column COL  the account (company) column for account rules\n"
    "      --priority-accounts FILE  priority accounts, one per line\n"
    "      --accounts FILE       a CRM account export (name, contacts; engaged\n"
    "                            contacts, tier optional): account counts start\n"
    "                            from its contacts (for account rules and the\n"
    "                            model's \"leads per account\"), and rules can test\n"
    "                            \"account tier is\" and \"account has engaged\n"
    "                            contacts\" (docs/rules.md)\n"
    "      --accounts-name COL, --accounts-contacts COL, --accounts-engaged COL,\n"
    "      --accounts-tier COL   its columns, when not found by their usual names\n"
    "      --rule-score-column COL   take an existing manual score from the input\n"
    "                            instead of a sheet (rule_score, rule_tier)\n"
    "      --rule-tiers hot=N,warm=N  tiers for --rule-score-column (default 70, 40)\n"
    "\n";
static const char usage_text2[] =
    "Validation on labelled history (docs/compare.md): the model's and the rules'\n"
    "scores side by side against the outcome. The text report goes to stderr\n"
    "(unless --quiet or --compare-report); the scores CSV is written as usual.\n"
    "      --label COL           the outcome column (1/0, true/false, yes/no, y/n);\n"
    "                            rows with a missing label are skipped and counted\n"
    "      --positive VALUE      a --label value meaning converted (repeatable;\n"
    "                            exactly, else ignoring case; all other values\n"
    "                            then mean not converted, unless --negative is\n"
    "                            given); the same name as leadscore-train's\n"
    "                            (--label-positive is an alias)\n"
    "      --negative VALUE      a --label value meaning not converted (repeatable;\n"
    "                            with --positive): rows whose label is neither\n"
    "                            (e.g. Open) are not compared, counted by value\n"
    "      --compare-json FILE   the comparison as JSON (stable, documented keys)\n"
    "      --compare-report FILE the text report into FILE instead of stderr; an\n"
    "                            HTML page with charts when FILE ends in .html\n"
    "      --write-suggested-sheet FILE  the sheet with the suggested points: rules\n"
    "                            without a significant effect dropped, the\n"
    "                            qualification threshold re-chosen to pass as many\n"
    "                            leads, hot and warm keeping their sizes; scores\n"
    "                            the input twice (a file, not a pipe)\n"
    "      --suggested-match volume|precision  re-choose the threshold for the same\n"
    "                            number of leads (default) or the same precision\n"
    "      --disagreements N     leads listed where model and rules disagree most\n"
    "                            (default 20)\n"
    "      --model-threshold N   the model score passed to sales in the like-for-\n"
    "                            like comparison of cut-offs (default 50)\n"
    "\n"
    "Drift (models that store a training reference; docs/retraining.md):\n"
    "  the population stability index (PSI) of the batch's scores and of each\n"
    "  feature is printed, with a warning above 0.25\n"
    "      --drift-json FILE     every bin of the drift report as JSON\n"
    "\n"
    "Scoring inside the database and other tools (docs/sql.md); no INPUT then:\n"
    "      --emit-sql DIALECT    print one SQL SELECT that scores the table given\n"
    "                            with --table: postgres, sqlite or duckdb;\n"
    "                            columns: the id columns, probability, score,\n"
    "                            tier, error (to stdout or -o FILE); \"days since\"\n"
    "                            features use --as-of (default today) as a constant\n"
    "                            with --rules SHEET instead of -m: the rule scores\n"
    "      --table NAME          the leads table (or schema.table) for --emit-sql\n"
    "                            and --postgres\n"
    "      --emit-pmml           write the model as PMML 4.4 (RegressionModel)\n"
    "      --postgres CONNINFO   run the --emit-sql postgres statement in that\n"
    "                            database (libpq: \"host=H dbname=D user=U\" or\n"
    "                            postgresql://U@H/D; passwords from PGPASSWORD or\n"
    "                            PGPASSFILE, never shown) and write the scores\n"
    "                            into a new table (docs/warehouse.md)\n"
    "      --into NAME           that table (or schema.table), created in one\n"
    "                            transaction; one that exists is an error unless\n"
    "                            -f/--force (it is then replaced in the same\n"
    "                            transaction: a failure leaves it as it was)\n"
    "\n";
static const char usage_text3[] =
    "Activity logs (models trained with --events, docs/events.md; event rules of a\n"
    "rules sheet, docs/rules.md):\n"
    "      --events FILE         the activity log (CSV or gzip; repeatable): the\n"
    "                            model's event features are computed from it, each\n"
    "                            lead's events counted up to --as-of, joined by the\n"
    "                            model's lead id column; the sheet's event rules\n"
    "                            read it too, joined by the first --id (else the\n"
    "                            model's id, else the input's column named like\n"
    "                            the log's id column)\n"
    "      --event-id COL        the log's lead id column (default: the model's;\n"
    "                            for rules alone the first usual name, e.g. Lead ID)\n"
    "      --event-type COL      the log's activity type column (default: the model's)\n"
    "      --event-time COL      the log's time column (default: the model's)\n"
    "      --events-table NAME   with --emit-sql: the activity log as a table (one\n"
    "                            row per event) the statement groups by lead; its\n"
    "                            columns --event-id, --event-type, --event-time\n"
    "                            (default for a model: its log's columns); a sheet's\n"
    "                            event rules join it by the first --id\n"
    "\n"
    "  -d, --delimiter C         , ; | or tab (default: detected)\n"
    "      --encoding E          the input's text encoding: utf-8 (default), latin1\n"
    "                            (ISO-8859-1) or cp1252 (Windows-1252, Excel's\n"
    "                            \"CSV\" on Windows); decoded to UTF-8 as it is read\n"
    "      --decimal-comma       numbers have a decimal comma (16,2; a value with\n"
    "                            '.' is then no number); also the rules\n                            sheet's numbers\n"
    "      --max-field-size N    longest field in bytes, K/M/G allowed (default 16M;\n"
    "                            a line may hold 4 times as much, at least 64M)\n"
    "      --format csv|jsonl    the scores as CSV (default) or JSON Lines: one\n"
    "                            object per lead, the same columns as keys, ids\n"
    "                            as strings, numbers as numbers, empty as null\n"
    "  -q, --quiet               no summary (nor progress bar) on stderr\n"
    "  -h, --help                this help\n"
    "      --version             version\n"
    "\n"
    "Gzip-compressed input (e.g. leads.csv.gz, or gzip on stdin) is read directly.\n"
    "\n"
    "Exit status: 0 every row scored, 1 data or I/O error, 2 usage error,\n"
    "3 finished but some rows were rejected (see the error column).\n";

enum {
    OPT_ID = 256, OPT_TIERS, OPT_PRECISION, OPT_REASONS, OPT_REJECTS, OPT_RULES, OPT_EXPLAIN,
    OPT_ASOF, OPT_ACCOUNT, OPT_PRIORITY, OPT_RULECOL, OPT_RULETIERS, OPT_LABEL, OPT_LABELPOS,
    OPT_CMPJSON, OPT_CMPREPORT, OPT_DISAGREE, OPT_MODELTHR, OPT_VERSION,
    OPT_FORMAT,
    OPT_DRIFTJSON,
    OPT_EMITSQL, OPT_TABLE, OPT_EMITPMML, OPT_MAXFIELD,
    OPT_SUGGEST, OPT_SUGGESTMATCH, OPT_LABELNEG,
    OPT_EVENTS, OPT_EVENT_ID, OPT_EVENT_TYPE, OPT_EVENT_TIME, OPT_EVENTS_TABLE,
    OPT_ACCOUNTS, OPT_ACC_NAME, OPT_ACC_CONTACTS, OPT_ACC_ENGAGED, OPT_ACC_TIER,
    OPT_ENCODING, OPT_DECIMALCOMMA, OPT_DATEFORMAT,
    OPT_POSTGRES, OPT_INTO
};

static const struct option long_opts[] = {
    {"model", required_argument, NULL, 'm'},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, 'f'},
    {"id", required_argument, NULL, OPT_ID},
    {"tiers", required_argument, NULL, OPT_TIERS},
    {"precision", required_argument, NULL, OPT_PRECISION},
    {"reasons", required_argument, NULL, OPT_REASONS},
    {"rejects", required_argument, NULL, OPT_REJECTS},
    {"rules", required_argument, NULL, OPT_RULES},
    {"explain-rules", no_argument, NULL, OPT_EXPLAIN},
    {"as-of", required_argument, NULL, OPT_ASOF},
    {"account-column", required_argument, NULL, OPT_ACCOUNT},
    {"priority-accounts", required_argument, NULL, OPT_PRIORITY},
    {"rule-score-column", required_argument, NULL, OPT_RULECOL},
    {"rule-tiers", required_argument, NULL, OPT_RULETIERS},
    {"label", required_argument, NULL, OPT_LABEL},
    {"positive", required_argument, NULL, OPT_LABELPOS},
    {"label-positive", required_argument, NULL, OPT_LABELPOS}, /* the old name */
    {"negative", required_argument, NULL, OPT_LABELNEG},
    {"compare-json", required_argument, NULL, OPT_CMPJSON},
    {"compare-report", required_argument, NULL, OPT_CMPREPORT},
    {"disagreements", required_argument, NULL, OPT_DISAGREE},
    {"model-threshold", required_argument, NULL, OPT_MODELTHR},
    {"delimiter", required_argument, NULL, 'd'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"drift-json", required_argument, NULL, OPT_DRIFTJSON},
    {"emit-sql", required_argument, NULL, OPT_EMITSQL},
    {"table", required_argument, NULL, OPT_TABLE},
    {"emit-pmml", no_argument, NULL, OPT_EMITPMML},
    {"postgres", required_argument, NULL, OPT_POSTGRES},
    {"into", required_argument, NULL, OPT_INTO},
    {"max-field-size", required_argument, NULL, OPT_MAXFIELD},
    {"encoding", required_argument, NULL, OPT_ENCODING},
    {"decimal-comma", no_argument, NULL, OPT_DECIMALCOMMA},
    {"date-format", required_argument, NULL, OPT_DATEFORMAT},
    {"write-suggested-sheet", required_argument, NULL, OPT_SUGGEST},
    {"suggested-match", required_argument, NULL, OPT_SUGGESTMATCH},
    {"events", required_argument, NULL, OPT_EVENTS},
    {"event-id", required_argument, NULL, OPT_EVENT_ID},
    {"event-type", required_argument, NULL, OPT_EVENT_TYPE},
    {"event-time", required_argument, NULL, OPT_EVENT_TIME},
    {"events-table", required_argument, NULL, OPT_EVENTS_TABLE},
    {"accounts", required_argument, NULL, OPT_ACCOUNTS},
    {"accounts-name", required_argument, NULL, OPT_ACC_NAME},
    {"accounts-contacts", required_argument, NULL, OPT_ACC_CONTACTS},
    {"accounts-engaged", required_argument, NULL, OPT_ACC_ENGAGED},
    {"accounts-tier", required_argument, NULL, OPT_ACC_TIER},
    {NULL, 0, NULL, 0},
};

/* The parsed command line. */
struct score_cli {
    struct lsc_score_options o;
    const char *model_path, *rules_path, *as_of, *account_column, *priority_path;
    const char *emit_sql, *table, *events_table;
    const char *postgres, *into; /* --postgres CONNINFO --into NAME */
    int emit_pmml, quiet;
    struct cli_list ids, positives, negatives;
    struct cli_list events;
    const char *accounts_path;           /* --accounts */
    struct lsc_accounts_columns acc_cols; /* --accounts-name ... */
    FILE *sql_stream;                     /* --postgres: the statement goes here */
};

#define CLI_DONE (-1) /* --help, --version: exit 0 without work */

/* No output may be one of the inputs, and the inputs can all be read
 * (checked before any work). */
static int check_files(const struct score_cli *s, int emitting)
{
    const struct lsc_score_options *o = &s->o;
    const char *outs[] = {o->output,         o->rejects,    o->compare_json,
                          o->compare_report, o->drift_json, o->suggested_sheet};
    const char *out_opts[] = {"-o", "--rejects", "--compare-json", "--compare-report",
                              "--drift-json", "--write-suggested-sheet"};
    const char *ins[] = {emitting ? NULL : o->input, s->model_path, s->rules_path,
                         s->priority_path, s->accounts_path};
    const char *in_opts[] = {"the input", "-m", "--rules", "--priority-accounts", "--accounts"};
    return cli_check_files(outs, out_opts, emitting ? 1 : 6, ins, in_opts, 5, &s->events);
}

/* --accounts-name ... need --accounts FILE. */
static int check_account_options(const struct score_cli *s)
{
    const struct lsc_accounts_columns *c = &s->acc_cols;
    if (s->accounts_path == NULL &&
        (c->name != NULL || c->contacts != NULL || c->engaged != NULL || c->tier != NULL))
        return cli_usage_error("--accounts-name, --accounts-contacts, --accounts-engaged and "
                               "--accounts-tier need --accounts FILE");
    return CLI_EXIT_OK;
}

/* Rules on an account's tier or engaged contacts that can never fire. */
static void warn_account_data(const struct lsc_rules *rules, const struct lsc_accounts *a)
{
    size_t n = lsc_rules_n_rules(rules);
    int tier = 0, engaged = 0;
    struct lsc_rule_info ru;
    for (size_t k = 0; k < n; k++) {
        lsc_rules_rule(rules, k, &ru);
        tier |= ru.op == LSC_RULE_ACCOUNT_TIER;
        engaged |= ru.op == LSC_RULE_ACCOUNT_ENGAGED;
    }
    if ((tier || engaged) && a == NULL)
        fprintf(stderr, "warning: the sheet has account tier or engaged contacts rules but no "
                        "--accounts FILE was given; they never fire\n");
    else if (tier && !lsc_accounts_has_tier(a))
        fprintf(stderr, "warning: %s has no tier column (name it with --accounts-tier COL); "
                        "the account tier rules never fire\n",
                lsc_accounts_file(a));
    else if (engaged && !lsc_accounts_has_engaged(a))
        fprintf(stderr, "warning: %s has no engaged contacts column (name it with "
                        "--accounts-engaged COL); the engaged contacts rules never fire\n",
                lsc_accounts_file(a));
}

/* --emit-sql / --emit-pmml: the options that make sense with them. */
static int check_emit(const struct score_cli *s, int n_inputs, struct lsc_emit_sql_options *o)
{
    const struct lsc_score_options *so = &s->o;
    int pmml = s->emit_pmml;
    if (n_inputs > 0)
        return cli_usage_error("--emit-sql and --emit-pmml read no input file");
    if (pmml && s->emit_sql != NULL)
        return cli_usage_error("--emit-sql and --emit-pmml exclude each other");
    if (s->emit_sql == NULL && !pmml)
        return cli_usage_error("--table needs --emit-sql DIALECT");
    if (s->emit_sql != NULL && !lsc_sql_dialect_parse(s->emit_sql, &o->dialect))
        return cli_usage_error("--emit-sql: unknown dialect (known: postgres, sqlite, duckdb)");
    if (s->emit_sql != NULL && (s->table == NULL || s->table[0] == '\0'))
        return cli_usage_error("--emit-sql needs --table NAME");
    if (s->emit_sql == NULL && s->events_table != NULL)
        return cli_usage_error("--events-table is for --emit-sql");
    if (pmml && s->table != NULL)
        return cli_usage_error("--table is for --emit-sql");
    if (s->rules_path != NULL && pmml)
        return cli_usage_error("--rules cannot be translated to PMML (use --emit-sql)");
    if (s->rules_path != NULL && s->model_path != NULL)
        return cli_usage_error("--emit-sql translates -m MODEL or --rules SHEET, not both: "
                               "generate one statement for each");
    if (s->model_path == NULL && s->rules_path == NULL)
        return cli_usage_error("-m/--model FILE is required (or --rules SHEET with --emit-sql)");
    if (s->rules_path == NULL && (s->account_column != NULL || s->priority_path != NULL))
        return cli_usage_error("--account-column and --priority-accounts need --rules SHEET");
    if (s->events.count > 0)
        return cli_usage_error("--emit-sql reads no activity log: the statement computes the "
                               "event features from a table (--events-table NAME)");
    if (s->events_table == NULL && (so->event_id || so->event_type || so->event_time))
        return cli_usage_error("--event-id, --event-type and --event-time need --events-table "
                               "NAME with --emit-sql");
    if (check_account_options(s) != CLI_EXIT_OK)
        return CLI_EXIT_USAGE;
    if (pmml && s->accounts_path != NULL)
        return cli_usage_error("--accounts is for scoring and --emit-sql (PMML has no account "
                               "counts)");
    if (so->reasons > 0 || so->label != NULL || so->rule_score_column != NULL ||
        so->rejects != NULL)
        return cli_usage_error("--emit-sql and --emit-pmml take only -m, -o, -f, --id, --tiers "
                               "and --table");
    if (pmml && s->as_of != NULL)
        return cli_usage_error("--as-of is for --emit-sql (PMML has no derived features)");
    if (s->model_path != NULL && so->date_format != NULL)
        return cli_usage_error("--date-format: the SQL of a model reads ISO dates only (the "
                               "model's own format cannot be translated either)");
    return check_files(s, 1);
}

/* --as-of (YYYY-MM-DD, or as --date-format, else as the date format of
 * model when one is given) into its parts, when given. */
static int parse_as_of(const struct score_cli *s, const struct lsc_model *model, int *y, int *mo,
                       int *d)
{
    const char *model_fmt =
        s->o.date_format == NULL && model != NULL ? lsc_model_date_format(model) : NULL;
    char msg[160];
    if (s->as_of == NULL ||
        lsc_parse_date(s->as_of, s->o.date_format ? s->o.date_format : model_fmt, y, mo, d))
        return CLI_EXIT_OK;
    if (s->o.date_format != NULL)
        return cli_usage_error("--as-of: expected a date as --date-format or YYYY-MM-DD");
    snprintf(msg, sizeof msg, "--as-of: expected a date YYYY-MM-DD%s%s",
             model_fmt != NULL ? " or as the model's date format, " : "",
             model_fmt != NULL ? model_fmt : "");
    return cli_usage_error(msg);
}

/* 1 when --as-of waits for the model: not ISO, no --date-format, and the
 * model's stored date format may read it (as it reads the model's dates). */
static int as_of_waits_for_model(const struct score_cli *s)
{
    int y, mo, d;
    return s->as_of != NULL && s->o.date_format == NULL && s->model_path != NULL &&
           !lsc_parse_date(s->as_of, NULL, &y, &mo, &d);
}

/* --emit-sql / --emit-pmml: the model as SQL or PMML instead of scores. */
static int emit_model(const struct score_cli *s, int n_inputs)
{
    struct lsc_emit_sql_options o;
    struct lsc_model *model = NULL;
    struct lsc_rules *rules = NULL;
    struct lsc_accounts *accounts = NULL;
    struct lsc_error err;
    char as_of[16]; /* --as-of as ISO (it may be given as --date-format) */
    int rc, y = 0, mo = 0, d = 0;
    lsc_error_clear(&err);
    if ((rc = parse_as_of(s, NULL, &y, &mo, &d)) != CLI_EXIT_OK)
        return rc;
    snprintf(as_of, sizeof as_of, "%04d-%02d-%02d", y, mo, d);
    lsc_emit_sql_options_defaults(&o);
    if ((rc = check_emit(s, n_inputs, &o)) != CLI_EXIT_OK)
        return rc;
    o.table = s->table;
    o.ids = cli_list_strings(&s->ids);
    o.tiers_set = s->o.tiers_set;
    o.tier_hot = s->o.tier_hot;
    o.tier_warm = s->o.tier_warm;
    o.output = s->o.output;
    o.stream = s->sql_stream;
    o.force = s->o.force;
    o.as_of = s->as_of != NULL ? as_of : NULL;
    o.events_table = s->events_table;
    o.event_id = s->o.event_id;
    o.event_type = s->o.event_type;
    o.event_time = s->o.event_time;
    if (s->accounts_path != NULL &&
        lsc_accounts_load(s->accounts_path, &s->acc_cols, &accounts, &err) != LSC_OK) {
        rc = cli_fail(&err);
        goto cleanup;
    }
    o.accounts = accounts;
    if (s->rules_path != NULL) {
        struct lsc_rules_load_options lo = {s->o.decimal_comma, s->o.date_format};
        if (lsc_rules_load_ex(s->rules_path, &lo, &rules, &err) != LSC_OK ||
            lsc_rules_bind_names(rules, s->events_table != NULL, &err) != LSC_OK ||
            (s->account_column != NULL &&
             lsc_rules_set_account_column(rules, s->account_column, &err) != LSC_OK) ||
            (s->priority_path != NULL &&
             lsc_rules_load_priority(rules, s->priority_path, &err) != LSC_OK) ||
            lsc_emit_rules_sql(rules, &o, &err) != LSC_OK)
            rc = cli_fail(&err);
        else if (lsc_rules_needs_priority(rules) && s->priority_path == NULL)
            fprintf(stderr, "warning: the sheet has priority-account rules but no "
                            "--priority-accounts FILE was given; they never fire\n");
        if (rc == CLI_EXIT_OK)
            warn_account_data(rules, accounts);
    } else if (lsc_model_load(s->model_path, &model, &err) != LSC_OK ||
               (s->emit_pmml ? lsc_emit_pmml(model, o.output, o.force, &err)
                             : lsc_emit_sql(model, &o, &err)) != LSC_OK) {
        rc = cli_fail(&err);
    }
cleanup:
    lsc_rules_free(rules);
    lsc_model_free(model);
    lsc_accounts_free(accounts);
    return rc;
}

/* --postgres CONNINFO --table NAME --into NAME: the options that fit. */
static int check_pg_into(const struct score_cli *s, int n_inputs)
{
    struct lsc_error err;
    if (s->into != NULL && s->postgres == NULL)
        return cli_usage_error("--into needs --postgres CONNINFO");
    if (s->table == NULL || s->into == NULL)
        return cli_usage_error("--postgres needs --table NAME (the leads) and --into NAME (the "
                               "scores table to create)");
    if (s->emit_sql != NULL || s->emit_pmml)
        return cli_usage_error("--postgres runs the statement itself: leave out --emit-sql and "
                               "--emit-pmml");
    if (n_inputs > 0)
        return cli_usage_error("--postgres reads no input file: it scores the table given with "
                               "--table");
    if (s->o.output != NULL && strcmp(s->o.output, "-") != 0)
        return cli_usage_error("--postgres writes into the database (--into NAME), not -o");
    lsc_error_clear(&err);
    if (lsc_pg_check_table_name(s->into, &err) != LSC_OK)
        return cli_usage_error(err.message);
    return CLI_EXIT_OK;
}

/* The statement --emit-sql postgres writes, into *sql (freed by the
 * caller), in memory: no temporary file to leave behind. */
static int pg_statement(const struct score_cli *s, int n_inputs, char **sql)
{
    struct score_cli e = *s;
    size_t len = 0;
    int rc;
    *sql = NULL;
    if ((e.sql_stream = open_memstream(sql, &len)) == NULL)
        return cli_error("cannot hold the statement in memory: %s", strerror(errno));
    e.emit_sql = "postgres";
    e.o.output = "-";
    rc = emit_model(&e, n_inputs);
    if (fclose(e.sql_stream) != 0 && rc == CLI_EXIT_OK)
        rc = cli_error("cannot hold the statement in memory: %s", strerror(errno));
    if (rc != CLI_EXIT_OK) {
        free(*sql);
        *sql = NULL;
    }
    return rc;
}

/* The as-of date of the statement: --as-of or today (UTC). */
static void as_of_text(const struct score_cli *s, char out[40])
{
    time_t now = time(NULL);
    struct tm tm;
    if (s->as_of != NULL) {
        snprintf(out, 40, "%.10s", s->as_of);
        return;
    }
    gmtime_r(&now, &tm);
    snprintf(out, 40, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* --postgres: the scoring SELECT run as CREATE TABLE <into> AS in the
 * database, in one transaction (docs/warehouse.md). */
static int pg_into(const struct score_cli *s, int n_inputs)
{
    struct lsc_pg *pg = NULL;
    struct lsc_error err;
    char *sql = NULL, day[40], shown[160];
    unsigned long long rows = 0;
    int rc;
    lsc_error_clear(&err);
    if ((rc = check_pg_into(s, n_inputs)) != CLI_EXIT_OK ||
        (rc = pg_statement(s, n_inputs, &sql)) != CLI_EXIT_OK)
        goto cleanup;
    if (lsc_pg_connect(s->postgres, &pg, &err) != LSC_OK ||
        lsc_pg_create_table_as(pg, s->into, sql, s->o.force, &rows, &err) != LSC_OK) {
        rc = cli_fail(&err);
        goto cleanup;
    }
    as_of_text(s, day);
    if (!s->quiet) {
        fprintf(stderr, "rows: %llu written into %s (PostgreSQL)\n", rows,
                cli_shown(s->into, shown, sizeof shown));
        fprintf(stderr, "as of %s (%s)\n", day,
                s->as_of != NULL ? "--as-of" : "today, UTC; set another with --as-of");
    }
cleanup:
    lsc_pg_free(pg);
    free(sql);
    return rc;
}

/* One option: CLI_EXIT_OK to go on, CLI_DONE after --help/--version, or an
 * exit code. */
static int parse_option(struct score_cli *s, int c, const char *arg, struct lsc_error *err)
{
    struct lsc_score_options *o = &s->o;
    enum lsc_status st = LSC_OK;
    int bad_alloc = 0;
    switch (c) {
    case 'm': s->model_path = arg; break;
    case 'o': o->output = arg; break;
    case 'f': o->force = 1; break;
    case OPT_ID: bad_alloc = cli_list_push(&s->ids, arg); break;
    case OPT_LABEL: o->label = arg; break;
    case OPT_LABELPOS: bad_alloc = cli_list_push(&s->positives, arg); break;
    case OPT_LABELNEG: bad_alloc = cli_list_push(&s->negatives, arg); break;
    case OPT_CMPJSON: o->compare_json = arg; break;
    case OPT_DRIFTJSON: o->drift_json = arg; break;
    case OPT_CMPREPORT: o->compare_report = arg; break;
    case OPT_DISAGREE: st = lsc_parse_size(arg, "--disagreements", &o->disagreements, err); break;
    case OPT_MODELTHR:
        st = lsc_parse_double(arg, "--model-threshold", &o->model_threshold, err);
        break;
    case OPT_TIERS:
        st = lsc_parse_tiers(arg, &o->tier_hot, &o->tier_warm, err);
        o->tiers_set = 1;
        break;
    case OPT_PRECISION: {
        size_t digits = 0;
        st = lsc_parse_size(arg, "--precision", &digits, err);
        o->precision = digits > 17 ? 18 : (int)digits;
        break;
    }
    case OPT_REASONS: st = lsc_parse_size(arg, "--reasons", &o->reasons, err); break;
    case OPT_REJECTS: o->rejects = arg; break;
    case OPT_RULES: s->rules_path = arg; break;
    case OPT_EXPLAIN: o->explain_rules = 1; break;
    case OPT_ASOF: s->as_of = arg; break;
    case OPT_ACCOUNT: s->account_column = arg; break;
    case OPT_PRIORITY: s->priority_path = arg; break;
    case OPT_RULECOL: o->rule_score_column = arg; break;
    case OPT_RULETIERS: st = lsc_parse_tiers(arg, &o->rule_tier_hot, &o->rule_tier_warm, err); break;
    case 'd': st = lsc_parse_delimiter(arg, &o->delimiter, err); break;
    case OPT_ENCODING: st = lsc_parse_encoding(arg, &o->encoding, err); break;
    case OPT_DECIMALCOMMA: o->decimal_comma = 1; break;
    case OPT_DATEFORMAT: o->date_format = arg; break;
    case 'q': s->quiet = 1; break;
    case 'h': fputs(usage_text, stdout); fputs(usage_text2, stdout); fputs(usage_text3, stdout); return CLI_DONE;
    case OPT_VERSION: printf("leadscore-score %s\n", LEADSCORE_VERSION); return CLI_DONE;
    case OPT_FORMAT:
        if (strcmp(arg, "csv") != 0 && strcmp(arg, "jsonl") != 0)
            return cli_usage_error("--format: expected csv or jsonl");
        o->format = strcmp(arg, "csv") == 0 ? LSC_FORMAT_CSV : LSC_FORMAT_JSONL;
        break;
    case OPT_EMITSQL: s->emit_sql = arg; break;
    case OPT_TABLE: s->table = arg; break;
    case OPT_EMITPMML: s->emit_pmml = 1; break;
    case OPT_POSTGRES: s->postgres = arg; break;
    case OPT_INTO: s->into = arg; break;
    case OPT_SUGGEST: o->suggested_sheet = arg; break;
    case OPT_SUGGESTMATCH:
        if (strcmp(arg, "volume") != 0 && strcmp(arg, "precision") != 0)
            return cli_usage_error("--suggested-match: expected volume or precision");
        o->suggested_same_precision = strcmp(arg, "precision") == 0;
        break;
    case OPT_MAXFIELD: st = lsc_parse_bytes(arg, "--max-field-size", &o->max_field_size, err); break;
    case OPT_EVENTS: bad_alloc = cli_list_push(&s->events, arg); break;
    case OPT_EVENT_ID: o->event_id = arg; break;
    case OPT_EVENT_TYPE: o->event_type = arg; break;
    case OPT_EVENT_TIME: o->event_time = arg; break;
    case OPT_EVENTS_TABLE: s->events_table = arg; break;
    case OPT_ACCOUNTS: s->accounts_path = arg; break;
    case OPT_ACC_NAME: s->acc_cols.name = arg; break;
    case OPT_ACC_CONTACTS: s->acc_cols.contacts = arg; break;
    case OPT_ACC_ENGAGED: s->acc_cols.engaged = arg; break;
    case OPT_ACC_TIER: s->acc_cols.tier = arg; break;
    default: return cli_usage_error("invalid option");
    }
    return cli_option_status(bad_alloc, st, err);
}

/* Checks of a scoring run (not --emit-*) that need every option. */
static int check_options(struct score_cli *s, int argc, char **argv, struct lsc_error *err)
{
    struct lsc_score_options *o = &s->o;
    if (s->model_path == NULL && s->rules_path == NULL && o->rule_score_column == NULL)
        return cli_usage_error("-m/--model FILE is required (or --rules SHEET)");
    if (s->rules_path == NULL && (o->explain_rules || s->account_column || s->priority_path))
        return cli_usage_error("--explain-rules, --account-column and --priority-accounts "
                               "need --rules SHEET");
    if (check_account_options(s) != CLI_EXIT_OK)
        return CLI_EXIT_USAGE;
    if (s->rules_path == NULL && s->model_path == NULL && s->as_of != NULL)
        return cli_usage_error("--as-of needs a model with \"days since\" features or --rules "
                               "SHEET");
    if (s->events_table != NULL)
        return cli_usage_error("--events-table is for --emit-sql (to score, give the log with "
                               "--events FILE)");
    if (!as_of_waits_for_model(s) &&
        parse_as_of(s, NULL, &o->as_of_year, &o->as_of_month, &o->as_of_day) != CLI_EXIT_OK)
        return CLI_EXIT_USAGE;
    if (optind != argc - 1)
        return cli_usage_error(optind >= argc ? "an input file is required"
                                              : "only one input file");
    o->input = argv[optind];
    o->ids = cli_list_strings(&s->ids);
    o->label_positive = cli_list_strings(&s->positives);
    o->label_negative = cli_list_strings(&s->negatives);
    o->events = cli_list_strings(&s->events);
    if (o->events.count == 0 && (o->event_id || o->event_type || o->event_time))
        return cli_usage_error("--event-id, --event-type and --event-time need --events FILE");
    o->rules_sheet = s->rules_path;
    if (lsc_score_options_check(o, err) != LSC_OK)
        return cli_usage_error(err->message);
    return check_files(s, 0);
}

/* The activity logs of the sheet's event rules (read after the as-of date is
 * set: later events are not counted). */
static int load_events(const struct score_cli *s, const struct lsc_model *model,
                       struct lsc_rules *rules, const struct lsc_log *log,
                       struct lsc_error *err)
{
    struct lsc_rules_events_options eo;
    struct lsc_rule_info ru;
    char msg[256];
    if (s->events.count == 0 && lsc_rules_needs_events(rules)) {
        for (size_t k = 0; k < lsc_rules_n_rules(rules); k++) {
            lsc_rules_rule(rules, k, &ru);
            if (ru.source == LSC_RULE_EVENT_COUNT || ru.to.kind == LSC_RULE_END_FIRST_TYPE)
                break;
        }
        snprintf(msg, sizeof msg,
                 "rule %s of the sheet reads an activity log: give it with --events FILE", ru.id);
        return cli_usage_error(msg);
    }
    if (lsc_score_events_check(model, rules, &s->o, err) != LSC_OK)
        return cli_fail(err);
    memset(&eo, 0, sizeof eo);
    eo.id_column = s->o.event_id;
    eo.type_column = s->o.event_type;
    eo.time_column = s->o.event_time;
    /* the join: the first --id, else the model's id, else (NULL) the input's
     * column named like the log's */
    eo.lead_column = s->ids.count > 0 ? s->ids.items[0]
                     : model != NULL  ? lsc_model_id_column(model, 0)
                                      : NULL;
    eo.log = log;
    for (size_t k = 0; k < s->events.count; k++)
        if (lsc_score_add_rule_events(model, rules, &s->o, s->events.items[k], &eo, err) != LSC_OK)
            return cli_fail(err);
    return CLI_EXIT_OK;
}

/* The rules sheet with its account column, priority accounts, date and
 * activity logs. */
static int load_rules(const struct score_cli *s, const struct lsc_model *model,
                      struct lsc_rules **rules, const struct lsc_log *log,
                      struct lsc_error *err)
{
    int y, mo, d;
    if (s->as_of == NULL) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        y = tm.tm_year + 1900;
        mo = tm.tm_mon + 1;
        d = tm.tm_mday;
    } else {
        y = s->o.as_of_year;
        mo = s->o.as_of_month;
        d = s->o.as_of_day;
    }
    /* the sheet reads dates as the model does: --date-format, else the
     * model's stored format (a sheet's own "date format" setting wins) */
    struct lsc_rules_load_options lo = {s->o.decimal_comma, s->o.date_format};
    if (lo.date_format == NULL && model != NULL)
        lo.date_format = lsc_model_date_format(model);
    if (lsc_rules_load_ex(s->rules_path, &lo, rules, err) != LSC_OK ||
        (s->account_column != NULL &&
         lsc_rules_set_account_column(*rules, s->account_column, err) != LSC_OK) ||
        (s->priority_path != NULL &&
         lsc_rules_load_priority(*rules, s->priority_path, err) != LSC_OK) ||
        lsc_rules_set_as_of(*rules, y, mo, d, err) != LSC_OK)
        return cli_fail(err);
    if (lsc_rules_needs_priority(*rules) && s->priority_path == NULL)
        fprintf(stderr, "warning: the sheet has priority-account rules but no "
                        "--priority-accounts FILE was given; they never fire\n");
    return load_events(s, model, *rules, log, err);
}

/* The rows and scores on stderr. */
static void print_summary(const struct lsc_score_summary *sum, int have_model, int have_rules,
                          int as_of_given)
{
    if (have_model)
        fprintf(stderr, "rows: %zu read, %zu scored, %zu rejected", sum->rows, sum->scored,
                sum->rejected);
    else
        fprintf(stderr, "rows: %zu read, %zu rejected", sum->rows, sum->rejected);
    if (sum->unseen_levels)
        fprintf(stderr, "; %zu values not seen in training (scored as (other) or reference)",
                sum->unseen_levels);
    fputc('\n', stderr);
    if (sum->scored)
        fprintf(stderr, "average score %.1f; hot %zu, warm %zu, cold %zu\n", sum->mean_score,
                sum->hot, sum->warm, sum->cold);
    if (sum->rule_scored)
        fprintf(stderr, "rule scores: %zu rows, average %.1f%s", sum->rule_scored,
                sum->mean_rule_score, have_rules ? "" : "\n");
    if (sum->rule_scored && have_rules)
        fprintf(stderr, ", %zu qualified\n", sum->rule_qualified);
    if (sum->as_of_used)
        fprintf(stderr, "as of %s (%s): dates and activity are measured from this day\n",
                sum->as_of, as_of_given ? "--as-of" : "today, UTC; set another with --as-of");
}

/* Loads the model and the sheet, scores, prints the summary. */
static int run(struct score_cli *s, struct lsc_error *err)
{
    struct lsc_model *model = NULL;
    struct lsc_rules *rules = NULL;
    struct lsc_accounts *accounts = NULL;
    struct lsc_score_summary sum;
    int rc = CLI_EXIT_OK;
    int verbosity = s->quiet ? -1 : 1;
    struct lsc_log log = {cli_log, &verbosity};
    struct cli_progress bar;

    memset(&sum, 0, sizeof sum);
    if ((s->model_path != NULL && lsc_model_load(s->model_path, &model, err) != LSC_OK) ||
        (s->accounts_path != NULL &&
         lsc_accounts_load(s->accounts_path, &s->acc_cols, &accounts, err) != LSC_OK)) {
        rc = cli_fail(err);
        goto cleanup;
    }
    if (as_of_waits_for_model(s) && (rc = parse_as_of(s, model, &s->o.as_of_year, &s->o.as_of_month,
                                                      &s->o.as_of_day)) != CLI_EXIT_OK)
        goto cleanup;
    if (s->rules_path != NULL && (rc = load_rules(s, model, &rules, &log, err)) != CLI_EXIT_OK)
        goto cleanup;
    if (rules != NULL)
        warn_account_data(rules, accounts);
    s->o.rules = rules;
    s->o.accounts = accounts;
    cli_progress_init(&bar, "scoring", s->quiet, s->o.output);
    s->o.progress = cli_progress_update;
    s->o.progress_userdata = &bar;
    if (lsc_score(model, &s->o, &log, &sum, err) != LSC_OK) {
        cli_progress_clear(&bar);
        rc = cli_fail(err);
        goto cleanup;
    }
    if (!s->quiet)
        print_summary(&sum, model != NULL, rules != NULL, s->as_of != NULL);
    if (sum.compare != NULL && s->o.compare_report == NULL && !s->quiet) {
        fputc('\n', stderr);
        if (lsc_compare_write_report(sum.compare, stderr, err) != LSC_OK) {
            snprintf(err->file, sizeof err->file, "<stderr>");
            rc = cli_fail(err);
            goto cleanup;
        }
    }
    if (sum.rejected > 0 || sum.rule_errors > 0)
        rc = CLI_EXIT_REJECTED;
cleanup:
    lsc_score_summary_fini(&sum);
    lsc_model_free(model);
    lsc_rules_free(rules);
    lsc_accounts_free(accounts);
    return rc;
}

int main(int argc, char **argv)
{
    struct score_cli s;
    struct lsc_error err;
    int rc = CLI_EXIT_OK, c;

    cli_init("leadscore-score", argv);
    memset(&s, 0, sizeof s);
    lsc_score_options_defaults(&s.o);
    lsc_error_clear(&err);
    while ((c = getopt_long(argc, argv, "m:o:fd:qh", long_opts, NULL)) != -1)
        if ((rc = parse_option(&s, c, optarg, &err)) != CLI_EXIT_OK)
            break;
    if (rc == CLI_DONE)
        rc = CLI_EXIT_OK;
    else if (rc == CLI_EXIT_OK && (s.postgres != NULL || s.into != NULL))
        rc = pg_into(&s, argc - optind);
    else if (rc == CLI_EXIT_OK &&
             (s.emit_sql != NULL || s.emit_pmml || s.table != NULL || s.events_table != NULL))
        rc = emit_model(&s, argc - optind);
    else if (rc == CLI_EXIT_OK && (rc = check_options(&s, argc, argv, &err)) == CLI_EXIT_OK)
        rc = run(&s, &err);
    cli_list_free(&s.ids);
    cli_list_free(&s.positives);
    cli_list_free(&s.negatives);
    cli_list_free(&s.events);
    cli_finish(rc);
}
