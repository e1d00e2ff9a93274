#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "linalg.h"

#include <cblas.h>
#include <lapacke.h>
#include <limits.h>
#include <sys/mman.h>

#include "status_internal.h"

/* BLAS takes int dimensions; callers keep blocks small (rows per block) and
 * feature counts far below INT_MAX, which these helpers rely on. */
static blasint to_blas(size_t v) { return v > INT_MAX ? INT_MAX : (blasint)v; }

/* OpenBLAS maps a work buffer of 128 MiB at its first level-2/3 call and,
 * when the mapping fails (ulimit -v), retries forever instead of failing.
 * So the room for it is checked first (a PROT_NONE reservation a little
 * larger, released at once) and the buffer is then taken by one small call,
 * here where a failure can still be reported; OpenBLAS keeps it for the
 * process's life. */
#define BLAS_BUFFER_ROOM ((size_t)136 << 20)

enum lsc_status lsc_la_init(struct lsc_error *err)
{
    /* The kernels here run on blocks of ~1000 rows and p x p systems with p
     * in the hundreds: OpenBLAS's own threads only spin on them. leadscore
     * parallelises over rows itself (parallel.h). */
    openblas_set_num_threads(1);
    void *room = mmap(NULL, BLAS_BUFFER_ROOM, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (room == MAP_FAILED)
        return lsc_error_set(err, LSC_ERR_NOMEM, NULL, 0, 0,
                             "out of memory: OpenBLAS needs a 128 MiB work buffer and there is "
                             "no room for it (is the address space limited, ulimit -v?)");
    munmap(room, BLAS_BUFFER_ROOM);
    double a[4] = {1.0, 0.0, 0.0, 1.0}, x[2] = {1.0, 1.0}, y[2];
    lsc_la_gemv(a, 2, 2, x, y);
    return LSC_OK;
}

void lsc_la_gemv(const double *X, size_t m, size_t q, const double *v, double *out)
{
    if (m == 0)
        return;
    if (q == 0) {
        for (size_t i = 0; i < m; i++)
            out[i] = 0.0;
        return;
    }
    cblas_dgemv(CblasRowMajor, CblasNoTrans, to_blas(m), to_blas(q), 1.0, X, to_blas(q), v, 1, 0.0,
                out, 1);
}

void lsc_la_gemv_t_acc(const double *X, size_t m, size_t q, const double *r, double *out)
{
    if (m == 0 || q == 0)
        return;
    cblas_dgemv(CblasRowMajor, CblasTrans, to_blas(m), to_blas(q), 1.0, X, to_blas(q), r, 1, 1.0,
                out, 1);
}

void lsc_la_syrk_acc(const double *X, size_t m, size_t q, double *C)
{
    if (m == 0 || q == 0)
        return;
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, to_blas(q), to_blas(m), 1.0, X, to_blas(q),
                1.0, C, to_blas(q));
}

enum lsc_status lsc_la_cholesky_solve(double *A, size_t p, double *b, struct lsc_error *err)
{
    lapack_int n = (lapack_int)p;
    lapack_int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'U', n, A, n);
    if (info > 0)
        return lsc_error_set(err, LSC_ERR_NUMERIC, NULL, 0, 0,
                             "the Hessian is not positive definite (leading minor %d); "
                             "features may be collinear or separate the classes: use --l2 > 0",
                             (int)info);
    if (info < 0)
        return lsc_error_set(err, LSC_ERR_NUMERIC, NULL, 0, 0, "dpotrf: illegal argument %d",
                             (int)-info);
    info = LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'U', n, 1, A, n, b, 1);
    if (info != 0)
        return lsc_error_set(err, LSC_ERR_NUMERIC, NULL, 0, 0, "dpotrs: illegal argument %d",
                             (int)-info);
    return LSC_OK;
}

enum lsc_status lsc_la_spd_inverse(double *A, size_t p, struct lsc_error *err)
{
    lapack_int n = (lapack_int)p;
    lapack_int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'U', n, A, n);
    if (info != 0)
        return lsc_error_set(err, LSC_ERR_NUMERIC, NULL, 0, 0,
                             "matrix is not positive definite (dpotrf info %d)", (int)info);
    info = LAPACKE_dpotri(LAPACK_ROW_MAJOR, 'U', n, A, n);
    if (info != 0)
        return lsc_error_set(err, LSC_ERR_NUMERIC, NULL, 0, 0,
                             "matrix is singular (dpotri info %d)", (int)info);
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < i; j++)
            A[i * p + j] = A[j * p + i];
    return LSC_OK;
}
