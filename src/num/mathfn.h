/* mathfn - scalar functions of the logistic model, computed without
 * overflow: used by the fit (log-loss, design view, CV), the scorer and the
 * comparison alike, so they sit below all of them. */
#ifndef LSC_SRC_MATHFN_H
#define LSC_SRC_MATHFN_H

/* log(1 + exp(x)), exact for large |x| (no overflow, no loss to 0). */
double lsc_mathfn_log1pexp(double x);

/* The logistic function 1 / (1 + exp(-x)), without overflow for any x. */
double lsc_mathfn_sigmoid(double x);

#endif
