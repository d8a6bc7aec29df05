/*
 * usl.h - the Universal Scalability Law as the run's analysis and the HTML
 * report use it today (usl.c):
 *
 *     X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))
 *
 * sigma is contention (a serial fraction: Amdahl's law when kappa = 0),
 * kappa is coherency (the cost of servers keeping each other in step, which
 * makes throughput fall past a peak), lambda the throughput of one server.
 * The fit itself is usl_nls.h's nonlinear least squares; this is its summary.
 */
#ifndef TWICE_USL_H
#define TWICE_USL_H

#include <stddef.h>

typedef struct usl_fit {
    int fitted; /* 0: nothing could be fitted (note says why) */
    int amdahl; /* 1: kappa fixed at 0 (too few server counts, or not distinguishable from 0) */
    double lambda, sigma, kappa;
    int has_errors;            /* 1 when there were degrees of freedom for standard errors */
    double sigma_se, kappa_se; /* kappa_se is 0 when amdahl */
    double r2;                 /* of the fitted X(N) against the measured ones */
    double peak_n;   /* sqrt((1 - sigma) / kappa) when kappa > 0; 0 when there is no peak */
    char note[1024]; /* why something is missing, for people; "" when nothing is */
} usl_fit;

/**
 * Fits points (n[i] servers, x[i] throughput, finite and positive) with
 * usl_nls_fit; fitted is 0, and note says why, when it cannot be done.
 */
usl_fit usl_fit_points(const double *n, const double *x, size_t count);
/** The throughput the fit predicts for n servers. */
double usl_predict(const usl_fit *fit, double n);

#endif
