/* linalg - the one module that talks to CBLAS and LAPACKE (OpenBLAS).
 * Matrices are row-major unless said otherwise. */
#ifndef LSC_SRC_LINALG_H
#define LSC_SRC_LINALG_H

#include <stddef.h>

#include "leadscore/status.h"

/* Sets OpenBLAS to one thread (process-wide) and has it take its work
 * buffer now: call before fitting. LSC_ERR_NOMEM when there is no room for
 * the buffer (OpenBLAS would retry forever). */
enum lsc_status lsc_la_init(struct lsc_error *err);

/* out[i] = sum_j X[i,j] v[j] for an m x q matrix (out overwritten). */
void lsc_la_gemv(const double *X, size_t m, size_t q, const double *v, double *out);
/* out[j] += sum_i X[i,j] r[i]. */
void lsc_la_gemv_t_acc(const double *X, size_t m, size_t q, const double *r, double *out);
/* Upper triangle of the q x q row-major C += X' X (dsyrk). */
void lsc_la_syrk_acc(const double *X, size_t m, size_t q, double *C);
/* Solves A x = b for symmetric positive definite A (p x p, overwritten by its
 * Cholesky factor; b overwritten by x) with dpotrf/dpotrs. LSC_ERR_NUMERIC
 * when A is not positive definite (LAPACK's info says which minor). */
enum lsc_status lsc_la_cholesky_solve(double *A, size_t p, double *b, struct lsc_error *err);
/* Inverts an SPD matrix in place (dpotrf + dpotri, full matrix filled). */
enum lsc_status lsc_la_spd_inverse(double *A, size_t p, struct lsc_error *err);

#endif
