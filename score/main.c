/* leadscore-score: batch-scores new leads with a saved model. */
#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leadscore.h"
#include "common.h"
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
    "  -m, --model FILE          model file (required)\n"
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
    "      --explain-rules       add rule_reasons, the rules that fired (R3:+15;...)\n"
    "      --as-of DATE          reference date for decay and inactivity rules and\n"
    "                            for the model's \"days since\" features\n"
    "                            (YYYY-MM-DD; default today, UTC)\n"
    "      --account-column COL  the account (company) column for account rules\n"
    "      --priority-accounts FILE  priority accounts, one per line\n"
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
    "      --label-positive VALUE  a value meaning converted (repeatable; all\n"
    "                            other values then mean not converted)\n"
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
    "                            with --table: postgres (also for DuckDB) or sqlite;\n"
    "                            columns: the id columns, probability, score,\n"
    "                            tier, error (to stdout or -o FILE); \"days since\"\n"
    "                            features use --as-of (default today) as a constant\n"
    "                            with --rules SHEET instead of -m: the rule scores\n"
    "      --table NAME          the leads table (or schema.table) for --emit-sql\n"
    "      --emit-pmml           write the model as PMML 4.4 (RegressionModel)\n"
    "\n"
    "  -d, --delimiter C         , ; | or tab (default: detected)\n"
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
    OPT_EMITSQL, OPT_TABLE, OPT_EMITPMML,
    OPT_SUGGEST, OPT_SUGGESTMATCH, OPT_MAXFIELD
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
    {"label-positive", required_argument, NULL, OPT_LABELPOS},
    {"compare-json", required_argument, NULL, OPT_CMPJSON},
    {"write-suggested-sheet", required_argument, NULL, OPT_SUGGEST},
    {"suggested-match", required_argument, NULL, OPT_SUGGESTMATCH},
    {"compare-report", required_argument, NULL, OPT_CMPREPORT},
    {"disagreements", required_argument, NULL, OPT_DISAGREE},
    {"model-threshold", required_argument, NULL, OPT_MODELTHR},
    {"delimiter", required_argument, NULL, 'd'},
    {"max-field-size", required_argument, NULL, OPT_MAXFIELD},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"drift-json", required_argument, NULL, OPT_DRIFTJSON},
    {"emit-sql", required_argument, NULL, OPT_EMITSQL},
    {"table", required_argument, NULL, OPT_TABLE},
    {"emit-pmml", no_argument, NULL, OPT_EMITPMML},
    {NULL, 0, NULL, 0},
};

static void log_stderr(void *ud, enum lsc_log_level level, const char *msg)
{
    int quiet = *(const int *)ud;
    if (quiet && level != LSC_LOG_WARN)
        return;
    cli_message(level == LSC_LOG_WARN ? "warning" : "note", msg);
}

static int usage_error(const char *msg)
{
    cli_message("leadscore-score", msg);
    fputs("Try 'leadscore-score --help'.\n", stderr);
    return LSC_EXIT_USAGE;
}

static int fail(const struct lsc_error *err)
{
    char buf[LSC_ERROR_FILE_MAX + LSC_ERROR_MSG_MAX + 64];
    lsc_error_format(err, buf, sizeof buf);
    cli_message("leadscore-score", buf);
    return err->status == LSC_ERR_USAGE ? LSC_EXIT_USAGE : LSC_EXIT_ERROR;
}

/* --emit-sql / --emit-pmml: the model as SQL or PMML instead of scores. */
static int emit_model(const char *model_path, const char *dialect, const char *table, int pmml,
                      const struct lsc_score_options *so, const char *rules_path,
                      const char *const *ids, size_t n_ids, int n_inputs, const char *as_of,
                      const char *account_column, const char *priority_path)
{
    struct lsc_emit_sql_options o;
    struct lsc_model *model = NULL;
    struct lsc_rules *rules = NULL;
    struct lsc_error err;
    int rc = LSC_EXIT_OK;
    lsc_error_clear(&err);
    lsc_emit_sql_options_defaults(&o);
    if (n_inputs > 0)
        return usage_error("--emit-sql and --emit-pmml read no input file");
    if (pmml && dialect != NULL)
        return usage_error("--emit-sql and --emit-pmml exclude each other");
    if (dialect == NULL && !pmml)
        return usage_error("--table needs --emit-sql DIALECT");
    if (dialect != NULL && !lsc_sql_dialect_parse(dialect, &o.dialect))
        return usage_error("--emit-sql: unknown dialect (known: postgres, sqlite)");
    if (dialect != NULL && (table == NULL || table[0] == '\0'))
        return usage_error("--emit-sql needs --table NAME");
    if (pmml && table != NULL)
        return usage_error("--table is for --emit-sql");
    if (rules_path != NULL && pmml)
        return usage_error("--rules cannot be translated to PMML (use --emit-sql)");
    if (rules_path != NULL && model_path != NULL)
        return usage_error("--emit-sql translates -m MODEL or --rules SHEET, not both: "
                           "generate one statement for each");
    if (model_path == NULL && rules_path == NULL)
        return usage_error("-m/--model FILE is required (or --rules SHEET with --emit-sql)");
    if (rules_path == NULL && (account_column != NULL || priority_path != NULL))
        return usage_error("--account-column and --priority-accounts need --rules SHEET");
    if (so->reasons > 0 || so->label != NULL || so->rule_score_column != NULL ||
        so->rejects != NULL)
        return usage_error("--emit-sql and --emit-pmml take only -m, -o, -f, --id, --tiers "
                           "and --table");
    o.table = table;
    o.ids.items = ids;
    o.ids.count = n_ids;
    o.tiers_set = so->tiers_set;
    o.tier_hot = so->tier_hot;
    o.tier_warm = so->tier_warm;
    o.output = so->output;
    o.force = so->force;
    o.as_of = as_of;
    if (pmml && as_of != NULL)
        return usage_error("--as-of is for --emit-sql (PMML has no derived features)");
    const char *outs[] = {so->output};
    const char *out_opts[] = {"-o"};
    const char *ins[] = {model_path, rules_path, priority_path};
    const char *in_opts[] = {"-m", "--rules", "--priority-accounts"};
    if (lsc_check_outputs_not_inputs(outs, out_opts, 1, ins, in_opts, 3, &err) != LSC_OK)
        return usage_error(err.message);
    if (rules_path != NULL) {
        if (lsc_rules_load(rules_path, &rules, &err) != LSC_OK ||
            (account_column != NULL &&
             lsc_rules_set_account_column(rules, account_column, &err) != LSC_OK) ||
            (priority_path != NULL &&
             lsc_rules_load_priority(rules, priority_path, &err) != LSC_OK) ||
            lsc_emit_rules_sql(rules, &o, &err) != LSC_OK)
            rc = fail(&err);
        else if (lsc_rules_needs_priority(rules) && priority_path == NULL)
            fprintf(stderr, "warning: the sheet has priority-account rules but no "
                            "--priority-accounts FILE was given; they never fire\n");
    } else if (lsc_model_load(model_path, &model, &err) != LSC_OK ||
               (pmml ? lsc_emit_pmml(model, o.output, o.force, &err)
                     : lsc_emit_sql(model, &o, &err)) != LSC_OK) {
        rc = fail(&err);
    }
    lsc_rules_free(rules);
    lsc_model_free(model);
    return rc;
}

int main(int argc, char **argv)
{
    struct lsc_score_options o;
    struct lsc_error err;
    const char *model_path = NULL, *rules_path = NULL, *as_of = NULL;
    const char *account_column = NULL, *priority_path = NULL;
    struct lsc_rules *rules = NULL;
    const char **ids = NULL, **positives = NULL;
    size_t nids = 0, npositives = 0;
    int quiet = 0, rc = LSC_EXIT_OK, c;
    const char *emit_sql = NULL, *table = NULL;
    int emit_pmml = 0;
    struct lsc_model *model = NULL;
    struct lsc_score_summary sum;

    gsl_set_error_handler_off();
    cli_signals_install();
    memset(&sum, 0, sizeof sum);
    lsc_score_options_defaults(&o);
    lsc_error_clear(&err);
    while ((c = getopt_long(argc, argv, "m:o:fd:qh", long_opts, NULL)) != -1) {
        enum lsc_status st = LSC_OK;
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'o': o.output = optarg; break;
        case 'f': o.force = 1; break;
        case OPT_ID: {
            const char **g = realloc((void *)ids, (nids + 1) * sizeof *g);
            if (g == NULL) {
                fprintf(stderr, "leadscore-score: out of memory\n");
                rc = LSC_EXIT_ERROR;
                goto cleanup;
            }
            ids = g;
            ids[nids++] = optarg;
            break;
        }
        case OPT_LABEL: o.label = optarg; break;
        case OPT_LABELPOS: {
            const char **g = realloc((void *)positives, (npositives + 1) * sizeof *g);
            if (g == NULL) {
                fprintf(stderr, "leadscore-score: out of memory\n");
                rc = LSC_EXIT_ERROR;
                goto cleanup;
            }
            positives = g;
            positives[npositives++] = optarg;
            break;
        }
        case OPT_CMPJSON: o.compare_json = optarg; break;
        case OPT_SUGGEST: o.suggested_sheet = optarg; break;
        case OPT_SUGGESTMATCH:
            if (strcmp(optarg, "volume") != 0 && strcmp(optarg, "precision") != 0) {
                rc = usage_error("--suggested-match: expected volume or precision");
                goto cleanup;
            }
            o.suggested_same_precision = strcmp(optarg, "precision") == 0;
            break;
        case OPT_DRIFTJSON: o.drift_json = optarg; break;
        case OPT_CMPREPORT: o.compare_report = optarg; break;
        case OPT_DISAGREE:
            st = lsc_parse_size(optarg, "--disagreements", &o.disagreements, &err);
            break;
        case OPT_MODELTHR:
            st = lsc_parse_double(optarg, "--model-threshold", &o.model_threshold, &err);
            break;
        case OPT_TIERS:
            st = lsc_parse_tiers(optarg, &o.tier_hot, &o.tier_warm, &err);
            o.tiers_set = 1;
            break;
        case OPT_PRECISION: {
            size_t digits = 0;
            st = lsc_parse_size(optarg, "--precision", &digits, &err);
            o.precision = digits > 17 ? 18 : (int)digits;
            break;
        }
        case OPT_REASONS: st = lsc_parse_size(optarg, "--reasons", &o.reasons, &err); break;
        case OPT_REJECTS: o.rejects = optarg; break;
        case OPT_RULES: rules_path = optarg; break;
        case OPT_EXPLAIN: o.explain_rules = 1; break;
        case OPT_ASOF: as_of = optarg; break;
        case OPT_ACCOUNT: account_column = optarg; break;
        case OPT_PRIORITY: priority_path = optarg; break;
        case OPT_RULECOL: o.rule_score_column = optarg; break;
        case OPT_RULETIERS:
            st = lsc_parse_tiers(optarg, &o.rule_tier_hot, &o.rule_tier_warm, &err);
            break;
        case 'd': st = lsc_parse_delimiter(optarg, &o.delimiter, &err); break;
        case OPT_MAXFIELD: st = lsc_parse_bytes(optarg, "--max-field-size", &o.max_field_size, &err); break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage_text, stdout); fputs(usage_text2, stdout); goto cleanup;
        case OPT_VERSION: printf("leadscore-score %s\n", LEADSCORE_VERSION); goto cleanup;
        case OPT_FORMAT:
            if (strcmp(optarg, "csv") == 0) {
                o.format = LSC_FORMAT_CSV;
            } else if (strcmp(optarg, "jsonl") == 0) {
                o.format = LSC_FORMAT_JSONL;
            } else {
                rc = usage_error("--format: expected csv or jsonl");
                goto cleanup;
            }
            break;
        case OPT_EMITSQL: emit_sql = optarg; break;
        case OPT_TABLE: table = optarg; break;
        case OPT_EMITPMML: emit_pmml = 1; break;
        default: rc = usage_error("invalid option"); goto cleanup;
        }
        if (st != LSC_OK) {
            rc = usage_error(err.message);
            goto cleanup;
        }
    }
    if (emit_sql != NULL || emit_pmml || table != NULL) {
        rc = emit_model(model_path, emit_sql, table, emit_pmml, &o, rules_path, ids, nids,
                        argc - optind, as_of, account_column, priority_path);
        goto cleanup;
    }
    if (model_path == NULL && rules_path == NULL && o.rule_score_column == NULL) {
        rc = usage_error("-m/--model FILE is required (or --rules SHEET)");
        goto cleanup;
    }
    if (rules_path == NULL && (o.explain_rules || account_column || priority_path)) {
        rc = usage_error("--explain-rules, --account-column and --priority-accounts "
                         "need --rules SHEET");
        goto cleanup;
    }
    if (rules_path == NULL && model_path == NULL && as_of != NULL) {
        rc = usage_error("--as-of needs a model with \"days since\" features or --rules SHEET");
        goto cleanup;
    }
    int y = 0, mo = 0, d = 0;
    if (as_of != NULL && !lsc_rules_parse_iso_date(as_of, strlen(as_of), &y, &mo, &d)) {
        rc = usage_error("--as-of: expected a date YYYY-MM-DD");
        goto cleanup;
    }
    if (as_of != NULL) {
        o.as_of_year = y;
        o.as_of_month = mo;
        o.as_of_day = d;
    }
    if (optind != argc - 1) {
        rc = usage_error(optind >= argc ? "an input file is required" : "only one input file");
        goto cleanup;
    }
    o.input = argv[optind];
    o.ids.items = ids;
    o.ids.count = nids;
    o.label_positive.items = positives;
    o.label_positive.count = npositives;
    o.rules_sheet = rules_path;
    if (lsc_score_options_check(&o, &err) != LSC_OK) {
        rc = usage_error(err.message);
        goto cleanup;
    }
    if (model_path != NULL && lsc_model_load(model_path, &model, &err) != LSC_OK) {
        rc = fail(&err);
        goto cleanup;
    }
    if (rules_path != NULL) {
        if (as_of == NULL) {
            time_t now = time(NULL);
            struct tm tm;
            gmtime_r(&now, &tm);
            y = tm.tm_year + 1900;
            mo = tm.tm_mon + 1;
            d = tm.tm_mday;
        }
        if (lsc_rules_load(rules_path, &rules, &err) != LSC_OK ||
            (account_column != NULL &&
             lsc_rules_set_account_column(rules, account_column, &err) != LSC_OK) ||
            (priority_path != NULL && lsc_rules_load_priority(rules, priority_path, &err) != LSC_OK) ||
            lsc_rules_set_as_of(rules, y, mo, d, &err) != LSC_OK) {
            rc = fail(&err);
            goto cleanup;
        }
        if (lsc_rules_needs_priority(rules) && priority_path == NULL)
            fprintf(stderr, "warning: the sheet has priority-account rules but no "
                            "--priority-accounts FILE was given; they never fire\n");
        o.rules = rules;
    }
    const char *outs[] = {o.output,         o.rejects,    o.compare_json,
                          o.compare_report, o.drift_json, o.suggested_sheet};
    const char *out_opts[] = {"-o", "--rejects", "--compare-json", "--compare-report",
                              "--drift-json", "--write-suggested-sheet"};
    const char *ins[] = {o.input, model_path, rules_path, priority_path};
    const char *in_opts[] = {"the input", "-m", "--rules", "--priority-accounts"};
    if (lsc_check_outputs_not_inputs(outs, out_opts, 6, ins, in_opts, 4, &err) != LSC_OK) {
        rc = usage_error(err.message);
        goto cleanup;
    }
    struct lsc_log log = {log_stderr, &quiet};
    struct cli_progress bar;
    cli_progress_init(&bar, "scoring", quiet, o.output);
    o.progress = cli_progress_update;
    o.progress_userdata = &bar;
    if (lsc_score(model, &o, &log, &sum, &err) != LSC_OK) {
        cli_progress_clear(&bar);
        rc = fail(&err);
        goto cleanup;
    }
    if (!quiet) {
        if (model != NULL)
            fprintf(stderr, "rows: %zu read, %zu scored, %zu rejected", sum.rows, sum.scored,
                    sum.rejected);
        else
            fprintf(stderr, "rows: %zu read, %zu rejected", sum.rows, sum.rejected);
        if (sum.unseen_levels)
            fprintf(stderr, "; %zu values not seen in training (scored as (other) or reference)",
                    sum.unseen_levels);
        fputc('\n', stderr);
        if (sum.scored)
            fprintf(stderr, "average score %.1f; hot %zu, warm %zu, cold %zu\n", sum.mean_score,
                    sum.hot, sum.warm, sum.cold);
        if (sum.rule_scored)
            fprintf(stderr, "rule scores: %zu rows, average %.1f%s", sum.rule_scored,
                    sum.mean_rule_score, rules ? "" : "\n");
        if (sum.rule_scored && rules)
            fprintf(stderr, ", %zu qualified\n", sum.rule_qualified);
    }
    if (sum.compare != NULL && o.compare_report == NULL && !quiet) {
        fputc('\n', stderr);
        if (lsc_compare_write_report(sum.compare, stderr, &err) != LSC_OK) {
            snprintf(err.file, sizeof err.file, "<stderr>");
            rc = fail(&err);
            goto cleanup;
        }
    }
    if (sum.rejected > 0 || sum.rule_errors > 0)
        rc = LSC_EXIT_REJECTED;
cleanup:
    lsc_score_summary_fini(&sum);
    lsc_model_free(model);
    lsc_rules_free(rules);
    free((void *)ids);
    free((void *)positives);
    cli_finish(rc);
}
