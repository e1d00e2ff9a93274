/* leadscore-score: batch-scores new leads with a saved model. */
#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadscore.h"

#ifndef LEADSCORE_VERSION
#define LEADSCORE_VERSION "0.0.0"
#endif

static const char usage_text[] =
    "Usage: leadscore-score -m MODEL [OPTIONS] INPUT.csv\n"
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
    "  -d, --delimiter C         , ; | or tab (default: detected)\n"
    "  -q, --quiet               no summary on stderr\n"
    "  -h, --help                this help\n"
    "      --version             version\n"
    "\n"
    "Exit status: 0 every row scored, 1 data or I/O error, 2 usage error,\n"
    "3 finished but some rows were rejected (see the error column).\n";

enum { OPT_ID = 256, OPT_TIERS, OPT_PRECISION, OPT_REASONS, OPT_REJECTS, OPT_VERSION };

static const struct option long_opts[] = {
    {"model", required_argument, NULL, 'm'},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, 'f'},
    {"id", required_argument, NULL, OPT_ID},
    {"tiers", required_argument, NULL, OPT_TIERS},
    {"precision", required_argument, NULL, OPT_PRECISION},
    {"reasons", required_argument, NULL, OPT_REASONS},
    {"rejects", required_argument, NULL, OPT_REJECTS},
    {"delimiter", required_argument, NULL, 'd'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static void log_stderr(void *ud, enum lsc_log_level level, const char *msg)
{
    int quiet = *(const int *)ud;
    if (quiet && level != LSC_LOG_WARN)
        return;
    fprintf(stderr, "%s: %s\n", level == LSC_LOG_WARN ? "warning" : "note", msg);
}

static int usage_error(const char *msg)
{
    fprintf(stderr, "leadscore-score: %s\nTry 'leadscore-score --help'.\n", msg);
    return LSC_EXIT_USAGE;
}

static int fail(const struct lsc_error *err)
{
    char buf[LSC_ERROR_FILE_MAX + LSC_ERROR_MSG_MAX + 64];
    lsc_error_format(err, buf, sizeof buf);
    fprintf(stderr, "leadscore-score: %s\n", buf);
    return err->status == LSC_ERR_USAGE ? LSC_EXIT_USAGE : LSC_EXIT_ERROR;
}

int main(int argc, char **argv)
{
    struct lsc_score_options o;
    struct lsc_error err;
    const char *model_path = NULL;
    const char **ids = NULL;
    size_t nids = 0;
    int quiet = 0, rc = LSC_EXIT_OK, c;
    struct lsc_model *model = NULL;
    struct lsc_score_summary sum;

    gsl_set_error_handler_off();
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
        case 'd': st = lsc_parse_delimiter(optarg, &o.delimiter, &err); break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage_text, stdout); goto cleanup;
        case OPT_VERSION: printf("leadscore-score %s\n", LEADSCORE_VERSION); goto cleanup;
        default: rc = usage_error("invalid option"); goto cleanup;
        }
        if (st != LSC_OK) {
            rc = usage_error(err.message);
            goto cleanup;
        }
    }
    if (model_path == NULL) {
        rc = usage_error("-m/--model FILE is required");
        goto cleanup;
    }
    if (optind != argc - 1) {
        rc = usage_error(optind >= argc ? "an input file is required" : "only one input file");
        goto cleanup;
    }
    o.input = argv[optind];
    o.ids.items = ids;
    o.ids.count = nids;
    if (lsc_score_options_check(&o, &err) != LSC_OK) {
        rc = usage_error(err.message);
        goto cleanup;
    }
    if (lsc_model_load(model_path, &model, &err) != LSC_OK) {
        rc = fail(&err);
        goto cleanup;
    }
    struct lsc_log log = {log_stderr, &quiet};
    if (lsc_score(model, &o, &log, &sum, &err) != LSC_OK) {
        rc = fail(&err);
        goto cleanup;
    }
    if (!quiet) {
        fprintf(stderr, "rows: %zu read, %zu scored, %zu rejected", sum.rows, sum.scored,
                sum.rejected);
        if (sum.unseen_levels)
            fprintf(stderr, "; %zu values not seen in training (scored as (other) or reference)",
                    sum.unseen_levels);
        fputc('\n', stderr);
        if (sum.scored)
            fprintf(stderr, "average score %.1f; hot %zu, warm %zu, cold %zu\n", sum.mean_score,
                    sum.hot, sum.warm, sum.cold);
    }
    if (sum.rejected > 0)
        rc = LSC_EXIT_REJECTED;
cleanup:
    lsc_model_free(model);
    free((void *)ids);
    return rc;
}
