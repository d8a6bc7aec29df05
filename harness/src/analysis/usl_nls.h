/*
 * usl_nls.h - the Universal Scalability Law fitted by nonlinear least squares
 * (usl_nls.c), with 95% intervals:
 *
 *     X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))
 *
 * Ordinary unweighted least squares on every measurement (repeats allowed), as
 * R's nls and SciPy's curve_fit do by default, so that results can be checked
 * against them. Intervals come from the covariance at the solution (the inverse
 * of J'J times the residual variance) and Student's t with n - p degrees of
 * freedom; the peak and the predictions carry theirs by the delta method.
 */
#ifndef TWICE_USL_NLS_H
#define TWICE_USL_NLS_H

#include <stddef.h>

/* The parameters' order in usl_nls.cov. */
enum { USL_LAMBDA, USL_SIGMA, USL_KAPPA, USL_PARAMS };

typedef struct usl_estimate {
    double value;
    int has_ci;    /* 0: no interval (no degrees of freedom, or too few server counts) */
    double lo, hi; /* the 95% interval when has_ci */
} usl_estimate;

typedef struct usl_nls {
    int amdahl;    /* 1: kappa fixed at 0 and the law refitted with lambda and sigma */
    size_t points; /* measurements fitted */
    size_t counts; /* distinct server counts among them */
    size_t dof;    /* degrees of freedom: points - fitted parameters */
    double t95;    /* Student's t quantile 0.975 with dof degrees of freedom (0 when dof = 0) */
    usl_estimate lambda, sigma, kappa;
    double residual_se;                 /* sqrt(RSS / dof); 0 when dof = 0 */
    int has_peak;                       /* 1 when kappa > 0 and sigma < 1: throughput peaks at N* */
    usl_estimate peak_n, peak_x;        /* N* = sqrt((1 - sigma) / kappa) and X(N*) */
    double cov[USL_PARAMS][USL_PARAMS]; /* of the parameters; kappa's row and column are 0 when
                                           amdahl, all 0 when dof = 0 */
    char notes[1024]; /* what was fitted and what could not be, for people; "" when nothing */
} usl_nls;

typedef struct usl_prediction {
    double servers, value;
    int has_intervals;   /* 0 when the fit has no degrees of freedom */
    double ci_lo, ci_hi; /* 95% confidence interval of the mean X(N) */
    double pi_lo, pi_hi; /* 95% prediction interval of one new measurement */
} usl_prediction;

/**
 * Fits count measurements (n[i] servers, x[i] throughput). Every value must be
 * finite and positive, and there must be at least 2 distinct server counts:
 * with 2, Amdahl's law (kappa = 0) is fitted; with 3, kappa is fitted without
 * an interval; with 4 or more, kappa gets one, and when it contains 0 the law
 * is refitted as Amdahl's. Returns 0 with *fit filled in, or -1 with the reason
 * in err (bad input, or a solver that did not converge): never a NaN. Not
 * thread-safe: GSL's error handler, which aborts, is switched off for the call.
 */
int usl_nls_fit(const double *n, const double *x, size_t count, usl_nls *fit, char *err,
                size_t errlen);

/**
 * The law itself: lambda n / (1 + sigma (n - 1) + kappa n (n - 1)), for a curve through
 * figures read back from a report. Negative or infinite past a super-linear fit's pole.
 */
double usl_nls_law(double lambda, double sigma, double kappa, double n);

/**
 * The throughput fit predicts for servers (> 0), with its intervals. Returns 0,
 * or -1 with the reason in err when the law has no finite positive value there
 * (a super-linear fit whose denominator reaches 0).
 */
int usl_nls_predict(const usl_nls *fit, double servers, usl_prediction *out, char *err,
                    size_t errlen);

#endif
