/* output_set: the files of one run are renamed together or not at all; a
 * staged path is what a path-taking writer writes; an output never takes
 * descriptor 0 when stdin is closed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output_set.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/lsc_outset_XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *path_of(const char *name)
{
    static char buf[4][128];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static size_t files_in_dir(void)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void slurp(const char *path, char *buf, size_t size)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t n = fread(buf, 1, size - 1, fp);
    buf[n] = '\0';
    fclose(fp);
}

static void test_commit_together(void **state)
{
    (void)state;
    struct lsc_output_set s;
    struct lsc_error err;
    FILE *a = NULL;
    const char *stage = NULL;
    char buf[64];
    lsc_output_set_init(&s);
    assert_int_equal(lsc_output_set_open(&s, path_of("a.csv"), 0, &a, &err), LSC_OK);
    assert_int_equal(lsc_output_set_stage(&s, path_of("b.json"), 0, &stage, &err), LSC_OK);
    assert_string_not_equal(stage, path_of("b.json"));
    fputs("scores\n", a);
    /* the writer replaces the staged file, as lsc_model_save does */
    FILE *b = fopen(stage, "w");
    assert_non_null(b);
    fputs("model\n", b);
    fclose(b);
    assert_int_equal(access(path_of("a.csv"), F_OK), -1); /* nothing before the commit */
    assert_int_equal(lsc_output_set_commit(&s, &err), LSC_OK);
    slurp(path_of("a.csv"), buf, sizeof buf);
    assert_string_equal(buf, "scores\n");
    slurp(path_of("b.json"), buf, sizeof buf);
    assert_string_equal(buf, "model\n");
    assert_int_equal(files_in_dir(), 2); /* no temporary file left */
}

static void test_abort_leaves_nothing(void **state)
{
    (void)state;
    struct lsc_output_set s;
    struct lsc_error err;
    FILE *a = NULL;
    const char *stage = NULL;
    lsc_output_set_init(&s);
    assert_int_equal(lsc_output_set_open(&s, path_of("c.csv"), 0, &a, &err), LSC_OK);
    assert_int_equal(lsc_output_set_stage(&s, path_of("d.html"), 0, &stage, &err), LSC_OK);
    fputs("x\n", a);
    lsc_output_set_abort(&s);
    assert_int_equal(access(path_of("c.csv"), F_OK), -1);
    assert_int_equal(access(path_of("d.html"), F_OK), -1);
    assert_int_equal(files_in_dir(), 0);
}

/* A write error in one member: none is renamed, an old file stays. */
static void test_failure_commits_none(void **state)
{
    (void)state;
    struct lsc_output_set s;
    struct lsc_error err;
    FILE *a = NULL, *full = NULL;
    char buf[64];
    FILE *old = fopen(path_of("e.csv"), "w");
    assert_non_null(old);
    fputs("old\n", old);
    fclose(old);
    lsc_output_set_init(&s);
    assert_int_equal(lsc_output_set_open(&s, path_of("e.csv"), 1, &a, &err), LSC_OK);
    if (access("/dev/full", W_OK) != 0) {
        lsc_output_set_abort(&s);
        skip();
    }
    assert_int_equal(lsc_output_set_open(&s, "/dev/full", 1, &full, &err), LSC_OK);
    fputs("new\n", a);
    fputs("lost\n", full);
    assert_int_equal(lsc_output_set_commit(&s, &err), LSC_ERR_IO);
    assert_string_equal(err.file, "/dev/full");
    slurp(path_of("e.csv"), buf, sizeof buf);
    assert_string_equal(buf, "old\n");
    assert_int_equal(files_in_dir(), 1);
}

/* A rename that fails after another succeeded: the first is taken back. */
static void test_rename_failure_takes_back(void **state)
{
    (void)state;
    struct lsc_output_set s;
    struct lsc_error err;
    FILE *a = NULL, *b = NULL;
    lsc_output_set_init(&s);
    assert_int_equal(lsc_output_set_open(&s, path_of("h.csv"), 0, &a, &err), LSC_OK);
    assert_int_equal(lsc_output_set_open(&s, path_of("i.csv"), 0, &b, &err), LSC_OK);
    fputs("one\n", a);
    fputs("two\n", b);
    assert_int_equal(mkdir(path_of("i.csv"), 0700), 0); /* appears meanwhile */
    assert_int_not_equal(lsc_output_set_commit(&s, &err), LSC_OK);
    assert_int_equal(access(path_of("h.csv"), F_OK), -1);
    assert_int_equal(files_in_dir(), 1); /* the directory only */
}

/* An existing file without force is refused when it is reserved. */
static void test_exists(void **state)
{
    (void)state;
    struct lsc_output_set s;
    struct lsc_error err;
    const char *stage = NULL;
    FILE *fp = fopen(path_of("f.json"), "w");
    assert_non_null(fp);
    fclose(fp);
    lsc_output_set_init(&s);
    assert_int_equal(lsc_output_set_stage(&s, path_of("f.json"), 0, &stage, &err),
                     LSC_ERR_EXISTS);
    lsc_output_set_abort(&s);
    assert_int_equal(files_in_dir(), 1);
}

/* With descriptor 0 closed, an output must not become "stdin". */
static void test_closed_stdin(void **state)
{
    (void)state;
    struct lsc_output_set s;
    struct lsc_error err;
    FILE *a = NULL;
    int saved = dup(0);
    assert_true(saved >= 0);
    close(0);
    lsc_output_set_init(&s);
    enum lsc_status st = lsc_output_set_open(&s, path_of("g.csv"), 0, &a, &err);
    int fd = st == LSC_OK ? fileno(a) : -1;
    lsc_output_set_abort(&s);
    assert_int_equal(dup2(saved, 0), 0);
    close(saved);
    assert_int_equal(st, LSC_OK);
    assert_true(fd > 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_together, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_commits_none, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rename_failure_takes_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_closed_stdin, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
