/* libFuzzer harness: the scorer's row path with a trained model.
 *
 * Input: a leads CSV (header and rows), scored with a model trained once at
 * start-up on tests/data/tiny_leads.csv (Source, Visits, Minutes, Title) through
 * lsc_score(), as leadscore-score runs it: reasons, full precision, JSON
 * Lines when the first byte is odd, and a comparison against the "Visits"
 * column as label (positive: "1") when the input mentions "Visits" twice,
 * so the compare path, its ranks and sorts, see fuzzed scores too. The CSV
 * goes to a temporary file (lsc_score reads a path; the file is unlinked at
 * start-up and reached through /proc/self/fd); scores go to /dev/null.
 * Oracle, besides the sanitizers: a finished run accounts for every row
 * (rows = scored + rejected) and its average score is a number in 1..100. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leadscore.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lsc_model *model;
static int input_fd = -1;
static char input_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct lsc_error err;
    char name[] = "/tmp/lsc_fuzz_score_XXXXXX";
    (void)argc;
    (void)argv;
    static const char *const ids[] = {"Lead"};
    struct lsc_train_options t;
    struct lsc_train_summary ts;
    lsc_train_options_defaults(&t);
    t.input = LSC_FUZZ_DATA;
    t.target = "Won";
    t.ids.items = ids;
    t.ids.count = 1;
    t.holdout = 0.0;
    t.force = 1; /* 16 leads: thin data is refused without it */
    if (lsc_train(&t, NULL, &model, &ts, &err) != LSC_OK) {
        fprintf(stderr, "fuzz_score: %s: %s\n", LSC_FUZZ_DATA, err.message);
        abort();
    }
    input_fd = mkstemp(name);
    if (input_fd < 0)
        abort();
    unlink(name);
    snprintf(input_path, sizeof input_path, "/proc/self/fd/%d", input_fd);
    return 0;
}

static int mentions_twice(const uint8_t *data, size_t size, const char *word)
{
    size_t n = strlen(word), seen = 0;
    for (size_t i = 0; i + n <= size && seen < 2; i++)
        seen += memcmp(data + i, word, n) == 0;
    return seen >= 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const positive[] = {"1"};
    struct lsc_score_options o;
    struct lsc_score_summary sum;
    struct lsc_error err;
    if (ftruncate(input_fd, 0) != 0 || pwrite(input_fd, data, size, 0) != (ssize_t)size)
        abort();
    lsc_score_options_defaults(&o);
    o.input = input_path;
    o.output = "/dev/null";
    o.force = 1;
    o.reasons = 2;
    o.precision = 17;
    o.format = size > 0 && (data[0] & 1) ? LSC_FORMAT_JSONL : LSC_FORMAT_CSV;
    if (mentions_twice(data, size, "Visits")) {
        o.label = "Visits";
        o.label_positive.items = positive;
        o.label_positive.count = 1;
    }
    if (lsc_score(model, &o, NULL, &sum, &err) == LSC_OK) {
        if (sum.rows != sum.scored + sum.rejected) {
            fprintf(stderr, "fuzz_score: %zu rows, %zu scored, %zu rejected\n", sum.rows,
                    sum.scored, sum.rejected);
            abort();
        }
        if (sum.scored > 0 && !(sum.mean_score >= 1.0 && sum.mean_score <= 100.0)) {
            fprintf(stderr, "fuzz_score: average score %g\n", sum.mean_score);
            abort();
        }
    }
    lsc_score_summary_fini(&sum);
    return 0;
}
