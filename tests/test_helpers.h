/* Shared test helpers: temporary files and a dataset from CSV text. */
#ifndef LSC_TEST_HELPERS_H
#define LSC_TEST_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>

/* cmocka 1.1.5 (Debian 12) compares floats only: a double version that
 * reports both values. */
#ifndef assert_double_equal
#define assert_double_equal(a, b, eps) th_assert_close((a), (b), (eps), __FILE__, __LINE__)
static inline void th_assert_close(double a, double b, double eps, const char *file, int line)
{
    if (!(fabs(a - b) <= eps) && !(a == b)) {
        print_error("%.17g != %.17g (tolerance %g)\n", a, b, eps);
        _fail(file, line);
    }
}
#endif

/* An allocator for lsc_set_allocator that fails every allocation after the
 * first `left`, over cmocka's checked allocator (which reports leaks). */
struct th_budget {
    size_t left;
};

static inline void *th_budget_malloc(size_t size, void *ud)
{
    struct th_budget *b = ud;
    if (b->left == 0)
        return NULL;
    b->left--;
    return test_malloc(size);
}

static inline void *th_budget_realloc(void *p, size_t size, void *ud)
{
    struct th_budget *b = ud;
    if (b->left == 0)
        return NULL;
    b->left--;
    return test_realloc(p, size);
}

static inline void th_budget_free(void *p, void *ud)
{
    (void)ud;
    test_free(p);
}

/* Writes text to a fresh file under a fresh temporary directory; returns
 * the path (static buffer per call site is the caller's concern: copy it). */
static inline char *th_write_temp(const char *name, const char *text)
{
    char dir[] = "/tmp/lsc_test_XXXXXX";
    if (mkdtemp(dir) == NULL)
        return NULL;
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (path == NULL)
        return NULL;
    snprintf(path, n, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    if (fp == NULL) {
        free(path);
        return NULL;
    }
    fputs(text, fp);
    fclose(fp);
    return path;
}

/* Removes the file and its temporary directory. */
static inline void th_remove_temp(char *path)
{
    if (path == NULL)
        return;
    unlink(path);
    char *slash = strrchr(path, '/');
    if (slash != NULL) {
        *slash = '\0';
        rmdir(path);
    }
    free(path);
}

#endif
