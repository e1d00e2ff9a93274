/* score_one: a program outside the source tree that uses the installed
 * library (tests/cli/install.sh builds it with pkg-config). Loads a model,
 * scores the leads in a CSV file through the public API, prints a line. */
#include <leadscore.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    struct lsc_model *model = NULL;
    struct lsc_score_options opts;
    struct lsc_score_summary sum;
    struct lsc_error err;
    char msg[LSC_ERROR_FILE_MAX + LSC_ERROR_MSG_MAX + 64];
    int rc = 1;
    if (argc != 4) {
        fprintf(stderr, "usage: score_one MODEL INPUT.csv OUTPUT.csv\n");
        return 2;
    }
    lsc_error_clear(&err);
    lsc_score_options_defaults(&opts);
    opts.input = argv[2];
    opts.output = argv[3];
    opts.force = 1;
    if (lsc_model_load(argv[1], &model, &err) != LSC_OK ||
        lsc_score(model, &opts, NULL, &sum, &err) != LSC_OK) {
        lsc_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "score_one: %s\n", msg);
        goto cleanup;
    }
    printf("target %s, %zu features, %zu scored, average score %.1f\n", lsc_model_target(model),
           lsc_model_n_features(model), sum.scored, sum.mean_score);
    lsc_score_summary_fini(&sum);
    rc = 0;
cleanup:
    lsc_model_free(model);
    return rc;
}
