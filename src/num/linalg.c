#include "linalg.h"

#include <cblas.h>
#include <lapacke.h>
#include <limits.h>

#include "status_internal.h"

/* BLAS takes int dimensions; callers keep blocks small (rows per block) and
 * feature counts far below INT_MAX, which these helpers rely on. */
static blasint to_blas(size_t v) { return v > INT_MAX ? INT_MAX : (blasint)v; }

void lsc_la_init(void)
{
    /* The kernels here run on blocks of ~1000 rows and p x p systems with p
     * in the hundreds: OpenBLAS's own threads only spin on them. leadscore
     * parallelises over rows itself (parallel.h). */
    openblas_set_num_threads(1);
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
