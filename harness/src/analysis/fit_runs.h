/*
 * fit_runs.h - the USL fitted to every repetition of a model's steps
 * (fit_runs.c), optionally leaving one server count out: the analysis fits
 * them all, a prediction of a measured count fits the others.
 */
#ifndef TWICE_FIT_RUNS_H
#define TWICE_FIT_RUNS_H

#include "analyze.h"

/**
 * Fits the throughputs of every step but those at excluded servers (0: none) with
 * usl_nls_fit. Returns 0, or -1 with why (too few server counts, a throughput that is not
 * above 0, a solver that failed, no memory).
 */
int fit_runs(const analysis_input *steps, size_t nsteps, unsigned excluded, usl_nls *fit, char *why,
             size_t whylen);

#endif
