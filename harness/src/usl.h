/*
 * usl.h - the Universal Scalability Law (usl.c):
 *
 *     X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))
 *
 * sigma is contention (a serial fraction: Amdahl's law when kappa = 0),
 * kappa is coherency (the cost of servers keeping each other in step, which
 * makes throughput fall past a peak), lambda the throughput of one server.
 */
#ifndef TWICE_USL_H
#define TWICE_USL_H

#include <stddef.h>

typedef struct usl_fit {
    int fitted;  /* 0: too few points to fit anything, or refused */
    int refused; /* 1: these points cannot be fitted (a throughput not > 0, a fit that does
                    not come out finite): note says why, and every figure is 0 */
    int amdahl;  /* 1: kappa was not fitted (too few points, or it came out negative) */
    double lambda, sigma, kappa;
    int has_errors; /* 1 when there were points to spare for standard errors */
    double sigma_se, kappa_se;
    double r2;        /* of the fitted X(N) against the measured ones */
    double peak_n;    /* sqrt((1 - sigma) / kappa) when kappa > 0; 0 when there is no peak */
    const char *note; /* why something is missing, for people; "" when nothing is */
} usl_fit;

/**
 * Fits points (n[i] servers, x[i] throughput; n distinct and >= 1). Needs
 * 2 server counts for sigma (Amdahl), 3 for sigma and kappa, and one more
 * for standard errors. sigma is kept in [0, 1] and kappa >= 0. Every figure
 * of the result is finite: points that would make one NaN or infinite (a
 * throughput of 0) are refused, with a note that says so.
 */
usl_fit usl_fit_points(const double *n, const double *x, size_t count);
/** The throughput the fit predicts for n servers. */
double usl_predict(const usl_fit *fit, double n);

#endif
