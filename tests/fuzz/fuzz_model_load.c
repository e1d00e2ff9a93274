/* libFuzzer harness: the model loader (JSON parse, field checks, validation,
 * checksum), and the save -> load round trip of whatever it accepts.
 *
 * lsc_model_load() takes a path, so each input is written to one temporary
 * file, unlinked at start-up and reached through /proc/self/fd. Built with
 * FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, the loader still computes the
 * checksum but does not reject a mismatch (a mutated file never carries the
 * right one), so the fuzzer gets past it. Oracle: a model that loads must
 * serialise, load again, and serialise to the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leadscore/model.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fd = -1;
static char path[64];
static int fd2 = -1;
static char path2[64];

static int temp_fd(char *p, size_t size)
{
    char name[] = "/tmp/lsc_fuzz_model_XXXXXX";
    int f = mkstemp(name);
    if (f < 0)
        abort();
    unlink(name);
    snprintf(p, size, "/proc/self/fd/%d", f);
    return f;
}

static void put(int f, const void *data, size_t size)
{
    if (ftruncate(f, 0) != 0 || (size > 0 && pwrite(f, data, size, 0) != (ssize_t)size))
        abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fd = temp_fd(path, sizeof path);
    fd2 = temp_fd(path2, sizeof path2);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lsc_model *m = NULL, *again = NULL;
    struct lsc_error err;
    char *first = NULL, *second = NULL;
    put(fd, data, size);
    if (lsc_model_load(path, &m, &err) != LSC_OK) {
        if (m != NULL || err.message[0] == '\0')
            abort(); /* a failure hands out nothing and says why */
        return 0;
    }
    /* accessors on whatever loaded */
    for (size_t i = 0; i < lsc_model_n_features(m); i++) {
        if (lsc_model_feature_name(m, i) == NULL)
            abort();
        (void)lsc_model_coefficient(m, i);
    }
    (void)lsc_model_target(m);
    first = lsc_model_to_json(m);
    if (first == NULL) {
        /* only text that is not UTF-8 may be refused, and JSON input is */
        fprintf(stderr, "fuzz_model_load: a loaded model does not serialise\n");
        abort();
    }
    put(fd2, first, strlen(first));
    if (lsc_model_load(path2, &again, &err) != LSC_OK) {
        fprintf(stderr, "fuzz_model_load: a saved model does not load: %s\n", err.message);
        abort();
    }
    second = lsc_model_to_json(again);
    if (second == NULL || strcmp(first, second) != 0) {
        fprintf(stderr, "fuzz_model_load: save -> load -> save changed the bytes\n");
        abort();
    }
    free(first);
    free(second);
    lsc_model_free(again);
    lsc_model_free(m);
    return 0;
}
